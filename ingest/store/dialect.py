"""The few places where SQLite's SQL and PostgreSQL's differ, as fragments the store's queries use.

The store runs the same queries on both backends (``docs/decisions/0008-postgresql-store.md``):
tables, columns, joins and aggregates are written once, in the SQL both understand, and each
difference is a fragment of ``Dialect``. Parameters are ``?`` everywhere; the PostgreSQL
connection turns them into its own (``postgres.Connection``). A list of values is bound as
one JSON array, read as rows by ``among``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

JOINED_BY = "\x1f"  # what ``Dialect.joined`` puts between texts: the unit separator, U+001F


@dataclass(frozen=True, slots=True)
class Dialect:
    name: Literal["sqlite", "postgresql"]
    begin_write: str  # the statement that opens a writing transaction
    insert_ignore: str  # INSERT that skips a row whose key is there already …
    on_conflict_ignore: str  # … and what ends it
    forced_join: str  # a join whose order the planner must keep (SQLite only takes the hint)
    # whether ORDER BY puts text in Python's order (code points): PostgreSQL's "C" collation
    # does, SQLite compares a UTF-16 store's text by its bytes (decision 0008)
    orders_text_as_python: bool

    def among(self, placeholder: str = "?") -> str:
        """The rows of the JSON array bound to ``placeholder``, one value each, as a subquery."""
        if self.name == "sqlite":
            return f"(SELECT value FROM json_each({placeholder}))"
        return f"(SELECT jsonb_array_elements_text({placeholder}::jsonb) AS value)"

    def any_of(self, column: str, placeholder: str = "?") -> str:
        """``column`` is one of the JSON array bound to ``placeholder`` (``IN among()``)."""
        return self.in_rows(column, self.among(placeholder))

    def in_rows(self, column: str, subquery: str) -> str:
        """``column`` is one of the rows of ``subquery`` (a parenthesised SELECT of one column).

        PostgreSQL gets ``= ANY(ARRAY(…))``: the array is computed once before the scan, so
        an index on ``column`` serves it, where ``IN (SELECT …)`` is planned as a join
        with a hundred guessed rows — a term's adopters at 30k articles were a sequential
        scan of every pair, 61 ms, and are an index scan, 10 ms."""
        if self.name == "sqlite":
            return f"{column} IN {subquery}"
        return f"{column} = ANY(ARRAY{subquery})"

    def grouped_with(self, *keys: str) -> str:
        """What a GROUP BY adds so PostgreSQL lets the joined tables' columns be selected:
        their primary ``keys`` (equal to columns already grouped; SQLite needs none, and
        reads its rows in index order only without them)."""
        return "" if self.name == "sqlite" else "".join(f", {k}" for k in keys)

    def real(self, value: str) -> str:
        """``value`` as a double, so that arithmetic on it rounds as SQLite's does (PostgreSQL
        would divide integers as exact NUMERICs, and round the last digit differently)."""
        return value if self.name == "sqlite" else f"CAST({value} AS DOUBLE PRECISION)"

    def least(self, a: str, b: str) -> str:
        return f"min({a}, {b})" if self.name == "sqlite" else f"LEAST({a}, {b})"

    def greatest(self, a: str, b: str) -> str:
        return f"max({a}, {b})" if self.name == "sqlite" else f"GREATEST({a}, {b})"

    def padded(self, value: str, width: int) -> str:
        """``value`` (an integer) as text, zero-padded to ``width`` digits."""
        if self.name == "sqlite":
            return f"printf('%0{width}d', {value})"
        return f"lpad(({value})::text, {width}, '0')"

    def int_of(self, text: str) -> str:
        return f"CAST({text} AS INTEGER)" if self.name == "sqlite" else f"CAST({text} AS BIGINT)"

    def last_chars(self, text: str, n: int) -> str:
        return f"substr({text}, -{n})" if self.name == "sqlite" else f"right({text}, {n})"

    @property
    def separator(self) -> str:
        """``JOINED_BY`` in SQL."""
        return "char(31)" if self.name == "sqlite" else "chr(31)"

    def separated(self, texts: Sequence[str]) -> str:
        """``texts`` (none of them NULL) as one text, each after the first behind ``JOINED_BY``."""
        return f" || {self.separator} || ".join(texts)

    def joined(self, texts: Sequence[str]) -> str:
        """``separated(texts)`` as the value a reader gets; ``Session.joined_texts`` splits it.

        SQLite hands it over as the bytes it stores (a blob, not converted): a SQLite store
        keeps text as UTF-16, and converting each text column to UTF-8 for the sqlite3
        module, which decodes it again, was most of reading a row of the adoption table
        (``pair_rows.pair_columns``). ``||`` joins texts without converting them."""
        together = self.separated(texts)
        return f"CAST({together} AS BLOB)" if self.name == "sqlite" else together

    def hex(self, blob: str) -> str:
        return f"hex({blob})" if self.name == "sqlite" else f"upper(encode({blob}, 'hex'))"

    def with_list(self, attrs: str, key: str, values: str) -> str:
        """The JSON object ``attrs`` with ``key`` set to the array of an aggregate's ``values``."""
        if self.name == "sqlite":
            return f"json_set(coalesce({attrs}, '{{}}'), '$.{key}', json_group_array({values}))"
        # ordered, or a row rewritten (an UPDATE) would list them in another order
        return f"jsonb_set(coalesce({attrs}, '{{}}')::jsonb, '{{{key}}}', jsonb_agg({values} ORDER BY {values}))::text"

    def object_keys(self, attrs: str, alias: str) -> str:
        """A FROM item of the keys of each JSON object ``attrs`` (column ``{alias}.key``)."""
        if self.name == "sqlite":
            return f"json_each({attrs}) {alias}"
        return f"LATERAL jsonb_object_keys({attrs}::jsonb) AS {alias}(key)"


SQLITE = Dialect(
    name="sqlite",
    begin_write="BEGIN IMMEDIATE",
    insert_ignore="INSERT OR IGNORE",
    on_conflict_ignore="",
    forced_join="CROSS JOIN",
    orders_text_as_python=False,
)

POSTGRES = Dialect(
    name="postgresql",
    begin_write="BEGIN",
    insert_ignore="INSERT",
    on_conflict_ignore="ON CONFLICT DO NOTHING",
    forced_join="JOIN",
    orders_text_as_python=True,
)
