"""The typed rows the store hands out: one named record per read, its fields its columns.

Named tuples, not frozen dataclasses (``docs/decisions/0003-store-records.md``): a row
comes from SQLite as a tuple, and ``Record._make`` keeps it one, so a read of thousands of
adoptions costs no more than the tuples it replaced, while callers read ``row.first_date``
instead of ``row[9]`` and the column order lives here only. Records that are not rows
(an article with its mentions, the store's counts) are frozen dataclasses.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

from ..models import EntityKind

_YEAR = re.compile(r"^(\d{4})(?:-\d{2})?(?:-\d{2})?$")


@functools.lru_cache(maxsize=8192)
def year_of(date: str) -> int | None:
    """The year of a date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), None for "" or any other
    text. Remembered: a table of a hundred thousand rows holds a few thousand dates."""
    m = _YEAR.match(date)
    return int(m.group(1)) if m else None


class RelationRow(NamedTuple):
    """A relation with both ends and the file of its article (``Store.relations``)."""

    id: int
    article_id: str | None  # None for part_of from the division table
    subject_key: str
    predicate: str
    object_key: str
    date: str | None
    evidence: str
    start: int
    end: int
    span_start: int
    span_end: int
    span: str
    rule: str
    confidence: float
    file: str | None
    s_kind: str
    s_name: str
    s_code: str | None
    s_attrs: str | None
    o_kind: str
    o_name: str
    o_code: str | None
    o_attrs: str | None
    review: str = ""  # accepted, rejected, added (by hand) or "" (not reviewed)


class MentionRow(NamedTuple):
    """An entity named at a place of an article (for the article page)."""

    start: int
    end: int
    kind: str
    name: str
    rule: str


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """One article with its mentions (``Store.article``)."""

    id: str
    file: str
    title: str
    date: str
    source: str
    author: str
    url: str
    text: str
    mentions: tuple[MentionRow, ...]


class RegionListing(NamedTuple):
    """A region named in at least one article, and in how many (``Store.region_list``)."""

    name: str
    code: str
    level: str
    province: str
    parent: str
    articles: int


class TermListing(NamedTuple):
    """A term with its adopters and articles (``Store.term_list``)."""

    key: str
    name: str
    kind: str
    attrs: str | None
    adopters: int
    articles: int
    aliases: tuple[str, ...] = ()


class HeardTerm(NamedTuple):
    """A term as the store last saw it quoted (``Store.terms_since``)."""

    name: str
    kind: EntityKind
    strong: bool  # a head word decided its kind in one of the mentions heard
    aliases: dict[str, str]  # alias → provenance


class CorpusTerm(NamedTuple):
    """A mechanism or brand found quoted so far, with the aliases the lexicon learnt."""

    name: str
    kind: EntityKind
    articles: int
    aliases: dict[str, str]  # alias → provenance


class RunRow(NamedTuple):
    id: int
    started_at: str
    finished_at: str | None
    status: str
    read: int
    ingested: int
    unchanged: int
    duplicates: int
    failed: int


class RunningRun(NamedTuple):
    """A run still marked running: in progress, or left so by a process that died."""

    id: int
    started_at: str
    paths: str


class FailureRow(NamedTuple):
    origin: str
    reason: str
    at: str


@dataclass(frozen=True, slots=True)
class StoreStats:
    """What the store holds, every count from the same moment (``Store.stats``)."""

    location: str  # the data directory, or the URL without its password
    articles: int
    files: int
    entities: dict[str, int]
    relations: dict[str, int]
    mentions: int
    failures: int
    last_run: RunRow | None
    size_bytes: int


class OffsetMismatch(NamedTuple):
    """A finding whose offsets do not point at its quote."""

    table: str  # relations or mentions
    id: int
    article: str
    rule: str


class MisplacedReview(NamedTuple):
    """A review whose relation no longer quotes the sentence the review was made on
    (``zxkg check``): its offsets moved off the text, by a bug or a hand edit."""

    review: int
    relation: int
    article: str
    status: str  # accepted, rejected, added (a relation written from the review)


class EntityRow(NamedTuple):
    """An entity's columns; ``attrs`` is JSON with the learnt aliases merged in."""

    key: str
    kind: str
    name: str
    code: str | None
    level: str | None
    parent: str | None
    province: str | None
    attrs: str | None


class EntityName(NamedTuple):
    """What name suggestions need of an entity."""

    key: str
    kind: str
    name: str
    attrs: str | None


class EdgeRow(NamedTuple):
    """Every relation of one (subject, predicate, object) kept by a query, with its first evidence."""

    source: str
    predicate: str
    target: str
    articles: int
    first_date: str | None
    last_date: str | None
    confidence: float
    evidence: str | None
    article_id: str | None
    file: str | None
    title: str | None


class NodeRow(NamedTuple):
    """An entity at an end of a kept edge; ``title``, ``date`` and ``file`` for articles."""

    key: str
    kind: str
    name: str
    code: str | None
    level: str | None
    parent: str | None
    province: str | None
    attrs: str | None
    start: str | None
    title: str | None
    date: str | None
    file: str | None


class Adoption(NamedTuple):
    """A region's relation to a term (mechanism, brand, document …): when first, how often.

    Text columns are "" rather than None; ``first_date`` is "" when no article is dated.
    ``file`` is the first evidence's file by its path under the ingested directory
    (``paths.relative_path``); ``url``, ``source`` and ``title`` cite the same article, and
    ``evidence_count`` says how many relations (evidence sentences) stand behind the row.
    """

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
    articles: int
    confidence: float
    evidence: str
    article: str
    file: str = ""
    title: str = ""
    review: str = ""  # accepted, added (a reviewer's), rejected (asked for), "" when none
    url: str = ""
    source: str = ""
    evidence_count: int = 1

    @property
    def year(self) -> int | None:
        return year_of(self.first_date)


class AdoptionEvidence(NamedTuple):
    """One relation behind a row of the adoption table: the sentence, where it stands, what
    cites it (``Store.adoption_evidence``). ``file`` is its path under the ingested directory."""

    relation: int
    region_key: str
    region: str
    term_key: str
    term: str
    kind: str
    predicate: str
    date: str
    evidence: str
    start: int
    end: int
    confidence: float
    article: str
    file: str
    title: str
    url: str
    source: str


class FirstAdoption(NamedTuple):
    """When a region first adopted any of a term's names (a diffusion curve's point)."""

    region_key: str
    region: str
    first_date: str


class SharedPair(NamedTuple):
    """Two items that share adoptions, with the counts of a Jaccard index."""

    a: str
    b: str
    shared: int
    a_total: int
    b_total: int


class ReviewRow(NamedTuple):
    """A reviewer's judgement of one relation, as ``zxkg review list`` shows it.

    ``relation`` is the relation it judges now, None when the extractor no longer produces
    it (``orphaned``): the review is kept, and judges the relation again if it comes back.
    """

    id: int
    article: str  # the article's public id (the content hash's first 16 hex digits)
    article_hash: str
    subject_key: str
    region: str
    predicate: str
    object_key: str
    term: str
    sentence_start: int
    sentence_end: int
    span_start: int
    span_end: int
    sentence: str
    origin: str
    status: str  # accepted, rejected, added
    note: str
    reviewer: str
    at: str
    relation: int | None

    @property
    def orphaned(self) -> bool:
        return self.relation is None
