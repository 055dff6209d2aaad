"""``/search`` (articles) and ``/evidence`` (the sentences that state a relation)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import StringConstraints

from zxkg.search.index import FACETS
from zxkg.search.query import MAX_QUERY_CHARS

from ... import serialize
from ..deps import ResourcesDep, StoreDep
from ..params import DateParam
from ..schemas import EvidencePage, SearchPage
from ..validated import ValidatedRoute

router = APIRouter(tags=["search"], route_class=ValidatedRoute)

QueryText = Annotated[
    str,
    Query(min_length=1, max_length=MAX_QUERY_CHARS, description="Words (AND), “phrases”, OR, NOT/-word, field:value"),
]
# a value of a repeatable filter: empty says nothing, so the schema refuses it as the server does
FilterValue = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Filter = Annotated[list[FilterValue] | None, Query()]
Facet = Literal["region", "province", "year", "mechanism", "brand", "document"]  # search.index.FACETS
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=100_000)]
EVIDENCE_MAX_OFFSET = 10_000  # evidence pages are read in order: deeper is a narrower query's job
EvidenceOffset = Annotated[int, Query(ge=0, le=EVIDENCE_MAX_OFFSET)]


@router.get("/search", response_model=SearchPage)
def search(
    store: StoreDep,
    res: ResourcesDep,
    q: QueryText,
    region: Filter = None,
    province: Filter = None,
    mechanism: Filter = None,
    brand: Filter = None,
    year: Annotated[str, Query(max_length=4, pattern=r"^$|^\d{4}$")] = "",
    source: Annotated[str, Query(max_length=100)] = "",
    since: DateParam = "",
    until: DateParam = "",
    sort: Literal["relevance", "date"] = "relevance",
    limit: Limit = 10,
    offset: Offset = 0,
    facet: Annotated[list[Facet] | None, Query(description=f"Facets to count: {', '.join(FACETS)}")] = None,
    facet_size: Annotated[int, Query(ge=1, le=100, description="Values per facet, most frequent first")] = 10,
) -> dict[str, Any]:
    """Articles matching ``q``, with highlighted fragments and facet counts over all matches."""
    index = res.search_index(store)
    entities = tuple(("mechanism", m) for m in mechanism or ()) + tuple(("brand", b) for b in brand or ())
    if year:
        since, until = since or year, until or year
    facets = tuple(facet or ("region", "mechanism", "brand", "year"))
    request = index.request(
        q,
        regions=tuple(region or ()),
        provinces=tuple(province or ()),
        entities=entities,
        source=source,
        since=since,
        until=until,
        sort=sort,
        limit=limit,
        facets=facets,
        facet_size=facet_size,
    )
    result = index.search(dataclasses.replace(request, offset=offset), store)
    return serialize.search_result(q, result)


@router.get("/evidence", response_model=EvidencePage)
def evidence(
    store: StoreDep,
    res: ResourcesDep,
    q: QueryText,
    region: Filter = None,
    since: DateParam = "",
    until: DateParam = "",
    limit: Limit = 20,
    offset: EvidenceOffset = 0,
) -> dict[str, Any]:
    """Sentences that state an adoption, a brand or a document (region adopts/runs/issues …) and match ``q``."""
    index = res.search_index(store)
    request = index.request(q, regions=tuple(region or ()), since=since, until=until, limit=limit)
    result = index.evidence(dataclasses.replace(request, offset=offset))
    return serialize.evidence_result(q, result)
