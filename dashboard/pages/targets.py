"""目标考核: every target indicator against its target (traffic lights), then one indicator in depth:
townships (or the villages of a township) against the target, the villages furthest behind, and the
trend with a projection to the deadline. The chosen indicator is kept in the URL as ``ind``."""

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.common import data, exports, fmt, tables, theme
from dashboard.common.page import Context, empty_state, run_page
from dashboard.common.text import escape_md
from queries import targets
from queries.filters import period_start
from queries.metrics import metric
from queries.targets import BY_KEY, STATUS
from queries.trends import TREND_START

DEFAULT_IND = "tap_water"
IND_WIDGET = "tgt_ind"
IND_SYNCED = "tgt_ind_synced_from"
BADGE_COLORS = {"met": "green", "near": "orange", "behind": "red", "none": "gray", "unreported": "gray",
                "missing": "gray"}
BADGE_ICONS = {"met": ":material/check_circle:", "near": ":material/error:", "behind": ":material/cancel:",
               "none": ":material/remove:", "unreported": ":material/help:", "missing": ":material/upload_file:"}
NO_FIGURE = {"unreported": "未报送", "missing": "未导入"}   # a status that stands in for the value
# Record indicators whose value on a past day can be recomputed from the records (dropouts are a
# current flag without a date, so they have no history).
RECORD_TREND = ("measure_coverage", "lead_timeliness", "unsafe_houses")
TREND_POINTS = {"quarter": 8, "month": 12}
CARDS_PER_ROW = 4
LAGGING_LIMIT = 20


def scope_level(ctx: Context) -> str:
    """The area level whose single row is the filter's scope (it carries the township's own target)."""
    return "village" if ctx.f.village else "township" if ctx.f.township else "all"


target_text = targets.target_text


def gap_text(ind: targets.Indicator, gap: float) -> str | None:
    if pd.isna(gap):
        return None
    if ind.is_rate:
        return f"较目标 {gap:+.1f}个百分点"
    if gap >= 0:
        return "达到目标"
    return f"距目标还差 {-gap:g}{ind.unit}" if ind.at_least else f"超出目标 {-gap:g}{ind.unit}"


def help_for(ind: targets.Indicator, row=None) -> str:
    text = metric(f"target_{ind.key}").definition
    if ind.source:
        text += f"\n\n数据来源：{ind.source}"
    if row is not None:
        text += "；" + reports_text(row) if ind.numerator is not None else (
            f"；统计时点：{pd.Timestamp(row.period_end):%Y-%m-%d}" if pd.notna(row.period_end) else "")
    return text + "。\n\n绿色达标；黄色差距在2个百分点以内；红色未达标；灰色未报送、未导入或未设目标。"


def reports_text(row) -> str:
    """Which reports a sector figure is built from: '统计时点：各村最近一期（最新…，最早…）；未报送N个村'."""
    if pd.isna(row.period_end):
        return "截至日期前本范围内没有村报送过行业数据（未报送）"
    latest, earliest = pd.Timestamp(row.period_end), pd.Timestamp(row.earliest_period)
    text = f"统计时点：各村截至日期前最近一期（{latest:%Y-%m-%d}" + (
        f"，最早的一期 {earliest:%Y-%m-%d}）" if earliest < latest else "）")
    missing = int(row.unreported) if pd.notna(row.unreported) else 0
    return text + (f"；{missing}个村从未报送，不计入" if missing else "")


# --- the URL parameter ---------------------------------------------------------------------------

def indicator_from_url() -> str:
    """The indicator named by the URL; an unknown one is dropped with a notice."""
    raw = st.query_params.get("ind")
    if raw is None:
        return DEFAULT_IND
    if raw in BY_KEY:
        return raw
    st.warning(f"链接中的考核指标参数（ind）无法识别，已忽略，改为显示“{BY_KEY[DEFAULT_IND].name}”。",
               icon=":material/info:")
    del st.query_params["ind"]
    return DEFAULT_IND


def choose_indicator(desired: str) -> str:
    if st.session_state.get(IND_SYNCED) != desired:  # the URL is the source of truth
        st.session_state[IND_WIDGET] = desired
    ind = st.selectbox("选择考核指标", list(BY_KEY), key=IND_WIDGET, format_func=lambda k: BY_KEY[k].name,
                       help="选择后下方显示该指标的分乡镇（或分村）情况、差距最大的村和趋势预测。")
    st.session_state[IND_SYNCED] = ind
    if ind == DEFAULT_IND:
        if "ind" in st.query_params:
            del st.query_params["ind"]
    elif st.query_params.get("ind") != ind:
        st.query_params["ind"] = ind
    return ind


# --- all indicators ------------------------------------------------------------------------------

def indicator_cards(ctx: Context) -> None:
    st.subheader(f"各项指标完成情况（{escape_md(ctx.scope)}）",
                 help="每张卡片：当前值、与目标的差距和红绿灯。将鼠标移到问号上可查看指标口径。")
    s = data.query(targets.target_status, ctx.f, scope_level(ctx))
    s = s[s.value.notna() | s.status.isin(list(NO_FIGURE))]
    if s.empty:
        empty_state("考核数据")
        return
    counts = s.status.value_counts()
    unreported_note(s)
    if ctx.f.category:
        st.caption("行业部门指标（供水、卫生室、就业、参保、特困供养）按村统计，不区分监测类别；其余指标按所选类别统计。")
    st.markdown("　".join(f"**{STATUS[k]}** {int(counts.get(k, 0))} 项" for k in ("met", "near", "behind"))
                + "".join(f"　**{word}** {int(counts[k])} 项" for k, word in NO_FIGURE.items() if counts.get(k)))
    exports.table_download(indicator_table(s), ctx, "各项指标完成情况", key="targets_all",
                           kinds={"当前值": "num1", "目标": "num1", "差距": "num1"},
                           metrics=[f"target_{k}" for k in targets.BY_KEY])
    rows = s.to_dict("records")
    for start in range(0, len(rows), CARDS_PER_ROW):
        cols = st.columns(CARDS_PER_ROW)
        for col, r in zip(cols, rows[start:start + CARDS_PER_ROW]):
            ind = BY_KEY[r["indicator"]]
            with col.container(border=True):
                shown = NO_FIGURE.get(r["status"]) or fmt.value(r["value"], ind.unit)
                st.metric(ind.name, shown, gap_text(ind, r["gap"]), delta_color="off",
                          delta_arrow="off", help=help_for(ind, pd.Series(r)))
                st.badge(f"{STATUS[r['status']]} · 目标{target_text(ind, r['target'])}",
                         color=BADGE_COLORS[r["status"]], icon=BADGE_ICONS[r["status"]])


def unreported_note(s: pd.DataFrame) -> None:
    """Say how many villages of the scope have never reported sector data (they are not in the figures)."""
    fact = s[s.villages.notna()]
    if fact.empty:
        return
    missing, total = int(fact.unreported.max()), int(fact.villages.max())
    if missing:
        st.warning(f"本范围 {total} 个村中有 {missing} 个村截至日期前从未报送行业部门数据（未报送），"
                   "不计入行业指标的分子和分母；名单见“数据质量”页“行政村未报送行业数据”。", icon=":material/warning:")


def indicator_table(s: pd.DataFrame) -> pd.DataFrame:
    """Every indicator of the scope as a table (the Excel export of the cards)."""
    return pd.DataFrame({
        "指标": [BY_KEY[k].name for k in s.indicator],
        "单位": ["%" if BY_KEY[k].is_rate else BY_KEY[k].unit for k in s.indicator],
        "当前值": s.value.astype(float).round(1), "目标": s.target.astype(float).round(1),
        "差距": s.gap.astype(float).round(1), "状态": s.status.map(STATUS),
        "数据来源": [BY_KEY[k].source for k in s.indicator],
        "统计时点": pd.to_datetime(s.period_end).dt.date,
    })


# --- one indicator -------------------------------------------------------------------------------

def area_chart(ctx: Context, ind: targets.Indicator) -> None:
    by, where = ctx.units, ctx.units_word
    st.subheader(f"{where}{ind.name}", help=help_for(ind))
    s = data.query(targets.target_status, ctx.f, by)
    s = s[s.indicator == ind.key]
    silent = s[s.status == "unreported"]
    if (s.status == "missing").any():
        st.info(f"“{ind.name}”的台账尚未导入（{ind.source}），没有数值。", icon=":material/upload_file:")
    s = s[s.value.notna()]
    if len(silent):
        st.caption(f"未报送（截至日期前从未报送行业数据，不在图中）：{'、'.join(silent.name)}")
    if s.empty:
        empty_state(f"{ind.name}的数据")
        return
    s = s.sort_values(["gap", "code"], ascending=[False, True])  # furthest behind ends up on top
    unit = "%" if ind.is_rate else ind.unit
    top = max(float(s.value.max()), float(s.target.max()) if s.target.notna().any() else 0)
    hi = 112 if ind.is_rate else max(top * 1.25, 1)
    fig = go.Figure(go.Bar(
        y=s.name, x=s.value, orientation="h", name="当前值",
        marker_color=[theme.STATUS_COLORS[k] for k in s.status], customdata=s.status.map(STATUS),
        text=[fmt.value(v, ind.unit) for v in s.value],
        insidetextanchor="end", textangle=0, insidetextfont=dict(size=15, color="white"), textfont=dict(size=15),
        textposition=["inside" if v >= 0.18 * hi else "outside" for v in s.value], cliponaxis=False,
        hovertemplate="%{y}：%{x:.1f}" + unit + "（%{customdata}）<extra></extra>"))
    goals = s.target.dropna().unique()
    if len(goals) == 1:
        fig.add_vline(x=goals[0], line=dict(color="#1F1F1F", width=3, dash="dash"), layer="below",
                      annotation_text=f"目标 {target_text(ind, goals[0])}", annotation_position="top")
    elif len(goals) > 1:  # a township with its own target
        fig.add_scatter(y=s.name, x=s.target, mode="markers", name="目标值",
                        marker=dict(symbol="line-ns", size=24, line=dict(width=4, color="#1F1F1F")),
                        hovertemplate="%{y} 目标：%{x:g}" + unit + "<extra></extra>")
    fig.update_layout(height=max(360, 30 * len(s) + 130), xaxis=dict(range=[0, hi], title=unit,
                                                                  **({} if ind.is_rate else dict(tickformat=",d"))),
                      title="红色未达标 · 黄色接近 · 绿色达标", showlegend=len(goals) > 1, margin=dict(t=90))
    fig.update_layout(uniformtext=dict(minsize=14, mode="show"))
    theme.show(fig, key="targets_areas", ctx=ctx, title=f"{where}{ind.name}", metrics=[f"target_{ind.key}"])


def lagging_table(ctx: Context, ind: targets.Indicator) -> None:
    st.subheader("差距最大的村", help=f"{help_for(ind)}\n\n列出未达标和接近目标的村，差距最大的排在最前（最多{LAGGING_LIMIT}个）；"
                 "截至日期前从未报送行业数据的村列在最后，状态为“未报送”。")
    s = data.query(targets.target_status, ctx.f, "village")  # cached once for every indicator
    lag = targets.lagging_from_status(s, ind.key, LAGGING_LIMIT)
    if lag.empty:
        if s[(s.indicator == ind.key) & s.value.notna()].empty:
            empty_state(f"{ind.name}的村级数据")
        else:
            st.success("当前范围内所有村均已达到目标。", icon=":material/check_circle:")
        return
    towns = dict(zip(ctx.areas.towns.code, ctx.areas.towns.name))
    unit = "%" if ind.is_rate else ind.unit
    gap_unit = "百分点" if ind.is_rate else ind.unit
    view = pd.DataFrame({
        "乡镇": lag.township_code.map(towns).fillna("—"), "村": lag.name,
        f"当前值({unit})": lag.value.astype(float).round(1), f"目标({unit})": lag.target.astype(float).round(1),
        f"差距({gap_unit})": lag.gap.astype(float).round(1), "状态": lag.status.map(STATUS),
    })
    colors = {"未达标": "background-color: #FDE2E4; color: #8B0000", "接近": "background-color: #FFF3D6; color: #7A4F00",
              "未报送": "background-color: #ECEFF1; color: #37474F"}
    styled = view.style.map(lambda v: colors.get(v, ""), subset=["状态"]).format(precision=1)
    kinds = {c: "num1" for c in view.columns if c.startswith(("当前值", "目标", "差距"))}
    tables.dataframe(styled, hide_index=True, width="stretch", height=min(36 * (len(view) + 1) + 3, 560), kinds=kinds)
    exports.table_download(view, ctx, f"差距最大的村（{ind.name}）", key="targets_lagging", kinds=kinds,
                           metrics=[f"target_{ind.key}"])


def period_ends(ctx: Context) -> list[date]:
    """The ends of the last few complete periods before the as-of day, then the as-of day itself."""
    ends, d = [], period_start(ctx.f.as_of, ctx.f.period)
    for _ in range(TREND_POINTS[ctx.f.period]):
        end = d - timedelta(days=1)
        if end < TREND_START:
            break
        ends.append(end)
        d = period_start(end, ctx.f.period)
    return [*reversed(ends), ctx.f.as_of]


def indicator_trend(ctx: Context, ind: targets.Indicator) -> pd.DataFrame | None:
    if ind.has_history:
        return data.query(targets.target_trend, ctx.f, ind.key)[["period_end", "value"]]
    if ind.key not in RECORD_TREND:
        return None
    rows = []
    for end in period_ends(ctx):
        s = data.query(targets.target_status, ctx.f.at(end), scope_level(ctx))
        hit = s[s.indicator == ind.key]
        rows.append((end, float(hit.value.iloc[0]) if len(hit) else float("nan")))
    return pd.DataFrame(rows, columns=["period_end", "value"])


def scope_target(ctx: Context, ind: targets.Indicator) -> tuple[float, date | None]:
    """The target (in display units) and deadline in force for the filter's scope."""
    return targets.scope_target(data.query(targets.target_values, ctx.f), ctx.f, ind)


def trend_chart(ctx: Context, ind: targets.Indicator) -> None:
    st.subheader(f"{ind.name}趋势" + ("与预测" if ind.has_history else ""), help=f"{help_for(ind)}\n\n{metric('target_projection').definition}")
    trend = indicator_trend(ctx, ind)
    if trend is None:
        st.info(f"“{ind.name}”只记录当前状态，没有历史数据，无法绘制趋势。", icon=":material/info:")
        return
    trend = trend.dropna(subset=["value"])
    if trend.empty:
        empty_state(f"{ind.name}的趋势数据")
        return
    target, deadline = scope_target(ctx, ind)
    unit = "%" if ind.is_rate else ind.unit
    x = [pd.Timestamp(d) for d in trend.period_end]
    fig = go.Figure(go.Scatter(x=x, y=trend.value, mode="lines+markers+text", name="实际值",
                               line=dict(color=theme.SERIES[0], width=3), marker=dict(size=9),
                               text=[fmt.value(v, ind.unit) if i == len(trend) - 1 else "" for i, v in
                                     enumerate(trend.value)], textposition="top left", cliponaxis=False,
                               hovertemplate="%{x|%Y-%m-%d}：%{y:.1f}" + unit + "<extra></extra>"))
    sentence = None
    projected = float("nan")
    projectable = ind.has_history and deadline is not None and deadline > trend.period_end.iloc[-1]
    if projectable:
        projected, outlook = targets.projection(trend, ind, target, deadline)
        if pd.notna(projected):
            ok = outlook == "met"
            color = theme.STATUS_COLORS["met" if ok else "behind"]
            fig.add_scatter(x=[x[-1], pd.Timestamp(deadline)], y=[trend.value.iloc[-1], projected],
                            mode="lines+markers+text", name="按当前进度预计",
                            line=dict(color=color, width=3, dash="dash"), marker=dict(size=[0, 11], color=color),
                            text=["", fmt.value(projected, ind.unit)], textposition="middle right", cliponaxis=False,
                            hovertemplate="%{x|%Y-%m-%d} 预计：%{y:.1f}" + unit + "<extra></extra>")
            verdict = "" if outlook is None else "，可以完成目标" if ok else "，难以完成目标"
            sentence = (f"按当前进度，预计到{deadline.year}年{deadline.month}月{deadline.day}日达到 "
                        f"{fmt.value(projected, ind.unit)}{verdict}（目标{target_text(ind, target)}）。")
        else:
            sentence = "数据期数不足（少于两期），无法按当前进度预测。"
    elif not ind.has_history:
        sentence = f"计数指标，目标为{target_text(ind, target)}，不做线性外推；当前为 {fmt.count(trend.value.iloc[-1])}{ind.unit}。"
    if pd.notna(target):
        fig.add_hline(y=target, line=dict(color="#1F1F1F", width=2, dash="dot"),
                      annotation_text=f"目标 {target_text(ind, target)}", annotation_position="top left")
    lo = min(float(trend.value.min()), target if pd.notna(target) else 100)
    if ind.is_rate:
        yaxis = dict(range=[max(0, lo - 5), 102], title="%")
        title = "实线：实际值；虚线：按最近四期进度外推"
    else:
        top = max(float(trend.value.max()), *(v for v in (target, projected) if pd.notna(v)), 1)
        yaxis = dict(range=[0, top * 1.25], tickformat=",d")
        title = f"当年各月末的{ind.name}（{ind.unit}）" + ("；虚线：按最近四期进度外推" if ind.has_history else "")
    end = max([x[-1], *([pd.Timestamp(deadline)] if deadline is not None and projectable else [])])
    xaxis = dict(tickformat="%Y-%m", range=[x[0] - pd.Timedelta(days=45), end + pd.Timedelta(days=130)])
    fig.update_layout(height=420, yaxis=yaxis, xaxis=xaxis, title=title, margin=dict(t=100))
    theme.show(fig, key="targets_trend", ctx=ctx, title=f"{ind.name}趋势",
               metrics=[f"target_{ind.key}", *(["target_projection"] if ind.has_history else [])])
    if sentence:
        st.markdown(f"**{sentence}**")
    if ind.numerator is not None and ctx.f.period == "month":
        st.caption("行业部门数据按季度报送，趋势按季度显示。")


def body(ctx: Context) -> None:
    desired = indicator_from_url()
    indicator_cards(ctx)
    st.divider()
    ind = BY_KEY[choose_indicator(desired)]
    left, right = st.columns([1, 1])
    with left:
        area_chart(ctx, ind)
    with right:
        trend_chart(ctx, ind)
    lagging_table(ctx, ind)


run_page("目标考核", body)
