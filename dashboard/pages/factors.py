"""风险因子: which risks the monitored households carry (groups and types), where (township or
village x factor type), how many carry several at once, and how many new factors each period."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.common import data, fmt, theme
from dashboard.common.page import Context, empty_state, run_page
from queries import factors
from queries.codes import FACTOR_GROUPS, FACTOR_TYPES
from queries.filters import period_label, period_tick
from queries.metrics import metric
from queries.trends import all_periods

# One fixed colour per factor group (kept away from the red/orange/yellow of the warning levels).
GROUP_COLORS = {"income": "#1F5FA8", "expense": "#8E44AD", "accident": "#00838F", "other": "#757575"}
ANY_FACTOR_HELP = ("截至日期时存在至少一类未消除风险因子的监测对象户数（每户只计一次）。"
                   "各类风险和各风险分组的占比都以此为分母。下方“户次”是各类风险户数之和：一户有几类风险就计几次。")


def overlap_note(with_any: int, visits: int) -> str:
    """The sentence under every per-type chart: why the bars add up to more than the households."""
    return (f"占比的分母：有未消除风险因子的监测户 {fmt.count(with_any)} 户（每户只计一次）。一户可同时有多类风险，"
            f"各类户数相加为 {fmt.count(visits)} 户次，各类占比相加可能超过100%。")


SHORT_BREAKS = {"因产业项目失败": "因产业\n项目失败", "因务工就业不稳": "因务工\n就业不稳", "因缺劳动力": "因缺\n劳动力",
                "因意外事故": "因意外\n事故"}


def wrap(label: str) -> str:
    """Break a long Chinese axis label into two lines (at a word boundary) so it never needs rotating
    (theme.show turns the newline into Plotly's line break)."""
    if label in SHORT_BREAKS:
        return SHORT_BREAKS[label]
    half = (len(label) + 1) // 2
    return label if len(label) <= 4 else f"{label[:half]}\n{label[half:]}"


def kpi_row(ctx: Context, breakdown: pd.DataFrame, multi: pd.DataFrame, trend: pd.DataFrame) -> None:
    with_any = int(multi.households.sum())
    several = int(multi.loc[multi.factors >= 2, "households"].sum())
    now = all_periods(ctx.f)[-1]
    new_now = int(trend.loc[trend.period == now, "new_factors"].sum())
    cols = st.columns(4)
    cols[0].metric("有风险因子的监测户", fmt.count(with_any), border=True, help=ANY_FACTOR_HELP,
                   delta=f"合计 {fmt.count(breakdown.households.sum())} 户次", delta_color="off", delta_arrow="off")
    cols[1].metric("多重风险户（2类及以上）", fmt.count(several), border=True, help=metric("multi_factor").definition,
                   delta=f"占有风险户 {fmt.pct(several / with_any * 100 if with_any else None)}",
                   delta_color="off", delta_arrow="off")
    cols[2].metric("本期新识别风险（条）", fmt.count(new_now), border=True, delta=period_label(ctx.f.as_of, ctx.f.period),
                   delta_color="off", delta_arrow="off",
                   help=f"{metric('new_factors').definition}\n\n本期：自{ctx.f.period_start:%Y年%m月%d日}至截至日期。")
    if with_any:
        top = breakdown.sort_values(["households", "factor_type"], ascending=[False, True]).iloc[0]
        cols[3].metric("最主要的风险类型", top.type_label, border=True,
                       delta=f"{fmt.count(top.households)}户 · 占 {fmt.pct(top.share)}", delta_color="off",
                       delta_arrow="off",
                       help=f"{metric('factor_households').definition}\n\n{metric('factor_share').definition}")
    else:
        cols[3].metric("最主要的风险类型", "—", border=True, help=metric("factor_share").definition,
                       delta="无", delta_color="off", delta_arrow="off")


def group_row(groups: pd.DataFrame) -> None:
    st.subheader("各风险分组的户数", help=f"{metric('factor_group_households').definition}\n\n"
                 f"{metric('factor_group_share').definition}")
    cols = st.columns(len(groups))
    for col, g in zip(cols, groups.itertuples()):
        col.metric(g.group_label, f"{fmt.count(g.households)}户", border=True,
                   delta=f"占有风险户 {fmt.pct(g.share)} · 各类合计 {fmt.count(g.household_types)} 户次",
                   delta_color="off", delta_arrow="off", help=metric("factor_group_households").definition)
    st.caption("每户在一个分组里只计一次（如一户既因病又因学，在支出因子中计1户，在下图“因病”“因学”中各计1户）。"
               "一户可同时属于几个分组，各分组占比相加可能超过100%。")


def type_chart(ctx: Context, breakdown: pd.DataFrame, with_any: int) -> None:
    st.subheader("各类风险因子户数及占比",
                 help=f"{metric('factor_households').definition}\n\n{metric('factor_share').definition}")
    if breakdown.households.sum() == 0:
        empty_state("存在风险因子的监测户")
        return
    # Types grouped by factor group (in the code-list order), largest first within a group.
    order = list(FACTOR_GROUPS)
    df = breakdown.assign(g=breakdown.group.map(order.index)).sort_values(
        ["g", "households", "factor_type"], ascending=[True, False, True])
    fig = go.Figure()
    for group, label in FACTOR_GROUPS.items():
        part = df[df.group == group]
        fig.add_bar(y=part.type_label, x=part.households, orientation="h", name=label,
                    marker_color=GROUP_COLORS[group],
                    text=[f"{fmt.count(n)}户 · {fmt.pct(s)}" for n, s in zip(part.households, part.share)],
                    textposition="outside", cliponaxis=False,
                    hovertemplate="%{y}：%{x}户<extra>" + label + "</extra>")
    most = df.households.max()
    fig.update_layout(height=90 + 44 * len(df),
                      xaxis=dict(title="户", range=[0, most * 1.3], tickformat=",d", dtick=1 if most <= 6 else None),
                      yaxis=dict(categoryorder="array", categoryarray=list(df.type_label)[::-1]),
                      title="按风险类型（颜色表示风险分组）", margin=dict(t=90))
    theme.show(fig, key="factors_types", ctx=ctx, title="各类风险因子户数及占比",
               metrics=["factor_households", "factor_share"])
    st.caption(overlap_note(with_any, int(breakdown.households.sum())))


def multi_chart(ctx: Context, multi: pd.DataFrame) -> None:
    st.subheader("同时存在多类风险的户", help=metric("multi_factor").definition)
    total = multi.households.sum()
    if total == 0:
        empty_state("存在风险因子的监测户")
        return
    colors = ["#90A4AE", "#F2A93B", "#D7263D"]
    fig = go.Figure(go.Bar(x=multi.label, y=multi.households, marker_color=colors,
                           text=[f"{fmt.count(n)}户\n{fmt.pct(n / total * 100)}" for n in multi.households],
                           textposition="outside", cliponaxis=False,
                           hovertemplate="%{x}风险：%{y}户<extra></extra>"))
    fig.update_layout(height=90 + 44 * 10, yaxis=dict(range=[0, multi.households.max() * 1.3], tickformat=",d",
                                                      dtick=1 if multi.households.max() <= 6 else None),
                      xaxis_title="每户未消除的风险类别数", title="按每户风险类别数（户）")
    theme.show(fig, key="factors_multi", ctx=ctx, title="同时存在多类风险的户", metrics=["multi_factor"])


def area_heatmap(ctx: Context) -> None:
    by, where = ctx.units, ctx.units_word
    st.subheader(f"{where}风险因子分布", help=metric("factor_households").definition)
    df = data.query(factors.factors_by_area, ctx.f, by)
    types = list(FACTOR_TYPES)
    if df.empty or df[types].to_numpy().sum() == 0:
        empty_state("存在风险因子的监测户")
        return
    labels = [wrap(FACTOR_TYPES[t][0]) for t in types]
    z = df[types].astype(int).to_numpy()
    fig = go.Figure(go.Heatmap(
        z=z, x=labels, y=list(df.name), colorscale="Blues", texttemplate="%{z}", textfont=dict(size=16),
        xgap=2, ygap=2, colorbar=dict(title=dict(text="户"), thickness=14),
        customdata=[[FACTOR_TYPES[t][0] for t in types]] * len(df),
        hovertemplate="%{y} · %{customdata}：%{z}户<extra></extra>"))
    fig.update_layout(height=150 + 34 * len(df), title=f"{where} × 风险类型（户数，颜色越深户数越多）",
                      xaxis=dict(side="top", tickangle=0, tickfont=dict(size=15), gridcolor="rgba(0,0,0,0)"),
                      yaxis=dict(autorange="reversed", tickfont=dict(size=15), gridcolor="rgba(0,0,0,0)"),
                      margin=dict(t=130))
    theme.show(fig, key="factors_heatmap", ctx=ctx, title=f"{where}风险因子分布", metrics=["factor_households"])


def trend_chart(ctx: Context, trend: pd.DataFrame) -> None:
    unit = "月" if ctx.f.period == "month" else "季度"
    st.subheader(f"新识别风险因子趋势（按{unit}）", help=metric("new_factors").definition)
    if trend.new_factors.sum() == 0:
        empty_state("新识别的风险因子")
        return
    periods = all_periods(ctx.f)
    ticks_all = [period_tick(p) for p in periods]
    wide = trend.pivot_table(index="period", columns="group", values="new_factors", aggfunc="sum").reindex(
        periods).fillna(0)
    fig = go.Figure()
    for group, label in FACTOR_GROUPS.items():
        y = wide[group] if group in wide else pd.Series(0, index=wide.index)
        fig.add_bar(x=ticks_all, y=y.astype(int), name=label, marker_color=GROUP_COLORS[group],
                    hovertemplate="%{x}：%{y}条<extra>" + label + "</extra>")
    ticks = ticks_all if len(ticks_all) <= 20 else ticks_all[::3]  # monthly: every third month, so labels stay level
    fig.update_layout(barmode="stack", height=440, yaxis=dict(tickformat=",d", rangemode="tozero"),
                      xaxis=dict(type="category", tickvals=ticks, tickangle=0 if len(ticks) <= 16 else -45),
                      legend=dict(traceorder="normal"), title=f"每{unit}新识别风险因子条数（按风险分组，条）")
    theme.show(fig, key="factors_trend", ctx=ctx, title=f"新识别风险因子趋势（按{unit}）",
               metrics=["new_factors"])
    st.caption(f"最后一{ '个月' if unit == '月' else '个季度'}（{ticks_all[-1]}）统计到截至日期，尚未满一整期。")


def body(ctx: Context) -> None:
    breakdown = data.query(factors.factor_breakdown, ctx.f)
    groups = data.query(factors.factor_groups, ctx.f)
    multi = data.query(factors.multi_factor_households, ctx.f)
    trend = data.query(factors.factor_trend, ctx.f)
    kpi_row(ctx, breakdown, multi, trend)
    if int(groups.with_any.iloc[0]):
        group_row(groups)
    left, right = st.columns([3, 2])
    with left:
        type_chart(ctx, breakdown, int(groups.with_any.iloc[0]))
    with right:
        multi_chart(ctx, multi)
    area_heatmap(ctx)
    trend_chart(ctx, trend)


run_page("风险因子", body)
