"""What a read of relations keeps (``RelationQuery``), as the SQL that filters and groups them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from . import pairs


@dataclass(frozen=True, slots=True)
class RelationQuery:
    """Which relations a graph read keeps. Empty or ``None`` fields keep everything.

    ``kinds`` applies to both ends; ``region_codes`` to the ends that are regions (and an
    edge needs one); ``subjects``/``objects`` to one end; ``touching`` and ``around`` to
    either end (both must hold when both are given). Dates compare as text prefixes, so
    ``until="2024"`` keeps all of 2024. Relations without an article (part_of from the
    division table) have no date: date, confidence and article filters leave them be.
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


def relation_filter(q: RelationQuery) -> tuple[str, list[Any]]:
    """The WHERE clause over ``relations r`` joined to ``entities s`` and ``o``."""
    cond: list[str] = ["1"]
    params: list[Any] = []

    def among(column: str, values: tuple[str, ...]) -> str:
        params.append(json.dumps(list(values)))
        return f"{column} IN (SELECT value FROM json_each(?))"

    if q.predicates:
        cond.append(among("r.predicate", q.predicates))
    if q.kinds:
        cond.append(among("s.kind", q.kinds))
        cond.append(among("o.kind", q.kinds))
    if q.region_codes is not None:
        cond.append("(s.kind = 'region' OR o.kind = 'region')")
        cond.append(f"(s.kind <> 'region' OR {among('s.code', q.region_codes)})")
        cond.append(f"(o.kind <> 'region' OR {among('o.code', q.region_codes)})")
    if q.subjects is not None:
        cond.append(among("r.subject_key", q.subjects))
    if q.objects is not None:
        cond.append(among("r.object_key", q.objects))
    for keys in (q.touching, q.around):
        if keys is not None:
            cond.append(f"({among('r.subject_key', keys)} OR {among('r.object_key', keys)})")
    if q.since:
        cond.append("(r.article_id IS NULL OR r.date >= ?)")
        params.append(q.since)
    if q.until:
        cond.append("(r.article_id IS NULL OR (r.date <> '' AND substr(r.date, 1, ?) <= ?))")
        params += [len(q.until), q.until]
    if q.min_confidence:
        cond.append("r.confidence >= ?")
        params.append(q.min_confidence)
    return " AND ".join(cond), params


def grouped_relations(q: RelationQuery) -> tuple[str, list[Any]]:
    """Relations grouped by (subject, predicate, object): a subquery and its parameters."""
    where, params = relation_filter(q)
    sql = f"""
        SELECT r.subject_key AS source, r.predicate, r.object_key AS target,
               count(DISTINCT r.article_id) AS articles,
               min(NULLIF(r.date, '')) AS first_date, max(NULLIF(r.date, '')) AS last_date,
               avg(r.confidence) AS confidence, {pairs.FIRST_REF} AS first_ref
        FROM relations r
        JOIN entities s ON s.key = r.subject_key
        JOIN entities o ON o.key = r.object_key
        WHERE {where}
        GROUP BY r.subject_key, r.predicate, r.object_key
        HAVING count(r.article_id) = 0 OR count(DISTINCT r.article_id) >= ?
    """
    return sql, [*params, q.min_articles]
