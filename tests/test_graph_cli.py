"""The graph commands as a user runs them: output, --json, exit codes and messages."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest

from tests.conftest import SEED, Places, run_cli
from tests.graph_data import build_store
from zxkg.ingest.gazetteer import Gazetteer


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory, places: Places) -> str:
    return build_store(places.new(tmp_path_factory.mktemp("cli") / "data"), Gazetteer.load())


def test_adopters_json_and_table(data: str) -> None:
    out = run_cli("adopters", "“双考”", "--data", data, "--json")
    assert out.returncode == 0, out.stderr
    record = json.loads(out.stdout)
    assert [a["region"] for a in record["adopters"]] == ["湘西土家族苗族自治州", "长沙市", "株洲市", "广州市"]
    first = record["adopters"][1]
    assert first["code"] == "430100" and first["first_date"] == "2021-03-01" and first["year"] == 2021
    assert first["article"] == "a0000000000000002" and "双考" in first["evidence"]
    assert {m["name"] for m in record["matched"]} == {"双考", "双考制度"}
    assert record["co_adopted"][0]["b"]["name"] == "有事好商量"

    table = run_cli("adopters", "双考", "--data", data, "--region", "湖南")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0] == "双考 (mechanism; matches 双考制度): 3 adopting region(s)"
    assert lines[1].split() == [
        "first",
        "date",
        "region",
        "level",
        "province",
        "predicate",
        "articles",
        "sentences",
        "first",
        "evidence",
        "file",
    ]
    assert "长沙市 (430100)" in lines[3] and "广州市" not in table.stdout


def test_region_and_timeline(data: str) -> None:
    out = run_cli("region", "长沙", "--data", data, "--json")
    assert out.returncode == 0, out.stderr
    record = json.loads(out.stdout)
    assert record["region"] == {
        "key": "region:430100", "kind": "region", "name": "长沙市", "code": "430100", "level": "prefecture",
        "province": "湖南省", "parent": "430000", "aliases": [], "articles": record["articles"],
    }  # fmt: skip
    assert [m["term"] for m in record["mechanisms"]] == ["双考"]
    assert [b["term"] for b in record["brands"]] == ["有事好商量"]
    assert [d["term"] for d in record["documents"]] == ["长沙市政协委员履职考核办法"]
    assert [t["first_date"] for t in record["timeline"]] == ["2021-03-01"] * 3
    assert record["similar"][0]["b"]["name"] == "广州市"
    text = run_cli("region", "湖南省", "--subtree", "--data", data)
    assert text.returncode == 0 and "mechanisms (5):" in text.stdout and "株洲市 (430200)" in text.stdout

    line = run_cli("timeline", "双考", "--data", data, "--by", "year", "--json")
    assert line.returncode == 0, line.stderr
    points = json.loads(line.stdout)["points"]
    assert [(p["date"], p["cumulative"]) for p in points] == [("2020", 1), ("2021", 2), ("2022", 3)]
    table = run_cli("timeline", "双考", "--data", data)
    assert ["2022-06-10", "1", "3", "株洲市"] in [line.split() for line in table.stdout.splitlines()]
    assert "undated: 广州市" in table.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["adopters", "双烤"], 1, "Error: no mechanism, brand, slogan or document named '双烤'; closest: 双考"),
        (["region", "鼓楼区"], 2, "Error: region '鼓楼区' is ambiguous: 鼓楼区 (320106)"),
        (["timeline", "双考", "--since", "soon"], 2, "Error: --since 'soon' is not a date"),
        (
            ["export", "--format", "gml", "-o", "x.gml"],
            2,
            "Error: unknown export format 'gml'; expected one of graphml, gexf, json, cyjs, neo4j, csv, adoptions, "
            "panel, xlsx, cascade, cascade-gexf\n",
        ),
        (["export", "-f", "csv", "-o", "out", "--kind", "place"], 2, "Error: unknown kind 'place'; expected one of"),
    ],
)
def test_errors_are_clear(data: str, args: list[str], code: int, message: str) -> None:
    out = run_cli(*args, "--data", data)
    assert out.returncode == code
    assert out.stderr.startswith(message), out.stderr  # (the full line where the message ends in \n)


def test_every_export_of_the_seed_article_opens_again(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    assert run_cli("ingest", "--data", data, str(SEED)).returncode == 0
    for fmt in ("graphml", "gexf", "json", "cyjs", "neo4j", "csv", "adoptions", "panel"):
        target = tmp_path / f"seed.{fmt}"
        out = run_cli("export", "--data", data, "--format", fmt, "-o", str(target))
        assert out.returncode == 0, out.stderr
        assert out.stdout.startswith(f"{fmt}: ") and str(target) in out.stdout
    assert nx.read_graphml(tmp_path / "seed.graphml").number_of_nodes() > 20
    assert nx.read_gexf(tmp_path / "seed.gexf").number_of_edges() > 20
    issues = [
        r for r in csv.DictReader((tmp_path / "seed.adoptions").open(encoding="utf-8-sig")) if r["kind"] == "document"
    ]
    assert len(issues) == 9 and {r["first_date"] for r in issues} == {"2024-05-24"}
    assert (tmp_path / "seed.neo4j" / "relationships.csv").exists()
    profile = json.loads(run_cli("region", "怀化", "--data", data, "--json").stdout)
    assert profile["articles"] == 1
    assert "怀化市政协委员履职考勤考绩工作实施办法" in {d["term"] for d in profile["documents"]}
