"""An address that names no page shows Chinese, never Streamlit's English "Page not found" dialog: the
default page opens with a notice and its login form works. Run on a server of its own, so that the first
visit is the first session of the server process (Streamlit treated that one differently: see
dashboard/server.py)."""

import pytest

from tests.browser import login, streamlit_server, wait_for_app
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser
NOTICE = "没有找到页面“/no-such-page”"


@pytest.fixture(scope="module")
def fresh_server(demo_db_url, users_file, tmp_path_factory):
    env = {"MONITOR_USERS_FILE": str(users_file),
           "MONITOR_AUDIT_URL": f"sqlite:///{tmp_path_factory.mktemp('audit_nf') / 'audit.db'}",
           "MONITOR_COOKIE_SECRET": "test-secret-not-for-production"}
    with streamlit_server(demo_db_url, env=env) as base_url:
        yield base_url


def english_dialog(page) -> int:
    return page.get_by_text("Page not found").count() + page.get_by_text("does not seem to exist").count()


def test_unknown_address_opens_the_default_page_in_chinese(fresh_server, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(fresh_server + "/no-such-page?town=x")   # the first visit to this server
    wait_for_app(page)
    assert english_dialog(page) == 0
    assert page.get_by_text(NOTICE).is_visible()
    assert page.locator('[data-testid="stDialog"]').count() == 0
    assert page.url == fresh_server + "/?town=x"          # the default page, the link's parameters kept
    assert page.locator("h1").first.inner_text().strip() == "防返贫动态监测 · 登录"

    # the login form works, and the user lands on the default page
    login(page, fresh_server, "county", TEST_PASSWORD, "/no-such-page")
    assert english_dialog(page) == 0
    assert page.locator("h1").first.inner_text().strip() == "总览"
    page.close()


def test_default_page_under_its_file_name_and_other_pages(fresh_server, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(fresh_server + "/overview")                 # the default page lives at "/": no notice either
    wait_for_app(page)
    assert english_dialog(page) == 0
    assert page.get_by_text("没有找到页面").count() == 0
    assert page.url == fresh_server + "/"
    page.goto(fresh_server + "/warnings")                 # a known page opens as itself
    wait_for_app(page)
    assert english_dialog(page) == 0
    assert page.get_by_text("没有找到页面").count() == 0
    assert page.url == fresh_server + "/warnings"
    page.goto(fresh_server + "/%E6%B2%A1%E6%9C%89")       # a Chinese address
    wait_for_app(page)
    assert english_dialog(page) == 0
    assert page.get_by_text("没有找到页面“/没有”").is_visible()
    page.close()


def test_address_with_a_slash_in_the_page_name(fresh_server, browser):
    """Streamlit drew nothing at all there (its scripts were looked for under the wrong folder)."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(fresh_server + "/no-such/page?town=x")
    wait_for_app(page)
    assert english_dialog(page) == 0
    assert page.get_by_text("没有找到页面“/no-such”").is_visible()
    assert page.url == fresh_server + "/?town=x"
    page.goto(fresh_server + "/warnings/extra")             # a known page with more after it: the page
    wait_for_app(page)
    assert page.url == fresh_server + "/warnings"
    assert page.get_by_label("用户名").is_visible()
    page.close()
