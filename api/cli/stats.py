"""``zxkg stats``: what the store holds, the last run, recent failures."""

from __future__ import annotations

import click

from .options import data_option, handle_errors, json_option, location
from .output import echo_json


@click.command()
@data_option
@json_option
@handle_errors
def stats(data: str | None, as_json: bool) -> None:
    """Counts of articles, entities, relations and failures in the store."""
    from zxkg.ingest.store import Store

    from .. import serialize

    with Store.open(location(data), readonly=True) as store:
        info = store.stats()
        recent = store.failures(limit=10)
    if as_json:
        echo_json(serialize.stats(info, recent))
        return
    click.echo(f"data:      {info.location} ({info.size_bytes / 1e6:.1f} MB)")
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
