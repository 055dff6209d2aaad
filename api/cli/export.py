"""``zxkg export``: the relation graph, the adoption table or panel as files other tools open."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from .options import data_option, filter_options, handle_errors, location, make_filters

FORMAT_NAMES = "graphml, gexf, json, cyjs, neo4j, csv, adoptions, panel, xlsx, cascade, cascade-gexf"


@click.command("export")
@data_option
@click.option("--format", "-f", "fmt", required=True, metavar="FORMAT", help=f"One of {FORMAT_NAMES}.")
@click.option(
    "--output",
    "-o",
    "output",
    required=True,
    metavar="PATH",
    help="File (a directory for neo4j, csv); - writes a one-file format to standard output.",
)
@filter_options
@click.option("--term", "terms", multiple=True, help="Only relations of this mechanism, brand or document.")
@click.option("--around", default=None, metavar="NAME", help="Only the ego network of this entity.")
@click.option("--depth", default=1, type=click.IntRange(min=1), help="Steps out from --around (default 1).")
@click.option(
    "--bom/--no-bom",
    default=True,
    help="Start the adoptions, panel and cascade CSV files with a UTF-8 byte-order mark, which Excel needs "
    "to read Chinese (default: with).",
)
@handle_errors
def export_command(
    data: str | None,
    fmt: str,
    output: str,
    terms: tuple[str, ...],
    around: str | None,
    depth: int,
    bom: bool,
    **kw: Any,
) -> None:
    """Export the relation graph, the adoption table or the adoption panel.

    Formats: graphml, gexf (dynamic, for Gephi's timeline), json (node-link), cyjs
    (Cytoscape), neo4j (a directory of import CSV files), csv (a directory with nodes.csv
    and edges.csv), adoptions (a row per region and term), panel (a row per region, term
    and year), xlsx (both as sheets of one Excel workbook), cascade (a row per adoption with
    its class and the unit it follows), cascade-gexf (who followed whom, dynamic). Files are
    written whole or not at all.
    """
    from zxkg.graph.export import DIRECTORY_FORMATS, check_format, export
    from zxkg.graph.names import Names
    from zxkg.ingest.errors import UsageError
    from zxkg.ingest.gazetteer import Gazetteer
    from zxkg.ingest.store import Store

    check_format(fmt)
    filters = make_filters(kw, terms)
    if output == "-":
        if fmt in DIRECTORY_FORMATS:
            raise UsageError(f"{fmt} writes a directory of files, not one stream; give -o DIR instead of -o -")
        with tempfile.TemporaryDirectory(prefix="zxkg-export-") as tmp:
            target = Path(tmp) / f"export.{fmt}"
            with Store.open(location(data), readonly=True) as store:
                written = export(Names(store, Gazetteer.load()), fmt, target, filters, around=around, depth=depth)
            with target.open("rb") as fh:
                shutil.copyfileobj(fh, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        click.echo(f"{fmt}: {written.summary()} → standard output", err=True)
        return
    parent = Path(output).parent
    missing = next((p for p in (parent, *parent.parents) if p.exists()), None)
    with Store.open(location(data), readonly=True) as store:
        written = export(Names(store, Gazetteer.load()), fmt, output, filters, around=around, depth=depth, bom=bom)
    if missing is not None and missing != parent:
        click.echo(f"created the folder {parent}", err=True)
    click.echo(f"{fmt}: {written.summary()} → {written.path}")
