"""The import template: one sheet per table, its Chinese headers, value kinds, code lists and natural keys.

Built from queries/schema.py (lengths, NOT NULL, column comments) and queries/codes.py (code lists).
Everything else in the importer - the template workbook, the reader, the validator, the writer, the
exporter and the README's key table - reads this one description.

Update rules (see ``SheetSpec.rule``):
* keyed sheets are upserted by their natural key (``key``); a column missing from the sheet leaves that
  field of existing rows unchanged;
* a household's child sheets (members, income, factors, warnings, measures, visits) and a project's
  payments are *replaced*: for every household (project) in the import, the rows in the file become its
  rows. Surrogate ids are reused (members by ID number, other rows in order), so re-importing the same
  file changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from queries import codes, schema


def _labels(mapping: dict) -> dict[str, str]:
    """code -> Chinese label, for code lists whose values are (label, ...) tuples too."""
    return {k: (v[0] if isinstance(v, tuple) else v) for k, v in mapping.items()}


def _indicators() -> dict[str, str]:
    from queries.targets import INDICATORS
    return {i.key: i.name for i in INDICATORS}


def _rate_indicators() -> set[str]:
    from queries.targets import INDICATORS
    return {i.key for i in INDICATORS if i.is_rate}


@dataclass(frozen=True)
class CodeList:
    title: str                      # 代码表名称 (data dictionary)
    labels: dict[str, str]          # code -> Chinese label
    aliases: dict[str, str] = field(default_factory=dict)  # extra accepted text -> code


@dataclass(frozen=True)
class Col:
    key: str                 # field of the record: a db column, or "household_code" / "project_code"
    header: str              # Chinese header in the template
    kind: str                # text name code area enum int money number ratio date bool id_number phone json scope
    required: bool = False
    codes: CodeList | None = None
    length: int | None = None        # exact number of digits (area codes)
    max_len: int | None = None
    lo: float | None = None
    hi: float | None = None
    default: object = None           # value for a blank cell (NOT NULL columns with a default)
    aliases: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class SheetSpec:
    name: str                        # sheet name in the workbook
    table: sa.Table
    columns: tuple[Col, ...]
    key: tuple[str, ...]             # natural key, as record fields
    rule: str                        # how a re-import updates (Chinese, for 填写说明 and README)
    parent: str | None = None        # "households" / "projects": a replaced child table
    aliases: tuple[str, ...] = ()
    # columns a visit packet fills in ahead (queries/packets.py): a row with nothing else is an unused form row
    prefilled: tuple[str, ...] = ()

    @property
    def table_name(self) -> str:
        return self.table.name

    def col(self, key: str) -> Col:
        return next(c for c in self.columns if c.key == key)

    @property
    def key_headers(self) -> str:
        return " + ".join(self.col(k).header for k in self.key) if self.key else "—"


def _comment(table: sa.Table, column: str) -> str:
    return table.c[column].comment or ""


def C(table: sa.Table, column: str, header: str, kind: str, **kw) -> Col:
    """A column that fills ``table.column``: max length, NOT NULL and the note come from the schema."""
    c = table.c[column]
    if "max_len" not in kw and isinstance(c.type, sa.String) and c.type.length:
        kw["max_len"] = c.type.length
    if "required" not in kw:
        kw["required"] = not c.nullable and c.default is None
    if "default" not in kw and c.default is not None and c.default.is_scalar:
        kw["default"] = c.default.arg
    kw.setdefault("note", _comment(table, column))
    return Col(column, header, kind, **kw)


def CL(title: str, mapping: dict, **aliases) -> CodeList:
    return CodeList(title, _labels(mapping), dict(aliases.get("extra", {})))


# --- code lists --------------------------------------------------------------------------------------

HOUSEHOLD_TYPES = CL("户类型", codes.HOUSEHOLD_TYPES, extra={"脱贫": "tp", "一般户": "yb", "农户": "yb"})
MONITOR_CATEGORIES = CL("监测对象类别", codes.MONITOR_CATEGORIES,
                        extra={"脱贫不稳定": "unstable", "边缘易致贫": "marginal", "突发严重困难": "sudden",
                               "突发困难户": "sudden", "边缘户": "marginal"})
NEGATIVE_FACTORS = CL("负面清单情形", codes.NEGATIVE_FACTORS)
GENDERS = CL("性别", codes.GENDERS, extra={"男性": "M", "女性": "F"})
RELATIONS = CL("与户主关系", codes.RELATIONS, extra={"本人": "head", "妻": "spouse", "夫": "spouse", "之子": "child",
                                                 "之女": "child", "儿子": "child", "女儿": "child", "父亲": "parent",
                                                 "母亲": "parent", "孙子": "grandchild", "孙女": "grandchild"})
LABOUR = CL("劳动技能", codes.LABOUR, extra={"普通劳动": "normal", "技能劳动": "skilled", "弱劳动力": "weak",
                                         "半劳动力": "weak", "丧失劳动": "lost", "无劳动能力": "none"})
EMPLOYMENT = CL("务工状况", codes.EMPLOYMENT, extra={"公益岗": "public_job", "省外": "out_province",
                                                 "省内县外": "in_province", "县内": "in_county"})
SCHOOL_STAGES = CL("在校阶段", codes.SCHOOL_STAGES, extra={"学前": "preschool", "高中": "senior", "中职（中专）": "vocational",
                                                      "中专": "vocational", "大学": "college", "大专": "college"})
HEALTH = CL("健康状况", codes.HEALTH, extra={"慢性病": "chronic", "大病": "serious"})
FACTOR_GROUPS = CL("因子大类", codes.FACTOR_GROUPS, extra={"收入": "income", "支出": "expense", "意外": "accident"})
FACTOR_TYPES = CL("风险类型", codes.FACTOR_TYPES,
                  extra={"因产业失败": "industry", "因务工不稳": "work", "务工就业不稳": "work", "缺劳动力": "labour",
                         "因住房": "housing", "住房安全问题": "housing", "因意外": "accident", "意外事故": "accident"})
DISASTER_KINDS = CL("灾害类别", codes.DISASTER_KINDS,
                    extra={"洪涝": "flood", "地质": "geologic", "干旱": "drought", "生物": "biologic", "气象": "weather",
                           "地震": "earthquake"})
LEAD_SOURCES = CL("线索来源", codes.LEAD_SOURCES,
                  extra={"自主申报": "self", "农户申报": "self", "热线": "hotline", "12317": "hotline",
                         "医保": "medical", "民政": "civil", "残联": "disabled", "教育": "education", "住建": "housing",
                         "人社": "hr", "应急": "emergency", "卫健": "health", "卫健委": "health", "卫生健康": "health",
                         "医保局": "medical", "民政局": "civil", "教育局": "education", "住建局": "housing",
                         "人社局": "hr", "应急局": "emergency", "农业": "agriculture", "农业农村": "agriculture",
                         "农业农村局": "agriculture", "房产": "property", "房管": "property", "不动产": "property",
                         "交警": "traffic", "公安交警": "traffic", "医院": "hospital", "乡村振兴": "rural",
                         "乡村振兴局": "rural", "乡村振兴部门": "rural"})
WARNING_LEVELS = CL("预警级别", codes.WARNING_LEVELS,
                    extra={"红": "red", "红色": "red", "橙": "orange", "橙色": "orange", "黄": "yellow", "黄色": "yellow"})
LEAD_DECISIONS = CL("研判结果", codes.LEAD_DECISIONS, extra={"已纳入": "identified", "纳入": "identified",
                                                        "不纳入": "dismissed", "未纳入": "dismissed"})
TOOL_GROUPS = CL("政策工具大类", codes.TOOL_GROUPS, extra={"两不愁": "basic", "三保障": "guarantee",
                                                      "产业": "industry", "就业": "employment", "社会帮扶": "social"})
TOOLS = CL("政策工具", codes.TOOLS, extra={"扶贫车间": "workshop", "雨露计划": "edu_aid", "先行救助": "temp_relief",
                                       "公益岗": "public_job"})
VISITOR_KINDS = CL("走访类型", codes.VISITOR_KINDS,
                   extra={"帮扶责任人": "helper", "村干部": "cadre", "乡镇干部": "township"})
PROJECT_CATEGORIES = CL("项目类别", codes.PROJECT_CATEGORIES, extra={"产业": "industry", "基础设施建设": "infrastructure",
                                                                "就业": "employment", "公共服务类": "public_service"})
BATCHES = CodeList("完工批次", {"1": "第一批（10月底前）", "2": "其余（11月底前）"}, {"第一批": "1", "第二批": "2", "其余": "2"})
HOUSE_GRADES = CL("住房安全鉴定等级", codes.HOUSE_GRADES,
                  extra={"A级": "A", "B级": "B", "C级": "C", "D级": "D"})
HOUSE_REPAIR = CL("危房改造状态", codes.HOUSE_REPAIR, extra={"改造完成": "done", "已完成": "done", "在建": "in_progress",
                                                         "正在改造": "in_progress", "未开工": "none"})
WATER_SOURCES = CL("饮水水源", codes.WATER_SOURCES, extra={"集中": "central", "集中式供水": "central", "分散": "scattered",
                                                        "分散式供水": "scattered", "手压井": "scattered", "水窖": "scattered"})
TARGET_SCOPES = CodeList("适用范围", {"county": "全县"}, {"全县统一": "county", "县": "county"})
LEAD_STEPS = CL("识别环节", codes.LEAD_STEPS, extra={"核查": "field_check", "入户核查": "field_check",
                                                 "信息比对": "dept_check", "部门信息核查比对": "dept_check",
                                                 "承诺书": "pledge", "签订承诺书": "pledge", "村初核": "village_review",
                                                 "支村两委初步核查": "village_review", "乡镇审核": "township_review",
                                                 "县级审核": "county_review", "县审定": "county_review"})
STEP_RESULTS = CL("环节结果", codes.STEP_RESULTS, extra={"属实": "pass", "同意": "pass", "一致": "pass",
                                                     "不属实": "fail", "不同意": "fail", "不一致": "fail", "退回": "returned"})
ASSIGNEE_KINDS = CL("承办对象", codes.ASSIGNEE_KINDS, extra={"责任人": "helper", "部门": "department",
                                                        "村委会": "village", "乡镇政府": "township"})
FEEDBACK_RESULTS = CL("反馈结果", codes.FEEDBACK_RESULTS, extra={"办结": "done", "已完成": "done",
                                                           "部分完成": "partial", "无法办理": "unable"})
FINDING_CATEGORIES = CL("问题类别", codes.FINDING_CATEGORIES, extra={"数字脱贫": "paper_exit", "虚假消除": "paper_exit",
                                                             "措施不落实": "aid_not_done", "走访不到位": "no_visit",
                                                             "档案不一致": "records"})
FINDING_STATUSES = CL("整改状态", codes.FINDING_STATUSES, extra={"未整改": "open", "整改完成": "closed", "已完成": "closed"})
DISHONESTY_KINDS = CL("失信行为", codes.DISHONESTY_KINDS,
                      extra={"不如实报告信息": "false_report", "不履行赡养义务": "no_support", "不履行村规民约": "village_rules",
                             "赌博": "unlawful", "吸毒": "unlawful", "偷盗": "unlawful", "诈骗": "unlawful",
                             "赌博吸毒偷盗诈骗": "unlawful", "虚报冒领扶贫资金": "false_claim",
                             "有能力不还小额信贷": "loan_default", "不还小额信贷": "loan_default",
                             "无理缠访闹访": "petition", "缠访闹访": "petition", "优亲厚友": "favouritism",
                             "侵占霸占财物": "seizure", "高消费": "extravagance", "与能力不相称的高消费": "extravagance",
                             "达到条件不愿脱贫": "refuse_exit", "不愿脱贫": "refuse_exit", "造成不良负面影响": "bad_influence",
                             "其他": "other"})
DISHONESTY_EFFECTS = CL("惩戒措施", codes.DISHONESTY_EFFECTS,
                        extra={"取消监测管理资格": "revoke_monitoring", "取消各种政策帮扶": "revoke_aid",
                               "取消政策帮扶": "revoke_aid", "收缴所得收益": "recover_gains",
                               "纳入不诚信特殊名单": "special_list", "不诚信特殊名单": "special_list"})

CODE_LISTS = [HOUSEHOLD_TYPES, MONITOR_CATEGORIES, NEGATIVE_FACTORS, GENDERS, RELATIONS, LABOUR, EMPLOYMENT,
              SCHOOL_STAGES, HEALTH, FACTOR_GROUPS, FACTOR_TYPES, DISASTER_KINDS, LEAD_SOURCES, WARNING_LEVELS,
              LEAD_DECISIONS, TOOL_GROUPS, TOOLS, VISITOR_KINDS, PROJECT_CATEGORIES, BATCHES, HOUSE_GRADES, HOUSE_REPAIR,
              WATER_SOURCES, TARGET_SCOPES, LEAD_STEPS, STEP_RESULTS, ASSIGNEE_KINDS, FEEDBACK_RESULTS,
              FINDING_CATEGORIES, FINDING_STATUSES, DISHONESTY_KINDS, DISHONESTY_EFFECTS]


def indicator_codes() -> CodeList:
    return CodeList("考核指标", _indicators())


# --- shared columns ----------------------------------------------------------------------------------

def HH(note="户编号：须已在「农户」表或数据库中") -> Col:
    return Col("household_code", "户编号", "code", required=True, max_len=20,
               aliases=("户编码", "农户编号", "户码", "户号"), note=note)


AREA_ALIASES = {
    6: ("县代码", "县区划代码", "县级代码"),
    9: ("乡镇代码", "乡镇区划代码", "乡镇编码", "乡（镇）代码"),
    12: ("行政村代码", "村代码", "村区划代码", "村编码", "行政村编码"),
}

REPLACE_HH = "按户替换：本次导入涉及的每一户（「农户」表中的户，以及本表中出现的户），其原有记录全部换成文件中的记录"
UPSERT = "按{key}更新：已有的更新（文件中没有的列保持不变），没有的新增"

s = schema
_SHEETS: list[SheetSpec] | None = None


def sheets() -> list[SheetSpec]:
    """All sheets in dependency order (parents first)."""
    global _SHEETS
    if _SHEETS is None:
        _SHEETS = _build()
    return _SHEETS


def _build() -> list[SheetSpec]:
    from queries.policy import policy
    spending_max = float(policy()["import_bounds"]["spending_yuan"])   # a larger spending is a typing error
    t = s.county
    county = SheetSpec("县", t, (
        C(t, "code", "县级区划代码", "area", length=6, aliases=AREA_ALIASES[6]),
        C(t, "name", "县名称", "text", aliases=("县名", "县（市、区）")),
        C(t, "province", "所属省份", "text", aliases=("省份", "省")),
    ), key=("code",), rule=UPSERT.format(key="县级区划代码"), aliases=("county", "县信息"))

    t = s.townships
    townships = SheetSpec("乡镇", t, (
        C(t, "code", "乡镇区划代码", "area", length=9, aliases=AREA_ALIASES[9]),
        C(t, "county_code", "县级区划代码", "area", length=6, required=False, aliases=AREA_ALIASES[6],
          note="县级区划代码；空=取乡镇代码前6位"),
        C(t, "name", "乡镇名称", "text", aliases=("乡镇（街道）名称", "乡镇（街道）", "乡镇")),
        C(t, "boundary_geojson", "乡镇边界GeoJSON", "json", aliases=("乡镇边界", "边界")),
        C(t, "centroid_lon", "中心点经度", "number", lo=-180, hi=180, aliases=("经度",)),
        C(t, "centroid_lat", "中心点纬度", "number", lo=-90, hi=90, aliases=("纬度",)),
    ), key=("code",), rule=UPSERT.format(key="乡镇区划代码"), aliases=("townships", "乡镇（街道）", "乡镇街道"))

    t = s.villages
    villages = SheetSpec("行政村", t, (
        C(t, "code", "行政村区划代码", "area", length=12, aliases=AREA_ALIASES[12]),
        C(t, "township_code", "乡镇区划代码", "area", length=9, required=False, aliases=AREA_ALIASES[9],
          note="乡镇区划代码；空=取村代码前9位"),
        C(t, "name", "行政村名称", "text", aliases=("行政村（社区）名称", "村名称", "行政村", "村名")),
        C(t, "centroid_lon", "中心点经度", "number", lo=-180, hi=180, aliases=("经度",)),
        C(t, "centroid_lat", "中心点纬度", "number", lo=-90, hi=90, aliases=("纬度",)),
    ), key=("code",), rule=UPSERT.format(key="行政村区划代码"), aliases=("villages", "行政村（社区）", "村"))

    t = s.helpers
    helpers = SheetSpec("帮扶责任人", t, (
        C(t, "id", "帮扶责任人编号", "int", required=True, lo=1, hi=2**31 - 1, aliases=("责任人编号", "编号"),
          note="帮扶责任人编号（县内唯一的正整数，农户表和走访表按此引用）"),
        C(t, "name", "姓名", "name", aliases=("帮扶责任人姓名", "责任人姓名")),
        C(t, "phone", "联系电话", "phone", aliases=("电话", "手机号", "手机号码")),
        C(t, "unit", "工作单位", "text", aliases=("单位",)),
        C(t, "township_code", "负责乡镇区划代码", "area", length=9, aliases=("负责乡镇",) + AREA_ALIASES[9]),
    ), key=("id",), rule=UPSERT.format(key="帮扶责任人编号"), aliases=("helpers", "帮扶责任人名单"))

    t = s.households
    households = SheetSpec("农户", t, (
        C(t, "code", "户编号", "code", aliases=("户编码", "农户编号", "户码", "户号")),
        C(t, "village_code", "行政村区划代码", "area", length=12, aliases=AREA_ALIASES[12]),
        C(t, "hh_type", "户类型", "enum", codes=HOUSEHOLD_TYPES, aliases=("农户类型", "户类别")),
        C(t, "monitor_category", "监测对象类别", "enum", codes=MONITOR_CATEGORIES, aliases=("监测类别", "监测对象类型")),
        C(t, "identified_date", "识别纳入监测日期", "date", aliases=("纳入监测日期", "识别日期", "纳入监测时间")),
        C(t, "eliminated_date", "风险消除日期", "date", aliases=("消除风险日期", "风险消除时间")),
        C(t, "assistance_only", "是否兜底保障户", "bool", aliases=("兜底保障户", "是否兜底户")),
        C(t, "helper_id", "帮扶责任人编号", "int", lo=1, hi=2**31 - 1, aliases=("责任人编号",),
          note="帮扶责任人编号：须已在「帮扶责任人」表或数据库中"),
        C(t, "negative_factor", "负面清单情形", "enum", codes=NEGATIVE_FACTORS, aliases=("负面清单",)),
        C(t, "updated_date", "最近一次信息更新日期", "date", aliases=("信息更新日期", "更新日期")),
    ), key=("code",), rule=UPSERT.format(key="户编号") + "；从不删除农户", aliases=("households", "农户信息", "户信息", "监测户"))

    t = s.members
    members = SheetSpec("家庭成员", t, (
        HH(),
        C(t, "name", "姓名", "name", aliases=("成员姓名",)),
        C(t, "id_number", "身份证号", "id_number", required=True,
          aliases=("身份证号码", "证件号码", "公民身份号码", "身份证件号码"),
          note="身份证号（18位，GB 11643 校验位；成员的唯一标识）"),
        C(t, "phone", "联系电话", "phone", aliases=("电话", "手机号", "手机号码")),
        C(t, "gender", "性别", "enum", codes=GENDERS),
        C(t, "birth_date", "出生日期", "date", aliases=("出生年月日",)),
        C(t, "relation", "与户主关系", "enum", codes=RELATIONS, aliases=("与户主的关系",)),
        C(t, "labour", "劳动技能", "enum", codes=LABOUR, aliases=("劳动能力",)),
        C(t, "employment", "务工状况", "enum", codes=EMPLOYMENT, aliases=("务工情况", "就业状况")),
        C(t, "is_student", "是否在校生", "bool", aliases=("在校生",)),
        C(t, "school_stage", "在校阶段", "enum", codes=SCHOOL_STAGES, aliases=("在校生状况", "就读阶段")),
        C(t, "dropout", "是否义务教育阶段辍学", "bool", aliases=("是否辍学", "辍学")),
        C(t, "insured", "是否参加基本医疗保险", "bool", aliases=("是否参加城乡居民基本医疗保险", "是否参保", "参保")),
        C(t, "disability_level", "残疾等级", "int", lo=1, hi=4, aliases=("残疾级别",)),
        C(t, "health", "健康状况", "enum", codes=HEALTH),
    ), key=("id_number",), parent="households", aliases=("members", "成员信息", "家庭成员信息", "人口信息"),
        rule=REPLACE_HH + "；成员按身份证号识别（同一身份证号保留原成员ID）")

    t = s.household_income
    income = SheetSpec("年度收入", t, (
        HH(),
        C(t, "year", "年度", "int", lo=2000, hi=2100, aliases=("收入年度",)),
        C(t, "per_capita_income", "家庭人均纯收入（元）", "money", aliases=("人均纯收入",)),
        C(t, "total_income", "家庭纯收入（元）", "money", aliases=("家庭纯收入", "家庭年纯收入")),
        C(t, "rigid_expense", "刚性支出（元）", "money", aliases=("刚性支出",)),
        C(t, "medical_self_paid", "自负医疗费（元）", "money", lo=0, hi=spending_max, aliases=("自负医疗费", "自付医疗费")),
        C(t, "school_cost", "教育支出（元）", "money", lo=0, hi=spending_max, aliases=("教育支出", "就学支出")),
    ), key=("household_code", "year"), parent="households", aliases=("household_income", "收入信息", "农户年度收入"),
        rule=REPLACE_HH + "（每户每年一行）")

    t = s.risk_factors
    factors = SheetSpec("风险因子", t, (
        HH(),
        C(t, "factor_group", "因子大类", "enum", codes=FACTOR_GROUPS, required=False,
          note="因子大类；空=按风险类型自动确定"),
        C(t, "factor_type", "风险类型", "enum", codes=FACTOR_TYPES, aliases=("风险因子", "致贫返贫风险", "风险类别")),
        C(t, "disaster_kind", "灾害类别", "enum", codes=DISASTER_KINDS, aliases=("灾害类型",)),
        C(t, "identified_date", "风险识别日期", "date", aliases=("识别日期",)),
        C(t, "resolved_date", "风险消除日期", "date", aliases=("消除日期",)),
    ), key=(), parent="households", aliases=("risk_factors", "致贫返贫风险因子", "风险"), rule=REPLACE_HH)

    t = s.warnings
    warnings = SheetSpec("预警线索", t, (
        HH(),
        C(t, "source", "线索来源", "enum", codes=LEAD_SOURCES, aliases=("来源",)),
        C(t, "event_date", "事件发生日期", "date", aliases=("事件日期", "发生日期")),
        C(t, "level", "预警级别", "enum", codes=WARNING_LEVELS, aliases=("预警等级",)),
        C(t, "raised_date", "线索产生日期", "date", aliases=("预警日期", "预警发出日期", "线索日期")),
        C(t, "decision", "研判结果", "enum", codes=LEAD_DECISIONS, note="研判结果；空=待研判"),
        C(t, "decision_date", "研判日期", "date"),
        C(t, "dismiss_reason", "不予纳入原因", "text", aliases=("不纳入原因",)),
        C(t, "closed_date", "预警解除日期", "date", aliases=("解除日期",)),
    ), key=(), parent="households", aliases=("warnings", "预警", "线索", "预警信息"), rule=REPLACE_HH)

    t = s.aid_measures
    measures = SheetSpec("帮扶措施", t, (
        HH(),
        C(t, "tool_group", "政策工具大类", "enum", codes=TOOL_GROUPS, required=False,
          note="政策工具大类；空=按政策工具自动确定"),
        C(t, "tool", "政策工具", "enum", codes=TOOLS, aliases=("帮扶措施", "措施名称", "帮扶措施类型")),
        C(t, "department", "责任部门", "text", note="责任部门；空=按政策工具取默认部门"),
        C(t, "registered_date", "措施登记日期", "date", aliases=("登记日期",)),
        C(t, "planned_date", "计划完成日期", "date"),
        C(t, "completed_date", "实际完成日期", "date", aliases=("完成日期",)),
        C(t, "amount", "帮扶金额（元）", "money", aliases=("帮扶金额", "金额")),
    ), key=(), parent="households", aliases=("aid_measures", "措施", "帮扶措施信息"), rule=REPLACE_HH)

    t = s.visits
    visits = SheetSpec("走访记录", t, (
        HH(),
        C(t, "helper_id", "帮扶责任人编号", "int", lo=1, hi=2**31 - 1, aliases=("走访人编号", "责任人编号"),
          note="走访人（帮扶责任人编号）：须已在「帮扶责任人」表或数据库中"),
        C(t, "visit_date", "走访日期", "date", aliases=("走访时间",)),
        C(t, "visitor_kind", "走访类型", "enum", codes=VISITOR_KINDS),
        C(t, "note", "走访记录", "text", aliases=("走访情况", "走访内容", "备注")),
    ), key=(), parent="households", aliases=("visits", "走访", "走访情况"), rule=REPLACE_HH)

    t = s.household_checks
    checks = SheetSpec("农户核查", t, (
        HH(),
        C(t, "checked_on", "核查日期", "date", aliases=("核查时间",), note="核查日期：不得晚于数据截至日期"),
        C(t, "house_grade", "住房安全鉴定等级", "enum", codes=HOUSE_GRADES, aliases=("鉴定等级", "房屋鉴定等级", "住房鉴定等级")),
        C(t, "house_repair", "危房改造状态", "enum", codes=HOUSE_REPAIR, aliases=("改造状态", "危房改造")),
        C(t, "water_source", "饮水水源", "enum", codes=WATER_SOURCES, aliases=("水源", "供水方式")),
        C(t, "tap_water", "自来水是否入户", "bool", aliases=("自来水入户", "是否通自来水")),
        C(t, "water_quality", "水质是否达标", "bool", aliases=("水质",)),
        C(t, "water_quantity", "水量是否达标", "bool", aliases=("水量",)),
        C(t, "water_convenience", "用水方便程度是否达标", "bool", aliases=("用水方便", "用水方便程度")),
        C(t, "water_reliability", "供水保证率是否达标", "bool", aliases=("供水保证率",)),
        C(t, "food_clothing", "不愁吃不愁穿是否有保障", "bool", aliases=("不愁吃不愁穿", "吃穿保障", "两不愁")),
        C(t, "dibao", "是否低保户", "bool", aliases=("低保户",)),
        C(t, "tekun", "是否特困供养户", "bool", aliases=("特困户", "是否特困户", "特困供养户")),
        C(t, "elderly_alone", "是否独居老人户", "bool", aliases=("独居老人户", "独居老人")),
    ), key=(), parent="households", aliases=("household_checks", "两不愁三保障核查", "农户核查信息", "核查"),
        rule=REPLACE_HH)

    t = s.projects
    projects = SheetSpec("帮扶项目", t, (
        C(t, "code", "项目编号", "code", aliases=("项目编码", "项目代码")),
        C(t, "name", "项目名称", "text"),
        C(t, "township_code", "实施乡镇区划代码", "area", length=9, required=False,
          aliases=("实施乡镇",) + AREA_ALIASES[9], note="实施乡镇区划代码；空=取实施村所在乡镇"),
        C(t, "village_code", "实施村区划代码", "area", length=12, aliases=("实施村",) + AREA_ALIASES[12]),
        C(t, "category", "项目类别", "enum", codes=PROJECT_CATEGORIES, aliases=("项目类型",)),
        C(t, "year", "资金年度", "int", lo=2000, hi=2100, aliases=("年度",)),
        C(t, "budget", "衔接资金预算（元）", "money", aliases=("衔接资金预算", "预算", "项目预算（元）")),
        C(t, "batch", "完工批次", "enum", codes=BATCHES, aliases=("批次",)),
        C(t, "planned_completion", "计划完工日期", "date"),
        C(t, "actual_completion", "实际完工日期", "date", aliases=("完工日期",)),
        C(t, "jobs_driven", "带动就业人数", "int", lo=0, hi=10**6, aliases=("吸纳带动就业人数", "带动就业")),
    ), key=("code",), rule=UPSERT.format(key="项目编号"), aliases=("projects", "项目", "项目库"))

    t = s.project_payments
    payments = SheetSpec("项目支付", t, (
        Col("project_code", "项目编号", "code", required=True, max_len=20, aliases=("项目编码", "项目代码"),
            note="项目编号：须已在「帮扶项目」表或数据库中"),
        C(t, "pay_date", "支付日期", "date", aliases=("拨付日期",)),
        C(t, "amount", "支付金额（元）", "money", aliases=("支付金额", "拨付金额", "金额")),
    ), key=(), parent="projects", aliases=("project_payments", "资金支付", "项目资金支付", "支付"),
        rule="按项目替换：本次导入涉及的每个项目（「帮扶项目」表中的项目，以及本表中出现的项目），其原有支付记录全部换成文件中的记录")

    t = s.village_facts
    vf_int = dict(lo=0, hi=10**7)
    facts = SheetSpec("村级行业数据", t, (
        C(t, "village_code", "行政村区划代码", "area", length=12, aliases=AREA_ALIASES[12]),
        C(t, "period_end", "统计期末日期", "date", aliases=("统计期末", "统计日期", "期末日期")),
        C(t, "rural_households", "农村户数", "int", **vf_int),
        C(t, "tap_water_households", "通自来水户数", "int", **vf_int),
        C(t, "large_scale_households", "规模化供水工程覆盖户数", "int", **vf_int, aliases=("规模化供水户数",)),
        C(t, "reliable_supply_households", "供水有保障户数", "int", **vf_int),
        C(t, "centralized_households", "集中供水户数", "int", **vf_int),
        C(t, "clinic_standard", "村卫生室是否达标", "bool", aliases=("村卫生室标准化达标", "卫生室是否达标")),
        C(t, "clinic_public", "村卫生室是否公有产权", "bool", aliases=("卫生室是否公有产权",)),
        C(t, "labour_people", "有劳动能力人数", "int", **vf_int, aliases=("有劳动能力的脱贫人口和监测对象人数",)),
        C(t, "employed_people", "务工就业人数", "int", **vf_int, aliases=("其中务工就业人数",)),
        C(t, "difficult_people", "困难人员人数", "int", **vf_int),
        C(t, "insured_difficult_people", "困难人员参保人数", "int", **vf_int, aliases=("其中参保人数",)),
        C(t, "tekun_need_care", "生活不能自理特困人员人数", "int", **vf_int),
        C(t, "tekun_centralized", "特困集中供养人数", "int", **vf_int, aliases=("其中集中供养人数",)),
        C(t, "resident_people", "应参保城乡居民人数", "int", **vf_int, aliases=("应参保人数", "城乡居民人数")),
        C(t, "insured_residents", "城乡居民参保人数", "int", **vf_int, aliases=("其中已参保人数", "已参保人数")),
    ), key=("village_code", "period_end"), rule=UPSERT.format(key="行政村区划代码+统计期末日期"),
        aliases=("village_facts", "行业数据", "村级数据"))

    t = s.township_facts
    town_facts = SheetSpec("乡镇行业数据", t, (
        C(t, "township_code", "乡镇区划代码", "area", length=9, aliases=AREA_ALIASES[9]),
        C(t, "period_end", "统计期末日期", "date", aliases=("统计期末", "统计日期", "期末日期")),
        C(t, "health_centre_standard", "乡镇卫生院是否达标", "bool",
          aliases=("乡镇卫生院标准化达标", "卫生院是否达标", "乡镇卫生院是否达到标准化建设标准")),
    ), key=("township_code", "period_end"), rule=UPSERT.format(key="乡镇区划代码+统计期末日期"),
        aliases=("township_facts", "乡镇数据", "乡镇卫生院"))

    t = s.enterprise_pairings
    pairings = SheetSpec("强企帮村", t, (
        C(t, "enterprise", "帮扶企业名称", "text", aliases=("企业名称", "帮扶企业", "企业")),
        C(t, "village_code", "行政村区划代码", "area", length=12, aliases=("结对村代码",) + AREA_ALIASES[12]),
        C(t, "signed_date", "结对日期", "date", aliases=("结对时间", "签约日期")),
        C(t, "ended_date", "解除结对日期", "date", aliases=("解除日期", "结对结束日期")),
        C(t, "content", "帮扶内容", "text", aliases=("帮扶方式",)),
    ), key=("enterprise", "village_code"), rule=UPSERT.format(key="帮扶企业名称+行政村区划代码"),
        aliases=("enterprise_pairings", "强企帮村结对", "企业结对帮扶"))

    t = s.targets
    targets = SheetSpec("目标考核", t, (
        C(t, "indicator", "考核指标", "enum", codes=indicator_codes(), aliases=("指标", "指标代码", "指标名称")),
        C(t, "year", "考核年度", "int", lo=2000, hi=2100, aliases=("年度",)),
        C(t, "scope", "适用范围", "scope", codes=TARGET_SCOPES, aliases=("范围",), note="适用范围：全县（本文件所属的县），6位县级区划代码，或乡镇区划代码（该乡镇单独设定）"),
        C(t, "value", "目标值", "ratio", note="目标值：比率填0-1小数或百分数（如 95%），计数指标填个数"),
        C(t, "deadline", "考核截止日期", "date", aliases=("截止日期",)),
    ), key=("indicator", "year", "scope"), rule=UPSERT.format(key="考核指标+考核年度+适用范围"),
        aliases=("targets", "目标", "考核目标"))

    t = s.monitoring_lines
    lines = SheetSpec("监测范围", t, (
        C(t, "year", "年度", "int", lo=2000, hi=2100),
        C(t, "yuan", "监测范围（元/人·年）", "money", lo=1, aliases=("监测范围", "监测线", "收入线")),
        C(t, "note", "依据", "text", aliases=("文件依据",)),
    ), key=("year",), rule=UPSERT.format(key="年度"), aliases=("monitoring_lines", "监测线", "收入线"))

    lead = ("线索产生日期", "预警日期", "预警发出日期", "线索日期")
    t = s.lead_steps
    steps = SheetSpec("识别环节", t, (
        HH(),
        C(t, "raised_date", "线索产生日期", "date", aliases=lead,
          note="所属预警线索的线索产生日期：该户须有这一天产生的预警线索（「预警线索」表或数据库中）"),
        C(t, "step", "环节", "enum", codes=LEAD_STEPS, aliases=("识别环节", "环节名称")),
        C(t, "done_date", "完成日期", "date", aliases=("环节完成日期", "办理日期")),
        C(t, "unit", "经办单位", "text", aliases=("办理单位", "审核单位")),
        C(t, "departments", "比对部门", "text", aliases=("核查比对部门",)),
        C(t, "result", "结果", "enum", codes=STEP_RESULTS, aliases=("环节结果", "核查结果", "审核结果")),
    ), key=(), parent="households", aliases=("lead_steps", "流程环节", "识别流程"), rule=REPLACE_HH)

    t = s.assignments
    assigned = SheetSpec("网上交办", t, (
        HH(),
        C(t, "raised_date", "线索产生日期", "date", aliases=lead,
          note="所属预警线索的线索产生日期：该户须有这一天产生的预警线索（「预警线索」表或数据库中）"),
        C(t, "assigned_date", "交办日期", "date", aliases=("交办时间",)),
        C(t, "assignee_kind", "承办对象", "enum", codes=ASSIGNEE_KINDS, aliases=("承办对象类型", "交办对象")),
        C(t, "unit", "承办单位", "text", aliases=("交办单位", "责任单位")),
        C(t, "helper_id", "帮扶责任人编号", "int", lo=1, hi=2**31 - 1, aliases=("责任人编号",),
          note="承办的帮扶责任人编号（承办对象为帮扶责任人时必填）：须已在「帮扶责任人」表或数据库中"),
        C(t, "due_date", "办结时限", "date", aliases=("办结时限日期", "办结期限"),
          note="办结时限日期；空=交办日期加该预警级别的办结时限（默认红色3天、橙色7天、黄色15天）"),
        C(t, "feedback_date", "反馈日期", "date", aliases=("办结日期", "反馈时间")),
        C(t, "feedback_result", "反馈结果", "enum", codes=FEEDBACK_RESULTS, aliases=("办理结果", "办结情况")),
    ), key=(), parent="households", aliases=("assignments", "交办", "交办记录"), rule=REPLACE_HH + "（一条预警可有多次交办）")

    t = s.findings
    found = SheetSpec("整改问题", t, (
        C(t, "code", "问题编号", "code", aliases=("问题编码", "序号编号")),
        C(t, "inspected_on", "巡查日期", "date", aliases=("发现日期", "检查日期")),
        C(t, "team", "巡查组", "text", aliases=("检查组",)),
        C(t, "village_code", "行政村区划代码", "area", length=12, aliases=AREA_ALIASES[12]),
        Col("household_code", "户编号", "code", max_len=20, aliases=("户编码", "农户编号", "户码", "户号"),
            note="问题涉及的户编号（空=村级问题）：须已在「农户」表或数据库中，且在该行政村"),
        C(t, "category", "问题类别", "enum", codes=FINDING_CATEGORIES, aliases=("问题类型",)),
        C(t, "responsible_unit", "整改责任单位", "text", aliases=("责任单位",)),
        C(t, "due_date", "整改时限", "date", aliases=("整改期限", "整改时限日期")),
        C(t, "status", "整改状态", "enum", codes=FINDING_STATUSES, aliases=("状态",)),
        C(t, "closed_date", "整改完成日期", "date", aliases=("完成日期", "销号日期")),
        C(t, "note", "问题描述及整改佐证", "text", aliases=("问题描述", "整改佐证", "备注")),
    ), key=("code",), rule=UPSERT.format(key="问题编号") + "；只预填了问题编号和村的空行（入户核查表所附）跳过",
        aliases=("findings", "问题台账", "整改台账"), prefilled=("code", "village_code"))

    t = s.dishonesty_records
    dishonesty = SheetSpec("失信记录", t, (
        HH(),
        C(t, "kind", "失信行为", "enum", codes=DISHONESTY_KINDS, aliases=("失信行为表现", "失信类型", "失信情形")),
        C(t, "recorded_date", "认定日期", "date", aliases=("失信认定日期", "列入日期", "记录日期"),
          note="认定日期（列入失信记录的日期）：不得晚于数据截至日期"),
        C(t, "effect", "惩戒措施", "enum", codes=DISHONESTY_EFFECTS, aliases=("联合惩戒措施", "惩戒")),
        C(t, "unit", "认定单位", "text", aliases=("认定部门",)),
        C(t, "repaired_date", "信用修复日期", "date", aliases=("修复日期",),
          note="信用修复日期（空=未修复）：不得早于认定日期，不得晚于数据截至日期"),
        C(t, "repair_unit", "修复审批单位", "text", aliases=("信用修复单位", "修复单位")),
        C(t, "note", "失信情况说明", "text", aliases=("情况说明", "备注")),
    ), key=(), parent="households", aliases=("dishonesty_records", "失信", "失信名单", "诚信记录"), rule=REPLACE_HH)

    return [county, townships, villages, helpers, households, members, income, factors, warnings, measures,
            visits, checks, steps, assigned, projects, payments, facts, town_facts, pairings, targets, lines, found,
            dishonesty]


def by_table() -> dict[str, SheetSpec]:
    return {sp.table_name: sp for sp in sheets()}


RATE_INDICATORS = _rate_indicators

# sheets of our own workbooks that are never data
NON_DATA_SHEETS = {"填写说明", "数据字典", "错误汇总", "说明"}

_WS = re.compile(r"\s+")


def norm_header(text) -> str:
    """Header text compared loosely: half-width, no spaces, no required-marks, lower case."""
    import unicodedata
    if text is None:
        return ""
    s_ = unicodedata.normalize("NFKC", str(text))
    s_ = _WS.sub("", s_).strip("*＊★☆").lower()
    s_ = s_.replace("(必填)", "").replace("必填", "") if "必填" in s_ else s_
    return s_


def header_forms(col: Col) -> set[str]:
    """Every normalized header text that names ``col``."""
    forms = {col.header, col.key, *col.aliases}
    out = set()
    for f in forms:
        n = norm_header(f)
        out.add(n)
        bare = re.sub(r"\(.*?\)$", "", n)   # "帮扶金额(元)" -> "帮扶金额"
        if bare:
            out.add(bare)
    return out
