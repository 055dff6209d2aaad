"""Full-text search over the articles of a data directory.

The interface is ``SearchIndex`` (``search.index``): ``indexer()`` / ``sync()`` /
``reindex()`` keep ``DIR/index/`` in step with the store, ``request()`` parses what a user
typed, ``search()`` and ``evidence()`` answer it with the records of ``search.models``.
Engines implement ``search.engine.Engine``: whoosh (``search.whoosh_engine``, the
default) and tantivy (``search.tantivy_engine``); no other module imports either. A
PostgreSQL store searches with its own tables (``search.postgres_engine``).
"""
