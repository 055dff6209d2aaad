"""Read-only aggregates for graph/: edges, nodes, attribute names, shared adoptions.

Every method takes a ``RelationQuery`` and does the grouping in SQL, so nothing here holds
the whole relation table in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ZxkgError
from . import pairs
from .session import Session

_FIRST_REF = pairs.FIRST_REF
_ADOPTED = pairs.ADOPTED


class GraphReads(Session):
    """Edges and nodes of a selection of relations, and pairs that share adoptions."""

    def graph_edges(self, q: RelationQuery) -> Iterator[dict[str, Any]]:
        """One row per (subject, predicate, object) kept by ``q``, with its first evidence.

        Columns: source, predicate, target, articles, first_date, last_date, confidence,
        evidence, article_id, file, title. Ordered by source, predicate, target.
        """
        grouped, params = _grouped_relations(q)
        sql = f"""
            SELECT g.source, g.predicate, g.target, g.articles, g.first_date, g.last_date, g.confidence,
                   e.evidence, e.article_id, a.file, a.title
            FROM ({grouped}) g
            JOIN relations e ON e.id = CAST(substr(g.first_ref, -12) AS INTEGER)
            LEFT JOIN articles a ON a.id = e.article_id
            ORDER BY g.source, g.predicate, g.target
        """
        yield from self._rows(sql, params)

    def graph_nodes(self, q: RelationQuery) -> Iterator[dict[str, Any]]:
        """Every entity at an end of an edge ``graph_edges(q)`` keeps.

        Columns: key, kind, name, code, level, parent, province, attrs (JSON), start (the
        first date of its kept relations, NULL when they have none), and for articles their
        title, date and file. Ordered by kind and name.
        """
        grouped, params = _grouped_relations(q)
        sql = f"""
            WITH g AS ({grouped})
            SELECT e.key, e.kind, e.name, e.code, e.level, e.parent, e.province, e.attrs,
                   min(n.first_date) AS start, a.title, a.date, a.file
            FROM (SELECT source AS key, first_date FROM g UNION ALL SELECT target, first_date FROM g) n
            JOIN entities e ON e.key = n.key
            LEFT JOIN articles a ON e.kind = 'article' AND a.id = e.name
            GROUP BY e.key
            ORDER BY e.kind, e.name, e.key
        """
        yield from self._rows(sql, params)

    def attr_names(self, kinds: Sequence[str] = ()) -> list[str]:
        """The keys found in the ``attrs`` of entities (of ``kinds``), sorted."""
        sql = "SELECT DISTINCT j.key FROM entities e, json_each(e.attrs) j WHERE json_valid(e.attrs)"
        params: list[Any] = []
        if kinds:
            sql += " AND e.kind IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(kinds)))
        return sorted(str(k) for (k,) in self.conn.execute(sql, params))

    def shared_adoptions(
        self, q: RelationQuery, term_kinds: Sequence[str], by: str, focus: Sequence[str] = (), limit: int = 50
    ) -> list[dict[str, Any]]:
        """Pairs that share adoptions, with counts for a Jaccard index.

        ``by="region"``: pairs of terms adopted by the same regions (co-adoption);
        ``by="term"``: pairs of regions that adopted the same terms (similarity). Without
        ``focus``, every pair once, most shared first, then by Jaccard index. With it, the
        focus keys count as one item ``a`` (a term and its aliases) paired with every other
        ``b``, most shared first: only the focus's neighbourhood is read. Columns: a, b,
        shared, a_total, b_total.
        """
        if by not in ("region", "term"):
            raise ZxkgError(f"shared_adoptions by {by!r}")
        pair, via = ("object_key", "subject_key") if by == "region" else ("subject_key", "object_key")
        where, params = _relation_filter(q)
        adopted = f"""
            SELECT r.subject_key, r.object_key
            FROM relations r
            JOIN entities s ON s.key = r.subject_key
            JOIN entities o ON o.key = r.object_key
            WHERE {where} AND {_ADOPTED} AND s.kind = 'region'
              AND o.kind IN (SELECT value FROM json_each(?))
        """
        params.append(json.dumps(list(term_kinds)))
        if focus:
            keys = json.dumps(list(focus))
            sql = f"""
                WITH adopted AS NOT MATERIALIZED ({adopted}),
                vias AS MATERIALIZED (
                    SELECT DISTINCT {via} AS via FROM adopted WHERE {pair} IN (SELECT value FROM json_each(?))
                ),
                pairs AS MATERIALIZED (
                    SELECT {pair} AS b, count(DISTINCT {via}) AS shared FROM adopted
                    WHERE {via} IN (SELECT via FROM vias) AND {pair} NOT IN (SELECT value FROM json_each(?))
                    GROUP BY {pair}
                    ORDER BY shared DESC, b
                    LIMIT ?
                )
                SELECT ? AS a, p.b, p.shared, (SELECT count(*) FROM vias) AS a_total,
                       (SELECT count(DISTINCT {via}) FROM adopted WHERE {pair} = p.b) AS b_total
                FROM pairs p
                ORDER BY p.shared DESC, p.b
            """
            return list(self._rows(sql, [*params, keys, keys, limit, focus[0]]))
        sql = f"""
            WITH adopted AS ({adopted}),
            items AS (SELECT DISTINCT {pair} AS item, {via} AS via FROM adopted),
            totals AS (SELECT item, count(*) AS total FROM items GROUP BY item)
            SELECT x.item AS a, y.item AS b, count(*) AS shared, tx.total AS a_total, ty.total AS b_total
            FROM items x
            JOIN items y ON y.via = x.via AND x.item < y.item
            JOIN totals tx ON tx.item = x.item
            JOIN totals ty ON ty.item = y.item
            GROUP BY x.item, y.item
            ORDER BY shared DESC, CAST(count(*) AS REAL) / (tx.total + ty.total - count(*)) DESC, a, b
            LIMIT ?
        """
        return list(self._rows(sql, [*params, limit]))


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


def _relation_filter(q: RelationQuery) -> tuple[str, list[Any]]:
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


def _grouped_relations(q: RelationQuery) -> tuple[str, list[Any]]:
    """Relations grouped by (subject, predicate, object): a subquery and its parameters."""
    where, params = _relation_filter(q)
    sql = f"""
        SELECT r.subject_key AS source, r.predicate, r.object_key AS target,
               count(DISTINCT r.article_id) AS articles,
               min(NULLIF(r.date, '')) AS first_date, max(NULLIF(r.date, '')) AS last_date,
               avg(r.confidence) AS confidence, {_FIRST_REF} AS first_ref
        FROM relations r
        JOIN entities s ON s.key = r.subject_key
        JOIN entities o ON o.key = r.object_key
        WHERE {where}
        GROUP BY r.subject_key, r.predicate, r.object_key
        HAVING count(r.article_id) = 0 OR count(DISTINCT r.article_id) >= ?
    """
    return sql, [*params, q.min_articles]
