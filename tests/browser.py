"""Helpers for browser tests: serve a Streamlit app locally and drive it with headless Chromium.

    with streamlit_server(db_url) as base_url, sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page()
        page.goto(base_url)
        wait_for_app(page)

Chromium is the Debian package (/usr/bin/chromium, or $BROWSER_PATH); Playwright's own browser
download is not used.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

from tests.pg_server import free_port

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
APP = ROOT / "dashboard" / "server.py"  # app.py plus the login-cookie routes
BROWSER_PATH = os.environ.get("BROWSER_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
APP_READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
SKELETON = '[data-testid="stSkeleton"]'


@contextlib.contextmanager
def streamlit_server(db_url: str, port: int | None = None, env: dict[str, str] | None = None,
                     script: str | os.PathLike | None = None, timeout: float = 60.0) -> Iterator[str]:
    """Run ``streamlit run <script>`` (default dashboard/app.py) on 127.0.0.1; yields the base URL.

    The app reads ``db_url`` via MONITOR_DB_URL (a PostgreSQL URL must be a SELECT-only role,
    ``PostgresServer.reader_url``: the dashboard refuses one that can write). Raises RuntimeError with the server's output if it
    does not report healthy within ``timeout`` seconds.
    """
    port = port or free_port()
    script = Path(script) if script is not None else APP
    python = PYTHON if PYTHON.exists() else Path(sys.executable)
    cmd = [str(python), "-m", "streamlit", "run", str(script),
           "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false"]
    full_env = {**os.environ,
                "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",  # tests never edit sources mid-run
                **(env or {}),
                "MONITOR_DB_URL": db_url,
                "PYTHONPATH": os.pathsep.join([str(ROOT)] + ([os.environ["PYTHONPATH"]]
                                                             if os.environ.get("PYTHONPATH") else []))}
    base_url = f"http://127.0.0.1:{port}"
    # A thread drains the output (a chatty server must never block on a full pipe) and signals the line
    # Streamlit prints once it listens ("URL: http://..."), or the end of the output when the server exits.
    proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    lines: list[bytes] = []
    listening = threading.Event()

    def drain() -> None:
        for line in proc.stdout:
            lines.append(line)
            if line.strip().startswith(b"URL: "):
                listening.set()
        listening.set()

    threading.Thread(target=drain, daemon=True).start()

    def output() -> str:
        return b"".join(lines).decode("utf-8", errors="replace")

    try:
        if not listening.wait(timeout):
            raise RuntimeError(f"Streamlit 服务器 {timeout:.0f} 秒内未就绪: {' '.join(cmd)}\n{output()}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=10) as resp:
                healthy = resp.status == 200 and resp.read().strip() == b"ok"
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
            healthy = False
            lines.append(f"health check: {exc}\n".encode())
        if not healthy:
            code = proc.poll()
            raise RuntimeError(f"Streamlit 服务器未就绪{'' if code is None else f'（已退出，exit {code}）'}:\n"
                               f"{' '.join(cmd)}\n{output()}")
        yield base_url
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        proc.stdout.close()


def launch_chromium(playwright, **kwargs):
    """Headless Debian Chromium via Playwright (no Playwright browser download needed)."""
    return playwright.chromium.launch(executable_path=BROWSER_PATH, headless=True,
                                      args=CHROMIUM_ARGS, **kwargs)


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Wait until the Streamlit script has finished a run that drew the page's heading.

    "notRunning" alone is also the state before the first run starts, and the first visit to a
    fresh server occasionally stays blank: so wait for a heading too, and reload once on a timeout.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    ready = f"{APP_READY} [data-testid='stMain'] h1"
    try:
        page.wait_for_selector(ready, timeout=timeout)
    except PlaywrightTimeoutError:
        page.reload()
        page.wait_for_selector(ready, timeout=timeout)
    page.wait_for_selector(APP_READY, timeout=timeout)
    # A finished run can still show skeletons where the browser is loading an element's code (tables, the
    # sidebar's navigation): the page is drawn when none is left.
    page.wait_for_function(f"!document.querySelector('{SKELETON}')", timeout=timeout)


def login(page, base_url: str, username: str, password: str, path: str = "/") -> None:
    """Log in through the form on `path`; the browser ends on that view with the login cookie set."""
    page.goto(base_url + path)
    wait_for_app(page)
    try:
        page.get_by_label("用户名").fill(username, timeout=10_000)
    except Exception:
        page.screenshot(path=str(ROOT / "screenshots" / "login_failure.png"))
        raise
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/session/" not in url, timeout=15_000)
    page.wait_for_selector('[data-testid="stSidebar"] button:has-text("退出登录")', state="attached", timeout=30_000)  # hidden in a phone's collapsed sidebar
    wait_for_app(page)
