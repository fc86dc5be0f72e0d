"""The facts behind the count targets of the 2023 work points (003 三.6, 二.5) and 附件2 (乡镇卫生院):
公益性岗位安置, 技能培训, 产业项目带动就业, 强企帮村, and the township health centres' standard.

Each reads the records it names in its 口径 (queries/targets.py INDICATORS): the 帮扶措施 台账 (公益性岗位,
技能培训 measures), the 项目库 (带动就业人数 of industry projects), the 强企帮村 结对 list, the 乡镇 facts
(卫健). A 台账 the county never imported gives NaN (未导入), never 0; once imported, an area without rows has 0.
``values`` gives the figures on the as-of day per area, ``history`` the figure at the month ends of the
as-of year (or the township reports' period ends), for the projection to the deadline.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import sqlalchemy as sa

from queries import scope
from queries.filters import Filter
from queries.schema import aid_measures, enterprise_pairings, households, projects, township_facts
from queries.sql import ALL, area_codes, area_key, frame, on

MEASURE_TOOLS = {"public_jobs": "public_job", "training": "training"}   # indicator -> aid_measures.tool
YEARLY = ("public_jobs", "training", "industry_jobs")                   # counted from 1 January of the as-of year
KEYS = ("health_centre", "public_jobs", "training", "industry_jobs", "enterprise_pairs")


def imported(conn) -> dict[str, bool]:
    """Whether the county's database holds the 台账 each count reads at all (else the figure is 未导入)."""
    def any_row(table, *cond) -> bool:
        return conn.execute(sa.select(sa.literal(1)).select_from(table).where(*cond).limit(1)).first() is not None
    measures = any_row(aid_measures)
    return {"public_jobs": measures, "training": measures,
            "industry_jobs": any_row(projects, projects.c.jobs_driven.is_not(None)),
            "enterprise_pairs": any_row(enterprise_pairings), "health_centre": any_row(township_facts)}


def _year_start(d: date) -> date:
    return date(d.year, 1, 1)


def _measure_dates(conn, f: Filter, tool: str, by: str) -> pd.DataFrame:
    m, hh = aid_measures, households
    stmt = (sa.select(area_key(by).label("code"), m.c.registered_date).select_from(m.join(hh, hh.c.id == m.c.household_id))
            .where(m.c.tool == tool, m.c.registered_date >= on(_year_start(f.as_of)), m.c.registered_date <= on(f.as_of),
                   *scope.where(f, hh)))
    return frame(conn, stmt, ["code", "day"])


def _project_jobs(conn, f: Filter, by: str) -> pd.DataFrame:
    p = projects
    key = area_key(by, p)
    stmt = sa.select(key.label("code"), p.c.actual_completion, p.c.jobs_driven).where(
        p.c.year == f.as_of.year, p.c.category == "industry", p.c.jobs_driven.is_not(None),
        p.c.actual_completion <= on(f.as_of), *scope.where(f, p))
    return frame(conn, stmt, ["code", "day", "jobs"])


def _pairings(conn, f: Filter, by: str) -> pd.DataFrame:
    e = enterprise_pairings
    key = area_key(by, e)
    stmt = sa.select(key.label("code"), e.c.signed_date, e.c.ended_date).where(
        e.c.signed_date <= on(f.as_of), *scope.where(f, e))
    return frame(conn, stmt, ["code", "signed", "ended"])


def _in_force(p: pd.DataFrame, d: date) -> pd.Series:
    return (p.signed <= d) & (p.ended.isna() | p.ended.map(lambda e: e is not None and not pd.isna(e) and e > d))


def _centre_reports(conn, f: Filter) -> pd.DataFrame:
    t = township_facts
    stmt = sa.select(t.c.township_code, t.c.period_end, t.c.health_centre_standard).where(
        t.c.period_end <= on(f.as_of), t.c.health_centre_standard.is_not(None), *scope.where(f, t))
    return frame(conn, stmt, ["code", "period_end", "standard"])


def _centre_on(reports: pd.DataFrame, d: date) -> pd.DataFrame:
    """Each township's latest report on or before day d."""
    r = reports[reports.period_end <= d].sort_values(["code", "period_end"])
    return r.groupby("code", as_index=False).last()


def values(conn, f: Filter, by: str, codes: list[str]) -> pd.DataFrame:
    """Wide table over the given area codes: <key>__n (and health_centre__d) on the as-of day."""
    have = imported(conn)
    wide = pd.DataFrame({"code": pd.Series(codes, dtype=object)})

    def put(key: str, counts: pd.Series) -> None:
        col = wide.code.map(counts).astype(float)
        wide[f"{key}__n"] = col.fillna(0) if have[key] else np.nan

    for key, tool in MEASURE_TOOLS.items():
        put(key, _measure_dates(conn, f, tool, by).groupby("code").size())
    put("industry_jobs", _project_jobs(conn, f, by).groupby("code").jobs.sum())
    p = _pairings(conn, f, by)
    put("enterprise_pairs", p[_in_force(p, f.as_of)].groupby("code").size())
    wide["health_centre__n"] = wide["health_centre__d"] = np.nan
    if by != "village":   # one centre per township: no village figure
        r = _centre_on(_centre_reports(conn, f), f.as_of)
        r["code"] = area_codes(r.assign(township_code=r.code), by)
        g = r.groupby("code").standard
        wide["health_centre__n"] = wide.code.map(g.sum()).astype(float)
        wide["health_centre__d"] = wide.code.map(g.size()).astype(float)
    return wide


def month_ends(d: date) -> list[date]:
    """The month ends of d's year before d, then d itself."""
    ends = [e.date() for e in pd.date_range(_year_start(d), d, freq="ME") if e.date() < d]
    return [*ends, d]


def history(conn, f: Filter, key: str) -> pd.DataFrame:
    """period_end, numerator, denominator, value of the indicator for the filter's area: at the month ends of
    the as-of year (counts), or at the townships' report period ends (卫生院, each township's latest report)."""
    if key == "health_centre":
        reports = _centre_reports(conn, f)
        rows = []
        for end in sorted(reports.period_end.unique()):
            r = _centre_on(reports, end)
            rows.append((end, float(r.standard.sum()), float(len(r))))
        out = pd.DataFrame(rows, columns=["period_end", "numerator", "denominator"])
        out["value"] = out.numerator / out.denominator.where(out.denominator > 0) * 100
        return out
    if not imported(conn)[key]:
        return pd.DataFrame(columns=["period_end", "numerator", "denominator", "value"])
    ends = month_ends(f.as_of)
    if key in MEASURE_TOOLS:
        days = _measure_dates(conn, f, MEASURE_TOOLS[key], ALL).day
        counts = [float((days <= e).sum()) for e in ends]
    elif key == "industry_jobs":
        p = _project_jobs(conn, f, ALL)
        counts = [float(p.jobs[p.day <= e].sum()) for e in ends]
    else:
        p = _pairings(conn, f, ALL)
        counts = [float(_in_force(p, e).sum()) for e in ends]
    return pd.DataFrame({"period_end": ends, "numerator": counts, "denominator": np.nan, "value": counts})
