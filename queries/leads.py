"""Leads and graded warnings (预警线索): open by level, overdue, per 100 households, days to decision."""

import pandas as pd
import sqlalchemy as sa

from queries import scope
from queries.codes import WARNING_LEVELS
from queries.filters import Filter
from queries.metrics import define
from queries.registry import query, shown
from queries.schema import households, members, villages, warnings
from queries.sql import (area_key, count_if, days_between, frame, head_name, households_by_area, median_by, on,
                         overdue_on, ratio, undecided_on, warning_open_on, with_areas)

T = "预警"
define("open_warnings", "未解除预警", "截至日期时已发出、尚未解除的预警线索数（红、橙、黄合计，含待研判）。线索在以下日期中最早的一天解除：台账所填的预警解除日期；研判为不予纳入的，研判日期；研判为纳入监测的，该户的风险消除日期。", unit="条", topic=T)
define("warnings_per_100", "每百户预警数", "未解除预警数（口径同“未解除预警”）÷ 该区域系统内农户总数 × 100。便于不同规模的乡镇、村之间比较。",
       unit="条/百户", topic=T)
define("pending_leads", "待研判线索", "截至日期时已产生、尚未作出研判结论的线索数。", unit="条", topic=T)
define("decided_in_period", "本期研判线索", "本期（月或季度，自期初至截至日期）内作出研判结论的线索数。", unit="条", topic=T)
define("median_days_to_decision", "研判用时中位数",
       "本期内作出研判的线索，从线索产生到研判的天数的中位数。国家要求15天内完成。", unit="天", topic=T)

AREA_COLUMNS = ["households", "open_red", "open_orange", "open_yellow", "open_total", "pending", "overdue",
                "decided_in_period", "median_days"]


@query(area="code")
def leads_by_area(conn, f: Filter, by: str = "township") -> pd.DataFrame:
    """Per area: households, open warnings by level, per 100 households, pending, overdue,
    decided in the period and the median days to decision."""
    d, w = f.as_of, warnings
    key = area_key(by, w)   # the leads' own area columns: no lookup of every household
    in_scope = scope.where(f, w)
    cols = [count_if(sa.and_(warning_open_on(d), w.c.level == lv)).label(f"open_{lv}") for lv in WARNING_LEVELS]
    cols += [count_if(warning_open_on(d)).label("open_total"), count_if(undecided_on(d)).label("pending"),
             count_if(overdue_on(f)).label("overdue"),
             count_if(sa.and_(w.c.decision_date >= on(f.period_start), w.c.decision_date <= on(d))).label("decided")]
    wcount = sa.select(key.label("code"), *cols).where(w.c.raised_date <= on(d), *in_scope).group_by(key)
    decided = sa.select(key.label("code"), days_between(w.c.raised_date, w.c.decision_date).label("days")
                        ).where(w.c.decision_date >= on(f.period_start), w.c.decision_date <= on(d),
                                *in_scope).subquery()
    # three small statements merged here: one statement joining them made SQLite evaluate the counts twice
    data = (frame(conn, households_by_area(f, by), ["code", "households"])
            .merge(frame(conn, wcount, ["code", *AREA_COLUMNS[1:-1]]), on="code", how="outer")
            .merge(frame(conn, median_by(decided, ["code"], "days"), ["code", "median_days"]), on="code", how="left"))
    out = with_areas(conn, f, by, data, AREA_COLUMNS)
    out["per_100"] = ratio(out.open_total, out.households, 100).round(2)
    return out[["code", "name", "township_code", *AREA_COLUMNS[:5], "per_100", *AREA_COLUMNS[5:]]]


LIST_COLUMNS = ["warning_id", "household_id", "household_code", "head_name", "village_name", "level", "source",
                "raised_date", "decision", "decision_date", "days_waiting", "overdue"]


@query(area="household_id", personal=shown(head_name=members.c.name))
def open_lead_list(conn, f: Filter, limit: int = 1000) -> pd.DataFrame:
    """Open warnings in scope, overdue first, then by level and age: the drill-down to households."""
    d, hh, w = f.as_of, households, warnings
    decided_by_d = sa.and_(w.c.decision_date.is_not(None), w.c.decision_date <= on(d))
    days_waiting = sa.case((decided_by_d, days_between(w.c.raised_date, w.c.decision_date)),
                           else_=days_between(w.c.raised_date, on(d)))
    overdue = sa.case((overdue_on(f), 1), else_=0)
    level_rank = sa.case({lv: i for i, lv in enumerate(WARNING_LEVELS)}, value=w.c.level, else_=9)
    # the first `limit` open leads from the leads alone; households and names only for those
    first = (sa.select(w.c.id, w.c.household_id, w.c.level, w.c.source, w.c.raised_date,
                       sa.case((decided_by_d, w.c.decision), else_=None).label("decision"),
                       sa.case((decided_by_d, w.c.decision_date), else_=None).label("decision_date"),
                       days_waiting.label("days_waiting"), overdue.label("overdue"), level_rank.label("level_rank"))
             .where(warning_open_on(d), *scope.where(f, w))
             .order_by(overdue.desc(), level_rank, w.c.raised_date, w.c.id).limit(limit).subquery())
    stmt = (sa.select(first.c.id, hh.c.id, hh.c.code, head_name(), villages.c.name, first.c.level, first.c.source,
                      first.c.raised_date, first.c.decision, first.c.decision_date, first.c.days_waiting,
                      first.c.overdue)
            .select_from(first.join(hh, hh.c.id == first.c.household_id)
                         .join(villages, villages.c.code == hh.c.village_code))
            .order_by(first.c.overdue.desc(), first.c.level_rank, first.c.raised_date, first.c.id))
    out = frame(conn, stmt, LIST_COLUMNS)
    out["overdue"] = out.overdue.astype(bool)
    return out
