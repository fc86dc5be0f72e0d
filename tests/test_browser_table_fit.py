"""On a 1366×768 laptop (sidebar open) the wide tables fit the page without sideways scrolling: 巡查选点's village
ranking, and on 漏评排查 the counts of every screening criterion by township and the criteria's 口径 (whose rows
are tall enough for the text to wrap, instead of being cut off)."""

import pytest

from tests.browser import login, wait_for_app
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 768}
GRID = "[data-testid='stDataFrame']"


def table_after(page, heading: str):
    """The first table after the heading that contains `heading`."""
    return page.locator(f"xpath=//h3[contains(., '{heading}')]/following::*[@data-testid='stDataFrame'][1]")


def scroll_widths(table) -> dict:
    """The grid's scrolled width and visible width (glide-data-grid scrolls inside .dvn-scroller)."""
    table.wait_for(state="visible")
    return table.evaluate("el => { const s = el.querySelector('.dvn-scroller');"
                          " return {scroll: s.scrollWidth, client: s.clientWidth}; }")


def test_planner_ranking_fits_a_laptop(demo_server, browser):
    page = browser.new_page(viewport=LAPTOP)
    login(page, demo_server, "county", TEST_PASSWORD, "/planner")
    w = scroll_widths(table_after(page, "各村风险评分"))
    assert w["scroll"] <= w["client"], w
    page.close()


def test_screening_tables_fit_a_laptop(demo_server, browser):
    page = browser.new_page(viewport=LAPTOP)
    login(page, demo_server, "county", TEST_PASSWORD, "/screening")
    w = scroll_widths(table_after(page, "疑似漏评户"))
    assert w["scroll"] <= w["client"], w

    expander = page.locator("[data-testid='stExpander']", has_text="排查条件和阈值")
    expander.get_by_text("排查条件和阈值（口径）").click()
    rules = expander.locator(GRID)
    rules.wait_for(state="visible")
    wait_for_app(page)
    w = scroll_widths(rules)
    assert w["scroll"] <= w["client"], w
    # ten criteria in rows taller than 64 px (where Streamlit wraps a cell's text): the 口径 are not cut off
    assert rules.bounding_box()["height"] > 10 * 64
    page.close()
