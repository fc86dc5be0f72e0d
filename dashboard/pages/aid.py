"""帮扶进度: is aid reaching every monitored household? Measure coverage, measures by policy tool,
factor-to-tool gaps, helpers' visits, the 衔接资金 projects (disbursement, industry share,
completion against the deadline) and the project list with overdue projects first."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.common import data, exports, filters, fmt, nav, tables, theme
from dashboard.common.page import Context, empty_state, run_page
from queries import aid, screening
from queries.codes import FACTOR_TOOL_MATCH, POLICY_TOOL_GROUPS, PROJECT_CATEGORIES, TOOL_GROUPS, TOOLS
from queries.metrics import metric
from queries.targets import NEAR

INDUSTRY_RULE = 60.0  # 003 三.5: at least 60% of the funds for industry
MEASURE_STATES = {"completed": ("已完成", "#2E7D32"), "in_progress": ("实施中", "#1F5FA8"),
                  "overdue": ("逾期未完成", "#D7263D")}
VISIT_COLORS = {"within_30": "#2E7D32", "d31_90": "#9CCC65", "over_90": "#F2A93B", "never": "#D7263D"}
PROJECT_STATES = {"on_time": ("按期完工", "#2E7D32"), "late": ("逾期完工", "#9CCC65"),
                  "overdue": ("逾期未完工", "#D7263D"), "open": ("在建（未到期）", "#90A4AE")}
BUDGET_HELP = ("截至日期所在年度衔接资金项目的预算合计（万元），不含往年结转项目。"
               "项目按乡镇、村筛选，不按监测类别筛选。")
PROJECTS_HELP = ("截至日期所在年度的项目，以及往年仍未完工或资金未付清的结转项目（标为“往年结转”）；"
                 "按乡镇、村筛选，不按监测类别筛选。")
# the two ways to group the policy tools: the system's five groups, or 附件9 二(六)'s six policy-tool groups
GROUPINGS = {"group": ("按系统分组（5类）", TOOL_GROUPS), "policy_group": ("按附件9政策工具分组（6类）", POLICY_TOOL_GROUPS)}
GROUPING_KEY = "aid_tool_grouping"
GAP_HIGHLIGHT = "background-color: #F8B4BC; color: #6B0000; font-weight: 700"
GAP_LIGHT = "background-color: #FDE2E4; color: #8B0000"
GAP_STRONG = 15.0  # % of the households with the factor: a gap this large is shown dark red


def _level(ctx: Context) -> tuple[str, str]:
    return ("village", "各村") if ctx.f.township else ("township", "各乡镇")


def text_positions(values, limit: float = 18.0) -> list[str]:
    """Labels inside long bars, outside short ones (a 0% bar must still show its number)."""
    return ["inside" if pd.notna(v) and v >= limit else "outside" for v in values]


def count_axis(max_value: float) -> dict:
    """Whole-number ticks for counts (no 0.5 households)."""
    return dict(tickformat=",d", dtick=1 if max_value <= 8 else None, rangemode="tozero")


def coverage_status(v: float) -> str:
    if pd.isna(v):
        return "none"
    return "met" if v >= 100 - 1e-9 else "near" if v >= 100 - NEAR else "behind"


# --- KPIs ----------------------------------------------------------------------------------------

def kpi_rows(ctx: Context, cov: pd.Series, tools: pd.DataFrame, funds: pd.Series | None) -> None:
    c = st.columns(4)
    c[0].metric("帮扶措施覆盖率", fmt.pct(cov.coverage), border=True, help=metric("measure_coverage").definition,
                delta=f"目标 100%，尚有 {fmt.count(cov.without_measure)} 户无措施" if cov.monitored else None,
                delta_color="off", delta_arrow="off")
    c[1].metric("未落实帮扶责任人（户）", fmt.count(cov.no_helper), border=True, help=metric("no_helper").definition)
    c[2].metric("逾期未完成措施（项）", fmt.count(tools.overdue.sum()), border=True,
                help=metric("measures_overdue").definition)
    c[3].metric("已完成措施（项）", fmt.count(tools.completed.sum()), border=True,
                help=metric("measures_completed").definition)
    c = st.columns(4)
    if funds is None:
        for col, (label, help_text) in zip(c, [
                ("资金支出进度", metric("disbursement_rate").definition),
                ("产业项目资金占比", metric("industry_share").definition), ("当年项目预算", BUDGET_HELP),
                ("逾期未完工项目（个）", metric("projects_overdue").definition)]):
            col.metric(label, "—", border=True, help=help_text)
        return
    c[0].metric("资金支出进度", fmt.pct(funds.disbursement_rate), border=True,
                help=metric("disbursement_rate").definition,
                delta=f"已支付 {fmt.yuan_wan(funds.disbursed)}", delta_color="off", delta_arrow="off")
    ok = funds.industry_share >= INDUSTRY_RULE
    c[1].metric("产业项目资金占比", fmt.pct(funds.industry_share), border=True, help=metric("industry_share").definition,
                delta=("达到" if ok else "低于") + "60%要求", delta_color="normal" if ok else "inverse",
                delta_arrow="up" if ok else "down")
    c[2].metric("当年项目预算", fmt.yuan_wan(funds.budget), border=True,
                help=BUDGET_HELP,
                delta=f"{fmt.count(funds.current_projects)}个当年项目", delta_color="off", delta_arrow="off")
    c[3].metric("逾期未完工项目（个）", fmt.count(funds.overdue), border=True,
                help=f"{metric('projects_overdue').definition}\n\n{metric('projects_carried_over').definition}",
                delta=f"另有往年结转 {fmt.count(funds.carried_over)} 个项目" if funds.carried_over else "无往年结转项目",
                delta_color="off", delta_arrow="off")


def owed_links(ctx: Context, cov: pd.Series) -> None:
    """The gap counts open the 应帮尽帮 lists of the same view (same filter), one list per count."""
    if not cov.monitored:
        return
    params = filters.to_params(ctx.f, ctx.areas)
    with st.container(horizontal=True, gap="medium"):
        nav.page_link("owed.py", f"无帮扶措施 {fmt.count(cov.without_measure)} 户：打开清单",
                      params | {"list": "none"}, icon=":material/checklist:")
        unmatched = data.query(screening.unmatched_factors, ctx.f).household_id.nunique()
        nav.page_link("owed.py", f"风险未匹配措施 {fmt.count(unmatched)} 户：打开清单", params | {"list": "unmatched"},
                      icon=":material/rule:")


# --- coverage ------------------------------------------------------------------------------------

def coverage_chart(ctx: Context) -> None:
    by, where = _level(ctx)
    st.subheader(f"{where}帮扶措施覆盖率", help=metric("measure_coverage").definition)
    df = data.query(aid.measure_coverage, ctx.f, by)
    df = df[df.monitored > 0]
    if df.empty:
        empty_state("监测户")
        return
    df = df.sort_values(["coverage", "code"], ascending=[False, False])  # lowest ends up on top
    fig = go.Figure(go.Bar(
        y=df.name, x=df.coverage, orientation="h", customdata=df[["with_measure", "monitored"]],
        marker_color=[theme.STATUS_COLORS[coverage_status(v)] for v in df.coverage],
        text=[fmt.pct(v) for v in df.coverage], textposition=text_positions(df.coverage),
        insidetextanchor="end", textangle=0, insidetextfont=dict(size=15, color="white"),
        name="覆盖率", cliponaxis=False,
        textfont=dict(size=15),
        hovertemplate="%{y}：%{x:.1f}%（%{customdata[0]}/%{customdata[1]}户）<extra></extra>"))
    fig.add_vline(x=100, line=dict(color="#1F1F1F", width=3, dash="dash"), layer="below",
                  annotation_text="目标100%", annotation_position="top")
    fig.update_layout(height=max(360, 30 * len(df) + 130), showlegend=False, title="覆盖率最低的排在最上面",
                      margin=dict(t=90),
                      xaxis=dict(range=[0, 112], title="%"))
    fig.update_layout(uniformtext=dict(minsize=14, mode="show"))
    theme.show(fig, key="aid_coverage", ctx=ctx, title=f"{where}帮扶措施覆盖率", metrics=["measure_coverage"])


# --- measures by tool ----------------------------------------------------------------------------

def tool_chart(ctx: Context, tools: pd.DataFrame) -> None:
    st.subheader("各政策工具帮扶措施进度", help="；".join(
        metric(k).definition for k in ("measures_completed", "measures_in_progress", "measures_overdue")))
    if tools.total.sum() == 0:
        empty_state("帮扶措施")
        return
    by = st.radio("政策工具分组", list(GROUPINGS), key=GROUPING_KEY, horizontal=True,
                  format_func=lambda k: GROUPINGS[k][0],
                  help="同一批措施的两种分组方式：本系统的5类，或防贫监测实施方案（附件9 二(六)）的6类政策工具。")
    groups = GROUPINGS[by][1]
    group_order = list(groups)
    df = tools.assign(g=tools[by].map(group_order.index), t=tools.tool.map(list(TOOLS).index))
    df = df.sort_values(["g", "t"], ascending=[False, False])  # first group at the top
    y = [list(df[f"{by}_label"]), list(df.tool_label)]
    fig = go.Figure()
    for key, (label, color) in MEASURE_STATES.items():
        fig.add_bar(y=y, x=df[key], orientation="h", name=label, marker_color=color,
                    hovertemplate="%{y}：%{x}项<extra>" + label + "</extra>")
    fig.update_layout(barmode="stack", height=max(420, 34 * len(df) + 150),
                      xaxis=dict(title="项", **count_axis(df.total.max())),
                      title="按工具分组的措施数", yaxis=dict(tickfont=dict(size=15)), margin=dict(t=100),
                      legend=dict(traceorder="normal"))
    theme.show(fig, key="aid_tools", ctx=ctx, title="各政策工具帮扶措施进度",
               metrics=["measures_completed", "measures_in_progress", "measures_overdue"])
    if by == "policy_group":
        empty = [label for g, label in groups.items() if g not in set(df.policy_group)]
        st.caption("附件9 二(六)列出六类政策工具；产业、就业帮扶类工具附件9未列，单列为“附件9未列”。"
                   + (f"{'、'.join(empty)}目前没有对应的帮扶措施类型，图中不显示。" if empty else ""))


# --- factor-to-tool gaps -------------------------------------------------------------------------

def gap_table(ctx: Context) -> None:
    st.subheader("风险与措施不匹配", help=metric("factor_tool_gap").definition)
    g = data.query(aid.factor_tool_gaps, ctx.f)
    if g.households.sum() == 0:
        empty_state("存在风险因子的监测户")
        return
    g = g[g.households > 0].sort_values(["without_match", "factor_type"], ascending=[False, True])
    tools_text = {t: "全部工具" if t == "other" else "、".join(TOOLS[x][0] for x in TOOLS if x in tools)
                  for t, tools in FACTOR_TOOL_MATCH.items()}
    view = pd.DataFrame({"风险类型": g.type_label, "存在该风险的监测户": g.households.astype(int),
                         "无对应措施户": g.without_match.astype(int), "缺口比例%": g.gap_share.round(1),
                         "对应的政策工具": g.factor_type.map(tools_text)})
    def shade(r):
        share = r["缺口比例%"]
        style = GAP_HIGHLIGHT if share >= GAP_STRONG else GAP_LIGHT if r["无对应措施户"] > 0 else ""
        return [style if c in ("风险类型", "无对应措施户", "缺口比例%") else "" for c in r.index]
    styled = view.style.apply(shade, axis=1).format({"缺口比例%": "{:.1f}"})
    tables.dataframe(styled, hide_index=True, width="stretch",
                     column_config={"对应的政策工具": st.column_config.TextColumn(width="large")})
    exports.table_download(view, ctx, "风险与措施不匹配", key="aid_gaps", metrics=["factor_tool_gap"])
    n = int(g.without_match.sum())
    if n:
        st.caption(f"无对应措施户：存在该类风险、但没有任何对应措施的户（共 {n} 户次；一户可有多类风险），"
                   f"如因病户没有医保参保资助、医疗救助、防贫保或临时救助。深红：缺口比例达{GAP_STRONG:g}%及以上；浅红：有缺口。")


# --- visits --------------------------------------------------------------------------------------

def visit_chart(ctx: Context) -> None:
    by, where = _level(ctx)
    st.subheader(f"{where}帮扶责任人走访情况", help=metric("visit_recency").definition)
    df = data.query(aid.visit_recency, ctx.f, by)
    buckets = list(aid.VISIT_BUCKETS)
    df = df[df[buckets].sum(axis=1) > 0]
    if df.empty:
        empty_state("监测户")
        return
    late = (df.over_90 + df.never) / df[buckets].sum(axis=1)
    df = df.assign(late=late).sort_values(["late", "code"], ascending=[True, False])  # worst at the top
    fig = go.Figure()
    for key, label in aid.VISIT_BUCKETS.items():
        fig.add_bar(y=df.name, x=df[key], orientation="h", name=label, marker_color=VISIT_COLORS[key],
                    hovertemplate="%{y}：%{x}户<extra>" + label + "</extra>")
    fig.update_layout(barmode="stack", height=max(360, 30 * len(df) + 150),
                      xaxis=dict(title="户", **count_axis(df[buckets].sum(axis=1).max())),
                      title="最近一次走访距截至日期（最需关注的排在最上面）", margin=dict(t=100),
                      legend=dict(traceorder="normal"))
    theme.show(fig, key="aid_visits", ctx=ctx, title=f"{where}帮扶责任人走访情况", metrics=["visit_recency"])


# --- funds and projects --------------------------------------------------------------------------

def funds_charts(ctx: Context, funds: pd.DataFrame) -> None:
    by, where = _level(ctx)
    df = funds[funds.current_projects > 0]  # the rates are of the as-of year's projects
    if df.empty:
        st.info("截至日期所在年度还没有项目，资金支出进度和产业项目资金占比无从计算；下方列出往年结转项目。",
                icon=":material/info:")
        return
    left, right = st.columns(2)
    with left:
        st.subheader(f"{where}资金支出进度", help=metric("disbursement_rate").definition)
        d = df.sort_values(["disbursement_rate", "code"], ascending=[False, False])
        fig = go.Figure(go.Bar(y=d.name, x=d.disbursement_rate, orientation="h", marker_color=theme.SERIES[0],
                               text=[fmt.pct(v) for v in d.disbursement_rate],
                               textposition=text_positions(d.disbursement_rate), cliponaxis=False,
                               insidetextanchor="end", textangle=0, insidetextfont=dict(size=15, color="white"),
                               textfont=dict(size=15), customdata=d.disbursed / 10_000,
                               hovertemplate="%{y}：%{x:.1f}%（已支付%{customdata:,.1f}万元）<extra></extra>"))
        fig.update_layout(height=max(360, 30 * len(d) + 130), xaxis=dict(range=[0, 105], title="%"),
                          title="已支付 ÷ 当年预算（最低的排在最上面）", margin=dict(t=90))
        fig.update_layout(uniformtext=dict(minsize=14, mode="show"))
        theme.show(fig, key="aid_disbursement", ctx=ctx, title=f"{where}资金支出进度", metrics=["disbursement_rate"])
    with right:
        st.subheader(f"{where}产业项目资金占比", help=metric("industry_share").definition)
        d = df.sort_values(["industry_share", "code"], ascending=[False, False])
        colors = [theme.STATUS_COLORS["met" if v >= INDUSTRY_RULE else "behind"] for v in d.industry_share]
        fig = go.Figure(go.Bar(y=d.name, x=d.industry_share, orientation="h", marker_color=colors,
                               text=[fmt.pct(v) for v in d.industry_share],
                               textposition=text_positions(d.industry_share), cliponaxis=False,
                               insidetextanchor="end", textangle=0, insidetextfont=dict(size=15, color="white"),
                               textfont=dict(size=15),
                               hovertemplate="%{y}：%{x:.1f}%<extra></extra>"))
        fig.add_vline(x=INDUSTRY_RULE, line=dict(color="#1F1F1F", width=3, dash="dash"), layer="below",
                      annotation_text="要求≥60%", annotation_position="top")
        fig.update_layout(height=max(360, 30 * len(d) + 130), xaxis=dict(range=[0, 105], title="%"),
                          title="产业发展类预算 ÷ 当年预算（红色低于60%）", margin=dict(t=90))
        fig.update_layout(uniformtext=dict(minsize=14, mode="show"))
        theme.show(fig, key="aid_industry", ctx=ctx, title=f"{where}产业项目资金占比", metrics=["industry_share"])


def completion_chart(ctx: Context, funds: pd.DataFrame) -> None:
    by, where = _level(ctx)
    st.subheader(f"{where}项目完工情况", help=metric("projects_overdue").definition)
    df = funds[funds.projects > 0].copy()
    df["on_time"] = df.completed_on_time
    df["late"] = df.completed - df.completed_on_time
    df["open"] = df.projects - df.completed - df.overdue
    df = df.sort_values(["overdue", "code"], ascending=[True, False])
    fig = go.Figure()
    for key, (label, color) in PROJECT_STATES.items():
        fig.add_bar(y=df.name, x=df[key].astype(int), orientation="h", name=label, marker_color=color,
                    hovertemplate="%{y}：%{x}个<extra>" + label + "</extra>")
    fig.update_layout(barmode="stack", height=max(360, 30 * len(df) + 150),
                      xaxis=dict(title="个", **count_axis(df.projects.max())),
                      title="项目完工情况，含往年结转（逾期未完工多的排在最上面）", margin=dict(t=100),
                      legend=dict(traceorder="normal"))
    theme.show(fig, key="aid_completion", ctx=ctx, title=f"{where}项目完工情况", metrics=["projects_overdue"])


PROJECT_ROWS_SHOWN = 500


def project_table(ctx: Context) -> None:
    st.subheader("项目清单", help=f"{metric('projects_overdue').definition}\n\n{metric('projects_carried_over').definition}")
    p = data.query(aid.project_list, ctx.f)
    if p.empty:
        empty_state("项目")
        return
    towns = dict(zip(ctx.areas.towns.code, ctx.areas.towns.name))
    villages = dict(zip(ctx.areas.villages.code, ctx.areas.villages.name))
    state = ["逾期未完工" if o else "已完工" if pd.notna(a) else "在建"
             for o, a in zip(p.overdue, p.actual_completion)]
    day = lambda col: pd.to_datetime(col).dt.strftime("%Y-%m-%d")  # noqa: E731
    view = pd.DataFrame({
        "状态": state, "结转": p.carried_over.map({True: "往年结转", False: ""}), "项目名称": p.name,
        "乡镇": p.township_code.map(towns).fillna("—"),
        "村": p.village_code.map(villages).fillna("—"), "类别": p.category.map(PROJECT_CATEGORIES).fillna("其他"),
        "资金年度": p.year.astype(int),
        "预算(万元)": (p.budget.astype(float) / 10_000).round(1),
        "已支付(万元)": (p.disbursed.astype(float) / 10_000).round(1),
        "支出进度%": (p.disbursed.astype(float) / p.budget.astype(float).where(p.budget > 0) * 100).round(1),
        "批次": p.batch.map(lambda b: "未填" if pd.isna(b) else "第一批" if b == 1 else "第二批" if b == 2
                          else f"第{int(b)}批"),
        "计划完工": day(p.planned_completion).fillna("未填"),
        "完工期限": day(p.deadline),
        "实际完工": day(p.actual_completion).fillna("—"),
        "项目编号": p.code,
    })
    # A province has tens of thousands of projects: the table shows the first rows (overdue first) and
    # the download carries them all; styling every row would cost seconds on each rerun.
    shown = view.head(PROJECT_ROWS_SHOWN)
    styled = shown.style.apply(
        lambda r: [GAP_LIGHT + "; font-weight: 600" if r["状态"] == "逾期未完工" else ""] * len(r), axis=1).format(
        {"预算(万元)": "{:,.1f}", "已支付(万元)": "{:,.1f}", "支出进度%": "{:.1f}"})
    kinds = {"预算(万元)": "num1", "已支付(万元)": "num1"}
    tables.dataframe(styled, hide_index=True, width="stretch", height=min(35 * (len(shown) + 1) + 3, 528), kinds=kinds)
    exports.table_download(view, ctx, "衔接资金项目清单", key="aid_projects", total=True,
                           note="含往年结转项目；项目按乡镇、村筛选，不按监测类别筛选", kinds=kinds,
                           metrics=["disbursement_rate", "projects_overdue", "projects_carried_over"])
    late, carried = int(p.overdue.sum()), int(p.carried_over.sum())
    more = f"表中列出前 {len(shown):,} 个，完整清单请下载。" if len(shown) < len(view) else ""
    st.caption(f"共 {len(view):,} 个项目（当年 {len(view) - carried:,} 个，往年结转 {carried:,} 个），"
               f"其中逾期未完工 {late:,} 个" + ("（标红，排在最前）" if late else "") +
               f"。完工期限：填了计划完工日期的按计划日期，没填的按批次期限。{more}项目按乡镇、村筛选，不按监测类别筛选。")


def body(ctx: Context) -> None:
    cov = data.query(aid.measure_coverage, ctx.f, "all").iloc[0]
    tools = data.query(aid.measures_by_tool, ctx.f)
    county_funds = data.query(aid.funds_by_area, ctx.f, "all")
    funds_row = county_funds.iloc[0] if len(county_funds) and county_funds.projects.iloc[0] > 0 else None
    kpi_rows(ctx, cov, tools, funds_row)
    owed_links(ctx, cov)

    st.divider()
    left, right = st.columns(2)
    with left:
        coverage_chart(ctx)
    with right:
        visit_chart(ctx)
    tool_chart(ctx, tools)
    gap_table(ctx)
    nav.page_link("owed.py", "打开应帮尽帮清单：无帮扶措施的监测户、风险未匹配帮扶措施的户（按乡镇、村）",
                  filters.to_params(ctx.f, ctx.areas), icon=":material/checklist:")

    st.divider()
    st.header("衔接资金项目", help=PROJECTS_HELP)
    by, _ = _level(ctx)
    funds = data.query(aid.funds_by_area, ctx.f, by)
    if funds.projects.sum() == 0:
        empty_state("当年项目或往年结转项目")
        return
    if funds_row is not None and funds_row.carried_over:
        st.caption(f"往年结转项目 {fmt.count(funds_row.carried_over)} 个，未支付余额 "
                   f"{fmt.yuan_wan(funds_row.carried_unpaid)}；不计入当年资金支出进度和产业项目资金占比。")
    funds_charts(ctx, funds)
    completion_chart(ctx, funds)
    project_table(ctx)


run_page("帮扶进度", body)
