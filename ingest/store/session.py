"""What every store is, whatever its backend: a connection, transactions, batches, counts.

The backends (``sqlite.SQLiteSession``, ``postgres.PostgresSession``) open the connection
and decide what a writer's lock, a bulk load and a consistent read mean on their engine;
the modules of the store (writes, reads, adoptions …) run their queries through
``self.conn`` and the SQL fragments of ``self.sql`` (``dialect``), knowing no more.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Self, TypeVar

from ..errors import ZxkgError
from .connection import Connection
from .dialect import JOINED_BY, SQLITE, Dialect
from .entity_columns import EntityColumns
from .schema import TABLES

T = TypeVar("T")
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def location_from(value: str | None) -> str:
    """Where the store is: ``--data``/``--store`` (a directory or a URL), else ZXKG_STORE, else
    ZXKG_DATA, else ./zxkg-data. ``sqlite:///DIR`` is the directory DIR."""
    location = value or os.environ.get("ZXKG_STORE") or os.environ.get("ZXKG_DATA") or "zxkg-data"
    return location.removeprefix("sqlite://") if location.startswith("sqlite:///") else location


def data_dir_from(value: str | None) -> Path:
    """The data directory of a location that is one (see ``location_from``)."""
    return Path(location_from(value))


def is_postgres(location: str | Path) -> bool:
    return str(location).startswith(POSTGRES_SCHEMES)


class Session:
    """A connection to a store, and the transactions every write runs in."""

    sql: ClassVar[Dialect] = SQLITE
    concurrent: ClassVar[bool] = False  # whether other writers may write while this one does
    sound: ClassVar[str] = "the database finds itself sound"  # what ``zxkg check`` says of a sound store

    def __init__(
        self, location: str, conn: Connection, readonly: bool, data_dir: Path | None = None, opens: str = ""
    ) -> None:
        self.location = location  # what a person is told: a directory, or a URL without its password
        self.location_for_workers = opens or location  # what another process opens (with the password)
        self.data_dir = data_dir  # the data directory of a store that has one (SQLite's)
        self.conn = conn
        self.readonly = readonly
        self._batch_open = False
        self._origins_new = False  # an ingest into an empty store: no file held a text before
        # The writer's maps of public keys to the store's integer keys (writes.py); cleared
        # whenever the write lock is taken, since another writer may have added rows.
        self._entity_ids: dict[str, int] = {}
        self._rule_ids: dict[str, int] = {}
        # Entities' names, codes and kinds for the rows of the adoption table (never stale:
        # an entity does not change under its key).
        self.entity_columns = EntityColumns()

    def close(self) -> None:
        self.release()
        self.conn.close()

    def joined_texts(self, values: list[Any]) -> list[str]:
        """The texts of ``values`` of ``Dialect.joined``, one after another (a value holding
        n texts gives n, unless one holds the separator): a PostgreSQL driver hands text
        over as it is."""
        return JOINED_BY.join(values).split(JOINED_BY)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what each backend decides ----------------------------------------------------------

    def acquire(self) -> None:
        """Take what a writer holds while it writes (SQLite: the directory's single-writer lock)."""

    def release(self) -> None:
        """Let go of what ``acquire`` took."""

    @contextlib.contextmanager
    def indexes_deferred(self) -> Iterator[None]:
        """A bulk load into an empty store may leave indexes to its end (SQLite does)."""
        yield

    def refresh_statistics(self, landed: int) -> None:
        """After an ingest that landed ``landed`` articles: let the planner know the tables'
        new sizes where it plans by them (PostgreSQL; SQLite's plans do not depend on it)."""

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see one state of the store, however many statements they take."""
        yield

    def retried(self, write: Callable[[], T]) -> T:
        """Run ``write`` (a whole transaction); a backend with concurrent writers runs it again
        when the database gave it up for another writer's (PostgreSQL's deadlocks)."""
        return write()

    def size_bytes(self) -> int:
        """The store's size on disk."""
        return 0

    def hold_run(self, run_id: int) -> None:
        """Mark ``run_id`` as this process's for as long as it lives (``stopped_runs``)."""

    def let_go_of_run(self, run_id: int) -> None:
        """The run is over: let go of what ``hold_run`` took."""

    def stopped_runs(self, run_ids: list[int]) -> list[int]:
        """Of runs marked running, those whose process has stopped. Here every one: a process
        asks holding the single-writer lock, so no other can be running."""
        return run_ids

    def lexicon_edits(self) -> str:
        """The user's lexicon edits (``lexicon.txt``'s lines), "" when none."""
        return ""

    def add_lexicon_edit(self, line: str) -> None:
        raise ZxkgError(f"the store in {self.location} keeps no lexicon edits")

    def integrity_problems(self, limit: int) -> list[str]:
        """What the database finds wrong with its own files (at most ``limit`` lines)."""
        return []

    def broken_links(self) -> list[tuple[str, int, str]]:
        """(table, rowid, table it points at) of each row whose reference points at nothing;
        none where the database enforces its foreign keys (PostgreSQL)."""
        return []

    # -- transactions ---------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
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
        self.conn.execute(self.sql.begin_write)
        try:
            yield self.conn
        except BaseException:
            self._forget_keys()
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _forget_keys(self) -> None:
        """Rows rolled back take their integer keys with them, and the database may give the
        keys out again: what the writer remembered of them must go too."""
        self._entity_ids.clear()
        self._rule_ids.clear()

    def begin_batch(self) -> None:
        """Commit the next transactions together, at ``commit_batch``.

        Why: every commit writes each page it touched to the log in full, and an article's
        rows touch about a hundred; one commit for many articles writes a page once
        (``docs/design-notes.md``, "Batched commits"). An interrupted ingest loses the
        open batch only, and the next run ingests it again.
        """
        if not self._batch_open:
            self.conn.execute(self.sql.begin_write)
            self._batch_open = True

    def commit_batch(self) -> None:
        if not self._batch_open:
            return
        self._batch_open = False
        if not self.conn.in_transaction:  # the database rolled the batch back itself
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

    def count(self, table: str) -> int:
        if table not in TABLES:
            raise ZxkgError(f"unknown table {table!r}")
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
