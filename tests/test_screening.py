"""Issue 16: 漏评排查 and 应帮尽帮 on a county typed by hand in the import template's format, imported with the real
importer into SQLite and PostgreSQL; every expected household and number worked out by hand from the written
口径 (queries/screening.py, config/policy.toml [screening]) in the comments, never from the generator.

Monitoring line 2026: 8,000 yuan. Thresholds (defaults): income < 1.1 × line = 8,800; net income (per-capita
income − (自负医疗费 + 教育支出) ÷ members) < 1.0 × line = 8,000; 自负医疗费 ≥ 10,000. As of 2026-06-30.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from queries import screening
from queries.filters import Filter
from tests.handbuilt import import_county, person_id, write_book
from seed.importer import import_files

AS_OF = date(2026, 6, 30)
COUNTY = "439901"                       # the test users' county: "township" belongs to 439901101
TA, TB = "439901101", "439901102"
VA, VB = TA + "201", TB + "201"

_seq = itertools.count()   # person_id takes it modulo 500: one county's ~26 members stay distinct


def head(code: str, **extra) -> dict:
    """The household head (one member); `extra`: more cells of the 家庭成员 sheet."""
    birth = date(1970, 5, 1)
    return {"户编号": code, "姓名": f"户主{code}", "身份证号": person_id(COUNTY, birth, next(_seq)),
            "与户主关系": "户主", **extra}


def spouse(code: str) -> dict:
    return {"户编号": code, "姓名": f"配偶{code}", "身份证号": person_id(COUNTY, date(1972, 3, 3), next(_seq), male=False),
            "与户主关系": "配偶"}


def household(code: str, village: str = VA, **extra) -> dict:
    return {"户编号": code, "行政村区划代码": village, "户类型": "一般农户", **extra}


def income(code: str, pc: float, medical: float | None = None, school: float | None = None) -> dict:
    row = {"户编号": code, "年度": 2026, "家庭人均纯收入（元）": pc}
    if medical is not None:
        row["自负医疗费（元）"] = medical
    if school is not None:
        row["教育支出（元）"] = school
    return row


def check(code: str, on: date = date(2026, 5, 10), **cells) -> dict:
    """A household check where everything is fine, except the cells given."""
    base = {"户编号": code, "核查日期": on, "住房安全鉴定等级": "A", "饮水水源": "集中供水", "自来水是否入户": "是",
            "水质是否达标": "是", "水量是否达标": "是", "用水方便程度是否达标": "是", "供水保证率是否达标": "是",
            "不愁吃不愁穿是否有保障": "是", "是否低保户": "否", "是否特困供养户": "否", "是否独居老人户": "否"}
    return base | cells


def book(with_checks: bool = True) -> dict:
    hh = [household(f"S{i:02d}") for i in range(1, 21)] + [household("S21", VB), household("S22", VB)]
    hh[17] = household("S18", 监测对象类别="边缘易致贫户", 识别纳入监测日期=date(2026, 1, 10))
    hh[18] = household("S19", 监测对象类别="脱贫不稳定户", 识别纳入监测日期=date(2025, 1, 1), 风险消除日期=date(2026, 3, 1))
    hh[21] = household("S22", VB, 监测对象类别="突发严重困难户", 识别纳入监测日期=date(2026, 2, 1))
    members = [head(h["户编号"]) for h in hh if h["户编号"] not in ("S13", "S14", "S17", "S21")]
    members += [spouse("S03"), spouse("S04"),
                head("S13", 是否义务教育阶段辍学="是"),      # S13: a member dropped out
                head("S14", 是否参加基本医疗保险="否"),       # S14: uninsured
                head("S17", 健康状况="大病"),                # S17: 大病户 (a health fact)
                head("S21", 是否义务教育阶段辍学="是")]
    sheets = {
        "县": [{"县级区划代码": COUNTY, "县名称": "排查县"}],
        "乡镇": [{"乡镇区划代码": TA, "乡镇名称": "甲镇"}, {"乡镇区划代码": TB, "乡镇名称": "乙镇"}],
        "行政村": [{"行政村区划代码": VA, "行政村名称": "甲村"}, {"行政村区划代码": VB, "行政村名称": "乙村"}],
        "监测范围": [{"年度": 2026, "监测范围（元/人·年）": 8000}],
        "农户": hh,
        "家庭成员": members,
        "年度收入": [
            income("S01", 8799),                 # < 8,800: near the line            -> listed
            income("S02", 8800),                 # = 8,800: not below 110%           -> not listed
            income("S03", 10000, 2000, 2000),    # 2 members: 10,000 − 4,000/2 = 8,000 = line  -> not listed
            income("S04", 10000, 2002, 2000),    # 2 members: 10,000 − 4,002/2 = 7,999 < line  -> listed
            income("S05", 20000, 10000),         # 自负医疗费 10,000 ≥ 10,000; net 10,000       -> listed (health)
            income("S06", 20000, 9999),          # 9,999 < 10,000; net 10,001                  -> not listed
            income("S18", 5000),                 # monitored: never screened
            income("S19", 7000),                 # eliminated, 7,000 < 8,800                   -> listed
            income("S21", 4000),                 # with a dropout and failing water: 3 reasons -> first
        ],
        "风险因子": [{"户编号": "S18", "风险类型": "因病", "风险识别日期": date(2026, 1, 10)},
                 {"户编号": "S22", "风险类型": "住房安全", "风险识别日期": date(2026, 2, 1)},
                 {"户编号": "S22", "风险类型": "因学", "风险识别日期": date(2026, 2, 1)}],
        "帮扶措施": [{"户编号": "S16", "政策工具": "低保", "措施登记日期": date(2026, 3, 1)},      # S16: 低保 by aid record
                 {"户编号": "S22", "政策工具": "医疗救助", "措施登记日期": date(2026, 2, 10)},   # answers no factor of S22
                 {"户编号": "S22", "政策工具": "教育资助", "措施登记日期": date(2026, 2, 10)}],  # answers 因学
    }
    if with_checks:
        sheets["农户核查"] = [
            check("S07", 住房安全鉴定等级="C", 危房改造状态="未改造"),   # C, not repaired     -> listed
            check("S08", 住房安全鉴定等级="D", 危房改造状态="已改造"),   # D, repaired         -> not listed
            check("S09", 住房安全鉴定等级="C", 危房改造状态="改造中"),   # C, being repaired   -> listed
            check("S10", 水质是否达标="否"),                          # water quality fails -> listed
            check("S11", 饮水水源="分散供水", 自来水是否入户="否"),      # no tap, but every standard passes -> not listed
            check("S12", 不愁吃不愁穿是否有保障="否"),                  # -> listed
            check("S15", 是否独居老人户="是"),                        # -> listed
            check("S20", date(2026, 1, 10), 住房安全鉴定等级="C", 危房改造状态="未改造"),
            check("S20", date(2026, 5, 10)),                        # the latest check is A: not listed
            check("S21", 水量是否达标="否", 供水保证率是否达标="否"),
        ]
    return sheets


LISTED = {"S01", "S04", "S05", "S07", "S09", "S10", "S12", "S13", "S14", "S15", "S16", "S17", "S19", "S21"}


@pytest.fixture
def county_db(empty_db, tmp_path):
    import_county(empty_db, write_book(tmp_path / "排查县.xlsx", book()), as_of=AS_OF)
    return empty_db


def listed(conn, f: Filter):
    return screening.screening_list(conn, f).set_index("code")


def test_each_criterion_at_its_boundary(county_db):
    with county_db.connect() as conn:
        df = listed(conn, Filter(as_of=AS_OF))
    assert set(df.index) == LISTED
    # score = the points of the criteria met (policy defaults: 三保障、饮水、吃穿 3, income and spending 2, groups 1)
    # S21: income 4,000 < 8,800 (2) + water fails (水量、供水保证率, 3) + a dropout (3) = 8 -> first; then 3 points
    # without income, by household id: S07 S09 (house) S10 (water) S12 (food) S13 (dropout) S14 (uninsured); then
    # 2 points, lowest income ÷ line first: S19 7,000/8,000 = 0.875, S01 8,799/8,000 = 1.0999, S04 1.25,
    # S05 (自负医疗费) 2.5; then 1 point without income: S15 (独居老人) S16 (低保 measure) S17 (大病)
    assert list(df.index) == ["S21", "S07", "S09", "S10", "S12", "S13", "S14", "S19", "S01", "S04", "S05",
                              "S15", "S16", "S17"]
    assert df.score.to_dict() == {"S21": 8, "S07": 3, "S09": 3, "S10": 3, "S12": 3, "S13": 3, "S14": 3, "S19": 2,
                                  "S01": 2, "S04": 2, "S05": 2, "S15": 1, "S16": 1, "S17": 1}
    assert list(df["rank"]) == list(range(1, 15))
    r = df.reasons
    assert r["S21"] == "2026年人均纯收入4,000元，监测范围8,000元；饮水水量、供水保证率不达标（2026-05-10核查）；有义务教育阶段辍学成员"
    assert r["S01"] == "2026年人均纯收入8,799元，监测范围8,000元"
    assert r["S04"] == "扣除刚性支出后人均收入7,999元，低于监测范围8,000元"
    assert r["S07"] == "住房鉴定为C级、未改造完成（2026-05-10核查）" and r["S09"].startswith("住房鉴定为C级")
    assert r["S10"] == "饮水水质不达标（2026-05-10核查）"
    assert r["S12"] == "吃穿无保障（2026-05-10核查）"
    assert r["S13"] == "有义务教育阶段辍学成员" and r["S14"] == "有成员未参加基本医疗保险"
    assert r["S15"] == "独居老人户" and r["S16"] == "享受低保或特困供养措施的户"
    assert df.status["S19"] == "eliminated" and df.status["S01"] == "never"
    # health reasons apart: S05's medical cost and S17's 大病 member are not in the plain reasons
    assert df.health_reasons["S05"] == "自负医疗费10,000元" and r["S05"] == "—"
    assert df.health_reasons["S17"] == "有大病或残疾成员" and r["S17"] == "—"
    assert df.has_health_reason["S05"] and not df.has_health_reason["S01"]
    # the visit list's one text: plain reasons and health reasons, or a note when the viewer's rows lack them
    assert screening.visit_reasons(df.loc["S05"]) == "自负医疗费10,000元"
    assert screening.visit_reasons(df.loc["S05"].drop("health_reasons")) == screening.HEALTH_WITHHELD
    assert screening.visit_reasons(df.loc["S01"].drop("health_reasons")) == r["S01"]


@pytest.fixture
def policy_file(tmp_path, monkeypatch):
    from queries import policy

    def use(text: str):
        path = tmp_path / "县规则.toml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv(policy.ENV, str(path))
        policy.reload()
    yield use
    monkeypatch.delenv(policy.ENV, raising=False)
    policy.reload()


def test_the_score_follows_the_configured_points(county_db, policy_file):
    # a county that weighs 自负医疗费 heaviest: S05 (10 points) above S21 (2 + 3 + 3 = 8); the rest as before
    policy_file("[screening.weights]\nhigh_medical = 10\n")
    with county_db.connect() as conn:
        df = listed(conn, Filter(as_of=AS_OF))
    assert list(df.index[:3]) == ["S05", "S21", "S07"] and df.score["S05"] == 10
    assert "自负医疗费较高10分" in screening.score_rule()


def test_a_bad_point_value_is_a_policy_problem(policy_file):
    from queries import policy
    policy_file('[screening.weights]\ndropout = "高"\n')
    assert "分值须为非负整数" in policy.problem()


def test_counts_by_area_and_facts(county_db):
    with county_db.connect() as conn:
        f = Filter(as_of=AS_OF)
        towns = screening.screening_by_area(conn, f, "township").set_index("code")
        facts = screening.screening_facts(conn, f).iloc[0]
        town_b = screening.screening_list(conn, Filter(as_of=AS_OF, township=TB))
    # not monitored: 22 households − S18 − S22 (monitored) = 20 (S19 eliminated counts); 甲镇 19, 乙镇 1 (S21)
    assert towns.not_monitored.to_dict() == {TA: 19, TB: 1}
    assert towns.candidates.to_dict() == {TA: 13, TB: 1}
    # unsafe water: S10 and S21; low income: S01 S19 S21; unsafe house: S07 S09
    assert towns.unsafe_water.sum() == 2 and towns.low_income.sum() == 3 and towns.unsafe_house.sum() == 2
    assert (facts.not_monitored, facts.with_income, facts.with_spending, facts.with_check) == (20, 8, 4, 9)
    # income rows: S01-S06, S19, S21 = 8; spending: S03-S06 = 4; checks: S07-S12, S15, S20, S21 = 9
    assert list(town_b.code) == ["S21"]


def test_owed_lists(county_db):
    with county_db.connect() as conn:
        f = Filter(as_of=AS_OF)
        none = screening.households_without_measure(conn, f)
        unmatched = screening.unmatched_factors(conn, f)
    # S18 (monitored since 2026-01-10) has no measure: 171 days; S22 has two
    assert list(none.code) == ["S18"] and none.days_monitored.iloc[0] == 171
    # S18 因病 with no measure; S22 住房安全 answered only by 危房改造 (its 医疗救助 answers nothing of it); its
    # 因学 is answered by 教育资助
    got = list(zip(unmatched.code, unmatched.factor_type, unmatched.missing_tools))
    assert got == [("S18", "因病", "临时救助、医保参保资助、医疗救助、防贫保"), ("S22", "住房安全", "危房改造")]


def test_a_book_without_check_and_spending_sheets_imports_and_says_so(empty_db, tmp_path):
    sheets = book(with_checks=False)
    sheets["年度收入"] = [{k: v for k, v in row.items() if "医疗" not in k and "教育" not in k}
                      for row in sheets["年度收入"]]
    import_county(empty_db, write_book(tmp_path / "旧台账.xlsx", sheets), as_of=AS_OF)
    with empty_db.connect() as conn:
        facts = screening.screening_facts(conn, Filter(as_of=AS_OF)).iloc[0]
        df = listed(conn, Filter(as_of=AS_OF))
    assert (facts.with_check, facts.with_spending) == (0, 0)
    # without checks and spending: only income, members and aid records: S01 S13 S14 S16 S17 S19 S21
    assert set(df.index) == {"S01", "S13", "S14", "S16", "S17", "S19", "S21"}


@pytest.mark.parametrize("sheet, cells, header, message", [
    ("农户核查", {"住房安全鉴定等级": "E"}, "住房安全鉴定等级", "E"),
    ("农户核查", {"饮水水源": "河水"}, "饮水水源", "河水"),
    ("农户核查", {"核查日期": date(2026, 7, 1)}, "核查日期", "晚于数据截至日期 2026-06-30"),
    ("年度收入", {"自负医疗费（元）": 1_000_001}, "自负医疗费（元）", "大于允许的最大值"),
    ("年度收入", {"教育支出（元）": 2_000_000}, "教育支出（元）", "大于允许的最大值"),
])
def test_bad_cells_are_refused_where_they_are(empty_db, tmp_path, sheet, cells, header, message):
    sheets = book()
    row = 3   # the second data row of the sheet
    sheets[sheet][row - 2] = sheets[sheet][row - 2] | cells
    result = import_files([write_book(tmp_path / "坏.xlsx", sheets)], empty_db, as_of=AS_OF)
    assert not result.ok
    hits = [e for e in result.errors if e.sheet == sheet and e.row == row and e.header == header]
    assert hits and message in hits[0].message, [(e.sheet, e.row, e.header, e.message) for e in result.errors]
    assert hits[0].column is not None


# --- the page ---------------------------------------------------------------------------------------------

@pytest.fixture
def page_db(county_db, monkeypatch, dashboard_url):
    import streamlit as st
    monkeypatch.setenv("MONITOR_DB_URL", dashboard_url(county_db))
    st.cache_data.clear()
    st.cache_resource.clear()
    return county_db


def open_page(user: str, params: dict | None = None):
    from tests.pages_support import run_page
    at = run_page("screening", params, user=user)
    assert not at.exception
    return at


def visit_list(at):
    return next(d.value for d in at.dataframe if "排查原因" in d.value.columns)


def test_page_ranks_and_counts_for_the_county(page_db):
    at = open_page("county")
    areas = at.dataframe[1].value.set_index("乡镇")   # [0] is the criteria table in the expander
    assert areas.loc["甲镇", "疑似漏评户"] == 13 and areas.loc["乙镇", "疑似漏评户"] == 1
    view = visit_list(at)
    assert list(view["户编号"][:3]) == ["S21", "S07", "S09"] and len(view) == 14
    assert view.set_index("户编号").loc["S17", ["得分", "排查原因"]].tolist() == [1, "有大病或残疾成员"]
    assert not at.warning   # every kind of fact was imported


def test_township_user_sees_only_the_township_and_its_export(page_db):
    from tests.exports_support import download, workbook_values
    at = open_page("township", {"town": TB})     # asks for 乙镇: clamped to 甲镇
    view = visit_list(at)
    assert len(view) == 13 and "S21" not in set(view["户编号"])
    assert set(view["乡镇"]) == {"甲镇"}
    values = workbook_values(download(at, "dl_xlsx_scr_list"))
    assert "S01" in values and "S21" not in values


def test_inspector_sees_masked_names_and_no_health_facts_also_in_the_export(page_db):
    from tests.exports_support import download, workbook_values
    at = open_page("inspector")
    view = visit_list(at)
    assert set(view.set_index("户编号").loc[["S05", "S17"], "排查原因"]) == {screening.HEALTH_WITHHELD}
    assert all(n.startswith("户") and set(n[1:]) == {"*"} for n in view["户主"])
    values = workbook_values(download(at, "dl_xlsx_scr_list"))
    text = " ".join(str(v) for v in values)
    assert "户主S01" not in text and "自负医疗费" not in text and "大病" not in text and "S01" in text


def test_page_says_when_the_facts_are_missing(empty_db, tmp_path, monkeypatch, dashboard_url):
    import streamlit as st
    sheets = book(with_checks=False)
    import_county(empty_db, write_book(tmp_path / "旧台账.xlsx", sheets), as_of=AS_OF)
    monkeypatch.setenv("MONITOR_DB_URL", dashboard_url(empty_db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = open_page("county")
    warnings = [w.value for w in at.warning]
    assert any("尚未导入农户核查数据" in w and "不是“没有问题”" in w for w in warnings)
    assert not any("年度支出数据" in w for w in warnings)   # spending was imported (S03-S06)


def test_owed_page_lists_the_households_owed_a_measure(page_db):
    from tests.pages_support import run_page
    at = run_page("owed", user="county")
    assert not at.exception
    none, unmatched = (d.value for d in at.dataframe)
    assert list(none["户编号"]) == ["S18"] and none["已监测天数"].iloc[0] == 171
    assert list(zip(unmatched["户编号"], unmatched["应有的政策工具"])) == [
        ("S18", "临时救助、医保参保资助、医疗救助、防贫保"), ("S22", "危房改造")]
    assert [t.label for t in at.tabs] == ["无帮扶措施监测户（1户）", "风险未匹配帮扶措施（2户）"]
    at = run_page("owed", user="inspector")
    unmatched = at.dataframe[1].value
    assert "应有的政策工具" not in unmatched.columns          # the tools would tell 因病
    assert list(unmatched["未匹配的风险"]) == ["支出因子（已脱敏）", "住房安全"]
    at = run_page("owed", {"town": TB}, user="township")    # 甲镇's user: S22 (乙镇) is not theirs
    assert list(at.dataframe[1].value["户编号"]) == ["S18"]


def test_aid_page_opens_the_owed_lists(page_db):
    from tests.pages_support import run_page
    at = run_page("aid", user="county")
    assert not at.exception
    assert any("打开应帮尽帮清单" in m.value and "(./owed)" in m.value for m in at.markdown)


def test_definitions_page_shows_the_criteria_and_thresholds(app_db):
    from tests.pages_support import run_page
    at = run_page("definitions")
    assert not at.exception
    assert any(h.value.startswith("漏评排查") for h in at.subheader)
    text = " ".join(str(v) for t in at.table for v in t.value.to_numpy().ravel()).replace("\\", "")
    # the configured thresholds, in words: 110% of the line, 10,000 yuan of self-paid medical costs
    assert "低于当年监测范围的110%" in text and "不低于10,000元（含本数）" in text


def test_household_page_shows_checks_and_spending(page_db):
    from tests.pages_support import run_page
    at = run_page("household", {"hh": "S21"}, user="county")
    assert not at.exception
    checks = next(d.value for d in at.dataframe if "住房鉴定等级" in d.value.columns)
    assert checks.iloc[0][["住房鉴定等级", "饮水水源", "水质", "水量", "供水保证率", "不愁吃不愁穿"]].tolist() == [
        "A级（安全）", "集中供水", "达标", "不达标", "不达标", "有保障"]
    at = run_page("household", {"hh": "S04"}, user="county")
    spending = next(d.value for d in at.dataframe if "自负医疗费（元）" in d.value.columns)
    # 10,000 − (2,002 + 2,000) ÷ 2 members = 7,999
    assert spending.iloc[0][["自负医疗费（元）", "教育支出（元）", "扣除刚性支出后人均收入（元）", "监测范围（元）"]].tolist() == [
        "2,002", "2,000", "7,999", "8,000"]
    assert any("没有核查记录" in i.value for i in at.info)       # S04 was never checked: said, not zeros
    at = run_page("household", {"hh": "S04"}, user="inspector")
    assert not at.exception
    assert not any("自负医疗费（元）" in d.value.columns for d in at.dataframe)   # a health fact


# --- 信息比对 -----------------------------------------------------------------------------------------------

LEADS = [  # quarter window 2026-04-01..06-30
    {"户编号": "S01", "线索来源": "医院", "预警级别": "黄", "事件发生日期": date(2026, 5, 1), "线索产生日期": date(2026, 5, 4)},
    {"户编号": "S02", "线索来源": "医保", "预警级别": "黄", "事件发生日期": date(2026, 4, 10), "线索产生日期": date(2026, 4, 20)},
    {"户编号": "S03", "线索来源": "医保", "预警级别": "黄", "事件发生日期": date(2026, 5, 1), "线索产生日期": date(2026, 5, 3)},
    {"户编号": "S04", "线索来源": "医保", "预警级别": "黄", "线索产生日期": date(2026, 6, 1)},        # no event date
    {"户编号": "S05", "线索来源": "干部排查", "预警级别": "黄", "线索产生日期": date(2026, 5, 5)},
    {"户编号": "S06", "线索来源": "交警", "预警级别": "黄", "事件发生日期": date(2026, 3, 1),
     "线索产生日期": date(2026, 3, 20)},                                                          # last quarter
    {"户编号": "S21", "线索来源": "交警", "预警级别": "黄", "事件发生日期": date(2026, 6, 1),
     "线索产生日期": date(2026, 6, 8)},                                                           # 乙镇
]


@pytest.fixture
def leads_db(empty_db, tmp_path):
    import_county(empty_db, write_book(tmp_path / "线索.xlsx", book() | {"预警线索": LEADS}), as_of=AS_OF)
    return empty_db


def test_leads_by_source_and_department_lag(leads_db):
    from queries import departments
    with leads_db.connect() as conn:
        df = departments.leads_by_source(conn, Filter(as_of=AS_OF)).set_index("source")
        town_a = departments.leads_by_source(conn, Filter(as_of=AS_OF, township=TA)).set_index("source")
    # 医保: 3 leads this quarter, 2 with an event date: 10 and 2 days -> median 6, max 10; 医院 1 lead, 3 days;
    # 交警: the 03-20 lead is last quarter's, the 06-08 one (乙镇) is this quarter's: 7 days
    assert df.loc["medical", ["leads", "with_event", "median_days", "max_days"]].tolist() == [3, 2, 6, 10]
    assert df.loc["hospital", ["leads", "median_days"]].tolist() == [1, 3]
    assert df.loc["traffic", ["leads", "median_days"]].tolist() == [1, 7]
    assert df.loc["cadre", "leads"] == 1 and df.loc["cadre", "department"] == False  # noqa: E712
    assert df.leads.sum() == 6
    assert town_a.loc["traffic", "leads"] == 0 and town_a.leads.sum() == 5


def test_crosscheck_page_names_the_silent_departments(leads_db, monkeypatch, dashboard_url):
    import streamlit as st

    from tests.pages_support import run_page
    monkeypatch.setenv("MONITOR_DB_URL", dashboard_url(leads_db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = run_page("crosscheck", user="township")     # 甲镇: the 交警 lead is 乙镇's
    assert not at.exception
    silent = at.warning[0].value
    assert "交警部门预警" in silent and "教育部门预警" in silent
    assert "医保部门预警" not in silent and "医院预警" not in silent
    table = at.dataframe[0].value.set_index("线索来源")
    assert table.loc["医保部门预警", "事件到推送中位天数"] == "6" and table.loc["交警部门预警", "本期线索（条）"] == 0


def test_the_printed_visit_list_keeps_each_code_and_status_on_one_line_in_its_embedded_font():
    """A household code split over two lines is misread when a team types its results back: the PDF's columns
    hold a 16-digit 户编号 and the longest status whole (the widest row the page can draw)."""
    import re

    import pandas as pd

    from queries import visit_list
    from queries.pdf_fonts import font_file
    from tests.print_checks import font_cmap, missing_glyphs, pdf_fonts, pdf_text
    codes = [f"43990110120{i:05d}" for i in range(1, 21)]
    view = pd.DataFrame({"序号": range(1, 21), "户编号": codes, "户主": "欧阳**", "乡镇": "青山镇", "村": "小洲村",
                         "户类型": "一般农户", "状态": "从未纳入监测", "得分": 12,
                         "排查原因": "2026年人均纯收入6,320元，监测范围7,900元；住房鉴定为C级、未改造完成（2025-12-18核查）"})
    info = visit_list.VisitListInfo("小洲村漏评排查走访名单（前20户）", "数据截至 2026年6月30日", "青山镇 · 小洲村", "口径", "得分")
    pdf = visit_list.build_pdf(view, info)
    text = pdf_text(pdf)
    assert re.findall(r"\d{16}", text) == codes
    fonts = pdf_fonts(pdf)                            # prints anywhere: every font embedded, every glyph in it
    assert fonts and all(f["emb"] == "yes" for f in fonts)
    assert not missing_glyphs(text, font_cmap(font_file()))
    assert text.count("从未纳入监测") == 20
    assert sum(visit_list.COLUMNS.values()) == 273   # A4 landscape less the margins
