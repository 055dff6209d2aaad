"""Schema 6 → 7, the same on both engines: the columns it adds to tables that exist, and
their values, computed once from what the store already holds.

- ``aliases`` keep their comparison form (``lexicon.fold``), so a term is found by an alias
  written in any width or with quotes through an index, not by scanning every entity;
- schema 7 also gave ``adoption_pairs`` the citation of their first evidence; schema 8
  lays that table out anew and computes it again (``upgrade_pairs``), so no step here.
"""

from __future__ import annotations

from ..lexicon import fold
from .connection import Connection

# Text columns, '' until filled: (table, column).
COLUMNS = (("aliases", "form"),)


def fill(c: Connection) -> None:
    """Give the added columns their values (inside the caller's transaction)."""
    fill_alias_forms(c)


def fill_alias_forms(c: Connection) -> None:
    """Every alias's comparison form (a few thousand rows: folded here, not in SQL)."""
    aliases = [row[0] for row in c.execute("SELECT DISTINCT alias FROM aliases WHERE form = ''").fetchall()]
    c.executemany("UPDATE aliases SET form = ? WHERE alias = ?", [(fold(a), a) for a in aliases])
