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
- ``checks``: consistency checks and repairs for ``zxkg check``.
"""

from __future__ import annotations

from .adoptions import ADOPTION_COLUMNS, Adoptions
from .checks import Checks
from .filters import RelationQuery
from .graph_reads import GraphReads
from .listings import Listings
from .reads import ATTRS_WITH_ALIASES, Reads
from .schema import DEFERRED_INDEXES, SCHEMA, SCHEMA_VERSION, TABLES
from .session import data_dir_from, now
from .writes import UNNAMED_ORIGINS, Known, Writes

__all__ = [
    "ADOPTION_COLUMNS",
    "ATTRS_WITH_ALIASES",
    "DEFERRED_INDEXES",
    "SCHEMA",
    "SCHEMA_VERSION",
    "TABLES",
    "UNNAMED_ORIGINS",
    "Known",
    "RelationQuery",
    "Store",
    "data_dir_from",
    "now",
]


class Store(Writes, Reads, Listings, Adoptions, GraphReads, Checks):
    """A zxkg data directory: ``zxkg.db`` (and, for search, ``index/``).

    Open it with ``Store.open(data_dir)`` to write or ``Store.open(data_dir, readonly=True)``
    to read; each module of this package adds the methods of one idea.
    """
