"""What strict consumers of the exports demand, on a store of a real ingest (both backends):
every alias the lexicon learnt in every graph format, GraphML whose ids are NMTOKENs, files
that validate against the official GraphML and GEXF schemas, and the edge cases of ``-o``.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from lxml import etree

from bench.corpus import generate, sample_texts
from tests.conftest import SEED, Places, run_cli
from zxkg.graph.export import export
from zxkg.graph.names import Names
from zxkg.ingest.gazetteer import Gazetteer
from zxkg.ingest.link import Context
from zxkg.ingest.pipeline import build_context, ingest
from zxkg.ingest.store import Store

SCHEMAS = Path(__file__).parent / "schemas"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
# XML 1.0's NameChar, as NMTOKEN takes it: letters, digits, . - _ : and the Unicode ranges
NAME_CHAR = (
    r"A-Za-z0-9._:\-\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C\u200D"
    r"\u203F\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF\u0300-\u036F"
)
NMTOKEN = re.compile(f"^[{NAME_CHAR}]+$")


@pytest.fixture(scope="module")
def location(places: Places, tmp_path_factory: pytest.TempPathFactory, module_ctx: Context) -> str:
    where = places.new(tmp_path_factory.mktemp("contracts") / "data")
    with Store.open(where) as store:
        assert ingest([str(SEED)], store, module_ctx).counts()["failed"] == 0
    return where


@pytest.fixture
def names(location: str, gaz: Gazetteer) -> Iterator[Names]:
    with Store.open(location, readonly=True) as store:
        yield Names(store, gaz)


def learnt_aliases(names: Names) -> dict[tuple[str, str], set[str]]:
    """(kind, name) → the aliases the lexicon learnt for it, as the store reports them."""
    return {(t.kind, t.name): set(t.aliases) for t in names.store.corpus_terms() if t.aliases}


def node_aliases(fmt: str, path: Path) -> dict[tuple[str, str], set[str]]:
    """(kind, name) → aliases, read from an export the way its consumers read it."""
    out: dict[tuple[str, str], set[str]] = {}

    def add(data: dict[str, Any]) -> None:
        value = data.get("aliases") or ""
        items = value if isinstance(value, list) else [a for a in re.split(r"[|;]", value) if a]
        out[(data["kind"], data["name"])] = set(items)

    if fmt in ("graphml", "gexf"):
        g = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
        for _, data in g.nodes(data=True):
            add(data)
    elif fmt == "json":
        for data in json.loads(path.read_text(encoding="utf-8"))["nodes"]:
            add(data)
    elif fmt == "cyjs":
        for n in json.loads(path.read_text(encoding="utf-8"))["elements"]["nodes"]:
            add(n["data"])
    else:
        with (path / "nodes.csv").open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                add({k.split(":")[0]: v for k, v in row.items() if k})
    return out


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "cyjs", "neo4j", "csv"])
def test_every_learnt_alias_reaches_every_graph_format(names: Names, tmp_path: Path, fmt: str) -> None:
    learnt = learnt_aliases(names)
    assert learnt, "the seed article teaches aliases"
    path = tmp_path / f"g.{fmt}"
    export(names, fmt, path)
    found = node_aliases(fmt, path)
    for term, aliases in learnt.items():
        if term in found:  # a term with no relation in the graph is no node
            assert aliases <= found[term], (fmt, term)
    assert sum(term in found for term in learnt) >= len(learnt) // 2


def test_graphml_ids_are_nmtokens_and_the_key_is_kept(names: Names, tmp_path: Path) -> None:
    path = tmp_path / "g.graphml"
    export(names, "graphml", path)
    root = etree.parse(str(path)).getroot()
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    ids = [n.get("id") for n in root.iter(f"{ns}node")]
    ends = [e.get(a) for e in root.iter(f"{ns}edge") for a in ("source", "target")]
    names_ = [k.get("attr.name") for k in root.iter(f"{ns}key")]
    assert all(NMTOKEN.match(str(v)) for v in [*ids, *ends, *names_])
    g = nx.read_graphml(path)
    keys = {d["key"] for _, d in g.nodes(data=True)}
    assert len(keys) == len(ids)
    hostile = [k for k in keys if not NMTOKEN.match(k)]
    assert hostile, "the seed has keys that are not NMTOKENs (a + or a Chinese comma), which ids may not be"


def schema(kind: str) -> etree.XMLSchema:
    """The official schema, vendored under tests/schemas/ (see its README and COPYRIGHT)."""
    main = {"graphml": SCHEMAS / "graphml" / "graphml.xsd", "gexf": SCHEMAS / "gexf" / "gexf.xsd"}[kind]
    if not main.exists():
        pytest.skip(f"NOT VALIDATED: the official {kind} schema is not vendored at {main}")
    return etree.XMLSchema(etree.parse(str(main)))


XML_FORMATS = ["graphml", "gexf", "cascade-gexf"]


def assert_valid(fmt: str, path: Path) -> None:
    xsd = schema("graphml" if fmt == "graphml" else "gexf")
    doc = etree.parse(str(path), etree.XMLParser(huge_tree=True))
    assert xsd.validate(doc), f"{path}: " + "\n".join(str(e) for e in list(xsd.error_log)[:10])
    assert any(el.tag.endswith("}node") for el in doc.iter()), f"{path} holds no node: nothing was validated"


@pytest.mark.parametrize("fmt", XML_FORMATS)
def test_xml_exports_validate_against_the_official_schemas(names: Names, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"g.{fmt}"
    export(names, fmt, path)
    assert_valid(fmt, path)


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        (  # a node id that is no NMTOKEN, as GraphML exports wrote them before
            "graphml",
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">'
            '<node id="brand:党建+八大员"/></graph></graphml>',
        ),
        (  # networkx's name="" on <graph>, which GEXF 1.2 does not have
            "gexf",
            '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2"><graph name=""><nodes/><edges/></graph></gexf>',
        ),
    ],
)
def test_the_schemas_refuse_what_strict_consumers_refuse(kind: str, document: str) -> None:
    """The vendored schemas are the ones that judge: they refuse the faults #21 found."""
    xsd = schema(kind)
    assert not xsd.validate(etree.fromstring(document.encode("utf-8")))


def test_the_shared_corpus_exports_validate(tmp_path: Path, module_ctx: Context) -> None:
    """GraphML and GEXF of the shared articles (74 real ones) pass the official schemas."""
    if not (SHARED / "corpus").is_dir():
        pytest.skip(f"{SHARED / 'corpus'} is absent")
    data = tmp_path / "data"
    with Store.open(data) as store:
        assert ingest([str(SHARED / "corpus")], store, module_ctx).counts()["failed"] == 0
    with Store.open(data, readonly=True) as store:
        for fmt in XML_FORMATS:
            path = tmp_path / f"shared.{fmt}"
            export(Names(store, module_ctx.gazetteer), fmt, path)
            assert_valid(fmt, path)


@pytest.mark.slow
def test_a_5000_article_synthetic_export_validates(tmp_path: Path) -> None:
    """The exports of a 5,000-article synthetic corpus (bench/corpus.py) pass the official
    schemas. The articles are capped at 400 bytes: the nodes and edges come from each
    article's opening sentence (a drawn region acting on a drawn term) and from the real
    paragraphs after it, and at that length every paragraph of the pool is still drawn
    (checked below), at a fifth of the text to segment. Ingested in this process, one
    worker, no search index: the exports read the store only."""
    corpus = tmp_path / "bench.jsonl"
    shared = SHARED if SHARED.is_dir() else None
    assert generate(5000, 20240524, corpus, shared, longest=400)["articles"] == 5000
    drawn = {p for line in corpus.open(encoding="utf-8") for p in json.loads(line)["content"].split("\n")[1:]}
    pool = {p for t in sample_texts(shared) for p in t.split("\n")[1:] if 30 <= len(p) <= 1500}
    assert pool <= drawn, f"{len(pool - drawn)} paragraphs of the pool were never drawn"
    data, ctx = tmp_path / "data", build_context()  # its own: the 5,000 articles teach it words
    with Store.open(data) as store:
        assert ingest([str(corpus)], store, ctx).counts()["ingested"] == 5000
    with Store.open(data, readonly=True) as store:
        for fmt in XML_FORMATS:
            path = tmp_path / f"big.{fmt}"
            export(Names(store, ctx.gazetteer), fmt, path)
            assert_valid(fmt, path)


def test_cli_export_of_articles_gives_articles_and_mentions(location: str, tmp_path: Path) -> None:
    out = tmp_path / "articles.json"
    ran = run_cli("export", "--data", location, "-f", "json", "-o", str(out), "--kind", "article")
    assert ran.returncode == 0, ran.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {n["kind"] for n in data["nodes"]} >= {"article"} and data["edges"]
    assert {e["predicate"] for e in data["edges"]} == {"mentions"}


def test_cli_export_of_mentions_brings_the_articles(location: str, tmp_path: Path) -> None:
    out = tmp_path / "mentions.json"
    ran = run_cli("export", "--data", location, "-f", "json", "-o", str(out), "--predicate", "mentions")
    assert ran.returncode == 0, ran.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert "article" in {n["kind"] for n in data["nodes"]}
    assert data["edges"] and {e["predicate"] for e in data["edges"]} == {"mentions"}


def test_articles_with_a_predicate_they_never_have_stop_with_what_to_add(location: str, tmp_path: Path) -> None:
    out = tmp_path / "none.json"
    ran = run_cli(
        "export", "--data", location, "-f", "json", "-o", str(out), "--kind", "article", "--predicate", "adopts"
    )
    assert ran.returncode == 2 and not out.exists()
    assert "add predicate mentions, or another kind" in ran.stderr


def test_dash_writes_a_one_file_format_to_standard_output(location: str, tmp_path: Path) -> None:
    ran = run_cli("export", "--data", location, "-f", "json", "-o", "-")
    assert ran.returncode == 0, ran.stderr
    data = json.loads(ran.stdout)
    assert data["nodes"] and data["edges"]
    assert "→ standard output" in ran.stderr and not Path("-").exists()
    gexf = run_cli("export", "--data", location, "-f", "gexf", "-o", "-")
    assert gexf.returncode == 0 and etree.fromstring(gexf.stdout.encode("utf-8")).tag.endswith("gexf")


@pytest.mark.parametrize("fmt", ["csv", "neo4j"])
def test_dash_is_refused_for_directory_formats(location: str, fmt: str) -> None:
    ran = run_cli("export", "--data", location, "-f", fmt, "-o", "-")
    assert ran.returncode == 2 and "give -o DIR instead of -o -" in ran.stderr and not ran.stdout
    assert not Path("-").exists()


def test_a_missing_folder_is_created_and_said(location: str, tmp_path: Path) -> None:
    target = tmp_path / "not" / "yet" / "g.graphml"
    ran = run_cli("export", "--data", location, "-f", "graphml", "-o", str(target))
    assert ran.returncode == 0 and target.exists()
    assert f"created the folder {target.parent}" in ran.stderr
    again = run_cli("export", "--data", location, "-f", "graphml", "-o", str(target))
    assert again.returncode == 0 and "created the folder" not in again.stderr


def _csv_columns(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def test_no_node_column_is_always_empty(places: Places, tmp_path: Path) -> None:
    """An ambiguous region (鼓楼区: four districts) is only mentioned: its ``candidates`` is a
    column of an export that holds it, and of no export that leaves it out."""
    article = tmp_path / "a.txt"
    article.write_text(
        "标题：会议\n发布时间:2024-05-24\n\n鼓楼区政协召开常委会议，长沙市政协全面推行“委员双考”机制。\n",
        encoding="utf-8",
    )
    where = places.new(tmp_path / "data")
    assert run_cli("ingest", "--data", where, "--quiet", str(article)).returncode == 0
    for extra, holds_article in (([], False), (["--kind", "article", "--kind", "region"], True)):
        out = tmp_path / f"csv{len(extra)}"
        ran = run_cli("export", "--data", where, "-f", "csv", "-o", str(out), *extra)
        assert ran.returncode == 0, ran.stderr
        columns, rows = _csv_columns(out / "nodes.csv")
        assert rows
        assert [c for c in columns if not any(r[c] for r in rows)] == [], columns
        assert ("candidates" in columns) is holds_article and ("title" in columns) is holds_article
        if holds_article:
            (ambiguous,) = [r for r in rows if r["candidates"]]
            assert ambiguous["name"] == "鼓楼区" and len(ambiguous["candidates"].split(",")) > 1


def _neo4j_relationships(folder: Path) -> tuple[list[str], list[dict[str, str]]]:
    with (folder / "relationships.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def test_neo4j_keeps_evidence_whitespace_and_date_precision(places: Places, tmp_path: Path) -> None:
    """Read back as neo4j-admin reads it (RFC 4180 CSV): every evidence is the JSON export's,
    a leading space included; a year or a month stays a string, and only a whole day is a
    ``:date``."""
    src = tmp_path / "src"
    src.mkdir()
    articles = {  # date → text; the sentence after 。 starts with a space
        "2024-05-24": "会议召开。 长沙市政协全面推行“委员双考”机制。",
        "2024-05": "株洲市政协全面推行“委员双考”机制。",
        "2023": "湘潭市政协全面推行“两力两率”评价。",
    }
    for i, (date, text) in enumerate(articles.items()):
        (src / f"{i}.txt").write_text(f"title: 第{i}篇\ndate: {date}\n---\n{text}\n", encoding="utf-8")
    where = places.new(tmp_path / "data")
    assert run_cli("ingest", "--data", where, "--quiet", str(src)).returncode == 0
    assert run_cli("export", "--data", where, "-f", "json", "-o", str(tmp_path / "g.json")).returncode == 0
    assert run_cli("export", "--data", where, "-f", "neo4j", "-o", str(tmp_path / "neo")).returncode == 0

    edges = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))["edges"]
    quoted = {(e["source"], e["target"], e["predicate"].upper()): e["evidence"]["quote"] for e in edges}
    header, rows = _neo4j_relationships(tmp_path / "neo")
    assert {(r[":START_ID"], r[":END_ID"], r[":TYPE"]): r["evidence"] for r in rows} == quoted
    assert any(q.startswith(" ") for q in quoted.values()), "the seed texts keep a leading space"

    assert {"first_date", "last_date", "first_day:date", "last_day:date"} <= set(header)
    assert not any(h.startswith(("first_date:", "last_date:")) for h in header)  # strings, not :date
    adopted = {r["first_date"]: r["first_day:date"] for r in rows if r[":TYPE"] == "ADOPTS"}
    assert adopted == {"2024-05-24": "2024-05-24", "2024-05": "", "2023": ""}
    with (tmp_path / "neo" / "nodes.csv").open(encoding="utf-8", newline="") as fh:
        nodes = list(csv.DictReader(fh))
    starts = {r["name"]: (r["start"], r["start_day:date"]) for r in nodes if r["kind"] == "region"}
    assert starts["株洲市"] == ("2024-05", "") and starts["长沙市"] == ("2024-05-24", "2024-05-24")
