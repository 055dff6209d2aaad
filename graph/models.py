"""Records the graph package hands out: frozen, slotted dataclasses built from store rows."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from zxkg.ingest.store.records import Adoption as Adoption  # the store's record, handed out as it is
from zxkg.ingest.store.records import AdoptionEvidence as AdoptionEvidence
from zxkg.ingest.store.records import EdgeRow, EntityRow, NodeRow

Scalar = str | int | float
AttrValue = str | tuple[str, ...]

TERM_KINDS = ("mechanism", "brand", "slogan", "document")
KINDS = ("region", *TERM_KINDS, "article")
GRAPH_KINDS = ("region", *TERM_KINDS)  # the default: articles only when asked for
PREDICATES = ("adopts", "runs", "issues", "implements", "part_of", "mentions")
LIST_SEPARATOR = "|"  # lists become one string where a format takes scalars only

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


@dataclass(frozen=True, slots=True)
class Filters:
    """What part of the store a graph, a query or an export covers. Empty keeps all.

    ``region`` keeps the relations of that region and every region under it; ``terms``
    keeps relations that touch one of those mechanisms, brands or documents (aliases
    included). Dates are ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` and bound inclusively.
    """

    kinds: tuple[str, ...] = ()
    predicates: tuple[str, ...] = ()
    region: str = ""
    since: str = ""
    until: str = ""
    min_articles: int = 0
    min_confidence: float = 0.0
    terms: tuple[str, ...] = ()
    include_rejected: bool = False  # relations a reviewer rejected, marked, as if kept


@dataclass(frozen=True, slots=True)
class Node:
    """An entity as a graph node. ``start`` is the first date of its relations in view."""

    key: str
    kind: str
    name: str
    code: str = ""
    level: str = ""
    parent: str = ""
    province: str = ""
    start: str = ""
    attrs: tuple[tuple[str, AttrValue], ...] = ()

    @property
    def label(self) -> str:
        """What a person reads: the name, or an article's title."""
        if self.kind == "article":
            title = self.attr("title")
            if isinstance(title, str) and title:
                return title
        return self.name

    def attr(self, name: str) -> AttrValue:
        return next((v for k, v in self.attrs if k == name), "")

    @property
    def aliases(self) -> tuple[str, ...]:
        value = self.attr("aliases")
        return value if isinstance(value, tuple) else ((value,) if value else ())

    def data(self) -> dict[str, Any]:
        """Every attribute, lists kept as lists (for JSON)."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "name": self.name,
            "label": self.label,
            "code": self.code,
            "level": self.level,
            "parent": self.parent,
            "province": self.province,
            "start": self.start,
        }
        for k, v in self.attrs:
            out.setdefault(k, list(v) if isinstance(v, tuple) else v)
        return out

    def flat(self) -> dict[str, Scalar]:
        """Every attribute as a scalar: lists joined with ``|`` (GraphML, GEXF, CSV)."""
        return {k: LIST_SEPARATOR.join(v) if isinstance(v, list) else v for k, v in self.data().items()}


NODE_COLUMNS = ("label", "kind", "name", "code", "level", "parent", "province", "start")


@dataclass(frozen=True, slots=True)
class Edge:
    """Every relation between two entities with one predicate, aggregated."""

    source: str
    target: str
    predicate: str
    articles: int  # distinct articles that state it (0 for part_of from the division table)
    first_date: str
    last_date: str
    confidence: float  # mean over its relations
    evidence: str  # the sentence of the first relation (earliest date)
    article: str = ""
    file: str = ""
    title: str = ""

    def flat(self) -> dict[str, Scalar]:
        return {
            "predicate": self.predicate,
            "articles": self.articles,
            "first_date": self.first_date,
            "last_date": self.last_date,
            "confidence": round(self.confidence, 4),
            "evidence": self.evidence,
            "article": self.article,
            "file": self.file,
            "title": self.title,
        }


EDGE_TYPES: dict[str, type] = {"articles": int, "confidence": float}


@dataclass(frozen=True, slots=True)
class Adopters:
    """Who adopted a term: the entities the name matched (aliases included) and the regions."""

    term: str
    matched: tuple[Node, ...]
    adoptions: tuple[Adoption, ...]


@dataclass(frozen=True, slots=True)
class AdopterCounts:
    """A term's adopters counted by province and by level (province, prefecture, county):
    how far and how deep it spread, in two short tables."""

    term: str
    adopters: int
    by_province: tuple[tuple[str, int], ...]  # most adopters first, then by name
    by_level: tuple[tuple[str, int], ...]  # province, prefecture, county, then any other


@dataclass(frozen=True, slots=True)
class Evidence:
    """Every evidence sentence of a term's adoptions (aliases included), by region: what a
    citation of a row of the adoption table needs beyond its first sentence."""

    term: str
    matched: tuple[Node, ...]
    region: Node | None  # the one region asked about, or None for every adopter
    rows: tuple[AdoptionEvidence, ...]

    def by_region(self) -> dict[str, list[AdoptionEvidence]]:
        """The rows grouped by region key, each group in the order of the table's first evidence."""
        out: dict[str, list[AdoptionEvidence]] = {}
        for r in self.rows:
            out.setdefault(r.region_key, []).append(r)
        return out


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    """Adopters new at ``date`` (a day, month or year) and the cumulative count."""

    date: str
    new: tuple[str, ...]
    cumulative: int


@dataclass(frozen=True, slots=True)
class Timeline:
    term: str
    matched: tuple[Node, ...]
    points: tuple[TimelinePoint, ...]
    undated: tuple[str, ...] = ()  # adopters whose articles carry no date


@dataclass(frozen=True, slots=True)
class RegionProfile:
    """What a region (and with ``subtree``, the regions under it) adopted, ran and issued."""

    region: Node
    subtree: bool
    articles: int  # articles that mention it
    adoptions: tuple[Adoption, ...] = field(default=())

    def of_kind(self, kind: str) -> tuple[Adoption, ...]:
        return tuple(a for a in self.adoptions if a.kind == kind)

    @property
    def timeline(self) -> tuple[Adoption, ...]:
        """Adoptions by first date (undated last)."""
        return tuple(sorted(self.adoptions, key=lambda a: (not a.first_date, a.first_date, a.code, a.term)))


@dataclass(frozen=True, slots=True)
class Pair:
    """Two terms that share adopters, or two regions that share terms."""

    a: Node
    b: Node
    shared: int
    a_total: int
    b_total: int

    @property
    def jaccard(self) -> float:
        union = self.a_total + self.b_total - self.shared
        return self.shared / union if union else 0.0


@dataclass(frozen=True, slots=True)
class PanelRow:
    """One region, one term, one year: 0 before adoption, 1 from its year on, None if undated."""

    region: str
    code: str
    level: str
    province: str
    term: str
    kind: str
    year: int
    adopted: int | None
    first_year: int | None
    review: str = ""  # the adoption row's review: accepted, added, rejected (asked for) or ""


def iso_date(value: str) -> str:
    """A store date as a full ISO date (``2024`` → ``2024-01-01``), or "" if it is none."""
    m = _DATE.match(value or "")
    if not m:
        return ""
    return f"{m.group(1)}-{m.group(2) or '01'}-{m.group(3) or '01'}"


def parse_attrs(text: str | None) -> tuple[tuple[str, AttrValue], ...]:
    """The ``attrs`` JSON of an entity row as sorted pairs; lists become tuples of str."""
    try:
        raw = json.loads(text or "{}")
    except ValueError:
        return ()
    if not isinstance(raw, dict):
        return ()
    out: list[tuple[str, AttrValue]] = []
    for k, v in sorted(raw.items()):
        if isinstance(v, list | tuple):
            out.append((str(k), tuple(str(x) for x in v)))
        elif v is not None:
            out.append((str(k), str(v)))
    return tuple(out)


def node_from_row(row: NodeRow | EntityRow) -> Node:
    """A graph node from the store's row of an entity (with, for articles, their title, date and file)."""
    attrs = parse_attrs(row.attrs)
    start = ""
    if isinstance(row, NodeRow):
        start = row.start or ""
        if row.kind == "article":
            extra = [(k, str(v)) for k, v in (("title", row.title), ("date", row.date), ("file", row.file)) if v]
            attrs = tuple(sorted({**dict(attrs), **dict(extra)}.items()))
    return Node(
        key=row.key,
        kind=row.kind,
        name=row.name,
        code=row.code or "",
        level=row.level or "",
        parent=row.parent or "",
        province=row.province or "",
        start=start,
        attrs=attrs,
    )


def edge_from_row(row: EdgeRow) -> Edge:
    return Edge(
        source=row.source,
        target=row.target,
        predicate=row.predicate,
        articles=int(row.articles),
        first_date=row.first_date or "",
        last_date=row.last_date or "",
        confidence=float(row.confidence),
        evidence=row.evidence or "",
        article=row.article_id or "",
        file=row.file or "",
        title=row.title or "",
    )
