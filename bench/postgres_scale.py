"""PostgreSQL search at a corpus size ``make bench`` cannot ingest within its budget.

Ingesting into PostgreSQL runs at about a fifth of SQLite's pace on two cores (each
article's tsvector, with its runs of two and three words, is about 35 KB), so 100,000
articles would take the better part of an hour. The search's cost depends on the search
table alone, so this script ingests ``--base`` generated articles into a fresh database,
then copies their search rows ``--times`` times under new ids (each copy's dates a year
earlier per copy, the same words and facet values), rebuilds the GIN index, and measures
the same queries as ``make bench`` on the larger table. What the copies do not reproduce:
a vocabulary that grows with the corpus (the copies share the base's), so posting lists
are as long as in a real corpus of that size but there are no more of them.

    python bench/postgres_scale.py [--base 10000] [--times 10] [--out docs/benchmarks-postgres-scale.md]

The server is ``ZXKG_BENCH_POSTGRES`` (else ``ZXKG_TEST_POSTGRES``, else the local one);
the database ``zxkg_bench_scale`` is created and dropped.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import generate  # noqa: E402
from bench.postgres import SEARCH_CASES, drop_database, fresh_database, server  # noqa: E402
from bench.run import ZXKG, graph_latency, search_latency  # noqa: E402

NAME = "zxkg_bench_scale"


def replicate(url: str, times: int) -> float:
    """Copy the search rows ``times - 1`` times under new ids; seconds taken (index included)."""
    import psycopg

    from zxkg.search.postgres_engine import COLUMNS, FACET_COLUMNS

    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP INDEX IF EXISTS search_documents_terms")
        facets = ", ".join(f"s.{c}" for c in FACET_COLUMNS)
        conn.execute(
            f"INSERT INTO search_documents ({COLUMNS}) SELECT s.id || '-' || k, s.terms, s.head,"
            f" CASE WHEN s.date_key > 0 THEN s.date_key - k * 10000 ELSE 0 END, {facets}, s.record"
            " FROM search_documents s, generate_series(1, %s) k",
            (times - 1,),
        )
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute(
            "CREATE INDEX search_documents_terms ON search_documents USING gin (terms) WITH (fastupdate = off)"
        )
        conn.execute("VACUUM ANALYZE search_documents")
    return time.perf_counter() - started


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", type=int, default=10_000)
    ap.add_argument("--times", type=int, default=10)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks-postgres-scale.md")
    args = ap.parse_args()
    base = server()
    if base is None:
        print("no PostgreSQL server answers (set ZXKG_BENCH_POSTGRES)", file=sys.stderr)
        return 2
    url = fresh_database(base, NAME)
    try:
        with tempfile.TemporaryDirectory(prefix="zxkg-scale-") as tmp:
            corpus = Path(tmp) / "corpus.jsonl"
            shared = args.shared if (args.shared / "corpus").is_dir() else None
            generate(args.base, 20240524, corpus, shared)
            started = time.perf_counter()
            cores = str(os.cpu_count() or 2)
            subprocess.run([str(ZXKG), "ingest", "-q", "--workers", cores, "--store", url, str(corpus)], check=True)
            ingest = time.perf_counter() - started
        small = search_latency(url, None, random.Random(1), 40)
        copies = replicate(url, args.times)
        large = search_latency(url, None, random.Random(1), 40)
        graph = graph_latency(url, random.Random(1), 40)
        import psycopg

        with psycopg.connect(url) as conn:
            rows, size = conn.execute(
                "SELECT count(*), pg_total_relation_size('search_documents') FROM search_documents"
            ).fetchone()
    finally:
        drop_database(base, NAME)
    lines = [
        "# PostgreSQL search at scale",
        "",
        "Written by `bench/postgres_scale.py` (see its docstring for the method: the search rows of",
        f"{args.base:,} generated articles, ingested, then copied to {rows:,} rows).",
        "",
        f"Ingest of {args.base:,} articles: {ingest:.0f} s; copying and indexing the search rows: {copies:.0f} s;"
        f" search tables {size / 1e9:.2f} GB.",
        "",
        f"| query | {args.base:,} rows p50 / p95 (ms) | {rows:,} rows p50 / p95 (ms) |",
        "| --- | ---: | ---: |",
    ]
    for case in (*SEARCH_CASES, "filtered (province)"):
        (a50, a95), (b50, b95) = small[case], large[case]
        lines.append(f"| {case} | {a50:.1f} / {a95:.1f} | {b50:.1f} / {b95:.1f} |")
    lines.append(f"\nAdopters p50 / p95 on the store of {args.base:,}: {graph['adopters'][0]:.1f} / "
                 f"{graph['adopters'][1]:.1f} ms (the copies add search rows only).")  # fmt: skip
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
