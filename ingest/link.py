"""From an article to its Extraction: run the extractors, turn hits into mentions and relations.

This is the one place that knows which extractor feeds which relation, so the extractors
stay plain functions of text and the store sees only records.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .extract.actors import Actors
from .extract.documents import extract_documents, title_document
from .extract.initiatives import extract_initiatives
from .extract.regions import extract_regions, home_region
from .gazetteer import Gazetteer
from .lexicon import Lexicon
from .models import Alias, Article, Entity, Evidence, Extraction, Mention, Predicate, Relation
from .segment import Segmenter


@dataclass(frozen=True, slots=True)
class Context:
    """What extraction needs besides the article, built once per process.

    The lexicon grows while articles are read (quoted names become known terms), so a
    later article finds an earlier article's terms unquoted.
    """

    gazetteer: Gazetteer
    segmenter: Segmenter
    lexicon: Lexicon = field(default_factory=Lexicon)


def article_entity(article: Article) -> Entity:
    return Entity(kind="article", name=article.id)


def evidence(article: Article, actors: Actors, start: int, end: int, rule: str) -> Evidence:
    sent = actors.sentence(start)
    if not (sent.start <= start and end <= sent.end):
        sent = actors.paragraph(start)
    return Evidence(article.id, sent.start, sent.end, sent.text, start, end, rule)


def everyday_word(word: str, seg: Segmenter) -> bool:
    """A quoted everyday word (“商量”, “资本”) is emphasis, not the name of an initiative."""
    return len(word) <= 3 and seg.frequency(word) >= 300 and not any(ch in "一二两三四五六七八九十双" for ch in word)


# 关于设立“助老服务时间银行”的建议, …的提案: what a proposal names, it recommends. Without
# such a title, its section headings say where it starts: 问题分析: (or 案由:) and, after
# it, 具体建议: (or 对策建议:, 建议如下:).
PROPOSAL_TITLE = re.compile(r"(?:建议|提案|议案)(?:书)?[\s。.!!]*$")
PROPOSAL_CASE = re.compile(r"(?:问题分析|案由)[::]")
PROPOSAL_ASKS = re.compile(r"(?:具体建议|对策建议|建议如下|为此建议)[::,,]")


def proposal_start(article: Article) -> int | None:
    """Where the text asks rather than reports (None: nowhere); a proposal asks throughout.

    What a proposal (提案) names, the regions in it neither adopt, run nor issue: its terms
    and documents are still mentioned (and searchable), but a proposal's “时间银行” in 镇江
    is a wish, not evidence that 镇江 adopted it. A report that quotes a proposal's
    sections asks from the paragraph that opens them.
    """
    if PROPOSAL_TITLE.search(article.title):
        return 0
    case = PROPOSAL_CASE.search(article.text)
    if case is None or PROPOSAL_ASKS.search(article.text, case.end()) is None:
        return None
    return article.text.rfind("\n", 0, case.start()) + 1


def extract(article: Article, ctx: Context, words: Sequence[str] | None = None) -> Extraction:
    """``article``'s mentions, relations and aliases; ``words``: its text already cut.

    An ingest's writer extracts again an article a worker extracted with another kind of
    a term, from the worker's cut: cutting it again would take rjieba's dictionary, or
    jieba's time, in a process that otherwise never cuts an article.
    """
    text = article.text
    gaz, seg = ctx.gazetteer, ctx.segmenter
    if words is None:
        words = seg.cut(text)  # segmented once: extraction and the search index share them
    home = home_region(article.source, gaz, seg)
    hits = extract_regions(text, gaz, seg, home=home, words=words)
    title_end = len(article.title) if article.title and text.startswith(article.title) else 0
    actors = Actors(text, hits, gaz, home=home, title_end=title_end)
    docs = extract_documents(text, gaz, seg, hits, actors)
    headline = title_document(article.title, hits)
    if headline is not None:
        docs.insert(0, headline)

    asks_from = proposal_start(article)

    def acts(pos: int) -> bool:
        return asks_from is None or pos < asks_from

    me = article_entity(article)
    mentions: list[Mention] = [h.mention() for h in hits]
    relations: list[Relation] = []
    seen: set[tuple[str, Predicate, str]] = set()

    def relate(
        subject: Entity, predicate: Predicate, obj: Entity, start: int, end: int, rule: str, conf: float
    ) -> None:
        key = (subject.key, predicate, obj.key)
        if key in seen:
            return
        seen.add(key)
        relations.append(Relation(subject, predicate, obj, evidence(article, actors, start, end, rule), conf))

    for h in hits:
        relate(me, "mentions", h.entity, h.start, h.end, h.rule, h.confidence)
    for d in docs:
        mentions.append(Mention(d.entity, d.start, d.end, d.rule, d.confidence))
        relate(me, "mentions", d.entity, d.start, d.end, "document.title", 1.0)
        if d.issuer is not None and acts(d.start):
            relate(d.issuer.entity, "issues", d.entity, d.start, d.end, d.rule, d.confidence)
    aliases: list[Alias] = []
    for i in extract_initiatives(text, actors, ctx.lexicon, words, is_common=lambda w: everyday_word(w, seg)):
        term = Entity(kind=i.kind, name=i.name)
        if i.rule.startswith("initiative.quoted") and not ctx.lexicon.frozen:
            seg.add_word(i.name, learned=True)
        aliases.extend(Alias(a, term, f"{i.rule}@{article.id}") for a in i.aliases)
        mentions.append(Mention(term, i.start, i.end, i.rule, i.confidence))
        relate(me, "mentions", term, i.start, i.end, i.rule, i.confidence)
        if i.kind == "slogan" or not acts(i.start):
            continue
        predicate: Predicate = "adopts" if i.kind == "mechanism" else "runs"
        for owner in i.owners:
            relate(owner.entity, predicate, term, i.start, i.end, i.rule, i.confidence * owner.confidence)
        for d in docs:
            if i.kind == "mechanism" and d.start <= i.start and i.end <= d.end:
                relate(d.entity, "implements", term, i.start, i.end, i.rule, i.confidence)
    part_of: dict[str, tuple[Entity, Entity]] = {}
    for h in hits:
        child = h.entity
        for parent_div in gaz.ancestors(child.code) if child.code else []:
            parent = gaz.entity(parent_div)
            part_of.setdefault(child.key, (child, parent))
            child = parent
    return Extraction(
        article=article,
        mentions=tuple(mentions),
        relations=tuple(relations),
        part_of=tuple(part_of.values()),
        aliases=tuple(aliases),
        tokens=tuple(words),
    )
