"""``make bench``: speed and memory of zxkg, measured against a baseline in the same run.

Writes ``docs/benchmarks.md``. For each corpus size (10k, and 100k unless ``--quick``):

- the **segmentation floor**: jieba ``lcut`` (HMM on, one process) over the same texts —
  the baseline every ingest figure is compared with (ratio ingest / floor);
- the full **ingest** (read, parse, segment, extract, store, index) through the ``zxkg``
  command, per search engine, in articles/s and characters/s, with its peak memory and
  the sizes of the store and the index;
- **search** latency p50/p95 (one word, two words, a phrase, a filter, facets);
- **adopters**, region profile and timeline latency;
- **export** time per format, and the full adoption table;
- **API** throughput under a bounded load on loopback (when ``scripts/loadtest.py`` exists).

Timings are wall-clock on whatever else the machine is doing; the machine is recorded.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import generate  # noqa: E402

ZXKG = Path(sys.executable).with_name("zxkg")
LOAD_SECONDS, LOAD_CLIENTS, API_WORKERS = 10, 20, 2
SEED = 20240524
FLOOR_SAMPLE = 2_500  # a rate: 2,500 articles (4.7 M characters, about 11 s) give it to within 1%
PACKAGES = (
    "jieba",
    "rjieba",
    "whoosh-reloaded",
    "tantivy",
    "sqlite-utils",
    "networkx",
    "fastapi",
    "uvicorn",
    "lxml",
)


def machine() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "-"
    import sqlite3

    return {
        "cores": str(os.cpu_count()),
        "memory": f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        **versions,
    }


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds over ``runs`` calls (after one warm-up)."""
    fn()
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (MB, the largest process of the command) and stdout of ``cmd``."""
    runner = (
        "import resource, subprocess, sys, time; t = time.perf_counter();"
        " p = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        " sys.stderr.write(p.stderr); print(time.perf_counter() - t);"
        " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); print(p.stdout); sys.exit(p.returncode)"
    )
    out = subprocess.run([sys.executable, "-c", runner, *cmd], capture_output=True, text=True, env=env, check=True)
    secs, rss, *rest = out.stdout.split("\n")
    return float(secs), int(rss) // 1024, "\n".join(rest)


def floor(texts: list[str]) -> float:
    """Seconds for jieba lcut (HMM on, one process, private tokenizer) over ``texts``."""
    import jieba

    jieba.setLogLevel(60)
    tok = jieba.Tokenizer()
    tok.initialize()
    t = time.perf_counter()
    for text in texts:
        tok.lcut(text, HMM=True)
    return time.perf_counter() - t


def size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6 if path.exists() else 0.0


def engines() -> list[str]:
    from zxkg.search.engine import ENGINES

    return [e for e in ("tantivy", "whoosh") if e in ENGINES]


def search_latency(
    data: Path | str, engine: str | None, rng: random.Random, runs: int
) -> dict[str, tuple[float, float]]:
    from zxkg.ingest.pipeline import build_context, settle_gc
    from zxkg.ingest.store import Store
    from zxkg.search.index import SearchIndex

    with Store.open(data, readonly=True) as store:
        ctx = build_context(store)
        settle_gc()  # as ``zxkg serve`` does once its context is loaded
        index = SearchIndex.of(store, ctx.segmenter, ctx.gazetteer, engine)
        words = ["委员", "协商", "政协", "提案", "调研", "工作室", "民生", "监督"]
        pairs = [("委员", "工作室"), ("协商", "议事"), ("提案", "办理"), ("民主", "监督")]
        phrases = ["“有事好商量”", "“委员工作室”", "“协商议事”", "“民主监督”"]
        provinces = ["湖南省", "江苏省", "广东省", "山东省", "四川省"]

        def query(q: str, **kw: Any) -> Callable[[], object]:
            def go() -> object:
                req = index.request(q, facets=kw.pop("facets", ()), **kw)
                return index.search(req, store)

            return go

        cases: dict[str, Callable[[], object]] = {
            "one word": lambda: query(rng.choice(words))(),
            "two words (AND)": lambda: query(" ".join(rng.choice(pairs)))(),
            "phrase": lambda: query(rng.choice(phrases))(),
            "filtered (province)": lambda: query(rng.choice(words), regions=(rng.choice(provinces),))(),
            "faceted (region, mechanism, year)": lambda: query(
                rng.choice(words), facets=("region", "mechanism", "year")
            )(),
        }
        return {name: timed(fn, runs) for name, fn in cases.items()}


def graph_latency(data: Path | str, rng: random.Random, runs: int) -> dict[str, tuple[float, float]]:
    from zxkg.graph.names import Names
    from zxkg.graph.query import adopters, region_profile, timeline
    from zxkg.ingest.gazetteer import Gazetteer
    from zxkg.ingest.pipeline import settle_gc
    from zxkg.ingest.store import Store

    gaz = Gazetteer.load()
    settle_gc()  # as ``zxkg serve`` does once its context is loaded
    with Store.open(data, readonly=True) as store:
        terms = [r.name for r in store.term_list(("mechanism", "brand"), "", 50, 0)[1]]
        regions = [r.name for r in store.region_list("", 50, 0)[1]]
        names = Names(store, gaz)
        return {
            "adopters": timed(lambda: adopters(names, rng.choice(terms)), runs),
            "region profile": timed(lambda: region_profile(names, rng.choice(regions)), runs),
            "timeline": timed(lambda: timeline(names, rng.choice(terms)), runs),
        }


def exports(data: Path | str, out: Path, formats: list[str], term: str) -> dict[str, float]:
    """Seconds per export format; the panel (regions × years) for one term, as a study would ask."""
    result = {}
    for fmt in formats:
        target = out / f"export-{fmt}"
        extra = ["--term", term] if fmt == "panel" else []
        t = time.perf_counter()
        subprocess.run([str(ZXKG), "export", "--data", str(data), "--format", fmt, "-o", str(target), *extra],
                       check=True, capture_output=True)  # fmt: skip
        result[fmt] = time.perf_counter() - t
        shutil.rmtree(target, ignore_errors=True) if target.is_dir() else target.unlink(missing_ok=True)
    return result


def diffusion_timing(data: Path, runs: int = 5) -> dict[str, Any]:
    """Seconds for the cascade of the term with the most adopters (median of ``runs``, the
    division graph and store reads included) and for the communities of all regions (once)."""
    import statistics

    from zxkg.graph.cascade import cascade
    from zxkg.graph.communities import communities
    from zxkg.graph.names import Names
    from zxkg.ingest.gazetteer import Gazetteer
    from zxkg.ingest.store import Store

    with Store.open(data, readonly=True) as store:
        names = Names(store, Gazetteer.load())
        term = store.term_list(("mechanism", "brand"), "", 1, 0)[1][0].name
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            c = cascade(names, term)
            times.append(time.perf_counter() - t)
        t = time.perf_counter()
        groups = communities(names)
        grouped = time.perf_counter() - t
    regions = sum(len(g.members) for g in groups)
    return {"term": term, "adopters": len(c.steps) + len(c.undated), "cascade": statistics.median(times),
            "communities": grouped, "groups": len(groups), "regions": regions}  # fmt: skip


def api_load(data: Path, engine: str, seconds: int, clients: int) -> dict[str, Any] | None:
    script = ROOT / "scripts" / "loadtest.py"
    if not script.exists():
        return None
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ZXKG_SEARCH_ENGINE": engine}
    serve = [str(ZXKG), "serve", "--data", str(data), "--port", str(port), "--workers", str(API_WORKERS)]
    server = subprocess.Popen(serve, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(6)
        out = subprocess.run(
            [sys.executable, str(script), f"http://127.0.0.1:{port}", "--clients", str(clients),
             "--seconds", str(seconds), "--json"],
            capture_output=True, text=True, timeout=seconds + 120,
        )  # fmt: skip
        return json.loads(out.stdout) if out.returncode == 0 and out.stdout.strip() else {"error": out.stderr[-500:]}
    finally:
        server.terminate()
        server.wait(timeout=10)


def bench_size(
    n: int,
    work: Path,
    shared: Path | None,
    report: list[str],
    full_exports: bool,
    floors: dict[str, float],
    postgres: bool,
) -> dict[str, Any]:
    """Measure one corpus size; appends its section to ``report``, returns the figures the targets need.

    ``postgres``: also load the corpus into a PostgreSQL store (``make bench-postgres``, the
    smallest size only: its ingest runs at about a fifth of SQLite's pace, which would take
    ``make bench`` past its budget; the search at 100k is ``bench/postgres_scale.py``'s)."""
    figures: dict[str, Any] = {"n": n}
    corpus = work / f"corpus-{n}.jsonl"
    t = time.perf_counter()
    counts = generate(n, SEED, corpus, shared)
    report.append(f"\n## {n:,} articles\n")
    report.append(
        f"Corpus: {counts['articles']:,} articles, {counts['chars'] / 1e6:.1f} M characters "
        f"({corpus.stat().st_size / 1e6:.0f} MB JSONL), generated in {time.perf_counter() - t:.1f} s.\n"
    )
    # The floor is measured on (up to) the first FLOOR_SAMPLE texts of the same corpus: at
    # 100k it would take seven minutes to learn a rate that a few thousand articles give.
    # Every size is drawn with one seed, so a smaller corpus opens a larger one and the
    # floor of those texts is measured once (``floors``, by the texts' digest).
    texts = []
    with corpus.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            texts.append(rec["title"] + "\n" + rec["content"])
            if len(texts) == FLOOR_SAMPLE:
                break
    sample_chars = sum(len(t) for t in texts)
    digest = hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()
    reused = digest in floors
    if not reused:
        floors[digest] = floor(texts)
    floor_s = floors[digest] * n / len(texts)
    floor_rate = n / floor_s
    report.append("| ingest | seconds | articles/s | M chars/s | × floor | peak RSS | store | index |")
    report.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    report.append(
        f"| segmentation floor (jieba lcut, HMM, 1 process; rate of the first {len(texts):,} articles, "
        f"{sample_chars / 1e6:.1f} M chars{', the same texts as above' if reused else ''}) | {floor_s:.1f} | "
        f"{floor_rate:.0f} | "
        f"{counts['chars'] / floor_s / 1e6:.2f} | 1.00 | | | |"
    )
    datas: dict[str, Path] = {}
    for engine in engines():
        if engine == "whoosh" and (n > 20_000 or postgres):  # PostgreSQL is set beside tantivy
            report.append(f"| zxkg ingest, whoosh | skipped at {n:,} (`make bench` has the 10k figure) | | | | | | |")
            continue
        data = work / f"data-{n}-{engine}"
        env = {**os.environ, "ZXKG_SEARCH_ENGINE": engine}
        secs, rss, _ = run_measured([str(ZXKG), "ingest", "-q", "--workers", str(os.cpu_count() or 2), "--data",
                                     str(data), str(corpus)], env)  # fmt: skip
        datas[engine] = data
        figures[f"ratio {engine}"] = (n / secs) / floor_rate
        figures[f"seconds {engine}"] = secs
        figures.setdefault("rss", rss)
        store_mb = size_mb(data / "zxkg.db") + size_mb(data / "zxkg.db-wal")
        figures.setdefault("kb per article", store_mb * 1e6 / n / 1024)
        report.append(
            f"| zxkg ingest, {engine} index, {os.cpu_count()} workers | {secs:.1f} | {n / secs:.0f} | "
            f"{counts['chars'] / secs / 1e6:.2f} | {(n / secs) / floor_rate:.2f} | {rss} MB | "
            f"{store_mb:.0f} MB ({store_mb * 1e6 / n / 1024:.1f} KB an article) | {size_mb(data / 'index'):.0f} MB |"
        )
    rng = random.Random(n)
    report.append("\n| query | " + " | ".join(f"{e} p50 / p95 (ms)" for e in datas) + " |")
    report.append("| --- | " + " | ".join("---:" for _ in datas) + " |")
    latencies = {e: search_latency(d, e, rng, 40) for e, d in datas.items()}
    first = next(iter(latencies.values()), {})
    for case in first:
        cells = [f"{latencies[e][case][0]:.1f} / {latencies[e][case][1]:.1f}" for e in datas]
        report.append(f"| {case} | " + " | ".join(cells) + " |")
    figures["search"] = latencies[next(iter(latencies))]
    data = next(iter(datas.values()))
    graph = graph_latency(data, rng, 40)
    figures["graph"] = graph
    report.append("\n| graph query | p50 (ms) | p95 (ms) |\n| --- | ---: | ---: |")
    for name, (p50, p95) in graph.items():
        report.append(f"| {name} | {p50:.1f} | {p95:.1f} |")
    formats = (
        ["adoptions", "panel", "graphml", "gexf", "json", "cyjs", "neo4j", "csv"] if full_exports else ["adoptions"]
    )
    from zxkg.ingest.store import Store

    with Store.open(data, readonly=True) as store:
        top_term = store.term_list(("mechanism", "brand"), "", 1, 0)[1][0].name
        relations = store.count("relations")
    times = exports(data, work, formats, top_term)
    figures["adoptions"] = times["adoptions"]
    report.append(f"\n| export ({relations:,} relations in the store) | seconds |\n| --- | ---: |")
    for fmt, secs in times.items():
        label = f"panel (one term: {top_term})" if fmt == "panel" else fmt
        report.append(f"| {label} | {secs:.2f} |")
    spread = diffusion_timing(data)
    figures["diffusion"] = spread
    report.append(
        f"\n| diffusion | seconds |\n| --- | ---: |\n"
        f"| cascade of the largest term ({spread['term']}, {spread['adopters']:,} adopters; median of 5) |"
        f" {spread['cascade']:.2f} |\n"
        f"| communities of all regions ({spread['regions']:,} regions, {spread['groups']} groups) |"
        f" {spread['communities']:.2f} |"
    )
    if "tantivy" in datas and postgres:
        from bench.postgres import bench_postgres

        sqlite = {"ingest": figures["seconds tantivy"], "search": latencies["tantivy"], "graph": graph,
                  "adoptions": times["adoptions"]}  # fmt: skip
        figures["postgres"] = bench_postgres(n, corpus, work, datas["tantivy"], sqlite, ZXKG, report)
    load = api_load(data, next(iter(datas)), LOAD_SECONDS, LOAD_CLIENTS)
    if load is not None:
        figures["api"] = load
        report.append(
            f"\nAPI under load (`zxkg serve --workers {API_WORKERS}`, {LOAD_CLIENTS} clients, {LOAD_SECONDS} s,"
            f" loopback, search and adopters): `{json.dumps(load)}`"
        )
    figures["help"] = help_time()
    report.append(f"\n`zxkg --help`: {figures['help'] * 1000:.0f} ms (median of 7 runs).")
    return figures


def help_time(runs: int = 7) -> float:
    """Seconds for ``zxkg --help`` (a process start and the command modules), the median."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([str(ZXKG), "--help"], check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def targets(measured: list[dict[str, Any]], seconds: float, quick: bool) -> list[str]:
    """The targets against the figures of the largest size measured (the API's at 10k), and the run's time."""
    figures = measured[-1]
    n, search, graph = figures["n"], figures["search"], figures["graph"]

    def verdict(ok: bool) -> str:
        return "met" if ok else "missed"

    ratio = figures.get("ratio tantivy", 0.0)
    whoosh = f"; whoosh {figures['ratio whoosh']:.2f}×" if "ratio whoosh" in figures else ""
    worst_graph = max(p95 for _, p95 in graph.values())
    kb = figures["kb per article"]
    rows = [
        ("ingest ≥ 2.5× the jieba floor (tantivy)", f"{ratio:.2f}×{whoosh}", verdict(ratio >= 2.5)),
        ("store ≤ 11 KB an article", f"{kb:.1f} KB", verdict(kb <= 11)),
        (f"peak memory ≤ 600 MB (ingest of {n:,})", f"{figures['rss']} MB", verdict(figures["rss"] <= 600)),
        (
            "search p95 ≤ 50 ms, one and two words",
            f"{search['one word'][1]:.1f} / {search['two words (AND)'][1]:.1f} ms",
            verdict(max(search["one word"][1], search["two words (AND)"][1]) <= 50),
        ),
        (
            "search p95 ≤ 100 ms with facets",
            f"{search['faceted (region, mechanism, year)'][1]:.1f} ms",
            verdict(search["faceted (region, mechanism, year)"][1] <= 100),
        ),
        (
            "adopters / region / timeline ≤ 10 ms (p95)",
            " / ".join(f"{p50:.1f}–{p95:.1f}" for p50, p95 in graph.values()) + " ms (p50–p95)",
            verdict(worst_graph <= 10),
        ),
        ("full adoption table export ≤ 5 s", f"{figures['adoptions']:.2f} s", verdict(figures["adoptions"] <= 5)),
    ]
    api = next((m["api"] for m in measured if m["n"] == 10_000 and "api" in m), None)
    if api is not None and "requests_per_s" in api:
        rows.append(
            (
                f"API, {API_WORKERS} workers, {LOAD_CLIENTS} clients at 10k: ≥ 300 requests/s, p95 ≤ 100 ms, 0 errors",
                f"{api['requests_per_s']:.0f} requests/s, p95 {api['p95_ms']:.0f} ms, {api['errors']} errors",
                verdict(api["requests_per_s"] >= 300 and api["p95_ms"] <= 100 and api["errors"] == 0),
            )
        )
    spread = figures.get("diffusion")
    if spread:
        rows += [
            ("cascade of the largest term ≤ 1 s", f"{spread['cascade']:.2f} s", verdict(spread["cascade"] <= 1)),
            (
                "communities of all regions ≤ 10 s",
                f"{spread['communities']:.2f} s",
                verdict(spread["communities"] <= 10),
            ),
        ]
    first = measured[0]
    pg = first.get("postgres")
    if pg:
        at = f" at {first['n']:,}"
        s, g = pg["search"], pg["graph"]
        words = max(s["one word"][1], s["two words (AND)"][1], s["phrase"][1])
        rows += [
            (
                f"PostgreSQL{at}: two ingesters on the halves faster than one on all, the same counts as SQLite",
                f"{pg['one']:.0f} s → {pg['two']:.0f} s; counts {'the same' if pg['same'] else 'differ'} as ingested,"
                f" {'the same' if pg['settled_same'] else 'differ'} once each store is re-extracted",
                verdict(pg["two"] < pg["one"] and pg["settled_same"]),
            ),
            (f"PostgreSQL{at}: search p95 ≤ 50 ms, words and phrases", f"{words:.1f} ms", verdict(words <= 50)),
            (
                f"PostgreSQL{at}: search p95 ≤ 150 ms with facets",
                f"{s['faceted (region, mechanism, year)'][1]:.1f} ms",
                verdict(s["faceted (region, mechanism, year)"][1] <= 150),
            ),
            (f"PostgreSQL{at}: adopters p95 ≤ 20 ms", f"{g['adopters'][1]:.1f} ms", verdict(g["adopters"][1] <= 20)),
        ]
    rows.append(("`zxkg --help` ≤ 0.25 s", f"{figures['help']:.2f} s", verdict(figures["help"] <= 0.25)))
    limit = 5 if quick else 15
    name = "make bench-quick" if quick else "make bench"
    rows.append((f"`{name}` ≤ {limit} minutes", f"{seconds / 60:.1f} min", verdict(seconds <= limit * 60)))
    out = [f"\n## Against the targets (2 cores, {n:,} articles)\n", "| target | measured | |", "| --- | --- | --- |"]
    out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="10k articles only")
    ap.add_argument("--sizes", default="", help="comma-separated sizes (overrides --quick)")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    ap.add_argument(
        "--postgres",
        action="store_true",
        help="also load the first size into PostgreSQL (ZXKG_BENCH_POSTGRES; about 8 minutes at 10k)",
    )
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [10_000] if args.quick else [10_000, 100_000]
    shared = args.shared if (args.shared / "corpus").is_dir() else None
    started = time.perf_counter()
    report = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/run.py`); every ratio is against a baseline measured in the same run.",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in machine().items()),
    ]
    floors: dict[str, float] = {}
    measured: list[dict[str, Any]] = []
    sections: list[str] = []
    with tempfile.TemporaryDirectory(prefix="zxkg-bench-") as tmp:
        for i, n in enumerate(sizes):
            measured.append(
                bench_size(
                    n,
                    Path(tmp),
                    shared,
                    sections,
                    full_exports=(i == 0),
                    floors=floors,
                    postgres=args.postgres and i == 0,
                )
            )
            print(f"bench: {n:,} articles done after {time.perf_counter() - started:.0f} s", flush=True)
    own_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    seconds = time.perf_counter() - started
    report += targets(measured, seconds, quick=sizes == [10_000]) + sections
    report.append(f"\nTotal benchmark time: {seconds:.0f} s; peak RSS of this process: {own_rss} MB.")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(report) + "\n", encoding="utf-8")
    print(f"bench: wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
