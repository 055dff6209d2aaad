"""Re-extraction: every stored article extracted again, with a result that depends on the
stored articles and the lexicon only, not on the order they came in.

An ingest learns as it reads: a term is unknown to the articles before the one that first
quotes it, and takes the first kind seen. So two ingests of the same files in another
order, by other workers or by several ingesters at once, store slightly different
extractions. Here the lexicon is frozen: a first pass notes the kind every quote gives
each term, ``Lexicon.settle_kinds`` counts them, and a second pass extracts every article
with the same terms and kinds. Both passes may run in worker processes; the notes are
counts and the second pass learns nothing, so their order does not matter.

Each article's mentions and relations are replaced in one transaction, so an interrupted
re-extraction leaves every article either as it was or as it is now.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from .lexicon import Lexicon
from .lifetime import watch_parent
from .link import Context, extract
from .models import Article, EntityKind, Extraction
from .pipeline import BATCH, batches, build_context, in_order, settle_gc, worker_pool
from .segment import quiet_jieba
from .store import Store

# A term's settled kind and whether a head word decided it, by canonical name.
Kinds = dict[str, tuple[EntityKind, bool]]


def reextract(
    store: Store, ctx: Context | None = None, progress: Callable[[str], None] | None = None, workers: int = 1
) -> int:
    """Extract every stored article again with today's rules and lexicon; returns how many."""
    ctx = ctx or build_context(store)
    store.acquire()
    try:
        articles = list(store.articles())
        kinds = _settled_kinds(articles, ctx, store.location_for_workers, workers)
        n = 0
        for ex in _extractions(articles, ctx, store.location_for_workers, workers, kinds):
            store.replace(ex)
            n += 1
            if progress is not None:
                progress(ex.article.origin)
        store.prune_entities()
    finally:
        store.release()
    return n


def _settled_kinds(articles: list[Article], ctx: Context, location: str, workers: int) -> Kinds:
    ctx.lexicon.frozen = True
    try:
        if workers > 1:
            with worker_pool(workers, _init, (location, os.getpid(), None)) as pool:
                for _, observed in in_order(pool, _observe, batches(articles, BATCH), workers):
                    ctx.lexicon.observed.extend(observed)
        else:
            for article in articles:
                extract(article, ctx)  # the frozen lexicon notes the kind each quote gives
        ctx.lexicon.settle_kinds()
        return {name: (t.kind, t.strong) for name, t in ctx.lexicon.terms.items()}
    finally:
        ctx.lexicon.frozen = False


def _extractions(
    articles: list[Article], ctx: Context, location: str, workers: int, kinds: Kinds
) -> Iterator[Extraction]:
    if workers > 1:
        with worker_pool(workers, _init, (location, os.getpid(), kinds)) as pool:
            for _, extracted in in_order(pool, _extract_all, batches(articles, BATCH), workers):
                yield from extracted
        return
    ctx.lexicon.frozen = True
    try:
        for article in articles:
            yield extract(article, ctx)
    finally:
        ctx.lexicon.frozen = False


# -- worker processes ---------------------------------------------------------------------


class _Settler:
    """The frozen context a worker process builds once, in its initializer."""

    ctx: Context | None = None


def _init(location: str, writer_pid: int, kinds: Kinds | None) -> None:
    watch_parent(writer_pid)
    quiet_jieba()
    with Store.open(location, readonly=True) as store:
        ctx = build_context(store)
    _apply(ctx.lexicon, kinds or {})
    ctx.lexicon.frozen = True
    _Settler.ctx = ctx
    settle_gc()


def _apply(lexicon: Lexicon, kinds: Kinds) -> None:
    for name, (kind, strong) in kinds.items():
        term = lexicon.terms.get(name)
        if term is not None:
            term.kind, term.strong = kind, strong


def _observe(batch: list[Article]) -> list[tuple[str, EntityKind, bool]]:
    ctx = _Settler.ctx
    assert ctx is not None, "worker used before its initializer ran"
    for article in batch:
        extract(article, ctx)
    observed = list(ctx.lexicon.observed)
    ctx.lexicon.observed.clear()
    return observed


def _extract_all(batch: list[Article]) -> list[Extraction]:
    ctx = _Settler.ctx
    assert ctx is not None, "worker used before its initializer ran"
    return [extract(article, ctx) for article in batch]
