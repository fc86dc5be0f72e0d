"""The 预警 drill-down in a real browser: county bar → township → village row → household row → 户情,
then the copied link of a filtered view opened in a fresh browser context shows the same view.

Screenshots go to screenshots/ (git-ignored) for a human to look at: Chinese text must render.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.common import fmt
from queries import leads
from queries.db import make_engine
from queries.filters import Filter
from tests.browser import streamlit_server, wait_for_app

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "screenshots"
AS_OF = "2026-06-30"
BARS = ".js-plotly-plot .barlayer .trace .point path"
EXCEPTION = '[data-testid="stException"]'
VIEWPORT = {"width": 1600, "height": 2200}  # tall enough that each view fits without scrolling


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("drilldown") / "demo.db"
    subprocess.run([sys.executable, "-m", "seed", "--households", "3000", "--as-of", AS_OF, "--out", str(path),
                    "--quiet"], cwd=ROOT, check=True, timeout=300)
    return f"sqlite:///{path}"


def q(url, fn, *args):
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return fn(conn, *args)
    finally:
        engine.dispose()


def open_view(page, base: str, path: str) -> None:
    """Open a view by URL, logging in on the way when the dashboard asks for it (as a colleague would)."""
    page.goto(base + path)
    wait_for_app(page)
    # the run has drawn either the login form or the view's cards
    page.wait_for_selector('[data-testid="stApp"] :is(input[aria-label="用户名"], [data-testid="stMetric"])',
                           timeout=30_000)
    if page.get_by_label("用户名").count():
        from tests.browser import login
        from tests.conftest import TEST_PASSWORD
        login(page, base, "county", TEST_PASSWORD, path)
        assert path.split("?")[0] in page.url


def settle(page) -> None:
    """Wait for a finished script run; every caller then waits for the state it expects (the URL, a heading,
    the metric cards), so a run that had not started yet is waited for there."""
    wait_for_app(page)


def no_exception(page) -> None:
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()
    assert "页面出现错误" not in page.locator('[data-testid="stMain"]').inner_text()


def metrics(page) -> dict[str, str]:
    out = {}
    for m in page.locator('[data-testid="stMetric"]').all():
        label = m.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = m.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return out


# true once the script run has finished and the metric cards show exactly `expected` (label -> value)
METRICS_SHOWN = """expected => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const shown = {};
  for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
    const label = m.querySelector('[data-testid="stMetricLabel"]'), value = m.querySelector('[data-testid="stMetricValue"]');
    if (label && value) shown[label.innerText.trim()] = value.innerText.trim();
  }
  const keys = Object.keys(expected);
  return keys.length === Object.keys(shown).length && keys.every(k => shown[k] === expected[k]);
}"""


def expect_metrics(page, expected: dict[str, str], timeout: float = 30) -> None:
    """The metric cards show `expected` once the run has finished (retrying, like Playwright's expect)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    try:
        page.wait_for_function(METRICS_SHOWN, arg=expected, timeout=timeout * 1000)
    except PlaywrightTimeoutError:
        assert metrics(page) == expected
        raise AssertionError(f"the app was still running after {timeout} s") from None


def expected_cards(url, f: Filter) -> dict[str, str]:
    s = q(url, leads.leads_by_area, f, "county").iloc[0]
    median = fmt.number(s.median_days)
    return {"未解除预警": fmt.count(s.open_total), "每百户预警数": fmt.number(s.per_100, 2),
            "待研判线索": fmt.count(s.pending), "超15天未研判线索": fmt.count(s.overdue),
            "本期研判线索": fmt.count(s.decided_in_period),
            "研判用时中位数": median if median == "—" else f"{median}天"}


def sidebar_select(page, label: str) -> str:
    """The option a sidebar selectbox shows (a combobox input named by its label)."""
    return page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label).input_value()


def param(page, name: str) -> str | None:
    m = re.search(rf"[?&]{name}=([^&#]+)", page.url)
    return m.group(1) if m else None


def click_widest_bar(page) -> str:
    """Click the widest visible bar segment; returns the area code it carries (Plotly customdata)."""
    page.wait_for_function(f"document.querySelectorAll('{BARS}').length > 0", timeout=30_000)
    best = None
    traces = page.locator(".js-plotly-plot .barlayer .trace")
    for i in range(traces.count()):
        points = traces.nth(i).locator(".point path")
        for j in range(points.count()):
            box = points.nth(j).bounding_box()
            if box and (best is None or box["width"] > best[0]):
                best = (box["width"], i, j)
    assert best and best[0] > 3, "no visible bar to click"
    _, i, j = best
    code = page.evaluate(f"""() => {{
        const gd = document.querySelector('.js-plotly-plot');
        return String(gd.data[{i}].customdata[{j}]);
    }}""")
    traces.nth(i).locator(".point path").nth(j).click(force=True)
    return code


def click_table_row(page, table_index: int, row: int) -> None:
    """Tick the row-selection cell of a row in an st.dataframe (a canvas grid: click by position)."""
    grid = page.locator('[data-testid="stDataFrame"]').nth(table_index)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    header, height = 35, 35
    page.mouse.click(box["x"] + 16, box["y"] + header + height * row + height / 2)


@pytest.mark.browser
def test_drill_down_to_household_and_copied_link(demo_url, browser):
    from playwright.sync_api import expect

    SHOTS.mkdir(exist_ok=True)
    with streamlit_server(demo_url) as base:
        ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
        page = ctx.new_page()

        # 1. the county: one bar per township, stacked by level
        open_view(page, base, "/warnings")
        settle(page)
        expect(page.get_by_role("heading", name="预警", exact=True)).to_be_visible()
        page.wait_for_function(f"document.querySelectorAll('{BARS}').length > 0", timeout=30_000)
        no_exception(page)
        expect_metrics(page, expected_cards(demo_url, _filter(demo_url)))
        page.screenshot(path=str(SHOTS / "drilldown_1_county.png"))

        # 2. click a township's bar → its villages
        town = click_widest_bar(page)
        page.wait_for_url(re.compile(rf"town={town}"), timeout=30_000)
        settle(page)
        f_town = _filter(demo_url, township=town)
        expect_metrics(page, expected_cards(demo_url, f_town))
        page.wait_for_function(f"document.querySelectorAll('{BARS}').length > 0", timeout=30_000)
        no_exception(page)
        towns = q(demo_url, _township_names)
        assert sidebar_select(page, "乡镇") == towns[town]
        assert sidebar_select(page, "行政村") == "全部村"
        expect(page.get_by_text("各村未解除预警（按级别）")).to_be_visible()
        page.screenshot(path=str(SHOTS / "drilldown_2_township.png"))

        # 3. select the first village in the table → that village's open warnings, household by household
        # the page lists villages with the most open warnings first
        by_village = q(demo_url, leads.leads_by_area, f_town, "village").sort_values(
            ["open_total", "overdue", "code"], ascending=[False, False, True]).reset_index(drop=True)
        village = by_village.code.iloc[0]
        click_table_row(page, 0, 0)
        page.wait_for_url(re.compile(rf"village={village}"), timeout=30_000)
        settle(page)
        f_village = _filter(demo_url, township=town, village=village)
        expect_metrics(page, expected_cards(demo_url, f_village))
        no_exception(page)
        assert sidebar_select(page, "行政村") == by_village.name.iloc[0]
        lead_list = q(demo_url, leads.open_lead_list, f_village)
        assert len(lead_list) > 0
        expect(page.get_by_text(f"共 {len(lead_list):,} 条未解除预警")).to_be_visible()
        page.screenshot(path=str(SHOTS / "drilldown_3_village.png"))

        # 4. select the first household → 户情, with the filter and the household in the URL
        hh = lead_list.household_code.iloc[0]
        click_table_row(page, 0, 0)
        page.wait_for_url(re.compile(rf"/household\?.*hh={hh}"), timeout=30_000)
        settle(page)
        expect(page.get_by_role("heading", name="户情", exact=True)).to_be_visible()
        expect(page.get_by_text(hh).first).to_be_visible()
        settle(page)
        no_exception(page)
        assert param(page, "town") == town and param(page, "village") == village
        assert sidebar_select(page, "乡镇") == towns[town]
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert not re.search(r"\d{17}[\dX]", main), "an unmasked ID number is on the page"
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 1", timeout=30_000)
        page.screenshot(path=str(SHOTS / "drilldown_4_household.png"))

        # 5. a filtered view in the first browser: this is the link a user would copy
        link = f"/warnings?town={town}&cat=unstable"
        page.goto(base + link)
        settle(page)
        expect_metrics(page, expected_cards(demo_url, _filter(demo_url, township=town, category="unstable")))
        no_exception(page)
        first_view = metrics(page)
        ctx.close()

        # 6. the copied link in a NEW browser context (no session, no cookies) shows the same view
        ctx2 = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
        page2 = ctx2.new_page()
        open_view(page2, base, link)
        settle(page2)
        expect_metrics(page2, first_view)  # the same numbers as in the first browser
        no_exception(page2)
        assert sidebar_select(page2, "乡镇") == towns[town]
        assert sidebar_select(page2, "监测类别") == "脱贫不稳定户"
        assert param(page2, "town") == town and param(page2, "cat") == "unstable"
        crumbs = page2.locator(".st-key-warn_crumbs").inner_text()
        assert "全县" in crumbs and towns[town] in crumbs
        page2.screenshot(path=str(SHOTS / "drilldown_5_copied_link.png"))

        # 7. the breadcrumb 全县 goes back up, keeping the category
        page2.locator(".st-key-warn_crumbs").get_by_role("button", name="全县").click()
        page2.wait_for_url(re.compile(r"/warnings\?cat=unstable$"), timeout=30_000)
        settle(page2)
        expect_metrics(page2, expected_cards(demo_url, _filter(demo_url, category="unstable")))
        no_exception(page2)
        assert sidebar_select(page2, "乡镇") == "全县"
        page2.screenshot(path=str(SHOTS / "drilldown_6_back_to_county.png"))
        ctx2.close()


def _filter(url, **kwargs) -> Filter:
    from queries.areas import data_as_of
    return Filter(as_of=q(url, data_as_of), **kwargs)


def _township_names(conn) -> dict[str, str]:
    from queries.areas import township_list
    from queries.areas import data_as_of
    from queries.filters import Filter
    t = township_list(conn, Filter(as_of=data_as_of(conn)))
    return dict(zip(t.code, t.name))
