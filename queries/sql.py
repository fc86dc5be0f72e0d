"""Portable SQL building blocks: date arithmetic per dialect, the state of a record on a day,
areas in scope (through queries/scope.py), and turning a statement into a DataFrame with fixed columns."""

from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

from queries import scope
from queries.filters import COUNTY_DIGITS, Filter
from queries.schema import households, members, villages, warnings


class days_between(FunctionElement):
    """Whole days from start to end (end - start)."""
    type = sa.Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"CAST(julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_pg(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"({compiler.process(end, **kw)} - {compiler.process(start, **kw)})"


class make_date(FunctionElement):
    """The date year-month-day from three integer expressions."""
    type = sa.Date()
    inherit_cache = True
    name = "make_date"


@compiles(make_date, "sqlite")
def _make_date_sqlite(element, compiler, **kw):
    y, m, d = (compiler.process(c, **kw) for c in element.clauses)
    return f"date(printf('%04d-%02d-%02d', {y}, {m}, {d}))"


@compiles(make_date, "postgresql")
def _make_date_pg(element, compiler, **kw):
    y, m, d = (compiler.process(c, **kw) for c in element.clauses)
    return f"make_date(CAST({y} AS INTEGER), CAST({m} AS INTEGER), CAST({d} AS INTEGER))"


class period_key(FunctionElement):
    """'2026-03' (month) or '2026-Q1' (quarter) for a date."""
    type = sa.String()
    inherit_cache = True
    name = "period_key"
    # kind is part of the SQL text, so it must be part of the statement cache key too
    _traverse_internals = FunctionElement._traverse_internals + [("kind", InternalTraversal.dp_string)]

    def __init__(self, d, kind: str):
        self.kind = kind
        super().__init__(d)


@compiles(period_key, "sqlite")
def _period_sqlite(element, compiler, **kw):
    d = compiler.process(list(element.clauses)[0], **kw)
    if element.kind == "month":
        return f"strftime('%Y-%m', {d})"
    return f"(strftime('%Y', {d}) || '-Q' || ((CAST(strftime('%m', {d}) AS INTEGER) + 2) / 3))"


@compiles(period_key, "postgresql")
def _period_pg(element, compiler, **kw):
    d = compiler.process(list(element.clauses)[0], **kw)
    return f"to_char({d}, 'YYYY-MM')" if element.kind == "month" else f"to_char({d}, 'YYYY-\"Q\"Q')"


def on(d: date):
    """A date bound as a typed literal parameter (SQLite compares ISO strings, PostgreSQL dates)."""
    return sa.literal(d, sa.Date)


# -- the state of a record on day d -----------------------------------------------------------
def monitored_on(d: date, hh=households):
    return sa.and_(hh.c.monitor_category.is_not(None), hh.c.identified_date <= on(d),
                   sa.or_(hh.c.eliminated_date.is_(None), hh.c.eliminated_date > on(d)))


def eliminated_by(d: date, hh=households):
    return sa.and_(hh.c.monitor_category.is_not(None), hh.c.identified_date <= on(d), hh.c.eliminated_date <= on(d))


# -- a lead's life: raised -> decided (纳入监测 / 不予纳入) -> closed (解除) ---------------------------
def earliest(*dates):
    """SQL: the earliest of these nullable dates (NULL only when all are NULL). SQLite's min() and
    PostgreSQL's LEAST disagree on NULLs, so it is spelled out."""
    first, *rest = dates
    for d in rest:
        first = sa.case((first.is_(None), d), (sa.or_(d.is_(None), first <= d), first), else_=d)
    return first


def lead_closed_on(w=warnings, hh=households):
    """SQL: the day a lead is closed (解除): the earliest of its own close date (预警解除日期), its 不予纳入
    decision date, and - decided 纳入监测 - its household's risk-elimination date (an elimination before
    the lead was raised belongs to an earlier spell and does not close it). Stored as warnings.closed_on
    by seed/derive.py at every load and import; queries read the stored column."""
    elim = sa.select(hh.c.eliminated_date).where(hh.c.id == w.c.household_id).scalar_subquery()
    return earliest(w.c.closed_date,
                    sa.case((w.c.decision == "dismissed", w.c.decision_date), else_=None),
                    sa.case((sa.and_(w.c.decision == "identified", elim >= w.c.raised_date), elim), else_=None))


def warning_open_on(d: date, w=warnings):
    """Raised and not yet closed on day d (pending, or 纳入监测 and the household's risk not yet eliminated)."""
    return sa.and_(w.c.raised_date <= on(d), sa.or_(w.c.closed_on.is_(None), w.c.closed_on > on(d)))


def warning_closed_by(d: date, w=warnings):
    """Closed on or before day d (the close day shown on a household's record)."""
    return sa.case((w.c.closed_on <= on(d), w.c.closed_on), else_=None)


def undecided_on(d: date, w=warnings):
    return sa.and_(w.c.raised_date <= on(d), sa.or_(w.c.decision_date.is_(None), w.c.decision_date > on(d)))


def overdue_on(f: Filter, w=warnings):
    """Undecided more than 15 days after the lead was raised."""
    return sa.and_(undecided_on(f.as_of, w), w.c.raised_date < on(f.overdue_cutoff))


def open_on(d: date, start_col, end_col):
    return sa.and_(start_col <= on(d), sa.or_(end_col.is_(None), end_col > on(d)))


def head_name(hh=households):
    """The household head's name, as a subquery evaluated only for the rows a query returns (by the
    members' household index) instead of grouping every member of the county first."""
    m = members
    return (sa.select(sa.func.min(m.c.name)).where(m.c.household_id == hh.c.id, m.c.relation == "head")
            .scalar_subquery())


def count_if(cond):
    return sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)


def monitored_households(f: Filter):
    """SELECT id of the households monitored on the as-of day in scope: an IN list read from the covering
    index, cheaper than looking up the household of each of a province's 100,000s of child rows."""
    return sa.select(households.c.id).where(monitored_on(f.as_of), *scope.where(f, households))


def households_by_area(f: Filter, by: str):
    """SELECT code, households: households per area in scope, from the villages' stored counts (whatever the
    category: the denominator of the per-100 figures is every household in the area)."""
    key = area_key(by, villages)
    return (sa.select(key.label("code"), sa.func.sum(villages.c.household_count).label("households"))
            .where(*scope.where(f, villages)).group_by(key))


def frame(conn, stmt, columns: list[str]) -> pd.DataFrame:
    """Run a statement; the result always has exactly these columns, even when empty."""
    rows = conn.execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def median_by(inner, group_cols: list[str], value_col: str):
    """Median of value_col per group, with window functions (SQLite has no MEDIAN)."""
    v = inner.c[value_col]
    groups = [inner.c[g] for g in group_cols]
    ranked = sa.select(*groups, v.label("v"),
                       sa.func.row_number().over(partition_by=groups, order_by=v).label("rn"),
                       sa.func.count().over(partition_by=groups).label("n")).subquery()
    mid = sa.or_(ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.rn == (ranked.c.n + 2) // 2)  # integer division
    out_groups = [ranked.c[g] for g in group_cols]
    return sa.select(*out_groups, sa.func.avg(sa.cast(ranked.c.v, sa.Float)).label("median")).where(mid).group_by(*out_groups)


# -- grouping by area ---------------------------------------------------------------------------
# "all": the whole scope in one row (code "all": the database, a county or a township, whatever the filter
# leaves); "county", "township", "village": one row per area of that level in scope.
AREA_LEVELS = ("all", "county", "township", "village")
ALL = "all"


def area_key(by: str, table=households):
    """The column of `table` (or an alias) that groups its rows by area; codes are hierarchical, so a row's
    county is the first 6 digits of its township's code."""
    if by == ALL:
        return sa.literal(ALL)
    if by not in AREA_LEVELS:
        raise ValueError(f"unknown area level {by!r}")
    name = getattr(getattr(table, "element", table), "name", None)   # a subquery has its own area columns
    town, village = scope.OWN_AREA.get(name, ("township_code", "village_code"))
    if by == "county":
        # literal positions: bound parameters would make PostgreSQL see the SELECT and GROUP BY as different
        return sa.func.substr(table.c[town], sa.literal_column("1"), sa.literal_column(str(COUNTY_DIGITS)))
    return table.c[town] if by == "township" else table.c[village]


def area_codes(df: pd.DataFrame, by: str) -> pd.Series:
    """The same grouping for fetched rows with township_code and village_code columns."""
    if by == ALL:
        return pd.Series(ALL, index=df.index, dtype=object)
    if by == "county":
        return df["township_code"].str[:COUNTY_DIGITS]
    return df[f"{by}_code"]


def scope_name(conn, f: Filter) -> str:
    """The name of what the filter's whole scope is: its township, its county, or the city (several
    counties) - the label of an "all" row."""
    from queries.schema import county, meta, townships
    if f.township:
        return conn.execute(sa.select(townships.c.name).where(townships.c.code == f.township)).scalar() or "全乡镇"
    code = f.county or only_county(conn)
    if code:
        return conn.execute(sa.select(county.c.name).where(county.c.code == code)).scalar() or "全县"
    return conn.execute(sa.select(meta.c.value).where(meta.c.key == "city_name")).scalar() or "全市"


def only_county(conn) -> str | None:
    """The code of the database's county when it holds just one (a county's database), else None (a city)."""
    from queries.schema import county
    codes = conn.execute(sa.select(county.c.code).limit(2)).scalars().all()
    return codes[0] if len(codes) == 1 else None


def areas_in_scope(conn, f: Filter, by: str) -> pd.DataFrame:
    """Every area of the level inside the filter's scope (code, name, township_code), so that an
    area with nothing to count still shows with zeros."""
    from queries.schema import county, townships
    if by == ALL:
        return pd.DataFrame({"code": [ALL], "name": [scope_name(conn, f)], "township_code": [None]})
    if by == "county":
        stmt = sa.select(county.c.code, county.c.name, sa.null()).order_by(county.c.code)
        if f.county:
            stmt = stmt.where(county.c.code == f.county)
        return frame(conn, stmt, ["code", "name", "township_code"])
    if by == "township":
        stmt = (sa.select(townships.c.code, townships.c.name, townships.c.code)
                .where(*scope.where(f, townships)).order_by(townships.c.code))
        return frame(conn, stmt, ["code", "name", "township_code"])
    stmt = (sa.select(villages.c.code, villages.c.name, villages.c.township_code)
            .where(*scope.where(f, villages)).order_by(villages.c.code))
    return frame(conn, stmt, ["code", "name", "township_code"])


def per_area(conn, f: Filter, by: str, stmt, columns: list[str]) -> pd.DataFrame:
    """Run a statement grouped by area (first column 'code') and attach every area in scope,
    filling areas without rows with 0."""
    return with_areas(conn, f, by, frame(conn, stmt, ["code", *columns]), columns)


def with_areas(conn, f: Filter, by: str, data: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Attach every area in scope to per-area results (column 'code'), filling areas without rows with 0."""
    areas = areas_in_scope(conn, f, by)
    out = areas.merge(data, on="code", how="left")
    counts = [c for c in columns if c not in ("median_days",)]
    out[counts] = out[counts].fillna(0)
    return out


def ratio(num, den, scale: float = 1.0):
    """num/den as a float column; NaN where the denominator is 0 (no basis, not 0%)."""
    num = pd.to_numeric(num, errors="coerce").astype(float)
    den = pd.to_numeric(den, errors="coerce").astype(float)
    return (num / den.where(den > 0)) * scale
