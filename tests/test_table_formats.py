"""Numbers in the pages' tables (st.dataframe) have fixed formats: counts with thousands separators (3,369, as in
the captions), percentages, changes and per-100 values with their decimals, years and codes plain. Every page
draws its tables through dashboard/common/tables.py; the columns of the laptop-sized tables (巡查选点 ranking,
漏评排查 criteria) have widths that add up to what a 1366 px screen shows (tests/test_browser_table_fit.py
looks at them in Chromium)."""

import json
import re

import pandas as pd
import pytest
import streamlit as st

from dashboard.common import tables
from tests.conftest import ROOT


def number_format(cfg: dict, column: str):
    return ((cfg.get(column) or {}).get("type_config") or {}).get("format")


def shown_config(element) -> dict:
    """The column configuration a dataframe element sends to the browser."""
    return json.loads(element.proto.columns) if element.proto.columns else {}


# --- the helper ------------------------------------------------------------------------------------------

def test_formats_follow_the_column_kinds():
    df = pd.DataFrame({"乡镇": ["甲镇"], "区划代码": ["439901001"], "户编号": ["4399010012010002"],
                       "资金年度": [2026], "项目编号": [17], "农户数": [3369], "缺口比例%": [13.7],
                       "每百户预警": [3.89], "较上季度": [-2], "较上季度(百分点)": [1.2], "预算(万元)": [70.4],
                       "识别日期": [pd.Timestamp("2026-01-05")]})
    cfg = tables.config_for(df)
    assert number_format(cfg, "农户数") == "%,d"          # 3,369
    assert number_format(cfg, "缺口比例%") == "%.1f%%"     # 13.7%
    assert number_format(cfg, "每百户预警") == "%,.2f"
    assert number_format(cfg, "较上季度") == "%+,d"
    assert number_format(cfg, "较上季度(百分点)") == "%+.1f"
    assert number_format(cfg, "预算(万元)") == "%,.1f"
    # years and numeric codes never get separators; text codes and dates are left as they are
    assert number_format(cfg, "资金年度") == "%d" and number_format(cfg, "项目编号") == "%d"
    assert not {"乡镇", "区划代码", "户编号", "识别日期"} & set(cfg)


def test_page_settings_are_kept_and_kinds_override():
    df = pd.DataFrame({"村": ["甲村"], "风险评分": [57.7], "农户数": [182], "每百户预警": [4.0], "年龄": [62]})
    cfg = tables.config_for(df.style.format(precision=1), {
        "村": st.column_config.TextColumn("村", pinned=True),
        "风险评分": st.column_config.ProgressColumn("风险评分", min_value=0, max_value=100, format="%.1f"),
        "农户数": st.column_config.NumberColumn("农户数", width=60, help="户数"),
        "年龄": "年龄（岁）"}, kinds={"每百户预警": "num2"})
    assert cfg["村"]["pinned"] is True and "format" not in cfg["村"]["type_config"]
    assert cfg["风险评分"]["type_config"] == {**cfg["风险评分"]["type_config"], "type": "progress", "format": "%.1f"}
    assert cfg["农户数"]["width"] == 60 and cfg["农户数"]["help"] == "户数" and number_format(cfg, "农户数") == "%,d"
    assert cfg["年龄"]["label"] == "年龄（岁）" and number_format(cfg, "年龄") == "%,d"
    assert number_format(cfg, "每百户预警") == "%,.2f"    # 4.00, not 4


def test_pages_draw_tables_through_the_helper():
    calls = {p.name: len(re.findall(r"\bst\.dataframe\(", p.read_text(encoding="utf-8")))
             for p in (ROOT / "dashboard" / "pages").glob("*.py")}
    assert {name: n for name, n in calls.items() if n} == {}


# --- the pages --------------------------------------------------------------------------------------------

def run(page: str):
    from tests.pages_support import run_page
    at = run_page(page)
    assert not at.exception
    return at


def table_with(at, column: str):
    return next(d for d in at.dataframe if column in d.value.columns)


def test_screening_counts_have_separators_and_criteria_fit(app_db):
    from queries import screening
    at = run("screening")
    crit = screening.criteria()
    areas = table_with(at, "疑似漏评户")
    cfg = shown_config(areas)
    for column in ["不在监测户数", "疑似漏评户", *(c.name for c in crit)]:
        assert number_format(cfg, column) == "%,d", column
    # each criterion's column is headed by its short name, the full name and the 口径 in its tooltip
    for c in crit:
        assert cfg[c.name]["label"] == c.short and len(c.short) <= 4
        assert cfg[c.name]["help"].startswith(c.name) and c.definition in cfg[c.name]["help"]
    widths = [cfg[name]["width"] for name in areas.value.columns]
    assert sum(widths) + 30 <= 904, widths    # + the row-selection column; 904 px: 1366 wide, sidebar open
    assert list(areas.value.columns[3:]) == [c.name for c in crit]   # the download keeps the full names

    # the criteria table: the 口径 wrap (Streamlit wraps cell text in rows taller than 64 px), nothing cut off
    rules = table_with(at, "口径")
    assert rules.proto.row_height > 64
    cfg = shown_config(rules)
    assert sum(cfg[name]["width"] for name in rules.value.columns) <= 870
    assert list(rules.value["简称"]) == [c.short for c in crit]

    listed = table_with(at, "排查原因")
    cfg = shown_config(listed)
    assert number_format(cfg, "得分") == "%,d" and number_format(cfg, "户编号") is None
    assert listed.value["户编号"].map(type).eq(str).all()


def test_planner_ranking_fits_and_formats(app_db):
    at = run("planner")
    rank = table_with(at, "主要原因")
    cfg = shown_config(rank)
    assert number_format(cfg, "农户数") == "%,d" and number_format(cfg, "监测户数") == "%,d"
    assert cfg["风险评分"]["type_config"]["type"] == "progress"
    assert rank.proto.row_height > 64      # the reasons wrap instead of being cut off
    widths = [cfg[name]["width"] for name in rank.value.columns]
    assert sum(widths) <= 904, widths
    detail = shown_config(table_with(at, "红橙预警每百户"))
    assert number_format(detail, "超期未研判线索") == "%,d"
    assert number_format(detail, "自来水普及率差距") == "%,.1f" and "百分点" in detail["自来水普及率差距"]["label"]


@pytest.mark.parametrize("page", ["overview", "aid", "warnings", "workflow"])
def test_count_columns_have_separators_on_other_pages(app_db, page):
    at = run(page)
    assert at.dataframe, page
    for element in at.dataframe:
        cfg, frame = shown_config(element), element.value
        for j, column in enumerate(frame.columns):
            s = frame.iloc[:, j]
            if pd.api.types.is_integer_dtype(s) and not any(w in column for w in tables.PLAIN_WORDS):
                assert (number_format(cfg, column) or "").startswith(("%,", "%+,")), (page, column)
