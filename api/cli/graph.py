"""``zxkg adopters``, ``zxkg region`` and ``zxkg timeline``: who adopted what, and when.

Each reads the store read-only, prints a table for people or ``--json`` for programs (the
records of ``api/serialize.py``, as the HTTP API answers), and turns unknown names into an
error that lists the closest known ones.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from .options import data_option, filter_options, handle_errors, json_option, location, make_filters
from .output import echo_json, short, table

if TYPE_CHECKING:
    from zxkg.graph.models import Adoption, AdoptionEvidence, Node
    from zxkg.graph.names import Names


@contextmanager
def opened_names(data: str | None) -> Iterator[Names]:
    """Names resolved against the read-only store of ``--data`` and the division table."""
    from zxkg.graph.names import Names
    from zxkg.ingest.gazetteer import Gazetteer
    from zxkg.ingest.store import Store

    with Store.open(location(data), readonly=True) as store:
        yield Names(store, Gazetteer.load())


@click.command("adopters")
@click.argument("term")
@data_option
@filter_options
@click.option(
    "--all-evidence", is_flag=True, help="Every evidence sentence of each adopter, with title, file, source and URL."
)
@json_option
@handle_errors
def adopters_command(term: str, data: str | None, all_evidence: bool, as_json: bool, **kw: Any) -> None:
    """Regions that adopted a mechanism, brand or document (aliases included), first first."""
    from zxkg.graph.query import adopters, adoption_evidence, co_adoption

    from .. import serialize

    filters = make_filters(kw)
    with opened_names(data) as names:
        found = adopters(names, term, filters)
        related = co_adoption(names, term, filters, limit=10)
        cited = adoption_evidence(names, term, filters).by_region() if all_evidence else {}
    if as_json:
        record = serialize.adopters(term, found.matched, found.adoptions)
        if all_evidence:
            for row, a in zip(record["adopters"], found.adoptions, strict=True):
                row["all_evidence"] = [serialize.evidence_row(e) for e in cited.get(a.region_key, ())]
        record["co_adopted"] = [serialize.pair(p) for p in related]
        echo_json(record)
        return
    click.echo(f"{_matched(term, found.matched)}: {len(found.adoptions)} adopting region(s)")
    if all_evidence:
        _print_evidence(found.adoptions, cited)
    else:
        rows = [
            [a.first_date or "?", _region(a), a.level, a.province, a.predicate, a.articles, a.evidence_count,
             short(a.evidence), a.file]
            for a in found.adoptions
        ]  # fmt: skip
        table(
            [
                "first date",
                "region",
                "level",
                "province",
                "predicate",
                "articles",
                "sentences",
                "first evidence",
                "file",
            ],
            rows,
        )
    if related:
        click.echo("\nalso adopted by the same regions:")
        table(
            ["term", "kind", "shared", "jaccard"], [[p.b.name, p.b.kind, p.shared, f"{p.jaccard:.2f}"] for p in related]
        )


@click.command("region")
@click.argument("name")
@data_option
@filter_options
@click.option("--subtree", is_flag=True, help="Include every region under it.")
@json_option
@handle_errors
def region_command(name: str, data: str | None, subtree: bool, as_json: bool, **kw: Any) -> None:
    """A region's profile: mechanisms, brands, documents, timeline, similar regions."""
    from zxkg.graph.models import Filters
    from zxkg.graph.query import region_profile, similar_regions

    from .. import serialize

    filters = make_filters(kw)
    with opened_names(data) as names:
        profile = region_profile(names, name, filters, subtree=subtree)
        similar = similar_regions(names, profile.region.code, Filters(kinds=("mechanism", "brand")), limit=10)
    r = profile.region
    if as_json:
        echo_json(serialize.region_profile(profile, similar))
        return
    where = ", ".join(x for x in (r.code, r.level, r.province if r.province != r.name else "") if x)
    scope = " and the regions under it" if subtree else ""
    click.echo(f"{r.name} ({where}){scope}: mentioned in {profile.articles} article(s)")
    if not profile.adoptions:
        click.echo("no mechanisms, brands or documents recorded")
    for kind, title in (
        ("mechanism", "mechanisms"),
        ("brand", "brands"),
        ("document", "documents"),
        ("slogan", "slogans"),
    ):
        rows = profile.of_kind(kind)
        if rows:
            click.echo(f"\n{title} ({len(rows)}):")
            cols = ["first date", *(["region"] if subtree else []), "name", "predicate", "articles", "evidence"]
            table(
                cols,
                [
                    [a.first_date or "?", *([_region(a)] if subtree else []), a.term, a.predicate, a.articles,
                     short(a.evidence)]
                    for a in rows
                ],
            )  # fmt: skip
    if similar:
        click.echo("\nregions with the most mechanisms and brands in common:")
        table(
            ["region", "province", "shared", "jaccard"],
            [[p.b.name, p.b.province, p.shared, f"{p.jaccard:.2f}"] for p in similar],
        )


@click.command("timeline")
@click.argument("term")
@data_option
@filter_options
@click.option("--by", "step", default="date", type=click.Choice(["date", "month", "year"]), help="Step (default date).")
@json_option
@handle_errors
def timeline_command(term: str, data: str | None, step: str, as_json: bool, **kw: Any) -> None:
    """How a mechanism, brand or document spread: new and cumulative adopters by date."""
    from zxkg.graph.query import timeline

    from .. import serialize

    filters = make_filters(kw)
    with opened_names(data) as names:
        line = timeline(names, term, filters, by=step)
    if as_json:
        echo_json(serialize.timeline(line, step))
        return
    click.echo(f"{_matched(term, line.matched)}: {line.points[-1].cumulative if line.points else 0} dated adopter(s)")
    table(
        ["date", "new", "cumulative", "regions"],
        [[p.date, len(p.new), p.cumulative, "、".join(p.new)] for p in line.points],
    )
    if line.undated:
        click.echo(f"undated: {'、'.join(line.undated)}")


def _print_evidence(adoptions: Sequence[Adoption], cited: dict[str, list[AdoptionEvidence]]) -> None:
    """Each adopter, then every sentence that states its adoption with what cites it."""
    for a in adoptions:
        rows = cited.get(a.region_key, [])
        click.echo(f"\n{_region(a)} — {a.level}, {a.province}: {len(rows)} evidence sentence(s)")
        for e in rows:
            click.echo(f"  {e.date or '?'}  {e.predicate} {e.term}: {' '.join(e.evidence.split())}")
            where = "; ".join(x for x in (e.title, e.source, e.file, e.url) if x)
            click.echo(f"      {where} [article {e.article}, characters {e.start}–{e.end}]")


def _matched(term: str, matched: Sequence[Node]) -> str:
    names = sorted({n.name for n in matched})
    kinds = sorted({n.kind for n in matched})
    also = [n for n in names if n != term]
    return f"{term} ({', '.join(kinds)}{'; matches ' + ', '.join(also) if also else ''})"


def _region(a: Adoption) -> str:
    return f"{a.region} ({a.code})" if a.code else a.region
