"""Who adopted what: the adoption table, a term's adopters, first adoptions, mention counts.

Questions that keep every relation of a (region, term) pair are answered from the
adoption pairs (``pairs``), which hold these very aggregates; the others group the
relations. The plans are tuned: the bench and the pair-equivalence tests guard them.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any

from .dates import text_of
from .dialect import Dialect
from .filters import RelationQuery, entity_in, relation_filter
from .pair_rows import (
    PairRow,
    PairRows,
    ReadPair,
    as_read,
    chunked,
    first_date_first,
    merge_pairs,
    pair_columns,
    region_of,
)
from .pairs import ADOPTED, EVIDENCE, KEPT, REJECTED, first_id, first_ref
from .paths import relative_path
from .records import Adoption, AdoptionEvidence, FirstAdoption

ADOPTION_COLUMNS = Adoption._fields

# What cites the first evidence's article (``a``) beside its title and file.
CITATION = "coalesce(a.url, '') AS url, coalesce(a.source, '') AS source"


def review_mark(term: str, region: str) -> str:
    """A pair's review: "accepted" when a relation of it kept was accepted, else "added" when
    a reviewer stated one, else "" (an index probe of the few reviews, per row)."""
    return (
        "coalesce((SELECT min(v.status) FROM reviews v"
        f" WHERE v.object_key = {term} AND v.subject_key = {region}"
        " AND v.relation IS NOT NULL AND v.status <> 'rejected'), '')"
    )


class Adoptions(PairRows):
    """Adoption aggregates, from the pairs when the question allows."""

    def adoptions(
        self, q: RelationQuery, term_kinds: Sequence[str], merge_terms: bool = False, by_date: bool = True
    ) -> Iterator[Adoption]:
        """One ``Adoption`` per (region, term): a region's article relations to entities of ``term_kinds``.

        With ``merge_terms`` one per region: every kept term counts as the same one (a term
        and its aliases). The predicate and evidence are the first relation's (earliest
        date, then first stored); text columns are "" rather than NULL. Ordered
        by first date (unknown last), then region and term; without ``by_date``, by region
        and term (read in that order from the pairs, sparing a sort of the whole table).

        Questions that keep every relation of a pair (no dates, confidence, predicates or
        region codes asked) are answered from the adoption pairs, which hold these very
        aggregates; the others group the relations.
        """
        if _whole_pairs(q, merge_terms):
            if merge_terms and q.objects is not None and len(q.objects) > 1:
                return self._merged_pairs(q, term_kinds, by_date)
            return self._adoption_pairs(q, term_kinds, by_date)
        d = self.sql
        where, params = relation_filter(d, q)
        # Without merge_terms the term columns are constant in a group; with it they come
        # from the first relation, joined back below.
        term = "o.key AS term_key, o.name AS term, o.kind" if merge_terms else "g.term_key, g.term, g.kind"
        inner_term = "" if merge_terms else "o.key AS term_key, o.name AS term, o.kind,"
        join_term = "JOIN entities o ON o.id = e.object" if merge_terms else ""
        # Grouped by the store's integer keys, the rows come in no order a person reads: sort them.
        by_key = "g.region_key, g.term_key" if not merge_terms else "g.region_key, o.key"
        order = f"ORDER BY g.first_day IS NULL, g.first_day, {by_key}" if by_date else f"ORDER BY {by_key}"
        sql = f"""
            SELECT g.region_key, g.region, coalesce(g.code, '') AS code, coalesce(g.level, '') AS level,
                   coalesce(g.province, '') AS province, {term}, pr.name AS predicate,
                   coalesce({text_of(d, "g.first_day")}, '') AS first_date,
                   coalesce({text_of(d, "g.last_day")}, '') AS last_date,
                   g.articles, g.confidence, {EVIDENCE} AS evidence,
                   a.id AS article, coalesce(a.file, '') AS file, coalesce(a.title, '') AS title,
                   CASE WHEN g.rejected = g.relations THEN 'rejected'
                        ELSE {review_mark("o.key" if merge_terms else "g.term_key", "g.region_key")} END AS review,
                   {CITATION}, g.relations, a.origin
            FROM (
                SELECT s.key AS region_key, s.name AS region, s.code, s.level, s.province,
                       {inner_term}
                       count(*) AS relations, sum(CASE WHEN r.id IN {REJECTED} THEN 1 ELSE 0 END) AS rejected,
                       min(r.date) AS first_day, max(r.date) AS last_day,
                       count(DISTINCT r.article) AS articles,
                       avg({d.real("r.confidence")}) / 1000.0 AS confidence,
                       {first_ref(d)} AS first_ref
                FROM relations r  -- read the relations first, through their adoption indexes
                {d.forced_join} entities s ON s.id = r.subject
                {d.forced_join} entities o ON o.id = r.object
                WHERE {where} AND {ADOPTED} AND s.kind = 'region'
                  AND {d.any_of("o.kind")}
                GROUP BY r.subject{d.grouped_with("s.id")}{"" if merge_terms else ", r.object" + d.grouped_with("o.id")}
                HAVING count(DISTINCT r.article) >= ?
            ) g
            JOIN relations e ON e.id = {first_id(d, "g.first_ref")}
            {join_term}
            JOIN predicates pr ON pr.id = e.predicate
            JOIN articles a ON a.key = e.article
            {order}
        """
        params += [json.dumps(list(term_kinds)), q.min_articles]
        return self._cited(self.conn.execute(sql, params))

    def first_adoptions(self, q: RelationQuery, term_kinds: Sequence[str]) -> Iterator[FirstAdoption]:
        """The region and first date of ``adoptions(q, term_kinds, merge_terms=True)``, in its order.

        What a diffusion curve needs, read from the pairs without their evidence and
        without counting articles when no minimum asks for the count (see
        ``docs/design-notes.md``).
        """
        if not (_whole_pairs(q, True) and q.min_articles <= 1):
            for a in self.adoptions(q, term_kinds, merge_terms=True):
                yield FirstAdoption(a.region_key, a.region, a.first_date)
            return
        where, params = _pair_filter(self.sql, q, term_kinds)
        if q.objects is not None and len(q.objects) == 1:  # a region holds one pair of a term: no grouping
            sql = f"""
                SELECT p.region_key, coalesce(p.first_date, '') AS first_date
                FROM adoption_pairs p
                WHERE {where}
                ORDER BY p.first_date IS NULL, p.first_date, p.region_key
            """
        else:
            sql = f"""
                SELECT p.region_key, coalesce(min(p.first_date), '') AS first_date
                FROM adoption_pairs p
                WHERE {where}
                GROUP BY p.region_key
                ORDER BY min(p.first_date) IS NULL, min(p.first_date), p.region_key
            """
        rows = self.conn.execute(sql, params).fetchall()
        self.entity_columns.read(self.conn, self.sql, map(itemgetter(0), rows))
        regions, new = self.entity_columns.regions, tuple.__new__
        yield from [new(FirstAdoption, (key, regions[key][1], first_date)) for key, first_date in rows]

    def adoption_page(
        self, q: RelationQuery, term_kinds: Sequence[str], limit: int, offset: int = 0
    ) -> tuple[int, list[Adoption]]:
        """How many rows ``adoptions(q, term_kinds, merge_terms=True)`` holds, and ``limit`` of
        them from ``offset``, in its order.

        One term's adopters (the question a page asks most) are counted and cut in SQL, so
        a page of a term adopted everywhere builds its fifty rows, not thousands; a term
        with aliases by its regions' first dates (``_merged_page``); any other question (a
        least number of articles over merged terms, a filter on the relations) cuts the
        whole answer.
        """
        if _whole_pairs(q, True) and q.objects is not None and len(q.objects) == 1:
            where, params = self._pair_where(q, term_kinds)
            total = int(self.conn.execute(f"SELECT count(*) FROM adoption_pairs p WHERE {where}", params).fetchone()[0])
            return total, list(self._adoption_pairs(q, term_kinds, True, (limit, offset)))
        if _whole_pairs(q, True) and q.min_articles <= 1:
            return self._merged_page(q, term_kinds, limit, offset)
        rows = list(self.adoptions(q, term_kinds, merge_terms=True))
        return len(rows), rows[offset : offset + limit]

    def _merged_page(
        self, q: RelationQuery, term_kinds: Sequence[str], limit: int, offset: int
    ) -> tuple[int, list[Adoption]]:
        """``adoption_page`` of several terms merged (a term and its aliases): the page's regions
        are found from each region's first date alone, then only their pairs are read and
        merged.

        A region's merged row is dated by its earliest pair (``merge_pairs``), and every
        region holding a pair has a row when no least number of articles is asked (each pair
        states one article at least), so the regions and their first dates give the rows'
        count and order. They are ordered here, as ``first_date_first`` orders the whole
        answer (a SQLite store's SQL would order region keys as UTF-16 bytes). A page of a
        term adopted in 1,600 regions reads their keys and dates, then 100 regions' pairs.
        """
        where, params = _pair_filter(self.sql, q, term_kinds)
        sql = f"""
            SELECT p.region_key, coalesce(min(p.first_date), '') FROM adoption_pairs p
            WHERE {where} GROUP BY p.region_key
        """
        firsts = self.conn.execute(sql, params).fetchall()
        firsts.sort(key=_undated_last)
        keys = tuple(key for key, _ in firsts[offset : offset + limit])
        if not keys:
            return len(firsts), []
        return len(firsts), list(self._merged_pairs(dataclasses.replace(q, subjects=keys), term_kinds, True))

    def _pair_where(self, q: RelationQuery, term_kinds: Sequence[str]) -> tuple[str, list[Any]]:
        """``_pair_filter`` and the question's least number of articles."""
        where, params = _pair_filter(self.sql, q, term_kinds)
        if q.min_articles:
            where += " AND p.articles >= ?"
            params.append(q.min_articles)
        return where, params

    def _adoption_pairs(
        self, q: RelationQuery, term_kinds: Sequence[str], by_date: bool, page: tuple[int, int] | None = None
    ) -> Iterator[Adoption]:
        """``adoptions`` read from the adoption pairs (same columns, same order); ``page`` is
        (limit, offset)."""
        where, params = self._pair_where(q, term_kinds)
        # One term's rows, all of them by date, are sorted here where the engine orders text as
        # Python does: sorting the read rows costs a fraction of PostgreSQL's sort of the wide
        # rows (5 of its 10 ms on the most adopted term at 100k articles, docs/design-notes.md).
        term = q.objects[0] if q.objects is not None and len(q.objects) == 1 else ""
        sort_here = bool(term) and by_date and page is None and self.sql.orders_text_as_python
        order = (
            ""
            if sort_here
            else "ORDER BY p.first_date IS NULL, p.first_date, p.region_key, p.term_key"
            if by_date
            else "ORDER BY p.region_key, p.term_key"
        )
        review = self._review_mark("p.term_key", "p.region_key")
        marked = review != "''"
        # One term's rows all name it: its key is not read again for each (a text converted per row).
        sql = f"""
            SELECT {pair_columns(self.sql, term_key="''" if term else "p.term_key")}{", " + review if marked else ""}
            FROM adoption_pairs p
            WHERE {where}
            {order}
            {"LIMIT ? OFFSET ?" if page else ""}
        """
        rows = self._decoded(self.conn.execute(sql, [*params, *(page or ())]), term)
        if sort_here:
            rows = chunked(first_date_first([pair for chunk in rows for pair in chunk]))
        yield from self._pair_adoptions(rows, marked, term=term)

    def _merged_pairs(self, q: RelationQuery, term_kinds: Sequence[str], by_date: bool) -> Iterator[Adoption]:
        """``adoptions`` of several terms merged into one (a term and its aliases), from their pairs.

        A region's row adds up its pairs (``merge_pairs``). Articles do not add up where a
        region holds several of the terms, since one article may state two of them: only
        those few regions' relations are read, to count the articles exactly. Merged here
        rather than by a GROUP BY, which measured slower (``docs/design-notes.md``).
        """
        where, params = _pair_filter(self.sql, q, term_kinds)
        sql = f"""
            SELECT {pair_columns(self.sql, total=True)}, {self._review_mark("p.term_key", "p.region_key")},
                   p.first_ref
            FROM adoption_pairs p
            WHERE {where}
        """
        # Rows stay as read unless their region holds several of the terms (the few).
        merged: dict[str, ReadPair] = {}
        shared: set[str] = set()
        for chunk in self._decoded(self.conn.execute(sql, params)):
            for pair in chunk:
                held = merged.setdefault(pair[1][1], pair)
                if held is not pair:
                    shared.add(pair[1][1])
                    merged[pair[1][1]] = as_read(merge_pairs(PairRow.of(held), PairRow.of(pair)))
        # (of the kinds asked: a term's key starts with its kind)
        terms = [t for t in q.objects or () if t.partition(":")[0] in term_kinds]
        for key, articles in (self._shared_articles(terms) if shared else {}).items():
            if key in shared:  # (not a region the question keeps out)
                merged[key] = as_read(PairRow.of(merged[key])._replace(articles=articles))
        rows = [m for m in merged.values() if m[0][1] >= q.min_articles]  # one a region: sorted by texts alone
        rows = first_date_first(rows) if by_date else sorted(rows, key=region_of)
        return self._pair_adoptions(chunked(rows), True, True)

    def _review_mark(self, term: str, region: str) -> str:
        """``review_mark``, or "" outright in a store no reviewer marked a relation of (the
        usual case), sparing a probe per row."""
        marked = "SELECT 1 FROM reviews WHERE relation IS NOT NULL AND status <> 'rejected'"
        if self.conn.execute(f"SELECT EXISTS ({marked})").fetchone()[0]:
            return review_mark(term, region)
        return "''"

    def _cited(self, rows: Iterable[Sequence[Any]]) -> Iterator[Adoption]:
        """Adoptions of rows that end with the first evidence's origin: its file becomes its
        path under the ingested directory."""
        roots = self.ingested_roots()
        for row in rows:
            yield Adoption._make((*row[:15], relative_path(row[21], roots, row[15]), *row[16:21]))

    def _shared_articles(self, terms: Sequence[str]) -> dict[str, int]:
        """How many articles state an adoption of any of ``terms``, for each region that holds
        several of them.

        Read through the relations of the terms alone, from the covering index by object:
        asked by region too, PostgreSQL read every relation of the few hundred regions, 130,000
        at 100k articles, to keep 1,000. Rejected relations are left out only where a reviewer
        rejected one (the test needs each relation's id, which PostgreSQL's index lacks), and
        each region's key is looked up by its id (a join let PostgreSQL scan every entity).
        See docs/design-notes.md."""
        kept = f"AND {KEPT}" if self._any_rejected() else ""
        sql = f"""
            SELECT (SELECT s.key FROM entities s WHERE s.id = g.subject), g.articles FROM (
                SELECT r.subject, count(DISTINCT r.article) AS articles FROM relations r
                WHERE {entity_in(self.sql, "r.object")} AND {ADOPTED} {kept}
                GROUP BY r.subject HAVING count(DISTINCT r.object) > 1
            ) g
        """
        return dict(self.conn.execute(sql, (json.dumps(list(terms), ensure_ascii=False),)).fetchall())

    def _any_rejected(self) -> bool:
        """Whether a reviewer rejected a relation the store holds (rarely so)."""
        sql = "SELECT EXISTS (SELECT 1 FROM reviews WHERE status = 'rejected' AND relation IS NOT NULL)"
        return bool(self.conn.execute(sql).fetchone()[0])

    def adoption_evidence(self, q: RelationQuery, term_kinds: Sequence[str]) -> Iterator[AdoptionEvidence]:
        """Every relation behind the rows of ``adoptions(q, term_kinds)``, one per evidence sentence.

        In the order that picks a row's first evidence (dated before undated, earliest
        first, then first stored), so a row's first evidence here is the one the table shows.
        """
        d = self.sql
        where, params = relation_filter(d, q)
        sql = f"""
            SELECT r.id, s.key, s.name, o.key, o.name, o.kind, pr.name, coalesce({text_of(d, "r.date")}, ''),
                   substr(a.text, r.sentence_start + 1, r.sentence_end - r.sentence_start),
                   r.sentence_start, r.sentence_end, {d.real("r.confidence")} / 1000.0,
                   a.id, coalesce(a.file, ''), coalesce(a.title, ''), {CITATION}, a.origin
            FROM relations r
            JOIN entities s ON s.id = r.subject
            JOIN entities o ON o.id = r.object
            JOIN predicates pr ON pr.id = r.predicate
            JOIN articles a ON a.key = r.article
            WHERE {where} AND {ADOPTED} AND s.kind = 'region' AND {d.any_of("o.kind")}
            ORDER BY r.date IS NULL, r.date, r.id
        """
        params.append(json.dumps(list(term_kinds)))
        roots = self.ingested_roots()
        for row in self.conn.execute(sql, params):
            yield AdoptionEvidence._make((*row[:13], relative_path(row[17], roots, row[13]), *row[14:17]))

    def mention_count(self, keys: Sequence[str]) -> int:
        """How many articles mention any of ``keys``."""
        if len(keys) == 1:  # one entity's mentions come in article order: counted without a sort
            sql = "SELECT count(DISTINCT article) FROM mentions WHERE entity = (SELECT id FROM entities WHERE key = ?)"
            return int(self.conn.execute(sql, (keys[0],)).fetchone()[0])
        sql = f"SELECT count(DISTINCT article) FROM mentions WHERE {entity_in(self.sql, 'entity')}"
        return int(self.conn.execute(sql, (json.dumps(list(keys)),)).fetchone()[0])


def _pair_filter(d: Dialect, q: RelationQuery, term_kinds: Sequence[str]) -> tuple[str, list[Any]]:
    """The WHERE clause over ``adoption_pairs p`` for ``q``'s terms and regions, of ``term_kinds``."""
    cond = [d.any_of("p.kind")]
    params: list[Any] = [json.dumps(list(term_kinds))]
    if q.objects is not None:
        cond.append(d.any_of("p.term_key"))
        params.append(json.dumps(list(q.objects), ensure_ascii=False))
    if q.subjects is not None:
        cond.append(d.any_of("p.region_key"))
        params.append(json.dumps(list(q.subjects), ensure_ascii=False))
    return " AND ".join(cond), params


def _undated_last(first: tuple[str, str]) -> tuple[bool, str, str]:
    """A region's (key, first date) in the adoption table's order: by date, unknown last, then key."""
    key, date = first
    return not date, date, key


def _whole_pairs(q: RelationQuery, merge_terms: bool) -> bool:
    """Whether an adoption question keeps whole (region, term) pairs: see ``adoptions``."""
    return (
        not (q.predicates or q.kinds or q.since or q.until or q.min_confidence)
        and q.region_codes is None
        and q.touching is None
        and q.around is None
        and not (merge_terms and q.objects is None)
        and not q.include_rejected
    )
