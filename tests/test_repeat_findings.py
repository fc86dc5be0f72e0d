"""复查再次发现的同类问题, worked out by hand on the hand-typed county of tests/workflow_county.py with a second
round of inspections, imported through the importer, on SQLite and PostgreSQL: the query, and 流程督办 in AppTest
for a county user and a 甲镇 user.

First round (workflow_county): 甲村 04-10 ZG-1 未按时走访 (closed 05-10), ZG-2 漏评 (closed 05-12), ZG-3 未按时走访
(open); 乙村 05-15 ZG-4 档案资料不一致 (open), ZG-5 漏评 (closed 06-01). Second round, added here:
  ZG-6 甲村 06-20 未按时走访  -> repeats ZG-1 (closed before 06-20: 整改后反弹) and ZG-3 (open then: 仍未整改)
  ZG-7 乙村 06-20 漏评        -> repeats ZG-5 (closed 06-01: 整改后反弹)
  ZG-8 甲村 06-20 饮水保障不到位 -> a new category: no repeat
  ZG-9 乙村 07-05 档案资料不一致 -> after the as-of day 06-30: only counted as of 07-10 (ZG-4 仍未整改)
  ZG-1 and ZG-3 were found on the same day: neither repeats the other (the later inspection must be later).
"""

from __future__ import annotations

import shutil
from datetime import date

import pytest
import streamlit as st

from queries import workflow as wf
from queries.filters import Filter
from tests import workflow_county as W
from tests.handbuilt import import_county, write_book
from tests.pages_support import run_page

SECOND_ROUND = [
    W._finding("ZG-6", W.V1, "2026-06-20", "未按时走访", "2026-07-20", "整改中"),
    W._finding("ZG-7", W.V2, "2026-06-20", "漏评", "2026-07-20", "整改中"),
    W._finding("ZG-8", W.V1, "2026-06-20", "饮水保障不到位", "2026-07-20", "整改中"),
    W._finding("ZG-9", W.V2, "2026-07-05", "档案资料不一致", "2026-08-05", "整改中"),
]
LATER = date(2026, 7, 10)


@pytest.fixture
def county(empty_db, tmp_path):
    book = W.county()
    book["整改问题"] = W.FINDINGS + SECOND_ROUND
    import_county(empty_db, write_book(tmp_path / "县.xlsx", book), as_of=LATER)
    return empty_db


def rows(df) -> list[tuple]:
    return list(zip(df.code, df.state, df.again_code))


def test_repeats_and_their_state_worked_by_hand(county):
    with county.connect() as conn:
        on_06_30 = wf.repeat_findings(conn, Filter(as_of=W.AS_OF))
        on_07_10 = wf.repeat_findings(conn, Filter(as_of=LATER))
        jiazhen = wf.repeat_findings(conn, Filter(as_of=W.AS_OF, township=W.T1))
        before = wf.repeat_findings(conn, Filter(as_of=date(2026, 6, 19)))
    # latest re-inspection first, then village and code
    assert rows(on_06_30) == [("ZG-1", "rebound", "ZG-6"), ("ZG-3", "still_open", "ZG-6"),
                              ("ZG-5", "rebound", "ZG-7")]
    first = on_06_30.iloc[0]
    assert (first.village_name, first.category_name, str(first.closed_date), str(first.again_on)) == \
        ("甲村", "未按时走访", "2026-05-10", "2026-06-20")
    assert rows(on_07_10) == [("ZG-4", "still_open", "ZG-9"), *rows(on_06_30)]
    assert rows(jiazhen) == [("ZG-1", "rebound", "ZG-6"), ("ZG-3", "still_open", "ZG-6")]
    assert before.empty and list(before.columns) == wf.REPEAT_COLUMNS


@pytest.fixture
def page_db(county, tmp_path, dashboard_url, users_file, monkeypatch):
    from dashboard.security.users import add_user
    path = tmp_path / "users.json"
    shutil.copy(users_file, path)
    add_user(path, "jiazhen", "test-password-1", "township", W.T1)
    monkeypatch.setenv("MONITOR_USERS_FILE", str(path))
    monkeypatch.setenv("MONITOR_DB_URL", dashboard_url(county))
    st.cache_data.clear()
    st.cache_resource.clear()


def repeat_table(at):
    return next(d.value for d in at.dataframe if "再次发现日期" in d.value.columns)


def test_the_page_lists_them_for_the_county_and_the_township(page_db):
    at = run_page("workflow", {"asof": W.AS_OF.isoformat()})
    assert not at.exception and not at.error
    assert any("复查再次发现的同类问题**：3 个" in m.value for m in at.markdown), [m.value for m in at.markdown]
    t = repeat_table(at)
    assert list(t["上次问题编号"]) == ["ZG-1", "ZG-3", "ZG-5"]
    assert list(t["上次问题整改"]) == ["整改后反弹（2026-05-10 整改完成）", "仍未整改", "整改后反弹（2026-06-01 整改完成）"]
    assert list(t["本次问题编号"]) == ["ZG-6", "ZG-6", "ZG-7"] and list(t["村"]) == ["甲村", "甲村", "乙村"]
    at = run_page("workflow", {"asof": W.AS_OF.isoformat()}, user="jiazhen")
    assert not at.exception and not at.error
    assert list(repeat_table(at)["上次问题编号"]) == ["ZG-1", "ZG-3"]
    assert any("复查再次发现的同类问题**：2 个" in m.value for m in at.markdown)
