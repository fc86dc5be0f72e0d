"""Target indicators (目标考核) against their configured targets, by county, township and village.

Sector indicators come from the per-village, per-quarter facts (水利、卫健、人社、医保、民政) and the
townships' facts (乡镇卫生院); the count targets of the 2023 work points from the 台账 they name
(queries/target_counts.py); the rest are computed from the monitoring records. Every indicator says
whether it must reach at least its target (``better="higher"``) or stay at most at it (``"lower"``). Target values live in the ``targets`` table
(per year, county-wide or per township), never in code.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import sqlalchemy as sa

from queries import scope, target_counts
from queries.filters import COUNTY_DIGITS, LEAD_DECISION_DAYS, TOWNSHIP_DIGITS, Filter
from queries.metrics import define
from queries.registry import query
from queries.schema import (aid_measures, county, households, members, risk_factors, targets, townships,
                            village_facts, villages, warnings)
from queries.sql import (ALL, area_key, count_if, days_between, frame, monitored_households, monitored_on, on,
                         only_county, open_on, overdue_on, per_area)


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    definition: str
    numerator: object = None      # village_facts expression (sector indicators)
    denominator: object = None
    unit: str = "%"               # "%" rate, otherwise a count
    source: str = ""
    better: str = ""              # "higher": at least the target; "lower": at most the target (no default)

    def __post_init__(self):
        assert self.better in ("higher", "lower"), f"{self.key}: say whether higher or lower is better"

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"

    @property
    def at_least(self) -> bool:
        return self.better == "higher"

    @property
    def has_history(self) -> bool:
        """Its value at earlier days can be read (sector reports, or the dated records of a count target)."""
        return self.numerator is not None or self.key in target_counts.KEYS


vf = village_facts
_one = sa.literal(1)
# How the sector indicators treat a village's reports (said once, in every sector indicator's 口径).
LATEST_REPORT = ("每个村取截至日期前最近一期报送的数据（漏报最近一期的村沿用它上一期的数据）；"
                 "截至日期前从未报送过的村显示为“未报送”，不计入分子和分母，并列入数据质量检查“行政村未报送行业数据”。")
INDICATORS = [
    Indicator("tap_water", "农村自来水普及率", "通自来水户数 ÷ 农村户数。分母：农村户数（水利部门口径）。",
              vf.c.tap_water_households, vf.c.rural_households, source="水利", better="higher"),
    Indicator("large_scale", "规模化供水覆盖率", "规模化供水工程覆盖户数 ÷ 农村户数。分母：农村户数。",
              vf.c.large_scale_households, vf.c.rural_households, source="水利", better="higher"),
    Indicator("water_reliability", "供水保障率", "供水有保障户数 ÷ 农村户数。分母：农村户数。",
              vf.c.reliable_supply_households, vf.c.rural_households, source="水利", better="higher"),
    Indicator("centralized", "农村集中供水率", "集中供水户数 ÷ 农村户数。分母：农村户数。",
              vf.c.centralized_households, vf.c.rural_households, source="水利", better="higher"),
    Indicator("clinic_standard", "村卫生室标准化达标率",
              "村卫生室达到标准化建设标准的行政村数 ÷ 报送了数据的行政村数。分母：报送了数据的行政村数。",
              sa.case((vf.c.clinic_standard, 1), else_=0), _one, source="卫健", better="higher"),
    Indicator("clinic_public", "村卫生室公有产权比例",
              "村卫生室为公有产权的行政村数 ÷ 报送了数据的行政村数。分母：报送了数据的行政村数。",
              sa.case((vf.c.clinic_public, 1), else_=0), _one, source="卫健", better="higher"),
    Indicator("employment", "脱贫人口务工就业率",
              "有劳动能力的脱贫人口和监测对象中务工就业的人数 ÷ 有劳动能力的人数。分母：有劳动能力的脱贫人口和监测对象人数。",
              vf.c.employed_people, vf.c.labour_people, source="人社", better="higher"),
    Indicator("insured", "困难人员参保率", "参加基本医疗保险的困难人员数 ÷ 困难人员数。分母：困难人员数。",
              vf.c.insured_difficult_people, vf.c.difficult_people, source="医保", better="higher"),
    Indicator("tekun_care", "特困人员集中供养率",
              "集中供养的生活不能自理特困人员数 ÷ 生活不能自理特困人员数。分母：生活不能自理特困人员数。",
              vf.c.tekun_centralized, vf.c.tekun_need_care, source="民政", better="higher"),
    Indicator("measure_coverage", "帮扶措施覆盖率",
              "已登记至少一项帮扶措施的监测户数 ÷ 截至日期时处于监测状态的户数。分母：处于监测状态的户数。",
              source="监测系统", better="higher"),
    Indicator("lead_timeliness", "线索15天内研判率",
              "产生后15天内作出研判的线索数 ÷ 应研判线索数。分母：应研判线索数 = 当年1月1日至截至日期作出研判的线索数 "
              "+ 截至日期仍未研判、且产生已超过15天的线索数（不论产生于哪一年，均计为未按时研判）。",
              source="监测系统", better="higher"),
    Indicator("dropouts", "义务教育辍学人数", "家庭成员中义务教育阶段辍学的人数（系统内农户），目标为0。", unit="人",
              source="监测系统", better="lower"),
    Indicator("unsafe_houses", "住房安全问题户", "存在未消除“住房安全”风险因子的监测户数，目标为0。", unit="户", source="监测系统",
              better="lower"),
    # the count targets of the 2023 work points (003 三.6, 二.5) and 附件2 / 附件5 (queries/target_counts.py)
    Indicator("resident_insured", "城乡居民基本医疗保险参保率",
              "已参保城乡居民人数 ÷ 应参保城乡居民人数。医保部门按村报送。分母：应参加城乡居民基本医疗保险的人数。",
              vf.c.insured_residents, vf.c.resident_people, source="医保", better="higher"),
    Indicator("health_centre", "乡镇卫生院标准化达标率",
              "卫生院达标的乡镇数 ÷ 报送了数据的乡镇数。卫健部门按乡镇报送，每个乡镇取截至日期前最近一期；"
              "从未报送的乡镇不计入分子和分母；只有乡镇和全县的数值，没有村的数值。分母：报送了数据的乡镇数。",
              source="卫健", better="higher"),
    Indicator("public_jobs", "公益性岗位安置人数",
              "当年1月1日至截至日期登记的“公益性岗位”帮扶措施数。每项措施为安置一人上岗（一户安置两人登记两项）。"
              "来源：帮扶措施台账；从未导入帮扶措施的显示“未导入”。", unit="人", source="帮扶措施", better="higher"),
    Indicator("training", "技能培训人次",
              "当年1月1日至截至日期登记的“技能培训”帮扶措施数。每项措施为一人次（同一人参加两期计两人次）。"
              "来源：帮扶措施台账；从未导入帮扶措施的显示“未导入”。", unit="人次", source="帮扶措施", better="higher"),
    Indicator("industry_jobs", "产业项目带动就业人数",
              "当年资金年度、截至日期已完工的产业发展类项目所填“带动就业人数”之和。资金年度为当年、项目类别为“产业发展”、"
              "实际完工日期不晚于截至日期的衔接资金项目；未填带动就业人数的项目不计。项目库中没有任何项目填报带动就业人数的显示“未导入”。",
              unit="人", source="项目库", better="higher"),
    Indicator("enterprise_pairs", "强企帮村结对数",
              "截至日期时在结对期内的企业与行政村结对数。结对日期不晚于截至日期，未解除或解除日期晚于截至日期；"
              "一家企业结对两个村计两对。来源：强企帮村结对名单；未导入名单的显示“未导入”。",
              unit="对", source="统战部", better="higher"),
]
BY_KEY = {i.key: i for i in INDICATORS}
FACT_INDICATORS = [i for i in INDICATORS if i.numerator is not None]
COUNT_INDICATORS = [BY_KEY[k] for k in target_counts.KEYS]
# a missing figure of these means the 台账 was never imported (未导入), not "no target"
IMPORTED_FIGURES = {i.key for i in FACT_INDICATORS} | set(target_counts.KEYS)


def target_text(i: Indicator, target: float) -> str:
    """A target as shown beside its value: ≥95%, ≥1500人, ≤0户; 未设目标 without one."""
    if target is None or pd.isna(target):
        return "未设目标"
    return f"{'≥' if i.at_least else '≤'}{target:g}{'%' if i.is_rate else i.unit}"


def direction_text(i: Indicator) -> str:
    if i.is_rate:
        return "（比率指标，不低于目标为达标）"
    return "（计数指标，不少于目标为达标；乡镇、村只与单独设定的乡镇目标比较）" if i.at_least else "（计数指标，不超过目标为达标）"


for _i in INDICATORS:
    define(f"target_{_i.key}", _i.name, _i.definition + (LATEST_REPORT if _i.numerator is not None else "")
           + direction_text(_i), unit=_i.unit, topic="目标考核")
define("target_projection", "按当前进度预计",
       "以最近四期数值做线性外推，预计考核截止日期时达到的水平；分子、分母与该指标本身相同。行业部门指标的“期”为各期报送，"
       "乡镇卫生院为乡镇报送的各期，公益性岗位、技能培训、产业项目带动就业、强企帮村为当年各月末（最后一期为截至日期）。"
       "比率预计值不超过100%。", unit="%", topic="目标考核")

NEAR = 2.0  # percentage points: "close to target" band for the amber light
STATUS = {"met": "达标", "near": "接近", "behind": "未达标", "none": "无目标", "unreported": "未报送",
          "missing": "未导入"}
# villages / unreported: villages in the area and those of them that never reported up to the as-of day;
# period_end / earliest_period: the latest and the oldest of the reports used (sector indicators only)
COLUMNS = ["code", "name", "township_code", "indicator", "indicator_name", "unit", "numerator", "denominator",
           "value", "target", "gap", "status", "period_end", "earliest_period", "villages", "unreported"]


def judged(status: pd.DataFrame) -> pd.DataFrame:
    """The rows of a target_status that count towards 达标 counts: with a target and with data (未报送,
    未导入 and 无目标 are neither met nor missed)."""
    return status[~status.status.isin(["none", "unreported", "missing"])]


def latest_period(conn, d: date) -> date | None:
    """The latest period any village reported up to the day (the county's newest data)."""
    return conn.execute(sa.select(sa.func.max(vf.c.period_end)).where(vf.c.period_end <= on(d))).scalar()


def latest_reports(d: date):
    """SELECT village_code, period_end: each village's latest report up to day d."""
    return (sa.select(vf.c.village_code, sa.func.max(vf.c.period_end).label("period_end"))
            .where(vf.c.period_end <= on(d)).group_by(vf.c.village_code))


def village_reports(d: date, f: Filter):
    """(FROM, WHERE) of every village in scope, each joined to its latest report up to day d (no row of
    village_facts where it never reported): the one way the sector indicators read the villages' reports."""
    latest = latest_reports(d).subquery()
    joined = (villages.outerjoin(latest, latest.c.village_code == villages.c.code)
              .outerjoin(vf, sa.and_(vf.c.village_code == latest.c.village_code, vf.c.period_end == latest.c.period_end)))
    return joined, scope.where(f, villages)


def reported(expr):
    """A sector figure of a village's report, NULL where the village never reported (so a count such as
    "clinic up to standard: 1 else 0" does not count a village without a report as 0 of 1)."""
    return sa.case((vf.c.village_code.is_not(None), expr), else_=None)


def _fact_values(conn, f: Filter, by: str) -> pd.DataFrame:
    key = area_key(by, villages)
    joined, in_area = village_reports(f.as_of, f)
    cols = []
    for i in FACT_INDICATORS:
        cols += [sa.func.sum(reported(i.numerator)).label(f"{i.key}__n"),
                 sa.func.sum(reported(i.denominator)).label(f"{i.key}__d")]
    extra = [sa.func.max(vf.c.period_end).label("period_end"), sa.func.min(vf.c.period_end).label("earliest_period"),
             sa.func.count(villages.c.code).label("villages"),
             (sa.func.count(villages.c.code) - sa.func.count(vf.c.village_code)).label("unreported")]
    stmt = sa.select(key.label("code"), *cols, *extra).select_from(joined).where(*in_area).group_by(key)
    wide = frame(conn, stmt, ["code", *[c.name for c in cols], *[c.name for c in extra]])
    long = _long(wide, FACT_INDICATORS)
    report_cols = ["period_end", "earliest_period", "villages", "unreported"]
    return long.merge(wide[["code", *report_cols]], on="code", how="left")


def _populated_areas(conn, f: Filter, by: str) -> list[str]:
    """Areas in scope that have households (an index probe per area, not a count of every household)."""
    hh, in_scope = households, scope.where(f, households, category=False)
    if by == ALL:
        stmt = sa.select(sa.literal(ALL)).where(sa.exists(sa.select(hh.c.id).where(*in_scope)))
    elif by == "county":
        stmt = sa.select(county.c.code).where(sa.exists().where(
            hh.c.township_code.in_(sa.select(townships.c.code).where(townships.c.county_code == county.c.code)),
            *in_scope))
    elif by == "township":
        stmt = sa.select(townships.c.code).where(sa.exists().where(hh.c.township_code == townships.c.code, *in_scope))
    else:
        stmt = sa.select(villages.c.code).where(sa.exists().where(
            hh.c.township_code == villages.c.township_code, hh.c.village_code == villages.c.code, *in_scope))
    return list(conn.execute(stmt).scalars())


def _record_values(conn, f: Filter, by: str) -> pd.DataFrame:
    d, hh = f.as_of, households
    key = area_key(by)
    has_measure = sa.exists().where(aid_measures.c.household_id == hh.c.id, aid_measures.c.registered_date <= on(d))
    cov = sa.select(key.label("code"), count_if(has_measure).label("measure_coverage__n"),
                    sa.func.count().label("measure_coverage__d")).where(monitored_on(d), *scope.where(f, hh)).group_by(key)
    w = warnings
    in_year = sa.and_(w.c.decision_date >= on(date(d.year, 1, 1)), w.c.decision_date <= on(d))
    # undecided leads past the deadline are late work: in the denominator, never in the numerator
    timely = sa.select(area_key(by, w).label("code"),
                       count_if(sa.and_(in_year, days_between(w.c.raised_date, w.c.decision_date)
                                        <= LEAD_DECISION_DAYS)).label("lead_timeliness__n"),
                       sa.func.count().label("lead_timeliness__d")).where(
        sa.or_(in_year, overdue_on(f)), *scope.where(f, w)).group_by(area_key(by, w))
    drop = sa.select(key.label("code"), sa.func.count().label("dropouts__n")).select_from(
        members.join(hh, hh.c.id == members.c.household_id)).where(
        members.c.dropout == sa.true(), *scope.where(f, hh, category=False)).group_by(key)  # partial index: dropouts only
    rf = risk_factors
    unsafe = sa.select(area_key(by, rf).label("code"),
                       sa.func.count(sa.distinct(rf.c.household_id)).label("unsafe_houses__n")).where(
        rf.c.factor_type == "housing", open_on(d, rf.c.identified_date, rf.c.resolved_date),
        rf.c.household_id.in_(monitored_households(f))).group_by(area_key(by, rf))
    wide = pd.DataFrame({"code": pd.Series(_populated_areas(conn, f, by), dtype=object)})
    for stmt in (cov, timely, drop, unsafe):
        part = frame(conn, stmt, ["code", *[c.name for c in stmt.selected_columns][1:]])
        wide = wide.merge(part, on="code", how="left")
    for c in ("dropouts__n", "unsafe_houses__n"):  # counts: an area with households but none of these has 0
        wide[c] = wide[c].fillna(0)
    return _long(wide, [BY_KEY[k] for k in ("measure_coverage", "lead_timeliness", "dropouts", "unsafe_houses")])


def _count_values(conn, f: Filter, by: str) -> pd.DataFrame:
    codes = list(per_area(conn, f, by, sa.select(sa.literal("x").label("code")).where(sa.false()), []).code)
    wide = target_counts.values(conn, f, by, codes)
    if by == "village":  # no village figure of the health centres (one per township)
        wide = wide.drop(columns=["health_centre__n", "health_centre__d"])
        return _long(wide, [i for i in COUNT_INDICATORS if i.key != "health_centre"])
    return _long(wide, COUNT_INDICATORS)


def _long(wide: pd.DataFrame, indicators: list[Indicator]) -> pd.DataFrame:
    parts = []
    for i in indicators:
        n = wide.get(f"{i.key}__n", pd.Series(dtype=float))
        den = wide.get(f"{i.key}__d", pd.Series(np.nan, index=wide.index))
        parts.append(pd.DataFrame({"code": wide.code, "indicator": i.key, "numerator": n.astype(float),
                                   "denominator": den.astype(float)}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["code", "indicator", "numerator", "denominator"])


@query(area="scope")
def target_values(conn, f: Filter) -> pd.DataFrame:
    """Targets in force in the as-of year: the year's own, else the latest earlier year's. Scope "county" is
    the county-wide target of the filter's county (its code as imported, or "county" in a database written
    before cities); in a city's view each county's own targets keep their 6-digit code, townships' their
    9-digit code (a township's filter gets its county's targets and its own)."""
    t = targets
    stmt = sa.select(t.c.indicator, t.c.scope, t.c.year, t.c.value, t.c.deadline).where(
        t.c.year <= f.as_of.year, *scope.where(f, t)).order_by(t.c.indicator, t.c.scope, t.c.year)
    t = frame(conn, stmt, ["indicator", "scope", "year", "value", "deadline"])
    home = f.county or only_county(conn)
    if home:
        t.loc[t.scope == home, "scope"] = "county"
    return t.groupby(["indicator", "scope"], as_index=False).last()


def _attach_targets(conn, f: Filter, long: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    t = target_values(conn, f)
    county_t = t[t.scope == "county"][["indicator", "value"]].rename(columns={"value": "county_target"})
    each_county = t[t.scope.astype("string").str.len() == COUNTY_DIGITS][["scope", "indicator", "value"]].rename(
        columns={"scope": "area_county", "value": "own_county_target"})
    town_t = t[t.scope.astype("string").str.len() == TOWNSHIP_DIGITS][["scope", "indicator", "value"]].rename(
        columns={"scope": "township_code", "value": "town_target"})
    out = areas.merge(long, on="code", how="inner")  # an area with no values at all has no rows
    # in a city's view an area is held to its own county's target: a county row by its code, the others by their
    # township's; a township's own target wins over the county's (merges, not a Python loop: 16,000 villages)
    code, town = out.code.astype("string"), out.township_code.astype("string")   # .str also on an empty frame
    out["area_county"] = code.where(code.str.len() == COUNTY_DIGITS, town.str[:COUNTY_DIGITS]).astype(object)
    out = (out.merge(county_t, on="indicator", how="left").merge(each_county, on=["area_county", "indicator"], how="left")
           .merge(town_t, on=["township_code", "indicator"], how="left"))
    out["county_target"] = out.own_county_target.where(out.own_county_target.notna(), out.county_target)
    sub_area = out.township_code.notna()
    out["target"] = out.town_target.where(sub_area & out.town_target.notna(), out.county_target)
    rate = out.indicator.map(lambda k: BY_KEY[k].is_rate).astype(bool)
    higher = out.indicator.map(lambda k: BY_KEY[k].at_least).astype(bool)
    # a county-wide "at least N" count is the county's sum: a township or village is held only to its own target
    out.loc[sub_area & higher & ~rate, "target"] = out.town_target
    out.loc[sub_area & higher & ~rate & (out.code != out.township_code), "target"] = np.nan  # a village: none
    out = out.drop(columns=["county_target", "own_county_target", "area_county", "town_target"])
    value = np.where(rate, out.numerator / out.denominator.where(out.denominator > 0) * 100, out.numerator)
    out["value"] = value
    out.loc[rate, "target"] = out.loc[rate, "target"] * 100
    out["gap"] = np.where(higher, out.value - out.target, out.target - out.value)
    missing = out.numerator.isna() & out.indicator.isin(IMPORTED_FIGURES)
    out["status"] = np.select([missing, out.target.isna() | out.value.isna(), out.gap >= -1e-9, rate & (out.gap >= -NEAR)],
                              ["missing", "none", "met", "near"], "behind")
    out["indicator_name"] = out.indicator.map(lambda k: BY_KEY[k].name)
    out["unit"] = out.indicator.map(lambda k: BY_KEY[k].unit)
    return out


@query(area="code")
def target_status(conn, f: Filter, by: str = ALL) -> pd.DataFrame:
    """Every indicator for every area of the level: value, target, gap and traffic light; sector indicators
    from each village's latest report up to the as-of day, an area none of whose villages reported 未报送."""
    areas = per_area(conn, f, by, sa.select(sa.literal("x").label("code")).where(sa.false()), [])
    long = pd.concat([_fact_values(conn, f, by), _record_values(conn, f, by), _count_values(conn, f, by)],
                     ignore_index=True)
    out = _attach_targets(conn, f, long, areas[["code", "name", "township_code"]])
    out = out[out.indicator.notna()].copy()
    fact = out.indicator.isin([i.key for i in FACT_INDICATORS])
    out = out[~fact | (out.villages > 0)].copy()  # an area without villages has nothing to report
    fact = out.indicator.isin([i.key for i in FACT_INDICATORS])
    out.loc[fact & (out.villages == out.unreported), "status"] = "unreported"
    out["period_end"] = out.period_end.where(fact, f.as_of)
    out.loc[~fact, ["earliest_period", "villages", "unreported"]] = None
    order = {i.key: n for n, i in enumerate(INDICATORS)}
    out = out.sort_values(["code", "indicator"], key=lambda s: s.map(order) if s.name == "indicator" else s)
    return out[COLUMNS].reset_index(drop=True)


@query()
def target_trend(conn, f: Filter, indicator: str) -> pd.DataFrame:
    """A sector indicator's value at every period end up to the as-of day, for the filter's area, each point
    counted as target_status counts it on that day (every village's latest report up to the period end); a
    count target's value at the month ends of the as-of year (queries/target_counts.history)."""
    i = BY_KEY[indicator]
    if i.key in target_counts.KEYS:
        return target_counts.history(conn, f, i.key)
    if i.numerator is None:
        raise ValueError(f"{indicator} has no per-period facts")
    ends = sa.select(vf.c.period_end.label("at")).where(vf.c.period_end <= on(f.as_of)).distinct().subquery()
    later = vf.alias("later")
    # a village's report in force at period end `at`: the latest one on or before it
    in_force = sa.and_(vf.c.period_end <= ends.c.at, ~sa.exists().where(
        later.c.village_code == vf.c.village_code, later.c.period_end > vf.c.period_end,
        later.c.period_end <= ends.c.at))
    stmt = (sa.select(ends.c.at, sa.func.sum(i.numerator), sa.func.sum(i.denominator))
            .select_from(ends.join(vf, in_force).join(villages, villages.c.code == vf.c.village_code))
            .where(*scope.where(f, villages)).group_by(ends.c.at).order_by(ends.c.at))
    out = frame(conn, stmt, ["period_end", "numerator", "denominator"])
    out["value"] = out.numerator.astype(float) / out.denominator.astype(float).where(out.denominator > 0) * 100
    return out


def project_to_deadline(trend: pd.DataFrame, deadline: date, points: int = 4, cap: float | None = 100) -> float:
    """Where the indicator will be at the deadline if the pace of the last `points` periods holds (a rate is
    capped at 100; a count, cap=None, only at 0)."""
    t = trend.dropna(subset=["value"]).tail(points)
    if len(t) < 2:
        return float("nan")
    x = np.array([(pd.Timestamp(p) - pd.Timestamp(t.period_end.iloc[-1])).days for p in t.period_end], dtype=float)
    slope, intercept = np.polyfit(x, t.value.astype(float), 1)
    ahead = (pd.Timestamp(deadline) - pd.Timestamp(t.period_end.iloc[-1])).days
    return float(np.clip(intercept + slope * ahead, 0, cap))


def scope_target(targets_in_force: pd.DataFrame, f: Filter, ind: Indicator) -> tuple[float, date | None]:
    """The target (in display units: percent for rates) and deadline in force for the filter's scope: the
    township's own, else the county's (an "at least N" count of a township has only its own)."""
    t = targets_in_force[targets_in_force.indicator == ind.key]
    own = t[t.scope == f.township] if f.township else t.iloc[0:0]
    inherit = not (f.township and ind.at_least and not ind.is_rate)
    row = own if len(own) or not inherit else t[t.scope == "county"]
    if row.empty:
        return float("nan"), None
    deadline = row.deadline.iloc[0]
    return (float(row.value.iloc[0]) * (100 if ind.is_rate else 1),
            pd.Timestamp(deadline).date() if pd.notna(deadline) else None)


def projection(trend: pd.DataFrame, ind: Indicator, target: float, deadline: date | None) -> tuple[float, str | None]:
    """(projected value at the deadline, "met"/"behind" against the target); NaN and None when it cannot be said."""
    trend = trend.dropna(subset=["value"])
    if deadline is None or trend.empty or deadline <= pd.Timestamp(trend.period_end.iloc[-1]).date():
        return float("nan"), None
    p = project_to_deadline(trend, deadline, cap=100 if ind.is_rate else None)
    if pd.isna(p) or pd.isna(target):
        return p, None
    ok = p >= target - 1e-9 if ind.at_least else p <= target + 1e-9
    return p, "met" if ok else "behind"


PROJECTION_COLUMNS = ["indicator", "indicator_name", "unit", "value", "target", "deadline", "projected", "outlook",
                      "periods"]


@query()
def target_projections(conn, f: Filter) -> pd.DataFrame:
    """For every indicator with a history (sector reports, count targets) in the filter's scope: the latest
    value, the target and deadline in force, and the value projected to the deadline at the current pace
    (outlook: met / behind / None when there are too few periods, no deadline ahead, or no target)."""
    t_in_force = target_values(conn, f)
    rows = []
    for ind in INDICATORS:
        if not ind.has_history:
            continue
        trend = target_trend(conn, f, ind.key).dropna(subset=["value"])
        target, deadline = scope_target(t_in_force, f, ind)
        projected, outlook = projection(trend, ind, target, deadline)
        value = float(trend.value.iloc[-1]) if len(trend) else float("nan")
        rows.append((ind.key, ind.name, ind.unit, value, target, deadline, projected, outlook, len(trend)))
    return pd.DataFrame(rows, columns=PROJECTION_COLUMNS)


@query(area="code")
def lagging_villages(conn, f: Filter, indicator: str, limit: int = 20) -> pd.DataFrame:
    """Villages furthest behind the target on one indicator."""
    return lagging_from_status(target_status(conn, f, "village"), indicator, limit)


def lagging_from_status(village_status: pd.DataFrame, indicator: str, limit: int = 20) -> pd.DataFrame:
    """The lagging villages out of an already computed village-level target_status (lets a page reuse
    its cached village status for every indicator instead of recomputing it): behind or near the target,
    furthest behind first (at most `limit`), then every village that never reported (未报送)."""
    s = village_status[village_status.indicator == indicator]
    lag = s[s.status.isin(["behind", "near"])].sort_values(["gap", "code"]).head(limit)
    silent = s[s.status == "unreported"].sort_values("code")
    return pd.concat([lag, silent]).reset_index(drop=True) if len(silent) else lag.reset_index(drop=True)
