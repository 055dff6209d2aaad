"""Graph queries over a hand-made store: adopters, timelines, profiles, pairs, filters, ego."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Places
from tests.graph_data import SHUANGKAO, Fact, build_store, extraction
from zxkg.graph.build import GraphView, build_graph, ego_graph
from zxkg.graph.models import TERM_KINDS, Adoption, Filters
from zxkg.graph.names import Names, fold
from zxkg.graph.query import (
    adopters,
    adopters_page,
    adoption_table,
    co_adoption,
    region_profile,
    similar_regions,
    timeline,
)
from zxkg.ingest.errors import NotFound, UsageError
from zxkg.ingest.gazetteer import Gazetteer
from zxkg.ingest.store import ADOPTION_COLUMNS, RelationQuery, Store


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory, gaz: Gazetteer, places: Places) -> str:
    return build_store(places.new(tmp_path_factory.mktemp("graph") / "data"), gaz)


@pytest.fixture
def names(store_dir: Path, gaz: Gazetteer) -> Iterator[Names]:
    with Store.open(store_dir, readonly=True) as store:
        yield Names(store, gaz)


@pytest.mark.parametrize(("text", "folded"), [("“双考”", "双考"), ("《ＡＢ办法》", "AB办法"), (" '双 考' ", "双考")])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize("spelling", ["双考", "“双考”", '"双考"', " 双考 ", "＂双考＂"])
def test_adopters_match_names_and_aliases_in_any_spelling(names: Names, spelling: str) -> None:
    found = adopters(names, spelling)
    assert {n.key for n in found.matched} == {"mechanism:双考", "mechanism:双考制度"}
    assert [a.region for a in found.adoptions] == ["湘西土家族苗族自治州", "长沙市", "株洲市", "广州市"]
    changsha = found.adoptions[1]
    assert (changsha.first_date, changsha.last_date, changsha.articles) == ("2021-03-01", "2022-06-10", 2)
    assert changsha.evidence == "长沙市政协推行委员“双考”,考勤又考绩 & 评<优>。"
    assert changsha.article == "a0000000000000002" and changsha.file == "a0000000000000002.txt"
    assert (changsha.code, changsha.level, changsha.province, changsha.year) == ("430100", "prefecture", "湖南省", 2021)
    assert found.adoptions[-1].first_date == "" and found.adoptions[-1].year is None


def test_a_page_of_a_merged_terms_adopters_is_that_slice_of_all_of_them(names: Names) -> None:
    """Several terms (a term and its aliases) are paged in SQL where the engine orders text as
    Python does: the page must still be the whole answer's slice, undated regions last."""
    full = adopters(names, "双考").adoptions
    assert len(full) == 4 and full[-1].first_date == ""
    for limit, offset in ((1, 0), (2, 1), (2, 2), (3, 3), (10, 0), (2, 4), (1, 9)):
        found, total = adopters_page(names, "双考", limit=limit, offset=offset)
        assert (total, found.adoptions) == (4, full[offset : offset + limit]), (limit, offset)
    hunan = Filters(region="湖南省")
    within = adopters(names, "双考", hunan).adoptions
    assert [a.region for a in within] == ["湘西土家族苗族自治州", "长沙市", "株洲市"]
    found, total = adopters_page(names, "双考", hunan, limit=2, offset=1)
    assert (total, found.adoptions) == (3, within[1:3])


def test_an_alias_matches_only_its_own_entity(names: Names) -> None:
    found = adopters(names, "委员双考")
    assert [n.name for n in found.matched] == ["双考"]
    assert [a.region for a in found.adoptions] == ["长沙市", "株洲市", "广州市"]


def test_unknown_names_suggest_the_closest(names: Names) -> None:
    with pytest.raises(NotFound, match=r"no mechanism, brand, slogan or document named '双烤'; closest: 双考"):
        adopters(names, "双烤")
    with pytest.raises(NotFound, match="unknown region '长沙县城'"):
        region_profile(names, "长沙县城")
    with pytest.raises(UsageError, match=r"ambiguous: 鼓楼区 \(320106\).*give the code"):
        region_profile(names, "鼓楼区")


def test_an_adoption_read_is_a_named_immutable_record_of_its_columns(names: Names) -> None:
    record = next(names.store.adoptions(RelationQuery(), TERM_KINDS))
    assert isinstance(record, Adoption)
    assert record._fields == ADOPTION_COLUMNS and tuple(record) == tuple(getattr(record, f) for f in ADOPTION_COLUMNS)
    assert record.region and record.term and record.first_date[:4] == str(record.year)
    with pytest.raises(AttributeError):
        record.region = "长沙市"  # type: ignore[misc]


def test_timeline_is_cumulative_and_keeps_undated_adopters_apart(names: Names) -> None:
    line = timeline(names, "双考")
    assert [(p.date, p.new, p.cumulative) for p in line.points] == [
        ("2020-01-05", ("湘西土家族苗族自治州",), 1),
        ("2021-03-01", ("长沙市",), 2),
        ("2022-06-10", ("株洲市",), 3),
    ]
    assert line.undated == ("广州市",)
    yearly = timeline(names, "两力两率", by="year")
    assert [(p.date, p.cumulative) for p in yearly.points] == [("2022", 1), ("2023", 2)]
    with pytest.raises(UsageError, match="expected one of date, month, year"):
        timeline(names, "双考", by="week")


def test_region_profile_by_kind_and_over_a_subtree(names: Names) -> None:
    profile = region_profile(names, "长沙")
    assert profile.region.key == "region:430100"
    assert [a.term for a in profile.of_kind("mechanism")] == ["双考"]
    assert [a.term for a in profile.of_kind("brand")] == ["有事好商量"]
    assert [a.term for a in profile.of_kind("document")] == ["长沙市政协委员履职考核办法"]
    hunan = region_profile(names, "湖南省", subtree=True)
    assert {a.region for a in hunan.adoptions} == {"湘西土家族苗族自治州", "长沙市", "株洲市", "永州市"}
    assert [a.first_date for a in hunan.timeline][:2] == ["2020-01-05", "2021-03-01"]
    assert region_profile(names, "北京市").adoptions == ()  # a known division without data


def test_co_adoption_and_region_similarity(names: Names) -> None:
    pairs = {(p.a.name, p.b.name): p for p in co_adoption(names)}
    shared = pairs[("两力两率", "双考")] if ("两力两率", "双考") in pairs else pairs[("双考", "两力两率")]
    assert shared.shared == 1 and shared.a_total + shared.b_total == 5
    assert shared.jaccard == pytest.approx(1 / 4)
    brand = next(p for p in co_adoption(names, "有事好商量") if p.b.name == "双考")
    assert (brand.a.name, brand.shared) == ("有事好商量", 2)
    similar = similar_regions(names, "株洲市")  # ties: by jaccard, then by code
    assert [(p.a.name, p.b.name, p.shared, p.jaccard) for p in similar] == [
        ("株洲市", "长沙市", 1, 0.5),
        ("株洲市", "永州市", 1, 0.5),
        ("株洲市", "广州市", 1, 0.5),
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), 9),  # 长沙市 adopts 双考 in two articles: one row
        (Filters(region="湖南"), 7),  # not 广州市
        (Filters(region="长沙市"), 3),
        (Filters(since="2022", until="2022-12"), 3),  # 株洲市 twice, 长沙市 again
        (Filters(until="2021"), 4),
        (Filters(min_articles=2), 1),
        (Filters(min_confidence=0.6), 8),  # not 永州市's weak relation
        (Filters(kinds=("region", "brand")), 2),
        (Filters(predicates=("issues", "implements")), 1),  # a document implements: not a region's
        (Filters(terms=("有事好商量",)), 2),
    ],
)
def test_adoption_table_filters(names: Names, filters: Filters, expected: int) -> None:
    assert len(list(adoption_table(names, filters))) == expected


@pytest.mark.parametrize(
    ("filters", "edges"),
    [
        (Filters(), 15),  # 9 region→term, 1 implements, 5 part_of
        (Filters(predicates=("part_of",)), 5),
        (Filters(region="广东省"), 3),  # 广州市's two relations and its part_of
        (Filters(min_articles=2), 6),  # 长沙市 adopts 双考, and part_of (no article) stays
        (Filters(since="2023"), 6),  # 永州市, and part_of
    ],
)
def test_graph_filters(names: Names, filters: Filters, edges: int) -> None:
    g = build_graph(GraphView(names.store, names.query(filters)))
    assert g.number_of_edges() == edges
    for _, _, data in g.edges(data=True):
        assert set(data) >= {"predicate", "articles", "first_date", "last_date", "confidence", "evidence"}


def test_graph_nodes_and_aggregated_edges(names: Names) -> None:
    g = build_graph(GraphView(names.store, names.query(Filters())))
    edge = g.edges["region:430100", "mechanism:双考", "adopts"]
    assert (edge["articles"], edge["first_date"], edge["last_date"]) == (2, "2021-03-01", "2022-06-10")
    assert edge["evidence"].startswith("长沙市政协推行委员")
    assert g.nodes["mechanism:双考"]["aliases"] == ["委员双考"]
    assert g.nodes["region:430100"]["start"] == "2021-03-01"
    assert g.nodes["region:430000"]["start"] == ""  # only part_of: no date
    assert g.edges["region:430100", "region:430000", "part_of"]["articles"] == 0
    assert "article:a0000000000000001" not in g  # articles only when asked for


def test_ego_network_by_depth(names: Names) -> None:
    one = ego_graph(names, "双考")
    assert set(one) == {
        "mechanism:双考",
        "region:430100",
        "region:430200",
        "region:440100",
        "document:长沙市政协委员履职考核办法",
    }
    two = ego_graph(names, "双考", depth=2)
    assert {"brand:有事好商量", "mechanism:两力两率", "region:430000", "region:440000"} <= set(two)
    assert "region:431100" not in two  # 永州市 is three steps away
    only_regions = ego_graph(names, "长沙市", depth=1, filters=Filters(kinds=("region",)))
    assert set(only_regions) == {"region:430100", "region:430000"}


def test_filters_with_unknown_values_name_the_choices(names: Names) -> None:
    with pytest.raises(UsageError, match="unknown kind 'place'; expected one of region, mechanism"):
        names.query(Filters(kinds=("place",)))
    with pytest.raises(UsageError, match="unknown predicate 'adopt'; expected one of adopts"):
        names.query(Filters(predicates=("adopt",)))
    with pytest.raises(UsageError, match="not a date"):
        names.query(Filters(since="May 2024"))


def test_docstring_examples_run() -> None:
    import doctest

    import zxkg.graph.names

    assert doctest.testmod(zxkg.graph.names).failed == 0


def test_a_reader_names_the_regions_an_ingest_adds_after_its_first_answer(location: str, gaz: Gazetteer) -> None:
    """Rows take their regions' names, codes and provinces from what the connection read
    before; a region an ingest adds later is read when a row first names it."""
    first = ("a0000000000000011", "2021-03-01", [Fact("长沙市", "adopts", SHUANGKAO, "长沙市政协推行委员“双考”。")])
    later = ("a0000000000000012", "2020-05-01", [Fact("广州市", "adopts", SHUANGKAO, "广州市政协也在实行“双考”。")])
    with Store.open(location) as writer:
        writer.save(extraction(gaz, *first))
    with Store.open(location, readonly=True) as reader:
        names = Names(reader, gaz)
        assert [(a.region, a.code, a.province) for a in adopters(names, "双考").adoptions] == [
            ("长沙市", "430100", "湖南省")
        ]
        with Store.open(location) as writer:
            writer.save(extraction(gaz, *later))
        rows = adopters(names, "双考").adoptions
        assert [(a.region, a.code, a.level, a.province, a.term, a.kind) for a in rows] == [
            ("广州市", "440100", "prefecture", "广东省", "双考", "mechanism"),
            ("长沙市", "430100", "prefecture", "湖南省", "双考", "mechanism"),
        ]
        assert [p.new for p in timeline(names, "双考").points] == [("广州市",), ("长沙市",)]
        assert [a.region for a in region_profile(names, "广州市").adoptions] == ["广州市"]
