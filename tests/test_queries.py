"""Every public query function against the hand-built county (tests/fixture_db.py), on SQLite and PostgreSQL.

Every expected number below is a literal counted by hand from the rows in tests/fixture_db.py (its header
lists the planted situations and the derivations); none is computed with the query layer's SQL.
"""

from __future__ import annotations

import json
import math
import uuid
from datetime import date

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from queries import aid, areas, factors, households, kpis, leads, schema, target_counts, targets, trends
from queries.db import make_engine
from queries.filters import Filter
from queries.schema import metadata
from tests.fixture_db import AS_OF, T1, T2, T3, V11, V12, V13, V21, V22, V31, build_fixture, household_code

BACKENDS = ["sqlite", "postgresql"]
NO_VILLAGE = "439901101299"  # a well-formed village code that does not exist
F = Filter(as_of=AS_OF)
PREV = date(2026, 3, 30)  # the day Filter.previous_quarter gives for 2026-06-30 (03-31 would count the same)


# --- the fixture database, built once per backend for this module ------------------------------------------
# db_backend is overridden at module scope so that the (read-only) fixture database is built once per backend;
# the conftest hook still marks the postgresql variants with ``postgres``.

@pytest.fixture(scope="module", params=BACKENDS, ids=BACKENDS)
def db_backend(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def fixture_engine(db_backend, request, tmp_path_factory):
    dbname = None
    if db_backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('fixture') / 'fixture.db'}"
    else:
        server = request.getfixturevalue("pg_server")
        dbname = f"fx_{uuid.uuid4().hex[:16]}"
        url = server.create_database(dbname)
    writer = make_engine(url, read_only=False)
    metadata.create_all(writer)
    build_fixture(writer)
    writer.dispose()
    if dbname is not None:
        url = request.getfixturevalue("pg_server").reader_url(dbname)  # SELECT only, as the dashboard is given
    engine = make_engine(url, read_only=True)  # the dashboard's way in: tests cannot change the data
    try:
        yield engine
    finally:
        engine.dispose()
        if dbname is not None:
            _drop(request.getfixturevalue("pg_server"), dbname)


def _drop(server, dbname: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(host="127.0.0.1", port=server.port, user="postgres", dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))


@pytest.fixture
def conn(fixture_engine):
    with fixture_engine.connect() as c:
        yield c


# --- helpers ---------------------------------------------------------------------------------------------

def _n(v):
    """Plain comparable value: NaN/None -> None, numbers rounded to 4 places, numpy scalars unwrapped."""
    if v is None or v is pd.NaT:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        v = float(v)
        return None if math.isnan(v) else round(v, 4)
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def tab(df: pd.DataFrame, *cols) -> list[tuple]:
    return [tuple(_n(v) for v in row) for row in df[list(cols)].itertuples(index=False)]


def rows(*expected) -> list[tuple]:
    return [tuple(_n(v) for v in r) for r in expected]


def col(df: pd.DataFrame, name: str) -> list:
    return [_n(v) for v in df[name]]


def by_key(df: pd.DataFrame, key: str, *cols) -> dict:
    return {r[0]: tuple(_n(v) for v in r[1:]) for r in df[[key, *cols]].itertuples(index=False)}


def f(**kw) -> Filter:
    return Filter(as_of=kw.pop("as_of", AS_OF), **kw)


# --- the fixture itself ---------------------------------------------------------------------------------

def test_build_fixture_into_empty_db(empty_db):
    """build_fixture fills a fresh database of either backend; row counts and FKs as planted."""
    build_fixture(empty_db)
    counts = {"county": 1, "townships": 3, "villages": 6, "helpers": 3, "households": 20, "members": 28,
              "household_income": 40, "risk_factors": 18, "warnings": 18, "aid_measures": 14, "visits": 10,
              "projects": 5, "project_payments": 7, "village_facts": 10, "targets": 15, "monitoring_lines": 2,
              "meta": 3}
    with empty_db.connect() as c:
        got = {t: c.execute(sa.select(sa.func.count()).select_from(metadata.tables[t])).scalar() for t in counts}
        assert got == counts
        for table in metadata.sorted_tables:
            for fk in table.foreign_keys:
                child, parent = fk.parent, fk.column
                orphans = c.execute(sa.select(sa.func.count()).select_from(table).where(
                    child.is_not(None), ~sa.exists().where(parent == child))).scalar()
                assert orphans == 0, f"{table.name}.{child.name} -> {parent}"


def test_household_codes():
    assert household_code(1) == "4399011012010001"
    assert household_code(6) == "4399011012020001"
    assert household_code(20) == "4399011022020004"


# --- kpis ------------------------------------------------------------------------------------------------

KPI_COLUMNS = ["key", "name", "value", "previous", "change", "unit"]
KPI_ORDER = ["monitored", "monitored_unstable", "monitored_marginal", "monitored_sudden", "open_red", "open_orange",
             "open_yellow", "overdue_leads", "eliminated", "elimination_rate", "no_measure"]


def test_headline_kpis_county(conn):
    k = kpis.headline_kpis(conn, F)
    assert list(k.columns) == KPI_COLUMNS
    assert list(k.key) == KPI_ORDER
    assert by_key(k, "key", "value", "previous", "change") == {
        "monitored": (9, 8, 1),
        "monitored_unstable": (4, 5, -1),
        "monitored_marginal": (3, 2, 1),
        "monitored_sudden": (2, 1, 1),
        "open_red": (3, 2, 1),
        "open_orange": (6, 5, 1),
        "open_yellow": (4, 3, 1),
        "overdue_leads": (2, 1, 1),
        "eliminated": (2, 1, 1),
        "elimination_rate": _n_tuple(2 / 11 * 100, 1 / 9 * 100, 2 / 11 * 100 - 1 / 9 * 100),
        "no_measure": (1, 1, 0),
    }
    assert dict(zip(k.key, k.unit))["elimination_rate"] == "%"
    assert dict(zip(k.key, k.name))["monitored"] == "监测户数"


def _n_tuple(*v):
    return tuple(_n(x) for x in v)


def test_headline_kpis_previous_quarter_is_the_same_as_asking_on_that_day(conn):
    previous = by_key(kpis.headline_kpis(conn, F), "key", "previous")
    for day in (date(2026, 3, 30), date(2026, 3, 31)):  # nothing the KPIs count happens on 03-31
        then = kpis.headline_kpis(conn, f(as_of=day))
        assert by_key(then, "key", "value") == previous == {
            "monitored": (8,), "monitored_unstable": (5,), "monitored_marginal": (2,), "monitored_sudden": (1,),
            "open_red": (2,), "open_orange": (5,), "open_yellow": (3,), "overdue_leads": (1,), "eliminated": (1,),
            "elimination_rate": (_n(100 / 9),), "no_measure": (1,)}


def test_headline_kpis_township_filter(conn):
    k = kpis.headline_kpis(conn, f(township=T1))
    assert by_key(k, "key", "value", "previous") == {
        "monitored": (5, 5), "monitored_unstable": (3, 4), "monitored_marginal": (1, 1), "monitored_sudden": (1, 0),
        "open_red": (2, 1), "open_orange": (4, 3), "open_yellow": (3, 2), "overdue_leads": (2, 0),
        "eliminated": (1, 0), "elimination_rate": (_n(100 / 6), 0.0), "no_measure": (1, 1)}
    k2 = kpis.headline_kpis(conn, f(township=T2))
    assert by_key(k2, "key", "value") == {
        "monitored": (4,), "monitored_unstable": (1,), "monitored_marginal": (2,), "monitored_sudden": (1,),
        "open_red": (1,), "open_orange": (2,), "open_yellow": (1,), "overdue_leads": (0,), "eliminated": (1,),
        "elimination_rate": (20.0,), "no_measure": (0,)}


def test_headline_kpis_village_and_category_filters(conn):
    v = kpis.headline_kpis(conn, f(village=V12))
    assert by_key(v, "key", "value", "previous") == {
        "monitored": (2, 1), "monitored_unstable": (1, 1), "monitored_marginal": (0, 0), "monitored_sudden": (1, 0),
        "open_red": (1, 1), "open_orange": (2, 1), "open_yellow": (0, 0), "overdue_leads": (1, 0),
        "eliminated": (0, 0), "elimination_rate": (0.0, 0.0), "no_measure": (1, 1)}
    s = kpis.headline_kpis(conn, f(category="sudden"))
    assert by_key(s, "key", "value", "previous") == {
        "monitored": (2, 1), "monitored_unstable": (0, 0), "monitored_marginal": (0, 0), "monitored_sudden": (2, 1),
        "open_red": (2, 2), "open_orange": (0, 0), "open_yellow": (0, 0), "overdue_leads": (0, 0),
        "eliminated": (0, 0), "elimination_rate": (0.0, 0.0), "no_measure": (0, 0)}


@pytest.mark.parametrize("scope", [dict(township=T3), dict(village=V31), dict(village=NO_VILLAGE)])
def test_headline_kpis_empty_scope(conn, scope):
    k = kpis.headline_kpis(conn, f(**scope))
    assert list(k.columns) == KPI_COLUMNS and list(k.key) == KPI_ORDER
    values = by_key(k, "key", "value", "previous", "change")
    assert values.pop("elimination_rate") == (None, None, None)  # no household ever identified: no basis
    assert set(values.values()) == {(0, 0, 0)}


# --- leads -----------------------------------------------------------------------------------------------

LEAD_COLUMNS = ["code", "name", "township_code", "households", "open_red", "open_orange", "open_yellow", "open_total",
                "per_100", "pending", "overdue", "decided_in_period", "median_days"]
LEAD_VALUES = LEAD_COLUMNS[3:]


def test_leads_by_area_county(conn):
    d = leads.leads_by_area(conn, F, "all")
    assert list(d.columns) == LEAD_COLUMNS
    assert tab(d, "code", "name", *LEAD_VALUES) == rows(("all", "测试县", 20, 3, 6, 4, 13, 65.0, 4, 2, 4, 15.0))


def test_leads_by_area_township(conn):
    d = leads.leads_by_area(conn, F, "township")
    assert list(d.columns) == LEAD_COLUMNS
    assert tab(d, "code", "name", *LEAD_VALUES) == rows(
        (T1, "城关镇", 12, 2, 4, 3, 9, 75.0, 4, 2, 2, 15.0),
        (T2, "青山镇", 8, 1, 2, 1, 4, 50.0, 0, 0, 2, 28.5),
        (T3, "石门乡", 0, 0, 0, 0, 0, None, 0, 0, 0, None))


def test_leads_by_area_village(conn):
    d = leads.leads_by_area(conn, F, "village")
    assert tab(d, "code", "township_code", *LEAD_VALUES) == rows(
        (V11, T1, 5, 0, 2, 1, 3, 60.0, 1, 0, 0, None),
        (V12, T1, 4, 1, 2, 0, 3, 75.0, 1, 1, 2, 15.0),
        (V13, T1, 3, 1, 0, 2, 3, 100.0, 2, 1, 0, None),
        (V21, T2, 4, 1, 1, 0, 2, 50.0, 0, 0, 0, None),
        (V22, T2, 4, 0, 1, 1, 2, 50.0, 0, 0, 2, 28.5),
        (V31, T3, 0, 0, 0, 0, 0, None, 0, 0, 0, None))


def test_leads_by_area_month_period(conn):
    d = leads.leads_by_area(conn, f(period="month"), "township")
    assert tab(d, "code", "open_total", "pending", "overdue", "decided_in_period", "median_days") == rows(
        (T1, 9, 4, 2, 0, None), (T2, 4, 0, 0, 1, 7.0), (T3, 0, 0, 0, 0, None))


def test_leads_by_area_filters(conn):
    d = leads.leads_by_area(conn, f(township=T2), "village")
    assert tab(d, "code", "households", "open_total") == rows((V21, 4, 2), (V22, 4, 2))
    d = leads.leads_by_area(conn, f(village=V13), "village")
    assert tab(d, "code", "households", "open_red", "open_yellow", "pending", "overdue") == rows((V13, 3, 1, 2, 2, 1))
    # category: warnings of marginal households only; the household base stays every household
    d = leads.leads_by_area(conn, f(category="marginal"), "township")
    assert tab(d, "code", "households", "open_orange", "open_total", "per_100", "pending", "decided_in_period",
               "median_days") == rows((T1, 12, 1, 1, 8.33, 0, 0, None), (T2, 8, 2, 2, 25.0, 0, 1, 7.0),
                                      (T3, 0, 0, 0, None, 0, 0, None))
    # on the previous quarter's day: W18 (raised 03-01) pending and overdue, W5 pending
    d = leads.leads_by_area(conn, f(as_of=PREV), "all")
    assert tab(d, "open_red", "open_orange", "open_yellow", "pending", "overdue", "decided_in_period",
               "median_days") == rows((2, 5, 3, 2, 1, 3, 10.0))  # Q1 decisions: W14 9 d, W9 10 d, W15 24 d


@pytest.mark.parametrize("by,scope,expected_codes", [
    ("township", dict(township=T3), [T3]), ("village", dict(township=T3), [V31]),
    ("village", dict(village=NO_VILLAGE), []), ("all", dict(village=NO_VILLAGE), ["all"]),
])
def test_leads_by_area_empty_scope(conn, by, scope, expected_codes):
    d = leads.leads_by_area(conn, f(**scope), by)
    assert list(d.columns) == LEAD_COLUMNS
    assert list(d.code) == expected_codes
    for c in ["households", "open_red", "open_orange", "open_yellow", "open_total", "pending", "overdue",
              "decided_in_period"]:
        assert col(d, c) == [0] * len(expected_codes)
    assert col(d, "per_100") == [None] * len(expected_codes)


OPEN_LIST_COLUMNS = ["warning_id", "household_id", "household_code", "head_name", "village_name", "level", "source",
                     "raised_date", "decision", "decision_date", "days_waiting", "overdue"]


def test_open_lead_list(conn):
    d = leads.open_lead_list(conn, F)
    assert list(d.columns) == OPEN_LIST_COLUMNS
    assert list(d.warning_id) == [11, 7, 14, 5, 1, 13, 2, 6, 17, 16, 9, 10, 4]
    assert col(d, "days_waiting") == [16, 29, 9, 21, 9, 14, 7, 7, 7, 7, 10, 15, 10]
    assert col(d, "overdue") == [True, True] + [False] * 11
    first = d.iloc[0]
    assert (first.household_id, first.household_code, first.head_name, first.village_name, first.level,
            first.source, first.raised_date) == (12, "4399011012030003", "孙桂英", "南溪村", "red", "cadre",
                                                 date(2026, 6, 14))
    assert _n(first.decision) is None and _n(first.decision_date) is None
    w5 = d[d.warning_id == 5].iloc[0]
    assert (w5.decision, w5.decision_date) == ("identified", date(2026, 4, 10))


def test_open_lead_list_filters_and_limit(conn):
    assert list(leads.open_lead_list(conn, f(township=T2)).warning_id) == [14, 13, 17, 16]
    assert list(leads.open_lead_list(conn, f(village=V13)).warning_id) == [11, 9, 10]
    assert list(leads.open_lead_list(conn, f(category="unstable")).warning_id) == [1, 6, 16, 9]
    assert list(leads.open_lead_list(conn, F, limit=2).warning_id) == [11, 7]


def test_open_lead_list_on_an_earlier_day(conn):
    d = leads.open_lead_list(conn, f(as_of=PREV))
    assert list(d.warning_id) == [18, 14, 5, 1, 13, 2, 6, 16, 3, 9]
    w5 = d[d.warning_id == 5].iloc[0]  # decided 04-10: on 03-30 it is still waiting (10 days)
    assert _n(w5.decision) is None and _n(w5.decision_date) is None and w5.days_waiting == 10
    w18 = d[d.warning_id == 18].iloc[0]
    assert w18.days_waiting == 29 and bool(w18.overdue)


@pytest.mark.parametrize("scope", [dict(township=T3), dict(village=V31), dict(village=NO_VILLAGE)])
def test_open_lead_list_empty_scope(conn, scope):
    d = leads.open_lead_list(conn, f(**scope))
    assert d.empty and list(d.columns) == OPEN_LIST_COLUMNS


# --- factors ---------------------------------------------------------------------------------------------

FACTOR_ORDER = ["industry", "work", "labour", "illness", "disability", "school", "housing", "disaster", "accident",
                "other"]
BREAKDOWN_COLUMNS = ["group", "group_label", "factor_type", "type_label", "households", "share"]


def test_factor_breakdown(conn):
    d = factors.factor_breakdown(conn, F)
    assert list(d.columns) == BREAKDOWN_COLUMNS
    assert list(d.factor_type) == FACTOR_ORDER
    assert col(d, "households") == [0, 2, 2, 3, 1, 1, 1, 2, 1, 0]
    assert col(d, "share") == [_n(x / 9 * 100) for x in (0, 2, 2, 3, 1, 1, 1, 2, 1, 0)]  # 9 households with any
    assert tab(d, "factor_type", "group", "group_label", "type_label")[3] == ("illness", "expense", "支出因子", "因病")


def test_factor_breakdown_filters(conn):
    d = factors.factor_breakdown(conn, f(township=T2))  # h14 school, h15 illness+disaster, h17 labour, h18 work
    assert col(d, "households") == [0, 1, 1, 1, 0, 1, 0, 1, 0, 0]
    assert col(d, "share") == [0, 25, 25, 25, 0, 25, 0, 25, 0, 0]
    d = factors.factor_breakdown(conn, f(category="sudden"))  # h6 disaster+housing+accident, h15 illness+disaster
    assert col(d, "households") == [0, 0, 0, 1, 0, 0, 1, 2, 1, 0]
    assert col(d, "share") == [0, 0, 0, 50, 0, 0, 50, 100, 50, 0]
    d = factors.factor_breakdown(conn, f(village=V13))
    assert col(d, "households") == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]


@pytest.mark.parametrize("scope", [dict(township=T3), dict(village=NO_VILLAGE)])
def test_factor_breakdown_empty_scope(conn, scope):
    d = factors.factor_breakdown(conn, f(**scope))
    assert list(d.columns) == BREAKDOWN_COLUMNS and list(d.factor_type) == FACTOR_ORDER
    assert col(d, "households") == [0] * 10 and col(d, "share") == [None] * 10


def test_factors_by_area(conn):
    d = factors.factors_by_area(conn, F, "township")
    assert list(d.columns) == ["code", "name", "township_code", *FACTOR_ORDER]
    assert tab(d, "code", *FACTOR_ORDER) == rows(
        (T1, 0, 1, 1, 2, 1, 0, 1, 1, 1, 0),
        (T2, 0, 1, 1, 1, 0, 1, 0, 1, 0, 0),
        (T3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    d = factors.factors_by_area(conn, F, "village")
    assert tab(d, "code", *FACTOR_ORDER) == rows(
        (V11, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0),
        (V12, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0),
        (V13, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0),
        (V21, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0),
        (V22, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0),
        (V31, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    d = factors.factors_by_area(conn, F, "all")
    assert tab(d, "code", *FACTOR_ORDER) == rows(("all", 0, 2, 2, 3, 1, 1, 1, 2, 1, 0))


def test_factors_by_area_filters_and_empty_scope(conn):
    d = factors.factors_by_area(conn, f(township=T1, category="unstable"), "village")  # h1 illness+work, h7, h10
    assert tab(d, "code", "work", "labour", "illness", "disability", "housing") == rows(
        (V11, 1, 0, 1, 0, 0), (V12, 0, 1, 0, 0, 0), (V13, 0, 0, 0, 1, 0))
    d = factors.factors_by_area(conn, f(township=T3), "township")
    assert tab(d, "code", *FACTOR_ORDER) == rows((T3, *[0] * 10))
    d = factors.factors_by_area(conn, f(village=NO_VILLAGE), "village")
    assert d.empty and list(d.columns) == ["code", "name", "township_code", *FACTOR_ORDER]


def test_multi_factor_households(conn):
    d = factors.multi_factor_households(conn, F)
    assert list(d.columns) == ["factors", "label", "households"]
    assert tab(d, "factors", "label", "households") == rows((1, "1类", 6), (2, "2类", 2), (3, "3类及以上", 1))
    # 2026-01-10: h1 has 3 (school not yet resolved), h14 has 2 (illness not yet resolved), h2 h3 h7 h17 one each
    d = factors.multi_factor_households(conn, f(as_of=date(2026, 1, 10)))
    assert col(d, "households") == [4, 1, 1]
    assert col(factors.multi_factor_households(conn, f(township=T1)), "households") == [3, 1, 1]
    assert col(factors.multi_factor_households(conn, f(township=T3)), "households") == [0, 0, 0]


TREND_COLUMNS = ["period", "group", "new_factors", "group_label"]


def test_factor_trend_quarter(conn):
    d = factors.factor_trend(conn, F)
    assert list(d.columns) == TREND_COLUMNS
    assert tab(d, "period", "group", "new_factors") == rows(
        ("2023-Q2", "income", 1), ("2024-Q1", "other", 1), ("2024-Q2", "income", 1), ("2024-Q3", "income", 1),
        ("2025-Q1", "expense", 1), ("2025-Q2", "expense", 3), ("2025-Q2", "income", 1), ("2025-Q3", "expense", 1),
        ("2025-Q4", "income", 1), ("2026-Q1", "accident", 1), ("2026-Q1", "expense", 2),
        ("2026-Q2", "accident", 2), ("2026-Q2", "expense", 1), ("2026-Q2", "income", 1))
    assert list(d.group_label[:2]) == ["收入因子", "其他"]


def test_factor_trend_month_and_filters(conn):
    d = factors.factor_trend(conn, f(period="month", township=T2))
    assert tab(d, "period", "group", "new_factors") == rows(
        ("2023-06", "income", 1), ("2024-01", "other", 1), ("2024-08", "income", 1), ("2025-06", "expense", 2),
        ("2026-02", "accident", 1), ("2026-02", "expense", 1), ("2026-06", "income", 1))
    d = factors.factor_trend(conn, f(as_of=date(2024, 12, 31), category="unstable"))  # F5 h3, F11 h13, F16+F18 h17
    assert tab(d, "period", "group", "new_factors") == rows(
        ("2023-Q2", "income", 1), ("2024-Q1", "other", 1), ("2024-Q2", "income", 1), ("2024-Q3", "income", 1))
    for scope in (dict(township=T3), dict(village=NO_VILLAGE)):
        e = factors.factor_trend(conn, f(**scope))
        assert e.empty and list(e.columns) == TREND_COLUMNS


# --- trends ----------------------------------------------------------------------------------------------

MONTHLY_COLUMNS = ["period", "new_leads", "new_identified", "new_eliminated"]
QUARTERS = [f"{y}-Q{q}" for y in (2023, 2024, 2025) for q in (1, 2, 3, 4)] + ["2026-Q1", "2026-Q2"]


def test_monthly_trend_quarter(conn):
    d = trends.monthly_trend(conn, F)
    assert list(d.columns) == MONTHLY_COLUMNS
    assert list(d.period) == QUARTERS
    nonzero = {r[0]: r[1:] for r in tab(d, *MONTHLY_COLUMNS) if any(r[1:])}
    assert nonzero == {"2023-Q2": (1, 1, 0), "2024-Q2": (1, 1, 0), "2024-Q3": (1, 1, 0), "2025-Q1": (1, 1, 0),
                       "2025-Q2": (1, 1, 0), "2025-Q3": (1, 1, 0), "2025-Q4": (1, 1, 1), "2026-Q1": (5, 2, 0),
                       "2026-Q2": (6, 2, 1)}


def test_monthly_trend_month_and_filters(conn):
    d = trends.monthly_trend(conn, f(period="month"))
    assert len(d) == 42 and d.period.iloc[0] == "2023-01" and d.period.iloc[-1] == "2026-06"
    last = {r[0]: r[1:] for r in tab(d, *MONTHLY_COLUMNS)[-3:]}
    assert last == {"2026-04": (0, 1, 0), "2026-05": (2, 0, 1), "2026-06": (4, 1, 0)}
    assert (d.new_leads.sum(), d.new_identified.sum(), d.new_eliminated.sum()) == (18, 11, 2)
    d = trends.monthly_trend(conn, f(township=T2))
    nonzero = {r[0]: r[1:] for r in tab(d, *MONTHLY_COLUMNS) if any(r[1:])}
    assert nonzero == {"2023-Q2": (1, 1, 0), "2024-Q3": (1, 1, 0), "2025-Q2": (1, 1, 0), "2025-Q4": (0, 0, 1),
                       "2026-Q1": (3, 1, 0), "2026-Q2": (1, 1, 0)}
    d = trends.monthly_trend(conn, f(category="sudden"))
    nonzero = {r[0]: r[1:] for r in tab(d, *MONTHLY_COLUMNS) if any(r[1:])}
    assert nonzero == {"2026-Q1": (2, 1, 0), "2026-Q2": (0, 1, 0)}  # W5 03-20 + W14 02-01; h15 Q1, h6 Q2


@pytest.mark.parametrize("scope", [dict(township=T3), dict(village=NO_VILLAGE)])
def test_monthly_trend_empty_scope(conn, scope):
    d = trends.monthly_trend(conn, f(**scope))
    assert list(d.columns) == MONTHLY_COLUMNS and list(d.period) == QUARTERS
    assert d[MONTHLY_COLUMNS[1:]].to_numpy().sum() == 0


# --- aid -------------------------------------------------------------------------------------------------

COVERAGE_COLUMNS = ["code", "name", "township_code", "monitored", "with_measure", "no_helper", "without_measure",
                    "coverage"]


def test_measure_coverage(conn):
    d = aid.measure_coverage(conn, F, "all")
    assert list(d.columns) == COVERAGE_COLUMNS
    assert tab(d, *COVERAGE_COLUMNS[3:]) == rows((9, 8, 1, 1, 800 / 9))
    d = aid.measure_coverage(conn, F, "township")
    assert tab(d, "code", *COVERAGE_COLUMNS[3:]) == rows(
        (T1, 5, 4, 1, 1, 80.0), (T2, 4, 4, 0, 0, 100.0), (T3, 0, 0, 0, 0, None))
    d = aid.measure_coverage(conn, F, "village")
    assert tab(d, "code", *COVERAGE_COLUMNS[3:]) == rows(
        (V11, 2, 2, 0, 0, 100.0), (V12, 2, 1, 1, 1, 50.0), (V13, 1, 1, 0, 0, 100.0), (V21, 2, 2, 0, 0, 100.0),
        (V22, 2, 2, 0, 0, 100.0), (V31, 0, 0, 0, 0, None))


def test_measure_coverage_filters(conn):
    d = aid.measure_coverage(conn, f(category="marginal"), "township")
    assert tab(d, "code", "monitored", "with_measure", "coverage") == rows((T1, 1, 1, 100.0), (T2, 2, 2, 100.0),
                                                                           (T3, 0, 0, None))
    d = aid.measure_coverage(conn, f(as_of=PREV), "all")  # h1 h2 h3 h7 h10 h14 h15 h17; h7 without
    assert tab(d, "monitored", "with_measure", "no_helper", "coverage") == rows((8, 7, 1, 87.5))
    d = aid.measure_coverage(conn, f(village=NO_VILLAGE), "village")
    assert d.empty and list(d.columns) == COVERAGE_COLUMNS


TOOL_COLUMNS = ["tool", "tool_label", "group", "group_label", "policy_group", "policy_group_label", "department",
                "total", "completed", "overdue", "in_progress", "amount"]


def test_measures_by_tool(conn):
    d = aid.measures_by_tool(conn, F)
    assert list(d.columns) == TOOL_COLUMNS and len(d) == 19
    used = {t: v for t, *v in tab(d, "tool", "total", "completed", "overdue", "in_progress", "amount") if v[0]}
    assert used == {
        "dibao": [1, 1, 0, 0, 4800], "temp_relief": [1, 0, 1, 0, 2000], "edu_aid": [1, 1, 0, 0, 2500],
        "med_insurance": [1, 1, 0, 0, 350], "med_relief": [2, 1, 0, 1, 17000], "housing_repair": [1, 0, 0, 1, 30000],
        "industry_subsidy": [2, 2, 0, 0, 7000], "dividend": [1, 0, 1, 0, 1500], "public_job": [3, 3, 0, 0, 26600],
        "transfer_job": [1, 0, 0, 1, 800]}
    assert (d.total.sum(), d.completed.sum(), d.overdue.sum(), d.in_progress.sum()) == (14, 9, 2, 3)
    assert tab(d[d.tool == "med_relief"], "tool_label", "group", "group_label", "department") == [
        ("医疗救助", "guarantee", "三保障及饮水", "医保局")]


def test_measures_by_tool_filters(conn):
    d = aid.measures_by_tool(conn, f(township=T2))
    used = {t: v for t, *v in tab(d, "tool", "total", "completed", "overdue", "in_progress") if v[0]}
    assert used == {"med_insurance": [1, 1, 0, 0], "edu_aid": [1, 1, 0, 0], "med_relief": [1, 0, 0, 1],
                    "public_job": [2, 2, 0, 0], "dividend": [1, 0, 1, 0], "transfer_job": [1, 0, 0, 1]}
    # on 2026-03-31 M5 M6 M12 M13 are not registered yet; M10 is in progress
    d = aid.measures_by_tool(conn, f(as_of=date(2026, 3, 31)))
    assert (d.total.sum(), d.completed.sum(), d.overdue.sum(), d.in_progress.sum()) == (10, 9, 0, 1)
    # on 2025-04-15 M1 (planned 05-01, completed 04-20) is registered and in progress; M4 M11 M14 are done
    d = aid.measures_by_tool(conn, f(as_of=date(2025, 4, 15), category="unstable"))
    used = {t: v for t, *v in tab(d, "tool", "total", "completed", "overdue", "in_progress") if v[0]}
    assert used == {"med_relief": [1, 0, 0, 1], "industry_subsidy": [1, 1, 0, 0], "public_job": [2, 2, 0, 0]}
    d = aid.measures_by_tool(conn, f(township=T3))
    assert list(d.columns) == TOOL_COLUMNS and len(d) == 19
    assert d[["total", "completed", "overdue", "in_progress", "amount"]].to_numpy().sum() == 0


GAP_COLUMNS = ["factor_type", "type_label", "households", "without_match", "gap_share"]


def test_factor_tool_gaps(conn):
    d = aid.factor_tool_gaps(conn, F)
    assert list(d.columns) == GAP_COLUMNS and list(d.factor_type) == FACTOR_ORDER
    assert tab(d, "factor_type", "households", "without_match", "gap_share") == rows(
        ("industry", 0, 0, None), ("work", 2, 0, 0), ("labour", 2, 1, 50.0), ("illness", 3, 1, 100 / 3),
        ("disability", 1, 0, 0), ("school", 1, 0, 0), ("housing", 1, 0, 0), ("disaster", 2, 1, 50.0),
        ("accident", 1, 0, 0), ("other", 0, 0, None))


def test_factor_tool_gaps_filters(conn):
    d = aid.factor_tool_gaps(conn, f(township=T1))
    assert by_key(d, "factor_type", "households", "without_match") == {
        "industry": (0, 0), "work": (1, 0), "labour": (1, 1), "illness": (2, 1), "disability": (1, 0),
        "school": (0, 0), "housing": (1, 0), "disaster": (1, 0), "accident": (1, 0), "other": (0, 0)}
    d = aid.factor_tool_gaps(conn, f(village=V21))  # h14 school (edu_aid), h15 illness (med_relief) + disaster (gap)
    assert by_key(d, "factor_type", "households", "without_match") == {
        "industry": (0, 0), "work": (0, 0), "labour": (0, 0), "illness": (1, 0), "disability": (0, 0),
        "school": (1, 0), "housing": (0, 0), "disaster": (1, 1), "accident": (0, 0), "other": (0, 0)}
    d = aid.factor_tool_gaps(conn, f(township=T3))
    assert col(d, "households") == [0] * 10 and col(d, "gap_share") == [None] * 10


VISIT_COLUMNS = ["code", "name", "township_code", "within_30", "d31_90", "over_90", "never"]


def test_visit_recency(conn):
    d = aid.visit_recency(conn, F, "all")
    assert list(d.columns) == VISIT_COLUMNS
    assert tab(d, *VISIT_COLUMNS[3:]) == rows((3, 2, 2, 2))
    d = aid.visit_recency(conn, F, "township")
    assert tab(d, "code", *VISIT_COLUMNS[3:]) == rows((T1, 2, 1, 1, 1), (T2, 1, 1, 1, 1), (T3, 0, 0, 0, 0))
    d = aid.visit_recency(conn, F, "village")
    assert tab(d, "code", *VISIT_COLUMNS[3:]) == rows(
        (V11, 1, 1, 0, 0), (V12, 0, 0, 1, 1), (V13, 1, 0, 0, 0), (V21, 0, 1, 1, 0), (V22, 1, 0, 0, 1),
        (V31, 0, 0, 0, 0))


def test_visit_recency_filters(conn):
    d = aid.visit_recency(conn, f(category="unstable"), "all")  # h1 10 d, h7 149 d, h10 30 d, h17 1 d
    assert tab(d, *VISIT_COLUMNS[3:]) == rows((3, 0, 1, 0))
    # on 2026-03-31: h1 03-15 (16 d), h2 never before 05-01, h3 never, h7 02-01 (58 d), h10 never,
    # h14 01-10 (80 d), h15 03-31 (0 d), h17 never
    d = aid.visit_recency(conn, f(as_of=date(2026, 3, 31)), "all")
    assert tab(d, *VISIT_COLUMNS[3:]) == rows((2, 2, 0, 4))
    d = aid.visit_recency(conn, f(village=NO_VILLAGE), "village")
    assert d.empty and list(d.columns) == VISIT_COLUMNS


FUND_COLUMNS = ["code", "name", "township_code", "projects", "budget", "disbursed", "industry_budget", "due",
                "completed", "completed_on_time", "overdue", "current_projects", "carried_over", "carried_unpaid",
                "disbursement_rate", "industry_share"]
# the as-of year's figures (the fixture has no carried-over project: P5 of 2025 was finished and paid in full)
FUND_VALUES = [c for c in FUND_COLUMNS[3:] if c not in ("current_projects", "carried_over", "carried_unpaid")]


def test_funds_by_area(conn):
    d = aid.funds_by_area(conn, F, "all")
    assert list(d.columns) == FUND_COLUMNS
    assert tab(d, *FUND_VALUES) == rows(
        (4, 2_200_000, 1_400_000, 1_600_000, 3, 2, 1, 1, 1400 / 2200 * 100, 1600 / 2200 * 100))
    assert tab(d, "current_projects", "carried_over", "carried_unpaid") == rows((4, 0, 0))
    d = aid.funds_by_area(conn, F, "township")
    assert tab(d, "code", *FUND_VALUES) == rows(
        (T1, 2, 1_200_000, 700_000, 1_000_000, 1, 1, 0, 0, 700 / 1200 * 100, 1000 / 1200 * 100),
        (T2, 2, 1_000_000, 700_000, 600_000, 2, 1, 1, 1, 70.0, 60.0),
        (T3, 0, 0, 0, 0, 0, 0, 0, 0, None, None))
    d = aid.funds_by_area(conn, F, "village")  # P4 is a township-level project: in no village
    assert tab(d, "code", *FUND_VALUES) == rows(
        (V11, 1, 1_000_000, 500_000, 1_000_000, 0, 0, 0, 0, 50.0, 100.0),
        (V12, 0, 0, 0, 0, 0, 0, 0, 0, None, None),
        (V13, 0, 0, 0, 0, 0, 0, 0, 0, None, None),
        (V21, 1, 400_000, 100_000, 0, 1, 0, 0, 1, 25.0, 0.0),
        (V22, 1, 600_000, 600_000, 600_000, 1, 1, 1, 0, 100.0, 100.0),
        (V31, 0, 0, 0, 0, 0, 0, 0, 0, None, None))


def test_funds_by_area_filters(conn):
    d = aid.funds_by_area(conn, f(as_of=date(2026, 3, 31)), "township")  # paid by 03-31: P1 300k, P3 300k
    assert tab(d, "code", *FUND_VALUES) == rows(
        (T1, 2, 1_200_000, 300_000, 1_000_000, 0, 0, 0, 0, 25.0, 1000 / 1200 * 100),
        (T2, 2, 1_000_000, 300_000, 600_000, 0, 0, 0, 0, 30.0, 60.0),
        (T3, 0, 0, 0, 0, 0, 0, 0, 0, None, None))
    d = aid.funds_by_area(conn, f(as_of=date(2025, 12, 31)), "all")  # only P5 is a 2025 project
    assert tab(d, *FUND_VALUES) == rows((1, 500_000, 500_000, 0, 1, 1, 1, 0, 100.0, 0.0))
    d = aid.funds_by_area(conn, f(township=T2), "village")
    assert tab(d, "code", "projects", "budget", "overdue") == rows((V21, 1, 400_000, 1), (V22, 1, 600_000, 0))
    d = aid.funds_by_area(conn, f(village=V21), "township")
    assert tab(d, "code", "projects", "budget") == rows((T1, 0, 0), (T2, 1, 400_000), (T3, 0, 0))
    d = aid.funds_by_area(conn, f(village=NO_VILLAGE), "village")
    assert d.empty and list(d.columns) == FUND_COLUMNS
    d = aid.funds_by_area(conn, f(township=T3), "all")
    assert tab(d, *FUND_VALUES) == rows((0, 0, 0, 0, 0, 0, 0, 0, None, None))


PROJECT_COLUMNS = ["code", "name", "township_code", "village_code", "category", "year", "budget", "disbursed",
                   "batch", "planned_completion", "deadline", "actual_completion", "carried_over", "overdue"]


def test_project_list(conn):
    d = aid.project_list(conn, F)
    assert list(d.columns) == PROJECT_COLUMNS
    assert tab(d, "code", "township_code", "village_code", "category", "budget", "disbursed", "batch",
               "planned_completion", "actual_completion", "overdue") == rows(
        ("XM202600002", T2, V21, "infrastructure", 400_000, 100_000, 1, date(2026, 5, 31), None, True),
        ("XM202600004", T1, None, "employment", 200_000, 200_000, 2, date(2026, 4, 30), date(2026, 5, 20), False),
        ("XM202600003", T2, V22, "industry", 600_000, 600_000, 1, date(2026, 6, 15), date(2026, 6, 10), False),
        ("XM202600001", T1, V11, "industry", 1_000_000, 500_000, 1, date(2026, 10, 31), None, False))
    assert d.name.iloc[0] == "2026年北坪村饮水安全巩固项目"


def test_project_list_filters(conn):
    assert list(aid.project_list(conn, f(township=T2)).code) == ["XM202600002", "XM202600003"]
    assert list(aid.project_list(conn, f(village=V22)).code) == ["XM202600003"]
    d = aid.project_list(conn, f(as_of=date(2026, 3, 31)))  # nothing due, nothing completed yet
    assert tab(d, "code", "disbursed", "actual_completion", "overdue") == rows(
        ("XM202600004", 0, None, False), ("XM202600002", 0, None, False), ("XM202600003", 300_000, None, False),
        ("XM202600001", 300_000, None, False))
    d = aid.project_list(conn, f(as_of=date(2025, 12, 31)))
    assert tab(d, "code", "disbursed", "actual_completion", "overdue") == rows(
        ("XM202500005", 500_000, date(2025, 11, 20), False))
    for scope in (dict(township=T3), dict(village=NO_VILLAGE)):
        e = aid.project_list(conn, f(**scope))
        assert e.empty and list(e.columns) == PROJECT_COLUMNS


# --- targets ---------------------------------------------------------------------------------------------

TARGET_COLUMNS = ["code", "name", "township_code", "indicator", "indicator_name", "unit", "numerator", "denominator",
                  "value", "target", "gap", "status", "period_end", "earliest_period", "villages", "unreported"]
SECTOR = ["tap_water", "large_scale", "water_reliability", "centralized", "clinic_standard", "clinic_public",
          "employment", "insured", "tekun_care"]
INDICATOR_ORDER = ["tap_water", "large_scale", "water_reliability", "centralized", "clinic_standard", "clinic_public",
                   "employment", "insured", "tekun_care", "measure_coverage", "lead_timeliness", "dropouts",
                   "unsafe_houses"]
TV = ("indicator", "numerator", "denominator", "value", "target", "gap", "status")


def status_of_13(*args):
    """target_status of the 13 indicators this fixture counts by hand (the count targets of issue 16 have their
    own hand-built county: tests/test_count_targets.py)."""
    d = targets.target_status(*args)
    return d[d.indicator.isin(INDICATOR_ORDER)].reset_index(drop=True)


def test_target_status_county(conn):
    d = status_of_13(conn, F, "all")
    assert list(d.columns) == TARGET_COLUMNS
    assert list(d.indicator) == INDICATOR_ORDER
    assert set(d.code) == {"all"} and set(d.period_end) == {AS_OF}
    assert tab(d, *TV) == rows(
        ("tap_water", 475, 500, 95.0, 95.0, 0.0, "met"),
        ("large_scale", 420, 500, 84.0, 85.0, -1.0, "near"),
        ("water_reliability", 480, 500, 96.0, 95.0, 1.0, "met"),
        ("centralized", 450, 500, 90.0, 90.0, 0.0, "met"),
        ("clinic_standard", 4, 5, 80.0, 95.0, -15.0, "behind"),
        ("clinic_public", 5, 5, 100.0, 80.0, 20.0, "met"),
        ("employment", 72, 100, 72.0, 70.0, 2.0, "met"),
        ("insured", 48, 50, 96.0, 100.0, -4.0, "behind"),
        ("tekun_care", 5, 8, 62.5, 55.0, 7.5, "met"),
        ("measure_coverage", 8, 9, 800 / 9, 100.0, 800 / 9 - 100, "behind"),
        ("lead_timeliness", 4, 9, 400 / 9, 100.0, 400 / 9 - 100, "behind"),
        ("dropouts", 1, None, 1, 0, -1, "behind"),
        ("unsafe_houses", 1, None, 1, 0, -1, "behind"))
    assert tab(d[d.indicator.isin(["tap_water", "dropouts"])], "indicator_name", "unit") == [
        ("农村自来水普及率", "%"), ("义务教育辍学人数", "人")]
    # 6 villages, 石门村 (V31) never reported: not in the sums, counted as unreported; every report is of 06-30
    assert set(tab(d[d.indicator.isin(SECTOR)], "villages", "unreported", "earliest_period")) == {
        (6, 1, date(2026, 6, 30))}
    assert d[~d.indicator.isin(SECTOR)][["villages", "unreported", "earliest_period"]].isna().all().all()


def test_target_status_township(conn):
    d = status_of_13(conn, F, "township")
    assert list(d.columns) == TARGET_COLUMNS
    # T3's only village (V31) never reported: its sector indicators are 未报送 (it used to drop out silently);
    # no households, so no record indicators
    assert list(d.code) == [T1] * 13 + [T2] * 13 + [T3] * 9
    t1, t2, t3 = d[d.code == T1], d[d.code == T2], d[d.code == T3]
    assert list(t3.indicator) == SECTOR and set(t3.status) == {"unreported"} and t3.value.isna().all()
    assert set(tab(t3, "villages", "unreported")) == {(1, 1)}
    assert tab(t1, *TV) == rows(
        ("tap_water", 278, 300, 278 / 3, 95.0, 278 / 3 - 95, "behind"),
        ("large_scale", 235, 300, 235 / 3, 85.0, 235 / 3 - 85, "behind"),
        ("water_reliability", 288, 300, 96.0, 95.0, 1.0, "met"),
        ("centralized", 270, 300, 90.0, 90.0, 0.0, "met"),
        ("clinic_standard", 2, 3, 200 / 3, 95.0, 200 / 3 - 95, "behind"),
        ("clinic_public", 3, 3, 100.0, 80.0, 20.0, "met"),
        ("employment", 35, 50, 70.0, 70.0, 0.0, "met"),
        ("insured", 29, 30, 290 / 3, 100.0, 290 / 3 - 100, "behind"),
        ("tekun_care", 2, 4, 50.0, 55.0, -5.0, "behind"),
        ("measure_coverage", 4, 5, 80.0, 100.0, -20.0, "behind"),
        ("lead_timeliness", 2, 5, 40.0, 100.0, -60.0, "behind"),
        ("dropouts", 0, None, 0, 0, 0, "met"),
        ("unsafe_houses", 1, None, 1, 0, -1, "behind"))
    assert tab(t2, *TV) == rows(
        ("tap_water", 197, 200, 98.5, 98.0, 0.5, "met"),  # T2's own target 0.98 overrides the county's 0.95
        ("large_scale", 185, 200, 92.5, 85.0, 7.5, "met"),
        ("water_reliability", 192, 200, 96.0, 95.0, 1.0, "met"),
        ("centralized", 180, 200, 90.0, 90.0, 0.0, "met"),
        ("clinic_standard", 2, 2, 100.0, 95.0, 5.0, "met"),
        ("clinic_public", 2, 2, 100.0, 80.0, 20.0, "met"),
        ("employment", 37, 50, 74.0, 70.0, 4.0, "met"),
        ("insured", 19, 20, 95.0, 100.0, -5.0, "behind"),
        ("tekun_care", 3, 4, 75.0, 55.0, 20.0, "met"),
        ("measure_coverage", 4, 4, 100.0, 100.0, 0.0, "met"),
        ("lead_timeliness", 2, 4, 50.0, 100.0, -50.0, "behind"),
        ("dropouts", 1, None, 1, 0, -1, "behind"),
        ("unsafe_houses", 0, None, 0, 0, 0, "met"))  # no unsafe house in T2: 0 and met, not "no data"


def test_target_status_village(conn):
    d = status_of_13(conn, F, "village")
    assert list(d.columns) == TARGET_COLUMNS
    assert sorted(set(d.code)) == [V11, V12, V13, V21, V22, V31] and len(d) == 5 * 13 + 9
    assert set(d[d.code == V31].status) == {"unreported"}  # 石门村 never reported, no households
    tap = d[(d.indicator == "tap_water") & (d.code != V31)]
    assert tab(tap, "code", "township_code", "value", "target", "gap", "status") == rows(
        (V11, T1, 92.0, 95.0, -3.0, "behind"), (V12, T1, 96.0, 95.0, 1.0, "met"), (V13, T1, 90.0, 95.0, -5.0, "behind"),
        (V21, T2, 97.0, 98.0, -1.0, "near"), (V22, T2, 100.0, 98.0, 2.0, "met"))
    st = {(c, i): s for c, i, s in tab(d, "code", "indicator", "status")}
    assert st[(V11, "lead_timeliness")] == "none"  # no lead decided in 2026 in V11: no basis
    assert st[(V13, "tekun_care")] == "none"  # 0 of 0
    assert st[(V13, "clinic_standard")] == "behind" and st[(V12, "clinic_standard")] == "met"
    assert st[(V12, "measure_coverage")] == "behind" and st[(V12, "unsafe_houses")] == "behind"
    assert st[(V11, "unsafe_houses")] == "met" and st[(V22, "dropouts")] == "behind"
    assert tab(d[d.code == V12], "indicator", "numerator", "denominator")[9:11] == [
        ("measure_coverage", 1, 2), ("lead_timeliness", 1, 3)]  # W5 21 d late, W8 9 d in time, W7 undecided 29 d
    assert tab(d[d.code == V13], "indicator", "numerator", "denominator")[10] == ("lead_timeliness", 1, 2)  # W9, W11


def test_target_status_filters(conn):
    d = status_of_13(conn, f(category="marginal"), "all")  # h2 h14 h18 all have measures; W17 7 d
    assert by_key(d, "indicator", "numerator", "denominator", "status")["measure_coverage"] == (3, 3, "met")
    assert by_key(d, "indicator", "numerator", "denominator", "status")["lead_timeliness"] == (1, 1, "met")
    assert by_key(d, "indicator", "numerator", "status")["unsafe_houses"] == (0, "met")
    assert by_key(d, "indicator", "numerator", "status")["tap_water"] == (475, "met")  # facts have no category
    d = status_of_13(conn, f(township=T2), "village")
    assert sorted(set(d.code)) == [V21, V22]
    d = status_of_13(conn, f(village=V13), "township")
    assert set(d.code) == {T1} and by_key(d, "indicator", "numerator", "denominator")["tap_water"] == (90, 100)
    # before the 2026-06-30 facts: the 2026-03-31 facts, while record indicators are as of the day
    d = status_of_13(conn, f(as_of=date(2026, 5, 1)), "all")
    assert by_key(d, "indicator", "numerator", "status", "period_end")["tap_water"] == (466, "near", date(2026, 3, 31))
    assert by_key(d, "indicator", "numerator", "denominator", "period_end")["measure_coverage"] == (
        8, 9, date(2026, 5, 1))
    # 2025: no village has reported yet (every sector indicator 未报送, the 2025 tap-water target shown with it)
    # and only a tap-water target for 2025: record indicators without a target
    d = status_of_13(conn, f(as_of=date(2025, 12, 31)), "all")
    assert tab(d, "indicator", "numerator", "denominator", "target", "status") == rows(
        *[(i, None, None, 90.0 if i == "tap_water" else None, "unreported") for i in SECTOR],
        ("measure_coverage", 5, 6, None, "none"), ("lead_timeliness", 4, 4, None, "none"),
        ("dropouts", 1, None, None, "none"), ("unsafe_houses", 0, None, None, "none"))


@pytest.mark.parametrize("by,scope", [("village", dict(village=NO_VILLAGE)), ("township", dict(village=NO_VILLAGE))])
def test_target_status_empty_scope(conn, by, scope):
    d = status_of_13(conn, f(**scope), by)
    assert d.empty and list(d.columns) == TARGET_COLUMNS


@pytest.mark.parametrize("by,scope", [("township", dict(township=T3)), ("village", dict(township=T3)),
                                      ("all", dict(village=V31))])
def test_target_status_scope_that_never_reported(conn, by, scope):
    """石门乡 has one village, 石门村, which never reported and has no households: 9 sector rows, 未报送."""
    d = status_of_13(conn, f(**scope), by)
    assert list(d.columns) == TARGET_COLUMNS and list(d.indicator) == SECTOR
    assert set(d.status) == {"unreported"} and d.value.isna().all() and d.numerator.isna().all()


def test_target_trend_and_projection(conn):
    d = targets.target_trend(conn, F, "tap_water")
    assert list(d.columns) == ["period_end", "numerator", "denominator", "value"]
    assert tab(d, "period_end", "numerator", "denominator", "value") == rows(
        (date(2026, 3, 31), 466, 500, 93.2), (date(2026, 6, 30), 475, 500, 95.0))
    # 91 days between the two points, 184 days from 06-30 to the deadline: 95 + 1.8 * 184 / 91
    assert targets.project_to_deadline(d, date(2026, 12, 31)) == pytest.approx(95 + 1.8 * 184 / 91)
    d = targets.target_trend(conn, f(township=T2), "tap_water")
    assert col(d, "value") == [98.0, 98.5]
    d = targets.target_trend(conn, F, "clinic_standard")
    assert col(d, "value") == [60.0, 80.0]
    assert targets.project_to_deadline(d, date(2026, 12, 31)) == 100.0  # 80 + 20 * 184 / 91 clipped to 100
    d = targets.target_trend(conn, f(as_of=date(2026, 5, 1)), "tap_water")
    assert col(d, "value") == [93.2]
    assert math.isnan(targets.project_to_deadline(d, date(2026, 12, 31)))  # one point: no pace
    for scope in (dict(township=T3), dict(village=NO_VILLAGE)):
        e = targets.target_trend(conn, f(**scope), "tap_water")
        assert e.empty and list(e.columns) == ["period_end", "numerator", "denominator", "value"]
    with pytest.raises(ValueError):
        targets.target_trend(conn, F, "measure_coverage")


def test_lagging_villages(conn):
    d = targets.lagging_villages(conn, F, "tap_water")
    assert list(d.columns) == TARGET_COLUMNS
    assert tab(d, "code", "name", "value", "gap", "status") == rows(
        (V13, "南溪村", 90.0, -5.0, "behind"), (V11, "东山村", 92.0, -3.0, "behind"), (V21, "北坪村", 97.0, -1.0, "near"),
        (V31, "石门村", None, None, "unreported"))  # never reported: listed last, whatever the limit
    assert list(targets.lagging_villages(conn, F, "tap_water", limit=2).code) == [V13, V11, V31]
    assert list(targets.lagging_villages(conn, f(township=T2), "tap_water").code) == [V21]
    assert list(targets.lagging_villages(conn, F, "clinic_standard").code) == [V13, V31]
    assert list(targets.lagging_villages(conn, F, "unsafe_houses").code) == [V12]
    assert list(targets.lagging_villages(conn, F, "measure_coverage").code) == [V12]
    e = targets.lagging_villages(conn, f(village=NO_VILLAGE), "tap_water")
    assert e.empty and list(e.columns) == TARGET_COLUMNS
    # a village that never reported is listed after the lagging ones, as 未报送
    assert tab(targets.lagging_villages(conn, f(township=T3), "tap_water"), "code", "status") == [(V31, "unreported")]


# --- households ------------------------------------------------------------------------------------------

HH_COLUMNS = ["household_id", "code", "head_name", "township_name", "village_name", "hh_type", "monitor_category",
              "status", "worst_open_level", "open_factors", "measures", "helper_name", "last_visit"]


def test_household_list_monitored(conn):
    d = households.household_list(conn, F)
    assert list(d.columns) == HH_COLUMNS
    assert list(d.household_id) == [6, 15, 1, 2, 7, 14, 18, 10, 17]  # red, orange, yellow; then by code
    assert tab(d, "household_id", "head_name", "township_name", "village_name", "hh_type", "monitor_category",
               "status", "worst_open_level", "open_factors", "measures", "helper_name", "last_visit") == rows(
        (6, "杨丽", "城关镇", "西岭村", "yb", "sudden", "monitoring", "red", 3, 2, "刘帮扶", None),
        (15, "胡建华", "青山镇", "北坪村", "tp", "sudden", "monitoring", "red", 2, 1, "陈帮扶", date(2026, 3, 31)),
        (1, "王建国", "城关镇", "东山村", "tp", "unstable", "monitoring", "orange", 2, 2, "张帮扶", date(2026, 6, 20)),
        (2, "李秀英", "城关镇", "东山村", "yb", "marginal", "monitoring", "orange", 1, 1, "张帮扶", date(2026, 5, 1)),
        (7, "黄强", "城关镇", "西岭村", "tp", "unstable", "monitoring", "orange", 1, 0, None, date(2026, 2, 1)),
        (14, "朱红", "青山镇", "北坪村", "yb", "marginal", "monitoring", "orange", 1, 2, "陈帮扶", date(2026, 4, 1)),
        (18, "高秀兰", "青山镇", "桃园村", "yb", "marginal", "monitoring", "orange", 1, 1, "陈帮扶", None),
        (10, "周平", "城关镇", "南溪村", "tp", "unstable", "monitoring", "yellow", 1, 1, "刘帮扶", date(2026, 5, 31)),
        (17, "何建平", "青山镇", "桃园村", "tp", "unstable", "monitoring", "yellow", 1, 2, "陈帮扶", date(2026, 6, 29)))
    assert d.code.iloc[0] == "4399011012020001"


def test_household_list_all_households(conn):
    d = households.household_list(conn, F, monitored_only=False)
    assert list(d.household_id) == [6, 12, 15, 1, 2, 7, 8, 14, 18, 4, 10, 11, 17, 3, 5, 9, 13, 16, 19, 20]
    st = by_key(d, "household_id", "status", "worst_open_level", "open_factors", "measures", "last_visit")
    assert st[3] == ("eliminated", None, 0, 1, date(2026, 4, 20))  # W3 closed on elimination
    assert st[4] == ("not_monitored", "yellow", 0, 0, None)  # a pending lead
    assert st[12] == ("not_monitored", "red", 0, 0, None)
    assert st[13] == ("eliminated", None, 0, 1, None)
    assert st[9] == ("not_monitored", None, 0, 0, None)  # dismissed lead: closed
    assert list(households.household_list(conn, F, monitored_only=False, limit=3).household_id) == [6, 12, 15]


def test_household_list_filters_and_earlier_day(conn):
    assert list(households.household_list(conn, f(township=T1)).household_id) == [6, 1, 2, 7, 10]
    assert list(households.household_list(conn, f(village=V21)).household_id) == [15, 14]
    assert list(households.household_list(conn, f(category="marginal")).household_id) == [2, 14, 18]
    assert list(households.household_list(conn, f(township=T2), monitored_only=False).household_id) == [
        15, 14, 18, 17, 13, 16, 19, 20]
    d = households.household_list(conn, f(as_of=PREV))  # h6 h18 not yet identified; h3 still monitored (W3 open)
    assert list(d.household_id) == [15, 1, 2, 7, 14, 3, 10, 17]
    assert by_key(d, "household_id", "worst_open_level", "open_factors", "measures", "last_visit")[3] == (
        "yellow", 1, 1, None)


def test_household_list_search(conn):
    def ids(search, **kw):
        return list(households.household_list(conn, kw.pop("flt", F), code=search, name=search, **kw).household_id)

    assert ids("439901102201") == [15, 14]  # code prefix
    assert ids("4399011012020001") == [6]
    assert ids("012020") == []  # not a prefix, and no head is called that
    assert ids("建") == [15, 1, 17]  # part of the head's name; h2's spouse 李建军 does not count
    assert ids("建", flt=f(township=T1)) == [1]
    assert ids("秀", monitored_only=False) == [2, 18]
    assert ids(" 4399011022020004 ", monitored_only=False) == [20]  # surrounding blanks ignored
    # LIKE wildcards in the search text match literally
    assert ids("_", monitored_only=False) == [20]  # only 罗_芳 has an underscore
    assert ids("罗_", monitored_only=False) == [20]
    assert ids("%", monitored_only=False) == []
    assert ids("罗%", monitored_only=False) == []
    assert ids("4399011012%", monitored_only=False) == []
    assert ids("43990110_2", monitored_only=False) == []
    assert ids("\\", monitored_only=False) == []
    assert ids("", monitored_only=False) == ids(None, monitored_only=False)


@pytest.mark.parametrize("scope", [dict(township=T3), dict(village=V31), dict(village=NO_VILLAGE)])
def test_household_list_empty_scope(conn, scope):
    d = households.household_list(conn, f(**scope), monitored_only=False)
    assert d.empty and list(d.columns) == HH_COLUMNS


def test_household_id_by_code(conn):
    assert households.household_id_by_code(conn, F, "4399011012020001") == 6
    assert households.household_id_by_code(conn, f(township=T1), "4399011012020001") == 6
    assert households.household_id_by_code(conn, f(category="marginal"), "4399011012020001") == 6  # category ignored
    assert households.household_id_by_code(conn, f(township=T2), "4399011012020001") is None
    assert households.household_id_by_code(conn, f(village=V11), "4399011012020001") is None
    assert households.household_id_by_code(conn, F, "439901101202") is None  # a village code, not a household
    assert households.household_id_by_code(conn, F, "9999") is None


RECORD_PARTS = {
    "household": ["household_id", "code", "hh_type", "monitor_category", "identified_date", "eliminated_date",
                  "assistance_only", "negative_factor", "updated_date", "township_name", "village_name", "helper_name",
                  "helper_phone", "helper_unit"],
    "members": ["member_id", "name", "id_number", "phone", "gender", "birth_date", "relation", "labour", "employment",
                "is_student", "school_stage", "dropout", "insured", "disability_level", "health"],
    "income": ["year", "per_capita_income", "total_income", "rigid_expense", "medical_self_paid", "school_cost",
               "monitoring_line", "net_income"],
    "factors": ["factor_group", "factor_type", "disaster_kind", "identified_date", "resolved_date"],
    "warnings": ["level", "source", "raised_date", "decision", "decision_date", "dismiss_reason", "closed_date"],
    "measures": ["tool_group", "tool", "department", "registered_date", "planned_date", "completed_date", "amount"],
    "visits": ["visit_date", "visitor_kind", "visitor_name", "note"],
    "checks": ["checked_on", "house_grade", "house_repair", "water_source", "tap_water", "water_quality",
               "water_quantity", "water_convenience", "water_reliability", "food_clothing", "dibao", "tekun",
               "elderly_alone"],
}


def test_household_record(conn):
    rec = households.household_record(conn, F, 6)
    assert {k: list(v.columns) for k, v in rec.items()} == RECORD_PARTS
    assert tab(rec["household"], "household_id", "code", "hh_type", "monitor_category", "identified_date",
               "eliminated_date", "assistance_only", "township_name", "village_name", "helper_name", "helper_phone",
               "helper_unit") == rows(
        (6, "4399011012020001", "yb", "sudden", date(2026, 4, 10), None, False, "城关镇", "西岭村", "刘帮扶",
         "13800000002", "县农业农村局"))
    m = rec["members"]
    assert tab(m, "name", "relation", "gender", "school_stage") == rows(("杨丽", "head", "F", None),
                                                                         ("杨小燕", "child", "F", "primary"))
    assert all(len(x) == 18 for x in m.id_number)
    assert list(m.id_number) == ["43990119660707012X", "439901201509090489"]
    assert tab(rec["income"], "year", "per_capita_income", "total_income", "rigid_expense", "monitoring_line") == rows(
        (2025, 11460, 34380, 500, 7600), (2026, 6380, 19140, 2000, 7900))
    assert tab(rec["factors"], *RECORD_PARTS["factors"]) == rows(
        ("accident", "disaster", "flood", date(2026, 4, 10), None), ("expense", "housing", None, date(2026, 4, 10), None),
        ("accident", "accident", None, date(2026, 4, 12), None))
    assert tab(rec["warnings"], *RECORD_PARTS["warnings"]) == rows(
        ("red", "emergency", date(2026, 3, 20), "identified", date(2026, 4, 10), None, None))
    assert tab(rec["measures"], "tool", "registered_date", "planned_date", "completed_date", "amount") == rows(
        ("temp_relief", date(2026, 4, 15), date(2026, 5, 15), None, 2000),
        ("housing_repair", date(2026, 4, 20), date(2026, 9, 30), None, 30000))
    assert rec["visits"].empty


def test_household_record_as_of_an_earlier_day(conn):
    rec = households.household_record(conn, F, 1)
    assert tab(rec["factors"], "factor_type", "resolved_date") == rows(
        ("illness", None), ("work", None), ("school", date(2026, 1, 15)))
    assert tab(rec["visits"], "visit_date", "visitor_kind", "visitor_name") == rows(
        (date(2026, 6, 20), "helper", "张帮扶"), (date(2026, 3, 15), "helper", "张帮扶"))  # newest first
    assert len(rec["members"]) == 3 and len(rec["measures"]) == 2
    early = households.household_record(conn, f(as_of=date(2026, 1, 1)), 1)  # school factor not yet resolved, no visit yet
    assert tab(early["factors"], "factor_type", "resolved_date") == rows(
        ("illness", None), ("work", None), ("school", None))
    assert early["visits"].empty and len(early["measures"]) == 2
    rec3 = households.household_record(conn, f(as_of=date(2026, 5, 1)), 3)  # warning closes 05-15, factor resolved 05-01
    assert tab(rec3["warnings"], "decision", "closed_date") == rows(("identified", None))
    assert tab(rec3["factors"], "factor_type", "resolved_date") == rows(("industry", date(2026, 5, 1)))
    rec9 = households.household_record(conn, F, 9)  # a dismissed lead, with its reason
    assert tab(rec9["warnings"], "decision", "decision_date", "dismiss_reason", "closed_date") == rows(
        ("dismissed", date(2026, 5, 10), "收入高于监测范围", date(2026, 5, 10)))
    rec7 = households.household_record(conn, F, 7)
    assert tab(rec7["visits"], "visitor_kind", "visitor_name") == rows(("cadre", None))
    assert _n(rec7["household"].helper_name.iloc[0]) is None and rec7["measures"].empty


def test_household_record_missing_or_out_of_scope(conn):
    assert households.household_record(conn, F, 999) is None
    assert households.household_record(conn, f(township=T2), 6) is None
    assert households.household_record(conn, f(township=T1), 6) is not None
    assert households.household_record(conn, f(category="marginal"), 6) is not None  # category ignored


# --- areas -----------------------------------------------------------------------------------------------

def test_areas(conn):
    assert areas.database_meta(conn) == {"schema_version": schema.SCHEMA_VERSION, "as_of": "2026-06-30", "is_demo": "0"}
    assert areas.data_as_of(conn) == date(2026, 6, 30)
    assert areas.county_info(conn) == {"code": "439901", "name": "测试县", "province": "测试省"}
    t = areas.township_list(conn, F)
    assert list(t.columns) == ["code", "name", "lon", "lat"]
    assert tab(t, "code", "name", "lon", "lat") == rows((T1, "城关镇", 111.3, 27.9), (T2, "青山镇", 111.6, 27.7),
                                                        (T3, "石门乡", 111.8, 27.5))
    v = areas.village_list(conn, F)
    assert list(v.columns) == ["code", "name", "township_code", "lon", "lat"]
    assert list(v.code) == [V11, V12, V13, V21, V22, V31]
    assert tab(areas.village_list(conn, f(township=T1)), "code", "name") == [(V11, "东山村"), (V12, "西岭村"), (V13, "南溪村")]
    assert list(areas.village_list(conn, f(township=T3, village=V31)).code) == [V31]
    assert list(areas.village_list(conn, f(township=T1, village=V11)).code) == [V11, V12, V13]  # village: no narrowing
    empty = areas.village_list(conn, f(township="439901999"))
    assert empty.empty and list(empty.columns) == ["code", "name", "township_code", "lon", "lat"]
    b = areas.township_boundaries(conn, F)
    assert list(b.columns) == ["code", "name", "geojson"] and list(b.code) == [T1, T2, T3]
    assert all(json.loads(g)["type"] == "Polygon" for g in b.geojson)


def test_areas_on_an_empty_database(empty_db):
    with empty_db.connect() as c:
        assert areas.database_meta(c) == {} and areas.data_as_of(c) is None and areas.county_info(c) == {}
        assert areas.township_list(c, F).empty and areas.village_list(c, F).empty and areas.township_boundaries(c, F).empty


def test_every_query_runs_on_an_empty_database(empty_db):
    """A database with the schema and no rows: every query answers with its columns, zeros or nothing."""
    with empty_db.connect() as c:
        k = kpis.headline_kpis(c, F)
        assert list(k.key) == KPI_ORDER
        for by in ("all", "township", "village"):
            assert list(leads.leads_by_area(c, F, by).columns) == LEAD_COLUMNS
            assert list(aid.measure_coverage(c, F, by).columns) == COVERAGE_COLUMNS
            assert list(aid.visit_recency(c, F, by).columns) == VISIT_COLUMNS
            assert list(aid.funds_by_area(c, F, by).columns) == FUND_COLUMNS
            assert list(factors.factors_by_area(c, F, by).columns) == ["code", "name", "township_code", *FACTOR_ORDER]
            # the county's count targets (no villages needed) say 未导入 on an empty database; nothing else shows
            status = targets.target_status(c, F, by)
            assert set(status.status) <= {"missing"} and set(status.code) <= {"all"}, status
            assert set(status.indicator) <= set(target_counts.KEYS)
        assert leads.open_lead_list(c, F).empty and aid.project_list(c, F).empty
        assert col(factors.factor_breakdown(c, F), "households") == [0] * 10
        assert col(factors.multi_factor_households(c, F), "households") == [0, 0, 0]
        assert factors.factor_trend(c, F).empty
        assert trends.monthly_trend(c, F)[MONTHLY_COLUMNS[1:]].to_numpy().sum() == 0
        assert aid.measures_by_tool(c, F).total.sum() == 0 and aid.factor_tool_gaps(c, F).households.sum() == 0
        assert targets.target_trend(c, F, "tap_water").empty and targets.lagging_villages(c, F, "tap_water").empty
        assert households.household_list(c, F, monitored_only=False).empty
        assert households.household_record(c, F, 1) is None and households.household_id_by_code(c, F, "1") is None


# --- the filter ------------------------------------------------------------------------------------------

def test_filter_windows():
    assert F.previous_quarter.as_of in (date(2026, 3, 30), date(2026, 3, 31))
    assert f(as_of=date(2026, 5, 15)).previous_quarter.as_of == date(2026, 2, 15)
    assert F.period_start == date(2026, 4, 1) and f(period="month").period_start == date(2026, 6, 1)
    assert F.overdue_cutoff == date(2026, 6, 15)
    with pytest.raises(ValueError):
        Filter(as_of=AS_OF, period="week")


def test_period_grain_is_not_mixed_up_by_the_statement_cache(conn):
    """The same statement shape with another period grain must compile to other SQL (cache key includes it)."""
    for _ in range(2):
        q = trends.monthly_trend(conn, F)
        m = trends.monthly_trend(conn, f(period="month"))
        assert q.period.iloc[-1] == "2026-Q2" and tuple(q.iloc[-1, 1:]) == (6, 2, 1)
        assert m.period.iloc[-1] == "2026-06" and tuple(m.iloc[-1, 1:]) == (4, 1, 0)
        assert factors.factor_trend(conn, F).period.iloc[-1] == "2026-Q2"
        assert factors.factor_trend(conn, f(period="month")).period.iloc[-1] == "2026-06"


def test_target_values_and_latest_period(conn):
    t = targets.target_values(conn, F)
    assert list(t.columns) == ["indicator", "scope", "year", "value", "deadline"]
    assert len(t) == 14  # 13 county targets + T2's own tap-water target
    got = {(i, s): (y, v) for i, s, y, v in tab(t, "indicator", "scope", "year", "value")}
    assert got[("tap_water", "county")] == (2026, 0.95)  # the 2026 value replaces 2025's 0.90
    assert got[("tap_water", T2)] == (2026, 0.98) and got[("dropouts", "county")] == (2026, 0)
    # a township's filter: the county's targets and its own, not another township's
    assert set(targets.target_values(conn, f(township=T1)).scope) == {"county"}
    assert len(targets.target_values(conn, f(township=T2))) == 14
    assert tab(targets.target_values(conn, f(as_of=date(2025, 12, 31))), "indicator", "scope", "year", "value") == [
        ("tap_water", "county", 2025, 0.9)]
    assert targets.target_values(conn, f(as_of=date(2024, 12, 31))).empty
    assert targets.latest_period(conn, AS_OF) == date(2026, 6, 30)
    assert targets.latest_period(conn, date(2026, 6, 29)) == date(2026, 3, 31)
    assert targets.latest_period(conn, date(2026, 3, 30)) is None
