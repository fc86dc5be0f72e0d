"""Household search, list and one household's full record (户情).

These return personal data in full; the registry marks which result columns show which schema column, and
the dashboard's pipeline masks them for the viewer (queries/privacy.py) before anything reaches the UI.
"""

import pandas as pd
import sqlalchemy as sa

from queries import scope
from queries.codes import WARNING_LEVELS
from queries.filters import Filter
from queries.schema import (aid_measures, helpers, household_checks, household_income, households, members,
                            monitoring_lines, risk_factors, townships, villages, visits, warnings)
from queries.registry import query, shown
from queries.sql import frame, head_name, monitored_on, on, open_on, warning_closed_by, warning_open_on

LIST_COLUMNS = ["household_id", "code", "head_name", "township_name", "village_name", "hh_type", "monitor_category",
                "status", "worst_open_level", "open_factors", "measures", "helper_name", "last_visit"]
SEARCH_MAX = 50


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@query(area="household_id", personal=shown(head_name=members.c.name, helper_name=helpers.c.name),
       search={"name": members.c.name})
def household_list(conn, f: Filter, code: str | None = None, name: str | None = None, monitored_only: bool = True,
                   limit: int = 200) -> pd.DataFrame:
    """Households in scope, optionally matching a household code (prefix) or a head's name (part); given
    both, either may match."""
    d, hh = f.as_of, households
    head = head_name()
    w = warnings
    level_rank = sa.case({lv: i for i, lv in enumerate(WARNING_LEVELS)}, value=w.c.level, else_=9)
    worst = sa.select(w.c.household_id, sa.func.min(level_rank).label("rank")).where(
        warning_open_on(d)).group_by(w.c.household_id).subquery()
    where = scope.where(f, hh)
    if monitored_only:
        where.append(monitored_on(d))
    matches = []
    if code and code.strip():
        matches.append(hh.c.code.like(_like_escape(code.strip()[:SEARCH_MAX]) + "%", escape="\\"))
    if name and name.strip():
        matches.append(head.like("%" + _like_escape(name.strip()[:SEARCH_MAX]) + "%", escape="\\"))
    if matches:
        where.append(sa.or_(*matches))
    # the first `limit` households (worst open warning first); their details are looked up afterwards,
    # by household, instead of counting every household's factors, measures and visits first
    rank = sa.func.coalesce(worst.c.rank, 9)
    first = (sa.select(hh.c.id, rank.label("rank")).select_from(hh.outerjoin(worst, worst.c.household_id == hh.c.id))
             .where(*where).order_by(rank, hh.c.code).limit(limit).subquery())
    rf, m, v = risk_factors, aid_measures, visits
    n_factors = sa.select(sa.func.count()).where(rf.c.household_id == hh.c.id,
                                                 open_on(d, rf.c.identified_date, rf.c.resolved_date)).scalar_subquery()
    n_measures = sa.select(sa.func.count()).where(m.c.household_id == hh.c.id,
                                                  m.c.registered_date <= on(d)).scalar_subquery()
    last_visit = sa.select(sa.func.max(v.c.visit_date)).where(v.c.household_id == hh.c.id,
                                                              v.c.visit_date <= on(d)).scalar_subquery()
    status = sa.case((monitored_on(d), "monitoring"),
                     (sa.and_(hh.c.identified_date <= on(d), hh.c.eliminated_date <= on(d)), "eliminated"),
                     else_="not_monitored")
    stmt = (sa.select(hh.c.id, hh.c.code, head, townships.c.name, villages.c.name, hh.c.hh_type,
                      hh.c.monitor_category, status, sa.case((first.c.rank < 9, first.c.rank), else_=None),
                      n_factors, n_measures, helpers.c.name, last_visit)
            .select_from(first.join(hh, hh.c.id == first.c.id)
                         .join(villages, villages.c.code == hh.c.village_code)
                         .join(townships, townships.c.code == hh.c.township_code)
                         .outerjoin(helpers, helpers.c.id == hh.c.helper_id))
            .order_by(first.c.rank, hh.c.code))
    out = frame(conn, stmt, LIST_COLUMNS)
    levels = list(WARNING_LEVELS)
    out["worst_open_level"] = [levels[int(r)] if pd.notna(r) and int(r) < len(levels) else None
                               for r in out.worst_open_level]
    return out


@query(area="household_id")
def household_id_by_code(conn, f: Filter, code: str) -> int | None:
    """The id of the household with this code in the filter's area (whatever its category), else None."""
    stmt = sa.select(households.c.id).where(households.c.code == code, *scope.where(f, households, category=False))
    return conn.execute(stmt).scalar()


CHECK_COLUMNS = ("checked_on", "house_grade", "house_repair", "water_source", "tap_water", "water_quality",
                 "water_quantity", "water_convenience", "water_reliability", "food_clothing", "dibao", "tekun",
                 "elderly_alone")


def net_income(inc: pd.DataFrame, size: int) -> pd.Series:
    """Per-capita income net of rigid spending: 人均纯收入 − (自负医疗费 + 教育支出) ÷ 家庭人口数, as 漏评排查
    counts it (queries/screening.py); NaN where neither spending was recorded or nobody is registered."""
    spent = inc[["medical_self_paid", "school_cost"]].apply(pd.to_numeric, errors="coerce")
    total = spent.sum(axis=1, min_count=1)
    return pd.to_numeric(inc.per_capita_income, errors="coerce") - total / size if size else total * float("nan")


def _record_code(rec) -> str | None:
    return None if rec is None else str(rec["household"].code.iloc[0])


@query(area="household_id", view_of=_record_code, personal={
    "household": shown(households.c.negative_factor, helper_name=helpers.c.name, helper_phone=helpers.c.phone),
    "members": shown(members.c.name, members.c.id_number, members.c.phone, members.c.health, members.c.disability_level),
    "factors": shown(risk_factors.c.factor_type),
    # the self-paid medical cost, and the income net of it, tell that someone in the household is ill
    "income": shown(household_income.c.medical_self_paid, net_income=household_income.c.medical_self_paid),
    "warnings": shown(warnings.c.dismiss_reason),
    "visits": shown(visits.c.note, visitor_name=helpers.c.name)})
def household_record(conn, f: Filter, household_id: int) -> dict[str, pd.DataFrame] | None:
    """Everything about one household up to the as-of day; None if it does not exist or is outside the
    filter's area (its category does not matter)."""
    hh, as_of = households, f.as_of
    in_scope = scope.where(f, hh, category=False)
    # dates after the as-of day have not happened yet on that day
    identified = sa.case((hh.c.identified_date <= on(as_of), hh.c.identified_date), else_=None)
    head = sa.select(hh.c.id, hh.c.code, hh.c.hh_type,
                     sa.case((hh.c.identified_date <= on(as_of), hh.c.monitor_category), else_=None), identified,
                     sa.case((hh.c.eliminated_date <= on(as_of), hh.c.eliminated_date), else_=None), hh.c.assistance_only, hh.c.negative_factor, hh.c.updated_date,
                     townships.c.name, villages.c.name, helpers.c.name, helpers.c.phone, helpers.c.unit
                     ).select_from(hh.join(villages, villages.c.code == hh.c.village_code)
                                   .join(townships, townships.c.code == hh.c.township_code)
                                   .outerjoin(helpers, helpers.c.id == hh.c.helper_id)).where(hh.c.id == household_id, *in_scope)
    info = frame(conn, head, ["household_id", "code", "hh_type", "monitor_category", "identified_date",
                              "eliminated_date", "assistance_only", "negative_factor", "updated_date",
                              "township_name", "village_name", "helper_name", "helper_phone", "helper_unit"])
    if info.empty:
        return None
    m = members
    rec = {"household": info}
    rec["members"] = frame(conn, sa.select(m.c.id, m.c.name, m.c.id_number, m.c.phone, m.c.gender, m.c.birth_date,
                                           m.c.relation, m.c.labour, m.c.employment, m.c.is_student, m.c.school_stage,
                                           m.c.dropout, m.c.insured, m.c.disability_level, m.c.health)
                           .where(m.c.household_id == household_id).order_by(m.c.id),
                           ["member_id", "name", "id_number", "phone", "gender", "birth_date", "relation", "labour",
                            "employment", "is_student", "school_stage", "dropout", "insured", "disability_level", "health"])
    inc = household_income
    rec["income"] = frame(conn, sa.select(inc.c.year, inc.c.per_capita_income, inc.c.total_income, inc.c.rigid_expense,
                                          inc.c.medical_self_paid, inc.c.school_cost, monitoring_lines.c.yuan)
                          .select_from(inc.outerjoin(monitoring_lines, monitoring_lines.c.year == inc.c.year))
                          .where(inc.c.household_id == household_id, inc.c.year <= as_of.year).order_by(inc.c.year),
                          ["year", "per_capita_income", "total_income", "rigid_expense", "medical_self_paid",
                           "school_cost", "monitoring_line"])
    rec["income"]["net_income"] = net_income(rec["income"], len(rec["members"]))
    hc = household_checks
    rec["checks"] = frame(conn, sa.select(*(hc.c[c] for c in CHECK_COLUMNS))
                          .where(hc.c.household_id == household_id, hc.c.checked_on <= on(as_of))
                          .order_by(hc.c.checked_on.desc(), hc.c.id.desc()), list(CHECK_COLUMNS))
    rf = risk_factors
    rec["factors"] = frame(conn, sa.select(rf.c.factor_group, rf.c.factor_type, rf.c.disaster_kind, rf.c.identified_date,
                                           sa.case((rf.c.resolved_date <= on(as_of), rf.c.resolved_date), else_=None))
                           .where(rf.c.household_id == household_id, rf.c.identified_date <= on(as_of))
                           .order_by(rf.c.identified_date, rf.c.id),
                           ["factor_group", "factor_type", "disaster_kind", "identified_date", "resolved_date"])
    w = warnings
    decided = sa.and_(w.c.decision_date.is_not(None), w.c.decision_date <= on(as_of))
    rec["warnings"] = frame(conn, sa.select(w.c.level, w.c.source, w.c.raised_date,
                                            sa.case((decided, w.c.decision), else_=None),
                                            sa.case((decided, w.c.decision_date), else_=None),
                                            sa.case((decided, w.c.dismiss_reason), else_=None),
                                            warning_closed_by(as_of))
                            .where(w.c.household_id == household_id, w.c.raised_date <= on(as_of))
                            .order_by(w.c.raised_date, w.c.id),
                            ["level", "source", "raised_date", "decision", "decision_date", "dismiss_reason", "closed_date"])
    am = aid_measures
    rec["measures"] = frame(conn, sa.select(am.c.tool_group, am.c.tool, am.c.department, am.c.registered_date,
                                            am.c.planned_date,
                                            sa.case((am.c.completed_date <= on(as_of), am.c.completed_date), else_=None),
                                            am.c.amount)
                            .where(am.c.household_id == household_id, am.c.registered_date <= on(as_of))
                            .order_by(am.c.registered_date, am.c.id),
                            ["tool_group", "tool", "department", "registered_date", "planned_date", "completed_date",
                             "amount"])
    v = visits
    rec["visits"] = frame(conn, sa.select(v.c.visit_date, v.c.visitor_kind, helpers.c.name, v.c.note)
                          .select_from(v.outerjoin(helpers, helpers.c.id == v.c.helper_id))
                          .where(v.c.household_id == household_id, v.c.visit_date <= on(as_of))
                          .order_by(v.c.visit_date.desc(), v.c.id.desc()),
                          ["visit_date", "visitor_kind", "visitor_name", "note"])
    return rec
