"""Response models of the HTTP API, named for what they show.

Pydantic lives here only; the routers turn the records of ``ingest``, ``graph`` and
``search`` into these at the edge.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    closest: list[str] = Field(default_factory=list, description="Known names close to an unknown one")


class ErrorResponse(BaseModel):
    error: ErrorBody


class Health(BaseModel):
    status: str
    articles: int
    index: bool


class Stats(BaseModel):
    articles: int
    files: int
    entities: dict[str, int]
    relations: dict[str, int]
    mentions: int
    failures: int


class Page(BaseModel):
    total: int
    limit: int
    offset: int


class Mark(BaseModel):
    text: str
    marks: list[tuple[int, int]]


class FacetCount(BaseModel):
    value: str
    count: int


class SearchHitOut(BaseModel):
    id: str
    title: str
    date: str
    source: str
    file: str
    score: float
    regions: list[str]
    fragments: list[Mark]


class SearchPage(Page):
    query: str
    hits: list[SearchHitOut]
    facets: dict[str, list[FacetCount]]


class EvidenceOut(BaseModel):
    article: str
    title: str
    date: str
    file: str
    subject: str
    predicate: str
    object: str
    object_kind: str
    sentence: Mark
    start: int
    end: int


class EvidencePage(Page):
    query: str
    items: list[EvidenceOut]


class MentionOut(BaseModel):
    start: int
    end: int
    kind: str
    name: str
    rule: str


class ArticleOut(BaseModel):
    id: str
    file: str
    title: str
    date: str
    source: str
    author: str
    url: str
    text: str
    mentions: list[MentionOut]


class RegionOut(BaseModel):
    name: str
    code: str
    level: str
    province: str
    parent: str = ""
    articles: int = 0


class RegionPage(Page):
    items: list[RegionOut]


class TermOut(BaseModel):
    name: str
    kind: str
    adopters: int
    articles: int
    aliases: list[str] = Field(default_factory=list)


class TermPage(Page):
    items: list[TermOut]


class AdoptionOut(BaseModel):
    region: str
    code: str
    level: str
    province: str
    term: str
    kind: str
    predicate: str
    first_date: str
    year: int | None
    articles: int
    confidence: float
    evidence: str
    article: str
    file: str


class AdoptionPage(Page):
    items: list[AdoptionOut]


class AdoptersPage(Page):
    term: str
    matched: list[str]
    items: list[AdoptionOut]


class RegionProfileOut(BaseModel):
    region: RegionOut
    articles: int
    mechanisms: list[AdoptionOut]
    brands: list[AdoptionOut]
    documents: list[AdoptionOut]
    timeline: list[AdoptionOut]


class TimelinePointOut(BaseModel):
    date: str
    new: list[str]
    cumulative: int


class TimelineOut(BaseModel):
    term: str
    matched: list[str]
    points: list[TimelinePointOut]
    undated: list[str]


class NodeOut(BaseModel):
    id: str
    kind: str
    name: str
    code: str = ""
    province: str = ""


class EdgeOut(BaseModel):
    source: str
    target: str
    predicate: str
    articles: int
    first_date: str


class EgoOut(BaseModel):
    center: str
    nodes: list[NodeOut]
    edges: list[EdgeOut]
