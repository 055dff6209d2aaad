"""Neo4j bulk import: a directory with ``nodes.csv`` and ``relationships.csv``.

Headers follow ``neo4j-admin database import``: ``key:ID`` and ``:LABEL`` (``Entity`` and
the kind, e.g. ``Entity;Region``) for nodes; ``:START_ID``, ``:END_ID``, ``:TYPE`` (the
predicate in capitals, ``ADOPTS``) for relationships; typed properties (``articles:int``,
``first_date:date``); aliases as a ``string[]`` separated by ``;``. Line breaks inside
values become spaces, so the files import without ``--multiline-fields``::

    neo4j-admin database import full --nodes=DIR/nodes.csv --relationships=DIR/relationships.csv neo4j
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..build import GraphView
from ..models import NODE_COLUMNS
from .files import Written, atomic_open, dir_target

NODE_TYPES = {"start": "date"}
EDGE_HEADER = (
    ":START_ID",
    ":END_ID",
    ":TYPE",
    "articles:int",
    "first_date:date",
    "last_date:date",
    "confidence:double",
    "evidence",
    "article",
    "file",
    "title",
)


def _cell(value: object) -> str:
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def write_neo4j(view: GraphView, directory: str | Path) -> Written:
    """Write ``view`` as Neo4j import CSV files into ``directory`` (each file atomically)."""
    target = dir_target(directory)
    columns = [c for c in NODE_COLUMNS if c != "label"] + [a for a in view.attr_names() if a not in NODE_COLUMNS]
    header = ["key:ID"]
    for c in columns:
        typed = NODE_TYPES.get(c, "string[]" if c == "aliases" else "")
        header.append(f"{c}:{typed}" if typed else c)
    header.append(":LABEL")
    nodes = edges = 0
    with atomic_open(target / "nodes.csv") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for node in view.nodes():
            data = node.data()
            row = [node.key]
            for c in columns:
                value = data.get(c, "")
                row.append(";".join(_cell(v) for v in value) if isinstance(value, list) else _cell(value))
            row.append(f"Entity;{node.kind.capitalize()}")
            w.writerow(row)
            nodes += 1
    with atomic_open(target / "relationships.csv") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(EDGE_HEADER)
        for edge in view.edges():
            w.writerow(
                [edge.source, edge.target, edge.predicate.upper()]
                + [_cell(v) for k, v in edge.flat().items() if k != "predicate"]
            )
            edges += 1
    return Written(str(target), (("nodes", nodes), ("relationships", edges)))
