"""``zxkg migrate``: bring a store to this zxkg's schema in place, or copy it to PostgreSQL."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .options import data_dir, data_option, handle_errors, location


@click.command()
@data_option
@click.option(
    "--to",
    "to",
    default=None,
    metavar="URL",
    help="Copy the data directory's store into this PostgreSQL database (postgresql://…) instead.",
)
@handle_errors
def migrate(data: str | None, to: str | None) -> None:
    """Bring the store to this zxkg's schema, in place (a store of an older zxkg: a data
    directory, or a PostgreSQL database with --store), or copy a data directory's store to
    a PostgreSQL server with --to.

    Any command that writes upgrades a store too; readers ask for this first. The store is
    rewritten in one transaction (nothing is lost if it stops), then a data directory's is
    vacuumed. A copy with
    --to is streamed table by table and resumable: run the same command again after an
    interruption. It ends with the counts of both stores, the copy's search index and its
    check.
    """
    from zxkg.ingest.errors import NotFound, UsageError
    from zxkg.ingest.store import SCHEMA_VERSION, Store, is_postgres
    from zxkg.ingest.store.migrate import vacuum
    from zxkg.ingest.store.sqlite import stored_version

    where = location(data)
    if is_postgres(where):
        if to is not None:
            raise UsageError("--to copies a data directory's store; --store names a PostgreSQL one already")
        _upgrade_postgres(where)
        return
    target = data_dir(data)
    path = target / "zxkg.db"
    if not path.exists():
        raise NotFound(f"no zxkg store in {target} (run `zxkg ingest` first)")
    before = stored_version(path)
    if to is not None:
        if not is_postgres(to):
            raise UsageError(f"--to takes a postgresql:// URL, not {to!r}")
        if before != SCHEMA_VERSION:
            raise UsageError(f"{target} has schema {before}; run `zxkg migrate --data {target}` first")
        _copy(target.resolve(), to)
        return
    if before == SCHEMA_VERSION:
        click.echo(f"{target}: already at schema {SCHEMA_VERSION}")
        return
    size = _size(target)
    with Store.open(target) as store:  # a writer's open rewrites the tables
        store.acquire()
        vacuum(store.conn)  # type: ignore[arg-type]  # a SQLite store here
    click.echo(f"{target}: schema {before} → {SCHEMA_VERSION}, {size / 1e6:.1f} → {_size(target) / 1e6:.1f} MB")


def _upgrade_postgres(url: str) -> None:
    """Bring a PostgreSQL store to this schema: a writer's open does it, in one transaction."""
    from zxkg.ingest.errors import NotFound
    from zxkg.ingest.store import SCHEMA_VERSION, Store
    from zxkg.ingest.store.postgres import PostgresSession, shown

    before = PostgresSession.schema_at(url)
    if not before:
        raise NotFound(f"no zxkg store in {shown(url)} (run `zxkg ingest --store {shown(url)}` first)")
    if before == SCHEMA_VERSION:
        click.echo(f"{shown(url)}: already at schema {SCHEMA_VERSION}")
        return
    with Store.open(url):
        pass
    click.echo(f"{shown(url)}: schema {before} → {SCHEMA_VERSION}")


def _copy(source_dir: Path, url: str) -> None:
    """Copy, count, index and check: what ``--to`` does."""
    from zxkg.ingest.pipeline import build_context, workers_for_articles
    from zxkg.ingest.store import PostgresStore, SQLiteStore
    from zxkg.ingest.store.copy import copy_store
    from zxkg.search.consistency import inspect
    from zxkg.search.index import SearchIndex

    def progress(table: str, rows: int) -> None:
        click.echo(f"\r  {table}: {rows} rows", nl=False, err=True)

    with SQLiteStore.connect(source_dir, readonly=True) as source, PostgresStore.connect(url) as copy:
        source.acquire()  # no ingest changes the source while it is copied
        counts = copy_store(source, copy, progress if sys.stderr.isatty() else None)
        click.echo("\r", nl=False, err=True)
        for c in counts:
            click.echo(f"  {c.table:15} {c.source:>10} rows → {c.target:>10}")
        ctx = build_context(copy)
        index = SearchIndex.of(copy, ctx.segmenter, ctx.gazetteer)
        articles = next(c.target for c in counts if c.table == "articles")
        held = index.count() if index.exists() else 0
        if held * 2 > articles:  # a copy resumed when its index was mostly built: the rest added
            report = index.sync(copy)
            added, total = report.added, report.total
        else:  # built whole: its GIN index once over every document, not batch by batch
            added = total = index.reindex(copy, workers_for_articles(articles))
        click.echo(f"  search index   {total:>10} articles (added {added})")
        findings = inspect(copy, index).findings(index.engine_name)
        where = copy.location
    problems = [f for f in findings if not f.ok]
    for f in problems:
        click.echo(f"  PROBLEM {f.name}: {f.message}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"copied {source_dir} → {where}; `zxkg check --store {where}` finds it consistent")


def _size(target: object) -> int:
    return sum(f.stat().st_size for f in Path(str(target)).glob("zxkg.db*") if f.is_file())
