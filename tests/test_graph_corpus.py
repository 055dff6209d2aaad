"""Every export on the real articles of ../shared/corpus (skipped when it is absent)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from tests.conftest import ROOT
from zxkg.graph.export import FORMATS, export
from zxkg.graph.models import Filters
from zxkg.graph.names import Names
from zxkg.graph.query import adoption_table
from zxkg.ingest.link import Context
from zxkg.ingest.pipeline import ingest
from zxkg.ingest.store import Store

CORPUS = ROOT.parent / "shared" / "corpus"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")


@pytest.fixture(scope="module")
def names(tmp_path_factory: pytest.TempPathFactory, module_ctx: Context) -> Iterator[Names]:
    data = tmp_path_factory.mktemp("corpus") / "data"
    with Store.open(data) as store:
        summary = ingest([str(CORPUS)], store, module_ctx)
        assert summary.counts()["failed"] == 0
    with Store.open(data, readonly=True) as store:
        yield Names(store, module_ctx.gazetteer)


def reopen(fmt: str, path: Path) -> int:
    """Open an export again the way its users' tools would; return what it holds."""
    if fmt == "graphml":
        return int(nx.read_graphml(path).number_of_edges())
    if fmt in ("gexf", "cascade-gexf"):
        return int(nx.read_gexf(path).number_of_edges())
    if fmt in ("json", "cyjs"):
        data = json.loads(path.read_text(encoding="utf-8"))
        g = nx.node_link_graph(data, edges="edges") if fmt == "json" else nx.cytoscape_graph(data)
        return int(g.number_of_edges())
    if fmt == "xlsx":  # the adoption table's sheet; the panel is its second
        import openpyxl

        return sum(1 for _ in openpyxl.load_workbook(path, read_only=True)["adoptions"].iter_rows()) - 1
    name = {"neo4j": "relationships.csv", "csv": "edges.csv"}.get(fmt)
    with (path / name if name else path).open(encoding="utf-8-sig", newline="") as fh:
        return sum(1 for _ in csv.DictReader(fh))


def recent(names: Names) -> Filters:
    """The adoptions of the last three years that have any: the panel of the whole corpus is
    80,000 rows (terms × regions × years), ten seconds of openpyxl, where a few years' slice
    writes the same sheets and cells from the same articles in a second."""
    years = sorted({a.year for a in adoption_table(names) if a.year is not None})
    return Filters(since=str(years[-3]))


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_export_writes_and_opens_again(names: Names, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"corpus.{fmt}"
    written = export(names, fmt, path, recent(names) if fmt == "xlsx" else Filters())
    counts = dict(written.counts)
    held = reopen(fmt, path)
    assert held > 0
    assert held == counts.get("edges", counts.get("relationships", counts.get("rows", counts.get("adoptions rows"))))
    if fmt == "xlsx":
        import openpyxl

        panel = openpyxl.load_workbook(path, read_only=True)["panel"]
        assert 0 < sum(1 for _ in panel.iter_rows()) - 1 == counts["panel rows"]


def test_adoption_table_has_a_row_for_every_region_to_term_relation(names: Names) -> None:
    rows = {(a.region_key, a.term_key) for a in adoption_table(names)}
    pairs = {
        (f"{r.s_kind}:{r.s_code or r.s_name}", f"{r.o_kind}:{r.o_code or r.o_name}")
        for r in names.store.relations()
        if r.s_kind == "region" and r.o_kind in ("mechanism", "brand", "slogan", "document")
    }
    assert pairs and rows == pairs


def test_region_filter_on_real_data(names: Names, tmp_path: Path) -> None:
    everything = dict(export(names, "csv", tmp_path / "all").counts)
    jiangsu = dict(export(names, "csv", tmp_path / "js", Filters(region="江苏省")).counts)
    assert 0 < jiangsu["edges"] < everything["edges"]
    with (tmp_path / "js" / "nodes.csv").open(encoding="utf-8") as fh:
        provinces = {r["province"] for r in csv.DictReader(fh) if r["kind"] == "region"}
    assert provinces == {"江苏省"}
