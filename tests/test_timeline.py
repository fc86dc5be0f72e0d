"""户情's 办理过程 (queries/timeline.py) on the hand-typed county of tests/workflow_county.py, imported through the
importer, on SQLite and PostgreSQL. Expected rows are worked out by hand from the 台账 and the default limits
(实地核查 3, 部门比对 3, 承诺书 2, 村级初核 2, 乡镇复核 3, 县级审定 2 days; 交办 red 3, orange 7, yellow 15 days)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from queries import timeline
from queries.filters import Filter
from queries.schema import households
from tests import workflow_county as W
from tests.handbuilt import import_county, write_book

F = Filter(as_of=W.AS_OF)


def _conn(engine, tmp_path, with_workflow=True):
    import_county(engine, write_book(tmp_path / "县.xlsx", W.county(with_workflow)), as_of=W.AS_OF)
    return engine.connect()


@pytest.fixture
def county(empty_db, tmp_path):
    with _conn(empty_db, tmp_path) as conn:
        yield conn


def ids(conn) -> dict[int, int]:
    by_code = dict(conn.execute(sa.select(households.c.code, households.c.id)).all())
    return {n: by_code[W.hh(n)] for n in range(1, 7)}


def rows(conn, n: int, f: Filter = F) -> list[tuple]:
    t = timeline.household_timeline(conn, f, ids(conn)[n])
    return [(d.isoformat(), e, x, u, h, late)
            for d, e, x, u, h, late in t[["date", "event", "detail", "unit", "helper_name", "late"]].itertuples(index=False)]


def test_a_whole_case_from_warning_to_feedback_in_date_order(county):
    """H1: red lead 06-01; steps 2, 3 (= the limit: in time), 2, 2, 3, 1 days; 纳入监测 06-14; A1 to 张三 and A2 to
    县医保局 on 06-14, due 06-14 + 3 = 06-17; A1 fed back 06-17 (the limit day: on time), A2 06-18 (one day late).
    On 06-14 the 县级审定 comes before the decision and the 交办."""
    assert rows(county, 1) == [
        ("2026-06-01", "发出预警线索", "红色预警；来源：干部排查", None, None, False),
        ("2026-06-03", "实地核查", "结果：通过；用时2天（时限3天）", None, None, False),
        ("2026-06-06", "部门比对", "比对部门：医保、民政；用时3天（时限3天）", None, None, False),
        ("2026-06-08", "签订承诺书", "用时2天（时限2天）", None, None, False),
        ("2026-06-10", "村级初核", "用时2天（时限2天）", None, None, False),
        ("2026-06-13", "乡镇复核", "用时3天（时限3天）", "甲镇人民政府", None, False),
        ("2026-06-14", "县级审定", "用时1天（时限2天）", None, None, False),
        ("2026-06-14", "研判：纳入监测", "", None, None, False),
        ("2026-06-14", "交办帮扶责任人", "办结时限 2026-06-17；按时办结", "甲镇人民政府", "张三", False),
        ("2026-06-14", "交办行业部门", "办结时限 2026-06-17；超期办结（晚1天）", "县医保局", None, True),
        ("2026-06-17", "反馈：已办结", "在办结时限内", "甲镇人民政府", "张三", False),
        ("2026-06-18", "反馈：已办结", "晚于办结时限1天", "县医保局", None, True),
    ]


def test_late_steps_and_open_assignments_on_the_as_of_day(county):
    """H5: 县级审定 06-17 -> 06-20 is 3 days (> 2); A3 red to 县医保局 06-20, due 06-23, no feedback: overdue by
    06-30 - 06-23 = 7 days; A4 to 乙镇 with its own 办结时限 07-10: still within it."""
    got = rows(county, 5)
    assert got[6] == ("2026-06-20", "县级审定", "用时3天（时限2天），超时限", None, None, True)
    assert got[8:] == [
        ("2026-06-20", "交办行业部门", "办结时限 2026-06-23；超期未办结（已超7天）", "县医保局", None, True),
        ("2026-06-20", "交办乡镇", "办结时限 2026-07-10；办理中", "乙镇人民政府", None, False)]
    # H3 yellow: A6 05-05 + 15 = 05-20; fed back 部分办结 on 05-19 (in time, but not done): open, 41 days over
    got = rows(county, 3)
    assert ("2026-05-05", "交办行业部门", "办结时限 2026-05-20；超期未办结（已超41天）", "县住建局", None, True) in got
    assert got[-1] == ("2026-05-19", "反馈：部分办结", "在办结时限内", "县住建局", None, False)
    # H2: 实地核查 after 4 days (> 3)
    assert rows(county, 2)[1] == ("2026-06-14", "实地核查", "用时4天（时限3天），超时限", None, None, True)


def test_only_what_happened_by_the_as_of_day(county):
    """On 06-07 H1 has its lead, 实地核查 (06-03) and 部门比对 (06-06); no decision, no 交办 yet. On 06-16 A1 and A2 are
    open but not past 06-17."""
    assert [r[:2] for r in rows(county, 1, F.at(date(2026, 6, 7)))] == [
        ("2026-06-01", "发出预警线索"), ("2026-06-03", "实地核查"), ("2026-06-06", "部门比对")]
    got = rows(county, 1, F.at(date(2026, 6, 16)))
    assert got[-2:] == [("2026-06-14", "交办帮扶责任人", "办结时限 2026-06-17；办理中", "甲镇人民政府", "张三", False),
                        ("2026-06-14", "交办行业部门", "办结时限 2026-06-17；办理中", "县医保局", None, False)]


def test_a_household_outside_the_area_is_none(county):
    assert timeline.household_timeline(county, replace(F, township=W.T2), ids(county)[1]) is None
    assert len(timeline.household_timeline(county, replace(F, township=W.T1), ids(county)[1])) == 12


def test_without_the_workflow_sheets_the_leads_still_show(empty_db, tmp_path):
    """No 识别环节/网上交办 sheets: H6 shows its lead (03-20), 不予纳入 (04-01) and the close that decision implies
    (04-01); H4 has no lead: an empty table with the same columns."""
    with _conn(empty_db, tmp_path, with_workflow=False) as conn:
        assert [r[:3] for r in rows(conn, 6)] == [("2026-03-20", "发出预警线索", "黄色预警；来源：干部排查"),
                                                  ("2026-04-01", "研判：不予纳入", ""), ("2026-04-01", "预警解除", "")]
        empty = timeline.household_timeline(conn, F, ids(conn)[4])
        assert empty.empty and list(empty.columns) == timeline.COLUMNS
