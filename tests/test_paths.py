"""A data directory may be called anything a file system allows: every command opens the
right store in it, and a read-only command never creates a file anywhere.

SQLite reads a URI's path up to the first ``?`` or ``#`` and decodes ``%XX``; a read-only
open that pasted the path into ``file:{path}?mode=ro`` opened (and created) another file
read-write. These tests run every command over folders whose names hold those characters,
spaces and Chinese, and look for stray files beside them afterwards.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SEED, run_cli

# each name holds characters a URI would read otherwise
HOSTILE = ("d#1 数据", "q?mode=rw", "p%41 政协")


@pytest.fixture(scope="module", params=HOSTILE)
def place(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store ingested into a data directory named ``request.param``, alone in its parent."""
    parent = tmp_path_factory.mktemp("parent")
    data = parent / request.param
    ran = run_cli("ingest", "--data", str(data), str(SEED))
    assert ran.returncode == 0 and "ingested 1" in ran.stdout, ran.stdout + ran.stderr
    yield data
    assert sorted(p.name for p in parent.iterdir()) == [request.param], "a stray file beside the data directory"


def _files(data: Path) -> set[str]:
    """The data directory's files but the search index and SQLite's WAL companions (a reader
    of a WAL database creates those)."""
    return {
        str(p.relative_to(data))
        for p in data.rglob("*")
        if p.is_file() and "index" not in p.parts and not p.name.endswith(("-wal", "-shm"))
    }


READING = [
    ("stats", "--json"),
    ("relations",),
    ("search", "政协"),
    ("adopters", "两力两率"),
    ("region", "湖南省"),
    ("timeline", "两力两率"),
    ("diffusion", "两力两率"),
    ("leaders",),
    ("communities",),
    ("similar", "株洲市"),
    ("lexicon",),
    ("check",),
    ("migrate",),
]


@pytest.mark.parametrize("args", READING, ids=lambda a: a[0])
def test_reading_commands_open_the_store_in_the_folder_named(place: Path, args: tuple[str, ...]) -> None:
    before = _files(place)
    ran = run_cli(args[0], "--data", str(place), *args[1:])
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "Traceback" not in ran.stderr
    assert _files(place) == before, "a reading command changed the data directory"
    if args[0] == "stats":
        assert json.loads(ran.stdout)["articles"] == 1  # the store in the folder, not an empty one


def test_writing_commands_and_exports_work_in_the_folder_named(place: Path) -> None:
    for args in (("lexicon", "add", "测试机制名", "--kind", "mechanism"), ("reextract",), ("reindex",)):
        ran = run_cli(args[0], *args[1:], "--data", str(place))
        assert ran.returncode == 0, ran.stdout + ran.stderr
    ran = run_cli("ingest", "--data", str(place), str(SEED))
    assert ran.returncode == 0 and "unchanged 1" in ran.stdout, ran.stdout + ran.stderr
    out = place / "exports" / "g#1?.graphml"
    ran = run_cli("export", "--data", str(place), "-f", "graphml", "-o", str(out))
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert out.read_text(encoding="utf-8").startswith("<?xml")
    ran = run_cli("stats", "--data", str(place), "--json")
    assert json.loads(ran.stdout)["articles"] == 1


@pytest.mark.slow
def test_serve_answers_from_the_folder_named(place: Path) -> None:
    from tests.test_api_server import get, serve

    gen = serve(place)
    base = next(gen)
    try:
        status, health = get(base + "/healthz")
        assert status == 200 and health["articles"] == 1
        status, found = get(base + "/search?q=" + urllib.parse.quote("政协"))
        assert status == 200 and found["total"] == 1
    finally:
        gen.close()
