"""Many ingesters on one PostgreSQL store: one killed, the server restarted, inputs overlapping.

Afterwards every article is stored once, ``zxkg check`` finds the store consistent and the
search index holds exactly the store's articles. Real processes on a real server.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SEED, UNTESTED_POSTGRES, ZXKG, Places, Ran, need_postgres, run_cli
from tests.test_bad_input import variant
from zxkg.ingest.pipeline import ingest
from zxkg.ingest.store import Store
from zxkg.ingest.store.postgres import BULK

pytestmark = pytest.mark.slow  # real processes on a real server


@pytest.fixture
def url(tmp_path: Path, pg_database: str) -> str:
    return Places("postgresql", pg_database).new(tmp_path / "unused")


def shard(root: Path, numbers: range) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for n in numbers:
        (root / f"a{n:04d}.txt").write_text(variant(n), encoding="utf-8")
    return root


def ingester(url: str, source: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(ZXKG), "ingest", "-q", "--workers", "1", "--store", url, str(source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def articles(url: str, table: str = "articles") -> int:
    try:
        with Store.open(url, readonly=True) as store:
            return store.count(table)
    except Exception:  # the tables may not be there yet
        return 0


def counts(location: str) -> dict[str, int]:
    with Store.open(location, readonly=True) as store:
        return {t: store.count(t) for t in ("articles", "relations", "mentions", "adoption_pairs", "entities")}


def checked(url: str, *extra: str) -> Ran:
    """``zxkg check`` in this process: what it reports is the behaviour, not its process."""
    return run_cli("check", "--store", url, *extra)


def test_three_ingesters_at_once_one_killed_then_run_again(tmp_path: Path, url: str) -> None:
    shards = [shard(tmp_path / f"s{k}", range(k * 40, k * 40 + 40)) for k in range(3)]
    running = [ingester(url, s) for s in shards]
    deadline = time.monotonic() + 120
    # killed once all three have begun their runs (a loaded machine may start one late)
    while (articles(url) < 10 or articles(url, "runs") < 3) and time.monotonic() < deadline:
        time.sleep(0.05)
    running[1].send_signal(signal.SIGKILL)
    for p in (running[0], running[2]):
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert "ingested 40" in out
    running[1].wait(timeout=30)
    assert 10 <= articles(url) < 120

    before = checked(url)
    assert before.returncode == 1 and "left running by an ingest that stopped" in before.stdout, before.stdout

    again = run_cli("ingest", "-q", "--store", url, str(shards[1]))  # the processes are over: in-process
    assert again.returncode == 0, again.stderr
    assert "failed 0" in again.stdout
    repaired = checked(url, "--repair")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    after = checked(url)
    assert after.returncode == 0 and "consistent" in after.stdout, after.stdout
    assert "the postgresql index holds the store's 120 articles" in after.stdout
    assert articles(url) == 120


def test_two_ingesters_on_overlapping_inputs_keep_every_article_once(tmp_path: Path, url: str) -> None:
    first = shard(tmp_path / "first", range(0, 60))
    second = shard(tmp_path / "second", range(30, 90))
    both = [ingester(url, first), ingester(url, second)]
    for p in both:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert "failed 0" in out
    report = checked(url)
    assert report.returncode == 0 and "holds the store's 90 articles" in report.stdout, report.stdout

    # the same final counts as one SQLite ingest of the same files
    everything = shard(tmp_path / "all", range(0, 90))
    data = tmp_path / "data"
    alone = run_cli("ingest", "-q", "--data", str(data), str(everything))
    assert alone.returncode == 0, alone.stderr
    mine = counts(url)
    assert mine == counts(str(data)) and mine["articles"] == 90


# -- a server restarted under an ingest ------------------------------------------------------

CLUSTER_TOOLS = ("pg_createcluster", "pg_ctlcluster", "pg_dropcluster")


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A PostgreSQL cluster of this test's own (Debian's cluster tools), to restart at will
    without disturbing the tests that share the main server: (its URL, its name)."""
    need_postgres()
    if not all(shutil.which(t) for t in CLUSTER_TOOLS) or os.geteuid() != 0:
        message = f"{UNTESTED_POSTGRES}: restarting a server needs root and Debian's {', '.join(CLUSTER_TOOLS)}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    name = f"zxkg{os.getpid()}"
    port = 20000 + os.getpid() % 10000
    subprocess.run(
        ["pg_createcluster", "15", name, "--port", str(port), "--start", "--", "--auth-local=trust"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@/postgres?host=/var/run/postgresql&port={port}", name
    finally:
        subprocess.run(["pg_dropcluster", "15", name, "--stop"], capture_output=True)


def test_a_server_restart_fails_the_ingest_clearly_and_running_it_again_completes_it(
    tmp_path: Path, own_server: tuple[str, str]
) -> None:
    server, name = own_server
    source = shard(tmp_path / "in", range(0, 150))
    running = ingester(server, source)
    deadline = time.monotonic() + 120
    while articles(server) < 10 and time.monotonic() < deadline:
        time.sleep(0.05)
    subprocess.run(["pg_ctlcluster", "15", name, "restart", "-m", "fast"], check=True, capture_output=True)
    out, err = running.communicate(timeout=300)
    assert running.returncode not in (0, None), out
    assert err.startswith("Error: ") and "PostgreSQL" in err and "Traceback" not in err, err
    assert "run the same command again" in err

    again = run_cli("ingest", "-q", "--store", server, str(source))
    assert again.returncode == 0, again.stderr
    assert articles(server) == 150
    repaired = checked(server, "--repair")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    report = checked(server)
    assert report.returncode == 0 and "holds the store's 150 articles" in report.stdout, report.stdout


def test_an_ingest_of_a_tenth_of_the_store_or_more_analyses_its_tables(url: str) -> None:
    """The planner plans adoptions by the tables' sizes; right after a bulk ingest they
    are those of the empty store until autovacuum comes by, unless the ingest analyses."""

    def analysed(store: Store) -> set[str]:
        return {
            name
            for (name,) in store.conn.execute(
                "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema()"
                " AND last_analyze IS NOT NULL"
            )
        }

    with Store.open(url) as store:
        ingest([str(SEED)], store, None)  # one article: a small ingest leaves it to autovacuum
        assert analysed(store) == set()
        store.refresh_statistics(BULK - 1)
        assert analysed(store) == set()
        store.refresh_statistics(BULK)
        assert {"articles", "mentions", "relations", "adoption_pairs", "entities"} <= analysed(store)
