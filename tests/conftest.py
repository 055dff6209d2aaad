"""Shared fixtures: one extraction context per session, real data directories per test."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from zxkg.ingest.gazetteer import Gazetteer
from zxkg.ingest.link import Context
from zxkg.ingest.pipeline import build_context
from zxkg.search.engine import ENGINES

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "hunan-cppcc-2024-05-24.txt"
ZXKG = Path(sys.executable).with_name("zxkg")


class _Contexts:
    """One extraction context, built again after a test that changed it.

    Extraction teaches the context words (a quoted name becomes a lexicon term and a
    segmenter word), so a shared context would make a test's result depend on the tests
    before it. Building one takes most of a second, so it is built again only when the
    test before changed what it knows.
    """

    def __init__(self) -> None:
        self.current: Context | None = None

    def get(self) -> Context:
        if self.current is None:
            self.current = build_context()
        return self.current

    @staticmethod
    def knows(c: Context) -> tuple[int, ...]:
        terms = c.lexicon.terms.values()
        return (
            len(c.segmenter.words), len(c.segmenter.learned_log), len(c.lexicon.terms),
            sum(len(t.aliases) + t.articles for t in terms), len(c.lexicon.blocked),
        )  # fmt: skip


@pytest.fixture(scope="session")
def _contexts() -> _Contexts:
    return _Contexts()


@pytest.fixture
def ctx(_contexts: _Contexts) -> Iterator[Context]:
    """A context as ``build_context()`` makes it, whatever the tests before taught theirs."""
    context = _contexts.get()
    before = _contexts.knows(context)
    yield context
    if _contexts.knows(context) != before:
        _contexts.current = None


@pytest.fixture(scope="module")
def module_ctx() -> Context:
    """A context of the module's own, for module fixtures that ingest (they teach it words)."""
    return build_context()


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    """The division table, read once (tests only read it)."""
    return Gazetteer.load()


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Every search engine: a test that takes ``engine`` runs once on each."""
    name: str = request.param
    return name


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def run_cli(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``zxkg`` command as a user would."""
    result = subprocess.run(
        [str(ZXKG), *args],
        input=stdin.decode("utf-8") if stdin is not None else None,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    return result
