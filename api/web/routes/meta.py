"""``/healthz`` and ``/stats``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ... import serialize
from ..deps import ResourcesDep, StoreDep
from ..schemas import Health, Stats
from ..validated import ValidatedRoute

router = APIRouter(tags=["meta"], route_class=ValidatedRoute)


@router.get("/healthz", response_model=Health)
def healthz(store: StoreDep, res: ResourcesDep) -> Health:
    """Liveness: the store opens and answers; whether a search index exists."""
    index = res.search_index(store).exists()
    return Health(status="ok", articles=store.count("articles"), index=index)


@router.get("/stats", response_model=Stats)
def stats(store: StoreDep) -> dict[str, Any]:
    """What the store holds (the counts of ``zxkg stats``; no server paths)."""
    return serialize.stats(store.stats())
