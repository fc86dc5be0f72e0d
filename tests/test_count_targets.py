"""The count targets of the 2023 work points and 附件2/附件5 (issue 16): a county typed by hand in the import
template, imported with the real importer into SQLite and PostgreSQL; every expected number counted by hand
from the 口径 in queries/targets.py (in the comments), including values exactly at the target."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.exporting import briefing_slides
from queries import targets
from queries.filters import Filter
from seed.importer import import_files
from tests.handbuilt import import_county, write_book

COUNTY, T1, T2 = "439904", "439904101", "439904102"
V1, V2, V3 = T1 + "201", T1 + "202", T2 + "201"
AS_OF = date(2026, 6, 30)
D = date


def hh(code, village):
    return {"户编号": code, "行政村区划代码": village, "户类型": "脱贫户", "监测对象类别": "脱贫不稳定户",
            "识别纳入监测日期": D(2026, 1, 2)}


def measure(code, tool, day):
    return {"户编号": code, "政策工具": tool, "措施登记日期": day}


def project(code, village, category, year, done, jobs):
    return {"项目编号": code, "项目名称": code, "实施村区划代码": village, "项目类别": category, "资金年度": year,
            "衔接资金预算（元）": 100_000, "实际完工日期": done, "带动就业人数": jobs}


def target(name, value, scope="全县"):
    return {"考核指标": name, "考核年度": 2026, "适用范围": scope, "目标值": value, "考核截止日期": D(2026, 12, 31)}


def book(with_counts: bool = True) -> dict:
    base = {"县": [{"县级区划代码": COUNTY, "县名称": "计数县"}],
            "乡镇": [{"乡镇区划代码": T1, "乡镇名称": "甲镇"}, {"乡镇区划代码": T2, "乡镇名称": "乙镇"}],
            "行政村": [{"行政村区划代码": V1, "行政村名称": "一村"}, {"行政村区划代码": V2, "行政村名称": "二村"},
                    {"行政村区划代码": V3, "行政村名称": "三村"}],
            "农户": [hh("H1", V1), hh("H2", V1), hh("H3", V2), hh("H4", V2), hh("H5", V3)],
            "村级行业数据": [{"行政村区划代码": V2, "统计期末日期": D(2026, 6, 30), "农村户数": 50, "通自来水户数": 50}],
            "目标考核": [target("公益性岗位安置人数", 4), target("技能培训人次", 4), target("产业项目带动就业人数", 20),
                     target("强企帮村结对数", 3), target("乡镇卫生院标准化达标率", 1.0),
                     target("城乡居民基本医疗保险参保率", 0.95), target("公益性岗位安置人数", 1, T2)]}
    if not with_counts:
        return base
    base["帮扶措施"] = [
        measure("H1", "公益性岗位", D(2026, 1, 15)), measure("H1", "公益性岗位", D(2026, 3, 20)),  # two people of H1
        measure("H2", "公益性岗位", D(2026, 5, 31)), measure("H5", "公益性岗位", D(2026, 6, 30)),  # on the as-of day
        measure("H3", "公益性岗位", D(2025, 12, 31)),   # last year: not this year's count
        measure("H4", "公益性岗位", D(2026, 7, 1)),     # after the as-of day
        measure("H2", "技能培训", D(2026, 2, 10)), measure("H2", "技能培训", D(2026, 2, 11)),
        measure("H3", "技能培训", D(2026, 6, 1))]
    base["帮扶项目"] = [
        project("P1", V1, "产业发展", 2026, D(2026, 5, 10), 12), project("P2", V3, "产业发展", 2026, D(2026, 6, 30), 8),
        project("P3", V1, "产业发展", 2026, D(2026, 7, 5), 50),      # finished after the as-of day
        project("P4", V1, "基础设施", 2026, D(2026, 3, 1), 30),      # not an industry project
        project("P5", V1, "产业发展", 2025, D(2025, 10, 1), 40),     # last year's funds
        project("P6", V1, "产业发展", 2026, D(2026, 4, 1), None)]    # jobs not filled: not counted
    base["强企帮村"] = [
        {"帮扶企业名称": "甲公司", "行政村区划代码": V1, "结对日期": D(2026, 1, 5)},
        {"帮扶企业名称": "甲公司", "行政村区划代码": V2, "结对日期": D(2025, 6, 1), "解除结对日期": D(2026, 6, 30)},
        {"帮扶企业名称": "乙公司", "行政村区划代码": V3, "结对日期": D(2026, 6, 30)},
        {"帮扶企业名称": "丙公司", "行政村区划代码": V1, "结对日期": D(2026, 7, 2)}]
    base["乡镇行业数据"] = [
        {"乡镇区划代码": T1, "统计期末日期": D(2026, 3, 31), "乡镇卫生院是否达标": "否"},
        {"乡镇区划代码": T1, "统计期末日期": D(2026, 6, 30), "乡镇卫生院是否达标": "是"},
        {"乡镇区划代码": T2, "统计期末日期": D(2026, 3, 31), "乡镇卫生院是否达标": "是"}]   # 乙镇 missed 06-30
    base["村级行业数据"] += [
        {"行政村区划代码": V1, "统计期末日期": D(2026, 6, 30), "应参保城乡居民人数": 200, "城乡居民参保人数": 190},
        {"行政村区划代码": V3, "统计期末日期": D(2026, 6, 30), "应参保城乡居民人数": 100, "城乡居民参保人数": 95}]
    return base


@pytest.fixture
def counted(empty_db, tmp_path):
    import_county(empty_db, write_book(tmp_path / "计数县.xlsx", book()), as_of=AS_OF)
    with empty_db.connect() as conn:
        yield conn


def status_of(conn, f: Filter, by: str = "all"):
    return targets.target_status(conn, f, by).set_index("indicator")


def test_each_count_target_by_hand_with_the_boundaries(counted):
    s = status_of(counted, Filter(as_of=AS_OF))
    # 公益性岗位 2026-01-01..06-30: H1 ×2, H2 05-31, H5 06-30 (on the as-of day) = 4; target 4: met, exactly at it
    assert (s.loc["public_jobs", "value"], s.loc["public_jobs", "gap"], s.loc["public_jobs", "status"]) == (4, 0, "met")
    # 技能培训: H2 ×2 + H3 = 3 person-times; target 4: behind by 1
    assert (s.loc["training", "value"], s.loc["training", "gap"], s.loc["training", "status"]) == (3, -1, "behind")
    # 产业项目带动就业: P1 12 + P2 8 (finished on the as-of day) = 20 (P3 later, P4 not industry, P5 2025, P6 blank)
    assert (s.loc["industry_jobs", "value"], s.loc["industry_jobs", "status"]) == (20, "met")
    # 强企帮村: 甲–一村, 乙–三村 (signed on the as-of day) = 2; 甲–二村 ended 06-30, 丙 signs later; target 3
    assert (s.loc["enterprise_pairs", "value"], s.loc["enterprise_pairs", "status"]) == (2, "behind")
    # 乡镇卫生院: 甲镇 06-30 是, 乙镇 its latest (03-31) 是 -> 2/2 = 100 %; target 100 %: met exactly at it
    assert s.loc["health_centre", "value"] == pytest.approx(100.0) and s.loc["health_centre", "status"] == "met"
    # 城乡居民参保率: (190 + 95) / (200 + 100) = 95 %; target 95 %: met exactly at it (二村 reported no residents)
    assert s.loc["resident_insured", "value"] == pytest.approx(95.0) and s.loc["resident_insured", "status"] == "met"
    for key in ("public_jobs", "training", "industry_jobs", "enterprise_pairs", "health_centre", "resident_insured"):
        assert targets.BY_KEY[key].at_least   # "at least N": the direction is said, not guessed
    assert not targets.BY_KEY["dropouts"].at_least


def test_townships_have_only_their_own_count_targets(counted):
    s = targets.target_status(counted, Filter(as_of=AS_OF), "township")
    jobs = s[s.indicator == "public_jobs"].set_index("code")
    # 甲镇 H1 ×2 + H2 = 3, no target of its own (the county's 4 is the county's sum): 无目标; 乙镇 H5 = 1 of its own 1
    assert (jobs.loc[T1, "value"], jobs.loc[T1, "status"]) == (3, "none")
    assert (jobs.loc[T2, "value"], jobs.loc[T2, "target"], jobs.loc[T2, "status"]) == (1, 1, "met")
    centre = s[s.indicator == "health_centre"].set_index("code")
    assert centre.loc[T1, "value"] == pytest.approx(100.0) and centre.loc[T2, "value"] == pytest.approx(100.0)
    # a township user's filter: only 乙镇's measures and pairings
    own = status_of(counted, Filter(as_of=AS_OF, township=T2))
    assert own.loc["public_jobs", "value"] == 1 and own.loc["enterprise_pairs", "value"] == 1
    assert own.loc["training", "value"] == 0


def test_projection_to_the_deadline_by_hand(counted):
    p = targets.target_projections(counted, Filter(as_of=AS_OF)).set_index("indicator")
    # 公益性岗位 at the month ends: 01-31 1, 02-28 1, 03-31 2, 04-30 2, 05-31 3, 06-30 4. The last four points,
    # days before 06-30 x = -91 -61 -30 0, y = 2 2 3 4: mean x -45.5, mean y 2.75, Sxy 106.5, Sxx 4621,
    # slope 0.0230469/day, value at 06-30 3.798633; 184 days to 12-31 -> 3.798633 + 4.240623 = 8.0393 >= 4
    assert p.loc["public_jobs", "projected"] == pytest.approx(8.0393, abs=1e-3)
    assert p.loc["public_jobs", "outlook"] == "met" and p.loc["public_jobs", "periods"] == 6
    # 技能培训: 01-31 0, 02-28..05-31 2, 06-30 3; last four y = 2 2 2 3, mean 2.25, dy -.25 -.25 -.25 .75,
    # Sxy = 11.375 + 3.875 - 3.875 + 34.125 = 45.5, slope 45.5/4621; at 12-31: 2.25 + (45.5 + 184) × slope = 4.510 >= 4
    assert p.loc["training", "projected"] == pytest.approx(2.25 + (45.5 + 184) * 45.5 / 4621, abs=1e-6)
    assert p.loc["training", "outlook"] == "met"   # 3 today, behind; at this pace 4.5 by the deadline
    # 乡镇卫生院: 03-31 1/2 = 50 %, 06-30 100 %: rising, capped at 100 %
    assert p.loc["health_centre", "projected"] == pytest.approx(100.0) and p.loc["health_centre", "outlook"] == "met"


def test_a_ledger_without_the_facts_says_not_imported(empty_db, tmp_path):
    import_county(empty_db, write_book(tmp_path / "空.xlsx", book(with_counts=False)), as_of=AS_OF)
    with empty_db.connect() as conn:
        s = status_of(conn, Filter(as_of=AS_OF))
        cards = briefing_slides.count_cards(s.reset_index(), targets.target_projections(conn, Filter(as_of=AS_OF)))
    for key in ("public_jobs", "training", "industry_jobs", "enterprise_pairs", "health_centre", "resident_insured"):
        assert s.loc[key, "status"] == "missing", key   # 未导入, never 0
    assert targets.STATUS["missing"] == "未导入"
    shown = {c["key"]: c["value"] for c in cards}
    assert shown["public_jobs"] == "未导入" and shown["enterprise_pairs"] == "未导入"


def test_bad_count_facts_are_refused_with_the_cell(empty_db, tmp_path):
    bad = book()
    bad["强企帮村"][0]["解除结对日期"] = D(2025, 12, 1)              # before 结对日期
    bad["乡镇行业数据"][0]["乡镇区划代码"] = "439904109"               # no such township
    bad["村级行业数据"][1]["城乡居民参保人数"] = 201                    # more insured than residents
    result = import_files([write_book(tmp_path / "错.xlsx", bad)], empty_db, as_of=AS_OF)
    assert not result.ok
    found = {(e.sheet, e.row, e.header) for e in result.errors}
    assert ("强企帮村", 2, "解除结对日期") in found
    assert ("乡镇行业数据", 2, "乡镇区划代码") in found
    assert ("村级行业数据", 3, "城乡居民参保人数") in found
    with empty_db.connect() as conn:
        assert targets.target_values(conn, Filter(as_of=AS_OF)).empty   # nothing written
