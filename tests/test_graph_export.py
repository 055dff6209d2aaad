"""Every export format written and read back: networkx readers, the csv module, lxml."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.conftest import Places
from tests.graph_data import build_store
from zxkg.graph.build import GraphView, build_graph
from zxkg.graph.export import FORMATS, export
from zxkg.graph.export.cyjs import write_cyjs
from zxkg.graph.export.files import NOT_XML, atomic_open
from zxkg.graph.export.gexf import write_gexf
from zxkg.graph.export.graphml import write_graphml
from zxkg.graph.export.neo4j import write_neo4j
from zxkg.graph.export.nodelink import write_node_link
from zxkg.graph.models import Edge, Filters, Node
from zxkg.graph.names import Names
from zxkg.graph.query import panel
from zxkg.ingest.errors import UsageError
from zxkg.ingest.gazetteer import Gazetteer
from zxkg.ingest.store import Store
from zxkg.ingest.store.records import RelationRow

GEXF_NS = "{http://www.gexf.net/1.2draft}"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory, gaz: Gazetteer, places: Places) -> str:
    return build_store(places.new(tmp_path_factory.mktemp("export") / "data"), gaz)


@pytest.fixture
def names(store_dir: Path, gaz: Gazetteer) -> Iterator[Names]:
    with Store.open(store_dir, readonly=True) as store:
        yield Names(store, gaz)


@pytest.fixture
def expected(names: Names) -> nx.MultiDiGraph[str]:
    return build_graph(GraphView(names.store, names.query(Filters())))


def edge_set(g: Any, attr: str | None = None) -> set[tuple[str, str, str]]:
    """(source, target, predicate) of every edge; the predicate from ``attr`` or the key."""
    if attr is None:
        return {(u, v, k) for u, v, k in g.edges(keys=True)}
    return {(u, v, d[attr]) for u, v, d in g.edges(data=True)}


def read_graph(fmt: str, path: Path) -> Any:
    if fmt == "graphml":  # node ids are n0, n1 …; the store's key is an attribute
        g = nx.read_graphml(path, force_multigraph=True)
        return nx.relabel_nodes(g, {n: d["key"] for n, d in g.nodes(data=True)})
    if fmt == "gexf":
        return nx.read_gexf(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    if fmt == "json":
        return nx.node_link_graph(data, edges="edges")
    return nx.cytoscape_graph(data)


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "cyjs"])
def test_graph_formats_read_back_with_networkx(
    names: Names, expected: nx.MultiDiGraph[str], tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / f"graph.{fmt}"
    written = export(names, fmt, path)
    assert dict(written.counts) == {"nodes": expected.number_of_nodes(), "edges": expected.number_of_edges()}
    g = read_graph(fmt, path)
    assert g.is_directed()
    assert set(g.nodes) == set(expected.nodes)
    assert edge_set(g, "predicate") == edge_set(expected)
    key = ("region:430100", "mechanism:双考")
    data = next(d for u, v, d in g.edges(data=True) if (u, v) == key and d["predicate"] == "adopts")
    assert int(data["articles"]) == 2 and data["first_date"] == "2021-03-01"
    evidence = data["evidence"]["quote"] if fmt == "json" else data["evidence"]
    assert evidence == "长沙市政协推行委员“双考”,考勤又考绩 & 评<优>。"
    node = g.nodes["mechanism:双考"]
    assert node["kind"] == "mechanism"
    assert node["aliases"] in (["委员双考"], "委员双考")  # lists stay lists in JSON, are joined elsewhere
    assert not list(tmp_path.glob(".*.tmp"))


def test_graphml_holds_scalars_only(names: Names, tmp_path: Path) -> None:
    path = tmp_path / "g.graphml"
    export(names, "graphml", path)
    g = nx.read_graphml(path)
    for _, data in g.nodes(data=True):
        assert all(isinstance(v, str | int | float) for v in data.values())
    for _, _, data in g.edges(data=True):
        assert all(isinstance(v, str | int | float) for v in data.values())
        assert isinstance(data["articles"], int) and isinstance(data["confidence"], float)
    control = next(d for _, _, d in g.edges(data=True) if d["predicate"] == "implements")
    assert control["evidence"] == "该办法把“双考”写入制度。"  # the vertical tab XML forbids is dropped


def test_gexf_is_dynamic_with_start_dates(names: Names, expected: nx.MultiDiGraph[str], tmp_path: Path) -> None:
    path = tmp_path / "g.gexf"
    export(names, "gexf", path)
    root = etree.parse(str(path)).getroot()
    assert root.get("version") == "1.2"
    graph = root.find(f"{GEXF_NS}graph")
    assert graph is not None
    assert (graph.get("mode"), graph.get("timeformat"), graph.get("defaultedgetype")) == ("dynamic", "date", "directed")
    starts = {n.get("id"): n.get("start") for n in graph.iter(f"{GEXF_NS}node")}
    assert "start" not in {a.get("title") for a in graph.iter(f"{GEXF_NS}attribute")}  # an XML attribute here
    assert starts["region:433100"] == "2020-01-05"
    assert starts["region:431100"] == "2023-01-01"  # the article says only 2023
    assert starts["region:440100"] is None and starts["region:430000"] is None  # undated, division table
    edges = {(e.get("source"), e.get("target"), e.get("label")): e for e in graph.iter(f"{GEXF_NS}edge")}
    assert len(edges) == expected.number_of_edges()
    first = edges[("region:430100", "mechanism:双考", "adopts")]
    assert (first.get("start"), first.get("weight")) == ("2021-03-01", "2")
    # an undated edge starts with its later endpoint: never before both its nodes are there
    assert edges[("region:430100", "region:430000", "part_of")].get("start") == starts["region:430100"] is not None
    for e in graph.iter(f"{GEXF_NS}edge"):
        ends = [starts[e.get("source")], starts[e.get("target")]]
        assert all(e.get("start") >= s for s in ends if s), (e.get("source"), e.get("target"))
    g = nx.read_gexf(path)
    assert g.graph["mode"] == "dynamic" and g.nodes["region:433100"]["start"] == "2020-01-05"


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def test_plain_csv_directory(names: Names, expected: nx.MultiDiGraph[str], tmp_path: Path) -> None:
    written = export(names, "csv", tmp_path / "out")
    header, nodes = read_csv(tmp_path / "out" / "nodes.csv")
    assert header[:4] == ["id", "label", "kind", "name"] and "aliases" in header
    assert {r["id"] for r in nodes} == set(expected.nodes)
    header, edges = read_csv(tmp_path / "out" / "edges.csv")
    assert header[:3] == ["source", "target", "predicate"] and "evidence" in header
    assert {(r["source"], r["target"], r["predicate"]) for r in edges} == edge_set(expected)
    assert dict(written.counts) == {"nodes": len(nodes), "edges": len(edges)}


def test_neo4j_import_files(names: Names, expected: nx.MultiDiGraph[str], tmp_path: Path) -> None:
    export(names, "neo4j", tmp_path / "neo")
    header, nodes = read_csv(tmp_path / "neo" / "nodes.csv")
    assert header[0] == "key:ID" and header[-1] == ":LABEL"
    assert "aliases:string[]" in header and "start" in header and "start_day:date" in header
    assert {r["key:ID"] for r in nodes} == set(expected.nodes)
    labels = {r["key:ID"]: r[":LABEL"] for r in nodes}
    assert labels["region:430100"] == "Entity;Region" and labels["brand:有事好商量"] == "Entity;Brand"
    header, rels = read_csv(tmp_path / "neo" / "relationships.csv")
    assert header[:4] == [":START_ID", ":END_ID", ":TYPE", "articles:int"]
    assert {(r[":START_ID"], r[":END_ID"], r[":TYPE"].lower()) for r in rels} == edge_set(expected)
    assert {r[":TYPE"] for r in rels} >= {"ADOPTS", "RUNS", "ISSUES", "IMPLEMENTS", "PART_OF"}
    assert all(r[":START_ID"] in labels and r[":END_ID"] in labels for r in rels)


def test_adoption_table_matches_the_relations_in_the_store(names: Names, tmp_path: Path) -> None:
    export(names, "adoptions", tmp_path / "adoptions.csv")
    header, rows = read_csv(tmp_path / "adoptions.csv")
    assert header[:10] == [
        "region", "region_code", "level", "province", "term", "kind", "predicate", "first_date", "year", "articles",
    ]  # fmt: skip
    assert {"evidence", "article"} <= set(header)
    relations: dict[tuple[str, str], list[RelationRow]] = {}
    for r in names.store.relations():
        if r.s_kind == "region" and r.o_kind not in ("region", "article"):
            relations.setdefault((r.s_name, r.o_name), []).append(r)
    assert {(row["region"], row["term"]) for row in rows} == set(relations)
    assert len(rows) == len(relations)
    for row in rows:
        rels = relations[(row["region"], row["term"])]
        dates = sorted(r.date for r in rels if r.date)
        assert row["first_date"] == (dates[0] if dates else "")
        assert row["year"] == (dates[0][:4] if dates else "")
        assert int(row["articles"]) == len({r.article_id for r in rels})
        assert row["evidence"] in {r.evidence for r in rels}
        assert row["article"] in {r.article_id for r in rels}


def test_panel_is_zero_until_adoption_then_one(names: Names, tmp_path: Path) -> None:
    export(names, "panel", tmp_path / "panel.csv")
    header, rows = read_csv(tmp_path / "panel.csv")
    assert header == [
        "region",
        "region_code",
        "level",
        "province",
        "term",
        "kind",
        "year",
        "adopted",
        "first_year",
        "review",
    ]
    years = sorted({int(r["year"]) for r in rows})
    assert years == [2020, 2021, 2022, 2023]
    series = {r["year"]: r["adopted"] for r in rows if r["region"] == "株洲市" and r["term"] == "双考"}
    assert series == {"2020": "0", "2021": "0", "2022": "1", "2023": "1"}
    never = {r["adopted"] for r in rows if r["region"] == "永州市" and r["term"] == "双考"}
    assert never == {"0"}
    undated = {r["adopted"] for r in rows if r["region"] == "广州市" and r["term"] == "双考"}
    assert undated == {""}  # adopted, but when is unknown
    regions = {r["region"] for r in rows}
    terms = {r["term"] for r in rows}
    assert len(rows) == len(regions) * len(terms) * len(years)


def test_panel_over_a_region_includes_the_divisions_that_never_adopted(names: Names) -> None:
    rows = list(panel(names, Filters(region="湖南省", kinds=("mechanism",))))
    regions = {r.region for r in rows}
    assert len(regions) == 14 and "岳阳市" in regions  # every prefecture-level division of 湖南
    assert {r.adopted for r in rows if r.region == "岳阳市"} == {0}


def test_unknown_format_names_the_valid_ones(names: Names, tmp_path: Path) -> None:
    with pytest.raises(UsageError) as err:
        export(names, "gml", tmp_path / "x.gml")
    assert str(err.value) == (
        "unknown export format 'gml'; expected one of graphml, gexf, json, cyjs, neo4j, csv, adoptions, panel,"
        " xlsx, cascade, cascade-gexf"
    )
    assert FORMATS == (
        "graphml",
        "gexf",
        "json",
        "cyjs",
        "neo4j",
        "csv",
        "adoptions",
        "panel",
        "xlsx",
        "cascade",
        "cascade-gexf",
    )


def test_files_and_directories_are_not_confused(names: Names, tmp_path: Path) -> None:
    (tmp_path / "file.csv").write_text("x")
    with pytest.raises(UsageError, match="is a file"):
        export(names, "neo4j", tmp_path / "file.csv")
    with pytest.raises(UsageError, match="is a directory"):
        export(names, "gexf", tmp_path)


class Failing(GraphView):
    """A view whose edges break off half way, like a disk or a query that fails."""

    def edges(self) -> Iterator[Edge]:
        yield from list(super().edges())[:2]
        raise OSError("disk full")


def test_a_failed_export_leaves_the_previous_file_whole(names: Names, tmp_path: Path) -> None:
    path = tmp_path / "g.graphml"
    export(names, "graphml", path)
    before = path.read_bytes()
    with pytest.raises(OSError, match="disk full"):
        write_graphml(Failing(names.store, names.query(Filters())), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.graphml"]


def test_atomic_open_creates_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.txt"
    with pytest.raises(RuntimeError), atomic_open(target) as fh:
        fh.write("partial")
        raise RuntimeError
    assert not target.exists() and list((tmp_path / "sub").iterdir()) == []


def test_export_with_filters_and_around(names: Names, tmp_path: Path) -> None:
    written = export(names, "json", tmp_path / "hunan.json", Filters(region="湖南", predicates=("adopts",)))
    g = nx.node_link_graph(json.loads((tmp_path / "hunan.json").read_text(encoding="utf-8")), edges="edges")
    assert "region:440100" not in g and {d["predicate"] for _, _, d in g.edges(data=True)} == {"adopts"}
    assert dict(written.counts)["edges"] == 5
    export(names, "graphml", tmp_path / "ego.graphml", around="有事好商量", depth=1)
    ego = read_graph("graphml", tmp_path / "ego.graphml")
    assert set(ego) == {"brand:有事好商量", "region:430100", "region:440100"}


def test_node_records_flatten_lists() -> None:
    node = Node("mechanism:双考", "mechanism", "双考", attrs=(("aliases", ("委员双考", "双考制")),))
    assert node.data()["aliases"] == ["委员双考", "双考制"]
    assert node.flat()["aliases"] == "委员双考|双考制"


class ListView(GraphView):
    """Nodes and edges from lists, no store: for property tests of the writers alone."""

    def __init__(self, nodes: list[Node], edges: list[Edge]) -> None:
        self._nodes, self._edges = nodes, edges

    def nodes(self) -> Iterator[Node]:
        yield from self._nodes

    def edges(self) -> Iterator[Edge]:
        yield from self._edges

    def attr_names(self) -> list[str]:
        return ["aliases"]


def xml_kept(text: str) -> str:
    """What survives XML 1.0: everything but the characters it cannot hold."""
    return NOT_XML.sub("", text)


texts = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names_=st.lists(texts, min_size=1, max_size=4), evidence=texts)
@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "cyjs"])
def test_any_text_survives_the_round_trip(tmp_path: Path, fmt: str, names_: list[str], evidence: str) -> None:
    nodes = [Node(f"brand:{i}{n}", "brand", n, attrs=(("aliases", (n, "x")),)) for i, n in enumerate(names_)]
    edges = [Edge(nodes[0].key, n.key, "runs", 1, "2024-05-24", "2024-05-24", 0.5, evidence) for n in nodes]
    path = tmp_path / f"prop.{fmt}"
    write = {"graphml": write_graphml, "gexf": write_gexf, "json": write_node_link, "cyjs": write_cyjs}[fmt]
    write(ListView(nodes, edges), path)
    g = read_graph(fmt, path)
    keep = xml_kept if fmt in ("graphml", "gexf") else (lambda s: s)
    assert set(g.nodes) == {keep(n.key) for n in nodes}
    for n in nodes:
        data = g.nodes[keep(n.key)]
        assert data["label" if fmt != "cyjs" else "name"] == keep(n.name)
    assert sorted(keep(evidence) == (d["evidence"]["quote"] if fmt == "json" else d["evidence"]) for *_, d in
                  g.edges(data=True)) == [True] * len(edges)  # fmt: skip


def test_neo4j_quotes_line_breaks_tabs_and_edge_spaces(tmp_path: Path) -> None:
    """The writer alone, on evidence no ingest normalises away: read back with the CSV rules
    neo4j-admin --multiline-fields=true reads by, every character is where it was."""
    evidence = '  第一行\n\t第二行 "引号" ,逗号\r\n第三行  '
    nodes = [Node("region:430100", "region", "长沙市"), Node("mechanism:双考", "mechanism", "双考")]
    edge = Edge(nodes[0].key, nodes[1].key, "adopts", 1, "2024", "2024-05-24", 0.9, evidence, "a1", "a.txt", " 标题\t")
    write_neo4j(ListView(nodes, [edge]), tmp_path / "neo")
    with (tmp_path / "neo" / "relationships.csv").open(encoding="utf-8", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["evidence"] == evidence and row["title"] == " 标题\t"
    assert (row["first_date"], row["first_day:date"]) == ("2024", "")
    assert (row["last_date"], row["last_day:date"]) == ("2024-05-24", "2024-05-24")
