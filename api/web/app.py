"""The HTTP API and the web page: ``create_app(settings)``.

Read-only by construction: every request opens the store with a read-only SQLite
connection (``mode=ro``) and the search index for reading; only the command line writes.
Errors of every kind leave through one handler as one JSON shape::

    {"error": {"status": 404, "code": "not_found", "message": "…", "closest": ["…"]}}
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from zxkg.ingest.errors import NotFound, ZxkgError
from zxkg.ingest.store import Store
from zxkg.search.engine import DEFAULT_ENGINE, check_engine

ERROR_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 422: "invalid", 503: "busy"}


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the data is and what the API allows."""

    data_dir: Path = field(default_factory=lambda: Path(os.environ.get("ZXKG_DATA") or "zxkg-data"))
    engine: str = field(default_factory=lambda: os.environ.get("ZXKG_SEARCH_ENGINE") or DEFAULT_ENGINE)
    cors_origins: tuple[str, ...] = ()
    max_export_relations: int = 2_000_000


class Resources:
    """What requests share, built once when the app starts: settings, divisions, segmenter."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        from zxkg.ingest.pipeline import build_context, settle_gc

        store = Store.open(settings.data_dir, readonly=True) if (settings.data_dir / "zxkg.db").exists() else None
        try:
            ctx = build_context(store)  # the same divisions, lexicon and segmenter as ingest
        finally:
            if store is not None:
                store.close()
        self.gazetteer = ctx.gazetteer
        self.segmenter = ctx.segmenter
        settle_gc()


def get_resources(request: Request) -> Resources:
    res: Resources = request.app.state.resources
    return res


def get_store(res: Annotated[Resources, Depends(get_resources)]) -> Iterator[Store]:
    """A read-only store for one request."""
    store = Store.open(res.settings.data_dir, readonly=True)
    try:
        yield store
    finally:
        store.close()


ResourcesDep = Annotated[Resources, Depends(get_resources)]
StoreDep = Annotated[Store, Depends(get_store)]


def error_response(status: int, message: str, closest: tuple[str, ...] = ()) -> JSONResponse:
    body = {
        "error": {
            "status": status,
            "code": ERROR_CODES.get(status, "error"),
            "message": message,
            "closest": list(closest),
        }
    }
    return JSONResponse(body, status_code=status)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app over one data directory (read-only)."""
    settings = settings or Settings()
    check_engine(settings.engine)  # a clear error now, not on the first search
    app = FastAPI(
        title="zxkg",
        summary="Knowledge graph and full-text search over Chinese committee (政协) news",
        version="0.1.0",
        responses={400: {"model": _error_model()}, 404: {"model": _error_model()}, 422: {"model": _error_model()}},
    )
    app.state.resources = Resources(settings)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET"])

    @app.exception_handler(ZxkgError)
    async def zxkg_error(_: Request, exc: ZxkgError) -> JSONResponse:
        closest = exc.closest if isinstance(exc, NotFound) else ()
        return error_response(exc.status, str(exc), closest)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors():
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "path"))
            parts.append(f"{where}: {err.get('msg', 'invalid')}")
        return error_response(422, "; ".join(parts) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        return error_response(500, f"internal error: {type(exc).__name__}")

    from .routes import entities as routes_entities
    from .routes import graph as routes_graph
    from .routes import meta as routes_meta
    from .routes import search as routes_search

    for module in (routes_meta, routes_search, routes_entities, routes_graph):
        app.include_router(module.router)

    static_dir = Path(str(resources.files("zxkg.api") / "static"))
    app.mount("/static", StaticFiles(directory=static_dir), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(static_dir / "index.html", media_type="text/html")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        return RedirectResponse("/static/style.css", status_code=307)

    return app


def _error_model() -> type:
    from .schemas import ErrorResponse

    return ErrorResponse
