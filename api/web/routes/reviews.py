"""``/reviews``: read the reviews; accept, reject, reset and add relations when served for review.

Why a token: a server started with ``zxkg serve --review`` writes to the store, and any
page the reviewer's browser opens could send it requests. It binds 127.0.0.1 and prints a
one-time token; every write carries it in the ``X-ZXKG-Token`` header. Visiting the
printed URL keeps it in a cookie of this site only (SameSite=Strict) from which the page
reads it into that header: a cookie alone is never enough, and a page of another site can
neither read the cookie nor send the header (the API allows cross-origin GETs only), so a
forged request is refused (double submit). Without ``--review`` every write is refused
(403): the API stays read-only.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Query
from pydantic import BaseModel, Field

from zxkg.graph.names import Names
from zxkg.ingest.store import Store

from ..deps import ResourcesDep, StoreDep
from ..schemas import ErrorResponse
from ..validated import ValidatedRoute

router = APIRouter(tags=["reviews"], route_class=ValidatedRoute)
COOKIE = "zxkg_review"
HEADER = "X-ZXKG-Token"


def token_matches(expected: str, given: str) -> bool:
    return bool(expected) and hmac.compare_digest(expected.encode(), given.encode())


def writer(res: ResourcesDep, token: Annotated[str, Header(alias=HEADER)] = "") -> Iterator[Store]:
    """The store opened for writing, for a request that carries the server's review token."""
    expected = res.settings.review_token
    if not expected:
        raise HTTPException(403, "this server is read-only: start it with `zxkg serve --review` to review")
    if not token_matches(expected, token):
        raise HTTPException(401, f"a review needs the token `zxkg serve --review` printed (header {HEADER})")
    store = Store.open(res.location)
    try:
        store.acquire()
        try:
            yield store
        finally:
            store.release()
    finally:
        store.close()


WriterDep = Annotated[Store, Depends(writer)]
# what a write answers without the token, or on a read-only server: stated in the schema
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "The review token is missing or wrong"},
    403: {"model": ErrorResponse, "description": "The server is read-only (started without reviewing)"},
}


class ReviewIn(BaseModel):
    """Which relations (one by id, or a region's to a term, in one article or all) and the verdict."""

    relation: int | None = None
    region: str = Field("", max_length=50)
    term: str = Field("", max_length=200)
    article: str = Field("", max_length=64)
    status: Literal["accepted", "rejected"] = "rejected"
    note: str = Field("", max_length=2000)
    reviewer: str = Field("", max_length=100)


class AddIn(BaseModel):
    """A relation the extractor missed: the region adopts the term, as the quote of the article says."""

    region: str = Field(max_length=50)
    term: str = Field(max_length=200)
    article: str = Field(max_length=64)
    quote: str = Field(max_length=2000)
    kind: str = Field("mechanism", max_length=20)
    note: str = Field("", max_length=2000)
    reviewer: str = Field("", max_length=100)


@router.get("/reviews/mode")
def mode(res: ResourcesDep) -> dict[str, bool]:
    """Whether this server takes reviews (``zxkg serve --review``): the page shows its controls then."""
    return {"review": bool(res.settings.review_token)}


@router.get("/reviews")
def list_reviews(
    store: StoreDep, status: Annotated[Literal["accepted", "rejected", "added", ""], Query()] = ""
) -> dict[str, Any]:
    """The reviews, newest first; ``orphaned`` when their relation is no longer produced."""
    rows = store.reviews(status)
    return {"total": len(rows), "items": [{**r._asdict(), "orphaned": r.orphaned} for r in rows]}


@router.post("/reviews", responses=WRITE_RESPONSES)
def review(store: WriterDep, res: ResourcesDep, body: ReviewIn) -> dict[str, int]:
    """Accept or reject relations (needs the review token)."""
    from zxkg.graph.reviews import targets

    names = Names(store, res.gazetteer)
    found = targets(names, body.relation, body.region, body.term, body.article)
    return {"reviewed": store.review(found, body.status, body.note, body.reviewer)}


@router.delete("/reviews", responses=WRITE_RESPONSES)
def reset(
    store: WriterDep,
    res: ResourcesDep,
    relation: int | None = None,
    region: Annotated[str, Query(max_length=50)] = "",
    term: Annotated[str, Query(max_length=200)] = "",
    article: Annotated[str, Query(max_length=64)] = "",
) -> dict[str, int]:
    """Take reviews back (needs the review token); an added relation goes."""
    from zxkg.graph.reviews import targets

    names = Names(store, res.gazetteer)
    return {"reset": store.reset_reviews(targets(names, relation, region, term, article))}


@router.post("/reviews/added", responses=WRITE_RESPONSES)
def add(store: WriterDep, res: ResourcesDep, body: AddIn) -> dict[str, Any]:
    """Add a relation the extractor missed (needs the review token); the quote must be in the text."""
    from zxkg.graph.reviews import add as add_relation

    names = Names(store, res.gazetteer)
    row = add_relation(names, body.region, body.term, body.article, body.quote, body.kind, body.note, body.reviewer)
    return {**row._asdict(), "orphaned": row.orphaned}
