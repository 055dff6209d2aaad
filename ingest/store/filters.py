"""What a read of relations keeps (``RelationQuery``), as the SQL that filters and groups them."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from . import dates, pairs
from .dialect import Dialect
from .schema import MENTIONS, PREDICATE_IDS


def entity_in(d: Dialect, column: str) -> str:
    """``column`` (an integer entity key) is one of the entities whose public keys are the
    JSON list bound to ``?``.

    On PostgreSQL the keys become an array before the scan (``Dialect.in_rows`` says why):
    a region's relations to a term are then read from the index by both ends, not every
    relation of the region joined to its object (a term's merged adopters at 30k: 414 ms).
    """
    return d.in_rows(column, f"(SELECT id FROM entities WHERE {d.any_of('key')})")


@dataclass(frozen=True, slots=True)
class RelationQuery:
    """Which relations a graph read keeps. Empty or ``None`` fields keep everything.

    ``kinds`` applies to both ends; ``region_codes`` to the ends that are regions (and an
    edge needs one); ``subjects``/``objects`` to one end; ``touching`` and ``around`` to
    either end (both must hold when both are given). Dates compare as text prefixes, so
    ``until="2024"`` keeps all of 2024. Relations without an article (part_of from the
    division table) have no date: date, confidence and article filters leave them be.
    Relations a reviewer rejected are left out, unless ``include_rejected``.
    """

    predicates: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    region_codes: tuple[str, ...] | None = None
    subjects: tuple[str, ...] | None = None
    objects: tuple[str, ...] | None = None
    touching: tuple[str, ...] | None = None
    around: tuple[str, ...] | None = None
    since: str = ""
    until: str = ""
    min_articles: int = 0
    min_confidence: float = 0.0
    include_rejected: bool = False  # relations a reviewer rejected are left out unless this


def relation_filter(d: Dialect, q: RelationQuery) -> tuple[str, list[Any]]:
    """The WHERE clause over ``relations r`` joined to ``entities s`` and ``o``."""
    cond: list[str] = ["1 = 1" if q.include_rejected else pairs.KEPT]
    params: list[Any] = []

    def among(column: str, values: tuple[str, ...]) -> str:
        params.append(json.dumps(list(values)))
        return d.any_of(column)

    if q.predicates:
        ids = sorted(PREDICATE_IDS[p] for p in q.predicates if p in PREDICATE_IDS)
        cond.append(f"r.predicate IN ({', '.join(map(str, ids)) or 'NULL'})")
    if q.kinds:
        cond.append(among("s.kind", q.kinds))
        cond.append(among("o.kind", q.kinds))
        if "article" not in q.kinds:  # no article's mentions: the partial indexes by entity apply
            cond.append(f"r.predicate <> {MENTIONS}")
    if q.region_codes is not None:
        cond.append("(s.kind = 'region' OR o.kind = 'region')")
        cond.append(f"(s.kind <> 'region' OR {among('s.code', q.region_codes)})")
        cond.append(f"(o.kind <> 'region' OR {among('o.code', q.region_codes)})")
    if q.subjects is not None:
        cond.append(entity_among(d, "r.subject", q.subjects, params))
    if q.objects is not None:
        cond.append(entity_among(d, "r.object", q.objects, params))
    for keys in (q.touching, q.around):
        if keys is not None:
            cond.append(
                f"({entity_among(d, 'r.subject', keys, params)} OR {entity_among(d, 'r.object', keys, params)})"
            )
    if q.since:
        cond.append("(r.article IS NULL OR r.date >= ?)")
        params.append(dates.day(q.since))
    if q.until:
        cond.append("(r.article IS NULL OR r.date <= ?)")
        params.append(dates.until(q.until))
    if q.min_confidence:
        cond.append("r.confidence >= ?")
        params.append(math.ceil(q.min_confidence * 1000 - 1e-9))  # the store keeps thousandths
    return " AND ".join(cond), params


def entity_among(d: Dialect, column: str, keys: tuple[str, ...] | list[str], params: list[Any]) -> str:
    """``column`` (an integer entity key) is one of the entities with public ``keys``."""
    params.append(json.dumps(list(keys), ensure_ascii=False))
    return entity_in(d, column)


def grouped_relations(d: Dialect, q: RelationQuery) -> tuple[str, list[Any]]:
    """Relations grouped by (subject, predicate, object): a subquery and its parameters."""
    where, params = relation_filter(d, q)
    sql = f"""
        SELECT s.key AS source, p.name AS predicate, o.key AS target,
               count(DISTINCT r.article) AS articles,
               {dates.text_of(d, "min(r.date)")} AS first_date, {dates.text_of(d, "max(r.date)")} AS last_date,
               avg({d.real("r.confidence")}) / 1000.0 AS confidence, {pairs.first_ref(d)} AS first_ref
        FROM relations r
        JOIN entities s ON s.id = r.subject
        JOIN entities o ON o.id = r.object
        JOIN predicates p ON p.id = r.predicate
        WHERE {where}
        GROUP BY r.subject, r.predicate, r.object{d.grouped_with("s.id", "o.id", "p.id")}
        HAVING count(r.article) = 0 OR count(DISTINCT r.article) >= ?
    """
    return sql, [*params, q.min_articles]
