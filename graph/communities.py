"""Regions grouped by the mechanisms they share.

The region–term graph (bipartite, from the adoption table) is projected onto the regions:
two regions weigh the number of terms both adopted — the measure "regions with the most
in common" sorts by (``query.similar_regions``), so a group and a region's neighbours
speak of the same thing. The projection is networkx's ``biadjacency_matrix`` times its
transpose (every pair at once; ``bipartite.weighted_projected_graph`` gives the same
weights, a test holds them together, but walks pairs in Python). Since a mechanism most
regions adopted ties almost every pair, each region keeps the edges to its ``neighbours``
closest regions (most shared terms, then Jaccard index), and networkx's Louvain method,
with a fixed seed so that a run can be repeated, groups the regions of that graph. A
group's defining terms are those its members adopted much more often than the others.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .models import Filters
from .names import Names
from .query import adoption_table

if TYPE_CHECKING:
    import networkx as nx

COMMUNITY_KINDS = ("mechanism", "brand")
SEED = 18  # Louvain's random order: fixed, so the same store gives the same groups
NEIGHBOURS = 10
DEFINING_TERMS = 5


@dataclass(frozen=True, slots=True)
class Member:
    """A region of a group, with how many terms it adopted."""

    region_key: str
    region: str
    code: str
    level: str
    province: str
    terms: int


@dataclass(frozen=True, slots=True)
class DefiningTerm:
    """A term that sets a group apart: the share of its members and of the other regions that adopted it."""

    term_key: str
    term: str
    kind: str
    members: int
    inside: float
    outside: float


@dataclass(frozen=True, slots=True)
class Community:
    members: tuple[Member, ...]
    terms: tuple[DefiningTerm, ...]


def _kinds(filters: Filters) -> Filters:
    return filters if filters.kinds else dataclasses.replace(filters, kinds=COMMUNITY_KINDS)


def region_term_graph(names: Names, filters: Filters = Filters()) -> nx.Graph[str]:
    """The bipartite graph of regions (``bipartite=0``) and the terms they adopted (``bipartite=1``).

    Kinds default to mechanisms and brands; nodes carry the adoption table's names.
    """
    import networkx as nx

    g: nx.Graph[str] = nx.Graph()
    for a in adoption_table(names, _kinds(filters)):
        if a.region_key not in g:
            g.add_node(a.region_key, bipartite=0, name=a.region, code=a.code, level=a.level, province=a.province)
        if a.term_key not in g:
            g.add_node(a.term_key, bipartite=1, name=a.term, kind=a.kind)
        g.add_edge(a.region_key, a.term_key)
    return g


def _regions(g: nx.Graph[str]) -> list[str]:
    return sorted(n for n in g if g.nodes[n]["bipartite"] == 0)


def region_graph(g: nx.Graph[str], neighbours: int = NEIGHBOURS) -> nx.Graph[str]:
    """The regions of ``g`` (``region_term_graph``), each tied to its ``neighbours`` closest.

    An edge's ``weight`` is the number of terms both regions adopted, ``jaccard`` that
    over the terms either adopted.
    """
    import networkx as nx
    import numpy as np
    from networkx.algorithms import bipartite

    regions = _regions(g)
    terms = sorted(n for n in g if g.nodes[n]["bipartite"] == 1)
    out: nx.Graph[str] = nx.Graph()
    out.add_nodes_from((r, g.nodes[r]) for r in regions)
    if not regions or not terms:
        return out
    b = bipartite.biadjacency_matrix(g, row_order=regions, column_order=terms, dtype=np.dtype(np.int32), format="csr")
    shared = (b @ b.T).tocsr()
    totals = np.asarray(b.sum(axis=1)).ravel()
    for i in range(len(regions)):
        lo, hi = shared.indptr[i], shared.indptr[i + 1]
        cols, counts = shared.indices[lo:hi], shared.data[lo:hi]
        keep = cols != i
        cols, counts = cols[keep], counts[keep]
        if not len(cols):
            continue
        jaccard = counts / (totals[i] + totals[cols] - counts)
        rank = counts + jaccard / 2  # shared terms first, Jaccard among equals (it is at most 1)
        top = np.argsort(-rank, kind="stable")[:neighbours]
        for j in top:
            out.add_edge(regions[i], regions[cols[j]], weight=int(counts[j]), jaccard=float(jaccard[j]))
    return out


def communities(
    names: Names,
    filters: Filters = Filters(),
    neighbours: int = NEIGHBOURS,
    resolution: float = 1.0,
    seed: int = SEED,
) -> tuple[Community, ...]:
    """Groups of regions that adopted the same mechanisms and brands, largest first."""
    import networkx as nx

    g = region_term_graph(names, filters)
    projected = region_graph(g, neighbours)
    groups = nx.community.louvain_communities(projected, weight="weight", resolution=resolution, seed=seed)
    regions = _regions(g)
    adopters = {t: set(g.neighbors(t)) for t in g if g.nodes[t]["bipartite"] == 1}
    out = []
    for group in groups:
        members = [
            Member(r, g.nodes[r]["name"], g.nodes[r]["code"], g.nodes[r]["level"], g.nodes[r]["province"], g.degree(r))
            for r in group
        ]
        members.sort(key=lambda m: (-m.terms, m.code, m.region_key))
        out.append(Community(tuple(members), _defining(g, set(group), len(regions), adopters)))
    out.sort(key=lambda c: (-len(c.members), c.members[0].code if c.members else ""))
    return tuple(out)


def _defining(g: nx.Graph[str], group: set[str], total: int, adopters: dict[str, set[str]]) -> tuple[DefiningTerm, ...]:
    """The terms whose share among the members most exceeds their share among the others."""
    size, rest = len(group), total - len(group)
    candidates = {t for r in group for t in g.neighbors(r)}
    scored = []
    for t in candidates:
        inside = len(adopters[t] & group)
        if size > 1 and inside < 2:
            continue
        outside = (len(adopters[t]) - inside) / rest if rest else 0.0
        node = g.nodes[t]
        scored.append(DefiningTerm(t, node["name"], node["kind"], inside, inside / size, outside))
    scored.sort(key=lambda d: (-(d.inside - d.outside), -d.members, d.term))
    return tuple(scored[:DEFINING_TERMS])
