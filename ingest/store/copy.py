"""Copying a SQLite store into PostgreSQL (``zxkg migrate --to postgresql://…``).

Streamed: each table is read in key order, a chunk at a time, and written with COPY, so
memory holds one chunk whatever the store's size. Resumable: a chunk and the note of how
far the copy got (``zxkg_meta``, ``copied:<table>``) commit in one transaction, so a copy
that stops — killed, the server restarted — goes on from the last committed chunk when run
again, and never writes a row twice. Verified: at the end every table holds as many rows
as the source's, or the copy says which do not.

The integer keys are copied as they are (every reference stays valid), and the identity
sequences then start after the largest, so the next ingest's rows follow on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import ZxkgError
from .postgres import PostgresSession
from .sqlite import SQLiteSession

# In an order where every row's references are copied before it.
TABLE_ORDER = (
    "runs",
    "articles",
    "article_files",
    "entities",
    "rules",
    "aliases",
    "mentions",
    "relations",
    "failures",
    "adoption_pairs",
    "reviews",
)
# Rows a chunk: fewer of the articles, whose texts are long.
CHUNK_ROWS = {"articles": 500}
DEFAULT_CHUNK = 20_000
# The integer keys the database hands out (identity columns), by table.
IDENTITY = {
    "runs": "id",
    "articles": "key",
    "entities": "id",
    "rules": "id",
    "mentions": "id",
    "relations": "id",
    "failures": "id",
    "reviews": "id",
}
# Tables without a rowid: read in the order of their primary key.
KEYED = {"adoption_pairs": ("term_key", "region_key")}


@dataclass(frozen=True, slots=True)
class TableCopy:
    table: str
    source: int  # rows in the source
    target: int  # rows in the target once copied


def copy_store(
    source: SQLiteSession, target: PostgresSession, progress: Callable[[str, int], None] | None = None
) -> list[TableCopy]:
    """Copy every table of ``source`` into ``target`` (empty, or a copy of it that stopped);
    returns each table's counts, and raises when they differ."""
    _claim(source, target)
    for table in TABLE_ORDER:
        for copied in _copy_table(source, target, table):
            if progress is not None:
                progress(table, copied)
    _restart_identities(target)
    _copy_lexicon(source, target)
    counts = [TableCopy(t, source.count(t), target.count(t)) for t in (*TABLE_ORDER, "predicates")]
    wrong = [c for c in counts if c.source != c.target]
    if wrong:
        raise ZxkgError(
            "the copy differs from its source: "
            + ", ".join(f"{c.table} {c.target} of {c.source} rows" for c in wrong)
            + " (run the same command again to finish it)"
        )
    _set_meta(target, "copy:done", source.location)
    return counts


def _claim(source: SQLiteSession, target: PostgresSession) -> None:
    """The target is empty, or holds an unfinished copy of this very source."""
    began = _meta(target, "copy:source")
    if began is None:
        if target.count("articles") or target.count("relations"):
            raise ZxkgError(f"{target.location} already holds a store; copy into an empty database or schema")
        _set_meta(target, "copy:source", source.location)
    elif began != source.location:
        raise ZxkgError(f"{target.location} holds a copy of {began}, not of {source.location}")


def _copy_table(source: SQLiteSession, target: PostgresSession, table: str) -> Iterator[int]:
    """Copy ``table`` a chunk at a time from where the last run stopped; yields rows copied."""
    columns = [row[1] for row in source.conn.execute(f"PRAGMA table_info({table})")]
    keys = KEYED.get(table, ("rowid",))
    size = CHUNK_ROWS.get(table, DEFAULT_CHUNK)
    raw = target.conn.raw
    done = 0
    while True:
        last = _meta(target, f"copied:{table}")
        after = json.loads(last) if last is not None else None
        rows = _chunk(source, table, columns, keys, after, size)
        if not rows:
            return
        width = len(keys)
        with raw.transaction():
            with raw.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row[width:])
            _set_meta(target, f"copied:{table}", json.dumps(list(rows[-1][:width]), ensure_ascii=False))
        done += len(rows)
        yield done


def _chunk(
    source: SQLiteSession, table: str, columns: list[str], keys: tuple[str, ...], after: list[Any] | None, size: int
) -> list[tuple[Any, ...]]:
    """The next ``size`` rows of ``table`` after the key ``after``, each led by its key."""
    key = ", ".join(keys)
    where = ""
    params: list[Any] = []
    if after is not None:
        where = f"WHERE ({key}) > ({', '.join('?' for _ in keys)})"
        params = list(after)
    sql = f"SELECT {key}, {', '.join(columns)} FROM {table} {where} ORDER BY {key} LIMIT ?"
    rows: list[tuple[Any, ...]] = source.conn.execute(sql, (*params, size)).fetchall()
    return rows


def _restart_identities(target: PostgresSession) -> None:
    """Start each identity column after the largest key copied into it."""
    with target.transaction() as c:
        for table, column in IDENTITY.items():
            c.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
                f" coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)"
            )


def _copy_lexicon(source: SQLiteSession, target: PostgresSession) -> None:
    if _meta(target, "copied:lexicon") is not None:
        return
    with target.transaction():
        for line in source.lexicon_edits().splitlines():
            if line.strip():
                target.add_lexicon_edit(line)
        _set_meta(target, "copied:lexicon", "1")


def _meta(target: PostgresSession, name: str) -> str | None:
    row = target.conn.execute("SELECT value FROM zxkg_meta WHERE name = ?", (name,)).fetchone()
    return None if row is None else str(row[0])


def _set_meta(target: PostgresSession, name: str, value: str) -> None:
    target.conn.execute(
        "INSERT INTO zxkg_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        (name, value),
    )
