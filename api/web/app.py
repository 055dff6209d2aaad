"""The HTTP API and the web page: ``create_app(settings)``.

Read-only by construction: every request opens the store with a read-only SQLite
connection (``mode=ro``) and the search index for reading; only the command line writes,
and the review endpoints of a server started with ``zxkg serve --review``, each write
with its one-time token (``routes/reviews``).
Errors of every kind leave through one handler as one JSON shape (``errors``).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from zxkg.search.engine import check_engine

from . import errors
from .deps import Resources, Settings
from .routes import diffusion, entities, graph, meta, reviews, search
from .schemas import ErrorResponse


def create_app_from_env() -> FastAPI:
    """The app of ``zxkg serve``'s worker processes: settings from ZXKG_STORE, ZXKG_SEARCH_ENGINE
    and ZXKG_CORS (origins separated by spaces), as ``serve`` set them."""
    origins = tuple((os.environ.get("ZXKG_CORS") or "").split())
    return create_app(Settings(cors_origins=origins, review_token=os.environ.get("ZXKG_REVIEW_TOKEN", "")))


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app over one data directory (read-only)."""
    settings = settings or Settings()
    if settings.engine is not None:
        check_engine(settings.engine)  # a clear error now, not on the first search
    app = FastAPI(
        docs_url=None,  # served below from the installed Swagger UI, not from a CDN
        title="zxkg",
        summary="Knowledge graph and full-text search over Chinese committee (政协) news",
        version="0.1.0",
        responses={400: {"model": ErrorResponse}, 404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
    )
    app.state.resources = res = Resources(settings)
    app.router.on_shutdown.append(res.close)  # the pool of a PostgreSQL store's connections
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET"])
    errors.install(app)
    for module in (meta, search, entities, graph, diffusion, reviews):
        app.include_router(module.router)

    static_dir = Path(str(resources.files("zxkg.api") / "static"))
    app.mount("/static", StaticFiles(directory=static_dir), name="static")
    # /docs works without the internet, like the page: Swagger UI's files come from the
    # swagger-ui-bundle package, where FastAPI's default page fetches them from a CDN.
    app.mount("/docs/assets", StaticFiles(directory=swagger_ui_path), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="zxkg API",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="/docs/assets/favicon-32x32.png",
        )

    @app.get("/", include_in_schema=False, response_model=None)
    def index(token: str = "") -> FileResponse | RedirectResponse:
        """The page; ``/?token=…`` (the URL ``zxkg serve --review`` prints) keeps the token in a
        cookie of this site only (SameSite=Strict) and comes back without it in the address."""
        if token and settings.review_token:
            back = RedirectResponse("/", status_code=303)
            if reviews.token_matches(settings.review_token, token):
                back.set_cookie(reviews.COOKIE, token, samesite="strict", httponly=False, path="/")
            return back
        return FileResponse(static_dir / "index.html", media_type="text/html")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        """No icon: an empty answer, so browsers stop asking (not the stylesheet)."""
        return Response(status_code=204)

    return app
