"""Golden queries: what a researcher types and what must come back.

One real store and index is built for each search engine from the example article and a
few short articles written here, each testing one behaviour; every test runs on every
engine (the ``any_engine`` fixture): a data directory's whoosh and tantivy, and a
PostgreSQL store's own search tables.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SEED, engine_store
from zxkg.ingest.link import Context
from zxkg.ingest.pipeline import ingest
from zxkg.ingest.store import Store
from zxkg.search.engine import POSTGRES_ENGINE
from zxkg.search.index import SearchIndex
from zxkg.search.models import SearchResult
from zxkg.search.query import QueryError

ARTICLES = {
    "bank.txt": """title: 县政协调研金融支农工作
date: 2022-09-15
source: 测试日报
---
县政协组织委员走访中国农业发展银行县支行,了解信贷支持春耕情况。委员们建议扩大普惠金融覆盖面。
""",
    "changsha.txt": """title: 长沙市政协委员工作室开展“有事好商量”协商活动
date: 2023-03-01
source: 长沙晚报
---
长沙市政协在雨花区设立委员工作室,围绕社区养老开展“有事好商量”协商活动。
长沙市政协出台《长沙市政协委员工作室管理办法》,推动委员工作室规范运行。
""",
    "nanjing.txt": """title: 江宁区政协推进协商议事室建设
date: 2021-06-30
source: 南京日报
---
南京市江宁区政协推进“有事好商量”协商议事室建设,每月开展一次协商。委员履职考核结果向社会公开。
""",
    "lanzhou.txt": """title: 政协工作简讯
date: 2020-01-10
source: 兰州日报
---
兰州市政协召开常委会议,审议委员履职考核办法。会议强调要加强委员队
伍建设,提高委员的履职
能力。
""",
}


@pytest.fixture(scope="module")
def corpus(
    tmp_path_factory: pytest.TempPathFactory, module_ctx: Context, any_engine: str, request: pytest.FixtureRequest
) -> tuple[SearchIndex, Store]:
    root = tmp_path_factory.mktemp(f"search-{any_engine}")
    src = root / "in"
    src.mkdir()
    for name, text in ARTICLES.items():
        (src / name).write_text(text, encoding="utf-8")
    store = Store.open(engine_store(any_engine, root / "data", request))
    index = SearchIndex.of(store, module_ctx.segmenter, module_ctx.gazetteer, any_engine)
    with index.indexer() as indexer:
        summary = ingest([str(SEED), str(src)], store, module_ctx, after_save=indexer.add)
    assert summary.ingested == 5
    yield index, store
    store.close()


def run(corpus: tuple[SearchIndex, Store], query: str, **options: object) -> SearchResult:
    index, store = corpus
    return index.search(index.request(query, **options), store)  # type: ignore[arg-type]


def files(result: SearchResult) -> list[str]:
    return [h.file for h in result.hits]


def marked(result: SearchResult) -> str:
    return " ".join(f.marked() for h in result.hits for f in h.fragments)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # quoted phrases: tokens at consecutive positions
        ('"考勤考绩"', [SEED.name]),
        ("“考勤考绩”", [SEED.name]),
        ("“考绩考勤”", []),  # the same words in the other order are not the phrase
        ("“有事好商量”", ["changsha.txt", "nanjing.txt"]),
        ("“委员工作室”", [SEED.name, "changsha.txt"]),
        ("“履职考核办法”", ["lanzhou.txt"]),
        ("“委员的履职能力”", ["lanzhou.txt"]),  # a line break between words, as in scanned proposals
        # sub-words: found inside longer words, at the parent's position
        ("农业", ["bank.txt"]),
        ("“农业发展银行”", ["bank.txt"]),
        ("发展银行", ["bank.txt"]),
        # single words of two characters
        ("双考", [SEED.name]),
        ("考核", [SEED.name, "lanzhou.txt", "nanjing.txt"]),
        ("养老", ["changsha.txt"]),
        # AND by default, OR, NOT
        ("履职考核 兰州", ["lanzhou.txt"]),
        ("履职考核 -兰州", [SEED.name, "nanjing.txt"]),
        ("养老 OR 春耕", ["bank.txt", "changsha.txt"]),
        ("(养老 OR 春耕) 委员工作室", ["changsha.txt"]),
        ("委员工作室 NOT 党建", ["changsha.txt"]),
        # fields
        ("title:简讯", ["lanzhou.txt"]),
        ("source:长沙晚报 委员", ["changsha.txt"]),
        ("document:管理办法 委员工作室", [SEED.name, "changsha.txt"]),
        ("year:2021 协商", ["nanjing.txt"]),
        # traditional script and full-width forms are folded like article text
        ("“有事好商量” 協商議事室", ["nanjing.txt"]),
    ],
)
def test_golden_queries(corpus: tuple[SearchIndex, Store], query: str, expected: list[str]) -> None:
    assert sorted(files(run(corpus, query, limit=20))) == sorted(expected)


@pytest.mark.parametrize(
    ("query", "marks"),
    [
        ('"考勤考绩"', ["【考勤考绩】"]),
        ("农业", ["【农业】"]),
        ("委员工作室", ["【委员工作室】"]),
        ("养老 OR 春耕", ["【养老】", "【春耕】"]),
        ("履职考核 -兰州", ["【履职考核】"]),
        ("“履职能力”", ["【履职\n能力】".replace("\n", " ")]),
    ],
)
def test_highlights_contain_the_query_terms(corpus: tuple[SearchIndex, Store], query: str, marks: list[str]) -> None:
    result = run(corpus, query, limit=20)
    assert result.hits and all(h.fragments for h in result.hits)
    text = marked(result)
    for mark in marks:
        assert mark in text
    assert "【兰州】" not in text
    for hit in result.hits:
        for f in hit.fragments:
            assert all(0 <= a < b <= len(f.text) for a, b in f.matches)


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("湖南省", [SEED.name, "changsha.txt"]),  # a province finds its cities and counties
        ("湖南", [SEED.name, "changsha.txt"]),
        ("长沙", [SEED.name, "changsha.txt"]),
        ("江苏省", ["nanjing.txt"]),  # 江宁区 of 南京市, two levels down
        ("南京市", ["nanjing.txt"]),
        ("320115", ["nanjing.txt"]),  # 江宁区 by its division code
        ("甘肃省", ["lanzhou.txt"]),
        ("雨花区", ["changsha.txt"]),
    ],
)
def test_region_filters_follow_the_division_tree(
    corpus: tuple[SearchIndex, Store], region: str, expected: list[str]
) -> None:
    assert sorted(files(run(corpus, "政协", regions=(region,), limit=20))) == sorted(expected)
    assert sorted(files(run(corpus, f"政协 region:{region}", limit=20))) == sorted(expected)


def test_province_filter(corpus: tuple[SearchIndex, Store]) -> None:
    assert files(run(corpus, "委员", provinces=("江苏",))) == ["nanjing.txt"]
    assert sorted(files(run(corpus, "委员 province:湖南省"))) == sorted([SEED.name, "changsha.txt"])


def test_date_range_and_sort_by_date(corpus: tuple[SearchIndex, Store]) -> None:
    newest_first = files(run(corpus, "政协", sort="date", limit=20))
    assert newest_first == [SEED.name, "changsha.txt", "bank.txt", "nanjing.txt", "lanzhou.txt"]
    assert files(run(corpus, "政协", since="2021", until="2022-09", sort="date")) == ["bank.txt", "nanjing.txt"]
    assert files(run(corpus, "政协", since="2023-03-02")) == [SEED.name]
    assert files(run(corpus, "政协", until="2020-01-10")) == ["lanzhou.txt"]


def test_pages_do_not_overlap_and_count_every_match(corpus: tuple[SearchIndex, Store]) -> None:
    pages = [run(corpus, "政协", sort="date", limit=2, page=p) for p in (1, 2, 3, 4)]
    assert [len(p.hits) for p in pages] == [2, 2, 1, 0]
    assert {p.total for p in pages} == {5}
    seen = [f for p in pages for f in files(p)]
    assert len(seen) == len(set(seen)) == 5


def test_title_matches_rank_first(corpus: tuple[SearchIndex, Store]) -> None:
    assert files(run(corpus, "协商议事室"))[0] == "nanjing.txt"


def test_facets_count_every_match(corpus: tuple[SearchIndex, Store]) -> None:
    result = run(corpus, "委员", limit=1, facets=("region", "province", "year", "document"), facet_size=0)
    facets = {f.name: dict(f.counts) for f in result.facets}
    assert result.total == 5 and len(result.hits) == 1
    assert facets["year"] == {"2024": 1, "2023": 1, "2022": 1, "2021": 1, "2020": 1}
    assert facets["province"]["湖南省"] == 2 and facets["province"]["江苏省"] == 1
    assert facets["region"]["长沙市"] == 2 and facets["region"]["江宁区"] == 1
    assert facets["document"]["长沙市政协委员工作室管理办法"] == 1


def test_evidence_sentences_state_a_relation(corpus: tuple[SearchIndex, Store]) -> None:
    index, store = corpus
    found = index.evidence(index.request("考勤考绩"))
    first = found.hits[0]
    assert first.sentence.predicate == "issues"
    assert "考勤考绩" in first.sentence.object
    assert first.fragment.marked().count("【考勤考绩】") >= 1
    assert {h.sentence.subject for h in found.hits} == {"张家界市", "怀化市"}
    texts = store.texts(h.article_id for h in found.hits)
    for h in found.hits:  # each sentence is where the store says it is
        assert texts[h.article_id][h.sentence.start : h.sentence.end] == h.sentence.quote
    changsha = index.evidence(index.request("委员工作室", regions=("长沙市",)))
    # relations whose object names what was asked for come first
    top = [(h.sentence.subject, h.sentence.object) for h in changsha.hits[:4]]
    assert ("长沙市", "长沙市政协委员工作室管理办法") in top
    assert ("长沙市", "委员工作室") in top  # the mechanism itself, adopted in the same sentence
    assert all("委员工作室" in obj for _, obj in top)
    assert all("委员" in h.sentence.quote and "工作室" in h.sentence.quote for h in changsha.hits)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"有事好商量', "unbalanced quote"),
        ("“有事好商量", "never closed by ”"),
        ("有事好商量”", "closes nothing"),
        ("(委员 OR 政协", "unbalanced parenthesis"),
        ("author:李飞", "unknown field 'author'; expected one of title, body, source, region, province, year"),
        ("", "empty query"),
        ("   ,。!  ", "empty query"),
        ("委员" * 5120, "too long (10240 characters; at most 500)"),
        ("-委员", "needs something to find"),
        ("region:火星", "unknown region '火星'"),
        ("region:鼓楼区", "names several divisions: 鼓楼区 320106 (南京市)"),
        ("region: 湖南", "has no value"),
        ("year:24", "not a year"),
    ],
)
def test_bad_queries_are_clear_errors(corpus: tuple[SearchIndex, Store], query: str, message: str) -> None:
    index, _ = corpus
    with pytest.raises(QueryError) as err:
        index.request(query)
    assert message in str(err.value)


def test_bad_options_name_the_valid_choices(corpus: tuple[SearchIndex, Store]) -> None:
    index, _ = corpus
    with pytest.raises(Exception, match="unknown sort 'score'; expected one of relevance, date"):
        index.request("委员", sort="score")
    with pytest.raises(Exception, match="expected YYYY, YYYY-MM or YYYY-MM-DD"):
        index.request("委员", since="last year")
    with pytest.raises(Exception, match="unknown facet 'colour'"):
        index.request("委员", facets=("colour",))


def test_index_lives_in_the_store(corpus: tuple[SearchIndex, Store], any_engine: str) -> None:
    index, store = corpus
    if any_engine == POSTGRES_ENGINE:  # tables in the store's own schema
        assert store.data_dir is None and index.path == store.location_for_workers
    else:
        assert index.path == Path(store.data_dir) / "index" / any_engine
    assert index.count() == store.count("articles") == 5
