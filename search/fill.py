"""The documents of a whole index, built in worker processes (``zxkg reindex``, the index
of a store ``zxkg migrate --to`` copied).

Building a document is segmenting its article and laying out its terms (``DocBuilder``,
then the engine's ``prepare``): on one core that bounds a rebuild, as it bounded ingest's
writer until ingest's workers took it (``pipeline.resolve_step``). Each worker opens the
store itself and builds the documents of a batch of article ids with the context every
process of the store builds alike (``build_context``: the same learned words, so the same
cuts); the one writer only adds them, in id order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

from zxkg.ingest.lifetime import watch_parent
from zxkg.ingest.pipeline import batches, build_context, in_order, settle_gc, worker_pool
from zxkg.ingest.segment import quiet_jieba
from zxkg.ingest.store import Store

from .prepared import prepared_documents

BATCH = 32  # articles a task: a few hundred KB of documents to send back


def prepared_in_workers(location: str, engine: str, ids: list[str], workers: int) -> Iterator[Any]:
    """The engine's prepared documents of the articles ``ids`` at ``location``, in that order."""
    with worker_pool(workers, _init, (location, os.getpid(), engine)) as pool:
        for _, prepared in in_order(pool, _prepare, batches(ids, BATCH), workers):
            yield from prepared


class _Builder:
    """What a worker process opens once, in its initializer (process-local by design)."""

    store: Store | None = None
    step: Callable[[Any], Any] | None = None


def _init(location: str, parent_pid: int, engine: str) -> None:
    watch_parent(parent_pid)
    quiet_jieba()
    _Builder.store = Store.open(location, readonly=True)
    _Builder.step = prepared_documents(engine, build_context(_Builder.store))
    settle_gc()


def _prepare(ids: list[str]) -> list[Any]:
    store, step = _Builder.store, _Builder.step
    assert store is not None and step is not None, "worker used before its initializer ran"
    return [step(ex) for ex in store.extractions(ids)]
