"""The schema of the store, and how an older store is brought up to it.

Plain tables with clear names, foreign keys and indexes, so the file opens as it is in
Datasette and ``sqlite-utils``. ``SCHEMA`` creates whatever is missing (``IF NOT EXISTS``),
which is also how indexes left out by a stopped bulk load come back.
"""

from __future__ import annotations

import sqlite3

from ..errors import ZxkgError
from . import pairs

WAL_CHECKPOINT_PAGES = 16_384  # 64 MB of 4 KB pages
# Page cache of a writer: a batch of articles (see Store.begin_batch) dirties some
# thousands of index pages, which must stay in memory until its commit; with SQLite's
# default 2 MB they spill to the WAL mid-transaction and a batch costs more than it saves.
WRITER_CACHE_KIB = 65_536
# Indexes that an ingest into an empty store builds at its end (Store.indexes_deferred).
DEFERRED_INDEXES = (
    "idx_relations_by_subject",
    "idx_relations_by_object",
    "idx_mentions_entity",
    "idx_article_files_origin",
)
SCHEMA_VERSION = 4
SCHEMA = (
    """
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
    id TEXT PRIMARY KEY,           -- first 16 hex digits of content_hash
    file TEXT NOT NULL,            -- base name of the file it was first read from
    origin TEXT,                   -- full path (path:line for JSON records)
    url TEXT,
    title TEXT,
    source TEXT,
    author TEXT,
    date TEXT,                     -- YYYY-MM-DD, or YYYY-MM / YYYY when only that is known
    text TEXT NOT NULL,            -- normalised text: every offset points into it
    original TEXT,                 -- decoded text as found
    encoding TEXT,
    content_hash TEXT NOT NULL UNIQUE,
    ingested_at TEXT NOT NULL,
    run_id INTEGER REFERENCES runs(id)
);
CREATE TABLE IF NOT EXISTS article_files (
    article_id TEXT NOT NULL REFERENCES articles(id),
    origin TEXT NOT NULL,
    file TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (article_id, origin)
);
CREATE TABLE IF NOT EXISTS entities (
    key TEXT PRIMARY KEY,          -- kind:code for regions, kind:name otherwise
    kind TEXT NOT NULL,            -- region, mechanism, brand, slogan, document, article
    name TEXT NOT NULL,
    code TEXT,
    level TEXT,
    parent TEXT,
    province TEXT,
    attrs TEXT                     -- JSON object
);
CREATE TABLE IF NOT EXISTS mentions (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id),
    entity_key TEXT NOT NULL REFERENCES entities(key),
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    quote TEXT NOT NULL,
    rule TEXT NOT NULL,
    confidence REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS relations (
    id INTEGER PRIMARY KEY,
    article_id TEXT REFERENCES articles(id),   -- NULL for relations from the division table
    subject_key TEXT NOT NULL REFERENCES entities(key),
    predicate TEXT NOT NULL,
    object_key TEXT NOT NULL REFERENCES entities(key),
    date TEXT,
    evidence TEXT NOT NULL,        -- the sentence that proves it
    start INTEGER NOT NULL,        -- offsets of the sentence in articles.text
    end INTEGER NOT NULL,
    span_start INTEGER NOT NULL,   -- offsets of the object's mention
    span_end INTEGER NOT NULL,
    span TEXT NOT NULL,
    rule TEXT NOT NULL,
    confidence REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS aliases (
    alias TEXT NOT NULL,           -- another written form of a term (两力两率评价 for 两力两率)
    entity_key TEXT NOT NULL REFERENCES entities(key),
    provenance TEXT NOT NULL,      -- the rule that saw it, and the article
    article_id TEXT REFERENCES articles(id),
    seen_at TEXT NOT NULL,
    PRIMARY KEY (alias, entity_key)
);
CREATE TABLE IF NOT EXISTS failures (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES runs(id),
    origin TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_articles_date ON articles(date);
CREATE INDEX IF NOT EXISTS idx_articles_file ON articles(file);
CREATE INDEX IF NOT EXISTS idx_article_files_origin ON article_files(origin);
CREATE INDEX IF NOT EXISTS idx_entities_kind_name ON entities(kind, name);
CREATE INDEX IF NOT EXISTS idx_mentions_article ON mentions(article_id);
CREATE INDEX IF NOT EXISTS idx_mentions_entity ON mentions(entity_key);
CREATE INDEX IF NOT EXISTS idx_relations_article ON relations(article_id);
CREATE INDEX IF NOT EXISTS idx_aliases_entity ON aliases(entity_key);
-- Both cover the adoption queries (adopters, region profile, the adoption table): they
-- read these columns only, never the rows with their evidence sentences. By subject, the
-- object comes next so that grouping by (region, term) needs no sort.
CREATE INDEX IF NOT EXISTS idx_relations_by_subject
    ON relations(subject_key, object_key, predicate, date, article_id, confidence);
CREATE INDEX IF NOT EXISTS idx_relations_by_object
    ON relations(object_key, predicate, subject_key, date, article_id, confidence);
CREATE UNIQUE INDEX IF NOT EXISTS idx_relations_static
    ON relations(subject_key, predicate, object_key) WHERE article_id IS NULL;
"""
    + pairs.SCHEMA
)


TABLES = frozenset({"articles", "article_files", "entities", "mentions", "relations", "aliases", "failures", "runs"})


def migrate(conn: sqlite3.Connection) -> bool:
    """Bring the store to ``SCHEMA_VERSION``; True when its adoption pairs must be computed.

    Runs outside a transaction (``executescript`` commits); the caller computes the pairs
    in one, then sets the version (``set_version``).
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise ZxkgError(f"store schema {version} is newer than this zxkg understands ({SCHEMA_VERSION})")
    if 0 < version < 3:  # the narrower indexes the covering ones replace
        conn.executescript("DROP INDEX IF EXISTS idx_relations_subject; DROP INDEX IF EXISTS idx_relations_object;")
    conn.executescript(SCHEMA)
    return bool(0 < version < 4)  # stores before the adoption pairs: compute them once


def set_version(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
