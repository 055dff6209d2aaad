"""Opening a store, its single-writer lock, and the transactions every write runs in.

One SQLite file in WAL mode. Readers open it read-only (``Store.open(..., readonly=True)``)
so a reader can never take the writer's lock or change a byte; the writer holds the data
directory's lock file for as long as it writes (``acquire``). Locks are ``filelock``'s, so
the package imports and runs on every platform.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

import filelock

from ..errors import NotFound, StoreBusy, ZxkgError
from . import migrate
from .schema import DEFERRED_INDEXES, SCHEMA, SCHEMA_VERSION, TABLES, WAL_CHECKPOINT_PAGES, WRITER_CACHE_KIB


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def data_dir_from(value: str | None) -> Path:
    return Path(value or os.environ.get("ZXKG_DATA") or "zxkg-data")


def readonly_uri(path: Path) -> str:
    """The URI that opens ``path`` read-only, whatever characters its name holds.

    Why not ``f"file:{path}?mode=ro"``: a ``#``, ``?`` or ``%`` in a folder's name would end
    the path early, and SQLite would open (and create) another file read-write.
    """
    return path.resolve().as_uri() + "?mode=ro"


def _readable(conn: sqlite3.Connection, data_dir: Path) -> None:
    """A reader needs the schema it reads; an older store is upgraded by the next writer."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version == SCHEMA_VERSION or version == 0:
        return
    conn.close()
    if version > SCHEMA_VERSION:
        raise ZxkgError(f"store schema {version} is newer than this zxkg understands ({SCHEMA_VERSION})")
    raise ZxkgError(
        f"the store in {data_dir} has schema {version}, older than this zxkg's ({SCHEMA_VERSION}); "
        f"run `zxkg migrate --data {data_dir}` once to upgrade it"
    )


def stored_version(path: Path) -> int:
    """The schema version of the store file at ``path``, read without changing it."""
    conn = sqlite3.connect(readonly_uri(path), uri=True)
    try:
        return migrate.version(conn)
    finally:
        conn.close()


class Session:
    """A connection to ``zxkg.db`` and the write lock of its data directory."""

    def __init__(self, data_dir: Path, conn: sqlite3.Connection, readonly: bool) -> None:
        self.data_dir = data_dir
        self.conn = conn
        self.readonly = readonly
        self._lock: filelock.BaseFileLock | None = None
        self._lock_depth = 0
        self._batch_open = False
        self._origins_new = False  # an ingest into an empty store: no file held a text before
        # The writer's maps of public keys to the store's integer keys (writes.py); cleared
        # whenever the write lock is taken, since another writer may have added rows.
        self._entity_ids: dict[str, int] = {}
        self._rule_ids: dict[str, int] = {}

    @classmethod
    def open(cls, data_dir: str | Path, readonly: bool = False) -> Self:
        data_dir = Path(data_dir)
        path = data_dir / "zxkg.db"
        if readonly:
            if not path.exists():
                raise NotFound(f"no zxkg store in {data_dir} (run `zxkg ingest` first)")
            conn = sqlite3.connect(readonly_uri(path), uri=True, check_same_thread=False)
            _readable(conn, data_dir)
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
            with filelock.FileLock(data_dir / ".setup.lock"):
                if conn.execute("PRAGMA page_count").fetchone()[0] == 0:
                    # A new file: UTF-16 keeps a Chinese character in two bytes (three in UTF-8),
                    # a third of the articles' text (docs/decisions/0006-compact-store.md).
                    conn.execute("PRAGMA encoding = 'UTF-16le'")
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                # A checkpoint syncs the database file; at SQLite's default (every 4 MB of
                # WAL) an ingest spent a third of its writing time in them. Every 64 MB
                # keeps the WAL small and the syncs rare.
                conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
                conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
                store._migrate()
        return store

    def close(self) -> None:
        self._lock_depth = min(self._lock_depth, 1)
        self.release()
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        migrate.upgrade(self.conn)

    def acquire(self) -> None:
        """Take the single-writer lock of the data directory, or fail with a clear message.

        Re-entrant: a command that takes the lock before the pipeline does (so the search
        index and the lexicon are read under it too) keeps it until its own ``release``.
        """
        if self._lock is not None:
            self._lock_depth += 1
            return
        lock = filelock.FileLock(self.data_dir / ".write.lock", blocking=False, thread_local=False)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise StoreBusy(
                f"another zxkg process is writing to {self.data_dir}; try again when it has finished"
            ) from None
        self._lock = lock
        self._lock_depth = 1
        self._forget_keys()

    def release(self) -> None:
        if self._lock is None:
            return
        self._lock_depth -= 1
        if self._lock_depth > 0:
            return
        self._lock.release()
        self._lock = None

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
                self._forget_keys()
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
            self._forget_keys()
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _forget_keys(self) -> None:
        """Rows rolled back take their integer keys with them, and SQLite gives the keys out
        again: what the writer remembered of them must go too."""
        self._entity_ids.clear()
        self._rule_ids.clear()

    def begin_batch(self) -> None:
        """Commit the next transactions together, at ``commit_batch``.

        Why: every commit writes each page it touched to the WAL in full, and an article's
        rows touch about a hundred; one commit for many articles writes a page once
        (``docs/design-notes.md``, "Batched commits"). An interrupted ingest loses the
        open batch only, and the next run ingests it again.
        """
        if not self._batch_open:
            self.conn.execute("BEGIN IMMEDIATE")
            self._batch_open = True

    def commit_batch(self) -> None:
        if not self._batch_open:
            return
        self._batch_open = False
        if not self.conn.in_transaction:  # SQLite rolled the batch back itself
            self._forget_keys()
            return
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            self._forget_keys()
            raise

    @property
    def batch_open(self) -> bool:
        return self._batch_open

    @contextlib.contextmanager
    def indexes_deferred(self) -> Iterator[None]:
        """Into an empty store, ingest without the indexes by entity and build them at the end.

        Why: those indexes take each row at the place of its entity, scattered over pages
        that outgrow the cache; built once from all the rows they are a sort
        (``docs/design-notes.md``). Only an empty store: nothing can ask for them before
        the ingest ends. An ingest stopped before the end leaves them out; the next
        command that opens the store for writing builds them (``SCHEMA`` creates whatever
        is missing), and until then reads are slower, not wrong. No file of an empty
        store held another text before, so ``save`` does not look.
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

    def count(self, table: str) -> int:
        if table not in TABLES:
            raise ZxkgError(f"unknown table {table!r}")
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
