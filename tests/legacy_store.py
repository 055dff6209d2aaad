"""A store of schema 4, as zxkg wrote it before its compact layout: for the migration tests.

``write_v4`` copies a store of this zxkg into the older layout (text keys, evidence text,
the text as found in full) with plain SQL, and ``v4_relations`` prints its relations the
way the older zxkg read them, so a test can compare what a user saw before and after.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from zxkg.ingest.store import Store
from zxkg.ingest.store.records import RelationRow

V4_SCHEMA = """
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

CREATE TABLE IF NOT EXISTS adoption_pairs (
    term_key TEXT NOT NULL,
    region_key TEXT NOT NULL,
    region TEXT NOT NULL,            -- the two entities' columns (an entity never changes
    code TEXT NOT NULL,              -- under its key), so an answer is read from here alone
    level TEXT NOT NULL,
    province TEXT NOT NULL,
    term TEXT NOT NULL,
    kind TEXT NOT NULL,
    relations INTEGER NOT NULL,      -- how many relations (for the average confidence)
    articles INTEGER NOT NULL,       -- how many articles state one
    first_date TEXT,                 -- NULL when none is dated
    last_date TEXT,
    confidence_sum REAL NOT NULL,
    first_ref TEXT NOT NULL,         -- the first relation's sort key (see FIRST_REF)
    predicate TEXT NOT NULL,         -- and what the first relation says, with its evidence
    evidence TEXT NOT NULL,
    article_id TEXT NOT NULL,
    file TEXT NOT NULL,
    title TEXT NOT NULL,
    PRIMARY KEY (term_key, region_key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_adoption_pairs_region ON adoption_pairs(region_key, term_key);
"""


def write_v4(source: Path, target: Path) -> Path:
    """The store in ``source`` rewritten into schema 4 at ``target`` (a data directory)."""
    target.mkdir(parents=True, exist_ok=True)
    db = target / "zxkg.db"
    with Store.open(source, readonly=True) as store:
        articles = list(store.articles())
        relations = list(store.relations())
        conn = store.conn
        entities = conn.execute("SELECT key, kind, name, code, level, parent, province, attrs FROM entities").fetchall()
        mentions = conn.execute(
            "SELECT a.id, e.key, m.span_start, m.span_end,"
            " substr(a.text, m.span_start + 1, m.span_end - m.span_start), u.name, m.confidence / 1000.0"
            " FROM mentions m JOIN articles a ON a.key = m.article"
            " JOIN entities e ON e.id = m.entity JOIN rules u ON u.id = m.rule ORDER BY m.id"
        ).fetchall()
        files = conn.execute(
            "SELECT a.id, f.origin, f.file, f.seen_at FROM article_files f JOIN articles a ON a.key = f.article"
        ).fetchall()
        aliases = conn.execute(
            "SELECT x.alias, e.key, x.provenance, a.id, x.seen_at FROM aliases x JOIN entities e ON e.id = x.entity"
            " LEFT JOIN articles a ON a.key = x.article"
        ).fetchall()
        runs = conn.execute("SELECT * FROM runs").fetchall()
        stamps = dict(conn.execute("SELECT id, ingested_at FROM articles").fetchall())
    with sqlite3.connect(db) as c:
        c.executescript(V4_SCHEMA)
        c.executemany("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", runs)
        c.executemany(
            "INSERT INTO articles (id, file, origin, url, title, source, author, date, text, original, encoding,"
            " content_hash, ingested_at, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            [
                (a.id, a.file, a.origin, a.url, a.title, a.source, a.author, a.date, a.text, a.original, a.encoding,
                 a.content_hash, stamps[a.id])
                for a in articles
            ],
        )  # fmt: skip
        c.executemany("INSERT INTO article_files VALUES (?, ?, ?, ?)", files)
        c.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?, ?, ?)", entities)
        c.executemany(
            "INSERT INTO mentions (article_id, entity_key, start, end, quote, rule, confidence)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            mentions,
        )
        c.executemany(
            "INSERT INTO relations (id, article_id, subject_key, predicate, object_key, date, evidence, start, end,"
            " span_start, span_end, span, rule, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (r.id, r.article_id, r.subject_key, r.predicate, r.object_key, r.date, r.evidence, r.start, r.end,
                 r.span_start, r.span_end, r.span, r.rule, r.confidence)
                for r in relations
            ],
        )  # fmt: skip
        c.executemany("INSERT INTO aliases VALUES (?, ?, ?, ?, ?)", aliases)
        c.execute("PRAGMA user_version = 4")
    return target


def v4_relations(data: Path) -> Iterator[RelationRow]:
    """Every relation of a schema-4 store, read as zxkg read them then."""
    sql = """
        SELECT r.id, r.article_id, r.subject_key, r.predicate, r.object_key, r.date, r.evidence, r.start, r.end,
               r.span_start, r.span_end, r.span, r.rule, r.confidence, a.file AS file,
               s.kind AS s_kind, s.name AS s_name, s.code AS s_code, s.attrs AS s_attrs,
               o.kind AS o_kind, o.name AS o_name, o.code AS o_code, o.attrs AS o_attrs,
               '' AS review  -- schema 4 had no reviews
        FROM relations r
        JOIN entities s ON s.key = r.subject_key
        JOIN entities o ON o.key = r.object_key
        LEFT JOIN articles a ON a.id = r.article_id
        ORDER BY r.article_id IS NULL, a.file, r.article_id, r.id
    """
    with sqlite3.connect(data / "zxkg.db") as c:
        yield from map(RelationRow._make, c.execute(sql).fetchall())
