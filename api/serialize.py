"""Records as JSON: the one place their public shape is written.

``zxkg … --json`` prints these and the HTTP API answers with them (its response models in
``web/schemas.py`` declare the same fields, and a test holds the two together), so a
program reading either sees the same record. Functions take the records of ``ingest``,
``graph`` and ``search`` and return plain dicts of JSON values.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from typing import Any

from zxkg.graph.build import EgoNetwork
from zxkg.graph.models import Adoption, Edge, Node, Pair, RegionProfile, Timeline
from zxkg.ingest.store.records import (
    ArticlePage,
    FailureRow,
    RegionListing,
    RelationRow,
    StoreStats,
    TermListing,
)
from zxkg.search.models import EvidenceHit, EvidenceResult, Fragment, SearchHit, SearchResult

JSON = dict[str, Any]


def adoption(a: Adoption) -> JSON:
    """A row of the adoption table: a region's first relation to a term, with its evidence."""
    return {
        "region_key": a.region_key,
        "region": a.region,
        "code": a.code,
        "level": a.level,
        "province": a.province,
        "term_key": a.term_key,
        "term": a.term,
        "kind": a.kind,
        "predicate": a.predicate,
        "first_date": a.first_date,
        "last_date": a.last_date,
        "year": a.year,
        "articles": a.articles,
        "confidence": round(a.confidence, 4),
        "evidence": a.evidence,
        "article": a.article,
        "file": a.file,
        "title": a.title,
    }


def node(n: Node) -> JSON:
    """An entity: regions with their code, level, province and parent ("" for the others),
    terms with their aliases."""
    return {
        "key": n.key,
        "kind": n.kind,
        "name": n.name,
        "code": n.code,
        "level": n.level,
        "province": n.province,
        "parent": n.parent,
        "aliases": list(n.aliases),
    }


def pair(p: Pair) -> JSON:
    return {"a": node(p.a), "b": node(p.b), "shared": p.shared, "jaccard": round(p.jaccard, 3)}


def edge(e: Edge) -> JSON:
    return {
        "source": e.source,
        "target": e.target,
        "predicate": e.predicate,
        "articles": e.articles,
        "first_date": e.first_date,
    }


def ego(g: EgoNetwork) -> JSON:
    """The entities around one, and their relations (the page's small graph)."""
    return {
        "center": g.center.key,
        "nodes": [
            {"id": n.key, "kind": n.kind, "name": n.label, "code": n.code, "province": n.province} for n in g.nodes
        ],
        "edges": [edge(e) for e in g.edges],
    }


def adopters(term: str, matched: Iterable[Node], rows: Iterable[Adoption]) -> JSON:
    return {"term": term, "matched": [node(n) for n in matched], "adopters": [adoption(a) for a in rows]}


def timeline(t: Timeline, by: str) -> JSON:
    return {
        "term": t.term,
        "matched": [node(n) for n in t.matched],
        "by": by,
        "points": [{"date": p.date, "new": list(p.new), "cumulative": p.cumulative} for p in t.points],
        "undated": list(t.undated),
    }


def region_profile(p: RegionProfile, similar: Iterable[Pair] = ()) -> JSON:
    by_kind = {kind: [adoption(a) for a in p.of_kind(kind)] for kind in ("mechanism", "brand", "document")}
    return {
        "region": {**node(p.region), "articles": p.articles},
        "subtree": p.subtree,
        "articles": p.articles,
        "mechanisms": by_kind["mechanism"],
        "brands": by_kind["brand"],
        "documents": by_kind["document"],
        "other": [adoption(a) for a in p.adoptions if a.kind not in by_kind],
        "timeline": [adoption(a) for a in p.timeline],
        "similar": [pair(s) for s in similar],
    }


def region_listing(r: RegionListing) -> JSON:
    return r._asdict()


def term_listing(t: TermListing) -> JSON:
    return {"name": t.name, "kind": t.kind, "adopters": t.adopters, "articles": t.articles, "aliases": list(t.aliases)}


def article(a: ArticlePage) -> JSON:
    rec = dataclasses.asdict(a)
    rec["mentions"] = [m._asdict() for m in a.mentions]
    return rec


def stats(s: StoreStats, recent_failures: Iterable[FailureRow] = ()) -> JSON:
    rec = dataclasses.asdict(s)
    rec["last_run"] = s.last_run._asdict() if s.last_run else None
    rec["recent_failures"] = [f._asdict() for f in recent_failures]
    return rec


def fragment(f: Fragment) -> JSON:
    """A piece of text with the spans that matched, as ``[start, end]`` offsets into it."""
    return {"text": f.text, "marks": [list(m) for m in f.matches]}


def search_hit(h: SearchHit) -> JSON:
    return {
        "id": h.id,
        "title": h.title,
        "date": h.date,
        "source": h.source,
        "file": h.file,
        "score": round(h.score, 4),
        "regions": list(h.regions),
        "fragments": [fragment(f) for f in h.fragments],
    }


def search_result(query: str, r: SearchResult) -> JSON:
    return {
        "query": query,
        "total": r.total,
        "offset": r.offset,
        "limit": r.limit,
        "hits": [search_hit(h) for h in r.hits],
        "facets": {f.name: [{"value": v, "count": c} for v, c in f.counts] for f in r.facets},
    }


def evidence_hit(h: EvidenceHit) -> JSON:
    s = h.sentence
    return {
        "article": h.article_id,
        "title": h.title,
        "date": h.date,
        "file": h.file,
        "subject": s.subject,
        "predicate": s.predicate,
        "object": s.object,
        "object_kind": s.object_kind,
        "sentence": fragment(h.fragment),
        "start": s.start,
        "end": s.end,
    }


def evidence_result(query: str, r: EvidenceResult) -> JSON:
    return {
        "query": query,
        "total": r.total,
        "offset": r.offset,
        "limit": r.limit,
        "items": [evidence_hit(h) for h in r.hits],
    }


def relation(r: RelationRow) -> JSON:
    """A relation with its evidence, as ``zxkg relations`` prints it (see DESIGN.md, "Contracts")."""

    def end(kind: str, name: str, code: str | None, attrs_json: str | None) -> JSON:
        rec: JSON = {"type": kind, "name": name}
        if code:
            rec["code"] = code
        attrs = json.loads(attrs_json or "{}")
        rec.update({k: v for k, v in attrs.items() if k not in rec})
        return rec

    return {
        "file": r.file or "",
        "article": r.article_id,
        "date": r.date or "",
        "subject": end(r.s_kind, r.s_name, r.s_code, r.s_attrs),
        "predicate": r.predicate,
        "object": end(r.o_kind, r.o_name, r.o_code, r.o_attrs),
        "evidence": {
            "quote": r.evidence,
            "start": r.start,
            "end": r.end,
            "span": {"text": r.span, "start": r.span_start, "end": r.span_end},
        },
        "rule": r.rule,
        "confidence": round(float(r.confidence), 3),
    }
