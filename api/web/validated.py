"""Routes whose answers are checked against their response model in the route's own thread.

FastAPI runs a plain (``def``) route in its thread pool, then checks the returned value
against the route's ``response_model`` in the pool again, a second trip through it. Under
load (20 clients, two server processes) each trip cost about as much as a small route's
own work (docs/design-notes.md, "The API's requests"). A ``ValidatedRoute`` checks and
serialises the answer where the route ran, with the same model and the same options
FastAPI would use, and hands FastAPI a finished response, which it passes on as it is.
The OpenAPI document still states the model: it is the route's ``response_model``. A
test holds the answers' bytes and the OpenAPI document equal to plain routes'.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import TypeAdapter

JSON = "application/json"
# what a route may ask of FastAPI's answering that ``answering`` does not do
FASTAPI_ONLY = (
    "response_model_include",
    "response_model_exclude",
    "response_model_exclude_unset",
    "response_model_exclude_defaults",
    "response_model_exclude_none",
    "status_code",
)


class ValidatedRoute(APIRoute):
    """An ``APIRoute`` whose plain route function answers a checked, serialised response.

    Kept FastAPI's way: coroutines (they check on the event loop already), generators,
    routes that take the ``Response`` to set headers on, and routes that ask for what
    ``answering`` does not do (a status code, a response class, a model dumped without
    aliases or with fields left out).
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        model = kwargs.get("response_model")
        if (
            isinstance(model, type)
            and not getattr(endpoint, "answers_validated", False)  # (a router included again)
            and not inspect.iscoroutinefunction(endpoint)
            and not inspect.isgeneratorfunction(endpoint)
            and kwargs.get("response_model_by_alias", True) is True
            and not any(kwargs.get(option) for option in FASTAPI_ONLY)
            and _default_class(kwargs.get("response_class"))
            and not _takes_response(signature := inspect.signature(endpoint, eval_str=True))
        ):
            endpoint = answering(endpoint, model, signature)
        super().__init__(path, endpoint, **kwargs)


def _default_class(response_class: Any) -> bool:
    """Whether a route leaves its response class to FastAPI (``Default(JSONResponse)``)."""
    return response_class is None or getattr(response_class, "value", None) is JSONResponse


def _takes_response(signature: inspect.Signature) -> bool:
    return any(
        isinstance(p.annotation, type) and issubclass(p.annotation, Response) for p in signature.parameters.values()
    )


def answering(endpoint: Callable[..., Any], model: type[Any], signature: inspect.Signature) -> Callable[..., Any]:
    """``endpoint`` returning its answer checked against ``model`` and serialised as FastAPI
    would (from attributes too, by alias); a ``Response`` it returns itself passes as it is.

    The wrapper states the route's parameters (``signature``, its annotations evaluated in
    the route's module), so FastAPI reads the same parameters from it as from the route.
    """
    adapter: TypeAdapter[Any] = TypeAdapter(model)

    @functools.wraps(endpoint)
    def answer(*args: Any, **kwargs: Any) -> Any:
        body = endpoint(*args, **kwargs)
        if isinstance(body, Response):
            return body
        checked = adapter.validate_python(body, from_attributes=True)
        return Response(adapter.dump_json(checked, by_alias=True), media_type=JSON)

    answer.__signature__ = signature  # type: ignore[attr-defined]
    answer.answers_validated = True  # type: ignore[attr-defined]
    return answer
