"""A selection of relations as a graph: streamed from SQL, or held by networkx.

``GraphView`` is what every exporter reads: nodes first (each with the first date of its
relations in view), then edges, both straight from SQL cursors. ``build_graph`` loads a
view into a ``networkx.MultiDiGraph`` keyed by predicate; ``ego_graph`` walks out from one
entity a few steps at a time with one query per step.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zxkg.ingest.store import RelationQuery, Store

from .models import Edge, Filters, Node, edge_from_row, node_from_row
from .names import Names

if TYPE_CHECKING:  # networkx loads only when a graph is built: the query commands start faster
    import networkx as nx


class GraphView:
    """The nodes and edges of ``query`` in ``store``; every call runs the query again."""

    def __init__(self, store: Store, query: RelationQuery) -> None:
        self.store = store
        self.query = query

    def nodes(self) -> Iterator[Node]:
        for row in self.store.graph_nodes(self.query):
            yield node_from_row(row)

    def edges(self) -> Iterator[Edge]:
        for row in self.store.graph_edges(self.query):
            yield edge_from_row(row)

    def attr_names(self) -> list[str]:
        """Names of the attributes the view's nodes carry besides the fixed ones, sorted:
        every one is filled on some node (no column of an export stays empty)."""
        return self.store.attr_names(self.query)


def build_graph(view: GraphView) -> nx.MultiDiGraph[str]:
    """Load a view into networkx: nodes keyed by store key, edges keyed by predicate.

    Node attributes are ``Node.data()`` (aliases as lists); edge attributes ``Edge.flat()``.
    """
    import networkx as nx

    g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node in view.nodes():
        g.add_node(node.key, **node.data())
    for edge in view.edges():
        g.add_edge(edge.source, edge.target, key=edge.predicate, **edge.flat())
    return g


def ego_query(names: Names, center: str, depth: int = 1, filters: Filters = Filters()) -> RelationQuery:
    """The relations among the entities at most ``depth`` steps from ``center``.

    Steps follow relations in either direction; ``filters`` (kinds, predicates, dates …)
    decide which relations count as steps. The center's own kind is always kept.
    """
    if depth < 1:
        raise ValueError("depth must be at least 1")
    node = names.entity(center)
    base = names.query(filters)
    if node.kind not in base.kinds:
        base = dataclasses.replace(base, kinds=(*base.kinds, node.kind))
    seen = {node.key}
    frontier = {node.key}
    for _ in range(depth):
        step = dataclasses.replace(base, around=tuple(sorted(frontier)))
        reached: set[str] = set()
        for row in names.store.graph_edges(step):
            reached.update((row.source, row.target))
        frontier = reached - seen
        seen |= reached
        if not frontier:
            break
    keys = tuple(sorted(seen))
    return dataclasses.replace(base, subjects=keys, objects=keys)


def ego_graph(names: Names, center: str, depth: int = 1, filters: Filters = Filters()) -> nx.MultiDiGraph[str]:
    """The ego network of ``center`` as a networkx graph (see ``ego_query``)."""
    return build_graph(GraphView(names.store, ego_query(names, center, depth, filters)))


@dataclass(frozen=True, slots=True)
class EgoNetwork:
    """The entities around one and their relations, trimmed for a person to look at."""

    center: Node
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def ego_network(names: Names, center: str, depth: int = 1, limit: int = 300) -> EgoNetwork:
    """At most ``limit`` relations among regions, terms and documents within ``depth`` steps.

    The division tree (part_of) shows only around a region: around a term it would draw
    every province of its adopters. Only the nodes of the kept edges stay, and the center.
    """
    node = names.entity(center)
    view = GraphView(names.store, ego_query(names, center, depth, Filters(kinds=EGO_KINDS)))
    edges: list[Edge] = []
    for e in view.edges():
        if e.predicate == "part_of" and node.kind != "region":
            continue
        edges.append(e)
        if len(edges) >= limit:
            break
    used = {node.key} | {e.source for e in edges} | {e.target for e in edges}
    nodes = [n for n in view.nodes() if n.key in used]
    if not any(n.key == node.key for n in nodes):
        nodes.insert(0, node)
    return EgoNetwork(center=node, nodes=tuple(nodes), edges=tuple(edges))


EGO_KINDS = ("region", "mechanism", "brand", "document")
