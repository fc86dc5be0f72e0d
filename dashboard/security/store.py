"""The writable store beside the read-only monitoring database: login sessions, one-time login
tickets, failed-login records and the audit log. MONITOR_AUDIT_URL chooses it (PostgreSQL for
several replicas); default sqlite:///data/audit.db (created 0600).

Session ids and login tickets are stored only as SHA-256 hashes: whoever reads the store cannot log in
with what they read (the cookie carries the raw id). A ticket's row holds its session id sealed with the
ticket itself, so only the browser holding the ticket can open it."""

import base64
import hashlib
import json
import os
import secrets
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from queries.db import private_file

ROOT = Path(__file__).resolve().parents[2]
metadata = sa.MetaData()

audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, comment="时间（UTC）"),
    sa.Column("username", sa.String(60), comment="用户"),
    sa.Column("role", sa.String(20), comment="角色"),
    sa.Column("action", sa.String(30), nullable=False, comment="动作：login/login_failed/logout/view_household/reveal/export"),
    sa.Column("target", sa.String(200), comment="对象（户编号、导出文件等）"),
    sa.Column("filters", sa.Text, comment="当时的筛选条件（JSON）"),
    sa.Column("detail", sa.Text, comment="补充说明"),
    sa.Column("ip", sa.String(60), comment="来源地址"),
    sa.Index("ix_audit_at", "at"),
)
sessions = sa.Table(
    "sessions", metadata,
    sa.Column("sid", sa.String(64), primary_key=True, comment="SHA-256 of the session id, never the id"),
    sa.Column("username", sa.String(60), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked", sa.Boolean, nullable=False, default=False),
)
tickets = sa.Table(
    "login_tickets", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("sid", sa.String(64), nullable=False, comment="the session id sealed with the ticket (_seal)"),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
)
failures = sa.Table(
    "login_failures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(60), nullable=False),
    sa.Column("ip", sa.String(60)),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_failures_user_at", "username", "at"),
    sa.Index("ix_failures_ip_at", "ip", "at"),
)

SESSION_HOURS = float(os.environ.get("MONITOR_SESSION_HOURS", "12"))
IDLE_MINUTES = float(os.environ.get("MONITOR_IDLE_MINUTES", "30"))
# Lock-out, each counted over the last FAILURE_WINDOW (only wrong passwords count, not refused attempts):
#  * MAX_FAILURES for one user name from one address: that address may not try that name;
#  * MAX_ADDRESS_FAILURES from one address, whatever the names: that address may not try any (spraying);
#  * MAX_NAME_FAILURES for one user name from all addresses: nobody may try it (a distributed attack).
# One address stops counting at MAX_ADDRESS_FAILURES < MAX_NAME_FAILURES, so it can never lock a name for
# its owner on another address. A client whose address is unknown counts as one address for the first rule.
MAX_FAILURES, MAX_ADDRESS_FAILURES, MAX_NAME_FAILURES = 5, 20, 50
FAILURE_WINDOW = timedelta(minutes=15)
TICKET_SECONDS = 60


def now() -> datetime:
    return datetime.now(timezone.utc)


def _utc(d: datetime) -> datetime:
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)  # SQLite returns naive datetimes


def store_url() -> str:
    return os.environ.get("MONITOR_AUDIT_URL") or f"sqlite:///{ROOT / 'data' / 'audit.db'}"


_engines: dict[str, sa.Engine] = {}


def engine() -> sa.Engine:
    url = store_url()
    if url not in _engines:
        u = sa.make_url(url)
        if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
            private_file(u.database)  # sessions and the audit log: readable by the service only
        eng = sa.create_engine(url, pool_pre_ping=True)
        metadata.create_all(eng)
        _engines[url] = eng
    return _engines[url]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_key(sid: str) -> str:
    """What the store keeps of a session id."""
    return _hash(sid)


def _seal(sid: str, ticket: str) -> str:
    """The session id XOR a keystream drawn from the ticket (a one-time pad: the ticket is random and used
    once); the same call with the same ticket opens it."""
    raw = base64.urlsafe_b64decode(sid + "=" * (-len(sid) % 4))
    pad = hashlib.shake_256(f"seal:{ticket}".encode()).digest(len(raw))
    return base64.urlsafe_b64encode(bytes(a ^ b for a, b in zip(raw, pad))).decode().rstrip("=")


# -- audit -----------------------------------------------------------------------------------------
def log(action: str, username: str | None, role: str | None = None, target: str | None = None,
        filters: dict | None = None, detail: str | None = None, ip: str | None = None) -> None:
    with engine().begin() as conn:
        conn.execute(audit_log.insert().values(
            at=now(), username=username, role=role, action=action, target=(target or "")[:200] or None,
            filters=json.dumps(filters, ensure_ascii=False, default=str) if filters else None,
            detail=detail, ip=ip))


def recent_events(limit: int = 500, action: str | None = None, username: str | None = None) -> pd.DataFrame:
    stmt = sa.select(audit_log.c.at, audit_log.c.username, audit_log.c.role, audit_log.c.action, audit_log.c.target,
                     audit_log.c.filters, audit_log.c.detail, audit_log.c.ip).order_by(audit_log.c.id.desc()).limit(limit)
    if action:
        stmt = stmt.where(audit_log.c.action == action)
    if username:
        stmt = stmt.where(audit_log.c.username == username)
    with engine().connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows],
                        columns=["at", "username", "role", "action", "target", "filters", "detail", "ip"])


# -- throttling ------------------------------------------------------------------------------------
def record_failure(username: str, ip: str | None) -> None:
    with engine().begin() as conn:
        conn.execute(failures.insert().values(username=username[:60], ip=ip, at=now()))


def _same_ip(ip: str | None):
    return failures.c.ip.is_(None) if ip is None else failures.c.ip == ip


def locked_out(username: str, ip: str | None) -> bool:
    """Too many wrong passwords recently for this name from this address, from this address at all, or for
    this name from everywhere (the rules above MAX_FAILURES)."""
    name, recent = failures.c.username == username[:60], failures.c.at >= now() - FAILURE_WINDOW

    def count(*where) -> int:
        return conn.execute(sa.select(sa.func.count()).select_from(failures).where(recent, *where)).scalar()

    with engine().connect() as conn:
        return (count(name, _same_ip(ip)) >= MAX_FAILURES
                or (ip is not None and count(failures.c.ip == ip) >= MAX_ADDRESS_FAILURES)
                or count(name) >= MAX_NAME_FAILURES)


def clear_failures(username: str, ip: str | None) -> None:
    """After a successful login: this name's failures from this address (other addresses' stay counted)."""
    with engine().begin() as conn:
        conn.execute(failures.delete().where(failures.c.username == username[:60], _same_ip(ip)))


# -- sessions --------------------------------------------------------------------------------------
def create_session(username: str) -> str:
    sid = secrets.token_urlsafe(32)
    t = now()
    with engine().begin() as conn:
        conn.execute(sessions.insert().values(sid=session_key(sid), username=username, created_at=t, last_seen=t,
                                              expires_at=t + timedelta(hours=SESSION_HOURS), revoked=False))
    return sid


def session_user(sid: str) -> str | None:
    """The user name of a live session (not revoked, not expired, not idle too long)."""
    with engine().connect() as conn:
        row = conn.execute(sa.select(sessions).where(sessions.c.sid == session_key(sid))).first()
    if row is None or row.revoked:
        return None
    t = now()
    if _utc(row.expires_at) <= t or t - _utc(row.last_seen) > timedelta(minutes=IDLE_MINUTES):
        return None
    return row.username


def touch(sid: str) -> None:
    with engine().begin() as conn:
        conn.execute(sessions.update().where(sessions.c.sid == session_key(sid)).values(last_seen=now()))


def revoke(sid: str) -> None:
    with engine().begin() as conn:
        conn.execute(sessions.update().where(sessions.c.sid == session_key(sid)).values(revoked=True))


def create_ticket(sid: str) -> str:
    """A one-time token the browser trades for the login cookie at /session/ticket."""
    token = secrets.token_urlsafe(32)
    with engine().begin() as conn:
        conn.execute(tickets.insert().values(token_hash=_hash(token), sid=_seal(sid, token),
                                             expires_at=now() + timedelta(seconds=TICKET_SECONDS)))
    return token


def redeem_ticket(token: str) -> str | None:
    with engine().begin() as conn:
        row = conn.execute(sa.select(tickets).where(tickets.c.token_hash == _hash(token))).first()
        if row is None:
            return None
        conn.execute(tickets.delete().where(tickets.c.token_hash == row.token_hash))
    return _seal(row.sid, token) if _utc(row.expires_at) > now() else None
