"""The city level in headless Chromium (issue 20), on SQLite and PostgreSQL: the hand-built two-county city
(tests/city_books.py). A city user drills 全市 → 东县 → 甲镇 by clicks on 预警's area table and goes back up by
the breadcrumbs; 东县's user, sent a link to 西县, sees 东县 only and is offered no county to choose."""

from __future__ import annotations

import contextlib
import uuid

import pytest

from queries.db import make_engine
from queries.schema import metadata
from tests.browser import login, streamlit_server, wait_for_app
from tests.city_books import EA, EAST, WC, WEST, import_city
from tests.test_browser_drilldown import click_table_row, no_exception

PASSWORD = "city-pass-1"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
MAIN = '[data-testid="stMain"]'


@pytest.fixture(scope="module")
def city_server(request, tmp_path_factory):
    """get(backend) -> base URL of a dashboard on the city, imported and started once per backend."""
    from dashboard.security.users import add_user
    users = tmp_path_factory.mktemp("city_users") / "users.json"
    add_user(users, "shi", PASSWORD, "city")
    add_user(users, "dongxian", PASSWORD, "county", county=EAST)
    servers: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        def get(backend: str) -> str:
            if backend in servers:
                return servers[backend]
            where = tmp_path_factory.mktemp(f"city_{backend}")
            if backend == "sqlite":
                url = reader = f"sqlite:///{where / 'city.db'}"
            else:
                name = f"city_{uuid.uuid4().hex[:12]}"
                pg = request.getfixturevalue("pg_server")
                url, reader = pg.create_database(name), pg.reader_url(name)
            engine = make_engine(url, read_only=False)
            metadata.create_all(engine)
            import_city(engine, where)
            engine.dispose()
            env = {"MONITOR_USERS_FILE": str(users), "MONITOR_AUDIT_URL": f"sqlite:///{where / 'audit.db'}",
                   "MONITOR_COOKIE_SECRET": "city-test-secret"}
            servers[backend] = stack.enter_context(streamlit_server(reader, env=env))
            return servers[backend]
        yield get


def wait_for_param(page, name: str, value: str | None) -> None:
    """Until the URL says `name`=`value` (None: no such parameter) and the run it started is over."""
    page.wait_for_function("([n, v]) => new URLSearchParams(location.search).get(n) === v", arg=[name, value],
                           timeout=30_000)
    wait_for_app(page)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_city_leader_drills_to_a_township_and_back(city_server, browser, backend):
    base = city_server(backend)
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        login(page, base, "shi", PASSWORD, "/warnings")
        wait_for_app(page)
        no_exception(page)
        main = page.locator(MAIN)
        assert "各县（市、区）预警处置情况" in main.inner_text()
        # the table lists the counties by open warnings: 西县 3, then 东县 2 (tests/city_books.py)
        click_table_row(page, 0, 1)
        wait_for_param(page, "county", EAST)
        assert "各乡镇预警处置情况" in main.inner_text() and "丙镇" not in main.inner_text()
        click_table_row(page, 0, 0)   # 甲镇: 2 open, 乙镇 none
        wait_for_param(page, "town", EA)
        crumbs = page.locator(".st-key-warn_crumbs")
        assert crumbs.inner_text().split() == ["全市", "›", "东县", "›", "甲镇"]
        crumbs.get_by_role("button", name="东县").click()
        wait_for_param(page, "town", None)
        assert param_of(page, "county") == EAST
        page.locator(".st-key-warn_crumbs").get_by_role("button", name="全市").click()
        wait_for_param(page, "county", None)
        assert "各县（市、区）预警处置情况" in main.inner_text()
    finally:
        page.close()


def param_of(page, name: str) -> str | None:
    return page.evaluate("n => new URLSearchParams(location.search).get(n)", name)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_county_user_sent_a_link_to_the_other_county_sees_their_own(city_server, browser, backend):
    base = city_server(backend)
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        login(page, base, "dongxian", PASSWORD, f"/warnings?county={WEST}&town={WC}")
        wait_for_app(page)
        no_exception(page)
        text = page.locator('[data-testid="stApp"]').inner_text()
        assert "甲镇" in text and not [w for w in ("西县", "丙镇", "四村") if w in text]
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_by_role("combobox", name="县（市、区）").count() == 0
        assert "链接中的部分参数无效" in text
    finally:
        page.close()
