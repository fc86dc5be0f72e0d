"""A city of two counties typed by hand in the import template's format (issue 20), one workbook per county as
each county's office sends it. Every figure the tests expect is counted by hand below, from the written 口径
(queries/leads.py: open warnings on the day, per 100 households in the system, undecided > 15 days overdue).

东县 439911: 甲镇 (一村: E1 monitored, E2, E3 monitored; 二村: E4), 乙镇 (三村: E5 monitored, E6) = 6 households
西县 439912: 丙镇 (四村: W1 monitored, W2 monitored, W3, W4, W5)                                  = 5 households

Warnings on AS_OF 2026-06-30 (a lead is overdue when undecided and raised before 06-15):
  E1 red 06-01 undecided (overdue)  E3 yellow 06-25 undecided   E5 orange 05-01, not included 05-10, closed 05-10
  W1 red 06-20 undecided            W2 orange 03-01 undecided (overdue)   W3 yellow 06-28 undecided
Targets: each county's 全县 tap-water target (东县 0.95, 西县 0.90); 甲镇 its own 0.98.
"""

from __future__ import annotations

from datetime import date

EAST, WEST = "439911", "439912"
EA, EB, WC = EAST + "101", EAST + "102", WEST + "101"        # 甲镇 乙镇 丙镇
EA1, EA2, EB1, WC1 = EA + "201", EA + "202", EB + "201", WC + "201"   # 一村 二村 三村 四村
AS_OF = date(2026, 6, 30)
D = date


def _hh(code: str, village: str, monitored: bool) -> dict:
    row = {"户编号": code, "行政村区划代码": village, "户类型": "脱贫户" if monitored else "一般农户"}
    return row | ({"监测对象类别": "脱贫不稳定户", "识别纳入监测日期": D(2026, 1, 5)} if monitored else {})


def _lead(code: str, level: str, raised: date, **more) -> dict:
    return {"户编号": code, "线索来源": "干部排查", "预警级别": level, "线索产生日期": raised, **more}


def _target(value: float, scope: str = "全县") -> dict:
    return {"考核指标": "农村自来水普及率", "考核年度": 2026, "适用范围": scope, "目标值": value,
            "考核截止日期": D(2026, 12, 31)}


def east(red_for_e4: bool = False) -> dict[str, list[dict]]:
    """东县's workbook; `red_for_e4`: its next month's refresh adds a red lead for E4 (a re-import)."""
    leads = [_lead("E1", "红色预警", D(2026, 6, 1)), _lead("E3", "黄色预警", D(2026, 6, 25)),
             _lead("E5", "橙色预警", D(2026, 5, 1), 研判结果="不予纳入", 研判日期=D(2026, 5, 10),
                   不予纳入原因="收入达标", 预警解除日期=D(2026, 5, 10))]
    if red_for_e4:
        leads.append(_lead("E4", "红色预警", D(2026, 6, 29)))
    return {"县": [{"县级区划代码": EAST, "县名称": "东县"}],
            "乡镇": [{"乡镇区划代码": EA, "乡镇名称": "甲镇"}, {"乡镇区划代码": EB, "乡镇名称": "乙镇"}],
            "行政村": [{"行政村区划代码": EA1, "行政村名称": "一村"}, {"行政村区划代码": EA2, "行政村名称": "二村"},
                    {"行政村区划代码": EB1, "行政村名称": "三村"}],
            "农户": [_hh("E1", EA1, True), _hh("E2", EA1, False), _hh("E3", EA1, True), _hh("E4", EA2, False),
                   _hh("E5", EB1, True), _hh("E6", EB1, False)],
            "预警线索": leads,
            "目标考核": [_target(0.95), _target(0.98, EA)]}


def west() -> dict[str, list[dict]]:
    return {"县": [{"县级区划代码": WEST, "县名称": "西县"}],
            "乡镇": [{"乡镇区划代码": WC, "乡镇名称": "丙镇"}],
            "行政村": [{"行政村区划代码": WC1, "行政村名称": "四村"}],
            "农户": [_hh("W1", WC1, True), _hh("W2", WC1, True), _hh("W3", WC1, False), _hh("W4", WC1, False),
                   _hh("W5", WC1, False)],
            "预警线索": [_lead("W1", "红色预警", D(2026, 6, 20)), _lead("W2", "橙色预警", D(2026, 3, 1)),
                     _lead("W3", "黄色预警", D(2026, 6, 28))],
            "目标考核": [_target(0.90)]}


def import_city(engine, tmp_path) -> None:
    """Both counties' files into one database, one import each, as two county offices would send them."""
    from tests.handbuilt import import_county, write_book
    import_county(engine, write_book(tmp_path / "东县.xlsx", east()), as_of=AS_OF)
    import_county(engine, write_book(tmp_path / "西县.xlsx", west()), as_of=AS_OF)
