"""Shared fixtures: one extraction context per session, real data directories per test."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
import traceback
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from zxkg.ingest.gazetteer import Gazetteer
from zxkg.ingest.link import Context
from zxkg.ingest.pipeline import build_context
from zxkg.ingest.segment import SegmenterMark
from zxkg.search.engine import ENGINES, POSTGRES_ENGINE

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "hunan-cppcc-2024-05-24.txt"
ZXKG = Path(sys.executable).with_name("zxkg")


class _Contexts:
    """One extraction context per process, given to each test as ``build_context()`` made it.

    Extraction teaches the context words (a quoted name becomes a lexicon term and a
    segmenter word), so a shared context would make a test's result depend on the tests
    before it. Building one takes most of a second; instead each test gets a copy of the
    lexicon and the one segmenter, rewound after the test to the mark taken when it was
    built (``Segmenter.rewind``: milliseconds).
    """

    def __init__(self) -> None:
        self.built: Context | None = None
        self.mark: SegmenterMark | None = None

    def lend(self) -> tuple[Context, SegmenterMark]:
        """A context as ``build_context()`` makes it, and the mark to rewind its segmenter to after."""
        if self.built is None:
            self.built = build_context()
            self.mark = self.built.segmenter.mark()
        assert self.mark is not None
        base = self.built
        lexicon = copy.deepcopy(base.lexicon)
        return Context(gazetteer=base.gazetteer, segmenter=base.segmenter, lexicon=lexicon), self.mark


@pytest.fixture(scope="session")
def _contexts() -> _Contexts:
    return _Contexts()


@pytest.fixture(scope="session")
def _module_contexts() -> _Contexts:
    """A second one for ``module_ctx``, whose words must outlive each test of the module."""
    return _Contexts()


@pytest.fixture
def ctx(_contexts: _Contexts) -> Iterator[Context]:
    """A context as ``build_context()`` makes it, whatever the tests before taught theirs."""
    context, mark = _contexts.lend()
    yield context
    context.segmenter.rewind(mark)


@pytest.fixture(scope="module")
def module_ctx(_module_contexts: _Contexts) -> Iterator[Context]:
    """A context of the module's own, for module fixtures that ingest (they teach it words)."""
    context, mark = _module_contexts.lend()
    yield context
    context.segmenter.rewind(mark)


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    """The division table, read once (tests only read it)."""
    return Gazetteer.load()


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Every search engine: a test that takes ``engine`` runs once on each."""
    name: str = request.param
    return name


@pytest.fixture(scope="session", params=(*ENGINES, POSTGRES_ENGINE))
def any_engine(request: pytest.FixtureRequest) -> str:
    """Every search engine, the PostgreSQL store's included: a test that takes ``any_engine``
    runs on each (on PostgreSQL as the ``location`` fixture's tests do)."""
    name: str = request.param
    return name


def engine_store(engine: str, directory: Path, request: pytest.FixtureRequest) -> str:
    """Where a store searched by ``engine`` goes: ``directory``, or a fresh PostgreSQL schema."""
    if engine != POSTGRES_ENGINE:
        return str(directory)
    return Places("postgresql", request.getfixturevalue("pg_database")).new(directory)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


# -- the two store backends: SQLite everywhere, PostgreSQL where a server is given -------------

POSTGRES_URL = os.environ.get("ZXKG_TEST_POSTGRES", "")
POSTGRES_REQUIRED = bool(os.environ.get("CI") or os.environ.get("ZXKG_REQUIRE_POSTGRES"))
BACKENDS = ("sqlite", "postgresql")
UNTESTED_POSTGRES = "PostgreSQL went untested"


def need_postgres() -> str:
    """The test server's URL; without one a PostgreSQL test fails under CI and is skipped (in
    words) elsewhere."""
    problem = "" if POSTGRES_URL else "ZXKG_TEST_POSTGRES is not set"
    if not problem:
        import psycopg

        try:
            psycopg.connect(POSTGRES_URL, connect_timeout=5).close()
        except psycopg.OperationalError as exc:
            problem = f"the server at {POSTGRES_URL} does not answer ({str(exc).strip()})"
    if not problem:
        return POSTGRES_URL
    message = f"{UNTESTED_POSTGRES}: {problem} (.ci/run starts one and sets it)"
    if POSTGRES_REQUIRED:
        pytest.fail(message + ", and CI requires the PostgreSQL tests")
    pytest.skip(message)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A database of this test process's own on the test server, dropped at the end; each store
    in it is a schema of its own (``Places.new``), which takes a millisecond, not a database's
    second."""
    import psycopg

    server = need_postgres()
    name = f"zxkg_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield with_database(server, name)
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def with_database(url: str, name: str) -> str:
    """``url`` with its database replaced by ``name`` (query and user kept)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/{name}" + (f"?{parts.query}" if parts.query else "")


class Places:
    """Where a test's stores go on one backend: a data directory, or a PostgreSQL schema."""

    def __init__(self, backend: str, database: str = "") -> None:
        self.backend = backend
        self.database = database

    def new(self, directory: Path) -> str:
        """A fresh, empty place for a store: ``directory`` on SQLite, a new schema on PostgreSQL."""
        if self.backend == "sqlite":
            return str(directory)
        import psycopg

        schema = f"s_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.database, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        sep = "&" if "?" in self.database else "?"
        return f"{self.database}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Every store backend: a test that takes ``backend`` (or ``places``) runs once on each."""
    name: str = request.param
    return name


@pytest.fixture(scope="session")
def places(backend: str, request: pytest.FixtureRequest) -> Places:
    if backend == "sqlite":
        return Places(backend)
    return Places(backend, request.getfixturevalue("pg_database"))


@pytest.fixture
def location(places: Places, tmp_path: Path) -> str:
    """A fresh place for a store on each backend: a test that takes it runs once on each."""
    return places.new(tmp_path / "data")


@dataclass(frozen=True, slots=True)
class Ran:
    """What a run of ``zxkg`` left: its exit code and what it printed (a CompletedProcess's names)."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None) -> Ran:
    """Run ``zxkg`` in this process, as click runs it from a shell: the exit code, stdout and
    stderr are the command's own. An exception that is not an exit is a failure whose
    traceback lands in stderr (a real run would print it there too)."""
    from zxkg.api.cli import main

    result = CliRunner().invoke(main, list(args), input=stdin, env=env, prog_name="zxkg", catch_exceptions=True)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return Ran(result.exit_code, result.stdout, stderr)


def run_process(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``zxkg`` command in its own process (tests of signals, concurrency,
    real standard input and worker processes need one; mark them ``slow``)."""
    return subprocess.run(
        [str(ZXKG), *args],
        input=stdin.decode("utf-8") if stdin is not None else None,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


# -- browser tests: run under CI, skipped elsewhere in words --------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_REQUIRED = bool(os.environ.get("CI") or os.environ.get("ZXKG_REQUIRE_BROWSER"))


def need_browser() -> str:
    """Chromium's path; without it a browser test fails under CI and is skipped (in words) elsewhere."""
    if CHROMIUM is not None:
        return CHROMIUM
    if BROWSER_REQUIRED:
        pytest.fail("Debian's chromium is not installed, and CI requires the browser tests (.ci/run installs it)")
    pytest.skip("Debian's chromium is not installed (.ci/run installs it)")


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Files with slow tests first, each file's tests in their own order.

    ``make test`` hands whole files to the workers (``--dist loadfile``) in collection order
    (``--no-loadscope-reorder``; xdist's own order is by number of tests, which put the files
    of a few long tests, processes and servers, last, and one core idled while they ran).
    Started first, the long files overlap the many short ones that fill in behind them."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)  # stable: each file keeps its order


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    untested = [r for r in terminalreporter.stats.get("skipped", []) if UNTESTED_POSTGRES in str(r.longrepr)]
    if untested:
        terminalreporter.write_line(
            f"NOTE: {UNTESTED_POSTGRES}: {len(untested)} tests of the PostgreSQL backend were skipped; set "
            "ZXKG_TEST_POSTGRES to a server's URL (postgresql:///postgres), or run .ci/run.",
            yellow=True,
            bold=True,
        )
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "chromium" in str(r.longrepr)]
    if skipped:
        terminalreporter.write_line(
            f"NOTE: the web page went untested: {len(skipped)} browser tests were skipped because Debian's "
            "chromium is not installed (apt-get install chromium fonts-noto-cjk, or run .ci/run).",
            yellow=True,
            bold=True,
        )
