"""The session/audit store and the files holding personal data or secrets: lock-out by name and by
address (SQLite and PostgreSQL stores), session ids and tickets stored hashed, files created 0600, and the
admin's 审计日志 page on any mix of rows."""

import hashlib
import os
import subprocess
import sys
import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from dashboard.security import cookies, store, users
from queries.db import make_engine
from tests.conftest import ROOT, TEST_TOWNSHIP
from tests.handbuilt import write_book
from tests.pages_support import run_page


@pytest.fixture
def audit_store(db_backend, request, monkeypatch):
    """An empty session/audit store on SQLite (conftest's per-test file) or on a fresh PostgreSQL database."""
    if db_backend == "postgresql":
        url = request.getfixturevalue("pg_server").create_database(f"audit_{uuid.uuid4().hex[:12]}")
        monkeypatch.setenv("MONITOR_AUDIT_URL", url)
    return store.engine()


def fail(name: str, ip: str | None, times: int = 1) -> None:
    for _ in range(times):
        store.record_failure(name, ip)


# -- lock-out ------------------------------------------------------------------------------------------------
def test_a_name_is_locked_only_for_the_address_that_guessed(audit_store):
    fail("county", "10.0.0.1", store.MAX_FAILURES - 1)
    assert not store.locked_out("county", "10.0.0.1")
    fail("county", "10.0.0.1")
    assert store.locked_out("county", "10.0.0.1")
    assert not store.locked_out("county", "10.0.0.2")  # the owner, elsewhere, still logs in
    assert not store.locked_out("admin", "10.0.0.1")   # 5 failures are far from the address limit
    store.clear_failures("county", "10.0.0.2")          # a success elsewhere does not free the guesser
    assert store.locked_out("county", "10.0.0.1")
    store.clear_failures("county", "10.0.0.1")
    assert not store.locked_out("county", "10.0.0.1")


def test_spraying_one_password_over_many_names_locks_the_address(audit_store):
    names = [f"user{i}" for i in range(store.MAX_ADDRESS_FAILURES)]
    for n in names[:-1]:
        fail(n, "10.0.0.3")
    assert not store.locked_out("someone", "10.0.0.3")  # 19 failures, one per name
    fail(names[-1], "10.0.0.3")
    assert store.locked_out("someone", "10.0.0.3") and store.locked_out("county", "10.0.0.3")
    assert not store.locked_out("user0", "10.0.0.4")


def test_one_address_cannot_lock_a_name_for_everybody(audit_store):
    # As the login form does it: a locked-out attempt is refused before the password is checked, so it
    # is not recorded as a failure. One address gets at most MAX_FAILURES wrong guesses at "township".
    attempts = 0
    while not store.locked_out("township", "10.0.0.5") and attempts < 100:
        fail("township", "10.0.0.5")
        attempts += 1
    assert attempts == store.MAX_FAILURES
    assert not store.locked_out("township", "10.0.0.6")
    # Many addresses together (a distributed attack) do lock the name, for everybody.
    per_address = store.MAX_FAILURES - 1
    for i in range(-(-store.MAX_NAME_FAILURES // per_address)):
        fail("township", f"10.1.0.{i}", per_address)
    assert store.locked_out("township", "10.0.0.6")


def test_failures_older_than_the_window_do_not_count(audit_store):
    fail("county", "10.0.0.7", store.MAX_FAILURES)
    with audit_store.begin() as conn:
        conn.execute(store.failures.update().values(at=store.now() - store.FAILURE_WINDOW - timedelta(seconds=1)))
    assert not store.locked_out("county", "10.0.0.7")


def test_unknown_address_counts_as_one_address(audit_store):
    fail("county", None, store.MAX_FAILURES)
    assert store.locked_out("county", None) and not store.locked_out("county", "10.0.0.8")


# -- what the store keeps of sessions and tickets --------------------------------------------------------------
def test_session_ids_and_tickets_are_stored_hashed(audit_store):
    sid = store.create_session("county")
    token = store.create_ticket(sid)
    with audit_store.connect() as conn:
        kept = [str(v) for t in (store.sessions, store.tickets) for row in conn.execute(sa.select(t)) for v in row]
    assert not any(sid in v or token in v for v in kept)
    assert hashlib.sha256(sid.encode()).hexdigest() in kept
    assert store.session_user(sid) == "county"
    assert store.redeem_ticket(token) == sid  # the browser holding the ticket gets the raw id for its cookie
    assert store.session_user(hashlib.sha256(sid.encode()).hexdigest()) is None  # what is stored does not log in


# -- files -----------------------------------------------------------------------------------------------------
@pytest.fixture
def open_umask():
    """umask 000: a file that is private only because of a careful umask would show up as 0666."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode(path) -> int:
    return os.stat(path).st_mode & 0o777


def test_store_users_and_secret_files_are_private(open_umask, tmp_path, monkeypatch):
    monkeypatch.setenv("MONITOR_AUDIT_URL", f"sqlite:///{tmp_path / 'data' / 'audit.db'}")
    store.log("login", "county")
    assert mode(tmp_path / "data" / "audit.db") == 0o600
    users.add_user(tmp_path / "users.json", "zhang", "a-long-password", "county")
    assert mode(tmp_path / "users.json") == 0o600
    monkeypatch.delenv("MONITOR_COOKIE_SECRET")
    monkeypatch.setattr(cookies, "ROOT", tmp_path)
    assert cookies.verify(cookies.sign("abc")) == "abc"
    assert mode(tmp_path / "data" / "cookie_secret") == 0o600


def test_seeded_and_imported_databases_are_private(demo_db_url, open_umask, tmp_path):
    assert mode(sa.make_url(demo_db_url).database) == 0o600  # written by `python -m seed --out`
    book = write_book(tmp_path / "县.xlsx", {
        "县": [{"县级区划代码": "439901", "县名称": "手工县"}],
        "乡镇": [{"乡镇区划代码": TEST_TOWNSHIP, "乡镇名称": "城关镇", "县级区划代码": "439901"}],
    })
    imported = tmp_path / "imported.db"
    done = subprocess.run([sys.executable, "-m", "seed.importer", str(book), "--out", str(imported),
                           "--as-of", "2026-06-30"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert mode(imported) == 0o600
    with make_engine(f"sqlite:///{imported}").connect() as conn:
        assert conn.exec_driver_sql("SELECT name FROM townships").scalar() == "城关镇"


# -- 审计日志 on any mix of rows ----------------------------------------------------------------------------------
def audit_rows(at):
    [table] = [d.value for d in at.dataframe if "动作" in d.value.columns]
    return table


def test_audit_page_renders_any_mix_of_rows_and_filters_them(app_db, audit_store):
    store.log("login", "county", "county", ip="10.0.0.1")
    store.log("login_failed", "nobody", ip="10.0.0.2")                          # no role
    store.log("login_failed", None, detail="demo account on a non-demo database")  # no user, no address
    store.log("view_household", "township", "township", target="439901101201001",
              filters={"as_of": date(2026, 6, 30), "town": TEST_TOWNSHIP, "village": None})
    store.log("export", "county", "county", target="预警名单.xlsx", filters={"period": "quarter"}, detail="xlsx")
    store.log("reveal", "township", "township", target="439901101201001", filters={"as_of": "2026-06-30"})
    store.log("logout", "county", "county")
    at = run_page("audit", user="admin")
    assert not at.exception and not at.error
    rows = audit_rows(at)
    assert len(rows) == 7
    assert rows["动作"].tolist() == ["退出", "显示完整个人信息", "导出", "查看户情", "登录失败", "登录失败", "登录"]
    view = rows[rows["动作"] == "查看户情"].iloc[0]
    assert view["筛选条件"] == f"as_of=2026-06-30；town={TEST_TOWNSHIP}" and view["用户"] == "township"
    assert rows["用户"].tolist()[4:6] == ["—", "nobody"] and rows["筛选条件"].tolist()[0] == ""

    at.selectbox(key="audit_action").set_value("reveal").run()
    rows = audit_rows(at)
    assert rows["动作"].tolist() == ["显示完整个人信息"] and rows["对象"].tolist() == ["439901101201001"]

    at.selectbox(key="audit_action").set_value("").run()
    at.text_input(key="audit_user").input("county").run()
    assert audit_rows(at)["动作"].tolist() == ["退出", "导出", "登录"]

    at.selectbox(key="audit_action").set_value("login_failed").run()
    at.text_input(key="audit_user").input("nobody").run()
    rows = audit_rows(at)
    assert rows["用户"].tolist() == ["nobody"] and rows["来源地址"].tolist() == ["10.0.0.2"]
