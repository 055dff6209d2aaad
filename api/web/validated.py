"""Routes whose answers are checked against their response model in the route's own thread.

FastAPI runs a plain (``def``) route in its thread pool, then checks the returned value
against the route's ``response_model`` in the pool again, a second trip through it. Under
load (20 clients, two server processes) each trip cost about as much as a small route's
own work (docs/design-notes.md, "The API's requests"). A ``ValidatedRoute`` checks and
serialises the answer where the route ran, with the same model and the same options
FastAPI would use, and hands FastAPI a finished response, which it passes on as it is.
The OpenAPI document still states the model: it is the route's ``response_model``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import Response
from fastapi.routing import APIRoute
from pydantic import TypeAdapter

JSON = "application/json"
# what a route may ask of FastAPI's serialising that ``answering`` does not do
FASTAPI_ONLY = ("include", "exclude", "exclude_unset", "exclude_defaults", "exclude_none")


class ValidatedRoute(APIRoute):
    """An ``APIRoute`` whose plain route function answers a checked, serialised response.

    Routes that are coroutines already check on the event loop, and routes that leave
    FastAPI's defaults (a model dumped without aliases, fields left out) keep FastAPI's way.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        model = kwargs.get("response_model")
        if (
            isinstance(model, type)
            and not inspect.iscoroutinefunction(endpoint)
            and kwargs.get("response_model_by_alias", True) is True
            and not any(kwargs.get(f"response_model_{option}") for option in FASTAPI_ONLY)
        ):
            endpoint = answering(endpoint, model)
        super().__init__(path, endpoint, **kwargs)


def answering(endpoint: Callable[..., Any], model: type[Any]) -> Callable[..., Any]:
    """``endpoint`` returning its answer checked against ``model`` and serialised as FastAPI
    would (by alias); a ``Response`` it returns itself passes as it is.

    The wrapper states the route's parameters with their annotations already evaluated in
    the route's module, so FastAPI reads the same parameters from it as from the route.
    """
    adapter: TypeAdapter[Any] = TypeAdapter(model)

    @functools.wraps(endpoint)
    def answer(*args: Any, **kwargs: Any) -> Any:
        body = endpoint(*args, **kwargs)
        if isinstance(body, Response):
            return body
        return Response(adapter.dump_json(adapter.validate_python(body), by_alias=True), media_type=JSON)

    answer.__signature__ = inspect.signature(endpoint, eval_str=True)  # type: ignore[attr-defined]
    return answer
