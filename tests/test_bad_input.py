"""Bad input loses nothing: every broken file is reported with a reason, every good one lands."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import SEED, ZXKG, run_cli
from zxkg.ingest.store import DEFERRED_INDEXES
from zxkg.search.engine import open_engine

GOOD = SEED.read_text(encoding="utf-8").replace("\xa0", " ")  # GBK has no NBSP


def variant(n: int) -> str:
    """A distinct, realistic article: the example with its own first line."""
    return f"title: 第{n}篇 株洲市政协工作动态\ndate: 2024-05-{1 + n % 28:02d}\n---\n编号{n}。\n" + GOOD


def index_ids(data: Path) -> frozenset[str]:
    """The article ids the whoosh index of ``data`` holds (none when it was never created)."""
    if not (data / "index" / "whoosh").is_dir():
        return frozenset()
    engine = open_engine("whoosh", data / "index" / "whoosh")
    try:
        return engine.ids()
    finally:
        engine.close()


def write_bad_corpus(root: Path) -> dict[str, str]:
    """Files and the reason each must be reported with (None: must land)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "good-utf8.txt").write_text(variant(1), encoding="utf-8")
    (root / "good-gbk.txt").write_bytes(variant(2).encode("gbk"))
    (root / "good-gb18030.txt").write_bytes(variant(3).encode("gb18030"))
    (root / "good-utf16.txt").write_bytes(variant(4).encode("utf-16"))
    (root / "good-emoji-control.txt").write_text(variant(5).replace("编号5", "编号5😀\x07\x1b"), encoding="utf-8")
    bad_middle = variant(6).encode("utf-8")
    (root / "good-bad-byte.txt").write_bytes(bad_middle[:900] + b"\xff\xfe" + bad_middle[900:])
    (root / "good-broken.html").write_text(
        "<html><head><title>衡阳市政协</title><body><div><p>衡阳市政协着力探索“党建+”模式。<p>未闭合<div>",
        encoding="utf-8",
    )
    (root / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.txt").write_text(" \n\t\n", encoding="utf-8")
    (root / "huge.txt").write_bytes(("株洲市政协" * 1_200_000).encode("utf-8"))  # 18 MB, one line
    (root / "scripts.html").write_text("<html><body><script>alert(1)</script></body></html>", encoding="utf-8")
    (root / "shape.json").write_text('"just a string"', encoding="utf-8")
    (root / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    lines = [json.dumps({"title": "甲", "content": variant(7)}, ensure_ascii=False), "{not json", "[1]", ""]
    (root / "dump.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "sub").mkdir()
    os.symlink(root / "sub", root / "sub" / "loop")
    os.symlink(root / "nowhere.txt", root / "dangling.txt")
    os.mkfifo(root / "pipe.txt")  # reading it would wait for a writer that never comes
    unreadable = {}
    if os.geteuid() != 0:  # root reads whatever the mode says
        (root / "unreadable.txt").write_text(variant(8), encoding="utf-8")
        (root / "unreadable.txt").chmod(0)
        unreadable["unreadable.txt"] = "cannot read: Permission denied"
    return {
        **unreadable,
        "binary.txt": "binary",
        "empty.txt": "no article text",
        "blank.txt": "no article text",
        "huge.txt": "too large",
        "scripts.html": "no article text",
        "shape.json": "neither an article object",
        "deep.json": "too deeply nested",
        "dump.jsonl:2": "not valid JSON",
        "dump.jsonl:3": "expected a JSON object",
        "dangling.txt": "cannot read",
        "pipe.txt": "not a regular file",
    }


def test_every_bad_file_reported_every_good_one_lands(tmp_path: Path) -> None:
    expected = write_bad_corpus(tmp_path / "in")
    data = tmp_path / "data"
    result = run_cli("ingest", "--data", str(data), str(tmp_path / "in"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "ingested 8," in result.stdout, result.stdout
    reported = {
        Path(line.split(": ", 2)[1]).name: line.split(": ", 2)[2]
        for line in result.stderr.splitlines()
        if line.startswith("  failed: ")
    }
    assert set(reported) == set(expected)
    for name, reason in expected.items():
        assert reason in reported[name], (name, reported[name])
    with sqlite3.connect(data / "zxkg.db") as db:
        assert db.execute("SELECT count(*) FROM failures").fetchone()[0] == len(expected)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # no article is half-written: each has its mentions
        orphans = db.execute(
            "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE m.article = a.key)"
        ).fetchone()[0]
        assert orphans == 0


@pytest.mark.slow
def test_kill_minus_nine_loses_nothing_and_the_next_ingest_completes(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    total = 300  # more than a commit holds (pipeline.BATCH_ARTICLES), so the kill lands mid-way
    for n in range(total):
        (src / f"a{n:03d}.txt").write_text(variant(100 + n), encoding="utf-8")
    data = tmp_path / "data"
    proc = subprocess.Popen([str(ZXKG), "ingest", "-q", "--data", str(data), str(src)], stdout=subprocess.DEVNULL)
    db_path = data / "zxkg.db"
    deadline = time.monotonic() + 120
    seen = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        if db_path.exists():
            try:
                with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1) as db:
                    seen = db.execute("SELECT count(*) FROM articles").fetchone()[0]
            except sqlite3.Error:
                continue
            if seen >= 10:
                break
    assert proc.poll() is None, "ingest finished before it could be interrupted"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        landed = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert 10 <= landed < total
    # the index commits at the end of an ingest: it lags the store, and check says by how much
    held = len(index_ids(data))
    assert held < landed
    checked = run_cli("check", "--data", str(data))
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert (
        f"PROBLEM  index: the whoosh index holds {held} documents for the store's {landed} articles" in checked.stdout
    )
    assert "PROBLEM  runs: left running by an ingest that stopped: #1" in checked.stdout
    assert "ok       store:" in checked.stdout and "ok       evidence:" in checked.stdout
    again = run_cli("ingest", "--data", str(data), str(src))
    assert again.returncode == 0, again.stderr
    assert f"unchanged {landed}," in again.stdout and f"ingested {total - landed}," in again.stdout
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == total
        assert db.execute("SELECT count(DISTINCT content_hash) FROM articles").fetchone()[0] == total
        statuses = dict(db.execute("SELECT status, count(*) FROM runs GROUP BY status").fetchall())
        assert statuses == {"interrupted": 1, "done": 1}
        ids = {r[0] for r in db.execute("SELECT id FROM articles")}
    assert index_ids(data) == ids
    with sqlite3.connect(db_path) as db:  # left out by the killed ingest (an empty store), back now
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert set(DEFERRED_INDEXES) <= names
    after = run_cli("check", "--data", str(data))
    assert after.returncode == 0 and after.stdout.splitlines()[-1] == "consistent", after.stdout


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_worker_processes_end_when_the_writer_is_killed(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for n in range(400):
        (src / f"a{n:03d}.txt").write_text(variant(1000 + n), encoding="utf-8")
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [str(ZXKG), "ingest", "-q", "--workers", "2", "--data", str(data), str(src)], stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while time.monotonic() < deadline and proc.poll() is None and len(workers) < 2:
        time.sleep(0.1)
        workers = [p for p in _children(proc.pid) if "multiprocessing" in Path(f"/proc/{p}/cmdline").read_text()]
    assert proc.poll() is None and len(workers) >= 2, "ingest ended before its workers could be seen"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.2)
    assert not any(_alive(p) for p in workers), "worker processes outlived the killed ingest"
