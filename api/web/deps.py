"""What a request depends on: the settings, what requests share, and a read-only store.

Declared once as ``Annotated`` types (``ResourcesDep``, ``StoreDep``) that routers take
as parameters; routers never import the app.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from zxkg.ingest.store import Store
from zxkg.search.engine import DEFAULT_ENGINE


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
