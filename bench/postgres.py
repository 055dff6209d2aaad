"""The PostgreSQL column of ``make bench``: the same corpus into a PostgreSQL store, beside SQLite's.

For one corpus size: one ``zxkg ingest`` of all of it, then two at once on its two halves
(into a fresh database), the final counts against SQLite's single ingest of the same
files, and on the PostgreSQL store search p95 (one word, phrase, facets), adopters p95 and
the full adoption table's export, each with its ratio to the SQLite figure of the same run.
The server is ``ZXKG_BENCH_POSTGRES`` (else ``ZXKG_TEST_POSTGRES``, else the local
``postgresql:///postgres``); without one the section says so.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SEARCH_CASES = ("one word", "two words (AND)", "phrase", "faceted (region, mechanism, year)")


def server() -> str | None:
    """The server's URL, or None when none answers."""
    url = os.environ.get("ZXKG_BENCH_POSTGRES") or os.environ.get("ZXKG_TEST_POSTGRES") or "postgresql:///postgres"
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=5).close()
    except Exception:
        return None
    return url


def fresh_database(url: str, name: str) -> str:
    """An empty database ``name`` on the server of ``url``; its URL."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/{name}" + (f"?{parts.query}" if parts.query else "")


def drop_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def halves(corpus: Path, work: Path) -> list[Path]:
    """The corpus (JSONL) cut into two files of half the lines each."""
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    middle = len(lines) // 2
    out = []
    for k, part in enumerate((lines[:middle], lines[middle:])):
        path = work / f"{corpus.stem}-half{k}.jsonl"
        path.write_text("".join(part), encoding="utf-8")
        out.append(path)
    return out


def store_counts(location: str | Path) -> dict[str, int]:
    from zxkg.ingest.store import Store

    with Store.open(location, readonly=True) as store:
        return {t: store.count(t) for t in ("articles", "relations", "adoption_pairs")}


def bench_postgres(
    n: int, corpus: Path, work: Path, sqlite_data: Path, sqlite: dict[str, Any], zxkg: Path, report: list[str]
) -> dict[str, Any]:
    """Measure the PostgreSQL store on ``corpus``; appends its section to ``report``.

    ``sqlite`` holds the SQLite figures of the same run (ingest seconds, search and graph
    latencies, the adoption table's export) the ratios are taken against.
    """
    from bench.run import exports, graph_latency, run_measured, search_latency

    url = server()
    report.append(f"\n### PostgreSQL, {n:,} articles\n")
    if url is None:
        report.append("No PostgreSQL server answered (set ZXKG_BENCH_POSTGRES to one's URL); not measured.")
        return {}
    cores = os.cpu_count() or 2
    name = f"zxkg_bench_{n}"
    one = fresh_database(url, name)
    secs_one, rss, _ = run_measured([str(zxkg), "ingest", "-q", "--workers", str(cores), "--store", one, str(corpus)])
    drop_database(url, name)
    two = fresh_database(url, name)
    started = time.perf_counter()
    ingesters = [
        subprocess.Popen([str(zxkg), "ingest", "-q", "--workers", str(max(1, cores // 2)), "--store", two, str(half)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for half in halves(corpus, work)
    ]  # fmt: skip
    for p in ingesters:
        _, err = p.communicate()
        if p.returncode != 0:
            raise RuntimeError(f"a concurrent ingest failed: {err[-500:]}")
    secs_two = time.perf_counter() - started
    mine, theirs = store_counts(two), store_counts(sqlite_data)
    rng = random.Random(n)
    search = search_latency(two, None, rng, 40)
    graph = graph_latency(two, rng, 40)
    from zxkg.ingest.store import Store

    with Store.open(two, readonly=True) as store:
        top = store.term_list(("mechanism", "brand"), "", 1, 0)[1][0].name
        size = store.size_bytes() / 1e6
    export = exports(two, work, ["adoptions"], top)["adoptions"]
    # Ingests learn in reading order; `zxkg reextract` settles a store to what its articles
    # alone give. Settled, the two ingesters' store and the single SQLite one must agree.
    settled_copy = work / "sqlite-settled"
    shutil.rmtree(settled_copy, ignore_errors=True)
    shutil.copytree(sqlite_data, settled_copy)
    secs_settle_two, _, _ = run_measured([str(zxkg), "reextract", "--store", two])
    secs_settle_one, _, _ = run_measured([str(zxkg), "reextract", "--data", str(settled_copy)])
    settled_mine, settled_theirs = store_counts(two), store_counts(settled_copy)
    shutil.rmtree(settled_copy, ignore_errors=True)
    drop_database(url, name)

    def ratio(pg: float, lite: float) -> str:
        return f"{pg / lite:.2f}" if lite else "–"

    rows = [
        ("ingest, 1 ingester, all of it (s)", secs_one, sqlite["ingest"]),
        ("ingest, 2 ingesters at once, a half each (s)", secs_two, sqlite["ingest"]),
    ]
    rows += [(f"search p95, {case} (ms)", search[case][1], sqlite["search"][case][1]) for case in SEARCH_CASES]
    rows += [(f"{name} p95 (ms)", graph[name][1], sqlite["graph"][name][1]) for name in graph]
    rows.append(("export of the full adoption table (s)", export, sqlite["adoptions"]))
    report.append("| measure | SQLite (tantivy) | PostgreSQL | PostgreSQL / SQLite |")
    report.append("| --- | ---: | ---: | ---: |")
    for label, pg, lite in rows:
        report.append(f"| {label} | {lite:.1f} | {pg:.1f} | {ratio(pg, lite)} |")
    same = "the same" if mine == theirs else f"**not** the same ({theirs} in SQLite)"
    settled_same = "the same" if settled_mine == settled_theirs else f"**not** the same ({settled_theirs} in SQLite)"
    report.append(
        f"\nAfter the two ingesters: {mine['articles']:,} articles, {mine['relations']:,} relations, "
        f"{mine['adoption_pairs']:,} adoption pairs — {same} as one SQLite ingest of the same files. "
        f"Database size {size:.0f} MB ({size * 1e6 / n / 1024:.1f} KB an article, search tables included); "
        f"peak memory of the single ingest {rss} MB. Two ingesters against one: "
        f"{secs_one / secs_two:.2f}× as fast."
    )
    report.append(
        f"\nAfter `zxkg reextract` of each (PostgreSQL {secs_settle_two:.0f} s, SQLite {secs_settle_one:.0f} s): "
        f"{settled_mine['articles']:,} articles, {settled_mine['relations']:,} relations, "
        f"{settled_mine['adoption_pairs']:,} adoption pairs — {settled_same} as the SQLite store settled alike."
    )
    return {
        "one": secs_one,
        "two": secs_two,
        "search": search,
        "graph": graph,
        "same": mine == theirs,
        "settled_same": settled_mine == settled_theirs,
    }
