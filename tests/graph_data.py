"""A small hand-made store with every kind of relation the graph reads.

Regions adopt mechanisms, run brands and issue documents in articles of known dates;
one mechanism is reached by an alias, one article has no date, one relation is weak. Each
relation's evidence is a real sentence of its article, saved through ``Store.save``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from zxkg.ingest.gazetteer import Gazetteer
from zxkg.ingest.models import Alias, Article, Entity, Evidence, Extraction, Predicate, Relation
from zxkg.ingest.store import Store


def mechanism(name: str) -> Entity:
    return Entity(kind="mechanism", name=name)


SHUANGKAO = mechanism("双考")
SHUANGKAO_SYSTEM = mechanism("双考制度")  # another entity that answers to 双考, by an alias
LIANGLI = mechanism("两力两率")
# Other written forms of a term, stored as extraction stores the aliases it learns.
ALIASES = {SHUANGKAO: ("委员双考",), SHUANGKAO_SYSTEM: ("“双考”",)}
BRAND = Entity(kind="brand", name="有事好商量")
DOCUMENT = Entity(kind="document", name="长沙市政协委员履职考核办法", attrs=(("doc_type", "办法"), ("status", "试行")))


@dataclass(frozen=True)
class Fact:
    subject: str  # a region name, or "document"
    predicate: Predicate
    object: Entity
    sentence: str
    confidence: float = 0.9


# (article id, date, facts): the sentences become the article's text.
ARTICLES: list[tuple[str, str, list[Fact]]] = [
    (
        "a0000000000000001",
        "2020-01-05",
        [Fact("湘西土家族苗族自治州", "adopts", SHUANGKAO_SYSTEM, "湘西州政协率先建立“双考”制度。")],
    ),
    (
        "a0000000000000002",
        "2021-03-01",
        [
            Fact("长沙市", "adopts", SHUANGKAO, "长沙市政协推行委员“双考”,考勤又考绩 & 评<优>。"),
            Fact("长沙市", "runs", BRAND, "长沙市政协打造“有事好商量”协商品牌。"),
            Fact("长沙市", "issues", DOCUMENT, "长沙市政协印发《长沙市政协委员履职考核办法》。"),
            Fact("document", "implements", SHUANGKAO, "该办法把“双考”写入制度\x0b。"),
        ],
    ),
    (
        "a0000000000000003",
        "2022-06-10",
        [
            Fact("株洲市", "adopts", SHUANGKAO, "株洲市政协学习长沙经验,实行“双考”。"),
            Fact("株洲市", "adopts", LIANGLI, "株洲市政协推行“两力两率”评价。"),
            Fact("长沙市", "adopts", SHUANGKAO, "长沙市政协“双考”再升级。"),
        ],
    ),
    ("a0000000000000004", "2023", [Fact("永州市", "adopts", LIANGLI, "永州市政协探索“两力两率”。", 0.5)]),
    (
        "a0000000000000005",
        "",
        [
            Fact("广州市", "adopts", SHUANGKAO, "广州市政协也在实行“双考”。"),
            Fact("广州市", "runs", BRAND, "广州市政协开展“有事好商量”活动。"),
        ],
    ),
]


def region(gaz: Gazetteer, name: str) -> Entity:
    division = gaz.find(name)
    assert division is not None, name
    return gaz.entity(division)


def extraction(gaz: Gazetteer, article_id: str, date: str, facts: list[Fact]) -> Extraction:
    text = "".join(f.sentence for f in facts)
    article = Article(
        id=article_id,
        file=f"{article_id}.txt",
        origin=f"/corpus/{article_id}.txt",
        title=f"标题{article_id[-1]}",
        text=text,
        original=text,
        date=date,
        source="测试",
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )
    relations = []
    part_of = []
    for f in facts:
        start = text.index(f.sentence)
        subject = DOCUMENT if f.subject == "document" else region(gaz, f.subject)
        span = f.object.name if f.object.name in f.sentence else f.sentence[:2]
        span_start = start + f.sentence.index(span)
        ev = Evidence(
            article_id, start, start + len(f.sentence), f.sentence, span_start, span_start + len(span), "test"
        )
        relations.append(Relation(subject, f.predicate, f.object, ev, f.confidence))
        if subject.kind == "region":
            for parent in gaz.ancestors(subject.code):
                part_of.append((subject, gaz.entity(parent)))
                subject = gaz.entity(parent)
    aliases = {Alias(a, f.object, "test") for f in facts for a in ALIASES.get(f.object, ())}
    return Extraction(article=article, relations=tuple(relations), part_of=tuple(part_of), aliases=tuple(aliases))


def build_store(data_dir: str | Path, gaz: Gazetteer) -> str:
    with Store.open(data_dir) as store:
        for article_id, date, facts in ARTICLES:
            store.save(extraction(gaz, article_id, date, facts))
    return str(data_dir)
