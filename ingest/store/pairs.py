"""The adoption pairs: one row per (term, region), the aggregate of its relations, kept by the writer.

Why a table kept up to date rather than a GROUP BY at query time: "who adopted X" is the
first question and every page asks it; grouping a common term's relations was too slow
at 100k articles (``docs/design-notes.md``, "Adoption questions read kept pairs").

A pair holds the aggregates ``Store.adoptions`` computes when it groups the relations
(a filtered question must), with the same sort key of the first relation (``FIRST_REF``)
and the same test of what counts as an adoption (``ADOPTED``); tests compare their
answers on the real corpus and after findings are replaced. Every change happens in the
transaction of the article that causes it:

- an article saved: its pairs are added in (counts summed, dates and the first relation
  compared), one statement;
- an article's findings replaced: its old contribution is taken out first; a pair whose
  first or last date or first relation came from the article is computed again from its
  relations, one that no article supports any more is deleted;
- a repair that deleted relations, or an older store: ``rebuild``.

``zxkg check`` compares the table with the relations (``stale``).
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS adoption_pairs (
    term_key TEXT NOT NULL,
    region_key TEXT NOT NULL,
    region TEXT NOT NULL,            -- the two entities' columns (an entity never changes
    code TEXT NOT NULL,              -- under its key), so an answer is read from here alone
    level TEXT NOT NULL,
    province TEXT NOT NULL,
    term TEXT NOT NULL,
    kind TEXT NOT NULL,
    relations INTEGER NOT NULL,      -- how many relations (for the average confidence)
    articles INTEGER NOT NULL,       -- how many articles state one
    first_date TEXT,                 -- NULL when none is dated
    last_date TEXT,
    confidence_sum REAL NOT NULL,
    first_ref TEXT NOT NULL,         -- the first relation's sort key (see FIRST_REF)
    predicate TEXT NOT NULL,         -- and what the first relation says, with its evidence
    evidence TEXT NOT NULL,
    article_id TEXT NOT NULL,
    file TEXT NOT NULL,
    title TEXT NOT NULL,
    PRIMARY KEY (term_key, region_key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_adoption_pairs_region ON adoption_pairs(region_key, term_key);
"""

# A region's relation to a term, said in an article, in terms the covering indexes of
# relations can seek on: only regions hold these predicates to terms (an article
# ``mentions``, a document ``implements``, a region is ``part_of`` another by the division
# table), and an entity's key starts with its kind.
ADOPTED = (
    "r.predicate IN ('adopts', 'runs', 'issues') AND r.article_id IS NOT NULL"
    " AND r.subject_key >= 'region:' AND r.subject_key < 'region;'"
)

# The sort key of a relation inside its group: dated before undated, earliest first, then
# first stored. Its last 12 characters are the relation's id.
FIRST_REF = "min(printf('%s#%012d', coalesce(NULLIF(r.date, ''), '~'), r.id))"

COLUMNS = (
    "term_key, region_key, region, code, level, province, term, kind, relations, articles, first_date, last_date,"
    " confidence_sum, first_ref, predicate, evidence, article_id, file, title"
)


def pair_rows(where: str) -> str:
    """SELECT of the pairs of the adoption relations that ``where`` keeps (over ``relations r``)."""
    return f"""
        SELECT g.term_key, g.region_key, s.name AS region, coalesce(s.code, '') AS code,
               coalesce(s.level, '') AS level, coalesce(s.province, '') AS province, o.name AS term, o.kind,
               g.relations, g.articles, g.first_date, g.last_date,
               g.confidence_sum, g.first_ref, e.predicate, e.evidence, e.article_id,
               coalesce(a.file, '') AS file, coalesce(a.title, '') AS title
        FROM (
            SELECT r.object_key AS term_key, r.subject_key AS region_key, count(*) AS relations,
                   count(DISTINCT r.article_id) AS articles,
                   min(NULLIF(r.date, '')) AS first_date, max(NULLIF(r.date, '')) AS last_date,
                   sum(r.confidence) AS confidence_sum, {FIRST_REF} AS first_ref
            FROM relations r
            WHERE {where} AND {ADOPTED}
            GROUP BY r.object_key, r.subject_key
        ) g
        JOIN relations e ON e.id = CAST(substr(g.first_ref, -12) AS INTEGER)
        JOIN entities s ON s.key = g.region_key
        JOIN entities o ON o.key = g.term_key
        LEFT JOIN articles a ON a.id = e.article_id
        WHERE true
    """


# An article is new to every pair it adds to (an article's relations are written once),
# so counts add up; the earlier first relation keeps its evidence.
_ADD = f"""
    INSERT INTO adoption_pairs ({COLUMNS}) {pair_rows("r.article_id = ?")}
    ON CONFLICT (term_key, region_key) DO UPDATE SET
        relations = relations + excluded.relations,
        articles = articles + excluded.articles,
        first_date = coalesce(min(first_date, excluded.first_date), first_date, excluded.first_date),
        last_date = coalesce(max(last_date, excluded.last_date), last_date, excluded.last_date),
        confidence_sum = confidence_sum + excluded.confidence_sum,
        first_ref = min(first_ref, excluded.first_ref),
        predicate = CASE WHEN excluded.first_ref < first_ref THEN excluded.predicate ELSE predicate END,
        evidence = CASE WHEN excluded.first_ref < first_ref THEN excluded.evidence ELSE evidence END,
        article_id = CASE WHEN excluded.first_ref < first_ref THEN excluded.article_id ELSE article_id END,
        file = CASE WHEN excluded.first_ref < first_ref THEN excluded.file ELSE file END,
        title = CASE WHEN excluded.first_ref < first_ref THEN excluded.title ELSE title END
"""


def add_article(c: sqlite3.Connection, article_id: str) -> None:
    """Add the article's adoption relations (written already) to their pairs."""
    c.execute(_ADD, (article_id,))


def remove_article(c: sqlite3.Connection, article_id: str) -> list[tuple[str, str]]:
    """Take the article's adoption relations (still in the table) out of their pairs.

    Returns the pairs this cannot settle by subtraction — one that loses its last article,
    or whose first date, last date or first relation came from this article — for
    ``recompute`` once the article's relations are deleted.
    """
    redo: list[tuple[str, str]] = []
    for term_key, region_key, *_, n, articles, first, last, conf, ref, _p, _e, _a, _f, _t in c.execute(
        pair_rows("r.article_id = ?"), (article_id,)
    ).fetchall():
        row = c.execute(
            "SELECT articles, first_date, last_date, first_ref FROM adoption_pairs"
            " WHERE term_key = ? AND region_key = ?",
            (term_key, region_key),
        ).fetchone()
        if row is None or row[0] <= articles or ref == row[3] or first == row[1] or last == row[2]:
            redo.append((term_key, region_key))
            continue
        c.execute(
            "UPDATE adoption_pairs SET relations = relations - ?, articles = articles - ?,"
            " confidence_sum = confidence_sum - ? WHERE term_key = ? AND region_key = ?",
            (n, articles, conf, term_key, region_key),
        )
    return redo


def recompute(c: sqlite3.Connection, pairs: list[tuple[str, str]]) -> None:
    """Compute ``(term_key, region_key)`` pairs again from their relations (or drop them)."""
    for term_key, region_key in pairs:
        c.execute("DELETE FROM adoption_pairs WHERE term_key = ? AND region_key = ?", (term_key, region_key))
        c.execute(
            f"INSERT INTO adoption_pairs ({COLUMNS}) {pair_rows('r.object_key = ? AND r.subject_key = ?')}",
            (term_key, region_key),
        )


def rebuild(c: sqlite3.Connection) -> None:
    """Compute every pair again from the relations (an older store, or after a repair)."""
    c.execute("DELETE FROM adoption_pairs")
    c.execute(f"INSERT INTO adoption_pairs ({COLUMNS}) {pair_rows('1')}")


def stale(c: sqlite3.Connection, limit: int = 10) -> list[str]:
    """Pairs that differ from their relations' aggregate (at most ``limit``), for ``zxkg check``."""
    rounded = COLUMNS.replace("confidence_sum", "round(confidence_sum, 6)")  # sums in another order
    kept = f"SELECT {rounded} FROM adoption_pairs"
    fresh = f"SELECT {rounded} FROM ({pair_rows('1')})"
    sql = f"""
        SELECT term_key, region_key FROM ({kept} EXCEPT {fresh})
        UNION SELECT term_key, region_key FROM ({fresh} EXCEPT {kept})
        LIMIT ?
    """
    return [f"{term} × {region}" for term, region in c.execute(sql, (limit,))]
