"""The ``zxkg`` command as a user runs it: exit codes and messages."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import SEED, run_cli, run_process


def test_ingest_relations_stats_round_trip(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    first = run_cli("ingest", "--data", data, str(SEED.parent))
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("read 1, ingested 1, unchanged 0, duplicates 0, failed 0")
    second = run_cli("ingest", "--data", data, str(SEED))
    assert second.returncode == 0 and "ingested 0, unchanged 1" in second.stdout

    out = run_cli("relations", "--data", data)
    assert out.returncode == 0, out.stderr
    records = [json.loads(line) for line in out.stdout.splitlines()]
    issued = [r for r in records if r["predicate"] == "issues"]
    assert len(issued) == 9
    first_doc = issued[0]
    assert set(first_doc) >= {"file", "article", "date", "subject", "predicate", "object", "evidence", "confidence"}
    assert first_doc["file"] == SEED.name and first_doc["date"] == "2024-05-24"
    assert first_doc["subject"]["type"] == "region" and first_doc["object"]["type"] == "document"
    assert first_doc["evidence"]["quote"] and 0 < first_doc["confidence"] <= 1

    as_csv = run_cli("relations", "--data", data, "--format", "csv", "--predicate", "issues")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert len(rows) == 9 and rows[0]["predicate"] == "issues"

    stats = run_cli("stats", "--data", data, "--json")
    info = json.loads(stats.stdout)
    assert info["articles"] == 1 and info["relations"]["issues"] == 9


def test_data_directory_from_environment(tmp_path: Path) -> None:
    env = {**os.environ, "ZXKG_DATA": str(tmp_path / "envdata")}
    assert run_cli("ingest", str(SEED), env=env).returncode == 0
    assert (tmp_path / "envdata" / "zxkg.db").exists()


@pytest.mark.slow
def test_stdin(tmp_path: Path) -> None:
    """A real pipe into a real process (the other tests run the command in-process)."""
    data = str(tmp_path / "data")
    result = run_process("ingest", "--data", data, "-", stdin=SEED.read_bytes())
    assert result.returncode == 0 and "ingested 1" in result.stdout


def test_failures_are_listed_and_strict_makes_them_fatal(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED, src / "good.txt")
    (src / "broken.txt").write_bytes(b"\x00\x00binary")
    data = str(tmp_path / "data")
    lenient = run_cli("ingest", "--data", data, str(src))
    assert lenient.returncode == 0
    assert "ingested 1" in lenient.stdout and "failed 1" in lenient.stdout
    assert f"failed: {src / 'broken.txt'}: binary file" in lenient.stderr
    strict = run_cli("ingest", "--data", data, "--strict", str(src))
    assert strict.returncode == 1 and "failed 1" in strict.stdout


def test_usage_errors_name_the_valid_choices(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    run_cli("ingest", "--data", data, str(SEED))
    bad = run_cli("relations", "--data", data, "--format", "xml")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "Error: unknown format 'xml'; expected one of jsonl, csv"
    bad_field = run_cli("ingest", "--data", data, "--field", "body=x", str(SEED))
    assert bad_field.returncode == 2 and "expected one of title, text, date, url, source, author" in bad_field.stderr


def test_reading_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("stats", "--data", str(tmp_path / "nothing"))
    assert result.returncode == 1
    assert "no zxkg store in" in result.stderr and "Traceback" not in result.stderr


def test_a_file_edited_at_its_source_is_searched_and_counted_as_it_is_now(tmp_path: Path) -> None:
    data, page = str(tmp_path / "data"), tmp_path / "page.txt"
    page.write_text("title: 长沙市政协开展活动\n---\n长沙市政协深入实施“甲乙工程”,打造履职品牌。\n", encoding="utf-8")
    assert run_cli("ingest", "--data", data, str(page)).returncode == 0
    page.write_text("title: 长沙市政协开展活动\n---\n长沙市政协深入实施“丙丁工程”,打造履职品牌。\n", encoding="utf-8")
    again = run_cli("ingest", "--data", data, str(page))
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("read 1, ingested 1 (replacing 1 whose file changed), unchanged 0")
    found = {q: json.loads(run_cli("search", q, "--data", data, "--json").stdout)["total"] for q in ("甲乙", "丙丁")}
    assert found == {"甲乙": 0, "丙丁": 1}
    assert json.loads(run_cli("stats", "--data", data, "--json").stdout)["articles"] == 1


def test_two_texts_from_standard_input_are_two_articles(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    for brand in ("甲乙工程", "丙丁工程"):
        text = f"长沙市政协深入实施“{brand}”,打造履职品牌。\n".encode()
        result = run_cli("ingest", "--data", data, "-", stdin=text)
        assert result.returncode == 0 and "ingested 1, unchanged 0" in result.stdout, result.stdout + result.stderr
    assert json.loads(run_cli("stats", "--data", data, "--json").stdout)["articles"] == 2


def test_an_ingest_logs_its_progress_where_no_bar_can_be_drawn(tmp_path: Path) -> None:
    """stderr is not a terminal here: lines with the total, the share done and the time left,
    the stages of the last seconds, and a summary with the elapsed time."""
    src = tmp_path / "in"
    for i in range(4):
        (src / str(i)).mkdir(parents=True)
        (src / str(i) / "news.txt").write_text(f"株洲市政协第{i}次推进“两力两率”评价。", encoding="utf-8")
    env = {**os.environ, "ZXKG_PROGRESS_SECONDS": "0"}
    result = run_cli("ingest", "--data", str(tmp_path / "data"), str(src), env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert "ingest: 1/4 files (25%)" in lines[0] and "left" in lines[0], lines
    assert any(line.startswith("ingest: 4/4 files (100%)") for line in lines), lines
    assert any("store: building its indexes" in line for line in lines)
    assert any("search index: writing" in line for line in lines)
    assert re.search(r"failed 0 → .* in \d+\.\d s$", result.stdout.strip()), result.stdout
    quiet = run_cli("ingest", "-q", "--data", str(tmp_path / "data"), str(src), env=env)
    assert quiet.stderr == "" and "unchanged 4" in quiet.stdout
