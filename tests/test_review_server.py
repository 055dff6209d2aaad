"""``zxkg serve --review``: a real server that takes reviews with its one-time token, and
refuses writes without it; without ``--review`` the API stays read-only."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import api_data
from tests.conftest import ZXKG
from tests.test_api_server import free_port, serve, wait_until_up

pytestmark = pytest.mark.slow  # real processes and servers


def review_server(data: Path) -> Iterator[tuple[str, str]]:
    """A real ``zxkg serve --review`` on a free port: its base URL and the token it printed."""
    port = free_port()
    proc = subprocess.Popen(
        [str(ZXKG), "serve", "--review", "--workers", "1", "--data", str(data), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:\d+/\?token=(\S+)", line)
    assert found, line
    base = f"http://127.0.0.1:{port}"
    wait_until_up(proc, base)
    try:
        yield base, found.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return api_data.build(tmp_path_factory.mktemp("reviewed"))


def call(url: str, method: str = "GET", body: object = None, headers: dict[str, str] | None = None) -> tuple[int, str]:
    req = urllib.request.Request(
        url,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def adopters(base: str) -> dict[str, str]:
    _, text = call(base + "/adoptions?format=csv&bom=false&term=" + urllib.parse.quote("两力两率"))
    return {r["region"]: r["review"] for r in csv.DictReader(io.StringIO(text))}


def test_reviews_need_the_token(data: Path) -> None:
    for base, token in review_server(data):
        reject = {"region": "株洲市", "term": "两力两率", "status": "rejected", "note": "not adopted"}
        assert call(base + "/reviews", "POST", reject)[0] == 401
        assert call(base + "/reviews", "POST", reject, {"X-ZXKG-Token": "wrong"})[0] == 401
        assert call(base + "/reviews", "POST", reject, {"Cookie": f"zxkg_review={token}"})[0] == 401  # no header
        assert "株洲市" in adopters(base)
        status, body = call(base + "/reviews", "POST", reject, {"X-ZXKG-Token": token})
        assert status == 200 and json.loads(body)["reviewed"] >= 1, body
        assert "株洲市" not in adopters(base)
        assert json.loads(call(base + "/reviews?status=rejected")[1])["total"] >= 1
        query = "?region=" + urllib.parse.quote("株洲市") + "&term=" + urllib.parse.quote("两力两率")
        assert call(base + "/reviews" + query, "DELETE")[0] == 401
        assert call(base + "/reviews" + query, "DELETE", headers={"X-ZXKG-Token": token})[0] == 200
        assert adopters(base)["株洲市"] == ""


def test_without_review_the_api_stays_read_only(data: Path) -> None:
    for base in serve(data):
        assert json.loads(call(base + "/reviews/mode")[1]) == {"review": False}
        reject = {"region": "株洲市", "term": "两力两率", "status": "rejected"}
        assert call(base + "/reviews", "POST", reject, {"X-ZXKG-Token": "anything"})[0] == 403
        assert call(base + "/reviews?region=x&term=y", "DELETE")[0] == 403


def test_the_page_walks_a_review(data: Path, tmp_path: Path) -> None:
    import playwright.sync_api as playwright

    from tests.conftest import need_browser
    from tests.test_browser import ARGS, SHOTS

    chromium = need_browser()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for base, token in review_server(data):
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ARGS)
            context = browser.new_context(accept_downloads=True, base_url=base)
            pg = context.new_page()
            errors: list[str] = []
            pg.on("pageerror", lambda e, seen=errors: seen.append(str(e)))
            pg.goto(f"/?token={token}")  # the printed URL: the token goes into a cookie, not the address
            assert "token" not in pg.url
            pg.goto("/#/term/两力两率")
            pg.wait_for_selector("h1#entity-name:has-text('两力两率')")
            row = pg.locator("table.adoptions tbody tr", has_text="株洲市")
            assert row.count() == 1
            row.locator("button.review-reject").click()
            pg.wait_for_selector("#rejected:has-text('株洲市')")
            assert pg.locator("table.adoptions tbody tr", has_text="株洲市").count() == 0
            pg.screenshot(path=str(SHOTS / "review-rejected.png"), full_page=True)
            with pg.expect_download() as info:
                pg.click("#download-adoptions")
            info.value.save_as(tmp_path / "a.csv")
            assert "株洲市" not in (tmp_path / "a.csv").read_text(encoding="utf-8")
            pg.locator("#rejected button.review-reset").first.click()
            pg.wait_for_selector("table.adoptions tbody tr:has-text('株洲市')")
            assert pg.locator("#rejected").count() == 0
            with pg.expect_download() as info:
                pg.click("#download-adoptions")
            info.value.save_as(tmp_path / "b.csv")
            assert "株洲市" in (tmp_path / "b.csv").read_text(encoding="utf-8")
            browser.close()
            assert not errors, errors
