"""Every engine answers alike: one store, an index of each engine, the same questions.

Scores differ between engines (each has its own BM25, PostgreSQL its ts_rank), so relevance
order is not compared; what matches, how many, the facet counts, date order and pages are.
PostgreSQL's search is that of a PostgreSQL store: the same store's rows are copied into one
(``copy_store``, as ``zxkg migrate --to`` does) and indexed there.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEED, Places
from tests.test_search import ARTICLES
from zxkg.ingest.errors import StoreBusy
from zxkg.ingest.link import Context
from zxkg.ingest.pipeline import ingest
from zxkg.ingest.store import Store
from zxkg.search.date_keys import date_bound, date_key
from zxkg.search.engine import ENGINES, POSTGRES_ENGINE, open_engine
from zxkg.search.index import FACETS, SearchIndex
from zxkg.search.models import IndexDoc, SearchHit, SearchResult

OTHERS = [e for e in ENGINES if e != "whoosh"]  # compared with whoosh, the default
assert OTHERS
COMPARED = [*OTHERS, POSTGRES_ENGINE]

MORE = {
    "undated.txt": """title: 县政协召开委员座谈会
source: 测试网
---
湘潭县政协召开委员座谈会,打造“党建+委员工作室”品牌,推动委员履职。
""",
    "month.txt": """title: 韶山市政协委员工作室揭牌
date: 2024-05
source: 测试网
---
韶山市政协打造“党建+委员工作室”品牌。
""",
}

QUESTIONS: list[tuple[str, dict[str, object]]] = [
    ("委员", {}),
    ("政协", {"regions": ("湖南省",)}),
    ("委员工作室", {"provinces": ("湖南",)}),
    ("“有事好商量”", {}),
    ("“考绩考勤”", {}),
    ("“湘潭县政协召开委员座谈会”", {}),  # five words: every run of three, then their positions
    ("“委员座谈会推动”", {}),  # three words each present, never side by side
    ("农业", {}),
    ("履职考核 -兰州", {}),
    ("(养老 OR 春耕) 委员工作室", {}),
    ("委员 NOT 党建", {}),
    ("brand:党建+委员", {}),  # a value with a character that patterns treat specially
    ("mechanism:工作室 政协", {}),
    ("document:办法", {}),
    ("year:2024 委员", {}),
    ("委员", {"since": "2023"}),
    ("委员", {"until": "2024-05"}),
    ("委员", {"since": "2024-05", "until": "2024-05"}),
    ("委员", {"since": "2021-06-30", "until": "2023"}),
    ("source:测试网 委员", {}),
    ("title:委员工作室", {}),
    ("委员", {"entities": (("brand", "有事好商量"),)}),
]


@pytest.fixture(scope="module")
def indexes(tmp_path_factory: pytest.TempPathFactory, module_ctx: Context) -> dict[str, tuple[SearchIndex, Store]]:
    root = tmp_path_factory.mktemp("engines")
    src = root / "in"
    src.mkdir()
    for name, text in {**ARTICLES, **MORE}.items():
        (src / name).write_text(text, encoding="utf-8")
    data = root / "data"
    store = Store.open(data)
    ingest([str(SEED), str(src)], store, module_ctx)
    out = {}
    for engine in ENGINES:
        index = SearchIndex(data, module_ctx.segmenter, module_ctx.gazetteer, engine)
        assert index.reindex(store) == 7
        out[engine] = (index, store)
    yield out
    store.close()


@pytest.fixture(scope="module")
def postgres_index(
    indexes: dict[str, tuple[SearchIndex, Store]],
    module_ctx: Context,
    pg_database: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[SearchIndex, Store]:
    """The same store's rows in a PostgreSQL store, searched by its own tables."""
    from zxkg.ingest.store import PostgresStore, SQLiteStore
    from zxkg.ingest.store.copy import copy_store

    _, source = indexes["whoosh"]
    url = Places("postgresql", pg_database).new(tmp_path_factory.mktemp("unused"))
    with SQLiteStore.connect(source.data_dir, readonly=True) as lite, PostgresStore.connect(url) as copy:  # type: ignore[arg-type]
        copy_store(lite, copy)
    store = Store.open(url, readonly=True)
    index = SearchIndex.of(store, module_ctx.segmenter, module_ctx.gazetteer)
    with Store.open(url) as writer:
        assert SearchIndex.of(writer, module_ctx.segmenter, module_ctx.gazetteer).reindex(writer) == 7
    yield index, store
    store.close()


@pytest.fixture(params=COMPARED)
def other(
    request: pytest.FixtureRequest, indexes: dict[str, tuple[SearchIndex, Store]]
) -> tuple[str, tuple[SearchIndex, Store]]:
    """Each engine compared with whoosh: tantivy on the same directory, PostgreSQL's on a copy."""
    name: str = request.param
    if name == POSTGRES_ENGINE:
        return name, request.getfixturevalue("postgres_index")
    return name, indexes[name]


def answer(pair: tuple[SearchIndex, Store], query: str, **options: object) -> SearchResult:
    index, store = pair
    options = {"facets": FACETS, "facet_size": 0, "limit": 50, **options}
    request = index.request(query, **options)  # type: ignore[arg-type]
    return index.search(request, store)


def summary(result: SearchResult) -> tuple[int, frozenset[str], dict[str, dict[str, int]]]:
    return result.total, frozenset(h.file for h in result.hits), {f.name: dict(f.counts) for f in result.facets}


@pytest.mark.parametrize(("query", "options"), QUESTIONS, ids=[q for q, _ in QUESTIONS])
def test_engines_find_and_count_the_same(
    indexes: dict[str, tuple[SearchIndex, Store]],
    other: tuple[str, tuple[SearchIndex, Store]],
    query: str,
    options: dict[str, object],
) -> None:
    whoosh = summary(answer(indexes["whoosh"], query, **options))
    name, pair = other
    assert summary(answer(pair, query, **options)) == whoosh, name


@pytest.mark.parametrize("query", ["委员", "政协", "委员工作室 OR 协商"])
def test_engines_sort_by_date_and_page_the_same(
    indexes: dict[str, tuple[SearchIndex, Store]], other: tuple[str, tuple[SearchIndex, Store]], query: str
) -> None:
    def pages(pair: tuple[SearchIndex, Store]) -> list[list[str]]:
        return [[h.file for h in answer(pair, query, sort="date", limit=2, page=p).hits] for p in (1, 2, 3, 4)]

    whoosh = pages(indexes["whoosh"])
    assert [f for page in whoosh for f in page][-1] == "undated.txt"  # no date: last
    name, pair = other
    assert pages(pair) == whoosh, name


@pytest.mark.parametrize(("query", "options"), QUESTIONS, ids=[q for q, _ in QUESTIONS])
def test_postgresql_facets_from_the_totals_less_what_a_result_leaves_out_are_the_same(
    indexes: dict[str, tuple[SearchIndex, Store]],
    postgres_index: tuple[SearchIndex, Store],
    query: str,
    options: dict[str, object],
) -> None:
    """A result holding most of the table has its total and its facets counted from the kept
    totals less the rows it leaves out (dates outside its range included): the same counts
    as whoosh."""
    index, _ = postgres_index
    engine = index.open()
    try:
        engine.complement_above = 0.0  # every result counts as holding most of the table
        engine.count_complement_above = 0.0
        request = index.request(query, **{"facets": FACETS, "facet_size": 0, "limit": 50, **options})  # type: ignore[arg-type]
        found = engine.search(request)
    finally:
        engine.close()
    whoosh = answer(indexes["whoosh"], query, **options)
    assert found.total == whoosh.total
    assert {f.name: dict(f.counts) for f in found.facets} == {f.name: dict(f.counts) for f in whoosh.facets}


@pytest.mark.parametrize("other_way", [False, True])
def test_a_facet_asked_twice_is_counted_once_on_postgresql(
    indexes: dict[str, tuple[SearchIndex, Store]], postgres_index: tuple[SearchIndex, Store], other_way: bool
) -> None:
    """``?facet=region&facet=region`` counts each region once, from the matched rows or
    from the totals less the rows left out: the same counts as whoosh's one region facet."""
    index, _ = postgres_index
    engine = index.open()
    try:
        engine.complement_above = 0.0 if other_way else 1.0
        request = index.request("委员", facets=("region", "region", "year"), facet_size=0, limit=5)
        found = engine.search(request)
    finally:
        engine.close()
    whoosh = answer(indexes["whoosh"], "委员", facets=("region", "year"))
    expected = {f.name: dict(f.counts) for f in whoosh.facets}
    assert [f.name for f in found.facets] == ["region", "region", "year"]
    assert all(dict(f.counts) == expected[f.name] for f in found.facets)


def kept_totals_and_counts(url: str) -> tuple[dict[int, int], dict[int, int]]:
    """A PostgreSQL index's kept totals (facet values' and the documents' count), and the
    same counted over its table."""
    from zxkg.search.postgres_engine import ROWS, TOTALS, PostgresEngine, facet_ids

    engine = PostgresEngine.open(url)
    try:
        kept = dict(engine.conn.execute(f"SELECT id, n FROM {TOTALS} WHERE n <> 0").fetchall())
        counted = dict(
            engine.conn.execute(
                f"SELECT f, count(*) FROM search_documents, unnest({facet_ids()}) f GROUP BY f"
                f" UNION ALL SELECT {ROWS}, count(*) FROM search_documents HAVING count(*) > 0"
            ).fetchall()
        )
    finally:
        engine.close()
    return kept, counted


def test_postgresql_facet_totals_follow_every_write(
    postgres_index: tuple[SearchIndex, Store], tmp_path: Path, pg_database: str
) -> None:
    """Rows added, replaced (with other facet values) and deleted by incremental writers, and
    a reindex's swap, leave the totals equal to a count over the table."""
    from zxkg.search.postgres_engine import PostgresEngine

    index, store = postgres_index
    docs = [index.builder.build(ex) for ex in store.extractions()]
    url = Places("postgresql", pg_database).new(tmp_path / "unused")

    def write(*batches: list[Any]) -> None:
        engine = PostgresEngine.open(url, create=True)
        try:
            for batch in batches:
                writer = engine.writer()
                for doc in batch:
                    if isinstance(doc, str):
                        writer.delete(doc)
                    else:
                        writer.add(doc)
                writer.commit()
        finally:
            engine.close()

    def kept_and_counted() -> tuple[dict[int, int], dict[int, int]]:
        return kept_totals_and_counts(url)

    moved = [dataclasses.replace(d, provinces=("江苏省",), date="2019-01-01") for d in docs[:3]]
    write(docs, moved, [docs[3].id, docs[4].id], docs[3:5])
    kept, counted = kept_and_counted()
    assert kept == counted and sum(counted.values()) > 0
    bulk = PostgresEngine.open(url, create=True)
    try:
        writer = bulk.writer(bulk=True)
        for doc in docs[:4]:
            writer.add(doc)
        writer.commit()
    finally:
        bulk.close()
    write(docs[4:])  # the swapped-in table's triggers keep counting
    kept, counted = kept_and_counted()
    assert kept == counted


@pytest.mark.parametrize("query", ["委员", "委员工作室 OR 协商", "“委员工作室”"])
def test_a_large_postgresql_result_shows_title_matches_first_then_the_newest(
    indexes: dict[str, tuple[SearchIndex, Store]], postgres_index: tuple[SearchIndex, Store], query: str
) -> None:
    """Above ``rank_all`` matches PostgreSQL does not rank each one: the matches holding a
    query word in their title come first, each tier newest first, read either by walking the
    date index or by sorting the matches; both give the same pages, and the same matches as
    whoosh. So do counts made the other way round (the result's from the kept count of all
    rows, the title tier's from the last tier's), as for a word in nearly every title."""
    index, _ = postgres_index
    engine = index.open()
    try:
        engine.rank_all = 0  # every result counts as large

        def order(walk: bool, size: int, other_way: bool = False) -> list[SearchHit]:
            engine.walk_advantage = 0 if walk else 10**9
            engine.complement_above = engine.count_complement_above = 0.0 if other_way else 1.0
            request = index.request(query, limit=size, page=1)
            hits = list(engine.search(request).hits)
            while len(hits) < engine.search(request).total:
                request = index.request(query, limit=size, page=request.offset // size + 2)
                hits += engine.search(request).hits
            return hits

        whole = order(walk=False, size=50)
        assert [h.id for h in order(walk=True, size=2)] == [h.id for h in whole]
        assert [h.id for h in order(walk=False, size=3)] == [h.id for h in whole]
        for walk, size in ((True, 2), (False, 3), (False, 50)):
            assert [h.id for h in order(walk, size, other_way=True)] == [h.id for h in whole]
        assert {h.file for h in whole} == {h.file for h in answer(indexes["whoosh"], query).hits}
        words = [w for w in query.replace("“", " ").replace("”", " ").split() if w != "OR"]
        titled = [any(w[:2] in h.title for w in words) for h in whole]
        assert titled == sorted(titled, reverse=True), [h.title for h in whole]
        assert 0 < sum(titled) < len(titled)  # both tiers hold matches
        for tier in (True, False):
            keys = [date_key(h.date) for h, t in zip(whole, titled, strict=True) if t == tier]
            assert keys == sorted(keys, reverse=True)
    finally:
        engine.close()


def test_engines_find_the_same_evidence(
    indexes: dict[str, tuple[SearchIndex, Store]], other: tuple[str, tuple[SearchIndex, Store]]
) -> None:
    def found(pair: tuple[SearchIndex, Store], query: str) -> set[tuple[str, int, str, str]]:
        index, _ = pair
        result = index.evidence(index.request(query, limit=100))
        return {(h.article_id, h.sentence.start, h.sentence.predicate, h.sentence.object) for h in result.hits}

    name, pair = other
    for query in ("考勤考绩", "委员工作室", "“有事好商量”", "党建"):
        expected = found(indexes["whoosh"], query)
        assert expected, query
        assert found(pair, query) == expected, (name, query)


def test_no_phrase_runs_from_one_evidence_sentence_into_the_next(
    indexes: dict[str, tuple[SearchIndex, Store]], other: tuple[str, tuple[SearchIndex, Store]]
) -> None:
    """The last word of a sentence and the first of the next are no phrase in the evidence."""
    index, store = indexes["whoosh"]
    docs = [index.builder.build(ex) for ex in store.extractions()]
    adjacent = {
        (a[0], b[0]) for d in docs for a, b in zip(d.evidence_terms, d.evidence_terms[1:], strict=False) if a and b
    }
    across = [
        (a[0], b[0])
        for d in docs
        for a, gap, b in zip(d.evidence_terms, d.evidence_terms[1:], d.evidence_terms[2:], strict=False)
        if a and not gap and b and (a[0], b[0]) not in adjacent
    ]
    assert across, "the fixture has no two evidence sentences in one article"
    for engine, (index, _) in (("whoosh", indexes["whoosh"]), other):
        opened = index.open()
        try:
            for first, second in across[:5]:
                for words, found in ((f"{first} {second}", True), (f'"{first} {second}"', False)):
                    request = dataclasses.replace(index.request(words, limit=100), scope="evidence")
                    assert (opened.search(request).total > 0) is found, (engine, words)
        finally:
            opened.close()


def test_one_writer_at_a_time(tmp_path: Path, engine: str) -> None:
    opened = open_engine(engine, tmp_path / engine, create=True)
    try:
        writer = opened.writer()
        with pytest.raises(StoreBusy, match="another process is writing to the search index"):
            opened.writer()
        writer.cancel()
        opened.writer().commit()  # cancelling let the lock go
        assert opened.count() == 0
    finally:
        opened.close()


@pytest.mark.parametrize(
    ("date", "key"),
    [("2024-05-24", 20240524), ("2024-05", 20240500), ("2024", 20240000), ("", 0), ("May 2024", 0)],
)
def test_tantivy_orders_dates_by_a_number_that_sorts_like_the_text(date: str, key: int) -> None:
    assert date_key(date) == key


@pytest.mark.parametrize(
    ("value", "low", "high"),
    [("2024", 20240000, 20249999), ("2024-05", 20240500, 20240599), ("2024-05-24", 20240524, 20240524)],
)
def test_tantivy_date_bounds_include_the_whole_period(value: str, low: int, high: int) -> None:
    assert (date_bound(value, upper=False), date_bound(value, upper=True)) == (low, high)


def test_two_postgresql_writers_racing_on_the_same_articles_keep_one_row_each(
    postgres_index: tuple[SearchIndex, Store], tmp_path: Path, pg_database: str
) -> None:
    import threading

    from zxkg.search.postgres_engine import PostgresEngine

    index, store = postgres_index
    docs = [index.builder.build(ex) for ex in store.extractions()]
    url = Places("postgresql", pg_database).new(tmp_path / "unused")
    many = [dataclasses.replace(docs[k % len(docs)], id=f"{k:016x}") for k in range(120)]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(order: list[int]) -> None:
        engine = PostgresEngine.open(url, create=True)
        try:
            writer = engine.writer()
            for k in order:
                writer.add(many[k])
            start.wait()
            writer.commit()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            engine.close()

    forward = list(range(len(many)))
    racers = [threading.Thread(target=write, args=(o,)) for o in (forward, forward[::-1])]
    for t in racers:
        t.start()
    for t in racers:
        t.join()
    assert errors == []
    engine = PostgresEngine.open(url)
    try:
        assert engine.count() == len(many) and engine.ids() == {d.id for d in many}
    finally:
        engine.close()


def test_two_postgresql_writers_changing_the_same_facet_values_never_deadlock(
    postgres_index: tuple[SearchIndex, Store], tmp_path: Path, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One writer upserting its articles with other facet values, another adding new articles
    with the same values, round after round at the same moment: no batch is given up for a
    deadlock (no retry allowed here) and the totals, the documents' count included, equal a
    count over the table. Every trigger branch locks the totals' rows in one order, the
    documents' count first (an upsert fires its UPDATE trigger before its INSERT trigger);
    the interleaving that order prevents is a matter of milliseconds, which this test does
    not force. (A batch that deletes some articles and upserts others while another writer
    upserts those may still deadlock on the articles' own rows; the writer runs it again.)"""
    import threading

    from zxkg.search import postgres_engine
    from zxkg.search.postgres_engine import PostgresEngine

    monkeypatch.setattr(postgres_engine, "RETRIES", 1)
    index, store = postgres_index
    docs = [index.builder.build(ex) for ex in store.extractions()]
    url = Places("postgresql", pg_database).new(tmp_path / "unused")
    provinces = ("江苏省", "湖南省", "广东省")
    rounds = 12
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def doc(k: int, prefix: str, r: int) -> IndexDoc:
        return dataclasses.replace(
            docs[k % len(docs)], id=f"{prefix}{k:04d}", provinces=(provinces[(k + r) % 3],), date=f"20{10 + r}-01-01"
        )

    def write(n: int) -> None:
        engine = PostgresEngine.open(url, create=True)
        try:
            for r in range(rounds):
                writer = engine.writer()
                for k in range(30):  # the same articles changed again (0), or new ones (1)
                    writer.add(doc(k, "a" if n == 0 else f"b{r:02d}", r))
                start.wait()
                writer.commit()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
            start.abort()
        finally:
            engine.close()

    racers = [threading.Thread(target=write, args=(n,)) for n in (0, 1)]
    for t in racers:
        t.start()
    for t in racers:
        t.join()
    assert errors == []
    kept, counted = kept_totals_and_counts(url)
    assert kept == counted and counted[postgres_engine.ROWS] == 30 + 30 * rounds


def test_a_postgresql_index_whose_server_went_away_says_so(
    postgres_index: tuple[SearchIndex, Store], pg_database: str
) -> None:
    import psycopg

    from zxkg.ingest.errors import StoreUnavailable

    index, store = postgres_index
    doc = index.builder.build(next(iter(store.extractions())))
    engine = open_engine(POSTGRES_ENGINE, index.path)
    try:
        request = index.request("委员")
        assert engine.search(request).total > 0
        pid = engine.conn.raw.info.backend_pid  # type: ignore[attr-defined]
        with psycopg.connect(pg_database, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(StoreUnavailable, match="lost the connection to the PostgreSQL store"):
            engine.search(request)
        writer = engine.writer()
        writer.add(doc)
        with pytest.raises(StoreUnavailable):
            writer.commit()
    finally:
        engine.close()


def test_postgresql_search_tables_of_an_older_layout_count_as_none_and_are_rebuilt(
    indexes: dict[str, tuple[SearchIndex, Store]],
    postgres_index: tuple[SearchIndex, Store],
    tmp_path: Path,
    pg_database: str,
) -> None:
    """Search tables are derived data: a reader of tables an older zxkg laid out is told to
    reindex (not handed a query error), and the next writer replaces them."""
    from zxkg.ingest.errors import NotFound
    from zxkg.search.postgres_engine import PostgresEngine

    index, store = postgres_index
    docs = [index.builder.build(ex) for ex in store.extractions()]
    url = Places("postgresql", pg_database).new(tmp_path / "unused")

    def fill() -> None:
        engine = PostgresEngine.open(url, create=True)
        try:
            writer = engine.writer()
            for doc in docs:
                writer.add(doc)
            writer.commit()
        finally:
            engine.close()

    fill()
    engine = PostgresEngine.open(url)
    engine.conn.execute("ALTER TABLE search_documents DROP COLUMN facet_year")  # as an older layout had none
    engine.conn.execute("ALTER TABLE search_values DROP COLUMN id")
    engine.close()
    assert not PostgresEngine.exists(url)
    with pytest.raises(NotFound, match="zxkg reindex"):
        PostgresEngine.open(url)
    fill()
    engine = PostgresEngine.open(url)
    try:
        found = engine.search(index.request("委员", facets=("year", "region"), facet_size=0))
        whoosh = answer(indexes["whoosh"], "委员", facets=("year", "region"))
        assert found.total == whoosh.total > 0
        assert [dict(f.counts) for f in found.facets] == [dict(f.counts) for f in whoosh.facets]
    finally:
        engine.close()


@pytest.mark.parametrize("shown", [1, 2, 3])
def test_the_top_facet_values_are_the_first_of_all_of_them_ties_broken_by_value(
    indexes: dict[str, tuple[SearchIndex, Store]], other: tuple[str, tuple[SearchIndex, Store]], shown: int
) -> None:
    """An engine may count only the top values of a facet: they are the first ``shown`` of the
    full list, whose ties break by value, even where a tie runs past the values it asked for."""
    full = {f.name: f.counts for f in answer(indexes["whoosh"], "政协").facets}
    assert len(full["region"]) > 2 * shown + 10  # more values than an engine asks for first
    top = {name: counts[:shown] for name, counts in full.items()}
    for name, pair in (("whoosh", indexes["whoosh"]), other):
        assert {f.name: f.counts for f in answer(pair, "政协", facet_size=shown).facets} == top, name


@pytest.mark.parametrize(
    ("counts", "shown", "size", "may_tie"),
    [
        ([9, 8, 7], 2, 3, False),  # fewer values than asked for: all of them came back
        ([9, 8, 7, 7], 2, 4, False),  # the last shown (8) beats every value left out (≤ 7)
        ([9, 7, 7, 7], 2, 4, True),  # the last shown (7) may tie with one left out
        ([5, 5, 5, 5], 1, 4, True),
    ],
)
def test_a_facet_is_asked_again_in_full_when_a_tie_may_run_past_its_top_values(
    counts: list[int], shown: int, size: int, may_tie: bool
) -> None:
    from zxkg.search.tantivy_engine import _may_tie

    buckets = [{"key": f"v{i}", "doc_count": n} for i, n in enumerate(counts)]
    assert _may_tie(buckets, shown, size) is may_tie


def test_tantivy_keeps_facet_counts_for_other_pages_and_orders_until_the_index_changes(
    indexes: dict[str, tuple[SearchIndex, Store]], tmp_path: Path
) -> None:
    """Another page or order of a query is answered with the counts already made, which are
    those a fresh engine makes; a write through the engine, and a write by another engine
    (another process: ``search.index`` then opens the changed directory anew), count again."""
    import time

    from zxkg.search.index import _kept
    from zxkg.search.tantivy_engine import TantivyEngine

    index, store = indexes["tantivy"]
    docs = sorted((index.builder.build(ex) for ex in store.extractions()), key=lambda d: d.id)
    path = tmp_path / "tantivy"
    engine = TantivyEngine.create(path)

    def write(into: TantivyEngine, batch: list[Any]) -> None:
        writer = into.writer()
        for doc in batch:
            writer.add(doc)
        writer.commit()

    def facets(searched: Any, **page: Any) -> dict[str, tuple[tuple[str, int], ...]]:
        request = dataclasses.replace(index.request("委员", facets=FACETS, facet_size=0), **page)
        return {f.name: f.counts for f in searched.search(request).facets}

    write(engine, docs[:3])
    first = facets(engine)
    assert facets(engine, offset=1, limit=1) == facets(engine, sort="date") == first
    assert facets(TantivyEngine.open(path)) == first  # what counting afresh gives
    write(engine, docs[3:5])  # this engine's own writer reloads it
    second = facets(engine)
    assert second != first and second == facets(TantivyEngine.open(path))

    kept = _kept("tantivy", path)
    assert facets(kept) == second
    time.sleep(0.05)  # a directory's time stamp moves in steps of a few milliseconds
    write(TantivyEngine.open(path), docs[5:])  # another writer: the kept engine does not reload
    third = facets(_kept("tantivy", path))
    assert third != second and third == facets(TantivyEngine.open(path))


def test_a_postgresql_tsvector_holds_every_lexeme_at_its_positions_however_it_is_spelt(pg_database: str) -> None:
    """The literal ``tsvector_literal`` writes, read back by PostgreSQL, against the lexemes
    and positions stated here another way: quotes and backslashes, a term twice at one
    position, positions past the last PostgreSQL keeps, and lexemes near the byte limit."""
    import psycopg

    from zxkg.search.postgres_engine import MAX_LEXEME_BYTES, MAX_POSITION, PAIR, SUB, tsvector_literal

    long_ascii, long_cjk, too_long = "a" * 1_900, "政" * 600, "协" * 700  # 1,900, 1,800, 2,100 bytes
    body: list[tuple[str, ...]] = [
        ("O'Neil", "O'", "Neil"),
        ("a\\b", "a\\b"),  # the same term twice at one position
        ("委员", "委员", "委"),
        (),  # a gap: no pair runs across it
        (long_ascii,),
        (long_cjk,),
        (too_long,),
        *[(f"w{k}",) for k in range(MAX_POSITION)],  # (PostgreSQL keeps 256 positions of a lexeme)
        ("尾",),  # past the last position PostgreSQL keeps, so read as it: once
        ("x",),
        ("尾",),
    ]
    doc = IndexDoc(
        id="0" * 16, title="", text="", date="", source="", file="",
        title_terms=(), body_terms=tuple(body), source_terms=(), evidence_terms=(),
        regions=(), region_tree=(), provinces=(), entities=(), evidence=(),
    )  # fmt: skip
    expected: dict[str, set[int]] = {}
    for at, group in enumerate(body, start=1):
        for k, term in enumerate(group):
            expected.setdefault(("body:" if k == 0 else f"body{SUB}:") + term, set()).add(min(at, MAX_POSITION))
    words = [g[0] if g else "" for g in body]
    for width in (2, 3):
        for k in range(len(words) - width + 1):
            if all(words[k : k + width]):
                expected.setdefault(f"body{PAIR * (width - 1)}:" + " ".join(words[k : k + width]), set())
    expected = {lex: at for lex, at in expected.items() if len(lex.encode()) <= MAX_LEXEME_BYTES}
    assert f"body:{too_long}" not in expected and f"body:{long_cjk}" in expected and f"body:{long_ascii}" in expected

    with psycopg.connect(pg_database) as conn:
        rows = conn.execute(
            "SELECT lexeme, positions FROM unnest(%s::tsvector) WHERE lexeme LIKE 'body%%'", (tsvector_literal(doc),)
        ).fetchall()
    assert {lex: set(at or ()) for lex, at in rows} == expected
    assert expected["body:尾"] == {MAX_POSITION}
