"""The API as users meet it: a real ``zxkg serve`` process on a free port, and a schema-driven fuzz run."""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import api_data
from tests.conftest import ROOT, SEED, ZXKG, Places, run_cli

pytestmark = pytest.mark.slow  # real processes and servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(data: Path | str, *extra: str) -> Iterator[str]:
    """A real ``zxkg serve`` over ``data`` (a data directory or a PostgreSQL URL) on a free
    port: its base URL until the generator closes.

    One server process unless ``extra`` asks for more: each worker process imports the app
    again (a second or more of start-up), and the pool of workers has its own test."""
    if "--workers" not in extra:
        extra = ("--workers", "1", *extra)
    port = free_port()
    proc = subprocess.Popen(
        [str(ZXKG), "serve", "--data", str(data), "--port", str(port), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_up(proc, base)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def wait_until_up(proc: subprocess.Popen[str], base: str) -> None:
    """Return once the server at ``base`` answers /healthz; fail with its stderr if it dies,
    or after a minute."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).close()
            return
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None:
                raise AssertionError(proc.stderr.read() if proc.stderr else "server died") from None
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("server did not start")


@pytest.fixture(scope="module")
def store(places: Places, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The API's test store on each backend."""
    root = tmp_path_factory.mktemp("served")
    return api_data.build_at(root, places.new(root / "data"))


@pytest.fixture(scope="module")
def server(store: str) -> Iterator[str]:
    yield from serve(store)


def get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_real_server_answers(server: str) -> None:
    status, health = get(server + "/healthz")
    assert status == 200 and health["articles"] == 4
    status, adopters = get(server + "/mechanisms/" + urllib.request.quote("两力两率") + "/adopters")
    assert status == 200 and adopters["total"] >= 4  # type: ignore[operator]
    status, err = get(server + "/regions/" + urllib.request.quote("不存在市"))
    assert status == 404 and err["error"]["code"] == "not_found"  # type: ignore[index]


def test_two_servers_on_one_store_answer_alike(store: str, server: str) -> None:
    """A server keeps nothing of its own: a second one over the same store (behind a proxy, on
    another machine) gives the same answers, and both keep answering side by side."""
    second = serve(store)
    other = next(second)
    try:
        for path in ("/stats", "/mechanisms/" + urllib.request.quote("两力两率") + "/adopters", "/adoptions?limit=50"):
            for _ in range(3):
                assert get(server + path) == get(other + path), path
    finally:
        second.close()


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(x) for x in out.stdout.split()]


def test_workers_answer_from_processes_of_their_own(tmp_path: Path) -> None:
    """``--workers 3``: three server processes share the port; every one of them answers."""
    data = api_data.build(tmp_path)
    gen = serve(data, "--workers", "3")
    base = next(gen)
    try:
        seen: set[int] = set()
        deadline = time.monotonic() + 60
        while len(seen) < 3 and time.monotonic() < deadline:
            out = subprocess.run(["pgrep", "-f", f"zxkg serve --data {data}"], capture_output=True, text=True)
            supervisor = min(int(x) for x in out.stdout.split())
            seen = set(_children(supervisor))
            time.sleep(0.5)
        workers = [pid for pid in seen if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()]
        assert len(workers) == 3, seen
        for _ in range(6):
            status, health = get(base + "/healthz")
            assert status == 200 and health["articles"] == 4
    finally:
        gen.close()


def test_binds_loopback_only(server: str) -> None:
    assert server.startswith("http://127.0.0.1:")


# The query language (quotes, parentheses, OR/NOT) is a grammar no JSON Schema states: a
# query that does not parse is a 400 that says what to fix, on these two operations only.
SCHEMATHESIS_CONFIG = """
[[operations]]
include-path-regex = "^/(search|evidence)$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "404"]
"""


def test_schemathesis_checks_all_find_nothing(server: str, backend: str, tmp_path: Path) -> None:
    """Every operation of the OpenAPI document, every check schemathesis has (server errors,
    response schemas and media types, schema-valid requests accepted, invalid ones refused,
    405 with Allow …), bounded examples and a fixed seed: the document tells the truth.

    On SQLite with every kind of request. On PostgreSQL with the schema-valid ones only:
    an invalid request is refused by the request's validation, the same code whatever the
    backend, and those cases were more than half of the run's time."""
    (tmp_path / "schemathesis.toml").write_text(SCHEMATHESIS_CONFIG, encoding="utf-8")
    mode = "all" if backend == "sqlite" else "positive"
    st = Path(ZXKG).with_name("schemathesis")
    started = time.monotonic()
    # one worker: schemathesis's threads parse source with ``ast`` at once, which CPython 3.11
    # before 3.11.8 does not survive ("AST constructor recursion depth mismatch")
    result = subprocess.run(
        [
            str(st), "run", server + "/openapi.json",
            "--checks", "all", "--max-examples", "10", "--seed", "21", "--workers", "1",
            "--request-timeout", "20", "--suppress-health-check", "all", "--mode", mode,
        ],
        capture_output=True,
        text=True,
        timeout=400,
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert re.search(r"Selected: (\d+)/\1", result.stdout), result.stdout[-2000:]
    assert time.monotonic() - started < 60


def test_wrong_methods_are_405_with_allow(server: str) -> None:
    for path in ("/stats", "/search?q=x", "/static/app.js", "/"):
        request = urllib.request.Request(server + path, method="POST")
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request, timeout=10)
        assert err.value.code == 405 and "GET" in err.value.headers["Allow"], path
    # a path with a route per method names them all
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(urllib.request.Request(server + "/reviews", method="PUT"), timeout=10)
    assert err.value.code == 405 and err.value.headers["Allow"] == "DELETE, GET, POST"


def test_load_test_on_loopback_finds_no_errors(server: str) -> None:
    """scripts/loadtest.py (what ``make bench`` runs for longer): 4 clients for 3 s, not one failure."""
    script = str(ROOT / "scripts" / "loadtest.py")
    run = [sys.executable, script, server, "--clients", "4", "--seconds", "3", "--json"]
    result = subprocess.run(run, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    figures = json.loads(result.stdout)
    assert figures["errors"] == 0 and figures["error_examples"] == []
    assert set(figures["endpoints"]) == {"search", "adopters"}
    assert all(f["requests"] >= 5 for f in figures["endpoints"].values()), figures
    assert 0 < figures["p50_ms"] <= figures["p95_ms"] and 2.5 <= figures["seconds"] < 20
    # and it loads nothing but this machine
    for elsewhere in ("http://192.0.2.1:8000", "http://example.com/", "http://[2001:db8::1]:8000"):
        refused = subprocess.run([sys.executable, script, elsewhere, "--seconds", "1"], capture_output=True, text=True)
        assert refused.returncode == 2 and "only loopback addresses" in refused.stderr, refused.stderr


def answer(url: str) -> tuple[int, dict[str, str], dict[str, object]]:
    """Status, headers and JSON body of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, json.loads(e.read())


def wait_for(url: str, status: int, seconds: float = 30) -> tuple[int, dict[str, str], dict[str, object]]:
    deadline = time.monotonic() + seconds
    while True:
        got = answer(url)
        if got[0] == status or time.monotonic() > deadline:
            return got
        time.sleep(0.2)


def empty_store(data: Path) -> None:
    """What a first ingest leaves for a moment: the store's file, in WAL mode, without its tables."""
    data.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(data / "zxkg.db") as db:
        db.execute("PRAGMA journal_mode = WAL")


def test_a_store_not_there_yet_is_503_with_retry_after_and_recovers(tmp_path: Path) -> None:
    """Served while a first ingest creates the store, or while the store is replaced: 503 and
    Retry-After, never a 500 ``no such table``; the same server answers once the store is there."""
    data = tmp_path / "data"
    empty_store(data)
    port = free_port()
    proc = subprocess.Popen(
        [str(ZXKG), "serve", "--data", str(data), "--port", str(port), "--workers", "1"],
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, body = answer(base + "/stats")
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        for path in ("/stats", "/regions", "/adoptions?format=csv", "/healthz"):
            status, headers, body = answer(base + path)
            assert status == 503 and int(headers["retry-after"]) >= 1, (path, status, body)
            assert body["error"]["code"] == "busy"  # type: ignore[index]
        ran = run_cli("ingest", "--data", str(data), str(SEED))  # another writer; no process of its own needed
        assert ran.returncode == 0, ran.stderr
        status, _, stats = wait_for(base + "/stats", 200)
        assert status == 200 and stats["articles"] == 1
        # the store replaced under the server: moved away, then back
        aside = tmp_path / "aside"
        aside.mkdir()
        for f in data.glob("zxkg.db*"):
            f.rename(aside / f.name)
        status, headers, _ = answer(base + "/regions")
        assert status == 503 and "retry-after" in headers
        empty_store(data)
        status, headers, _ = answer(base + "/regions")
        assert status == 503 and "retry-after" in headers
        for f in data.glob("zxkg.db*"):
            f.unlink()
        for f in aside.iterdir():
            f.rename(data / f.name)
        status, _, stats = wait_for(base + "/stats", 200)
        assert status == 200 and stats["articles"] == 1
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert "Traceback" not in err and "no such table" not in err, err[-2000:]
