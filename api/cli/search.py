"""``zxkg search`` and ``zxkg reindex``."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

import click

from .options import data_option, engine_option, handle_errors, json_option, location
from .output import echo_json

if TYPE_CHECKING:
    from zxkg.search.models import EvidenceResult, SearchResult

FACET_NAMES = "region, province, year, mechanism, brand, document"


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1)
@data_option
@click.option("--region", "regions", multiple=True, help="Only articles naming this region or a place in it.")
@click.option("--province", "provinces", multiple=True, help="Only articles naming a place in this province.")
@click.option("--mechanism", "mechanisms", multiple=True, help="Only articles with a mechanism whose name has this.")
@click.option("--brand", "brands", multiple=True, help="Only articles with a brand whose name has this.")
@click.option("--source", default="", help="Only articles whose source line has this.")
@click.option("--since", default="", metavar="DATE", help="From this date on (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", default="", metavar="DATE", help="Up to this date, inclusive.")
@click.option("--sort", default="relevance", show_default=True, help="relevance or date (newest first).")
@click.option("--limit", default=10, show_default=True, help="Hits per page.")
@click.option("--page", default=1, show_default=True, help="Page of hits.")
@click.option("--facet", "facets", multiple=True, help=f"Facets to count ({FACET_NAMES}).")
@click.option("--evidence", is_flag=True, help="Find the sentences that state a relation instead of articles.")
@json_option
@engine_option
@handle_errors
def search(
    query: tuple[str, ...],
    data: str | None,
    regions: tuple[str, ...],
    provinces: tuple[str, ...],
    mechanisms: tuple[str, ...],
    brands: tuple[str, ...],
    source: str,
    since: str,
    until: str,
    sort: str,
    limit: int,
    page: int,
    facets: tuple[str, ...],
    evidence: bool,
    as_json: bool,
    engine: str | None,
) -> None:
    """Full-text search: words (all must occur), “quoted phrases”, OR, NOT or -word, (groups),
    and fields: region:湖南省 province:湖南 mechanism:… brand:… document:… source:… title:… year:2024.

    \b
    zxkg search 委员工作室
    zxkg search “有事好商量” --region 湖南省 --sort date
    zxkg search 履职考核 湖南 --since 2023 --json
    zxkg search 考勤考绩 --evidence
    """
    from zxkg.ingest.pipeline import build_context
    from zxkg.ingest.store import Store
    from zxkg.search.index import SearchIndex

    from .. import serialize

    text = " ".join(query)
    with Store.open(location(data), readonly=True) as store:
        ctx = build_context(store)  # the lexicon's words are cut as the index cut them
        index = SearchIndex.of(store, ctx.segmenter, ctx.gazetteer, engine)
        request = index.request(
            text,
            regions=regions,
            provinces=provinces,
            entities=tuple([("mechanism", m) for m in mechanisms] + [("brand", b) for b in brands]),
            source=source,
            since=since,
            until=until,
            sort=sort,
            page=page,
            limit=limit,
            facets=facets or ("region", "mechanism", "year"),
        )
        held, stored = index.count(), store.count("articles")
        if held != stored:
            click.echo(
                f"warning: the search index holds {held} articles and the store {stored}; "
                f"run `zxkg reindex` to rebuild it",
                err=True,
            )
        if evidence:
            found = index.evidence(request)
            if as_json:
                echo_json(serialize.evidence_result(text, found))
            else:
                _print_evidence(text, found)
        else:
            result = index.search(request, store)
            if as_json:
                echo_json(serialize.search_result(text, result))
            else:
                _print_result(text, result)


@click.command()
@data_option
@engine_option
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes that build the documents (default: one per core for 400 articles or more, else 1).",
)
@handle_errors
def reindex(data: str | None, engine: str | None, workers: int | None) -> None:
    """Rebuild the search index from the store (into a new directory, then swapped in)."""
    from zxkg.ingest.pipeline import build_context, workers_for_articles
    from zxkg.ingest.store import Store
    from zxkg.search.index import SearchIndex

    started = time.monotonic()
    with Store.open(location(data), readonly=True) as probe:
        ctx = build_context(probe)  # a clear error when there is no store
    with Store.open(location(data)) as store:
        index = SearchIndex.of(store, ctx.segmenter, ctx.gazetteer, engine)
        store.acquire()
        try:
            count = index.reindex(store, workers or workers_for_articles(store.count("articles")))
        finally:
            store.release()
    click.echo(f"indexed {count} articles into {index.shown} in {time.monotonic() - started:.1f} s")


# -- output for people ------------------------------------------------------------------


def _marks() -> tuple[str, str]:
    return ("\x1b[1;33m", "\x1b[0m") if sys.stdout.isatty() else ("【", "】")


def _print_result(query: str, result: SearchResult) -> None:
    before, after = _marks()
    if not result.total:
        click.echo(f"no article matches {query}")
        return
    first = result.offset + 1
    last = result.offset + len(result.hits)
    shown = f"showing {first}–{last}" if result.hits else f"page past the end (offset {result.offset})"
    click.echo(f"{result.total} article{'s' if result.total != 1 else ''} match {query} ({shown})")
    for n, h in enumerate(result.hits, start=first):
        click.echo("")
        click.echo(f"{n}. {h.title or '(untitled)'}")
        meta = [x for x in (h.date, h.source[:40], h.file, h.id) if x]
        click.echo("   " + " · ".join(meta))
        if h.regions:
            more = f" +{len(h.regions) - 8}" if len(h.regions) > 8 else ""
            click.echo("   regions: " + ", ".join(h.regions[:8]) + more)
        for f in h.fragments:
            click.echo(f"   …{f.marked(before, after)}…")
    counted = [facet for facet in result.facets if facet.counts]
    if counted:
        click.echo("")
        for facet in counted:
            click.echo(f"{facet.name}: " + ", ".join(f"{v} {c}" for v, c in facet.counts))


def _print_evidence(query: str, found: EvidenceResult) -> None:
    if not found.total:
        click.echo(f"no evidence sentence matches {query}")
        return
    before, after = _marks()
    click.echo(f"{found.total} evidence sentence{'s' if found.total != 1 else ''} match {query}")
    for n, h in enumerate(found.hits, start=found.offset + 1):
        s = h.sentence
        click.echo("")
        click.echo(f"{n}. {s.subject} {s.predicate} {s.object}")
        click.echo("   " + " · ".join(x for x in (h.date, h.file, h.title[:40]) if x))
        click.echo(f"   {h.fragment.marked(before, after)}")
