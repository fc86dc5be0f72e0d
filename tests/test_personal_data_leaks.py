"""What reaches the browser holds no personal value the role may not see in full, for every role and page.

The forbidden values are generated from the marks in queries/schema.py: every value in the database of every
column marked ``personal`` whose kind the role's masking level hides (queries/privacy.hidden). A new personal
column is covered as soon as it is marked. Code-valued kinds (health facts, risk-factor types) are rendered
through labels that aggregate pages show legitimately (风险因子 counts 因病 households), so they are checked
on the household-level views instead (tests below and tests/test_access.py).

The real thing: a dashboard server (dashboard/server.py) on the hand-built county; each role logs in through the form and opens every page by URL over Streamlit's websocket protocol
(scripts/load_test.py's client); every ForwardMsg the server sends is scanned as bytes.
"""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from queries import privacy
from tests.conftest import ROOT, TEST_PASSWORD
from tests.fixture_db import AS_OF, household_code
from tests.pages_support import chart_specs, run_page
from tests.personal_values import ROLES, forbidden, leaked, marked_columns

H1 = household_code(1)    # 王建国's household (T1): members with ID numbers, phones, health facts, visits
H15 = household_code(15)  # a T2 household with an open 因病 factor and a visit


def load_test_module():
    if "scripts_load_test" in sys.modules:
        return sys.modules["scripts_load_test"]
    spec = importlib.util.spec_from_file_location("scripts_load_test", ROOT / "scripts" / "load_test.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while the file is executed
    spec.loader.exec_module(mod)
    return mod


def test_the_marks_cover_the_personal_columns():
    """Names, ID numbers, phones, health and disability facts, visit, finding and 失信 notes, the negative-list
    situation and the kind of 失信 behaviour (赌博、吸毒…) and the reason a lead was not taken in are marked, nothing else."""
    got = {f"{t.name}.{c.name}": c.info["personal"] for t, c in marked_columns()}
    assert got == {"helpers.name": "name", "helpers.phone": "phone", "members.name": "name",
                   "members.id_number": "id_number", "members.phone": "phone", "members.disability_level": "health",
                   "members.health": "health", "risk_factors.factor_type": "factor", "visits.note": "note",
                   "household_income.medical_self_paid": "health",
                   "findings.note": "note", "dishonesty_records.note": "note", "dishonesty_records.kind": "note",
                   "households.negative_factor": "note", "warnings.dismiss_reason": "note"}  # 自负医疗费 tells that someone is ill


def capture_pages(base_url: str, db_url: str, user: str) -> dict[str, bytes]:
    """Log in as `user` over the websocket protocol and open every page by URL; page path -> every byte the
    server sent for it."""
    lt = load_test_module()

    class Capture(lt.WsRun):
        def __init__(self):
            super().__init__(base_url, lt.read_params(db_url)[0], [], {}, sessions=1, duration=0, think=0,
                             url_share=1, ramp=0, timeout=60)
            self.frames: list[bytes] = []

        async def _connect(self, s):
            await super()._connect(s)
            recv = s.ws.recv

            async def recording():
                raw = await recv()
                self.frames.append(raw if isinstance(raw, bytes) else raw.encode())
                return raw
            s.ws.recv = recording

    async def go():
        run = Capture()
        s = await run.open(0)
        error = await run.do_login(s, user, TEST_PASSWORD, False)
        assert error is None, error
        out = {}
        for title, path in run.pages + ([("审计日志", "audit")] if user == "admin" else []):
            for query in ({"hh": H1}, {"hh": H15}) if path == "household" else ({},):
                run.frames.clear()
                error = await run.do_navigate(s, title, path, "url", query)
                assert error is None or (user == "admin" and "error box" in error), f"{user} {path}: {error}"
                out[f"{path}?{json.dumps(query)}"] = b"".join(run.frames)
        await run.close(s)
        return out
    return lt.run_coroutine(go)  # in a thread of its own where the suite's Playwright browser runs a loop


def test_no_unmasked_personal_value_reaches_the_browser_for_any_role_and_page(fixture_sqlite_url, users_file,
                                                                             tmp_path):
    leak_db = fixture_sqlite_url  # the server only reads it
    from tests.browser import streamlit_server

    env = {"MONITOR_USERS_FILE": str(users_file), "MONITOR_AUDIT_URL": f"sqlite:///{tmp_path / 'audit.db'}",
           "MONITOR_COOKIE_SECRET": "test-secret-not-for-production"}
    shown_anything = set()
    with streamlit_server(leak_db, env=env) as base:
        for user, level in ROLES.items():
            values = forbidden(leak_db, level)
            assert values["id_number"] and values["phone"]  # the check has something to find
            for page, blob in capture_pages(base, leak_db, user).items():
                assert not leaked(blob, values), f"{user} {page}: {leaked(blob, values)}"
                if b"\xe7\x8e\x8b" in blob:  # 王: the surname of H1's head, full or masked
                    shown_anything.add((user, page))
    # the household page really showed the household to every role (masked or not), so the scan saw it
    assert {u for u, p in shown_anything if p.startswith("household")} == set(ROLES)


# -- household-level views: the code-valued kinds, in AppTest -----------------------------------------------
def test_inspector_household_view_withholds_names_notes_and_health_factors(app_db):
    at = run_page("household", {"hh": H15}, user="inspector")
    assert not at.exception
    visits = next(df.value for df in at.dataframe if "走访人" in df.value.columns)
    assert all(v == "—" or v.endswith("*") for v in visits["走访人"]), visits  # was the helper's full name
    assert set(visits["记录"]) == {privacy.WITHHELD_NOTE}
    factors = json.dumps(chart_specs(at), ensure_ascii=False)
    assert "因病" not in factors and privacy.MASKED_FACTOR in factors
    county = run_page("household", {"hh": H15}, user="county")
    assert "因病" in json.dumps(chart_specs(county), ensure_ascii=False)


def test_inspector_sample_lists_no_health_factor(app_db):
    """The visit packet of an inspector shows the expense factor masked, like the household page."""
    from tests.fixture_db import V21
    at = run_page("planner", {"town": "439901102"}, user="inspector")
    at.multiselect(key="plan_villages").set_value([V21]).run()
    at.number_input(key="plan_per_village").set_value(10).run()
    at.button(key="plan_draw").click().run()
    assert not at.exception
    table = next(df.value for df in at.dataframe if "未消除风险" in df.value.columns)
    text = table.to_csv()
    assert "因病" not in text and "因残" not in text and privacy.MASKED_FACTOR in text
    assert H15 in text and "户主" in table.columns and all(n.endswith("*") for n in table["户主"])


def test_name_search_is_refused_to_roles_that_do_not_see_names(app_db):
    at = run_page("household", user="inspector")
    assert any("只能按户编号查找" in (c.value or "") or "请按户编号查找" in (c.value or "") for c in at.caption)
    at.text_input(key="hh_search").set_value("王建国").run()
    assert not at.exception
    assert not [df for df in at.dataframe if "户编号" in df.value.columns]  # nothing confirms the name
    at.text_input(key="hh_search").set_value(H1[:12]).run()  # a code prefix still works
    found = next(df.value for df in at.dataframe if "户编号" in df.value.columns)
    assert H1 in set(found["户编号"]) and "王建国" not in found.to_csv()
    county = run_page("household", user="county")
    county.text_input(key="hh_search").set_value("王建国").run()
    assert H1 in set(next(df.value for df in county.dataframe if "户编号" in df.value.columns)["户编号"])


def test_the_pipeline_refuses_a_name_search_for_a_strict_viewer():
    from dashboard.common import data
    from queries import households
    from queries.filters import Filter
    from queries.registry import spec
    f = Filter(as_of=AS_OF)
    hl = spec(households.household_list)
    with pytest.raises(data.NotPermitted, match="户编号"):
        data._refuse_searches(hl, "strict", (f,), {"name": "王"})
    with pytest.raises(data.NotPermitted, match="户编号"):
        data._refuse_searches(hl, "strict", (f, None, "王"), {})  # passed by position
    data._refuse_searches(hl, "strict", (f,), {"code": "4399", "name": None})  # by code: allowed
    data._refuse_searches(hl, "masked", (f,), {"name": "王"})  # roles that see names: allowed
