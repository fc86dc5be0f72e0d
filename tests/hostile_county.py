"""A county whose every free text is hostile: HTML tags, markdown links and images, javascript: URLs and
spreadsheet formulas, typed into the import template the way an outsider (or a careless clerk) could.

``build_hostile(engine, tmp_path)`` writes it in the template format and imports it with the real importer.
Pages and exports opened on it must show these strings as text: no element made from them, no request to
``HOSTILE_HOST``, no formula cell. ``HOSTILE_MARKERS`` are substrings a test can look for in what reached
the browser or a file (they survive escaping as text, so their presence as text is fine; an element is not).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from tests.handbuilt import import_county, person_id, write_book

AS_OF = date(2026, 6, 30)
HOSTILE_HOST = "x.example"
COUNTY, TOWN_A, TOWN_B = "439902", "439902101", "439902102"
VILLAGE_A1, VILLAGE_A2, VILLAGE_B1 = TOWN_A + "201", TOWN_A + "202", TOWN_B + "201"

IMG = f"![i](//{HOSTILE_HOST}/i.png)"
LINK = "[链](javascript:alert(1))"
TAG = f"<b>B</b><a href=//{HOSTILE_HOST}>a</a>"
IMG_TAG = f'<img src="//{HOSTILE_HOST}/t.png">'
FORMULA = f'=HYPERLINK("//{HOSTILE_HOST}","核实")'
AT_FORMULA = "@SUM(1+1)*cmd|' /C calc'!A0"
PLUS_FORMULA = "+1+1"
MINUS_FORMULA = "-2+3"

HOSTILE_TEXTS = (IMG, LINK, TAG, IMG_TAG, FORMULA, AT_FORMULA, PLUS_FORMULA, MINUS_FORMULA)


def _town(name: str) -> str:
    return f"**{name}**{IMG}"


def county_rows() -> dict[str, list[dict]]:
    villages = [(VILLAGE_A1, f"<b>东村</b>{IMG}"), (VILLAGE_A2, f"西村{LINK}"), (VILLAGE_B1, f"北村{IMG_TAG}")]
    helpers = [
        {"帮扶责任人编号": 1, "姓名": f"<i>赵</i>{IMG}", "联系电话": "13800001111", "工作单位": f"**单位**{LINK}{TAG}",
         "负责乡镇区划代码": TOWN_A},
        {"帮扶责任人编号": 2, "姓名": FORMULA, "联系电话": "13800002222", "工作单位": AT_FORMULA,
         "负责乡镇区划代码": TOWN_B},
    ]
    households, members, incomes, factors, warnings, measures, visits = [], [], [], [], [], [], []
    heads = [f"<b>张</b>{IMG}", FORMULA, f"李{LINK}", AT_FORMULA, PLUS_FORMULA, f"王{IMG_TAG}"]
    for i, head in enumerate(heads):
        code = f"H{i + 1:03d}"
        village = (VILLAGE_A1, VILLAGE_A2, VILLAGE_B1)[i % 3]
        monitored = i < 4
        households.append({
            "户编号": code, "行政村区划代码": village, "户类型": "脱贫户" if i % 2 == 0 else "一般农户",
            "监测对象类别": ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户", "脱贫不稳定户")[i] if monitored else None,
            "识别纳入监测日期": date(2026, 1, 10 + i) if monitored else None,
            "帮扶责任人编号": 1 if village != VILLAGE_B1 else 2, "最近一次信息更新日期": date(2026, 5, 1),
        })
        members.append({"户编号": code, "姓名": head, "身份证号": person_id(COUNTY, date(1970, 3, 1 + i), i),
                        "联系电话": f"1390000{i:04d}", "性别": "男", "出生日期": date(1970, 3, 1 + i),
                        "与户主关系": "户主", "劳动技能": "普通劳动力", "务工状况": "县内务工",
                        "是否参加基本医疗保险": "是", "健康状况": "患有大病" if i == 0 else "健康",
                        "残疾等级": 2 if i == 1 else None})
        members.append({"户编号": code, "姓名": f"{LINK}配偶", "身份证号": person_id(COUNTY, date(1972, 4, 1 + i), 100 + i,
                                                                                 male=False),
                        "性别": "女", "出生日期": date(1972, 4, 1 + i), "与户主关系": "配偶", "劳动技能": "弱劳动力或半劳动力",
                        "务工状况": "未务工", "是否参加基本医疗保险": "是", "健康状况": "长期慢性病"})
        incomes.append({"户编号": code, "年度": 2025, "家庭人均纯收入（元）": 4800 + 900 * i,
                        "家庭纯收入（元）": 2 * (4800 + 900 * i), "刚性支出（元）": 3000})
        warnings.append({"户编号": code, "线索来源": "干部排查", "预警级别": ("红色预警", "橙色预警", "黄色预警")[i % 3],
                         "线索产生日期": date(2026, 1, 2 + i) if monitored else date(2026, 6, 1 + i),
                         "研判结果": "纳入监测" if monitored else None,
                         "研判日期": date(2026, 1, 10 + i) if monitored else None})
        if monitored:
            factors.append({"户编号": code, "风险类型": ("因病", "因残", "因务工就业不稳", "因学")[i],
                            "风险识别日期": date(2026, 1, 10 + i)})
            measures.append({"户编号": code, "政策工具": ("医疗救助", "低保", "公益性岗位", "教育资助")[i],
                             "责任部门": "<b>部门</b>", "措施登记日期": date(2026, 2, 1), "计划完成日期": date(2026, 4, 1),
                             "帮扶金额（元）": 1000 + i})
            visits.append({"户编号": code, "帮扶责任人编号": 1 if village != VILLAGE_B1 else 2,
                           "走访日期": date(2026, 5, 20 + i), "走访类型": "帮扶责任人走访",
                           "走访记录": (f"<script>alert(1)</script>{IMG}", FORMULA, f"{LINK}{TAG}{IMG_TAG}", AT_FORMULA)[i]})
    warnings.append({"户编号": "H005", "线索来源": "民政部门预警", "预警级别": "红色预警", "线索产生日期": date(2026, 5, 1),
                     "研判结果": "不予纳入", "研判日期": date(2026, 5, 9), "不予纳入原因": f"{FORMULA}{TAG}",
                     "预警解除日期": date(2026, 5, 9)})
    projects = [
        {"项目编号": "P001", "项目名称": f"<b>项目</b>{IMG}", "实施村区划代码": VILLAGE_A1, "项目类别": "产业发展",
         "资金年度": 2026, "衔接资金预算（元）": 500000, "完工批次": "第一批", "计划完工日期": date(2026, 10, 31)},
        {"项目编号": "P002", "项目名称": FORMULA, "实施村区划代码": VILLAGE_B1, "项目类别": "基础设施",
         "资金年度": 2026, "衔接资金预算（元）": 300000, "完工批次": "第二批", "计划完工日期": date(2026, 11, 30)},
    ]
    payments = [{"项目编号": "P001", "支付日期": date(2026, 4, 1), "支付金额（元）": 200000},
                {"项目编号": "P002", "支付日期": date(2026, 5, 1), "支付金额（元）": 50000}]
    facts = [{"行政村区划代码": v, "统计期末日期": date(2026, 6, 30), "农村户数": 100, "通自来水户数": 96,
              "规模化供水工程覆盖户数": 86, "供水有保障户数": 97, "集中供水户数": 91, "村卫生室是否达标": "是",
              "村卫生室是否公有产权": "是", "有劳动能力人数": 50, "务工就业人数": 36, "困难人员人数": 10,
              "困难人员参保人数": 10, "生活不能自理特困人员人数": 4, "特困集中供养人数": 3}
             for v, _ in villages]
    rows = {
        "县": [{"县级区划代码": COUNTY, "县名称": f"<b>恶意县</b>{IMG}", "所属省份": LINK}],
        "乡镇": [{"乡镇区划代码": TOWN_A, "乡镇名称": _town("甲镇")}, {"乡镇区划代码": TOWN_B, "乡镇名称": f"乙镇{FORMULA}"}],
        "行政村": [{"行政村区划代码": c, "行政村名称": n} for c, n in villages],
        "帮扶责任人": helpers,
        "农户": households,
        "家庭成员": members,
        "年度收入": incomes,
        "风险因子": factors,
        "预警线索": warnings,
        "帮扶措施": measures,
        "走访记录": visits,
        "帮扶项目": projects,
        "项目支付": payments,
        "村级行业数据": facts,
        # the case workflow: a step, 交办 and a finding carrying hostile unit names, team and note
        "识别环节": [{"户编号": "H005", "线索产生日期": date(2026, 6, 5), "环节": "实地核查", "完成日期": date(2026, 6, 7),
                  "经办单位": f"<b>村委会</b>{IMG}", "结果": "通过"}],
        "网上交办": [{"户编号": "H001", "线索产生日期": date(2026, 1, 2), "交办日期": date(2026, 1, 11), "承办对象": "行业部门",
                  "承办单位": f"{LINK}{TAG}"},
                 {"户编号": "H002", "线索产生日期": date(2026, 1, 3), "交办日期": date(2026, 1, 12), "承办对象": "帮扶责任人",
                  "承办单位": FORMULA, "帮扶责任人编号": 1}],
        "整改问题": [{"问题编号": "ZG-1", "巡查日期": date(2026, 4, 1), "巡查组": TAG, "行政村区划代码": VILLAGE_A1,
                  "问题类别": "漏评", "整改责任单位": f"{IMG}单位", "整改时限": date(2026, 5, 1), "整改状态": "整改中",
                  "问题描述及整改佐证": f"{LINK}{IMG_TAG}"}],
        "监测范围": [{"年度": 2025, "监测范围（元/人·年）": 7000, "依据": f"省文件{LINK}"},
                 {"年度": 2026, "监测范围（元/人·年）": 7200, "依据": FORMULA}],
    }
    return located(rows)


def located(rows: dict) -> dict:
    """Map positions and township boundaries, so that 巡查选点's map (and its HTML tooltip) draws every
    hostile area name."""
    for i, r in enumerate(rows["乡镇"]):
        x, y = 112.0 + 0.2 * i, 28.0
        r["中心点经度"], r["中心点纬度"] = x + 0.1, y + 0.1
        r["乡镇边界GeoJSON"] = json.dumps({"type": "Polygon", "coordinates": [
            [[x, y], [x + 0.2, y], [x + 0.2, y + 0.2], [x, y + 0.2], [x, y]]]})
    for i, r in enumerate(rows["行政村"]):
        r["中心点经度"], r["中心点纬度"] = 112.05 + 0.1 * i, 28.05
    return rows


def build_hostile(engine, tmp_path: Path):
    """Write the hostile county in the template format and import it into `engine` (a writable engine)."""
    book = write_book(tmp_path / "恶意县台账.xlsx", county_rows())
    return import_county(engine, book, as_of=AS_OF)


def hostile_database(engine, tmp_path: Path) -> None:
    """Create the schema on the writable `engine` and import the hostile county into it. The dashboard reads
    it through another URL (on PostgreSQL a SELECT-only role: the ``dashboard_url`` fixture)."""
    from queries.schema import metadata

    metadata.create_all(engine)
    build_hostile(engine, tmp_path)


PASSWORD = "hostile-pass-1"
USERS = [("county", "county", None), ("township", "township", TOWN_A), ("inspector", "inspector", None),
         ("admin", "admin", None)]


def hostile_users(path: Path) -> Path:
    """A users file with real (non-demo) accounts: the hostile county is not a demo database, so demo accounts
    are refused."""
    from dashboard.security.users import add_user

    for name, role, town in USERS:
        add_user(path, name, PASSWORD, role, town)
    return path
