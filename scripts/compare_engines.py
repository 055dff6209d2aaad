"""Compare zxkg's search engines (whoosh, tantivy) on our documents: speed, and that they agree.

    .venv/bin/zxkg ingest --data /tmp/real ../shared/corpus ../shared/proposals
    .venv/bin/python scripts/compare_engines.py --data /tmp/real --copies 20

The articles of the data directory become zxkg's index documents once; ``--copies``
repeats them under new ids (each copy a year earlier, so dates and years vary) to make a
larger set. Each engine indexes them with one writer and in bulk (as ``zxkg reindex``
does), then answers a few queries a researcher would type, with facets, by relevance and
by date; each query runs ``--runs`` times. Totals and facet counts of the two engines
are compared on the way. The numbers go to ``docs/decisions/0002-tantivy-engine.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zxkg.search.engine import ENGINES, open_engine  # noqa: E402
from zxkg.search.index import FACETS  # noqa: E402
from zxkg.search.models import IndexDoc, SearchRequest  # noqa: E402

QUERIES = [
    ("委员工作室", {}),
    ("“有事好商量”", {}),
    ("履职 湖南", {"regions": ("湖南省",)}),
    ("农业", {}),
    ("“履职能力”", {}),
    ("乡村振兴 考核", {}),
    ("提案 OR 协商", {}),
    ("委员 -党建", {}),
    ("政协", {"sort": "date"}),
    ("协商", {"since": "2023", "until": "2024-06", "sort": "date"}),
]


def documents(data: Path, copies: int) -> tuple[list[IndexDoc], list[SearchRequest]]:
    from zxkg.ingest.pipeline import build_context
    from zxkg.ingest.store import Store
    from zxkg.search.index import SearchIndex

    with Store.open(data, readonly=True) as store:
        ctx = build_context(store)
        index = SearchIndex(data, ctx.segmenter, ctx.gazetteer)
        docs = [index.builder.build(ex) for ex in store.extractions()]
    many = [dataclasses.replace(d, id=f"{d.id}-{n}", date=_earlier(d.date, n)) for n in range(copies) for d in docs]
    requests = [index.request(q, facets=FACETS, **options) for q, options in QUERIES]  # type: ignore[arg-type]
    return many, requests


def _earlier(date: str, years: int) -> str:
    return f"{int(date[:4]) - years:04d}{date[4:]}" if date[:4].isdigit() else date


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    docs, requests = documents(args.data, args.copies)
    chars = sum(len(d.text) for d in docs) / len(docs)
    print(f"{len(docs)} documents ({chars:.0f} characters each on average) in {time.perf_counter() - started:.1f} s")
    answers: dict[str, list[tuple[int, tuple[object, ...]]]] = {}
    for name in ENGINES:
        with tempfile.TemporaryDirectory() as tmp:
            for bulk in (False, True):
                engine = open_engine(name, Path(tmp) / f"ix-{bulk}", create=True)
                started = time.perf_counter()
                writer = engine.writer(bulk=bulk)
                for doc in docs:
                    writer.add(doc)
                writer.commit()
                took = time.perf_counter() - started
                size = sum(p.stat().st_size for p in (Path(tmp) / f"ix-{bulk}").rglob("*") if p.is_file())
                how = "bulk" if bulk else "one writer"
                print(f"{name:8} index ({how}): {len(docs) / took:6.0f} articles/s, {size / 1e6:.0f} MB")
                if bulk:
                    times: list[float] = []
                    for request in requests * args.runs:
                        started = time.perf_counter()
                        engine.search(request)
                        times.append(time.perf_counter() - started)
                    median, worst = statistics.median(times) * 1000, max(times) * 1000
                    print(f"{name:8} search with facets: median {median:.1f} ms, worst {worst:.1f} ms")
                    answers[name] = [
                        (r.total, tuple(f.counts for f in r.facets)) for r in (engine.search(q) for q in requests)
                    ]
                engine.close()
    first, *others = answers.values()
    print("engines agree on totals and facets:", all(other == first for other in others))
    for (query, _), *per_engine in zip(QUERIES, *answers.values(), strict=True):
        print(f"  {query}: " + ", ".join(f"{e} {a[0]}" for e, a in zip(answers, per_engine, strict=True)))


if __name__ == "__main__":
    main()
