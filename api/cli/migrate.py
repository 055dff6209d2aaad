"""``zxkg migrate``: bring a store to this zxkg's schema, in place."""

from __future__ import annotations

import click

from .options import data_dir, data_option, handle_errors


@click.command()
@data_option
@handle_errors
def migrate(data: str | None) -> None:
    """Bring the store to this zxkg's schema, in place (a store of an older zxkg).

    Any command that writes upgrades a store too; readers ask for this first. The store is
    rewritten in one transaction (nothing is lost if it stops), then vacuumed.
    """
    from zxkg.ingest.errors import NotFound
    from zxkg.ingest.store import SCHEMA_VERSION, Store
    from zxkg.ingest.store.migrate import vacuum
    from zxkg.ingest.store.sqlite import stored_version

    target = data_dir(data)
    path = target / "zxkg.db"
    if not path.exists():
        raise NotFound(f"no zxkg store in {target} (run `zxkg ingest` first)")
    before = stored_version(path)
    if before == SCHEMA_VERSION:
        click.echo(f"{target}: already at schema {SCHEMA_VERSION}")
        return
    size = _size(target)
    with Store.open(target) as store:  # a writer's open rewrites the tables
        store.acquire()
        vacuum(store.conn)  # type: ignore[arg-type]  # a SQLite store here
    click.echo(f"{target}: schema {before} → {SCHEMA_VERSION}, {size / 1e6:.1f} → {_size(target) / 1e6:.1f} MB")


def _size(target: object) -> int:
    from pathlib import Path

    return sum(f.stat().st_size for f in Path(str(target)).glob("zxkg.db*") if f.is_file())
