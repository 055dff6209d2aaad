"""A synthetic corpus for benchmarks: real paragraphs recombined, seeded and reproducible.

Paragraphs come from ``corpus/`` and, when present, ``../shared/corpus`` and
``../shared/proposals``. Each synthetic article opens with a sentence in which a region
drawn from the division table acts on a term (quoted names found in those paragraphs),
then real paragraphs follow until a length drawn like real articles (1–8 KB of UTF-8).
The same seed gives the same articles, byte for byte.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zxkg.ingest.gazetteer import Gazetteer  # noqa: E402
from zxkg.ingest.models import Source  # noqa: E402
from zxkg.ingest.parse import parse  # noqa: E402

VERBS = ("深入实施", "扎实推进", "全面推行", "持续开展", "着力打造", "进一步完善", "创新推出")
HEADS = ("机制", "工程", "行动", "活动", "品牌", "制度", "评价", "平台")
QUOTED = re.compile(r"“([\u4e00-\u9fff]{2,10})”")


def sample_texts(shared: Path | None) -> list[str]:
    dirs = [ROOT / "corpus"]
    if shared is not None:
        dirs += [shared / "corpus", shared / "proposals", shared / "seeds"]
    texts: list[str] = []
    for d in dirs:
        for path in sorted(d.glob("*.txt")) if d.is_dir() else []:
            texts.append(parse(Source(str(path), path.name, path.read_bytes())).text)
    return texts


def generate(n: int, seed: int, out: Path, shared: Path | None, longest: int = 8192) -> dict[str, int]:
    """Write ``n`` articles as JSON lines to ``out``; returns counts for the report.

    ``longest`` caps an article's length in bytes (tests that need many articles, not long
    ones, pass a few hundred: every article is then its opening sentence and a paragraph).
    """
    rng = random.Random(seed)
    texts = sample_texts(shared)
    paragraphs = [p for t in texts for p in t.split("\n")[1:] if 30 <= len(p) <= 1500]
    terms = sorted({m for t in texts for m in QUOTED.findall(t)})
    gaz = Gazetteer.load()
    divisions = sorted((d for d in gaz.by_code.values() if d.level != "province"), key=lambda d: d.code)
    lengths = sorted(len(t.encode("utf-8")) for t in texts)
    chars = 0
    with out.open("w", encoding="utf-8") as fh:
        for i in range(n):
            d = rng.choice(divisions)
            province = gaz.province_of(d.code)
            term, head, verb = rng.choice(terms), rng.choice(HEADS), rng.choice(VERBS)
            target = min(max(rng.choice(lengths), 1024), longest)
            title = f"{d.name}政协{verb}“{term}”{head}"
            body = [f"{d.name}政协{verb}“{term}”{head},{rng.choice(paragraphs)[:80]}。"]
            size = len(title.encode("utf-8")) + len(body[0].encode("utf-8"))
            while size < target:
                p = rng.choice(paragraphs)
                body.append(p)
                size += len(p.encode("utf-8")) + 1
            date = f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            record = {
                "title": title,
                "content": "\n".join(body),
                "date": date,
                "source": f"{province.name if province else ''}政协网",
                "url": f"https://bench.invalid/{seed}/{i}",
            }
            chars += len(title) + len(record["content"])
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return {"articles": n, "chars": chars, "paragraphs": len(paragraphs), "terms": len(terms)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=20240524)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args()
    shared = args.shared if (args.shared / "corpus").is_dir() else None
    print(json.dumps(generate(args.n, args.seed, args.out, shared)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
