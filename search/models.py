"""Records of search: what goes into an index, what a search asks, what it answers.

Frozen, slotted dataclasses like every record that crosses a package boundary. They know
nothing of whoosh (or any engine): an engine turns an ``IndexDoc`` into its own document
and a ``SearchRequest`` into its own query, and answers with a ``SearchResult``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# One entry per ordinal position: the token, then the sub-words found inside it (they share
# its position). An empty entry is a gap: a position nothing can match, so that a phrase
# never runs across two evidence sentences.
Positions = tuple[tuple[str, ...], ...]

Sort = Literal["relevance", "date"]
SORTS: tuple[Sort, ...] = ("relevance", "date")
Scope = Literal["articles", "evidence"]


@dataclass(frozen=True, slots=True)
class EvidenceSentence:
    """A sentence of an article that states a relation (region adopts/runs/issues …)."""

    predicate: str
    subject: str
    subject_kind: str
    object: str
    object_kind: str
    quote: str
    start: int  # offsets of the sentence in the article's normalised text
    end: int


@dataclass(frozen=True, slots=True)
class IndexDoc:
    """One article as every engine indexes it: text already segmented, entities canonical."""

    id: str
    title: str
    text: str
    date: str  # YYYY-MM-DD, YYYY-MM, YYYY or ""
    source: str
    file: str
    title_terms: Positions
    body_terms: Positions
    source_terms: Positions
    evidence_terms: Positions
    regions: tuple[str, ...]  # canonical names of the regions the article names
    region_tree: tuple[str, ...]  # those, their ancestors, and the division codes of all of them
    provinces: tuple[str, ...]
    entities: tuple[tuple[str, tuple[str, ...]], ...]  # (kind, canonical names) for every other kind
    evidence: tuple[EvidenceSentence, ...]

    @property
    def year(self) -> str:
        return self.date[:4]


@dataclass(frozen=True, slots=True)
class Words:
    """An unquoted chunk of the query: every token must occur; found side by side ranks higher."""

    text: str
    tokens: tuple[str, ...]
    field: str = ""  # "" = title and body (or the evidence sentences)


@dataclass(frozen=True, slots=True)
class Phrase:
    """A quoted phrase: its tokens at consecutive positions."""

    text: str
    tokens: tuple[str, ...]
    field: str = ""


@dataclass(frozen=True, slots=True)
class Filter:
    """An exact-value field (region, province, mechanism …): any of ``values`` matches.

    ``contains`` lets a value match every indexed name that contains it (``mechanism:考核``).
    """

    field: str
    values: tuple[str, ...]
    contains: bool = False


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


Node = Words | Phrase | Filter | And | Or | Not


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """A parsed query with its filters, order, page and facets."""

    query: Node
    filters: tuple[Filter, ...] = ()
    since: str = ""  # inclusive lower bound on the date (YYYY, YYYY-MM or YYYY-MM-DD)
    until: str = ""  # inclusive upper bound, same forms (2024-05 includes 2024-05-31)
    sort: Sort = "relevance"
    offset: int = 0
    limit: int = 10
    facets: tuple[str, ...] = ("region", "mechanism", "year")
    facet_size: int = 10  # values shown per facet, most frequent first (0 = all)
    scope: Scope = "articles"


@dataclass(frozen=True, slots=True)
class Fragment:
    """A piece of text around the matches; ``matches`` are offsets into ``text``."""

    text: str
    matches: tuple[tuple[int, int], ...]

    def marked(self, before: str = "【", after: str = "】") -> str:
        out: list[str] = []
        pos = 0
        for start, end in self.matches:
            out += [self.text[pos:start], before, self.text[start:end], after]
            pos = end
        out.append(self.text[pos:])
        return "".join(out)


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: str
    title: str
    date: str
    source: str
    file: str
    score: float
    regions: tuple[str, ...]
    fragments: tuple[Fragment, ...] = ()
    evidence: tuple[EvidenceSentence, ...] = ()  # stored sentences (evidence scope only)


@dataclass(frozen=True, slots=True)
class Facet:
    """Counts of one facet over every matching article (not only the page shown)."""

    name: str
    counts: tuple[tuple[str, int], ...]  # most frequent first


@dataclass(frozen=True, slots=True)
class SearchResult:
    total: int
    hits: tuple[SearchHit, ...]
    facets: tuple[Facet, ...] = ()
    offset: int = 0
    limit: int = 10


@dataclass(frozen=True, slots=True)
class EvidenceHit:
    """A sentence that states a relation and matches the query."""

    article_id: str
    title: str
    date: str
    file: str
    sentence: EvidenceSentence
    fragment: Fragment


@dataclass(frozen=True, slots=True)
class EvidenceResult:
    total: int
    hits: tuple[EvidenceHit, ...]
    offset: int = 0
    limit: int = 10
