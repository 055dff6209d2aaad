"""Score extraction against the gold annotations with pinned floors (``make eval``).

Ingests the real articles of ``SHARED/corpus`` and the example of ``SHARED/seeds`` into a
temporary data directory with the ``zxkg`` command (as a user would), exports the
relations, and runs ``SHARED/eval/score.py`` once per gold set with the floors of
``tests/eval_floors.json``. Exits 1 if any F1 is below its floor; skips (exit 0) when
``SHARED`` is absent, since the articles may not be shipped with the code.
"""

from __future__ import annotations

import argparse
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
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
