"""Node-link JSON (format ``json``): networkx's ``node_link_data`` shape, evidence included.

``{"directed": true, "multigraph": true, "graph": {...}, "nodes": [{"id": ...}],
"edges": [{"source": ..., "target": ..., "key": predicate, "evidence": {...}}]}`` — read
it back with ``networkx.node_link_graph(data, edges="edges")`` (networkx >= 3.4;
``link="edges"`` before: the README's recipe runs on both), or feed it to D3.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..build import GraphView
from ..models import Edge
from .files import Written, atomic_open, file_target


def edge_record(edge: Edge) -> dict[str, Any]:
    return {
        "source": edge.source,
        "target": edge.target,
        "key": edge.predicate,
        "predicate": edge.predicate,
        "articles": edge.articles,
        "first_date": edge.first_date,
        "last_date": edge.last_date,
        "confidence": round(edge.confidence, 4),
        "evidence": {"quote": edge.evidence, "article": edge.article, "file": edge.file, "title": edge.title},
    }


def write_node_link(view: GraphView, path: str | Path) -> Written:
    """Write ``view`` as node-link JSON to ``path`` (atomically), one node or edge a line."""
    target = file_target(path)
    nodes = edges = 0
    with atomic_open(target) as fh:
        fh.write('{"directed": true, "multigraph": true, "graph": {"name": "zxkg"},\n"nodes": [')
        for node in view.nodes():
            fh.write(",\n" if nodes else "\n")
            fh.write(json.dumps({"id": node.key, **node.data()}, ensure_ascii=False))
            nodes += 1
        fh.write('\n],\n"edges": [')
        for edge in view.edges():
            fh.write(",\n" if edges else "\n")
            fh.write(json.dumps(edge_record(edge), ensure_ascii=False))
            edges += 1
        fh.write("\n]}\n")
    return Written(str(target), (("nodes", nodes), ("edges", edges)))
