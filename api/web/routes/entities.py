"""Articles, regions, mechanisms, brands, documents, the adoption table and timelines."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import StringConstraints
from starlette.background import BackgroundTask

from zxkg.graph.export.adoptions import ADOPTION_COLUMNS, adoption_row
from zxkg.graph.export.workbook import write_workbook
from zxkg.graph.models import Adoption, Filters
from zxkg.graph.names import Names
from zxkg.graph.query import (
    adopter_counts,
    adopters,
    adopters_page,
    adoption_evidence,
    adoption_table,
    region_profile,
    similar_regions,
    timeline,
)
from zxkg.ingest.errors import NotFound, UsageError

from ... import serialize
from ..deps import ResourcesDep, StoreDep
from ..params import DateParam
from ..schemas import (
    AdopterCountsOut,
    AdoptersPage,
    AdoptionEvidenceOut,
    AdoptionPage,
    ArticleOut,
    ComparisonOut,
    RegionPage,
    RegionProfileOut,
    TermOut,
    TermPage,
    TimelineOut,
)
from ..validated import ValidatedRoute
from .graph import XLSX

router = APIRouter(tags=["entities"], route_class=ValidatedRoute)

Limit = Annotated[int, Query(ge=1, le=500, description="Rows per page (1–500)")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip")]
Name = Annotated[str, Path(min_length=1, max_length=200)]


@router.get("/articles/{article_id}", response_model=ArticleOut)
def article(store: StoreDep, article_id: Annotated[str, Path(min_length=1, max_length=64)]) -> dict[str, Any]:
    """An article's normalised text with every entity mention (offsets into the text)."""
    page = store.article(article_id)
    if page is None:
        raise NotFound(f"no article {article_id!r}")
    return serialize.article(page)


@router.get("/regions", response_model=RegionPage)
def regions(
    store: StoreDep,
    limit: Limit = 50,
    offset: Offset = 0,
    q: Annotated[str, Query(max_length=50, description="Part of the name")] = "",
) -> dict[str, Any]:
    """Regions named in the corpus, most articles first."""
    total, rows = store.region_list(q, limit, offset)
    return {"total": total, "limit": limit, "offset": offset, "items": [serialize.region_listing(r) for r in rows]}


@router.get("/regions/{name}", response_model=RegionProfileOut)
def region(
    store: StoreDep,
    res: ResourcesDep,
    name: Name,
    subtree: bool = False,
    since: DateParam = "",
    until: DateParam = "",
) -> dict[str, Any]:
    """A region's profile: what it adopted, ran and issued, with evidence (``subtree`` adds the regions under it),
    and the regions with the most mechanisms and brands in common."""
    names = Names(store, res.gazetteer)
    p = region_profile(names, name, Filters(since=since, until=until), subtree=subtree)
    similar = similar_regions(names, p.region.code, Filters(kinds=("mechanism", "brand")), limit=10)
    return serialize.region_profile(p, similar)


def _terms(store: StoreDep, kinds: tuple[str, ...], q: str, limit: int, offset: int) -> dict[str, Any]:
    total, rows = store.term_list(kinds, q, limit, offset)
    return {"total": total, "limit": limit, "offset": offset, "items": [serialize.term_listing(r) for r in rows]}


NameFilter = Annotated[str, Query(max_length=50, description="Part of the name")]


@router.get("/mechanisms", response_model=TermPage)
def mechanisms(store: StoreDep, limit: Limit = 50, offset: Offset = 0, q: NameFilter = "") -> dict[str, Any]:
    """Mechanisms (institutional systems), most adopters first."""
    return _terms(store, ("mechanism",), q, limit, offset)


@router.get("/brands", response_model=TermPage)
def brands(store: StoreDep, limit: Limit = 50, offset: Offset = 0, q: NameFilter = "") -> dict[str, Any]:
    """Brands (named programmes and campaigns), most adopters first."""
    return _terms(store, ("brand",), q, limit, offset)


@router.get("/documents", response_model=TermPage)
def documents(store: StoreDep, limit: Limit = 50, offset: Offset = 0, q: NameFilter = "") -> dict[str, Any]:
    """Documents in 《》, most issuing regions first."""
    return _terms(store, ("document",), q, limit, offset)


@router.get("/mechanisms/{name}", response_model=TermOut)
def mechanism(store: StoreDep, res: ResourcesDep, name: Name) -> TermOut:
    """A mechanism or brand by name or alias."""
    names = Names(store, res.gazetteer)
    matched = names.terms(name, ("mechanism", "brand"))
    # How many adopted it: counted, not read (a term adopted everywhere has thousands of rows)
    _, adopted = adopters_page(names, name, Filters(kinds=("region", "mechanism", "brand")), limit=0)
    main = matched[0]
    aliases = sorted({a for n in matched for a in (n.name, *n.aliases)} - {main.name})
    articles = store.mention_count([n.key for n in matched])
    return TermOut(name=main.name, kind=main.kind, adopters=adopted, articles=articles, aliases=aliases)


@router.get("/mechanisms/{name}/adopters", response_model=AdoptersPage)
def mechanism_adopters(
    store: StoreDep,
    res: ResourcesDep,
    name: Name,
    limit: Limit = 100,
    offset: Offset = 0,
    region: Annotated[str, Query(max_length=50, description="Only this region and the regions under it")] = "",
    since: DateParam = "",
    until: DateParam = "",
) -> dict[str, Any]:
    """The regions that adopted a mechanism or brand (aliases included), first date first, with evidence."""
    names = Names(store, res.gazetteer)
    filters = Filters(kinds=("region", "mechanism", "brand"), region=region, since=since, until=until)
    found, total = adopters_page(names, name, filters, limit, offset)
    return {
        "term": name,
        "matched": [serialize.node(n) for n in found.matched],
        "total": total,
        "limit": limit,
        "offset": offset,
        "items": [serialize.adoption(a) for a in found.adoptions],
    }


@router.get("/adoptions/{region}/{term}/evidence", response_model=AdoptionEvidenceOut)
def adoption_evidence_of(
    store: StoreDep,
    res: ResourcesDep,
    region: Name,
    term: Name,
    since: DateParam = "",
    until: DateParam = "",
) -> dict[str, Any]:
    """Every sentence that states a region's adoption of a term (aliases included), first first, each with
    its article's title, file, source and URL: all the evidence behind one row of the adoption table."""
    names = Names(store, res.gazetteer)
    ev = adoption_evidence(names, term, Filters(since=since, until=until), region=region)
    return serialize.adoption_evidence(ev)


@router.get("/mechanisms/{name}/counts", response_model=AdopterCountsOut)
def mechanism_counts(
    store: StoreDep,
    res: ResourcesDep,
    name: Name,
    region: Annotated[str, Query(max_length=50, description="Only this region and the regions under it")] = "",
    since: DateParam = "",
    until: DateParam = "",
) -> dict[str, Any]:
    """A mechanism's or brand's adopters counted by province and by level (province, prefecture, county)."""
    names = Names(store, res.gazetteer)
    filters = Filters(kinds=("region", "mechanism", "brand"), region=region, since=since, until=until)
    return serialize.adopter_counts(adopter_counts(adopters(names, name, filters)))


MAX_COMPARED = 8


@router.get("/compare", response_model=ComparisonOut)
def compare(
    store: StoreDep,
    res: ResourcesDep,
    terms: Annotated[
        list[Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"[^,、\s]")]],
        Query(min_length=1, max_length=MAX_COMPARED, description="Terms (repeat, or separate by commas)"),
    ],
    by: Literal["date", "month", "year"] = "date",
) -> dict[str, Any]:
    """The timelines of two or more terms, to draw their spread on one time axis."""
    wanted = list(dict.fromkeys(t.strip() for value in terms for t in value.replace("、", ",").split(",") if t.strip()))
    if not 1 <= len(wanted) <= MAX_COMPARED:
        raise UsageError(f"compare takes 1 to {MAX_COMPARED} terms, not {len(wanted)}")
    names = Names(store, res.gazetteer)
    return {"by": by, "series": [serialize.timeline(timeline(names, t, by=by), by) for t in wanted]}


@router.get("/timeline/{term}", response_model=TimelineOut)
def term_timeline(
    store: StoreDep,
    res: ResourcesDep,
    term: Name,
    by: Literal["date", "month", "year"] = "date",
) -> dict[str, Any]:
    """Cumulative adopters of a term over time (the diffusion curve)."""
    return serialize.timeline(timeline(Names(store, res.gazetteer), term, by=by), by)


ADOPTIONS_MAX_OFFSET = 1_000_000  # a page is counted through the table: deeper, download format=csv
CSV_DOWNLOAD = {"text/csv": {"schema": {"type": "string"}}}


@router.get(
    "/adoptions",
    response_model=AdoptionPage,
    responses={
        200: {
            "description": "A page as JSON, or every row as CSV (format=csv) or as an Excel workbook (format=xlsx)",
            "content": {**CSV_DOWNLOAD, XLSX: {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def adoptions(
    store: StoreDep,
    res: ResourcesDep,
    format: Literal["json", "csv", "xlsx"] = "json",
    limit: Limit = 100,
    offset: Annotated[int, Query(ge=0, le=ADOPTIONS_MAX_OFFSET, description="Rows to skip")] = 0,
    region: Annotated[str, Query(max_length=50)] = "",
    term: Annotated[str, Query(max_length=200)] = "",
    kind: Annotated[Literal["mechanism", "brand", "document", ""], Query()] = "",
    since: DateParam = "",
    until: DateParam = "",
    bom: Annotated[bool, Query(description="Start the CSV with a UTF-8 byte-order mark, which Excel needs")] = True,
) -> dict[str, Any] | StreamingResponse | FileResponse:
    """The adoption table: one row per (region, term), first date and evidence; ``format=csv`` downloads all rows
    (with a byte-order mark for Excel unless ``bom=false``), ``format=xlsx`` as an Excel workbook."""
    kinds = ("region", kind) if kind else ("region", "mechanism", "brand", "document")
    filters = Filters(kinds=kinds, region=region, since=since, until=until, terms=(term,) if term else ())
    names = Names(store, res.gazetteer)
    if term:
        names.terms(term)  # an unknown term is a 404 with the closest names, not an empty table
    if format == "xlsx":
        return _workbook(adoption_table(names, filters, by_date=True))
    if format == "csv":
        rows = list(adoption_table(names, filters, by_date=True))
        return StreamingResponse(
            _csv(rows, bom),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="adoptions.csv"'},
        )
    total = 0
    page: list[dict[str, Any]] = []
    for a in adoption_table(names, filters, by_date=True):
        if offset <= total < offset + limit:
            page.append(serialize.adoption(a))
        total += 1
    return {"total": total, "limit": limit, "offset": offset, "items": page}


def _workbook(rows: Iterable[Adoption]) -> FileResponse:
    """The rows as a workbook in a temporary file, removed once sent."""
    tmp = FilePath(tempfile.mkdtemp(prefix="zxkg-adoptions-"))
    try:
        target = tmp / "adoptions.xlsx"
        write_workbook([("adoptions", ADOPTION_COLUMNS, map(adoption_row, rows))], target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return FileResponse(
        target, media_type=XLSX, filename=target.name, background=BackgroundTask(shutil.rmtree, tmp, True)
    )


def _csv(rows: list[Adoption], bom: bool) -> Iterator[str]:
    buf = io.StringIO()
    if bom:
        buf.write("\ufeff")
    w = csv.writer(buf)
    w.writerow(ADOPTION_COLUMNS)
    for i, a in enumerate(rows, 1):
        w.writerow(adoption_row(a))
        if i % 500 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
