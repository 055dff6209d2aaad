"""``zxkg search`` and ``zxkg reindex`` as a user runs them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tests.conftest import SEED, Places, run_cli


def test_ingest_indexes_and_search_finds_phrases_with_highlights(tmp_path: Path, engine: str) -> None:
    data = str(tmp_path / "data")
    # ingest takes the engine from the environment, search from --engine
    assert (
        run_cli("ingest", "--data", data, str(SEED), env={**os.environ, "ZXKG_SEARCH_ENGINE": engine}).returncode == 0
    )
    assert [p.name for p in (tmp_path / "data" / "index").iterdir()] == [engine]

    def run_search(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli("search", "--data", data, "--engine", engine, *args)

    out = run_search("“考勤考绩”", "--region", "湖南省", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["total"] == 1 and result["query"] == "“考勤考绩”"
    (hit,) = result["hits"]
    assert hit["file"] == SEED.name and hit["date"] == "2024-05-24" and "怀化市" in hit["regions"]
    fragment = hit["fragments"][0]
    start, end = fragment["marks"][0]
    assert fragment["text"][start:end] == "考勤考绩"
    assert {f: [c["value"] for c in counts][:1] for f, counts in result["facets"].items()}["year"] == ["2024"]

    excluded = run_search("委员工作室", "-党建")  # -党建 is a query word, not an option
    assert excluded.returncode == 0 and excluded.stdout.strip() == "no article matches 委员工作室 -党建"

    evidence = run_search("考勤考绩", "--evidence", "--json")
    sentences = json.loads(evidence.stdout)["items"]
    assert sentences[0]["predicate"] == "issues" and "考勤考绩" in sentences[0]["object"]

    none = run_search("“考绩考勤”", "--since", "2024")
    assert none.returncode == 0 and none.stdout.strip() == "no article matches “考绩考勤”"


def test_bad_queries_and_options_are_clear_errors(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    run_cli("ingest", "--data", data, str(SEED))
    for args, message in [
        (['"有事好商量'], 'Error: unbalanced quote: the " at character 1 is never closed by "'),
        (["author:李飞"], "Error: unknown field 'author'; expected one of title, body, source, region"),
        (["委员" * 5120], "Error: the query is too long (10240 characters; at most 500)"),
        (["委员", "--sort", "score"], "Error: unknown sort 'score'; expected one of relevance, date"),
    ]:
        result = run_cli("search", "--data", data, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith(message), result.stderr
        assert "Traceback" not in result.stderr


def test_reindex_rebuilds_and_search_warns_when_the_index_is_behind(tmp_path: Path) -> None:
    data = tmp_path / "data"
    run_cli("ingest", "--data", str(data), str(SEED))
    shutil.rmtree(data / "index")
    missing = run_cli("search", "--data", str(data), "委员")
    assert missing.returncode == 1 and "no search index in" in missing.stderr and "zxkg reindex" in missing.stderr

    rebuilt = run_cli("reindex", "--data", str(data))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert re.match(r"indexed 1 articles into .*index/whoosh in [\d.]+ s", rebuilt.stdout)
    found = run_cli("search", "--data", str(data), "双考")
    assert found.returncode == 0 and found.stdout.startswith("1 article match 双考") and not found.stderr

    nothing = run_cli("reindex", "--data", str(tmp_path / "nothing"))
    assert nothing.returncode == 1 and "no zxkg store in" in nothing.stderr


def test_each_engine_has_its_own_index_and_an_unknown_engine_is_named(tmp_path: Path) -> None:
    data = tmp_path / "data"
    run_cli("ingest", "--data", str(data), str(SEED))
    rebuilt = run_cli("reindex", "--data", str(data), "--engine", "tantivy")
    assert re.match(r"indexed 1 articles into .*index/tantivy in [\d.]+ s", rebuilt.stdout), rebuilt.stderr
    assert sorted(p.name for p in (data / "index").iterdir()) == ["tantivy", "whoosh"]
    found = run_cli("search", "--data", str(data), "“考勤考绩”", env={**os.environ, "ZXKG_SEARCH_ENGINE": "tantivy"})
    assert found.returncode == 0 and found.stdout.startswith("1 article match “考勤考绩”"), found.stderr
    for command in ("search", "ingest"):
        wrong = run_cli(command, "--data", str(data), "--engine", "lucene", str(SEED))
        assert wrong.returncode == 2
        assert wrong.stderr.startswith("Error: unknown search engine 'lucene'; expected one of whoosh, tantivy")


def test_a_postgresql_store_searches_with_its_own_tables(tmp_path: Path, pg_database: str) -> None:
    """ingest, search, reindex and check with --store URL; the engine is the store's."""
    url = Places("postgresql", pg_database).new(tmp_path / "unused")
    ingested = run_cli("ingest", "--store", url, str(SEED))
    assert ingested.returncode == 0, ingested.stderr
    assert not (tmp_path / "unused").exists()  # no index directory anywhere

    found = run_cli("search", "--store", url, "“考勤考绩”", "--region", "湖南省", "--json")
    assert found.returncode == 0, found.stderr
    result = json.loads(found.stdout)
    (hit,) = result["hits"]
    start, end = hit["fragments"][0]["marks"][0]
    assert hit["fragments"][0]["text"][start:end] == "考勤考绩"
    assert result["facets"]["year"][0] == {"value": "2024", "count": 1}
    excluded = run_cli("search", "--store", url, "--engine", "postgresql", "委员工作室", "-党建")
    assert excluded.returncode == 0 and excluded.stdout.strip() == "no article matches 委员工作室 -党建"

    rebuilt = run_cli("reindex", "--store", url)
    assert rebuilt.returncode == 0 and rebuilt.stdout.startswith("indexed 1 articles into postgresql://"), rebuilt
    checked = run_cli("check", "--store", url)
    assert checked.returncode == 0 and "the postgresql index holds the store's 1 articles" in checked.stdout

    tantivy = run_cli("search", "--store", url, "--engine", "tantivy", "委员")
    assert tantivy.returncode == 2 and "searches with its own tables (engine postgresql), not tantivy" in tantivy.stderr
    assert run_cli("ingest", "--data", str(tmp_path / "data"), str(SEED)).returncode == 0
    directory = run_cli("search", "--data", str(tmp_path / "data"), "--engine", "postgresql", "委员")
    assert directory.returncode == 2 and "the postgresql engine is the search of a PostgreSQL store" in directory.stderr


def test_a_search_on_a_server_that_is_gone_is_a_clear_error(tmp_path: Path, pg_database: str) -> None:
    url = Places("postgresql", pg_database).new(tmp_path / "unused")
    assert run_cli("ingest", "--store", url, str(SEED)).returncode == 0
    parts = urlsplit(url)  # the same database on a port nothing listens on (host and port of the query dropped)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k not in ("host", "port")])
    gone = urlunsplit(parts._replace(netloc="127.0.0.1:1", query=query))
    result = run_cli("search", "--store", gone, "委员")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: cannot reach the PostgreSQL store"), result.stderr
