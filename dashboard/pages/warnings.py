"""预警: open graded warnings, drilled down county → township → village → household.

The level shown follows the filter: no township selected → townships; a township → its villages;
a village → that village's open warnings, one row per lead, each opening the 户情 page. Clicking a
bar or selecting a table row drills down by writing the area into the URL, so every step of the
drill-down is a link that can be copied; the breadcrumbs go back up.
"""

from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.common import data, exports, filters, fmt, nav, tables, theme
from dashboard.common.page import Context, empty_state, page_params, run_page
from dashboard.common.text import escape_md, escape_plotly
from queries import kpis, leads  # noqa: F401  (kpis defines 'overdue_leads')
from queries.codes import AREA_UNITS, LEAD_DECISIONS, LEAD_SOURCES, WARNING_LEVELS, label
from queries.filters import COUNTY_DIGITS, LEAD_DECISION_DAYS
from queries.metrics import metric

NAV_KEY = "warn_nav"  # bumped on every drill step so selection widgets start empty on the new view
OVERDUE_BG = "background-color: #FBE3E6; color: #8E1B2A; font-weight: 600"
LEVEL_BG = {lv: f"background-color: {theme.level_color(lv)}; color: {'#1F1F1F' if lv == 'yellow' else 'white'}"
            for lv in WARNING_LEVELS}

AREA_TABLE = {  # column -> header; the first column's header depends on the level
    "households": "农户数", "open_red": "红色", "open_orange": "橙色", "open_yellow": "黄色",
    "open_total": "未解除合计", "per_100": "每百户预警", "pending": "待研判",
    "overdue": f"超{LEAD_DECISION_DAYS}天未研判", "decided_in_period": "本期研判", "median_days": "研判用时中位数(天)",
}


# -- navigation ---------------------------------------------------------------------------------
def _nav() -> int:
    return st.session_state.setdefault(NAV_KEY, 0)


def go_to(ctx: Context, town: str | None, village: str | None = None, county: str | None = None) -> None:
    """Show another area: written into the URL (the sidebar follows it), then rerun."""
    f = replace(ctx.f, county=county or (town[:COUNTY_DIGITS] if town else None), township=town,
                village=village if town else None)
    st.query_params.from_dict(filters.to_params(f, ctx.areas) | page_params())
    st.session_state[NAV_KEY] = _nav() + 1
    st.rerun()


def open_household(ctx: Context, code: str) -> None:
    """Switch to 户情 with the current filter and the household in the URL."""
    st.session_state[NAV_KEY] = _nav() + 1
    nav.open_household(ctx.f, ctx.areas, code)
    st.session_state[NAV_KEY] = _nav() - 1   # reached only when the 户情 page is not registered


def breadcrumbs(ctx: Context) -> None:
    """全市 › 县 › 乡镇 › 村 (a county's database: 全县 › 乡镇 › 村): the levels above the current one are buttons
    that go back up."""
    f, areas = ctx.f, ctx.areas
    steps = [(areas.everywhere, None, None, None)]
    if areas.is_city and f.county:
        steps.append((areas.county_name(f.county), f.county, None, None))
    if f.township:
        steps.append((areas.town_name(f.township), f.county, f.township, None))
    if f.village:
        steps.append((areas.village_name(f.village), f.county, f.township, f.village))
    with st.container(horizontal=True, gap="small", vertical_alignment="center", key="warn_crumbs"):
        for i, (name, county, town, village) in enumerate(steps):
            if i:
                st.markdown("›", width="content")
            if i == len(steps) - 1:
                st.markdown(f"**{escape_md(name)}**", width="content")
            elif st.button(escape_md(name), key=f"warn_crumb_{i}", type="tertiary", help=f"返回{escape_md(name)}"):
                go_to(ctx, town, village, county=county)


def days(v) -> str:
    text = fmt.number(v)
    return text if text == "—" else f"{text}天"


# -- summary ------------------------------------------------------------------------------------
def summary(ctx: Context) -> None:
    s = data.query(leads.leads_by_area, ctx.f, "all").iloc[0]
    cards = [("open_warnings", fmt.count(s.open_total)), ("warnings_per_100", fmt.number(s.per_100, 2)),
             ("pending_leads", fmt.count(s.pending)), ("overdue_leads", fmt.count(s.overdue)),
             ("decided_in_period", fmt.count(s.decided_in_period)),
             ("median_days_to_decision", days(s.median_days))]
    for col, (key, value) in zip(st.columns(len(cards)), cards):
        m = metric(key)
        col.metric(m.name, value, border=True, help=m.definition)


# -- areas (county → townships, township → villages) ---------------------------------------------
def area_view(ctx: Context) -> None:
    by = ctx.units
    where = AREA_UNITS[by]
    df = data.query(leads.leads_by_area, ctx.f, by)
    if df.empty:
        empty_state(where)
        return
    df = df.sort_values(["open_total", "overdue", "code"], ascending=[False, False, True]).reset_index(drop=True)
    if df.open_total.sum() == 0:
        st.subheader(f"各{where}未解除预警", help=metric("open_warnings").definition)
        empty_state("未解除的预警")
    else:
        chosen = area_chart(ctx, df, by, where)
        if chosen:
            drill(ctx, by, chosen)
    st.subheader(f"各{where}预警处置情况",
                 help=f"选中一行进入该{where}。超过{LEAD_DECISION_DAYS}天未研判的线索数大于0时标红。")
    chosen = area_table(ctx, df, by, where)
    if chosen:
        drill(ctx, by, chosen)


def drill(ctx: Context, by: str, code: str) -> None:
    if by == "county":
        go_to(ctx, None, county=code)
    elif by == "township":
        go_to(ctx, code)
    else:
        go_to(ctx, ctx.f.township, code)


def area_chart(ctx: Context, df: pd.DataFrame, by: str, where: str) -> str | None:
    plot = df.iloc[::-1]  # horizontal bars draw bottom-up: the most warnings on top
    fig = go.Figure([go.Bar(y=plot.name, x=plot[f"open_{lv}"], name=WARNING_LEVELS[lv], orientation="h",
                            marker_color=theme.level_color(lv), customdata=plot.code,
                            hovertemplate="%{y}：%{x}条<extra>" + WARNING_LEVELS[lv] + "</extra>")
                     for lv in WARNING_LEVELS])
    fig.update_layout(barmode="stack", height=max(360, 30 * len(plot) + 140), xaxis_title="条",
                      yaxis=dict(type="category"), legend=dict(traceorder="normal"), clickmode="event+select",
                      title=f"各{where}未解除预警（按级别）")
    event = theme.show(fig, key=f"warn_chart_{by}_{_nav()}", on_select="rerun", selection_mode="points", ctx=ctx,
                       title=f"{_area_title(ctx, where)}未解除预警", metrics=["open_warnings"])
    st.caption(f"点击条形进入该{where}；{metric('open_warnings').definition}")
    for p in event.selection.points if event else []:
        code = p.get("customdata")
        if isinstance(code, list):
            code = code[0] if code else None
        if code is None and p.get("y") is not None:  # older front ends send no customdata
            hit = df.loc[df.name.map(escape_plotly) == p["y"], "code"]  # the chart drew escaped names
            code = hit.iloc[0] if len(hit) else None
        if code in set(df.code):
            return code
    return None


def table_height(n: int, max_rows: int = 30) -> int | str:
    """The whole table without an inner scroll bar, up to max_rows rows."""
    return "content" if n <= max_rows else 35 * (max_rows + 1) + 3


def _area_title(ctx: Context, where: str) -> str:
    """各乡镇 / 城关镇各村: what the area chart and table show, for export titles."""
    return f"{ctx.areas.town_name(ctx.f.township)}各村" if where == "村" else f"各{where}"


def area_export(df: pd.DataFrame, where: str) -> pd.DataFrame:
    """The area table for Excel: the same columns as on screen, ratios as numbers (blank when no basis)."""
    view = df[["name", *AREA_TABLE]].rename(columns={"name": where, **AREA_TABLE})
    for col, header in AREA_TABLE.items():
        view[header] = pd.to_numeric(df[col], errors="coerce")
        if col not in ("per_100", "median_days"):
            view[header] = view[header].fillna(0).astype(int)
    return view


def area_table(ctx: Context, df: pd.DataFrame, by: str, where: str) -> str | None:
    view = df[["name", *AREA_TABLE]].rename(columns={"name": where, **AREA_TABLE})
    for col, header in AREA_TABLE.items():
        # text for the two ratios: "no basis" must show as a dash, and st.dataframe shows a missing number as "None"
        if col == "per_100":
            view[header] = [fmt.number(v, 2) for v in df[col]]
        elif col == "median_days":
            view[header] = [fmt.number(v) for v in df[col]]
        else:
            view[header] = pd.to_numeric(df[col], errors="coerce").fillna(0).astype(int)
    overdue_col = AREA_TABLE["overdue"]
    styled = view.style.map(lambda v: OVERDUE_BG if v > 0 else "", subset=[overdue_col])

    def number(header: str, key: str):
        return st.column_config.NumberColumn(header, help=metric(key).definition)

    def text(header: str, key: str):
        return st.column_config.TextColumn(header, help=metric(key).definition, alignment="right")

    config = {
        where: st.column_config.TextColumn(where, pinned=True),
        "未解除合计": number("未解除合计", "open_warnings"),
        "每百户预警": text("每百户预警", "warnings_per_100"),
        "待研判": number("待研判", "pending_leads"),
        overdue_col: number(overdue_col, "overdue_leads"),
        "本期研判": number("本期研判", "decided_in_period"),
        "研判用时中位数(天)": text("研判用时中位数(天)", "median_days_to_decision"),
    }
    event = tables.dataframe(styled, hide_index=True, width="stretch", column_config=config,
                             height=table_height(len(view)), key=f"warn_table_{by}_{_nav()}", on_select="rerun",
                             selection_mode="single-row")
    exports.table_download(area_export(df, where), ctx, f"{_area_title(ctx, where)}预警处置情况", key=f"warn_table_{by}",
                           kinds={"每百户预警": "num2", "研判用时中位数(天)": "num1"}, total=True,
                           metrics=["open_warnings", "warnings_per_100", "overdue_leads", "pending_leads",
                                    "median_days_to_decision"])
    rows = event.selection.rows if event else []
    return df.code.iloc[rows[0]] if rows and rows[0] < len(df) else None


# -- one village: its open warnings, household by household ----------------------------------------
def village_view(ctx: Context) -> None:
    df = data.query(leads.open_lead_list, ctx.f)
    st.subheader(f"{escape_md(ctx.areas.village_name(ctx.f.village))}未解除预警（按户）",
                 help=f"{metric('open_warnings').definition}\n\n超期：超过{LEAD_DECISION_DAYS}天仍未研判。选中一行打开户情。")
    if df.empty:
        empty_state("未解除的预警")
        return
    view = pd.DataFrame({
        "户编号": df.household_code,
        "户主": df.head_name.fillna("—"),
        "预警级别": [label(WARNING_LEVELS, v) for v in df.level],
        "线索来源": [label(LEAD_SOURCES, v) for v in df.source],
        "预警发出日期": df.raised_date.astype(str),
        "等待天数": df.days_waiting,
        "超期": ["超期" if o else "" for o in df.overdue],
        "研判结果": [label(LEAD_DECISIONS, v) if isinstance(v, str) else "待研判" for v in df.decision],
        "研判日期": [str(v) if pd.notna(v) else "" for v in df.decision_date],
    })
    level_by_label = {v: k for k, v in WARNING_LEVELS.items()}

    def row_style(row):
        base = OVERDUE_BG if row["超期"] else ""
        return [LEVEL_BG[level_by_label[row[c]]] if c == "预警级别" and row[c] in level_by_label else base
                for c in row.index]

    config = {
        "户编号": st.column_config.TextColumn("户编号", pinned=True),
        "等待天数": st.column_config.NumberColumn(
            "等待天数", help="未研判的：从预警发出到截至日期的天数；已研判的：从发出到研判的天数。"),
        "超期": st.column_config.TextColumn("超期", help=f"超过{LEAD_DECISION_DAYS}天仍未研判（国家规定15天内完成研判）。"),
    }
    n_overdue = int(df.overdue.sum())
    st.caption(f"共 {len(df):,} 条未解除预警，其中超期未研判 {n_overdue:,} 条（标红）。选中一行打开该户户情。")
    event = tables.dataframe(view.style.apply(row_style, axis=1), hide_index=True, width="stretch",
                             column_config=config, height=table_height(len(view), 40), key=f"warn_leads_{_nav()}",
                             on_select="rerun", selection_mode="single-row")
    exports.table_download(view, ctx, f"{ctx.areas.village_name(ctx.f.village)}未解除预警（按户）", key="warn_leads",
                           kinds={"户编号": "text"}, metrics=["open_warnings", "overdue_leads"])
    rows = event.selection.rows if event else []
    if rows and rows[0] < len(df):
        open_household(ctx, df.household_code.iloc[rows[0]])


def body(ctx: Context) -> None:
    breadcrumbs(ctx)
    summary(ctx)
    if ctx.f.village:
        village_view(ctx)
    else:
        area_view(ctx)


run_page("预警", body)
