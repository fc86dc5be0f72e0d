"""Access control and privacy without a browser: login, roles, township scope in the query layer,
masking, reveal, audit entries, throttling, cookies and sessions (the read-only connection: test_readonly.py;
the store's lock-out, hashing and file modes: test_sessions.py)."""

import json
import subprocess
import sys
from datetime import timedelta

import pytest
import sqlalchemy as sa

from dashboard.common.nav import PAGES
from dashboard.security import cookies, store, users
from queries import households, kpis, leads
from queries.filters import Filter
from tests.conftest import ROOT, TEST_PASSWORD
from tests.fixture_db import AS_OF, T1, T2, V21, household_code
from tests.pages_support import run_page

H14_CODE = household_code(14)  # a monitored household in 青山镇 (T2)
H1_CODE = household_code(1)    # a monitored household in 城关镇 (T1)


def all_ids(url) -> set[str]:
    with sa.create_engine(url).connect() as conn:
        return {r[0] for r in conn.execute(sa.text("SELECT id_number FROM members WHERE id_number IS NOT NULL"))}


def page_text(at) -> str:
    """Everything the page sent to the browser as text, tables included."""
    parts = [str(e.value) for kind in ("markdown", "caption", "title", "subheader", "header", "info", "warning",
                                       "error", "success", "metric")
             for e in getattr(at, kind)]
    for df in at.dataframe:
        parts.append(df.value.to_csv() if hasattr(df.value, "to_csv") else str(df.value))
    return "\n".join(parts)


# -- no data without login -----------------------------------------------------------------------------
@pytest.mark.parametrize("page", [p.url_path for p in PAGES])
def test_every_page_without_login_shows_only_the_login_form(app_db, page):
    at = run_page(page, {"town": T2, "hh": H14_CODE}, user=None)
    assert not at.exception
    assert at.title[0].value == "防返贫动态监测 · 登录"
    assert len(at.metric) == 0 and len(at.dataframe) == 0 and len(at.get("plotly_chart")) == 0
    assert "青山镇" not in page_text(at)


def login_via_form(at, username, password):
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click()
    return at.run()


def test_login_form_logs_in_and_writes_the_audit_log(app_db):
    at = run_page("overview", user=None)
    at = login_via_form(at, "county", TEST_PASSWORD)
    assert not at.exception
    at = at.run()
    assert at.title[0].value == "总览"
    assert len(at.metric) > 0
    assert store.recent_events(action="login").username.tolist() == ["county"]


def test_wrong_passwords_are_throttled(app_db):
    at = run_page("overview", user=None)
    for _ in range(store.MAX_FAILURES):
        at = login_via_form(at, "county", "wrong-password")
        assert any("用户名或密码错误" in e.value for e in at.error)
    at = login_via_form(at, "county", TEST_PASSWORD)  # even the right password is refused now
    assert any("错误次数过多" in e.value for e in at.error)
    assert at.title[0].value == "防返贫动态监测 · 登录"
    assert len(store.recent_events(action="login_failed")) == store.MAX_FAILURES
    assert len(store.recent_events(action="login_blocked")) == 1


def test_unknown_user_is_refused_like_a_wrong_password(app_db):
    at = login_via_form(run_page("overview", user=None), "nobody", "whatever-1")
    assert any("用户名或密码错误" in e.value for e in at.error)


def test_demo_accounts_are_refused_on_a_non_demo_database(app_db, monkeypatch):
    monkeypatch.setenv("MONITOR_USERS_FILE", str(users.DEMO_USERS))
    at = login_via_form(run_page("overview", user=None), "county", "demo")
    assert any("演示账号只能在演示数据库上使用" in e.value for e in at.error)
    assert at.title[0].value == "防返贫动态监测 · 登录"


def test_demo_accounts_work_on_the_demo_database(demo_db_url, monkeypatch):
    import streamlit as st
    monkeypatch.setenv("MONITOR_DB_URL", demo_db_url)
    monkeypatch.setenv("MONITOR_USERS_FILE", str(users.DEMO_USERS))
    st.cache_data.clear()
    at = login_via_form(run_page("overview", user=None), "township", "demo").run()
    assert at.title[0].value == "总览"


def test_admin_page_is_refused_to_other_roles(app_db):
    at = run_page("audit", user="county")
    assert any("无权访问" in e.value for e in at.error)
    assert len(at.dataframe) == 0
    at = run_page("audit", user="admin")
    assert not at.exception
    listed = at.dataframe[-1].value
    assert set(listed["用户名"]) == {"county", "township", "inspector", "admin", "township_demo"}
    assert "password_hash" not in page_text(at) and "$argon2" not in page_text(at)


# -- township scope ------------------------------------------------------------------------------------
def test_filter_scope_wins_over_what_is_asked():
    f = Filter(as_of=AS_OF, township=T2, village=V21, scope=T1)
    assert f.township == T1 and f.village is None
    assert f.previous_quarter.township == T1


def test_township_scope_in_the_query_layer(app_db):
    engine = sa.create_engine(app_db)
    with engine.connect() as conn:
        scoped = Filter(as_of=AS_OF, township=T2, scope=T1)
        assert set(leads.leads_by_area(conn, scoped, "township").code) == {T1}
        assert set(leads.leads_by_area(conn, scoped, "village").township_code) == {T1}
        assert kpis.headline_kpis(conn, scoped).equals(kpis.headline_kpis(conn, Filter(as_of=AS_OF, township=T1)))
        hid = households.household_id_by_code(conn, Filter(as_of=AS_OF), H14_CODE)
        assert households.household_record(conn, scoped, hid) is None
        assert households.household_id_by_code(conn, scoped, H14_CODE) is None
        assert households.household_list(conn, scoped, code=H14_CODE, monitored_only=False).empty


def test_township_user_cannot_reach_another_township_by_url(app_db):
    for page in ("overview", "warnings", "factors", "aid", "targets"):
        at = run_page(page, {"town": T2, "village": V21}, user="township")
        assert not at.exception
        assert "青山镇" not in page_text(at), page
        assert at.selectbox(key="flt_town").options == ["城关镇"]
    at = run_page("household", {"hh": H14_CODE}, user="township")
    assert not at.exception
    assert H14_CODE not in page_text(at) or any("不在当前筛选" in w.value for w in at.warning)
    assert len(at.dataframe) == 0
    assert store.recent_events(action="view_household").empty


def test_township_user_sees_own_households(app_db):
    at = run_page("household", {"hh": H1_CODE}, user="township")
    assert not at.exception
    assert "王建国" in page_text(at)


# -- masking and reveal ------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["county", "township", "inspector", "admin"])
def test_no_full_id_number_on_the_household_page(app_db, role):
    at = run_page("household", {"hh": H1_CODE}, user=role)
    assert not at.exception
    text = page_text(at)
    assert not any(i in text for i in all_ids(app_db))
    assert "13800000001" not in text  # the helper's phone


def test_inspectors_see_no_names_or_health_facts(app_db):
    at = run_page("household", {"hh": H1_CODE}, user="inspector")
    text = page_text(at)
    assert "王建国" not in text and "王**" in text
    assert "健康状况" not in text and "残疾等级" not in text
    assert not [b for b in at.button if b.key == "hh_reveal"]


def test_reveal_is_explicit_and_logged(app_db):
    at = run_page("household", {"hh": H1_CODE}, user="county")
    ids = all_ids(app_db)
    assert not any(i in page_text(at) for i in ids)
    assert store.recent_events(action="view_household").target.tolist() == [H1_CODE]
    at.button(key="hh_reveal").click()
    at = at.run()
    assert any(i in page_text(at) for i in ids)
    events = store.recent_events(action="reveal")
    assert events.target.tolist() == [H1_CODE] and events.username.tolist() == ["county"]
    assert json.loads(events.filters.iloc[0])["as_of"] == AS_OF.isoformat()
    at.button(key="hh_hide").click()
    at = at.run()
    assert not any(i in page_text(at) for i in ids)


def test_open_lead_list_names_are_masked_for_inspectors(app_db):
    at = run_page("warnings", {"town": T1, "village": "439901101202"}, user="inspector")
    assert not at.exception
    text = page_text(at)
    assert "黄强" not in text and "黄*" in text


# -- cookies, sessions, users file --------------------------------------------------------------------
def test_cookie_signature():
    signed = cookies.sign("abc")
    assert cookies.verify(signed) == "abc"
    assert cookies.verify(signed[:-1] + ("0" if signed[-1] != "0" else "1")) is None
    assert cookies.verify("abc.") is None and cookies.verify(None) is None and cookies.verify("x" * 500) is None


def test_sessions_expire_idle_and_revoked():
    sid = store.create_session("county")
    assert store.session_user(sid) == "county"
    with store.engine().begin() as conn:
        conn.execute(store.sessions.update().where(store.sessions.c.sid == store.session_key(sid)).values(
            last_seen=store.now() - timedelta(minutes=store.IDLE_MINUTES + 1)))
    assert store.session_user(sid) is None
    store.touch(sid)
    assert store.session_user(sid) == "county"
    with store.engine().begin() as conn:
        conn.execute(store.sessions.update().where(store.sessions.c.sid == store.session_key(sid)).values(
            expires_at=store.now() - timedelta(seconds=1)))
    assert store.session_user(sid) is None
    sid2 = store.create_session("county")
    store.revoke(sid2)
    assert store.session_user(sid2) is None


def test_login_tickets_are_single_use():
    sid = store.create_session("county")
    token = store.create_ticket(sid)
    assert store.redeem_ticket(token) == sid
    assert store.redeem_ticket(token) is None
    assert store.redeem_ticket("forged") is None


def test_add_user_command(tmp_path):
    path = tmp_path / "users.json"
    cmd = [sys.executable, "-m", "dashboard.security.users", "add", "zhang", "--role", "township",
           "--township", T1, "--file", str(path), "--password-stdin"]
    done = subprocess.run(cmd, input="a-long-password\n", capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "a-long-password" not in path.read_text() and "$argon2" in path.read_text()
    u = users.authenticate("zhang", "a-long-password", path)
    assert u is not None and u.scope == T1 and u.role.code == "township"
    assert users.authenticate("zhang", "wrong", path) is None
    bad = subprocess.run([*cmd[:7], "--file", str(path), "--password-stdin"], input="a-long-password\n",
                         capture_output=True, text=True, cwd=ROOT)  # township user without --township
    assert bad.returncode == 2 and "乡镇" in bad.stderr


def test_import_page_is_for_administrators_only(app_db, monkeypatch):
    monkeypatch.setenv("MONITOR_IMPORT_URL", app_db)  # switched on (tests/test_readonly.py: off, and importing)
    at = run_page("data_import", user="township")
    assert any("无权访问" in e.value for e in at.error) and not at.get("file_uploader")
    at = run_page("data_import", user="admin")
    assert not at.exception and not at.error
    assert len(at.get("file_uploader")) == 1
