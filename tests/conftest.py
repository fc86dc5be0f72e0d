"""Shared fixtures.

* ``pg_server``  - one throwaway PostgreSQL server for the whole session (tests/pg_server.py).
* ``db_backend`` - parametrized ``sqlite`` / ``postgresql``; the postgresql variant is marked ``postgres``.
* ``empty_db``   - writable engine on a fresh database of that backend with the schema created.

Skips and xfails are not allowed: the run fails if any test was skipped, so CI cannot go green
while PostgreSQL or browser tests silently did not run.
"""

from __future__ import annotations

import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.pg_server import PostgresServer  # noqa: E402

BACKENDS = ["sqlite", "postgresql"]


# --- PostgreSQL -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def pg_server():
    server = PostgresServer()
    server.start()  # raises RuntimeError (with the server log) on failure; never skips
    try:
        yield server
    finally:
        server.stop()


# --- database per backend ---------------------------------------------------------------------

@pytest.fixture(params=BACKENDS, ids=BACKENDS)
def db_backend(request) -> str:
    return request.param


@pytest.fixture
def empty_db(db_backend, request, tmp_path):
    """Writable SQLAlchemy engine on a fresh, empty database with ``metadata.create_all`` run.

    ``engine.url.render_as_string(hide_password=False)`` gives its URL (e.g. for MONITOR_DB_URL).
    """
    from queries.db import make_engine
    from queries.schema import metadata

    if db_backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'monitor.db'}", read_only=False)
        dbname = None
    else:
        server = request.getfixturevalue("pg_server")  # started lazily: sqlite-only runs need no server
        dbname = f"t_{uuid.uuid4().hex[:16]}"
        engine = make_engine(server.create_database(dbname), read_only=False)
    metadata.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        if dbname is not None:
            _drop_database(request.getfixturevalue("pg_server"), dbname)


def _drop_database(server: PostgresServer, dbname: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(host="127.0.0.1", port=server.port, user="postgres", dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))


def pytest_collection_modifyitems(config, items):
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("db_backend") == "postgresql":
            item.add_marker(pytest.mark.postgres)


# --- users, sessions and audit store for the dashboard ---------------------------------------------

TEST_PASSWORD = "test-pass-1"
TEST_TOWNSHIP = "439901101"  # 城关镇 in tests/fixture_db.py
DEMO_TOWNSHIP = "439901001"  # the first township of the seeded demo county


@pytest.fixture(scope="session")
def users_file(tmp_path_factory):
    """Non-demo test accounts (the demo accounts only work on the demo database)."""
    from dashboard.security.users import add_user

    path = tmp_path_factory.mktemp("users") / "users.json"
    for name, role, town in [("county", "county", None), ("township", "township", TEST_TOWNSHIP),
                             ("inspector", "inspector", None), ("admin", "admin", None),
                             ("township_demo", "township", DEMO_TOWNSHIP)]:
        add_user(path, name, TEST_PASSWORD, role, town)
    return path


@pytest.fixture(autouse=True)
def _security_env(users_file, tmp_path, monkeypatch):
    """Every test gets its own writable session/audit store and the test users."""
    monkeypatch.setenv("MONITOR_USERS_FILE", str(users_file))
    monkeypatch.setenv("MONITOR_AUDIT_URL", f"sqlite:///{tmp_path / 'audit.db'}")
    monkeypatch.setenv("MONITOR_COOKIE_SECRET", "test-secret-not-for-production")


# --- Streamlit caches -------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    """Tests calling cached query functions directly must not see another test's database."""
    st = sys.modules.get("streamlit")  # only if something already imported it: importing costs ~1 s
    if st is not None:
        st.cache_data.clear()
        st.cache_resource.clear()
    yield


# --- no skips -----------------------------------------------------------------------------------

NOT_ALLOWED = ("skipped", "xfailed")
_SKIP_MESSAGE = pytest.StashKey[str]()


def _disallowed(session) -> dict[str, int]:
    tr = session.config.pluginmanager.get_plugin("terminalreporter")
    if tr is None:
        return {}
    return {k: len(tr.stats.get(k, [])) for k in NOT_ALLOWED if tr.stats.get(k)}


def pytest_sessionfinish(session, exitstatus):
    bad = _disallowed(session)
    if bad:
        counts = ", ".join(f"{n} {k}" for k, n in bad.items())
        session.config.stash[_SKIP_MESSAGE] = (
            f"FAILED: skips are not allowed ({counts}) - PostgreSQL and browser tests must really run; "
            "不允许跳过测试。")
        if session.exitstatus == 0:
            session.exitstatus = 1


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    # Printed here, after pytest's own final "N passed, M skipped" line, so it is the last thing CI shows.
    message = config.stash.get(_SKIP_MESSAGE, None)
    if message:
        tr = config.pluginmanager.get_plugin("terminalreporter")
        if tr is not None:
            tr.write_line(message, red=True, bold=True)
        else:
            print(message, file=sys.stderr)


# --- dashboard pages on the hand-built fixture database ------------------------------------------

@pytest.fixture(scope="session")
def fixture_sqlite_url(tmp_path_factory) -> str:
    """The hand-built fixture county (tests/fixture_db.py) in a SQLite file, built once."""
    from queries.db import make_engine
    from queries.schema import metadata
    from tests.fixture_db import build_fixture

    path = tmp_path_factory.mktemp("fixture") / "fixture.db"
    engine = make_engine(f"sqlite:///{path}", read_only=False)
    metadata.create_all(engine)
    build_fixture(engine)
    engine.dispose()
    return f"sqlite:///{path}"


@pytest.fixture
def app_db(fixture_sqlite_url, monkeypatch) -> str:
    """Point the dashboard at the fixture database, with fresh Streamlit caches."""
    import streamlit as st

    monkeypatch.setenv("MONITOR_DB_URL", fixture_sqlite_url)
    st.cache_data.clear()
    st.cache_resource.clear()
    return fixture_sqlite_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fixture_page_db(request, monkeypatch) -> str:
    """The dashboard pointed at the fixture county on SQLite, then PostgreSQL (a SELECT-only role), with fresh
    Streamlit caches; returns the URL it reads."""
    import streamlit as st

    url = request.getfixturevalue("fixture_sqlite_url" if request.param == "sqlite" else "fixture_pg_reader_url")
    monkeypatch.setenv("MONITOR_DB_URL", url)
    st.cache_data.clear()
    st.cache_resource.clear()
    return url


# --- the demo database and a running dashboard, for browser tests ---------------------------------

DEMO_AS_OF = "2026-06-30"


@pytest.fixture(scope="session")
def demo_db_url(tmp_path_factory) -> str:
    """A small demo county seeded once per session with the real seed command."""
    import subprocess

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    subprocess.run([sys.executable, "-m", "seed", "--households", "3000", "--seed", "11", "--as-of", DEMO_AS_OF,
                    "--out", str(path), "--quiet"], cwd=ROOT, check=True)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def demo_audit_url(tmp_path_factory) -> str:
    """The session/audit store of the demo server (tests read the audit log from it)."""
    return f"sqlite:///{tmp_path_factory.mktemp('audit') / 'audit.db'}"


@pytest.fixture(scope="session")
def demo_server(demo_db_url, demo_audit_url, users_file) -> str:
    """Base URL of a Streamlit server running the dashboard on the demo database, with the test users."""
    from tests.browser import streamlit_server

    env = {"MONITOR_USERS_FILE": str(users_file), "MONITOR_AUDIT_URL": demo_audit_url,
           "MONITOR_COOKIE_SECRET": "test-secret-not-for-production"}
    with streamlit_server(demo_db_url, env=env) as base_url:
        yield base_url


@dataclass(frozen=True)
class DemoServer:
    base: str        # the dashboard's base URL
    db_url: str      # what the server reads (PostgreSQL: the SELECT-only role)
    township: str    # the township of the user "busytown"
    audit_url: str   # its session/audit store


def _demo_db(backend: str, request) -> str:
    """The demo county on `backend` (PostgreSQL: seeded the same way, read through a SELECT-only role)."""
    import subprocess
    if backend == "sqlite":
        return request.getfixturevalue("demo_db_url")
    pg = request.getfixturevalue("pg_server")
    subprocess.run([sys.executable, "-m", "seed", "--households", "3000", "--seed", "11", "--as-of", DEMO_AS_OF,
                    "--url", pg.create_database("browser_demo"), "--quiet"], cwd=ROOT, check=True)
    return pg.reader_url("browser_demo")


@pytest.fixture(scope="session")
def demo_servers(request, users_file, tmp_path_factory):
    """get(backend) -> DemoServer: the dashboard on the demo county, started once per backend and session, with
    the test users plus "busytown", a township user of the township with the most 交办 that also has 整改问题
    and 失信 records (the shared test users' township has none of them)."""
    import contextlib
    import shutil

    import sqlalchemy as sa

    from dashboard.security.users import add_user
    from tests.browser import streamlit_server
    started: dict[str, DemoServer] = {}
    with contextlib.ExitStack() as stack:
        def get(backend: str) -> DemoServer:
            if backend not in started:
                url = _demo_db(backend, request)
                engine = sa.create_engine(url)
                with engine.connect() as conn:
                    town = conn.execute(sa.text(
                        "SELECT a.township_code FROM assignments a GROUP BY a.township_code HAVING "
                        "a.township_code IN (SELECT township_code FROM findings) AND "
                        "a.township_code IN (SELECT township_code FROM dishonesty_records) "
                        "ORDER BY count(*) DESC, a.township_code LIMIT 1")).scalar_one()
                engine.dispose()
                where = tmp_path_factory.mktemp(f"busy_{backend}")
                shutil.copy(users_file, where / "users.json")
                add_user(where / "users.json", "busytown", TEST_PASSWORD, "township", town)
                audit = f"sqlite:///{where / 'audit.db'}"
                env = {"MONITOR_USERS_FILE": str(where / "users.json"), "MONITOR_AUDIT_URL": audit}
                started[backend] = DemoServer(stack.enter_context(streamlit_server(url, env=env)), url, town, audit)
            return started[backend]
        yield get


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_chromium

    with sync_playwright() as pw:
        b = launch_chromium(pw)
        yield b
        b.close()


@pytest.fixture(scope="session")
def fixture_pg_url(pg_server) -> str:
    """The hand-built fixture county in a PostgreSQL database on the session server."""
    from queries.db import make_engine
    from queries.schema import metadata
    from tests.fixture_db import build_fixture

    url = pg_server.create_database("fixture_pages")
    engine = make_engine(url, read_only=False)
    metadata.create_all(engine)
    build_fixture(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def fixture_pg_reader_url(pg_server, fixture_pg_url) -> str:
    """The fixture county through a SELECT-only role: the URL to give the dashboard (it refuses one that
    can write, such as fixture_pg_url's superuser)."""
    import sqlalchemy as sa

    return pg_server.reader_url(sa.make_url(fixture_pg_url).database)


@pytest.fixture
def dashboard_url(request):
    """dashboard_url(engine) -> the URL to give the dashboard (MONITOR_DB_URL) for a database a test wrote:
    the same SQLite file, or on PostgreSQL the database through a SELECT-only role (the dashboard refuses a
    role that can write)."""
    def url_for(engine) -> str:
        if engine.dialect.name == "sqlite":
            return engine.url.render_as_string(hide_password=False)
        return request.getfixturevalue("pg_server").reader_url(engine.url.database)
    return url_for
