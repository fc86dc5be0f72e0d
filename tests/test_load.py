"""The load test's code path (scripts/load_test.py), bounded small: three sessions against the demo server, with
both clients (Streamlit's websocket protocol, then real headless Chromium), logging in through the form and
moving through the pages; and its error detection on a failed login."""

import importlib.util
import sys

import pytest

from tests.conftest import DEMO_TOWNSHIP, ROOT, TEST_PASSWORD

pytestmark = pytest.mark.browser
P95_LIMIT_S = 20.0  # generous: 2 shared cores, server and Chromium on the same machine


@pytest.fixture(scope="module")
def load_test():
    spec = importlib.util.spec_from_file_location("scripts_load_test", ROOT / "scripts" / "load_test.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file is executed
    spec.loader.exec_module(module)
    return module


# ws first: it warms the server's cache. Two browser sessions: each fresh browser context costs Chromium seconds
# of CPU to log in (docs/LOAD_TEST.md), and the suite should stay quick.
@pytest.mark.parametrize("client,sessions,duration", [("ws", 3, 4), ("browser", 2, 6)])
def test_small_load_run(load_test, demo_server, demo_db_url, tmp_path, client, sessions, duration):
    users = [f"county:{TEST_PASSWORD}", f"township_demo:{TEST_PASSWORD}", f"inspector:{TEST_PASSWORD}"]
    if sessions == 2:
        users = users[1:]  # the township user and the inspector
    res = load_test.run_load(demo_server, demo_db_url, sessions=sessions, duration=duration, users=users, think=0.3,
                             ramp=1, sample_every=1, settle=1, client=client, login_concurrency=3)
    s = res["summary"]
    assert res["client"]["client"] == client
    assert res["server_pid"], "the server process was not found by its port"
    assert s["errors"] == 0, f"errors: {s['error_kinds']}: {s['error_examples']}"
    assert s["logins"] == sessions
    assert s["page_loads"] >= sessions and s["ready"] == s["page_loads"]
    modes = {n["mode"] for n in res["navigations"]}
    assert "login" in modes and modes & {"link", "url"}, modes
    assert s["overall"]["p95"] < P95_LIMIT_S, s["overall"]
    pages = {n["page"] for n in res["navigations"] if n["mode"] != "login"}
    assert len(pages) >= 2, pages
    # the township user's fresh URL loads stay inside its township (anything else would show a warning)
    assert all(f"town={DEMO_TOWNSHIP}" in n["url"] or "town=" not in n["url"]
               for n in res["navigations"] if n["user"] == "township_demo")
    mem = s["memory"]
    assert mem["start_mb"] > 50 and mem["peak_mb"] >= mem["start_mb"]
    assert mem["cpu"]["server_cores"] > 0
    # the report renders from the result
    res["machine"] = load_test.machine_info()
    text = load_test.write_report([res], tmp_path / "LOAD_TEST.md")
    assert "| **errors** | **0** |" in text and "page-ready p50 / p95 / max" in text
    for title in ("总览", "预警", "户情"):
        assert f"| {title} |" in text


def test_failed_login_counts_as_error(load_test, demo_server, demo_db_url):
    res = load_test.run_load(demo_server, demo_db_url, sessions=1, duration=0, users=["nobody:wrong-password"],
                             warm_up=False, ramp=0, think=0, sample_every=1, settle=0, timeout=15)
    s = res["summary"]
    assert s["errors"] >= 2, s  # the login, then the page that shows the login form again
    assert s["error_kinds"].get("login: 用户名或密码错误。", 0) >= 1, s["error_kinds"]
    assert s["error_kinds"].get("login form", 0) >= 1, s["error_kinds"]
