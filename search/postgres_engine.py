"""The PostgreSQL engine: the search of a PostgreSQL store, in tables of the store's own schema.

This is the only module that writes tsvectors and tsqueries. PostgreSQL never segments
our text: each article's ``tsvector`` is built here from the Segmenter's positions
(``IndexDoc``), as a literal, so no text search configuration (not even ``simple``)
touches a term, and queries are built from our query tree, never by ``to_tsquery``.

**One tsvector per article, field-qualified lexemes.** Every lexeme is ``field:term``:

- ``title:``, ``body:``, ``source:``, ``evidence:`` hold the word at each position, at its
  ordinal position, so a phrase is ``'body:委员' <-> 'body:工作室'``; a gap between two
  evidence sentences is a position nothing holds, so no phrase runs across it;
- ``title~:`` … hold the rest of each position's terms (sub-words, a learned word beside
  its first piece) at the same position; a word is looked up in both, a phrase in the
  first, as the tantivy engine does (so both find the same articles);
- ``title>:`` … hold each run of two words side by side (``'body>:委员 工作室'``) and
  ``title>>:`` … each run of three (``'body>>:有事 好 商量'``): a phrase of two or three
  words is one lexeme the GIN index answers exactly, and a longer one asks for its runs of
  three and its words at consecutive positions, so PostgreSQL reads the terms of only the
  rows that hold every run (the phrase operator alone would make it read those of every
  row holding the words);
- ``region:`` (the regions, their ancestors and their division codes), ``province:``,
  ``year:`` and one prefix per entity kind (``mechanism:``, ``brand:``, ``document:`` …)
  hold the exact values filters ask for, lower-cased.

So a whole query — words, phrases, OR/NOT/groups, fields and filters — is one tsquery
against one GIN index; only the date range is a column (``date_key``, as tantivy's). Title
lexemes carry weight A, so ``ts_rank`` counts a title match ten times a body's (the title
boost). A filter whose value may be contained in a name (``mechanism:考核``) is widened to
the names that contain it, found in ``search_values`` (every facet value, by kind).

**Cost grows with the matches, so a large result is not ranked match by match.** Up to
``RANK_ALL`` matches, each is ranked by ``head``, a small tsvector of the title and the
body's first words, and the best ``RERANKED`` again by all their terms (``ts_rank``
divided by the length, as BM25 does). Above it (a common word over a large corpus), the
order is the matches holding a query word in their title, then the rest, each newest
first: two GIN counts, and a page read by walking the date index while the matches are
dense (few rows checked) or by sorting them by date when they are sparse; only the page's
rows are ranked, for their score. The table itself is narrow (every wide value out of line,
``toast_tuple_target``; terms lz4-compressed), so counting and sorting the matches read
about 300 bytes a row.

Facets are one ``GROUP BY`` over the matched rows' facet value ids (integers, kept in the
row, one array a facet): only the arrays of the facets asked for are unnested (in the select
list, a ``ProjectSet``), and the names joined to the counts at the end. Each value of
``search_values`` has an id whose high bits name its facet.
A result holding most of the table (a common word) is counted the other way round: the
totals of ``search_totals`` (kept by statement triggers from the rows each write really
inserted, replaced or deleted) less the counts of the rows it leaves out, which every
document's ``:every`` lexeme lets the GIN index find (``':every' & !query``).

Limits of tsvector, which the tests' articles are far from: a position above 16,383 is
read as 16,383 and a lexeme keeps its first 256 positions, so a phrase in the far tail of
a very long article (or past a word's 256th occurrence) is not found there; a term longer
than 2,000 bytes (a run of digits, a URL) is left out.

Writers: rows are copied into a temporary table and upserted (``ON CONFLICT (id)``) in
batches, each in a transaction of its own, ordered by id, so two ingesters racing on one
article keep one row and never deadlock on each other; a batch PostgreSQL gives up for a
deadlock is run again. A bulk writer (reindex) fills a new table, builds its indexes once,
then swaps it in within one transaction; searches see the old table until then.
"""

from __future__ import annotations

import contextlib
import json
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, get_args

from zxkg.ingest.errors import StoreUnavailable
from zxkg.ingest.models import EntityKind
from zxkg.ingest.store.postgres import Connection, shown

from .date_keys import date_bound, date_key
from .models import (
    And,
    EvidenceSentence,
    Facet,
    Filter,
    IndexDoc,
    Node,
    Not,
    Or,
    Phrase,
    Positions,
    SearchHit,
    SearchRequest,
    SearchResult,
    Words,
)

if TYPE_CHECKING:
    import psycopg

TABLE = "search_documents"
VALUES = "search_values"
SUB = "~"  # title~: … a text field's terms beyond the word at each position
PAIR = ">"  # body>:委员 工作室 … two words side by side: a two-word phrase needs no positions
HEAD_POSITIONS = 64  # the body's first words in ``head``
RERANKED = 100  # the best matches by ``head`` that ts_rank orders again over all their terms
# Above this many matches, relevance is "a query word in the title first, then the newest":
# ranking each match would read its terms, and PostgreSQL's cost grows with the matches.
RANK_ALL = 3_000
# A page walks the date index (checking each row's terms) when that reads this many times
# fewer rows than collecting every match and sorting them; else it sorts the matches.
WALK_ADVANTAGE = 50
FILTER_PREFIXES = {"region": "region", "province": "province", "year": "year"}
ENTITY_KINDS = tuple(k for k in get_args(EntityKind) if k not in ("region", "article"))
FACET_PREFIXES = {"region": "regions"}  # a facet's name → its field in search_values
NOTHING = "'\\:nothing'"  # a lexeme no document holds: a filter on a kind never indexed
EVERY = "'\\:every'"  # a lexeme every document holds: the rows a query leaves are EVERY & !query
TOTALS = "search_totals"
ROWS = 0  # the id under which search_totals keeps the count of the documents (no facet value's)
# Facets of a result holding most of the table are its totals less the counts of the rows
# it leaves out (fewer to read): above this share of the table.
COMPLEMENT_ABOVE = 0.5
# A result is counted the other way round (all rows less those it leaves out) when the
# planner expects this share of the table or more: the GIN index then reads the lexeme
# every row holds besides the query's, about as long as visiting a further half of the
# table's rows, so the way round pays only well above half (委员, in 91% of the rows: 35 →
# 25 ms at 100k; a pair in 48% counted that way: 25 → 42 ms).
COUNT_COMPLEMENT_ABOVE = 0.8
MAX_POSITION = 16_383
MAX_LEXEME_BYTES = 2_000
# ts_rank divided by the document's length, as BM25 (whoosh, tantivy) weighs a match in a
# short article above one among a long article's many words
RANK_NORMALIZATION = 2
BATCH = 500  # documents a writer sends in one transaction
RETRIES = 8
SETUP_LOCK = 0x7A78_5345  # "zxSE": one process creates the tables at a time
# Facet values are counted as integers, each holding its facet's number above KIND_SHIFT bits,
# so the kept totals of the facets asked for are picked by a shift, without a lookup per value.
FACET_FIELDS = ("regions", "province", "year", *ENTITY_KINDS)
KIND_SHIFT = 26
KIND_SHIFT_SPAN = 1 << KIND_SHIFT
assert len(FACET_FIELDS) < 32  # the numbers 1 … 31 fit an INTEGER's 31 bits above the shift
# A row's facet value ids, one array a facet (facet_regions, facet_year, facet_mechanism …):
# counting the facets asked for unnests only theirs, half a row's ids or fewer, and picks
# none out (docs/design-notes.md, "PostgreSQL facets and counts at 100k").
FACET_COLUMNS = tuple(f"facet_{field}" for field in FACET_FIELDS)
DOCUMENT_COLUMNS = (
    """
    id TEXT NOT NULL,              -- the article's id (its content hash)
    terms TSVECTOR {z} NOT NULL,   -- field-qualified lexemes: 'body:委员':12 'title:委员':3A …
    head TSVECTOR {z} NOT NULL,    -- the title's and the body's first words: ranks a few matches cheaply
    date_key INTEGER NOT NULL,     -- the date as YYYYMMDD, missing parts 00, 0 for none
"""
    + "".join(
        f"    {c} INTEGER[] NOT NULL,  -- the ids (in search_values) of its {f} values\n"
        for c, f in zip(FACET_COLUMNS, FACET_FIELDS, strict=True)
    )
    + """    record TEXT {z} NOT NULL       -- what a hit shows (JSON): title, date, source, file, regions, sentences
"""
)


def facet_ids(columns: Sequence[str] = FACET_COLUMNS, row: str = "") -> str:
    """The ids of a row's facet values in ``columns`` as one array (``row``: its table's alias)."""
    return " || ".join(f"{row}.{c}" if row else c for c in columns)


# kept in the narrow row (not TOAST): counting facets reads them
MAIN_STORAGE = ", ".join(f"ALTER COLUMN {c} SET STORAGE MAIN" for c in FACET_COLUMNS)
# Every wide value lives out of line (TOAST), so the table itself holds about 300 bytes a row
# (its facet ids stay in it, STORAGE MAIN): counting the matches, ordering them by date and
# counting their facets read that narrow table, never the terms.
# lz4 decompresses a row's terms several times faster than pglz, where PostgreSQL reads them.
TABLE_OPTIONS = "WITH (toast_tuple_target = 128)"
# off while a bulk writer fills its table, reset when it is swapped in
AUTOVACUUM = ("autovacuum_enabled", "toast.autovacuum_enabled")
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} ({DOCUMENT_COLUMNS}, PRIMARY KEY (id)) {TABLE_OPTIONS};
ALTER TABLE {TABLE} {MAIN_STORAGE};
CREATE INDEX IF NOT EXISTS {TABLE}_terms ON {TABLE} USING gin (terms);
CREATE INDEX IF NOT EXISTS {TABLE}_date ON {TABLE} (date_key);
CREATE SEQUENCE IF NOT EXISTS {VALUES}_ids MAXVALUE {KIND_SHIFT_SPAN - 1};
CREATE TABLE IF NOT EXISTS {VALUES} (
    field TEXT NOT NULL,           -- a facet: regions, province, year or an entity kind
    value TEXT NOT NULL,           -- a value of it some article held (lower-cased)
    id INTEGER NOT NULL UNIQUE,    -- the facet's number << 26 | a serial: the kind is in the id
    PRIMARY KEY (field, value)
);
"""
COLUMNS = ", ".join(("id", "terms", "head", "date_key", *FACET_COLUMNS, "record"))

# A document as plain values, built where the article was extracted (ingest's workers):
# id, the tsvectors' literals (all, head), date key, its (facet, value) pairs, the record's JSON.
Prepared = tuple[str, str, str, int, list[tuple[str, str]], str]


def quoted(lexeme: str) -> str:
    """``lexeme`` as a quoted tsvector/tsquery literal."""
    if "'" in lexeme or "\\" in lexeme:  # (rare: most terms need no escape, spared two copies)
        lexeme = lexeme.replace("\\", "\\\\").replace("'", "''")
    return "'" + lexeme + "'"


# A lexeme of this many characters or fewer is short enough however it is encoded (four
# bytes a character at most): only longer ones are measured in bytes.
SHORT_LEXEME = MAX_LEXEME_BYTES // 4


def _fits(lexeme: str) -> bool:
    return len(lexeme) <= SHORT_LEXEME or len(lexeme.encode("utf-8")) <= MAX_LEXEME_BYTES


def _positioned(out: dict[str, list[str]], field: str, positions: Positions, weight: str, pairs: bool = True) -> None:
    """The lexemes of one text field, at their positions; ``pairs``: its word pairs too.

    A long article's field is thousands of positions and lexemes, and this runs for every
    article a PostgreSQL store ingests or indexes again: the prefixes are joined once, a
    lexeme's length is measured in bytes only when it might be too long, and a position is
    added once (a lexeme's positions only grow, so a repeat is its last one: a term twice at
    one position, or positions past ``MAX_POSITION``)."""
    word, sub = f"{field}:", f"{field}{SUB}:"
    held = out.get
    for at, group in enumerate(positions, start=1):
        pos = f"{at if at < MAX_POSITION else MAX_POSITION}{weight}"
        prefix = word
        for term in group:
            lexeme = prefix + term
            prefix = sub
            if len(lexeme) <= SHORT_LEXEME or _fits(lexeme):  # (``_fits``' first test, spared a call)
                if (seen := held(lexeme)) is None:
                    out[lexeme] = [pos]
                elif seen[-1] != pos:
                    seen.append(pos)
    if not pairs:
        return
    words = [group[0] if group else "" for group in positions]  # "": a gap is no neighbour
    two, three = f"{field}{PAIR}:", f"{field}{PAIR * 2}:"
    last = len(words) - 1
    for k in range(last):
        first, second = words[k], words[k + 1]
        if not (first and second):
            continue  # (the run of three holds the same two)
        lexeme = f"{two}{first} {second}"
        if lexeme not in out and (len(lexeme) <= SHORT_LEXEME or _fits(lexeme)):
            out[lexeme] = []
        if k + 1 < last and (third := words[k + 2]):
            lexeme = f"{three}{first} {second} {third}"
            if lexeme not in out and (len(lexeme) <= SHORT_LEXEME or _fits(lexeme)):
                out[lexeme] = []


def run(field: str, words: Sequence[str]) -> str:
    """The lexeme of two or three words side by side: ``body>:委员 工作室``, ``body>>:有事 好 商量``
    (terms hold no whitespace, so a space parts them)."""
    return f"{field}{PAIR * (len(words) - 1)}:" + " ".join(words)


def _literal(out: dict[str, list[str]]) -> str:
    """The lexemes of ``out`` and their positions, as a tsvector literal. A document none of
    whose lexemes holds a quote or a backslash (nearly all) is quoted without looking at
    each lexeme."""
    if "'" in (lexemes := "\0".join(out)) or "\\" in lexemes:
        return " ".join(f"{quoted(lexeme)}:{','.join(pos)}" if pos else quoted(lexeme) for lexeme, pos in out.items())
    return " ".join([f"'{lexeme}':{','.join(pos)}" if pos else f"'{lexeme}'" for lexeme, pos in out.items()])


def head_literal(doc: IndexDoc) -> str:
    """The title and the body's first words: what the first ranking of every match reads."""
    out: dict[str, list[str]] = {}
    _positioned(out, "title", doc.title_terms, "A", pairs=False)
    _positioned(out, "body", doc.body_terms[:HEAD_POSITIONS], "", pairs=False)
    return _literal(out)


def tsvector_literal(doc: IndexDoc) -> str:
    """The text form of ``doc``'s tsvector (PostgreSQL sorts it and drops repeated positions)."""
    out: dict[str, list[str]] = {}
    _positioned(out, "title", doc.title_terms, "A")
    _positioned(out, "body", doc.body_terms, "")
    _positioned(out, "source", doc.source_terms, "")
    _positioned(out, "evidence", doc.evidence_terms, "")
    values = [("region", v) for v in doc.region_tree] + [("province", v) for v in doc.provinces]
    values += [(kind, name) for kind, names in doc.entities for name in names]
    if doc.date:
        values.append(("year", doc.year))
    parts = [_literal(out), EVERY]
    for field, value in dict.fromkeys((f, v.lower()) for f, v in values):
        lexeme = f"{field}:{value}"
        if _fits(lexeme):
            parts.append(quoted(lexeme))
    return " ".join(parts)


def prepare(doc: IndexDoc) -> Prepared:
    """The row of ``doc``: plain values a writer copies as they are."""
    facets = [("regions", r.lower()) for r in doc.regions] + [("province", p.lower()) for p in doc.provinces]
    if doc.date:
        facets.append(("year", doc.year))
    facets += [(kind, n.lower()) for kind, names in doc.entities for n in names]
    record = {
        "title": doc.title,
        "date": doc.date,
        "source": doc.source,
        "file": doc.file,
        "regions": list(doc.regions),
        "sentences": [
            [s.predicate, s.subject, s.subject_kind, s.object, s.object_kind, s.quote, s.start, s.end]
            for s in doc.evidence
        ],
    }
    return (
        doc.id,
        tsvector_literal(doc),
        head_literal(doc),
        date_key(doc.date),
        list(dict.fromkeys(facets)),
        json.dumps(record, ensure_ascii=False),
    )


# -- queries ---------------------------------------------------------------------------------


class _Compiler:
    """Our query tree as one tsquery; ``widen`` gives the names a ``contains`` filter matches."""

    def __init__(self, text_fields: tuple[str, ...], widen: Any) -> None:
        self.text_fields = text_fields
        self.widen = widen

    def node(self, node: Node) -> str:
        if isinstance(node, Words | Phrase):
            fields = (node.field,) if node.field else self.text_fields
            if isinstance(node, Phrase) and len(node.tokens) > 1:
                return _any(self.phrase(f, node.tokens) for f in fields)
            return _all(_any(quoted(f"{f}{sub}:{t}") for f in fields for sub in ("", SUB)) for t in node.tokens)
        if isinstance(node, Filter):
            return self.filter(node)
        if isinstance(node, Not):
            return f"!{self.node(node.child)}"
        if isinstance(node, And):
            return _all(self.node(c) for c in node.children)
        if isinstance(node, Or):
            return _any(self.node(c) for c in node.children)
        raise TypeError(f"not a query node: {node!r}")

    @staticmethod
    def phrase(field: str, tokens: tuple[str, ...]) -> str:
        """A phrase of two or three words is one run lexeme the index finds exactly; a longer
        one asks for every run of three, and for its words at consecutive positions, which
        PostgreSQL checks only in the rows holding every run."""
        if len(tokens) <= 3:
            return quoted(run(field, tokens))
        runs = [quoted(run(field, tokens[k : k + 3])) for k in range(len(tokens) - 2)]
        return _all([*dict.fromkeys(runs), "(" + " <-> ".join(quoted(f"{field}:{t}") for t in tokens) + ")"])

    def title_words(self, node: Node) -> str | None:
        """Any word the query asks for, in the title: the first tier of a large result."""
        if "title" not in self.text_fields:
            return None
        tokens = dict.fromkeys(_asked(node))
        return _any(quoted(f"title{sub}:{t}") for t in tokens for sub in ("", SUB)) if tokens else None

    def filter(self, f: Filter) -> str:
        if f.field in ("title", "body", "source", "evidence"):
            raise ValueError(f"{f.field} is a text field, not a filter")
        if f.field not in FILTER_PREFIXES and f.field not in ENTITY_KINDS:
            return NOTHING  # a kind this index has no lexemes for holds nothing
        prefix = FILTER_PREFIXES.get(f.field, f.field)
        values = [v.lower() for v in f.values]
        if f.contains:
            values += self.widen(f.field, [v for v in values if v])
        lexemes = [quoted(f"{prefix}:{v}") for v in dict.fromkeys(values)]
        return _any(lexemes) if lexemes else NOTHING


def _asked(node: Node) -> Iterator[str]:
    """The words a query asks for in the title or anywhere (not those it excludes)."""
    if isinstance(node, Words | Phrase):
        if node.field in ("", "title"):
            yield from node.tokens
    elif isinstance(node, And | Or):
        for child in node.children:
            yield from _asked(child)


def _any(parts: Iterable[str]) -> str:
    items = list(parts)
    return items[0] if len(items) == 1 else "(" + " | ".join(items) + ")"


def _all(parts: Iterable[str]) -> str:
    items = list(parts)
    return items[0] if len(items) == 1 else "(" + " & ".join(items) + ")"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# -- the engine ------------------------------------------------------------------------------


def connect(url: str) -> Connection:
    """A connection of the engine's own; a server that does not answer is ``StoreUnavailable``."""
    import psycopg

    try:
        raw = psycopg.connect(url, autocommit=True)
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreUnavailable(f"cannot reach the PostgreSQL store at {shown(url)}: {reason}") from None
    return Connection(raw, shown(url))


# Every facet value's count over the whole table, kept by statement triggers from the rows
# each statement inserted, changed or deleted (so two writers never count one row twice:
# the transition tables hold what was really written), in value order, so concurrent
# writers lock the counts they share in the same order. Every branch writes the documents'
# count (id 0, first in that order) even when it does not change: an upsert fires its
# UPDATE trigger before its INSERT trigger, and a writer that locked some values before
# the count could otherwise wait on one that holds the count and wants those values.
TOTALS_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TOTALS}_apply() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO {TOTALS} (id, n) SELECT {ROWS}, count(*) FROM added
        UNION ALL SELECT * FROM (SELECT f, count(*) FROM added, unnest({facet_ids(row="added")}) f
                                 GROUP BY f ORDER BY f) x
        ON CONFLICT (id) DO UPDATE SET n = {TOTALS}.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO {TOTALS} (id, n) SELECT {ROWS}, -count(*) FROM removed
        UNION ALL SELECT * FROM (SELECT f, -count(*) FROM removed, unnest({facet_ids(row="removed")}) f
                                 GROUP BY f ORDER BY f) x
        ON CONFLICT (id) DO UPDATE SET n = {TOTALS}.n + excluded.n;
    ELSE
        INSERT INTO {TOTALS} (id, n) SELECT {ROWS}, 0
        UNION ALL SELECT * FROM (
        SELECT f, sum(d) FROM (SELECT unnest({facet_ids()}) AS f, 1 AS d FROM added
                               UNION ALL SELECT unnest({facet_ids()}), -1 FROM removed) x
        GROUP BY f HAVING sum(d) <> 0 ORDER BY f) y
        ON CONFLICT (id) DO UPDATE SET n = {TOTALS}.n + excluded.n;
    END IF;
    RETURN NULL;
END
$body$
"""


def totals_triggers(table: str) -> list[str]:
    """The triggers that keep ``search_totals`` for ``table`` (names fixed, so a swapped-in
    table's replace the old ones instead of adding to them)."""
    run = f"FOR EACH STATEMENT EXECUTE FUNCTION {TOTALS}_apply()"
    return [
        f"CREATE OR REPLACE TRIGGER totals_added AFTER INSERT ON {table} REFERENCING NEW TABLE AS added {run}",
        f"CREATE OR REPLACE TRIGGER totals_changed AFTER UPDATE ON {table}"
        f" REFERENCING OLD TABLE AS removed NEW TABLE AS added {run}",
        f"CREATE OR REPLACE TRIGGER totals_removed AFTER DELETE ON {table} REFERENCING OLD TABLE AS removed {run}",
    ]


def columns(conn: Connection) -> str:
    """The document columns, compressed with lz4 where the server was built with it."""
    row = conn.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
    found = row.fetchone()
    return DOCUMENT_COLUMNS.format(z="COMPRESSION lz4" if found and found[0] else "")


def exists(conn: Connection) -> bool:
    """Whether the search tables are there, in this version's layout: tables of an older
    layout (derived data) count as none, so an ingest replaces them and a reader is told to
    reindex."""
    present, outdated = _layout(conn)
    return present and not outdated


def _has_column(table: str, column: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('{table}')"
        f" AND attname = '{column}' AND NOT attisdropped)"
    )


# One round trip, as every search opens the engine: is the documents table there, and is
# each search table present in an older layout (without the column this one reads; the
# documents table without its kept facet totals)?
LAYOUT = (
    f"SELECT to_regclass('{TABLE}') IS NOT NULL,"
    f" to_regclass('{TABLE}') IS NOT NULL"
    f" AND NOT ({' AND '.join(_has_column(TABLE, c) for c in FACET_COLUMNS)} AND to_regclass('{TOTALS}') IS NOT NULL),"
    f" to_regclass('{VALUES}') IS NOT NULL AND NOT {_has_column(VALUES, 'id')}"
)


def _layout(conn: Connection) -> tuple[bool, list[str]]:
    """Whether the documents table is there, and the search tables of an older layout."""
    present, documents_old, values_old = conn.execute(LAYOUT).fetchone()
    return bool(present), [t for t, old in ((TABLE, documents_old), (VALUES, values_old)) if old]


class PostgresWriter:
    """Sends documents in batches; ``commit`` sends the rest (a bulk writer then swaps its table in)."""

    def __init__(self, engine: PostgresEngine, bulk: bool) -> None:
        self._engine = engine
        self._conn = engine.conn
        self._bulk = bulk
        self._pending: dict[str, Prepared | None] = {}  # id → row, or None to delete it
        self.written = 0
        self._target = TABLE
        if bulk:
            self._target = f"{TABLE}_new"
            self._conn.execute(f"DROP TABLE IF EXISTS {self._target}")
            # no index yet: they are built once, over all rows, when the table is complete
            self._conn.execute(f"CREATE TABLE {self._target} ({columns(self._conn)}) {TABLE_OPTIONS}")
            # nothing reads it until it is complete and analysed (``_swap``): the server's
            # autovacuum would otherwise scan the growing table and its TOAST again and again
            self._conn.execute(f"ALTER TABLE {self._target} SET ({', '.join(f'{o} = false' for o in AUTOVACUUM)})")
            self._conn.execute(f"ALTER TABLE {self._target} {MAIN_STORAGE}")

    def add(self, doc: IndexDoc) -> None:
        self.add_prepared(prepare(doc))

    def add_prepared(self, prepared: Any) -> None:
        row: Prepared = prepared
        self._pending[row[0]] = row
        if len(self._pending) >= BATCH:
            self._flush()

    def delete(self, article_id: str) -> None:
        self._pending[article_id] = None
        if len(self._pending) >= BATCH:
            self._flush()

    def commit(self) -> None:
        self._flush()
        if self._bulk:
            self._swap()
        else:
            with self._conn.reporting():
                self._conn.raw.execute("SELECT gin_clean_pending_list(%s::regclass)", (f"{TABLE}_terms",))
            if self.written > max(1000, self._engine.count() // 10):
                self._conn.execute(f"ANALYZE {TABLE}")

    def cancel(self) -> None:
        self._pending.clear()
        if self._bulk:
            self._conn.execute(f"DROP TABLE IF EXISTS {self._target}")

    def _flush(self) -> None:
        if not self._pending:
            return
        rows = [self._pending[k] for k in sorted(self._pending)]
        gone = [k for k in sorted(self._pending) if self._pending[k] is None]
        kept = [r for r in rows if r is not None]
        self._retried(lambda: self._send(gone, kept))
        self.written += len(kept)
        self._pending.clear()

    def _send(self, gone: list[str], rows: Sequence[Prepared]) -> None:
        conn, raw = self._conn, self._conn.raw
        conn.execute("BEGIN")
        try:
            with conn.reporting():
                if gone:
                    raw.execute(f"DELETE FROM {self._target} WHERE id = ANY(%s)", (gone,))
                if rows:
                    self._copy(raw, rows, self._value_ids(raw, rows))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction and not (raw.closed or raw.broken):
                conn.execute("ROLLBACK")
            raise

    @staticmethod
    def _value_ids(raw: psycopg.Connection[Any], rows: Sequence[Prepared]) -> dict[tuple[str, str], int]:
        """The ids of the rows' facet values, numbering the new ones (in value order, so two
        writers adding the same values wait on each other instead of deadlocking)."""
        pairs = sorted({kv for r in rows for kv in r[4]})
        if not pairs:
            return {}
        fields, values = [f for f, _ in pairs], [v for _, v in pairs]
        codes = [FACET_FIELDS.index(f) + 1 for f in fields]
        raw.execute(
            f"INSERT INTO {VALUES} (field, value, id) SELECT x.f, x.v, (x.c << {KIND_SHIFT}) | nextval('{VALUES}_ids')"
            " FROM unnest(%s::text[], %s::text[], %s::int[]) AS x(f, v, c)"
            f" WHERE NOT EXISTS (SELECT 1 FROM {VALUES} s WHERE s.field = x.f AND s.value = x.v)"
            " ORDER BY x.f, x.v ON CONFLICT DO NOTHING",
            (fields, values, codes),
        )
        found = raw.execute(
            f"SELECT s.field, s.value, s.id FROM {VALUES} s"
            " JOIN unnest(%s::text[], %s::text[]) AS x(f, v) ON s.field = x.f AND s.value = x.v",
            (fields, values),
        )
        return {(f, v): int(i) for f, v, i in found}

    def _copy(self, raw: psycopg.Connection[Any], rows: Sequence[Prepared], ids: dict[tuple[str, str], int]) -> None:
        if self._bulk:  # a table of this writer's own: the rows go straight in
            target = self._target
        else:
            raw.execute(f"CREATE TEMP TABLE IF NOT EXISTS {TABLE}_incoming (LIKE {TABLE}) ON COMMIT DELETE ROWS")
            target = f"{TABLE}_incoming"
        with raw.cursor().copy(f"COPY {target} ({COLUMNS}) FROM STDIN") as copy:
            for doc_id, terms, head, key, facets, record in rows:
                by_field: dict[str, list[int]] = {field: [] for field in FACET_FIELDS}
                for kv in facets:
                    by_field[kv[0]].append(ids[kv])
                copy.write_row((doc_id, terms, head, key, *by_field.values(), record))
        if not self._bulk:
            # in id order, so two writers lock the rows they share in the same order
            raw.execute(
                f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {COLUMNS} FROM {target} ORDER BY id"
                " ON CONFLICT (id) DO UPDATE SET terms = excluded.terms, head = excluded.head,"
                " date_key = excluded.date_key, record = excluded.record, "
                + ", ".join(f"{c} = excluded.{c}" for c in FACET_COLUMNS)
            )

    def _retried(self, send: Any) -> None:
        import psycopg

        for attempt in range(RETRIES):
            try:
                send()
                return
            except (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure):
                if attempt == RETRIES - 1:
                    raise
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))

    def _swap(self) -> None:
        """Index the new table, then put it in the old one's place in one transaction."""
        conn, new = self._conn, self._target
        conn.execute("SET maintenance_work_mem = '256MB'")
        # built once over every row, the GIN index has no pending list to keep (fastupdate off)
        conn.execute(f"CREATE INDEX {new}_terms ON {new} USING gin (terms) WITH (fastupdate = off)")
        conn.execute(f"CREATE INDEX {new}_date ON {new} (date_key)")
        conn.execute(f"ALTER TABLE {new} ADD CONSTRAINT {new}_pkey PRIMARY KEY (id)")
        conn.execute(f"DROP TABLE IF EXISTS {TOTALS}_new")
        conn.execute(
            f"CREATE TABLE {TOTALS}_new AS SELECT {ROWS} AS id, count(*)::bigint AS n FROM {new}"
            f" UNION ALL SELECT f, count(*) FROM {new}, unnest({facet_ids()}) f GROUP BY f"
        )
        conn.execute(f"ALTER TABLE {TOTALS}_new ADD CONSTRAINT {TOTALS}_new_pkey PRIMARY KEY (id)")
        conn.execute(TOTALS_FUNCTION)
        for statement in totals_triggers(new):
            conn.execute(statement)
        conn.execute(f"ALTER TABLE {new} RESET ({', '.join(AUTOVACUUM)})")
        conn.execute("BEGIN")
        try:
            conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
            conn.execute(f"ALTER TABLE {new} RENAME TO {TABLE}")
            for suffix in ("terms", "date", "pkey"):
                conn.execute(f"ALTER INDEX {new}_{suffix} RENAME TO {TABLE}_{suffix}")
            conn.execute(f"DROP TABLE IF EXISTS {TOTALS}")
            conn.execute(f"ALTER TABLE {TOTALS}_new RENAME TO {TOTALS}")
            conn.execute(f"ALTER INDEX {TOTALS}_new_pkey RENAME TO {TOTALS}_pkey")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute(f"ANALYZE {TABLE}")


class PostgresEngine:
    """The search tables of one PostgreSQL store (the schema its URL's ``search_path`` names)."""

    name = "postgresql"

    def __init__(self, conn: Connection, owned: bool) -> None:
        self.conn = conn
        self._owned = owned  # a connection of its own, closed with the engine (else borrowed)
        self.rank_all = RANK_ALL  # above this many matches: title first, then the newest
        self.walk_advantage = WALK_ADVANTAGE
        self.complement_above = COMPLEMENT_ABOVE
        self.count_complement_above = COUNT_COMPLEMENT_ABOVE

    @classmethod
    def open(cls, url: str, create: bool = False, conn: Connection | None = None) -> PostgresEngine:
        """The engine over ``url``'s store; ``conn``, a store's connection, is borrowed to read."""
        engine = cls(conn, owned=False) if conn is not None and not create else cls(connect(url), owned=True)
        if create:
            engine.setup()
        elif not exists(engine.conn):
            engine.close()
            from zxkg.ingest.errors import NotFound

            raise NotFound(f"no search index in {shown(url)} (run `zxkg reindex --store {shown(url)}`)")
        return engine

    @staticmethod
    def exists(url: str, conn: Connection | None = None) -> bool:
        if conn is not None:
            return exists(conn)
        own = connect(url)
        try:
            return exists(own)
        finally:
            own.close()

    def setup(self) -> None:
        """Create the tables, one process at a time (ingesters start together)."""
        from zxkg.ingest.store.migrate import statements

        self.conn.execute("SELECT pg_advisory_lock(?)", (SETUP_LOCK,))
        try:
            for table in _layout(self.conn)[1]:  # derived data: rebuilt from the store
                self.conn.execute(f"DROP TABLE {table}")
            for statement in statements(SCHEMA.replace(DOCUMENT_COLUMNS, columns(self.conn))):
                self.conn.execute(statement)
            self.conn.execute(f"CREATE TABLE IF NOT EXISTS {TOTALS} (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)")
            self.conn.execute(TOTALS_FUNCTION)
            for statement in totals_triggers(TABLE):
                self.conn.execute(statement)
        finally:
            self.conn.execute("SELECT pg_advisory_unlock(?)", (SETUP_LOCK,))

    def close(self) -> None:
        if self._owned:
            self.conn.close()

    def writer(self, bulk: bool = False, fresh: bool = False) -> PostgresWriter:
        # ``fresh`` changes nothing here: another ingester may be writing the same articles
        return PostgresWriter(self, bulk)

    def count(self) -> int:
        return int(self.conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0])

    def ids(self) -> frozenset[str]:
        return frozenset(row[0] for row in self.conn.execute(f"SELECT id FROM {TABLE}"))

    def widen(self, kind: str, values: list[str]) -> list[str]:
        """The indexed names of ``kind`` that contain one of ``values``."""
        if not values:
            return []
        patterns = [f"%{_escape_like(v)}%" for v in values]
        rows = self.conn.execute(f"SELECT value FROM {VALUES} WHERE field = ? AND value LIKE ANY(?)", (kind, patterns))
        return sorted(row[0] for row in rows)

    def tsquery(self, request: SearchRequest) -> tuple[str, str]:
        """The tsquery that selects (query and filters), and the one that ranks (the query)."""
        compiler = self._compiler(request)
        ranked = compiler.node(request.query)
        return _all([ranked, *(compiler.filter(f) for f in request.filters)]), ranked

    def _compiler(self, request: SearchRequest) -> _Compiler:
        text_fields = ("evidence",) if request.scope == "evidence" else ("title", "body")
        return _Compiler(text_fields, self.widen)

    def search(self, request: SearchRequest) -> SearchResult:
        query, ranked = self.tsquery(request)
        dated: list[str] = []  # the date range's conditions, and their values
        dates: list[Any] = []
        if request.since or request.until:
            dated.append("date_key >= ?")  # 0 is "no date", outside every range
            dates.append(max(date_bound(request.since, upper=False), 1) if request.since else 1)
            if request.until:
                dated.append("date_key <= ?")
                dates.append(date_bound(request.until, upper=True))
        condition = " AND ".join(["terms @@ ?::tsquery", *dated])
        params = [query, *dates]
        with self._reading():
            documents = self._kept_rows()  # (of the state this transaction reads)
            total, facets = self._count(condition, params, request, query, dates, documents)
            if request.sort == "date" or total > self.rank_all:
                title = None if request.sort == "date" else self._compiler(request).title_words(request.query)
                tiers = [query] if title is None else [f"({query}) & ({title})", f"({query}) & !({title})"]
                hits = self._newest(tiers, ranked, condition, dates, request, total, max(documents or 0, 1))
            else:
                hits = self._page(condition, params, ranked, request, total)
        return SearchResult(total=total, hits=hits, facets=facets, offset=request.offset, limit=request.limit)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """The count and the page from one state of the table (a borrowed connection may
        already be in a transaction of its store's)."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        # The GIN index answers words, pairs and filters exactly, without reading a row's
        # terms; a scan of the table reads (and decompresses) every row's, which the planner
        # does not price, so it would choose it whenever most rows match.
        self.conn.execute("SET LOCAL enable_seqscan = off")
        # A plan for the values at hand: psycopg prepares a statement run five times, and
        # PostgreSQL's generic plan for it cannot tell a rare word from one in half the table.
        self.conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        try:
            yield
        finally:
            if not (self.conn.raw.closed or self.conn.raw.broken):
                self.conn.execute("COMMIT")

    def _count(
        self,
        condition: str,
        params: list[Any],
        request: SearchRequest,
        query: str,
        dates: list[Any],
        documents: int | None,
    ) -> tuple[int, tuple[Facet, ...]]:
        total = self._total(condition, params, query, dates, documents)
        if not request.facets:
            return total, ()
        fields = [FACET_PREFIXES.get(name, name) for name in request.facets]
        codes = sorted({FACET_FIELDS.index(f) + 1 for f in fields if f in FACET_FIELDS})  # a facet asked twice: once
        counts: dict[str, list[tuple[str, int]]] = {f: [] for f in fields}
        if total and codes:
            asked = facet_ids([FACET_COLUMNS[code - 1] for code in codes])
            if total > (documents or 0) * self.complement_above:
                # the totals less the counts of the rows the result leaves out
                sql = (
                    f"SELECT v.field, v.value, t.n - coalesce(c.n, 0) FROM {TOTALS} t JOIN {VALUES} v ON v.id = t.id"
                    f" LEFT JOIN (SELECT f, count(*) AS n FROM (SELECT unnest({asked}) AS f FROM {TABLE}"
                    f" WHERE {_left_out(dates)}) s GROUP BY f) c ON c.f = t.id"
                    f" WHERE t.id >> {KIND_SHIFT} = ANY(?) AND t.n - coalesce(c.n, 0) > 0"
                )
                rows = self.conn.execute(sql, [f"{EVERY} & !({query})", *dates, codes])
            else:
                # every matching row's ids of the facets asked for
                sql = (
                    f"SELECT v.field, v.value, c.n FROM (SELECT f, count(*) AS n FROM (SELECT unnest({asked}) AS f"
                    f" FROM {TABLE} WHERE {condition}) s GROUP BY f) c JOIN {VALUES} v ON v.id = c.f"
                )
                rows = self.conn.execute(sql, params)
            for field, value, n in rows:
                counts[field].append((value, int(n)))
        facets = []
        for name, field in zip(request.facets, fields, strict=True):
            found = sorted(counts[field], key=lambda kv: (-kv[1], kv[0]))
            facets.append(Facet(name, tuple(found[: request.facet_size] if request.facet_size > 0 else found)))
        return total, tuple(facets)

    def _total(self, condition: str, params: list[Any], query: str, dates: list[Any], documents: int | None) -> int:
        """How many rows match: counted, or, when the planner expects most of the table to
        match (a common word), the kept count of all rows less the rows the query leaves
        out, which the GIN index finds without visiting the many rows that match
        (``':every' & !query``). 政协 at 100k: 38–42 → 27–31 ms. ``documents``: their
        kept count (None: not kept)."""
        if documents is None or self._expected(condition, params) <= documents * self.count_complement_above:
            return self._counted(condition, params)
        return documents - self._counted(_left_out(dates), [f"{EVERY} & !({query})", *dates])

    def _expected(self, condition: str, params: list[Any]) -> float:
        """How many rows the planner expects to match ``condition`` (no scan: its statistics
        of the table's lexemes)."""
        plan = self.conn.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {TABLE} WHERE {condition}", params).fetchone()
        tree = json.loads(plan[0]) if isinstance(plan[0], str) else plan[0]
        return float(tree[0]["Plan"].get("Plan Rows", 0))

    def _counted(self, condition: str, params: list[Any]) -> int:
        return int(self.conn.execute(f"SELECT count(*) FROM {TABLE} WHERE {condition}", params).fetchone()[0])

    def _page(
        self, condition: str, params: list[Any], query: str, request: SearchRequest, total: int
    ) -> tuple[SearchHit, ...]:
        limit, offset = _window(request, total)
        if limit <= 0 or offset >= total:
            return ()
        # Every match ranked by its small ``head`` (title, opening words); the best
        # RERANKED of those again by all their terms, before the rest. The order does not
        # depend on the page asked for, so pages never overlap.
        n = RANK_NORMALIZATION
        sql = (
            f"WITH m AS MATERIALIZED (SELECT id, date_key, ts_rank(head, ?::tsquery, {n}) AS first "
            f"FROM {TABLE} WHERE {condition}), "
            f"best AS MATERIALIZED (SELECT m.id FROM m ORDER BY first DESC, date_key DESC, id LIMIT {RERANKED}), "
            f"ordered AS (SELECT m.id, m.date_key, 0 AS tier, ts_rank(d.terms, ?::tsquery, {n}) AS key "
            f"FROM best JOIN m USING (id) JOIN {TABLE} d USING (id) "
            "UNION ALL SELECT id, date_key, 1, first FROM m WHERE id NOT IN (SELECT id FROM best)), "
            "page AS (SELECT * FROM ordered ORDER BY tier, key DESC, date_key DESC, id LIMIT ? OFFSET ?) "
            f"SELECT p.id, ts_rank(d.terms, ?::tsquery, {n}), d.record FROM page p JOIN {TABLE} d USING (id) "
            "ORDER BY p.tier, p.key DESC, p.date_key DESC, p.id"
        )
        rows = self.conn.execute(sql, [query, *params, query, limit, offset, query]).fetchall()
        return tuple(_hit(doc_id, float(score), record) for doc_id, score, record in rows)

    def _newest(
        self,
        tiers: list[str],
        ranked: str,
        condition: str,
        dates: list[Any],
        request: SearchRequest,
        total: int,
        size: int,
    ) -> tuple[SearchHit, ...]:
        """A page of a large result (or of one sorted by date): the matches of each tier in
        turn (``tiers``: the query with a query word in the title, then without; or the
        query alone), each tier newest first.

        A tier's matches are counted, or when the planner expects it to hold most of the
        result (a word in nearly every title), the next and last tier's are, which the GIN
        index finds without visiting the many rows of this one.
        A tier is read in date order by walking the date index and checking each row's terms
        while it is dense enough that few rows are checked, else by sorting its matches (read
        from the narrow table) by date; only the page's rows are ranked, for their score."""
        limit, offset = _window(request, total)
        if limit <= 0 or offset >= total:
            return ()
        rows: list[Any] = []
        seen = 0
        for k, tier in enumerate(tiers):
            if k == len(tiers) - 1:
                n = total - seen
            elif k == len(tiers) - 2 and self._expected(condition, [tier, *dates]) > total * self.complement_above:
                # the tiers share out the result: the last one counted, when it is the smaller
                n = total - seen - self._counted(condition, [tiers[-1], *dates])
            else:
                n = self._counted(condition, [tier, *dates])
            seen += n
            if offset >= n:
                offset -= n
                continue
            take = min(limit - len(rows), n - offset)
            walk = (offset + take) * size / max(n, 1) * self.walk_advantage < n
            plan = "bitmapscan" if walk else "indexscan"
            self.conn.execute(f"SET LOCAL enable_{plan} = off")
            rows += self.conn.execute(
                f"SELECT p.id, ts_rank(d.terms, ?::tsquery, {RANK_NORMALIZATION}), d.record FROM "
                f"(SELECT id, date_key FROM {TABLE} WHERE {condition} ORDER BY date_key DESC, id LIMIT ? OFFSET ?) p "
                f"JOIN {TABLE} d USING (id) ORDER BY p.date_key DESC, p.id",
                [ranked, tier, *dates, take, offset],
            ).fetchall()
            self.conn.execute(f"SET LOCAL enable_{plan} = on")
            offset = 0
            if len(rows) >= limit:
                break
        return tuple(_hit(doc_id, float(score), record) for doc_id, score, record in rows)

    def _kept_rows(self) -> int | None:
        """How many rows the table holds, as its triggers keep the count (no scan); None
        before a first write counted them."""
        row = self.conn.execute(f"SELECT n FROM {TOTALS} WHERE id = {ROWS}").fetchone()
        return int(row[0]) if row else None


def _left_out(dates: list[Any]) -> str:
    """The condition of the rows a search leaves out (its parameters: the rows
    ``':every' & !query`` matches, then the date range's bounds, as ``dates``)."""
    return " OR ".join(
        ["terms @@ ?::tsquery", *(["date_key < ?"] if dates else []), *(["date_key > ?"] if dates[1:] else [])]
    )


def _window(request: SearchRequest, total: int) -> tuple[int, int]:
    """The page's size and start (a limit of 0 or less: every match)."""
    return (request.limit, request.offset) if request.limit > 0 else (total, 0)


def _hit(doc_id: str, score: float, raw: str) -> SearchHit:
    record: dict[str, Any] = json.loads(raw) if raw else {}
    evidence = tuple(
        EvidenceSentence(p, s, sk, o, ok, q, int(a), int(b))
        for p, s, sk, o, ok, q, a, b in record.get("sentences") or ()
    )
    return SearchHit(
        id=doc_id,
        title=record.get("title", ""),
        date=record.get("date", ""),
        source=record.get("source", ""),
        file=record.get("file", ""),
        score=score,
        regions=tuple(record.get("regions") or ()),
        evidence=evidence,
    )
