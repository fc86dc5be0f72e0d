"""Every page in a real headless Chromium against a running server on the demo database."""

from datetime import date

import pytest
import sqlalchemy as sa

from dashboard.common import fmt
from dashboard.common.nav import PAGES, url_path_of
from queries import kpis
from queries.filters import Filter
from tests.browser import login, wait_for_app
from tests.conftest import DEMO_AS_OF, ROOT, TEST_PASSWORD

pytestmark = pytest.mark.browser
SHOTS = ROOT / "screenshots"
CHART_PAGES = {"overview", "warnings", "factors", "aid", "targets"}


@pytest.fixture(scope="module")
def county_context(demo_server, browser):
    """One logged-in browser context (cookie kept) for the page tour."""
    context = browser.new_context(viewport={"width": 1600, "height": 2400})
    login(context.new_page(), demo_server, "county", TEST_PASSWORD)
    yield context
    context.close()


@pytest.mark.parametrize("page_name", [p.url_path for p in PAGES if not p.admin])
def test_page_loads_without_exception(demo_server, county_context, page_name):
    page = county_context.new_page()
    page.goto(f"{demo_server}/{url_path_of(next(p.title for p in PAGES if p.url_path == page_name))}")
    wait_for_app(page)
    assert page.get_by_text("Page not found").count() == 0
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"browser_{page_name}.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("页面出现错误").count() == 0
    assert page.locator("h1").first.inner_text().strip() == next(p.title for p in PAGES if p.url_path == page_name)
    # our own Chinese navigation, never Streamlit's file-name list
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    page.get_by_role("link", name="预警").first.wait_for(timeout=15_000)  # a loaded machine may draw it late
    if page_name in CHART_PAGES:
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=15_000)
        drawn = page.locator(".js-plotly-plot g.trace, .js-plotly-plot .heatmaplayer image, .js-plotly-plot .imagelayer image").count()
        assert drawn > 0, f"{page_name}: charts drew no traces"
    page.close()


def test_copied_link_reproduces_filtered_overview(demo_server, demo_db_url, browser):
    engine = sa.create_engine(demo_db_url)
    with engine.connect() as conn:
        town_code, town_name = conn.execute(sa.text("SELECT code, name FROM townships ORDER BY code LIMIT 1 OFFSET 2")).one()
        expected = kpis.headline_kpis(conn, Filter(as_of=date.fromisoformat(DEMO_AS_OF), township=town_code,
                                                   category="unstable")).set_index("key")
    context = browser.new_context(viewport={"width": 1600, "height": 2400})  # a fresh browser, like a colleague's
    page = context.new_page()
    # the colleague is not logged in yet: login lands on exactly the view the link names
    login(page, demo_server, "county", TEST_PASSWORD, f"/?town={town_code}&cat=unstable")
    page.wait_for_selector('[data-testid="stMetric"]')
    assert page.get_by_role("combobox", name="乡镇").input_value() == town_name
    assert page.get_by_role("combobox", name="监测类别").input_value() == "脱贫不稳定户"
    cards = {c.locator('[data-testid="stMetricLabel"]').inner_text().strip():
             c.locator('[data-testid="stMetricValue"]').inner_text().strip()
             for c in page.locator('[data-testid="stMetric"]').all()}
    assert cards["监测户数"] == fmt.count(expected.loc["monitored", "value"])
    assert cards["超15天未研判线索"] == fmt.count(expected.loc["overdue_leads", "value"])
    assert "town=" + town_code in page.url and "cat=unstable" in page.url
    context.close()


@pytest.mark.parametrize("width, height, sidebar_open", [(390, 844, False), (1366, 768, True)])
def test_sidebar_is_collapsed_on_a_phone_and_open_on_a_laptop(demo_server, browser, width, height, sidebar_open):
    """On a phone the sidebar would open over the content on every load: it starts collapsed there."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    login(page, demo_server, "county", TEST_PASSWORD)
    assert page.locator("[data-testid='stMain'] h1").first.is_visible()
    # a collapsed sidebar is slid off the screen's left edge (still "visible" to Playwright)
    box = page.locator('[data-testid="stSidebar"] button:has-text("退出登录")').bounding_box()
    assert (0 <= box["x"] < width) is sidebar_open, box
    context.close()
