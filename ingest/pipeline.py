"""Ingest: read → parse → (skip what is known) → extract → store, each article whole or not at all.

The pipeline is the only writer. It takes the data directory's write lock, records a run,
and for every source either saves an Extraction or records a Failure; nothing a single
file does can stop the batch. Each article is a savepoint of its own, and articles commit
together at most a second apart. Because a commit holds whole articles only and known
texts are skipped by content hash, an interrupted ingest resumes by running the same
command again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import importlib
import multiprocessing
import os
import time
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

from .errors import AlreadyStored, StoreUnavailable, ZxkgError
from .gazetteer import Gazetteer
from .lexicon import Lexicon
from .lifetime import watch_parent
from .link import Context, extract
from .models import Article, Extraction, Failure, Source
from .parse import parse
from .segment import Segmenter, quiet_jieba
from .sources import discover, read_sources
from .store import Store


@dataclass(slots=True)
class Summary:
    read: int = 0
    ingested: int = 0
    unchanged: int = 0
    replaced: int = 0  # articles whose file now holds another text (they went)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (origin, file it duplicates)
    failures: list[Failure] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "read": self.read,
            "ingested": self.ingested,
            "unchanged": self.unchanged,
            "replaced": self.replaced,
            "duplicates": len(self.duplicates),
            "failed": len(self.failures),
        }


def build_context(store: Store | None = None, compact: bool = False) -> Context:
    """The gazetteer, the lexicon (the store's terms and the user's ``lexicon.txt``), and a
    Segmenter that keeps every official region name and every known term whole
    (``compact``: its dictionary in a twelfth of the memory, for a process that cuts little)."""
    gaz = Gazetteer.load()
    lexicon = Lexicon.build(store.corpus_terms(), store.lexicon_edits()) if store is not None else Lexicon()
    # Two-character names (和县, 沛县) are left to jieba's own judgement: as user words they
    # would be cut out of ordinary phrases (机关和县政协).
    words = sorted(n for n in gaz.full_names if len(n) > 2)
    segmenter = Segmenter(words=words, learned=lexicon.words(), compact=compact)
    return Context(gazetteer=gaz, segmenter=segmenter, lexicon=lexicon)


def writer_context(store: Store, workers: int) -> Context:
    """The context of an ingest's writer: with workers, it cuts only what it extracts again
    (a worker guessed another kind) and that article's title and source lines, so its
    dictionary need not be a fast one (``compact``)."""
    return build_context(store, compact=workers > 1)


def iter_sources(paths: list[str], fields: dict[str, str] | None = None) -> Iterator[Source | Failure]:
    for item in discover(paths):
        if isinstance(item, Failure):
            yield item
        else:
            yield from read_sources(item, fields)


def ingest(
    paths: list[str],
    store: Store,
    ctx: Context | None = None,
    fields: dict[str, str] | None = None,
    progress: Callable[[str], None] | None = None,
    after_save: Callable[[Any], None] | None = None,
    workers: int = 1,
    step: str | None = None,
    stage: Callable[[str], None] | None = None,
) -> Summary:
    """Ingest every article under ``paths`` into ``store``; see the module docstring.

    ``progress`` hears of each article read (its origin); ``stage`` of the work after the
    last one, which reads no file and may take a while (the store's indexes).

    ``after_save`` receives each Extraction once it is stored (the search index keeps up
    this way, with the tokens already cut); ingest itself knows nothing of what it does.
    With ``step`` it receives instead what that step made of the Extraction where it was
    extracted (``resolve_step``): the search index's documents are built in the workers,
    not in the writer. With ``workers`` > 1, parsing, segmenting and extraction run in
    that many worker processes (each with its own Segmenter) while this process stays
    the only writer.
    """
    ctx = ctx or writer_context(store, workers)
    settle_gc()
    summary = Summary()
    finish = resolve_step(step, ctx)
    store.acquire()
    try:
        run_id = store.start_run([str(Path(p)) if p != "-" else p for p in paths])
        sources = iter_sources(paths, fields)
        if workers > 1:
            outcomes = _parallel(sources, store.location_for_workers, workers, step)
        else:
            outcomes = ((item, _process(item, ctx, store, finish)) for item in sources)
        # with workers this process cuts little (``writer_context``): not worth rjieba's dictionary
        lean = ctx.segmenter.lean() if workers > 1 else contextlib.nullcontext()
        with lean, store.indexes_deferred():
            try:
                _land_all(store, ctx, run_id, summary, outcomes, progress, after_save, finish)
            finally:
                store.commit_batch()  # what landed stays landed, whatever stopped the loop
            if stage is not None:
                stage("store: building its indexes")  # those an ingest into an empty store left to the end
        if summary.replaced:
            if stage is not None:
                stage("store: dropping terms only the replaced texts named")
            store.prune_entities()
        store.refresh_statistics(summary.ingested)
        store.finish_run(run_id, summary.counts())
    finally:
        store.release()
    return summary


BATCH_ARTICLES = 128  # articles a commit (Store.begin_batch says why) …
BATCH_SECONDS = 1.0  # … or fewer when they come slowly, so that readers see them soon


def _land_all(
    store: Store,
    ctx: Context,
    run_id: int,
    summary: Summary,
    outcomes: Iterator[tuple[Source | Failure, Outcome]],
    progress: Callable[[str], None] | None,
    after_save: Callable[[Any], None] | None,
    finish: Step | None,
) -> None:
    landed, since = 0, 0.0
    heard = Heard(store.mention_mark())
    for n, (item, outcome) in enumerate(outcomes):
        if n % BATCH == BATCH - 1:  # other ingesters of the store, and this one's workers
            heard.catch_up(ctx, store)
        if not store.batch_open:
            store.begin_batch()
            landed, since = 0, time.monotonic()
        summary.read += 1
        if progress is not None:
            progress(item.origin)
        _land(store, ctx, run_id, summary, outcome, after_save, finish)
        landed += 1
        if landed >= BATCH_ARTICLES or time.monotonic() - since >= BATCH_SECONDS:
            store.commit_batch()


# A step run on every new Extraction where it is made, whose result ``after_save`` gets.
Step: TypeAlias = Callable[[Extraction], Any]


# bytes while every token is shorter than 256 characters (bytes unpickle in a fraction of
# the time an array takes), else an array
Lengths: TypeAlias = "bytes | array[int]"


@dataclass(frozen=True, slots=True)
class Cut:
    """How an article was cut where it was extracted, as token lengths: about a byte a
    token (as strings, the tokens were a fifth of what travels to the writer).

    ``words`` are the tokens extraction read; ``again`` those cut after the article taught
    a word (``_cut_with``), None when the same. The writer extracts an article again from
    them rather than cut it itself (``_land``).
    """

    words: Lengths
    again: Lengths | None

    @classmethod
    def of(cls, words: Sequence[str], tokens: Sequence[str]) -> Cut:
        return cls(_lengths(words), None if tokens is words else _lengths(tokens))

    def tokens(self, text: str) -> tuple[list[str], list[str] | None]:
        """``words`` and ``again`` as the pieces of ``text`` they measure."""
        return _pieces(text, self.words), None if self.again is None else _pieces(text, self.again)


def _lengths(tokens: Sequence[str]) -> Lengths:
    lengths = list(map(len, tokens))
    return bytes(lengths) if max(lengths, default=0) < 256 else array("I", lengths)


def _pieces(text: str, lengths: Lengths) -> list[str]:
    ends = list(accumulate(lengths))
    return [text[start:end] for start, end in zip([0, *ends], ends, strict=False)]


@dataclass(frozen=True, slots=True)
class Finished:
    """An Extraction with what the ingest's step made of it (``after_save`` gets that; the
    Extraction itself without a step) and how its text was cut."""

    extraction: Extraction
    made: Any
    cut: Cut


# an Article alone: its text is in the store already
Outcome: TypeAlias = Finished | Article | Failure


def resolve_step(spec: str | None, ctx: Context) -> Step | None:
    """The step named ``module:function:argument``: ``function(argument, ctx)`` in ``module``.

    A name rather than a function, because each worker process resolves it with its own
    context, and ingest imports nothing of the package that provides it.
    """
    if spec is None:
        return None
    module, function, argument = spec.split(":", 2)
    factory = getattr(importlib.import_module(module), function)
    step: Step = factory(argument, ctx)
    return step


@dataclass(slots=True)
class Heard:
    """How far a process has heard the terms stored by others (a mention id).

    Each process learns the terms quoted in the articles it extracts; the terms others
    learnt reach it through the store, between batches. Without this, every worker of an
    ingest, and every ingester of a shared store, would know only its own share of the
    terms: a name found unquoted by one would be missed by another, and a name one
    guessed a brand and another a mechanism would be stored twice. What is heard lags by
    the batches in flight; on PostgreSQL, mentions that commit out of id order are not
    heard this way (their terms are, at their next quote).
    """

    mark: int

    def catch_up(self, ctx: Context, store: Store) -> None:
        self.mark, terms = store.terms_since(self.mark)
        for form in ctx.lexicon.hear(terms):
            ctx.segmenter.add_word(form, learned=True)


def _process(item: Source | Failure, ctx: Context, store: Store | None, finish: Step | None = None) -> Outcome:
    """Parse and extract one source; no writes. Safe to run in a worker process."""
    if isinstance(item, Failure):
        return item
    try:
        article = parse(item)
        if store is not None and store.known(article.content_hash) is not None:
            return article
        return _extracted(article, ctx, finish)
    except StoreUnavailable:
        raise  # the store's, not the file's: the ingest stops and says so
    except ZxkgError as exc:
        return Failure(item.origin, str(exc))
    except (ValueError, RecursionError, MemoryError) as exc:
        return Failure(item.origin, f"{type(exc).__name__}: {exc}")


def _land(
    store: Store,
    ctx: Context,
    run_id: int,
    summary: Summary,
    outcome: Outcome,
    after_save: Callable[[Any], None] | None,
    finish: Step | None,
) -> None:
    """Write one outcome (the single writer's part), all of it or none."""
    if isinstance(outcome, Failure):
        _fail(store, run_id, summary, outcome)
        return
    article = outcome.extraction.article if isinstance(outcome, Finished) else outcome
    known = store.known(article.content_hash)
    if known is not None:
        added, gone = False, 0
        if known.origin != article.origin:
            added, gone = store.add_file(known.id, article.origin, article.file)
        summary.replaced += gone
        if not added:
            summary.unchanged += 1
        else:
            summary.duplicates.append((article.origin, known.file))
        return
    if isinstance(outcome, Article):  # known to a worker's snapshot, since removed: extract here
        outcome = _extracted(article, ctx, finish)
    elif not _kinds_agree(outcome.extraction, ctx.lexicon):
        # a worker guessed a kind this process had decided: extracted again, from its cut
        outcome = _extracted(article, ctx, finish, outcome.cut)
    ex = outcome.extraction
    try:
        summary.replaced += store.save(ex, run_id)
    except AlreadyStored:  # another ingester stored the same text first: as if it had been known
        summary.unchanged += 1
        return
    except StoreUnavailable:
        raise
    except ZxkgError as exc:
        _fail(store, run_id, summary, Failure(article.origin, str(exc)))
        return
    summary.ingested += 1
    for name in _taught(ex):  # keep this process's segmenter in step with what workers learnt
        ctx.segmenter.add_word(name, learned=True)
    if after_save is not None:
        after_save(outcome.made)


def _extracted(article: Article, ctx: Context, finish: Step | None, cut: Cut | None = None) -> Finished:
    """The article extracted (from ``cut`` if given), its tokens cut again if it taught a
    word, and the step's part."""
    words, again = cut.tokens(article.text) if cut is not None else (None, None)
    ex = extract(article, ctx, words)
    read = ex.tokens
    ex = _cut_with(ex, _taught(ex), ctx, again)
    if finish is None:
        return Finished(ex, ex, Cut.of(read, ex.tokens))
    made = finish(ex)
    # the step had the tokens; the writer needs none (a fifth of what travels to it)
    return Finished(dataclasses.replace(ex, tokens=()), made, Cut.of(read, ex.tokens))


def _kinds_agree(ex: Extraction, lexicon: Lexicon) -> bool:
    """Learn what ``ex`` quoted, in landing order, and say whether its terms have the
    kinds this lexicon now gives them.

    Workers learn in parallel, each its own share of the articles, so two of them may
    guess one name's kind differently before either hears of the other's. The writer sees
    every article in input order, as a single process would: its lexicon decides, and an
    article extracted with another kind is extracted again here (a name's first articles,
    mostly). In a single process the lexicon is the extractor's own, and they agree.
    """
    for m in ex.mentions:
        if m.rule.startswith("initiative.quoted") and m.entity.kind in ("mechanism", "brand"):
            lexicon.learn(m.entity.name, m.entity.kind, strong=m.rule.endswith(".head"))
    for a in ex.aliases:
        lexicon.add_alias(a.alias, a.entity.name, a.provenance)
    return all(
        m.entity.kind not in ("mechanism", "brand") or lexicon.kind_of(m.entity.name) in (None, m.entity.kind)
        for m in ex.mentions
    )


def _taught(ex: Extraction) -> set[str]:
    """The names an extraction learnt from quotes (the segmenter keeps them whole after)."""
    return {m.entity.name for m in ex.mentions if m.rule.startswith("initiative.quoted")}


def _cut_with(ex: Extraction, taught: set[str], ctx: Context, again: Sequence[str] | None = None) -> Extraction:
    """``ex`` with its tokens cut again if they were cut before the article taught a word.

    An article that first quotes a name is cut before extraction learns it, so its tokens
    split the name (双 考) while every later cut keeps it whole (双考): the search index
    would then hold the first article otherwise than a ``zxkg reindex`` does. ``again``:
    a cut made after learning (a worker's), used if it keeps every taught name whole.
    """
    if not ex.tokens or not taught or _keeps_whole(ex.tokens, taught, ex.article.text):
        return ex
    if again is not None and _keeps_whole(again, taught, ex.article.text):
        return dataclasses.replace(ex, tokens=tuple(again))
    return dataclasses.replace(ex, tokens=tuple(ctx.segmenter.cut(ex.article.text)))


def _keeps_whole(tokens: Sequence[str], names: set[str], text: str) -> bool:
    held = set(tokens)
    return all(name in held or name not in text for name in names)


# -- worker processes ---------------------------------------------------------------------

T = TypeVar("T")
R = TypeVar("R")
BATCH = 16  # sources per task: big enough to amortise pickling, small enough to keep order cheap


class _WorkerState:
    """What a worker process builds once, in its initializer (process-local by design)."""

    ctx: Context | None = None
    store: Store | None = None
    finish: Step | None = None
    heard: Heard | None = None


def _init_worker(location: str, writer_pid: int, step: str | None) -> None:
    watch_parent(writer_pid)
    quiet_jieba()
    store = Store.open(location, readonly=True) if Store.exists(location) else None
    _WorkerState.store = store
    # marked before the context reads the terms: what lands in between is heard twice, not never
    _WorkerState.heard = Heard(store.mention_mark()) if store is not None else None
    _WorkerState.ctx = build_context(store)
    _WorkerState.finish = resolve_step(step, _WorkerState.ctx)
    settle_gc()


def settle_gc() -> None:
    """Keep the cyclic collector off the context; call it once the context is built.

    The context (jieba's dictionary, the gazetteer) is millions of long-lived objects that
    every full collection would walk again; ``gc.freeze`` sets them aside, and a larger
    first-generation threshold spares the short-lived, acyclic objects of an article or
    an answer (``docs/design-notes.md``, "The collector").
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def _work(batch: list[Source | Failure]) -> list[Outcome]:
    ctx = _WorkerState.ctx
    assert ctx is not None, "worker used before its initializer ran"
    if _WorkerState.heard is not None and _WorkerState.store is not None:
        _WorkerState.heard.catch_up(ctx, _WorkerState.store)
    return [_process(item, ctx, _WorkerState.store, _WorkerState.finish) for item in batch]


def _parallel(
    sources: Iterator[Source | Failure], location: str, workers: int, step: str | None
) -> Iterator[tuple[Source | Failure, Outcome]]:
    """Outcomes in input order, extracted in ``workers`` worker processes."""
    with worker_pool(workers, _init_worker, (location, os.getpid(), step)) as pool:
        for done, outcomes in in_order(pool, _work, batches(sources, BATCH), workers):
            yield from zip(done, outcomes, strict=True)


def worker_pool(workers: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> ProcessPoolExecutor:
    """``workers`` processes, each set up by ``initializer(*initargs)`` once."""
    spawn = multiprocessing.get_context("spawn")  # no forked copies of the writer's connection or lock
    return ProcessPoolExecutor(workers, mp_context=spawn, initializer=initializer, initargs=initargs)


def in_order(
    pool: ProcessPoolExecutor, fn: Callable[[list[T]], R], parts: Iterable[list[T]], workers: int
) -> Iterator[tuple[list[T], R]]:
    """Each batch of ``parts`` with ``fn`` of it, in input order, with at most ``2 * workers``
    batches in flight (bounded memory)."""
    pending: deque[tuple[list[T], Future[R]]] = deque()
    for batch in parts:
        pending.append((batch, pool.submit(fn, batch)))
        if len(pending) >= 2 * workers:
            done, future = pending.popleft()
            yield done, future.result()
    while pending:
        done, future = pending.popleft()
        yield done, future.result()


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def all_cores() -> int:
    """The worker processes a batch worth their start-up gets: one per core, four at most."""
    return max(1, min(os.cpu_count() or 1, 4))


def workers_for_articles(articles: int) -> int:
    """The worker processes a pass over ``articles`` stored articles gets (re-extraction, a
    search index rebuilt, a store copied): every core when they are worth the start-up of
    worker processes, else one."""
    return all_cores() if articles >= 400 else 1


def default_workers(paths: list[str]) -> int:
    """Both cores for a batch worth the start-up of worker processes (a few MB), else one."""
    total = 0
    for item in discover(paths):
        if isinstance(item, Path):
            with contextlib.suppress(OSError):
                total += item.stat().st_size
        elif item == "-":
            return 1
        if total > 2_000_000:
            return all_cores()
    return 1


def _fail(store: Store, run_id: int, summary: Summary, failure: Failure) -> None:
    summary.failures.append(failure)
    store.record_failure(run_id, failure)
