"""How a term spread (its cascade), which regions lead, which cluster, which are alike."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query

from zxkg.graph.cascade import cascade
from zxkg.graph.communities import COMMUNITY_KINDS, communities
from zxkg.graph.leaders import leaders
from zxkg.graph.models import Filters
from zxkg.graph.names import Names
from zxkg.graph.query import similar_regions

from ... import serialize
from ..deps import ResourcesDep, StoreDep
from ..params import DateParam
from ..schemas import CascadeOut, CommunitiesOut, LeadersOut, SimilarOut
from ..validated import ValidatedRoute

router = APIRouter(tags=["diffusion"], route_class=ValidatedRoute)

Name = Annotated[str, Path(min_length=1, max_length=200)]
RegionParam = Annotated[str, Query(max_length=50, description="Only this region and the regions under it")]
Kind = Literal["mechanism", "brand", "document", "slogan"]
KindsParam = Annotated[list[Kind] | None, Query(description="Term kinds (default mechanism and brand)")]


def _kinds(kind: list[Kind] | None) -> tuple[str, ...]:
    return tuple(kind) if kind else COMMUNITY_KINDS


@router.get("/diffusion/{term}", response_model=CascadeOut, response_model_by_alias=True)
def diffusion(
    store: StoreDep,
    res: ResourcesDep,
    term: Name,
    region: RegionParam = "",
    since: DateParam = "",
    until: DateParam = "",
) -> dict[str, Any]:
    """Every adoption of a term classified top-down, bottom-up, horizontal, first mover or independent,
    with the earlier adopters it follows, the lag in days and the evidence of both; shares, median lags
    per hierarchy step, first movers and the span."""
    names = Names(store, res.gazetteer)
    return serialize.cascade(cascade(names, term, Filters(region=region, since=since, until=until)))


@router.get("/leaders", response_model=LeadersOut)
def leading_regions(
    store: StoreDep,
    res: ResourcesDep,
    kind: KindsParam = None,
    region: RegionParam = "",
    since: DateParam = "",
    until: DateParam = "",
    min_adoptions: Annotated[int, Query(ge=1, le=10_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Regions ranked by how early they adopt what others adopt later."""
    names = Names(store, res.gazetteer)
    filters = Filters(kinds=tuple(kind or ()), region=region, since=since, until=until)
    return {"items": [serialize.leader(r) for r in leaders(names, filters, min_adoptions, limit)]}


@router.get("/communities", response_model=CommunitiesOut)
def region_communities(
    store: StoreDep,
    res: ResourcesDep,
    kind: KindsParam = None,
    region: RegionParam = "",
    neighbours: Annotated[int, Query(ge=1, le=100)] = 10,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Regions grouped by the mechanisms and brands they share (Louvain with a fixed seed), with defining terms."""
    names = Names(store, res.gazetteer)
    groups = communities(names, Filters(kinds=_kinds(kind), region=region), neighbours=neighbours)
    return {"items": [serialize.community(c, i) for i, c in enumerate(groups[:limit], 1)]}


@router.get("/similar/{region}", response_model=SimilarOut)
def similar(
    store: StoreDep,
    res: ResourcesDep,
    region: Name,
    kind: KindsParam = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
) -> dict[str, Any]:
    """The regions with the most terms in common with one (the measure ``/communities`` groups by)."""
    names = Names(store, res.gazetteer)
    node = names.region(region)
    pairs = similar_regions(names, node.code, Filters(kinds=_kinds(kind)), limit=limit)
    return {"region": serialize.node(node), "items": [serialize.pair(p) for p in pairs]}
