"""The monitoring database schema (SQLAlchemy Core), portable between SQLite and PostgreSQL.

Every column carries its Chinese name in ``comment`` ("中文名：说明"); the data dictionary
(docs/DATA_DICTIONARY.md) is generated from it: ``python -m queries.schema > docs/DATA_DICTIONARY.md``.
Codes are explained in queries/codes.py.
"""

import sqlalchemy as sa

SCHEMA_VERSION = "7"  # 3: derived columns and precomputed results (seed/derive.py), indexes that use them
# 4: warnings.closed_on, the day a lead is closed (解除) whatever column records it
# 5: household_checks (两不愁三保障 and water per household), spending in household_income, warnings.event_date;
#    the case workflow: lead_steps (识别环节), assignments (网上交办), findings (巡查问题整改)
# 6: the count targets' facts: township_facts (乡镇卫生院), enterprise_pairings (强企帮村), projects.jobs_driven,
#    village_facts.resident_people / insured_residents (城乡居民参保)
# 7: dishonesty_records (失信记录 and 信用修复, 000 附件7): a database of version 6 lacks the table the 户情 page reads

metadata = sa.MetaData()

Money = sa.Numeric(14, 2, asdecimal=False)


def col(name, type_, comment, *args, **kw):
    return sa.Column(name, type_, *args, comment=comment, **kw)


PERSONAL_KINDS = ("name", "id_number", "phone", "health", "factor", "note")


def personal(name, type_, comment, kind, *args, **kw):
    """A column holding personal data: ``info["personal"]`` is its kind, one of PERSONAL_KINDS (name, ID
    number, phone, health or disability fact, risk-factor type (因病/因残 are health facts), free-text note).
    The dashboard masks every result column
    shown from such a column for viewers who may not see that kind (queries/privacy.py); this mark is the
    only list of personal data."""
    assert kind in PERSONAL_KINDS, kind
    return sa.Column(name, type_, *args, comment=comment, info={"personal": kind}, **kw)


def derived(name, type_, comment, *args, **kw):
    """A column computed from other columns after every load or import (seed/derive.py), never written
    by loaders themselves."""
    return sa.Column(name, type_, *args, comment="派生：" + comment, info={"derived": True}, **kw)


meta = sa.Table(
    "meta", metadata,
    col("key", sa.String(40), "键", primary_key=True),
    col("value", sa.Text, "值：schema_version 结构版本, as_of 数据截至日期, is_demo 是否演示库, seed 随机种子, city_name 市名称（多县库）"),
    comment="数据库元信息",
)

county = sa.Table(
    "county", metadata,
    col("code", sa.String(6), "县级区划代码（6位）", primary_key=True),
    col("name", sa.String(40), "县名称", nullable=False),
    col("province", sa.String(40), "所属省份"),
    comment="县（市、区）：一个县的库一行；市级库每县一行，乡镇、村、户的区划代码以所属县代码开头",
)

townships = sa.Table(
    "townships", metadata,
    col("code", sa.String(9), "乡镇区划代码（9位：县6位+乡镇3位）", primary_key=True),
    col("county_code", sa.String(6), "县级区划代码", sa.ForeignKey("county.code"), nullable=False),
    col("name", sa.String(40), "乡镇（街道）名称", nullable=False),
    col("boundary_geojson", sa.Text, "乡镇边界（GeoJSON Polygon，经纬度）"),
    col("centroid_lon", sa.Float, "中心点经度"),
    col("centroid_lat", sa.Float, "中心点纬度"),
    comment="乡镇（街道）",
)

villages = sa.Table(
    "villages", metadata,
    col("code", sa.String(12), "行政村区划代码（12位统计用区划代码）", primary_key=True),
    col("township_code", sa.String(9), "乡镇区划代码", sa.ForeignKey("townships.code"), nullable=False),
    col("name", sa.String(40), "行政村（社区）名称", nullable=False),
    col("centroid_lon", sa.Float, "中心点经度"),
    col("centroid_lat", sa.Float, "中心点纬度"),
    derived("household_count", sa.Integer, "系统内农户数（装载/导入后计算，供每百户指标的分母）",
        nullable=False, default=0, server_default="0"),
    sa.Index("ix_villages_township", "township_code"),
    comment="行政村（社区）",
)

helpers = sa.Table(
    "helpers", metadata,
    col("id", sa.Integer, "帮扶责任人ID", primary_key=True),
    personal("name", sa.String(40), "姓名（个人信息）", "name", nullable=False),
    personal("phone", sa.String(20), "联系电话（个人信息）", "phone"),
    col("unit", sa.String(80), "工作单位"),
    col("township_code", sa.String(9), "负责乡镇", sa.ForeignKey("townships.code")),
    comment="帮扶责任人",
)

households = sa.Table(
    "households", metadata,
    col("id", sa.Integer, "农户ID", primary_key=True),
    col("code", sa.String(20), "户编号（村代码12位+顺序号）", nullable=False, unique=True),
    col("village_code", sa.String(12), "行政村区划代码", sa.ForeignKey("villages.code"), nullable=False),
    col("township_code", sa.String(9), "乡镇区划代码（冗余，便于按乡镇汇总与权限过滤）",
        sa.ForeignKey("townships.code"), nullable=False),
    col("hh_type", sa.String(8), "户类型：tp 脱贫户 / yb 一般农户", nullable=False),
    col("monitor_category", sa.String(12),
        "监测对象类别：unstable 脱贫不稳定户 / marginal 边缘易致贫户 / sudden 突发严重困难户；空=从未纳入监测"),
    col("identified_date", sa.Date, "识别纳入监测日期"),
    col("eliminated_date", sa.Date, "风险消除日期（空=未消除）"),
    col("assistance_only", sa.Boolean, "是否兜底保障户（兜底户一般不标注风险消除）", nullable=False, default=False),
    col("helper_id", sa.Integer, "帮扶责任人ID", sa.ForeignKey("helpers.id")),
    personal("negative_factor", sa.String(16), "负面清单情形（赌博、吸毒等，空=无；个人行为信息，对巡查组脱敏）", "note"),
    col("updated_date", sa.Date, "最近一次信息更新日期"),
    sa.Index("ix_households_township_village", "township_code", "village_code"),
    # covers the monitored-household counts by area (no table lookups for the ~9% of households monitored)
    sa.Index("ix_households_monitor", "monitor_category", "identified_date", "eliminated_date", "township_code",
             "village_code", "helper_id", "id"),
    sa.Index("ix_households_helper", "helper_id"),
    comment="农户（脱贫户与一般农户；监测对象为其中已识别纳入监测者）",
)

members = sa.Table(
    "members", metadata,
    col("id", sa.Integer, "成员ID", primary_key=True),
    col("household_id", sa.Integer, "农户ID", sa.ForeignKey("households.id"), nullable=False),
    personal("name", sa.String(40), "姓名（个人信息）", "name", nullable=False),
    personal("id_number", sa.String(18), "身份证号（个人信息，18位，GB 11643）", "id_number"),
    personal("phone", sa.String(20), "联系电话（个人信息）", "phone"),
    col("gender", sa.String(1), "性别：M 男 / F 女"),
    col("birth_date", sa.Date, "出生日期（年龄按截至日期计算）"),
    col("relation", sa.String(12), "与户主关系"),
    col("labour", sa.String(10), "劳动技能：normal 普通 / skilled 技能 / weak 弱或半劳动力 / lost 丧失 / none 无"),
    col("employment", sa.String(14), "务工状况：none 未务工 / in_county 县内 / in_province 省内县外 / out_province 省外 / public_job 公益岗"),
    col("is_student", sa.Boolean, "是否在校生", nullable=False, default=False),
    col("school_stage", sa.String(12), "在校阶段"),
    col("dropout", sa.Boolean, "是否义务教育阶段辍学", nullable=False, default=False),
    col("insured", sa.Boolean, "是否参加基本医疗保险", nullable=False, default=True),
    personal("disability_level", sa.Integer, "残疾等级（1-4级，空=无残疾；健康信息）", "health"),
    personal("health", sa.String(10), "健康状况（健康信息）：healthy 健康 / chronic 长期慢性病 / serious 大病 / disabled 残疾",
             "health"),
    # Derived once per load or import (seed/derive.py), not per page view: checking 6.5 million ID
    # numbers' GB 11643 check character or grouping them for duplicates takes seconds each time.
    derived("id_invalid", sa.Boolean, "身份证号无效（非18位、含非法字符或校验码不符；装载/导入后计算）",
        nullable=False, default=False, server_default=sa.false()),
    derived("id_duplicate", sa.Boolean, "身份证号与其他成员重复（装载/导入后计算）",
        nullable=False, default=False, server_default=sa.false()),
    sa.Index("ix_members_household", "household_id"),
    sa.Index("ix_members_id_number", "id_number"),
    sa.Index("ix_members_birth", "birth_date"),
    comment="家庭成员",
)

# Partial indexes over the few members the quality rules and targets look for, not millions of rows.
# Built from the typed columns so the index's WHERE is written exactly as the queries write it
# (SQLite uses a partial index only when the query's condition matches its own term for term).
for _name, _cond in (("invalid_id", members.c.id_invalid == sa.true()), ("duplicate_id", members.c.id_duplicate == sa.true()),
                     ("dropout", members.c.dropout == sa.true()), ("uninsured", sa.not_(members.c.insured))):
    sa.Index(f"ix_members_{_name}", members.c.household_id, sqlite_where=_cond, postgresql_where=_cond)
sa.Index("ix_members_student", members.c.school_stage, members.c.birth_date,
         sqlite_where=members.c.is_student == sa.true(), postgresql_where=members.c.is_student == sa.true())

household_income = sa.Table(
    "household_income", metadata,
    col("household_id", sa.Integer, "农户ID", sa.ForeignKey("households.id"), primary_key=True),
    col("year", sa.Integer, "年度", primary_key=True),
    col("per_capita_income", Money, "家庭人均纯收入（元/人·年）"),
    col("total_income", Money, "家庭纯收入（元/年）"),
    col("rigid_expense", Money, "刚性支出（医疗、教育等，元/年）"),
    # the two rigid spendings the seeds name (001: 扣除报销、救助后自负医疗费; 因学), per household and year like
    # the income they are set against; 自负医疗费 tells that someone in the household is ill
    personal("medical_self_paid", Money, "自负医疗费（扣除各类报销、救助后，元/年；健康信息）", "health"),
    col("school_cost", Money, "教育支出（在校生学杂、生活费用，元/年）"),
    # finds the incomes below a year's monitoring line without reading every household's every year
    sa.Index("ix_income_year_amount", "year", "per_capita_income"),
    comment="农户年度收入",
)

risk_factors = sa.Table(
    "risk_factors", metadata,
    col("id", sa.Integer, "风险因子记录ID", primary_key=True),
    col("household_id", sa.Integer, "农户ID", sa.ForeignKey("households.id"), nullable=False),
    col("factor_group", sa.String(10), "因子大类：income 收入 / expense 支出 / accident 意外 / other 其他", nullable=False),
    personal("factor_type", sa.String(12), "风险类型（因病、因学、因灾等；因病、因残属健康信息）", "factor", nullable=False),
    col("disaster_kind", sa.String(12), "灾害类别（仅因灾）"),
    col("identified_date", sa.Date, "风险识别日期", nullable=False),
    col("resolved_date", sa.Date, "风险消除日期（空=未消除）"),
    derived("township_code", sa.String(9), "所在乡镇代码（同农户，装载/导入后计算）"),
    derived("village_code", sa.String(12), "所在行政村代码（同农户，装载/导入后计算）"),
    # covering: a monitored household's open factors and their area come from the index alone
    sa.Index("ix_factors_household", "household_id", "identified_date", "resolved_date", "factor_type", "factor_group",
             "township_code", "village_code"),
    sa.Index("ix_factors_type", "factor_type", "identified_date"),
    comment="致贫返贫风险因子",
)

warnings = sa.Table(
    "warnings", metadata,
    col("id", sa.Integer, "预警线索ID", primary_key=True),
    col("household_id", sa.Integer, "农户ID", sa.ForeignKey("households.id"), nullable=False),
    col("source", sa.String(12), "线索来源：农户申报、干部排查、部门预警等", nullable=False),
    col("event_date", sa.Date, "事件发生日期（部门推送的事件，如住院、失业、受灾的日期；空=未填）"),
    col("level", sa.String(8), "预警级别：red 红 / orange 橙 / yellow 黄", nullable=False),
    col("raised_date", sa.Date, "线索产生（预警发出）日期", nullable=False),
    col("decision", sa.String(12), "研判结果：identified 纳入监测 / dismissed 不予纳入；空=待研判"),
    col("decision_date", sa.Date, "研判日期"),
    personal("dismiss_reason", sa.String(80), "不予纳入原因（自由文本，可能含个人信息）", "note"),
    col("closed_date", sa.Date, "预警解除日期（台账所填；空时按研判结论和风险消除推定，见派生列“预警解除日”）"),
    # a lead closes on whichever comes first: its own close date, a 不予纳入 decision, or (纳入监测) its
    # household's risk elimination. A real 台账 often leaves the close date blank; every query uses this.
    derived("closed_on", sa.Date, "预警解除日（预警解除日期、不予纳入的研判日期、纳入监测户的风险消除日期中最早者；"
            "装载/导入后计算）"),
    # the household's area copied onto the lead (seed/derive.py): counting leads by township or village
    # then needs no lookup of 2 million households
    derived("township_code", sa.String(9), "所在乡镇代码（同农户，装载/导入后计算）"),
    derived("village_code", sa.String(12), "所在行政村代码（同农户，装载/导入后计算）"),
    sa.Index("ix_warnings_household", "household_id"),
    # covering: the per-area lead counts read this index only (284k leads at province scale)
    sa.Index("ix_warnings_area", "township_code", "village_code", "raised_date", "level", "decision_date",
             "closed_on"),
    sa.Index("ix_warnings_raised", "raised_date"),
    sa.Index("ix_warnings_open", "decision", "decision_date", "closed_on"),
    comment="预警线索（从线索产生、研判到预警解除）",
)

aid_measures = sa.Table(
    "aid_measures", metadata,
    col("id", sa.Integer, "帮扶措施ID", primary_key=True),
    col("household_id", sa.Integer, "农户ID", sa.ForeignKey("households.id"), nullable=False),
    col("tool_group", sa.String(12), "政策工具大类", nullable=False),
    col("tool", sa.String(20), "政策工具（低保、医疗救助、公益性岗位等）", nullable=False),
    col("department", sa.String(20), "责任部门"),
    col("registered_date", sa.Date, "措施登记日期", nullable=False),
    col("planned_date", sa.Date, "计划完成日期"),
    col("completed_date", sa.Date, "实际完成日期（空=未完成）"),
    col("amount", Money, "帮扶金额（元）"),
    sa.Index("ix_measures_household", "household_id", "registered_date", "tool"),  # covers "has a measure by day d"
    sa.Index("ix_measures_tool", "tool"),
    comment="帮扶措施",
)

visits = sa.Table(
    "visits", metadata,
    col("id", sa.Integer, "走访记录ID", primary_key=True),
    col("household_id", sa.Integer, "农户ID", sa.ForeignKey("households.id"), nullable=False),
    col("helper_id", sa.Integer, "走访人（帮扶责任人ID）", sa.ForeignKey("helpers.id")),
    col("visit_date", sa.Date, "走访日期", nullable=False),
    col("visitor_kind", sa.String(10), "走访类型：helper 帮扶责任人 / cadre 村干部 / township 乡镇干部"),
    personal("note", sa.String(200), "走访记录（自由文本，可能含个人信息）", "note"),
    sa.Index("ix_visits_household_date", "household_id", "visit_date"),
    comment="走访记录",
)

household_checks = sa.Table(
    "household_checks", metadata,
    col("id", sa.Integer, "核查记录ID", primary_key=True),
    col("household_id", sa.Integer, "农户ID", sa.ForeignKey("households.id"), nullable=False),
    col("checked_on", sa.Date, "核查日期", nullable=False),
    col("house_grade", sa.String(1), "住房安全鉴定等级：A / B / C / D（C级、D级为危房）；空=未鉴定"),
    col("house_repair", sa.String(12), "危房改造状态：none 未改造 / in_progress 改造中 / done 已改造；空=无需改造"),
    col("water_source", sa.String(10), "饮水水源：central 集中供水 / scattered 分散供水"),
    col("tap_water", sa.Boolean, "自来水是否入户"),
    col("water_quality", sa.Boolean, "水质是否达标"),
    col("water_quantity", sa.Boolean, "水量是否达标"),
    col("water_convenience", sa.Boolean, "用水方便程度是否达标"),
    col("water_reliability", sa.Boolean, "供水保证率是否达标"),
    col("food_clothing", sa.Boolean, "不愁吃、不愁穿是否有保障"),
    # groups the members and aid records cannot say: 民政's lists and who lives with whom
    col("dibao", sa.Boolean, "是否低保户（民政部门记录）"),
    col("tekun", sa.Boolean, "是否特困供养户（民政部门记录）"),
    col("elderly_alone", sa.Boolean, "是否独居老人户"),
    sa.Index("ix_checks_household_date", "household_id", "checked_on"),
    comment="农户“两不愁三保障”及饮水安全核查（每次核查一行；按截至日期前最近一次核查计）",
)

projects = sa.Table(
    "projects", metadata,
    col("id", sa.Integer, "项目ID", primary_key=True),
    col("code", sa.String(20), "项目编号", nullable=False, unique=True),
    col("name", sa.String(120), "项目名称", nullable=False),
    col("township_code", sa.String(9), "实施乡镇", sa.ForeignKey("townships.code"), nullable=False),
    col("village_code", sa.String(12), "实施村（空=乡镇级项目）", sa.ForeignKey("villages.code")),
    col("category", sa.String(16), "项目类别：industry 产业发展 / infrastructure 基础设施 / employment 就业增收 / public_service 公共服务"),
    col("year", sa.Integer, "资金年度", nullable=False),
    col("budget", Money, "衔接资金预算（元）", nullable=False),
    col("batch", sa.Integer, "完工批次：1 第一批（10月底前）/ 2 其余（11月底前）"),
    col("planned_completion", sa.Date, "计划完工日期"),
    col("actual_completion", sa.Date, "实际完工日期（空=未完工）"),
    col("jobs_driven", sa.Integer, "带动就业人数（产业项目吸纳带动就业的人数；空=未填）"),
    sa.Index("ix_projects_township_year", "township_code", "year"),
    comment="帮扶项目（衔接资金）",
)

project_payments = sa.Table(
    "project_payments", metadata,
    col("id", sa.Integer, "支付记录ID", primary_key=True),
    col("project_id", sa.Integer, "项目ID", sa.ForeignKey("projects.id"), nullable=False),
    col("pay_date", sa.Date, "支付日期", nullable=False),
    col("amount", Money, "支付金额（元）", nullable=False),
    sa.Index("ix_payments_project", "project_id", "pay_date"),
    comment="项目资金支付（用于计算任一截至日期的支出进度）",
)

village_facts = sa.Table(
    "village_facts", metadata,
    col("village_code", sa.String(12), "行政村区划代码", sa.ForeignKey("villages.code"), primary_key=True),
    col("period_end", sa.Date, "统计期末日期（季度末）", primary_key=True),
    col("rural_households", sa.Integer, "农村户数（水利部门口径）"),
    col("tap_water_households", sa.Integer, "通自来水户数"),
    col("large_scale_households", sa.Integer, "规模化供水工程覆盖户数"),
    col("reliable_supply_households", sa.Integer, "供水有保障户数"),
    col("centralized_households", sa.Integer, "集中供水户数"),
    col("clinic_standard", sa.Boolean, "村卫生室是否达到标准化建设标准（卫健部门）"),
    col("clinic_public", sa.Boolean, "村卫生室是否为公有产权"),
    col("labour_people", sa.Integer, "有劳动能力的脱贫人口和监测对象人数（人社部门）"),
    col("employed_people", sa.Integer, "其中务工就业人数"),
    col("difficult_people", sa.Integer, "困难人员人数（特困、低保、监测对象等）"),
    col("insured_difficult_people", sa.Integer, "其中参加基本医疗保险人数"),
    col("tekun_need_care", sa.Integer, "生活不能自理特困人员人数"),
    col("tekun_centralized", sa.Integer, "其中集中供养人数"),
    col("resident_people", sa.Integer, "应参加城乡居民基本医疗保险人数（医保部门）"),
    col("insured_residents", sa.Integer, "其中已参保人数"),
    sa.Index("ix_village_facts_period", "period_end"),
    comment="行政村分期行业数据（供水、卫生室、就业、参保、特困供养）",
)

# 乡镇卫生院 is one per township (000 附件2 二(六)): a township's fact, not a village's
township_facts = sa.Table(
    "township_facts", metadata,
    col("township_code", sa.String(9), "乡镇区划代码", sa.ForeignKey("townships.code"), primary_key=True),
    col("period_end", sa.Date, "统计期末日期（季度末）", primary_key=True),
    col("health_centre_standard", sa.Boolean, "乡镇卫生院是否达到标准化建设标准（卫健部门）"),
    sa.Index("ix_township_facts_period", "period_end"),
    comment="乡镇分期行业数据（乡镇卫生院标准化）",
)

# 强企帮村 (003 二.5 "继续推进“强企帮村”活动，年内帮扶基础薄弱村不少于30个"): one row per enterprise and village
enterprise_pairings = sa.Table(
    "enterprise_pairings", metadata,
    col("enterprise", sa.String(80), "帮扶企业名称", primary_key=True),
    col("village_code", sa.String(12), "结对帮扶的行政村区划代码", sa.ForeignKey("villages.code"), primary_key=True),
    col("township_code", sa.String(9), "行政村所属乡镇区划代码（取行政村代码前9位）", sa.ForeignKey("townships.code"),
        nullable=False),
    col("signed_date", sa.Date, "结对日期", nullable=False),
    col("ended_date", sa.Date, "解除结对日期（空=仍在结对）"),
    col("content", sa.String(120), "帮扶内容（产业、就业、捐赠等）"),
    sa.Index("ix_pairings_area", "township_code", "village_code"),
    comment="强企帮村结对（企业与行政村）",
)

targets = sa.Table(
    "targets", metadata,
    col("indicator", sa.String(24), "考核指标（指标名称或代码，见导入模板的“数据字典”表）", primary_key=True),
    col("year", sa.Integer, "考核年度", primary_key=True),
    col("scope", sa.String(12), "适用范围：6位县级区划代码（该县全县），或9位乡镇区划代码（覆盖所属县的目标）；county 为单县旧库的全县",
        primary_key=True),
    col("value", sa.Float, "目标值（比率为0-1小数，计数为个数）", nullable=False),
    col("deadline", sa.Date, "考核截止日期"),
    comment="目标考核值（按县、年度配置，乡镇可单独设定）",
)

monitoring_lines = sa.Table(
    "monitoring_lines", metadata,
    col("year", sa.Integer, "年度", primary_key=True),
    col("yuan", Money, "监测范围（人均纯收入，元/人·年）", nullable=False),
    col("note", sa.String(120), "依据"),
    comment="年度监测范围（收入线）",
)


inspections = sa.Table(
    "inspections", metadata,
    col("id", sa.Integer, "巡查记录ID", primary_key=True),
    col("village_code", sa.String(12), "被巡查行政村区划代码", sa.ForeignKey("villages.code"), nullable=False),
    col("inspected_on", sa.Date, "巡查日期", nullable=False),
    col("team", sa.String(40), "巡查组（如 县回头看工作组第2组）"),
    col("kind", sa.String(12),
        "巡查类型：review 回头看 / covert 暗访 / evaluation 后评估 / supervision 督查",
        nullable=False),
    col("note", sa.String(200), "巡查发现或备注"),
    sa.Index("ix_inspections_village_date", "village_code", "inspected_on"),
    comment="巡查记录（回头看、暗访、后评估、督查），巡查选点时排除近期已巡查的村",
)


# -- the case workflow (000 附件9 二(三)(四); 001 四): steps of a lead, 网上交办, 整改 --------------------------
# A step and a 交办 name their lead as a 台账 does, by household and 线索产生日期; the lead's id is matched
# after every load or import (seed/derive.py), so replacing a household's leads never leaves them pointing
# at another lead.
lead_steps = sa.Table(
    "lead_steps", metadata,
    col("id", sa.Integer, "环节记录ID", primary_key=True),
    col("household_id", sa.Integer, "农户ID", sa.ForeignKey("households.id"), nullable=False),
    col("raised_date", sa.Date, "所属线索的线索产生日期（与农户一起确定是哪条预警线索）", nullable=False),
    col("step", sa.String(16), "环节：field_check 实地核查 / dept_check 部门比对 / pledge 签订承诺书 / "
        "village_review 村级初核 / township_review 乡镇复核 / county_review 县级审定", nullable=False),
    col("done_date", sa.Date, "完成日期", nullable=False),
    col("unit", sa.String(60), "经办单位（村委会、乡镇、县级主管部门等）"),
    col("departments", sa.String(120), "比对部门（部门比对环节，顿号分隔，如 医保、民政、残联）"),
    col("result", sa.String(10), "结果：pass 通过（属实） / fail 不通过（不属实） / returned 退回补充"),
    derived("warning_id", sa.Integer, "所属预警线索ID（按农户和线索产生日期匹配，同日多条取最小ID；装载/导入后计算）"),
    derived("township_code", sa.String(9), "所在乡镇代码（同农户，装载/导入后计算）"),
    derived("village_code", sa.String(12), "所在行政村代码（同农户，装载/导入后计算）"),
    sa.Index("ix_lead_steps_household", "household_id", "raised_date"),
    sa.Index("ix_lead_steps_area", "township_code", "village_code", "step", "done_date"),
    comment="预警线索识别环节（实地核查、部门比对、承诺书、村级初核、乡镇复核、县级审定）",
)

assignments = sa.Table(
    "assignments", metadata,
    col("id", sa.Integer, "交办记录ID", primary_key=True),
    col("household_id", sa.Integer, "农户ID", sa.ForeignKey("households.id"), nullable=False),
    col("raised_date", sa.Date, "所属线索的线索产生日期（与农户一起确定是哪条预警线索）", nullable=False),
    col("assigned_date", sa.Date, "交办日期", nullable=False),
    col("assignee_kind", sa.String(10), "承办对象：helper 帮扶责任人 / village 村 / township 乡镇 / department 行业部门",
        nullable=False),
    col("unit", sa.String(60), "承办单位（如 城关镇人民政府、县医保局；交帮扶责任人的填其工作单位）", nullable=False),
    col("helper_id", sa.Integer, "承办的帮扶责任人ID（交帮扶责任人时）", sa.ForeignKey("helpers.id")),
    col("due_date", sa.Date, "办结时限日期（空=交办日期加预警级别的办结时限，见 config/policy.toml [assignment_days]）"),
    col("feedback_date", sa.Date, "反馈日期（空=尚未反馈）"),
    col("feedback_result", sa.String(10), "反馈结果：done 已办结 / partial 部分办结 / unable 无法办结（需上级协调）"),
    derived("warning_id", sa.Integer, "所属预警线索ID（按农户和线索产生日期匹配，同日多条取最小ID；装载/导入后计算）"),
    derived("township_code", sa.String(9), "所在乡镇代码（同农户，装载/导入后计算）"),
    derived("village_code", sa.String(12), "所在行政村代码（同农户，装载/导入后计算）"),
    sa.Index("ix_assignments_household", "household_id", "raised_date"),
    sa.Index("ix_assignments_area", "township_code", "village_code", "assigned_date"),
    comment="网上交办（预警发出后交帮扶责任人、村、乡镇或行业部门办理及其反馈；一条预警可多次交办）",
)

findings = sa.Table(
    "findings", metadata,
    col("id", sa.Integer, "问题ID", primary_key=True),
    col("code", sa.String(30), "问题编号（问题台账中的编号，县内唯一）", nullable=False, unique=True),
    col("inspected_on", sa.Date, "发现问题的巡查日期", nullable=False),
    col("team", sa.String(40), "巡查组（如 县回头看工作组第2组）"),
    col("village_code", sa.String(12), "问题所在行政村区划代码", sa.ForeignKey("villages.code"), nullable=False),
    col("township_code", sa.String(9), "问题所在乡镇区划代码（取行政村所属乡镇）", sa.ForeignKey("townships.code"),
        nullable=False),
    col("household_id", sa.Integer, "问题涉及的农户ID（空=村级问题）", sa.ForeignKey("households.id")),
    col("category", sa.String(16), "问题类别：missed 漏评 / wrong_exit 错退 / paper_exit 数字消除 / "
        "aid_not_done 帮扶措施不落实 / no_visit 未按时走访 / housing 住房保障不到位 / water 饮水保障不到位 / "
        "education 教育保障不到位 / medical 医疗保障不到位 / project_late 项目未按期完成 / "
        "fund_late 资金未及时拨付 / records 档案资料不一致 / other 其他", nullable=False),
    col("responsible_unit", sa.String(60), "整改责任单位", nullable=False),
    col("due_date", sa.Date, "整改时限", nullable=False),
    col("status", sa.String(8), "整改状态：open 整改中 / closed 已整改", nullable=False),
    col("closed_date", sa.Date, "整改完成日期（已整改时填）"),
    personal("note", sa.String(300), "问题描述及整改佐证（自由文本，可能含个人信息）", "note"),
    sa.Index("ix_findings_area", "township_code", "village_code", "inspected_on"),
    comment="巡查发现问题及整改（问题台账及整改结果）",
)


# -- 诚信 (000 附件7, 附件9 二(七)) ------------------------------------------------------------------------
# The household's 诚实守信承诺书 is not a column here: it is signed as a step of the lead's identification
# (附件9 二(四): 签订自愿申请监测和诚实守信承诺书 before 确定监测对象), so it is the lead_steps row with step
# "pledge", dated and with its unit. A household column would hold the same date twice, and the two could
# disagree; the household's pledge is its latest pledge step (queries/integrity.py).
dishonesty_records = sa.Table(
    "dishonesty_records", metadata,
    col("id", sa.Integer, "失信记录ID", primary_key=True),
    col("household_id", sa.Integer, "农户ID", sa.ForeignKey("households.id"), nullable=False),
    personal("kind", sa.String(16), "失信行为（000 附件7 个人失信行为表现13类；个人行为信息，对巡查组脱敏）：false_report 不如实报告信息 / no_support 不履行赡养义务 / "
        "village_rules 不履行村规民约 / unlawful 赌博吸毒偷盗诈骗 / false_claim 虚报冒领扶贫资金 / loan_default 有能力不还小额信贷 / "
        "petition 无理缠访闹访 / favouritism 优亲厚友 / seizure 侵占霸占财物 / extravagance 与能力不相称的高消费 / "
        "refuse_exit 达到条件不愿脱贫 / bad_influence 造成不良负面影响 / other 其他", "note", nullable=False),
    col("recorded_date", sa.Date, "认定日期（列入失信记录的日期）", nullable=False),
    col("effect", sa.String(20), "惩戒措施：revoke_monitoring 取消监测资格 / revoke_aid 取消帮扶 / recover_gains 收缴收益 / "
        "special_list 纳入特殊名单", nullable=False),
    col("unit", sa.String(60), "认定单位"),
    col("repaired_date", sa.Date, "信用修复日期（空=未修复）"),
    col("repair_unit", sa.String(60), "信用修复审批单位"),
    personal("note", sa.String(200), "失信情况说明（自由文本，可能含个人信息）", "note"),
    derived("township_code", sa.String(9), "所在乡镇代码（同农户，装载/导入后计算）"),
    derived("village_code", sa.String(12), "所在行政村代码（同农户，装载/导入后计算）"),
    sa.Index("ix_dishonesty_household", "household_id", "recorded_date"),
    sa.Index("ix_dishonesty_area", "township_code", "village_code", "recorded_date"),
    comment="失信记录及信用修复（000 附件7 失信联合惩戒；每条记录一种失信行为、一项惩戒措施）",
)


precomputed = sa.Table(
    "precomputed", metadata,
    col("key", sa.String(64), "调用键（查询函数与参数的 SHA-256）", primary_key=True),
    col("call", sa.Text, "查询函数与参数（便于查看）", nullable=False),
    col("payload", sa.LargeBinary, "结果表（Parquet）", nullable=False),
    comment="派生：全县默认视图在数据截至日期的预计算结果（queries/precomputed.py；装载/导入后在同一事务中重算）",
)


def data_dictionary_markdown() -> str:
    """Human-readable data dictionary generated from the column comments."""
    out = ["# 数据字典 Data dictionary", "",
           "由 `python -m queries.schema > docs/DATA_DICTIONARY.md` 从 `queries/schema.py` 生成，请勿手改。",
           "代码含义见 `queries/codes.py`。", ""]
    for table in metadata.sorted_tables:
        out += [f"## {table.name} — {table.comment}", "", "| 列 column | 类型 type | 中文名及说明 | 键/约束 |", "|---|---|---|---|"]
        for c in table.columns:
            keys = []
            if c.primary_key:
                keys.append("主键")
            keys += [f"→ {fk.target_fullname}" for fk in c.foreign_keys]
            if not c.nullable and not c.primary_key:
                keys.append("非空")
            if c.unique:
                keys.append("唯一")
            out.append(f"| {c.name} | {c.type} | {c.comment} | {' '.join(keys)} |")
        idx = sorted(i.name for i in table.indexes)
        if idx:
            out += ["", "索引: " + ", ".join(f"`{i}`" for i in idx)]
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(data_dictionary_markdown())
