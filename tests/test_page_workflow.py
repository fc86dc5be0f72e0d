"""流程督办 in AppTest on the hand-built fixture county (tests/fixture_db.py: workflow rows in 城关镇 T1 and
青山镇 T2), SQLite and PostgreSQL, for a county and a township user; and on a county that imported no
workflow sheets, which the page says instead of showing zeros."""

from __future__ import annotations

import pytest
import streamlit as st

from tests import workflow_county as W
from tests.fixture_db import household_code
from tests.handbuilt import import_county, write_book
from tests.pages_support import run_page


@pytest.fixture
def page_db(fixture_page_db):
    return fixture_page_db


def table_with(at, column: str):
    """The first table on the page that has this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_county_user_sees_every_townships_cases_and_units(page_db):
    at = run_page("workflow")
    assert not at.exception and not at.error
    assert at.title[0].value == "流程督办"
    units = table_with(at, "按时办结率")
    # 县农业农村局 holds T1's red warning (household 6), 县人社局 and 县医保局 T2's
    assert sorted(units["承办单位"]) == ["县人社局", "县农业农村局", "县医保局"]
    late = table_with(at, "超期（天）")
    assert sorted(late["户编号"]) == sorted([household_code(6), household_code(15)])
    stuck = table_with(at, "持有单位")
    # undecided on 06-30, all in 城关镇: household 8 at 部门比对 (since 06-03), 4, 11 and 12 at 实地核查
    assert stuck.set_index("户编号").loc[household_code(8), "停在环节"] == "部门比对"
    assert sorted(stuck["户编号"]) == sorted(household_code(h) for h in (4, 8, 11, 12))
    assert "问题编号" in table_with(at, "问题编号").columns
    # the first screen: stuck leads per township and step, and who holds the overdue red warnings
    where = table_with(at, "最长等待天数")
    assert where[["乡镇", "停在环节", "条数"]].values.tolist() == [["城关镇", "实地核查", 3], ["城关镇", "部门比对", 1]]
    red = table_with(at, "超期天数")   # both overdue 交办 are of red warnings, longest overdue first
    assert red[["户编号", "承办单位", "帮扶责任人", "超期天数"]].values.tolist() == [
        [household_code(15), "县医保局", "—", 136], [household_code(6), "县农业农村局", "刘帮扶", 77]]
    assert not [i for i in at.info if "未导入流程数据" in i.value]


def test_township_user_sees_only_its_own_cases_and_units(page_db):
    at = run_page("workflow", user="township")   # 城关镇 (T1)
    assert not at.exception and not at.error
    assert list(table_with(at, "按时办结率")["承办单位"]) == ["县农业农村局"]
    assert list(table_with(at, "超期（天）")["户编号"]) == [household_code(6)]
    assert list(table_with(at, "超期天数")["户编号"]) == [household_code(6)]
    towns = table_with(at, "乡镇")
    assert set(towns["乡镇"]) == {"城关镇"}
    assert list(table_with(at, "问题编号")["问题编号"]) == ["ZG-1"]   # ZG-2 is 青山镇's


def test_a_county_without_workflow_data_is_told_so(empty_db, tmp_path, dashboard_url, monkeypatch):
    import_county(empty_db, write_book(tmp_path / "县.xlsx", W.county(with_workflow=False)), as_of=W.AS_OF)
    monkeypatch.setenv("MONITOR_DB_URL", dashboard_url(empty_db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = run_page("workflow")
    assert not at.exception and not at.error
    told = [i.value for i in at.info if "未导入流程数据" in i.value]
    assert len(told) == 3, [i.value for i in at.info]
    assert not at.dataframe and not at.metric   # no zeros in place of the missing data
