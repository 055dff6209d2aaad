"""``zxkg serve``: the read-only HTTP API and the web page (``--review``: and review writes)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click

from .options import data_option, engine_option, handle_errors, location


@click.command()
@data_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@engine_option
@click.option("--cors", "cors", multiple=True, metavar="ORIGIN", help="Allow cross-origin reads from ORIGIN.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Server processes answering requests (default: one per core).",
)
@click.option(
    "--review",
    is_flag=True,
    help="Take reviews from the page: binds 127.0.0.1 and prints a one-time token every write needs.",
)
@handle_errors
def serve(
    data: str | None,
    host: str,
    port: int,
    engine: str | None,
    cors: tuple[str, ...],
    workers: int | None,
    review: bool,
) -> None:
    """Serve the read-only HTTP API and the web page.

    Every worker process opens the store read-only on its own, so they answer in parallel;
    the settings reach them through the environment (ZXKG_STORE, ZXKG_SEARCH_ENGINE,
    ZXKG_CORS, ZXKG_REVIEW_TOKEN).

    With ``--review`` the server writes reviews to the store: it listens on 127.0.0.1 only,
    and every write needs the token it prints (as Jupyter does), fresh at every start.
    """
    import uvicorn

    from zxkg.ingest.store import Store, is_postgres
    from zxkg.search.engine import check_engine

    target = location(data)
    if not is_postgres(target):
        target = str(Path(target).resolve())
    if engine is not None:
        check_engine(engine)
    with Store.open(target, readonly=True) as store:  # a clear error now, not on the first request
        shown = store.location
    processes = workers or os.cpu_count() or 1
    token = secrets.token_urlsafe(24) if review else ""
    if review:
        host = "127.0.0.1"  # reviews write: never reachable from another machine
    os.environ.update(
        ZXKG_STORE=target, ZXKG_SEARCH_ENGINE=engine or "", ZXKG_CORS=" ".join(cors), ZXKG_REVIEW_TOKEN=token
    )
    if review:
        click.echo(f"zxkg: reviews are on; open http://{host}:{port}/?token={token} (every write needs the token)")
    click.echo(
        f"zxkg: serving {shown} on http://{host}:{port}/ (API docs at /docs) with {processes} "
        f"worker{'s' if processes != 1 else ''}; Ctrl-C stops"
    )
    uvicorn.run(
        "zxkg.api.web.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=processes,
        log_level="warning",
    )
