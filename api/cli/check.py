"""``zxkg check [--repair]``: does the data directory agree with itself?

It takes the data directory's write lock first, so it never judges a store an ingest is
writing: while one runs, it stops with the busy message (exit 3). ``--repair`` fixes what
can be fixed, checks again and says what it did (``search/consistency.py`` holds the
checks). Exit 0 when the directory is consistent (or was repaired), 1 otherwise.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING

import click

from .options import data_option, engine_option, handle_errors, location

if TYPE_CHECKING:
    from zxkg.ingest.store import Store
    from zxkg.search.consistency import Finding


@click.command()
@data_option
@click.option("--repair", "fix", is_flag=True, help="Fix what can be fixed, then check again.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@engine_option
@handle_errors
def check(data: str | None, fix: bool, as_json: bool, engine: str | None) -> None:
    """Check the store and the search index agree (and --repair what can be repaired).

    Checks the SQLite file, that every evidence's offsets point at its quote, that nothing
    points at a missing row, that the adoption pairs match their relations, that every
    review's relation still quotes the sentence reviewed (orphaned reviews are named, and
    never deleted), that no ingest was left running, and that the search index holds
    exactly the store's articles. Exit 0 when consistent (or repaired), 1 if not.
    """
    from zxkg.ingest.pipeline import build_context
    from zxkg.ingest.store import Store
    from zxkg.search.consistency import State, inspect, repair
    from zxkg.search.index import SearchIndex

    target = location(data)
    repairs: list[str] = []
    with Store.open(target, readonly=True) as store:
        where = store.location
        _lock(store, fix)
        state = State(integrity=store.integrity_errors(), sound=store.sound)
        engine_name = engine or "-"
        if not state.integrity:  # nothing more is read from a damaged file
            ctx = build_context(store)
            index = SearchIndex.of(store, ctx.segmenter, ctx.gazetteer, engine)
            engine_name = index.engine_name
            state = inspect(store, index)
        before = after = state.findings(engine_name)
        if fix and not state.integrity and not all(f.ok for f in before):
            # the lock stays with the read-only handle; this one only writes
            with Store.open(target) as writer:
                repairs = repair(writer, index, ctx, state)
                after = inspect(writer, index).findings(engine_name)
    ok = all(f.ok for f in after)
    if as_json:
        out = {
            "data_dir": where,
            "engine": engine_name,
            "ok": ok,
            "checks": [asdict(f) for f in before],
            "repairs": repairs,
            "after": [asdict(f) for f in after] if repairs else None,
        }
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        _print(where, engine_name, before, repairs, after)
    if not ok:
        raise SystemExit(1)


def _lock(store: Store, fix: bool) -> None:
    """The write lock, so no ingest changes the store or the index while they are compared."""
    from zxkg.ingest.errors import ZxkgError

    try:
        store.acquire()
    except OSError:
        if fix:
            raise ZxkgError(f"cannot repair {store.location}: the directory is not writable") from None
        # a read-only directory: nothing can be writing to it through zxkg


def _print(target: str, engine: str, before: list[Finding], repairs: list[str], after: list[Finding]) -> None:
    from zxkg.search.consistency import count

    click.echo(f"check {target} (search engine {engine})")
    for f in before:
        click.echo(f"  {('note' if f.note else 'ok') if f.ok else 'PROBLEM':8} {f.name}: {f.message}")
    for line in repairs:
        click.echo(f"  repaired {line}")
    problems = [f for f in after if not f.ok]
    if not problems:
        click.echo("consistent after repair" if repairs else "consistent")
        return
    if repairs:
        for f in problems:
            click.echo(f"  still    {f.name}: {f.message}")
    fixable = [f.name for f in problems if f.repairable]
    line = count(len(problems), "problem")
    if fixable and not repairs:
        line += f"; `zxkg check --repair` fixes {', '.join(fixable)}"
    click.echo(line)
