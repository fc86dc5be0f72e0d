"""Helpers for export tests: capture the files a page would offer for download, fetch them, read them back.

AppTest runs page scripts in this process, so replacing ``dashboard.common.exports._button`` with a
recording wrapper gives the tests the very build callables the export route runs (with the frames already
masked for the test's user), while the real link button is still drawn. ``fetch`` asks for a button's URL
the way dashboard/server.py's /export route does (``downloads.respond``), with the AppTest session's cookie.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Callable

import openpyxl
import pytest
import sqlalchemy as sa
from tests.pages_support import q  # noqa: F401  (re-exported for the export tests)


@dataclass
class Offered:
    label: str
    build: Callable[[], bytes]
    file_name: str
    key: str
    kind: str


class Captured(list):
    def by_key(self, key: str) -> Offered:
        hits = [o for o in self if o.key == key]
        assert hits, f"no download button with key {key!r}; offered: {[o.key for o in self]}"
        return hits[-1]  # the latest run's


@pytest.fixture
def offered(monkeypatch) -> Captured:
    from dashboard.common import exports

    got = Captured()
    real = exports._button

    def recording(label, build, file_name, mime, key, kind, ctx, icon, **kwargs):
        got.append(Offered(label, build, file_name, key, kind))
        return real(label, build, file_name, mime, key, kind, ctx, icon, **kwargs)

    monkeypatch.setattr(exports, "_button", recording)
    return got


def export_url(at, key: str) -> str:
    """The /export/<token> URL of the link button `key` on the page."""
    from dashboard.security import downloads
    url = at.link_button(key=key).proto.url
    assert url.startswith(downloads.PATH), url
    return url


def fetch(at, key: str, cookie: str | None = None):
    """Fetch button `key`'s file as the /export route would (downloads.Reply); `cookie`: the login cookie
    value sent (default: the signed cookie of the AppTest session's login)."""
    from dashboard.security import cookies, downloads
    if cookie is None:
        cookie = cookies.sign(at.session_state["auth_sid"])
    return downloads.respond(export_url(at, key)[len(downloads.PATH):], cookie)


def download(at, key: str) -> bytes:
    """The file of button `key`, fetched with the session's own login (it must be served)."""
    reply = fetch(at, key)
    assert reply.status == 200, reply.body.decode()
    return reply.body


def fixture_id_numbers(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [r[0] for r in conn.execute(sa.text("SELECT id_number FROM members")) if r[0]]
    finally:
        engine.dispose()


def workbook_values(data: bytes) -> list:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def assert_no_full_ids(data: bytes, ids: list[str], values: list | None = None) -> None:
    """No fixture ID number in the raw bytes (xlsx/pptx are zips: check the cell values too)."""
    assert ids, "the fixture has ID numbers to look for"
    blob = data.decode("latin-1")
    for i in ids:
        assert i not in blob, f"full ID number {i} in the export bytes"
    for v in values or []:
        text = str(v)
        assert not any(i in text for i in ids), f"full ID number in cell {text!r}"
        assert not re.search(r"(?<!\d)\d{17}[\dXx](?!\d)", text), f"ID-like number in cell {text!r}"


def audit_exports(username: str | None = None):
    from dashboard.security import store
    return store.recent_events(action="export", username=username)
