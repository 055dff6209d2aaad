"""Citing every source: the adoption table names the first evidence's article (URL, source,
title, file by its path under the ingested directory) and how many sentences stand behind a
row; every one of them is one call away (CLI, API), on both store backends."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import run_cli
from zxkg.api.web.app import create_app
from zxkg.api.web.deps import Settings
from zxkg.ingest.store.paths import ingested_roots, relative_path

# Three files named news.txt in three folders: only their paths tell them apart.
FILES = {
    "2023/news.txt": """title: 株洲市政协推进“两力两率”评价
date: 2023-03-01
source: 株洲政协网
url: https://example.org/zz/1
---
株洲市政协进一步完善“两力两率”评价,全面推行委员“双考”制度。
""",
    "2024/05/news.txt": """title: 株洲市政协深化“两力两率”评价
date: 2024-05-10
source: 湖南政协新闻网
---
株洲市政协持续深化“两力两率”评价,推动委员履职。
""",
    "2025/news.txt": """title: 衡阳市政协委员工作室建设
date: 2025-06-01
---
衡阳市政协深入实施“两力两率”评价,健全党员委员联系党外委员制度。
""",
}


@pytest.fixture
def cited(location: str, tmp_path: Path) -> str:
    root = tmp_path / "corpus"
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    result = run_cli("ingest", "--data", location, str(root))
    assert result.returncode == 0 and "ingested 3" in result.stdout, result.stdout + result.stderr
    return location


def _rows(location: str, tmp_path: Path) -> list[dict[str, str]]:
    out = tmp_path / "adoptions.csv"
    result = run_cli("export", "--data", location, "-f", "adoptions", "-o", str(out), "--term", "两力两率")
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8-sig", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["term"] == "两力两率"]


def test_the_adoption_table_cites_its_first_evidence_and_counts_the_rest(cited: str, tmp_path: Path) -> None:
    rows = {r["region"]: r for r in _rows(cited, tmp_path)}
    zz, hy = rows["株洲市"], rows["衡阳市"]
    assert zz["file"] == "2023/news.txt" and hy["file"] == "2025/news.txt"  # not news.txt three times
    assert zz["url"] == "https://example.org/zz/1" and zz["source"] == "株洲政协网"
    assert zz["title"] == "株洲市政协推进“两力两率”评价"
    assert zz["evidence_count"] == "2" and hy["evidence_count"] == "1"
    assert hy["url"] == "" and hy["source"] == ""


def test_every_evidence_of_a_row_is_one_call_away_on_the_command_line(cited: str) -> None:
    out = run_cli("adopters", "两力两率", "--data", cited, "--all-evidence", "--json")
    assert out.returncode == 0, out.stderr
    adopters = {a["region"]: a for a in json.loads(out.stdout)["adopters"]}
    zz = adopters["株洲市"]
    assert [e["file"] for e in zz["all_evidence"]] == ["2023/news.txt", "2024/05/news.txt"]
    assert len(zz["all_evidence"]) == zz["evidence_count"] == 2
    first = zz["all_evidence"][0]
    assert first["evidence"] == zz["evidence"] and first["article"] == zz["article"] and first["date"] == "2023-03-01"
    assert zz["all_evidence"][1]["source"] == "湖南政协新闻网"

    text = run_cli("adopters", "两力两率", "--data", cited, "--all-evidence")
    assert text.returncode == 0, text.stderr
    assert "株洲市" in text.stdout and "2 evidence sentence(s)" in text.stdout
    assert "2024/05/news.txt" in text.stdout and "https://example.org/zz/1" in text.stdout
    assert "株洲市政协深化“两力两率”评价" in text.stdout


def test_the_evidence_endpoint_gives_every_sentence_of_a_region_and_term(cited: str) -> None:
    client = TestClient(create_app(Settings(store=cited)))
    page = client.get("/adoptions/株洲/两力两率/evidence")
    assert page.status_code == 200, page.text
    body = page.json()
    assert body["region"]["name"] == "株洲市" and body["total"] == 2
    assert [e["date"] for e in body["items"]] == ["2023-03-01", "2024-05-10"]
    assert {e["region"] for e in body["items"]} == {"株洲市"}
    first = body["items"][0]
    article = client.get(f"/articles/{first['article']}").json()
    assert article["text"][first["start"] : first["end"]] == first["evidence"]
    assert article["file"] == "2023/news.txt"
    table = client.get("/adoptions", params={"term": "两力两率"}).json()["items"]
    row = next(r for r in table if r["region"] == "株洲市")
    assert row["evidence"] == first["evidence"] and row["evidence_count"] == 2

    assert client.get("/adoptions/株洲/两力两率/evidence", params={"since": "2024"}).json()["total"] == 1
    assert client.get("/adoptions/株洲/没有这个机制/evidence").status_code == 404
    assert client.get("/adoptions/没有这个地方/两力两率/evidence").status_code == 404


def test_search_hits_name_files_by_their_path(cited: str) -> None:
    client = TestClient(create_app(Settings(store=cited)))
    hits = client.get("/search", params={"q": "两力两率"}).json()["hits"]
    assert sorted(h["file"] for h in hits) == ["2023/news.txt", "2024/05/news.txt", "2025/news.txt"]


def test_a_path_is_relative_to_the_deepest_directory_ingested() -> None:
    roots = ingested_roots(['["corpus/", "/data/news"]', '["./corpus/2024", "one.txt", "-"]', None])
    assert roots[0] == "corpus/2024/" and "/data/news/" in roots
    assert relative_path("corpus/2024/05/1.txt", roots, "1.txt") == "05/1.txt"
    assert relative_path("corpus/2023/1.txt", roots, "1.txt") == "2023/1.txt"
    assert relative_path("/data/news/a.jsonl:7", roots, "a.jsonl:7") == "a.jsonl:7"
    assert relative_path("one.txt", roots, "one.txt") == "one.txt"  # a file named on the command line
    assert relative_path("elsewhere/x.txt", roots, "x.txt") == "x.txt"
    assert relative_path(None, roots, "stdin") == "stdin"


def test_a_citation_holding_the_separator_of_joined_texts_is_read_whole(location: str, tmp_path: Path) -> None:
    """A row of the adoption table reads its citation as one joined text (``pairs.CITATION``);
    a URL or a path may hold the separator itself (U+001F, which normalising leaves in
    neither): such a row's citation is read again text by text, exactly, and the table
    reads the same whether its rows come from the pairs or from grouping the relations."""
    sep = "\x1f"
    root = tmp_path / "corpus"
    (root / f"a{sep}b").mkdir(parents=True)
    (root / f"a{sep}b" / "news.txt").write_text(
        FILES["2023/news.txt"].replace("https://example.org/zz/1", f"https://example.org/zz{sep}1"), encoding="utf-8"
    )
    (root / "2025").mkdir()
    (root / "2025" / "news.txt").write_text(FILES["2025/news.txt"], encoding="utf-8")
    result = run_cli("ingest", "--data", location, str(root))
    assert result.returncode == 0 and "ingested 2" in result.stdout, result.stdout + result.stderr

    from zxkg.graph.models import Filters
    from zxkg.graph.names import Names
    from zxkg.graph.query import adopters
    from zxkg.ingest.gazetteer import Gazetteer
    from zxkg.ingest.store import Store

    with Store.open(location, readonly=True) as store:
        names = Names(store, Gazetteer.load())
        rows = {a.region: a for a in adopters(names, "两力两率").adoptions}  # read from the pairs
        grouped = adopters(names, "两力两率", Filters(since="1900")).adoptions  # from the relations
    assert sorted(rows.values()) == sorted(grouped)
    zz, hy = rows["株洲市"], rows["衡阳市"]
    assert (zz.url, zz.file, zz.source) == (f"https://example.org/zz{sep}1", f"a{sep}b/news.txt", "株洲政协网")
    assert zz.title == "株洲市政协推进“两力两率”评价" and "两力两率" in zz.evidence and zz.article
    assert (hy.url, hy.file, hy.title) == ("", "2025/news.txt", "衡阳市政协委员工作室建设")
