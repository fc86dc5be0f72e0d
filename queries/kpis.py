"""Headline KPIs for the meeting page, each with its value one quarter earlier."""

import pandas as pd
import sqlalchemy as sa

from queries import scope
from queries.codes import MONITOR_CATEGORIES, WARNING_LEVELS
from queries.filters import Filter
from queries.metrics import define
from queries.schema import aid_measures, households, warnings
from queries.registry import query
from queries.sql import count_if, eliminated_by, monitored_on, on, overdue_on, warning_open_on
T = "总览"
define("monitored", "监测户数", "截至日期时已识别纳入监测、且尚未标注风险消除的农户数。", topic=T)
for code, name in MONITOR_CATEGORIES.items():
    define(f"monitored_{code}", name, f"监测户中类别为“{name}”的户数（截至日期时处于监测状态）。", topic=T)
for code, name in WARNING_LEVELS.items():
    define(f"open_{code}", f"未解除{name}",
           f"截至日期时已发出、尚未解除的{name}线索数（含待研判线索）。线索在以下日期中最早的一天解除：台账所填的预警解除日期；研判为不予纳入的，研判日期；研判为纳入监测的，该户的风险消除日期。", unit="条", topic=T)
define("overdue_leads", "超15天未研判线索",
       "截至日期时仍未作出研判（纳入监测或不予纳入）、且产生已超过15天的线索数。国家规定线索应在15天内完成研判。",
       unit="条", topic=T)
define("eliminated", "累计风险消除户数", "截至日期时已识别纳入监测、且已标注风险消除的农户数（记录保留）。", topic=T)
define("elimination_rate", "累计风险消除率",
       "累计风险消除户数 ÷ 截至日期前累计识别的监测户数。兜底保障户一般不标注消除，会拉低该比例。", unit="%", topic=T)
define("no_measure", "无帮扶措施监测户",
       "截至日期时处于监测状态、但没有登记任何帮扶措施的户数。要求“应帮尽帮”，目标为0。", topic=T)

KPI_KEYS = ["monitored", *[f"monitored_{c}" for c in MONITOR_CATEGORIES], *[f"open_{c}" for c in WARNING_LEVELS],
            "overdue_leads", "eliminated", "elimination_rate", "no_measure"]


def _snapshot(conn, f: Filter) -> dict[str, float]:
    d = f.as_of
    hh = households
    has_measure = sa.exists().where(aid_measures.c.household_id == hh.c.id, aid_measures.c.registered_date <= on(d))
    cols = [count_if(monitored_on(d)).label("monitored")]
    cols += [count_if(sa.and_(monitored_on(d), hh.c.monitor_category == c)).label(f"monitored_{c}")
             for c in MONITOR_CATEGORIES]
    cols += [count_if(eliminated_by(d)).label("eliminated"),
             count_if(sa.and_(hh.c.monitor_category.is_not(None), hh.c.identified_date <= on(d))).label("ever"),
             count_if(sa.and_(monitored_on(d), ~has_measure)).label("no_measure")]
    stmt = sa.select(*cols).where(hh.c.monitor_category.is_not(None), *scope.where(f, hh))
    values = dict(conn.execute(stmt).one()._mapping)

    w = warnings
    wcols = [count_if(sa.and_(warning_open_on(d), w.c.level == c)).label(f"open_{c}") for c in WARNING_LEVELS]
    wcols.append(count_if(overdue_on(f)).label("overdue_leads"))
    wstmt = sa.select(*wcols).where(w.c.raised_date <= on(d), *scope.where(f, w))
    values |= dict(conn.execute(wstmt).one()._mapping)
    ever = values.pop("ever")
    values["elimination_rate"] = values["eliminated"] / ever * 100 if ever else float("nan")
    return {k: float(v) for k, v in values.items()}


@query()
def headline_kpis(conn, f: Filter) -> pd.DataFrame:
    """One row per KPI: value on the as-of day, value one quarter earlier, and the change."""
    from queries.metrics import metric
    now, before = _snapshot(conn, f), _snapshot(conn, f.previous_quarter)
    rows = [(k, metric(k).name, now[k], before[k], now[k] - before[k], metric(k).unit) for k in KPI_KEYS]
    return pd.DataFrame(rows, columns=["key", "name", "value", "previous", "change", "unit"])
