"""A lead's life, the grading rules and the time limits, on counties typed by hand in the import template's
format and imported with the real importer (tests/handbuilt.py), SQLite and PostgreSQL.

Every expected number is counted by hand from the rows below and the written 口径; the comments show the
counting. AS_OF = 2026-06-30: 15 days before it is 06-15, 90 days before it is 04-01 (June 29 + May 31 +
April 30 days back), so
  a lead raised 06-15 (15 days) is not overdue, one raised 06-14 (16 days) is;
  a visit, an update or an identification on 04-01 (90 days) is within the quarter, on 03-31 (91) it is not.
"""

from __future__ import annotations

from datetime import date

import pytest

from queries import aid, grading, households, inspection, kpis, leads, policy, quality, targets
from queries.filters import Filter
from tests.handbuilt import import_county, person_id, write_book

AS_OF = date(2026, 6, 30)
COUNTY, TOWN = "439903", "439903101"
VILLAGE = TOWN + "201"
F = Filter(as_of=AS_OF)
WARNING_HEADERS = ["户编号", "线索来源", "预警级别", "线索产生日期", "研判结果", "研判日期", "不予纳入原因", "预警解除日期"]


def county(households: list[dict], **sheets) -> dict:
    """A one-township, one-village county with these 农户 rows (a head for each) and a 10,000 yuan line."""
    members = [{"户编号": h["户编号"], "姓名": f"户主{i}", "身份证号": person_id(COUNTY, date(1970, 1, 1 + i % 28), i),
                "性别": "男", "出生日期": date(1970, 1, 1 + i % 28), "与户主关系": "户主", "是否参加基本医疗保险": "是"}
               for i, h in enumerate(households)]
    for m in sheets.pop("成员", []):   # per-household overrides of the head's row
        next(r for r in members if r["户编号"] == m["户编号"]).update(m)
    return {"县": [{"县级区划代码": COUNTY, "县名称": "手工县"}],
            "乡镇": [{"乡镇区划代码": TOWN, "乡镇名称": "甲镇"}],
            "行政村": [{"行政村区划代码": VILLAGE, "行政村名称": "一村"}],
            "帮扶责任人": [{"帮扶责任人编号": 1, "姓名": "赵干部", "负责乡镇区划代码": TOWN}],
            "农户": [{"行政村区划代码": VILLAGE, "户类型": "一般农户", "帮扶责任人编号": 1, **h} for h in households],
            "家庭成员": members,
            "监测范围": [{"年度": y, "监测范围（元/人·年）": 10000} for y in (2025, 2026)],
            **sheets}


def lead(code, raised, decision=None, decided=None, reason=None, closed=None, level="黄色预警", source="干部排查"):
    """A 预警线索 row with every header present, in WARNING_HEADERS order (so cell letters are known)."""
    return dict(zip(WARNING_HEADERS, [code, source, level, raised, decision, decided, reason, closed]))


def monitored(code, identified, eliminated=None, **kw):
    return {"户编号": code, "监测对象类别": "脱贫不稳定户", "识别纳入监测日期": identified, "风险消除日期": eliminated, **kw}


def build(empty_db, tmp_path, book: dict):
    return import_county(empty_db, write_book(tmp_path / "手工县.xlsx", book), as_of=AS_OF)


def county_leads(conn, f: Filter):
    return leads.leads_by_area(conn, f, "all").iloc[0]


# -- 1. blank close dates, each closing cause -----------------------------------------------------------
CLOSE_COUNTY = county(
    [{"户编号": "H1"}, monitored("H2", date(2025, 3, 10), date(2026, 5, 15)),
     monitored("H3", date(2025, 3, 10), date(2026, 6, 20)), monitored("H4", date(2025, 3, 10)), {"户编号": "H5"}],
    预警线索=[
        lead("H1", date(2026, 5, 1), "不予纳入", date(2026, 5, 10), "收入高于监测范围"),   # closes 05-10 (decision)
        lead("H2", date(2025, 3, 1), "纳入监测", date(2025, 3, 10)),                      # closes 05-15 (elimination)
        lead("H3", date(2025, 3, 1), "纳入监测", date(2025, 3, 10), closed=date(2026, 6, 1)),  # 06-01, before 06-20
        lead("H4", date(2025, 3, 1), "纳入监测", date(2025, 3, 10)),                      # open: not eliminated
        lead("H5", date(2026, 6, 20)),                                                     # open: pending
    ])


def test_a_blank_close_date_is_filled_by_the_decision_or_the_elimination(empty_db, tmp_path):
    result = build(empty_db, tmp_path, CLOSE_COUNTY)
    # H1 (不予纳入) and H2 (eliminated) had no 预警解除日期; H3 had one, H4 is not eliminated, H5 undecided
    assert "预警线索：2 条未填预警解除日期，已视为解除（不予纳入的按研判日期 1 条，纳入监测的按农户风险消除日期 1 条）" \
        in result.notices
    with empty_db.connect() as conn:
        # open on 06-30: H4, H5 = 2 (the old rule, close date only, also counted H1 and H2: 4); 5 households
        row = county_leads(conn, F)
        assert (row.open_total, row.per_100) == (2, 40.0)
        k = kpis.headline_kpis(conn, F).set_index("key")
        assert k.loc["open_yellow", "value"] == 2
        # open on 05-14: H1 (raised 05-01, decided 05-10) closed, H2 (eliminated 05-15) open, H3, H4 open -> 3
        assert county_leads(conn, F.at(date(2026, 5, 14))).open_total == 3
        # on 06-10: H3 closed by its own date 06-01 although the household was eliminated only on 06-20 -> H4 only
        assert county_leads(conn, F.at(date(2026, 6, 10))).open_total == 1
        # the household record shows the close day whatever column gave it
        rec = households.household_record(conn, F, households.household_id_by_code(conn, F, "H1"))
        assert list(rec["warnings"].closed_date) == [date(2026, 5, 10)]
        # 较上季度 (03-30): H2 H3 H4 open (raised 2025), H1 and H5 not yet raised -> 3 before, 2 now
        assert (k.loc["open_yellow", "previous"], k.loc["open_yellow", "change"]) == (3, -1)
        assert set(leads.open_lead_list(conn, F).household_code) == {"H4", "H5"}


# -- 2. contradictions are imported and listed -----------------------------------------------------------
CONTRADICTIONS = county(
    [{"户编号": "C1"}, {"户编号": "C2"}, {"户编号": "C3"}, {"户编号": "C4"}, {"户编号": "C5"},
     monitored("C6", date(2025, 1, 10), date(2025, 12, 1))],
    预警线索=[
        lead("C1", date(2026, 5, 10), "不予纳入", date(2026, 5, 12), "收入达标", closed=date(2026, 5, 1)),  # row 2
        lead("C2", date(2026, 5, 10), "纳入监测", date(2026, 5, 20)),                        # row 3: never identified
        lead("C3", date(2026, 5, 10), "不予纳入", date(2026, 5, 1), "收入达标"),              # row 4: decided first
        lead("C4", date(2026, 5, 10), "不予纳入", date(2026, 5, 12)),                         # row 5: no reason
        lead("C5", date(2026, 5, 10), closed=date(2026, 5, 20)),                              # row 6: closed undecided
        lead("C6", date(2026, 3, 1), "纳入监测", date(2026, 3, 10)),                          # row 7: eliminated 2025
    ])


def _notice(notices: list[str], cell: str, text: str) -> str:
    hits = [n for n in notices if f"工作表「预警线索」 {cell} " in n and text in n]
    assert len(hits) == 1, (cell, text, notices)
    return hits[0]


def test_lead_contradictions_are_imported_with_a_notice_each(empty_db, tmp_path):
    result = build(empty_db, tmp_path, CONTRADICTIONS)
    n = result.notices
    # columns: A 户编号 B 线索来源 C 预警级别 D 线索产生日期 E 研判结果 F 研判日期 G 不予纳入原因 H 预警解除日期
    _notice(n, "H2", "预警解除日期早于线索产生日期 2026-05-10")
    _notice(n, "E3", "研判为纳入监测，但农户 C2 没有识别纳入监测日期")
    _notice(n, "F4", "研判日期早于线索产生日期 2026-05-10")
    _notice(n, "G5", "研判为不予纳入，但未填写不予纳入原因")
    _notice(n, "H6", "已填写预警解除日期，但尚未研判")
    _notice(n, "E7", "风险消除日期 2025-12-01 早于线索产生日期")
    assert result.counts["warnings"] == 6
    with empty_db.connect() as conn:
        # open on 06-30: C1 closed 05-01 (before it was raised: never open), C3 closed by its decision 05-01,
        # C4 closed 05-12, C5 closed 05-20; C2 纳入 with no elimination: open; C6 纳入, the 2025 elimination
        # belongs to an earlier spell: open -> 2
        assert county_leads(conn, F).open_total == 2
        # on 05-11: C1 never open; C2 C4 C6 open; C3 closed 05-01; C5 open (closes 05-20) -> 4
        assert county_leads(conn, F.at(date(2026, 5, 11))).open_total == 4
        assert county_leads(conn, F).pending == 1  # C5 has no decision, whatever its close date says


# -- 3. boundary days: 15/16 for leads, 90/91 for visits, updates and identification ---------------------
def boundary_county() -> dict:
    old = date(2025, 1, 1)
    hh = [monitored("A", old, 最近一次信息更新日期=old),                 # visited 04-01: 90 days, not stale
          monitored("B", old, 最近一次信息更新日期=old),                 # visited 03-31: 91 days, stale
          monitored("C", date(2026, 4, 1)),                             # identified 90 days ago: not yet checked
          monitored("D", date(2026, 3, 31)),                            # identified 91 days ago, nothing since: stale
          monitored("E", old, 最近一次信息更新日期=date(2026, 4, 1)),    # updated 90 days ago: not stale
          monitored("G", date(2025, 6, 1), date(2025, 11, 28)),         # eliminated after 180 days: not quick
          monitored("Q", date(2025, 6, 1), date(2025, 11, 27)),         # after 179 days: 快速消除
          {"户编号": "P15"}, {"户编号": "P16"}, {"户编号": "T15"}, {"户编号": "T16"}]
    visit = {"帮扶责任人编号": 1, "走访类型": "帮扶责任人走访"}
    return county(hh, 走访记录=[{"户编号": "A", "走访日期": date(2026, 4, 1), **visit},
                                {"户编号": "B", "走访日期": date(2026, 3, 31), **visit}],
                  预警线索=[lead("P15", date(2026, 6, 15)), lead("P16", date(2026, 6, 14)),
                            lead("T15", date(2026, 3, 1), "不予纳入", date(2026, 3, 16), "收入达标"),
                            lead("T16", date(2026, 3, 1), "不予纳入", date(2026, 3, 17), "收入达标")])


def test_boundary_days(empty_db, tmp_path):
    build(empty_db, tmp_path, boundary_county())
    with empty_db.connect() as conn:
        row = county_leads(conn, F)
        assert (row.pending, row.overdue) == (2, 1)   # P15 (15 days) and P16 (16 days) pending; P16 overdue
        assert quality.flagged_ids(conn, F, "overdue_lead") == {households.household_id_by_code(conn, F, "P16")}
        # 15天内研判率: T15 decided in 15 days (in time), T16 in 16 (late), P16 undecided after 16 days (late)
        # -> 1 / (2 decided + 1 overdue) = 33.3 %
        lt = targets.target_status(conn, F, "all").set_index("indicator").loc["lead_timeliness"]
        assert (lt.numerator, lt.denominator) == (1, 3) and lt.value == pytest.approx(100 / 3)
        ids = {c: households.household_id_by_code(conn, F, c) for c in "ABCDEGQ"}
        # stale (超过一个季度未走访未更新): monitored A B C D E (G, Q eliminated); A visited at 90 days, C
        # identified 90 days ago, E updated 90 days ago: not stale; B (visit 91 days) and D (identified 91 days,
        # never visited or updated) are
        assert quality.flagged_ids(conn, F, "stale") == {ids["B"], ids["D"]}
        # 最近走访间隔: A 90 days -> 31-90天, B 91 -> 超过90天, C D E never visited
        vr = aid.visit_recency(conn, F, "all").iloc[0]
        assert [int(vr[b]) for b in aid.VISIT_BUCKETS] == [0, 1, 1, 3]
        # planner: no visit within the quarter (never visited included): B C D E = 4 of 5 monitored
        comp = inspection.village_components(conn, F).iloc[0]
        assert (comp.stale_visit_hh, comp.monitored) == (4, 5)
        # 快速消除: Q after 179 days (< 180, half a year), not G after exactly 180
        assert quality.flagged_ids(conn, F, "quick_elimination") == {ids["Q"]}
        assert comp.quick_elimination == 1


# -- 4. grading: each branch, the SQL grade, the mismatch rule, an override ---------------------------------
def grading_county() -> dict:
    """One lead per rule branch, raised 2026-06-01, 2026 incomes against the 10,000 yuan line."""
    cases = [  # code, typed level, source, per-capita income, total income, rigid expense
        ("R1", "红色预警", "干部排查", 20000, 60000, 0),      # dropout member -> red
        ("R2", "红色预警", "干部排查", 20000, 60000, 0),      # uninsured member -> red
        ("R3", "黄色预警", "干部排查", 20000, 60000, 0),      # unsafe house open on 06-01 -> red; typed yellow
        ("R4", "红色预警", "干部排查", 4900, 14700, 0),       # 0.49 of the line -> red
        ("O1", "橙色预警", "干部排查", 9000, 27000, 0),       # 0.9 of the line -> orange
        ("O2", "红色预警", "干部排查", 15000, 45000, 23000),  # rigid 23000 > half of 45000 -> orange; typed red
        ("Y1", "黄色预警", "干部排查", 10500, 31500, 0),      # 1.05 of the line -> yellow
        ("Y2", "黄色预警", "医保部门预警", 15000, 45000, 0),  # department alert -> yellow
        ("N1", "红色预警", "干部排查", 15000, 45000, 0),      # no rule applies -> no grade, not a mismatch
    ]
    return county([{"户编号": c} for c, *_ in cases],
                  成员=[{"户编号": "R1", "是否义务教育阶段辍学": "是"}, {"户编号": "R2", "是否参加基本医疗保险": "否"}],
                  风险因子=[{"户编号": "R3", "风险类型": "住房安全", "风险识别日期": date(2026, 5, 1)}],
                  年度收入=[{"户编号": c, "年度": 2026, "家庭人均纯收入（元）": p, "家庭纯收入（元）": t, "刚性支出（元）": r}
                            for c, _, _, p, t, r in cases],
                  预警线索=[lead(c, date(2026, 6, 1), level=lv, source=s) for c, lv, s, *_ in cases])


EXPECTED_GRADES = {"R1": "red", "R2": "red", "R3": "red", "R4": "red", "O1": "orange", "O2": "orange",
                   "Y1": "yellow", "Y2": "yellow", "N1": None}


def _lead_ids(conn) -> dict[str, int]:
    from sqlalchemy import select

    from queries.schema import households as hh, warnings as w
    return dict(conn.execute(select(hh.c.code, w.c.id).join(w, w.c.household_id == hh.c.id)).all())


def test_grading_from_the_household_facts(empty_db, tmp_path):
    build(empty_db, tmp_path, grading_county())
    with empty_db.connect() as conn:
        ids = _lead_ids(conn)
        assert {c: grading.grade_lead(conn, i) for c, i in ids.items()} == EXPECTED_GRADES
        # typed vs rule: R3 yellow (rule red), O2 red (rule orange) differ; N1 red has no rule grade
        hh = {c: households.household_id_by_code(conn, F, c) for c in ("R3", "O2")}
        assert quality.flagged_ids(conn, F, "level_mismatch") == set(hh.values())
        detail = dict(zip(*[quality.flagged_households(conn, F, "level_mismatch")[c] for c in ("code", "detail")]))
        assert detail == {"R3": "台账为黄色预警，按规则应为红色预警", "O2": "台账为红色预警，按规则应为橙色预警"}


def test_grade_on_each_branch_without_a_database():
    none = dict.fromkeys(grading.FACTS)
    assert grading.grade(none) is None
    assert grading.grade(none | {"dropout": True}) == "red"
    assert grading.grade(none | {"uninsured": 1}) == "red"
    assert grading.grade(none | {"unsafe_house": True}) == "red"
    assert grading.grade(none | {"income_ratio": 0.49}) == "red"
    assert grading.grade(none | {"income_ratio": 0.5}) == "orange"      # half the line is not below half
    assert grading.grade(none | {"rigid_share": 0.51}) == "orange"
    assert grading.grade(none | {"rigid_share": 0.5}) is None           # exactly half is not above half
    assert grading.grade(none | {"income_ratio": 1.0}) == "yellow"
    assert grading.grade(none | {"income_ratio": 1.1}) is None
    assert grading.grade(none | {"department_alert": True}) == "yellow"


@pytest.fixture
def policy_file(tmp_path, monkeypatch):
    def use(text: str):
        path = tmp_path / "省规则.toml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv(policy.ENV, str(path))
        policy.reload()
    yield use
    monkeypatch.delenv(policy.ENV, raising=False)
    policy.reload()


def test_a_province_overrides_the_grading_rules(policy_file, empty_db, tmp_path):
    policy_file('version = "某省-2026"\n[grading.orange]\ntext = "人均纯收入低于监测范围的80%。"\n'
                'when = ["income_ratio < 0.8"]\n')
    assert grading.version() == "某省-2026"
    assert grading.level_text()["orange"] == "人均纯收入低于监测范围的80%。"
    assert grading.level_text()["red"].startswith("基本保障当前已出现缺口")   # not overridden: the default
    none = dict.fromkeys(grading.FACTS)
    assert grading.grade(none | {"income_ratio": 0.9}) == "yellow"   # orange now needs < 0.8; 0.9 < 1.1
    assert grading.grade(none | {"rigid_share": 0.9}) is None        # the override dropped the rigid rule
    build(empty_db, tmp_path, grading_county())
    with empty_db.connect() as conn:
        ids = _lead_ids(conn)
        got = {c: grading.grade_lead(conn, i) for c, i in ids.items()}
        # O1 0.9 -> yellow; O2 (rigid, 1.5 of the line) -> no grade; the rest as by default
        assert got == EXPECTED_GRADES | {"O1": "yellow", "O2": None}
        # mismatches now: R3 (yellow, rule red), O1 (orange, rule yellow); O2 has no grade
        assert quality.flagged_ids(conn, F, "level_mismatch") == {
            households.household_id_by_code(conn, F, c) for c in ("R3", "O1")}


def test_a_bad_policy_file_is_refused_in_chinese(policy_file):
    policy_file('[grading.red]\nwhen = ["income < 0.5"]\n')
    with pytest.raises(policy.PolicyError, match="条件“income < 0.5”无法识别"):
        grading.rules()
    policy_file('version = "x"\n[grading\n')
    with pytest.raises(policy.PolicyError, match="格式有误"):
        grading.rules()

