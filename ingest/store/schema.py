"""The schema of the store, and how an older store is brought up to it.

Plain tables with clear names, foreign keys and indexes, so the file opens as it is in
Datasette and ``sqlite-utils``. ``SCHEMA`` creates whatever is missing (``IF NOT EXISTS``),
which is also how indexes left out by a stopped bulk load come back.

Schema 5 keeps each fact once (``docs/decisions/0006-compact-store.md``): an evidence
sentence is its offsets into the article text, the text as found is kept deflated against
the normalised text, and articles, entities, rules and predicates are referred to by
integer keys inside the store. The public ids stay: an article's content-hash id, an
entity's ``kind:code`` or ``kind:name`` key. The views ``relations_view`` and
``mentions_view`` show the rows as people read them (names, predicate, rule, the evidence
sentence).
"""

from __future__ import annotations

import re

from ..models import Predicate
from .dates import text_of
from .dialect import Dialect

WAL_CHECKPOINT_PAGES = 16_384  # 64 MB of 4 KB pages
# Page cache of a writer: a batch of articles (see Store.begin_batch) dirties some
# thousands of index pages, which must stay in memory until its commit; with SQLite's
# default 2 MB they spill to the WAL mid-transaction and a batch costs more than it saves.
WRITER_CACHE_KIB = 65_536
# Indexes that an ingest into an empty store builds at its end (Store.indexes_deferred).
DEFERRED_INDEXES = (
    "idx_relations_article",
    "idx_mentions_article",
    "idx_relations_subject",
    "idx_relations_object",
    "idx_relations_adopted_by_subject",
    "idx_relations_adopted_by_object",
    "idx_mentions_entity",
    "idx_article_files_origin",
)
SCHEMA_VERSION = 8

# Predicates by their integer key in the store; ADOPTING are a region's relations to a term.
PREDICATE_IDS: dict[Predicate, int] = {
    "adopts": 1,
    "runs": 2,
    "issues": 3,
    "implements": 4,
    "part_of": 5,
    "mentions": 6,
}
PREDICATE_NAMES: dict[int, Predicate] = {v: k for k, v in PREDICATE_IDS.items()}
ADOPTING = "1, 2, 3"  # adopts, runs, issues: the partial indexes are defined over exactly this list
MENTIONS = 6

TABLES_SQL = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,          -- running, done, interrupted
    paths TEXT,
    read INTEGER DEFAULT 0,
    ingested INTEGER DEFAULT 0,
    unchanged INTEGER DEFAULT 0,
    duplicates INTEGER DEFAULT 0,
    failed INTEGER DEFAULT 0
);
CREATE TABLE IF NOT EXISTS articles (
    key INTEGER PRIMARY KEY,       -- the store's own key; other tables refer to it
    id TEXT NOT NULL UNIQUE,       -- the public id: first 16 hex digits of the content hash
    content_hash BLOB NOT NULL,    -- SHA-256 of the normalised text
    file TEXT NOT NULL,            -- base name of the file it was first read from
    origin TEXT,                   -- full path (path:line for JSON records)
    url TEXT,
    title TEXT,
    source TEXT,
    author TEXT,
    date TEXT,                     -- YYYY-MM-DD, or YYYY-MM / YYYY when only that is known
    text TEXT NOT NULL,            -- normalised text: every offset points into it
    original BLOB,                 -- the decoded text as found, deflated with `text` as dictionary; NULL: the same
    encoding TEXT,
    ingested_at TEXT NOT NULL,
    run_id INTEGER REFERENCES runs(id)
);
CREATE TABLE IF NOT EXISTS article_files (
    article INTEGER NOT NULL REFERENCES articles(key),
    origin TEXT NOT NULL,
    file TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (article, origin)
);
CREATE TABLE IF NOT EXISTS entities (
    id INTEGER PRIMARY KEY,        -- the store's own key
    key TEXT NOT NULL UNIQUE,      -- the public key: kind:code for regions, kind:name otherwise
    kind TEXT NOT NULL,            -- region, mechanism, brand, slogan, document, article
    name TEXT NOT NULL,
    code TEXT,
    level TEXT,
    parent TEXT,
    province TEXT,
    attrs TEXT                     -- JSON object
);
CREATE TABLE IF NOT EXISTS predicates (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS rules (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE      -- the extraction rule that produced a finding
);
CREATE TABLE IF NOT EXISTS mentions (
    id INTEGER PRIMARY KEY,
    article INTEGER NOT NULL REFERENCES articles(key),
    entity INTEGER NOT NULL REFERENCES entities(id),
    span_start INTEGER NOT NULL,   -- the mention is text[span_start:span_end] of its article
    span_end INTEGER NOT NULL,
    rule INTEGER NOT NULL REFERENCES rules(id),
    confidence INTEGER NOT NULL    -- thousandths
);
CREATE TABLE IF NOT EXISTS relations (
    id INTEGER PRIMARY KEY,
    article INTEGER REFERENCES articles(key),   -- NULL for relations from the division table
    subject INTEGER NOT NULL REFERENCES entities(id),
    predicate INTEGER NOT NULL REFERENCES predicates(id),
    object INTEGER NOT NULL REFERENCES entities(id),
    date INTEGER,                  -- the article's, as YYYYMMDD (zeros for an unknown month or day)
    sentence_start INTEGER NOT NULL,  -- the evidence sentence is text[sentence_start:sentence_end]
    sentence_end INTEGER NOT NULL,    -- of its article
    span_start INTEGER NOT NULL,   -- the object's mention inside it
    span_end INTEGER NOT NULL,
    rule INTEGER NOT NULL REFERENCES rules(id),
    confidence INTEGER NOT NULL    -- thousandths
);
CREATE TABLE IF NOT EXISTS aliases (
    alias TEXT NOT NULL,           -- another written form of a term (两力两率评价 for 两力两率)
    entity INTEGER NOT NULL REFERENCES entities(id),
    provenance TEXT NOT NULL,      -- the rule that saw it, and the article
    article INTEGER REFERENCES articles(key),
    seen_at TEXT NOT NULL,
    form TEXT NOT NULL DEFAULT '', -- the alias as names compare (lexicon.fold): looked up by it (schema 7)
    PRIMARY KEY (alias, entity)
);
CREATE TABLE IF NOT EXISTS failures (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES runs(id),
    origin TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS adoption_pairs (
    term_key TEXT NOT NULL,          -- the two entities' public keys and columns (an entity
    region_key TEXT NOT NULL,        -- never changes under its key), so an answer is read
    region_name TEXT NOT NULL,       -- from here alone
    code TEXT NOT NULL,
    level TEXT NOT NULL,
    province TEXT NOT NULL,
    term_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    relations INTEGER NOT NULL,      -- how many relations (for the average confidence)
    articles INTEGER NOT NULL,       -- how many articles state one
    first_date TEXT,                 -- NULL when none is dated
    last_date TEXT,
    confidence_sum INTEGER NOT NULL, -- thousandths
    first_ref TEXT NOT NULL,         -- the first relation's sort key (see pairs.first_ref)
    predicate INTEGER NOT NULL,      -- and what the first relation says, with its evidence
    citation TEXT NOT NULL,          -- and what cites it: evidence, article id, file, title, url,
                                     -- source, origin, joined by U+001F (pairs.CITATION; schema 8)
    PRIMARY KEY (term_key, region_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY,
    article_hash TEXT NOT NULL,    -- what a review judges, by public keys that outlive a re-extraction:
    subject_key TEXT NOT NULL,     -- the article's content hash (hex), the relation's ends and
    predicate TEXT NOT NULL,       -- predicate, and its evidence span in the article's text
    object_key TEXT NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL,
    sentence TEXT NOT NULL,        -- the evidence sentence as reviewed: finds the relation in a changed text
    origin TEXT NOT NULL,          -- the file it was read from (its next text is looked at)
    status TEXT NOT NULL,          -- accepted, rejected, or added (a relation the reviewer stated)
    note TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL,
    relation INTEGER,              -- the relation it judges now; NULL when none is produced (orphaned)
    UNIQUE (article_hash, subject_key, predicate, object_key, sentence_start, sentence_end, span_start, span_end)
);
"""

INDEXES_SQL = f"""
CREATE INDEX IF NOT EXISTS idx_articles_date ON articles(date);
CREATE INDEX IF NOT EXISTS idx_articles_file ON articles(file);
CREATE INDEX IF NOT EXISTS idx_article_files_origin ON article_files(origin);
CREATE INDEX IF NOT EXISTS idx_entities_kind_name ON entities(kind, name);
CREATE INDEX IF NOT EXISTS idx_mentions_article ON mentions(article);
CREATE INDEX IF NOT EXISTS idx_mentions_entity ON mentions(entity, article);  -- covers "how many articles name it"
CREATE INDEX IF NOT EXISTS idx_relations_article ON relations(article);
-- By entity, for every relation but an article's mentions (six in seven relations, found
-- through the mentions table and by article): a question that needs these says
-- `predicate <> {MENTIONS}`.
CREATE INDEX IF NOT EXISTS idx_relations_subject ON relations(subject) WHERE predicate <> {MENTIONS};
CREATE INDEX IF NOT EXISTS idx_relations_object ON relations(object) WHERE predicate <> {MENTIONS};
-- Both cover the adoption questions (a term's adopters, a region's profile, the adoption
-- table) and hold the adoptions only, a seventh of the relations: those questions read
-- these columns, never the rows. By subject, the object comes next so that grouping by
-- (region, term) needs no sort.
CREATE INDEX IF NOT EXISTS idx_relations_adopted_by_subject
    ON relations(subject, object, predicate, date, article, confidence) WHERE predicate IN ({ADOPTING});
CREATE INDEX IF NOT EXISTS idx_relations_adopted_by_object
    ON relations(object, predicate, subject, date, article, confidence) WHERE predicate IN ({ADOPTING});
CREATE UNIQUE INDEX IF NOT EXISTS idx_relations_static
    ON relations(subject, predicate, object) WHERE article IS NULL;
CREATE INDEX IF NOT EXISTS idx_aliases_entity ON aliases(entity);
CREATE INDEX IF NOT EXISTS idx_aliases_form ON aliases(form);
CREATE INDEX IF NOT EXISTS idx_adoption_pairs_region ON adoption_pairs(region_key, term_key);
CREATE INDEX IF NOT EXISTS idx_reviews_relation ON reviews(relation, status);
CREATE INDEX IF NOT EXISTS idx_reviews_origin ON reviews(origin);
CREATE INDEX IF NOT EXISTS idx_reviews_pair ON reviews(object_key, subject_key);
"""

SEED_SQL = "".join(
    f"INSERT OR IGNORE INTO predicates (id, name) VALUES ({i}, '{name}');\n" for name, i in PREDICATE_IDS.items()
)


# The rows as people read them (Datasette, sqlite-utils): names for keys, the evidence
# sentence and the mention cut from the article text.
def views(d: Dialect) -> dict[str, str]:
    return {
        "relations_view": f"""
            SELECT r.id, a.id AS article, a.file, {text_of(d, "r.date")} AS date, s.key AS subject_key,
                   s.kind AS subject_kind, s.name AS subject, p.name AS predicate, o.key AS object_key,
                   o.kind AS object_kind, o.name AS object,
                   CASE WHEN r.article IS NULL THEN s.name || ' is part of ' || o.name
                        ELSE substr(a.text, r.sentence_start + 1, r.sentence_end - r.sentence_start) END AS evidence,
                   r.sentence_start, r.sentence_end,
                   substr(a.text, r.span_start + 1, r.span_end - r.span_start) AS span,
                   r.span_start, r.span_end, u.name AS rule, r.confidence / 1000.0 AS confidence
            FROM relations r
            JOIN entities s ON s.id = r.subject
            JOIN entities o ON o.id = r.object
            JOIN predicates p ON p.id = r.predicate
            JOIN rules u ON u.id = r.rule
            LEFT JOIN articles a ON a.key = r.article
        """,
        # The adoption pairs with their first evidence and its article as columns (the
        # table keeps them as one text, ``pairs.CITATION``), found again by its relation
        # (``pairs.first_id``, which this module cannot import: pairs imports it).
        "adoption_pairs_view": f"""
            SELECT p.term_key, p.term_name AS term, p.kind, p.region_key, p.region_name AS region, p.code,
                   p.level, p.province, p.relations, p.articles, p.first_date, p.last_date,
                   p.confidence_sum / 1000.0 / p.relations AS confidence, pr.name AS predicate,
                   substr(a.text, e.sentence_start + 1, e.sentence_end - e.sentence_start) AS evidence,
                   a.id AS article, a.file, a.title, a.url, a.source, a.origin
            FROM adoption_pairs p
            JOIN relations e ON e.id = {d.int_of(d.last_chars("p.first_ref", 12))}
            JOIN articles a ON a.key = e.article
            JOIN predicates pr ON pr.id = p.predicate
        """,
        "mentions_view": """
            SELECT m.id, a.id AS article, a.file, e.key AS entity_key, e.kind, e.name,
                   substr(a.text, m.span_start + 1, m.span_end - m.span_start) AS quote, m.span_start, m.span_end,
                   u.name AS rule, m.confidence / 1000.0 AS confidence
            FROM mentions m
            JOIN articles a ON a.key = m.article
            JOIN entities e ON e.id = m.entity
            JOIN rules u ON u.id = m.rule
        """,
    }


SCHEMA = TABLES_SQL + INDEXES_SQL + SEED_SQL


def postgres_schema() -> str:
    """The same tables and indexes in PostgreSQL's words: BIGINT identity columns for the
    integer keys, four-byte integers for the rest (offsets, dates, counts), BYTEA for blobs."""
    script = TABLES_SQL.replace("INTEGER PRIMARY KEY,", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,")
    script = script.replace(" BLOB", " BYTEA").replace(") WITHOUT ROWID;", ");")
    # Text compares by code point whatever the server's locale: the same answer on every
    # server, and B-tree indexes that serve prefixes and equality at memcmp's speed.
    script = re.sub(r" TEXT\b", ' TEXT COLLATE "C"', script)
    seeds = SEED_SQL.replace("INSERT OR IGNORE", "INSERT").replace(");\n", ") ON CONFLICT DO NOTHING;\n")
    return script + INDEXES_SQL + seeds


TABLES = frozenset(
    {
        "articles",
        "article_files",
        "entities",
        "predicates",
        "rules",
        "mentions",
        "relations",
        "aliases",
        "failures",
        "runs",
        "adoption_pairs",
        "reviews",
    }
)
