"""The store and the pipeline: idempotency, duplicates, one transaction per article, evidence."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import SEED, Places
from zxkg.ingest.errors import StoreBusy, ZxkgError
from zxkg.ingest.link import Context, extract
from zxkg.ingest.models import Source
from zxkg.ingest.parse import parse
from zxkg.ingest.pipeline import Cut, build_context, ingest
from zxkg.ingest.reextract import reextract
from zxkg.ingest.segment import backend
from zxkg.ingest.store import DEFERRED_INDEXES, Store
from zxkg.search.index import SearchIndex


def test_seed_lands_with_evidence_that_matches_the_text(location: str, ctx: Context) -> None:
    with Store.open(location) as store:
        summary = ingest([str(SEED)], store, ctx)
        assert summary.counts() == {
            "read": 1,
            "ingested": 1,
            "unchanged": 0,
            "replaced": 0,
            "duplicates": 0,
            "failed": 0,
        }
        (text,) = store.conn.execute("SELECT text FROM articles").fetchone()
        rows = list(store.relations())
        assert store.integrity_ok()
    assert {r.predicate for r in rows} == {"mentions", "issues", "part_of", "adopts", "runs", "implements"}
    for r in rows:
        if r.article_id is None:
            assert r.predicate == "part_of" and r.rule == "divisions"
            continue
        assert r.file == SEED.name
        assert text[r.start : r.end] == r.evidence
        assert text[r.span_start : r.span_end] == r.span
        assert r.start <= r.span_start <= r.span_end <= r.end
    issues = {(r.s_name, r.o_name) for r in rows if r.predicate == "issues"}
    assert ("岳阳市", "岳阳市政协委员工作室党建指导员管理办法") in issues
    part_of = {(r.s_name, r.o_name) for r in rows if r.predicate == "part_of"}
    assert ("湘西土家族苗族自治州", "湖南省") in part_of


def test_ingesting_twice_adds_nothing_and_same_text_elsewhere_is_a_duplicate(
    tmp_path: Path, location: str, ctx: Context
) -> None:
    copy = tmp_path / "copy-of-seed.txt"
    shutil.copy(SEED, copy)
    with Store.open(location) as store:
        ingest([str(SEED)], store, ctx)
        counts = {t: store.count(t) for t in ("articles", "entities", "mentions", "relations")}
        again = ingest([str(SEED)], store, ctx)
        assert again.counts()["unchanged"] == 1 and again.counts()["ingested"] == 0
        dup = ingest([str(copy)], store, ctx)
        assert dup.duplicates == [(str(copy), SEED.name)]
        assert {t: store.count(t) for t in counts} == counts
        assert store.count("article_files") == 2
        assert ingest([str(copy)], store, ctx).counts()["unchanged"] == 1


EDITED = "title: 长沙市政协开展活动\n---\n长沙市政协深入实施“{brand}”工程,打造履职品牌。\n"


def _adopted(store: Store) -> set[tuple[str, str]]:
    return {(r.s_name, r.o_name) for r in store.relations() if r.predicate == "runs"}


def test_a_file_whose_text_changed_holds_the_new_text_only(tmp_path: Path, location: str, ctx: Context) -> None:
    """Edited at its source, or read differently by a newer zxkg: the old article goes."""
    page = tmp_path / "page.txt"
    page.write_text(EDITED.format(brand="甲乙工程"), encoding="utf-8")
    with Store.open(location) as store:
        ingest([str(page)], store, ctx)
        assert _adopted(store) == {("长沙市", "甲乙工程")}
        page.write_text(EDITED.format(brand="丙丁工程"), encoding="utf-8")
        summary = ingest([str(page)], store, ctx)
        assert summary.ingested == 1 and summary.replaced == 1
        assert store.count("articles") == store.count("article_files") == 1
        assert _adopted(store) == {("长沙市", "丙丁工程")}
        assert not store.find_entities(["甲乙工程"], ("brand", "mechanism"))  # pruned
        assert store.stale_adoption_pairs() == [] and store.integrity_ok()
        assert ingest([str(page)], store, ctx).counts()["unchanged"] == 1


def test_a_changed_file_leaves_the_text_another_file_still_holds(tmp_path: Path, location: str, ctx: Context) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    for path in (first, second):
        path.write_text(EDITED.format(brand="甲乙工程"), encoding="utf-8")
    with Store.open(location) as store:
        ingest([str(first), str(second)], store, ctx)
        first.write_text(EDITED.format(brand="丙丁工程"), encoding="utf-8")
        assert ingest([str(first)], store, ctx).replaced == 0
        assert store.count("articles") == 2
        assert _adopted(store) == {("长沙市", "甲乙工程"), ("长沙市", "丙丁工程")}
        kept = store.conn.execute("SELECT file FROM articles WHERE text LIKE '%甲乙%'").fetchone()
        assert kept == ("b.txt",)  # the text is where it still is


def test_a_file_changed_to_another_files_text_is_its_duplicate(tmp_path: Path, location: str, ctx: Context) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(EDITED.format(brand="甲乙工程"), encoding="utf-8")
    second.write_text(EDITED.format(brand="丙丁工程"), encoding="utf-8")
    with Store.open(location) as store:
        ingest([str(first), str(second)], store, ctx)
        shutil.copy(second, first)
        summary = ingest([str(first)], store, ctx)
        assert summary.duplicates == [(str(first), "b.txt")] and summary.replaced == 1
        assert store.count("articles") == 1 and _adopted(store) == {("长沙市", "丙丁工程")}
        assert store.stale_adoption_pairs() == [] and store.integrity_ok()


def test_one_transaction_per_article(location: str, ctx: Context) -> None:
    article = parse(Source(origin=str(SEED), file=SEED.name, data=SEED.read_bytes()))
    good = extract(article, ctx)
    bad_relation = dataclasses.replace(
        good.relations[-1], evidence=dataclasses.replace(good.relations[-1].evidence, quote="not the sentence")
    )
    broken = dataclasses.replace(good, relations=(*good.relations[:-1], bad_relation))
    with Store.open(location) as store:
        with pytest.raises(ZxkgError, match="evidence offsets"):
            store.save(broken)
        assert [store.count(t) for t in ("articles", "mentions", "relations", "entities")] == [0, 0, 0, 0]
        # a failure in the middle of the writes (after the article row) rolls back too
        null_predicate = dataclasses.replace(good.relations[-1], predicate=None)  # type: ignore[arg-type]
        with pytest.raises(KeyError):
            store.save(dataclasses.replace(good, relations=(*good.relations, null_predicate)))
        assert [store.count(t) for t in ("articles", "mentions", "relations", "entities")] == [0, 0, 0, 0]
        store.save(good)
        assert store.count("articles") == 1


def test_in_a_batch_a_failing_article_rolls_back_alone_and_the_rest_commit_together(
    data_dir: Path, ctx: Context
) -> None:
    seed = parse(Source(origin=str(SEED), file=SEED.name, data=SEED.read_bytes()))
    other = parse(Source(origin="other.txt", file="other.txt", data=SEED.read_bytes() + "\n另一段。".encode()))
    good, second = extract(seed, ctx), extract(other, ctx)
    null_predicate = dataclasses.replace(good.relations[-1], predicate=None)  # type: ignore[arg-type]
    with Store.open(data_dir) as store, Store.open(data_dir, readonly=True) as reader:
        store.begin_batch()
        store.save(good)
        with pytest.raises(KeyError):  # fails after its article row is written
            store.save(dataclasses.replace(second, relations=(*second.relations, null_predicate)))
        store.save(second)
        assert store.count("articles") == 2 and reader.count("articles") == 0  # not committed yet
        store.commit_batch()
        assert reader.count("articles") == 2
        assert reader.count("relations") == store.count("relations") > 0
        assert store.integrity_ok()


def index_names(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_an_ingest_into_an_empty_store_builds_the_entity_indexes_at_its_end(
    tmp_path: Path, data_dir: Path, ctx: Context
) -> None:
    (tmp_path / "in").mkdir()
    for n in range(3):
        (tmp_path / "in" / f"a{n}.txt").write_text(f"第{n}篇。\n" + SEED.read_text(encoding="utf-8"), encoding="utf-8")
    with Store.open(tmp_path / "fresh") as fresh:
        expected = index_names(fresh)
    assert set(DEFERRED_INDEXES) <= expected
    with Store.open(data_dir) as store:
        seen: list[set[str]] = []
        ingest([str(tmp_path / "in")], store, ctx, after_save=lambda _: seen.append(index_names(store)))
        assert seen and all(not (names & set(DEFERRED_INDEXES)) for names in seen)  # left out while it ran
        assert index_names(store) == expected
        # the next ingest (the store is not empty) keeps them
        (tmp_path / "more").mkdir()
        (tmp_path / "more" / "b.txt").write_text("第9篇。\n" + SEED.read_text(encoding="utf-8"), encoding="utf-8")
        seen.clear()
        ingest([str(tmp_path / "more")], store, ctx, after_save=lambda _: seen.append(index_names(store)))
        assert seen == [expected]
        assert store.integrity_ok()


def test_entity_indexes_an_interrupted_ingest_left_out_come_back_at_the_next_writer(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        expected = index_names(store)
        store.conn.executescript("".join(f"DROP INDEX {name};" for name in DEFERRED_INDEXES))
    with Store.open(data_dir, readonly=True) as reader:
        assert not index_names(reader) & set(DEFERRED_INDEXES)
    with Store.open(data_dir) as store:
        assert index_names(store) == expected


def test_a_broken_file_is_reported_and_the_rest_of_the_batch_lands(tmp_path: Path, location: str, ctx: Context) -> None:
    (tmp_path / "in").mkdir()
    shutil.copy(SEED, tmp_path / "in" / "good.txt")
    (tmp_path / "in" / "binary.txt").write_bytes(b"\x00\x01\x02PNG")
    (tmp_path / "in" / "empty.txt").write_text("  \n", encoding="utf-8")
    with Store.open(location) as store:
        summary = ingest([str(tmp_path / "in")], store, ctx)
        assert summary.ingested == 1
        assert sorted(Path(f.origin).name for f in summary.failures) == ["binary.txt", "empty.txt"]
        assert {Path(f.origin).name for f in store.failures()} == {"binary.txt", "empty.txt"}


def test_a_second_writer_is_refused_with_a_clear_message(data_dir: Path, ctx: Context) -> None:
    with Store.open(data_dir) as first, Store.open(data_dir) as second:
        first.acquire()
        with pytest.raises(StoreBusy, match="another zxkg process is writing"):
            ingest([str(SEED)], second, ctx)
        first.release()
        assert ingest([str(SEED)], second, ctx).ingested == 1


def test_readonly_store_refuses_writes(location: str, ctx: Context) -> None:
    with Store.open(location) as store:
        ingest([str(SEED)], store, ctx)
    with Store.open(location, readonly=True) as ro:
        assert ro.count("articles") == 1
        with pytest.raises(Exception, match=r"readonly|read-only"):
            ro.conn.execute("DELETE FROM articles")


@pytest.mark.slow
def test_worker_processes_give_the_same_store(tmp_path: Path, ctx: Context, places: Places) -> None:
    src = tmp_path / "in"
    src.mkdir()
    body = SEED.read_text(encoding="utf-8")
    for n in range(24):
        (src / f"a{n:02d}.txt").write_text(
            f"title: 第{n}篇\ndate: 2024-01-{n + 1:02d}\n---\n编号{n}。\n{body}", "utf-8"
        )
    shutil.copy(src / "a00.txt", src / "z-duplicate.txt")
    stores = {}
    for workers in (1, 2):
        with Store.open(places.new(tmp_path / f"data{workers}")) as store:
            summary = ingest([str(src)], store, None, workers=workers)
            assert summary.ingested == 24 and len(summary.duplicates) == 1, summary.counts()
            stores[workers] = {
                (r.s_name, r.predicate, r.o_name)
                for r in store.relations()
                if r.predicate in ("issues", "part_of", "adopts", "runs")
            }
            assert store.integrity_ok()
    assert stores[1] == stores[2]


# Invented names and counties: each is quoted first with a verb that makes it a brand (打造),
# then, one batch later, with one that makes it a mechanism (建立), and written bare at last.
SHARED_TERMS = ("青石议事", "渡口夜谈", "围炉说事")


def _learning_corpus(src: Path) -> None:
    """Articles that teach terms early and use them late, a batch or more apart."""
    src.mkdir()
    lines = []
    for n in range(400):
        text = f"编号{n}。政协委员围绕乡村振兴开展调研，提出意见建议。"
        if n < len(SHARED_TERMS):
            text = f"安化县政协打造“{SHARED_TERMS[n]}”，编号{n}，推动协商走深走实。"
        elif 20 <= n < 20 + len(SHARED_TERMS):
            text = f"桃江县政协建立“{SHARED_TERMS[n - 20]}”，编号{n}，委员参与协商。"
        elif n >= 390:
            text = f"沅江市政协持续开展{SHARED_TERMS[n % len(SHARED_TERMS)]}，编号{n}，群众反响良好。"
        lines.append(json.dumps({"title": f"第{n}篇", "date": "2024-01-01", "text": text}, ensure_ascii=False))
    (src / "news.jsonl").write_text("\n".join(lines) + "\n", "utf-8")


@pytest.mark.slow
def test_worker_processes_share_what_they_learn(tmp_path: Path, places: Places) -> None:
    """Each worker extracts a share of the articles; the terms one learns reach the others
    through the store, and the writer keeps each name to the kind it met first. Two workers
    then store what one process does: the same terms with the same kinds, found in the
    same articles (not a brand in one worker's articles and a mechanism in the other's)."""
    src = tmp_path / "in"
    _learning_corpus(src)
    found = {}
    for workers in (1, 2):
        with Store.open(places.new(tmp_path / f"data{workers}")) as store:
            assert ingest([str(src)], store, None, workers=workers).ingested == 400
            found[workers] = set(
                store.conn.execute(
                    "SELECT a.title, e.kind, e.name FROM mentions m JOIN entities e ON e.id = m.entity"
                    " JOIN articles a ON a.key = m.article WHERE e.kind IN ('mechanism', 'brand')"
                )
            )
    assert found[1] == found[2]
    assert {(kind, name) for _, kind, name in found[2]} == {("brand", name) for name in SHARED_TERMS}
    late = {title for title, _, _ in found[2] if int(title[1:-1]) >= 390}
    assert len(late) == 10, "the terms are found unquoted in every late article"


@pytest.mark.slow
def test_the_writer_extracts_again_without_rjiebas_dictionary(tmp_path: Path, places: Places) -> None:
    """With workers, the writer cuts only what it extracts again (an article whose term a
    worker gave another kind) and the search step's short lines: it does so without
    building rjieba's copy of the dictionary (about 60 MB, the writer's peak at 10k
    articles), and still stores what one process stores.

    The writer's lexicon knows 青石议事 as a brand and its workers' do not, so each worker
    makes it a mechanism (建立) and the writer must extract every such article again.
    """
    if backend() != "rjieba":
        pytest.skip("rjieba is not installed: the writer cuts with jieba anyway")
    src = tmp_path / "in"
    src.mkdir()
    rows = [
        {"title": f"第{n}篇", "date": "2024-01-01", "source": "益阳政协网",
         "text": f"桃江县政协建立“青石议事”，编号{n}，委员参与协商。沅江市政协持续开展青石议事。"}
        if n % 5 == 0 else
        {"title": f"第{n}篇", "date": "2024-01-01", "text": f"编号{n}。政协委员围绕乡村振兴开展调研，提出意见建议。"}
        for n in range(60)
    ]  # fmt: skip
    (src / "news.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    found = {}
    for workers in (1, 2):
        with Store.open(places.new(tmp_path / f"data{workers}")) as store:
            ctx = build_context(store)
            ctx.lexicon.learn("青石议事", "brand", strong=True)
            index = SearchIndex.of(store, ctx.segmenter, ctx.gazetteer)
            with index.keeping_up(store) as indexer:
                summary = ingest([str(src)], store, ctx, workers=workers, after_save=indexer.add_prepared,
                                 step=index.step)  # fmt: skip
                assert summary.ingested == 60
                assert ctx.segmenter.fast_built == (workers == 1)
            found[workers] = set(
                store.conn.execute(
                    "SELECT a.title, e.kind, e.name, m.span_start, m.span_end FROM mentions m"
                    " JOIN entities e ON e.id = m.entity JOIN articles a ON a.key = m.article"
                    " WHERE e.kind IN ('mechanism', 'brand')"
                )
            )
            assert index.search(index.request("青石议事"), store).total == 12
    assert found[1] == found[2]
    assert {(kind, name) for _, kind, name, _, _ in found[2]} == {("brand", "青石议事")}
    assert len(found[2]) == 24, "the quoted name and the bare one, in each of the twelve articles"


def _kind_votes_corpus(src: Path) -> tuple[Path, Path]:
    """Two files whose terms are quoted with verbs and heads that disagree on their kind:
    青石议事 is a brand once (打造) and a mechanism twice (建立); 渡口夜谈 a brand by its head
    word once (品牌) and a mechanism twice by verbs."""
    src.mkdir()
    first = ["安化县政协打造“青石议事”，编号1，推动协商走深走实。", "安化县政协建立“渡口夜谈”，编号2，委员参与协商。"]
    second = [
        "桃江县政协建立“青石议事”，编号3，委员参与协商。",
        "沅江市政协建立“青石议事”，编号4，群众反响良好。",
        "南县政协擦亮“渡口夜谈”品牌，编号5，群众反响良好。",
        "汉寿县政协建立“渡口夜谈”，编号6，委员参与协商。",
        "桃源县政协持续开展青石议事和渡口夜谈，编号7，委员参与协商。",
    ]
    paths = []
    for name, texts in (("a.jsonl", first), ("b.jsonl", second)):
        rows = [{"title": t[:6], "date": "2024-01-01", "text": t} for t in texts]
        (src / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
        paths.append(src / name)
    return paths[0], paths[1]


@pytest.mark.slow
def test_reextract_gives_the_same_store_whatever_order_the_articles_came_in(tmp_path: Path, places: Places) -> None:
    """An ingest learns in reading order, so its kinds depend on which article came first;
    ``reextract`` counts every quote instead (head words first), and two stores of the same
    articles read in opposite orders come out the same (the second re-extracted by two
    worker processes, as the first is by one)."""
    a, b = _kind_votes_corpus(tmp_path / "in")
    found = []
    for k, order in enumerate(([a, b], [b, a])):
        with Store.open(places.new(tmp_path / f"data{k}")) as store:
            for path in order:
                ingest([str(path)], store, None)
            reextract(store, workers=k + 1)
            found.append(
                sorted(
                    (r.article_id, r.subject_key, r.predicate, r.object_key, r.span_start, r.span_end)
                    for r in store.relations()
                    if r.article_id is not None
                )
            )
            kinds = dict(
                store.conn.execute("SELECT name, kind FROM entities WHERE kind IN ('mechanism', 'brand')").fetchall()
            )
            assert store.count("entities") == len(set(store.conn.execute("SELECT key FROM entities").fetchall()))
        assert kinds == {"青石议事": "mechanism", "渡口夜谈": "brand"}, order
    assert found[0] == found[1]


def test_the_lock_is_reentrant_for_its_holder(data_dir: Path, ctx: Context) -> None:
    """``zxkg ingest`` takes the lock before the pipeline does; the pipeline's own turn must not undo it."""
    with Store.open(data_dir) as first, Store.open(data_dir) as second:
        first.acquire()
        assert ingest([str(SEED)], first, ctx).ingested == 1
        with pytest.raises(StoreBusy):
            second.acquire()
        first.release()
        second.acquire()
        second.release()


def test_a_cut_travels_as_lengths_and_comes_back_as_the_same_tokens() -> None:
    """A worker sends the writer its cut as token lengths (``Cut``); a token of 256
    characters or more (a long run of Latin letters) needs wider lengths than a byte."""
    text = "政协委员" + "x" * 300 + "围绕乡村振兴开展调研"
    words = ["政协", "委员", "x" * 300, "围绕", "乡村振兴", "开展", "调研"]
    again = ["政协委员", "x" * 300, "围绕", "乡村振兴", "开展", "调研"]
    assert Cut.of(words, again).tokens(text) == (words, again)
    assert Cut.of(words, words).tokens(text) == (words, None)
    nothing: list[str] = []
    assert Cut.of(nothing, nothing).tokens("") == ([], None)
