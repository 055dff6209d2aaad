"""``zxkg migrate --to postgresql://…``: a data directory's store copied to a PostgreSQL server,
streamed a chunk at a time, resumable after a stop, verified by counts and the checks; the
copy answers as its source does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED, Places, run_cli
from zxkg.ingest.store import PostgresStore, SQLiteStore
from zxkg.ingest.store import copy as copying

FILES = sorted((ROOT.parent / "shared" / "corpus").glob("*.txt"))[:9]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory's store of the example and a few corpus articles."""
    data = tmp_path_factory.mktemp("source") / "data"
    ran = run_cli("ingest", "-q", "--data", str(data), str(SEED), *map(str, FILES))
    assert ran.returncode == 0, ran.stderr
    return data


def answers(where: str, *args: str) -> object:
    option = "--store" if "://" in where else "--data"
    ran = run_cli(*args, option, where, "--json")
    assert ran.returncode == 0, ran.stderr
    return json.loads(ran.stdout)


def test_a_copy_counts_checks_and_answers_as_its_source(source: Path, pg_database: str, tmp_path: Path) -> None:
    url = Places("postgresql", pg_database).new(tmp_path)
    ran = run_cli("migrate", "--data", str(source), "--to", url)
    assert ran.returncode == 0, ran.stderr
    articles = 1 + len(FILES)
    assert f"search index   {articles:>10} articles (added {articles})" in ran.stdout
    assert "finds it consistent" in ran.stdout
    assert run_cli("check", "--store", url).returncode == 0
    with PostgresStore.connect(url) as copy:  # its search index built whole, not batch by batch
        (options,) = copy.conn.execute("SELECT reloptions FROM pg_class WHERE oid = 'search_documents_terms'::regclass")
        (table,) = copy.conn.execute("SELECT reloptions FROM pg_class WHERE oid = 'search_documents'::regclass")
    assert "fastupdate=off" in options[0]
    assert not any("autovacuum" in o for o in table[0] or ())  # off while it was filled, then reset
    # the same answers from both stores: adopters of the most adopted term, a search's matches
    lexicon = answers(str(source), "lexicon")
    assert lexicon == answers(url, "lexicon") and lexicon
    for where in (str(source), url):
        found = answers(where, "search", "委员")
        assert found["total"] > 1
    assert answers(str(source), "search", "委员")["total"] == answers(url, "search", "委员")["total"]
    stats = answers(str(source), "stats")
    copied = answers(url, "stats")
    assert (stats["articles"], stats["relations"], stats["mentions"]) == (
        copied["articles"], copied["relations"], copied["mentions"]
    )  # fmt: skip
    # run again: nothing is copied twice, the index needs nothing
    again = run_cli("migrate", "--data", str(source), "--to", url)
    assert again.returncode == 0, again.stderr
    assert f"search index   {articles:>10} articles (added 0)" in again.stdout


def test_a_copy_that_stopped_goes_on_from_its_last_chunk(
    source: Path, pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped after some chunks of the mentions had committed (the rest of the tables not
    begun), the same command finishes the copy: every row once, the checks clean."""
    url = Places("postgresql", pg_database).new(tmp_path)
    monkeypatch.setattr(copying, "DEFAULT_CHUNK", 100)

    class Stopped(Exception):
        pass

    def stop_in_the_mentions(table: str, rows: int) -> None:
        if table == "mentions" and rows >= 200:
            raise Stopped

    with SQLiteStore.connect(source, readonly=True) as lite, PostgresStore.connect(url) as copy:
        with pytest.raises(Stopped):
            copying.copy_store(lite, copy, stop_in_the_mentions)  # type: ignore[arg-type]
        assert copy.count("mentions") == 200 and copy.count("relations") == 0
        assert lite.count("mentions") > 200
    ran = run_cli("migrate", "--data", str(source), "--to", url)
    assert ran.returncode == 0, ran.stderr
    lines = {line.split()[0]: line.split() for line in ran.stdout.splitlines() if "rows →" in line}
    for table in ("articles", "mentions", "relations", "adoption_pairs"):
        assert lines[table][1] == lines[table][4] != "0", lines[table]
    assert run_cli("check", "--store", url).returncode == 0


def test_a_copy_goes_only_into_an_empty_store_or_its_own_unfinished_copy(
    source: Path, pg_database: str, tmp_path: Path
) -> None:
    url = Places("postgresql", pg_database).new(tmp_path)
    assert run_cli("ingest", "-q", "--store", url, str(SEED)).returncode == 0
    ran = run_cli("migrate", "--data", str(source), "--to", url)
    assert ran.returncode != 0 and "already holds a store" in ran.stderr
