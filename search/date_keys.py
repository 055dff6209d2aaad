"""Dates as integers the engines range over: ``YYYY[-MM[-DD]]`` as YYYYMMDD.

tantivy and PostgreSQL store an article's date as this key and turn ``--since`` /
``--until`` into bounds of it, so a partial date compares as the span it names.
"""

from __future__ import annotations


def date_key(date: str) -> int:
    """``YYYY[-MM[-DD]]`` as YYYYMMDD, missing parts 00; 0 for no (or no readable) date."""
    parts = date.split("-")
    if not date or len(parts) > 3 or not all(p.isdigit() for p in parts):
        return 0
    year, month, day = [*parts, "0", "0"][:3]
    return int(year) * 10_000 + int(month) * 100 + int(day)


def date_bound(value: str, upper: bool) -> int:
    """The ``date_key`` bound of an inclusive ``--since`` / ``--until`` (2024-05 until → 20240599)."""
    key = date_key(value)
    if not upper:
        return key
    depth = value.count("-")
    return key + (9999 if depth == 0 else 99 if depth == 1 else 0)
