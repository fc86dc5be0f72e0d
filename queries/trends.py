"""Trends over time: new leads, identifications and eliminations per month or quarter."""

from datetime import date

import pandas as pd
import sqlalchemy as sa

from queries import scope
from queries.filters import Filter
from queries.metrics import define
from queries.schema import households, warnings
from queries.registry import query
from queries.sql import frame, on, period_key

TREND_START = date(2023, 1, 1)  # history in the demo database starts here
T = "趋势"
define("new_leads", "新增线索", "本期（月或季度）内产生的预警线索数。", unit="条", topic=T)
define("new_identified", "新识别监测户", "本期内识别纳入监测的户数。", topic=T)
define("new_eliminated", "风险消除户", "本期内标注风险消除的户数。", topic=T)

TREND_KINDS = {"new_leads": "新增线索", "new_identified": "新识别监测户", "new_eliminated": "风险消除户"}


def _counts(conn, f: Filter, date_col, kind: str) -> pd.DataFrame:
    key = period_key(date_col, f.period)
    stmt = (sa.select(key, sa.func.count())
            .where(date_col >= on(TREND_START), date_col <= on(f.as_of), *scope.where(f, date_col.table))
            .group_by(key).order_by(key))
    out = frame(conn, stmt, ["period", "count"])
    out["kind"] = kind
    return out


@query()
def monthly_trend(conn, f: Filter) -> pd.DataFrame:
    """Wide frame: one row per period (every period from 2023 to the as-of day, zeros included)."""
    hh, w = households, warnings
    parts = [
        _counts(conn, f, w.c.raised_date, "new_leads"),
        _counts(conn, f, hh.c.identified_date, "new_identified"),
        _counts(conn, f, hh.c.eliminated_date, "new_eliminated"),
    ]
    long = pd.concat(parts, ignore_index=True)
    periods = all_periods(f)
    wide = long.pivot_table(index="period", columns="kind", values="count", aggfunc="sum").reindex(periods)
    wide = wide.reindex(columns=list(TREND_KINDS)).fillna(0).astype(int).reset_index()
    return wide.rename(columns={"index": "period"})


def all_periods(f: Filter) -> list[str]:
    """Period keys from TREND_START to the as-of day, matching queries.sql.period_key."""
    freq = "MS" if f.period == "month" else "QS"
    starts = pd.date_range(TREND_START, f.as_of, freq=freq)
    if f.period == "month":
        return [f"{d.year}-{d.month:02d}" for d in starts]
    return [f"{d.year}-Q{(d.month - 1) // 3 + 1}" for d in starts]
