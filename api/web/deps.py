"""What a request depends on: the settings, what requests share, and a read-only store.

Declared once as ``Annotated`` types (``ResourcesDep``, ``StoreDep``) that routers take
as parameters; routers never import the app.
"""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import anyio
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool

from zxkg.ingest.errors import NotFound, StoreNotReady
from zxkg.ingest.store import PostgresStore, Store, is_postgres, location_from
from zxkg.search.index import SearchIndex

from .errors import NOT_READY, not_ready

if TYPE_CHECKING:
    from psycopg_pool import ConnectionPool

POOL_SIZE = 4  # read connections a server process keeps to a PostgreSQL store
# Read-only SQLite stores a server process keeps open between requests: opening one per
# request cost a tenth of a request's time, and every fresh connection reads the pages
# the last one had cached from the file again.
IDLE_SQLITE = 8


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the data is and what the API allows."""

    store: str | Path = field(default_factory=lambda: location_from(None))  # ZXKG_STORE, ZXKG_DATA
    engine: str | None = field(default_factory=lambda: os.environ.get("ZXKG_SEARCH_ENGINE") or None)
    cors_origins: tuple[str, ...] = ()
    max_export_relations: int = 2_000_000
    # The one-time token of ``zxkg serve --review`` (ZXKG_REVIEW_TOKEN): every write needs it.
    # Empty: the API is read-only, and the review endpoints refuse every write.
    review_token: str = ""


class Resources:
    """What requests share, built once when the app starts: settings, divisions, segmenter,
    and for a PostgreSQL store a small pool of read connections."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.location = str(settings.store)
        self.pool: ConnectionPool[Any] | None = None
        self._idle: list[tuple[Store, tuple[int, int]]] = []  # SQLite stores between requests
        self._idle_lock = threading.Lock()
        self._opened: dict[int, tuple[int, int]] = {}  # a request's SQLite store: its file
        from zxkg.ingest.pipeline import build_context, settle_gc

        try:
            store: Store | None = Store.open(self.location, readonly=True)
        except NotFound:
            store = None  # nothing ingested yet: the routes answer 503 until there is
        try:
            ctx = build_context(store)  # the same divisions, lexicon and segmenter as ingest
        except Exception as exc:
            if not not_ready(exc):
                raise
            ctx = build_context(None)  # a first ingest is creating the store: requests wait for it
        finally:
            if store is not None:
                store.close()
        self.gazetteer = ctx.gazetteer
        self.segmenter = ctx.segmenter
        # The fast cutter's dictionary is built on the first cut (a second or so): built here,
        # before the server takes requests, so that no reader's first search waits for it.
        self.segmenter.cut("政协委员")
        if is_postgres(self.location):
            self.pool = _read_pool(self.location)
        settle_gc()

    def kept_store(self) -> Store | None:
        """A SQLite store kept from an earlier request, if one is idle and its file is still the
        one at the path (each statement sees the latest commit, as a fresh connection would);
        None otherwise. Never waits: a request takes it on the event loop, sparing two trips
        through the thread pool (``get_store``)."""
        if self.pool is not None:
            return None
        current = _file_of(self.location)
        while True:
            with self._idle_lock:
                kept = self._idle.pop() if self._idle else None
            if kept is None:
                return None
            if kept[1] == current:
                self._opened[id(kept[0])] = kept[1]
                return kept[0]
            kept[0].close()  # a file replaced under it (a store deleted and ingested anew)

    def open_store(self) -> Store:
        """A read-only store; 503 (``StoreNotReady``) while there is none yet or it is being
        replaced, so a client waits and asks again instead of reading a 404 or a 500.

        ``get_store`` asks for a kept SQLite store first (``kept_store``); a PostgreSQL store
        is a connection from the pool, which may wait for one to be free.
        """
        if self.pool is not None:
            return PostgresStore.reading(self.pool.getconn(), self.location)
        try:
            identity = _file_of(self.location)
            store = Store.open(self.location, readonly=True)
        except NotFound:
            raise StoreNotReady("no store yet: the first ingest has not created it; try again in a moment") from None
        self._opened[id(store)] = identity
        return store

    def keep_store(self, store: Store, failed: bool = False) -> bool:
        """Keep a request's SQLite store for the next request, unless the request failed or
        enough are kept; whether it was kept (else ``close_store`` lets it go). Never waits."""
        if self.pool is not None:
            return False
        identity = self._opened.pop(id(store), None)
        with self._idle_lock:
            if not failed and identity is not None and len(self._idle) < IDLE_SQLITE:
                self._idle.append((store, identity))
                return True
        return False

    def close_store(self, store: Store) -> None:
        """Let go of a request's store that was not kept (``keep_store``): a PostgreSQL
        connection back to the pool, a SQLite store closed."""
        if self.pool is not None and isinstance(store, PostgresStore):
            self.pool.putconn(store.conn.raw)
            return
        store.close()

    def search_index(self, store: Store) -> SearchIndex:
        return SearchIndex.of(store, self.segmenter, self.gazetteer, self.settings.engine)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for store, _ in idle:
            store.close()


def _file_of(location: str) -> tuple[int, int]:
    """Which file a SQLite store's database is (device, inode); (0, 0) while there is none."""
    try:
        st = os.stat(Path(location) / "zxkg.db")
    except OSError:
        return (0, 0)
    return (st.st_dev, st.st_ino)


def _read_pool(url: str) -> ConnectionPool[Any]:
    from psycopg_pool import ConnectionPool

    from zxkg.ingest.store.postgres import read_only

    return ConnectionPool(
        url, min_size=1, max_size=POOL_SIZE, kwargs={"autocommit": True}, configure=read_only, open=True
    )


async def get_resources(request: Request) -> Resources:
    # async: FastAPI runs a plain function dependency in its thread pool, a trip that cost
    # more than what it returns
    res: Resources = request.app.state.resources
    return res


async def get_store(res: Annotated[Resources, Depends(get_resources)]) -> AsyncIterator[Store]:
    """A read-only store for one request.

    A kept SQLite store is taken and given back on the event loop: a plain generator would
    go through the thread pool twice a request, which cost a fifth of a small request's
    time under load (docs/design-notes.md, "The API's requests"). Opening a store or waiting
    for a PostgreSQL connection may block, so that runs in the pool.
    """
    store = res.kept_store()
    if store is None:
        store = await run_in_threadpool(res.open_store)
    failed = True
    try:
        yield store
        failed = False
    except Exception as exc:
        if not_ready(exc):  # the tables went away under the request: 503, not a 500 with a traceback
            raise NOT_READY from None
        raise
    finally:
        if not res.keep_store(store, failed):
            # shielded: a cancelled request (a client gone, the server stopping) still gives
            # its PostgreSQL connection back to the pool
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(res.close_store, store)


ResourcesDep = Annotated[Resources, Depends(get_resources)]
StoreDep = Annotated[Store, Depends(get_store)]
