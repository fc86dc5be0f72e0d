"""Export files, served at ``/export/<token>`` (dashboard/server.py) to the login session that was offered them.

A page offers an export (dashboard/common/exports.py): ``offer`` keeps its build callable — over frames
already masked for the user — under an unguessable token bound to the login session id. Fetching the
URL runs ``respond``: the signed cookie → the session is live in the store (not revoked, expired or idle)
→ the token was offered to that very session and has not expired → build the file → write the ``export``
audit row → the bytes, as an attachment that no cache keeps. So the audit row is written where the bytes
are made, whoever asks and however; without the login, after logout or with another user's cookie the
URL gives no file. No export goes through Streamlit's /media, which checks no login.

Offers live in the memory of this process, like the Streamlit sessions that make them: behind a load
balancer the sessions must be sticky to a replica (Streamlit's websocket needs that anyway).
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import quote

import sqlalchemy as sa

from dashboard.security import cookies, store, users

log = logging.getLogger("dashboard")
PATH = "/export/"
OFFER_SECONDS = store.IDLE_MINUTES * 60  # an offer lives as long as an idle login; every rerun renews it

NOT_LOGGED_IN = "未登录或登录已过期，不能下载。请重新登录后在页面上再次点击下载。"
NO_SUCH_FILE = "下载链接无效或已过期，请在页面上重新点击下载。"
BUILD_FAILED = "生成文件时出错，已记录。请稍后重试；如持续出现，请联系系统管理员。"
AUDIT_FAILED = "审计日志暂时无法写入，文件未发出。请稍后重试。"
STORE_DOWN = "登录服务暂时不可用（会话存储无法访问），请稍后重试。"


@dataclass(frozen=True)
class Offer:
    sid: str
    username: str
    role: str | None
    build: Callable[[], bytes]
    file_name: str
    mime: str
    kind: str
    filters: dict | None
    detail: str | None
    expires: float


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    headers: dict[str, str]


_offers: dict[str, Offer] = {}
_lock = threading.Lock()


def offer(sid: str, username: str, role: str | None, build: Callable[[], bytes], file_name: str, mime: str,
          kind: str, filters: dict | None = None, detail: str | None = None, token: str | None = None) -> str:
    """Register an export for the login session `sid`; returns its token. A rerun that draws the same
    button passes the token it got last time: the same URL then offers the newest build."""
    now = time.time()
    with _lock:
        for t in [t for t, o in _offers.items() if o.expires <= now]:
            del _offers[t]
        if token is None or token not in _offers or _offers[token].sid != sid:
            token = secrets.token_urlsafe(32)
        _offers[token] = Offer(sid, username, role, build, file_name, mime, kind, filters, detail,
                               now + OFFER_SECONDS)
    return token


def url(token: str) -> str:
    return PATH + token


def forget_session(sid: str) -> None:
    """Drop every offer of a session (at logout; the store's revocation alone already refuses them)."""
    with _lock:
        for t in [t for t, o in _offers.items() if o.sid == sid]:
            del _offers[t]


def _refused(status: int, message: str) -> Reply:
    return Reply(status, message.encode(), {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"})


def content_disposition(file_name: str) -> str:
    """attachment with an ASCII fallback and the real (Chinese) name per RFC 5987 / RFC 6266."""
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", file_name) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def respond(token: str, cookie: str | None, ip: str | None = None) -> Reply:
    """What /export/<token> answers for a request carrying the login cookie value `cookie`."""
    sid = cookies.verify(cookie)
    try:
        username = store.session_user(sid) if sid else None
    except sa.exc.SQLAlchemyError:
        log.exception("session store unavailable")
        return _refused(503, STORE_DOWN)
    if username is None or users.find_user(username) is None:
        return _refused(403, NOT_LOGGED_IN)
    with _lock:
        o = _offers.get(token[:100])
    if o is None or o.sid != sid or o.username != username or o.expires <= time.time():
        return _refused(404, NO_SUCH_FILE)
    try:
        data = o.build()
    except Exception:
        log.exception("export %s (%s) failed", o.file_name, o.kind)
        return _refused(500, BUILD_FAILED)
    try:
        store.log("export", o.username, o.role, target=o.file_name, filters=o.filters, detail=o.detail or o.kind,
                  ip=ip)
        store.touch(sid)  # a download is activity: it keeps the login from idling out
    except sa.exc.SQLAlchemyError:
        log.exception("audit write failed: export %s", o.file_name)
        return _refused(503, AUDIT_FAILED)
    return Reply(200, data, {"Content-Type": o.mime, "Content-Disposition": content_disposition(o.file_name),
                             "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
