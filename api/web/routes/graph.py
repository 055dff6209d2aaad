"""The graph around an entity, and downloads of every export format."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse
from pydantic import StringConstraints
from starlette.background import BackgroundTask

from zxkg.graph.build import ego_network
from zxkg.graph.export import DIRECTORY_FORMATS, FORMATS, check_format, export
from zxkg.graph.models import Filters
from zxkg.graph.names import Names
from zxkg.ingest.errors import UsageError

from ... import serialize
from ..deps import ResourcesDep, StoreDep
from ..params import DateParam
from ..schemas import EgoOut
from ..validated import ValidatedRoute

router = APIRouter(prefix="/graph", tags=["graph"], route_class=ValidatedRoute)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA = {
    "graphml": ("application/graphml+xml", "graphml"),
    "gexf": ("application/gexf+xml", "gexf"),
    "json": ("application/json", "json"),
    "cyjs": ("application/json", "cyjs"),
    "adoptions": ("text/csv", "csv"),
    "panel": ("text/csv", "csv"),
    "cascade": ("text/csv", "csv"),
    "xlsx": (XLSX, "xlsx"),
    "cascade-gexf": ("application/gexf+xml", "gexf"),
}


@router.get("/ego/{entity}", response_model=EgoOut)
def ego(
    store: StoreDep,
    res: ResourcesDep,
    entity: Annotated[str, Path(min_length=1, max_length=200)],
    depth: Annotated[int, Query(ge=1, le=3)] = 1,
    limit: Annotated[int, Query(ge=1, le=2000, description="At most this many edges")] = 300,
) -> dict[str, Any]:
    """The entities within ``depth`` steps of a region, term, document or article, and their relations."""
    return serialize.ego(ego_network(Names(store, res.gazetteer), entity, depth, limit))


ExportFormat = Literal[
    "graphml", "gexf", "json", "cyjs", "neo4j", "csv", "adoptions", "panel", "xlsx", "cascade", "cascade-gexf"
]  # graph.export.FORMATS, in its order (a test holds them equal)
# every media type the download can have; node-link and Cytoscape JSON are objects, the rest files
DOWNLOADS: dict[str, Any] = {
    media: {"schema": {"type": "object"} if media == "application/json" else {"type": "string", "format": "binary"}}
    for media in sorted({m for m, _ in MEDIA.values()} | {"application/zip"})
}


@router.get(
    "/export",
    response_class=FileResponse,
    responses={200: {"description": "The export as a file (neo4j and csv as a zip archive)", "content": DOWNLOADS}},
)
def download(
    store: StoreDep,
    res: ResourcesDep,
    format: Annotated[ExportFormat, Query(description=f"One of {', '.join(FORMATS)}")],
    region: Annotated[str, Query(max_length=50)] = "",
    terms: Annotated[list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] | None, Query()] = None,
    since: DateParam = "",
    until: DateParam = "",
    bom: Annotated[bool, Query(description="A UTF-8 byte-order mark on table CSV files, for Excel")] = True,
) -> FileResponse:
    """The relation graph (or adoption table, panel, both as an Excel workbook) as a file; ``neo4j`` and
    ``csv`` come zipped."""
    check_format(format)
    names = Names(store, res.gazetteer)
    filters = Filters(region=region, since=since, until=until, terms=tuple(terms or ()))
    n = store.count("relations")
    if n > res.settings.max_export_relations:
        raise UsageError(
            f"the store holds {n} relations; exports over HTTP stop at {res.settings.max_export_relations}"
        )
    tmp = FilePath(tempfile.mkdtemp(prefix="zxkg-export-"))
    cleanup = BackgroundTask(shutil.rmtree, tmp, ignore_errors=True)
    try:
        if format in DIRECTORY_FORMATS:
            export(names, format, tmp / format, filters)
            archive = shutil.make_archive(str(tmp / f"zxkg-{format}"), "zip", tmp / format)
            return FileResponse(
                archive, media_type="application/zip", filename=f"zxkg-{format}.zip", background=cleanup
            )
        media, suffix = MEDIA[format]
        target = tmp / f"zxkg-{format}.{suffix}"
        export(names, format, target, filters, bom=bom)
        return FileResponse(target, media_type=media, filename=target.name, background=cleanup)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
