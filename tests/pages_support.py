"""Running dashboard pages in AppTest against a database given by URL."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "dashboard" / "pages"


def login(at: AppTest, username: str | None) -> AppTest:
    """Start the AppTest session as a logged-in user (a real session in the test store)."""
    if username:
        from dashboard.security import store, users
        user = users.find_user(username)
        assert user is not None, f"no test user {username}"
        at.session_state["auth_user"] = user
        at.session_state["auth_sid"] = store.create_session(user.username)
    return at


def run_page(page: str, params: dict | None = None, timeout: float = 60, user: str | None = "county") -> AppTest:
    """Run dashboard/pages/<page>.py directly (as a URL opened before app.py would) with query params,
    logged in as `user` (None: not logged in). MONITOR_DB_URL must point at the database (`app_db`; on PostgreSQL a SELECT-only role,
    `fixture_pg_reader_url` / `pg_server.reader_url`: the dashboard refuses a role that can write)."""
    at = login(AppTest.from_file(str(PAGES / f"{page}.py"), default_timeout=timeout), user)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at.run()


def run_app(params: dict | None = None, timeout: float = 60, user: str | None = "county") -> AppTest:
    at = login(AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=timeout), user)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at.run()


def chart_specs(at: AppTest) -> list[dict]:
    """Plotly figures on the page as dicts (Plotly elements are UnknownElement in AppTest),
    with Plotly's binary-encoded arrays ({"dtype", "bdata"}) decoded to plain lists."""
    import json
    return [_decode(json.loads(c.proto.spec)) for c in at.get("plotly_chart")]


def _decode(obj):
    import base64

    import numpy as np

    if isinstance(obj, dict):
        if "bdata" in obj and "dtype" in obj:
            arr = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=np.dtype(obj["dtype"]))
            if "shape" in obj:
                arr = arr.reshape([int(n) for n in str(obj["shape"]).split(",")])
            return arr.tolist()
        return {k: _decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    return obj


def q(url: str, fn, *args):
    """Call a query-layer function on the database at `url` (what a page should show)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return fn(conn, *args)
    finally:
        engine.dispose()


def chart(at: AppTest, title_part: str) -> dict:
    """The page's Plotly figure whose title contains `title_part`."""
    for spec in chart_specs(at):
        if title_part in spec["layout"].get("title", {}).get("text", ""):
            return spec
    raise AssertionError(f"no chart titled ~{title_part!r}")
