"""The 流程督办 figures on the hand-typed county of tests/workflow_county.py, imported through the importer, on
SQLite and PostgreSQL. Every expected number is worked out by hand from the 口径 (queries/workflow.py) in the
comments; as of 2026-06-30, quarter (period from 2026-04-01), default limits of config/policy.toml."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from queries import workflow as q
from queries.filters import Filter
from tests import workflow_county as W
from tests.handbuilt import import_county, write_book

F = Filter(as_of=W.AS_OF)


@pytest.fixture
def county(empty_db, tmp_path):
    import_county(empty_db, write_book(tmp_path / "县.xlsx", W.county()), as_of=W.AS_OF)
    with empty_db.connect() as conn:
        yield conn


def test_funnel_counts_the_periods_leads_at_each_step(county):
    """Leads raised 04-01..06-30: 甲镇 H1, H2, H3 (H6's lead of 03-20 is last quarter's), 乙镇 H5.
    甲镇: 实地核查 all three; 部门比对, 承诺书, 村级初核 H1 and H3; 乡镇复核, 县级审定 and decided only H1."""
    got = q.step_funnel(county, F).set_index("code")
    assert got.loc[W.T1, ["leads", *q.STEPS, "decided"]].tolist() == [3, 3, 2, 2, 2, 1, 1, 1]
    assert got.loc[W.T2, ["leads", *q.STEPS, "decided"]].tolist() == [1, 1, 1, 1, 1, 1, 1, 1]
    # on 06-13 H1's 县级审定 (06-14) and decision have not happened yet; H5's 乡镇复核 (06-17) neither
    early = q.step_funnel(county, F.at(date(2026, 6, 13))).set_index("code")
    assert early.loc[W.T1, ["township_review", "county_review", "decided"]].tolist() == [1, 0, 0]
    assert early.loc[W.T2, ["village_review", "township_review"]].tolist() == [0, 0]


def test_step_durations_median_p90_and_the_boundary_day(county):
    """Steps done in the quarter, days after the step before (the first after the lead):
    实地核查 H1 2, H2 4, H3 3, H5 3 -> sorted 2 3 3 4: median 3, P90 the ⌈3.6⌉ = 4th = 4; over 3 days: H2 only
    (H3 and H5 took exactly 3: the limit day is in time). H6's check of 03-23 is last quarter's.
    部门比对 H1 3, H3 3, H5 2: median 3, P90 3rd = 3, none over 3. 县级审定 H1 1, H5 3: median 2, P90 2nd = 3,
    over 2 days: H5. 乡镇 level (乡镇复核 only): H1 3, H5 3."""
    steps = q.step_durations(county, F).set_index("step")
    assert steps.loc["field_check", ["steps", "median", "p90", "over_limit"]].tolist() == [4, 3, 4, 1]
    assert steps.loc["dept_check", ["steps", "median", "p90", "over_limit"]].tolist() == [3, 3, 3, 0]
    assert steps.loc["county_review", ["steps", "median", "p90", "over_limit"]].tolist() == [2, 2, 3, 1]
    levels = q.level_durations(county, F).set_index("level")
    assert levels.loc["township", ["steps", "median", "p90"]].tolist() == [2, 3, 3]
    # village level: 实地核查 2 4 3 3, 部门比对 3 3 2, 承诺书 2 2 2, 村级初核 2 2 2 -> 13 steps, sorted
    # 2×8 3×4 4: median the 7th = 2, P90 the ⌈11.7⌉ = 12th = 3
    assert levels.loc["village", ["steps", "median", "p90"]].tolist() == [13, 2, 3]


def test_township_ranking_by_steps_over_their_limit(county):
    """甲镇: H1 6 steps, H2 1, H3 4 = 11, one over (H2's 实地核查); village-level days 2 3 2 2 | 4 | 3 3 2 2 ->
    median 2; 乡镇复核 H1 3; 县级审定 H1 1. 乙镇: H5's 6 steps, one over (县级审定 3 > 2): 1/6 > 1/11, ranked first."""
    got = q.step_days_by_area(county, F)
    assert got.code.tolist() == [W.T2, W.T1]
    t1 = got.set_index("code").loc[W.T1]
    assert t1[["steps", "over_limit", "median_village", "median_township", "median_county"]].tolist() == [11, 1, 2, 3, 1]
    assert t1.over_share == pytest.approx(1 / 11)


def test_cases_over_a_step_limit_oldest_first_with_their_holder(county):
    """Undecided on 06-30: H2 (06-10) done 实地核查 06-14, waiting 16 days at 部门比对 (limit 3): 13 over, held by
    甲村's village committee; H3 (05-01) done up to 村级初核 05-11, waiting 50 days at 乡镇复核 (3): 47 over, held by
    甲镇. Oldest lead first: H3, then H2."""
    got = q.stuck_cases(county, F)
    assert got[["household_code", "step_name", "holder", "days_waiting", "days_over"]].values.tolist() == [
        [W.hh(3), "乡镇复核", "甲镇", 50, 47], [W.hh(2), "部门比对", "甲村（支村两委）", 16, 13]]
    # on 06-17 H2 has waited exactly 3 days: in time, not listed
    assert q.stuck_cases(county, F.at(date(2026, 6, 17))).household_code.tolist() == [W.hh(3)]
    # where they are stuck, per township and step: one each, the longer wait first
    where = q.stuck_by_township(county, F)
    assert where[["township_name", "step_name", "holder_level", "cases", "longest_wait"]].values.tolist() == [
        ["甲镇", "乡镇复核", "乡镇", 1, 50], ["甲镇", "部门比对", "村级（支村两委）", 1, 16]]
    assert q.stuck_by_township(county, replace(F, scope=W.T2)).empty   # 乙镇's leads are not stuck


def test_assignments_by_unit_open_overdue_and_on_time_rate(county):
    """县医保局: A2 (due 06-17, done 06-18: late) and A3 (due 06-23, no feedback: open, overdue) -> 2 counted, 0 on
    time. 甲镇人民政府: A1 done on its due day 06-17 -> 1 of 1. 县住建局: A6 only 部分办结 -> open, overdue (due 05-20),
    0 of 1. 乙镇人民政府 (own limit 07-10) and 甲村村委会 (orange: 06-25 + 7 = 07-02): open, not yet due -> no rate."""
    got = q.assignments_by_unit(county, F).set_index("unit")
    cols = ["assignments", "open", "overdue", "due_or_done", "on_time"]
    assert got.loc["县医保局", cols].tolist() == [2, 1, 1, 2, 0]
    assert got.loc["甲镇人民政府", cols].tolist() == [1, 0, 0, 1, 1] and got.loc["甲镇人民政府", "on_time_rate"] == 1.0
    assert got.loc["县住建局", cols].tolist() == [1, 1, 1, 1, 0]
    assert got.loc[["乙镇人民政府", "甲村村委会"], "on_time_rate"].isna().all()
    overdue = q.overdue_assignments(county, F)
    # red first (A3, 7 days over), then yellow (A6, 41 days over)
    assert overdue[["unit", "level", "days_over"]].values.tolist() == [["县医保局", "red", 7], ["县住建局", "yellow", 41]]
    red = q.overdue_assignments(county, F, "red")   # who holds the overdue red warnings: A3 only
    assert red[["household_code", "unit", "days_over"]].values.tolist() == [[W.hh(5), "县医保局", 7]]
    # a township user's units are those of its own households: 乙镇人民政府 is not among 甲镇's
    mine = q.assignments_by_unit(county, replace(F, scope=W.T1))
    assert sorted(mine.unit) == sorted(["甲镇人民政府", "县医保局", "甲村村委会", "县住建局"])
    assert mine.set_index("unit").loc["县医保局", "assignments"] == 1   # A2 only; A3 is 乙镇's


def test_findings_by_category_and_township_closure_rate(county):
    """未按时走访: ZG-1 closed 05-10 on its due day (in time), ZG-3 open past 05-31 (overdue) -> 1 of 2.
    漏评: ZG-2 closed 05-12 after 05-10 (late), ZG-5 closed 06-01 before 06-15 -> 1 of 2.
    档案资料不一致: ZG-4 open, due 07-15 not yet -> no rate. 甲镇: 1 of 3; 乙镇: 1 of 1."""
    cat = q.findings_by_category(county, F).set_index("category")
    cols = ["findings", "open", "overdue", "closed", "due_or_closed", "on_time"]
    assert cat.loc["no_visit", cols].tolist() == [2, 1, 1, 1, 2, 1] and cat.loc["no_visit", "closure_rate"] == 0.5
    assert cat.loc["missed", cols].tolist() == [2, 0, 0, 2, 2, 1]
    assert cat.loc["records", cols].tolist() == [1, 1, 0, 0, 0, 0] and cat.isna().loc["records", "closure_rate"]
    town = q.findings_by_area(county, F).set_index("code")
    assert town.loc[W.T1, "closure_rate"] == pytest.approx(1 / 3) and town.loc[W.T2, "closure_rate"] == 1.0
    assert q.open_findings(county, F).code.tolist() == ["ZG-3", "ZG-4"]   # overdue first


def test_a_county_without_workflow_sheets_says_so(empty_db, tmp_path):
    import_county(empty_db, write_book(tmp_path / "县.xlsx", W.county(with_workflow=False)), as_of=W.AS_OF)
    with empty_db.connect() as conn:
        assert q.workflow_coverage(conn, F).iloc[0].tolist() == [0, 0, 0]


def test_headline_for_the_overview(county, empty_db):
    """Stuck: H2 and H3. Overdue 交办: A3 (red) and A6 (yellow) -> 2, 1 of them red. Open findings ZG-3, ZG-4; overdue
    ZG-3. For 乙镇 (scope): no stuck case, A3 overdue (red), ZG-4 open and not overdue."""
    got = q.workflow_headline(county, F).set_index("key")
    assert got.value.tolist() == [2, 2, 2, 1] and got.loc["assignments_overdue", "red"] == 1
    mine = q.workflow_headline(county, replace(F, scope=W.T2)).set_index("key")
    assert mine.value.tolist() == [0, 1, 1, 0]


def test_headline_of_a_county_without_workflow_data_is_unknown_not_zero(empty_db, tmp_path):
    import_county(empty_db, write_book(tmp_path / "县.xlsx", W.county(with_workflow=False)), as_of=W.AS_OF)
    with empty_db.connect() as conn:
        assert q.workflow_headline(conn, F).value.isna().all()
