"""The columns of an entity that every row naming it repeats, read once per connection.

A row of the adoption table names its region (name, code, level, province) and its term
(name, kind). The adoption pairs keep those columns beside each pair, but reading them
there costs as much per row as the row's own facts: a SQLite store keeps text as UTF-16
and hands every text column over converted to UTF-8, about 0.3 µs a column. A term's
adopters name a few thousand pairs but their regions are among the country's few
thousand divisions, so the columns are read here once and looked up by key.

An entity never changes under its key (a region's key is its code, a term's its kind and
name; rows are inserted or left alone, never updated), so what was read stays true for
as long as the connection lives; an entity an ingest adds later is read when first named.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from .connection import Connection
from .dialect import Dialect

RegionColumns = tuple[str, str, str, str, str]  # key, name, code, level, province
TermColumns = tuple[str, str, str]  # key, name, kind


class EntityColumns:
    """Regions' and terms' columns by key (the key first: a row of the adoption table starts
    with them as they are), read from ``entities`` when first asked for."""

    def __init__(self) -> None:
        self.regions: dict[str, RegionColumns] = {}
        self.terms: dict[str, TermColumns] = {}

    def read(self, conn: Connection, d: Dialect, keys: Iterable[str]) -> None:
        """Make sure the columns of ``keys`` are known (one query for the ones that are not)."""
        known = self.terms
        missing = sorted(set(keys).difference(known))
        if not missing:
            return
        sql = (
            "SELECT key, name, coalesce(code, ''), coalesce(level, ''), coalesce(province, ''), kind"
            f" FROM entities WHERE {d.any_of('key')}"
        )
        for key, name, code, level, province, kind in conn.execute(sql, (json.dumps(missing, ensure_ascii=False),)):
            self.regions[key] = (key, name, code, level, province)
            known[key] = (key, name, kind)
        lost = [k for k in missing if k not in known]
        if lost:
            # A pair names an entity the store no longer holds: `zxkg check` finds and repairs that.
            raise LookupError(f"adoption pairs name entities the store lacks: {', '.join(lost[:5])}")
