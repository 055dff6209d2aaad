"""How a term spread: every adoption classified by what came before it in the hierarchy.

A dated adoption is

- **top-down** when a division above it (parent, grandparent) adopted earlier;
- else **bottom-up** when a division below it adopted earlier;
- else **horizontal** when a sibling (another child of its parent) adopted earlier;
- else a **first mover** when nobody adopted the term earlier at all, and **independent**
  when others had, but none related to it.

Vertical ties come first because a mechanism a province pushes down also reaches a
county's neighbours: the push, not the neighbour, explains the county. Adoptions whose
articles carry no date are kept apart (``Cascade.undated``).

Dates may be partial (``2023``, ``2023-05``): a date is *before* another only when it
ends before the other begins, and lags count from first days. Each adoption lists the
earlier adopters of its class it follows, the most recent first; its lag is the days
since that one. The hierarchy is ``graph.hierarchy``'s networkx graph with each adoption
set on its region's node; the cascade is a networkx graph too (``cascade_graph``).
"""

from __future__ import annotations

import calendar
import re
import statistics
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from .hierarchy import above, below, division_graph, siblings, steps_between
from .models import TERM_KINDS, Adoption, Filters, Node
from .names import Names
from .query import adopters, adoption_table

if TYPE_CHECKING:
    import networkx as nx

FIRST_MOVER = "first-mover"
TOP_DOWN = "top-down"
BOTTOM_UP = "bottom-up"
HORIZONTAL = "horizontal"
INDEPENDENT = "independent"
CHANNELS = (FIRST_MOVER, TOP_DOWN, BOTTOM_UP, HORIZONTAL, INDEPENDENT)
UNDATED = "undated"  # the class an undated adoption carries in the cascade CSV

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def date_span(value: str) -> tuple[date, date] | None:
    """The first and last day a store date can mean (``2023-05`` → May 1 to May 31)."""
    m = _DATE.match(value or "")
    if not m:
        return None
    year = int(m.group(1))
    try:
        if m.group(3):
            day = date(year, int(m.group(2)), int(m.group(3)))
            return day, day
        if m.group(2):
            month = int(m.group(2))
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Follow:
    """An earlier adopter an adoption follows: its adoption, the days between, the levels apart."""

    adoption: Adoption
    lag_days: int
    levels: int  # hierarchy steps between the two (0 for siblings)


@dataclass(frozen=True, slots=True)
class CascadeStep:
    """One adoption, its channel, and the earlier adopters of that channel (most recent first)."""

    adoption: Adoption
    channel: str
    follows: tuple[Follow, ...] = ()

    @property
    def source(self) -> Follow | None:
        """The adopter the lag counts from: the most recent one it follows."""
        return self.follows[0] if self.follows else None

    @property
    def lag_days(self) -> int | None:
        return self.follows[0].lag_days if self.follows else None


@dataclass(frozen=True, slots=True)
class StepLag:
    """The median lag of one kind of step: a channel from one level to another."""

    channel: str
    source_level: str
    level: str
    adoptions: int
    median_days: float


@dataclass(frozen=True, slots=True)
class Cascade:
    """A term's adoptions in date order, classified, with the summary a researcher reads first."""

    term: str
    matched: tuple[Node, ...]
    steps: tuple[CascadeStep, ...]
    undated: tuple[Adoption, ...] = ()

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(CHANNELS, 0)
        for s in self.steps:
            out[s.channel] += 1
        return out

    def shares(self) -> dict[str, float]:
        """Each channel's share of the dated adoptions."""
        n = len(self.steps)
        return {k: (v / n if n else 0.0) for k, v in self.counts().items()}

    @property
    def first_movers(self) -> tuple[CascadeStep, ...]:
        return tuple(s for s in self.steps if s.channel == FIRST_MOVER)

    @property
    def first_date(self) -> str:
        return self.steps[0].adoption.first_date if self.steps else ""

    @property
    def last_date(self) -> str:
        return self.steps[-1].adoption.first_date if self.steps else ""

    @property
    def span_days(self) -> int | None:
        """Days from the first adoption to the last (first days of partial dates)."""
        first, last = date_span(self.first_date), date_span(self.last_date)
        return (last[0] - first[0]).days if first and last else None

    def lags(self) -> tuple[StepLag, ...]:
        """Median lag per hierarchy step (channel, from level, to level), most frequent first."""
        groups: dict[tuple[str, str, str], list[int]] = {}
        for s in self.steps:
            src = s.source
            if src is not None:
                key = (s.channel, src.adoption.level, s.adoption.level)
                groups.setdefault(key, []).append(src.lag_days)
        out = [StepLag(c, f, t, len(v), float(statistics.median(v))) for (c, f, t), v in groups.items()]
        out.sort(key=lambda x: (-x.adoptions, CHANNELS.index(x.channel), x.source_level, x.level))
        return tuple(out)


def classify(g: nx.DiGraph[str], adoptions: Sequence[Adoption]) -> tuple[list[CascadeStep], list[Adoption]]:
    """Classify ``adoptions`` (one per region) on the division graph ``g`` (``graph.hierarchy``).

    Sets each adoption on its region's node (attribute ``adoption``) and returns the
    dated adoptions' steps in date order, and the undated adoptions.
    """
    spans: dict[str, tuple[date, date]] = {}
    undated: list[Adoption] = []
    for row in adoptions:
        span = date_span(row.first_date)
        if span is None:
            undated.append(row)
            continue
        spans[row.region_key] = span
        g.nodes[row.region_key]["adoption"] = row
    if not spans:
        return [], undated
    first_end = min(end for _, end in spans.values())
    order = sorted(spans, key=lambda k: (spans[k][0], k))
    steps: list[CascadeStep] = []
    for key in order:
        start = spans[key][0]
        a: Adoption = g.nodes[key]["adoption"]
        channel = ""
        for name, related in ((TOP_DOWN, above), (BOTTOM_UP, below), (HORIZONTAL, siblings)):
            earlier = [k for k in related(g, key) if k in spans and spans[k][1] < start]
            if earlier:
                channel = name
                break
        if not channel:
            steps.append(CascadeStep(a, FIRST_MOVER if start <= first_end else INDEPENDENT))
            continue
        follows = [
            Follow(
                g.nodes[k]["adoption"],
                (start - spans[k][0]).days,
                0 if channel == HORIZONTAL else steps_between(g, k, key),
            )
            for k in earlier
        ]
        follows.sort(key=lambda f: (f.lag_days, f.levels, f.adoption.region_key))
        steps.append(CascadeStep(a, channel, tuple(follows)))
    return steps, undated


def _hierarchy(names: Names, adoptions: Iterable[Adoption]) -> nx.DiGraph[str]:
    return division_graph(names.gazetteer, (a.region_key for a in adoptions), names.store.part_of_links())


def cascade(names: Names, term: str, filters: Filters = Filters()) -> Cascade:
    """The cascade of ``term`` (and the entities it is an alias of) among the regions ``filters`` keep."""
    found = adopters(names, term, filters)
    g = _hierarchy(names, found.adoptions)
    steps, undated = classify(g, found.adoptions)
    return Cascade(term=term, matched=found.matched, steps=tuple(steps), undated=tuple(undated))


def cascades(names: Names, filters: Filters = Filters()) -> Iterator[Cascade]:
    """The cascade of every term ``filters`` keep (each entity on its own), by kind and name."""
    if filters.terms:
        for term in filters.terms:
            yield cascade(names, term, filters)
        return
    by_term: dict[str, list[Adoption]] = {}
    for a in adoption_table(names, filters):
        by_term.setdefault(a.term_key, []).append(a)
    g = _hierarchy(names, (a for rows in by_term.values() for a in rows))
    kinds = {k: i for i, k in enumerate(TERM_KINDS)}
    for key in sorted(by_term, key=lambda k: (kinds.get(by_term[k][0].kind, 9), by_term[k][0].term, k)):
        rows = by_term[key]
        steps, undated = classify(g, rows)
        for row in rows:  # the next term sets its own adoptions on the nodes
            g.nodes[row.region_key].pop("adoption", None)
        yield Cascade(term=rows[0].term, matched=(), steps=tuple(steps), undated=tuple(undated))


def cascade_graph(c: Cascade) -> nx.DiGraph[str]:
    """The cascade as a networkx ``DiGraph``: adopters as nodes, an edge from each earlier
    adopter an adoption follows to it (``lag_days``, ``channel``; ``source`` marks the one
    its lag counts from). ``mode="dynamic"``: nodes and edges ``start`` at the later
    adoption's date, so a GEXF of it plays in Gephi's timeline."""
    import networkx as nx

    from .models import iso_date

    g: nx.DiGraph[str] = nx.DiGraph(mode="dynamic", term=c.term)
    for s in c.steps:
        a = s.adoption
        g.add_node(
            a.region_key,
            label=a.region,
            code=a.code,
            level=a.level,
            province=a.province,
            start=iso_date(a.first_date),
            date=a.first_date,
            channel=s.channel,
            evidence=a.evidence,
            article=a.article,
        )
    for s in c.steps:
        for i, f in enumerate(s.follows):
            g.add_edge(
                f.adoption.region_key,
                s.adoption.region_key,
                start=iso_date(s.adoption.first_date),
                channel=s.channel,
                lag_days=f.lag_days,
                source=int(i == 0),
            )
    return g
