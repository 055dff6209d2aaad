"""The index keeps step with the store: ingest adds, sync repairs, reindex swaps in a new one.

The tests that take ``any_engine`` run on whoosh and tantivy in a data directory and on a
PostgreSQL store's own search tables.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED, engine_store
from zxkg.ingest.link import Context
from zxkg.ingest.models import Extraction
from zxkg.ingest.pipeline import ingest
from zxkg.ingest.store import Store
from zxkg.search.document import DocBuilder
from zxkg.search.engine import POSTGRES_ENGINE, open_engine
from zxkg.search.index import SearchIndex

OTHER = """title: 兰州市政协召开常委会议
date: 2020-01-10
---
兰州市政协召开常委会议,审议委员履职考核办法。
"""


def ingest_with_index(
    paths: list[str], data_dir: Path | str, ctx: Context, engine: str = "whoosh"
) -> tuple[SearchIndex, list[Extraction]]:
    seen: list[Extraction] = []

    def keep(ex: Extraction) -> None:
        seen.append(ex)
        indexer.add(ex)

    with Store.open(data_dir) as store:
        index = SearchIndex.of(store, ctx.segmenter, ctx.gazetteer, engine)
        with index.indexer() as indexer:
            ingest(paths, store, ctx, after_save=keep)
        index.sync(store)
    return index, seen


def agree(index: SearchIndex, data_dir: Path | str) -> bool:
    with Store.open(data_dir, readonly=True) as store:
        engine = open_engine(index.engine_name, index.path)
        try:
            return engine.ids() == frozenset(store.article_ids())
        finally:
            engine.close()


@pytest.fixture
def place(any_engine: str, data_dir: Path, request: pytest.FixtureRequest) -> str:
    """A fresh store for ``any_engine``: the data directory, or a PostgreSQL schema."""
    return engine_store(any_engine, data_dir, request)


def test_ingest_hands_each_saved_article_with_its_tokens(
    tmp_path: Path, place: str, ctx: Context, any_engine: str
) -> None:
    data_dir, engine = place, any_engine
    (tmp_path / "other.txt").write_text(OTHER, encoding="utf-8")
    index, seen = ingest_with_index([str(SEED), str(tmp_path / "other.txt")], data_dir, ctx, engine)
    assert len(seen) == 2 and all(ex.tokens and "".join(ex.tokens) == ex.article.text for ex in seen)
    assert agree(index, data_dir)
    # nothing new on a second run, and the index still agrees
    index, seen = ingest_with_index([str(SEED)], data_dir, ctx, engine)
    assert seen == [] and agree(index, data_dir) and index.count() == 2


def test_an_extraction_read_back_from_the_store_indexes_the_same(data_dir: Path, ctx: Context) -> None:
    _, (saved,) = ingest_with_index([str(SEED)], data_dir, ctx)
    with Store.open(data_dir, readonly=True) as store:
        (read_back,) = store.extractions()
    builder = DocBuilder(ctx.segmenter, ctx.gazetteer)
    assert read_back.tokens == ()
    assert builder.build(read_back) == builder.build(saved)


def test_sync_repairs_an_index_that_missed_or_kept_articles(
    tmp_path: Path, place: str, ctx: Context, any_engine: str
) -> None:
    data_dir, engine = place, any_engine
    (tmp_path / "other.txt").write_text(OTHER, encoding="utf-8")
    with Store.open(data_dir) as store:
        ingest([str(SEED), str(tmp_path / "other.txt")], store, ctx)  # an older zxkg: no index at all
        index = SearchIndex.of(store, ctx.segmenter, ctx.gazetteer, engine)
        report = index.sync(store)
        assert (report.added, report.removed, report.total) == (2, 0, 2)
        # the index loses one article and holds one the store no longer has
        opened = open_engine(engine, index.path)
        writer = opened.writer()
        writer.delete(sorted(store.article_ids())[0])
        stale = DocBuilder(ctx.segmenter, ctx.gazetteer).build(next(store.extractions()))
        writer.add(dataclasses.replace(stale, id="0000000000000000"))
        writer.commit()
        opened.close()
        report = index.sync(store)
        assert (report.added, report.removed, report.total) == (1, 1, 2)
    assert agree(index, data_dir)


def held(place: str, engine: str) -> set[str]:
    """What the index is made of: its directory's files, or the PostgreSQL store's tables."""
    if engine != POSTGRES_ENGINE:
        return {p.name for p in (Path(place) / "index").rglob("*")}
    with Store.open(place, readonly=True) as store:
        rows = store.conn.execute(
            "SELECT c.relname || ':' || c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relname LIKE 'search%'"
        )
        return {row[0] for row in rows}


def test_reindex_builds_aside_and_swaps_in(place: str, ctx: Context, any_engine: str) -> None:
    index, _ = ingest_with_index([str(SEED)], place, ctx, any_engine)
    before = held(place, any_engine)
    with Store.open(place) as store:
        assert SearchIndex.of(store, ctx.segmenter, ctx.gazetteer, any_engine).reindex(store) == 1
    after = held(place, any_engine)
    if any_engine == POSTGRES_ENGINE:  # a new table and indexes under the old names
        assert {n.split(":")[0] for n in after} == {n.split(":")[0] for n in before} and after != before
    else:
        assert [p.name for p in (Path(place) / "index").iterdir()] == [any_engine]  # no temporary directory left
        assert after != before
    assert agree(index, place)
    with Store.open(place, readonly=True) as store:
        index = SearchIndex.of(store, ctx.segmenter, ctx.gazetteer, any_engine)
        result = index.search(index.request("“考勤考绩”"), store)
    assert result.total == 1


def test_a_failed_reindex_leaves_the_old_index(place: str, ctx: Context, any_engine: str) -> None:
    index, _ = ingest_with_index([str(SEED)], place, ctx, any_engine)
    before = held(place, any_engine)

    class Broken(Store):
        def extractions(self, ids: object = None) -> object:  # type: ignore[override]
            raise RuntimeError("disk on fire")

    with Store.open(place) as store:
        broken = type("BrokenStore", (Broken, type(store)), {})(store.location, store.conn, readonly=False)
        broken.location_for_workers, broken.data_dir = store.location_for_workers, store.data_dir
        with pytest.raises(RuntimeError):
            SearchIndex.of(broken, ctx.segmenter, ctx.gazetteer, any_engine).reindex(broken)
    assert held(place, any_engine) == before
    assert index.count() == 1


@pytest.mark.slow
def test_the_pinned_whoosh_compiles_without_syntax_warnings(tmp_path: Path) -> None:
    """The original whoosh 2.7.4 fails here; see docs/decisions/0001-search-engine.md."""
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(tmp_path / "pycache")}
    result = subprocess.run(
        [sys.executable, "-W", "error::SyntaxWarning", "-W", "error::DeprecationWarning", "-c",
         "import zxkg.search.whoosh_engine, whoosh.highlight, whoosh.qparser"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.slow
def test_documents_built_in_the_workers_search_as_a_reindex_does(tmp_path: Path, engine: str) -> None:
    """Ingest builds each search document in the worker that extracted the article."""
    from tests.conftest import run_cli
    from zxkg.ingest.pipeline import build_context

    src = tmp_path / "in"
    src.mkdir()
    (src / SEED.name).write_bytes(SEED.read_bytes())
    for i, name in enumerate(["有事好商量", "委员双考", "协商在基层", "两力两率"]):
        (src / f"{i}.txt").write_text(
            f"title: 市政协推进“{name}”\ndate: 2021-0{i + 1}-01\n---\n"
            f"长沙市政协推进“{name}”工作,湘潭市政协学习“{name}”。\n",
            encoding="utf-8",
        )
    built, rebuilt = tmp_path / "built", tmp_path / "rebuilt"
    result = run_cli("ingest", "--workers", "2", "--engine", engine, "--data", str(built), str(src))
    assert result.returncode == 0, result.stderr
    rebuilt.mkdir()
    (rebuilt / "zxkg.db").write_bytes((built / "zxkg.db").read_bytes())
    assert run_cli("reindex", "--engine", engine, "--data", str(rebuilt)).returncode == 0
    answers = []
    for data in (built, rebuilt):
        with Store.open(data, readonly=True) as store:
            ctx = build_context(store)
            index = SearchIndex(data, ctx.segmenter, ctx.gazetteer, engine)
            answers.append(
                [
                    (r.total, [h.id for h in r.hits], [(f.name, f.counts) for f in r.facets])
                    for q in ("“有事好商量”", "双考", "委员 双考", "两力两率 OR 协商", "region:湖南省", "“委员双考”")
                    for r in [index.search(index.request(q, limit=20, sort="date"), store)]
                ]
            )
    assert answers[0] == answers[1] and all(total for total, _, _ in answers[0])


def test_a_kept_search_engine_sees_every_commit_and_a_rebuilt_index(
    tmp_path: Path, place: str, ctx: Context, any_engine: str
) -> None:
    """Searches of one process share an opened engine; what an ingest commits after, or a
    rebuild swaps in, is found by the next search all the same."""
    data_dir, engine = place, any_engine
    ingest_with_index([str(SEED)], data_dir, ctx, engine)

    def found(query: str) -> int:
        with Store.open(data_dir, readonly=True) as store:
            index = SearchIndex.of(store, ctx.segmenter, ctx.gazetteer, engine)
            return index.search(index.request(query), store).total

    assert found("兰州市") == 0
    (tmp_path / "other.txt").write_text(OTHER, encoding="utf-8")
    ingest_with_index([str(tmp_path / "other.txt")], data_dir, ctx, engine)
    assert found("兰州市") == 1
    with Store.open(data_dir) as store:
        assert SearchIndex.of(store, ctx.segmenter, ctx.gazetteer, engine).reindex(store) == 2
    assert found("兰州市") == 1 and found("常委会议") >= 1


def test_extractions_read_many_at_a_time_are_those_ingest_saved(
    location: str, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Articles are read back a few at a time (three queries for all of them): each comes
    back with its own mentions and relations, in id order, indexed as ingest indexed it."""
    from zxkg.ingest.store import reads

    files = sorted((ROOT.parent / "shared" / "corpus").glob("*.txt"))[:7] or [SEED]
    engine = "postgresql" if "://" in location else "whoosh"
    _, saved = ingest_with_index([str(SEED), *map(str, files)], location, ctx, engine)
    monkeypatch.setattr(reads, "EXTRACTIONS_AT_ONCE", 3)
    builder = DocBuilder(ctx.segmenter, ctx.gazetteer)
    with Store.open(location, readonly=True) as store:
        ids = sorted(store.article_ids())
        together = list(store.extractions())
        alone = [ex for i in ids for ex in store.extractions([i])]
        some = list(store.extractions([ids[-1], "0" * 16, ids[0]]))  # an unknown id is left out
    assert [ex.article.id for ex in together] == ids and together == alone
    assert [ex.article.id for ex in some] == [ids[0], ids[-1]]
    assert sum(len(ex.relations) for ex in together) == sum(len(ex.relations) for ex in saved) > 0
    by_id = {ex.article.id: builder.build(ex) for ex in saved}
    assert [builder.build(ex) for ex in together] == [by_id[i] for i in ids]


def test_a_reindex_with_workers_builds_the_documents_one_process_builds(
    place: str, ctx: Context, any_engine: str
) -> None:
    """Documents built in worker processes are those one process builds with the store's
    context (as ``zxkg reindex`` builds it), in the same order; the index they make finds
    the same articles."""
    from zxkg.ingest.pipeline import build_context
    from zxkg.search.engine import preparer
    from zxkg.search.fill import prepared_in_workers

    files = sorted((ROOT.parent / "shared" / "corpus").glob("*.txt"))[:5]
    index, _ = ingest_with_index([str(SEED), *map(str, files)], place, ctx, any_engine)
    with Store.open(place) as store:
        ids = sorted(store.article_ids())
        prepare, stored = preparer(any_engine), build_context(store)
        builder = DocBuilder(stored.segmenter, stored.gazetteer)
        here = [prepare(builder.build(ex)) for ex in store.extractions()]
        assert list(prepared_in_workers(store.location_for_workers, any_engine, ids, 2)) == here
        found = {q: index.search(index.request(q), store).total for q in ("委员", "政协 协商", "“委员工作室”")}
        assert index.reindex(store, workers=2) == len(ids)
        assert {q: index.search(index.request(q), store).total for q in found} == found
        assert found["委员"] > 1
    assert agree(index, place)
