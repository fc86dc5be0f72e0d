"""户情's 办理过程 and 诚信 sections in AppTest: on a hand-typed county imported through the importer (SQLite and
PostgreSQL) for the county user, and on the fixture county (tests/fixture_db.py) for a township user, who sees
only its own households, and for an inspector, who sees helpers' names and 失信 facts masked."""

from __future__ import annotations

import pytest
import streamlit as st

from queries.privacy import WITHHELD_NOTE, mask_name
from tests import test_integrity
from tests import workflow_county as W
from tests.fixture_db import household_code
from tests.handbuilt import import_county, write_book
from tests.pages_support import run_page


def table_with(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def no_errors(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.fixture
def handtyped(empty_db, tmp_path, dashboard_url, monkeypatch):
    """tests/workflow_county.py with the 失信 records of tests/test_integrity.py."""
    import_county(empty_db, write_book(tmp_path / "县.xlsx", test_integrity.county()), as_of=W.AS_OF)
    monkeypatch.setenv("MONITOR_DB_URL", dashboard_url(empty_db))
    st.cache_data.clear()
    st.cache_resource.clear()


def test_the_case_timeline_and_integrity_of_one_household(handtyped):
    """H1 (see tests/test_timeline.py): 12 events; the 部门比对 took exactly its 3 days (in time); A2 to 县医保局 came
    back a day late (its 交办 and its feedback are marked). Pledge signed 06-08; the 失信 record of 03-01
    (虚报冒领扶贫资金, 取消监测资格) never repaired."""
    at = run_page("household", {"hh": W.hh(1)}, timeout=120)
    no_errors(at)
    t = table_with(at, "事项")
    assert t["日期"].tolist() == ["2026-06-01", "2026-06-03", "2026-06-06", "2026-06-08", "2026-06-10", "2026-06-13",
                                "2026-06-14", "2026-06-14", "2026-06-14", "2026-06-14", "2026-06-17", "2026-06-18"]
    assert t["事项"].tolist()[7:] == ["研判：纳入监测", "交办帮扶责任人", "交办行业部门", "反馈：已办结", "反馈：已办结"]
    assert t.loc[2, "情况"] == "比对部门：医保、民政；用时3天（时限3天）"
    assert t.loc[8, ["经办单位", "帮扶责任人"]].tolist() == ["甲镇人民政府", "张三"]
    assert t.loc[9, "情况"] == "办结时限 2026-06-17；超期办结（晚1天）"
    assert any(c.value == "红底为超时限的环节、超期的交办或反馈（2 项）。" for c in at.caption)

    assert any(m.value == "承诺书：2026-06-08 签订（自愿申请监测和诚实守信承诺书）" for m in at.markdown)
    rec = table_with(at, "失信行为")
    assert rec.to_dict("records") == [{"失信行为": "弄虚作假，虚报冒领扶贫资金", "认定日期": "2026-03-01", "认定单位": "—",
                                      "惩戒措施": "取消监测资格", "信用修复": "惩戒中", "说明": ""}]


def test_a_repaired_record_and_a_household_without_steps(handtyped):
    """H2: repaired 05-01 by 县乡村振兴局; no pledge step. H4: no lead at all -> no timeline, no record."""
    at = run_page("household", {"hh": W.hh(2)}, timeout=120)
    no_errors(at)
    assert table_with(at, "失信行为")["信用修复"].tolist() == ["2026-05-01 修复（县乡村振兴局）"]
    assert any(m.value == "承诺书：未登记签订日期" for m in at.markdown)
    at = run_page("household", {"hh": W.hh(4)}, timeout=120)
    no_errors(at)
    assert not [d for d in at.dataframe if "事项" in d.value.columns or "失信行为" in d.value.columns]
    assert any(c.value == "截至日期无失信记录。" for c in at.caption)


def test_a_ledger_without_workflow_or_integrity_sheets_says_so(empty_db, tmp_path, dashboard_url, monkeypatch):
    """H6 keeps its lead, 不予纳入 and close; the page says the steps and 失信 records were not imported."""
    import_county(empty_db, write_book(tmp_path / "县.xlsx", W.county(with_workflow=False)), as_of=W.AS_OF)
    monkeypatch.setenv("MONITOR_DB_URL", dashboard_url(empty_db))
    st.cache_data.clear()
    at = run_page("household", {"hh": W.hh(6)}, timeout=120)
    no_errors(at)
    assert table_with(at, "事项")["事项"].tolist() == ["发出预警线索", "研判：不予纳入", "预警解除"]
    captions = [c.value for c in at.caption]
    assert "未导入识别环节和网上交办记录：下表只有预警线索、研判和解除。" in captions
    assert "未导入失信记录（导入模板「失信记录」工作表），无法判断有无失信行为。" in captions


@pytest.mark.usefixtures("app_db")
def test_a_township_user_sees_its_own_households_case_and_not_anothers():
    """Fixture household 6 (城关镇): red lead 03-20, 实地核查 03-25 (通过, 5 days > 3), 纳入监测 04-10, handed to 刘帮扶
    (县农业农村局) 04-11, due 04-14, no feedback: 77 days over on 06-30. Household 18 is 青山镇's."""
    at = run_page("household", {"hh": household_code(6)}, user="township", timeout=120)
    no_errors(at)
    t = table_with(at, "事项")
    assert t["事项"].tolist() == ["发出预警线索", "实地核查", "研判：纳入监测", "交办帮扶责任人"]
    assert t["情况"].tolist()[1] == "结果：通过；用时5天（时限3天），超时限"
    assert t.iloc[3].tolist() == ["2026-04-11", "交办帮扶责任人", "办结时限 2026-04-14；超期未办结（已超77天）",
                                  "县农业农村局", "刘帮扶"]
    at = run_page("household", {"hh": household_code(18)}, user="township", timeout=120)
    no_errors(at)
    assert not [d for d in at.dataframe if "事项" in d.value.columns]


@pytest.mark.usefixtures("app_db")
def test_an_inspector_sees_the_case_with_helpers_names_masked():
    at = run_page("household", {"hh": household_code(6)}, user="inspector", timeout=120)
    no_errors(at)
    assert table_with(at, "事项")["帮扶责任人"].tolist()[3] == mask_name("刘帮扶")


def test_an_inspector_sees_that_a_record_exists_but_not_its_behaviour(handtyped):
    at = run_page("household", {"hh": W.hh(1)}, user="inspector", timeout=120)
    no_errors(at)
    rec = table_with(at, "失信行为")
    assert rec["失信行为"].tolist() == [WITHHELD_NOTE] and rec["惩戒措施"].tolist() == ["取消监测资格"]
