"""The login cookie: a session id signed with HMAC-SHA256. The secret comes from
MONITOR_COOKIE_SECRET (shared by all replicas); without it one is made once in data/cookie_secret."""

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from queries.db import private_file

ROOT = Path(__file__).resolve().parents[2]
COOKIE_NAME = "monitor_session"


def _secret() -> bytes:
    value = os.environ.get("MONITOR_COOKIE_SECRET")
    if value:
        return value.encode()
    path = ROOT / "data" / "cookie_secret"
    if not path.exists():
        private_file(path).write_text(secrets.token_hex(32))  # 0600 before the secret is in it
    return path.read_text().strip().encode()


def sign(sid: str) -> str:
    mac = hmac.new(_secret(), sid.encode(), hashlib.sha256).hexdigest()
    return f"{sid}.{mac}"


def verify(value: str | None) -> str | None:
    """The session id if the signature is ours, else None."""
    if not value or "." not in value or len(value) > 200:
        return None
    sid, mac = value.rsplit(".", 1)
    expected = hmac.new(_secret(), sid.encode(), hashlib.sha256).hexdigest()
    return sid if hmac.compare_digest(mac, expected) else None
