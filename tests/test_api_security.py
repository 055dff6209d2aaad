"""Hostile requests: no SQL is built from what a request says, and no path it names is opened.

Every string parameter of every GET route is given traversal paths, quotes and SQL; the
statements the store runs are recorded before their parameters are bound, and the files
the process touches are watched through audit hooks. Neither may carry the request's text.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests import api_data
from zxkg.api.web import Settings, create_app

MARK = "zxqmark"
HOSTILE = (
    f"../../../../etc/passwd/{MARK}",
    f"{MARK}' OR '1'='1",
    f'{MARK}"); DROP TABLE articles; --',
    f"%_{MARK}%",
)
BENIGN = {"q": "委员", "format": "json"}
FS_EVENTS = ("open", "os.", "shutil.", "tempfile.")

_touched: list[tuple[str, str]] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _touched is None or not event.startswith(FS_EVENTS):
        return
    for arg in args:
        if isinstance(arg, str | bytes | Path):
            text = str(arg)
            if MARK in text or "passwd" in text:
                _touched.append((event, text))


sys.addaudithook(_audit)


class Recording(sqlite3.Connection):
    """A connection that keeps the text of every statement, as written, before binding."""

    statements: ClassVar[list[str]] = []

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        Recording.statements.append(sql)
        return super().execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        Recording.statements.append(sql)
        return super().executemany(sql, *args)

    def executescript(self, sql: str) -> sqlite3.Cursor:  # type: ignore[override]
        Recording.statements.append(sql)
        return super().executescript(sql)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return api_data.build(tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def client(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **kw: connect(*a, factory=Recording, **kw))
    Recording.statements = []
    yield TestClient(create_app(Settings(store=data_dir)))


def takes_text(schema: dict[str, Any]) -> bool:
    """A parameter a caller types text into: a string, or a list of strings."""
    options = schema.get("anyOf", [schema])
    return any(o.get("type") == "string" or o.get("items", {}).get("type") == "string" for o in options)


def hostile_requests(client: TestClient) -> Iterator[tuple[str, dict[str, str]]]:
    """(path, query) for every GET operation with one text parameter made hostile at a time."""
    for route, ops in client.get("/openapi.json").json()["paths"].items():
        params = ops.get("get", {}).get("parameters", [])
        for target in params:
            if not takes_text(target["schema"]):
                continue
            for value in HOSTILE:
                path = route
                query: dict[str, str] = {}
                for p in params:
                    v = value if p is target else BENIGN.get(p["name"], "株洲")
                    if p["in"] == "path":
                        path = path.replace("{" + p["name"] + "}", quote(v, safe=""))
                    elif p is target or p.get("required"):
                        query[p["name"]] = v
                yield path, query


def test_no_request_text_reaches_sql_or_the_file_system(client: TestClient, data_dir: Path) -> None:
    global _touched
    before = (data_dir / "zxkg.db").read_bytes()
    answered: dict[int, int] = {}
    _touched = []
    try:
        for path, query in hostile_requests(client):
            r = client.get(path, params=query)
            answered[r.status_code] = answered.get(r.status_code, 0) + 1
            assert r.status_code in (200, 400, 404, 422), (path, query, r.status_code, r.text[:300])
            assert "error" in r.json() if r.status_code != 200 and "json" in r.headers["content-type"] else True
        touched, _touched = _touched, None
    finally:
        _touched = None
    assert len(Recording.statements) > 100 and sum(answered.values()) > 100, answered
    assert [s for s in Recording.statements if MARK in s or "passwd" in s] == []
    assert touched == []
    assert (data_dir / "zxkg.db").read_bytes() == before


def test_traversal_and_wildcards_are_plain_text(client: TestClient) -> None:
    for fmt in ("../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "json/../../x", "/etc/passwd"):
        r = client.get("/graph/export", params={"format": fmt})
        assert r.status_code == 422 and "Input should be 'graphml'" in r.json()["error"]["message"]
    for path in ("/static/../../../etc/passwd", "/static/..%2F..%2F..%2Fetc%2Fpasswd", "/articles/..%2F..%2Fzxkg.db"):
        r = client.get(path)
        assert r.status_code == 404 and "root:" not in r.text
    # a % or _ in a name filter is the character itself, not a LIKE wildcard
    for q in ("%", "_", "%%", "株%", "_市"):
        for route in ("/regions", "/mechanisms", "/documents"):
            page = client.get(route, params={"q": q}).json()
            assert page["total"] == 0 and page["items"] == [], (route, q)
    assert client.get("/regions", params={"q": "株"}).json()["total"] >= 1


def test_limits_on_page_size_query_length_and_export_size(data_dir: Path) -> None:
    client = TestClient(create_app(Settings(store=data_dir, max_export_relations=10)))
    for path, params, status, needle in [
        ("/regions", {"limit": 501}, 422, "limit"),
        ("/adoptions", {"limit": 501}, 422, "limit"),
        ("/search", {"q": "委员", "limit": 101}, 422, "limit"),
        ("/search", {"q": "委员" * 300}, 422, "q: String should have at most 500 characters"),
        ("/evidence", {"q": "委员", "offset": 10_001}, 422, "offset"),
        ("/adoptions", {"offset": 1_000_001}, 422, "offset"),
        ("/graph/export", {"format": "json"}, 400, "exports over HTTP stop at 10"),
    ]:
        r = client.get(path, params=params)
        assert r.status_code == status, (path, params, r.text[:300])
        assert needle in r.json()["error"]["message"], (path, r.json())
