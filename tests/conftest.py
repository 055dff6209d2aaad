"""Shared fixtures: one extraction context per session, real data directories per test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from zxkg.ingest.gazetteer import Gazetteer
from zxkg.ingest.link import Context
from zxkg.ingest.pipeline import build_context
from zxkg.search.engine import ENGINES

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "hunan-cppcc-2024-05-24.txt"
ZXKG = Path(sys.executable).with_name("zxkg")


@pytest.fixture(scope="session")
def ctx() -> Context:
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
