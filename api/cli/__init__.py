"""The ``zxkg`` command line.

Every command takes ``--data DIR`` (or ``ZXKG_DATA``; default ``./zxkg-data``). Errors of
zxkg become ``Error: <message>`` on stderr and the error's exit code, never a traceback.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import json
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click

from zxkg.ingest.errors import ZxkgError, choices
from zxkg.ingest.store import Store, data_dir_from
from zxkg.ingest.store.records import RelationRow
from zxkg.search.engine import DEFAULT_ENGINE, ENGINES, check_engine

F = TypeVar("F", bound=Callable[..., Any])

data_option = click.option(
    "--data",
    "data",
    envvar="ZXKG_DATA",
    default=None,
    metavar="DIR",
    help="Data directory (default ./zxkg-data; env ZXKG_DATA).",
)

engine_option = click.option(
    "--engine",
    default=DEFAULT_ENGINE,
    envvar="ZXKG_SEARCH_ENGINE",
    show_default=True,
    help=f"Search engine ({', '.join(ENGINES)}; env ZXKG_SEARCH_ENGINE).",
)


def handle_errors(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ZxkgError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except BrokenPipeError:
            sys.exit(0)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="zxkg")
def main() -> None:
    """zxkg: a knowledge graph and full-text search over Chinese committee (政协) news."""


@main.command()
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
    engine: str,
) -> None:
    """Ingest files, directories (recursively) or - (stdin) into the store.

    Reads .txt/.md (optional `key: value` header ended by ---), .html/.htm and
    .json/.jsonl in UTF-8 or GBK/GB18030. A file that cannot be read is reported and
    skipped; the same text twice is stored once. Every saved article is added to the
    search index of --engine.
    """
    from zxkg.api.cli.search import indexing
    from zxkg.ingest.pipeline import build_context, default_workers
    from zxkg.ingest.pipeline import ingest as run_ingest

    check_engine(engine)
    mapping: dict[str, str] = {}
    for spec in fields:
        key, sep, name = spec.partition("=")
        valid = ("title", "text", "date", "url", "source", "author")
        if not sep or key not in valid:
            raise choices("--field key", key, valid)
        mapping[key] = name
    bar = _progress(quiet)
    with Store.open(data_dir_from(data)) as store:
        # the lock first: a second ingest stops here, before it reads the lexicon or opens
        # the search index's writer
        store.acquire()
        ctx = build_context(store)
        with indexing(store, ctx, engine) as index_article:
            summary = run_ingest(
                list(paths),
                store,
                ctx,
                mapping,
                progress=bar.update if bar else None,
                after_save=index_article,
                workers=workers if workers is not None else default_workers(list(paths)),
            )
    if bar:
        bar.close()
    c = summary.counts()
    replaced = f" (replacing {c['replaced']} whose file changed)" if c["replaced"] else ""
    click.echo(
        f"read {c['read']}, ingested {c['ingested']}{replaced}, unchanged {c['unchanged']}, "
        f"duplicates {c['duplicates']}, failed {c['failed']} → {data_dir_from(data)}"
    )
    if not quiet:
        for origin, first in summary.duplicates:
            click.echo(f"  duplicate: {origin} (same text as {first})")
        for failure in summary.failures:
            click.echo(f"  failed: {failure.origin}: {failure.reason}", err=True)
    if strict and summary.failures:
        sys.exit(1)


class _Bar:
    def __init__(self) -> None:
        from tqdm import tqdm

        self._bar = tqdm(unit=" files", desc="ingest", leave=False, file=sys.stderr)

    def update(self, _origin: str) -> None:
        self._bar.update(1)

    def close(self) -> None:
        self._bar.close()


def _progress(quiet: bool) -> _Bar | None:
    return _Bar() if not quiet and sys.stderr.isatty() else None


RELATION_FORMATS = ("jsonl", "csv")


@main.command()
@data_option
@click.option("--format", "fmt", default="jsonl", help="jsonl (default) or csv.")
@click.option("--predicate", "predicates", multiple=True, help="Only these predicates (repeatable).")
@handle_errors
def relations(data: str | None, fmt: str, predicates: tuple[str, ...]) -> None:
    """Every relation with its evidence, one a line (the format ../eval/score.py reads)."""
    if fmt not in RELATION_FORMATS:
        raise choices("format", fmt, RELATION_FORMATS)
    with Store.open(data_dir_from(data), readonly=True) as store:
        rows = (relation_record(r) for r in store.relations() if not predicates or r.predicate in predicates)
        out = sys.stdout
        if fmt == "jsonl":
            for rec in rows:
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        else:
            _write_csv(out, rows)


def relation_record(r: RelationRow) -> dict[str, Any]:
    """The public shape of a relation (see DESIGN.md, "Contracts")."""

    def end(kind: str, name: str, code: str | None, attrs_json: str | None) -> dict[str, Any]:
        rec: dict[str, Any] = {"type": kind, "name": name}
        if code:
            rec["code"] = code
        attrs = json.loads(attrs_json or "{}")
        rec.update({k: v for k, v in attrs.items() if k not in rec})
        return rec

    return {
        "file": r.file or "",
        "article": r.article_id,
        "date": r.date or "",
        "subject": end(r.s_kind, r.s_name, r.s_code, r.s_attrs),
        "predicate": r.predicate,
        "object": end(r.o_kind, r.o_name, r.o_code, r.o_attrs),
        "evidence": {
            "quote": r.evidence,
            "start": r.start,
            "end": r.end,
            "span": {"text": r.span, "start": r.span_start, "end": r.span_end},
        },
        "rule": r.rule,
        "confidence": round(float(r.confidence), 3),
    }


CSV_COLUMNS = (
    "file article date subject_type subject predicate object_type object evidence start end span rule confidence"
).split()


def _write_csv(out: Any, rows: Iterator[dict[str, Any]]) -> None:
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for rec in rows:
        ev = rec["evidence"]
        writer.writerow(
            [
                rec["file"], rec["article"], rec["date"], rec["subject"]["type"], rec["subject"]["name"],
                rec["predicate"], rec["object"]["type"], rec["object"]["name"], ev["quote"], ev["start"], ev["end"],
                ev["span"]["text"], rec["rule"], rec["confidence"],
            ]
        )  # fmt: skip


@main.command()
@data_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def stats(data: str | None, as_json: bool) -> None:
    """Counts of articles, entities, relations and failures in the store."""
    with Store.open(data_dir_from(data), readonly=True) as store:
        info = store.stats()
        recent = store.failures(limit=10)
    if as_json:
        record = dataclasses.asdict(info)
        record["last_run"] = info.last_run._asdict() if info.last_run else None
        record["recent_failures"] = [f._asdict() for f in recent]
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    click.echo(f"data:      {info.data_dir} ({info.size_bytes / 1e6:.1f} MB)")
    click.echo(f"articles:  {info.articles} (from {info.files} files)")
    click.echo("entities:  " + (", ".join(f"{k} {v}" for k, v in info.entities.items()) or "none"))
    click.echo("relations: " + (", ".join(f"{k} {v}" for k, v in info.relations.items()) or "none"))
    click.echo(f"failures:  {info.failures}")
    for f in recent:
        click.echo(f"  {f.origin}: {f.reason}")
    run = info.last_run
    if run:
        click.echo(
            f"last run:  #{run.id} {run.status} {run.started_at}: read {run.read}, "
            f"ingested {run.ingested}, unchanged {run.unchanged}, duplicates {run.duplicates}, "
            f"failed {run.failed}"
        )


@main.command()
@data_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@engine_option
@click.option("--cors", "cors", multiple=True, metavar="ORIGIN", help="Allow cross-origin reads from ORIGIN.")
@handle_errors
def serve(data: str | None, host: str, port: int, engine: str, cors: tuple[str, ...]) -> None:
    """Serve the read-only HTTP API and the web page."""
    import uvicorn

    from zxkg.api.web.app import Settings, create_app

    data_dir = data_dir_from(data)
    check_engine(engine)
    Store.open(data_dir, readonly=True).close()  # a clear error now, not on the first request
    app = create_app(Settings(data_dir=data_dir, engine=engine, cors_origins=cors))
    click.echo(f"zxkg: serving {data_dir} on http://{host}:{port}/ (API docs at /docs); Ctrl-C stops")
    uvicorn.run(app, host=host, port=port, log_level="warning")


# Commands that live in their own modules register themselves on the group when imported.
from zxkg.api.cli import check, graph, lexicon, search  # noqa: E402, F401

if __name__ == "__main__":
    main()
