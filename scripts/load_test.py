"""Bounded load test on loopback: N concurrent sessions move through the dashboard's pages for D seconds;
reports page-ready time (p50/p95/max), errors, and the server's memory growth and CPU share.

    .venv/bin/python scripts/load_test.py                                   # 20 sessions, 60 s, 30,000-household SQLite
    .venv/bin/python scripts/load_test.py --backends sqlite,postgresql      # also on a throwaway PostgreSQL server
    .venv/bin/python scripts/load_test.py --client ws --sessions 50         # server only, no browser
    .venv/bin/python scripts/load_test.py --url http://127.0.0.1:8501 --db-url sqlite:///data/monitor.db --sessions 5
    .venv/bin/python scripts/load_test.py --report-only                     # rewrite the report from data/load/*.json

Server: ``streamlit run dashboard/server.py`` (tests/browser.streamlit_server), started afresh for every run (cold
Streamlit cache), on the database of ``--db-url``; by default a demo county seeded with ``python -m seed
--households N --seed 2023 --as-of 2026-06-30`` into ``data/load/monitor.db`` (seeded again when its household
count or schema version differs, when a seed/ or queries/ source file is newer, or with ``--reseed``), or for
``postgresql`` a throwaway server (tests/pg_server.PostgresServer) seeded with ``python -m seed --url``. The demo
accounts (password ``demo``) only work on a demo-seeded database; other databases need ``--users-file`` and
``--user NAME:PASSWORD``. ``--url`` uses a server that is already running (``--db-url`` then only supplies the
page parameters and the report's database line); its process is found by the port it listens on (same machine,
same user), else memory and server CPU are not measured.

Sessions start staggered over ``--ramp`` seconds and log in through the form on 指标说明 (``/definitions``, a
light page, so that logging in costs the browser little; at most ``--login-concurrency`` at a time; users
round-robin from ``--user``). When every session has logged in, the measured window of ``--duration`` seconds
starts (the navigation under way at its end is finished and counted): each session repeatedly picks a random other
non-admin page of dashboard/common/nav.PAGES and either follows its sidebar link (in-app navigation: same
Streamlit session, the current filters kept) or, with probability ``--url-share``, loads its URL afresh (a new
Streamlit session) with random filter parameters (``town``, ``village``, ``cat``, ``period``, scoped to a township
user's own township; ``hh`` on 户情), waiting ``--think`` seconds (uniform 0.5x-1.5x) between navigations.

Two clients (``--client``, default both, each against its own fresh server):

* ``browser``: headless Chromium (the Debian package; Playwright's async API) - one browser process, one context
  per session, all driven from this one Python process, so 20 sessions cost one browser, not 20. Page-ready time
  runs from just before the click / ``page.goto`` until one DOM check (polled every 50 ms) finds
  ``[data-testid="stApp"][data-test-script-state="notRunning"]``, the main area's ``h1`` equal to the page's
  title and no element stale (``data-stale="true"``, left over from the previous run). It includes the browser's
  own work, which on a 2-core machine competes with the server.
* ``ws``: no browser - each session speaks Streamlit's websocket protocol (BackMsg/ForwardMsg protobufs, as the
  frontend does): a fresh load fetches the page's HTML, /_stcore/health and /_stcore/host-config, opens a new
  websocket with the login cookie and asks for a run of the page with its query string; a sidebar link asks the
  open session for a run of the target page (its page_script_hash). Login goes through the same form (widget
  states for 用户名/密码 and the submit button), the one-time ticket it emits and /session/ticket's cookie.
  Ready = the run's ``script_finished`` with the expected ``h1`` among the elements it sent. Server time only.

Errors (must be 0): an exception element (``stException``), an error box (``stAlertContentError`` / an ERROR
alert) in the main area, the login form re-appearing, not ready within ``--timeout`` seconds (default 30; a blank
first visit that never renders counts here), an HTTP status >= 400 from the server, a page crash, a failed login.
JavaScript errors in the page are counted separately (informational).

Memory and CPU: every ``--sample`` seconds the server's RSS (VmRSS of the streamlit process and its children,
from /proc) and CPU time, the CPU time and PSS of this process and its other descendants (Playwright driver,
Chromium), and the machine's total from /proc/stat (the rest is "other": other users' processes). RSS "start"
is taken after a warm-up login (one session logs in before the sessions start), "end" right
after the last session closed, plus one more sample after ``--settle`` seconds idle.

Results go to ``data/load/<backend>-<client>-<sessions>.json`` (``--results-dir``); the report (``--report``, default
docs/LOAD_TEST.md) has a summary table and one section per result file present, so backends and clients can be
run separately.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LOAD_DIR = ROOT / "data" / "load"
REPORT = ROOT / "docs" / "LOAD_TEST.md"
AS_OF = "2026-06-30"
SEED = 2023
DEFAULT_USERS = ["county:demo", "township:demo", "inspector:demo", "county:demo"]
CATEGORIES = ["unstable", "marginal", "sudden"]
PERIODS = ["month", "quarter"]
CLK_TCK = os.sysconf("SC_CLK_TCK")

LOGGED_IN = '[data-testid="stSidebar"] button:has-text("退出登录")'
FORM_ERROR = '[data-testid="stMain"] [data-testid="stAlertContentError"]'
READY_JS = """
(title) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const main = document.querySelector('[data-testid="stMain"]');
  if (!app || !main) return null;
  const exc = main.querySelector('[data-testid="stException"]');
  if (exc) return 'exception: ' + exc.innerText.slice(0, 120);
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return null;
  const h1 = main.querySelector('h1');
  if (!h1) return null;
  const heading = h1.innerText.trim();
  if (heading.includes('登录') && document.querySelector('input[type="password"]')) return 'login form';
  if (heading !== title) return null;
  if (main.querySelector('[data-stale="true"]')) return null;
  const err = main.querySelector('[data-testid="stAlertContentError"]');
  if (err) return 'error box: ' + err.innerText.slice(0, 120);
  return 'ready';
}
"""


# --- /proc sampling ---------------------------------------------------------------------------------

def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    return kids


def _tree(pid: int, kids: dict[int, list[int]]) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: int) -> int:
    """Proportional set size: shared pages (Chromium's many processes share a lot) counted once overall."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return _rss_kb(pid)


def _cpu_ticks(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            f = fh.read().rsplit(")", 1)[1].split()
        return int(f[11]) + int(f[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies over all CPUs."""
    with open("/proc/stat") as fh:
        v = [int(x) for x in fh.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return sum(v) - idle, sum(v)


def find_pid_by_port(port: int) -> int | None:
    """The process listening on 127.0.0.1/0.0.0.0:port (needs to be ours to read its fds)."""
    inodes = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name) as fh:
                next(fh)
                for line in fh:
                    f = line.split()
                    if int(f[1].rsplit(":", 1)[1], 16) == port and f[3] == "0A":  # LISTEN
                        inodes.add(f[9])
        except OSError:
            continue
    if not inodes:
        return None
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            for fd in os.listdir(f"/proc/{d}/fd"):
                link = os.readlink(f"/proc/{d}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return int(d)
        except OSError:
            continue
    return None


class Sampler(threading.Thread):
    """Samples server RSS/CPU, client CPU (this process tree minus the server) and machine CPU."""

    def __init__(self, server_pid: int | None, interval: float = 2.0, db_pid: int | None = None) -> None:
        super().__init__(daemon=True)
        self.server_pid, self.db_pid, self.interval = server_pid, db_pid, interval
        self.samples: list[dict] = []
        self._halt = threading.Event()
        self._lock = threading.Lock()
        self._seen: dict[str, dict[int, int]] = {"server": {}, "client": {}, "db": {}}
        self._cpu = {"server": 0, "client": 0, "db": 0}
        self._t0 = time.monotonic()
        self._m0 = _machine_ticks()

    def _account(self, kind: str, pids: list[int]) -> None:
        seen = self._seen[kind]
        for p in pids:
            t = _cpu_ticks(p)
            self._cpu[kind] += max(0, t - seen.get(p, 0))
            seen[p] = t

    def sample(self, label: str = "") -> dict:
        with self._lock:
            return self._sample(label)

    def _sample(self, label: str) -> dict:
        kids = _children_map()
        server = _tree(self.server_pid, kids) if self.server_pid else []
        db = _tree(self.db_pid, kids) if self.db_pid else []
        client = [p for p in _tree(os.getpid(), kids) if p not in set(server) | set(db)]
        self._account("server", server)
        self._account("client", client)
        self._account("db", db)
        busy, total = _machine_ticks()
        s = {"t": round(time.monotonic() - self._t0, 2), "label": label,
             "server_rss_mb": round(sum(_rss_kb(p) for p in server) / 1024, 1),
             "server_pss_mb": round(sum(_pss_kb(p) for p in server) / 1024, 1),
             "client_pss_mb": round(sum(_pss_kb(p) for p in client) / 1024, 1),
             "server_cpu_s": round(self._cpu["server"] / CLK_TCK, 2),
             "client_cpu_s": round(self._cpu["client"] / CLK_TCK, 2),
             "db_cpu_s": round(self._cpu["db"] / CLK_TCK, 2),
             "db_pss_mb": round(sum(_pss_kb(p) for p in db) / 1024, 1),
             "machine_busy_s": round((busy - self._m0[0]) / CLK_TCK, 2),
             "machine_total_s": round((total - self._m0[1]) / CLK_TCK, 2),
             "load1": round(os.getloadavg()[0], 2)}
        self.samples.append(s)
        return s

    def run(self) -> None:
        while not self._halt.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=10)


# --- the sessions -------------------------------------------------------------------------------------

@dataclass
class Nav:
    session: int
    user: str
    page: str
    mode: str          # "link" (sidebar click), "url" (fresh page load), "login"
    url: str
    started: float     # seconds since the run started
    seconds: float
    error: str | None = None


@dataclass
class Params:
    """What the page URLs may carry, read from the database."""
    towns: list[str]
    villages: list[tuple[str, str]]      # (code, township_code)
    households: list[tuple[str, str]]    # (code, township_code), monitored ones


def read_params(db_url: str, limit: int = 400) -> tuple[Params, dict]:
    import sqlalchemy as sa

    from queries.db import make_engine

    engine = make_engine(db_url)  # read-only
    try:
        with engine.connect() as c:
            towns = [r[0] for r in c.execute(sa.text("SELECT code FROM townships ORDER BY code"))]
            villages = [tuple(r) for r in c.execute(sa.text("SELECT code, township_code FROM villages ORDER BY code"))]
            hh = [tuple(r) for r in c.execute(sa.text(
                "SELECT code, township_code FROM households WHERE monitor_category IS NOT NULL "
                "AND eliminated_date IS NULL ORDER BY code LIMIT :n"), {"n": limit})]
            meta = dict(c.execute(sa.text("SELECT key, value FROM meta")).all())
            info = {"households": c.execute(sa.text("SELECT count(*) FROM households")).scalar_one(),
                    "backend": engine.url.get_backend_name(), "as_of": meta.get("as_of"),
                    "is_demo": meta.get("is_demo") == "1", "schema_version": meta.get("schema_version")}
            if info["backend"] == "sqlite":
                info["size_mb"] = round(Path(engine.url.database.split("?")[0].removeprefix("file:")).stat().st_size
                                        / 2**20, 1)
                info["version"] = "SQLite " + c.exec_driver_sql("select sqlite_version()").scalar_one()
            else:
                info["size_mb"] = round(c.execute(sa.text("SELECT pg_database_size(current_database())")).scalar_one()
                                        / 2**20, 1)
                info["version"] = c.execute(sa.text("SHOW server_version")).scalar_one().split()[0]
                info["version"] = "PostgreSQL " + info["version"]
    finally:
        engine.dispose()
    return Params(towns, villages, hh), info


def pages() -> list[tuple[str, str]]:
    """(title, url path) of every non-admin page."""
    from dashboard.common.nav import PAGES, url_path_of

    return [(p.title, url_path_of(p.title)) for p in PAGES if not p.admin]


def random_query(rng: random.Random, path: str, params: Params, town_scope: str | None) -> dict[str, str]:
    q: dict[str, str] = {}
    if path == "household" and params.households and rng.random() < 0.7:
        pool = [h for h in params.households if town_scope in (None, h[1])] or params.households
        q["hh"] = rng.choice(pool)[0]
        return q
    r = rng.random()
    if r < 0.35 and params.towns:
        q["town"] = town_scope or rng.choice(params.towns)
    elif r < 0.5 and params.villages:
        pool = [v for v in params.villages if town_scope in (None, v[1])] or params.villages
        q["village"] = rng.choice(pool)[0]
    if rng.random() < 0.25:
        q["cat"] = rng.choice(CATEGORIES)
    if rng.random() < 0.15:
        q["period"] = rng.choice(PERIODS)
    return q


def _failure(e: Exception) -> str:
    if "Timeout" in type(e).__name__:
        return "timeout"
    return f"{type(e).__name__}: {(str(e).splitlines() or [''])[0][:120]}"


class Run:
    """The session loop, common to both clients; subclasses open sessions, log in and navigate."""

    client = "?"

    def __init__(self, base_url: str, params: Params, users: list[tuple[str, str]], township_of: dict[str, str],
                 sessions: int, duration: float, think: float, url_share: float, ramp: float, timeout: float,
                 seed: int = 1, min_navigations: int = 1, warm_up: bool = True, login_concurrency: int = 2,
                 landing: str = "definitions") -> None:
        self.base_url, self.params, self.users, self.township_of = base_url.rstrip("/"), params, users, township_of
        self.sessions, self.duration, self.think, self.url_share = sessions, duration, think, url_share
        self.ramp, self.timeout, self.seed = ramp, timeout, seed
        self.min_navigations, self.do_warm_up, self.login_concurrency = min_navigations, warm_up, login_concurrency
        self.navs: list[Nav] = []
        self.http_errors: list[str] = []
        self.js_errors: list[str] = []
        self.t0 = 0.0
        self.pages = pages()
        # where the login form is filled in: a light page, so that logging in costs the browser little
        self.landing_path = landing
        self.landing = next(t for t, p in self.pages if p == landing)
        self.probes = {f"/{path}/_stcore/{what}" for _t, path in self.pages if path
                       for what in ("health", "host-config")}
        self.probe_404s = 0
        self.sampler: Sampler | None = None

    def _now(self) -> float:
        return time.monotonic() - self.t0

    # what a client provides
    async def start(self) -> None: ...
    async def stop(self) -> dict: return {}
    async def open(self, session: int): raise NotImplementedError
    async def close(self, handle) -> None: ...
    async def do_login(self, handle, user: str, password: str, retry_blank: bool) -> str | None:
        raise NotImplementedError
    async def do_navigate(self, handle, title: str, path: str, mode: str, query: dict[str, str]) -> str | None:
        raise NotImplementedError

    async def login(self, handle, session: int, user: str, password: str, retry_blank: bool = False) -> Nav:
        start, t = self._now(), time.monotonic()
        try:
            error = await asyncio.wait_for(self.do_login(handle, user, password, retry_blank), 3 * self.timeout)
        except Exception as e:  # noqa: BLE001
            error = _failure(e)
        if error is not None and not error.startswith("login"):
            error = f"login: {error}"
        nav = Nav(session, user, "登录", "login", f"/{self.landing_path}", round(start, 3),
                  round(time.monotonic() - t, 3), error)
        self.navs.append(nav)
        return nav

    async def session(self, i: int) -> None:
        rng = random.Random(self.seed * 1000 + i)
        user, password = self.users[i % len(self.users)]
        scope = self.township_of.get(user)
        handle = None
        try:
            await asyncio.sleep(self.ramp * i / max(1, self.sessions))
            handle = await self.open(i)
            async with self.login_slots:
                nav = await self.login(handle, i, user, password)
        finally:
            self.logged_in += 1  # also when this session failed: the others must not wait for it forever
            if self.logged_in == self.sessions:
                self.window_start = self._now()
                if self.sampler is not None:
                    await asyncio.to_thread(self.sampler.sample, "window")
                self.all_in.set()
        try:
            await self.all_in.wait()  # the measured window starts when every session has logged in
            deadline = self.window_start + self.duration
            current, fresh_load, filters = self.landing, nav.error is not None, {}
            if self.think > 0:  # do not all click in the same instant when the window opens
                await asyncio.sleep(self.think * rng.uniform(0, 1.5))
            navigations = 0
            while self._now() < deadline or navigations < self.min_navigations:
                navigations += 1
                title, path = rng.choice([p for p in self.pages if p[0] != current])
                mode = "url" if fresh_load or rng.random() < self.url_share else "link"
                if mode == "url":
                    query = random_query(rng, path, self.params, scope)
                    filters = {k: v for k, v in query.items() if k != "hh"}
                    url = f"/{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
                else:
                    query = dict(filters)  # a sidebar link keeps the current filter
                    url = f"(link) /{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
                start, t = self._now(), time.monotonic()
                try:
                    error = await asyncio.wait_for(self.do_navigate(handle, title, path, mode, query), self.timeout + 5)
                except Exception as e:  # noqa: BLE001
                    error = _failure(e)
                self.navs.append(Nav(i, user, title, mode, url, round(start, 3), round(time.monotonic() - t, 3), error))
                current, fresh_load = title, error is not None
                if error == "login form":  # the login was lost: log in again (the error is counted already)
                    await self.login(handle, i, user, password)
                    current = self.landing
                if self.think > 0 and self._now() < deadline:
                    await asyncio.sleep(self.think * rng.uniform(0.5, 1.5))
        finally:
            if handle is not None:
                await self.close(handle)

    async def warm_up(self) -> Nav:
        user, password = self.users[0]
        handle = await self.open(-1)
        try:
            return await self.login(handle, -1, user, password, retry_blank=True)
        finally:
            await self.close(handle)
            self.navs = [n for n in self.navs if n.session != -1]

    async def main(self, sampler: Sampler | None) -> dict:
        self.sampler = sampler
        await self.start()
        try:
            self.t0 = time.monotonic()
            if self.do_warm_up:
                warm = await self.warm_up()
                if warm.error:
                    raise RuntimeError(f"warm-up login failed: {warm.error}")
            self.http_errors.clear()
            self.js_errors.clear()
            self.probe_404s = 0
            if sampler is not None:
                sampler.sample("start")
            self.t0 = time.monotonic()
            self.login_slots = asyncio.Semaphore(self.login_concurrency)
            self.all_in, self.logged_in, self.window_start = asyncio.Event(), 0, 0.0
            await asyncio.gather(*(self.session(i) for i in range(self.sessions)))
            wall = self._now() - self.window_start
        finally:
            info = await self.stop()
        return {"client": self.client, "wall_s": round(wall, 1), "logins_s": round(self.window_start, 1),
                "probe_404s": self.probe_404s, **info}


class BrowserRun(Run):
    """Headless Chromium: one browser, one context per session, Playwright's async API."""

    client = "browser"

    async def start(self) -> None:
        from playwright.async_api import async_playwright

        from tests.browser import launch_chromium

        self._pw_cm = async_playwright()
        self._pw = await self._pw_cm.__aenter__()
        self.browser = await launch_chromium(self._pw)

    async def stop(self) -> dict:
        version = self.browser.version
        await self.browser.close()
        await self._pw_cm.__aexit__(None, None, None)
        return {"chromium": version}

    async def open(self, session: int):
        context = await self.browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        page = await context.new_page()

        def on_response(resp):
            if resp.status >= 400 and resp.url.startswith(self.base_url):
                path = urllib.parse.urlsplit(resp.url).path
                if resp.status == 404 and path in self.probes:
                    # Streamlit's frontend, opened at /<page>, first looks for the server under that path
                    self.probe_404s += 1
                    return
                self.http_errors.append(f"{resp.status} {resp.url[len(self.base_url):][:80]} (session {session})")
        page.on("response", on_response)
        page.on("pageerror", lambda exc: self.js_errors.append(str(exc).splitlines()[0][:160]))
        page.on("crash", lambda _p: self.http_errors.append(f"page crash (session {session})"))
        return page

    async def close(self, page) -> None:
        await page.context.close()

    async def wait_ready(self, page, title: str) -> str | None:
        """Wait until the page titled `title` is ready; None, or what went wrong instead."""
        try:
            handle = await page.wait_for_function(READY_JS, arg=title, polling=50, timeout=self.timeout * 1000)
            state = await handle.json_value()
        except Exception as e:  # noqa: BLE001 - Playwright timeout or a crashed/closed page
            return _failure(e)
        return None if state == "ready" else state

    async def do_login(self, page, user: str, password: str, retry_blank: bool) -> str | None:
        ms = self.timeout * 1000
        await page.goto(f"{self.base_url}/{self.landing_path}", wait_until="commit", timeout=ms)
        if retry_blank:  # the very first visit to a fresh server occasionally stays blank: reload once
            try:
                await page.get_by_label("用户名").wait_for(timeout=ms / 2)
            except Exception:  # noqa: BLE001
                await page.reload(wait_until="commit")
        await page.get_by_label("用户名").fill(user, timeout=ms)
        await page.get_by_label("密码").fill(password)
        await page.get_by_role("button", name="登录").click()
        # the form sends the browser through /session/ticket back to the view; logged in = a logout button
        done = await page.wait_for_selector(f"{LOGGED_IN}, {FORM_ERROR}", timeout=ms)
        if await done.get_attribute("data-testid") == "stAlertContentError":
            return f"login: {(await done.inner_text()).strip()[:80]}"
        return await self.wait_ready(page, self.landing)

    async def do_navigate(self, page, title: str, path: str, mode: str, query: dict[str, str]) -> str | None:
        if mode == "url":
            url = f"{self.base_url}/{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
            await page.goto(url, wait_until="commit", timeout=self.timeout * 1000)
        else:  # the sidebar link carries the current filter itself
            link = page.locator('[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]', has_text=title).first
            await link.click(timeout=self.timeout * 1000)
        return await self.wait_ready(page, title)


@dataclass
class WsSession:
    session: int
    cookie: str | None = None
    ws: object = None
    page_hashes: dict | None = None   # url path -> page_script_hash, from the server's navigation message


class WsRun(Run):
    """Streamlit's own websocket protocol (BackMsg/ForwardMsg protobufs), no browser: what the server does.

    A fresh URL load = the page's HTML, /_stcore/health and /_stcore/host-config over HTTP, a new websocket
    connection (new Streamlit session) with the login cookie, and a rerun request naming the page and the query
    string; a sidebar link = a rerun request with the target's page_script_hash on the open connection. Ready =
    the server's script_finished, with the page's h1 as the expected title and no exception, error box or login
    form among the elements the run sent. The browser's rendering is not included."""

    client = "ws"

    async def open(self, session: int) -> WsSession:
        return WsSession(session)

    async def close(self, s: WsSession) -> None:
        if s.ws is not None:
            await s.ws.close()
            s.ws = None

    async def _connect(self, s: WsSession) -> None:
        import websockets

        await self.close(s)
        host = urllib.parse.urlsplit(self.base_url).netloc
        headers = {"Cookie": s.cookie} if s.cookie else None
        s.ws = await websockets.connect(f"ws://{host}/_stcore/stream", subprotocols=["streamlit"],
                                        origin=self.base_url, additional_headers=headers, max_size=None,
                                        open_timeout=self.timeout)

    async def _http(self, s: WsSession, path: str, follow: bool = True) -> tuple[int, str | None]:
        """GET path; returns (status, Set-Cookie). HTTP errors are recorded."""
        import http.client

        def get():
            host = urllib.parse.urlsplit(self.base_url).netloc
            conn = http.client.HTTPConnection(host, timeout=self.timeout)
            try:
                conn.request("GET", path, headers={"Cookie": s.cookie} if s.cookie else {})
                resp = conn.getresponse()
                resp.read()
                return resp.status, resp.getheader("Set-Cookie")
            finally:
                conn.close()
        status, cookie = await asyncio.to_thread(get)
        if status >= 400:
            self.http_errors.append(f"{status} {path[:80]} (session {s.session})")
        return status, cookie

    async def _rerun(self, s: WsSession, page_name: str = "", page_hash: str = "", query: str = "",
                     widgets: list | None = None) -> tuple[int, dict]:
        """One script run: returns (script_finished status, {delta path: element}) of the run."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page_name
        msg.rerun_script.page_script_hash = page_hash
        msg.rerun_script.context_info.locale = "zh-CN"
        msg.rerun_script.context_info.timezone = "Asia/Shanghai"
        msg.rerun_script.context_info.url = f"{self.base_url}/{page_name}" + (f"?{query}" if query else "")
        for w in widgets or []:
            msg.rerun_script.widget_states.widgets.append(w)
        await s.ws.send(msg.SerializeToString())
        elements: dict = {}
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await s.ws.recv())
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                elements[tuple(fwd.metadata.delta_path)] = fwd.delta.new_element
            elif kind == "navigation":
                s.page_hashes = {p.url_pathname: p.page_script_hash for p in fwd.navigation.app_pages}
            elif kind == "new_session" and fwd.new_session.app_pages:
                s.page_hashes = {p.url_pathname: p.page_script_hash for p in fwd.new_session.app_pages}
            elif kind == "page_not_found":
                return -1, elements
            elif kind == "script_finished":
                if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    elements = {}  # the page asked for a rerun: the next run is the page
                    continue
                return fwd.script_finished, elements

    @staticmethod
    def _check(status: int, elements: dict, title: str) -> str | None:
        if status == -1:
            return "page not found"
        if status != 0:
            return f"script finished with status {status}"
        main = {p: e for p, e in elements.items() if p and p[0] == 0}
        for e in elements.values():
            if e.WhichOneof("type") == "exception":
                return f"exception: {e.exception.type}: {e.exception.message[:100]}"
        if any(e.WhichOneof("type") == "text_input" and e.text_input.type == e.text_input.PASSWORD
               for e in main.values()):
            return "login form"
        for _p, e in sorted(main.items()):
            if e.WhichOneof("type") == "alert" and e.alert.format == e.alert.ERROR:
                return f"error box: {e.alert.body[:120]}"
        h1 = [e.heading.body for _p, e in sorted(main.items())
              if e.WhichOneof("type") == "heading" and e.heading.tag == "h1"]
        if not h1 or h1[0] != title:
            return f"wrong page: {h1[:1]}"
        return None

    async def _fresh_load(self, s: WsSession, path: str, query: str) -> tuple[int, dict]:
        target = f"/{path}" + (f"?{query}" if query else "")
        await self._http(s, target)  # index.html (the JavaScript is cached by a real browser)
        await self._http(s, "/_stcore/health")
        await self._http(s, "/_stcore/host-config")
        await self._connect(s)
        return await self._rerun(s, page_name=path, query=query)

    async def do_login(self, s: WsSession, user: str, password: str, retry_blank: bool) -> str | None:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        s.cookie = None
        status, elements = await self._fresh_load(s, self.landing_path, "")
        ids = {}
        for e in elements.values():
            kind = e.WhichOneof("type")
            if kind == "text_input":
                ids[e.text_input.label] = e.text_input.id
            elif kind == "button" and e.button.is_form_submitter:
                ids["submit"] = e.button.id
        if not {"用户名", "密码", "submit"} <= ids.keys():
            return f"login: no login form ({self._check(status, elements, '?')})"
        # a widget's rerun names the page it is on (as the frontend does), else the default page would run
        status, elements = await self._rerun(s, page_hash=(s.page_hashes or {}).get(self.landing_path, ""), widgets=[
            WidgetState(id=ids["用户名"], string_value=user), WidgetState(id=ids["密码"], string_value=password),
            WidgetState(id=ids["submit"], trigger_value=True)])
        ticket = None
        for _p, e in sorted(elements.items()):
            if e.WhichOneof("type") == "html":
                m = re.search(r'location\.assign\("([^"]+)"\)', e.html.body)
                ticket = ticket or (m and m.group(1))
            if e.WhichOneof("type") == "alert" and e.alert.format == e.alert.ERROR:
                return f"login: {e.alert.body[:80]}"
        if not ticket:
            return "login: no ticket"
        status_code, set_cookie = await self._http(s, ticket, follow=False)
        if status_code != 303 or not set_cookie:
            return f"login: ticket answered {status_code} without a cookie"
        s.cookie = set_cookie.split(";", 1)[0]
        nxt = urllib.parse.parse_qs(urllib.parse.urlsplit(ticket).query).get("next", ["/"])[0]
        path, _, query = nxt.lstrip("/").partition("?")
        status, elements = await self._fresh_load(s, path, query)
        return self._check(status, elements, self.landing)

    async def do_navigate(self, s: WsSession, title: str, path: str, mode: str, query: dict[str, str]) -> str | None:
        qs = urllib.parse.urlencode(query)
        if mode == "url" or s.ws is None or not s.page_hashes or path not in s.page_hashes:
            status, elements = await self._fresh_load(s, path, qs)
        else:
            status, elements = await self._rerun(s, page_hash=s.page_hashes[path], query=qs)
        return self._check(status, elements, title)


CLIENTS = {"browser": BrowserRun, "ws": WsRun}


# --- statistics and the report ------------------------------------------------------------------------

def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def stats(values: list[float]) -> dict:
    return {"n": len(values), "p50": pct(values, 0.5), "p95": pct(values, 0.95),
            "max": max(values) if values else None, "mean": sum(values) / len(values) if values else None}


def _kind(error: str) -> str:
    """"timeout", "login form", "exception", "login: timeout", "error box: <text>" ..."""
    head, _, rest = error.partition(":")
    if head == "login":
        return "login: " + _kind(rest.strip()) if rest.strip() else head
    if head == "error box":
        return error.replace("\n", " ")[:60]
    return head


def summarize(navs: list[Nav], http_errors: list[str], js_errors: list[str], samples: list[dict]) -> dict:
    pages_ = [n for n in navs if n.mode != "login"]
    ok = [n for n in pages_ if n.error is None]
    errors = [n for n in navs if n.error is not None]
    kinds: dict[str, int] = {}
    for kind in [_kind(n.error) for n in errors] + ["HTTP " + h.split()[0] for h in http_errors]:
        kinds[kind] = kinds.get(kind, 0) + 1
    per_page = {}
    for title, _path in pages():
        per_page[title] = stats([n.seconds for n in ok if n.page == title])
    per_mode = {m: stats([n.seconds for n in ok if n.mode == m]) for m in ("link", "url")}
    logins = [n for n in navs if n.mode == "login"]
    rss = [s["server_rss_mb"] for s in samples]
    mem = {}
    if samples:
        start = next(s for s in samples if s["label"] == "start")
        window = next((s for s in samples if s["label"] == "window"), start)
        end = next((s for s in samples if s["label"] == "end"), samples[-1])
        settled = next((s for s in samples if s["label"] == "settled"), None)
        inside = [x for x in samples if window["t"] <= x["t"] <= end["t"]]
        mid = min(inside, key=lambda x: abs(x["t"] - (window["t"] + end["t"]) / 2)) if inside else window
        mem = {"start_mb": start["server_rss_mb"], "window_mb": window["server_rss_mb"], "peak_mb": max(rss),
               "first_half_mb": round(mid["server_rss_mb"] - window["server_rss_mb"], 1),
               "second_half_mb": round(end["server_rss_mb"] - mid["server_rss_mb"], 1),
               "end_mb": end["server_rss_mb"],
               "growth_mb": round(end["server_rss_mb"] - start["server_rss_mb"], 1),
               "settled_mb": settled["server_rss_mb"] if settled else None,
               "client_peak_mb": max(s["client_pss_mb"] for s in samples)}
        d = {k: end.get(k, 0) - window.get(k, 0)  # CPU over the measured window
             for k in ("server_cpu_s", "client_cpu_s", "db_cpu_s", "machine_busy_s", "machine_total_s")}
        wall = d["machine_total_s"] / (os.cpu_count() or 1)
        if wall > 0:
            mem["cpu"] = {"wall_s": round(wall, 1),
                          "server_cores": round(d["server_cpu_s"] / wall, 2),
                          "client_cores": round(d["client_cpu_s"] / wall, 2),
                          "db_cores": round(d["db_cpu_s"] / wall, 2),
                          "other_cores": round(max(0.0, d["machine_busy_s"] - d["server_cpu_s"] - d["client_cpu_s"]
                                                   - d["db_cpu_s"]) / wall, 2),
                          "machine_busy_pct": round(100 * d["machine_busy_s"] / d["machine_total_s"], 1)}
    return {"page_loads": len(pages_), "ready": len(ok), "errors": len(errors) + len(http_errors),
            "error_kinds": kinds, "error_examples": [asdict(n) for n in errors[:20]] + http_errors[:20],
            "js_errors": len(js_errors), "js_error_examples": sorted(set(js_errors))[:10],
            "overall": stats([n.seconds for n in ok]), "per_page": per_page, "per_mode": per_mode,
            "login": stats([n.seconds for n in logins if n.error is None]), "logins": len(logins),
            "memory": mem}


def run_coroutine(make):
    """asyncio.run(make()), in a thread of its own when this thread already runs an event loop (a caller
    using Playwright's sync API, as the test suite's shared browser does)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    result: dict = {}

    def target():
        try:
            result["value"] = asyncio.run(make())
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc

    t = threading.Thread(target=target, name="load-test-client")
    t.start()
    t.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def run_load(base_url: str, db_url: str, *, sessions: int = 20, duration: float = 60, users: list[str] | None = None,
             think: float = 1.0, url_share: float = 0.3, ramp: float = 5.0, timeout: float = 30.0,
             sample_every: float = 2.0, settle: float = 5.0, server_pid: int | None = None, seed: int = 1,
             min_navigations: int = 1, warm_up: bool = True, client: str = "browser",
             login_concurrency: int = 2) -> dict:
    """Run the sessions against a running server with `client` ("browser" or "ws"); returns the result dict
    (summary, samples, navigations)."""
    params, db_info = read_params(db_url)
    creds = [tuple(u.split(":", 1)) for u in (users or DEFAULT_USERS)]
    township_of = _townships_of([c[0] for c in creds])
    if server_pid is None:
        server_pid = find_pid_by_port(urllib.parse.urlsplit(base_url).port or 80)
    db_pid = None
    if db_info["backend"] == "postgresql":
        u = sa_url(db_url)
        if u.host in ("127.0.0.1", "localhost", None):
            db_pid = find_pid_by_port(u.port or 5432)
    sampler = Sampler(server_pid, sample_every, db_pid)
    load_before = os.getloadavg()
    run = CLIENTS[client](base_url, params, creds, township_of, sessions, duration, think, url_share, ramp, timeout,
                          seed, min_navigations, warm_up, login_concurrency)
    started = datetime.now()

    async def go():
        sampler.start()
        try:
            return await run.main(sampler)
        finally:
            sampler.stop()

    client_info = run_coroutine(go)
    sampler.sample("end")
    time.sleep(settle)
    sampler.sample("settled")
    summary = summarize(run.navs, run.http_errors, run.js_errors, sampler.samples)
    return {"started": started.isoformat(timespec="seconds"), "base_url": base_url, "server_pid": server_pid,
            "db_pid": db_pid,
            "database": db_info, "config": {"sessions": sessions, "duration_s": duration, "think_s": think,
                                            "url_share": url_share, "ramp_s": ramp, "timeout_s": timeout,
                                            "settle_s": settle, "login_concurrency": login_concurrency,
                                            "users": [c[0] for c in creds]},
            "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in os.getloadavg()],
            "client": client_info, "summary": summary, "samples": sampler.samples,
            "navigations": [asdict(n) for n in run.navs]}


def sa_url(url: str):
    import sqlalchemy as sa

    return sa.make_url(url)


def _townships_of(names: list[str]) -> dict[str, str]:
    """A township user's own township (its filter links must stay inside it)."""
    try:
        from dashboard.security.users import find_user
    except Exception:  # noqa: BLE001
        return {}
    out = {}
    for name in set(names):
        try:
            u = find_user(name)
        except Exception:  # noqa: BLE001
            u = None
        if u is not None and getattr(u, "scope", None):
            out[name] = u.scope
    return out


def machine_info() -> dict:
    cpu = "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = 0
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal:"):
            mem = int(line.split()[1]) / 2**20
    versions = {"python": platform.python_version()}
    for mod in ("streamlit", "playwright", "sqlalchemy", "pandas"):
        try:
            from importlib.metadata import version
            versions[mod] = version(mod)
        except Exception:  # noqa: BLE001
            pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                timeout=10).stdout.strip() or "?"
        changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                 capture_output=True, text=True, timeout=10).stdout.split("\n")
        changed = [line[3:] for line in changed if line.strip()]
    except (OSError, subprocess.SubprocessError):
        commit, changed = "?", []
    return {"cpus": os.cpu_count(), "cpu_model": cpu, "ram_gb": round(mem, 1), "kernel": platform.release(),
            "versions": versions, "commit": commit, "changed_files": changed}


def _s(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def section(res: dict) -> list[str]:
    s, db, cfg, m = res["summary"], res["database"], res["config"], res["summary"]["memory"]
    cpu = m.get("cpu", {})
    client = res["client"].get("client", "browser")
    what = "headless Chromium" if client == "browser" else "websocket protocol, no browser"
    lines = [f"## {db['backend']} · {what} · {cfg['sessions']} sessions · {db['households']:,} households",
             "",
             f"- Database: {db['version']}, {db['size_mb']:,} MB, demo county as of {db['as_of']}"
             + (" (throwaway server, tests/pg_server.py: default settings, fsync off)" if db["backend"] == "postgresql"
                else ""),
             f"- Run {res['started']}: {cfg['sessions']} sessions (users {', '.join(cfg['users'])} round-robin) "
             f"started over {cfg['ramp_s']:.0f} s and logged in, at most {cfg.get('login_concurrency', '?')} at a "
             f"time ({res['client'].get('logins_s', '?')} s); then the measured window: {cfg['duration_s']:.0f} s of "
             f"navigation (wall {res['client']['wall_s']} s with the last navigations finishing), think time "
             f"{cfg['think_s']} s ±50%, {cfg['url_share']:.0%} fresh URL loads"
             + (f"; Chromium {res['client']['chromium']}" if client == "browser" else ""),
             f"- Load average before → after: {' / '.join(f'{x:.2f}' for x in res['load_before'])} → "
             f"{' / '.join(f'{x:.2f}' for x in res['load_after'])} (1/5/15 min)",
             "",
             "| | value |", "|---|---|",
             f"| page loads in the window | {s['page_loads']:,} ({s['ready']:,} ready) |",
             f"| page-ready p50 / p95 / max | **{_s(s['overall']['p50'])} / {_s(s['overall']['p95'])}** / "
             f"{_s(s['overall']['max'])} |",
             f"| sidebar-link navigation p50 / p95 (n) | {_s(s['per_mode']['link']['p50'])} / "
             f"{_s(s['per_mode']['link']['p95'])} ({s['per_mode']['link']['n']}) |",
             f"| fresh URL load p50 / p95 (n) | {_s(s['per_mode']['url']['p50'])} / "
             f"{_s(s['per_mode']['url']['p95'])} ({s['per_mode']['url']['n']}) |",
             f"| login p50 / p95 / max ({s['logins']} logins) | {_s(s['login']['p50'])} / {_s(s['login']['p95'])} / "
             f"{_s(s['login']['max'])} |",
             f"| **errors** | **{s['errors']}**" + (f" ({', '.join(f'{k}: {v}' for k, v in s['error_kinds'].items())})"
                                                    if s["error_kinds"] else "") + " |"]
    if client == "browser":
        lines.append(f"| JavaScript errors in pages (informational) | {s['js_errors']} |")
        if res["client"].get("probe_404s"):
            lines.append(f"| expected 404s, not counted (informational) | {res['client']['probe_404s']}: Streamlit's "
                         "frontend opened at `/<page>` first asks `/<page>/_stcore/health` and `host-config` |")
    if m:
        lines += [f"| server RSS after warm-up → after the logins → peak → end | {m['start_mb']:,.0f} → "
                  f"{m.get('window_mb', m['start_mb']):,.0f} → {m['peak_mb']:,.0f} → {m['end_mb']:,.0f} MB |",
                  f"| **server RSS growth** (end − after warm-up) | **{m['growth_mb']:+,.0f} MB**"
                  + (f"; {m['settled_mb']:,.0f} MB after {cfg.get('settle_s', 5):.0f} s idle" if m.get("settled_mb")
                     else "") + " |"]
        if "first_half_mb" in m:
            lines.append(f"| server RSS change, 1st / 2nd half of the window | {m['first_half_mb']:+,.0f} / "
                         f"{m['second_half_mb']:+,.0f} MB |")
    if cpu:
        lines += [f"| CPU in the window (cores of {res['machine']['cpus']}) | server {cpu['server_cores']}, "
                  + (f"PostgreSQL {cpu.get('db_cores', 0)}, " if res.get("db_pid") else "")
                  + f"client ({'Chromium + Playwright driver + ' if client == 'browser' else ''}this script) "
                  f"{cpu['client_cores']}, other processes {cpu['other_cores']}; machine {cpu['machine_busy_pct']}% "
                  "busy |",
                  f"| client memory peak (PSS) | {m['client_peak_mb']:,.0f} MB |"]
    if cpu and client == "browser" and cpu["client_cores"] > 2 * cpu["server_cores"]:
        lines += ["", f"**Client-bound**: Chromium and its driver used {cpu['client_cores']} cores, the dashboard "
                  f"server {cpu['server_cores']}; these times mostly measure the browser waiting for CPU, not the "
                  "server (compare the websocket run)."]
    elif cpu and cpu["server_cores"] >= 0.9:
        lines += ["", f"**Server-bound**: the Streamlit process used {cpu['server_cores']} cores; one Python process "
                  "runs its scripts under one interpreter lock, so it cannot use much more than one core however many "
                  "are free — the requests queue behind each other."]
    lines += ["", "Per page (ready navigations in the window; seconds from click / navigation start to ready):", "",
              "| page | n | p50 | p95 | max |", "|---|---|---|---|---|"]
    for title, st_ in s["per_page"].items():
        lines.append(f"| {title} | {st_['n']} | {_s(st_['p50'])} | {_s(st_['p95'])} | {_s(st_['max'])} |")
    if s["error_examples"]:
        lines += ["", "Errors (first 20 of each kind of record):", ""]
        for e in s["error_examples"]:
            if not isinstance(e, str):
                e = f"session {e['session']} {e['mode']} {e['page']} {e['url']}: {e['error']} after {e['seconds']} s"
            lines.append(f"- {e}")
    if s["js_error_examples"]:
        lines += ["", "JavaScript errors seen (distinct, first 10): " + "; ".join(f"`{e}`" for e in s["js_error_examples"])]
    lines.append("")
    return lines


def summary_table(results: list[dict]) -> list[str]:
    lines = ["| database | client | sessions × s | page loads (per s) | p50 | p95 | max | errors | server RSS start → end "
             "(growth) | CPU server / PostgreSQL / client / other (cores) | server CPU per page load | load avg before |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for res in results:
        s, db, cfg, m = res["summary"], res["database"], res["config"], res["summary"]["memory"]
        cpu = m.get("cpu", {})
        lines.append(
            f"| {db['backend']} {db['households']:,} | {res['client'].get('client', 'browser')} | "
            f"{cfg['sessions']} × {cfg['duration_s']:.0f} | {s['page_loads']:,} "
            f"({s['page_loads'] / max(res['client']['wall_s'], 1):.1f}) | {_s(s['overall']['p50'])} | "
            f"**{_s(s['overall']['p95'])}** | {_s(s['overall']['max'])} | **{s['errors']}** | "
            + (f"{m['start_mb']:,.0f} → {m['end_mb']:,.0f} MB (**{m['growth_mb']:+,.0f} MB**) | " if m else "– | ")
            + (f"{cpu['server_cores']} / {cpu.get('db_cores', 0) if res.get('db_pid') else '–'} / "
               f"{cpu['client_cores']} / {cpu['other_cores']} | " if cpu else "– | ")
            + (f"{cpu['server_cores'] * cpu['wall_s'] / s['page_loads']:.2f} s | " if cpu and s["page_loads"]
               else "– | ")
            + f"{res['load_before'][0]:.2f} |")
    return lines


def write_report(results: list[dict], path: Path) -> str:
    mi = results[0]["machine"]
    v = mi["versions"]
    lines = ["# Load test / 压力测试", "",
             "Generated by `scripts/load_test.py` (method in its docstring). Re-run: "
             "`.venv/bin/python scripts/load_test.py [--backends sqlite,postgresql] [--client browser|ws|both] "
             "[--sessions 20 --duration 60]`; `--report-only` rewrites this file from `data/load/*.json`.", "",
             "Each run: a freshly started `streamlit run dashboard/server.py` (cold Streamlit cache) on a demo county, "
             "N concurrent sessions on loopback that log in through the form (two at a time, before the clock "
             "starts) and then, for the given seconds, all move through the 11 non-admin pages: a random other page "
             "each time, by its sidebar link (70%) or by loading "
             "its URL afresh with random filters (30%: `town`, `village`, `cat`, `period`, `hh` on 户情), with a "
             "think time of 0.5–1.5 s. **Page-ready time** runs from the click / navigation start until the "
             "Streamlit script has finished and the page's title heading is drawn with nothing stale, no exception "
             "and no error box. Two clients:", "",
             "- **browser**: one headless Chromium (Debian package, Playwright async API) with one browser context per "
             "session, all driven from one Python process; the time includes the browser's own work (loading the "
             "Streamlit frontend on a fresh load, drawing Plotly charts, the pydeck map and data grids).",
             "- **ws**: no browser; each session speaks Streamlit's websocket protocol (the protobuf messages the "
             "frontend sends and receives) from the same Python process, logs in through the same form and "
             "cookie route, and a page is ready when the server's `script_finished` arrives with the right title "
             "and no exception/error. This measures the server alone; the client costs almost no CPU.", "",
             "Errors: exceptions, error boxes, the login form re-appearing, a page not ready within 30 s, HTTP "
             "status ≥ 400, page crashes, failed logins. Server memory: VmRSS of the streamlit process (and "
             "children) after one warm-up login (start), when all sessions have logged in, every 2 s, right after "
             "the window (end) and after 5 s idle. CPU: per process from /proc over the window; *other* is "
             "everything else on the machine (other engineers' test runs).", "",
             "## Summary", ""] + summary_table(results) + [
             "",
             "How to read it:", "",
             "- The **ws** rows are the server's own page-ready times under that many sessions; the **browser** rows "
             "add the browser's work. On this 2-core machine the browser client and the server compete for the same "
             "cores: where the CPU column shows the client using several times the server's share, the browser rows "
             "measure Chromium waiting for CPU (their timeouts included) more than the dashboard, and are an upper "
             "bound. Real users' browsers run on their own machines: expect about the ws time plus their own "
             "browser's drawing time.",
             "- *server CPU per page load* (CPU seconds the Streamlit process spent per navigation in the window) "
             "gives the capacity of one server process: a single Python process cannot use much more than one core, "
             "so it serves at most about 1 / (CPU per page load) page loads per second; beyond that, requests queue "
             "and page-ready time grows with the number of sessions. Several replicas (docs/DEPLOYMENT.md"
             ") use more cores.",
             "- The think time of ~1 s is a stress pattern: a session asks for the next page about a second after "
             "the last one arrived, where a person reading a dashboard page asks perhaps every 30 s."
             + (f" The highest throughput measured here, {best:.1f} page loads per second, is what about "
                f"{best * 30:.0f} such people would ask for." if (best := max(
                    (r['summary']['page_loads'] / max(r['client']['wall_s'], 1) for r in results), default=0)) else ""),
             "- Memory growth includes Streamlit's data cache filling with the filter combinations visited (it "
             "starts empty on the fresh server), the sessions' state and, for SQLite, its page cache and "
             "memory-mapped file pages; each section shows the growth in the first and second half of the window "
             "(a plateau or a steady climb) and the value after some idle seconds.",
             "- The 1-minute load average lags: a value taken right after a previous run still includes it.",
             "",
             "## Machine", "",
             f"- {mi['cpus']} × {mi['cpu_model']}; RAM {mi['ram_gb']} GB; Linux {mi['kernel']}",
             f"- Python {v.get('python')}, Streamlit {v.get('streamlit')}, Playwright {v.get('playwright')}, "
             f"SQLAlchemy {v.get('sqlalchemy')}, pandas {v.get('pandas')}",
             f"- Code at commit {mi['commit']}"
             + (f" with uncommitted changes in {', '.join(mi['changed_files'][:8])}" if mi.get("changed_files")
                else " (no uncommitted changes to tracked files)")
             + f"; report written {datetime.now():%Y-%m-%d %H:%M}.",
             "- Server and client share the machine's 2 cores on loopback, and other engineers' test runs share them "
             "too (load average before each run in the tables). The CPU row of each table splits the cores between "
             "the server, the client (this script, and for the browser client Chromium and the Playwright driver) "
             "and everything else.", ""]
    for res in results:
        lines += section(res)
    text = "\n".join(lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text


# --- databases and the server ------------------------------------------------------------------------------

def seed_sqlite(households: int, path: Path, reseed: bool = False) -> str:
    """The demo county in `path`, reused when it has the households, the schema version and is newer than every
    source file of the seed and query packages (what the loader derives and stores can change without a new
    schema version)."""
    url = f"sqlite:///{path}"
    sources = [*ROOT.glob("seed/**/*.py"), *ROOT.glob("queries/**/*.py")]
    if path.exists() and (reseed or any(f.stat().st_mtime > path.stat().st_mtime for f in sources)):
        path.unlink()
    if path.exists():
        try:
            from queries.schema import SCHEMA_VERSION

            _, info = read_params(url, limit=1)
            if info["households"] == households and info["is_demo"] and info["schema_version"] == SCHEMA_VERSION:
                return url
        except Exception:  # noqa: BLE001 - unreadable: seed again
            pass
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"seeding {households:,} households into {path} ...", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "seed", "--households", str(households), "--seed", str(SEED),
                    "--as-of", AS_OF, "--out", str(path), "--quiet"], cwd=ROOT, check=True)
    return url


def seed_url(households: int, url: str) -> None:
    print(f"seeding {households:,} households into {url} ...", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "seed", "--households", str(households), "--seed", str(SEED),
                    "--as-of", AS_OF, "--url", url, "--quiet"], cwd=ROOT, check=True)


def run_backend(backend: str, clients: list[str], args) -> list[dict]:
    """Every client against a freshly started server (cold Streamlit cache) on the same database."""
    import contextlib

    from tests.browser import streamlit_server

    results = []
    with contextlib.ExitStack() as db_stack:
        db_url = args.db_url
        if db_url is None:
            if backend == "sqlite":
                db_url = seed_sqlite(args.households, LOAD_DIR / "monitor.db", args.reseed)
            else:
                from tests.pg_server import PostgresServer

                pg = db_stack.enter_context(PostgresServer())
                seed_url(args.households, pg.create_database("monitor"))
                db_url = pg.reader_url("monitor")  # SELECT only: the dashboard refuses a role that can write
        if args.users_file:
            os.environ["MONITOR_USERS_FILE"] = str(args.users_file)  # for the township lookup here
        for n, client in enumerate(clients):
            if n and args.cooldown > 0:  # let the previous run's processes wind down
                time.sleep(args.cooldown)
            with contextlib.ExitStack() as stack:
                if args.url:
                    base_url = args.url
                else:
                    LOAD_DIR.mkdir(parents=True, exist_ok=True)
                    audit = LOAD_DIR / f"audit-{backend}-{client}-{os.getpid()}.db"
                    for suffix in ("", "-wal", "-shm", "-journal"):
                        stack.callback(lambda a=Path(f"{audit}{suffix}"): a.unlink(missing_ok=True))
                    env = {"MONITOR_AUDIT_URL": f"sqlite:///{audit}", "MONITOR_COOKIE_SECRET": secrets.token_hex(16)}
                    if args.users_file:
                        env["MONITOR_USERS_FILE"] = str(args.users_file)
                    base_url = stack.enter_context(streamlit_server(db_url, env=env))
                print(f"{backend}/{client}: {args.sessions} sessions × {args.duration:.0f} s against {base_url} "
                      f"(load average {os.getloadavg()[0]:.2f})", file=sys.stderr, flush=True)
                res = run_load(base_url, db_url, sessions=args.sessions, duration=args.duration, users=args.user,
                               think=args.think, url_share=args.url_share, ramp=args.ramp, timeout=args.timeout,
                               sample_every=args.sample, settle=args.settle, client=client,
                               login_concurrency=args.login_concurrency)
            res["machine"] = machine_info()
            results.append(res)
            s = res["summary"]
            print(f"{backend}/{client}: {s['page_loads']} page loads, p50 {_s(s['overall']['p50'])}, "
                  f"p95 {_s(s['overall']['p95'])}, errors {s['errors']}, server RSS growth "
                  f"{s['memory'].get('growth_mb')} MB", file=sys.stderr, flush=True)
            out = LOAD_DIR / f"{backend}-{client}-{args.sessions}.json"
            out.write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    return results


def main(argv=None) -> int:
    global LOAD_DIR
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sessions", type=int, default=20, help="concurrent browser sessions (default 20)")
    p.add_argument("--duration", type=float, default=60, help="seconds of navigation (default 60)")
    p.add_argument("--households", type=int, default=30_000, help="demo households to seed (default 30000)")
    p.add_argument("--backends", default="sqlite", help="sqlite,postgresql (default sqlite); ignored with --db-url")
    p.add_argument("--db-url", help="use this database instead of seeding one")
    p.add_argument("--reseed", action="store_true", help="seed data/load/monitor.db again even if it looks current")
    p.add_argument("--url", help="use this running server (its process is found by its port)")
    p.add_argument("--users-file", type=Path, help="MONITOR_USERS_FILE for the started server")
    p.add_argument("--user", action="append", metavar="NAME:PASSWORD",
                   help=f"login(s), used round-robin (default {' '.join(DEFAULT_USERS)})")
    p.add_argument("--think", type=float, default=1.0, help="mean seconds between navigations (default 1)")
    p.add_argument("--url-share", type=float, default=0.3, help="share of fresh URL loads vs sidebar clicks (0.3)")
    p.add_argument("--ramp", type=float, default=5.0, help="seconds over which sessions start (default 5)")
    p.add_argument("--login-concurrency", type=int, default=2,
                   help="at most this many sessions log in at the same time (default 2)")
    p.add_argument("--cooldown", type=float, default=20.0, help="seconds of pause between runs (default 20)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds before a page counts as failed (30)")
    p.add_argument("--sample", type=float, default=2.0, help="seconds between memory/CPU samples (2)")
    p.add_argument("--settle", type=float, default=5.0, help="idle seconds before the last memory sample (5)")
    p.add_argument("--report", type=Path, default=REPORT, help=f"markdown report (default {REPORT.relative_to(ROOT)})")
    p.add_argument("--client", choices=["browser", "ws", "both"], default="both",
                   help="headless Chromium, Streamlit's websocket protocol without a browser, or both (default)")
    p.add_argument("--results-dir", type=Path, default=LOAD_DIR, help="where the JSON results go (data/load)")
    p.add_argument("--report-only", action="store_true", help="rewrite the report from the JSON results")
    args = p.parse_args(argv)

    LOAD_DIR = args.results_dir
    clients = ["ws", "browser"] if args.client == "both" else [args.client]
    started = datetime.now().isoformat(timespec="seconds")
    if not args.report_only:
        if args.db_url:
            import sqlalchemy as sa
            backends = [sa.make_url(args.db_url).get_backend_name()]
        else:
            backends = [b.strip() for b in args.backends.split(",") if b.strip()]
        for b in backends:
            if b not in ("sqlite", "postgresql"):
                p.error(f"unknown backend {b!r}")
        LOAD_DIR.mkdir(parents=True, exist_ok=True)
        for b in backends:
            run_backend(b, clients, args)
    def key(f: Path):
        backend, client, sessions = f.stem.split("-")
        return ("sqlite", "postgresql").index(backend), ("ws", "browser").index(client), -int(sessions)

    files = sorted((f for f in LOAD_DIR.glob("*.json")
                    if re.fullmatch(r"(sqlite|postgresql)-(browser|ws)-\d+", f.stem)), key=key)
    results = [json.loads(f.read_text(encoding="utf-8")) for f in files]
    if not results:
        p.error(f"no results in {LOAD_DIR}")
    print(write_report(results, args.report))
    checked = results if args.report_only else [r for r in results if r["started"] >= started]
    return 0 if all(r["summary"]["errors"] == 0 for r in checked) else 1


if __name__ == "__main__":
    sys.exit(main())
