"""Code lists and their Chinese labels: the one place they live.

The database stores short codes; everything a user sees goes through these tables.
Sources: DOMAIN.md and seeds 000 附件9, 001, 003.
"""

HOUSEHOLD_TYPES = {"tp": "脱贫户", "yb": "一般农户"}

# 监测对象类别 (000 附件9 二(一))
AREA_UNITS = {"county": "县（市、区）", "township": "乡镇", "village": "村"}   # the levels areas are listed by

MONITOR_CATEGORIES = {
    "unstable": "脱贫不稳定户",
    "marginal": "边缘易致贫户",
    "sudden": "突发严重困难户",
}

# 分级预警: the seeds say "graded" without defining grades; see queries/grading.py.
WARNING_LEVELS = {"red": "红色预警", "orange": "橙色预警", "yellow": "黄色预警"}
LEVEL_COLORS = {"red": "#D7263D", "orange": "#F28C28", "yellow": "#F2C14E"}

LEAD_SOURCES = {
    "self": "农户自主申报",
    "hotline": "12317热线",
    "cadre": "干部排查",
    "medical": "医保部门预警",
    "civil": "民政部门预警",
    "disabled": "残联部门预警",
    "education": "教育部门预警",
    "housing": "住建部门预警",
    "hr": "人社部门预警",
    "emergency": "应急部门预警",
    "health": "卫健部门预警",
    "agriculture": "农业农村部门预警",
    "property": "房产部门预警",
    "traffic": "交警部门预警",
    "hospital": "医院预警",
    "rural": "乡村振兴部门预警",
}
# the departments that push alerts (部门筛查预警; 001 names 教育、卫健、医保、民政、住建、人社、农业、房产、交警、医院、
# 应急、乡村振兴, 000 附件9 残联); such a lead may carry the date of the event it reports (warnings.event_date)
DEPARTMENT_SOURCES = {"medical", "civil", "disabled", "education", "housing", "hr", "emergency", "health",
                      "agriculture", "property", "traffic", "hospital", "rural"}

LEAD_DECISIONS = {"identified": "纳入监测", "dismissed": "不予纳入"}

# 风险因子 (000 附件9 二(二), 001 四): type -> (label, group)
FACTOR_GROUPS = {"income": "收入因子", "expense": "支出因子", "accident": "意外因子", "other": "其他"}
FACTOR_TYPES = {
    "industry": ("因产业项目失败", "income"),
    "work": ("因务工就业不稳", "income"),
    "labour": ("因缺劳动力", "income"),
    "illness": ("因病", "expense"),
    "disability": ("因残", "expense"),
    "school": ("因学", "expense"),
    "housing": ("住房安全", "expense"),
    "disaster": ("因灾", "accident"),
    "accident": ("因意外事故", "accident"),
    "other": ("其他", "other"),
}
HEALTH_FACTOR_TYPES = ("illness", "disability")  # these factor types tell a health or disability fact
DISASTER_KINDS = {
    "flood": "洪涝灾害",
    "geologic": "地质灾害",
    "drought": "干旱灾害",
    "biologic": "生物灾害",
    "weather": "气象灾害",
    "earthquake": "地震灾害",
    "other": "其他灾害",
}

# 帮扶政策工具 (000 附件9 二(六), 附件4/5/8): tool -> (label, group, department)
TOOL_GROUPS = {
    "basic": "两不愁基本生活",
    "guarantee": "三保障及饮水",
    "industry": "产业帮扶",
    "employment": "就业帮扶",
    "social": "社会帮扶及特惠",
}
TOOLS = {
    "dibao": ("低保", "basic", "民政局"),
    "tekun": ("特困供养", "basic", "民政局"),
    "temp_relief": ("临时救助", "basic", "民政局"),
    "social_aid": ("社会帮扶", "basic", "乡村振兴局"),
    "edu_aid": ("教育资助", "guarantee", "教育局"),
    "med_insurance": ("医保参保资助", "guarantee", "医保局"),
    "med_relief": ("医疗救助", "guarantee", "医保局"),
    "housing_repair": ("危房改造", "guarantee", "住建局"),
    "water_project": ("饮水工程", "guarantee", "水利局"),
    "industry_subsidy": ("产业奖补", "industry", "农业农村局"),
    "dividend": ("入股分红", "industry", "农业农村局"),
    "microcredit": ("小额信贷", "industry", "金融办"),
    "public_job": ("公益性岗位", "employment", "人社局"),
    "transfer_job": ("转移就业", "employment", "人社局"),
    "training": ("技能培训", "employment", "人社局"),
    "workshop": ("帮扶车间", "employment", "人社局"),
    "charity": ("慈善帮扶", "social", "慈善总会"),
    "poverty_insurance": ("防贫保", "social", "乡村振兴局"),
    "village_flex": ("村级灵活措施", "social", "村委会"),
}

# The six policy-tool groups of 000 附件9 二(六), a second way to report the same tools. 附件9 names no
# group for industry and employment support, so those tools stay in a seventh, labelled "not listed";
# 自我尽责 (the household's own effort) is judged, not granted, so no tool belongs to it today.
POLICY_TOOL_GROUPS = {
    "two_worries": "“两不愁”政策工具",
    "three_guarantees": "“三保障”政策工具",
    "social": "社会性政策工具",
    "special_insurance": "特惠保措施",
    "informal": "非规范性措施",
    "self_duty": "自我尽责工具",
    "unlisted": "附件9未列（产业、就业帮扶）",
}
POLICY_TOOL_GROUP = {
    "dibao": "two_worries", "tekun": "two_worries", "temp_relief": "two_worries", "social_aid": "two_worries",
    "edu_aid": "three_guarantees", "med_insurance": "three_guarantees", "med_relief": "three_guarantees",
    "housing_repair": "three_guarantees", "water_project": "three_guarantees",
    "charity": "social", "poverty_insurance": "special_insurance", "village_flex": "informal",
    "industry_subsidy": "unlisted", "dividend": "unlisted", "microcredit": "unlisted", "public_job": "unlisted",
    "transfer_job": "unlisted", "training": "unlisted", "workshop": "unlisted",
}

# Which tools answer which factor ("应帮尽帮" gap check). A household with an open factor
# and none of these measures is a factor-to-tool gap.
FACTOR_TOOL_MATCH = {
    "industry": {"industry_subsidy", "dividend", "microcredit", "training"},
    "work": {"public_job", "transfer_job", "training", "workshop"},
    "labour": {"dibao", "tekun", "public_job", "dividend", "social_aid"},
    "illness": {"med_insurance", "med_relief", "poverty_insurance", "temp_relief"},
    "disability": {"dibao", "temp_relief", "public_job", "social_aid"},
    "school": {"edu_aid"},
    "housing": {"housing_repair"},
    "disaster": {"temp_relief", "housing_repair", "poverty_insurance", "charity"},
    "accident": {"temp_relief", "poverty_insurance", "med_relief", "charity"},
    "other": set(TOOLS),
}

# 农户核查 (household_checks): 住房安全鉴定 A/B/C/D (C, D unsafe), 危房改造, 饮水水源
HOUSE_GRADES = {"A": "A级（安全）", "B": "B级（基本安全）", "C": "C级（局部危房）", "D": "D级（整栋危房）"}
UNSAFE_HOUSE_GRADES = ("C", "D")
HOUSE_REPAIR = {"none": "未改造", "in_progress": "改造中", "done": "已改造"}
WATER_SOURCES = {"central": "集中供水", "scattered": "分散供水"}
# the four standards of 农村饮水安全评价 (水质、水量、用水方便程度、供水保证率): failing any one is unsafe water
WATER_STANDARDS = {"water_quality": "水质", "water_quantity": "水量", "water_convenience": "用水方便程度",
                   "water_reliability": "供水保证率"}

RELATIONS = {"head": "户主", "spouse": "配偶", "child": "子女", "parent": "父母", "grandchild": "孙子女", "other": "其他"}
GENDERS = {"M": "男", "F": "女"}
LABOUR = {
    "normal": "普通劳动力",
    "skilled": "技能劳动力",
    "weak": "弱劳动力或半劳动力",
    "lost": "丧失劳动力",
    "none": "无劳动力",
}
LABOUR_CAPABLE = {"normal", "skilled", "weak"}
EMPLOYMENT = {
    "none": "未务工",
    "in_county": "县内务工",
    "in_province": "省内县外务工",
    "out_province": "省外务工",
    "public_job": "公益性岗位",
}
HEALTH = {"healthy": "健康", "chronic": "长期慢性病", "serious": "患有大病", "disabled": "残疾"}
SCHOOL_STAGES = {
    "preschool": "学前教育",
    "primary": "小学",
    "junior": "初中",
    "senior": "普通高中",
    "vocational": "中职",
    "college": "高等教育",
}
NEGATIVE_FACTORS = {
    "gambling": "赌博",
    "drugs": "吸毒",
    "theft": "偷盗",
    "fraud": "诈骗",
    "idle": "懒惰",
    "extravagance": "高消费",
}
VISITOR_KINDS = {"helper": "帮扶责任人走访", "cadre": "村干部走访", "township": "乡镇干部走访"}
PROJECT_CATEGORIES = {
    "industry": "产业发展",
    "infrastructure": "基础设施",
    "employment": "就业增收",
    "public_service": "公共服务",
}
PERIODS = {"month": "月度", "quarter": "季度"}

# -- the case workflow (000 附件9 二(三)(四)) -----------------------------------------------------------
# the steps of a lead's identification in their order: code -> (name, level holding the case at that step);
# how many of the 15 days each may take is a county's choice (config/policy.toml [step_days])
LEAD_STEPS = {
    "field_check": ("实地核查", "village"),
    "dept_check": ("部门比对", "village"),
    "pledge": ("签订承诺书", "village"),
    "village_review": ("村级初核", "village"),
    "township_review": ("乡镇复核", "township"),
    "county_review": ("县级审定", "county"),
}
REVIEW_LEVELS = {"village": "村级（支村两委）", "township": "乡镇", "county": "县级主管部门"}
STEP_RESULTS = {"pass": "通过", "fail": "不通过", "returned": "退回补充"}
ASSIGNEE_KINDS = {"helper": "帮扶责任人", "village": "村", "township": "乡镇", "department": "行业部门"}
FEEDBACK_RESULTS = {"done": "已办结", "partial": "部分办结", "unable": "无法办结"}
# problem categories of inspection findings (回头看 check list, DOMAIN.md "What inspections check"; 001 四)
FINDING_CATEGORIES = {
    "missed": "漏评",
    "wrong_exit": "错退",
    "paper_exit": "数字消除",
    "aid_not_done": "帮扶措施不落实",
    "no_visit": "未按时走访",
    "housing": "住房保障不到位",
    "water": "饮水保障不到位",
    "education": "教育保障不到位",
    "medical": "医疗保障不到位",
    "project_late": "项目未按期完成",
    "fund_late": "资金未及时拨付",
    "records": "档案资料不一致",
    "other": "其他",
}
FINDING_STATUSES = {"open": "整改中", "closed": "已整改"}

# -- 诚信 (000 附件7 二(一)、(四), 附件9 二(七)) ---------------------------------------------------------------
# the 13 kinds of personal 失信 behaviour of 附件7 二(一), in its order (a household's record names one)
DISHONESTY_KINDS = {
    "false_report": "不如实按要求报告个人相关信息",
    "no_support": "不孝老爱亲，不履行赡养义务",
    "village_rules": "不主动履行《村规民约》所规定义务",
    "unlawful": "有赌博、吸毒、偷盗、诈骗等不良行为",
    "false_claim": "弄虚作假，虚报冒领扶贫资金",
    "loan_default": "有偿还能力而不履行小额信贷欠款还款义务",
    "petition": "无理上访、缠访、闹访",
    "favouritism": "优亲厚友，徇私舞弊",
    "seizure": "蛮不讲理，侵占霸占个人集体公私财物",
    "extravagance": "有与自身能力不相称的高消费行为",
    "refuse_exit": "完全达到脱贫条件但不愿意脱贫",
    "bad_influence": "个人不当行为给脱贫攻坚造成不良负面影响",
    "other": "其他违反社会公德、社会秩序以及违规违法行为",
}
# 失信联合惩戒 for a household (附件7 二(四)1, 附件9 二(七)2); one effect per record
DISHONESTY_EFFECTS = {
    "revoke_monitoring": "取消监测资格",
    "revoke_aid": "取消帮扶",
    "recover_gains": "收缴收益",
    "special_list": "纳入特殊名单",
}


def label(codes: dict, code, default: str = "未知") -> str:
    """Chinese label for a code, tolerant of unknown codes and NULLs in the data."""
    if code is None:
        return "—"
    value = codes.get(code, default)
    return value[0] if isinstance(value, tuple) else value


def factor_group(factor_type: str) -> str:
    return FACTOR_TYPES[factor_type][1]


def tool_group(tool: str) -> str:
    return TOOLS[tool][1]
