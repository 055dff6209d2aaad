"""Records that cross package boundaries.

Frozen, slotted dataclasses: cheap to build in worker processes, picklable between them,
and impossible to change by accident after a stage has produced them. Pydantic stays in
``api/``; everything below the API speaks these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

EntityKind = Literal["region", "mechanism", "brand", "slogan", "document", "article"]
Predicate = Literal["adopts", "runs", "issues", "implements", "part_of", "mentions"]
RegionLevel = Literal["province", "prefecture", "county"]


@dataclass(frozen=True, slots=True)
class Source:
    """Bytes of one article as they were read, before any decoding.

    ``origin`` names where they came from (a path, ``path:line`` for JSONL, ``<stdin>``);
    ``file`` is the base name kept for evaluation and for users who think in file names.
    """

    origin: str
    file: str
    data: bytes
    fields: tuple[tuple[str, str], ...] = ()  # metadata already known (JSON records)


@dataclass(frozen=True, slots=True)
class Article:
    """One article after parsing and normalisation.

    ``text`` is the normalised text: every offset anywhere in zxkg points into it.
    ``original`` is the decoded text as found, kept so a reader can check the source.
    """

    id: str
    file: str
    origin: str
    title: str
    text: str
    original: str
    date: str = ""  # ISO YYYY-MM-DD, or "" when unknown
    source: str = ""
    author: str = ""
    url: str = ""
    encoding: str = "utf-8"
    content_hash: str = ""


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a relation is proved: the sentence, and the span inside it that names the object.

    ``text[start:end] == quote`` (the sentence); ``text[span_start:span_end]`` is the mention.
    """

    article_id: str
    start: int
    end: int
    quote: str
    span_start: int
    span_end: int
    rule: str


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical thing relations point at. ``key`` is stable across runs and articles."""

    kind: EntityKind
    name: str
    code: str = ""  # division code for regions
    level: str = ""  # province/prefecture/county for regions
    parent: str = ""  # parent region code
    province: str = ""  # province name for regions
    attrs: tuple[tuple[str, str], ...] = ()  # doc status/type, issuer …

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.code or self.name}"


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity named at a place in an article, before relations are drawn."""

    entity: Entity
    start: int
    end: int
    rule: str
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Relation:
    subject: Entity
    predicate: Predicate
    object: Entity
    evidence: Evidence
    confidence: float


@dataclass(frozen=True, slots=True)
class Alias:
    """Another written form of a term, and where it was seen (kept for the lexicon)."""

    alias: str
    entity: Entity
    provenance: str  # the rule (or lexicon.txt line) that made it an alias


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extraction found in one article, ready for the store."""

    article: Article
    mentions: tuple[Mention, ...] = ()
    relations: tuple[Relation, ...] = ()
    part_of: tuple[tuple[Entity, Entity], ...] = ()  # (child, parent) from the division table
    aliases: tuple[Alias, ...] = ()
    tokens: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True, slots=True)
class Failure:
    """A file (or JSONL line) that could not be ingested, and why."""

    origin: str
    reason: str
