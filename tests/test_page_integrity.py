"""失信名单 in AppTest on the hand-typed county of tests/test_integrity.py (H1, H2 in 甲镇 cancelled 03-01, H2
repaired 05-01; H5 in 乙镇 on the special list 04-01), SQLite and PostgreSQL: a county user sees all three
records, a 甲镇 user only its two, an administrator or inspector sees them with names and behaviour masked, the
toggle keeps the records in force; a county that imported no 失信记录 is told so, with no zeros."""

from __future__ import annotations

import shutil

import pytest
import streamlit as st

from tests import workflow_county as W
from tests.handbuilt import import_county, write_book
from tests.pages_support import run_page
from tests.test_integrity import county as integrity_county

HEADS = {1: "王一", 2: "王二", 5: "赵五"}


def county() -> dict:
    """tests/test_integrity.py's county with a 户主 for the three households on the list."""
    from datetime import date
    from tests.handbuilt import person_id
    book = integrity_county()
    book["家庭成员"] = [{"户编号": W.hh(n), "姓名": name, "身份证号": person_id(W.COUNTY, date(1970, 3, n), n),
                     "性别": "男", "出生日期": date(1970, 3, n), "与户主关系": "户主"} for n, name in HEADS.items()]
    return book


@pytest.fixture
def town_user(users_file, tmp_path, monkeypatch):
    """A township user of 甲镇 (the fixture county's townships are not the shared test users')."""
    from dashboard.security.users import add_user
    path = tmp_path / "users.json"
    shutil.copy(users_file, path)
    add_user(path, "jiazhen", "test-password-1", "township", W.T1)
    monkeypatch.setenv("MONITOR_USERS_FILE", str(path))
    return "jiazhen"


def _open(engine, url, monkeypatch):
    monkeypatch.setenv("MONITOR_DB_URL", url)
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def page_db(empty_db, tmp_path, dashboard_url, monkeypatch):
    import_county(empty_db, write_book(tmp_path / "县.xlsx", county()), as_of=W.AS_OF)
    _open(empty_db, dashboard_url(empty_db), monkeypatch)
    return empty_db


def _run(user):
    return run_page("integrity", {"asof": W.AS_OF.isoformat()}, user=user)


def table(at):
    return at.dataframe[0].value


def figures(at) -> dict:
    return {m.label: m.value for m in at.metric}


def test_county_user_sees_every_record_in_force_first(page_db):
    at = _run("county")
    assert not at.exception and not at.error
    assert [t.value for t in at.title] == ["失信名单"]   # one heading: run_page draws it
    assert figures(at) == {"失信户": "3户", "惩戒中的失信记录": "2条", "已信用修复的失信记录": "1条"}
    assert all(m.help for m in at.metric)
    t = table(at)
    # in force first (latest first: H5 04-01, then H1 03-01), then H2 repaired 05-01
    assert list(t["户编号"]) == [W.hh(5), W.hh(1), W.hh(2)]
    assert list(t["状态"]) == ["惩戒中", "惩戒中", "已信用修复"]
    assert list(t["信用修复日期"]) == ["—", "—", "2026-05-01"]
    assert list(t["认定日期"]) == ["2026-04-01", "2026-03-01", "2026-03-01"]
    assert list(t["惩戒措施"]) == ["纳入特殊名单", "取消监测资格", "取消监测资格"]
    assert list(t["户主"]) == [HEADS[5], HEADS[1], HEADS[2]]
    assert all(isinstance(v, str) for col in t.columns for v in t[col])
    assert not [i for i in at.info if "未导入诚信记录" in i.value]


def test_the_toggle_keeps_the_records_in_force(page_db):
    at = _run("county")
    at.toggle(key="integrity_in_force_only").set_value(True).run()
    assert not at.exception and not at.error
    assert list(table(at)["户编号"]) == [W.hh(5), W.hh(1)]


def test_township_user_sees_only_its_own_records(page_db, town_user):
    at = _run(town_user)
    assert not at.exception and not at.error
    t = table(at)
    assert list(t["户编号"]) == [W.hh(1), W.hh(2)]
    assert set(t["乡镇"]) == {"甲镇"}
    assert figures(at) == {"失信户": "2户", "惩戒中的失信记录": "1条", "已信用修复的失信记录": "1条"}


@pytest.mark.parametrize("role", ["admin", "inspector"])
def test_admin_and_inspector_see_names_and_behaviour_masked(page_db, role):
    full = table(_run("county"))
    at = _run(role)
    assert not at.exception and not at.error
    masked = table(at)
    assert list(masked["户编号"]) == list(full["户编号"])
    assert list(masked["惩戒措施"]) == list(full["惩戒措施"])
    for real, shown in zip(full["户主"], masked["户主"]):
        assert real in HEADS.values() and shown != real
    assert set(full["失信情形"]) - {"（已脱敏）"} and set(masked["失信情形"]) == {"（已脱敏）"}


def test_a_county_without_integrity_records_is_told_so(empty_db, tmp_path, dashboard_url, monkeypatch):
    import_county(empty_db, write_book(tmp_path / "县.xlsx", W.county()), as_of=W.AS_OF)
    _open(empty_db, dashboard_url(empty_db), monkeypatch)
    at = _run("county")
    assert not at.exception and not at.error
    assert [i.value for i in at.info if "未导入诚信记录" in i.value]
    assert not at.dataframe and not at.metric
