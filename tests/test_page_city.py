"""The city level on the pages (issue 20), in AppTest on SQLite and PostgreSQL: the hand-built two-county city
(tests/city_books.py) imported county by county. A city user sees the counties ranked and charted; 东县's
user sees 东县 only, on every page, in every table and chart and in every Excel file the page offers, whatever
the URL asks; a county account with no county of its own is refused."""

from __future__ import annotations

import json

import pytest

from dashboard.common.nav import PAGES
from tests.city_books import EAST, WC, WC1, WEST, import_city
from tests.exports_support import offered, workbook_values  # noqa: F401  (offered: a fixture)
from tests.pages_support import chart_specs, run_page
from tests.test_access import page_text

PASSWORD = "city-pass-1"
WEST_WORDS = ("西县", "丙镇", "四村", "W1", "W2", WEST)   # anything of the other county


@pytest.fixture
def city_pages(empty_db, tmp_path, dashboard_url, monkeypatch):
    import streamlit as st

    from dashboard.security.users import add_user
    import_city(empty_db, tmp_path)
    users = tmp_path / "users.json"
    add_user(users, "shi", PASSWORD, "city")
    add_user(users, "dongxian", PASSWORD, "county", county=EAST)
    add_user(users, "nocounty", PASSWORD, "county")
    monkeypatch.setenv("MONITOR_USERS_FILE", str(users))
    monkeypatch.setenv("MONITOR_DB_URL", dashboard_url(empty_db))
    st.cache_data.clear()
    st.cache_resource.clear()


def everything_shown(at) -> str:
    return page_text(at) + json.dumps(chart_specs(at), ensure_ascii=False)


def test_the_city_user_sees_the_counties_ranked(city_pages):
    at = run_page("overview", user="shi")
    assert not at.exception and not at.error
    assert "全市 · 全部县（市、区）" in at.caption[0].value
    assert [s.value for s in at.subheader if "排名" in s.value] == ["县（市、区）排名"]
    ranked = at.dataframe[0].value
    assert sorted(ranked["县（市、区）"]) == ["东县", "西县"]
    # 每百户预警: 东县 2 of 6 -> 33.33, 西县 3 of 5 -> 60.0 (tests/city_books.py)
    assert dict(zip(ranked["县（市、区）"], ranked["每百户预警"])) == {"东县": 33.33, "西县": 60.0}
    bars = [s for s in chart_specs(at) if "各县（市、区）未解除预警" in s["layout"].get("title", {}).get("text", "")]
    assert bars and set(bars[0]["data"][0]["y"]) == {"东县", "西县"}
    assert at.selectbox(key="flt_county").options == ["全市", "东县", "西县"]


@pytest.mark.parametrize("page", [p.url_path for p in PAGES if not p.admin])
def test_a_county_user_sees_nothing_of_the_other_county(city_pages, offered, page):  # noqa: F811
    # the URL asks for 西县, its township and its village: the pipeline confines the view to 东县 all the same
    at = run_page(page, {"county": WEST, "town": WC, "village": WC1}, user="dongxian")
    assert not at.exception
    shown = everything_shown(at)
    assert "东县 · 全县" in at.caption[0].value, page    # the user's county names the view
    assert not [w for w in WEST_WORDS if w in shown], page
    for o in offered:
        if o.kind == "xlsx":
            values = " ".join(map(str, workbook_values(o.build())))
            assert not [w for w in WEST_WORDS if w in values], (page, o.key)


def test_a_county_account_without_its_county_is_refused_in_a_city(city_pages):
    at = run_page("overview", user="nocounty")
    assert not at.exception
    assert at.title[0].value == "防返贫动态监测 · 登录"
    assert "东县" not in page_text(at)
