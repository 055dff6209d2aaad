"""The store: the only code that runs SQL. ``Store`` is the one facade callers see.

One SQLite file (``zxkg.db``) in WAL mode, plain tables with clear names, foreign keys and
indexes, so it opens as it is in Datasette and sqlite-utils. One module per idea:

- ``schema``: the tables and indexes, and bringing an older store up to them;
- ``session``: opening, the single-writer lock, transactions and batches;
- ``writes``: runs, failures, saving an article whole, replacing its findings;
- ``reads``: relations, articles and entities read back as records;
- ``listings``: pages of regions and terms for the API;
- ``pairs`` and ``adoptions``: the adoption pairs the writer keeps, and the adoption reads;
- ``graph_reads``: edges, nodes and shared adoptions for graph/;
- ``checks``: consistency checks and repairs for ``zxkg check``;
- ``reviews``: a reviewer's judgements of single relations, and relations added by hand.
"""

from __future__ import annotations

from pathlib import Path

from .adoptions import ADOPTION_COLUMNS, Adoptions
from .checks import Checks
from .filters import RelationQuery
from .graph_reads import GraphReads
from .listings import Listings
from .postgres import PostgresSession
from .reads import Reads
from .reviews import Judgement, Reviews
from .schema import DEFERRED_INDEXES, SCHEMA, SCHEMA_VERSION, TABLES
from .session import data_dir_from, is_postgres, location_from, now
from .sqlite import SQLiteSession
from .writes import UNNAMED_ORIGINS, Known, Writes

__all__ = [
    "ADOPTION_COLUMNS",
    "DEFERRED_INDEXES",
    "SCHEMA",
    "SCHEMA_VERSION",
    "TABLES",
    "UNNAMED_ORIGINS",
    "Judgement",
    "Known",
    "RelationQuery",
    "Store",
    "data_dir_from",
    "is_postgres",
    "location_from",
    "now",
]


class Store(Writes, Reads, Listings, Adoptions, GraphReads, Checks, Reviews):
    """A zxkg store, on whichever backend: the one facade callers see.

    ``Store.open(location)`` to write or ``Store.open(location, readonly=True)`` to read,
    where the location is a data directory (SQLite, ``zxkg.db`` in it) or a
    ``postgresql://`` URL; each module of this package adds the methods of one idea, and
    the backend's session (``sqlite``, ``postgres``) what differs between them.
    """

    @classmethod
    def open(cls, location: str | Path, readonly: bool = False) -> Store:
        if is_postgres(location):
            return PostgresStore.connect(str(location), readonly)
        return SQLiteStore.connect(location, readonly)

    @staticmethod
    def exists(location: str | Path) -> bool:
        """Whether a store is there to read (a database server is asked when first read)."""
        return is_postgres(location) or (Path(location) / "zxkg.db").exists()


class SQLiteStore(Store, SQLiteSession):
    """The store in one SQLite file of a data directory."""


class PostgresStore(Store, PostgresSession):
    """The store in a PostgreSQL database."""
