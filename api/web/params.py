"""Query parameters several routers share, stated once so the OpenAPI document and the server agree."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

# A real date's shape: months 01–12, days 01–31, years from 1000. The server still refuses
# a day past its month's end (2024-02-30) with 400, which no pattern can say.
DATE_PATTERN = r"^$|^[1-9]\d{3}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
DateParam = Annotated[str, Query(max_length=10, pattern=DATE_PATTERN, description="YYYY[-MM[-DD]]")]
