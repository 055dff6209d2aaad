"""Every error leaves the API as one JSON shape, through the handlers installed here::

{"error": {"status": 404, "code": "not_found", "message": "…", "closest": ["…"]}}
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from zxkg.ingest.errors import NotFound, StoreNotReady, ZxkgError

ERROR_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 422: "invalid", 503: "busy"}


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


NOT_READY = StoreNotReady("the store is being created or replaced; try again in a moment")


def not_ready(exc: Exception) -> bool:
    """Whether a database error says the tables are not there (yet): a first ingest has
    created the file but not its schema, or the file was replaced under the server."""
    if type(exc).__name__ == "UndefinedTable":  # psycopg's, without importing psycopg here
        return True
    text = str(exc)
    return type(exc).__name__ == "OperationalError" and ("no such table" in text or "no such column" in text)


def zxkg_response(exc: ZxkgError) -> JSONResponse:
    closest = exc.closest if isinstance(exc, NotFound) else ()
    response = error_response(exc.status, str(exc), closest)
    if exc.status == 503:  # it passes: say when to ask again
        response.headers["Retry-After"] = str(getattr(exc, "retry_after", 2))
    return response


def allowed_methods(request: Request, given: str) -> str:
    """Every method some route of the request's path answers (``given`` when no route has
    the path, as for the static files): Starlette's 405 names only the first route's, where
    a path such as ``/reviews`` has one route per method."""
    path = request.scope.get("path", "")
    methods: set[str] = set()
    routes = list(request.app.router.routes)
    while routes:
        route = routes.pop()
        included = getattr(route, "original_router", None)  # an included router's own routes
        if included is not None:
            routes.extend(included.routes)
            continue
        regex, own = getattr(route, "path_regex", None), getattr(route, "methods", None)
        if regex is not None and own and regex.match(path):
            methods |= set(own)
    return ", ".join(sorted(methods)) if methods else given


def install(app: FastAPI) -> None:
    """Map zxkg's errors, invalid requests, HTTP errors and anything unexpected to the one shape."""

    @app.exception_handler(ZxkgError)
    async def zxkg_error(_: Request, exc: ZxkgError) -> JSONResponse:
        return zxkg_response(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors():
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "path"))
            parts.append(f"{where}: {err.get('msg', 'invalid')}")
        return error_response(422, "; ".join(parts) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = error_response(exc.status_code, str(exc.detail))
        response.headers.update(exc.headers or {})
        if exc.status_code == 405:
            response.headers["Allow"] = allowed_methods(request, response.headers.get("Allow", "GET"))
        return response

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        if not_ready(exc):
            return zxkg_response(NOT_READY)
        return error_response(500, f"internal error: {type(exc).__name__}")
