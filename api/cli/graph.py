"""The graph commands of ``zxkg``: ``export``, ``adopters``, ``region``, ``timeline``.

Importing this module registers them on ``api.cli.main`` (which imports it, so either
module may be imported first). Each reads the store read-only, prints a
table for people or ``--json`` for programs, and turns unknown names into an error that
lists the closest known ones.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from zxkg.graph.export import FORMATS, check_format, export
from zxkg.graph.models import Adoption, Filters, Node, Pair
from zxkg.graph.names import Names
from zxkg.graph.query import adopters, co_adoption, region_profile, similar_regions, timeline
from zxkg.ingest.gazetteer import Gazetteer
from zxkg.ingest.store import Store, data_dir_from

from . import data_option, handle_errors, main

F = TypeVar("F", bound=Callable[..., Any])


def filter_options(fn: F) -> F:
    """The options every graph command shares; they become a ``Filters``."""
    options = [
        click.option("--kind", "kinds", multiple=True, help="Only entities of this kind (repeatable)."),
        click.option("--predicate", "predicates", multiple=True, help="Only this predicate (repeatable)."),
        click.option("--region", "region", default="", help="Only this region and everything under it."),
        click.option("--since", default="", metavar="DATE", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
        click.option("--until", default="", metavar="DATE", help="Up to this date, inclusive."),
        click.option("--min-articles", default=0, type=click.IntRange(min=0), help="Relations in at least N articles."),
        click.option(
            "--min-confidence", default=0.0, type=click.FloatRange(0, 1), help="Relations of at least this confidence."
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def make_filters(kw: dict[str, Any], terms: Sequence[str] = ()) -> Filters:
    return Filters(
        kinds=tuple(kw.pop("kinds", ())),
        predicates=tuple(kw.pop("predicates", ())),
        region=kw.pop("region", ""),
        since=kw.pop("since", ""),
        until=kw.pop("until", ""),
        min_articles=kw.pop("min_articles", 0),
        min_confidence=kw.pop("min_confidence", 0.0),
        terms=tuple(terms),
    )


def open_names(data: str | None) -> tuple[Store, Names]:
    store = Store.open(data_dir_from(data), readonly=True)
    return store, Names(store, Gazetteer.load())


# -- export --------------------------------------------------------------------------------


@click.command("export")
@data_option
@click.option("--format", "-f", "fmt", required=True, metavar="FORMAT", help=f"One of {', '.join(FORMATS)}.")
@click.option("--output", "-o", "output", required=True, metavar="PATH", help="File (a directory for neo4j, csv).")
@filter_options
@click.option("--term", "terms", multiple=True, help="Only relations of this mechanism, brand or document.")
@click.option("--around", default=None, metavar="NAME", help="Only the ego network of this entity.")
@click.option("--depth", default=1, type=click.IntRange(min=1), help="Steps out from --around (default 1).")
@handle_errors
def export_command(
    data: str | None, fmt: str, output: str, terms: tuple[str, ...], around: str | None, depth: int, **kw: Any
) -> None:
    """Export the relation graph, the adoption table or the adoption panel.

    Formats: graphml, gexf (dynamic, for Gephi's timeline), json (node-link), cyjs
    (Cytoscape), neo4j (a directory of import CSV files), csv (a directory with nodes.csv
    and edges.csv), adoptions (a row per region and term), panel (a row per region, term
    and year). Files are written whole or not at all.
    """
    check_format(fmt)
    filters = make_filters(kw, terms)
    store, names = open_names(data)
    with store:
        written = export(names, fmt, output, filters, around=around, depth=depth)
    click.echo(f"{fmt}: {written.summary()} → {written.path}")


# -- adopters ------------------------------------------------------------------------------


@click.command("adopters")
@click.argument("term")
@data_option
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def adopters_command(term: str, data: str | None, as_json: bool, **kw: Any) -> None:
    """Regions that adopted a mechanism, brand or document (aliases included), first first."""
    filters = make_filters(kw)
    store, names = open_names(data)
    with store:
        found = adopters(names, term, filters)
        related = co_adoption(names, term, filters, limit=10)
    if as_json:
        click.echo(
            _dumps(
                {
                    "term": term,
                    "matched": [_node(n) for n in found.matched],
                    "adopters": [_adoption(a) for a in found.adoptions],
                    "co_adopted": [_pair(p) for p in related],
                }
            )
        )
        return
    click.echo(f"{_matched(term, found.matched)}: {len(found.adoptions)} adopting region(s)")
    rows = [
        [a.first_date or "?", _region(a), a.level, a.province, a.predicate, str(a.articles), _short(a.evidence)]
        for a in found.adoptions
    ]
    _table(["first date", "region", "level", "province", "predicate", "articles", "evidence"], rows)
    if related:
        click.echo("\nalso adopted by the same regions:")
        _table(
            ["term", "kind", "shared", "jaccard"],
            [[p.b.name, p.b.kind, str(p.shared), f"{p.jaccard:.2f}"] for p in related],
        )


# -- region --------------------------------------------------------------------------------


@click.command("region")
@click.argument("name")
@data_option
@filter_options
@click.option("--subtree", is_flag=True, help="Include every region under it.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def region_command(name: str, data: str | None, subtree: bool, as_json: bool, **kw: Any) -> None:
    """A region's profile: mechanisms, brands, documents, timeline, similar regions."""
    filters = make_filters(kw)
    store, names = open_names(data)
    with store:
        profile = region_profile(names, name, filters, subtree=subtree)
        similar = similar_regions(names, profile.region.code, Filters(kinds=("mechanism", "brand")), limit=10)
    r = profile.region
    if as_json:
        by_kind = {kind: [_adoption(a) for a in profile.of_kind(kind)] for kind in ("mechanism", "brand", "document")}
        others = [_adoption(a) for a in profile.adoptions if a.kind not in by_kind]
        record = {
            "region": _node(r),
            "subtree": subtree,
            "articles": profile.articles,
            "mechanisms": by_kind["mechanism"],
            "brands": by_kind["brand"],
            "documents": by_kind["document"],
            "other": others,
            "timeline": [
                {"date": a.first_date, "region": a.region, "kind": a.kind, "term": a.term, "predicate": a.predicate}
                for a in profile.timeline
            ],
            "similar": [_pair(p) for p in similar],
        }
        click.echo(_dumps(record))
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
            _table(
                cols,
                [
                    [a.first_date or "?", *([_region(a)] if subtree else []), a.term, a.predicate, str(a.articles),
                     _short(a.evidence)]
                    for a in rows
                ],
            )  # fmt: skip
    if similar:
        click.echo("\nregions with the most mechanisms and brands in common:")
        _table(
            ["region", "province", "shared", "jaccard"],
            [[p.b.name, p.b.province, str(p.shared), f"{p.jaccard:.2f}"] for p in similar],
        )


# -- timeline ------------------------------------------------------------------------------


@click.command("timeline")
@click.argument("term")
@data_option
@filter_options
@click.option("--by", "step", default="date", type=click.Choice(["date", "month", "year"]), help="Step (default date).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def timeline_command(term: str, data: str | None, step: str, as_json: bool, **kw: Any) -> None:
    """How a mechanism, brand or document spread: new and cumulative adopters by date."""
    filters = make_filters(kw)
    store, names = open_names(data)
    with store:
        line = timeline(names, term, filters, by=step)
    if as_json:
        click.echo(
            _dumps(
                {
                    "term": term,
                    "matched": [_node(n) for n in line.matched],
                    "by": step,
                    "points": [{"date": p.date, "new": list(p.new), "cumulative": p.cumulative} for p in line.points],
                    "undated": list(line.undated),
                }
            )
        )
        return
    click.echo(f"{_matched(term, line.matched)}: {line.points[-1].cumulative if line.points else 0} dated adopter(s)")
    _table(
        ["date", "new", "cumulative", "regions"],
        [[p.date, str(len(p.new)), str(p.cumulative), "、".join(p.new)] for p in line.points],
    )
    if line.undated:
        click.echo(f"undated: {'、'.join(line.undated)}")


# -- output helpers ------------------------------------------------------------------------


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def _node(n: Node) -> dict[str, Any]:
    rec: dict[str, Any] = {"key": n.key, "kind": n.kind, "name": n.name}
    if n.kind == "region":
        rec.update(code=n.code, level=n.level, province=n.province)
    if n.aliases:
        rec["aliases"] = list(n.aliases)
    return rec


def _adoption(a: Adoption) -> dict[str, Any]:
    rec = a._asdict()
    rec["year"] = a.year
    rec["confidence"] = round(a.confidence, 3)
    rec["evidence"] = {"quote": a.evidence, "article": a.article, "file": a.file, "title": a.title}
    for k in ("article", "file", "title"):
        del rec[k]
    return rec


def _pair(p: Pair) -> dict[str, Any]:
    return {"a": _node(p.a), "b": _node(p.b), "shared": p.shared, "jaccard": round(p.jaccard, 3)}


def _matched(term: str, matched: Sequence[Node]) -> str:
    names = sorted({n.name for n in matched})
    kinds = sorted({n.kind for n in matched})
    also = [n for n in names if n != term]
    return f"{term} ({', '.join(kinds)}{'; matches ' + ', '.join(also) if also else ''})"


def _region(a: Adoption) -> str:
    return f"{a.region} ({a.code})" if a.code else a.region


def _short(text: str, width: int = 48) -> str:
    text = " ".join(text.split())
    return text if _width(text) <= width else _cut(text, width - 1) + "…"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(text: str, width: int) -> str:
    out, used = [], 0
    for ch in text:
        w = _width(ch)
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Columns aligned by display width (CJK characters are two columns wide)."""
    if not rows:
        return
    widths = [max(_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, *rows]:
        cells = [str(c) + " " * (widths[i] - _width(str(c))) for i, c in enumerate(row)]
        click.echo("  ".join(cells).rstrip())


for _command in (export_command, adopters_command, region_command, timeline_command):
    main.add_command(_command)
