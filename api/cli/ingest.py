"""``zxkg ingest``: files, directories or stdin into the store and the search index."""

from __future__ import annotations

import sys
import time

import click

from .options import data_option, engine_option, handle_errors, location
from .progress import Progress, duration

FIELD_KEYS = ("title", "text", "date", "url", "source", "author")


@click.command()
@click.argument("paths", nargs=-1, required=True)
@data_option
@click.option("--field", "fields", multiple=True, metavar="KEY=NAME", help="Map a JSON field, e.g. text=正文内容.")
@click.option("--strict", is_flag=True, help="Exit 1 if any file failed.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary line.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes for parsing and extraction (default: one per core for batches over 2 MB, else 1).",
)
@engine_option
@handle_errors
def ingest(
    paths: tuple[str, ...],
    data: str | None,
    fields: tuple[str, ...],
    strict: bool,
    quiet: bool,
    workers: int | None,
    engine: str | None,
) -> None:
    """Ingest files, directories (recursively) or - (stdin) into the store.

    Reads .txt/.md (optional `key: value` header ended by ---), .html/.htm and
    .json/.jsonl in UTF-8 or GBK/GB18030. A file that cannot be read is reported and
    skipped; the same text twice is stored once. Every saved article is added to the
    search index of --engine.
    """
    from zxkg.ingest.errors import choices
    from zxkg.ingest.pipeline import default_workers, writer_context
    from zxkg.ingest.pipeline import ingest as run_ingest
    from zxkg.ingest.store import Store
    from zxkg.search.engine import check_engine
    from zxkg.search.index import SearchIndex

    if engine is not None:
        check_engine(engine)
    mapping: dict[str, str] = {}
    for spec in fields:
        key, sep, name = spec.partition("=")
        if not sep or key not in FIELD_KEYS:
            raise choices("--field key", key, FIELD_KEYS)
        mapping[key] = name
    started = time.monotonic()
    bar = None if quiet else Progress(_count_files(list(paths)))
    target = location(data)
    with Store.open(target) as store:
        where = store.location  # without a password
        # the lock first: a second ingest stops here, before it reads the lexicon or opens
        # the search index's writer
        store.acquire()
        jobs = workers if workers is not None else default_workers(list(paths))
        ctx = writer_context(store, jobs)
        index = SearchIndex.of(store, ctx.segmenter, ctx.gazetteer, engine)
        with index.keeping_up(store) as indexer:
            summary = run_ingest(
                list(paths),
                store,
                ctx,
                mapping,
                progress=bar.tick if bar is not None else None,
                stage=bar.stage if bar is not None else None,
                after_save=indexer.add_prepared,
                workers=jobs,
                step=index.step,
            )
            if bar is not None:
                bar.stage("search index: writing and checking it against the store")
    if bar is not None:
        bar.close()
    if indexer.synced is not None and (indexer.synced.added or indexer.synced.removed):
        s = indexer.synced
        click.echo(f"search index: added {s.added} and removed {s.removed} articles to match the store", err=True)
    c = summary.counts()
    replaced = f" (replacing {c['replaced']} whose file changed)" if c["replaced"] else ""
    click.echo(
        f"read {c['read']}, ingested {c['ingested']}{replaced}, unchanged {c['unchanged']}, "
        f"duplicates {c['duplicates']}, failed {c['failed']} → {where} in {duration(time.monotonic() - started)}"
    )
    if not quiet:
        for origin, first in summary.duplicates:
            click.echo(f"  duplicate: {origin} (same text as {first})")
        for failure in summary.failures:
            click.echo(f"  failed: {failure.origin}: {failure.reason}", err=True)
    if strict and summary.failures:
        sys.exit(1)


def _count_files(paths: list[str]) -> int:
    """How many files the ingest will read (a walk of the directories, no file opened)."""
    from zxkg.ingest.sources import discover

    return sum(1 for _ in discover(paths))  # failures too: each is reported as a file is
