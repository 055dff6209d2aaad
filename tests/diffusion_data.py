"""Synthetic cascades of known structure, saved through the store's writer.

Three mechanisms spread through real divisions of the division table, one article a
day's adoption, each with a sentence of our own as its evidence:

- 下沉机制 is pushed down Hunan: the province first, then each prefecture some weeks
  later, then each county some weeks after its prefecture (top-down);
- 互学机制 travels among the prefectures of Jiangsu, one after another, and among the
  counties of Ganzhou in Jiangxi (horizontal);
- 上报机制 starts in counties of different prefectures of Zhejiang, which their
  prefectures take up, and the province last (bottom-up).

Each adoption carries the class and the lag the generator gave it, so a test can compare
what ``diffusion`` recovers with what was made. A few undated articles and a region with
no relation to the rest complete the picture.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from zxkg.ingest.gazetteer import Division, Gazetteer
from zxkg.ingest.models import Article, Entity, Evidence, Extraction, Relation
from zxkg.ingest.store import Store

TOP_DOWN_TERM = "下沉机制"
HORIZONTAL_TERM = "互学机制"
BOTTOM_UP_TERM = "上报机制"
START = date(2020, 3, 2)


@dataclass(frozen=True, slots=True)
class Made:
    """One generated adoption: who, what, when, and the class and lag it was made with."""

    division: Division
    term: str
    day: date | None
    channel: str
    lag_days: int | None = None  # days after the adopter it was made to follow
    source_level: str = ""


def _children(gaz: Gazetteer, code: str, level: str) -> list[Division]:
    return sorted((d for d in gaz.by_code.values() if d.parent == code and d.level == level), key=lambda d: d.code)


def generate(gaz: Gazetteer, seed: int = 18) -> list[Made]:
    rng = random.Random(seed)
    made: list[Made] = []

    # top-down: Hunan, its prefectures 20–60 days later, their counties 10–40 days after them
    hunan = gaz.by_code["430000"]
    made.append(Made(hunan, TOP_DOWN_TERM, START, "first-mover"))
    for pref in _children(gaz, hunan.code, "prefecture"):
        lag = rng.randint(20, 60)
        day = START + timedelta(days=lag)
        made.append(Made(pref, TOP_DOWN_TERM, day, "top-down", lag, "province"))
        for county in _children(gaz, pref.code, "county"):
            lag2 = rng.randint(10, 40)
            made.append(Made(county, TOP_DOWN_TERM, day + timedelta(days=lag2), "top-down", lag2, "prefecture"))

    # horizontal: Jiangsu's prefectures one after another, then the counties of Nanjing
    day = START
    for i, pref in enumerate(_children(gaz, "320000", "prefecture")):
        lag = rng.randint(5, 25)
        if i == 0:
            made.append(Made(pref, HORIZONTAL_TERM, day, "first-mover"))
        else:
            day += timedelta(days=lag)
            made.append(Made(pref, HORIZONTAL_TERM, day, "horizontal", lag, "prefecture"))
    # … and the counties of Ganzhou (Jiangxi), where neither the city nor the province adopts
    day = START + timedelta(days=400)
    for i, county in enumerate(_children(gaz, "360700", "county")):
        lag = rng.randint(5, 25)
        if i == 0:
            made.append(Made(county, HORIZONTAL_TERM, day, "independent"))
        else:
            day += timedelta(days=lag)
            made.append(Made(county, HORIZONTAL_TERM, day, "horizontal", lag, "county"))

    # bottom-up: one county in each of Zhejiang's prefectures, a week apart; the prefecture
    # 30–90 days after its county; the province 45 days after the last prefecture
    zhejiang = gaz.by_code["330000"]
    day = START
    last = START
    for i, pref in enumerate(_children(gaz, zhejiang.code, "prefecture")):
        county = _children(gaz, pref.code, "county")[0]
        cday = START + timedelta(days=7 * i)
        made.append(Made(county, BOTTOM_UP_TERM, cday, "first-mover" if i == 0 else "independent"))
        lag = rng.randint(30, 90)
        pday = cday + timedelta(days=lag)
        made.append(Made(pref, BOTTOM_UP_TERM, pday, "bottom-up", lag, "county"))
        last = max(last, pday)
    made.append(Made(zhejiang, BOTTOM_UP_TERM, last + timedelta(days=45), "bottom-up", 45, "prefecture"))

    # undated: a region of another province states the top-down term on an undated page
    made.append(Made(gaz.by_code["440100"], TOP_DOWN_TERM, None, "undated"))
    return made


def statement(
    n: int, subject: Entity, term: str, day: date | None, part_of: tuple[tuple[Entity, Entity], ...]
) -> Extraction:
    """Article ``n``: one sentence stating that ``subject`` adopts ``term``, dated ``day``."""
    sentence = f"{subject.name}政协全面推行“{term}”。"
    text = f"标题{n}\n{sentence}"
    article_id = hashlib.sha256(f"{n}:{text}".encode()).hexdigest()[:16]
    article = Article(
        id=article_id,
        file=f"cascade-{n:04d}.txt",
        origin=f"/synthetic/cascade-{n:04d}.txt",
        title=f"标题{n}",
        text=text,
        original=text,
        date=day.isoformat() if day else "",
        source="合成",
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )
    start = text.index(sentence)
    span_start = start + sentence.index(term)
    ev = Evidence(article_id, start, start + len(sentence), sentence, span_start, span_start + len(term), "test")
    relation = Relation(subject, "adopts", Entity(kind="mechanism", name=term), ev, 0.9)
    return Extraction(article=article, relations=(relation,), part_of=part_of)


def extraction(gaz: Gazetteer, n: int, m: Made) -> Extraction:
    """An article stating ``m``'s adoption, with the division chain above it as part_of."""
    subject = gaz.entity(m.division)
    part_of = []
    child = subject
    for parent in gaz.ancestors(m.division.code):
        part_of.append((child, gaz.entity(parent)))
        child = gaz.entity(parent)
    return statement(n, subject, m.term, m.day, tuple(part_of))


def build_store(data_dir: str | Path, gaz: Gazetteer, made: list[Made]) -> str:
    with Store.open(data_dir) as store:
        for n, m in enumerate(made):
            store.save(extraction(gaz, n, m))
    return str(data_dir)
