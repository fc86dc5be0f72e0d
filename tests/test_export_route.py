"""/export/<token> on a real server, over real HTTP: an export is built, audited and served only for the login
session it was offered to. Fetched directly (no click, no rerun) with the login cookie it writes its audit row;
without the cookie, with another user's cookie, or after logout the same URL gives no file."""

import io
import json
import urllib.error
import urllib.request
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from PIL import Image

from dashboard.security import cookies
from queries.db import make_engine
from tests.browser import login, streamlit_server, wait_for_app
from tests.hostile_county import FORMULA, PASSWORD, TOWN_A, VILLAGE_A2, hostile_database, hostile_users
from tests.hostile_exports import pdf_text, pptx_texts, xlsx_texts

pytestmark = pytest.mark.browser
SECRET = "export-route-secret"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory):
    """A server on the hostile county (SQLite or PostgreSQL), with its own users file and audit store."""
    tmp = tmp_path_factory.mktemp("route")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'hostile.db'}"
    else:
        url = request.getfixturevalue("pg_server").create_database("hostile_route")
    engine = make_engine(url, read_only=False)
    hostile_database(engine, tmp)
    engine.dispose()
    # the dashboard reads through a SELECT-only role on PostgreSQL
    db_url = url if request.param == "sqlite" else request.getfixturevalue("pg_server").reader_url("hostile_route")
    audit_url = f"sqlite:///{tmp / 'audit.db'}"
    env = {"MONITOR_USERS_FILE": str(hostile_users(tmp / "users.json")), "MONITOR_AUDIT_URL": audit_url,
           "MONITOR_COOKIE_SECRET": SECRET}
    with streamlit_server(db_url, env=env) as base:
        yield base, audit_url


def exports_logged(audit_url: str) -> list[tuple]:
    engine = sa.create_engine(audit_url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(
                "SELECT username, role, target, detail, filters FROM audit_log WHERE action = 'export' ORDER BY id"))]
    finally:
        engine.dispose()


def get(url: str, cookie: str | None = None):
    """(status, headers, body) of a plain GET, with the login cookie value `cookie` if given."""
    req = urllib.request.Request(url, headers={"Cookie": f"{cookies.COOKIE_NAME}={cookie}"} if cookie else {})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def session_cookie(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == cookies.COOKIE_NAME)


def excel_links(page) -> list[str]:
    links = page.locator('[data-testid="stLinkButton"] a', has_text="下载Excel")
    links.first.wait_for(timeout=30_000)
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


def test_export_url_is_served_and_audited_only_for_its_own_login(server, browser):
    base, audit_url = server
    county = browser.new_context(accept_downloads=True)
    page = county.new_page()
    login(page, base, "county", PASSWORD, f"/warnings?town={TOWN_A}&village={VILLAGE_A2}")
    hrefs = excel_links(page)
    assert all(h.startswith("/export/") and len(h) > 40 for h in hrefs), hrefs
    assert exports_logged(audit_url) == []  # drawing the buttons is not an export
    cookie = session_cookie(county)

    # a client holding the login cookie fetches the URL directly: no click, no rerun -- and the row is written
    status, headers, body = get(base + hrefs[-1], cookie)
    assert status == 200, body.decode()
    assert headers["Cache-Control"] == "no-store"
    disposition = headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    name = unquote(disposition.split("filename*=UTF-8''")[1])
    assert name.endswith(".xlsx") and "未解除预警" in name
    texts = xlsx_texts(body)
    assert FORMULA in texts  # the hostile head's name, as text
    logged = exports_logged(audit_url)
    assert [(u, r, t, d) for u, r, t, d, _ in logged] == [("county", "county", name, "xlsx")]
    assert TOWN_A in logged[0][4]  # the filters in force

    # without the cookie, with a forged one, with another user's: no file, a short Chinese message, no row
    status, _, body = get(base + hrefs[-1])
    assert status == 403 and "登录" in body.decode()
    assert get(base + hrefs[-1], cookies.sign("forged-session"))[0] == 403
    other = browser.new_context()
    login(other.new_page(), base, "inspector", PASSWORD, "/warnings")
    status, _, body = get(base + hrefs[-1], session_cookie(other))
    assert status == 404 and b"%PK" not in body[:4] and "下载链接无效" in body.decode()
    assert get(base + "/export/not-a-token", cookie)[0] == 404
    assert len(exports_logged(audit_url)) == 1

    # a click in the browser downloads through the same route (and is audited the same way)
    with page.expect_popup() as popup, page.context.expect_event("download", timeout=30_000) as dl:
        page.locator('[data-testid="stLinkButton"] a:visible', has_text="下载Excel").first.click()
    assert dl.value.suggested_filename.endswith(".xlsx")
    xlsx_texts(open(dl.value.path(), "rb").read())
    assert len(exports_logged(audit_url)) == 2
    popup.value.close()

    # after logout the old cookie (replayed by a client that kept it) gets no file
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(f"{base}/", timeout=15_000)
    wait_for_app(page)
    status, _, body = get(base + hrefs[-1], cookie)
    assert status == 403 and "登录" in body.decode()
    assert len(exports_logged(audit_url)) == 2
    other.close()
    county.close()


def link_href(page, label: str) -> str:
    link = page.locator('[data-testid="stLinkButton"] a', has_text=label).first
    link.wait_for(timeout=30_000)
    return link.get_attribute("href")


def test_every_kind_is_built_by_the_server_route(server, browser):
    """The deck, a chart picture and both visit packets are built in the route (off the script thread), on the
    hostile county: each is served to its login and audited once, and opens with nothing made from data."""
    base, audit_url = server
    context = browser.new_context(viewport={"width": 1600, "height": 2000})
    page = context.new_page()
    login(page, base, "county", PASSWORD, "/briefing")  # (the login creates the audit store's tables)
    before = len(exports_logged(audit_url))
    cookie = session_cookie(context)
    fetched = {"pptx": link_href(page, "生成并下载简报")}
    page.goto(f"{base}/")
    wait_for_app(page)
    fetched["png"] = link_href(page, "下载图片")
    page.goto(f"{base}/planner")
    wait_for_app(page)
    page.get_by_role("button", name="抽取样本").click()
    page.get_by_text("已抽取").wait_for(timeout=30_000)
    wait_for_app(page)
    fetched["xlsx"] = link_href(page, "下载入户核查表（Excel）")
    fetched["pdf"] = link_href(page, "下载入户核查表（PDF")
    bodies = {}
    for kind, href in fetched.items():
        status, headers, body = get(base + href, cookie)
        assert status == 200, (kind, body[:300])
        bodies[kind] = body
    assert "<b>恶意县</b>" in "\n".join(pptx_texts(bodies["pptx"])) and "<b>东村</b>" in pdf_text(bodies["pdf"])
    xlsx_texts(bodies["xlsx"])
    assert Image.open(io.BytesIO(bodies["png"])).size[0] > 1000
    kinds = [d for _, _, _, d, _ in exports_logged(audit_url)[before:]]
    assert sorted(k if k in ("pptx", "png") else json.loads(k)["packet"] for k in kinds) == ["pdf", "png", "pptx", "xlsx"]
    context.close()
