"""The web page in a real headless Chromium against a real server: what a researcher clicks.

Screenshots go to ``test-output/screenshots/`` for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import playwright.sync_api as playwright
import pytest

from tests.conftest import ROOT, need_browser
from tests.test_api_server import server, store  # noqa: F401 - the served store and its server

pytestmark = pytest.mark.slow
SHOTS = ROOT / "test-output" / "screenshots"
ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[object]:  # noqa: F811
    chromium = need_browser()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}, base_url=server)
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        yield pg
        browser.close()
        assert not errors, errors


def shot(pg: object, name: str) -> None:
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_home_then_region_page(page: object) -> None:
    pg = page
    pg.goto("/")  # type: ignore[attr-defined]
    pg.wait_for_selector("text=采纳最多的机制")  # type: ignore[attr-defined]
    shot(pg, "home")
    pg.goto("/#/region/" + "株洲市")  # type: ignore[attr-defined]
    pg.wait_for_selector("h1#entity-name:has-text('株洲市')")  # type: ignore[attr-defined]
    assert pg.inner_text("#entity-name") == "株洲市"  # type: ignore[attr-defined]
    table = pg.inner_text("table.adoptions")  # type: ignore[attr-defined]
    assert "两力两率" in table and "2023-03-01" in table
    shot(pg, "region")


def test_mechanism_page_adopters_and_download(page: object, tmp_path: Path) -> None:
    pg = page
    pg.goto("/#/term/" + "两力两率")  # type: ignore[attr-defined]
    pg.wait_for_selector("h1#entity-name:has-text('两力两率')")  # type: ignore[attr-defined]
    rows = pg.locator("table.adoptions tbody tr")  # type: ignore[attr-defined]
    assert rows.count() >= 4
    assert "株洲市" in rows.first.inner_text()
    assert pg.locator("svg#timeline circle").count() >= 2  # type: ignore[attr-defined]
    shot(pg, "mechanism")
    with pg.expect_download() as info:  # type: ignore[attr-defined]
        pg.click("#download-adoptions")  # type: ignore[attr-defined]
    target = tmp_path / "adoptions.csv"
    info.value.save_as(target)
    lines = target.read_text(encoding="utf-8-sig").splitlines()  # Excel's byte-order mark
    assert lines[0].startswith("region,region_code") and len(lines) == rows.count() + 1


def test_article_markup_is_inert(page: object) -> None:
    pg = page
    pg.goto("/#/term/" + "潭事好商量")  # type: ignore[attr-defined]
    pg.wait_for_selector("h1#entity-name:has-text('潭事好商量')")  # type: ignore[attr-defined]
    pg.click("table.adoptions tbody tr a[href^='#/article/']")  # type: ignore[attr-defined]
    pg.wait_for_selector("#article-text")  # type: ignore[attr-defined]
    text = pg.inner_text("#article-text")  # type: ignore[attr-defined]
    assert "<script>window.__xss = 1</script>" in text
    assert pg.evaluate("window.__xss") is None  # type: ignore[attr-defined]
    assert pg.locator("#article-text script, #article-text img").count() == 0  # type: ignore[attr-defined]
    assert pg.locator("#article-text a.ent.brand").count() >= 1  # type: ignore[attr-defined]
    shot(pg, "article")


def test_unknown_term_shows_the_closest(page: object) -> None:
    pg = page
    pg.goto("/#/term/" + "两力两律")  # type: ignore[attr-defined]
    pg.wait_for_selector("#error")  # type: ignore[attr-defined]
    assert "两力两率" in pg.inner_text("#error")  # type: ignore[attr-defined]


def test_search_filter_and_open_a_result(page: object) -> None:
    pg = page
    pg.goto("/")  # type: ignore[attr-defined]
    pg.fill("#q", "两力两率")  # type: ignore[attr-defined]
    pg.press("#q", "Enter")  # type: ignore[attr-defined]
    pg.wait_for_selector("#total:has-text('共 3 篇')")  # type: ignore[attr-defined]
    assert pg.locator(".hit").count() == 3  # type: ignore[attr-defined]
    assert pg.locator(".hit mark").first.inner_text() == "两力两率"  # type: ignore[attr-defined]
    shot(pg, "search")
    pg.click(".facets a:has-text('衡阳市')")  # type: ignore[attr-defined]
    pg.wait_for_selector("#total:has-text('共 2 篇')")  # type: ignore[attr-defined]
    title = pg.locator(".hit .result-title").first  # type: ignore[attr-defined]
    expected = title.inner_text()
    title.click()
    pg.wait_for_selector("#article-text")  # type: ignore[attr-defined]
    assert pg.inner_text("h1") == expected  # type: ignore[attr-defined]
    assert pg.locator("#article-text a.ent.mechanism").count() >= 1  # type: ignore[attr-defined]
