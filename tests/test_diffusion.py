"""Cascades, leaders and communities on stores whose structure the test made.

``tests/diffusion_data.py`` spreads three mechanisms through real divisions — pushed down
Hunan, passed among siblings in Jiangsu and Ganzhou, taken up from counties in Zhejiang —
with known classes and lags; ``diffusion`` must recover them.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from networkx.algorithms import bipartite

from tests import diffusion_data as dd
from tests.conftest import Places, run_cli
from zxkg.api.web import Settings, create_app
from zxkg.graph.cascade import cascade, classify, date_span
from zxkg.graph.communities import communities, region_graph, region_term_graph
from zxkg.graph.hierarchy import above, below, division_graph, siblings
from zxkg.graph.leaders import leaders
from zxkg.graph.models import Adoption, Filters
from zxkg.graph.names import Names
from zxkg.graph.query import similar_regions
from zxkg.ingest.gazetteer import Gazetteer
from zxkg.ingest.models import Entity
from zxkg.ingest.store import Store

TERMS = (dd.TOP_DOWN_TERM, dd.HORIZONTAL_TERM, dd.BOTTOM_UP_TERM)


@pytest.fixture(scope="module")
def made(gaz: Gazetteer) -> list[dd.Made]:
    return dd.generate(gaz)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory, gaz: Gazetteer, made: list[dd.Made], places: Places) -> str:
    return dd.build_store(places.new(tmp_path_factory.mktemp("cascades") / "data"), gaz, made)


@pytest.fixture
def names(data: Path, gaz: Gazetteer) -> object:
    with Store.open(data, readonly=True) as store:
        yield Names(store, gaz)


@pytest.mark.parametrize("term", TERMS)
def test_recovers_the_class_of_every_made_adoption(names: Names, made: list[dd.Made], term: str) -> None:
    expected = {m.division.code: m for m in made if m.term == term and m.day}
    c = cascade(names, term)
    assert len(c.steps) == len(expected) > 20
    right = sum(1 for s in c.steps if s.channel == expected[s.adoption.code].channel)
    assert right / len(c.steps) >= 0.95, [(s.adoption.region, s.channel) for s in c.steps][:10]
    for s in c.steps:
        m = expected[s.adoption.code]
        if m.lag_days is not None and s.channel == m.channel:
            assert s.source is not None and s.source.adoption.level == m.source_level


@pytest.mark.parametrize("term", TERMS)
def test_median_lag_per_step_within_a_day(names: Names, made: list[dd.Made], term: str) -> None:
    made_lags: dict[tuple[str, str, str], list[int]] = {}
    for m in made:
        if m.term == term and m.lag_days is not None:
            made_lags.setdefault((m.channel, m.source_level, m.division.level), []).append(m.lag_days)
    found = {(x.channel, x.source_level, x.level): x for x in cascade(names, term).lags()}
    assert set(found) == set(made_lags)
    for key, lags in made_lags.items():
        assert found[key].adoptions == len(lags)
        assert abs(found[key].median_days - statistics.median(lags)) <= 1, key


def test_summary_first_movers_span_and_undated(names: Names, made: list[dd.Made]) -> None:
    c = cascade(names, dd.TOP_DOWN_TERM)
    assert [s.adoption.region for s in c.first_movers] == ["湖南省"]
    days = sorted(m.day for m in made if m.term == dd.TOP_DOWN_TERM and m.day)
    assert (c.first_date, c.last_date) == (days[0].isoformat(), days[-1].isoformat())
    assert c.span_days == (days[-1] - days[0]).days
    assert [a.region for a in c.undated] == ["广州市"]
    assert sum(c.shares().values()) == pytest.approx(1.0)
    county = next(s for s in c.steps if s.adoption.level == "county")
    assert county.channel == "top-down"
    # it follows its prefecture first (the most recent), then the province, each with its evidence
    assert [f.adoption.level for f in county.follows] == ["prefecture", "province"]
    assert [f.levels for f in county.follows] == [1, 2]
    assert county.follows[0].adoption.evidence.startswith(county.follows[0].adoption.region)


def test_region_filter_keeps_the_subtree(names: Names) -> None:
    c = cascade(names, dd.TOP_DOWN_TERM, Filters(region="长沙市"))
    assert c.steps and all(s.adoption.code.startswith("4301") for s in c.steps)
    assert c.steps[0].channel == "first-mover"  # the province is outside the selection


# -- the rules, on hand-made adoptions ---------------------------------------------------


def adoption(gaz: Gazetteer, code: str, when: str) -> Adoption:
    d = gaz.by_code[code]
    return Adoption(f"region:{code}", d.name, code, d.level, "", "mechanism:x", "x", "mechanism", "adopts",
                    when, when, 1, 0.9, f"{d.name}的证据", f"art{code}")  # fmt: skip


def channels(gaz: Gazetteer, rows: list[Adoption]) -> dict[str, str]:
    g = division_graph(gaz, [a.region_key for a in rows])
    steps, undated = classify(g, rows)
    return {s.adoption.code: s.channel for s in steps} | {a.code: "undated" for a in undated}


def test_vertical_ties_come_before_siblings(gaz: Gazetteer) -> None:
    rows = [
        adoption(gaz, "430000", "2020-01-01"),  # Hunan
        adoption(gaz, "430200", "2020-02-01"),  # Zhuzhou: below Hunan
        adoption(gaz, "430100", "2020-03-01"),  # Changsha: Hunan above it and Zhuzhou beside it
        adoption(gaz, "440000", "2020-04-01"),  # Guangdong: related to none
        adoption(gaz, "440100", "2019-01-01"),  # Guangzhou, before Guangdong
        adoption(gaz, "440300", "2019-06-01"),  # Shenzhen: Guangzhou beside it
        adoption(gaz, "450000", ""),
    ]
    assert channels(gaz, rows) == {
        "440100": "first-mover",
        "440300": "horizontal",
        "430000": "independent",
        "430200": "top-down",
        "430100": "top-down",
        "440000": "bottom-up",
        "450000": "undated",
    }


def test_partial_dates_are_before_only_when_they_end_first(gaz: Gazetteer) -> None:
    assert date_span("2023") == (date_span("2023-01-01")[0], date_span("2023-12-31")[1])  # type: ignore[index]
    assert date_span("2024-02") is not None and date_span("2024-02")[1].day == 29  # type: ignore[index]
    assert date_span("2023-13") is None and date_span("") is None
    rows = [adoption(gaz, "430000", "2023"), adoption(gaz, "430100", "2023-05-01"), adoption(gaz, "430200", "2024-02")]
    got = channels(gaz, rows)
    assert got["430100"] == "first-mover"  # 2023 may be after May 2023: not before it
    assert got["430200"] == "top-down"
    g = division_graph(gaz, [a.region_key for a in rows])
    steps, _ = classify(g, rows)
    zhuzhou = next(s for s in steps if s.adoption.code == "430200")
    assert zhuzhou.lag_days == (date_span("2024-02-01")[0] - date_span("2023-01-01")[0]).days  # type: ignore[index]


def test_hierarchy_helpers_name_the_hierarchy(gaz: Gazetteer) -> None:
    g = division_graph(gaz, ["region:430102", "region:430200"])
    assert above(g, "region:430102") == {"region:430100", "region:430000"}
    assert below(g, "region:430000") == {"region:430102", "region:430100", "region:430200"}
    assert siblings(g, "region:430100") == {"region:430200"}
    assert all(d["predicate"] == "part_of" for _, _, d in g.edges(data=True))


def test_part_of_from_the_store_places_regions_the_table_does_not_know(tmp_path: Path, gaz: Gazetteer) -> None:
    """A division the current table lacks (merged away) still hangs where the store's part_of puts it."""
    gone = Entity(kind="region", name="旧县", code="439999", level="county", parent="430100", province="湖南省")
    changsha = gaz.entity(gaz.by_code["430100"])
    with Store.open(tmp_path / "data") as store:
        store.save(dd.statement(0, changsha, "旧机制", dd.START, ()))
        store.save(dd.statement(1, gone, "旧机制", dd.START.replace(day=20), ((gone, changsha),)))
    with Store.open(tmp_path / "data", readonly=True) as store:
        c = cascade(Names(store, gaz), "旧机制")
    steps = {s.adoption.region: s for s in c.steps}
    assert steps["旧县"].channel == "top-down" and steps["旧县"].source.adoption.region == "长沙市"  # type: ignore[union-attr]


# -- leaders and communities -------------------------------------------------------------


def test_leaders_rank_who_came_first(names: Names) -> None:
    rows = leaders(names, limit=500)
    by_name = {r.region: r for r in rows}
    assert {"湖南省", "上城区"} <= {r.region for r in rows if r.first == 1}
    assert by_name["湖南省"].precedence == 1.0 and by_name["湖南省"].leads == 1
    assert by_name["浙江省"].leads == 0 and by_name["浙江省"].precedence == 0.0  # it came last
    assert rows[0].leads >= rows[-1].leads
    assert len(leaders(names, min_adoptions=2)) == 0  # every region adopted one of the terms


def test_communities_find_the_three_made_groups_the_same_way_twice(names: Names, made: list[dd.Made]) -> None:
    groups = communities(names)
    assert groups == communities(names)  # fixed seed
    found = {frozenset(m.code for m in c.members): c.terms[0].term for c in groups}
    for term in TERMS:
        codes = frozenset(m.division.code for m in made if m.term == term and m.day)
        codes |= {m.division.code for m in made if m.term == term and not m.day}
        assert found.get(codes) == term


def test_projection_is_networkx_weighted_projection_and_the_similar_measure(names: Names) -> None:
    g = region_term_graph(names)
    regions = [n for n in g if g.nodes[n]["bipartite"] == 0]
    full = bipartite.weighted_projected_graph(g, regions)
    kept = region_graph(g, neighbours=1000)
    assert set(map(frozenset, kept.edges())) == set(map(frozenset, full.edges()))
    for u, v, w in kept.edges(data="weight"):
        assert w == full[u][v]["weight"]
    pairs = similar_regions(names, "430100", Filters(kinds=("mechanism", "brand")), limit=5)
    for p in pairs:
        assert kept[p.a.key][p.b.key]["weight"] == p.shared


def test_each_region_keeps_its_closest_neighbours(names: Names) -> None:
    g = region_term_graph(names)
    regions = [n for n in g if g.nodes[n]["bipartite"] == 0]
    full = bipartite.weighted_projected_graph(g, regions)
    sparse = region_graph(g, neighbours=3)
    assert sparse.number_of_edges() <= 3 * sparse.number_of_nodes() < full.number_of_edges()
    for r in regions:
        if full.degree(r):
            best = max(w for _, _, w in full.edges(r, data="weight"))
            assert max(w for _, _, w in sparse.edges(r, data="weight")) == best


# -- the command line, the API and the exports --------------------------------------------


def test_cli_and_api_answer_with_the_same_cascade(data: Path) -> None:
    cli = run_cli("diffusion", dd.BOTTOM_UP_TERM, "--data", str(data), "--json")
    assert cli.returncode == 0, cli.stderr
    record = json.loads(cli.stdout)
    client = TestClient(create_app(Settings(store=data)))
    assert client.get(f"/diffusion/{dd.BOTTOM_UP_TERM}").json() == record
    prov = next(a for a in record["adoptions"] if a["region"] == "浙江省")
    assert prov["class"] == "bottom-up" and prov["lag_days"] == 45 and prov["follows"][0]["level"] == "prefecture"
    assert record["summary"]["counts"]["bottom-up"] == 12
    assert client.get("/leaders", params={"limit": 3}).json()["items"][0]["leads"] == 1
    assert len(client.get("/communities").json()["items"]) == 3
    similar = client.get("/similar/长沙市", params={"limit": 3}).json()
    assert similar["region"]["name"] == "长沙市" and similar["items"][0]["shared"] == 1


def test_cli_tables_and_errors(data: Path) -> None:
    out = run_cli("diffusion", dd.TOP_DOWN_TERM, "--data", str(data))
    assert out.returncode == 0 and "top-down 136" in out.stdout and "undated: 广州市" in out.stdout
    assert "prefecture  county" in out.stdout
    bad = run_cli("diffusion", "下沉机智", "--data", str(data))
    assert bad.returncode == 1 and "closest: 下沉机制" in bad.stderr
    assert "湖南省" in run_cli("leaders", "--data", str(data)).stdout
    groups = run_cli("communities", "--data", str(data))
    assert groups.returncode == 0 and "3 group(s)" in groups.stdout and dd.HORIZONTAL_TERM in groups.stdout
    similar = run_cli("similar", "芙蓉区", "--data", str(data), "--limit", "2")
    assert similar.returncode == 0 and "shared" in similar.stdout
    unknown = run_cli("similar", "不存在市", "--data", str(data))
    assert unknown.returncode == 1 and "unknown region" in unknown.stderr


def test_cascade_csv_reads_back_with_pandas(data: Path, tmp_path: Path, made: list[dd.Made]) -> None:
    out = tmp_path / "cascade.csv"
    assert run_cli("export", "--data", str(data), "--format", "cascade", "-o", str(out)).returncode == 0
    df = pd.read_csv(out, dtype={"unit_code": str, "source_code": str})
    assert len(df) == len(made)
    assert set(df["policy"]) == set(TERMS)
    row = df[(df["unit"] == "浙江省")].iloc[0]
    assert row["class"] == "bottom-up" and row["lag_days"] == 45 and row["source_code"].startswith("33")
    assert row["year"] == 2020 or row["year"] == 2021
    assert (df["class"] == "undated").sum() == 1
    one = tmp_path / "one.csv"
    assert (
        run_cli("export", "--data", str(data), "-f", "cascade", "--term", dd.HORIZONTAL_TERM, "-o", str(one)).returncode
        == 0
    )
    assert set(pd.read_csv(one)["policy"]) == {dd.HORIZONTAL_TERM}


def test_cascade_gexf_reads_back_with_networkx_and_plays_over_time(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "cascade.gexf"
    ran = run_cli("export", "--data", str(data), "-f", "cascade-gexf", "--term", dd.TOP_DOWN_TERM, "-o", str(out))
    assert ran.returncode == 0, ran.stderr
    assert 'mode="dynamic"' in out.read_text(encoding="utf-8") and 'timeformat="date"' in out.read_text(
        encoding="utf-8"
    )
    g = nx.read_gexf(out)
    assert g.number_of_nodes() == 137
    hunan = g.nodes["region:430000"]
    assert hunan["label"] == "湖南省" and hunan["start"] == "2020-03-02"
    d = next(d for _, v, d in g.edges(data=True) if v == "region:430100")
    assert d["channel"] == "top-down" and d["term"] == dd.TOP_DOWN_TERM and d["start"] > hunan["start"]


def test_response_models_declare_what_the_serializer_writes(data: Path) -> None:
    from zxkg.api.web.schemas import CascadeOut, CascadeStepOut, CommunityOut, FollowOut, LeaderOut, StepLagOut

    def fields(model: type) -> set[str]:
        return {f.alias or name for name, f in model.model_fields.items()}  # type: ignore[attr-defined]

    client = TestClient(create_app(Settings(store=data)))
    c = client.get(f"/diffusion/{dd.TOP_DOWN_TERM}").json()
    step = next(a for a in c["adoptions"] if a["follows"])
    pairs = [
        (CascadeOut, c),
        (CascadeStepOut, step),
        (FollowOut, step["follows"][0]),
        (StepLagOut, c["summary"]["lags"][0]),
        (LeaderOut, client.get("/leaders").json()["items"][0]),
        (CommunityOut, client.get("/communities").json()["items"][0]),
    ]
    for model, record in pairs:
        assert fields(model) == set(record), model.__name__
