"""The division hierarchy as a networkx ``DiGraph`` of ``part_of``: an edge runs from a
region to the division it belongs to (county → prefecture → province).

Why a graph: the questions diffusion asks of the hierarchy — which regions are above this
one, which below, which share its parent, how many steps apart — are networkx's
``descendants``, ``ancestors``, ``predecessors`` of a successor and
``shortest_path_length`` on it. Because edges point up, ``networkx.descendants`` of a
region are the divisions *above* it and ``networkx.ancestors`` those *below* it; the
functions here are named for the hierarchy, not for the graph, so callers never mix the two.

The edges come from the division table (``ingest.gazetteer``) for the regions asked
about and their parents, and from the store's ``part_of`` relations, which also name
regions a later division table no longer lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from zxkg.ingest.gazetteer import Gazetteer

if TYPE_CHECKING:
    import networkx as nx

REGION_PREFIX = "region:"


def region_key(code: str) -> str:
    return REGION_PREFIX + code


def division_graph(gazetteer: Gazetteer, keys: Iterable[str], links: Iterable[tuple[str, str]] = ()) -> nx.DiGraph[str]:
    """The regions ``keys`` (store keys, ``region:430100``) and every division above them.

    Nodes carry ``name``, ``code`` and ``level`` where the division table knows them; an
    edge ``child → parent`` is a ``part_of``. ``links`` adds (child, parent) pairs from the
    store; they are followed only where they lead up from a region already in the graph.
    """
    import networkx as nx

    g: nx.DiGraph[str] = nx.DiGraph()
    up: dict[str, set[str]] = {}
    for child, parent in links:
        up.setdefault(child, set()).add(parent)
    todo = list(dict.fromkeys(keys))
    while todo:
        key = todo.pop()
        if key in g and "seen" in g.nodes[key]:
            continue
        code = key.removeprefix(REGION_PREFIX)
        d = gazetteer.by_code.get(code)
        g.add_node(key, seen=True, code=code, name=d.name if d else code, level=d.level if d else "")
        parents = set(up.get(key, ()))
        if d is not None and d.parent:
            parents.add(region_key(d.parent))
        for parent in parents:
            g.add_edge(key, parent, predicate="part_of")
            todo.append(parent)
    for _, data in g.nodes(data=True):
        data.pop("seen", None)
    return g


def above(g: nx.DiGraph[str], key: str) -> set[str]:
    """The divisions ``key`` is part of: parent, grandparent …"""
    import networkx as nx

    return nx.descendants(g, key)


def below(g: nx.DiGraph[str], key: str) -> set[str]:
    """The divisions that are part of ``key``: children, grandchildren …"""
    import networkx as nx

    return nx.ancestors(g, key)


def siblings(g: nx.DiGraph[str], key: str) -> set[str]:
    """The other children of ``key``'s parent(s)."""
    return {s for parent in g.successors(key) for s in g.predecessors(parent)} - {key}


def steps_between(g: nx.DiGraph[str], a: str, b: str) -> int:
    """How many levels apart two regions on one line of the hierarchy are (either order)."""
    import networkx as nx

    if nx.has_path(g, a, b):
        return int(nx.shortest_path_length(g, a, b))
    return int(nx.shortest_path_length(g, b, a))
