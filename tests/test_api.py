"""The HTTP API with the app's test client: every route, its shape, pagination and errors."""

from __future__ import annotations

import csv
import gc
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests import api_data
from tests.conftest import Places, run_cli
from zxkg.api.web import Settings, create_app


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store as a data directory, for what only a data directory has (its search engines)."""
    return api_data.build(tmp_path_factory.mktemp("api"))


@pytest.fixture(scope="module")
def store(places: Places, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The same store on each backend: every test that takes it (or ``client``) runs on both."""
    root = tmp_path_factory.mktemp("api")
    return api_data.build_at(root, places.new(root / "data"))


@pytest.fixture(scope="module")
def client(store: str) -> TestClient:
    return TestClient(create_app(Settings(store=store)))


@pytest.fixture(scope="module")
def search_client(data_dir: Path, engine: str) -> TestClient:
    """The app on each search engine (ingest built the default one)."""
    if not (data_dir / "index" / engine).is_dir():
        assert run_cli("reindex", "--data", str(data_dir), "--engine", engine).returncode == 0
    return TestClient(create_app(Settings(store=data_dir, engine=engine)))


def error_of(response: object) -> dict[str, object]:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "code", "message", "closest"}
    return body["error"]  # type: ignore[no-any-return]


def test_favicon_is_no_content(client: TestClient) -> None:
    response = client.get("/favicon.ico", follow_redirects=False)
    assert response.status_code == 204 and not response.content


def test_health_and_stats(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    stats = client.get("/stats").json()
    assert stats["articles"] == 4
    assert stats["relations"]["adopts"] >= 5 and stats["entities"]["region"] >= 14


def test_regions_list_and_pagination(client: TestClient) -> None:
    first = client.get("/regions", params={"limit": 2}).json()
    second = client.get("/regions", params={"limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] >= 14
    assert len(first["items"]) == 2 and first["items"] != second["items"]
    assert {"name", "code", "level", "province", "articles"} <= set(first["items"][0])
    assert [r["name"] for r in client.get("/regions", params={"q": "湘西"}).json()["items"]] == ["湘西土家族苗族自治州"]


def test_region_profile_by_short_name(client: TestClient) -> None:
    p = client.get("/regions/株洲").json()
    assert p["region"]["name"] == "株洲市" and p["region"]["code"] == "430200"
    terms = {a["term"] for a in p["mechanisms"]}
    assert {"两力两率", "双考"} <= terms
    first = next(a for a in p["mechanisms"] if a["term"] == "两力两率")
    assert first["first_date"] == "2023-03-01" and first["articles"] == 2 and "两力两率" in first["evidence"]


def test_mechanism_adopters_timeline_and_aliases(client: TestClient) -> None:
    term = client.get("/mechanisms/两力两率").json()
    assert term["kind"] == "mechanism" and term["adopters"] >= 4
    adopters = client.get("/mechanisms/两力两率/adopters").json()
    regions = [a["region"] for a in adopters["items"]]
    assert regions[0] == "株洲市" and {"长沙市", "永州市", "衡阳市"} <= set(regions)
    assert all(a["evidence"] and a["article"] for a in adopters["items"])
    assert term["adopters"] == adopters["total"] == len(regions)
    assert client.get("/mechanisms/双考").json()["adopters"] == client.get("/mechanisms/双考/adopters").json()["total"]
    page = client.get("/mechanisms/两力两率/adopters", params={"limit": 1, "offset": 1}).json()
    assert page["total"] == adopters["total"] and page["items"] == adopters["items"][1:2]
    timeline = client.get("/timeline/两力两率").json()
    assert [p["cumulative"] for p in timeline["points"]] == sorted(p["cumulative"] for p in timeline["points"])
    assert timeline["points"][0]["date"] == "2023-03-01"
    # an alias learnt from 委员“双考” finds the same term
    assert client.get("/mechanisms/委员双考").json()["name"] == "双考"


def test_lists_of_terms(client: TestClient) -> None:
    for path, kind in (("/mechanisms", "mechanism"), ("/brands", "brand"), ("/documents", "document")):
        body = client.get(path, params={"limit": 5}).json()
        assert body["total"] >= 1 and all(i["kind"] == kind for i in body["items"])


def test_article_with_mentions(client: TestClient) -> None:
    adopters = client.get("/mechanisms/两力两率/adopters").json()
    article_id = adopters["items"][0]["article"]
    a = client.get(f"/articles/{article_id}").json()
    assert a["title"].startswith("株洲市政协")
    for m in a["mentions"]:
        assert 0 <= m["start"] < m["end"] <= len(a["text"])
    assert any(m["kind"] == "mechanism" and m["name"] == "两力两率" for m in a["mentions"])


def test_adoption_table_json_and_csv(client: TestClient) -> None:
    table = client.get("/adoptions", params={"limit": 500}).json()
    # the byte-order mark Excel needs: read as utf-8-sig, as pandas and readr do
    rows = list(
        csv.DictReader(io.StringIO(client.get("/adoptions", params={"format": "csv"}).content.decode("utf-8-sig")))
    )
    assert len(rows) == table["total"] > 10
    assert {"region", "region_code", "term", "kind", "first_date", "year", "articles", "evidence"} <= set(rows[0])
    only = client.get("/adoptions", params={"term": "两力两率", "format": "csv"})
    assert only.headers["content-type"].startswith("text/csv")
    assert {r["term"] for r in csv.DictReader(io.StringIO(only.content.decode("utf-8-sig")))} == {"两力两率"}


def test_graph_ego_and_exports(client: TestClient) -> None:
    ego = client.get("/graph/ego/株洲市").json()
    keys = {n["id"] for n in ego["nodes"]}
    assert ego["center"] == "region:430200" and "mechanism:两力两率" in keys
    assert all(e["source"] in keys and e["target"] in keys for e in ego["edges"])
    graphml = client.get("/graph/export", params={"format": "graphml"})
    assert graphml.status_code == 200 and b"<graphml" in graphml.content
    neo4j = client.get("/graph/export", params={"format": "neo4j"})
    assert neo4j.headers["content-type"] == "application/zip"
    assert {"nodes.csv", "relationships.csv"} <= set(zipfile.ZipFile(io.BytesIO(neo4j.content)).namelist())


@pytest.mark.parametrize(
    ("path", "status", "needle"),
    [
        ("/mechanisms/两力两律", 404, "两力两率"),
        ("/regions/不存在市", 404, "unknown region"),
        ("/articles/ffffffffffffffff", 404, "no article"),
        ("/regions?limit=0", 422, "limit"),
        ("/regions?limit=100000", 422, "limit"),
        ("/regions?offset=-1", 422, "offset"),
        ("/adoptions?format=xml", 422, "format"),
        ("/graph/export?format=gml", 422, "format: Input should be 'graphml', 'gexf', 'json', 'cyjs', 'neo4j'"),
        ("/timeline/两力两率?by=week", 422, "by"),
        ("/regions/株洲?since=yesterday", 422, "since"),
        ("/nowhere", 404, "Not Found"),
    ],
)
def test_errors_have_one_shape(client: TestClient, path: str, status: int, needle: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    err = error_of(response)
    assert err["status"] == status and needle in str(err["message"]) + str(err["closest"])


def test_unknown_name_lists_the_closest(client: TestClient) -> None:
    err = error_of(client.get("/mechanisms/两力两律"))
    assert "两力两率" in err["closest"]  # type: ignore[operator]


def test_read_only(data_dir: Path) -> None:
    client = TestClient(create_app(Settings(store=data_dir)))
    assert client.post("/stats").status_code == 405
    before = (data_dir / "zxkg.db").stat().st_mtime_ns
    for path in ("/stats", "/regions", "/adoptions", "/mechanisms/双考/adopters"):
        client.get(path)
    assert (data_dir / "zxkg.db").stat().st_mtime_ns == before


def test_web_page_served_offline(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and '<script src="/static/app.js">' in page.text
    assert "http" not in page.text.split("<body>")[1].replace("http://www.w3.org", "")  # no CDN
    assert client.get("/static/app.js").status_code == 200


def test_search_with_facets_fragments_and_pages(search_client: TestClient) -> None:
    client = search_client
    body = client.get("/search", params={"q": "两力两率", "limit": 2}).json()
    assert body["total"] == 3 and len(body["hits"]) == 2
    hit = body["hits"][0]
    assert {"id", "title", "date", "source", "file", "score", "regions", "fragments"} <= set(hit)
    frag = hit["fragments"][0]
    assert all(frag["text"][s:e] == "两力两率" for s, e in frag["marks"])
    assert {"region", "mechanism", "year"} <= set(body["facets"])
    second = client.get("/search", params={"q": "两力两率", "limit": 2, "offset": 2}).json()
    assert len(second["hits"]) == 1 and second["hits"][0]["id"] not in {h["id"] for h in body["hits"]}
    assert client.get("/search", params={"q": "两力两率", "region": "衡阳市"}).json()["total"] == 2  # seed + 衡阳
    assert client.get("/search", params={"q": "两力两率", "year": "2025"}).json()["total"] == 1
    assert client.get("/search", params={"q": "“潭事好商量”"}).json()["total"] == 2


def test_evidence_search(search_client: TestClient) -> None:
    client = search_client
    body = client.get("/evidence", params={"q": "两力两率"}).json()
    assert body["total"] >= 4
    assert {"株洲市", "衡阳市"} <= {i["subject"] for i in body["items"]}
    assert all("两力两率" in i["sentence"]["text"] for i in body["items"])


@pytest.mark.parametrize(
    ("q", "needle"),
    [('"两力两率', "unbalanced quote"), ("foo:bar", "unknown field 'foo'"), ("两" * 2000, "q")],
)
def test_bad_queries_are_clear_errors(client: TestClient, q: str, needle: str) -> None:
    response = client.get("/search", params={"q": q})
    assert response.status_code in (400, 422)
    assert needle in str(error_of(response)["message"])


def test_the_app_sets_its_context_aside_from_the_collector(data_dir: Path) -> None:
    """Full collections walking jieba's dictionary were the slowest answers (not a timing)."""
    before = gc.get_threshold()
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)  # Python's default, whatever an earlier app in this process set
    try:
        create_app(Settings(store=data_dir))
        assert gc.get_freeze_count() > 100_000  # the dictionary and the divisions at least
        assert gc.get_threshold()[0] >= 50_000
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_the_command_line_and_the_api_answer_with_the_same_records(client: TestClient, store: str) -> None:
    """``--json`` and HTTP share api/serialize.py: the same adoption, node, timeline and search records."""
    import json

    data = store
    cli = json.loads(run_cli("adopters", "两力两率", "--data", data, "--json").stdout)
    http = client.get("/mechanisms/两力两率/adopters").json()
    assert cli["adopters"] and cli["adopters"] == http["items"]
    assert cli["matched"] == http["matched"]

    cli_line = json.loads(run_cli("timeline", "两力两率", "--data", data, "--json").stdout)
    assert cli_line == client.get("/timeline/两力两率").json()

    cli_region = json.loads(run_cli("region", "株洲市", "--data", data, "--json").stdout)
    assert cli_region == client.get("/regions/株洲市").json()

    cli_search = json.loads(run_cli("search", "两力两率", "--data", data, "--json").stdout)
    http_search = client.get("/search", params={"q": "两力两率", "facet": ["region", "mechanism", "year"]}).json()
    assert cli_search["hits"] == http_search["hits"] and cli_search["facets"] == http_search["facets"]


def test_response_models_declare_what_the_serializer_writes(client: TestClient) -> None:
    """The OpenAPI document names every field of every record (and no other)."""
    from zxkg.api.web.schemas import AdoptionOut, EvidenceOut, NodeOut, RegionOut, SearchHitOut, TermOut

    adopters = client.get("/mechanisms/两力两率/adopters").json()
    search = client.get("/search", params={"q": "两力两率"}).json()
    evidence = client.get("/evidence", params={"q": "两力两率"}).json()
    pairs = [
        (AdoptionOut, adopters["items"][0]),
        (NodeOut, adopters["matched"][0]),
        (SearchHitOut, search["hits"][0]),
        (EvidenceOut, evidence["items"][0]),
        (RegionOut, client.get("/regions").json()["items"][0]),
        (TermOut, client.get("/mechanisms").json()["items"][0]),
    ]
    for model, record in pairs:
        assert set(model.model_fields) == set(record), model.__name__


def test_openapi_states_the_servers_choices_limits_and_media(client: TestClient) -> None:
    from zxkg.graph.export import FORMATS
    from zxkg.search.index import FACETS
    from zxkg.search.query import MAX_QUERY_CHARS

    doc = client.get("/openapi.json").json()

    def param(path: str, name: str) -> dict[str, Any]:
        found = next(p for p in doc["paths"][path]["get"]["parameters"] if p["name"] == name)
        schema: dict[str, Any] = found["schema"]
        return schema.get("anyOf", [schema])[0]

    assert tuple(param("/graph/export", "format")["enum"]) == FORMATS
    assert tuple(param("/search", "facet")["items"]["enum"]) == FACETS
    assert param("/timeline/{term}", "by")["enum"] == ["date", "month", "year"]
    assert param("/search", "q")["maxLength"] == MAX_QUERY_CHARS == param("/evidence", "q")["maxLength"]
    assert param("/evidence", "offset")["maximum"] == 10_000
    assert param("/adoptions", "offset")["maximum"] == 1_000_000
    assert param("/search", "region")["items"]["minLength"] == 1  # region= says nothing: refused
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    adoption_media = set(doc["paths"]["/adoptions"]["get"]["responses"]["200"]["content"])
    assert adoption_media == {"application/json", "text/csv", xlsx}
    media = set(doc["paths"]["/graph/export"]["get"]["responses"]["200"]["content"])
    assert {"application/graphml+xml", "application/gexf+xml", "text/csv", "application/zip"} <= media
    assert client.get("/search", params={"q": "政协", "region": ""}).status_code == 422
    bad = client.get("/graph/export", params={"format": "json", "since": "soon"}).json()["error"]["message"]
    assert "--" not in bad


def test_compare_puts_several_timelines_side_by_side(client: TestClient) -> None:
    both = client.get("/compare", params={"terms": "两力两率,双考"}).json()
    assert [s["term"] for s in both["series"]] == ["两力两率", "双考"] and both["by"] == "date"
    one = client.get("/timeline/两力两率").json()
    assert both["series"][0]["points"] == one["points"]
    repeated = client.get("/compare", params=[("terms", "两力两率"), ("terms", "双考"), ("by", "year")]).json()
    assert [p["date"] for p in repeated["series"][0]["points"]] == ["2023", "2024", "2025"]
    assert client.get("/compare", params={"terms": "两力两率,没有这个"}).status_code == 404
    assert client.get("/compare", params={"terms": ",".join(f"t{i}" for i in range(9))}).status_code == 400


def test_adopters_counted_by_province_and_level(client: TestClient) -> None:
    counts = client.get("/mechanisms/两力两率/counts").json()
    adopters = client.get("/mechanisms/两力两率/adopters").json()["items"]
    assert counts["adopters"] == len(adopters) == sum(c["adopters"] for c in counts["by_level"])
    assert sum(c["adopters"] for c in counts["by_province"]) == len(adopters)
    assert {"province": "湖南省", "adopters": len(adopters)} in counts["by_province"]
    assert counts["by_level"][0]["level"] == "prefecture"
    assert client.get("/mechanisms/两力两率/counts", params={"since": "2025"}).json()["adopters"] == 1


def test_a_server_keeps_its_sqlite_stores_open_and_follows_a_store_made_anew(tmp_path: Path, ctx: Any) -> None:
    """Read-only SQLite stores serve request after request; every answer sees the latest
    commit, and a store deleted and ingested anew under the server is read from its new file."""
    import shutil

    from tests.conftest import SEED
    from zxkg.ingest.pipeline import ingest
    from zxkg.ingest.store import Store

    data, src = tmp_path / "data", tmp_path / "src"
    src.mkdir()
    shutil.copy(SEED, src / "seed.txt")
    with Store.open(data) as store:
        ingest([str(src)], store, ctx)
    app = create_app(Settings(store=data))
    with TestClient(app) as http:
        assert http.get("/stats").json()["articles"] == 1
        res = app.state.resources
        kept = [id(s) for s, _ in res._idle]
        assert len(kept) == 1
        assert http.get("/stats").json()["articles"] == 1
        assert [id(s) for s, _ in res._idle] == kept  # the same store served again
        (src / "two.txt").write_text("标题二\n株洲市政协推行“协商夜话”机制。", encoding="utf-8")
        with Store.open(data) as store:
            ingest([str(src)], store, ctx)
        assert http.get("/stats").json()["articles"] == 2  # a kept store sees the new commit
        shutil.rmtree(data)
        (src / "seed.txt").unlink()
        with Store.open(data) as store:
            ingest([str(src)], store, ctx)
        assert http.get("/stats").json()["articles"] == 1  # the new file, not the deleted one
    assert res._idle == []  # closed with the app


def test_a_request_to_a_kept_store_goes_through_the_thread_pool_once(data_dir: Path, monkeypatch: Any) -> None:
    """A route's own work runs in the thread pool; taking and giving back a kept SQLite store
    (and reading the app's resources) happen on the event loop: under load each trip through
    the pool cost as much as a small route's work (docs/design-notes.md)."""
    import anyio.to_thread

    trips: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(func: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(getattr(func, "__name__", repr(func)))
        return await run_sync(func, *args, **kwargs)

    with TestClient(create_app(Settings(store=data_dir))) as http:
        assert http.get("/stats").status_code == 200  # the first request opens the store (in the pool)
        monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
        for url in ("/stats", "/mechanisms?limit=3", "/search?q=委员"):
            trips.clear()
            assert http.get(url).status_code == 200
            assert len(trips) == 1, (url, trips)


def test_a_server_builds_its_fast_cutter_before_the_first_search(data_dir: Path) -> None:
    """rjieba's dictionary takes a second or so to build: a server process builds it when it
    starts, not while a reader's first search waits."""
    app = create_app(Settings(store=data_dir))
    assert app.state.resources.segmenter.fast_built


def test_validated_routes_answer_the_bytes_and_schema_of_plain_routes(data_dir: Path) -> None:
    """Routes that check and serialise their answers in their own thread (``ValidatedRoute``)
    answer what FastAPI's own routes answer with the same functions: the same status, type
    and bytes, errors included, and the same response schemas in the OpenAPI document."""
    import inspect

    from fastapi import APIRouter, FastAPI
    from fastapi.routing import APIRoute

    from zxkg.api.web import errors
    from zxkg.api.web.routes import diffusion, entities, graph, meta, search

    app = create_app(Settings(store=data_dir))
    twin = FastAPI()
    twin.state.resources = app.state.resources
    errors.install(twin)
    plain = APIRouter(route_class=APIRoute)
    wrapped = 0
    for module in (meta, search, entities, graph, diffusion):
        for route in module.router.routes:
            if isinstance(route, APIRoute) and getattr(route.endpoint, "answers_validated", False):
                wrapped += 1
                plain.add_api_route(
                    route.path,
                    inspect.unwrap(route.endpoint),
                    methods=list(route.methods),
                    response_model=route.response_model,
                    response_model_by_alias=route.response_model_by_alias,
                    responses=route.responses,
                    response_description=route.response_description,
                )
    twin.include_router(plain)
    assert wrapped >= 15
    urls = [
        "/healthz", "/stats", "/search?q=委员&facet=region&facet=year", "/search?q=委员工作室&sort=date&limit=2",
        "/evidence?q=委员工作室", "/regions?limit=3", "/mechanisms?limit=5", "/brands", "/documents",
        "/mechanisms/委员工作室", "/mechanisms/委员工作室/adopters?limit=3", "/mechanisms/委员工作室/counts",
        "/timeline/委员工作室", "/compare?terms=委员工作室&terms=两力两率", "/graph/ego/委员工作室",
        "/leaders", "/communities", "/diffusion/委员工作室", "/mechanisms/nothing-of-the-kind/adopters",
        "/search?q=AND", "/regions/长沙市",
    ]  # fmt: skip
    with TestClient(app) as ours, TestClient(twin) as theirs:
        for url in urls:
            a, b = ours.get(url), theirs.get(url)
            assert (a.status_code, a.headers["content-type"], a.content) == (
                b.status_code,
                b.headers["content-type"],
                b.content,
            ), url
        schema, twin_schema = ours.get("/openapi.json").json(), theirs.get("/openapi.json").json()
    for path, methods in twin_schema["paths"].items():
        for method, operation in methods.items():
            assert schema["paths"][path][method]["responses"]["200"] == operation["responses"]["200"], path
    assert {k: v for k, v in schema["components"]["schemas"].items() if k in twin_schema["components"]["schemas"]} == {
        k: v for k, v in twin_schema["components"]["schemas"].items() if k in schema["components"]["schemas"]
    }
