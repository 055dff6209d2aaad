"""``zxkg diffusion``, ``leaders``, ``communities`` and ``similar``: how mechanisms spread,
who leads, who clusters.

Each reads the store read-only and prints a table for people or ``--json`` for programs
(the records of ``api/serialize.py``, as the HTTP API answers).
"""

from __future__ import annotations

from typing import Any

import click

from .graph import opened_names
from .options import data_option, filter_options, handle_errors, json_option, make_filters
from .output import echo_json, short, table

CLASS_LABELS = {
    "first-mover": "first mover",
    "top-down": "top-down",
    "bottom-up": "bottom-up",
    "horizontal": "horizontal",
    "independent": "independent",
}


@click.command("diffusion")
@click.argument("term")
@data_option
@filter_options
@json_option
@handle_errors
def diffusion_command(term: str, data: str | None, as_json: bool, **kw: Any) -> None:
    """How a mechanism, brand or document spread: each adoption top-down, bottom-up,
    horizontal, a first mover or independent, with the adopters it follows and the lag."""
    from zxkg.graph.cascade import cascade

    from .. import serialize

    filters = make_filters(kw)
    with opened_names(data) as names:
        c = cascade(names, term, filters)
    if as_json:
        echo_json(serialize.cascade(c))
        return
    n = len(c.steps)
    click.echo(f"{term}: {n} dated adoption(s), {len(c.undated)} undated")
    if n:
        click.echo(f"from {c.first_date} to {c.last_date} ({c.span_days} days)")
        shares = c.shares()
        counts = c.counts()
        click.echo("; ".join(f"{CLASS_LABELS[k]} {counts[k]} ({shares[k]:.0%})" for k in CLASS_LABELS if counts[k]))
        click.echo("first movers: " + "、".join(s.adoption.region for s in c.first_movers))
    lags = c.lags()
    if lags:
        click.echo("\nmedian lag per step:")
        table(
            ["class", "from", "to", "adoptions", "median days"],
            [[x.channel, x.source_level, x.level, x.adoptions, f"{x.median_days:g}"] for x in lags],
        )
    if c.steps:
        click.echo("")
        rows = []
        for s in c.steps:
            a, src = s.adoption, s.source
            follows = f"{src.adoption.region} ({src.adoption.first_date})" if src else ""
            more = f" +{len(s.follows) - 1}" if len(s.follows) > 1 else ""
            lag = "" if s.lag_days is None else s.lag_days
            rows.append([a.first_date, a.region, a.level, s.channel, follows + more, lag, short(a.evidence, 40)])
        table(["date", "region", "level", "class", "follows", "lag days", "evidence"], rows)
    if c.undated:
        click.echo("\nundated: " + "、".join(a.region for a in c.undated))


@click.command("leaders")
@data_option
@filter_options
@click.option(
    "--min-adoptions", default=1, type=click.IntRange(min=1), help="Regions with at least N counted adoptions."
)
@click.option("--limit", default=30, type=click.IntRange(min=1), help="Rows to show (default 30).")
@json_option
@handle_errors
def leaders_command(data: str | None, min_adoptions: int, limit: int, as_json: bool, **kw: Any) -> None:
    """Regions ranked by how early they adopt what others adopt later."""
    from zxkg.graph.leaders import leaders

    from .. import serialize

    filters = make_filters(kw)
    with opened_names(data) as names:
        rows = leaders(names, filters, min_adoptions=min_adoptions, limit=limit)
    if as_json:
        echo_json({"items": [serialize.leader(r) for r in rows]})
        return
    table(
        ["region", "level", "province", "leads", "of adoptions", "share", "first", "precedence"],
        [
            [r.region, r.level, r.province, r.leads, r.adoptions, f"{r.lead_share:.0%}", r.first, f"{r.precedence:.2f}"]
            for r in rows
        ],
    )


@click.command("communities")
@data_option
@filter_options
@click.option("--neighbours", default=10, type=click.IntRange(min=1), help="Closest regions each keeps (default 10).")
@click.option("--resolution", default=1.0, type=click.FloatRange(min=0.01), help="Louvain's resolution (default 1).")
@click.option("--limit", default=20, type=click.IntRange(min=1), help="Groups to show (default 20).")
@json_option
@handle_errors
def communities_command(
    data: str | None, neighbours: int, resolution: float, limit: int, as_json: bool, **kw: Any
) -> None:
    """Regions grouped by the mechanisms and brands they share (Louvain, fixed seed), with defining terms."""
    from zxkg.graph.communities import communities

    from .. import serialize

    filters = make_filters(kw)
    with opened_names(data) as names:
        groups = communities(names, filters, neighbours=neighbours, resolution=resolution)
    if as_json:
        echo_json({"items": [serialize.community(c, i) for i, c in enumerate(groups[:limit], 1)]})
        return
    click.echo(f"{len(groups)} group(s) of regions")
    for i, c in enumerate(groups[:limit], 1):
        names_shown = "、".join(m.region for m in c.members[:12]) + (" …" if len(c.members) > 12 else "")
        click.echo(f"\n{i}. {len(c.members)} region(s): {names_shown}")
        table(
            ["defining term", "kind", "members", "inside", "outside"],
            [[t.term, t.kind, t.members, f"{t.inside:.0%}", f"{t.outside:.0%}"] for t in c.terms],
        )


@click.command("similar")
@click.argument("name", metavar="REGION")
@data_option
@filter_options
@click.option("--limit", default=20, type=click.IntRange(min=1), help="Rows to show (default 20).")
@json_option
@handle_errors
def similar_command(name: str, data: str | None, limit: int, as_json: bool, **kw: Any) -> None:
    """The regions closest to REGION: most mechanisms and brands in common (the measure of ``communities``)."""
    import dataclasses

    from zxkg.graph.communities import COMMUNITY_KINDS
    from zxkg.graph.query import similar_regions

    from .. import serialize

    filters = make_filters(kw)
    if not filters.kinds:
        filters = dataclasses.replace(filters, kinds=COMMUNITY_KINDS)
    with opened_names(data) as names:
        node = names.region(name)
        pairs = similar_regions(names, node.code, filters, limit=limit)
    if as_json:
        echo_json({"region": serialize.node(node), "items": [serialize.pair(p) for p in pairs]})
        return
    click.echo(f"{node.name} ({node.code}): {len(pairs)} region(s) with terms in common")
    table(
        ["region", "level", "province", "shared", "jaccard"],
        [[p.b.name, p.b.level, p.b.province, p.shared, f"{p.jaccard:.2f}"] for p in pairs],
    )
