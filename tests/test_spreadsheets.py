"""Spreadsheets that open and filters that are checked: the adoption table and panel as a
workbook (openpyxl reads it back) and as CSV with a byte-order mark (pandas reads it back),
impossible dates and unknown kinds refused on the command line as in the API, and /docs
without a CDN."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from tests.conftest import SEED, Places, run_cli
from tests.test_cite import FILES
from zxkg.api.web.app import create_app
from zxkg.api.web.deps import Settings
from zxkg.graph.export.adoptions import ADOPTION_COLUMNS, PANEL_COLUMNS
from zxkg.graph.export.workbook import write_workbook
from zxkg.ingest.datespec import date_problem

BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def store(places: Places, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The example article and the citation files, ingested once per backend: every test
    here only reads the store (exports go to the test's own folder)."""
    tmp_path = tmp_path_factory.mktemp("spreadsheets")
    location = places.new(tmp_path / "data")
    root = tmp_path / "corpus"
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / SEED.name).write_bytes(SEED.read_bytes())
    result = run_cli("ingest", "--data", location, str(root))
    assert result.returncode == 0 and "failed 0" in result.stdout, result.stdout + result.stderr
    return location


def test_the_workbook_holds_the_adoption_table_and_the_panel(store: str, tmp_path: Path) -> None:
    book_path, table_csv, panel_csv = tmp_path / "dataset.xlsx", tmp_path / "a.csv", tmp_path / "p.csv"
    out = run_cli("export", "--data", store, "-f", "xlsx", "-o", str(book_path))
    assert out.returncode == 0, out.stderr
    assert run_cli("export", "--data", store, "-f", "adoptions", "-o", str(table_csv)).returncode == 0
    assert run_cli("export", "--data", store, "-f", "panel", "-o", str(panel_csv)).returncode == 0
    book = openpyxl.load_workbook(book_path, read_only=True)
    assert book.sheetnames == ["adoptions", "panel"]
    table = list(book["adoptions"].iter_rows(values_only=True))
    panel = list(book["panel"].iter_rows(values_only=True))
    assert table[0] == ADOPTION_COLUMNS and panel[0] == PANEL_COLUMNS
    as_csv = pd.read_csv(table_csv, dtype=str, keep_default_na=False)
    assert len(table) - 1 == len(as_csv) > 20 and len(panel) - 1 == len(pd.read_csv(panel_csv)) > 20
    row = dict(zip(table[0], next(r for r in table if r[0] == "株洲市" and r[4] == "两力两率"), strict=True))
    same = as_csv[(as_csv["region"] == "株洲市") & (as_csv["term"] == "两力两率")].iloc[0]
    assert row["evidence_count"] == int(same["evidence_count"]) >= row["articles"] >= 2  # numbers, not text
    assert row["year"] == 2023 and row["confidence"] == float(same["confidence"])
    assert row["first_date"] == "2023-03-01" and row["file"] == "2023/news.txt"
    assert row["url"] == "https://example.org/zz/1"
    assert f"{book_path.name}" in out.stdout and f"{len(table) - 1} adoptions rows" in out.stdout


def test_a_table_longer_than_a_sheet_goes_on_over_sheets(tmp_path: Path) -> None:
    rows = [(i, f"第{i}行\x07") for i in range(7)]  # a bell: a character no sheet may hold
    written = write_workbook([("t", ("n", "text"), iter(rows))], tmp_path / "t.xlsx", max_rows=3)
    book = openpyxl.load_workbook(tmp_path / "t.xlsx", read_only=True)
    assert book.sheetnames == ["t", "t (2)", "t (3)", "t (4)"]
    back = [r for name in book.sheetnames for r in book[name].iter_rows(values_only=True) if r != ("n", "text")]
    assert back == [(i, f"第{i}行") for i in range(7)] and written.counts == (("t rows", 7),)


def test_csv_tables_carry_a_byte_order_mark_unless_told_not_to(store: str, tmp_path: Path) -> None:
    for fmt in ("adoptions", "panel", "cascade"):
        path = tmp_path / f"{fmt}.csv"
        assert run_cli("export", "--data", store, "-f", fmt, "-o", str(path)).returncode == 0
        assert path.read_bytes().startswith(BOM), fmt
    frame = pd.read_csv(tmp_path / "adoptions.csv", dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(ADOPTION_COLUMNS)  # the mark is not part of the first name
    assert "株洲市" in set(frame["region"]) and "两力两率" in set(frame["term"])
    plain = tmp_path / "plain.csv"
    assert run_cli("export", "--data", store, "-f", "adoptions", "-o", str(plain), "--no-bom").returncode == 0
    assert plain.read_bytes().startswith(b"region,")

    client = TestClient(create_app(Settings(store=store)))
    download = client.get("/adoptions", params={"format": "csv"})
    assert download.status_code == 200 and download.content.startswith(BOM + b"region,")
    assert client.get("/adoptions", params={"format": "csv", "bom": "false"}).content.startswith(b"region,")
    panel = client.get("/graph/export", params={"format": "panel"})
    assert panel.status_code == 200 and panel.content.startswith(BOM)
    sheet = client.get("/adoptions", params={"format": "xlsx", "term": "两力两率"})
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("application/vnd.openxmlformats")
    (tmp_path / "api.xlsx").write_bytes(sheet.content)
    rows = list(openpyxl.load_workbook(tmp_path / "api.xlsx", read_only=True)["adoptions"].iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} >= {"株洲市", "衡阳市"}


@pytest.fixture(scope="module")
def seed_data(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The example article's store, ingested once: a refused filter reads nothing."""
    data = tmp_path_factory.mktemp("seed") / "data"
    assert run_cli("ingest", "--data", str(data), str(SEED)).returncode == 0
    return str(data)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("adopters", "两力两率", "--kind", "mechanisms"), "unknown kind 'mechanisms'; expected one of region,"),
        (("timeline", "两力两率", "--predicate", "adopted"), "unknown predicate 'adopted'; expected one of adopts"),
        (("adopters", "两力两率", "--since", "2024-13"), "there is no month 13; months run 01–12"),
        (("export", "-f", "adoptions", "-o", "x.csv", "--until", "2024-02-30"), "2024-02 has days 01–29"),
        (("region", "株洲", "--since", "2023-02-29"), "2023-02 has days 01–28"),
        (("leaders", "--until", "24-05"), "expected YYYY, YYYY-MM or YYYY-MM-DD"),
        (("search", "两力两率", "--since", "2024-00"), "there is no month 00"),
    ],
)
def test_the_command_line_refuses_filters_it_cannot_honour(args: tuple[str, ...], says: str, seed_data: str) -> None:
    out = run_cli(*args, "--data", seed_data)
    assert out.returncode == 2 and says in out.stderr, out.stderr
    assert out.stderr.startswith("Error: ") and "Traceback" not in out.stderr


def test_the_api_refuses_the_same_dates(store: str) -> None:
    client = TestClient(create_app(Settings(store=store)))
    for path, params in (("/adoptions", {}), ("/adoptions/株洲/两力两率/evidence", {}), ("/diffusion/两力两率", {}),
                         ("/search", {"q": "两力两率"})):  # fmt: skip
        bad = client.get(path, params={**params, "since": "2024-02-30"})
        assert bad.status_code in (400, 422), (path, bad.text)
        assert "2024-02" in bad.text, path
    assert client.get("/adoptions", params={"since": "2024-02-29"}).status_code == 200


def test_a_date_is_a_day_of_the_calendar() -> None:
    assert [date_problem(v) for v in ("2024", "2024-02", "2024-02-29", "2000-02-29")] == ["", "", "", ""]
    assert date_problem("1900-02-29") == "1900-02 has days 01–28"
    assert date_problem("2024-04-31") == "2024-04 has days 01–30"
    assert date_problem("2024-1-5").startswith("expected")


def test_docs_load_nothing_from_another_site(store: str) -> None:
    client = TestClient(create_app(Settings(store=store)))
    page = client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"|url: *\'([^\']+)\'', page.text)
    urls = [a or b for a, b in sources]
    assert urls and all(u.startswith("/") for u in urls), urls
    for u in urls:
        assert client.get(u).status_code == 200, u
    assert "swagger-ui-bundle.js" in page.text
