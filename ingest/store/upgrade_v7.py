"""Schema 6 → 7, the same on both engines: the columns it adds to tables that exist, and
their values, computed once from what the store already holds.

- ``adoption_pairs`` keep the citation of their first evidence (url, source, origin), so a
  row of the adoption table reads no article;
- ``aliases`` keep their comparison form (``lexicon.fold``), so a term is found by an alias
  written in any width or with quotes through an index, not by scanning every entity.
"""

from __future__ import annotations

from ..lexicon import fold
from .connection import Connection

# Text columns, '' until filled: (table, column).
COLUMNS = (
    ("adoption_pairs", "url"),
    ("adoption_pairs", "source"),
    ("adoption_pairs", "origin"),
    ("aliases", "form"),
)

CITE_FROM_ARTICLES = """
    UPDATE adoption_pairs SET url = coalesce(a.url, ''), source = coalesce(a.source, ''),
                              origin = coalesce(a.origin, '')
    FROM articles a WHERE a.id = adoption_pairs.article_id
"""


def fill(c: Connection) -> None:
    """Give the added columns their values (inside the caller's transaction)."""
    c.execute(CITE_FROM_ARTICLES)
    fill_alias_forms(c)


def fill_alias_forms(c: Connection) -> None:
    """Every alias's comparison form (a few thousand rows: folded here, not in SQL)."""
    aliases = [row[0] for row in c.execute("SELECT DISTINCT alias FROM aliases WHERE form = ''").fetchall()]
    c.executemany("UPDATE aliases SET form = ? WHERE alias = ?", [(fold(a), a) for a in aliases])
