"""总览 in AppTest on the hand-built fixture: every number shown equals the query layer's."""

import pytest

from dashboard.common import fmt
from queries import kpis, leads, ranking, targets, trends
from queries.codes import WARNING_LEVELS
from queries.filters import Filter
from tests.fixture_db import AS_OF
from tests.pages_support import chart, q, run_app, run_page

T1, T2, T3 = "439901101", "439901102", "439901103"


def cards(at) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def check_kpis(at, url, f):
    k = q(url, kpis.headline_kpis, f)
    shown = cards(at)
    for r in k.itertuples():
        assert shown[r.name][0] == fmt.value(r.value, r.unit), r.key
        assert (shown[r.name][1] or None) == fmt.delta(r.change, r.unit), r.key


def test_default_view_matches_query_layer(app_db):
    at = run_page("overview")
    assert not at.exception
    f = Filter(as_of=AS_OF)
    check_kpis(at, app_db, f)
    assert cards(at)["监测户数"] == ("9", "+1")          # counted by hand in tests/fixture_db.py
    assert cards(at)["超15天未研判线索"] == ("2", "+1")
    assert any("数据截至 2026年6月30日" in c.value for c in at.caption)

    by_town = q(app_db, leads.leads_by_area, f, "township")
    spec = chart(at, "未解除预警")
    for trace, lv in zip(spec["data"], WARNING_LEVELS):
        plotted = dict(zip(trace["customdata"], trace["x"]))
        assert plotted == dict(zip(by_town.code, by_town[f"open_{lv}"].astype(int)))
    assert {tr["marker"]["color"] for tr in spec["data"]} == {"#D7263D", "#F28C28", "#F2C14E"}

    trend = q(app_db, trends.monthly_trend, f)
    spec = chart(at, "按季度统计")
    assert [tr["y"] for tr in spec["data"]] == [trend[k].tolist() for k in ("new_leads", "new_identified", "new_eliminated")]

    ts = q(app_db, targets.target_status, f, "all")
    rates = ts[(ts.unit == "%") & ts.value.notna()]
    spec = chart(at, "当前值与目标")
    bars = spec["data"][0]
    assert dict(zip(bars["y"], bars["x"])) == pytest.approx(dict(zip(rates.indicator_name, rates.value)))

    r = q(app_db, ranking.township_ranking, f)
    table = at.dataframe[0].value
    assert table["乡镇"].tolist() == r.name.tolist()
    assert table["水平名次"].tolist() == r.rank_level.tolist()


def test_filtered_by_township_and_category(app_db):
    at = run_page("overview", {"town": T1, "cat": "unstable", "period": "month"})
    assert not at.exception
    f = Filter(as_of=AS_OF, township=T1, category="unstable", period="month")
    check_kpis(at, app_db, f)
    by_village = q(app_db, leads.leads_by_area, f, "village")
    spec = chart(at, "各村未解除预警")
    red = spec["data"][0]
    assert dict(zip(red["customdata"], red["x"])) == dict(zip(by_village.code, by_village.open_red.astype(int)))
    assert chart(at, "按月统计")
    assert len(at.dataframe) == 0  # the township ranking is a county view


def test_scope_with_nothing_shows_empty_states(app_db):
    at = run_page("overview", {"town": T3})
    assert not at.exception
    assert cards(at)["监测户数"][0] == "0"
    assert any("没有" in i.value for i in at.info)


def test_bad_params_are_dropped_with_a_notice(app_db):
    at = run_page("overview", {"town": "1; DROP TABLE households", "cat": "x" * 500, "asof": "2031-01-01",
                               "village": "' OR 1=1 --"})
    assert not at.exception
    notice = " ".join(w.value for w in at.warning)
    assert "乡镇" in notice and "监测类别" in notice and "截至日期" in notice and "村" in notice
    assert cards(at)["监测户数"][0] == "9"  # fell back to the whole county on the data date


def test_entry_script_opens_overview(app_db):
    at = run_app()
    assert not at.exception
    assert at.title[0].value == "总览"


@pytest.mark.postgres
def test_overview_on_postgresql(fixture_pg_reader_url, monkeypatch):
    """The same page through the same code on a real PostgreSQL server, as a SELECT-only role."""
    import streamlit as st

    monkeypatch.setenv("MONITOR_DB_URL", fixture_pg_reader_url)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = run_page("overview", {"town": T2})
    assert not at.exception
    check_kpis(at, fixture_pg_reader_url, Filter(as_of=AS_OF, township=T2))
    assert cards(at)["监测户数"][0] == "4"


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_workflow_cards_show_stuck_cases_overdue_assignments_and_open_findings(backend, request, monkeypatch):
    """The fixture (tests/fixture_db.py) on 06-30: undecided leads of households 4, 11, 12 (no step yet, past 实地核查's
    3 days) and 8 (past 部门比对's) -> 4 stuck; 交办 to 县农业农村局 (household 6) and 县医保局 (15), both red and
    past their 3 days -> 2; finding ZG-1 open and past its 06-20 deadline -> 1 open, 1 overdue."""
    import streamlit as st
    monkeypatch.setenv("MONITOR_DB_URL", request.getfixturevalue(
        "fixture_sqlite_url" if backend == "sqlite" else "fixture_pg_reader_url"))
    st.cache_data.clear()
    at = run_page("overview")
    shown = cards(at)
    assert shown["超环节时限的线索"][0] == "4"
    assert shown["超期交办"] == ("2", "其中红色预警 2 次")
    assert shown["未整改问题"][0] == "1" and shown["超期未整改问题"][0] == "1"
    town = cards(run_page("overview", user="township"))     # 城关镇: 县医保局's 交办 is 青山镇's
    assert town["超期交办"] == ("1", "其中红色预警 1 次")
