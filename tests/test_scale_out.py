"""The scale-out deployment (deploy/, docs/DEPLOYMENT.md): two Streamlit replicas behind nginx on loopback,
the fixture county in PostgreSQL, one shared PostgreSQL session/audit store and one cookie secret.

Headless Chromium logs in through nginx. Each browser is pinned to a replica by the route cookie and
every one of its requests, the websocket included, is answered by that replica (X-Replica header and
nginx's access log); a login made on one replica is accepted by the other, and a logout there ends it
everywhere; when a replica stops, its browsers move to the other one, still logged in.
"""

import os
import re
import shutil
import socket
import tempfile
import threading
import urllib.request
import uuid

import pytest
import sqlalchemy as sa

from dashboard.security import cookies
from deploy.nginx import ROUTE_COOKIE, render_site
from deploy.run_replicas import parse_access_line, run_deployment
from tests.browser import login, wait_for_app
from tests.conftest import ROOT, TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
SECRET = "scale-out-test-secret"
LOGIN_TITLE = "防返贫动态监测 · 登录"
LOGOUT_BUTTON = '[data-testid="stSidebar"] button:has-text("退出登录")'
SYSLOG_PREFIX = re.compile(r"<\d+>.*? nginx: ")  # with nohostname: "<190>Jan  2 15:04:05 nginx: "


class AccessLogSocket:
    """nginx's access log line by line as nginx writes it: a syslog datagram each on a unix socket
    (run_deployment's access_log_socket). A thread takes every datagram at once: the kernel queues only
    net.unix.max_dgram_qlen of them (10 by default) and nginx drops the ones that do not fit."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="monitor-syslog-")
        self.path = os.path.join(self.dir, "access.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        # nginx started as root sends from its workers (user www-data): they must reach and write the socket
        os.chmod(self.dir, 0o711)
        os.chmod(self.path, 0o666)
        self.entries: list[dict] = []
        self.arrived = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while datagram := self.sock.recv(65536):  # b"" once close() shuts the socket down
            entry = parse_access_line(SYSLOG_PREFIX.sub("", datagram.decode("utf-8"), count=1))
            with self.arrived:
                self.entries.append(entry)
                self.arrived.notify_all()

    def wait_for(self, enough, timeout: float) -> list[dict]:
        """Block until enough(entries) holds or `timeout` seconds have passed; the entries so far."""
        with self.arrived:
            self.arrived.wait_for(lambda: enough(self.entries), timeout)
            return list(self.entries)

    def close(self) -> None:
        self.sock.shutdown(socket.SHUT_RDWR)
        self.reader.join(timeout=10)
        self.sock.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def access_log():
    received = AccessLogSocket()  # bound before nginx starts: no line is sent to nowhere
    yield received
    received.close()


@pytest.fixture(scope="module")
def deployment(pg_server, fixture_pg_reader_url, users_file, access_log):
    audit_url = pg_server.create_database(f"audit_{uuid.uuid4().hex[:12]}")
    with run_deployment(fixture_pg_reader_url, audit_url, SECRET, users_file=users_file,
                        access_log_socket=access_log.path) as dep:
        yield dep


def heading(page) -> str:
    return page.locator("[data-testid='stMain'] h1").first.inner_text().strip()


def assert_page_ok(page, title: str, content: str = '[data-testid="stMetric"]') -> None:
    """Logged in (not the login form), on `title`, drawn with real content and no exception."""
    page.wait_for_selector(LOGOUT_BUTTON, timeout=30_000)
    page.wait_for_selector(f"[data-testid='stMain'] h1:has-text('{title}')", timeout=30_000)
    page.wait_for_selector(content, timeout=30_000)
    wait_for_app(page)
    assert heading(page) == title
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("页面出现错误").count() == 0


def pinned_context(browser, dep, route: str, agent: str):
    """A browser whose route cookie names `route`; its user agent marks its lines in nginx's access log."""
    context = browser.new_context(user_agent=agent, viewport={"width": 1400, "height": 1800})
    context.add_cookies([{"name": ROUTE_COOKIE, "value": route, "url": dep.url}])
    return context


def record_replicas(page) -> list[tuple[str, str | None]]:
    """(url, X-Replica) of every response the page receives."""
    seen: list[tuple[str, str | None]] = []
    page.on("response", lambda r: seen.append((r.url, r.headers.get("x-replica"))))
    return seen


def log_lines(access_log: AccessLogSocket, agent: str, want_stream: int, timeout: float = 10.0) -> list[dict]:
    """nginx logs a websocket when it closes: block until `want_stream` of the agent's are in (or timeout)."""
    def mine(entries):
        return [e for e in entries if e["agent"] == agent]

    return mine(access_log.wait_for(
        lambda entries: sum("/_stcore/stream" in e["request"] for e in mine(entries)) >= want_stream, timeout))


def fetch(url: str, cookie: str | None = None):
    req = urllib.request.Request(url)
    if cookie:
        req.add_header("Cookie", cookie)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.status, resp.headers


def test_newcomers_are_spread_and_get_a_route_cookie(deployment):
    dep = deployment
    served = []
    for _ in range(4):
        status, headers = fetch(dep.url + "/")
        replica = headers["X-Replica"]
        assert status == 200 and replica in dep.routes
        assert headers.get_all("Set-Cookie") == [f"{ROUTE_COOKIE}={replica}; Path=/; HttpOnly; SameSite=Lax"]
        served.append(replica)
    assert set(served) == set(dep.routes), served  # both replicas take new browsers
    for route in dep.routes:
        for _ in range(3):  # with the cookie: always that replica, and no new cookie
            status, headers = fetch(dep.url + "/", f"{ROUTE_COOKIE}={route}")
            assert (status, headers["X-Replica"], headers.get_all("Set-Cookie")) == (200, route, None)


def test_two_browsers_on_two_replicas_each_sticky_including_websocket(deployment, access_log, browser, fixture_pg_url):
    dep = deployment
    with sa.create_engine(fixture_pg_url).connect() as conn:
        townships = [n for (n,) in conn.execute(sa.text("SELECT name FROM townships"))]
    pages = {}
    for route in dep.routes:
        agent = f"scale-out-test-{route}-{uuid.uuid4().hex[:6]}"
        context = pinned_context(browser, dep, route, agent)
        page = context.new_page()
        seen = record_replicas(page)
        sockets = []
        page.on("websocket", lambda ws: sockets.append(ws.url))
        login(page, dep.url, "county", TEST_PASSWORD)
        assert_page_ok(page, "总览")
        body = page.locator("body").inner_text()
        assert any(name in body for name in townships), body[:500]
        page.goto(f"{dep.url}/warnings")
        assert_page_ok(page, "预警", '[data-testid="stDataFrame"]')
        if route == dep.routes[-1]:
            page.screenshot(path="/tmp/scaleout.png", full_page=True)
        pages[route] = (context, agent, seen, sockets)

    for route, (context, agent, seen, sockets) in pages.items():
        context.close()  # closes the websockets: nginx logs them now
        # every response the browser got came from its replica ...
        assert seen and {r for _, r in seen} == {route}, (route, sorted(set(seen)))
        assert any("/session/ticket" in u for u, _ in seen)  # the login's cookie route, too
        # ... and so did every request nginx passed on, the websockets (two page loads) included
        assert sockets and all(u.startswith(dep.url.replace("http", "ws") + "/_stcore/stream") for u in sockets)
        lines = log_lines(access_log, agent, want_stream=2)
        streams = [e for e in lines if e["request"].startswith("GET /_stcore/stream ")]
        assert len(streams) >= 2 and all(e["status"] == 101 for e in streams), streams
        assert lines and {(e["replica"], e["upstream"]) for e in lines} == {(route, dep.replica_addr(route))}, lines
        assert {e["route_cookie"] for e in lines} == {route}

    with sa.create_engine(dep.audit_url).connect() as conn:  # both logins are in the shared PostgreSQL store
        logins = conn.execute(sa.text("SELECT count(*) FROM audit_log WHERE action = 'login' AND username = 'county'")).scalar()
    assert logins >= 2


def test_login_on_one_replica_is_valid_on_the_other_and_logout_everywhere(deployment, browser):
    dep = deployment
    first, second = dep.routes[0], dep.routes[1]
    context = pinned_context(browser, dep, first, "scale-out-test-switch")
    page = context.new_page()
    seen = record_replicas(page)
    login(page, dep.url, "county", TEST_PASSWORD, "/aid")  # the login form and its ticket: replica 1
    assert_page_ok(page, "帮扶进度")
    assert {r for _, r in seen} == {first} and any("/session/ticket" in u for u, _ in seen)
    login_cookie = next(c for c in context.cookies() if c["name"] == cookies.COOKIE_NAME)

    context.add_cookies([{"name": ROUTE_COOKIE, "value": second, "url": dep.url}])  # now the other replica
    response = page.goto(f"{dep.url}/targets")
    assert response.headers.get("x-replica") == second
    assert_page_ok(page, "目标考核")  # the cookie signed by replica 1 and its session hold on replica 2

    page.locator(LOGOUT_BUTTON).click()  # logging out on replica 2 ...
    page.wait_for_url(f"{dep.url}/", timeout=15_000)
    page.wait_for_selector(f"[data-testid='stMain'] h1:has-text('{LOGIN_TITLE}')", timeout=30_000)
    # ... revokes the session in the shared store: replica 1 refuses the old cookie too (a stale tab)
    context.add_cookies([login_cookie, {"name": ROUTE_COOKIE, "value": first, "url": dep.url}])
    response = page.goto(f"{dep.url}/aid")
    assert response.headers.get("x-replica") == first
    page.wait_for_selector(f"[data-testid='stMain'] h1:has-text('{LOGIN_TITLE}')", timeout=30_000)
    wait_for_app(page)
    assert heading(page) == LOGIN_TITLE
    assert page.locator(LOGOUT_BUTTON).count() == 0
    context.close()


def route_of(context) -> set[str]:
    return {c["value"] for c in context.cookies() if c["name"] == ROUTE_COOKIE}


def test_browsers_move_to_the_other_replica_when_theirs_stops(pg_server, fixture_pg_reader_url, users_file, browser):
    audit_url = pg_server.create_database(f"audit_{uuid.uuid4().hex[:12]}")
    with run_deployment(fixture_pg_reader_url, audit_url, SECRET, users_file=users_file) as dep:
        first, second = dep.routes
        agent = "scale-out-test-failover"
        context = pinned_context(browser, dep, first, agent)
        page = context.new_page()
        sockets = []
        page.on("websocket", lambda ws: sockets.append(ws.url))
        login(page, dep.url, "county", TEST_PASSWORD, "/factors")
        assert_page_ok(page, "风险因子")
        assert route_of(context) == {first}

        replica = dep.processes[0]  # replica r1 crashes
        opened = len(sockets)
        # The open page reconnects by itself: nginx passes it to the backup, whose answer moves the route cookie
        with page.expect_websocket(timeout=30_000):
            replica.kill()
            replica.wait(timeout=15)
        wait_for_app(page)
        assert route_of(context) == {second} and len(sockets) > opened
        moved = [e for e in dep.access_entries() if e["agent"] == agent and e["route_cookie"] == first]
        assert moved and all(e["replica"] == second for e in moved[-1:]), moved[-3:]
        wait_for_app(page)
        # ... and keeps working without a reload: a new Streamlit session on replica 2, still logged in
        page.locator('[data-testid="stSidebar"]').get_by_role("link", name="预警").click()
        page.wait_for_selector("[data-testid='stMain'] h1:has-text('预警')", timeout=30_000)
        assert_page_ok(page, "预警", '[data-testid="stDataFrame"]')

        response = page.goto(f"{dep.url}/targets")  # a full load goes to replica 2 directly
        assert response.headers.get("x-replica") == second
        assert_page_ok(page, "目标考核")
        context.close()


def test_committed_example_config_is_what_the_renderer_makes():
    example = (ROOT / "deploy" / "nginx-monitor.conf").read_text(encoding="utf-8")
    assert example == render_site(["127.0.0.1:8501", "127.0.0.1:8502"], listen="80")
