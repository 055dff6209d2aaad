"""The page's charts and tables as a person reads them, in a real headless Chromium: a
timeline on a true time scale, two terms on one chart, adopters by province and level,
every evidence one click away, facets in order, errors in Chinese, a narrow screen."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import playwright.sync_api as playwright
import pytest

from tests.conftest import need_browser
from tests.test_api_server import server, store  # noqa: F401 - the served store and its server
from tests.test_browser import ARGS, SHOTS, shot

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:  # noqa: F811
    chromium = need_browser()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, args=ARGS)
        yield launched
        launched.close()


def _page(browser: Any, base_url: str, width: int) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=base_url)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert not errors, errors


@pytest.fixture(scope="module")
def page(browser: Any, server: str) -> Iterator[Any]:  # noqa: F811
    yield from _page(browser, server, 1280)


@pytest.fixture
def narrow(browser: Any, server: str) -> Iterator[Any]:  # noqa: F811
    yield from _page(browser, server, 420)


def _points(pg: Any, selector: str = "svg#timeline circle.pt") -> dict[str, float]:
    return dict(
        pg.eval_on_selector_all(
            selector,
            "cs => cs.map(c => [c.dataset.date, c.getBoundingClientRect().x + c.getBoundingClientRect().width / 2])",
        )
    )


def test_the_timeline_is_drawn_on_a_true_time_scale(page: Any) -> None:
    pg = page
    # the page's own chart, fed three dates: two months apart, then two years on
    pg.goto("/#/")
    pg.wait_for_selector("text=采纳最多的机制")
    pg.evaluate(
        """() => {
            const pts = [["2020-01-01", 1], ["2020-03-01", 2], ["2022-03-01", 3]]
              .map(([date, n]) => ({date, new: ["地区" + n], cumulative: n}));
            document.getElementById("view").replaceChildren(timelineChart({term: "试验", points: pts, undated: []}));
        }"""
    )
    x = _points(pg)
    two_months = x["2020-03-01"] - x["2020-01-01"]
    two_years = x["2022-03-01"] - x["2020-03-01"]
    assert two_months > 0 and two_years >= 10 * two_months, x
    # a y-axis with its count labels, and x labels that do not run into each other
    assert pg.locator("svg#timeline text.tick-y").count() >= 2
    boxes = pg.eval_on_selector_all("svg#timeline text.tick-x", "ts => ts.map(t => t.getBoundingClientRect().toJSON())")
    assert len(boxes) >= 2
    assert all(a["right"] <= b["left"] for a, b in itertools.pairwise(boxes)), boxes

    # and the real term page: the gaps between its dates are in proportion to the days
    pg.goto("/#/term/两力两率")
    pg.wait_for_selector("svg#timeline circle.pt")
    x = _points(pg)
    assert {"2023-03-01", "2024-05-24", "2025-06-01"} <= set(x), x
    per_day_first = (x["2024-05-24"] - x["2023-03-01"]) / 450  # days between the dates
    per_day_then = (x["2025-06-01"] - x["2024-05-24"]) / 373
    assert abs(per_day_first - per_day_then) < 0.02 * per_day_first, x
    shot(pg, "timeline")


def test_undated_adopters_are_listed_beside_the_chart(page: Any) -> None:
    pg = page
    pg.goto("/#/")
    pg.wait_for_selector("text=采纳最多的机制")
    pg.evaluate(
        """() => document.getElementById("view").replaceChildren(timelineChart({term: "试验",
            points: [{date: "2024-05", new: ["长沙市"], cumulative: 1}], undated: ["株洲市", "衡阳市"]}))"""
    )
    aside = pg.inner_text("#timeline-undated")
    assert "日期不详" in aside and "株洲市" in aside and "衡阳市" in aside


def test_two_terms_on_one_chart(page: Any) -> None:
    pg = page
    pg.goto("/#/term/两力两率")
    pg.wait_for_selector("#compare-form")
    pg.fill("#compare-form input", "双考")
    pg.click("#compare-form button")
    pg.wait_for_selector("#compare-title")
    series = pg.eval_on_selector_all("svg#timeline g.series", "gs => gs.map(g => g.dataset.term)")
    assert series == ["两力两率", "双考"]
    assert pg.locator("svg#timeline text.legend-label").count() == 2
    assert len(_points(pg, "svg#timeline g.series[data-term='双考'] circle.pt")) >= 1
    shot(pg, "compare")


def test_term_page_counts_adopters_by_province_and_level(page: Any) -> None:
    pg = page
    pg.goto("/#/term/两力两率")
    pg.wait_for_selector("#adopter-counts")
    counts = pg.inner_text("#adopter-counts")
    assert "地级" in counts and "湖南省" in counts
    assert pg.locator("#graph-legend").inner_text().count("地区") >= 1  # the graph says what its colours are


def test_every_evidence_of_a_row_is_a_click_away(page: Any) -> None:
    pg = page
    pg.goto("/#/term/两力两率")
    pg.wait_for_selector("table.adoptions a.all-evidence")
    link = pg.locator("table.adoptions tbody tr", has_text="株洲市").locator("a.all-evidence")
    count = int(link.inner_text().split()[0])
    link.click()
    pg.wait_for_selector("#evidence-title")
    assert "株洲市" in pg.inner_text("#evidence-title")
    assert pg.locator("table.evidence-list tbody tr").count() == count >= 1


def test_facets_sort_years_and_fold_past_ten(page: Any) -> None:
    pg = page
    pg.goto("/#/search?q=政协")
    pg.wait_for_selector("#total")
    years = pg.eval_on_selector_all("section[data-facet='year'] a span:first-child", "s => s.map(x => x.textContent)")
    assert years == sorted(years, reverse=True) and len(years) >= 2
    regions = pg.locator("section[data-facet='region']")
    shown = regions.locator("a:visible").count()
    total = regions.locator("a").count()
    assert total > 10 and shown == 10
    regions.locator("button.more").click()
    assert regions.locator("a:visible").count() == total


def test_errors_speak_the_page_language(page: Any) -> None:
    pg = page
    pg.goto("/#/term/没有这个机制")
    pg.wait_for_selector("#error")
    assert "没有找到" in pg.inner_text("#error")


def test_a_narrow_screen_keeps_names_and_dates_on_one_line(narrow: Any) -> None:
    pg = narrow
    pg.goto("/#/term/两力两率")
    pg.wait_for_selector("table.adoptions tbody tr")
    lines = pg.eval_on_selector_all(
        "table.adoptions td:first-child a, table.adoptions td.date",
        """els => els.map(e => { const r = document.createRange(); r.selectNodeContents(e);
            return [e.textContent, new Set([...r.getClientRects()].map(x => Math.round(x.top))).size]; })""",
    )
    assert lines and all(n == 1 for _, n in lines), lines
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= 420, width  # the table scrolls inside its box; the page itself does not
    shot(pg, "narrow-term")
