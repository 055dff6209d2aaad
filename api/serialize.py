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
from zxkg.graph.cascade import Cascade, CascadeStep, Follow
from zxkg.graph.communities import Community
from zxkg.graph.leaders import Leader
from zxkg.graph.models import (
    AdopterCounts,
    Adoption,
    AdoptionEvidence,
    Edge,
    Evidence,
    Node,
    Pair,
    RegionProfile,
    Timeline,
)
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
        "review": a.review,
        "url": a.url,
        "source": a.source,
        "evidence_count": a.evidence_count,
    }


def evidence_row(e: AdoptionEvidence) -> JSON:
    """One sentence behind a row of the adoption table, with what cites it."""
    return {
        "relation": e.relation,
        "region_key": e.region_key,
        "region": e.region,
        "term_key": e.term_key,
        "term": e.term,
        "kind": e.kind,
        "predicate": e.predicate,
        "date": e.date,
        "evidence": e.evidence,
        "start": e.start,
        "end": e.end,
        "confidence": round(e.confidence, 4),
        "article": e.article,
        "file": e.file,
        "title": e.title,
        "url": e.url,
        "source": e.source,
    }


def adoption_evidence(ev: Evidence) -> JSON:
    return {
        "term": ev.term,
        "matched": [node(n) for n in ev.matched],
        "region": node(ev.region) if ev.region is not None else None,
        "total": len(ev.rows),
        "items": [evidence_row(e) for e in ev.rows],
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


def adopter_counts(c: AdopterCounts) -> JSON:
    return {
        "term": c.term,
        "adopters": c.adopters,
        "by_province": [{"province": p, "adopters": n} for p, n in c.by_province],
        "by_level": [{"level": lv, "adopters": n} for lv, n in c.by_level],
    }


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
        "id": r.id,
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
        "review": r.review,
    }


# -- diffusion: cascades, leaders, communities ------------------------------------------


def follow(f: Follow) -> JSON:
    """An earlier adopter an adoption follows, with its own evidence."""
    a = f.adoption
    return {
        "region_key": a.region_key,
        "region": a.region,
        "code": a.code,
        "level": a.level,
        "province": a.province,
        "first_date": a.first_date,
        "lag_days": f.lag_days,
        "levels": f.levels,
        "evidence": a.evidence,
        "article": a.article,
        "title": a.title,
    }


def cascade_step(s: CascadeStep) -> JSON:
    """One adoption of a cascade: the adoption, its class, the adopters it follows (most recent first)."""
    return {
        **adoption(s.adoption),
        "class": s.channel,
        "lag_days": s.lag_days,
        "source": s.source.adoption.region_key if s.source else "",
        "follows": [follow(f) for f in s.follows],
    }


def cascade(c: Cascade) -> JSON:
    return {
        "term": c.term,
        "matched": [node(n) for n in c.matched],
        "summary": {
            "adoptions": len(c.steps),
            "undated": len(c.undated),
            "counts": c.counts(),
            "shares": {k: round(v, 4) for k, v in c.shares().items()},
            "lags": [
                {
                    "class": x.channel,
                    "from_level": x.source_level,
                    "to_level": x.level,
                    "adoptions": x.adoptions,
                    "median_days": x.median_days,
                }
                for x in c.lags()
            ],
            "first_movers": [s.adoption.region for s in c.first_movers],
            "first_date": c.first_date,
            "last_date": c.last_date,
            "span_days": c.span_days,
        },
        "adoptions": [cascade_step(s) for s in c.steps],
        "undated": [adoption(a) for a in c.undated],
    }


def leader(r: Leader) -> JSON:
    return {
        "region_key": r.region_key,
        "region": r.region,
        "code": r.code,
        "level": r.level,
        "province": r.province,
        "adoptions": r.adoptions,
        "leads": r.leads,
        "lead_share": round(r.lead_share, 4),
        "first": r.first,
        "precedence": round(r.precedence, 4),
    }


def community(c: Community, number: int) -> JSON:
    return {
        "community": number,
        "size": len(c.members),
        "members": [
            {"region_key": m.region_key, "region": m.region, "code": m.code, "level": m.level,
             "province": m.province, "terms": m.terms}
            for m in c.members
        ],
        "terms": [
            {"term_key": t.term_key, "term": t.term, "kind": t.kind, "members": t.members,
             "inside": round(t.inside, 4), "outside": round(t.outside, 4)}
            for t in c.terms
        ],
    }  # fmt: skip
