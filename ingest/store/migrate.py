"""Bringing a store up to this schema, and keeping its views and indexes in place.

The writer calls ``upgrade`` whenever it opens a store: a new file gets the schema, an
up-to-date one gets whatever index a stopped bulk load left out, and a store of schema
1–4 is rewritten into schema 5 in one transaction (``_from_v4``): the same articles,
entities, mentions, relations, aliases, files, runs and failures, with integer keys, the
evidence as offsets and the text as found deflated (``originals``). sqlite-utils does the
table work: it reads what the file holds, renames and drops the old tables, (re)creates
the views, and vacuums the file after an explicit ``zxkg migrate``.

Schema 6 adds the ``reviews`` table (``reviews``): a store of schema 5 gains it empty, and
its adoption pairs stay as they are, since no relation of it was rejected yet.

Schema 7 adds columns to pairs and aliases (``upgrade_v7``), filled from what the store holds.

Schema 8 keeps a pair's citation as one text (``pairs.CITATION``): the adoption pairs, a
table derived from the relations, are dropped, created anew and computed again.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..errors import ZxkgError
from . import dates, originals, pairs, upgrade_v7
from .dialect import SQLITE
from .schema import SCHEMA, SCHEMA_VERSION, SEED_SQL, TABLES_SQL, views

if TYPE_CHECKING:
    import sqlite_utils

# The tables of schema 4 that schema 5 lays out anew (runs and failures keep theirs).
V4_TABLES = ("articles", "article_files", "entities", "mentions", "relations", "aliases", "adoption_pairs")


def version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def upgrade(conn: sqlite3.Connection) -> bool:
    """Bring the store to ``SCHEMA_VERSION``; True when an older layout was rewritten."""
    found = version(conn)
    if found > SCHEMA_VERSION:
        raise ZxkgError(f"store schema {found} is newer than this zxkg understands ({SCHEMA_VERSION})")
    import sqlite_utils  # here, not above: it loads pandas, half a second a reader never needs

    db = sqlite_utils.Database(conn)
    rewritten = found < SCHEMA_VERSION and "subject_key" in db["relations"].columns_dict
    if rewritten:
        _from_v4(conn, db)
    older_pairs = bool(found) and found < 8 and not rewritten
    if found and not rewritten:
        _to_v7(conn, db)  # before the schema script, whose indexes name the new columns
    if older_pairs and "citation" not in db["adoption_pairs"].columns_dict:
        # laid out anew by the schema script (schema 8); a stopped upgrade may have dropped it
        conn.execute("DROP TABLE IF EXISTS adoption_pairs")
    conn.executescript(SCHEMA)  # schema 5 → 6: the reviews table and its indexes, nothing else
    if older_pairs:  # computed again, though a stopped upgrade has created the table already
        with _transaction(conn):
            pairs.rebuild(conn, SQLITE)
    for name, sql in views(SQLITE).items():
        if name not in db.view_names() or found < SCHEMA_VERSION:
            db.create_view(name, sql.strip(), replace=True)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return rewritten


def _to_v7(conn: sqlite3.Connection, db: sqlite_utils.Database) -> None:
    """Schema 6 → 7 (``upgrade_v7``): the columns and their values land together, or neither."""
    missing = [(t, c) for t, c in upgrade_v7.COLUMNS if t in db.table_names() and c not in db.table(t).columns_dict]
    if not missing:
        return
    with _transaction(conn):
        for table, column in missing:
            db.table(table).add_column(column, str, not_null_default="")
        upgrade_v7.fill(conn)


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction of an upgrade: all of its steps land, or none."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def vacuum(conn: sqlite3.Connection) -> None:
    """Give the pages a rewrite freed back to the file system."""
    import sqlite_utils

    sqlite_utils.Database(conn).vacuum()


def statements(script: str) -> list[str]:
    """The statements of ``script``, to run one by one inside a transaction.

    Why not ``executescript``: it commits whatever transaction is open first.
    """
    out: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            out.append(pending.strip())
            pending = ""
    if pending.strip():
        out.append(pending.strip())
    return out


def _thousandths(value: float | None) -> int:
    return round((value or 0.0) * 1000)


def _from_v4(conn: sqlite3.Connection, db: sqlite_utils.Database) -> None:
    """Rewrite the tables of a schema-4 store (or older: the same tables) into schema 5."""
    conn.create_function("zxkg_unhex", 1, lambda h: bytes.fromhex(h) if h else b"", deterministic=True)
    conn.create_function("zxkg_deflate", 2, lambda o, t: originals.deflate(o or "", t), deterministic=True)
    conn.create_function("zxkg_thousandths", 1, _thousandths, deterministic=True)
    conn.create_function("zxkg_day", 1, dates.day, deterministic=True)
    conn.execute("PRAGMA foreign_keys = OFF")  # the old tables point at each other until they go
    try:
        with _transaction(conn):
            for index in [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql")]:
                conn.execute(f"DROP INDEX {index}")
            for view in db.view_names():
                db[view].drop()
            for table in V4_TABLES:
                if table in db.table_names():
                    db.rename_table(table, f"v4_{table}")
            for statement in statements(TABLES_SQL + SEED_SQL + _COPY):
                conn.execute(statement)
            for table in V4_TABLES:
                if f"v4_{table}" in db.table_names():
                    db[f"v4_{table}"].drop()
            upgrade_v7.fill_alias_forms(conn)
            pairs.rebuild(conn, SQLITE)
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


# Schema 4 held keys as text and evidence as text; these copy each table over.
_COPY = """
INSERT INTO articles (key, id, content_hash, file, origin, url, title, source, author, date, text, original,
                      encoding, ingested_at, run_id)
    SELECT rowid, id, zxkg_unhex(content_hash), file, origin, url, title, source, author, date, text,
           zxkg_deflate(original, text), encoding, ingested_at, run_id
    FROM v4_articles ORDER BY rowid;
INSERT INTO article_files (article, origin, file, seen_at)
    SELECT a.key, f.origin, f.file, f.seen_at FROM v4_article_files f JOIN articles a ON a.id = f.article_id;
INSERT INTO entities (key, kind, name, code, level, parent, province, attrs)
    SELECT key, kind, name, code, level, parent, province, attrs FROM v4_entities ORDER BY rowid;
INSERT OR IGNORE INTO rules (name)
    SELECT rule FROM v4_mentions UNION SELECT rule FROM v4_relations ORDER BY 1;
INSERT INTO mentions (id, article, entity, span_start, span_end, rule, confidence)
    SELECT m.id, a.key, e.id, m.start, m.end, u.id, zxkg_thousandths(m.confidence)
    FROM v4_mentions m JOIN articles a ON a.id = m.article_id JOIN entities e ON e.key = m.entity_key
    JOIN rules u ON u.name = m.rule ORDER BY m.id;
INSERT INTO relations (id, article, subject, predicate, object, date, sentence_start, sentence_end, span_start,
                       span_end, rule, confidence)
    SELECT r.id, a.key, s.id, p.id, o.id, zxkg_day(r.date), r.start, r.end, r.span_start, r.span_end, u.id,
           zxkg_thousandths(r.confidence)
    FROM v4_relations r LEFT JOIN articles a ON a.id = r.article_id
    JOIN entities s ON s.key = r.subject_key JOIN entities o ON o.key = r.object_key
    JOIN predicates p ON p.name = r.predicate JOIN rules u ON u.name = r.rule ORDER BY r.id;
INSERT INTO aliases (alias, entity, provenance, article, seen_at)
    SELECT x.alias, e.id, x.provenance, a.key, x.seen_at
    FROM v4_aliases x JOIN entities e ON e.key = x.entity_key LEFT JOIN articles a ON a.id = x.article_id;
"""
