"""漏评排查 (screening for missed households) and 应帮尽帮 lists.

漏评 (001 "回头看"): households not in monitoring on the as-of day that meet any screening criterion, each with
its reasons in plain words, ranked. The criteria and their thresholds are configuration (config/policy.toml
[screening]); the facts come from the latest income year up to the as-of year, the members, the aid records
and the latest household check (household_checks) on or before the as-of day. A fact not recorded meets no
criterion: ``screening_facts`` says how many households have each kind of fact, so a page can say that the
facts are missing instead of showing zeros.

应帮尽帮 (000 附件9): monitored households without any measure, and open factors without a matching measure
(queries/codes.py FACTOR_TOOL_MATCH) with the missing tools named.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from queries import scope
from queries.codes import FACTOR_TOOL_MATCH, FACTOR_TYPES, TOOLS, UNSAFE_HOUSE_GRADES, WATER_STANDARDS, label
from queries.filters import Filter
from queries.metrics import define
from queries.policy import policy, words
from queries.registry import query, shown
from queries.schema import (aid_measures, helpers, household_checks, household_income, households, members,
                            monitoring_lines, risk_factors, townships, villages)
from queries.sql import area_key, count_if, days_between, frame, head_name, monitored_on, on, open_on, per_area


def thresholds() -> dict:
    return policy()["screening"]


def _pct(x: float) -> str:
    return f"{x * 100:g}%"


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    definition: str
    health: bool = False      # its reason tells a health fact: shown only to viewers who may see health facts
    weight: int = 1           # its points in the likelihood score (config/policy.toml [screening.weights])
    short: str = ""           # the column header where a table shows every criterion side by side (≤4 characters)


def weights() -> dict[str, int]:
    """Points per criterion: whole numbers, at least 0, one for every criterion (a county file may change
    them; a missing or bad one is a policy problem said on every page)."""
    w = thresholds()["weights"]
    for k, v in w.items():
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise ValueError(f"[screening.weights] {k} = {v!r}：分值须为非负整数")
    return w


def criteria() -> list[Criterion]:
    t, w = thresholds(), weights()
    return [Criterion(c.key, c.name, c.definition, c.health, w[c.key], c.short) for c in _criteria(t)]


def _criteria(t: dict) -> list[Criterion]:
    return [
        Criterion("low_income", "收入低于或接近监测范围",
                  f"家庭人均纯收入低于当年监测范围的{_pct(t['income_ratio'])}（恰好等于不计入）。", short="收入低"),
        Criterion("low_net_income", "扣除刚性支出后收入低于监测范围",
                  f"家庭人均纯收入减去（自负医疗费＋教育支出）÷家庭人口数后，低于当年监测范围的"
                  f"{_pct(t['net_income_ratio'])}（恰好等于不计入）。", short="刚性支出"),
        Criterion("unsafe_house", "住房不安全", "最近一次核查的住房安全鉴定等级为C级或D级，且尚未改造完成。",
                  short="住房"),
        Criterion("unsafe_water", "饮水不安全",
                  "最近一次核查中" + "、".join(WATER_STANDARDS.values()) + "任一项不达标。", short="饮水"),
        Criterion("food_clothing", "吃穿无保障", "最近一次核查中“不愁吃、不愁穿”无保障。", short="吃穿"),
        Criterion("dropout", "义务教育辍学", "有家庭成员义务教育阶段辍学。", short="辍学"),
        Criterion("uninsured", "未参加基本医疗保险", "有家庭成员未参加基本医疗保险。", short="未参保"),
        Criterion("high_medical", "自负医疗费较高",
                  f"扣除各类报销、救助后的自负医疗费不低于{t['medical_self_paid_yuan']:,}元（含本数）。", health=True,
                  short="医疗费高"),
        Criterion("special_group", "低保、特困或独居老人户",
                  "有低保或特困供养帮扶措施，或最近一次核查记为低保户、特困供养户或独居老人户。", short="低保特困"),
        Criterion("ill_or_disabled", "大病户或残疾人户", "有家庭成员患有大病或有残疾等级。", health=True, short="大病残疾"),
    ]


SCREENING_RULE = ("截至日期不在监测中的农户（从未纳入监测，或已风险消除），满足下列任一条件即列入排查名单。"
                  "收入取截至年度及以前最近一年的记录，与该年监测范围比较；住房、饮水、吃穿和低保、特困、独居老人"
                  "取截至日期前最近一次核查。没有记录的事实不算满足条件。排序（最可能漏评的在前）：可能性得分高的在前，"
                  "得分相同时人均纯收入与监测范围之比低的在前（没有收入记录的排在后面），再按户编号。")
HEALTH_WITHHELD = "另有健康相关条件（按权限不显示）"


def score_rule() -> str:
    """The likelihood score in words, with the configured points (read when called)."""
    return ("可能性得分＝所满足各排查条件的分值之和：" + "；".join(f"{c.name}{c.weight}分" for c in criteria())
            + "（分值在政策参数文件中设定，县里可按实际调整）。")

T = "漏评排查"
define("screening_candidates", "疑似漏评户",
       SCREENING_RULE + "条件：" + words(lambda: "；".join(f"{c.name}——{c.definition}" for c in criteria()))
       + "分母（占比时）：截至日期不在监测中的农户数。", topic=T)
define("screening_score", "漏评可能性得分", words(score_rule) + "得分相同时人均纯收入与监测范围之比低的在前。",
       unit="分", topic=T)
define("no_measure_households", "无帮扶措施监测户",
       "截至日期处于监测状态、但截至日期前没有登记任何帮扶措施的户，按乡镇、村列出。分母：处于监测状态的户数。",
       topic="帮扶进度")
define("unmatched_factor_households", "风险未匹配帮扶措施",
       "截至日期处于监测状态的户的每一项未消除风险，若截至日期前没有任何与之对应的帮扶措施（对应关系见"
       "“风险因子与帮扶措施的对应关系”表），列出该风险和应有的政策工具。分母：有未消除风险的监测户数。",
       topic="帮扶进度")


# -- the facts of every household not in monitoring --------------------------------------------------
def _latest_check(hh, d):
    """The id of the household's latest check on or before day d (by the (household, date) index)."""
    hc = household_checks
    return (sa.select(hc.c.id).where(hc.c.household_id == hh.c.id, hc.c.checked_on <= on(d))
            .order_by(hc.c.checked_on.desc(), hc.c.id.desc()).limit(1).scalar_subquery())


def _facts(f: Filter):
    """SELECT per household not monitored on the as-of day in the filter's area (whatever the category):
    its area, the facts each criterion needs and, as 0/1 columns, the criteria met."""
    d, hh, t = f.as_of, households, thresholds()
    inc, ml, chk, m, am = household_income.alias("inc"), monitoring_lines, household_checks.alias("chk"), members, aid_measures
    latest_year = sa.select(sa.func.max(household_income.c.year)).where(
        household_income.c.household_id == hh.c.id, household_income.c.year <= d.year).scalar_subquery()
    size = sa.select(sa.func.count()).where(m.c.household_id == hh.c.id).scalar_subquery()
    member = lambda cond: sa.exists().where(m.c.household_id == hh.c.id, cond)  # noqa: E731
    spending = sa.case((sa.or_(inc.c.medical_self_paid.is_not(None), inc.c.school_cost.is_not(None)),
                        sa.func.coalesce(inc.c.medical_self_paid, 0) + sa.func.coalesce(inc.c.school_cost, 0)))
    # Float: SQLite keeps whole-yuan amounts as integers and would divide them as integers
    net = inc.c.per_capita_income - sa.cast(spending, sa.Float) / sa.func.nullif(size, 0)
    welfare_measure = sa.exists().where(am.c.household_id == hh.c.id, am.c.registered_date <= on(d),
                                        am.c.tool.in_(["dibao", "tekun"]))
    water_fails = sa.or_(*[chk.c[c] == sa.false() for c in WATER_STANDARDS])
    met = {
        "low_income": inc.c.per_capita_income < ml.c.yuan * t["income_ratio"],
        "low_net_income": net < ml.c.yuan * t["net_income_ratio"],
        "unsafe_house": sa.and_(chk.c.house_grade.in_(UNSAFE_HOUSE_GRADES),
                                sa.or_(chk.c.house_repair.is_(None), chk.c.house_repair != "done")),
        "unsafe_water": water_fails,
        "food_clothing": chk.c.food_clothing == sa.false(),
        "dropout": member(m.c.dropout == sa.true()),
        "uninsured": member(sa.not_(m.c.insured)),
        "high_medical": inc.c.medical_self_paid >= t["medical_self_paid_yuan"],
        "special_group": sa.or_(welfare_measure, chk.c.dibao == sa.true(), chk.c.tekun == sa.true(),
                                chk.c.elderly_alone == sa.true()),
        "ill_or_disabled": member(sa.or_(m.c.health == "serious", m.c.disability_level.is_not(None))),
    }
    flags = [sa.case((cond, 1), else_=0).label(k) for k, cond in met.items()]
    points = weights()
    score = sum(sa.case((cond, points[k]), else_=0) for k, cond in met.items())
    ratio = sa.cast(inc.c.per_capita_income, sa.Float) / sa.func.nullif(ml.c.yuan, 0)
    return (sa.select(hh.c.id.label("household_id"), hh.c.township_code, hh.c.village_code,
                      score.label("score"), ratio.label("income_ratio"),
                      inc.c.year.label("income_year"), inc.c.per_capita_income, ml.c.yuan.label("line"),
                      net.label("net_income"), inc.c.medical_self_paid, chk.c.checked_on, chk.c.house_grade,
                      *[chk.c[c] for c in WATER_STANDARDS], chk.c.dibao, chk.c.tekun, chk.c.elderly_alone,
                      welfare_measure.label("welfare_measure"), *flags)
            .select_from(hh.outerjoin(inc, sa.and_(inc.c.household_id == hh.c.id, inc.c.year == latest_year))
                         .outerjoin(ml, ml.c.year == inc.c.year)
                         .outerjoin(chk, chk.c.id == _latest_check(hh, d)))
            .where(sa.not_(monitored_on(d)), *scope.where(f, hh, category=False), sa.or_(*met.values())))


def _yuan(x) -> str:
    return f"{x:,.0f}元"


def _yes(v) -> bool:
    return v is True or v == 1       # not NULL (NaN is truthy)


def _no(v) -> bool:
    return v is False or v == 0      # recorded as failing, not merely unrecorded


def _reasons(r, health: bool) -> list[str]:
    """The reasons of one household in plain words (health facts only when `health`)."""
    out = []
    if r.low_income:
        out.append(f"{int(r.income_year)}年人均纯收入{_yuan(r.per_capita_income)}，监测范围{_yuan(r.line)}")
    if r.low_net_income and not r.low_income:
        out.append(f"扣除刚性支出后人均收入{_yuan(r.net_income)}，低于监测范围{_yuan(r.line)}")
    if r.unsafe_house:
        out.append(f"住房鉴定为{r.house_grade}级、未改造完成（{r.checked_on}核查）")
    if r.unsafe_water:
        failed = "、".join(w for c, w in WATER_STANDARDS.items() if _no(r[c]))
        out.append(f"饮水{failed}不达标（{r.checked_on}核查）")
    if r.food_clothing:
        out.append(f"吃穿无保障（{r.checked_on}核查）")
    if r.dropout:
        out.append("有义务教育阶段辍学成员")
    if r.uninsured:
        out.append("有成员未参加基本医疗保险")
    if r.special_group:
        groups = [w for ok, w in ((_yes(r.dibao), "低保"), (_yes(r.tekun), "特困供养"),
                                  (_yes(r.welfare_measure), "享受低保或特困供养措施的"), (_yes(r.elderly_alone), "独居老人"))
                  if ok]
        out.append("、".join(groups) + "户")
    if health and r.high_medical:
        out.append(f"自负医疗费{_yuan(r.medical_self_paid)}")
    if health and r.ill_or_disabled:
        out.append("有大病或残疾成员")
    return out


class _Row(dict):
    """A result row read as r.column or r["column"] (the reasons read both)."""
    __getattr__ = dict.__getitem__


def _health_reasons(r) -> list[str]:
    return [x for x in _reasons(r, True) if x not in _reasons(r, False)]


def visit_reasons(row) -> str:
    """All the reasons a viewer may read, in one text: the plain ones, then the health ones if the viewer's
    rows still hold them (the pipeline drops them for viewers who may not see health facts), else a note
    that there are some."""
    health = row.get("health_reasons")
    parts = [row["reasons"]] if row["reasons"] != "—" else []
    if isinstance(health, str) and health:
        parts.append(health)
    elif row.get("has_health_reason"):
        parts.append(HEALTH_WITHHELD)
    return "；".join(parts) or "—"


def criteria_keys() -> list[str]:
    """The criteria's keys (read when a query runs: the policy file is not read at import)."""
    return [c.key for c in criteria()]


LIST_COLUMNS = ["rank", "household_id", "code", "head_name", "township_code", "township_name", "village_code",
                "village_name", "hh_type", "status", "score", "reasons", "health_reasons", "has_health_reason",
                "income_ratio"]


@query(area="household_id", personal=shown(head_name=members.c.name, health_reasons=members.c.health))
def screening_list(conn, f: Filter, limit: int = 500) -> pd.DataFrame:
    """The households to visit, most likely 漏评 first (score, then income ÷ line, then id; ranked and cut
    in SQL, so only `limit` rows leave the database): reasons in words, health reasons apart (masked like
    health facts; `has_health_reason` says there are some, as the score and the rank already do)."""
    facts = _facts(f).subquery()
    order = [facts.c.score.desc(), facts.c.income_ratio.asc().nulls_last(), facts.c.household_id]
    rows = frame(conn, sa.select(facts).order_by(*order).limit(limit), list(facts.c.keys()))
    if rows.empty:
        return pd.DataFrame(columns=LIST_COLUMNS)
    records = [_Row(r) for r in rows.to_dict("records")]
    rows["reasons"] = ["；".join(_reasons(r, False)) or "—" for r in records]
    health = ["；".join(_health_reasons(r)) or None for r in records]
    rows["health_reasons"] = health
    rows["has_health_reason"] = [h is not None for h in health]
    hh = households
    who = frame(conn, sa.select(hh.c.id, hh.c.code, head_name(), townships.c.name, villages.c.name, hh.c.hh_type,
                                sa.case((hh.c.identified_date.is_(None), "never"), else_="eliminated"))
                .select_from(hh.join(villages, villages.c.code == hh.c.village_code)
                             .join(townships, townships.c.code == hh.c.township_code))
                .where(hh.c.id.in_([int(i) for i in rows.household_id])),
                ["household_id", "code", "head_name", "township_name", "village_name", "hh_type", "status"])
    out = rows.merge(who, on="household_id", how="left")
    out["rank"] = range(1, len(out) + 1)
    return out[LIST_COLUMNS].reset_index(drop=True)


@query(area="code")
def screening_by_area(conn, f: Filter, by: str = "village") -> pd.DataFrame:
    """Per area: households not in monitoring, those meeting any criterion and those meeting each."""
    facts = _facts(f).subquery()
    key = area_key(by, facts)
    stmt = (sa.select(key.label("code"), sa.func.count(), *[sa.func.sum(facts.c[k]) for k in criteria_keys()])
            .group_by(key))
    out = per_area(conn, f, by, stmt, ["candidates", *criteria_keys()])
    hh = households
    hkey = area_key(by, hh)
    outside = frame(conn, sa.select(hkey, sa.func.count()).where(sa.not_(monitored_on(f.as_of)),
                                                                 *scope.where(f, hh, category=False)).group_by(hkey),
                    ["code", "not_monitored"])
    out = out.merge(outside, on="code", how="left")
    out["not_monitored"] = out.not_monitored.fillna(0).astype(int)
    return out


@query()
def screening_facts(conn, f: Filter) -> pd.DataFrame:
    """One row: households not in monitoring in the area, and how many of them have each kind of fact
    (an income record of a year with a monitoring line, spending, a household check up to the as-of day)."""
    d, hh, inc, hc = f.as_of, households, household_income, household_checks
    has = lambda table, *cond: sa.exists().where(table.c.household_id == hh.c.id, *cond)  # noqa: E731
    stmt = sa.select(sa.func.count(),
                     count_if(has(inc, inc.c.year <= d.year, inc.c.year.in_(sa.select(monitoring_lines.c.year)))),
                     count_if(has(inc, inc.c.year <= d.year, sa.or_(inc.c.medical_self_paid.is_not(None),
                                                                    inc.c.school_cost.is_not(None)))),
                     count_if(has(hc, hc.c.checked_on <= on(d)))
                     ).where(sa.not_(monitored_on(d)), *scope.where(f, hh, category=False))
    return frame(conn, stmt, ["not_monitored", "with_income", "with_spending", "with_check"])


# -- 应帮尽帮 -----------------------------------------------------------------------------------------
def _monitored_rows(f: Filter):
    hh, d = households, f.as_of
    return (hh.join(villages, villages.c.code == hh.c.village_code)
            .join(townships, townships.c.code == hh.c.township_code)
            .outerjoin(helpers, helpers.c.id == hh.c.helper_id)), [monitored_on(d), *scope.where(f, hh)]


@query(area="household_id", personal=shown(head_name=members.c.name, helper_name=helpers.c.name))
def households_without_measure(conn, f: Filter) -> pd.DataFrame:
    """Monitored households with no measure registered by the as-of day, longest monitored first."""
    hh, d, am = households, f.as_of, aid_measures
    joined, where = _monitored_rows(f)
    none = ~sa.exists().where(am.c.household_id == hh.c.id, am.c.registered_date <= on(d))
    stmt = (sa.select(hh.c.id, hh.c.code, head_name(), hh.c.township_code, townships.c.name, hh.c.village_code,
                      villages.c.name, hh.c.monitor_category, hh.c.identified_date,
                      days_between(hh.c.identified_date, on(d)), helpers.c.name)
            .select_from(joined).where(*where, none).order_by(hh.c.identified_date, hh.c.code))
    return frame(conn, stmt, ["household_id", "code", "head_name", "township_code", "township_name", "village_code",
                              "village_name", "monitor_category", "identified_date", "days_monitored", "helper_name"])


def missing_tools(factor_type: str) -> str:
    """The policy tools that would answer a factor, in words (附件9: 根据致贫因子对应选择政策工具)."""
    tools = FACTOR_TOOL_MATCH.get(factor_type, set())
    if tools == set(TOOLS):
        return "任一帮扶措施"
    return "、".join(label(TOOLS, t) for t in TOOLS if t in tools)


# the missing tools tell the factor (医疗救助 -> 因病), and only 因病/因残 are masked in a factor's words: so they
# are marked as a health fact, withheld from viewers who may not see health facts
@query(area="household_id", personal=shown(risk_factors.c.factor_type, head_name=members.c.name,
                                           missing_tools=members.c.health))
def unmatched_factors(conn, f: Filter) -> pd.DataFrame:
    """Every open factor of a monitored household without a matching measure by the as-of day, with the
    tools that would match (they tell the factor, so they are masked like it)."""
    hh, d, am, rf = households, f.as_of, aid_measures, risk_factors
    joined, where = _monitored_rows(f)
    matches = sa.or_(*[sa.and_(rf.c.factor_type == t, am.c.tool.in_(sorted(tools)))
                       for t, tools in FACTOR_TOOL_MATCH.items()])
    no_match = ~sa.exists().where(am.c.household_id == rf.c.household_id, am.c.registered_date <= on(d), matches)
    stmt = (sa.select(hh.c.id, hh.c.code, head_name(), hh.c.township_code, townships.c.name, hh.c.village_code,
                      villages.c.name, hh.c.monitor_category, rf.c.factor_type, rf.c.identified_date)
            .select_from(joined.join(rf, rf.c.household_id == hh.c.id))
            .where(*where, open_on(d, rf.c.identified_date, rf.c.resolved_date), no_match)
            .order_by(hh.c.township_code, hh.c.village_code, hh.c.code, rf.c.identified_date, rf.c.id))
    out = frame(conn, stmt, ["household_id", "code", "head_name", "township_code", "township_name", "village_code",
                             "village_name", "monitor_category", "factor_type", "factor_identified"])
    out.insert(out.columns.get_loc("factor_type") + 1, "missing_tools", [missing_tools(t) for t in out.factor_type])
    out["factor_type"] = [label(FACTOR_TYPES, t) for t in out.factor_type]
    return out
