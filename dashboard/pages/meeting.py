"""会议模式: a presentation view for the projector. Large type, one chart at a time, 上一张/下一张
(also the ← → keys), a page picker, and an optional automatic tour through the townships: each
township's key numbers and its villages' open warnings.

Numbers come from the same query-layer calls as the other pages and the briefing deck
(dashboard.exporting.briefing.township_summary / village_warnings). The slide shown is kept in the
session; the tour runs in a fragment (``st.fragment(run_every=...)``) so only the slide redraws.
"""

import time
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.common import data, fmt, tables, theme
from dashboard.common.page import Context, empty_state, run_page
from dashboard.common.text import escape_md
from dashboard.exporting import briefing
from dashboard.exporting import briefing_slides as slides
from queries import aid, factors, kpis, leads, targets, workflow
from queries.codes import FACTOR_GROUPS, LEAD_STEPS, WARNING_LEVELS
from queries.metrics import metric

IDX, AUTO, INTERVAL, LAST = "meet_idx", "meet_auto", "meet_interval", "meet_last"
INTERVALS = [10, 20, 30, 60]
BIG = 22  # chart font size on the projector
CHART_HEIGHT = 600
CSS = """
<style>
[data-testid="stMainBlockContainer"] {padding-top: 2.2rem;}
[data-testid="stMain"] h1 {font-size: 1.6rem; padding-bottom: 0;}
[data-testid="stMain"] h2 {font-size: 2.4rem;}
[data-testid="stMain"] [data-testid="stMetric"] {min-height: 10.5rem;}
[data-testid="stMain"] [data-testid="stMetricValue"],
[data-testid="stMain"] [data-testid="stMetricValue"] p {font-size: 3.4rem; line-height: 1.15;}
[data-testid="stMain"] [data-testid="stMetricLabel"] p {font-size: 1.35rem;}
[data-testid="stMain"] [data-testid="stMetricDelta"] p {font-size: 1.25rem;}
[data-testid="stMain"] [data-testid="stCaptionContainer"] p {font-size: 1.05rem;}
[data-testid="stMain"] .stButton button p {font-size: 1.2rem;}
.st-key-meet_counter p {font-size: 1.3rem; color: #555; padding-top: .35rem;}
</style>
"""
GROUP_COLORS = {"income": "#1F5FA8", "expense": "#8E44AD", "accident": "#00838F", "other": "#757575"}


@dataclass(frozen=True)
class View:
    key: str
    title: str
    code: str | None = None


def views(ctx: Context) -> list[View]:
    where = "各村" if ctx.f.township else "各乡镇"
    out = [View("kpis", "核心指标（较上季度）"), View("warnings", f"{where}未解除预警"), View("factors", "风险因子构成"),
           View("coverage", f"{where}帮扶措施覆盖率"), View("targets", "目标考核"),
           View("target_counts", "目标考核：计数指标"), View("outlook", "目标考核：按当前进度预计"),
           View("workflow", f"流程督办：{where}识别环节与超期交办"), View("findings", f"整改：{where}巡查问题整改")]
    towns = ctx.areas.towns
    if ctx.f.township:
        towns = towns[towns.code == ctx.f.township]
    return out + [View("township", str(r.name), r.code) for r in towns.itertuples()]


def township_indices(vs: list[View]) -> list[int]:
    return [i for i, v in enumerate(vs) if v.key == "township"]


# -- navigation (callbacks run before the page is drawn) ------------------------------------------

def step(delta: int, n: int) -> None:
    st.session_state[IDX] = (st.session_state.get(IDX, 0) + delta) % n
    st.session_state[LAST] = time.monotonic()


def jump() -> None:
    st.session_state[IDX] = st.session_state["meet_pick"]
    st.session_state[LAST] = time.monotonic()


def next_township(idx: int, towns: list[int]) -> int:
    later = [i for i in towns if i > idx]
    return later[0] if later else towns[0]


def advance_if_due(vs: list[View], interval: int) -> None:
    """On a timed rerun of the tour: the next township once `interval` seconds have passed."""
    towns = township_indices(vs)
    if not towns:
        return
    now = time.monotonic()
    last = st.session_state.get(LAST)
    if last is None:
        st.session_state[LAST] = now
        return
    if now - last >= interval - 0.5:
        st.session_state[IDX] = next_township(st.session_state.get(IDX, 0), towns)
        st.session_state[LAST] = now


# -- slides ----------------------------------------------------------------------------------------

def big(fig: go.Figure, height: int = CHART_HEIGHT) -> go.Figure:
    fig.update_layout(height=height, font=dict(size=BIG), legend=dict(font=dict(size=BIG - 2)),
                      xaxis=dict(tickfont=dict(size=BIG - 2)), yaxis=dict(tickfont=dict(size=BIG - 2)),
                      margin=dict(t=60))
    return fig


def kpi_view(ctx: Context) -> None:
    k = data.query(kpis.headline_kpis, ctx.f).set_index("key")
    colors = {"open_red": "inverse", "open_orange": "inverse", "open_yellow": "inverse", "overdue_leads": "inverse",
              "no_measure": "inverse", "eliminated": "normal", "elimination_rate": "normal"}
    for keys in briefing.KPI_ROWS:
        cols = st.columns(4)
        for col, key in zip(cols, keys):
            r = k.loc[key]
            col.metric(r["name"], fmt.value(r.value, r.unit), fmt.delta(r.change, r.unit),
                       delta_color=colors.get(key, "off"), border=True)
    st.caption(f"变化：与上季度同日（{ctx.f.previous_quarter.as_of:%Y-%m-%d}）相比。")


def warnings_view(ctx: Context, v: View) -> None:
    df = data.query(leads.leads_by_area, ctx.f, ctx.units)
    if df.open_total.sum() == 0:
        return empty_state("未解除的预警")
    warnings_bars(ctx, df, v.title, "meet_warnings")


def warnings_bars(ctx: Context, df: pd.DataFrame, title: str, key: str, height: int = CHART_HEIGHT) -> None:
    df = df.sort_values(["open_total", "code"], ascending=[True, False])
    fig = go.Figure([go.Bar(y=df.name, x=df[f"open_{lv}"], name=WARNING_LEVELS[lv], orientation="h",
                            marker_color=theme.level_color(lv), customdata=df.code,
                            hovertemplate="%{y}：%{x}条<extra>" + WARNING_LEVELS[lv] + "</extra>")
                     for lv in WARNING_LEVELS])
    most = df.open_total.max()
    fig.update_layout(barmode="stack", yaxis=dict(type="category"), legend=dict(traceorder="normal"),
                      xaxis=dict(title="条", tickformat=",d", dtick=1 if most <= 8 else None))
    n = len(df)  # a few areas get bars of a sensible thickness, many get room
    theme.show(big(fig, max(34 * n + 140, min(height, 80 * n + 200))), key=key, ctx=ctx, title=title,
               metrics=["open_warnings"])


def factors_view(ctx: Context, v: View) -> None:
    ft = data.query(factors.factor_breakdown, ctx.f)
    if ft.households.sum() == 0:
        return empty_state("存在风险因子的监测户")
    order = list(FACTOR_GROUPS)
    df = ft.assign(g=ft.group.map(order.index)).sort_values(["g", "households", "factor_type"],
                                                            ascending=[True, False, True])
    fig = go.Figure()
    for group, label in FACTOR_GROUPS.items():
        part = df[df.group == group]
        fig.add_bar(y=part.type_label, x=part.households, orientation="h", name=label, marker_color=GROUP_COLORS[group],
                    text=[f"{fmt.count(n)}户 · {fmt.pct(s)}" for n, s in zip(part.households, part.share)],
                    textposition="outside", cliponaxis=False, textfont=dict(size=BIG - 2),
                    hovertemplate="%{y}：%{x}户<extra>" + label + "</extra>")
    fig.update_layout(xaxis=dict(title="户", range=[0, df.households.max() * 1.3], tickformat=",d"),
                      yaxis=dict(categoryorder="array", categoryarray=list(df.type_label)[::-1]))
    groups = data.query(factors.factor_groups, ctx.f)
    left, right = st.columns([3, 1])
    with left:
        theme.show(big(fig), key="meet_factors", ctx=ctx, title=v.title,
                   metrics=["factor_households", "factor_group_households"])
    with right:  # the groups count households, each once per group: not the sum of the bars
        for g in groups[groups.households > 0].itertuples():
            st.metric(g.group_label, f"{fmt.count(g.households)}户", f"占 {fmt.pct(g.share)}", delta_color="off",
                      delta_arrow="off", border=True)
    st.caption(f"占比的分母：有未消除风险因子的监测户 {fmt.count(groups.with_any.iloc[0])} 户。一户可有多类风险："
               "分组户数每户只计一次，各类风险户数相加会更多，占比相加可能超过100%。")


def coverage_view(ctx: Context, v: View) -> None:
    df = data.query(aid.measure_coverage, ctx.f, ctx.units)
    df = df[df.monitored > 0].sort_values(["coverage", "code"], ascending=[False, False])
    if df.empty:
        return empty_state("监测户")
    colors = [theme.STATUS_COLORS["met" if c >= 100 - 1e-9 else "near" if c >= 98 else "behind"] for c in df.coverage]
    fig = go.Figure(go.Bar(y=df.name, x=df.coverage, orientation="h", marker_color=colors,
                           text=[fmt.pct(c) for c in df.coverage], textposition="outside", cliponaxis=False,
                           textfont=dict(size=BIG - 2), customdata=df.code,
                           hovertemplate="%{y}：%{x:.1f}%<extra></extra>"))
    fig.update_layout(xaxis=dict(range=[0, 112], title="%"), showlegend=False)
    theme.show(big(fig, max(CHART_HEIGHT, 34 * len(df) + 140)), key="meet_coverage", ctx=ctx, title=v.title,
               metrics=["measure_coverage"])


def targets_view(ctx: Context, v: View) -> None:
    level = briefing.scope_level(ctx.f)
    ts = data.query(targets.target_status, ctx.f, level)
    rates = ts[(ts.unit == "%") & ts.value.notna()].iloc[::-1]
    if rates.empty:
        return empty_state("考核数据")
    fig = go.Figure()
    fig.add_bar(y=rates.indicator_name, x=rates.value, orientation="h", name="当前值",
                marker_color=[theme.STATUS_COLORS[s] for s in rates.status],
                text=[fmt.pct(x) for x in rates.value], textposition="inside", insidetextanchor="end",
                textfont=dict(size=BIG - 2, color="white"), hovertemplate="%{y}：%{x:.1f}%<extra></extra>")
    fig.add_scatter(y=rates.indicator_name, x=rates.target, mode="markers", name="目标值",
                    marker=dict(symbol="line-ns", size=34, line=dict(width=5, color="#1F1F1F")),
                    hovertemplate="目标 %{x:.0f}%<extra></extra>")
    fig.update_layout(xaxis=dict(range=[0, 105], title="%"))
    left, right = st.columns([3, 1])
    with left:
        theme.show(big(fig), key="meet_targets", ctx=ctx, title=v.title,
                   metrics=[f"target_{k}" for k in rates.indicator])
    with right:
        n = targets.judged(ts).status.value_counts()
        st.metric("达标指标", f"{int(n.get('met', 0))} 项", f"未达标 {int(n.get('behind', 0))} 项", delta_color="off",
                  delta_arrow="off", border=True)
        st.caption("图中为比率指标；计数指标见下一张。")


def target_counts_view(ctx: Context, v: View) -> None:
    ts = data.query(targets.target_status, ctx.f, briefing.scope_level(ctx.f))
    cards = slides.count_cards(ts, data.query(targets.target_projections, ctx.f))
    if not cards:
        return empty_state("计数指标的考核数据")
    for start in range(0, len(cards), 3):
        for col, c in zip(st.columns(3), cards[start:start + 3]):
            col.metric(c["label"], c["value"], f"{targets.STATUS[c['status']]}　{c['note']}", delta_color="off",
                       delta_arrow="off", border=True, help=metric(f"target_{c['key']}").definition)
    st.caption("计数指标：公益性岗位、技能培训、产业项目带动就业、强企帮村不少于目标为达标，辍学和住房安全问题不超过目标为达标；"
               "“预计”为按当年各月末的进度线性外推到考核截止日期。")


def outlook_view(ctx: Context, v: View) -> None:
    t = slides.outlook_table(data.query(targets.target_projections, ctx.f))
    if t.empty:
        return empty_state("可预计的考核指标")
    fill = {"met": "background-color: #E3F1E4", "behind": "background-color: #FDE2E4"}
    shown = t.drop(columns="outlook")
    styled = shown.style.apply(lambda col: [fill.get(o, "") if isinstance(o, str) else "" for o in t.outlook] if col.name == "判断" else [""] * len(col))
    tables.dataframe(styled, hide_index=True, width="stretch", height=36 * (len(t) + 1) + 3)
    st.caption(metric("target_projection").definition)


def workflow_view(ctx: Context, v: View) -> None:
    have = data.query(workflow.workflow_coverage, ctx.f).iloc[0]
    if not have.lead_steps and not have.assignments:
        st.info("未导入流程数据（识别环节、网上交办），无法显示流程督办。", icon=":material/upload_file:")
        return
    by, word = ("village", "村") if ctx.f.township else ("township", "乡镇")
    total = data.query(workflow.step_funnel, ctx.f, "all").iloc[0]
    left, right = st.columns([3, 2])
    with left:
        steps = ["线索", *(LEAD_STEPS[s][0] for s in LEAD_STEPS), "已研判"]
        counts = [int(total.leads), *(int(total[s]) for s in LEAD_STEPS), int(total.decided)]
        fig = go.Figure(go.Funnel(y=steps, x=counts, textinfo="value", textfont=dict(size=BIG),
                                  marker=dict(color=theme.SERIES[0]), hovertemplate="%{y}：%{x}条<extra></extra>"))
        theme.show(big(fig, 420), key="meet_funnel", ctx=ctx, title="本期线索到达各识别环节", metrics=["workflow_funnel"])
        table = slides.funnel_table(data.query(workflow.step_funnel, ctx.f, by), None, word)
        tables.dataframe(table, hide_index=True, width="stretch", height=min(36 * (len(table) + 1) + 3, 330))
    with right:
        units = data.query(workflow.assignments_by_unit, ctx.f)
        head = data.query(workflow.workflow_headline, ctx.f).set_index("key")
        overdue, red = head.value.get("assignments_overdue"), head.red.get("assignments_overdue")
        c = st.columns(2)
        c[0].metric("超期交办", "未导入" if pd.isna(overdue) else f"{fmt.count(overdue)} 次",
                    None if pd.isna(red) else f"红色预警 {fmt.count(red)} 次", delta_color="off", delta_arrow="off",
                    border=True, help=metric("assignments_overdue").definition)
        c[1].metric("按时办结率", fmt.pct(workflow.overall_rate(units, "on_time", "due_or_done")) if len(units) else "—",
                    border=True, help=metric("assignments_on_time_rate").definition)
        st.markdown("**超期和未办结的交办（按承办单位）**")
        tables.dataframe(slides.unit_table(units, None), hide_index=True, width="stretch", height=400)


def findings_view(ctx: Context, v: View) -> None:
    if not data.query(workflow.workflow_coverage, ctx.f).iloc[0].findings:
        st.info("未导入巡查问题整改台账，无法显示整改情况。", icon=":material/upload_file:")
        return
    by = ctx.units
    a = data.query(workflow.findings_by_area, ctx.f, by)
    a = a[a.findings > 0].sort_values(["overdue", "open", "code"], ascending=[True, True, False])
    left, right = st.columns([3, 1])
    with left:
        if a.empty:
            st.success("截至日期前没有发现问题。", icon=":material/check_circle:")
        else:
            fig = go.Figure([go.Bar(y=a.name, x=x, name=name, orientation="h", marker_color=color, text=x,
                                    textposition="inside", insidetextfont=dict(size=BIG - 2, color="white"),
                                    hovertemplate="%{y}：%{x}个<extra>" + name + "</extra>")
                             for name, x, color in (("超期未整改", a.overdue, theme.STATUS_COLORS["behind"]),
                                                    ("整改中（未超期）", a.open - a.overdue, theme.STATUS_COLORS["near"]),
                                                    ("已整改", a.closed, theme.STATUS_COLORS["met"]))])
            fig.update_layout(barmode="stack", yaxis=dict(type="category"), legend=dict(orientation="h", y=1.08),
                              xaxis=dict(title="个", tickformat=",d"))
            theme.show(big(fig, max(34 * len(a) + 180, 420)), key="meet_findings", ctx=ctx, title=v.title,
                       metrics=["findings_open", "findings_overdue", "findings_closure_rate"])
    with right:
        total = data.query(workflow.findings_by_area, ctx.f, "all").iloc[0]
        for label, value in slides.findings_totals(total)[1:]:
            st.metric(label, value, border=True)


def township_view(ctx: Context, v: View) -> None:
    summary = briefing.township_summary(data.query, ctx.f)
    row = summary[summary.code == v.code]
    if row.empty:
        return empty_state("该乡镇的数据")
    r = row.iloc[0]
    left, right = st.columns([2, 3])
    with left:
        c = st.columns(2)
        c[0].metric("监测户", f"{fmt.count(r.monitored)}", border=True)
        c[1].metric("未解除预警", fmt.count(r.open_total),
                    f"红{fmt.count(r.open_red)} 橙{fmt.count(r.open_orange)} 黄{fmt.count(r.open_yellow)}",
                    delta_color="off", delta_arrow="off", border=True)
        c = st.columns(2)
        c[0].metric("超15天未研判", fmt.count(r.overdue), f"待研判 {fmt.count(r.pending)}", delta_color="off",
                    delta_arrow="off", border=True)
        c[1].metric("每百户预警", fmt.number(r.per_100, 2), border=True)
        c = st.columns(2)
        c[0].metric("帮扶措施覆盖率", fmt.pct(r.coverage), f"无措施 {fmt.count(r.without_measure)} 户",
                    delta_color="off", delta_arrow="off", border=True)
        c[1].metric("考核指标达标", f"{int(r.targets_met)}/{int(r.targets_total)}", border=True)
    with right:
        villages = briefing.village_warnings(data.query, ctx.f)
        villages = villages[villages.township_code == v.code]
        if villages.open_total.sum() == 0:
            st.success("各村均没有未解除的预警。", icon=":material/check_circle:")
        else:
            warnings_bars(ctx, villages, f"{v.title}各村未解除预警", "meet_town_villages", height=560)


def show_view(ctx: Context, v: View) -> None:
    if v.key == "kpis":
        kpi_view(ctx)
    elif v.key == "warnings":
        warnings_view(ctx, v)
    elif v.key == "factors":
        factors_view(ctx, v)
    elif v.key == "coverage":
        coverage_view(ctx, v)
    elif v.key == "targets":
        targets_view(ctx, v)
    elif v.key in EXTRA_VIEWS:
        EXTRA_VIEWS[v.key](ctx, v)
    else:
        township_view(ctx, v)


EXTRA_VIEWS = {"target_counts": target_counts_view, "outlook": outlook_view, "workflow": workflow_view,
               "findings": findings_view}


# -- the page --------------------------------------------------------------------------------------

def controls(vs: list[View], idx: int) -> None:
    n = len(vs)
    prev_col, mid, pick_col, next_col = st.columns([1, 1, 3, 1], vertical_alignment="center")
    prev_col.button("上一张", key="meet_prev", icon=":material/arrow_back:", on_click=step, args=(-1, n),
                    shortcut="Left", width="stretch", help="快捷键：←")
    mid.container(key="meet_counter").markdown(f"{idx + 1} / {n}", text_alignment="center")
    st.session_state["meet_pick"] = idx
    pick_col.selectbox("跳转到", range(n), key="meet_pick", format_func=lambda i: f"{i + 1}. {vs[i].title}",
                       on_change=jump, label_visibility="collapsed")
    next_col.button("下一张", key="meet_next", icon=":material/arrow_forward:", on_click=step, args=(1, n),
                    shortcut="Right", width="stretch", type="primary", help="快捷键：→")


def body(ctx: Context) -> None:
    st.markdown(CSS, unsafe_allow_html=True)
    vs = views(ctx)
    towns = township_indices(vs)
    with st.sidebar:
        st.markdown("### 会议模式")
        auto = st.toggle("自动轮播各乡镇", key=AUTO, disabled=not towns,
                         help="按间隔依次显示每个乡镇的主要数字和各村预警图；按“上一张/下一张”可随时切换。")
        interval = st.select_slider("轮播间隔（秒）", INTERVALS, value=20, key=INTERVAL, disabled=not auto)
    every = f"{interval}s" if auto and towns else None

    @st.fragment(run_every=every)
    def stage() -> None:
        if every:
            advance_if_due(vs, interval)
        idx = st.session_state.get(IDX, 0) % len(vs)
        st.session_state[IDX] = idx
        controls(vs, idx)
        v = vs[idx]
        st.header(escape_md(v.title + (f"（{ctx.scope}）" if v.key != "township" else "")), divider="blue")
        show_view(ctx, v)
        if every:
            st.caption(f"自动轮播中：每 {interval} 秒切换到下一个乡镇。")

    stage()


run_page("会议模式", body)
