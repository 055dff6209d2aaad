"""Compare whoosh and its forks on our documents: how fast each indexes and answers.

Two steps, because each candidate lives in its own virtual environment:

    # 1. in zxkg's environment: turn an ingested data directory into documents and queries
    .venv/bin/python scripts/compare_whoosh.py prepare --data zxkg-data --copies 20 --out /tmp/docs.pickle
    # 2. in each candidate's environment (whoosh, whoosh-reloaded, whoosh3 …; no other package needed)
    /tmp/venv-whoosh/bin/python scripts/compare_whoosh.py run /tmp/docs.pickle

``run`` imports zxkg's own whoosh engine (``search/whoosh_engine.py``) from this checkout,
so the comparison measures what zxkg would do with each candidate. The numbers go to
``docs/decisions/0001-search-engine.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import pickle
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["委员工作室", "“有事好商量”", "履职考核 湖南", "农业", "“考勤考绩”", "提案 OR 协商", "委员 -党建"]


def prepare(data: Path, copies: int, out: Path) -> None:
    from zxkg.ingest.pipeline import build_context
    from zxkg.ingest.store import Store
    from zxkg.search.index import SearchIndex

    ctx = build_context()
    index = SearchIndex(data, ctx.segmenter, ctx.gazetteer)
    with Store.open(data, readonly=True) as store:
        docs = [index.builder.build(ex) for ex in store.extractions()]
    many = [dataclasses.replace(d, id=f"{d.id}-{n}") for n in range(copies) for d in docs]
    requests = [index.request(q, regions=("湖南省",) if "湖南" in q else ()) for q in QUERIES]
    out.write_bytes(pickle.dumps({"docs": many, "requests": requests}))
    print(f"{len(many)} documents ({len(docs)} articles x {copies}), {len(requests)} queries → {out}")


def run(path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import whoosh

        from zxkg.search.whoosh_engine import WhooshEngine
    payload = pickle.loads(path.read_bytes())
    docs, requests = payload["docs"], payload["requests"]
    print(f"python {sys.version.split()[0]}, whoosh {whoosh.versionstring()}, warnings at import: {len(caught)}")
    for bulk in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            engine = WhooshEngine.create(Path(tmp) / "ix")
            started = time.perf_counter()
            writer = engine.writer(bulk=bulk)
            for doc in docs:
                writer.add(doc)
            writer.commit()
            took = time.perf_counter() - started
            print(f"  index {'bulk (2 processes)' if bulk else 'one writer'}: {len(docs) / took:.0f} articles/s")
            if not bulk:
                times = []
                for request in requests * 5:
                    started = time.perf_counter()
                    engine.search(request)
                    times.append(time.perf_counter() - started)
                print(f"  search: median {statistics.median(times) * 1000:.1f} ms, worst {max(times) * 1000:.1f} ms")
            engine.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--copies", type=int, default=20)
    p.add_argument("--out", type=Path, required=True)
    r = sub.add_parser("run")
    r.add_argument("path", type=Path)
    args = parser.parse_args()
    if args.step == "prepare":
        prepare(args.data, args.copies, args.out)
    else:
        run(args.path)


if __name__ == "__main__":
    main()
