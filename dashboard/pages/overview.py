"""总览: the meeting page. Headline KPIs with change vs the previous quarter, warnings by township,
the trend of new leads vs eliminations, targets at a glance and the township ranking."""

import plotly.graph_objects as go
import streamlit as st

from dashboard.common import cards, data, exports, fmt, tables, theme
from dashboard.common.page import Context, empty_state, run_page
from queries import kpis, leads, ranking, targets, trends
from queries.codes import AREA_UNITS, MONITOR_CATEGORIES, WARNING_LEVELS
from queries.metrics import metric
from queries.filters import period_tick
from queries.trends import TREND_KINDS

# Which direction of change is good news for each KPI (drives the delta colour).
DELTA_COLOR = {"open_red": "inverse", "open_orange": "inverse", "open_yellow": "inverse",
               "overdue_leads": "inverse", "no_measure": "inverse", "eliminated": "normal",
               "elimination_rate": "normal"}
RANKING_FORMATS = {"每百户预警": "num2", "较上季度": "signed2", "较上季度 ": "signed"}  # Excel formats of the ranking
RANKING_METRICS = ["rank_level", "rank_improvement", "warnings_per_100", "overdue_leads", "measure_coverage",
                   "targets_met_share"]  # the 口径 the ranking exports carry


def kpi_cards(ctx: Context) -> None:
    k = data.query(kpis.headline_kpis, ctx.f).set_index("key")
    prev = ctx.f.previous_quarter.as_of
    rows = [["monitored", *[f"monitored_{c}" for c in MONITOR_CATEGORIES]],
            [*[f"open_{lv}" for lv in WARNING_LEVELS], "overdue_leads"],
            ["eliminated", "elimination_rate", "no_measure"]]
    for keys in rows:
        cols = st.columns(4)
        for col, key in zip(cols, keys):
            r = k.loc[key]
            col.metric(r["name"], fmt.value(r.value, r.unit), fmt.delta(r.change, r.unit),
                       delta_color=DELTA_COLOR.get(key, "off"), border=True,
                       help=f"{metric(key).definition}\n\n变化：与上季度同日（{prev:%Y-%m-%d}）相比。")


def warnings_chart(ctx: Context) -> None:
    by, where = ctx.units, ctx.units_word
    df = data.query(leads.leads_by_area, ctx.f, by)
    st.subheader(f"{where}未解除预警", help=metric("open_warnings").definition)
    if df.open_total.sum() == 0:
        empty_state("未解除的预警")
        return
    df = df.sort_values(["open_total", "code"], ascending=[True, False])
    fig = go.Figure([go.Bar(y=df.name, x=df[f"open_{lv}"], name=WARNING_LEVELS[lv], orientation="h",
                            marker_color=theme.level_color(lv), customdata=df.code,
                            hovertemplate="%{y}：%{x}条<extra>" + WARNING_LEVELS[lv] + "</extra>")
                     for lv in WARNING_LEVELS])
    fig.update_layout(barmode="stack", height=max(360, 28 * len(df) + 120), xaxis_title="条",
                      title=f"{where}未解除预警（按级别）")
    theme.show(fig, key="overview_warnings", ctx=ctx, title=f"{where}未解除预警", metrics=["open_warnings"])


def trend_chart(ctx: Context) -> None:
    st.subheader("新增线索与风险消除趋势", help="；".join(metric(k).definition for k in TREND_KINDS))
    df = data.query(trends.monthly_trend, ctx.f)
    if df[list(TREND_KINDS)].to_numpy().sum() == 0:
        empty_state("趋势数据")
        return
    fig = go.Figure([go.Scatter(x=[period_tick(p) for p in df.period], y=df[k], name=label, mode="lines+markers")
                     for k, label in TREND_KINDS.items()])
    grain = "月" if ctx.f.period == "month" else "季度"
    fig.update_layout(height=380, yaxis_title="户/条",
                      title=f"按{grain}统计（最后一期截至{ctx.f.as_of:%m月%d日}，未满一{'个' if grain == '月' else ''}{grain}）")
    theme.show(fig, key="overview_trend", ctx=ctx, title="新增线索与风险消除趋势", metrics=list(TREND_KINDS))


def target_summary(ctx: Context) -> None:
    st.subheader("目标考核一览", help="各指标当前值与目标值；绿色达标，黄色差距在2个百分点内，红色未达标。")
    ts = data.query(targets.target_status, ctx.f, "all")
    rates = ts[(ts.unit == "%") & ts.value.notna()]
    if rates.empty:
        empty_state("考核数据")
        return
    rates = rates.iloc[::-1]
    fig = go.Figure()
    fig.add_bar(y=rates.indicator_name, x=rates.value, orientation="h", name="当前值",
                marker_color=[theme.STATUS_COLORS[s] for s in rates.status],
                text=[fmt.pct(v) for v in rates.value], textposition="inside", insidetextanchor="end",
                hovertemplate="%{y}：%{x:.1f}%<extra></extra>")
    fig.add_scatter(y=rates.indicator_name, x=rates.target, mode="markers", name="目标值",
                    marker=dict(symbol="line-ns", size=26, line=dict(width=4, color="#1F1F1F")),
                    hovertemplate="目标 %{x:.0f}%<extra></extra>")
    fig.update_layout(height=70 + 42 * len(rates), xaxis=dict(range=[0, 105], title="%"), showlegend=True,
                      title="当前值与目标（竖线为目标）")
    theme.show(fig, key="overview_targets", ctx=ctx, title="目标考核一览",
               metrics=[f"target_{k}" for k in rates.indicator])
    counts = ts[ts.unit != "%"]
    if not counts.empty:
        cols = st.columns(len(counts))
        for col, r in zip(cols, counts.itertuples()):
            col.metric(r.indicator_name, fmt.count(r.value), help=metric(f"target_{r.indicator}").definition,
                       border=True)


def township_table(ctx: Context) -> None:
    unit = AREA_UNITS[ctx.units]   # townships; a city's counties
    st.subheader(f"{unit}排名", help=metric("rank_level").definition + "\n\n" + metric("rank_improvement").definition)
    r = ranking.ranking_from(data.query, ctx.f, ctx.units)  # pieces cached one by one, shared with the other charts
    if r.empty:
        empty_state(unit)
        return
    level_tab, improve_tab = st.tabs(["按当前水平", "按较上季度进步"])
    cols = {"rank_level": "水平名次", "rank_improvement": "进步名次", "name": unit, "per_100": "每百户预警",
            "per_100_change": "较上季度", "overdue": "超15天未研判", "overdue_change": "较上季度 ",
            "coverage": "措施覆盖率%", "coverage_change": "较上季度(百分点)",
            "targets_met_share": "目标达标比例%", "targets_met_share_change": "较上季度(百分点) "}
    view = r[list(cols)].rename(columns=cols).round(2)
    with level_tab:
        tables.dataframe(view.sort_values("水平名次"), hide_index=True, width="stretch", kinds=RANKING_FORMATS)
        exports.table_download(view.sort_values("水平名次"), ctx, f"{unit}排名（按当前水平）", key="overview_rank_level",
                               kinds=RANKING_FORMATS, metrics=RANKING_METRICS)
    with improve_tab:
        tables.dataframe(view.sort_values("进步名次"), hide_index=True, width="stretch", kinds=RANKING_FORMATS)
        exports.table_download(view.sort_values("进步名次"), ctx, f"{unit}排名（按较上季度进步）", key="overview_rank_improve",
                               kinds=RANKING_FORMATS, metrics=RANKING_METRICS)


def body(ctx: Context) -> None:
    kpi_cards(ctx)
    cards.workflow_headline(ctx.f)
    left, right = st.columns([1, 1])
    with left:
        warnings_chart(ctx)
    with right:
        trend_chart(ctx)
        target_summary(ctx)
    if not ctx.f.township:
        township_table(ctx)


run_page("总览", body)
