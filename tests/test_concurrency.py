"""Readers while an ingest writes, and two ingests at once: no errors, nothing half-visible, no damage."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ZXKG, run_cli
from tests.test_bad_input import index_ids, variant
from zxkg.api.web import Settings, create_app

pytestmark = pytest.mark.slow  # real processes and servers

BUSY = "another zxkg process is writing to"


def corpus(root: Path, n: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (root / f"a{i:04d}.txt").write_text(variant(300 + i), encoding="utf-8")
    return root


def articles_in(db_path: Path) -> int:
    """Articles in the store so far (0 before it has its tables)."""
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1) as db:
            return int(db.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def final_counts(db_path: Path) -> tuple[list[str], dict[str, int], dict[str, int]]:
    """Article ids in the order they landed, and each one's mentions and relations."""
    with sqlite3.connect(db_path) as db:
        order = [r[0] for r in db.execute("SELECT id FROM articles ORDER BY rowid")]
        mentions = dict(
            db.execute("SELECT a.id, count(*) FROM mentions m JOIN articles a ON a.key = m.article GROUP BY a.id")
        )
        relations = dict(
            db.execute("SELECT a.id, count(*) FROM relations r JOIN articles a ON a.key = r.article GROUP BY a.id")
        )
    return order, mentions, relations


def test_readers_never_see_half_an_article_while_an_ingest_writes(tmp_path: Path) -> None:
    total = 300  # three commits at least (pipeline.BATCH_ARTICLES a commit, or a second's worth), read in between
    src = corpus(tmp_path / "in", total)
    data = tmp_path / "data"
    writer = subprocess.Popen(
        [str(ZXKG), "ingest", "-q", "--data", str(data), str(src)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while articles_in(data / "zxkg.db") == 0 and writer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    client = TestClient(create_app(Settings(store=data)))
    stats_seen: list[tuple[int, int, int]] = []  # (articles, mentions, relations of articles)
    relations_seen: list[Counter[str]] = []
    article_mentions: dict[str, set[int]] = {}
    errors: list[str] = []
    rounds = 0
    while writer.poll() is None and time.monotonic() < deadline:
        rounds += 1
        for _ in range(20):  # the API is cheap to ask: ask it often
            r = client.get("/stats")
            if r.status_code != 200:
                errors.append(f"/stats {r.status_code}: {r.text}")
                continue
            s = r.json()
            stats_seen.append(
                (s["articles"], s["mentions"], sum(n for p, n in s["relations"].items() if p != "part_of"))
            )
        cli = run_cli("stats", "--json", "--data", str(data))
        if cli.returncode != 0:
            errors.append(f"zxkg stats: {cli.stderr}")
        else:
            s = json.loads(cli.stdout)
            stats_seen.append(
                (s["articles"], s["mentions"], sum(n for p, n in s["relations"].items() if p != "part_of"))
            )
        if rounds % 3 == 1:
            rel = run_cli("relations", "--data", str(data))
            if rel.returncode != 0 or rel.stderr:
                errors.append(f"zxkg relations: {rel.stderr}")
            else:
                records = [json.loads(line) for line in rel.stdout.splitlines()]
                relations_seen.append(Counter(r["article"] for r in records if r["article"]))
                for article_id in list(relations_seen[-1])[-5:]:
                    a = client.get(f"/articles/{article_id}")
                    if a.status_code != 200:
                        errors.append(f"/articles/{article_id} {a.status_code}")
                    else:
                        article_mentions.setdefault(article_id, set()).add(len(a.json()["mentions"]))
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert f"ingested {total}," in out.decode()
    assert errors == []
    order, mentions, relations = final_counts(data / "zxkg.db")
    assert len(order) == total
    # what a reader saw was always the store after some whole number of articles
    assert len(stats_seen) > 20 and any(0 < a < total for a, _, _ in stats_seen), stats_seen
    for articles, m, r in stats_seen:
        landed = order[:articles]
        assert (m, r) == (sum(mentions[i] for i in landed), sum(relations[i] for i in landed)), (articles, m, r)
    assert relations_seen and any(0 < len(seen) < total for seen in relations_seen)
    for seen in relations_seen:
        assert dict(seen) == {i: relations[i] for i in seen}
    assert article_mentions
    for article_id, counts in article_mentions.items():
        assert counts == {mentions[article_id]}


def test_two_ingests_at_once_one_writes_the_other_stops_clearly(tmp_path: Path) -> None:
    total = 100
    src = corpus(tmp_path / "in", total)
    data = tmp_path / "data"
    cmd = [str(ZXKG), "ingest", "-q", "--data", str(data), str(src)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(*p.communicate(timeout=300), p.returncode) for p in procs]
    assert sorted(code for _, _, code in results) == [0, 3], results
    (out, _, _) = next(r for r in results if r[2] == 0)
    (_, err, _) = next(r for r in results if r[2] == 3)
    assert f"ingested {total}," in out
    assert err.startswith(f"Error: {BUSY} {data}; try again when it has finished"), err
    assert "Traceback" not in err
    with sqlite3.connect(data / "zxkg.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*), count(DISTINCT content_hash) FROM articles").fetchone() == (total, total)
        assert db.execute("SELECT status, count(*) FROM runs GROUP BY status").fetchall() == [("done", 1)]
        ids = {r[0] for r in db.execute("SELECT id FROM articles")}
    assert index_ids(data) == ids
