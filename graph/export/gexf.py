"""GEXF 1.2, dynamic: Gephi's timeline plays the diffusion.

The graph is ``mode="dynamic"`` with ``timeformat="date"``. A node starts at the first
date of its relations in the export, an edge at its first date (partial dates become the
first day: ``2024-05`` → ``2024-05-01``); undated nodes (regions known only from the
division table) are there all along. An undated edge (part_of, an undated adoption) starts
with its later endpoint, so the timeline never shows an edge before both its nodes. Edges
weigh their number of articles (at least 1).
"""

from __future__ import annotations

from pathlib import Path

from ..build import GraphView
from ..models import NODE_COLUMNS, iso_date
from .files import Written, atomic_open, file_target, xml_attr
from .graphml import EDGE_KEYS

NS = "http://www.gexf.net/1.2draft"
GEXF_TYPES = {"string": "string", "int": "integer", "double": "double"}
EDGE_ATTRS = tuple((n, GEXF_TYPES[t]) for n, t in EDGE_KEYS if n not in ("label", "weight"))


def write_gexf(view: GraphView, path: str | Path) -> Written:
    """Write ``view`` as dynamic GEXF 1.2 to ``path`` (atomically)."""
    target = file_target(path)
    # label and start are the node's own XML attributes, not columns
    node_attrs = [c for c in NODE_COLUMNS if c not in ("label", "start")]
    node_attrs += [a for a in view.attr_names() if a not in NODE_COLUMNS]
    nodes = edges = 0
    starts: dict[str, str] = {}  # node key → its start, for the undated edges
    with atomic_open(target) as fh:
        fh.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<gexf xmlns="{NS}" version="1.2">\n'
            "  <meta><creator>zxkg</creator><description>regions, mechanisms, brands and documents"
            " of committee news, with the date each relation was first reported</description></meta>\n"
            '  <graph mode="dynamic" defaultedgetype="directed" timeformat="date">\n'
            '    <attributes class="node" mode="static">\n'
        )
        for i, name in enumerate(node_attrs):
            fh.write(f'      <attribute id="{i}" title={xml_attr(name)} type="string"/>\n')
        fh.write('    </attributes>\n    <attributes class="edge" mode="static">\n')
        for i, (name, kind) in enumerate(EDGE_ATTRS):
            fh.write(f'      <attribute id="{i}" title="{name}" type="{kind}"/>\n')
        fh.write("    </attributes>\n    <nodes>\n")
        for node in view.nodes():
            start = iso_date(node.start)
            if start:
                starts[node.key] = start
            span = f' start="{start}"' if start else ""
            fh.write(f"      <node id={xml_attr(node.key)} label={xml_attr(node.label)}{span}><attvalues>")
            values = node.flat()
            for i, name in enumerate(node_attrs):
                value = values.get(name, "")
                if value != "":
                    fh.write(f'<attvalue for="{i}" value={xml_attr(value)}/>')
            fh.write("</attvalues></node>\n")
            nodes += 1
        fh.write("    </nodes>\n    <edges>\n")
        for edge in view.edges():
            ends = [starts[k] for k in (edge.source, edge.target) if k in starts]
            start = iso_date(edge.first_date) or max(ends, default="")
            span = f' start="{start}"' if start else ""
            fh.write(
                f'      <edge id="{edges}" source={xml_attr(edge.source)} target={xml_attr(edge.target)}'
                f' label="{edge.predicate}" weight="{max(edge.articles, 1)}"{span}><attvalues>'
            )
            values = edge.flat()
            for i, (name, _) in enumerate(EDGE_ATTRS):
                value = values[name]
                if value != "":
                    fh.write(f'<attvalue for="{i}" value={xml_attr(value)}/>')
            fh.write("</attvalues></edge>\n")
            edges += 1
        fh.write("    </edges>\n  </graph>\n</gexf>\n")
    return Written(str(target), (("nodes", nodes), ("edges", edges)))
