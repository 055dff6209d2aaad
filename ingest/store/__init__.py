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
import functools
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from . import pairs
from ..errors import NotFound, StoreBusy, ZxkgError
from ..models import Article, Entity, EntityKind, Evidence, Extraction, Failure, Mention, Relation

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
        self._lock_depth = 0
        self._batch_open = False
        self._origins_new = False  # an ingest into an empty store: no file held a text before

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
            # Two writers opening a new store at once would both switch it to WAL; SQLite
            # answers one of them "database is locked" at once (a deadlock, so no busy
            # wait). zxkg processes take turns for these few statements instead.
            with open(data_dir / ".setup.lock", "a") as turn:
                fcntl.flock(turn, fcntl.LOCK_EX)
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                # A checkpoint syncs the database file; at SQLite's default (every 4 MB of
                # WAL) an ingest spent a third of its writing time in them. Every 64 MB
                # keeps the WAL small and the syncs rare.
                conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
                conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
                store._migrate()
        return store

    @functools.cached_property
    def has_adoption_pairs(self) -> bool:
        """False for a store of an older schema opened read-only (a writer migrates it)."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0]) >= 4

    def close(self) -> None:
        self._lock_depth = min(self._lock_depth, 1)
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
        if 0 < version < 3:  # the narrower indexes the covering ones replace
            self.conn.executescript(
                "DROP INDEX IF EXISTS idx_relations_subject; DROP INDEX IF EXISTS idx_relations_object;"
            )
        self.conn.executescript(SCHEMA)
        if 0 < version < 4:  # stores before the adoption pairs: compute them once
            with self.transaction() as c:
                pairs.rebuild(c)
        self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def acquire(self) -> None:
        """Take the single-writer lock of the data directory, or fail with a clear message.

        Re-entrant: a command that takes the lock before the pipeline does (so the search
        index and the lexicon are read under it too) keeps it until its own ``release``.
        """
        if self._lock_fh is not None:
            self._lock_depth += 1
            return
        fh = open(self.data_dir / ".write.lock", "a")  # noqa: SIM115 - held until release()
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            raise StoreBusy(
                f"another zxkg process is writing to {self.data_dir}; try again when it has finished"
            ) from None
        self._lock_fh = fh
        self._lock_depth = 1

    def release(self) -> None:
        if self._lock_fh is None:
            return
        self._lock_depth -= 1
        if self._lock_depth > 0:
            return
        fcntl.flock(self._lock_fh, fcntl.LOCK_UN)
        self._lock_fh.close()
        self._lock_fh = None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All of the statements inside or none of them.

        Inside a batch this is a savepoint: a failing article is rolled back alone and
        the batch goes on.
        """
        if self._batch_open:
            self.conn.execute("SAVEPOINT unit")
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:  # SQLite may have rolled back everything itself
                    self.conn.execute("ROLLBACK TO unit")
                    self.conn.execute("RELEASE unit")
                raise
            self.conn.execute("RELEASE unit")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def begin_batch(self) -> None:
        """Commit the next transactions together, at ``commit_batch``.

        Why: an article's rows land on about a hundred pages of the tables and their
        indexes (relations and mentions are indexed by entity, so each row goes to another
        page), and every commit writes each page it touched to the WAL in full. One commit
        for many articles writes a page once for all of them: measured, the store's part
        of ingest went from 1.7 to 1.1 ms an article with 128 articles a commit. An
        interrupted ingest loses the open batch only, and the next run ingests it again.
        """
        if not self._batch_open:
            self.conn.execute("BEGIN IMMEDIATE")
            self._batch_open = True

    def commit_batch(self) -> None:
        if not self._batch_open:
            return
        self._batch_open = False
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")

    @property
    def batch_open(self) -> bool:
        return self._batch_open

    @contextlib.contextmanager
    def indexes_deferred(self) -> Iterator[None]:
        """Into an empty store, ingest without the indexes by entity and build them at the end.

        Why: those indexes take each relation and mention at the place of its entity, so
        an article's rows go to some forty pages scattered over indexes that outgrow the
        page cache (at 100k articles the writer spent most of its time there). Built
        once from all the rows, they are a sort. Only an empty store: nothing can ask
        for them before the ingest ends, and its rows are all to be indexed anyway.
        An ingest stopped before the end leaves them
        out; the next command that opens the store for writing builds them (``SCHEMA``
        creates whatever is missing), and until then reads are slower, not wrong.
        No file of an empty store held another text before, so ``save`` does not look.
        """
        if self.count("articles") > 0:
            yield
            return
        self.conn.executescript("".join(f"DROP INDEX IF EXISTS {name};" for name in DEFERRED_INDEXES))
        self._origins_new = True
        try:
            yield
        finally:
            self._origins_new = False
            self.conn.executescript(SCHEMA)

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see one state of the store, however many statements they take,
        even while the writer commits articles in between."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
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

    def interrupt_runs(self) -> list[int]:
        """Mark the runs left 'running' by a process that died as interrupted; returns their ids.

        Only call it holding the write lock: then no run is really running.
        """
        with self.transaction() as c:
            ids = [row[0] for row in c.execute("SELECT id FROM runs WHERE status = 'running' ORDER BY id")]
            c.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        return ids

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

    def add_file(self, article_id: str, origin: str, file: str) -> tuple[bool, int]:
        """Remember another file with the same text: whether it is new to the article, and
        how many articles went because the file held another text before (see ``save``)."""
        with self.transaction() as c:
            cur = c.execute(
                "INSERT OR IGNORE INTO article_files (article_id, origin, file, seen_at) VALUES (?, ?, ?, ?)",
                (article_id, origin, file, now()),
            )
            gone = _release(c, origin, article_id) if cur.rowcount > 0 else 0
        return cur.rowcount > 0, gone

    def save(self, ex: Extraction, run_id: int | None = None) -> int:
        """Write one article with its mentions and relations in one transaction.

        Every evidence is checked against the article text first; a mismatch is a bug in
        an extractor and aborts this article only.

        A file (or JSON record) read before with another text — edited at its source, or
        read differently by a newer zxkg — now holds this text only: the article it held
        goes, unless another file still holds it (``_forget``). Returns how many went.
        """
        _check(ex)
        a = ex.article
        stamp = now()
        with self.transaction() as c:
            gone = 0 if self._origins_new else _release(c, a.origin, a.id)
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
            _write_findings(c, ex, stamp)
            pairs.add_article(c, a.id)
        return gone

    def replace(self, ex: Extraction) -> None:
        """Re-extraction: an article's mentions and relations become ``ex``'s, in one transaction."""
        _check(ex)
        with self.transaction() as c:
            _drop_findings(c, ex.article.id)
            _write_findings(c, ex, now())
            pairs.add_article(c, ex.article.id)

    def prune_entities(self) -> int:
        """Remove entities nothing points at any more (after re-extraction); returns how many."""
        with self.transaction() as c:
            cur = c.execute(
                "DELETE FROM entities WHERE key NOT IN (SELECT entity_key FROM mentions)"
                " AND key NOT IN (SELECT subject_key FROM relations) AND key NOT IN (SELECT object_key FROM relations)"
                " AND key NOT IN (SELECT entity_key FROM aliases)"
            )
        return int(cur.rowcount)

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

    def articles(self) -> Iterator[Article]:
        """Every stored article as a record (for re-extraction and re-indexing), oldest first."""
        cur = self.conn.execute(
            "SELECT id, file, origin, title, text, original, date, source, author, url, encoding, content_hash"
            " FROM articles ORDER BY ingested_at, id"
        )
        for row in cur:
            yield Article(
                id=row[0], file=row[1], origin=row[2] or "", title=row[3] or "", text=row[4], original=row[5] or "",
                date=row[6] or "", source=row[7] or "", author=row[8] or "", url=row[9] or "",
                encoding=row[10] or "", content_hash=row[11],
            )  # fmt: skip

    def corpus_terms(self) -> list[tuple[str, EntityKind, int, dict[str, str]]]:
        """Mechanisms, brands and slogans found so far: (name, kind, articles, {alias: provenance})."""
        aliases: dict[str, dict[str, str]] = {}
        for alias, key, provenance in self.conn.execute("SELECT alias, entity_key, provenance FROM aliases"):
            aliases.setdefault(key, {})[alias] = provenance
        rows = self.conn.execute(
            "SELECT e.key, e.name, e.kind, count(DISTINCT m.article_id) FROM entities e"
            " LEFT JOIN mentions m ON m.entity_key = e.key"
            " WHERE e.kind IN ('mechanism', 'brand') AND m.rule LIKE 'initiative.quoted%'"
            " GROUP BY e.key ORDER BY e.name, count(DISTINCT m.article_id) DESC"
        )
        return [(name, kind, n, aliases.get(key, {})) for key, name, kind, n in rows]

    def article(self, article_id: str) -> dict[str, Any] | None:
        """One article with its mentions (for the article page), or None."""
        cur = self.conn.execute(
            "SELECT id, file, title, date, source, author, url, text FROM articles WHERE id = ?", (article_id,)
        )
        row = cur.fetchone()
        if row is None:
            return None
        out = dict(zip([d[0] for d in cur.description], row, strict=True))
        out["mentions"] = [
            {"start": s, "end": e, "kind": k, "name": n, "rule": r}
            for s, e, k, n, r in self.conn.execute(
                "SELECT m.start, m.end, e.kind, e.name, m.rule FROM mentions m JOIN entities e ON e.key = m.entity_key"
                " WHERE m.article_id = ? ORDER BY m.start, m.end DESC",
                (article_id,),
            )
        ]
        return out

    def region_list(self, name_like: str, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
        """Regions named in at least one article, most articles first: (total, page)."""
        where = "e.kind = 'region' AND e.code != ''" + (" AND e.name LIKE ? ESCAPE '\\'" if name_like else "")
        params: list[Any] = [_contains(name_like)] if name_like else []
        total = self.conn.execute(
            f"SELECT count(*) FROM entities e WHERE {where} AND EXISTS"
            " (SELECT 1 FROM mentions m WHERE m.entity_key = e.key)",
            params,
        ).fetchone()[0]
        rows = self._rows(
            "SELECT e.name, e.code, e.level, e.province, e.parent, count(DISTINCT m.article_id) AS articles"
            f" FROM entities e JOIN mentions m ON m.entity_key = e.key WHERE {where}"
            " GROUP BY e.key ORDER BY articles DESC, e.code LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return int(total), list(rows)

    def term_list(
        self, kinds: Sequence[str], name_like: str, limit: int, offset: int
    ) -> tuple[int, list[dict[str, Any]]]:
        """Mechanisms/brands/documents with how many regions adopted them and in how many articles."""
        marks = ", ".join("?" for _ in kinds)
        where = f"e.kind IN ({marks})" + (" AND e.name LIKE ? ESCAPE '\\'" if name_like else "")
        params: list[Any] = [*kinds, *([_contains(name_like)] if name_like else [])]
        total = self.conn.execute(
            f"SELECT count(*) FROM entities e WHERE {where} AND EXISTS"
            " (SELECT 1 FROM mentions m WHERE m.entity_key = e.key)",
            params,
        ).fetchone()[0]
        rows = self._rows(
            "SELECT e.key, e.name, e.kind, e.attrs,"
            " (SELECT count(DISTINCT r.subject_key) FROM relations r JOIN entities s ON s.key = r.subject_key"
            "   WHERE r.object_key = e.key AND s.kind = 'region') AS adopters,"
            " (SELECT count(DISTINCT m.article_id) FROM mentions m WHERE m.entity_key = e.key) AS articles"
            f" FROM entities e WHERE {where} AND EXISTS (SELECT 1 FROM mentions m WHERE m.entity_key = e.key)"
            " ORDER BY adopters DESC, articles DESC, e.name LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        out = list(rows)
        aliases: dict[str, list[str]] = {}
        keys = [r["key"] for r in out]
        if keys:
            marks = ", ".join("?" for _ in keys)
            for alias, key in self.conn.execute(
                f"SELECT alias, entity_key FROM aliases WHERE entity_key IN ({marks}) ORDER BY alias", keys
            ):
                aliases.setdefault(key, []).append(alias)
        for r in out:
            r["aliases"] = aliases.get(r["key"], [])
        return int(total), out

    def count(self, table: str) -> int:
        if table not in TABLES:
            raise ZxkgError(f"unknown table {table!r}")
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def stats(self) -> dict[str, Any]:
        """What the store holds, every count from the same moment."""
        with self.snapshot():
            by_kind = dict(
                self.conn.execute("SELECT kind, count(*) FROM entities GROUP BY kind ORDER BY kind").fetchall()
            )
            by_pred = dict(
                self.conn.execute(
                    "SELECT predicate, count(*) FROM relations GROUP BY predicate ORDER BY predicate"
                ).fetchall()
            )
            last = self.conn.execute(
                "SELECT id, started_at, finished_at, status, read, ingested, unchanged, duplicates, failed"
                " FROM runs ORDER BY id DESC LIMIT 1"
            ).fetchone()
            cols = "id started_at finished_at status read ingested unchanged duplicates failed".split()
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

    # -- consistency (zxkg check) ----------------------------------------------------------

    def integrity_errors(self, limit: int = 20) -> list[str]:
        """What ``PRAGMA integrity_check`` finds (at most ``limit`` lines); empty when sound."""
        rows = [str(r[0]) for r in self.conn.execute(f"PRAGMA integrity_check({int(limit)})")]
        return [] if rows == ["ok"] else rows

    def running_runs(self) -> list[dict[str, Any]]:
        """Runs still marked 'running': in progress, or left so by a process that died."""
        return list(self._rows("SELECT id, started_at, paths FROM runs WHERE status = 'running' ORDER BY id", []))

    def offset_mismatches(self) -> tuple[int, list[dict[str, Any]]]:
        """Relations and mentions whose offsets do not point at their quote in the article text.

        Returns (findings checked, mismatches): each mismatch names the table, row id, article
        and rule. Reads one article at a time, so a large store is checked in bounded memory.
        """
        checked = 0
        bad: list[dict[str, Any]] = []
        with self.snapshot():
            for article_id, text in self.conn.execute("SELECT id, text FROM articles ORDER BY id"):
                n = len(text)
                for rid, start, end, quote, s0, s1, span, rule in self.conn.execute(
                    "SELECT id, start, end, evidence, span_start, span_end, span, rule FROM relations"
                    " WHERE article_id = ?",
                    (article_id,),
                ):
                    checked += 1
                    if not (0 <= start <= end <= n and text[start:end] == quote and 0 <= s0 <= s1 <= n) or (
                        text[s0:s1] != span
                    ):
                        bad.append({"table": "relations", "id": rid, "article": article_id, "rule": rule})
                for mid, start, end, quote, rule in self.conn.execute(
                    "SELECT id, start, end, quote, rule FROM mentions WHERE article_id = ?", (article_id,)
                ):
                    checked += 1
                    if not (0 <= start <= end <= n and text[start:end] == quote):
                        bad.append({"table": "mentions", "id": mid, "article": article_id, "rule": rule})
        return checked, bad

    def dangling(self) -> dict[str, int]:
        """Rows whose reference points at nothing, counted by ``table → referenced table``."""
        out: dict[str, int] = {}
        for table, _rowid, parent, _fk in self.conn.execute("PRAGMA foreign_key_check"):
            key = f"{table} → {parent}"
            out[key] = out.get(key, 0) + 1
        return out

    def repair_dangling(self) -> tuple[dict[str, int], set[str]]:
        """Drop or unlink rows whose reference points at nothing, in one transaction.

        Findings (and files) of an article that is gone are deleted; a lost run or article
        link is set to NULL; aliases of a lost entity are deleted. Returns what was done
        (``"deleted mentions"`` → count …) and the stored articles whose findings pointed at
        a lost entity: their findings were deleted too, and they must be extracted again.
        """
        done: dict[str, int] = {}
        articles: set[str] = set()
        with self.transaction() as c:
            for table, rowid, parent, _fk in c.execute("PRAGMA foreign_key_check").fetchall():
                if (table, parent) in _FINDINGS_OF_LOST_ENTITY:
                    row = c.execute(_FINDINGS_OF_LOST_ENTITY[(table, parent)], (rowid,)).fetchone()
                    if row is not None and row[0] is not None:
                        articles.add(row[0])
                fix = _DANGLING_FIXES.get((table, parent))
                if fix is None:
                    continue
                sql, what = fix
                if c.execute(sql, (rowid,)).rowcount:
                    done[f"{what} {table}"] = done.get(f"{what} {table}", 0) + 1
            if articles:
                stored = {
                    r[0]
                    for r in c.execute(
                        "SELECT id FROM articles WHERE id IN (SELECT value FROM json_each(?))",
                        (json.dumps(sorted(articles)),),
                    )
                }
                articles &= stored
            if done:
                pairs.rebuild(c)  # relations may be gone: the pairs follow
        return done, articles

    def stale_adoption_pairs(self, limit: int = 10) -> list[str]:
        """Adoption pairs that differ from their relations (``zxkg check``); empty when sound."""
        return pairs.stale(self.conn, limit)

    def rebuild_adoption_pairs(self) -> None:
        with self.transaction() as c:
            pairs.rebuild(c)

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

    # -- graph queries ---------------------------------------------------------------------
    # Read-only aggregates for graph/: edges, nodes, adoptions, co-adoption, similarity.
    # Every method takes a RelationQuery (defined at the end of this module) and does the
    # grouping in SQL, so nothing here holds the whole relation table in memory.

    def graph_edges(self, q: RelationQuery) -> Iterator[dict[str, Any]]:
        """One row per (subject, predicate, object) kept by ``q``, with its first evidence.

        Columns: source, predicate, target, articles, first_date, last_date, confidence,
        evidence, article_id, file, title. Ordered by source, predicate, target.
        """
        grouped, params = _grouped_relations(q)
        sql = f"""
            SELECT g.source, g.predicate, g.target, g.articles, g.first_date, g.last_date, g.confidence,
                   e.evidence, e.article_id, a.file, a.title
            FROM ({grouped}) g
            JOIN relations e ON e.id = CAST(substr(g.first_ref, -12) AS INTEGER)
            LEFT JOIN articles a ON a.id = e.article_id
            ORDER BY g.source, g.predicate, g.target
        """
        yield from self._rows(sql, params)

    def graph_nodes(self, q: RelationQuery) -> Iterator[dict[str, Any]]:
        """Every entity at an end of an edge ``graph_edges(q)`` keeps.

        Columns: key, kind, name, code, level, parent, province, attrs (JSON), start (the
        first date of its kept relations, NULL when they have none), and for articles their
        title, date and file. Ordered by kind and name.
        """
        grouped, params = _grouped_relations(q)
        sql = f"""
            WITH g AS ({grouped})
            SELECT e.key, e.kind, e.name, e.code, e.level, e.parent, e.province, e.attrs,
                   min(n.first_date) AS start, a.title, a.date, a.file
            FROM (SELECT source AS key, first_date FROM g UNION ALL SELECT target, first_date FROM g) n
            JOIN entities e ON e.key = n.key
            LEFT JOIN articles a ON e.kind = 'article' AND a.id = e.name
            GROUP BY e.key
            ORDER BY e.kind, e.name, e.key
        """
        yield from self._rows(sql, params)

    def attr_names(self, kinds: Sequence[str] = ()) -> list[str]:
        """The keys found in the ``attrs`` of entities (of ``kinds``), sorted."""
        sql = "SELECT DISTINCT j.key FROM entities e, json_each(e.attrs) j WHERE json_valid(e.attrs)"
        params: list[Any] = []
        if kinds:
            sql += " AND e.kind IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(kinds)))
        return sorted(str(k) for (k,) in self.conn.execute(sql, params))

    def adoptions(
        self, q: RelationQuery, term_kinds: Sequence[str], merge_terms: bool = False, by_date: bool = True
    ) -> Iterator[tuple[Any, ...]]:
        """One row per (region, term): a region's article relations to entities of ``term_kinds``.

        With ``merge_terms`` one row per region: every kept term counts as the same one (a
        term and its aliases). Rows are tuples (tens of thousands go to a table export) in
        the order of ``ADOPTION_COLUMNS``: region_key, region, code, level, province,
        term_key, term, kind, the first relation's predicate (earliest date, then first
        stored), first_date, last_date, articles, confidence, and the first relation's
        evidence, article, file and title; text columns are "" rather than NULL. Ordered
        by first date (unknown last), then region and term; without ``by_date``, by region
        and term, which spares a sort of the whole table.

        Questions that keep every relation of a pair (no dates, confidence, predicates or
        region codes asked) are answered from the adoption pairs, which hold these very
        aggregates; the others group the relations.
        """
        if self.has_adoption_pairs and _whole_pairs(q, merge_terms):
            if merge_terms and q.objects is not None and len(q.objects) > 1:
                return self._merged_pairs(q, term_kinds, by_date)
            return self._adoption_pairs(q, term_kinds, by_date)
        where, params = _relation_filter(q)
        # Without merge_terms the term columns are constant in a group; with it they come
        # from the first relation, joined back below.
        term = "e.object_key AS term_key, o.name AS term, o.kind" if merge_terms else "g.term_key, g.term, g.kind"
        join_term = "JOIN entities o ON o.key = e.object_key" if merge_terms else ""
        order = "ORDER BY g.first_date IS NULL, g.first_date, g.region_key, g.term_key" if by_date else ""
        sql = f"""
            SELECT g.region_key, g.region, coalesce(g.code, '') AS code, coalesce(g.level, '') AS level,
                   coalesce(g.province, '') AS province, {term}, e.predicate,
                   coalesce(g.first_date, '') AS first_date, coalesce(g.last_date, '') AS last_date,
                   g.articles, g.confidence, e.evidence, e.article_id AS article,
                   coalesce(a.file, '') AS file, coalesce(a.title, '') AS title
            FROM (
                SELECT r.subject_key AS region_key, s.name AS region, s.code, s.level, s.province,
                       r.object_key AS term_key, o.name AS term, o.kind,
                       min(NULLIF(r.date, '')) AS first_date, max(NULLIF(r.date, '')) AS last_date,
                       count(DISTINCT r.article_id) AS articles, avg(r.confidence) AS confidence,
                       {_FIRST_REF} AS first_ref
                FROM relations r  -- CROSS JOIN: read the relations first, through their object/subject index
                CROSS JOIN entities s ON s.key = r.subject_key
                CROSS JOIN entities o ON o.key = r.object_key
                WHERE {where} AND {_ADOPTED} AND s.kind = 'region'
                  AND o.kind IN (SELECT value FROM json_each(?))
                GROUP BY r.subject_key{"" if merge_terms else ", r.object_key"}
                HAVING count(DISTINCT r.article_id) >= ?
            ) g
            JOIN relations e ON e.id = CAST(substr(g.first_ref, -12) AS INTEGER)
            {join_term}
            LEFT JOIN articles a ON a.id = e.article_id
            {order}
        """
        params += [json.dumps(list(term_kinds)), q.min_articles]
        return self.conn.execute(sql, params)

    def first_adoptions(self, q: RelationQuery, term_kinds: Sequence[str]) -> Iterator[tuple[str, str, str]]:
        """``(region_key, region, first_date)`` of ``adoptions(q, term_kinds, merge_terms=True)``, in its order.

        What a diffusion curve needs, read from the pairs without their evidence and
        without counting articles when no minimum asks for the count: at 100k articles a
        common term's timeline read 2,400 rows of 17 columns for three of them.
        """
        if not (self.has_adoption_pairs and _whole_pairs(q, True) and q.min_articles <= 1):
            for row in self.adoptions(q, term_kinds, merge_terms=True):
                yield row[0], row[1], row[9]
            return
        where, params = _pair_filter(q, term_kinds)
        sql = f"""
            SELECT p.region_key, p.region, coalesce(min(p.first_date), '') AS first_date
            FROM adoption_pairs p
            WHERE {where}
            GROUP BY p.region_key
            ORDER BY min(p.first_date) IS NULL, min(p.first_date), p.region_key
        """
        yield from self.conn.execute(sql, params)

    def _adoption_pairs(self, q: RelationQuery, term_kinds: Sequence[str], by_date: bool) -> Iterator[tuple[Any, ...]]:
        """``adoptions`` read from the adoption pairs (same columns, same order)."""
        where, params = _pair_filter(q, term_kinds)
        if q.min_articles:
            where += " AND p.articles >= ?"
            params.append(q.min_articles)
        order = (
            "ORDER BY p.first_date IS NULL, p.first_date, p.region_key, p.term_key"
            if by_date
            else "ORDER BY p.region_key, p.term_key"
        )
        sql = f"""
            SELECT p.region_key, p.region, p.code, p.level, p.province, p.term_key, p.term, p.kind, p.predicate,
                   coalesce(p.first_date, '') AS first_date, coalesce(p.last_date, '') AS last_date,
                   p.articles, p.confidence_sum / p.relations AS confidence, p.evidence,
                   p.article_id AS article, p.file, p.title
            FROM adoption_pairs p
            WHERE {where}
            {order}
        """
        return self.conn.execute(sql, params)

    def _merged_pairs(self, q: RelationQuery, term_kinds: Sequence[str], by_date: bool) -> Iterator[tuple[Any, ...]]:
        """``adoptions`` of several terms merged into one (a term and its aliases), from their pairs.

        A region's row adds up its pairs (``_merge_pairs``). Articles do not add up where a
        region holds several of the terms, since one article may state two of them: those
        regions are few (a sixth of 医联体's adopters at 100k articles), and only their
        relations are read, to count the articles exactly. Merged here rather than by a
        GROUP BY: SQLite sorted the pairs' wide rows twice (to group, then by date) and took
        half as long again as this loop over rows it fetches anyway.
        """
        where, params = _pair_filter(q, term_kinds)
        sql = f"""
            SELECT p.region_key, p.region, p.code, p.level, p.province, p.term_key, p.term, p.kind, p.predicate,
                   coalesce(p.first_date, ''), coalesce(p.last_date, ''), p.articles, p.confidence_sum,
                   p.evidence, p.article_id, p.file, p.title, p.relations, p.first_ref
            FROM adoption_pairs p
            WHERE {where}
        """
        merged: dict[str, tuple[Any, ...]] = {}
        shared: list[str] = []
        for row in self.conn.execute(sql, params):
            held = merged.setdefault(row[0], row)
            if held is not row:
                shared.append(row[0])
                merged[row[0]] = _merge_pairs(held, row)
        exact = self._distinct_articles(shared, q.objects or ()) if shared else {}
        rows = [
            (*m[:11], exact.get(m[0], m[11]), m[12] / m[17], *m[13:17])
            for m in merged.values()
            if exact.get(m[0], m[11]) >= q.min_articles
        ]
        rows.sort(key=_by_first_date if by_date else _by_region)
        return iter(rows)

    def _distinct_articles(self, regions: Sequence[str], terms: Sequence[str]) -> dict[str, int]:
        """How many articles state an adoption of any of ``terms``, for each of ``regions``."""
        sql = f"""
            SELECT r.subject_key, count(DISTINCT r.article_id) FROM relations r
            WHERE r.subject_key IN (SELECT value FROM json_each(?))
              AND r.object_key IN (SELECT value FROM json_each(?)) AND {_ADOPTED}
            GROUP BY r.subject_key
        """
        return dict(self.conn.execute(sql, (json.dumps(list(regions)), json.dumps(list(terms)))).fetchall())

    def mention_count(self, keys: Sequence[str]) -> int:
        """How many articles mention any of ``keys``."""
        sql = (
            "SELECT count(DISTINCT article_id) FROM relations"
            " WHERE object_key IN (SELECT value FROM json_each(?)) AND predicate = 'mentions'"
        )
        return int(self.conn.execute(sql, (json.dumps(list(keys)),)).fetchone()[0])

    def shared_adoptions(
        self, q: RelationQuery, term_kinds: Sequence[str], by: str, focus: Sequence[str] = (), limit: int = 50
    ) -> list[dict[str, Any]]:
        """Pairs that share adoptions, with counts for a Jaccard index.

        ``by="region"``: pairs of terms adopted by the same regions (co-adoption);
        ``by="term"``: pairs of regions that adopted the same terms (similarity). Without
        ``focus``, every pair once, most shared first, then by Jaccard index. With it, the
        focus keys count as one item ``a`` (a term and its aliases) paired with every other
        ``b``, most shared first: only the focus's neighbourhood is read. Columns: a, b,
        shared, a_total, b_total.
        """
        if by not in ("region", "term"):
            raise ZxkgError(f"shared_adoptions by {by!r}")
        pair, via = ("object_key", "subject_key") if by == "region" else ("subject_key", "object_key")
        where, params = _relation_filter(q)
        adopted = f"""
            SELECT r.subject_key, r.object_key
            FROM relations r
            JOIN entities s ON s.key = r.subject_key
            JOIN entities o ON o.key = r.object_key
            WHERE {where} AND {_ADOPTED} AND s.kind = 'region'
              AND o.kind IN (SELECT value FROM json_each(?))
        """
        params.append(json.dumps(list(term_kinds)))
        if focus:
            keys = json.dumps(list(focus))
            sql = f"""
                WITH adopted AS NOT MATERIALIZED ({adopted}),
                vias AS MATERIALIZED (
                    SELECT DISTINCT {via} AS via FROM adopted WHERE {pair} IN (SELECT value FROM json_each(?))
                ),
                pairs AS MATERIALIZED (
                    SELECT {pair} AS b, count(DISTINCT {via}) AS shared FROM adopted
                    WHERE {via} IN (SELECT via FROM vias) AND {pair} NOT IN (SELECT value FROM json_each(?))
                    GROUP BY {pair}
                    ORDER BY shared DESC, b
                    LIMIT ?
                )
                SELECT ? AS a, p.b, p.shared, (SELECT count(*) FROM vias) AS a_total,
                       (SELECT count(DISTINCT {via}) FROM adopted WHERE {pair} = p.b) AS b_total
                FROM pairs p
                ORDER BY p.shared DESC, p.b
            """
            return list(self._rows(sql, [*params, keys, keys, limit, focus[0]]))
        sql = f"""
            WITH adopted AS ({adopted}),
            items AS (SELECT DISTINCT {pair} AS item, {via} AS via FROM adopted),
            totals AS (SELECT item, count(*) AS total FROM items GROUP BY item)
            SELECT x.item AS a, y.item AS b, count(*) AS shared, tx.total AS a_total, ty.total AS b_total
            FROM items x
            JOIN items y ON y.via = x.via AND x.item < y.item
            JOIN totals tx ON tx.item = x.item
            JOIN totals ty ON ty.item = y.item
            GROUP BY x.item, y.item
            ORDER BY shared DESC, CAST(count(*) AS REAL) / (tx.total + ty.total - count(*)) DESC, a, b
            LIMIT ?
        """
        return list(self._rows(sql, [*params, limit]))

    def entities(self, keys: Sequence[str]) -> list[dict[str, Any]]:
        """The entity rows of ``keys`` (unknown keys are left out)."""
        sql = (
            f"SELECT e.key, e.kind, e.name, e.code, e.level, e.parent, e.province, {ATTRS_WITH_ALIASES}"
            " FROM entities e WHERE e.key IN (SELECT value FROM json_each(?)) ORDER BY e.kind, e.name, e.key"
        )
        return list(self._rows(sql, [json.dumps(list(keys))]))

    def find_entities(
        self, forms: Sequence[str], kinds: Sequence[str], alias_kinds: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        """Entities of ``kinds`` named one of ``forms``, and of ``alias_kinds`` whose attrs
        contain one of them.

        Names are looked up in the index; the attrs part is a cheap prefilter for aliases
        (callers check the JSON themselves).
        """
        forms = [f for f in forms if f]
        if not forms:
            return []
        columns = f"e.key, e.kind, e.name, e.code, e.level, e.parent, e.province, {ATTRS_WITH_ALIASES}"
        forms_json = json.dumps(forms)
        sql = f"""
            SELECT {columns} FROM entities e
            WHERE e.kind IN (SELECT value FROM json_each(?)) AND e.name IN (SELECT value FROM json_each(?))
        """
        params: list[Any] = [json.dumps(list(kinds)), forms_json]
        if alias_kinds:
            # one placeholder per kind, so each kind is read through the (kind, name) index
            marks = ", ".join("?" for _ in alias_kinds)
            sql += f"""
                UNION
                SELECT {columns} FROM entities e
                WHERE e.kind IN ({marks}) AND instr(e.attrs, '"aliases"') > 0
                  AND EXISTS (SELECT 1 FROM json_each(?) f WHERE instr(e.attrs, f.value) > 0)
                UNION
                SELECT {columns} FROM entities e
                WHERE e.kind IN ({marks})
                  AND e.key IN (SELECT entity_key FROM aliases WHERE alias IN (SELECT value FROM json_each(?)))
            """
            params += [*alias_kinds, forms_json, *alias_kinds, forms_json]
        return list(self._rows(sql + " ORDER BY 2, 3, 1", params))

    def entity_names(self, kinds: Sequence[str]) -> Iterator[dict[str, Any]]:
        """key, kind, name and attrs of every entity of ``kinds`` (for suggestions)."""
        sql = (
            f"SELECT e.key, e.kind, e.name, {ATTRS_WITH_ALIASES}"
            " FROM entities e WHERE e.kind IN (SELECT value FROM json_each(?))"
        )
        yield from self._rows(sql, [json.dumps(list(kinds))])

    def _rows(self, sql: str, params: Sequence[Any]) -> Iterator[dict[str, Any]]:
        cur = self.conn.execute(sql, list(params))
        names = [d[0] for d in cur.description]
        for row in cur:
            yield dict(zip(names, row, strict=True))


# How ``repair_dangling`` treats a row whose reference points at nothing: by (table, the
# table it points at), a statement on its rowid and what it did.
_DANGLING_FIXES: dict[tuple[str, str], tuple[str, str]] = {
    ("mentions", "articles"): ("DELETE FROM mentions WHERE rowid = ?", "deleted"),
    ("mentions", "entities"): ("DELETE FROM mentions WHERE rowid = ?", "deleted"),
    ("relations", "articles"): ("DELETE FROM relations WHERE rowid = ?", "deleted"),
    ("relations", "entities"): ("DELETE FROM relations WHERE rowid = ?", "deleted"),
    ("article_files", "articles"): ("DELETE FROM article_files WHERE rowid = ?", "deleted"),
    ("aliases", "entities"): ("DELETE FROM aliases WHERE rowid = ?", "deleted"),
    ("aliases", "articles"): ("UPDATE aliases SET article_id = NULL WHERE rowid = ?", "unlinked"),
    ("articles", "runs"): ("UPDATE articles SET run_id = NULL WHERE rowid = ?", "unlinked"),
    ("failures", "runs"): ("UPDATE failures SET run_id = NULL WHERE rowid = ?", "unlinked"),
}
# The article of a finding that points at a lost entity (to be extracted again).
_FINDINGS_OF_LOST_ENTITY = {
    ("mentions", "entities"): "SELECT article_id FROM mentions WHERE rowid = ?",
    ("relations", "entities"): "SELECT article_id FROM relations WHERE rowid = ?",
}


def _check(ex: Extraction) -> None:
    a = ex.article
    for rel in ex.relations:
        ev = rel.evidence
        if a.text[ev.start : ev.end] != ev.quote or not (0 <= ev.span_start <= ev.span_end <= len(a.text)):
            raise ZxkgError(f"evidence offsets do not match the text of {a.origin} (rule {ev.rule})")
    for m in ex.mentions:
        if not (0 <= m.start <= m.end <= len(a.text)):
            raise ZxkgError(f"mention offsets out of range in {a.origin} (rule {m.rule})")


def _write_findings(c: sqlite3.Connection, ex: Extraction, stamp: str) -> None:
    """Entities, mentions, relations and aliases of one extraction (inside the caller's transaction)."""
    a = ex.article
    entities = {m.entity.key: m.entity for m in ex.mentions}
    for rel in ex.relations:
        entities.setdefault(rel.subject.key, rel.subject)
        entities.setdefault(rel.object.key, rel.object)
    for al in ex.aliases:
        entities.setdefault(al.entity.key, al.entity)
    for child, parent in ex.part_of:
        entities.setdefault(child.key, child)
        entities.setdefault(parent.key, parent)
    c.executemany(
        "INSERT OR IGNORE INTO entities (key, kind, name, code, level, parent, province, attrs)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [_entity_row(e) for e in entities.values()],
    )
    c.executemany(
        "INSERT INTO mentions (article_id, entity_key, start, end, quote, rule, confidence)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(a.id, m.entity.key, m.start, m.end, a.text[m.start : m.end], m.rule, m.confidence) for m in ex.mentions],
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
    c.executemany(
        "INSERT OR IGNORE INTO aliases (alias, entity_key, provenance, article_id, seen_at) VALUES (?, ?, ?, ?, ?)",
        [(al.alias, al.entity.key, al.provenance, a.id, stamp) for al in ex.aliases],
    )
    c.executemany(
        "INSERT OR IGNORE INTO relations (article_id, subject_key, predicate, object_key, date, evidence,"
        " start, end, span_start, span_end, span, rule, confidence)"
        " VALUES (NULL, ?, 'part_of', ?, NULL, ?, 0, 0, 0, 0, '', 'divisions', 1.0)",
        [
            (child.key, parent.key, f"{child.name} ({child.code}) is part of {parent.name} ({parent.code})")
            for child, parent in ex.part_of
        ],
    )


def _entity(row: tuple[Any, ...]) -> Entity:
    """An Entity from its columns (kind, name, code, level, parent, province, attrs)."""
    kind, name, code, level, parent, province, attrs = row
    return Entity(
        kind=kind, name=name, code=code or "", level=level or "", parent=parent or "", province=province or "",
        attrs=tuple((str(k), str(v)) for k, v in json.loads(attrs or "{}").items()),
    )  # fmt: skip


def _entity_row(e: Entity) -> tuple[str, str, str, str, str, str, str, str]:
    return (e.key, e.kind, e.name, e.code, e.level, e.parent, e.province, json.dumps(dict(e.attrs), ensure_ascii=False))


def _contains(text: str) -> str:
    """A LIKE pattern (with ``ESCAPE '\\'``) for names containing ``text`` as typed: a % or _
    in it matches itself, not any characters."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def data_dir_from(value: str | None) -> Path:
    return Path(value or os.environ.get("ZXKG_DATA") or "zxkg-data")


# -- graph queries: what a read keeps ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class RelationQuery:
    """Which relations a graph read keeps. Empty or ``None`` fields keep everything.

    ``kinds`` applies to both ends; ``region_codes`` to the ends that are regions (and an
    edge needs one); ``subjects``/``objects`` to one end; ``touching`` and ``around`` to
    either end (both must hold when both are given). Dates compare as text prefixes, so
    ``until="2024"`` keeps all of 2024. Relations without an article (part_of from the
    division table) have no date: date, confidence and article filters leave them be.
    """

    predicates: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    region_codes: tuple[str, ...] | None = None
    subjects: tuple[str, ...] | None = None
    objects: tuple[str, ...] | None = None
    touching: tuple[str, ...] | None = None
    around: tuple[str, ...] | None = None
    since: str = ""
    until: str = ""
    min_articles: int = 0
    min_confidence: float = 0.0


# An entity's attrs with the aliases the lexicon learnt (the aliases table) merged in, so a
# reader finds a term by any of its names.
ATTRS_WITH_ALIASES = (
    "coalesce((SELECT json_set(coalesce(e.attrs, '{}'), '$.aliases', json_group_array(a.alias))"
    " FROM aliases a WHERE a.entity_key = e.key HAVING count(*) > 0), e.attrs) AS attrs"
)

# The sort key of a relation inside its group: dated before undated, earliest first, then
# first stored; its last 12 digits are the relation id (joined back for the evidence).
_FIRST_REF = pairs.FIRST_REF
_ADOPTED = pairs.ADOPTED


ADOPTION_COLUMNS = (
    "region_key", "region", "code", "level", "province", "term_key", "term", "kind", "predicate",
    "first_date", "last_date", "articles", "confidence", "evidence", "article", "file", "title",
)  # fmt: skip


# Origins that name no file: two texts read from standard input are two articles.
UNNAMED_ORIGINS = frozenset({"<stdin>"})


def _drop_findings(c: sqlite3.Connection, article_id: str) -> None:
    """Delete an article's relations and mentions, its adoption pairs kept exact."""
    redo = pairs.remove_article(c, article_id)
    c.execute("DELETE FROM relations WHERE article_id = ?", (article_id,))
    c.execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))
    pairs.recompute(c, redo)


def _release(c: sqlite3.Connection, origin: str, keep: str) -> int:
    """``origin`` holds ``keep``'s text now: every other article it held lets go of it.

    Returns how many of those went (no other origin held them).
    """
    if origin in UNNAMED_ORIGINS:
        return 0
    held = [r[0] for r in c.execute("SELECT article_id FROM article_files WHERE origin = ? AND article_id != ?",
                                    (origin, keep))]  # fmt: skip
    return sum(_forget(c, old, origin) for old in held)


def _forget(c: sqlite3.Connection, article_id: str, origin: str) -> bool:
    """``origin`` no longer holds the article; True when no origin does and the article went.

    Going means its relations (and their adoption pairs), mentions, article node and the
    aliases it taught are deleted: the text is nowhere any more, and the lexicon learns
    from the store. Entities nothing points at any more are left to ``prune_entities``.
    """
    c.execute("DELETE FROM article_files WHERE article_id = ? AND origin = ?", (article_id, origin))
    other = c.execute(
        "SELECT origin, file FROM article_files WHERE article_id = ? ORDER BY seen_at, origin LIMIT 1", (article_id,)
    ).fetchone()
    if other is not None:
        c.execute("UPDATE articles SET origin = ?, file = ? WHERE id = ? AND origin = ?", (*other, article_id, origin))
        return False
    _drop_findings(c, article_id)
    c.execute("DELETE FROM aliases WHERE article_id = ?", (article_id,))
    c.execute("DELETE FROM articles WHERE id = ?", (article_id,))
    c.execute("DELETE FROM entities WHERE key = ?", (f"article:{article_id}",))
    return True


def _pair_filter(q: RelationQuery, term_kinds: Sequence[str]) -> tuple[str, list[Any]]:
    """The WHERE clause over ``adoption_pairs p`` for ``q``'s terms and regions, of ``term_kinds``."""
    cond = ["p.kind IN (SELECT value FROM json_each(?))"]
    params: list[Any] = [json.dumps(list(term_kinds))]
    if q.objects is not None:
        cond.append("p.term_key IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(q.objects)))
    if q.subjects is not None:
        cond.append("p.region_key IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(q.subjects)))
    return " AND ".join(cond), params


def _merge_pairs(a: tuple[Any, ...], b: tuple[Any, ...]) -> tuple[Any, ...]:
    """Two pair rows of a region (as ``Store._merged_pairs`` reads them) as one.

    Dates are "" when unknown; relations, articles and confidences add up; the first
    relation is the one whose sort key (``first_ref``, last) comes first, with its term.
    """
    first = a if a[-1] <= b[-1] else b
    since = min(a[9], b[9]) if a[9] and b[9] else a[9] or b[9]
    return (*first[:9], since, max(a[10], b[10]), a[11] + b[11], a[12] + b[12], *first[13:17], a[17] + b[17], first[18])


def _by_first_date(row: tuple[Any, ...]) -> tuple[bool, str, str, str]:
    """The adoption table's order: by first date (unknown last), region and term."""
    return (not row[9], row[9], row[0], row[5])


def _by_region(row: tuple[Any, ...]) -> tuple[str, str]:
    return (row[0], row[5])


def _whole_pairs(q: RelationQuery, merge_terms: bool) -> bool:
    """Whether an adoption question keeps whole (region, term) pairs: see ``adoptions``."""
    return (
        not (q.predicates or q.kinds or q.since or q.until or q.min_confidence)
        and q.region_codes is None
        and q.touching is None
        and q.around is None
        and not (merge_terms and q.objects is None)
    )


def _relation_filter(q: RelationQuery) -> tuple[str, list[Any]]:
    """The WHERE clause over ``relations r`` joined to ``entities s`` and ``o``."""
    cond: list[str] = ["1"]
    params: list[Any] = []

    def among(column: str, values: tuple[str, ...]) -> str:
        params.append(json.dumps(list(values)))
        return f"{column} IN (SELECT value FROM json_each(?))"

    if q.predicates:
        cond.append(among("r.predicate", q.predicates))
    if q.kinds:
        cond.append(among("s.kind", q.kinds))
        cond.append(among("o.kind", q.kinds))
    if q.region_codes is not None:
        cond.append("(s.kind = 'region' OR o.kind = 'region')")
        cond.append(f"(s.kind <> 'region' OR {among('s.code', q.region_codes)})")
        cond.append(f"(o.kind <> 'region' OR {among('o.code', q.region_codes)})")
    if q.subjects is not None:
        cond.append(among("r.subject_key", q.subjects))
    if q.objects is not None:
        cond.append(among("r.object_key", q.objects))
    for keys in (q.touching, q.around):
        if keys is not None:
            cond.append(f"({among('r.subject_key', keys)} OR {among('r.object_key', keys)})")
    if q.since:
        cond.append("(r.article_id IS NULL OR r.date >= ?)")
        params.append(q.since)
    if q.until:
        cond.append("(r.article_id IS NULL OR (r.date <> '' AND substr(r.date, 1, ?) <= ?))")
        params += [len(q.until), q.until]
    if q.min_confidence:
        cond.append("r.confidence >= ?")
        params.append(q.min_confidence)
    return " AND ".join(cond), params


def _grouped_relations(q: RelationQuery) -> tuple[str, list[Any]]:
    """Relations grouped by (subject, predicate, object): a subquery and its parameters."""
    where, params = _relation_filter(q)
    sql = f"""
        SELECT r.subject_key AS source, r.predicate, r.object_key AS target,
               count(DISTINCT r.article_id) AS articles,
               min(NULLIF(r.date, '')) AS first_date, max(NULLIF(r.date, '')) AS last_date,
               avg(r.confidence) AS confidence, {_FIRST_REF} AS first_ref
        FROM relations r
        JOIN entities s ON s.key = r.subject_key
        JOIN entities o ON o.key = r.object_key
        WHERE {where}
        GROUP BY r.subject_key, r.predicate, r.object_key
        HAVING count(r.article_id) = 0 OR count(DISTINCT r.article_id) >= ?
    """
    return sql, [*params, q.min_articles]
