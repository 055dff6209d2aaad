"""Records that cross package boundaries.

Frozen, slotted dataclasses: cheap to build in worker processes, picklable between them,
and impossible to change by accident after a stage has produced them. Pydantic stays in
``api/``; everything below the API speaks these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, Literal, TypeVar

T = TypeVar("T")


def _by_fields(cls: type[T]) -> type[T]:
    """Pickle as the class and its field values, rebuilt through ``__init__``.

    Workers send every Extraction to the writer; the default pickling of a frozen,
    slotted dataclass (a state restored one ``object.__setattr__`` at a time) made
    unpickling a third of the writer's time per article more than this.
    """
    values = attrgetter(*(f.name for f in fields(cls)))  # type: ignore[arg-type]

    def __reduce__(self: Any) -> tuple[type[T], tuple[Any, ...]]:
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    return cls


EntityKind = Literal["region", "mechanism", "brand", "slogan", "document", "article"]
Predicate = Literal["adopts", "runs", "issues", "implements", "part_of", "mentions"]
RegionLevel = Literal["province", "prefecture", "county"]


@_by_fields
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


@_by_fields
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


@_by_fields
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


@_by_fields
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


@_by_fields
@dataclass(frozen=True, slots=True)
class Mention:
    """An entity named at a place in an article, before relations are drawn."""

    entity: Entity
    start: int
    end: int
    rule: str
    confidence: float = 1.0


@_by_fields
@dataclass(frozen=True, slots=True)
class Relation:
    subject: Entity
    predicate: Predicate
    object: Entity
    evidence: Evidence
    confidence: float


@_by_fields
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

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """The tokens travel as one string (a thousand small ones cost more to unpickle)."""
        joined = TOKEN_SEPARATOR.join(self.tokens)
        if len(self.tokens) < 2 or joined.count(TOKEN_SEPARATOR) != len(self.tokens) - 1:
            return Extraction, (self.article, self.mentions, self.relations, self.part_of, self.aliases, self.tokens)
        return _joined_extraction, (self.article, self.mentions, self.relations, self.part_of, self.aliases, joined)


TOKEN_SEPARATOR = "\x1f"  # a control character: normalised text holds none


def _joined_extraction(
    article: Article,
    mentions: tuple[Mention, ...],
    relations: tuple[Relation, ...],
    part_of: tuple[tuple[Entity, Entity], ...],
    aliases: tuple[Alias, ...],
    joined: str,
) -> Extraction:
    return Extraction(article, mentions, relations, part_of, aliases, tuple(joined.split(TOKEN_SEPARATOR)))


@_by_fields
@dataclass(frozen=True, slots=True)
class Failure:
    """A file (or JSONL line) that could not be ingested, and why."""

    origin: str
    reason: str
