"""Cascades as files: a CSV for event-history and network-inference tools, a dynamic GEXF for Gephi.

``cascade`` (CSV): one row per adoption — the unit (region), the policy (term), when it
adopted (date and year), the class of the adoption, the source unit it follows (the most
recent earlier adopter of its class) with that one's date and the lag, every unit it
follows, and the evidence of both. Undated adoptions are rows of class ``undated`` with
empty dates. Event-history models read unit, policy and year; network inference
(NetInf-style) reads the cascades of (unit, time) and the source column as a check.

``cascade-gexf``: regions as nodes, an edge from each adopter to every later adopter that
follows it, per term; dynamic (``timeformat="date"``), nodes starting at their first
adoption and edges at the later adoption, so Gephi's timeline plays the spread. Written
by networkx's own GEXF writer.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from ..cascade import UNDATED, Cascade, cascade_graph
from .files import Written, atomic_open, file_target

CASCADE_COLUMNS = (
    "unit", "unit_code", "level", "province", "policy", "kind", "adopted", "year", "class",
    "source", "source_code", "source_date", "lag_days", "follows", "evidence", "article",
    "source_evidence", "source_article",
)  # fmt: skip


def cascade_rows(c: Cascade) -> Iterable[list[object]]:
    """The rows of one cascade, in the order of ``CASCADE_COLUMNS``: dated first, by date."""
    for s in c.steps:
        a, src = s.adoption, s.source
        yield [
            a.region, a.code, a.level, a.province, a.term, a.kind, a.first_date, a.year or "", s.channel,
            src.adoption.region if src else "", src.adoption.code if src else "",
            src.adoption.first_date if src else "", "" if src is None else src.lag_days,
            "|".join(f.adoption.code or f.adoption.region for f in s.follows), a.evidence, a.article,
            src.adoption.evidence if src else "", src.adoption.article if src else "",
        ]  # fmt: skip
    for a in c.undated:
        yield [a.region, a.code, a.level, a.province, a.term, a.kind, "", "", UNDATED,
               "", "", "", "", "", a.evidence, a.article, "", ""]  # fmt: skip


def write_cascade_csv(cascades: Iterable[Cascade], path: str | Path, bom: bool = True) -> Written:
    """Write the adoptions of ``cascades`` with their classes and sources to ``path`` (atomically;
    with a byte-order mark for Excel unless not ``bom``, as the adoption table)."""
    target = file_target(path)
    rows = terms = 0
    with atomic_open(target, bom=bom) as fh:
        w = csv.writer(fh)
        w.writerow(CASCADE_COLUMNS)
        for c in cascades:
            terms += 1
            for row in cascade_rows(c):
                w.writerow(row)
                rows += 1
    return Written(str(target), (("terms", terms), ("rows", rows)))


def write_cascade_gexf(cascades: Iterable[Cascade], path: str | Path) -> Written:
    """Write ``cascades`` as one dynamic GEXF 1.2 graph (``path``, atomically).

    A region that adopted several terms is one node, starting at its earliest adoption;
    each edge names its ``term``.
    """
    import networkx as nx

    target = file_target(path)
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph(mode="dynamic")
    for c in cascades:
        one = cascade_graph(c)
        for key, data in one.nodes(data=True):
            if key in g:
                held = g.nodes[key]
                if data["start"] and (not held["start"] or data["start"] < held["start"]):
                    held["start"] = data["start"]
                continue
            g.add_node(key, **{k: data[k] for k in ("label", "code", "level", "province", "start")})
        for u, v, data in one.edges(data=True):
            g.add_edge(u, v, term=c.term, **data)
    for _, data in g.nodes(data=True):
        if not data["start"]:
            del data["start"]  # undated: there all along
    with atomic_open(target) as fh:
        for line in nx.generate_gexf(g, version="1.2draft"):
            if line.lstrip().startswith("<graph "):
                # networkx writes name="" on <graph>, an attribute the GEXF 1.2 schema has not
                line = line.replace(' name=""', "", 1)
            fh.write(line + "\n")
    return Written(str(target), (("nodes", g.number_of_nodes()), ("edges", g.number_of_edges())))
