"""Cytoscape JSON (``.cyjs``): opens in Cytoscape desktop (File → Import → Network) and
Cytoscape.js (``cy.json(...)``), and reads back with ``networkx.cytoscape_graph``.

Nodes carry ``id``, ``name`` (what Cytoscape shows) and ``value`` (the id again, which
networkx uses); edges ``id``, ``source``, ``target``, ``interaction`` (the predicate, as
Cytoscape names an edge's type) and ``key``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..build import GraphView
from .files import Written, atomic_open, file_target
from .nodelink import edge_record


def write_cyjs(view: GraphView, path: str | Path) -> Written:
    """Write ``view`` as Cytoscape JSON to ``path`` (atomically)."""
    target = file_target(path)
    nodes = edges = 0
    with atomic_open(target) as fh:
        fh.write(
            '{"format_version": "1.0", "generated_by": "zxkg", "target_cytoscapejs_version": "~2.1",\n'
            '"data": {"name": "zxkg", "shared_name": "zxkg"}, "directed": true, "multigraph": true,\n'
            '"elements": {"nodes": ['
        )
        for node in view.nodes():
            data: dict[str, Any] = {**node.data(), "id": node.key, "value": node.key, "name": node.label}
            data["shared_name"] = node.label
            fh.write(",\n" if nodes else "\n")
            fh.write(json.dumps({"data": data}, ensure_ascii=False))
            nodes += 1
        fh.write('\n], "edges": [')
        for edge in view.edges():
            rec = edge_record(edge)
            evidence = rec.pop("evidence")
            data = {"id": f"e{edges}", **rec, "interaction": edge.predicate, "shared_interaction": edge.predicate}
            data.update({"evidence": evidence["quote"], "article": evidence["article"], "file": evidence["file"]})
            fh.write(",\n" if edges else "\n")
            fh.write(json.dumps({"data": data}, ensure_ascii=False))
            edges += 1
        fh.write("\n]}}\n")
    return Written(str(target), (("nodes", nodes), ("edges", edges)))
