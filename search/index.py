"""The search side of a store: ``DIR/index/<engine>/`` kept in step with ``DIR/zxkg.db``, or a
PostgreSQL store's own search tables (``postgres_engine``) kept in step with its articles.

- During ingest, ``indexer()`` hands each saved Extraction (with its tokens) to the one
  writer; ``sync`` then adds whatever the store holds that the index lacks and drops what
  it no longer holds, so the two agree after every command, even after an interrupted one.
- ``reindex`` builds a new index into a temporary directory beside the old one and swaps
  it in, so searches see the old index until the new one is complete (on PostgreSQL a new
  table, swapped in within one transaction).
- ``request`` parses what a user typed; ``search`` and ``evidence`` answer it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from zxkg.ingest.errors import NotFound, UsageError, choices
from zxkg.ingest.gazetteer import Gazetteer
from zxkg.ingest.models import Extraction
from zxkg.ingest.segment import Segmenter
from zxkg.ingest.store import Store

from .document import DocBuilder
from .engine import (
    DEFAULT_ENGINE,
    ENGINES,
    POSTGRES_ENGINE,
    Engine,
    IndexWriter,
    check_engine,
    engine_exists,
    engine_path,
    open_engine,
    preparer,
)
from .highlight import find, fragments
from .models import (
    SORTS,
    And,
    EvidenceHit,
    EvidenceResult,
    Filter,
    Fragment,
    Scope,
    SearchRequest,
    SearchResult,
)
from .prepared import prepared_documents
from .query import QueryError, QueryParser, positive_terms, states, terms_in

MAX_LIMIT = 1000
FACETS = ("region", "province", "year", "mechanism", "brand", "document")


@dataclass(frozen=True, slots=True)
class SyncReport:
    added: int
    removed: int
    total: int


class Indexer:
    """What ingest calls after saving an article: ``Indexer.add(extraction)``.

    After ``SearchIndex.keeping_up``, ``synced`` says what the final sync changed.
    """

    def __init__(self, builder: DocBuilder, writer: IndexWriter) -> None:
        self._builder = builder
        self._writer = writer
        self.added = 0
        self.synced: SyncReport | None = None

    def add(self, extraction: Extraction) -> None:
        self._writer.add(self._builder.build(extraction))
        self.added += 1

    def add_prepared(self, prepared: Any) -> None:
        """Add a document ``prepared_documents`` built where the article was extracted."""
        self._writer.add_prepared(prepared)
        self.added += 1


# Engines kept open for searching, by index directory, while the directory is the same one
# and unchanged since (a commit, or a rebuild swapped in, changes it): opening the index
# for every search cost an API request a twentieth of its time. A few at most.
_KEPT: dict[Path, tuple[tuple[int, int, int], Engine]] = {}
_KEPT_LOCK = threading.Lock()
KEPT_ENGINES = 4


def _kept(name: str, path: Path) -> Engine:
    """The engine of ``name`` at ``path`` to search with, opened once per state of its directory."""
    st = os.stat(path)
    identity = (st.st_dev, st.st_ino, st.st_mtime_ns)
    with _KEPT_LOCK:
        held = _KEPT.get(path)
    if held is not None and held[0] == identity:
        return held[1]
    engine = open_engine(name, path)  # the one it replaces goes once no search holds it
    with _KEPT_LOCK:
        _KEPT.pop(path, None)
        while len(_KEPT) >= KEPT_ENGINES:
            _KEPT.pop(next(iter(_KEPT)))
        _KEPT[path] = (identity, engine)
    return engine


class SearchIndex:
    def __init__(
        self, data_dir: str | Path, segmenter: Segmenter, gazetteer: Gazetteer, engine: str = DEFAULT_ENGINE
    ) -> None:
        self.engine_name = check_engine(engine)
        self.postgres = engine == POSTGRES_ENGINE
        # a PostgreSQL store's URL is no path (Path would fold its //)
        self.data_dir: Path | str = str(data_dir) if self.postgres else Path(data_dir)
        self.root: Path | str = self.data_dir if self.postgres else Path(data_dir) / "index"
        self.path = engine_path(self.root, engine)
        self.builder = DocBuilder(segmenter, gazetteer)
        self.parser = QueryParser(self.builder.terms, gazetteer)
        self._reader: Store | None = None  # a PostgreSQL store whose connection searches borrow

    @classmethod
    def of(cls, store: Store, segmenter: Segmenter, gazetteer: Gazetteer, engine: str | None = None) -> SearchIndex:
        """The search index of ``store``: ``DIR/index/<engine>/`` beside a data directory's
        store (whoosh unless told), the store's own tables in a PostgreSQL store."""
        if store.data_dir is None:
            if engine not in (None, POSTGRES_ENGINE):
                raise UsageError(
                    f"a PostgreSQL store searches with its own tables (engine {POSTGRES_ENGINE}), not {engine}"
                )
            index = cls(store.location_for_workers, segmenter, gazetteer, POSTGRES_ENGINE)
            index._reader = store
            return index
        if engine == POSTGRES_ENGINE:
            raise UsageError(
                f"the {POSTGRES_ENGINE} engine is the search of a PostgreSQL store (--store postgresql://…); "
                f"a data directory's engines are {', '.join(e for e in ENGINES if e != POSTGRES_ENGINE)}"
            )
        return cls(store.data_dir, segmenter, gazetteer, engine or DEFAULT_ENGINE)

    @property
    def shown(self) -> str:
        """Where the index is, to tell a person (a URL without its password)."""
        if self.postgres:
            from zxkg.ingest.store.postgres import shown

            return shown(str(self.path))
        return str(self.path)

    def _borrowed(self) -> Any:
        """The connection of the store this index was opened with, while it is open: searches
        read through it rather than connecting again (the API's come from its pool)."""
        if self._reader is None or self._reader.conn.raw.closed:  # type: ignore[attr-defined]
            return None
        return self._reader.conn

    def exists(self) -> bool:
        if (conn := self._borrowed()) is not None:
            from .postgres_engine import PostgresEngine

            return PostgresEngine.exists(str(self.path), conn)
        return engine_exists(self.engine_name, self.path)

    @property
    def step(self) -> str:
        """The name of ingest's step that builds this index's documents in its workers."""
        return f"{prepared_documents.__module__}:prepared_documents:{self.engine_name}"

    def open(self) -> Engine:
        """The engine to search; a PostgreSQL index reads through its store's connection."""
        if not self.exists():
            where = self.shown if self.postgres else str(self.root)
            option = "--store" if self.postgres else "--data"
            store = self.shown if self.postgres else str(self.data_dir)
            raise NotFound(f"no search index in {where} (run `zxkg reindex {option} {store}`)")
        if (conn := self._borrowed()) is not None:
            from .postgres_engine import PostgresEngine

            return PostgresEngine.open(str(self.path), conn=conn)
        return open_engine(self.engine_name, self.path)

    # -- upkeep --------------------------------------------------------------------------

    @contextlib.contextmanager
    def indexer(self) -> Iterator[Indexer]:
        """The index's single writer for an ingest; commits what was added, even when interrupted."""
        engine = open_engine(self.engine_name, self.path, create=not self.exists())
        writer = engine.writer(fresh=engine.count() == 0)
        try:
            yield Indexer(self.builder, writer)
        finally:
            try:
                writer.commit()
            finally:
                engine.close()

    @contextlib.contextmanager
    def keeping_up(self, store: Store) -> Iterator[Indexer]:
        """For an ingest: index each saved article, then make the index agree with the store.

        The sync catches what the ingest did not hand over (an interrupted earlier run, a
        replaced text); ``Indexer.synced`` reports it.
        """
        with self.indexer() as indexer:
            yield indexer
        indexer.synced = self.sync(store)

    def sync(self, store: Store) -> SyncReport:
        """Make the index hold exactly the store's articles; returns what changed."""
        engine = open_engine(self.engine_name, self.path, create=not self.exists())
        try:
            wanted = store.article_ids()
            held = engine.ids()
            missing, extra = wanted - held, held - wanted
            if missing or extra:
                writer = engine.writer()
                try:
                    for article_id in sorted(extra):
                        writer.delete(article_id)
                    for ex in store.extractions(missing):
                        writer.add(self.builder.build(ex))
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit()
            return SyncReport(added=len(missing), removed=len(extra), total=engine.count())
        finally:
            engine.close()

    def reindex(self, store: Store, workers: int = 1) -> int:
        """Rebuild the index from the store into a temporary directory, then swap it in;
        with ``workers`` > 1 its documents are built in that many worker processes."""
        if self.postgres:
            return self._fill(open_engine(self.engine_name, self.path, create=True), store, workers)
        root = Path(self.root)
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{self.engine_name}-new-", dir=root))
        path = Path(self.path)
        try:
            count = self._fill(open_engine(self.engine_name, tmp, create=True), store, workers)
            old = root / f".{self.engine_name}-old-{os.getpid()}"
            if path.exists():
                os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return count

    def _fill(self, engine: Engine, store: Store, workers: int = 1) -> int:
        """Every article of ``store`` into ``engine``'s bulk writer; the count."""
        try:
            writer = engine.writer(bulk=True)
            count = 0
            try:
                for prepared in self._prepared(store, workers):
                    writer.add_prepared(prepared)
                    count += 1
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
        finally:
            engine.close()
        return count

    def _prepared(self, store: Store, workers: int) -> Iterator[Any]:
        """The engine's prepared document of every article of ``store``, in id order."""
        if workers > 1:
            from .fill import prepared_in_workers

            ids = sorted(store.article_ids())
            return prepared_in_workers(store.location_for_workers, self.engine_name, ids, workers)
        prepare = preparer(self.engine_name)
        return (prepare(self.builder.build(ex)) for ex in store.extractions())

    def count(self) -> int:
        engine = self.open()
        try:
            return engine.count()
        finally:
            engine.close()

    # -- queries -------------------------------------------------------------------------

    def request(
        self,
        query: str,
        *,
        regions: tuple[str, ...] = (),
        provinces: tuple[str, ...] = (),
        entities: tuple[tuple[str, str], ...] = (),
        source: str = "",
        since: str = "",
        until: str = "",
        sort: str = "relevance",
        page: int = 1,
        limit: int = 10,
        facets: tuple[str, ...] = ("region", "mechanism", "year"),
        facet_size: int = 10,
        scope: Scope = "articles",
    ) -> SearchRequest:
        """Parse and check a search as typed; every mistake becomes a ``UsageError``."""
        node = self.parser.parse(query)
        if sort not in SORTS:
            raise choices("sort", sort, SORTS)
        if not 1 <= limit <= MAX_LIMIT:
            raise UsageError(f"--limit must be between 1 and {MAX_LIMIT}, not {limit}")
        if page < 1:
            raise UsageError(f"--page must be 1 or more, not {page}")
        for name in facets:
            if name not in FACETS:
                raise choices("facet", name, FACETS)
        filters: list[Filter] = []
        if regions:
            filters.append(Filter("region", tuple(v for r in regions for v in self.parser.region(r).values)))
        if provinces:
            filters.append(Filter("province", tuple(v for p in provinces for v in self.parser.province(p).values)))
        for kind, value in entities:
            node_filter = self.parser.field(kind, value)
            if isinstance(node_filter, Filter):
                filters.append(node_filter)
        if source:
            src = self.parser.words(source, phrase=True, field="source")
            if src is not None:
                node = And((node, src))
        since = self.parser.date(since, "since")
        until = self.parser.date(until, "until")
        if since and until and since > until:
            raise QueryError(f"since {since} is after until {until}")
        return SearchRequest(
            query=node,
            filters=tuple(filters),
            since=since,
            until=until,
            sort=sort,
            offset=(page - 1) * limit,
            limit=limit,
            facets=facets,
            facet_size=facet_size,
            scope=scope,
        )

    def search(self, request: SearchRequest, store: Store) -> SearchResult:
        """Matching articles with highlighted fragments (texts read from ``store``)."""
        if self.postgres:
            engine = self.open()
            try:
                result = engine.search(request)
            finally:
                engine.close()
        else:
            if not self.exists():
                self.open()  # says what is missing
            result = _kept(self.engine_name, Path(self.path)).search(request)
        terms = positive_terms(request.query)
        texts = store.texts(h.id for h in result.hits)
        paths = store.article_paths(h.id for h in result.hits)  # two folders may both hold a 1.txt
        hits = tuple(
            replace(
                h,
                file=paths.get(h.id, h.file),
                fragments=fragments(texts.get(h.id, ""), terms_in(texts.get(h.id, ""), terms)),
            )
            for h in result.hits
        )
        return replace(result, hits=hits)

    def evidence(self, request: SearchRequest) -> EvidenceResult:
        """The sentences that state a relation (adopts, runs, issues …) and match the query."""
        offset, limit = request.offset, request.limit
        request = replace(request, scope="evidence", offset=0, limit=0, facets=())
        engine = self.open()
        try:
            result = engine.search(request)
        finally:
            engine.close()
        terms = positive_terms(request.query)
        ranked: list[tuple[bool, int, int, EvidenceHit]] = []
        for rank, hit in enumerate(result.hits):
            for s in hit.evidence:
                marks = terms_in(s.quote, terms)
                spans = find(s.quote, marks)
                if spans and states(s.quote, terms):
                    names_it = any(m.lower() in s.object.lower() or m.lower() in s.subject.lower() for m in marks)
                    one = EvidenceHit(hit.id, hit.title, hit.date, hit.file, s, Fragment(s.quote, tuple(spans)))
                    ranked.append((not names_it, rank, s.start, one))
        # relations whose subject or object is what was asked for come first
        ranked.sort(key=lambda r: r[:3])
        found = [r[3] for r in ranked]
        return EvidenceResult(total=len(found), hits=tuple(found[offset : offset + limit]), offset=offset, limit=limit)
