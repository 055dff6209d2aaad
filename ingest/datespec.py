"""A date a user types as a filter: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, and a real one.

The pattern alone lets ``2024-13`` and ``2024-02-30`` through, and a bound past the end of
a month compares as a text prefix would: silently nothing, or everything. Every edge that
takes a date (the command line's ``--since``/``--until``, the API's ``since``/``until``,
search's date filters) checks it here, and the error says what would have been valid.
"""

from __future__ import annotations

import calendar
import re

from .errors import UsageError

_FORM = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
FORMS = "YYYY, YYYY-MM or YYYY-MM-DD"


def date_problem(value: str) -> str:
    """Why ``value`` is not a date of the three forms ("" when it is one)."""
    m = _FORM.match(value)
    if m is None:
        return f"expected {FORMS}"
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if year < 1:
        return "there is no year 0000"
    if month is None:
        return ""
    if not 1 <= int(month) <= 12:
        return f"there is no month {month}; months run 01–12"
    if day is None:
        return ""
    last = calendar.monthrange(year, int(month))[1]
    if not 1 <= int(day) <= last:
        return f"{year}-{month} has days 01–{last:02d}"
    return ""


def check_date(value: str, name: str) -> str:
    """``value`` stripped if it is empty or a real date, else a ``UsageError`` (exit 2, HTTP 400)
    naming ``name`` (``--since``), the value and what is valid."""
    value = value.strip()
    problem = date_problem(value) if value else ""
    if problem:
        forms = "" if problem.endswith(FORMS) else f" ({FORMS})"
        raise UsageError(f"{name} {value!r} is not a date: {problem}{forms}")
    return value
