"""Dates of relations as the store keeps them: one integer, ``YYYYMMDD``.

An article's date may be a day, a month or only a year (``2024-05-24``, ``2024-05``,
``2024``); the missing parts are zeros (20240524, 20240500, 20240000), so the integers sort
as the ISO texts do, and a bound ``until 2024-05`` is every day number up to 20240599.
Four bytes in a row and in each index that holds it, where the text took twenty in a
UTF-16 store. ``text_of`` turns one back into the text in SQL.
"""

from __future__ import annotations

import re

from .dialect import Dialect

_ISO = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def day(date: str | None) -> int | None:
    """``2024-05-24`` → 20240524, ``2024-05`` → 20240500, ``2024`` → 20240000; None when unknown."""
    m = _ISO.match(date or "")
    if m is None:
        return None
    return int(m.group(1)) * 10_000 + int(m.group(2) or 0) * 100 + int(m.group(3) or 0)


def text(value: int | None) -> str:
    """The ISO text of a day number ("" for none): the inverse of ``day``."""
    if value is None:
        return ""
    year, month, dd = value // 10_000, value // 100 % 100, value % 100
    if not month:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" if not dd else f"{year:04d}-{month:02d}-{dd:02d}"


def until(date: str) -> int | None:
    """The last day number ``until date`` keeps, inclusively (``2024-05`` → 20240599)."""
    first = day(date)
    if first is None:
        return None
    if first % 10_000 == 0:
        return first + 9_999
    return first + 99 if first % 100 == 0 else first


def text_of(d: Dialect, column: str) -> str:
    """SQL: the ISO text of the day number in ``column`` (NULL stays NULL)."""
    c = column
    year, month, dd = d.padded(f"{c} / 10000", 4), d.padded(f"{c} / 100 % 100", 2), d.padded(f"{c} % 100", 2)
    return (
        f"CASE WHEN {c} IS NULL THEN NULL WHEN {c} % 10000 = 0 THEN {year}"
        f" WHEN {c} % 100 = 0 THEN {year} || '-' || {month}"
        f" ELSE {year} || '-' || {month} || '-' || {dd} END"
    )
