"""Reading adoption pairs into rows of the adoption table, as fast as Python allows.

A large answer is thousands of pairs (a term adopted by most of the country's divisions),
so the cost of a row decides the answer's: each row is read as four numbers and one value
of joined texts (``pair_columns``), a chunk of such values is decoded and split at once
(``PairRows._decoded``), and the record is built from the split texts directly
(``PairRows._pair_adoptions``). ``docs/design-notes.md`` ("Adoption questions read kept
pairs") has the measurements behind each choice.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import Any, NamedTuple

from . import pairs
from .dialect import Dialect
from .paths import relative_path, stored_roots
from .records import Adoption
from .schema import PREDICATE_NAMES
from .session import Session

CHUNK = 1024  # rows read, decoded and built at a time


class PairRows(Session):
    """What reads the rows of adoption pairs (``adoptions.Adoptions`` asks the questions)."""

    def ingested_roots(self) -> tuple[str, ...]:
        """The directories every ingest was given (``paths.ingested_roots``)."""
        return stored_roots(self.conn)

    def _decoded(self, cursor: Any, term: str = "") -> Iterator[list[ReadPair]]:
        """The rows ``pair_columns`` reads (and what follows them), a thousand at a time, each
        with its texts: the joined texts of a whole chunk are decoded and split at once.

        A cursor hands a chunk over in one call (psycopg's row by row cost a fifth of the
        time). A URL or path that holds the separator puts a chunk's count of texts off: that
        chunk is split row by row, and such a row's citation is read again, text by text
        (``pairs.cited_exactly``). ``term``: the key of the one term every row names, which
        the rows leave out.
        """
        split = self.joined_texts
        while chunk := cursor.fetchmany(CHUNK):
            texts = split([r[4] for r in chunk])
            if len(texts) == TEXTS * len(chunk):
                yield list(zip(chunk, zip(*[iter(texts)] * TEXTS, strict=True), strict=True))
            else:
                yield [(r, self._split_row(r[4], term)) for r in chunk]

    def _split_row(self, value: Any, term: str) -> tuple[str, ...]:
        """The texts of one row's joined value; its keys and dates come first and never hold
        the separator, so a citation that does is read again by them."""
        texts = self.joined_texts([value])
        if len(texts) == TEXTS:
            return tuple(texts)
        cited = self.conn.execute(pairs.cited_exactly(self.sql), (texts[2] or term, texts[1])).fetchone()
        return (*texts[:4], *cited)

    def _pair_adoptions(
        self, chunks: Iterable[list[ReadPair]], marked: bool, total: bool = False, term: str = ""
    ) -> Iterator[Adoption]:
        """The adoptions of pairs as ``_decoded`` reads them, their entities' columns looked up
        by key (``entity_columns``); ``marked``: each row holds its review, else there is
        none; ``total``: the rows hold the sum of their confidences, not the mean; ``term``:
        the key of the one term every row names, read as "".

        The entities a chunk names that were never read before are read in one query, then
        its rows are built.
        """
        roots = self.ingested_roots()
        root = roots[0] if len(roots) == 1 else None  # the usual case, spared a call per row
        cut = len(root or "")
        entities = self.entity_columns
        regions, terms = entities.regions, entities.terms
        new = tuple.__new__
        for chunk in chunks:
            keys = {g[1] for _, g in chunk}
            keys.update({g[2] for _, g in chunk} if not term else (term,))
            entities.read(self.conn, self.sql, keys)
            for r, g in chunk:
                # r: predicate, articles, confidence, relations, (joined), review
                # g: first_date, region_key, term_key, last_date, evidence, article_id, file,
                #    title, url, source, origin
                file, origin = g[6], g[10]
                if root is None:
                    file = relative_path(origin, roots, file)
                elif origin.startswith(root):
                    file = origin[cut:]
                yield new(
                    Adoption,
                    regions[g[1]] + terms[g[2] or term]
                    + (PREDICATE_NAMES[r[0]], g[0], g[3], r[1], r[2] / r[3] if total else r[2], g[4], g[5],
                       file, g[7], r[5] if marked else "", g[8], g[9], r[3]),
                )  # fmt: skip


def joined_texts_of(term_key: str) -> tuple[str, ...]:
    """The texts of a row of the adoption table, joined in one value (``Dialect.joined``):
    the pair's first date and keys (the order of the table, ``first_date_first``), its
    last date, then its citation (``pairs.CITATION``, one column already).
    ``term_key``: what stands in its place."""
    return ("coalesce(p.first_date, '')", "p.region_key", term_key, "coalesce(p.last_date, '')", "p.citation")


TEXTS = len(joined_texts_of("")) - 1 + len(pairs.CITATION)  # the texts of a row, its citation's counted


def pair_columns(d: Dialect, total: bool = False, term_key: str = "p.term_key") -> str:
    """What a row of the adoption table reads of a pair (``PairRow`` up to ``origin``): four
    numbers, then every text joined in one value, its entities by key only. ``total``: the
    sum of the confidences (for ``merge_pairs``) rather than their mean; ``term_key``: what
    stands in its place.

    The texts come joined because a SQLite store hands such a value over unconverted
    (``Dialect.joined``): the sqlite3 module would have SQLite convert each text column
    from UTF-16 to UTF-8 and decode that again, most of SQLite's time on a row; a chunk of
    rows is then decoded and split in two calls (``PairRows._decoded``).
    """
    confidence = f"{d.real('p.confidence_sum')} / 1000.0" + ("" if total else " / p.relations")
    return f"p.predicate, p.articles, {confidence}, p.relations, {d.joined(joined_texts_of(term_key))}"


# A pair as ``PairRows._decoded`` reads it: the row (numbers, the joined texts, what follows)
# and its texts split, plain tuples built without a class's constructor.
ReadPair = tuple[tuple[Any, ...], tuple[str, ...]]


class PairRow(NamedTuple):
    """A pair with its texts in place of the joined value (``ReadPair``), then its review (when
    ``_review_mark`` asks for one) and, for ``merge_pairs``, the sort key of its first relation."""

    predicate: int
    articles: int
    confidence: float  # the mean, or the sum while ``merge_pairs`` adds pairs up
    relations: int
    first_date: str
    region_key: str
    term_key: str
    last_date: str
    evidence: str
    article_id: str
    file: str
    title: str
    url: str
    source: str
    origin: str  # "" when unknown
    review: str = ""
    first_ref: str = ""

    @classmethod
    def of(cls, pair: ReadPair) -> PairRow:
        row, texts = pair
        return cls(*row[:4], *texts, *row[5:])


def as_read(row: PairRow) -> ReadPair:
    """``row`` as ``PairRows._decoded`` reads it."""
    return (*row[:4], None, *row[15:]), row[4:15]


def merge_pairs(a: PairRow, b: PairRow) -> PairRow:
    """Two pairs of a region as one.

    Dates are "" when unknown; relations, articles and confidences add up; the first
    relation is the one whose sort key (``first_ref``) comes first, with its term.
    """
    first = a if a.first_ref <= b.first_ref else b
    since = min(a.first_date, b.first_date) if a.first_date and b.first_date else a.first_date or b.first_date
    return first._replace(
        first_date=since,
        last_date=max(a.last_date, b.last_date),
        articles=a.articles + b.articles,
        confidence=a.confidence + b.confidence,
        relations=a.relations + b.relations,
        review=min(filter(None, (a.review, b.review)), default=""),
    )


def first_date_first(read: list[ReadPair]) -> list[ReadPair]:
    """Pairs as ``_decoded`` reads them, one a region, in the adoption table's order: by first
    date (unknown last), then region. Their texts start with the first date and the region's
    key, which no two of them share: the texts' tuples compare in C, sorted by keys a Python
    key function would cost as much as the sort to make.

    Python orders text by code point, as PostgreSQL's "C" collation does; a SQLite store
    orders its UTF-16 text by bytes (decision 0008), which differs between region keys that
    are names (a few ambiguous divisions) on the same first date."""
    read.sort(key=_TEXTS)
    undated = next((i for i, (_, g) in enumerate(read) if g[0]), len(read))  # "" sorts first
    return read[undated:] + read[:undated]


_TEXTS = itemgetter(1)


def region_of(pair: ReadPair) -> str:
    return pair[1][1]


def chunked(rows: list[ReadPair]) -> Iterator[list[ReadPair]]:
    """``rows`` in chunks of the size ``_decoded`` hands over (``CHUNK``)."""
    return (rows[i : i + CHUNK] for i in range(0, len(rows), CHUNK))
