"""Access control in a real browser on a freshly started server: no data before login, reload keeps
the login, links survive login, tampered/expired cookies are refused, township scope holds, masked
roles never receive full ID numbers, logout ends the session."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from dashboard.common.nav import PAGES
from dashboard.security import cookies
from tests.browser import APP_READY, login, streamlit_server, wait_for_app
from tests.conftest import DEMO_TOWNSHIP, TEST_PASSWORD

pytestmark = pytest.mark.browser
SECRET = "fresh-server-secret"
LOGIN_TITLE = "防返贫动态监测 · 登录"


@pytest.fixture(scope="module")
def fresh(demo_db_url, users_file, tmp_path_factory):
    """A server started for this module only, with its own session/audit store."""
    audit_url = f"sqlite:///{tmp_path_factory.mktemp('fresh') / 'audit.db'}"
    env = {"MONITOR_USERS_FILE": str(users_file), "MONITOR_AUDIT_URL": audit_url, "MONITOR_COOKIE_SECRET": SECRET}
    with streamlit_server(demo_db_url, env=env) as base:
        yield base, audit_url


def township_names(db_url) -> dict[str, str]:
    with sa.create_engine(db_url).connect() as conn:
        return dict(conn.execute(sa.text("SELECT code, name FROM townships")).all())


def heading(page) -> str:
    return page.locator("[data-testid='stMain'] h1").first.inner_text().strip()


def test_no_page_shows_data_before_login(fresh, browser, demo_db_url):
    base, _ = fresh
    names = township_names(demo_db_url).values()
    context = browser.new_context()
    for p in PAGES:
        page = context.new_page()
        page.goto(f"{base}/{p.url_path}?town={DEMO_TOWNSHIP}")
        wait_for_app(page)
        assert heading(page) == LOGIN_TITLE, p.url_path
        body = page.locator("body").inner_text()
        assert not any(n in body for n in names), p.url_path
        for selector in ('[data-testid="stMetric"]', '[data-testid="stDataFrame"]', ".js-plotly-plot",
                         '[data-testid="stDeckGlJsonChart"]'):
            assert page.locator(selector).count() == 0, (p.url_path, selector)
        page.close()
    context.close()


def test_reload_keeps_login_and_logout_ends_it(fresh, browser):
    base, _ = fresh
    context = browser.new_context()
    page = context.new_page()
    login(page, base, "county", TEST_PASSWORD, "/warnings")
    assert heading(page) == "预警"
    page.reload()
    wait_for_app(page)
    assert heading(page) == "预警"  # a full reload is a new Streamlit session: the cookie carries the login
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(f"{base}/", timeout=15_000)
    wait_for_app(page)
    assert heading(page) == LOGIN_TITLE
    page.goto(f"{base}/warnings")
    wait_for_app(page)
    assert heading(page) == LOGIN_TITLE
    context.close()


def test_filtered_link_lands_on_the_same_view_after_login(fresh, browser, demo_db_url):
    base, _ = fresh
    code, name = sorted(township_names(demo_db_url).items())[3]
    context = browser.new_context()
    page = context.new_page()
    login(page, base, "county", TEST_PASSWORD, f"/factors?town={code}&period=month&cat=marginal")
    assert heading(page) == "风险因子"
    assert f"town={code}" in page.url and "period=month" in page.url and "cat=marginal" in page.url
    assert page.get_by_role("combobox", name="乡镇").input_value() == name
    assert page.get_by_role("combobox", name="监测类别").input_value() == "边缘易致贫户"
    context.close()


@pytest.fixture
def fresh_store(fresh, monkeypatch):
    """The fresh server's base URL, with this process using its session store and cookie secret."""
    base, audit_url = fresh
    monkeypatch.setenv("MONITOR_AUDIT_URL", audit_url)
    monkeypatch.setenv("MONITOR_COOKIE_SECRET", SECRET)
    from dashboard.security import store
    return base, store


def open_with_cookie(browser, base, value, path="/aid"):
    """A new browser holding the login cookie `value`, on `path`; returns (context, page)."""
    context = browser.new_context()
    context.add_cookies([{"name": cookies.COOKIE_NAME, "value": value, "url": base}])
    page = context.new_page()
    page.goto(base + path)
    wait_for_app(page)
    return context, page


@pytest.mark.parametrize("kind", ["tampered", "expired", "foreign-secret"])
def test_bad_cookies_are_refused(fresh_store, browser, kind, monkeypatch):
    base, store = fresh_store
    sid = store.create_session("county")
    value = cookies.sign(sid)
    if kind == "tampered":
        value = value[:-4] + ("0000" if not value.endswith("0000") else "1111")
    elif kind == "expired":
        with store.engine().begin() as conn:
            conn.execute(store.sessions.update().where(store.sessions.c.sid == store.session_key(sid)).values(
                expires_at=store.now().replace(year=2020)))
    else:
        monkeypatch.setenv("MONITOR_COOKIE_SECRET", "someone-elses-secret")
        value = cookies.sign(sid)
    context, page = open_with_cookie(browser, base, value)
    assert heading(page) == LOGIN_TITLE
    assert page.locator('[data-testid="stMetric"]').count() == 0
    context.close()


def test_valid_cookie_is_accepted(fresh_store, browser):
    """The positive control for the test above: the same construction with nothing wrong logs in."""
    base, store = fresh_store
    context, page = open_with_cookie(browser, base, cookies.sign(store.create_session("county")))
    assert heading(page) == "帮扶进度"
    context.close()


def test_logout_route_revokes_the_session_not_only_the_cookie(fresh_store, browser):
    """GET /session/logout with a copy of the cookie: the copy no longer logs in anywhere."""
    import http.client
    from urllib.parse import urlsplit

    base, store = fresh_store
    sid = store.create_session("county")
    value = cookies.sign(sid)
    context, page = open_with_cookie(browser, base, value)
    assert heading(page) == "帮扶进度"  # logged in with it first
    host = urlsplit(base)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    conn.request("GET", "/session/logout", headers={"Cookie": f"{cookies.COOKIE_NAME}={value}"})
    response = conn.getresponse()
    assert response.status == 303 and response.getheader("Location") == "/"
    assert f"{cookies.COOKIE_NAME}=" in (response.getheader("Set-Cookie") or "")  # cleared in that client
    conn.close()
    assert store.session_user(sid) is None
    assert store.recent_events(action="logout").username.tolist()[:1] == ["county"]
    page.goto(f"{base}/aid")  # the browser still holds the old cookie
    wait_for_app(page)
    assert heading(page) == LOGIN_TITLE
    assert page.locator('[data-testid="stMetric"]').count() == 0
    context.close()


def test_township_user_cannot_see_other_townships(fresh, browser, demo_db_url):
    base, _ = fresh
    names = township_names(demo_db_url)
    own = names.pop(DEMO_TOWNSHIP)
    other = sorted(names)[2]
    context = browser.new_context()
    page = context.new_page()
    login(page, base, "township_demo", TEST_PASSWORD, f"/warnings?town={other}")
    for path in (f"/warnings?town={other}", f"/?town={other}", f"/targets?town={other}", f"/aid?town={other}"):
        page.goto(base + path)
        wait_for_app(page)
        expect(page.get_by_role("combobox", name="乡镇")).to_have_value(own)  # the run drew the clamped filter
        html = page.content()
        assert not any(n in html for n in names.values()), path
    context.close()


def test_masked_role_never_receives_full_id_numbers(fresh, browser, demo_db_url):
    """Tables travel to the browser as Arrow data over the websocket (hidden columns too), so the
    check reads every websocket frame, not just the visible HTML."""
    base, _ = fresh
    with sa.create_engine(demo_db_url).connect() as conn:
        code, hid = conn.execute(sa.text(
            "SELECT h.code, h.id FROM households h WHERE monitor_category IS NOT NULL AND EXISTS "
            "(SELECT 1 FROM members m WHERE m.household_id = h.id AND m.phone IS NOT NULL) ORDER BY h.id LIMIT 1")).one()
        rows = conn.execute(sa.text("SELECT id_number, phone FROM members WHERE household_id = :h"), {"h": hid}).all()
    ids = [r[0] for r in rows]
    phones = [r[1] for r in rows if r[1]]
    context = browser.new_context()
    page = context.new_page()
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(
        payload if isinstance(payload, bytes) else payload.encode())))
    login(page, base, "inspector", TEST_PASSWORD, f"/household?hh={code}")
    page.wait_for_selector('[data-testid="stDataFrame"]')
    page.wait_for_selector(APP_READY)  # the run has finished: every frame of it has arrived
    received = b"".join(frames) + page.content().encode()
    masked = (ids[0][:6] + "********" + ids[0][-4:]).encode()
    assert masked in received  # positive control: the member table did arrive
    assert not any(i.encode() in received for i in ids)
    assert not any(p.encode() in received for p in phones)
    context.close()


def test_township_user_exports_only_their_township(fresh, browser, demo_db_url, tmp_path):
    """A download from the browser (Excel of the warnings table) holds the user's township only. The button is a
    link to /export/<token>: it opens a new tab that the attachment turns into a download."""
    import openpyxl
    base, _ = fresh
    names = township_names(demo_db_url)
    own = names.pop(DEMO_TOWNSHIP)
    other_code = sorted(names)[4]
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    login(page, base, "township_demo", TEST_PASSWORD, f"/warnings?town={other_code}")
    path = tmp_path / "export.xlsx"
    wait_for_app(page)  # the foreign township in the URL is replaced by the user's own: one more rerun
    with page.expect_popup() as popup, context.expect_event("download", timeout=30_000) as dl:
        page.locator('[data-testid="stLinkButton"] a:visible', has_text="下载Excel").first.click()
    dl.value.save_as(path)
    popup.value.close()
    cells = " ".join(str(c.value) for ws in openpyxl.load_workbook(path) for row in ws.iter_rows() for c in row
                     if c.value is not None)
    assert own in cells
    assert not any(n in cells for n in names.values())
    context.close()


def test_query_layer_export_frames_are_scoped(app_db):
    """The frames pages hand to the Excel builder come from scoped filters: a foreign township asked
    for by a township user yields the user's own township."""
    import io

    import openpyxl

    from dashboard.exporting.meta import ExportMeta
    from dashboard.exporting.xlsx import table_xlsx
    from queries import aid
    from queries.filters import Filter
    from tests.fixture_db import AS_OF, T1, T2
    with sa.create_engine(app_db).connect() as conn:
        frame = aid.funds_by_area(conn, Filter(as_of=AS_OF, township=T2, scope=T1), "township")
    assert frame.code.tolist() == [T1]
    data = table_xlsx(frame[["name", "budget"]], ExportMeta(title="资金", county="测试县", scope="城关镇", stamp="数据截至"))
    text = " ".join(str(c.value) for ws in openpyxl.load_workbook(io.BytesIO(data)) for r in ws.iter_rows()
                    for c in r if c.value is not None)
    assert "城关镇" in text and "青山镇" not in text
