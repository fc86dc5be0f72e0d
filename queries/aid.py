"""Assistance (帮扶): measure coverage, measures by policy tool, factor-to-tool gaps,
helpers' visits, project funds and completion against deadlines."""

import pandas as pd
import sqlalchemy as sa

from queries import scope
from queries.codes import FACTOR_TOOL_MATCH, FACTOR_TYPES, POLICY_TOOL_GROUP, POLICY_TOOL_GROUPS, TOOL_GROUPS, TOOLS
from queries.filters import Filter
from queries.deadlines import QUARTER_DAYS, deadline_expr, project_deadlines
from queries.metrics import define
from queries.policy import words
from queries.schema import aid_measures, households, project_payments, projects, risk_factors, visits
from queries.registry import query
from queries.sql import (area_key, count_if, days_between, frame, monitored_households, monitored_on, on, open_on,
                         per_area, ratio)

T = "帮扶进度"
define("measure_coverage", "帮扶措施覆盖率",
       "已登记至少一项帮扶措施的监测户数 ÷ 截至日期时处于监测状态的户数。分母：处于监测状态的户数。目标100%。",
       unit="%", topic=T)
define("measures_completed", "已完成措施", "实际完成日期不晚于截至日期的帮扶措施数。", unit="项", topic=T)
define("measures_overdue", "逾期未完成措施", "计划完成日期早于截至日期、截至日期时仍未完成的帮扶措施数。", unit="项", topic=T)
define("measures_in_progress", "实施中措施", "已登记、未完成、且未到计划完成日期的帮扶措施数。", unit="项", topic=T)
define("factor_tool_gap", "风险与措施不匹配户",
       "存在某类未消除风险、但没有任何与之对应的帮扶措施的监测户数（如因病户无医保资助、医疗救助或防贫保等措施）。"
       "哪类风险对应哪些帮扶政策工具，见指标说明页“风险因子与帮扶措施的对应关系”表。", topic=T)
define("visit_recency", "最近走访间隔", "监测户最近一次走访（截至日期前）距截至日期的天数，分为30天内、31-90天、超过90天和从未走访（恰好90天计入31-90天，即未超过一个季度）。",
       unit="户", topic=T)
define("no_helper", "未落实帮扶责任人", "截至日期时处于监测状态、但没有帮扶责任人的户数。", topic=T)
define("disbursement_rate", "资金支出进度",
       "截至日期所在年度（资金年度）的项目截至日期已支付的衔接资金 ÷ 这些项目的预算总额。"
       "分母：当年项目预算总额。往年结转项目不计入分子和分母，其未支付余额另行列出。", unit="%", topic=T)
define("industry_share", "产业项目资金占比",
       "当年产业发展类项目预算 ÷ 当年项目预算总额。分母：当年项目预算总额（不含往年结转项目）。要求不低于60%。",
       unit="%", topic=T)
define("projects_overdue", "逾期未完工项目",
       "截至日期时仍未完工、且已过完工期限的项目数，含往年结转项目。完工期限：填了计划完工日期的，按计划完工日期；"
       f"没有填的，按完工批次：{words(lambda: project_deadlines().text())}。", unit="个", topic=T)
define("projects_carried_over", "往年结转项目",
       "资金年度早于截至日期所在年度、截至日期时仍未完工或资金未付清（已支付比预算少1元以上）的项目数。"
       "这些项目在项目清单中标为“往年结转”，计入逾期未完工项目，不计入当年资金支出进度。", unit="个", topic=T)


@query(area="code")
def measure_coverage(conn, f: Filter, by: str = "township") -> pd.DataFrame:
    d, hh = f.as_of, households
    has_measure = sa.exists().where(aid_measures.c.household_id == hh.c.id, aid_measures.c.registered_date <= on(d))
    key = area_key(by)
    stmt = (sa.select(key.label("code"), count_if(sa.true()).label("monitored"),
                      count_if(has_measure).label("with_measure"), count_if(hh.c.helper_id.is_(None)).label("no_helper"))
            .where(monitored_on(d), *scope.where(f, hh)).group_by(key))
    out = per_area(conn, f, by, stmt, ["monitored", "with_measure", "no_helper"])
    out["without_measure"] = out.monitored - out.with_measure
    out["coverage"] = ratio(out.with_measure, out.monitored, 100)
    return out


@query()
def measures_by_tool(conn, f: Filter) -> pd.DataFrame:
    """Every policy tool: measures registered, completed, overdue, in progress, and the amount; with both
    groupings of the tools (the system's five groups and 附件9's six)."""
    m, d = aid_measures, f.as_of
    done = sa.and_(m.c.completed_date.is_not(None), m.c.completed_date <= on(d))
    overdue = sa.and_(sa.not_(done), m.c.planned_date < on(d))
    stmt = (sa.select(m.c.tool, sa.func.count(), count_if(done), count_if(overdue),
                      sa.func.coalesce(sa.func.sum(m.c.amount), 0))
            .where(m.c.registered_date <= on(d), *scope.where(f, m)).group_by(m.c.tool))
    got = {r[0]: r[1:] for r in conn.execute(stmt).all()}
    rows = []
    for tool, (label, group, dept) in TOOLS.items():
        total, completed, late, amount = got.get(tool, (0, 0, 0, 0))
        policy = POLICY_TOOL_GROUP[tool]
        rows.append((tool, label, group, TOOL_GROUPS[group], policy, POLICY_TOOL_GROUPS[policy], dept, total,
                     completed, late, total - completed - late, float(amount)))
    return pd.DataFrame(rows, columns=["tool", "tool_label", "group", "group_label", "policy_group",
                                       "policy_group_label", "department", "total", "completed", "overdue",
                                       "in_progress", "amount"])


@query()
def factor_tool_gaps(conn, f: Filter) -> pd.DataFrame:
    """Per factor type: monitored households with it open, and those without any matching measure."""
    rf, m, d = risk_factors, aid_measures, f.as_of
    matches = sa.or_(*[sa.and_(rf.c.factor_type == t, m.c.tool.in_(sorted(tools)))
                       for t, tools in FACTOR_TOOL_MATCH.items()])
    has_match = sa.exists().where(m.c.household_id == rf.c.household_id, m.c.registered_date <= on(d), matches)
    stmt = (sa.select(rf.c.factor_type, sa.func.count(sa.distinct(rf.c.household_id)),
                      sa.func.count(sa.distinct(sa.case((~has_match, rf.c.household_id)))))
            .where(open_on(d, rf.c.identified_date, rf.c.resolved_date), rf.c.household_id.in_(monitored_households(f)))
            .group_by(rf.c.factor_type))
    got = {r[0]: r[1:] for r in conn.execute(stmt).all()}
    rows = [(t, label, *got.get(t, (0, 0))) for t, (label, _) in FACTOR_TYPES.items()]
    out = pd.DataFrame(rows, columns=["factor_type", "type_label", "households", "without_match"])
    out["gap_share"] = ratio(out.without_match, out.households, 100)
    return out


VISIT_BUCKETS = {"within_30": "30天内", "d31_90": "31-90天", "over_90": "超过90天", "never": "从未走访"}


@query(area="code")
def visit_recency(conn, f: Filter, by: str = "township") -> pd.DataFrame:
    """Monitored households by days since their last visit on or before the as-of day."""
    d, hh, v = f.as_of, households, visits
    # each monitored household's last visit by index (household, date): not every visit of the province grouped
    last_visit = sa.select(sa.func.max(v.c.visit_date)).where(v.c.household_id == hh.c.id,
                                                              v.c.visit_date <= on(d)).scalar_subquery()
    per_hh = sa.select(area_key(by).label("code"), last_visit.label("last")).where(
        monitored_on(d), *scope.where(f, hh)).subquery()
    age = days_between(per_hh.c.last, on(d))
    stmt = (sa.select(per_hh.c.code, count_if(sa.and_(per_hh.c.last.is_not(None), age <= 30)),
                      count_if(sa.and_(age > 30, age <= QUARTER_DAYS)), count_if(age > QUARTER_DAYS), count_if(per_hh.c.last.is_(None)))
            .group_by(per_hh.c.code))
    return per_area(conn, f, by, stmt, list(VISIT_BUCKETS))


FULLY_PAID_TOLERANCE = 1.0  # yuan: instalments rounded to the fen may leave a project a fraction short


def _paid_by(d):
    pay = project_payments
    return sa.select(pay.c.project_id, sa.func.sum(pay.c.amount).label("paid")).where(
        pay.c.pay_date <= on(d)).group_by(pay.c.project_id).subquery()


def _project_states(f: Filter, paid):
    """(shown, this_year, carried, done, deadline, overdue) SQL expressions for the projects of the view."""
    p, d = projects, f.as_of
    done = sa.and_(p.c.actual_completion.is_not(None), p.c.actual_completion <= on(d))
    unpaid = sa.func.coalesce(paid.c.paid, 0) < p.c.budget - FULLY_PAID_TOLERANCE
    this_year = p.c.year == d.year
    carried = sa.and_(p.c.year < d.year, sa.or_(sa.not_(done), unpaid))
    deadline = deadline_expr(p)
    overdue = sa.and_(sa.not_(done), deadline < on(d))
    return sa.or_(this_year, carried), this_year, carried, done, deadline, overdue


def _projects_in_scope(f: Filter, shown) -> list:
    """The view's projects (the as-of year's and earlier years' carried over) in the filter's area
    (projects have no monitoring category)."""
    return [shown, *scope.where(f, projects)]


FUND_COLUMNS = ["projects", "budget", "disbursed", "industry_budget", "due", "completed", "completed_on_time", "overdue",
                "current_projects", "carried_over", "carried_unpaid"]


@query(area="code")
def funds_by_area(conn, f: Filter, by: str = "township") -> pd.DataFrame:
    """Projects per area: the as-of year's budget, disbursed by the as-of day and industry share (the rates'
    basis), earlier years' projects carried over and their unpaid balance, and completion against the
    deadline of every project shown."""
    p = projects
    paid = _paid_by(f.as_of)
    shown, this_year, carried, done, deadline, overdue = _project_states(f, paid)
    spent = sa.func.coalesce(paid.c.paid, 0)
    key = area_key(by, p)
    current = lambda x: sa.func.coalesce(sa.func.sum(sa.case((this_year, x), else_=0)), 0)  # noqa: E731
    stmt = (sa.select(key.label("code"), sa.func.count(), current(p.c.budget), current(spent),
                      current(sa.case((p.c.category == "industry", p.c.budget), else_=0)),
                      count_if(deadline <= on(f.as_of)), count_if(done),
                      count_if(sa.and_(done, p.c.actual_completion <= deadline)), count_if(overdue),
                      count_if(this_year), count_if(carried),
                      sa.func.coalesce(sa.func.sum(sa.case((carried, p.c.budget - spent), else_=0)), 0))
            .select_from(p.outerjoin(paid, paid.c.project_id == p.c.id)).where(*_projects_in_scope(f, shown))
            .group_by(key))
    out = per_area(conn, f, by, stmt, FUND_COLUMNS)
    out["disbursement_rate"] = ratio(out.disbursed, out.budget, 100)
    out["industry_share"] = ratio(out.industry_budget, out.budget, 100)
    return out


PROJECT_COLUMNS = ["code", "name", "township_code", "village_code", "category", "year", "budget", "disbursed",
                   "batch", "planned_completion", "deadline", "actual_completion", "carried_over", "overdue"]


@query(area="township_code")
def project_list(conn, f: Filter) -> pd.DataFrame:
    """Every project of the view, overdue first: the as-of year's and earlier years' carried over (往年结转)."""
    p = projects
    paid = _paid_by(f.as_of)
    shown, _, carried, done, deadline, overdue = _project_states(f, paid)
    late = sa.case((overdue, 1), else_=0)
    stmt = (sa.select(p.c.code, p.c.name, p.c.township_code, p.c.village_code, p.c.category, p.c.year, p.c.budget,
                      sa.func.coalesce(paid.c.paid, 0), p.c.batch, p.c.planned_completion, deadline,
                      sa.case((done, p.c.actual_completion), else_=None), sa.case((carried, 1), else_=0), late)
            .select_from(p.outerjoin(paid, paid.c.project_id == p.c.id)).where(*_projects_in_scope(f, shown))
            .order_by(late.desc(), deadline, p.c.code))
    out = frame(conn, stmt, PROJECT_COLUMNS)
    out["carried_over"] = out.carried_over.astype(bool)
    out["overdue"] = out.overdue.astype(bool)
    return out
