"""Plain CSV (format ``csv``): a directory with ``nodes.csv`` and ``edges.csv``.

For spreadsheets, R, pandas, igraph or Gephi's spreadsheet import: ``nodes.csv`` has
``id`` and every node attribute (lists joined with ``|``); ``edges.csv`` has ``source``,
``target`` and the aggregated relation with its first evidence.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..build import GraphView
from ..models import NODE_COLUMNS
from .files import Written, atomic_open, dir_target
from .graphml import EDGE_KEYS

EDGE_COLUMNS = ("source", "target", *(n for n, _ in EDGE_KEYS if n not in ("label", "weight")))


def write_csv(view: GraphView, directory: str | Path) -> Written:
    """Write ``view`` as ``nodes.csv`` and ``edges.csv`` into ``directory`` (each atomically)."""
    target = dir_target(directory)
    columns = ["id", *NODE_COLUMNS, *(a for a in view.attr_names() if a not in NODE_COLUMNS)]
    nodes = edges = 0
    with atomic_open(target / "nodes.csv") as fh:
        w = csv.writer(fh)
        w.writerow(columns)
        for node in view.nodes():
            values = {"id": node.key, **node.flat()}
            w.writerow([values.get(c, "") for c in columns])
            nodes += 1
    with atomic_open(target / "edges.csv") as fh:
        w = csv.writer(fh)
        w.writerow(EDGE_COLUMNS)
        for edge in view.edges():
            values = {"source": edge.source, "target": edge.target, **edge.flat()}
            w.writerow([values[c] for c in EDGE_COLUMNS])
            edges += 1
    return Written(str(target), (("nodes", nodes), ("edges", edges)))
