"""Bad input never shows a traceback: missing, empty, foreign or unreachable databases, odd values in
the data, hostile URL parameters, and a PostgreSQL server that goes away and comes back."""

import pytest
import sqlalchemy as sa
import streamlit as st
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst

from dashboard.common.nav import PAGES
from queries import quality
from queries.db import make_engine
from queries.filters import Filter
from queries.schema import metadata
from tests.fixture_db import AS_OF, T1, T2, V11, build_fixture, household_code
from tests.pages_support import run_page

DATA_PAGES = [p.url_path for p in PAGES if not p.admin]


def use_db(monkeypatch, url):
    monkeypatch.setenv("MONITOR_DB_URL", url)
    st.cache_data.clear()
    st.cache_resource.clear()


def shown_problem(at) -> str:
    assert not at.exception
    return " ".join(e.value for e in at.error)


@pytest.mark.parametrize("case, expected", [
    ("missing_file", "未找到监测数据库文件"),
    ("bad_url", "数据库地址"),
    ("unreachable", "暂时无法连接"),
    ("empty_file", "数据库是空的"),
    ("schema_only", "还没有监测数据"),
    ("old_schema", "结构"),
    ("other_schema", "缺少表"),
])
def test_database_problems_get_a_clear_message(case, expected, tmp_path, monkeypatch):
    path = tmp_path / "m.db"
    url = f"sqlite:///{path}"
    if case == "bad_url":
        url = "nonsense://nowhere/x"
    elif case == "unreachable":
        url = "postgresql+psycopg://postgres@127.0.0.1:1/monitor"
    elif case == "empty_file":
        sa.create_engine(url).connect().close()
    elif case in ("schema_only", "old_schema"):
        e = make_engine(url, read_only=False)
        metadata.create_all(e)
        if case == "old_schema":
            with e.begin() as conn:
                conn.execute(sa.text("INSERT INTO meta VALUES ('schema_version', '0'), ('as_of', '2026-06-30')"))
    elif case == "other_schema":
        with sa.create_engine(url).begin() as conn:
            conn.execute(sa.text("CREATE TABLE households (id INTEGER PRIMARY KEY, name TEXT)"))
    use_db(monkeypatch, url)
    for page in ("overview", "household"):
        at = run_page(page)
        assert expected in shown_problem(at), (case, page)
        assert len(at.metric) == 0


# -- odd values in the data -----------------------------------------------------------------------------
@pytest.fixture
def odd_db(tmp_path, monkeypatch):
    """The fixture county plus NULLs, negative incomes, future dates, unknown codes and orphan rows."""
    path = tmp_path / "odd.db"
    e = make_engine(f"sqlite:///{path}", read_only=False)
    metadata.create_all(e)
    build_fixture(e)
    with e.begin() as conn:
        x = conn.exec_driver_sql
        x("UPDATE household_income SET per_capita_income = -500 WHERE household_id = 4 AND year = 2026")
        x("UPDATE household_income SET per_capita_income = NULL WHERE household_id = 5")
        x("UPDATE members SET birth_date = '2031-01-01' WHERE household_id = 8")
        x("UPDATE members SET id_number = NULL, name = '' WHERE household_id = 9")
        x("UPDATE warnings SET level = 'purple', source = '???' WHERE id = 1")
        x("UPDATE risk_factors SET factor_type = 'alien', factor_group = 'nowhere' WHERE id = 2")
        x("UPDATE aid_measures SET tool = 'magic', tool_group = '??', amount = -1 WHERE id = 1")
        x("UPDATE households SET monitor_category = 'weird' WHERE id = 12")
        x("UPDATE households SET identified_date = '2099-01-01' WHERE id = 2")
        x("INSERT INTO warnings (id, household_id, source, level, raised_date) VALUES (999, 99999, 'self', 'red', '2026-06-01')")
        x("INSERT INTO aid_measures (id, household_id, tool_group, tool, registered_date) VALUES (999, 99999, 'basic', 'dibao', '2026-01-01')")
        x("UPDATE village_facts SET tap_water_households = NULL, rural_households = 0 WHERE village_code = '%s'" % V11)
    e.dispose()
    use_db(monkeypatch, f"sqlite:///{path}")
    return f"sqlite:///{path}"


@pytest.mark.parametrize("page", DATA_PAGES)
def test_pages_render_with_odd_values(odd_db, page):
    params = {"hh": household_code(1)} if page == "household" else {}
    at = run_page(page, params)
    assert not at.exception
    assert not [e.value for e in at.error], page
    for town in (T1, T2):
        at = run_page(page, {**params, "town": town})
        assert not at.exception and not at.error, (page, town)


def test_quality_rules_list_the_odd_values(odd_db):
    with sa.create_engine(odd_db).connect() as conn:
        f = Filter(as_of=AS_OF)
        assert 4 in quality.flagged_ids(conn, f, "missed_income")       # negative income
        assert 8 in quality.flagged_ids(conn, f, "impossible_age")      # born in the future
        assert 9 not in quality.flagged_ids(conn, f, "invalid_id")      # NULL ID is missing, not invalid


# -- hostile URL parameters ----------------------------------------------------------------------------
hostile_text = hst.one_of(
    hst.sampled_from(["' OR 1=1 --", "1; DROP TABLE households", "439901101' UNION SELECT 1", "%", "_", "*",
                      "9" * 400, "-1", "0", "１２３", "439901101\x00", "𝕏𝕐", "\u202e439901101", "<script>alert(1)</script>",
                      "2026-02-30", "2026-06-30T00:00", "99999-01-01", "NaN", "null", ""]),
    hst.text(max_size=60),
)
param_names = hst.sampled_from(["asof", "period", "town", "village", "cat", "hh", "ind", "unknown"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=hst.dictionaries(param_names, hostile_text, max_size=4),
       page=hst.sampled_from(["overview", "warnings", "household", "targets", "quality"]))
def test_hostile_url_parameters_never_break_a_page(app_db, params, page):
    at = run_page(page, params)
    assert not at.exception
    assert not at.error, at.error


# Every registered query function with any filter: tests/test_scope_property.py (hypothesis, both databases).


# -- PostgreSQL goes away and comes back ------------------------------------------------------------------
@pytest.mark.postgres
def test_postgresql_outage_and_recovery(pg_server, monkeypatch):
    url = pg_server.create_database("outage")
    e = make_engine(url, read_only=False)
    metadata.create_all(e)
    build_fixture(e)
    e.dispose()
    use_db(monkeypatch, pg_server.reader_url("outage"))
    at = run_page("overview")
    assert not at.exception and at.metric[0].value == "9"
    pg_server.pause()
    try:
        st.cache_data.clear()  # cached numbers would hide the outage; a new filter would too
        at.run()
        assert not at.exception
        assert "暂时无法连接" in " ".join(e.value for e in at.error)
    finally:
        pg_server.resume()
    st.cache_data.clear()
    at.run()  # the next interaction recovers without restarting the app
    assert not at.exception and not at.error
    assert at.metric[0].value == "9"


@pytest.mark.parametrize("page", DATA_PAGES)
def test_every_page_has_one_heading_its_title(app_db, page):
    """run_page draws the page's heading; a page body drawing its own would show it twice."""
    at = run_page(page)
    assert not at.exception
    assert [t.value for t in at.title] == [next(p.title for p in PAGES if p.url_path == page)]
