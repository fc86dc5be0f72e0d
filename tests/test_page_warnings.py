"""预警 in AppTest on the hand-built fixture: the numbers shown equal the query layer's, and the
drill-down county → township → village → household works by selection and by URL."""

import base64

import numpy as np
import pandas as pd
import pytest

from dashboard.common import fmt
from queries import leads
from queries.codes import LEAD_SOURCES, WARNING_LEVELS
from queries.filters import Filter
from tests.fixture_db import AS_OF, T1, T2, T3, V12, V13, V21, V31, household_code
from tests.pages_support import ROOT, chart_specs, q, run_page

LEVEL_COLORS = {"red": "#D7263D", "orange": "#F28C28", "yellow": "#F2C14E"}
AREA_COLUMNS = {"households": "农户数", "open_red": "红色", "open_orange": "橙色", "open_yellow": "黄色",
                "open_total": "未解除合计", "per_100": "每百户预警", "pending": "待研判", "overdue": "超15天未研判",
                "decided_in_period": "本期研判", "median_days": "研判用时中位数(天)"}


# --- helpers -------------------------------------------------------------------------------------


def arr(v) -> list:
    """A Plotly data array from the figure JSON (numeric arrays arrive base64-encoded)."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
    return list(v)


def cards(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def no_errors(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def expected_order(df: pd.DataFrame) -> pd.DataFrame:
    """The page lists areas with the most open warnings first (then most overdue, then code)."""
    return df.sort_values(["open_total", "overdue", "code"], ascending=[False, False, True]).reset_index(drop=True)


def check_summary(at, url, f: Filter) -> None:
    s = q(url, leads.leads_by_area, f, "all").iloc[0]
    shown = cards(at)
    assert shown["未解除预警"] == fmt.count(s.open_total)
    assert shown["每百户预警数"] == fmt.number(s.per_100, 2)
    assert shown["待研判线索"] == fmt.count(s.pending)
    assert shown["超15天未研判线索"] == fmt.count(s.overdue)
    assert shown["本期研判线索"] == fmt.count(s.decided_in_period)
    median = fmt.number(s.median_days)
    assert shown["研判用时中位数"] == (median if median == "—" else f"{median}天")


def check_areas(at, url, f: Filter, by: str) -> pd.DataFrame:
    """Chart and table both equal leads_by_area for the filter; returns the expected (display-ordered) frame."""
    expected = expected_order(q(url, leads.leads_by_area, f, by))
    where = "村" if by == "village" else "乡镇"

    spec = next(s for s in chart_specs(at) if f"各{where}未解除预警" in s["layout"]["title"]["text"])
    assert [tr["name"] for tr in spec["data"]] == list(WARNING_LEVELS.values())
    assert [tr["marker"]["color"] for tr in spec["data"]] == list(LEVEL_COLORS.values())
    assert spec["layout"]["barmode"] == "stack"
    for trace, lv in zip(spec["data"], WARNING_LEVELS):
        assert trace["orientation"] == "h"
        plotted = dict(zip(arr(trace["customdata"]), arr(trace["x"])))
        assert plotted == dict(zip(expected.code, expected[f"open_{lv}"].astype(int)))
        assert dict(zip(arr(trace["customdata"]), arr(trace["y"]))) == dict(zip(expected.code, expected.name))

    table = at.dataframe[0].value
    assert table[where].tolist() == expected.name.tolist()
    for col, header in AREA_COLUMNS.items():
        if col == "per_100":
            assert table[header].tolist() == [fmt.number(v, 2) for v in expected[col]], header
        elif col == "median_days":
            assert table[header].tolist() == [fmt.number(v) for v in expected[col]], header
        else:
            assert table[header].tolist() == expected[col].astype(int).tolist(), header
    return expected


def select_row(at, table_index: int, row: int):
    """Simulate a click on a table row (st.dataframe selection state accepts writes in AppTest)."""
    key = at.dataframe[table_index].key
    assert key, "the table must have a key to be selectable"
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return at.run()


# --- the county view -----------------------------------------------------------------------------
def test_county_view_matches_query_layer(app_db):
    at = run_page("warnings")
    no_errors(at)
    assert at.title[0].value == "预警"
    f = Filter(as_of=AS_OF)
    check_summary(at, app_db, f)
    # the same numbers counted by hand in tests/fixture_db.py
    assert cards(at)["未解除预警"] == "13"
    assert cards(at)["每百户预警数"] == "65.00"
    assert cards(at)["超15天未研判线索"] == "2"
    assert cards(at)["研判用时中位数"] == "15.0天"

    expected = check_areas(at, app_db, f, "township")
    assert expected.code.tolist() == [T1, T2, T3]
    table = at.dataframe[0].value
    assert table.loc[table["乡镇"] == "城关镇", "超15天未研判"].item() == 2
    assert table.loc[table["乡镇"] == "石门乡", "每百户预警"].item() == "—"  # no households: no basis
    assert table.loc[table["乡镇"] == "青山镇", "研判用时中位数(天)"].item() == "28.5"
    # overdue > 0 is highlighted: the Styler's CSS reaches the table proto
    assert "FBE3E6" in str(at.dataframe[0].proto).upper()
    # breadcrumbs: only the county, as text (no button to go "up" from the top)
    assert not [b for b in at.button if b.key and b.key.startswith("warn_crumb")]
    assert any(m.value == "**全县**" for m in at.markdown)


def test_metric_help_texts_are_the_definitions(app_db):
    from queries.metrics import metric

    at = run_page("warnings")
    helps = {m.label: m.help for m in at.metric}
    assert helps["每百户预警数"] == metric("warnings_per_100").definition
    assert helps["研判用时中位数"] == metric("median_days_to_decision").definition


@pytest.mark.parametrize("params, f_kwargs", [
    ({"town": T1}, {"township": T1}),
    ({"town": T2, "cat": "marginal"}, {"township": T2, "category": "marginal"}),
    ({"cat": "unstable", "period": "month"}, {"category": "unstable", "period": "month"}),
], ids=["town", "town+cat", "cat+month"])
def test_filtered_views_match_query_layer(app_db, params, f_kwargs):
    at = run_page("warnings", params)
    no_errors(at)
    assert not at.warning
    f = Filter(as_of=AS_OF, **f_kwargs)
    check_summary(at, app_db, f)
    check_areas(at, app_db, f, "village" if f.township else "township")
    assert dict(at.query_params) == params  # the URL keeps exactly the filter


def test_village_view_lists_open_warnings_by_household(app_db):
    at = run_page("warnings", {"town": T1, "village": V13})
    no_errors(at)
    f = Filter(as_of=AS_OF, township=T1, village=V13)
    check_summary(at, app_db, f)
    expected = q(app_db, leads.open_lead_list, f)
    table = at.dataframe[0].value
    assert table["户编号"].tolist() == expected.household_code.tolist()
    assert table["户主"].tolist() == expected.head_name.tolist()
    assert table["等待天数"].tolist() == expected.days_waiting.tolist()
    assert table["预警级别"].tolist() == [WARNING_LEVELS[v] for v in expected.level]
    assert table["线索来源"].tolist() == [LEAD_SOURCES[v] for v in expected.source]
    assert table["超期"].tolist() == ["超期" if o else "" for o in expected.overdue]
    # by hand: V13 has W11 (h12, red, 16 days, overdue) first, then W9 (h10, identified) and W10 (h11, 15 days)
    assert table["户编号"].tolist() == [household_code(12), household_code(10), household_code(11)]
    assert table["超期"].tolist() == ["超期", "", ""]
    assert table["研判结果"].tolist() == ["待研判", "纳入监测", "待研判"]
    assert table["等待天数"].tolist() == [16, 10, 15]
    # breadcrumbs 全县 › 城关镇 are buttons, the village is the current level
    assert [b.label for b in at.button if b.key and b.key.startswith("warn_crumb")] == ["全县", "城关镇"]


def test_village_with_lead_list_matches_in_order(app_db):
    """V12: the overdue W7 comes before the red W5 (overdue first, then level)."""
    at = run_page("warnings", {"village": V12})
    no_errors(at)
    assert at.query_params["town"] == T1  # the township follows from the village
    table = at.dataframe[0].value
    assert table["户编号"].tolist() == [household_code(8), household_code(6), household_code(7)]
    assert table["超期"].tolist() == ["超期", "", ""]


# --- drill-down -------------------------------------------------------------------------------------
def test_drill_down_by_table_selection_and_back_up(app_db):
    at = run_page("warnings")
    county = expected_order(q(app_db, leads.leads_by_area, Filter(as_of=AS_OF), "township"))
    row = county.index[county.code == T2][0]
    county_key = at.dataframe[0].key
    at = select_row(at, 0, row)
    no_errors(at)
    assert at.query_params["town"] == T2
    assert "village" not in at.query_params
    assert any("青山镇" in c.value for c in at.caption)  # the scope line follows the URL
    f = Filter(as_of=AS_OF, township=T2)
    villages = check_areas(at, app_db, f, "village")
    check_summary(at, app_db, f)

    row = villages.index[villages.code == V21][0]
    at = select_row(at, 0, row)
    no_errors(at)
    assert at.query_params["village"] == V21 and at.query_params["town"] == T2
    expected = q(app_db, leads.open_lead_list, Filter(as_of=AS_OF, township=T2, village=V21))
    assert at.dataframe[0].value["户编号"].tolist() == expected.household_code.tolist()

    # 全县 › 青山镇 › 北坪村: back to the township, then to the county
    crumb = next(b for b in at.button if b.label == "青山镇")
    at = crumb.click().run()
    no_errors(at)
    assert at.query_params["town"] == T2 and "village" not in at.query_params
    check_areas(at, app_db, f, "village")
    crumb = next(b for b in at.button if b.label == "全县")
    at = crumb.click().run()
    no_errors(at)
    assert "town" not in at.query_params
    check_areas(at, app_db, Filter(as_of=AS_OF), "township")
    # the township table starts without a selection: going up does not drill straight down again
    at = at.run()
    assert "town" not in at.query_params
    assert at.dataframe[0].key != county_key


def test_drill_down_keeps_category_filter(app_db):
    at = run_page("warnings", {"cat": "sudden"})
    f = Filter(as_of=AS_OF, category="sudden")
    county = expected_order(q(app_db, leads.leads_by_area, f, "township"))
    at = select_row(at, 0, int(county.index[county.code == T1][0]))
    no_errors(at)
    assert dict(at.query_params) == {"cat": "sudden", "town": T1}
    check_areas(at, app_db, Filter(as_of=AS_OF, township=T1, category="sudden"), "village")


def test_household_row_opens_household_page(app_db):
    """Through the entry script (st.navigation registers 户情, so st.switch_page can go there)."""
    from streamlit.testing.v1 import AppTest

    from tests import pages_support

    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    if hasattr(pages_support, "login"):  # pages require a logged-in user
        at = pages_support.login(at, "county")
    at.query_params["town"] = T1
    at.query_params["village"] = V12
    at.query_params["cat"] = "sudden"
    at.run()
    at.switch_page("pages/warnings.py").run()
    no_errors(at)
    assert at.title[0].value == "预警"
    table = at.dataframe[0].value
    assert table["户编号"].tolist() == [household_code(6)]  # W5, the only 突发 household's open warning in V12
    at = select_row(at, 0, 0)
    no_errors(at)
    assert at.title[0].value == "户情"
    assert dict(at.query_params) == {"town": T1, "village": V12, "cat": "sudden", "hh": household_code(6)}
    assert any(household_code(6) in h.value for h in at.subheader)


def test_household_row_when_page_runs_alone_gives_a_link(app_db):
    """Opened on its own (no st.navigation), the page cannot switch pages: it offers a link instead."""
    at = run_page("warnings", {"village": V12})
    at = select_row(at, 0, 0)
    no_errors(at)
    link = " ".join(i.value for i in at.info)
    assert f"hh={household_code(8)}" in link and "/household?" in link


# --- empty states and bad input ------------------------------------------------------------------------
def test_township_without_households_shows_empty_state(app_db):
    at = run_page("warnings", {"town": T3})
    no_errors(at)
    assert any("当前筛选条件下没有未解除的预警" in i.value for i in at.info)
    assert not chart_specs(at)
    assert at.dataframe[0].value["村"].tolist() == ["石门村"]
    assert cards(at)["未解除预警"] == "0"
    assert cards(at)["每百户预警数"] == "—"


def test_village_without_warnings_shows_empty_state(app_db):
    at = run_page("warnings", {"town": T3, "village": V31})
    no_errors(at)
    assert any("当前筛选条件下没有未解除的预警" in i.value for i in at.info)
    assert not at.dataframe


def test_category_without_warnings_in_village(app_db):
    at = run_page("warnings", {"village": V21, "cat": "unstable"})  # h13 eliminated: no open warning
    no_errors(at)
    assert any("没有未解除的预警" in i.value for i in at.info)


@pytest.mark.parametrize("params", [
    {"town": "' OR 1=1 --"},
    {"town": "9" * 500, "village": "<script>alert(1)</script>"},
    {"village": "439901101299"},  # well-formed, does not exist
    {"cat": "DROP TABLE warnings"},
])
def test_malformed_params_are_dropped_with_a_notice(app_db, params):
    at = run_page("warnings", params)
    no_errors(at)
    assert any("链接中的部分参数无效" in w.value for w in at.warning)
    assert cards(at)["未解除预警"] == "13"  # fell back to the whole county
    assert dict(at.query_params) == {}
