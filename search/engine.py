"""The one interface every search engine implements, and how to open one.

An engine stores ``IndexDoc`` records and answers ``SearchRequest``s; it never segments
text (the Segmenter did) and never reads the store. Everything else — the query language,
highlighting, keeping the index in step with the store — is shared by all engines and
lives beside this module. whoosh is the default and tantivy the second; an engine
registers its name in ``ENGINES`` and a branch in ``open_engine`` and ``engine_exists``.
Each engine keeps its own directory, ``DIR/index/<engine>/``. The third, ``postgresql``
(``POSTGRES_ENGINE``), is the search of a PostgreSQL store: tables in the store's own
schema, so its "path" is the store's URL; it is not in ``ENGINES``, the engines a data
directory may hold.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from zxkg.ingest.errors import choices

if TYPE_CHECKING:  # the command line reads ENGINES without loading the search stack
    from .models import IndexDoc, SearchRequest, SearchResult

ENGINES = ("whoosh", "tantivy")  # the engines of a data directory
DEFAULT_ENGINE = "whoosh"
POSTGRES_ENGINE = "postgresql"  # the engine of a PostgreSQL store: its own tables
ALL_ENGINES = (*ENGINES, POSTGRES_ENGINE)


class IndexWriter(Protocol):
    """The single writer of an index. Nothing is visible to searches before ``commit``."""

    def add(self, doc: IndexDoc) -> None:
        """Add ``doc``, replacing a document with the same id."""

    def add_prepared(self, prepared: Any) -> None:
        """Add what ``prepare`` (of the engine's module) made of a document, elsewhere."""

    def delete(self, article_id: str) -> None: ...

    def commit(self) -> None: ...

    def cancel(self) -> None: ...


class Engine(Protocol):
    name: str

    def writer(self, bulk: bool = False, fresh: bool = False) -> IndexWriter:
        """The index's writer.

        ``bulk``: a fresh index filled in one go with nothing else running (reindex; all
        cores, more memory). ``fresh``: the index is empty, so nothing needs deleting
        first, while other work shares the cores (ingest, with its worker processes).
        """

    def search(self, request: SearchRequest) -> SearchResult:
        """Matching articles, a page of hits (no fragments yet) and the facet counts."""

    def count(self) -> int: ...

    def ids(self) -> frozenset[str]: ...

    def close(self) -> None: ...


def check_engine(name: str) -> str:
    """``name`` if it is an engine, else the usual error naming the engines."""
    if name not in ALL_ENGINES:
        raise choices("search engine", name, ALL_ENGINES)
    return name


def preparer(name: str) -> Callable[[IndexDoc], Any]:
    """The engine's ``prepare``: a document as plain, picklable values that its writer adds
    cheaply (``IndexWriter.add_prepared``), so ingest's workers do that work, not the writer."""
    if name == "whoosh":
        from .whoosh_engine import prepare as whoosh_prepare

        return whoosh_prepare
    if name == POSTGRES_ENGINE:
        from .postgres_engine import prepare as postgres_prepare

        return postgres_prepare
    from .tantivy_engine import prepare as tantivy_prepare

    return tantivy_prepare


def engine_path(index_dir: Path | str, name: str) -> Path | str:
    """Where engine ``name`` keeps its index: a directory under ``index_dir``; for the
    PostgreSQL engine, ``index_dir`` is the store's URL and the index is in it."""
    if name == POSTGRES_ENGINE:
        return str(index_dir)
    return Path(index_dir) / name


def open_engine(name: str, path: Path | str, create: bool = False) -> Engine:
    """Open the index of engine ``name`` at ``path`` (a fresh one when ``create``)."""
    if name == POSTGRES_ENGINE:
        from .postgres_engine import PostgresEngine

        return PostgresEngine.open(str(path), create=create)
    path = Path(path)
    if name == "whoosh":
        from .whoosh_engine import WhooshEngine

        return WhooshEngine.create(path) if create else WhooshEngine.open(path)
    if name == "tantivy":
        from .tantivy_engine import TantivyEngine

        return TantivyEngine.create(path) if create else TantivyEngine.open(path)
    raise choices("search engine", name, ALL_ENGINES)


def engine_exists(name: str, path: Path | str) -> bool:
    if name == POSTGRES_ENGINE:
        from .postgres_engine import PostgresEngine

        return PostgresEngine.exists(str(path))
    path = Path(path)
    if name == "whoosh":
        from .whoosh_engine import WhooshEngine

        return WhooshEngine.exists(path)
    if name == "tantivy":
        from .tantivy_engine import TantivyEngine

        return TantivyEngine.exists(path)
    raise choices("search engine", name, ALL_ENGINES)
