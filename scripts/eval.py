"""Score extraction against the gold annotations with pinned floors (``make eval``).

Ingests the real articles of ``SHARED/corpus`` and the example of ``SHARED/seeds`` into a
temporary data directory with the ``zxkg`` command (as a user would), exports the
relations, and runs ``SHARED/eval/score.py`` once per gold set with the floors of
``tests/eval_floors.json``. Exits 1 if any F1 is below its floor; skips (exit 0) when
``SHARED`` is absent, since the articles may not be shipped with the code.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--verbose", action="store_true", help="print every miss, not only the summaries")
    args = ap.parse_args()
    shared = args.shared.resolve()
    if not (shared / "eval" / "score.py").exists() or not (shared / "corpus").is_dir():
        print(f"eval: skipped ({shared} with corpus/ and eval/score.py not found)")
        return 0
    zxkg = Path(sys.executable).with_name("zxkg")
    floors = json.loads((ROOT / "tests" / "eval_floors.json").read_text(encoding="utf-8"))
    ok = True
    with tempfile.TemporaryDirectory(prefix="zxkg-eval-") as tmp:
        data = Path(tmp) / "data"
        inputs = [str(shared / "corpus"), str(shared / "seeds")]
        subprocess.run([str(zxkg), "ingest", "--quiet", "--data", str(data), *inputs], check=True)
        relations = Path(tmp) / "relations.jsonl"
        with relations.open("w", encoding="utf-8") as fh:
            subprocess.run([str(zxkg), "relations", "--data", str(data)], check=True, stdout=fh)
        for gold_set in floors["sets"]:
            gold = Path(gold_set["gold"].format(shared=shared))
            if not gold.is_absolute():
                gold = ROOT / gold
            if not gold.exists() or (gold.is_dir() and not any(gold.glob("*.json"))):
                print(f"== {gold_set['name']}: no gold at {gold}, skipped")
                continue
            spec = ",".join(f"{k}={v}" for k, v in gold_set["floors"].items())
            cmd = [sys.executable, str(shared / "eval" / "score.py"), "--gold", str(gold), "--min-f1", spec]
            if not args.verbose:
                cmd.append("--quiet")
            print(f"== {gold_set['name']} ({gold}; floors {spec})", flush=True)
            result = subprocess.run([*cmd, str(relations)])
            if result.returncode != 0:
                print(f"!! {gold_set['name']}: below a floor")
                ok = False
            print(by_kind(shared / "eval" / "score.py", gold, relations))
    return 0 if ok else 1


def by_kind(score_py: Path, gold: Path, relations: Path) -> str:
    """Initiatives per kind, matched as score.py matches them: recall by the gold's kind,
    precision by the kind zxkg gave (a spurious item counts against its predicted kind)."""
    spec = importlib.util.spec_from_file_location("score", score_py)
    assert spec and spec.loader
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    rels = score.load_relations(relations)
    counts = {k: [0, 0, 0] for k in ("mechanism", "brand")}
    for g in score.load_gold(gold):
        items = [(score.norm(i["region"]), {score.norm(i["name"])} | {score.norm(a) for a in i.get("alt", [])}, i)
                 for i in g.get("initiatives", [])]  # fmt: skip
        ignore = {(score.norm(i["region"]), score.norm(i["name"])) for i in g.get("ignore", [])}
        matched: set[int] = set()
        for rel in rels.get(g["file"], []):
            s, o = rel.get("subject") or {}, rel.get("object") or {}
            if s.get("type") != "region" or o.get("type") not in counts:
                continue
            region, name = score.norm(s.get("name", "")), score.norm(o.get("name", ""))
            hit = [k for k, (r, names, _) in enumerate(items) if r == region and name in names]
            if hit:
                matched.update(hit)
                counts[o["type"]][0] += 1
            elif (region, name) not in ignore and ("*", name) not in ignore:
                counts[o["type"]][1] += 1
        for k, (_, _, item) in enumerate(items):
            if k not in matched and item.get("kind") in counts:
                counts[item["kind"]][2] += 1
    lines = []
    for kind, (tp, fp, fn) in counts.items():
        p, r, f = score.prf(tp, fp, fn)
        lines.append(f"  {kind:10s} P={p:.3f} R={r:.3f} F1={f:.3f} (tp={tp} fp={fp} fn={fn})")
    return "initiatives by kind (approximate: tp by predicted kind):\n" + "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
