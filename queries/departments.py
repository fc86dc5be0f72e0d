"""信息比对 (部门筛查预警): leads by source in the period, how long a department took from the event it reports
(warnings.event_date) to the lead, and the departments that pushed nothing in the period."""

import pandas as pd
import sqlalchemy as sa

from queries import scope
from queries.codes import DEPARTMENT_SOURCES, LEAD_SOURCES
from queries.filters import Filter
from queries.metrics import define
from queries.registry import query
from queries.schema import warnings
from queries.sql import days_between, frame, on

T = "信息比对"
define("leads_by_source", "本期线索（按来源）",
       "线索产生日期在本期（所选月度或季度的第一天至截至日期）的预警线索条数，按线索来源（农户申报、干部排查、各部门推送）分列。",
       unit="条", topic=T)
define("department_lag_days", "事件到推送天数",
       "部门推送的线索中填写了事件发生日期的：线索产生日期 − 事件发生日期（天），列出中位数和最大值。"
       "分母：本期该部门填写了事件发生日期的线索条数（未填的不计入）。", unit="天", topic=T)
define("silent_departments", "本期未推送线索的部门",
       "本期没有产生任何线索的部门（教育、卫健、医保、民政、住建、人社、农业农村、房产、交警、医院、应急、乡村振兴、残联）。",
       unit="个", topic=T)

COLUMNS = ["source", "source_label", "department", "leads", "with_event", "median_days", "max_days"]


@query()
def leads_by_source(conn, f: Filter) -> pd.DataFrame:
    """Every lead source (all of queries/codes.py LEAD_SOURCES, a source with no lead as 0) in the period:
    leads raised, of them with an event date, and days from event to lead (median, max)."""
    w = warnings
    stmt = (sa.select(w.c.source, sa.case((w.c.event_date.is_not(None), days_between(w.c.event_date, w.c.raised_date))))
            .where(w.c.raised_date >= on(f.period_start), w.c.raised_date <= on(f.as_of), *scope.where(f, w)))
    rows = frame(conn, stmt, ["source", "days"])
    rows["days"] = pd.to_numeric(rows.days, errors="coerce")
    per = rows.groupby("source").days.agg(leads="size", with_event="count", median_days="median", max_days="max")
    out = pd.DataFrame({"source": list(LEAD_SOURCES), "source_label": list(LEAD_SOURCES.values()),
                        "department": [s in DEPARTMENT_SOURCES for s in LEAD_SOURCES]})
    out = out.merge(per, left_on="source", right_index=True, how="left")
    out[["leads", "with_event"]] = out[["leads", "with_event"]].fillna(0).astype(int)
    return out[COLUMNS]
