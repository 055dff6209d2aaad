"""Ingest: read → parse → (skip what is known) → extract → store, one article per transaction.

The pipeline is the only writer. It takes the data directory's write lock, records a run,
and for every source either saves an Extraction or records a Failure; nothing a single
file does can stop the batch. Because each article commits on its own and known texts are
skipped by content hash, an interrupted ingest resumes by running the same command again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ZxkgError
from .gazetteer import Gazetteer
from .lexicon import FILE_NAME as LEXICON_FILE
from .lexicon import Lexicon
from .link import Context, extract
from .models import Extraction, Failure, Source
from .parse import parse
from .segment import Segmenter
from .sources import discover, read_sources
from .store import Store


@dataclass(slots=True)
class Summary:
    read: int = 0
    ingested: int = 0
    unchanged: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (origin, file it duplicates)
    failures: list[Failure] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "read": self.read,
            "ingested": self.ingested,
            "unchanged": self.unchanged,
            "duplicates": len(self.duplicates),
            "failed": len(self.failures),
        }


def build_context(store: Store | None = None) -> Context:
    """The gazetteer, the lexicon (the store's terms and the user's ``lexicon.txt``), and a
    Segmenter that keeps every official region name and every known term whole."""
    gaz = Gazetteer.load()
    lexicon = Lexicon.build(store.corpus_terms(), store.data_dir / LEXICON_FILE) if store is not None else Lexicon()
    # Two-character names (和县, 沛县) are left to jieba's own judgement: as user words they
    # would be cut out of ordinary phrases (机关和县政协).
    words = sorted(n for n in gaz.full_names if len(n) > 2)
    return Context(gazetteer=gaz, segmenter=Segmenter(words=words, learned=lexicon.words()), lexicon=lexicon)


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
    after_save: Callable[[Extraction], None] | None = None,
) -> Summary:
    """Ingest every article under ``paths`` into ``store``; see the module docstring.

    ``after_save`` receives each Extraction once it is stored (the search index keeps up
    this way, with the tokens already cut); ingest itself knows nothing of what it does.
    """
    ctx = ctx or build_context(store)
    summary = Summary()
    store.acquire()
    try:
        run_id = store.start_run([str(Path(p)) if p != "-" else p for p in paths])
        for item in iter_sources(paths, fields):
            summary.read += 1
            if progress is not None:
                progress(item.origin)
            if isinstance(item, Failure):
                _fail(store, run_id, summary, item)
                continue
            try:
                article = parse(item)
                known = store.known(article.content_hash)
                if known is not None:
                    if known.origin == article.origin or not store.add_file(known.id, article.origin, article.file):
                        summary.unchanged += 1
                    else:
                        summary.duplicates.append((article.origin, known.file))
                    continue
                extraction = extract(article, ctx)
                store.save(extraction, run_id)
                summary.ingested += 1
                if after_save is not None:
                    after_save(extraction)
            except ZxkgError as exc:
                _fail(store, run_id, summary, Failure(item.origin, str(exc)))
            except (ValueError, RecursionError, MemoryError) as exc:
                _fail(store, run_id, summary, Failure(item.origin, f"{type(exc).__name__}: {exc}"))
        store.finish_run(run_id, summary.counts())
    finally:
        store.release()
    return summary


def _fail(store: Store, run_id: int, summary: Summary, failure: Failure) -> None:
    summary.failures.append(failure)
    store.record_failure(run_id, failure)


def reextract(store: Store, ctx: Context | None = None, progress: Callable[[str], None] | None = None) -> int:
    """Extract every stored article again with today's rules and lexicon; returns how many.

    Each article's mentions and relations are replaced in one transaction, so an
    interrupted re-extraction leaves every article either as it was or as it is now.
    """
    ctx = ctx or build_context(store)
    store.acquire()
    try:
        n = 0
        for article in list(store.articles()):
            store.replace(extract(article, ctx))
            n += 1
            if progress is not None:
                progress(article.origin)
        store.prune_entities()
    finally:
        store.release()
    return n
