"""Read-only aggregates for graph/: edges, nodes, attribute names, shared adoptions.

Every method takes a ``RelationQuery`` and does the grouping in SQL, so nothing here holds
the whole relation table in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

from ..errors import ZxkgError
from .filters import RelationQuery, grouped_relations, relation_filter
from .pairs import ADOPTED, EVIDENCE, first_id
from .reads import attrs_with_aliases
from .records import EdgeRow, NodeRow, SharedPair
from .schema import PREDICATE_IDS
from .session import Session

# The sentence that states relation ``e`` (its article ``a``); a relation of the division
# table has none, and says what it is.
STATED = f"""
    CASE WHEN e.article IS NULL
         THEN (SELECT c.name || ' (' || c.code || ') is part of ' || p.name || ' (' || p.code || ')'
               FROM entities c, entities p WHERE c.id = e.subject AND p.id = e.object)
         ELSE {EVIDENCE} END
"""


class GraphReads(Session):
    """Edges and nodes of a selection of relations, and pairs that share adoptions."""

    def graph_edges(self, q: RelationQuery) -> Iterator[EdgeRow]:
        """One row per (subject, predicate, object) kept by ``q``, with its first evidence.

        Columns: source, predicate, target, articles, first_date, last_date, confidence,
        evidence, article_id, file, title. Ordered by source, predicate, target.
        """
        grouped, params = grouped_relations(self.sql, q)
        sql = f"""
            SELECT g.source, g.predicate, g.target, g.articles, g.first_date, g.last_date, g.confidence,
                   {STATED}, a.id, a.file, a.title
            FROM ({grouped}) g
            JOIN relations e ON e.id = {first_id(self.sql, "g.first_ref")}
            LEFT JOIN articles a ON a.key = e.article
            ORDER BY g.source, g.predicate, g.target
        """
        yield from map(EdgeRow._make, self.conn.execute(sql, params))

    def graph_nodes(self, q: RelationQuery) -> Iterator[NodeRow]:
        """Every entity at an end of an edge ``graph_edges(q)`` keeps.

        Columns: key, kind, name, code, level, parent, province, attrs (JSON, with the
        aliases the lexicon learnt merged in, as every other read of an entity has them),
        start (the first date of its kept relations, NULL when they have none), and for
        articles their title, date and file. Ordered by kind and name.
        """
        grouped, params = grouped_relations(self.sql, q)
        sql = f"""
            WITH g AS ({grouped})
            SELECT e.key, e.kind, e.name, e.code, e.level, e.parent, e.province, {attrs_with_aliases(self.sql)},
                   min(n.first_date) AS start, a.title, a.date, a.file
            FROM (SELECT source AS key, first_date FROM g UNION ALL SELECT target, first_date FROM g) n
            JOIN entities e ON e.key = n.key
            LEFT JOIN articles a ON e.kind = 'article' AND a.id = e.name
            GROUP BY e.key{self.sql.grouped_with("e.id", "a.key")}
            ORDER BY e.kind, e.name, e.key
        """
        yield from map(NodeRow._make, self.conn.execute(sql, params))

    def part_of_links(self) -> list[tuple[str, str]]:
        """Every ``part_of`` relation of the division table as (child key, parent key).

        Read through the partial index of relations without an article, so the millions of
        article relations are never scanned (graph.hierarchy builds the division tree of it).
        """
        sql = (
            "SELECT c.key, p.key FROM relations r"
            " JOIN entities c ON c.id = r.subject JOIN entities p ON p.id = r.object"
            f" WHERE r.article IS NULL AND r.predicate = {PREDICATE_IDS['part_of']}"
        )
        return [(str(child), str(parent)) for child, parent in self.conn.execute(sql)]

    def attr_names(self, q: RelationQuery) -> list[str]:
        """The keys found in the ``attrs`` of the entities ``graph_nodes(q)`` gives, ``aliases``
        when the lexicon learnt some for one of them, and ``title``, ``date`` and ``file`` when
        articles are among them; sorted.

        Read over the view's own nodes, not every entity of their kinds: a key only entities
        outside the view carry (``candidates`` of an ambiguous region that is only mentioned)
        would be a column no row fills.
        """
        d = self.sql
        grouped, params = grouped_relations(d, q)
        sql = f"""
            WITH g AS ({grouped}),
            n AS (
                SELECT e.id, e.kind, e.attrs
                FROM (SELECT source AS key FROM g UNION SELECT target FROM g) k
                JOIN entities e ON e.key = k.key
            )
            SELECT j.key FROM n, {d.object_keys("n.attrs", "j")} WHERE n.attrs LIKE '{{%'
            UNION SELECT 'aliases' FROM aliases x WHERE x.entity IN (SELECT id FROM n)
            UNION SELECT c.name FROM n, (SELECT 'title' AS name UNION SELECT 'date' UNION SELECT 'file') c
                  WHERE n.kind = 'article'
        """
        return sorted({str(k) for (k,) in self.conn.execute(sql, params)})

    def shared_adoptions(
        self, q: RelationQuery, term_kinds: Sequence[str], by: str, focus: Sequence[str] = (), limit: int = 50
    ) -> list[SharedPair]:
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
        d = self.sql
        where, params = relation_filter(d, q)
        adopted = f"""
            SELECT s.key AS subject_key, o.key AS object_key
            FROM relations r
            JOIN entities s ON s.id = r.subject
            JOIN entities o ON o.id = r.object
            WHERE {where} AND {ADOPTED} AND s.kind = 'region'
              AND {d.any_of("o.kind")}
        """
        params.append(json.dumps(list(term_kinds)))
        if focus:
            keys = json.dumps(list(focus))
            sql = f"""
                WITH adopted AS NOT MATERIALIZED ({adopted}),
                vias AS MATERIALIZED (
                    SELECT DISTINCT {via} AS via FROM adopted WHERE {d.any_of(pair)}
                ),
                pairs AS MATERIALIZED (
                    SELECT {pair} AS b, count(DISTINCT {via}) AS shared FROM adopted
                    WHERE {via} IN (SELECT via FROM vias) AND {pair} NOT IN {d.among()}
                    GROUP BY {pair}
                    ORDER BY shared DESC, b
                    LIMIT ?
                )
                SELECT ? AS a, p.b, p.shared, (SELECT count(*) FROM vias) AS a_total,
                       (SELECT count(DISTINCT {via}) FROM adopted WHERE {pair} = p.b) AS b_total
                FROM pairs p
                ORDER BY p.shared DESC, p.b
            """
            return list(map(SharedPair._make, self.conn.execute(sql, [*params, keys, keys, limit, focus[0]])))
        sql = f"""
            WITH adopted AS ({adopted}),
            items AS (SELECT DISTINCT {pair} AS item, {via} AS via FROM adopted),
            totals AS (SELECT item, count(*) AS total FROM items GROUP BY item)
            SELECT x.item AS a, y.item AS b, count(*) AS shared, tx.total AS a_total, ty.total AS b_total
            FROM items x
            JOIN items y ON y.via = x.via AND x.item < y.item
            JOIN totals tx ON tx.item = x.item
            JOIN totals ty ON ty.item = y.item
            GROUP BY x.item, y.item, tx.total, ty.total
            ORDER BY shared DESC, CAST(count(*) AS REAL) / (tx.total + ty.total - count(*)) DESC, a, b
            LIMIT ?
        """
        return list(map(SharedPair._make, self.conn.execute(sql, [*params, limit])))
