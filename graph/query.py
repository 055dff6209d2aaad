"""Questions researchers ask of the relations, answered with SQL through the store.

Adoption means a region's relation to a term: ``adopts`` a mechanism, ``runs`` a brand,
``issues`` a document (any predicate from a region to a mechanism, brand, slogan or
document). A term's name matches its aliases too (see ``names``).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator, Sequence

from zxkg.ingest.errors import choices
from zxkg.ingest.store import RelationQuery
from zxkg.ingest.store.records import SharedPair

from .models import (
    TERM_KINDS,
    AdopterCounts,
    Adopters,
    Adoption,
    Evidence,
    Filters,
    Node,
    Pair,
    PanelRow,
    RegionProfile,
    Timeline,
    TimelinePoint,
    node_from_row,
)
from .names import Names

TIMELINE_STEPS = {"date": 10, "month": 7, "year": 4}


def _term_kinds(filters: Filters) -> tuple[str, ...]:
    return tuple(k for k in filters.kinds if k in TERM_KINDS) or TERM_KINDS


def _adoption_query(names: Names, filters: Filters) -> RelationQuery:
    # kinds select the terms; the region end is always a region
    q = names.query(dataclasses.replace(filters, kinds=()))
    return dataclasses.replace(q, kinds=())


def _term_query(names: Names, term: str, filters: Filters) -> tuple[tuple[Node, ...], RelationQuery]:
    """The entities ``term`` names (aliases included) and the question of their adoptions."""
    matched = names.terms(term, _term_kinds(filters))
    return matched, dataclasses.replace(_adoption_query(names, filters), objects=tuple(n.key for n in matched))


def adoption_table(names: Names, filters: Filters = Filters(), by_date: bool = False) -> Iterator[Adoption]:
    """One row per (region, term) in the store: the adoption table.

    Rows come by region and term; ``by_date`` orders them by first date instead, at the
    price of a sort of the whole table.
    """
    q = _adoption_query(names, filters)
    yield from names.store.adoptions(q, _term_kinds(filters), by_date=by_date)


def adopters(names: Names, term: str, filters: Filters = Filters()) -> Adopters:
    """The regions that adopted ``term`` (or an entity it is an alias of), first date first.

    One row per region: its first relation to any matched entity gives the date, predicate
    and evidence; ``articles`` counts every article that states one of them.
    """
    matched, q = _term_query(names, term, filters)
    rows = names.store.adoptions(q, _term_kinds(filters), merge_terms=True)
    return Adopters(term=term, matched=matched, adoptions=tuple(rows))


def adopters_page(
    names: Names, term: str, filters: Filters = Filters(), limit: int = 100, offset: int = 0
) -> tuple[Adopters, int]:
    """``limit`` rows of ``adopters(names, term, filters)`` from ``offset``, and how many it holds."""
    matched, q = _term_query(names, term, filters)
    total, rows = names.store.adoption_page(q, _term_kinds(filters), limit, offset)
    return Adopters(term=term, matched=matched, adoptions=tuple(rows)), total


def adoption_evidence(names: Names, term: str, filters: Filters = Filters(), region: str = "") -> Evidence:
    """Every sentence that states an adoption of ``term`` (aliases included): of one ``region``
    exactly (not the regions under it), or of every adopter that ``filters`` keep.

    A row of ``adopters`` cites its first sentence; these are all of them, first first.
    """
    matched, q = _term_query(names, term, filters)
    node = names.region(region) if region else None
    if node is not None:
        q = dataclasses.replace(q, subjects=(node.key,))
    rows = names.store.adoption_evidence(q, _term_kinds(filters))
    return Evidence(term=term, matched=matched, region=node, rows=tuple(rows))


LEVELS = ("province", "prefecture", "county")


def adopter_counts(found: Adopters) -> AdopterCounts:
    """The adopters of ``found`` counted by province and by level; a region with no province
    (none known) counts under "" so the counts add up to the adopters."""
    provinces = Counter(a.province for a in found.adoptions)
    levels = Counter(a.level for a in found.adoptions)
    by_level = [(lv, levels.pop(lv)) for lv in LEVELS if lv in levels] + sorted(levels.items())
    return AdopterCounts(
        term=found.term,
        adopters=len(found.adoptions),
        by_province=tuple(sorted(provinces.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_level=tuple(by_level),
    )


def timeline(names: Names, term: str, filters: Filters = Filters(), by: str = "date") -> Timeline:
    """The diffusion of ``term``: new and cumulative adopters per day, month or year."""
    if by not in TIMELINE_STEPS:
        raise choices("timeline step", by, tuple(TIMELINE_STEPS))
    matched, q = _term_query(names, term, filters)
    width = TIMELINE_STEPS[by]
    steps: dict[str, list[str]] = {}
    undated: list[str] = []
    for _key, region, first_date in names.store.first_adoptions(q, _term_kinds(filters)):
        if first_date:
            step = first_date[:width]
            if step in steps:
                steps[step].append(region)
            else:
                steps[step] = [region]
        else:
            undated.append(region)
    points: list[TimelinePoint] = []
    total = 0
    for step, new in steps.items():  # in date order: the rows come first date first
        total += len(new)
        points.append(TimelinePoint(step, tuple(new), total))
    return Timeline(term=term, matched=matched, points=tuple(points), undated=tuple(undated))


def region_profile(names: Names, region: str, filters: Filters = Filters(), subtree: bool = False) -> RegionProfile:
    """What a region adopted, ran and issued, with first dates and evidence.

    With ``subtree`` the regions under it count too (each row names its region).
    """
    node = names.region(region)
    q = _adoption_query(names, dataclasses.replace(filters, region=""))
    keys = [f"region:{c}" for c in names.subtree(node)] if subtree else [node.key]
    q = dataclasses.replace(q, subjects=tuple(keys))  # by key: read through the subject index
    rows = names.store.adoptions(q, _term_kinds(filters))
    return RegionProfile(
        region=node,
        subtree=subtree,
        articles=names.store.mention_count(keys),
        adoptions=tuple(rows),
    )


def co_adoption(
    names: Names, term: str | None = None, filters: Filters = Filters(), limit: int = 50
) -> tuple[Pair, ...]:
    """Pairs of terms adopted by the same regions, most shared adopters first.

    With ``term``, only pairs that include it (or an entity it is an alias of).
    """
    focus: Sequence[str] = ()
    if term is not None:
        focus = [n.key for n in names.terms(term, _term_kinds(filters))]
    q = _adoption_query(names, filters)
    rows = names.store.shared_adoptions(q, _term_kinds(filters), by="region", focus=focus, limit=limit)
    return _pairs(names, rows)


def similar_regions(
    names: Names,
    region: str | None = None,
    filters: Filters = Filters(kinds=("mechanism",)),
    limit: int = 50,
) -> tuple[Pair, ...]:
    """Pairs of regions that adopted the same terms (mechanisms by default), most shared first."""
    focus: Sequence[str] = ()
    if region is not None:
        focus = [names.region(region).key]
    q = _adoption_query(names, filters)
    rows = names.store.shared_adoptions(q, _term_kinds(filters), by="term", focus=focus, limit=limit)
    return _pairs(names, rows)


def _pairs(names: Names, rows: list[SharedPair]) -> tuple[Pair, ...]:
    keys = sorted({r.a for r in rows} | {r.b for r in rows})
    nodes: dict[str, Node] = {row.key: node_from_row(row) for row in names.store.entities(keys)}
    return tuple(Pair(nodes[r.a], nodes[r.b], r.shared, r.a_total, r.b_total) for r in rows)


def panel(names: Names, filters: Filters = Filters()) -> Iterator[PanelRow]:
    """The region-by-year panel of the adoption table: one row per region, term and year.

    ``adopted`` is 0 before the first year a region adopted the term and 1 from then on;
    it is None (an empty cell) for every year when the region adopted it on an undated
    article. Regions are the adopters, and with ``filters.region`` every division under it
    at the levels that adopted (those that never did stay 0). Years run from the first
    adoption (or ``since``) to the last (or ``until``).
    """
    table = list(adoption_table(names, filters))
    first: dict[tuple[str, str], int | None] = {}
    reviews = {(a.region_key, a.term_key): a.review for a in table}
    regions: dict[str, tuple[str, str, str, str]] = {}
    terms: dict[str, tuple[str, str]] = {}
    for a in table:
        first[(a.region_key, a.term_key)] = a.year
        regions.setdefault(a.region_key, (a.region, a.code, a.level, a.province))
        terms.setdefault(a.term_key, (a.term, a.kind))
    years = [a.year for a in table if a.year is not None]
    if not years:
        return
    lo = int(filters.since[:4]) if filters.since else min(years)
    hi = int(filters.until[:4]) if filters.until else max(years)
    if filters.region:
        levels = {r[2] for r in regions.values()}
        gaz = names.gazetteer
        for code in names.subtree(names.region(filters.region)):
            d = gaz.by_code.get(code)
            if d is not None and d.level in levels:
                e = gaz.entity(d)
                regions.setdefault(e.key, (e.name, e.code, e.level, e.province))
    order = sorted(regions, key=lambda k: (regions[k][1], k))
    for term_key in sorted(terms, key=lambda k: (terms[k][1], terms[k][0], k)):
        term, kind = terms[term_key]
        for region_key in order:
            name, code, level, province = regions[region_key]
            adopted_in = first.get((region_key, term_key), 0)
            for year in range(lo, hi + 1):
                if adopted_in is None:
                    flag: int | None = None
                else:
                    flag = int(bool(adopted_in) and year >= adopted_in)
                yield PanelRow(
                    name, code, level, province, term, kind, year, flag, adopted_in if adopted_in else None,
                    reviews.get((region_key, term_key), ""),
                )  # fmt: skip
