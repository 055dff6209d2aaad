"""The adoption table and its region-by-year panel, as CSV or a workbook for diffusion research.

``adoptions``: one row per (region, term) — who adopted what, first when, how often, on
what evidence: the first sentence with its article's id, file (its path under the ingested
directory), title, URL and source, how many sentences stand behind the row
(``zxkg adopters TERM --all-evidence`` lists them), and its review (accepted, added, or
rejected when asked for). ``panel``: one row per region, term and year, ``adopted`` 0
until the year of adoption and 1 from then on (empty when the adoption's article carries
no date).

CSV files start with a UTF-8 byte-order mark unless told not to (``bom=False``; the
command line's ``--no-bom``): Excel on a Chinese Windows reads a CSV without one in the
local code page (GBK) and shows every Chinese cell garbled, while pandas, R's readr and
Python's ``utf-8-sig`` read the mark as what it is. ``write_workbook`` writes both tables
as sheets of one .xlsx file instead.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable
from pathlib import Path

from ..models import Adoption, PanelRow
from .files import Written, atomic_open, file_target

ADOPTION_COLUMNS = (
    "region",
    "region_code",
    "level",
    "province",
    "term",
    "kind",
    "predicate",
    "first_date",
    "year",
    "articles",
    "evidence",
    "article",
    "file",
    "title",
    "last_date",
    "confidence",
    "review",
    "url",
    "source",
    "evidence_count",
)
PANEL_COLUMNS = (
    "region", "region_code", "level", "province", "term", "kind", "year", "adopted", "first_year", "review",
)  # fmt: skip


def _opt(value: int | None) -> str | int:
    return "" if value is None else value


def adoption_row(a: Adoption) -> list[object]:
    """One row of the adoption table, in the order of ``ADOPTION_COLUMNS``."""
    return [
        a.region, a.code, a.level, a.province, a.term, a.kind, a.predicate, a.first_date, _opt(a.year),
        a.articles, a.evidence, a.article, a.file, a.title, a.last_date, round(a.confidence, 4),
        a.review,
        a.url, a.source, a.evidence_count,
    ]  # fmt: skip


def write_adoptions(rows: Iterable[Adoption], path: str | Path, bom: bool = True) -> Written:
    """Write the adoption table to ``path`` (atomically)."""
    target = file_target(path)
    tally = itertools.count()  # zip draws a number after each row it got, none at the end
    with atomic_open(target, bom=bom) as fh:
        w = csv.writer(fh)
        w.writerow(ADOPTION_COLUMNS)
        w.writerows(adoption_row(a) for a, _ in zip(rows, tally, strict=False))
    return Written(str(target), (("rows", next(tally)),))


def panel_row(r: PanelRow) -> list[object]:
    """One row of the panel, in the order of ``PANEL_COLUMNS``."""
    return [r.region, r.code, r.level, r.province, r.term, r.kind, r.year, _opt(r.adopted), _opt(r.first_year),
            r.review]  # fmt: skip


def write_panel(rows: Iterable[PanelRow], path: str | Path, bom: bool = True) -> Written:
    """Write the region-by-year panel to ``path`` (atomically)."""
    target = file_target(path)
    n = 0
    with atomic_open(target, bom=bom) as fh:
        w = csv.writer(fh)
        w.writerow(PANEL_COLUMNS)
        for r in rows:
            w.writerow(panel_row(r))
            n += 1
    return Written(str(target), (("rows", n),))
