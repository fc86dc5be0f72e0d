"""Login, logout, the current user and audit entries (Streamlit glue). Masking and the audit of
personal-data views happen in the data pipeline (dashboard/common/data.py).

A full page load starts a new Streamlit session; the signed HttpOnly cookie set by
dashboard/server.py carries the login across reloads. Sessions live in the writable store
(dashboard/security/store.py), so logout and inactivity end them on every replica.
"""

import json
import logging
import time
from datetime import date
from urllib.parse import quote, urlencode

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from dashboard.common import data
from dashboard.common.text import escape_md
from dashboard.security import cookies, downloads, store, users
from dashboard.security.roles import User
from queries import areas as areas_q
from queries.filters import TOWNSHIP_DIGITS, Filter
from queries.privacy import mask_frame

log = logging.getLogger("dashboard")
USER, SID, TOUCHED = "auth_user", "auth_sid", "auth_touched"
TOUCH_EVERY = 30  # seconds between "still active" writes


def _ip() -> str | None:
    try:
        ip = st.context.ip_address
    except Exception:
        return None
    return ip if isinstance(ip, str) else None  # AppTest has no real client


def _is_demo_database() -> bool:
    try:
        return data.query(areas_q.database_meta).get("is_demo") == "1"
    except data.DataUnavailable:
        return False


def _counties() -> int:
    try:
        return data.query(areas_q.county_count)
    except data.DataUnavailable:
        return 0


def _valid(user: User | None) -> bool:
    """A county user with no county of their own would see a whole city: refused where there are several."""
    if user is None or (user.demo and not _is_demo_database()):
        return False
    return not (user.role.code == "county" and not user.county and _counties() > 1)


def _forget() -> None:
    for k in (USER, SID, TOUCHED):
        st.session_state.pop(k, None)


def current_user() -> User | None:
    """The logged-in user of this session, restored from the cookie on a new page load."""
    sid = st.session_state.get(SID)
    if sid is None:
        raw = st.context.cookies.get(cookies.COOKIE_NAME) if st.context.cookies else None
        sid = cookies.verify(raw)
        if raw and sid is None:
            st.session_state["auth_notice"] = "登录凭证无效，请重新登录。"
    if not sid:
        return None
    username = store.session_user(sid)
    user = users.find_user(username) if username else None
    if not _valid(user):
        if st.session_state.get(SID) or sid:
            st.session_state["auth_notice"] = "登录已过期或已退出，请重新登录。"
        _forget()
        return None
    st.session_state[USER], st.session_state[SID] = user, sid
    if time.time() - st.session_state.get(TOUCHED, 0) > TOUCH_EVERY:
        store.touch(sid)
        st.session_state[TOUCHED] = time.time()
    return user


def session_id() -> str:
    """The login session id of the current user; only valid after require_user() ran."""
    return st.session_state[SID]


def user() -> User:
    """The current user; only valid after require_user() ran at the top of the page."""
    return st.session_state[USER]


def require_user(page_path: str = "") -> User:
    try:
        u = current_user()
    except sa.exc.SQLAlchemyError:
        log.exception("session store unavailable")
        st.error("登录服务暂时不可用（会话存储无法访问），请稍后重试。", icon=":material/error:")
        st.stop()
    if u is None:
        login_form(page_path)
        st.stop()
    return u


def _here(page_path: str) -> str:
    """Path and query of the current view, so login lands on exactly the view the link named."""
    query = urlencode(st.query_params.to_dict())
    return f"/{page_path}" + (f"?{query}" if query else "")


def _go(url: str) -> None:
    """Send the browser to a local URL (used for the cookie routes)."""
    st.html(f"<script>window.location.assign({json.dumps(url)});</script>", unsafe_allow_javascript=True)


def login_form(page_path: str = "") -> None:
    st.title("防返贫动态监测 · 登录")
    notice = st.session_state.pop("auth_notice", None)
    if notice:
        st.warning(notice, icon=":material/info:")
    with st.form("login", border=True):
        username = st.text_input("用户名", max_chars=60)
        password = st.text_input("密码", type="password", max_chars=200)
        submitted = st.form_submit_button("登录", type="primary")
    if not submitted:
        st.caption("账号由系统管理员分配。演示库账号见 README。")
        return
    username = username.strip()
    if not username or not password:
        st.error("请输入用户名和密码。")
        return
    if store.locked_out(username, _ip()):
        store.log("login_blocked", username, ip=_ip())
        st.error("密码错误次数过多，请15分钟后再试。")
        return
    u = users.authenticate(username, password)
    if u is not None and u.demo and not _is_demo_database():
        store.log("login_failed", username, detail="demo account on a non-demo database", ip=_ip())
        st.error("演示账号只能在演示数据库上使用。")
        return
    if u is not None and not _valid(u):
        store.log("login_failed", username, detail="county user without a county in a city database", ip=_ip())
        st.error("该县级账号未指定所属县（市级数据库中必须指定），请联系系统管理员。")
        return
    if u is None:
        store.record_failure(username, _ip())
        store.log("login_failed", username, ip=_ip())
        st.error("用户名或密码错误。")
        return
    store.clear_failures(username, _ip())
    sid = store.create_session(u.username)
    st.session_state[USER], st.session_state[SID], st.session_state[TOUCHED] = u, sid, time.time()
    store.log("login", u.username, u.role.code, ip=_ip())
    # Trade a one-time ticket for the HttpOnly cookie, then come back to the same view.
    ticket = store.create_ticket(sid)
    _go(f"/session/ticket?t={ticket}&next={quote(_here(page_path), safe='')}")
    st.success("登录成功，正在进入……")
    st.stop()


def sidebar_user(u: User) -> None:
    with st.sidebar:
        scope = _own_area(u) if u.scope else "全市" if _counties() > 1 else "全县"
        st.caption(f"当前用户：{escape_md(u.display_name or u.username)}（{u.role.label} · {escape_md(scope)}）")
        if st.button("退出登录", key="logout", icon=":material/logout:"):
            logout()


def _own_area(u: User) -> str:
    """The name of the township or county the user is confined to."""
    as_of = data.query(areas_q.data_as_of) or date.today()
    listing = areas_q.township_list if len(u.scope) == TOWNSHIP_DIGITS else areas_q.county_list
    rows = data.query(listing, Filter(as_of=as_of, scope=u.scope))
    return rows.name.iloc[0] if len(rows) else u.scope


def logout() -> None:
    u, sid = st.session_state.get(USER), st.session_state.get(SID)
    if sid:
        store.revoke(sid)
        downloads.forget_session(sid)
    if u:
        store.log("logout", u.username, u.role.code, ip=_ip())
    _forget()
    _go("/session/logout")
    st.stop()


# -- audit ---------------------------------------------------------------------------------------------
def protect(df: pd.DataFrame) -> pd.DataFrame:
    """A frame masked for the current user by its column names. Data from ``data.query`` is already masked
    by the pipeline; this thin alias is kept for callers that still pass frames through it (exports)."""
    u = st.session_state.get(USER)
    return mask_frame(df, u.masking if u is not None else "strict")


def audit(action: str, target: str | None = None, filters: dict | None = None, detail: str | None = None) -> bool:
    """Write an audit entry; False if it could not be written (then a reveal must not happen)."""
    u = st.session_state.get(USER)
    try:
        store.log(action, u.username if u else None, u.role.code if u else None, target=target, filters=filters,
                  detail=detail, ip=_ip())
        return True
    except sa.exc.SQLAlchemyError:
        log.exception("audit write failed: %s %s", action, target)
        return False
