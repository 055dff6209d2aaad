"""Exports that open in the tools analysts use; one module per format.

| format | writes | opens in |
| --- | --- | --- |
| ``graphml`` | one file | yEd, Gephi, Cytoscape, igraph, networkx |
| ``gexf`` | one file (GEXF 1.2, dynamic) | Gephi, with its timeline |
| ``json`` | one file (node-link) | networkx, D3 |
| ``cyjs`` | one file | Cytoscape, Cytoscape.js |
| ``neo4j`` | a directory: nodes.csv, relationships.csv | neo4j-admin database import |
| ``csv`` | a directory: nodes.csv, edges.csv | spreadsheets, R, pandas |
| ``adoptions`` | one CSV file: a row per (region, term) | spreadsheets, Stata, R |
| ``panel`` | one CSV file: a row per region, term, year | event-history models |
| ``xlsx`` | one workbook: the adoption table and the panel as sheets | Excel, LibreOffice, WPS |
| ``cascade`` | one CSV file: a row per adoption with its class and source | event-history and network-inference tools |
| ``cascade-gexf`` | one file (GEXF 1.2, dynamic): who followed whom | Gephi, with its timeline |

Every writer streams (nodes and edges come from SQL cursors) into temporary files that
are renamed into place when complete. The CSV files of tables (adoptions, panel, cascade)
carry a UTF-8 byte-order mark unless ``bom`` is false (see ``adoptions``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from zxkg.ingest.errors import choices
from zxkg.ingest.store import RelationQuery

from ..build import GraphView, ego_query
from ..cascade import cascades
from ..models import Filters
from ..names import Names
from ..query import adoption_table, panel
from .adoptions import ADOPTION_COLUMNS, PANEL_COLUMNS, adoption_row, panel_row, write_adoptions, write_panel
from .cascade import write_cascade_csv, write_cascade_gexf
from .cyjs import write_cyjs
from .files import Written
from .gexf import write_gexf
from .graphml import write_graphml
from .neo4j import write_neo4j
from .nodelink import write_node_link
from .plaincsv import write_csv
from .workbook import write_workbook

GraphWriter = Callable[[GraphView, str | Path], Written]
GRAPH_WRITERS: dict[str, GraphWriter] = {
    "graphml": write_graphml,
    "gexf": write_gexf,
    "json": write_node_link,
    "cyjs": write_cyjs,
    "neo4j": write_neo4j,
    "csv": write_csv,
}
FORMATS = (*GRAPH_WRITERS, "adoptions", "panel", "xlsx", "cascade", "cascade-gexf")
DIRECTORY_FORMATS = ("neo4j", "csv")


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise choices("export format", fmt, FORMATS)
    return fmt


def export(
    names: Names,
    fmt: str,
    path: str | Path,
    filters: Filters = Filters(),
    around: str | None = None,
    depth: int = 1,
    bom: bool = True,
) -> Written:
    """Export the relations ``filters`` keep (or the ego network ``around`` an entity).

    ``fmt`` is one of ``FORMATS``; ``path`` is a file, or a directory for ``neo4j`` and
    ``csv``. The adoption table, panel and cascades ignore ``around``; cascades are one
    per ``filters.terms`` (aliases merged), or one per term entity without them.
    """
    check_format(fmt)
    if fmt == "adoptions":
        return write_adoptions(adoption_table(names, filters), path, bom=bom)
    if fmt == "panel":
        return write_panel(panel(names, filters), path, bom=bom)
    if fmt == "xlsx":
        return write_workbook(
            [
                ("adoptions", ADOPTION_COLUMNS, map(adoption_row, adoption_table(names, filters))),
                ("panel", PANEL_COLUMNS, map(panel_row, panel(names, filters))),
            ],
            path,
        )
    if fmt == "cascade":
        return write_cascade_csv(cascades(names, filters), path, bom=bom)
    if fmt == "cascade-gexf":
        return write_cascade_gexf(cascades(names, filters), path)
    query: RelationQuery = ego_query(names, around, depth, filters) if around else names.query(filters)
    return GRAPH_WRITERS[fmt](GraphView(names.store, query), path)


__all__ = ["DIRECTORY_FORMATS", "FORMATS", "Written", "check_format", "export"]
