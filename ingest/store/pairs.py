"""The adoption pairs: one row per (term, region), the aggregate of its relations, kept by the writer.

Why a table kept up to date rather than a GROUP BY at query time: "who adopted X" is the
first question and every page asks it; grouping a common term's relations was too slow
at 100k articles (``docs/design-notes.md``, "Adoption questions read kept pairs").

A pair holds the aggregates ``Store.adoptions`` computes when it groups the relations
(a filtered question must), with the same sort key of the first relation (``first_ref``)
and the same test of what counts as an adoption (``ADOPTED``); tests compare their
answers on the real corpus and after findings are replaced. Every change happens in the
transaction of the article that causes it:

- an article saved: its pairs are added in (counts summed, dates and the first relation
  compared), one statement;
- an article's findings replaced: its old contribution is taken out first; a pair whose
  first or last date or first relation came from the article is computed again from its
  relations, one that no article supports any more is deleted;
- a review that rejects a relation, or takes a rejection back: its pair is computed again
  (rejected relations count in no pair);
- a repair that deleted relations, or an older store: ``rebuild``.

``zxkg check`` compares the table with the relations (``stale``).
"""

from __future__ import annotations

from .connection import Connection
from .dates import text_of
from .dialect import Dialect
from .schema import ADOPTING

# A region's relation to a term, said in an article. Only regions hold these predicates
# to terms (an article ``mentions``, a document ``implements``, a region is ``part_of``
# another by the division table); the term in ``predicate IN (…)`` is the one the partial
# covering indexes of relations are defined by, so the planner can read them.
ADOPTED = f"r.predicate IN ({ADOPTING}) AND r.article IS NOT NULL"

# Relations a reviewer rejected (``reviews``): no answer counts them unless asked to. A
# subquery of its own, read once a statement; the reviews are few.
REJECTED = "(SELECT relation FROM reviews WHERE status = 'rejected' AND relation IS NOT NULL)"
KEPT = f"r.id NOT IN {REJECTED}"

# A relation's evidence sentence, cut from its article's text (``a``) by its offsets (``e``).
EVIDENCE = "substr(a.text, e.sentence_start + 1, e.sentence_end - e.sentence_start)"

COLUMNS = (
    "term_key, region_key, region_name, code, level, province, term_name, kind, relations, articles,"
    " first_date, last_date, confidence_sum, first_ref, predicate, citation"
)
# A pair's first evidence (``e``) and what cites it, copied from its article (``a``: articles
# never change under their id, and a pair whose first relation changes takes the new one's),
# kept as one text: a row of the adoption table reads it whole, and SQLite reads one column
# of a row at a fraction of the cost of seven joined at each read (docs/design-notes.md).
# In this order: the evidence sentence, the article's id, file, title, URL, source, origin.
CITATION = (
    EVIDENCE,
    "a.id",
    "coalesce(a.file, '')",
    "coalesce(a.title, '')",
    "coalesce(a.url, '')",
    "coalesce(a.source, '')",
    "coalesce(a.origin, '')",
)


def citation(d: Dialect) -> str:
    """The ``CITATION`` texts in this order, joined by U+001F (``Dialect.separated``). Only a
    URL or a path can hold the separator (normalised texts have no control characters), so
    such a row splits into more texts than a reader expects: it reads that row's citation
    from its article again (``cited_exactly``)."""
    return d.separated(CITATION)


def cited_exactly(d: Dialect) -> str:
    """SELECT of the ``CITATION`` texts of pair (``term_key``, ``region_key``) one by one, from
    the article of its first relation."""
    return f"""
        SELECT {", ".join(CITATION)}
        FROM adoption_pairs p
        JOIN relations e ON e.id = {first_id(d, "p.first_ref")}
        JOIN articles a ON a.key = e.article
        WHERE p.term_key = ? AND p.region_key = ?
    """


def first_ref(d: Dialect) -> str:
    """The sort key of a relation inside its group: dated before undated, earliest first, then
    first stored. Its last 12 characters are the relation's id (``first_id``)."""
    return f"min({d.padded('coalesce(r.date, 99999999)', 8)} || '#' || {d.padded('r.id', 12)})"


def first_id(d: Dialect, ref: str) -> str:
    """The id of the relation whose sort key is ``ref``."""
    return d.int_of(d.last_chars(ref, 12))


def pair_rows(d: Dialect, where: str) -> str:
    """SELECT of the pairs of the adoption relations that ``where`` keeps (over ``relations r``)."""
    return f"""
        SELECT o.key AS term_key, s.key AS region_key, s.name AS region_name,
               coalesce(s.code, '') AS code, coalesce(s.level, '') AS level, coalesce(s.province, '') AS province,
               o.name AS term_name, o.kind, g.relations, g.articles, {text_of(d, "g.first_date")} AS first_date,
               {text_of(d, "g.last_date")} AS last_date,
               g.confidence_sum, g.first_ref, e.predicate, {citation(d)} AS citation
        FROM (
            SELECT r.object AS term, r.subject AS region, count(*) AS relations,
                   count(DISTINCT r.article) AS articles,
                   min(r.date) AS first_date, max(r.date) AS last_date,
                   sum(r.confidence) AS confidence_sum, {first_ref(d)} AS first_ref
            FROM relations r
            WHERE {where} AND {ADOPTED} AND {KEPT}
            GROUP BY r.object, r.subject
        ) g
        JOIN relations e ON e.id = {first_id(d, "g.first_ref")}
        JOIN entities s ON s.id = g.region
        JOIN entities o ON o.id = g.term
        JOIN articles a ON a.key = e.article
        WHERE true
    """


def _add(d: Dialect) -> str:
    """Add an article's pairs. An article is new to every pair it adds to (an article's
    relations are written once), so counts add up; the earlier first relation keeps its
    evidence. In the order of the pairs' keys, so that writers running at once (on
    PostgreSQL) lock the pairs they share in the same order."""
    p, x = "adoption_pairs", "excluded"
    newer = f"{x}.first_ref < {p}.first_ref"
    return f"""
        INSERT INTO adoption_pairs ({COLUMNS})
        SELECT * FROM ({pair_rows(d, "r.article = ? AND r.id BETWEEN ? AND ?")}) q ORDER BY term_key, region_key
        ON CONFLICT (term_key, region_key) DO UPDATE SET
            relations = {p}.relations + {x}.relations,
            articles = {p}.articles + {x}.articles,
            first_date = coalesce({d.least(f"{p}.first_date", f"{x}.first_date")}, {p}.first_date, {x}.first_date),
            last_date = coalesce({d.greatest(f"{p}.last_date", f"{x}.last_date")}, {p}.last_date, {x}.last_date),
            confidence_sum = {p}.confidence_sum + {x}.confidence_sum,
            first_ref = {d.least(f"{p}.first_ref", f"{x}.first_ref")},
            predicate = CASE WHEN {newer} THEN {x}.predicate ELSE {p}.predicate END,
            citation = CASE WHEN {newer} THEN {x}.citation ELSE {p}.citation END
    """


def add_article(c: Connection, d: Dialect, article: int, ids: tuple[int, int]) -> None:
    """Add the article's adoption relations (written already, ids ``first..last``) to their pairs."""
    c.execute(_add(d), (article, *ids))


def remove_article(c: Connection, d: Dialect, article: int) -> list[tuple[str, str]]:
    """Take the article's adoption relations (still in the table) out of their pairs.

    Returns the pairs this cannot settle by subtraction — one that loses its last article,
    or whose first date, last date or first relation came from this article — for
    ``recompute`` once the article's relations are deleted.
    """
    redo: list[tuple[str, str]] = []
    sql = f"""
        SELECT o.key, s.key, count(*), count(DISTINCT r.article), {text_of(d, "min(r.date)")},
               {text_of(d, "max(r.date)")}, sum(r.confidence), {first_ref(d)}
        FROM relations r JOIN entities o ON o.id = r.object JOIN entities s ON s.id = r.subject
        WHERE r.article = ? AND {ADOPTED} AND {KEPT} GROUP BY r.object, r.subject, o.key, s.key ORDER BY o.key, s.key
    """
    for term, region, n, articles, first, last, conf, ref in c.execute(sql, (article,)).fetchall():
        row = c.execute(
            "SELECT articles, first_date, last_date, first_ref FROM adoption_pairs"
            " WHERE term_key = ? AND region_key = ?",
            (term, region),
        ).fetchone()
        if row is None or row[0] <= articles or ref == row[3] or first == row[1] or last == row[2]:
            redo.append((term, region))
            continue
        c.execute(
            "UPDATE adoption_pairs SET relations = relations - ?, articles = articles - ?,"
            " confidence_sum = confidence_sum - ? WHERE term_key = ? AND region_key = ?",
            (n, articles, conf, term, region),
        )
    return redo


def recompute(c: Connection, d: Dialect, pairs: list[tuple[str, str]]) -> None:
    """Compute ``(term_key, region_key)`` pairs again from their relations (or drop them)."""
    where = "r.object = (SELECT id FROM entities WHERE key = ?) AND r.subject = (SELECT id FROM entities WHERE key = ?)"
    for term, region in pairs:
        c.execute("DELETE FROM adoption_pairs WHERE term_key = ? AND region_key = ?", (term, region))
        c.execute(f"INSERT INTO adoption_pairs ({COLUMNS}) {pair_rows(d, where)}", (term, region))


def rebuild(c: Connection, d: Dialect) -> None:
    """Compute every pair again from the relations (an older store, or after a repair)."""
    c.execute("DELETE FROM adoption_pairs")
    c.execute(f"INSERT INTO adoption_pairs ({COLUMNS}) {pair_rows(d, 'true')}")


def stale(c: Connection, d: Dialect, limit: int = 10) -> list[str]:
    """Pairs that differ from their relations' aggregate (at most ``limit``), for ``zxkg check``."""
    kept = f"SELECT {COLUMNS} FROM adoption_pairs"
    fresh = f"SELECT * FROM ({pair_rows(d, 'true')}) f"
    sql = f"""
        SELECT term_key, region_key FROM ({kept} EXCEPT {fresh}) a
        UNION SELECT term_key, region_key FROM ({fresh} EXCEPT {kept}) b
        LIMIT ?
    """
    return [f"{term} × {region}" for term, region in c.execute(sql, (limit,))]
