"""``zxkg serve``: the read-only HTTP API and the web page."""

from __future__ import annotations

import click

from .options import data_dir, data_option, engine_option, handle_errors


@click.command()
@data_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@engine_option
@click.option("--cors", "cors", multiple=True, metavar="ORIGIN", help="Allow cross-origin reads from ORIGIN.")
@handle_errors
def serve(data: str | None, host: str, port: int, engine: str, cors: tuple[str, ...]) -> None:
    """Serve the read-only HTTP API and the web page."""
    import uvicorn

    from zxkg.ingest.store import Store
    from zxkg.search.engine import check_engine

    from ..web import Settings, create_app

    target = data_dir(data)
    check_engine(engine)
    Store.open(target, readonly=True).close()  # a clear error now, not on the first request
    app = create_app(Settings(data_dir=target, engine=engine, cors_origins=cors))
    click.echo(f"zxkg: serving {target} on http://{host}:{port}/ (API docs at /docs); Ctrl-C stops")
    uvicorn.run(app, host=host, port=port, log_level="warning")
