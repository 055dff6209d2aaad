"""The SQLite store: the only module that runs SQL.

One file (``zxkg.db``) in WAL mode, plain tables with clear names, foreign keys and
indexes, so it opens as it is in Datasette. Writes go through ``save`` one article per
transaction: an article, its mentions and its relations land together or not at all.
Reads open the file read-only (``Store.open(..., readonly=True)``) so a reader can never
take the writer's lock or change a byte.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from .errors import NotFound, StoreBusy, ZxkgError
from .models import Article, Entity, Evidence, Extraction, Failure, Mention, Relation

SCHEMA_VERSION = 1
SCHEMA = """
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
CREATE TABLE IF NOT EXISTS failures (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES runs(id),
    origin TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_articles_date ON articles(date);
CREATE INDEX IF NOT EXISTS idx_articles_file ON articles(file);
CREATE INDEX IF NOT EXISTS idx_entities_kind_name ON entities(kind, name);
CREATE INDEX IF NOT EXISTS idx_mentions_article ON mentions(article_id);
CREATE INDEX IF NOT EXISTS idx_mentions_entity ON mentions(entity_key);
CREATE INDEX IF NOT EXISTS idx_relations_article ON relations(article_id);
CREATE INDEX IF NOT EXISTS idx_relations_subject ON relations(subject_key, predicate);
CREATE INDEX IF NOT EXISTS idx_relations_object ON relations(object_key, predicate);
CREATE UNIQUE INDEX IF NOT EXISTS idx_relations_static
    ON relations(subject_key, predicate, object_key) WHERE article_id IS NULL;
"""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Known:
    """An article already in the store with the same content."""

    id: str
    file: str
    origin: str


class Store:
    """A zxkg data directory: ``zxkg.db`` (and, for search, ``index/``)."""

    def __init__(self, data_dir: Path, conn: sqlite3.Connection, readonly: bool) -> None:
        self.data_dir = data_dir
        self.conn = conn
        self.readonly = readonly
        self.db = sqlite_utils.Database(conn)
        self._lock_fh: Any = None

    @classmethod
    def open(cls, data_dir: str | Path, readonly: bool = False) -> Store:
        data_dir = Path(data_dir)
        path = data_dir / "zxkg.db"
        if readonly:
            if not path.exists():
                raise NotFound(f"no zxkg store in {data_dir} (run `zxkg ingest` first)")
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        else:
            data_dir.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, check_same_thread=False)
        conn.isolation_level = None  # transactions are explicit: BEGIN … COMMIT in save()
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
        store = cls(data_dir, conn, readonly)
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            store._migrate()
        return store

    def close(self) -> None:
        self.release()
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ZxkgError(f"store schema {version} is newer than this zxkg understands ({SCHEMA_VERSION})")
        self.conn.executescript(SCHEMA)
        self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def acquire(self) -> None:
        """Take the single-writer lock of the data directory, or fail with a clear message."""
        fh = open(self.data_dir / ".write.lock", "a")  # noqa: SIM115 - held until release()
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            raise StoreBusy(
                f"another zxkg process is writing to {self.data_dir}; try again when it has finished"
            ) from None
        self._lock_fh = fh

    def release(self) -> None:
        if self._lock_fh is not None:
            fcntl.flock(self._lock_fh, fcntl.LOCK_UN)
            self._lock_fh.close()
            self._lock_fh = None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def start_run(self, paths: list[str]) -> int:
        with self.transaction() as c:
            c.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            cur = c.execute(
                "INSERT INTO runs (started_at, status, paths) VALUES (?, 'running', ?)",
                (now(), json.dumps(paths, ensure_ascii=False)),
            )
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, counts: dict[str, int]) -> None:
        with self.transaction() as c:
            c.execute(
                "UPDATE runs SET finished_at = ?, status = 'done', read = ?, ingested = ?, unchanged = ?,"
                " duplicates = ?, failed = ? WHERE id = ?",
                (
                    now(),
                    counts.get("read", 0),
                    counts.get("ingested", 0),
                    counts.get("unchanged", 0),
                    counts.get("duplicates", 0),
                    counts.get("failed", 0),
                    run_id,
                ),
            )

    def record_failure(self, run_id: int | None, failure: Failure) -> None:
        with self.transaction() as c:
            c.execute(
                "INSERT INTO failures (run_id, origin, reason, at) VALUES (?, ?, ?, ?)",
                (run_id, failure.origin, failure.reason, now()),
            )

    def known(self, content_hash: str) -> Known | None:
        row = self.conn.execute(
            "SELECT id, file, origin FROM articles WHERE content_hash = ?", (content_hash,)
        ).fetchone()
        return Known(*row) if row else None

    def add_file(self, article_id: str, origin: str, file: str) -> bool:
        """Remember another file with the same text; False when it was known already."""
        with self.transaction() as c:
            cur = c.execute(
                "INSERT OR IGNORE INTO article_files (article_id, origin, file, seen_at) VALUES (?, ?, ?, ?)",
                (article_id, origin, file, now()),
            )
        return cur.rowcount > 0

    def save(self, ex: Extraction, run_id: int | None = None) -> None:
        """Write one article with its mentions and relations in one transaction.

        Every evidence is checked against the article text first; a mismatch is a bug in
        an extractor and aborts this article only.
        """
        a = ex.article
        for rel in ex.relations:
            ev = rel.evidence
            if a.text[ev.start : ev.end] != ev.quote or not (0 <= ev.span_start <= ev.span_end <= len(a.text)):
                raise ZxkgError(f"evidence offsets do not match the text of {a.origin} (rule {ev.rule})")
        for m in ex.mentions:
            if not (0 <= m.start <= m.end <= len(a.text)):
                raise ZxkgError(f"mention offsets out of range in {a.origin} (rule {m.rule})")
        stamp = now()
        entities = {m.entity.key: m.entity for m in ex.mentions}
        for rel in ex.relations:
            entities.setdefault(rel.subject.key, rel.subject)
            entities.setdefault(rel.object.key, rel.object)
        with self.transaction() as c:
            c.execute(
                "INSERT INTO articles (id, file, origin, url, title, source, author, date, text, original, encoding,"
                " content_hash, ingested_at, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    a.id, a.file, a.origin, a.url, a.title, a.source, a.author, a.date, a.text, a.original,
                    a.encoding, a.content_hash, stamp, run_id,
                ),
            )  # fmt: skip
            c.execute(
                "INSERT OR IGNORE INTO article_files (article_id, origin, file, seen_at) VALUES (?, ?, ?, ?)",
                (a.id, a.origin, a.file, stamp),
            )
            c.executemany(
                "INSERT OR IGNORE INTO entities (key, kind, name, code, level, parent, province, attrs)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [_entity_row(e) for e in entities.values()],
            )
            c.executemany(
                "INSERT INTO mentions (article_id, entity_key, start, end, quote, rule, confidence)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (a.id, m.entity.key, m.start, m.end, a.text[m.start : m.end], m.rule, m.confidence)
                    for m in ex.mentions
                ],
            )
            c.executemany(
                "INSERT INTO relations (article_id, subject_key, predicate, object_key, date, evidence, start, end,"
                " span_start, span_end, span, rule, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        a.id, r.subject.key, r.predicate, r.object.key, a.date, r.evidence.quote, r.evidence.start,
                        r.evidence.end, r.evidence.span_start, r.evidence.span_end,
                        a.text[r.evidence.span_start : r.evidence.span_end], r.evidence.rule, r.confidence,
                    )
                    for r in ex.relations
                ],
            )  # fmt: skip
            for child, parent in ex.part_of:
                c.executemany(
                    "INSERT OR IGNORE INTO entities (key, kind, name, code, level, parent, province, attrs)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [_entity_row(child), _entity_row(parent)],
                )
                c.execute(
                    "INSERT OR IGNORE INTO relations (article_id, subject_key, predicate, object_key, date, evidence,"
                    " start, end, span_start, span_end, span, rule, confidence)"
                    " VALUES (NULL, ?, 'part_of', ?, NULL, ?, 0, 0, 0, 0, '', 'divisions', 1.0)",
                    (child.key, parent.key, f"{child.name} ({child.code}) is part of {parent.name} ({parent.code})"),
                )

    # -- reading -------------------------------------------------------------------------

    def relations(self) -> Iterator[dict[str, Any]]:
        """Every relation, joined with its entities and article, in a stable order."""
        sql = """
            SELECT r.*, a.file AS file, s.kind AS s_kind, s.name AS s_name, s.code AS s_code, s.attrs AS s_attrs,
                   o.kind AS o_kind, o.name AS o_name, o.code AS o_code, o.attrs AS o_attrs
            FROM relations r
            JOIN entities s ON s.key = r.subject_key
            JOIN entities o ON o.key = r.object_key
            LEFT JOIN articles a ON a.id = r.article_id
            ORDER BY r.article_id IS NULL, a.file, r.article_id, r.id
        """
        cur = self.conn.execute(sql)
        names = [d[0] for d in cur.description]
        for row in cur:
            yield dict(zip(names, row, strict=True))

    def count(self, table: str) -> int:
        if table not in {"articles", "entities", "mentions", "relations", "failures", "runs", "article_files"}:
            raise ZxkgError(f"unknown table {table!r}")
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def stats(self) -> dict[str, Any]:
        by_kind = dict(self.conn.execute("SELECT kind, count(*) FROM entities GROUP BY kind ORDER BY kind").fetchall())
        by_pred = dict(
            self.conn.execute(
                "SELECT predicate, count(*) FROM relations GROUP BY predicate ORDER BY predicate"
            ).fetchall()
        )
        last = self.conn.execute(
            "SELECT id, started_at, finished_at, status, read, ingested, unchanged, duplicates, failed"
            " FROM runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
        cols = ("id", "started_at", "finished_at", "status", "read", "ingested", "unchanged", "duplicates", "failed")
        return {
            "data_dir": str(self.data_dir),
            "articles": self.count("articles"),
            "files": self.count("article_files"),
            "entities": by_kind,
            "relations": by_pred,
            "mentions": self.count("mentions"),
            "failures": self.count("failures"),
            "last_run": dict(zip(cols, last, strict=True)) if last else None,
            "size_bytes": sum(f.stat().st_size for f in self.data_dir.glob("zxkg.db*") if f.is_file()),
        }

    def failures(self, limit: int = 100) -> list[dict[str, Any]]:
        cur = self.conn.execute("SELECT origin, reason, at FROM failures ORDER BY id DESC LIMIT ?", (limit,))
        return [{"origin": o, "reason": r, "at": t} for o, r, t in cur]

    def integrity_ok(self) -> bool:
        return bool(self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    def article_ids(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT id FROM articles")}

    def texts(self, ids: Iterable[str]) -> dict[str, str]:
        """The normalised text of each article in ``ids`` (unknown ids are left out)."""
        wanted = list(dict.fromkeys(ids))
        out: dict[str, str] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ", ".join("?" * len(chunk))
            out.update(self.conn.execute(f"SELECT id, text FROM articles WHERE id IN ({marks})", chunk).fetchall())
        return out

    def extractions(self, ids: Iterable[str] | None = None) -> Iterator[Extraction]:
        """Saved articles with their mentions and relations, read back (without tokens), by id."""
        if ids is None:
            wanted = [row[0] for row in self.conn.execute("SELECT id FROM articles ORDER BY id")]
        else:
            wanted = sorted(set(ids))
        entity_cols = "{0}.kind, {0}.name, {0}.code, {0}.level, {0}.parent, {0}.province, {0}.attrs"
        for article_id in wanted:
            row = self.conn.execute(
                "SELECT id, file, origin, title, text, original, date, source, author, url, encoding, content_hash"
                " FROM articles WHERE id = ?",
                (article_id,),
            ).fetchone()
            if row is None:
                continue
            article = Article(
                id=row[0], file=row[1], origin=row[2] or "", title=row[3] or "", text=row[4],
                original=row[5] or "", date=row[6] or "", source=row[7] or "", author=row[8] or "",
                url=row[9] or "", encoding=row[10] or "utf-8", content_hash=row[11],
            )  # fmt: skip
            mentions = tuple(
                Mention(_entity(r[:7]), r[7], r[8], r[9], r[10])
                for r in self.conn.execute(
                    f"SELECT {entity_cols.format('e')}, m.start, m.end, m.rule, m.confidence"
                    " FROM mentions m JOIN entities e ON e.key = m.entity_key WHERE m.article_id = ? ORDER BY m.id",
                    (article_id,),
                )
            )
            relations = tuple(
                Relation(
                    subject=_entity(r[:7]),
                    predicate=r[14],
                    object=_entity(r[7:14]),
                    evidence=Evidence(article_id, r[15], r[16], r[17], r[18], r[19], r[20]),
                    confidence=r[21],
                )
                for r in self.conn.execute(
                    f"SELECT {entity_cols.format('s')}, {entity_cols.format('o')}, r.predicate, r.start, r.end,"
                    " r.evidence, r.span_start, r.span_end, r.rule, r.confidence"
                    " FROM relations r JOIN entities s ON s.key = r.subject_key JOIN entities o ON o.key = r.object_key"
                    " WHERE r.article_id = ? ORDER BY r.id",
                    (article_id,),
                )
            )
            yield Extraction(article=article, mentions=mentions, relations=relations)


def _entity(row: tuple[Any, ...]) -> Entity:
    """An Entity from its columns (kind, name, code, level, parent, province, attrs)."""
    kind, name, code, level, parent, province, attrs = row
    return Entity(
        kind=kind, name=name, code=code or "", level=level or "", parent=parent or "", province=province or "",
        attrs=tuple((str(k), str(v)) for k, v in json.loads(attrs or "{}").items()),
    )  # fmt: skip


def _entity_row(e: Entity) -> tuple[str, str, str, str, str, str, str, str]:
    return (e.key, e.kind, e.name, e.code, e.level, e.parent, e.province, json.dumps(dict(e.attrs), ensure_ascii=False))


def data_dir_from(value: str | None) -> Path:
    return Path(value or os.environ.get("ZXKG_DATA") or "zxkg-data")
