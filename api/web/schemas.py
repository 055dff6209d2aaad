"""Response models of the HTTP API, named for what they show.

Pydantic lives here only. The routers answer with ``api/serialize.py``'s records, which
these models describe field for field (a test holds the two together), so the API and
``zxkg … --json`` speak the same records.
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


class NodeOut(BaseModel):
    """An entity; regions carry code, level, province and parent."""

    key: str
    kind: str
    name: str
    code: str = ""
    level: str = ""
    province: str = ""
    parent: str = ""
    aliases: list[str] = Field(default_factory=list)


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
    region_key: str
    region: str
    code: str
    level: str
    province: str
    term_key: str
    term: str
    kind: str
    predicate: str
    first_date: str
    last_date: str
    year: int | None
    articles: int
    confidence: float
    evidence: str
    article: str
    file: str = Field(description="The first evidence's file, by its path under the ingested directory")
    title: str
    review: str = Field("", description="accepted, added (by a reviewer), rejected (when asked for), or empty")
    url: str
    source: str
    evidence_count: int = Field(description="Evidence sentences (relations) behind the row")


class AdoptionPage(Page):
    items: list[AdoptionOut]


class AdoptersPage(Page):
    term: str
    matched: list[NodeOut]
    items: list[AdoptionOut]


class EvidenceRowOut(BaseModel):
    relation: int
    region_key: str
    region: str
    term_key: str
    term: str
    kind: str
    predicate: str
    date: str
    evidence: str
    start: int = Field(description="The sentence is the article's text[start:end]")
    end: int
    confidence: float
    article: str
    file: str = Field(description="The article's file, by its path under the ingested directory")
    title: str
    url: str
    source: str


class AdoptionEvidenceOut(BaseModel):
    term: str
    matched: list[NodeOut]
    region: NodeOut | None
    total: int
    items: list[EvidenceRowOut]


class ProfileRegionOut(NodeOut):
    articles: int


class PairOut(BaseModel):
    a: NodeOut
    b: NodeOut
    shared: int
    jaccard: float


class RegionProfileOut(BaseModel):
    region: ProfileRegionOut
    subtree: bool
    articles: int
    mechanisms: list[AdoptionOut]
    brands: list[AdoptionOut]
    documents: list[AdoptionOut]
    other: list[AdoptionOut]
    timeline: list[AdoptionOut]
    similar: list[PairOut]


class TimelinePointOut(BaseModel):
    date: str
    new: list[str]
    cumulative: int


class TimelineOut(BaseModel):
    term: str
    matched: list[NodeOut]
    by: str
    points: list[TimelinePointOut]
    undated: list[str]


class ComparisonOut(BaseModel):
    by: str
    series: list[TimelineOut]


class ProvinceCountOut(BaseModel):
    province: str
    adopters: int


class LevelCountOut(BaseModel):
    level: str = Field(description="province, prefecture, county (or another level the store holds)")
    adopters: int


class AdopterCountsOut(BaseModel):
    term: str
    adopters: int
    by_province: list[ProvinceCountOut]
    by_level: list[LevelCountOut]


class EgoNodeOut(BaseModel):
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
    nodes: list[EgoNodeOut]
    edges: list[EdgeOut]


class FollowOut(BaseModel):
    """An earlier adopter an adoption follows, with its evidence."""

    region_key: str
    region: str
    code: str
    level: str
    province: str
    first_date: str
    lag_days: int
    levels: int
    evidence: str
    article: str
    title: str


class CascadeStepOut(AdoptionOut):
    """An adoption with its class (first-mover, top-down, bottom-up, horizontal, independent)."""

    class_: str = Field(alias="class")
    lag_days: int | None
    source: str
    follows: list[FollowOut]


class StepLagOut(BaseModel):
    class_: str = Field(alias="class")
    from_level: str
    to_level: str
    adoptions: int
    median_days: float


class CascadeSummaryOut(BaseModel):
    adoptions: int
    undated: int
    counts: dict[str, int]
    shares: dict[str, float]
    lags: list[StepLagOut]
    first_movers: list[str]
    first_date: str
    last_date: str
    span_days: int | None


class CascadeOut(BaseModel):
    term: str
    matched: list[NodeOut]
    summary: CascadeSummaryOut
    adoptions: list[CascadeStepOut]
    undated: list[AdoptionOut]


class LeaderOut(BaseModel):
    region_key: str
    region: str
    code: str
    level: str
    province: str
    adoptions: int
    leads: int
    lead_share: float
    first: int
    precedence: float


class LeadersOut(BaseModel):
    items: list[LeaderOut]


class MemberOut(BaseModel):
    region_key: str
    region: str
    code: str
    level: str
    province: str
    terms: int


class DefiningTermOut(BaseModel):
    term_key: str
    term: str
    kind: str
    members: int
    inside: float
    outside: float


class CommunityOut(BaseModel):
    community: int
    size: int
    members: list[MemberOut]
    terms: list[DefiningTermOut]


class CommunitiesOut(BaseModel):
    items: list[CommunityOut]


class SimilarOut(BaseModel):
    region: NodeOut
    items: list[PairOut]
