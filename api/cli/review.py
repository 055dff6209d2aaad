"""``zxkg review``: accept, reject or add single relations, list and share the reviews.

Reviews live in the store, keyed by what they judge (``ingest/store/reviews.py``), so they
outlive ``reextract``, a re-ingest and lexicon edits; a rejected relation leaves every
answer and export unless ``--include-rejected`` asks for it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from .options import data_option, handle_errors, json_option, location
from .output import echo_json, short, table

if TYPE_CHECKING:
    from zxkg.graph.names import Names

F = Callable[..., Any]
STATUSES = ("accepted", "rejected", "added", "orphaned")


@contextmanager
def writing_names(data: str | None) -> Iterator[Names]:
    """Names resolved against the store of ``--data``, opened for writing."""
    from zxkg.graph.names import Names
    from zxkg.ingest.gazetteer import Gazetteer
    from zxkg.ingest.store import Store

    with Store.open(location(data)) as store:
        store.acquire()
        try:
            yield Names(store, Gazetteer.load())
        finally:
            store.release()


def _selector(fn: F) -> F:
    """The ways to name the relations a review judges: an id, or region + term (+ article)."""
    for option in reversed(
        [
            click.argument("relation", type=int, required=False),
            click.option("--region", default="", help="The adopting region (a name or a code)."),
            click.option("--term", default="", help="The term (a name or an alias)."),
            click.option("--article", default="", help="Only in this article (its id, or the first digits)."),
        ]
    ):
        fn = option(fn)
    return fn


def _who(fn: F) -> F:
    fn = click.option("--note", default="", help="Why: kept with the review.")(fn)
    return click.option(
        "--reviewer",
        default=lambda: os.environ.get("ZXKG_REVIEWER", ""),
        help="Who judged (default: ZXKG_REVIEWER).",
    )(fn)


@click.group()
def review() -> None:
    """Judge single relations: accept, reject, add what the extractor missed.

    \b
    zxkg review reject --region 长沙市 --term 两力两率 --note "a plan, not adopted"
    zxkg review accept 1234                       # a relation by its id (zxkg relations)
    zxkg review add --region 湘潭市 --term 潭事好商量 --article 3f2a --quote "湘潭市推出潭事好商量"
    zxkg review list --status rejected
    zxkg review export mine.csv && zxkg review agreement mine.csv theirs.csv
    """


def _judge(status: str) -> click.Command:
    @click.command()
    @_selector
    @_who
    @data_option
    @handle_errors
    def command(
        relation: int | None, region: str, term: str, article: str, note: str, reviewer: str, data: str | None
    ) -> None:
        from zxkg.graph.reviews import targets

        with writing_names(data) as names:
            found = targets(names, relation, region, term, article)
            n = names.store.review(found, status, note, reviewer)
        click.echo(f"{status} {n} relation{'s' if n != 1 else ''}")

    command.help = f"Mark relations {status} (all of a region's relations to a term, or one by its id)."
    return command


review.add_command(_judge("accepted"), "accept")
review.add_command(_judge("rejected"), "reject")


@review.command("reset")
@_selector
@data_option
@handle_errors
def reset(relation: int | None, region: str, term: str, article: str, data: str | None) -> None:
    """Take reviews back: the relations count as extracted; an added relation goes."""
    from zxkg.graph.reviews import targets

    with writing_names(data) as names:
        n = names.store.reset_reviews(targets(names, relation, region, term, article))
    click.echo(f"reset {n} review{'s' if n != 1 else ''}")


@review.command("add")
@click.option("--region", required=True, help="The adopting region (a name or a code).")
@click.option("--term", required=True, help="The term: a known one by name or alias, else a new one.")
@click.option("--article", required=True, help="The article (its id, or the first digits).")
@click.option("--quote", required=True, help="The words of the article that state it (checked against the text).")
@click.option("--kind", default="mechanism", show_default=True, help="The kind of a term new to the store.")
@_who
@data_option
@handle_errors
def add(
    region: str, term: str, article: str, quote: str, kind: str, note: str, reviewer: str, data: str | None
) -> None:
    """Add a relation the extractor missed: REGION adopts TERM, as QUOTE of ARTICLE says."""
    from zxkg.graph.reviews import add as add_relation

    with writing_names(data) as names:
        row = add_relation(names, region, term, article, quote, kind, note, reviewer)
    click.echo(f"added: {row.region} adopts {row.term} ({row.article}, [{row.sentence_start}:{row.sentence_end}])")


@review.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only these (orphaned: the relation is gone).")
@data_option
@json_option
@handle_errors
def list_reviews(status: str | None, data: str | None, as_json: bool) -> None:
    """The reviews, newest first; a review whose relation is no longer produced is orphaned."""
    from zxkg.ingest.store import Store

    with Store.open(location(data), readonly=True) as store:
        rows = store.reviews("" if status in (None, "orphaned") else status)
    if status == "orphaned":
        rows = [r for r in rows if r.orphaned]
    if as_json:
        echo_json(
            {
                "reviews": [
                    {**r._asdict(), "orphaned": r.orphaned, "relation": r.relation, "article": r.article} for r in rows
                ]
            }
        )
        return
    orphaned = sum(r.orphaned for r in rows)
    click.echo(
        f"{len(rows)} review(s)" + (f", {orphaned} orphaned (their relation is no longer produced)" if orphaned else "")
    )
    table(
        ["status", "relation", "region", "term", "article", "reviewer", "at", "note", "sentence"],
        [
            [
                r.status,
                "orphaned" if r.orphaned else r.relation,
                r.region or r.subject_key,
                r.term or r.object_key,
                r.article,
                r.reviewer,
                r.at,
                short(r.note),
                short(r.sentence),
            ]
            for r in rows
        ],
    )


@review.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), help="Default: by the file's suffix.")
@data_option
@handle_errors
def export(path: str, fmt: str | None, data: str | None) -> None:
    """Write every review to PATH (CSV or JSON lines), for another store or `review agreement`."""
    from zxkg.graph.reviews import write_reviews
    from zxkg.ingest.store import Store

    with Store.open(location(data), readonly=True) as store:
        n = write_reviews(store.reviews(), path, fmt)
    click.echo(f"wrote {n} review(s) to {path}")


@review.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), help="Default: by the file's suffix.")
@data_option
@handle_errors
def import_(path: str, fmt: str | None, data: str | None) -> None:
    """Read reviews from PATH into the store (a review of the same relation is replaced)."""
    from zxkg.graph.reviews import read_reviews
    from zxkg.ingest.store import Store

    rows = read_reviews(path, fmt)
    with Store.open(location(data)) as store:
        store.acquire()
        try:
            n = store.import_reviews(rows)
            orphaned = sum(r.orphaned for r in store.reviews())
        finally:
            store.release()
    click.echo(f"imported {n} review(s) from {path}" + (f"; {orphaned} orphaned in this store" if orphaned else ""))


@review.command("agreement")
@click.argument("a", type=click.Path(exists=True, dir_okay=False))
@click.argument("b", type=click.Path(exists=True, dir_okay=False))
@json_option
@handle_errors
def agreement_command(a: str, b: str, as_json: bool) -> None:
    """Cohen's kappa of two coders' review files, and the rows they disagree on."""
    from zxkg.graph.reviews import agreement, read_reviews

    result = agreement(read_reviews(a), read_reviews(b))
    if as_json:
        echo_json(
            {
                "both": result.both,
                "agreed": result.agreed,
                "observed": result.observed,
                "expected": result.expected,
                "kappa": result.kappa,
                "only_a": result.only_a,
                "only_b": result.only_b,
                "disagreements": [
                    {
                        "a": d.a,
                        "b": d.b,
                        "article": d.judgement.article_hash[:16],
                        "subject": d.judgement.subject_key,
                        "object": d.judgement.object_key,
                        "sentence": d.judgement.sentence,
                    }
                    for d in result.disagreements
                ],
            }
        )
        return
    kappa = "undefined (chance alone agrees on every row)" if result.kappa is None else f"{result.kappa:.3f}"
    click.echo(
        f"both judged {result.both} relation(s), agreed on {result.agreed} (p_o {result.observed:.3f}, "
        f"p_e {result.expected:.3f}); Cohen's kappa {kappa}"
    )
    if result.only_a or result.only_b:
        click.echo(f"judged by one only: {result.only_a} in {a}, {result.only_b} in {b}")
    if result.disagreements:
        table(
            ["A", "B", "article", "region", "term", "sentence"],
            [
                [
                    d.a or "-",
                    d.b or "-",
                    d.judgement.article_hash[:16],
                    d.judgement.subject_key,
                    d.judgement.object_key,
                    short(d.judgement.sentence),
                ]
                for d in result.disagreements
            ],
        )
