"""Score extraction against the gold annotations with pinned floors (``make eval``).

Ingests each group of articles named in ``tests/eval_floors.json`` (``inputs``: the real
articles of ``SHARED/corpus`` with the example of ``SHARED/seeds``; ``SHARED/corpus2``;
the invented articles of ``SHARED/patterns``) into its own temporary data directory with
the ``zxkg`` command (as a user would), exports the relations, and runs
``SHARED/eval/score.py`` once per gold set with its floors (F1, and precision where a set
pins it under ``precision``). Then the precision of
adoptions and issued documents by confidence band, over every gold set: the bands must
rise, and what ``--min-confidence 0.9`` keeps must reach the pinned precision. Exits 1 if
any floor is missed; skips (exit 0) when ``SHARED`` is absent, since the articles may not
be shipped with the code.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

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
    scored: list[tuple[Path, Path]] = []  # (gold, relations) of every set, for the confidence bands
    with tempfile.TemporaryDirectory(prefix="zxkg-eval-") as tmp:
        relations = {name: ingest(zxkg, Path(tmp), name, [p.format(shared=shared) for p in paths])
                     for name, paths in floors["inputs"].items()}  # fmt: skip
        for gold_set in floors["sets"]:
            gold = Path(gold_set["gold"].format(shared=shared))
            if not gold.is_absolute():
                gold = ROOT / gold
            if not gold.exists() or (gold.is_dir() and not any(gold.glob("*.json"))):
                print(f"== {gold_set['name']}: no gold at {gold}, skipped")
                continue
            rel = relations[gold_set["inputs"]]
            spec = ",".join(f"{k}={v}" for k, v in gold_set["floors"].items())
            cmd = [sys.executable, str(shared / "eval" / "score.py"), "--gold", str(gold), "--min-f1", spec]
            if not args.verbose:
                cmd.append("--quiet")
            print(f"== {gold_set['name']} ({gold}; floors {spec})", flush=True)
            result = subprocess.run([*cmd, str(rel)])
            if result.returncode != 0:
                print(f"!! {gold_set['name']}: below a floor")
                ok = False
            if not precision_held(shared / "eval" / "score.py", gold, rel, gold_set.get("precision", {})):
                ok = False
            print(by_kind(shared / "eval" / "score.py", gold, rel))
            if gold_set["name"] != "example":  # the example is one of the shared gold's files
                scored.append((gold, rel))
        ok &= confidence_bands(shared / "eval" / "score.py", scored, floors["confidence"])
    return 0 if ok else 1


def precision_held(score_py: Path, gold: Path, relations: Path, floors: dict[str, float]) -> bool:
    """The set's precision per kind against its pinned floors (``precision`` in the set's spec):
    an F1 floor alone lets recall buy back what precision loses."""
    if not floors:
        return True
    score = _score_module(score_py)
    rels = score.load_relations(relations)
    counts: dict[str, list[int]] = {k: [0, 0, 0] for k in ("regions", "initiatives", "documents")}
    for g in score.load_gold(gold):
        score.score_file(g, rels.get(g["file"], []), counts, [])
    ok = True
    for kind, floor in floors.items():
        tp, fp, _ = counts[kind]
        p = tp / (tp + fp) if tp + fp else 1.0
        print(f"  {kind} precision P={p:.3f} (floor {floor})")
        if p < floor:
            print(f"!! {kind}: precision below its floor")
            ok = False
    return ok


def ingest(zxkg: Path, tmp: Path, name: str, inputs: list[str]) -> Path:
    """Ingest one group of articles into its own data directory; its relations as JSONL."""
    data = tmp / f"data-{name}"
    present = [p for p in inputs if Path(p).exists()]
    subprocess.run([str(zxkg), "ingest", "--quiet", "--data", str(data), *present], check=True)
    relations = tmp / f"relations-{name}.jsonl"
    with relations.open("w", encoding="utf-8") as fh:
        subprocess.run([str(zxkg), "relations", "--data", str(data)], check=True, stdout=fh)
    return relations


def _score_module(score_py: Path) -> Any:
    spec = importlib.util.spec_from_file_location("score", score_py)
    assert spec and spec.loader
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    return score


def judged(score: Any, gold: Path, relations: Path) -> list[tuple[float, bool]]:
    """(confidence, right) for each adoption and issued document zxkg states about a gold
    file, matched as score.py matches them; items the gold ignores are left out."""
    rels = score.load_relations(relations)
    out: list[tuple[float, bool]] = []
    for g in score.load_gold(gold):
        items = [(score.norm(i["region"]), {score.norm(i["name"])} | {score.norm(a) for a in i.get("alt", [])})
                 for i in g.get("initiatives", [])]  # fmt: skip
        ignore = {(score.norm(i["region"]), score.norm(i["name"])) for i in g.get("ignore", [])}
        docs = {(score.norm(d["region"]), score.norm(d["title"])) for d in g.get("documents", [])}
        best: dict[tuple[bool, str, str], float] = {}
        for rel in rels.get(g["file"], []):
            s, o = rel.get("subject") or {}, rel.get("object") or {}
            if s.get("type") != "region" or o.get("type") not in ("mechanism", "brand", "document"):
                continue
            key = (o["type"] == "document", score.norm(s.get("name", "")), score.norm(o.get("name", "")))
            best[key] = max(best.get(key, 0.0), float(rel.get("confidence", 0.0)))
        for (is_doc, region, name), conf in best.items():
            if (region, name) in ignore or ("*", name) in ignore:
                continue
            right = (region, name) in docs if is_doc else any(r == region and name in n for r, n in items)
            out.append((conf, right))
    return out


def confidence_bands(score_py: Path, scored: list[tuple[Path, Path]], spec: dict[str, Any]) -> bool:
    """Precision per confidence band over every gold set; they must rise, and the top one be precise."""
    score = _score_module(score_py)
    rows = [row for gold, rel in scored for row in judged(score, gold, rel)]
    edges = [0.0, *spec["bands"], 1.01]
    print("== precision by confidence band (adoptions and issued documents, every gold set)")
    precisions: list[float] = []
    for lo, hi in itertools.pairwise(edges):
        band = [right for conf, right in rows if lo <= conf < hi]
        p = sum(band) / len(band) if band else 0.0
        label = f"<{hi:.1f}" if lo == 0 else f">={lo:.1f}" if hi > 1 else f"{lo:.1f}-{hi:.1f}"
        print(f"  {label:8s} P={p:.3f} (n={len(band)})")
        if len(band) >= 10:
            precisions.append(p)
    top = [right for conf, right in rows if conf >= 0.9]
    at_top = sum(top) / len(top) if top else 1.0
    floor = float(spec["min_precision_at_0.9"])
    print(f"  --min-confidence 0.9 keeps {len(top)} of {len(rows)}: P={at_top:.3f} (floor {floor})")
    ok = True
    if any(b < a for a, b in itertools.pairwise(precisions)):
        print("!! confidence bands: precision does not rise with confidence")
        ok = False
    if at_top < floor:
        print("!! confidence: precision at 0.9 below its floor")
        ok = False
    return ok


def by_kind(score_py: Path, gold: Path, relations: Path) -> str:
    """Initiatives per kind, matched as score.py matches them: recall by the gold's kind,
    precision by the kind zxkg gave (a spurious item counts against its predicted kind)."""
    score = _score_module(score_py)
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
