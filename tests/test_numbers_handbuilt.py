"""Issue 14, items 4, 6, 7, 8: small counties typed by hand in the import template's format, imported with the
real importer into SQLite and PostgreSQL, every expected number counted by hand from the written 口径 (in the
comments next to it), never from the generator.

One county per rule: two factor types of one group in one household (groups count households), a village that
missed the latest period and one that never reported, projects without a planned date around their batch's
deadline, projects carried over from last year, and the two groupings of the policy tools.
"""

from __future__ import annotations

from datetime import date

import pytest

from queries import aid, factors, quality, targets
from queries.codes import POLICY_TOOL_GROUPS, TOOLS
from queries.deadlines import project_deadlines as load_deadlines
from queries.filters import Filter
from tests.handbuilt import import_county, write_book

COUNTY, TOWN = "439903", "439903101"
V1, V2, V3 = TOWN + "201", TOWN + "202", TOWN + "203"


def county(**sheets) -> dict[str, list[dict]]:
    """One township 甲镇 with three villages 一村 二村 三村, plus the sheets a test adds."""
    return {"县": [{"县级区划代码": COUNTY, "县名称": "手工县"}],
            "乡镇": [{"乡镇区划代码": TOWN, "乡镇名称": "甲镇"}],
            "行政村": [{"行政村区划代码": V1, "行政村名称": "一村"}, {"行政村区划代码": V2, "行政村名称": "二村"},
                    {"行政村区划代码": V3, "行政村名称": "三村"}],
            **sheets}


def monitored(code: str, village: str = V1, identified: date = date(2026, 1, 10)) -> dict:
    return {"户编号": code, "行政村区划代码": village, "户类型": "脱贫户", "监测对象类别": "脱贫不稳定户",
            "识别纳入监测日期": identified}


def load(engine, tmp_path, sheets: dict, as_of: date):
    import_county(engine, write_book(tmp_path / "手工县.xlsx", county(**sheets)), as_of=as_of)
    return engine.connect()


# --- item 4: factor groups count households -------------------------------------------------------------------

def test_factor_groups_count_households_not_household_types(empty_db, tmp_path):
    as_of = date(2026, 6, 30)
    rows = [("H1", "因病"), ("H1", "因学"),              # two 支出因子 types in one household
            ("H2", "因病"), ("H2", "因务工就业不稳"),     # one 支出 and one 收入 type
            ("H3", "因残"), ("H4", "因灾")]
    factor_rows = [{"户编号": h, "风险类型": t, "风险识别日期": date(2026, 2, 1)} for h, t in rows]
    factor_rows.append({"户编号": "H5", "风险类型": "因病", "风险识别日期": date(2026, 2, 1),
                        "风险消除日期": date(2026, 5, 1)})  # resolved before the as-of day: not open
    with load(empty_db, tmp_path, {"农户": [monitored(f"H{i}") for i in range(1, 6)], "风险因子": factor_rows},
              as_of) as conn:
        g = factors.factor_groups(conn, Filter(as_of=as_of)).set_index("group")
        types = factors.factor_breakdown(conn, Filter(as_of=as_of)).set_index("factor_type")
    # households with any open factor: H1 H2 H3 H4 = 4 (H5's only factor was resolved on 05-01)
    assert set(g.with_any) == {4}
    # 支出因子: H1 (因病, 因学), H2 (因病), H3 (因残) = 3 households; its type bars add up to 因病 2 + 因学 1 + 因残 1 = 4 户次
    assert g.loc["expense", ["households", "household_types"]].tolist() == [3, 4]
    assert g.loc["income", ["households", "household_types"]].tolist() == [1, 1]     # H2
    assert g.loc["accident", ["households", "household_types"]].tolist() == [1, 1]   # H4
    assert g.loc["other", ["households", "household_types"]].tolist() == [0, 0]
    # shares of the 4 households: 支出 3/4 = 75 %, 收入 1/4, 意外 1/4 -> 125 % in all (a household in two groups)
    assert g.share.tolist() == pytest.approx([25.0, 75.0, 25.0, 0.0])
    assert types.loc["illness", "households"] == 2 and types.loc["illness", "share"] == pytest.approx(50.0)
    assert types.share.sum() == pytest.approx(150.0)  # 因病 2 + 因学 1 + 因残 1 + 因务工 1 + 因灾 1 = 6 of 4 households


# --- item 6: each village's latest report; a village that never reported is 未报送 ------------------------------

def fact(village: str, end: date, tap: int, clinic: bool) -> dict:
    return {"行政村区划代码": village, "统计期末日期": end, "农村户数": 100, "通自来水户数": tap, "村卫生室是否达标": "是" if clinic else "否"}


FACTS = [fact(V1, date(2026, 3, 31), 90, True), fact(V1, date(2026, 6, 30), 95, True),
         fact(V2, date(2026, 3, 31), 80, False)]   # 二村 missed the 06-30 period; 三村 never reported
TARGETS = [{"考核指标": "农村自来水普及率", "考核年度": 2026, "适用范围": "全县", "目标值": 0.95}]


def test_village_missing_the_latest_period_uses_its_earlier_report(empty_db, tmp_path):
    as_of = date(2026, 6, 30)
    with load(empty_db, tmp_path, {"村级行业数据": FACTS, "目标考核": TARGETS}, as_of) as conn:
        f = Filter(as_of=as_of)
        county_rows = targets.target_status(conn, f, "county").set_index("indicator")
        villages = targets.target_status(conn, f, "village")
        trend = targets.target_trend(conn, f, "tap_water")
        flagged = quality.flagged_ids(conn, f, "unreported_village")
        counts = quality.rule_counts(conn, f)
        listed = quality.flagged_households(conn, f, "unreported_village")
        before = targets.target_status(conn, f.at(date(2026, 3, 30)), "county").set_index("indicator")
    tap = county_rows.loc["tap_water"]
    # 一村 06-30: 95 of 100; 二村 its 03-31 report: 80 of 100; 三村 nothing -> (95 + 80) / 200 = 87.5 %
    # (one county-wide latest period, 06-30, would have given 95 / 100 = 95 % with 二村 silently gone)
    assert (tap.numerator, tap.denominator, tap.value) == (175, 200, pytest.approx(87.5))
    assert tap.status == "behind" and tap.target == pytest.approx(95.0)
    assert (tap.villages, tap.unreported, tap.period_end, tap.earliest_period) == (
        3, 1, date(2026, 6, 30), date(2026, 3, 31))
    # clinic up to standard: 一村 yes, 二村 no (03-31), 三村 not counted -> 1 of 2 = 50 %, not 1 of 3 and not 1 of 1
    clinic = county_rows.loc["clinic_standard"]
    assert (clinic.numerator, clinic.denominator, clinic.value) == (1, 2, pytest.approx(50.0))
    status = {(r.code, r.indicator): r for r in villages.itertuples()}
    assert status[(V2, "tap_water")].value == pytest.approx(80.0)
    assert status[(V2, "tap_water")].period_end == date(2026, 3, 31)
    assert status[(V3, "tap_water")].status == "unreported" and status[(V3, "clinic_standard")].status == "unreported"
    assert all(status[(V3, i.key)].status == "unreported" for i in targets.FACT_INDICATORS)
    # trend: 03-31 (90 + 80) / 200 = 85 %; 06-30 二村 carried forward: 87.5 %, the card's value
    assert trend.value.tolist() == pytest.approx([85.0, 87.5])
    # the quality rule lists 三村 only (二村 reported, just not the latest period), counted in 甲镇
    assert flagged == {V3}
    assert counts[counts.rule == "unreported_village"][["township_code", "households"]].values.tolist() == [[TOWN, 1]]
    assert listed.village_name.tolist() == ["三村"] and listed.township_name.tolist() == ["甲镇"]
    # on 03-30 nobody had reported: the county is 未报送, all 3 villages unreported
    assert before.loc["tap_water", "status"] == "unreported" and before.loc["tap_water", "unreported"] == 3
    assert "unreported" in targets.STATUS and targets.STATUS["unreported"] == "未报送"


# --- item 7: deadlines by batch, projects carried over ----------------------------------------------------------

def project(code: str, year: int, budget: int, batch: str | None = None, planned: date | None = None,
            actual: date | None = None) -> dict:
    return {"项目编号": code, "项目名称": f"{code}项目", "实施村区划代码": V1, "项目类别": "产业发展", "资金年度": year,
            "衔接资金预算（元）": budget, "完工批次": batch, "计划完工日期": planned, "实际完工日期": actual}


PROJECTS = [
    project("P1", 2026, 100_000, "第一批"),                      # no planned date: deadline 2026-10-31
    project("P2", 2026, 100_000, "第二批"),                      # no planned date: deadline 2026-11-30
    project("P3", 2026, 100_000),                               # no batch, no planned date: 其余, 2026-11-30
    project("P4", 2026, 100_000, "第一批", date(2026, 9, 15)),   # its planned date wins: 2026-09-15
    project("P5", 2025, 300_000, "第二批", date(2025, 11, 30)),  # 2025, unfinished: carried over
    project("P6", 2025, 200_000, "第一批", date(2025, 10, 31), date(2025, 10, 20)),  # finished, paid in full
    project("P7", 2025, 200_000, "第二批", date(2025, 11, 30), date(2025, 11, 10)),  # finished, 50,000 unpaid
    project("P8", 2025, 300_000, "第一批", date(2025, 10, 31), date(2025, 10, 1)),   # finished, 0.50 yuan short
]
PAYMENTS = [{"项目编号": "P5", "支付日期": date(2025, 6, 1), "支付金额（元）": 100_000},
            {"项目编号": "P6", "支付日期": date(2025, 10, 25), "支付金额（元）": 200_000},
            {"项目编号": "P7", "支付日期": date(2025, 11, 20), "支付金额（元）": 150_000},
            {"项目编号": "P8", "支付日期": date(2025, 10, 10), "支付金额（元）": 299_999.5},
            {"项目编号": "P1", "支付日期": date(2026, 5, 1), "支付金额（元）": 40_000},
            {"项目编号": "P4", "支付日期": date(2026, 6, 1), "支付金额（元）": 60_000}]


@pytest.fixture
def projects_db(empty_db, tmp_path):
    with load(empty_db, tmp_path, {"帮扶项目": PROJECTS, "项目支付": PAYMENTS}, date(2026, 11, 30)) as conn:
        yield conn


def overdue_codes(conn, d: date) -> set[str]:
    p = aid.project_list(conn, Filter(as_of=d))
    return set(p[p.overdue].code)


def test_project_without_planned_date_is_overdue_after_its_batch_deadline(projects_db):
    conn = projects_db
    assert load_deadlines().of(2026, 1) == date(2026, 10, 31) and load_deadlines().of(2026, None) == date(2026, 11, 30)
    # on 10-31 P1's deadline is today: not overdue yet; P4 (planned 09-15) is; P5 (2025, unfinished) is
    assert overdue_codes(conn, date(2026, 10, 31)) == {"P4", "P5"}
    # on 11-01 P1 (第一批, no planned date) is past 10-31; P2 and P3 are not past 11-30
    assert overdue_codes(conn, date(2026, 11, 1)) == {"P1", "P4", "P5"}
    assert overdue_codes(conn, date(2026, 11, 30)) == {"P1", "P4", "P5"}
    assert overdue_codes(conn, date(2026, 12, 1)) == {"P1", "P2", "P3", "P4", "P5"}
    p = aid.project_list(conn, Filter(as_of=date(2026, 11, 1))).set_index("code")
    assert p.loc["P1", "deadline"] == date(2026, 10, 31) and p.loc["P3", "deadline"] == date(2026, 11, 30)
    assert p.loc["P4", "deadline"] == date(2026, 9, 15) and p.loc["P1", "planned_completion"] is None
    funds = aid.funds_by_area(conn, Filter(as_of=date(2026, 11, 1)), "county").iloc[0]
    # due by 11-01: P1 P4 (2026) and P5 P6 P7 (2025, shown: P5 P7 only) -> due P1 P4 P5 P7 = 4; overdue P1 P4 P5 = 3
    assert (funds.due, funds.overdue) == (4, 3)


def test_last_years_unfinished_projects_are_carried_over_in_january(projects_db):
    conn = projects_db
    f = Filter(as_of=date(2027, 1, 15))
    p = aid.project_list(conn, f).set_index("code")
    # shown in January 2027: no 2027 project; 2026's P1-P4 all unfinished (carried), 2025's P5 (unfinished) and
    # P7 (50,000 unpaid); not P6 (finished, paid in full) nor P8 (0.50 yuan short: paid within the 1 yuan tolerance)
    assert set(p.index) == {"P1", "P2", "P3", "P4", "P5", "P7"} and p.carried_over.all()
    funds = aid.funds_by_area(conn, f, "county").iloc[0]
    assert (funds.projects, funds.current_projects, funds.carried_over) == (6, 0, 6)
    # unpaid: P1 60,000 + P2 100,000 + P3 100,000 + P4 40,000 + P5 200,000 + P7 50,000 = 550,000
    assert funds.carried_unpaid == pytest.approx(550_000)
    assert funds.overdue == 5  # every unfinished one (P1-P5) is past its deadline; P7 was finished
    assert funds.budget == 0 and funds.disbursed == 0  # no 2027 project: the rate has no basis
    assert funds.disbursement_rate != funds.disbursement_rate  # NaN, not 0 %

    f = Filter(as_of=date(2026, 1, 15))
    p = aid.project_list(conn, f).set_index("code")
    # 2026-01-15: the 2026 projects (nothing paid yet) plus 2025's P5 and P7 carried over
    assert set(p.index) == {"P1", "P2", "P3", "P4", "P5", "P7"}
    assert p.carried_over.to_dict() == {"P1": False, "P2": False, "P3": False, "P4": False, "P5": True, "P7": True}
    funds = aid.funds_by_area(conn, f, "county").iloc[0]
    # the rate counts the 2026 projects only: paid 0 of 400,000 = 0 %; carried over 2, unpaid 200,000 + 50,000
    assert (funds.current_projects, funds.carried_over, funds.budget, funds.disbursed) == (4, 2, 400_000, 0)
    assert funds.disbursement_rate == 0 and funds.carried_unpaid == pytest.approx(250_000)
    assert funds.overdue == 1  # P5 (deadline 2025-11-30)

    f = Filter(as_of=date(2026, 11, 30))
    funds = aid.funds_by_area(conn, f, "county").iloc[0]
    # 2026 paid by 11-30: P1 40,000 + P4 60,000 = 100,000 of 400,000 = 25 %; P5 P7 stay carried over
    assert funds.disbursement_rate == pytest.approx(25.0) and funds.carried_over == 2


# --- item 8: the policy tools grouped as 附件9 二(六) groups them -------------------------------------------------

def test_policy_tool_groups_of_annex_9(empty_db, tmp_path):
    as_of = date(2026, 6, 30)
    tools = ["低保", "医疗救助", "慈善帮扶", "防贫保", "村级灵活措施", "公益性岗位", "临时救助"]
    measures = [{"户编号": "H1", "政策工具": t, "措施登记日期": date(2026, 2, 1)} for t in tools]
    with load(empty_db, tmp_path, {"农户": [monitored("H1")], "帮扶措施": measures}, as_of) as conn:
        d = aid.measures_by_tool(conn, Filter(as_of=as_of))
    by_policy = d.groupby("policy_group").total.sum().reindex(list(POLICY_TOOL_GROUPS), fill_value=0).to_dict()
    # 低保 + 临时救助 -> 两不愁 2; 医疗救助 -> 三保障 1; 慈善帮扶 -> 社会性 1; 防贫保 -> 特惠保 1;
    # 村级灵活措施 -> 非规范性 1; 公益性岗位 -> not listed in 附件9 1; 自我尽责 has no tool: 0
    assert by_policy == {"two_worries": 2, "three_guarantees": 1, "social": 1, "special_insurance": 1, "informal": 1,
                         "self_duty": 0, "unlisted": 1}
    # the system's five groups for the same 7 measures: 基本生活 2, 三保障 1, 社会帮扶及特惠 3, 就业 1
    assert d.groupby("group").total.sum()[lambda s: s > 0].to_dict() == {
        "basic": 2, "guarantee": 1, "social": 3, "employment": 1}
    assert set(d.policy_group) <= set(POLICY_TOOL_GROUPS) and len(d) == len(TOOLS)


def test_aid_page_in_january_lists_last_years_projects(empty_db, tmp_path, monkeypatch, dashboard_url):
    """帮扶进度 on 2027-01-15 with the projects above: nothing of 2027 yet, six projects carried over."""
    import streamlit as st

    from tests.pages_support import run_page
    import_county(empty_db, write_book(tmp_path / "手工县.xlsx", county(**{"帮扶项目": PROJECTS, "项目支付": PAYMENTS})),
                  as_of=date(2027, 1, 15))
    monkeypatch.setenv("MONITOR_DB_URL", dashboard_url(empty_db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = run_page("aid")
    assert not at.exception
    cards = {m.label: (m.value, m.delta) for m in at.metric}
    assert cards["逾期未完工项目（个）"] == ("5", "另有往年结转 6 个项目")   # P1-P5 unfinished past their deadlines
    assert cards["资金支出进度"][0] == "—" and cards["当年项目预算"][0] == "0.0万元"  # no 2027 project: no basis
    table = at.dataframe[-1].value
    assert sorted(table["项目编号"]) == ["P1", "P2", "P3", "P4", "P5", "P7"] and set(table["结转"]) == {"往年结转"}
    assert table.set_index("项目编号").loc["P1", "完工期限"] == "2026-10-31"
    assert table.set_index("项目编号").loc["P1", "计划完工"] == "未填"
    assert any("往年结转项目 6 个，未支付余额 55.0万元" in c.value for c in at.caption)
    assert any("所在年度还没有项目" in i.value for i in at.info)
