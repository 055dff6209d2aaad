"""GraphML: for yEd, Gephi, Cytoscape, igraph and networkx (``networkx.read_graphml``).

Attributes are scalars only: lists (aliases) are joined with ``|``. Node ids are ``n0``,
``n1`` … because GraphML 1.0 makes them NMTOKENs, which a key such as ``brand:党建+八大员``
or one holding ``、“”()`` is not; the readable key is the node's ``key`` attribute. Edges
carry an ``id`` (``e0``, ``e1`` …), a ``label`` (the predicate) and a ``weight`` (articles,
at least 1). The file validates against the GraphML 1.0 schema (tests/schemas/).
"""

from __future__ import annotations

from pathlib import Path

from ..build import GraphView
from ..models import NODE_COLUMNS, Edge
from .files import Written, atomic_open, file_target, xml_attr, xml_text

NS = "http://graphml.graphdrawing.org/xmlns"
EDGE_KEYS: tuple[tuple[str, str], ...] = (
    ("label", "string"),
    ("weight", "double"),
    ("predicate", "string"),
    ("articles", "int"),
    ("first_date", "string"),
    ("last_date", "string"),
    ("confidence", "double"),
    ("evidence", "string"),
    ("article", "string"),
    ("file", "string"),
    ("title", "string"),
)


def edge_values(edge: Edge) -> dict[str, str | int | float]:
    return {"label": edge.predicate, "weight": float(max(edge.articles, 1)), **edge.flat()}


def write_graphml(view: GraphView, path: str | Path) -> Written:
    """Write ``view`` as GraphML to ``path`` (atomically)."""
    target = file_target(path)
    node_keys = ["key", *NODE_COLUMNS, *(a for a in view.attr_names() if a not in NODE_COLUMNS)]
    node_ids = {name: f"dn{i}" for i, name in enumerate(node_keys)}
    edge_ids = {name: f"de{i}" for i, (name, _) in enumerate(EDGE_KEYS)}
    nodes = edges = 0
    ids: dict[str, str] = {}  # store key → node id
    with atomic_open(target) as fh:
        fh.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<graphml xmlns="{NS}">\n')
        for name in node_keys:
            fh.write(f'  <key id="{node_ids[name]}" for="node" attr.name={xml_attr(name)} attr.type="string"/>\n')
        for name, kind in EDGE_KEYS:
            fh.write(f'  <key id="{edge_ids[name]}" for="edge" attr.name="{name}" attr.type="{kind}"/>\n')
        fh.write('  <graph id="zxkg" edgedefault="directed">\n')
        for node in view.nodes():
            ids[node.key] = node_id = f"n{nodes}"
            fh.write(f'    <node id="{node_id}">')
            values = {"key": node.key, **node.flat()}
            for name in node_keys:
                value = values.get(name, "")
                if value != "":
                    fh.write(f'<data key="{node_ids[name]}">{xml_text(value)}</data>')
            fh.write("</node>\n")
            nodes += 1
        for edge in view.edges():
            fh.write(f'    <edge id="e{edges}" source="{ids[edge.source]}" target="{ids[edge.target]}">')
            for name, value in edge_values(edge).items():
                if value != "":
                    fh.write(f'<data key="{edge_ids[name]}">{xml_text(value)}</data>')
            fh.write("</edge>\n")
            edges += 1
        fh.write("  </graph>\n</graphml>\n")
    return Written(str(target), (("nodes", nodes), ("edges", edges)))
