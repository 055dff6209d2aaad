"""Neo4j bulk import: a directory with ``nodes.csv`` and ``relationships.csv``.

Headers follow ``neo4j-admin database import``: ``key:ID`` and ``:LABEL`` (``Entity`` and
the kind, e.g. ``Entity;Region``) for nodes; ``:START_ID``, ``:END_ID``, ``:TYPE`` (the
predicate in capitals, ``ADOPTS``) for relationships; typed properties (``articles:int``,
``confidence:double``); aliases as a ``string[]`` separated by ``;``.

Values are written as the JSON export has them, whitespace included: an evidence sentence
is the article's text between its offsets, so a leading space, a tab or a line break stays
(the CSV quotes such a field; import with ``--multiline-fields=true``).

Dates keep their precision: an article dated ``2024`` or ``2024-05`` says no more, and a
``:date`` column would make it 2024-01-01 or 2024-05-01 (as Cypher's ``date('2024-05')``
does). So ``start``, ``first_date`` and ``last_date`` are strings (``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD``), and ``start_day``, ``first_day`` and ``last_day`` are ``:date`` only where
the date is a whole day (empty, so no property, where it is not)::

    neo4j-admin database import full --multiline-fields=true \\
        --nodes=DIR/nodes.csv --relationships=DIR/relationships.csv neo4j
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from ..build import GraphView
from ..models import NODE_COLUMNS
from .files import Written, atomic_open, dir_target

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# The string columns of dates and the ``:date`` column each gets beside it (whole days only).
DAY_COLUMNS = {"start": "start_day", "first_date": "first_day", "last_date": "last_day"}
EDGE_COLUMNS = ("articles", "first_date", "last_date", "confidence", "evidence", "article", "file", "title")
EDGE_TYPES = {"articles": "int", "confidence": "double"}
EDGE_HEADER = (
    ":START_ID",
    ":END_ID",
    ":TYPE",
    *(f"{c}:{EDGE_TYPES[c]}" if c in EDGE_TYPES else c for c in EDGE_COLUMNS),
    *(f"{DAY_COLUMNS[c]}:date" for c in ("first_date", "last_date")),
)


def whole_day(value: object) -> str:
    """``value`` when it is a whole day (``YYYY-MM-DD``), else "" (the property is left out)."""
    return value if isinstance(value, str) and DAY.fullmatch(value) else ""


def write_neo4j(view: GraphView, directory: str | Path) -> Written:
    """Write ``view`` as Neo4j import CSV files into ``directory`` (each file atomically)."""
    target = dir_target(directory)
    columns = [c for c in NODE_COLUMNS if c != "label"] + [a for a in view.attr_names() if a not in NODE_COLUMNS]
    header = ["key:ID", *(f"{c}:string[]" if c == "aliases" else c for c in columns), "start_day:date", ":LABEL"]
    nodes = edges = 0
    with atomic_open(target / "nodes.csv") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for node in view.nodes():
            data = node.data()
            row = [node.key]
            for c in columns:
                value = data.get(c, "")
                row.append(";".join(str(v) for v in value) if isinstance(value, list) else str(value))
            row += [whole_day(data.get("start")), f"Entity;{node.kind.capitalize()}"]
            w.writerow(row)
            nodes += 1
    with atomic_open(target / "relationships.csv") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(EDGE_HEADER)
        for edge in view.edges():
            flat = edge.flat()
            w.writerow(
                [edge.source, edge.target, edge.predicate.upper()]
                + [str(flat[c]) for c in EDGE_COLUMNS]
                + [whole_day(flat["first_date"]), whole_day(flat["last_date"])]
            )
            edges += 1
    return Written(str(target), (("nodes", nodes), ("relationships", edges)))
