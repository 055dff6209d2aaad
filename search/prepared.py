"""Ingest's step that builds the search index's documents where articles are extracted
(``pipeline.resolve_step`` names it), and what ``fill`` runs in its workers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zxkg.ingest.link import Context
from zxkg.ingest.models import Extraction

from .document import DocBuilder
from .engine import check_engine, preparer


def prepared_documents(engine: str, ctx: Context) -> Callable[[Extraction], Any]:
    """Ingest's step (``SearchIndex.step``): an Extraction as the engine's prepared document.

    Run in each worker process with its own context, so the writer only hands documents to
    the engine: building them was a fifth of the writer's time.
    """
    builder = DocBuilder(ctx.segmenter, ctx.gazetteer)
    prepare = preparer(check_engine(engine))

    def step(ex: Extraction) -> Any:
        return prepare(builder.build(ex))

    return step
