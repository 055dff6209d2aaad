"""The embedded backend: one SQLite file (``zxkg.db``) in a data directory, one writer at a time.

WAL mode: readers open the file read-only (``Store.open(..., readonly=True)``) so a reader
can never take the writer's lock or change a byte; the writer holds the data directory's
lock file for as long as it writes (``acquire``). Locks are ``filelock``'s, so the package
imports and runs on every platform.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import filelock

from ..errors import NotFound, StoreBusy, ZxkgError
from . import migrate
from .dialect import JOINED_BY, SQLITE
from .schema import DEFERRED_INDEXES, SCHEMA, SCHEMA_VERSION, WAL_CHECKPOINT_PAGES, WRITER_CACHE_KIB
from .session import Session

LEXICON_FILE = "lexicon.txt"  # the user's lexicon edits, beside zxkg.db

# What a SQLite file's text is in (PRAGMA encoding), by Python's name for the codec.
CODECS = {"UTF-8": "utf-8", "UTF-16le": "utf-16-le", "UTF-16be": "utf-16-be"}


def readonly_uri(path: Path) -> str:
    """The URI that opens ``path`` read-only, whatever characters its name holds.

    Why not ``f"file:{path}?mode=ro"``: a ``#``, ``?`` or ``%`` in a folder's name would end
    the path early, and SQLite would open (and create) another file read-write.
    """
    return path.resolve().as_uri() + "?mode=ro"


def stored_version(path: Path) -> int:
    """The schema version of the store file at ``path``, read without changing it."""
    conn = sqlite3.connect(readonly_uri(path), uri=True)
    try:
        return migrate.version(conn)
    finally:
        conn.close()


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


class SQLiteSession(Session):
    """A connection to ``DIR/zxkg.db`` and the write lock of ``DIR``."""

    sql = SQLITE
    sound = "PRAGMA integrity_check finds the file sound"
    data_dir: Path

    def __init__(self, data_dir: Path, conn: sqlite3.Connection, readonly: bool) -> None:
        super().__init__(str(data_dir), conn, readonly, data_dir)
        self._lock: filelock.BaseFileLock | None = None
        self._lock_depth = 0
        # ``joined_texts``'s codec and separator in it, once asked
        self._joined_by: tuple[str, bytes] | None = None

    @classmethod
    def connect(cls, location: str | Path, readonly: bool = False) -> Self:
        data_dir = Path(location)
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
                migrate.upgrade(conn)
        return store

    def close(self) -> None:
        self._lock_depth = min(self._lock_depth, 1)
        super().close()

    def joined_texts(self, values: list[Any]) -> list[str]:
        """``Dialect.joined`` comes as the file's own bytes: the values are joined by the
        separator in the file's encoding (a store made before decision 0006 is UTF-8),
        decoded at once and split."""
        if self._joined_by is None:
            codec = CODECS[str(self.conn.execute("PRAGMA encoding").fetchone()[0])]
            self._joined_by = codec, JOINED_BY.encode(codec)
        codec, separator = self._joined_by
        return separator.join(values).decode(codec).split(JOINED_BY)

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
        for name in DEFERRED_INDEXES:
            self.conn.execute(f"DROP INDEX IF EXISTS {name}")
        self._origins_new = True
        try:
            yield
        finally:
            self._origins_new = False
            for statement in migrate.statements(SCHEMA):
                self.conn.execute(statement)

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

    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.data_dir.glob("zxkg.db*") if f.is_file())

    def lexicon_edits(self) -> str:
        path = self.data_dir / LEXICON_FILE
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def add_lexicon_edit(self, line: str) -> None:
        path = self.data_dir / LEXICON_FILE
        with path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")

    def integrity_problems(self, limit: int) -> list[str]:
        """What ``PRAGMA integrity_check`` finds (at most ``limit`` lines); a file too damaged to
        be checked says so in the one line."""
        try:
            rows = [str(r[0]) for r in self.conn.execute(f"PRAGMA integrity_check({int(limit)})")]
        except sqlite3.DatabaseError as exc:
            return [str(exc)]
        return [] if rows == ["ok"] else rows

    def broken_links(self) -> list[tuple[str, int, str]]:
        """(table, rowid, table it points at) of each row whose reference points at nothing."""
        return [(t, rowid, parent) for t, rowid, parent, _fk in self.conn.execute("PRAGMA foreign_key_check")]
