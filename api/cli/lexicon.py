"""``zxkg lexicon`` (list and correct the known terms) and ``zxkg reextract``."""

from __future__ import annotations

import json
import sys

import click

from zxkg.ingest.lexicon import KINDS, fold, parse_edits

from .options import data_option, handle_errors, location


@click.group(invoke_without_command=True)
@data_option
@click.option("--kind", type=click.Choice(KINDS), help="Only terms of this kind.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handle_errors
def lexicon(ctx: click.Context, data: str | None, kind: str | None, as_json: bool) -> None:
    """List the known terms: learnt from quotes in the corpus, corrected by lexicon.txt.

    \b
    zxkg lexicon add 潭事好商量 --kind brand
    zxkg lexicon block 最后一公里
    zxkg lexicon merge 委员双考 双考
    zxkg lexicon rename 两力两率评价 两力两率
    zxkg reextract      # apply the edits to the articles already stored
    """
    if ctx.invoked_subcommand is not None:
        return
    from zxkg.ingest.pipeline import build_context
    from zxkg.ingest.store import Store

    with Store.open(location(data), readonly=True) as store:
        lex = build_context(store).lexicon
    terms = sorted(lex.terms.values(), key=lambda t: (-t.articles, t.name))
    terms = [t for t in terms if kind is None or t.kind == kind]
    if as_json:
        rows = [
            {"name": t.name, "kind": t.kind, "source": t.source, "articles": t.articles, "aliases": t.aliases}
            for t in terms
        ]
        click.echo(json.dumps({"terms": rows, "blocked": sorted(lex.blocked)}, ensure_ascii=False, indent=2))
        return
    if not terms:
        click.echo("no terms yet (ingest articles, or `zxkg lexicon add TERM`)")
    for t in terms:
        aliases = f"  (also: {', '.join(sorted(t.aliases))})" if t.aliases else ""
        click.echo(f"{t.name}\t{t.kind}\t{t.articles} articles\t{t.source}{aliases}")


def _append(data: str | None, line: str) -> None:
    """Validate one edit and keep it with the store's others (SQLite: its lexicon.txt)."""
    from zxkg.ingest.store import Store

    parse_edits(line)
    with Store.open(location(data)) as store:
        store.add_lexicon_edit(line)
        where = store.location
    click.echo(f"{line}  → {where} (run `zxkg reextract` to apply it to stored articles)")


def _one_word(value: str) -> str:
    value = fold(value)
    if not value:
        raise click.BadParameter("empty term")
    return value


@lexicon.command()
@click.argument("term")
@click.option("--kind", type=click.Choice(KINDS), default="mechanism", show_default=True)
@data_option
@handle_errors
def add(term: str, kind: str, data: str | None) -> None:
    """Make TERM a known term of KIND."""
    _append(data, f"add {_one_word(term)} {kind}")


@lexicon.command()
@click.argument("term")
@data_option
@handle_errors
def block(term: str, data: str | None) -> None:
    """Never treat TERM as a mechanism or brand."""
    _append(data, f"block {_one_word(term)}")


@lexicon.command()
@click.argument("alias")
@click.argument("term")
@data_option
@handle_errors
def merge(alias: str, term: str, data: str | None) -> None:
    """Treat ALIAS as another name of TERM."""
    _append(data, f"merge {_one_word(alias)} {_one_word(term)}")


@lexicon.command()
@click.argument("old")
@click.argument("new")
@data_option
@handle_errors
def rename(old: str, new: str, data: str | None) -> None:
    """Call the term OLD by the name NEW (OLD stays an alias)."""
    _append(data, f"rename {_one_word(old)} {_one_word(new)}")


@click.command()
@data_option
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes for extraction (default: one per core for 400 articles or more, else 1).",
)
@handle_errors
def reextract(data: str | None, workers: int | None) -> None:
    """Extract every stored article again (after a lexicon edit or an upgrade).

    The result depends on the stored articles and the lexicon only: stores of the same
    files ingested in other orders, by other workers or by several ingesters at once,
    come out the same."""
    from zxkg.ingest.pipeline import workers_for_articles
    from zxkg.ingest.reextract import reextract as run
    from zxkg.ingest.store import Store

    with Store.open(location(data)) as store:
        n = run(store, workers=workers if workers is not None else workers_for_articles(store.count("articles")))
        rels = store.stats().relations
    click.echo(f"re-extracted {n} articles; relations: " + ", ".join(f"{k} {v}" for k, v in rels.items()))
    sys.stdout.flush()
