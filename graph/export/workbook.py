"""The adoption table and its panel as one Excel workbook (.xlsx), written as it streams.

openpyxl's write-only mode keeps no cell in memory: a row goes to the sheet's XML as it
comes, so a table of a million rows costs the memory of one. A sheet holds at most
1,048,576 rows; a longer table goes on over sheets named ``adoptions (2)`` and so on, each
with the header. Text is cleaned of the control characters the format cannot hold and cut
at a cell's limit (32,767 characters); numbers stay numbers, dates stay text (a date may be
a month or a year only).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .files import Written, atomic_path, file_target

MAX_ROWS = 1_048_576  # a sheet's rows, the header's included
MAX_CELL = 32_767


def write_workbook(
    tables: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]],
    path: str | Path,
    max_rows: int = MAX_ROWS,
) -> Written:
    """Write each ``(name, columns, rows)`` of ``tables`` as sheets of one workbook at ``path``
    (atomically); counts are rows per table."""
    from openpyxl import Workbook

    target = file_target(path)
    counts: list[tuple[str, int]] = []
    with atomic_path(target) as tmp:
        book = Workbook(write_only=True)
        for name, columns, rows in tables:
            n = 0
            part = 1
            sheet = _sheet(book, name, columns)
            in_sheet = 1
            for row in rows:
                if in_sheet >= max_rows:
                    part += 1
                    sheet = _sheet(book, f"{name} ({part})", columns)
                    in_sheet = 1
                sheet.append([_cell(v) for v in row])
                in_sheet += 1
                n += 1
            counts.append((f"{name} rows", n))
        book.save(tmp)
    return Written(str(target), tuple((what, n) for what, n in counts))


def _sheet(book: Any, name: str, columns: Sequence[str]) -> Any:
    sheet = book.create_sheet(title=name[:31])  # Excel's limit on a sheet's name
    sheet.freeze_panes = "A2"
    sheet.append(list(columns))
    return sheet


def _cell(value: object) -> object:
    if value is None or isinstance(value, int | float):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_CELL]
