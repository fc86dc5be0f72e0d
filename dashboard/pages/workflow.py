"""流程督办: where the period's leads are in their identification steps per township, how long each step
takes, the cases stuck past a step's limit and who holds them, 网上交办 by unit and the 整改 of inspection
findings. Every number comes from queries/workflow.py with its 口径 beside it; a county that imported no
workflow sheets is told so instead of shown zeros."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.common import cards, data, exports, fmt, tables, theme
from dashboard.common.page import Context, empty_state, run_page
from queries import workflow as wf
from queries.codes import ASSIGNEE_KINDS, LEAD_STEPS, REVIEW_LEVELS, WARNING_LEVELS, label
from queries.metrics import metric

NOT_IMPORTED = "未导入流程数据：{what}。请在导入模板的「{sheet}」工作表中填写后由管理员导入。"


def about(key: str) -> str:
    return metric(key).definition


def missing(what: str, sheet: str) -> None:
    st.info(NOT_IMPORTED.format(what=what, sheet=sheet), icon=":material/upload_file:")


def metric_row(items: list[tuple[str, str, str]]) -> None:
    """A row of figures, each with its 口径 (metric key) as the tooltip."""
    for col, (name, value, key) in zip(st.columns(len(items)), items):
        col.metric(name, value, help=about(key), border=True)


def funnel(ctx: Context) -> None:
    st.subheader("识别环节漏斗（按乡镇）", help=about("workflow_funnel"))
    df = data.query(wf.step_funnel, ctx.f, "township")
    if df.leads.sum() == 0:
        empty_state("本期产生的预警线索")
        return
    stages = [("leads", "本期线索")] + [(s, LEAD_STEPS[s][0]) for s in wf.STEPS] + [("decided", "已研判")]
    fig = go.Figure([go.Bar(name=name, x=df.name, y=df[col]) for col, name in stages])
    fig.update_layout(title="本期线索到达各环节的条数", barmode="group", yaxis_title="线索（条）")
    theme.show(fig, key="wf_funnel", ctx=ctx)
    view = df.rename(columns={"name": "乡镇", **dict(stages)})[["乡镇", *[n for _, n in stages]]]
    tables.dataframe(view, hide_index=True, width="stretch")
    exports.table_download(view, ctx, "识别环节漏斗", key="wf_funnel_table")


def durations(ctx: Context) -> None:
    st.subheader("各环节用时", help=about("step_days"))
    steps = data.query(wf.step_durations, ctx.f)
    view = pd.DataFrame({"环节": steps.step_name, "时限（天）": steps.limit_days, "本期完成环节数": steps.steps,
                         "用时中位数（天）": steps["median"].map(fmt.number), "P90（天）": steps.p90.map(fmt.number),
                         "超时限环节数": steps.over_limit})
    levels = data.query(wf.level_durations, ctx.f)
    left, right = st.columns([3, 2])
    with left:
        tables.dataframe(view, hide_index=True, width="stretch")
        exports.table_download(view, ctx, "各环节用时", key="wf_durations")
    with right:
        tables.dataframe(pd.DataFrame({"层级": levels.level_name, "环节数": levels.steps,
                                       "用时中位数（天）": levels["median"].map(fmt.number),
                                       "P90（天）": levels.p90.map(fmt.number)}), hide_index=True, width="stretch")
    ranking = data.query(wf.step_days_by_area, ctx.f, "township")
    st.markdown("**乡镇排名**（超时限环节占比从高到低）")
    rview = pd.DataFrame({"乡镇": ranking.name, "本期完成环节数": ranking.steps, "超时限环节数": ranking.over_limit,
                          "超时限占比": (ranking.over_share * 100).map(fmt.pct),
                          **{f"{name}用时中位数（天）": ranking[f"median_{lv}"].map(fmt.number)
                             for lv, name in REVIEW_LEVELS.items()}})
    tables.dataframe(rview, hide_index=True, width="stretch")
    exports.table_download(rview, ctx, "各乡镇环节用时排名", key="wf_ranking")
    st.caption("口径：" + about("step_days"))


def stuck(ctx: Context) -> None:
    st.subheader("超环节时限的线索（谁在办）", help=about("stuck_cases"))
    df = data.query(wf.stuck_cases, ctx.f)
    if df.empty:
        empty_state("超环节时限的线索")
        return
    view = pd.DataFrame({"户编号": df.household_code, "户主": df.head_name.fillna("—"), "乡镇": df.township_name,
                         "村": df.village_name, "预警级别": df.level.map(lambda v: label(WARNING_LEVELS, v)),
                         "线索产生日期": df.raised_date, "停在环节": df.step_name, "持有层级": df.holder_level,
                         "持有单位": df.holder, "已等待（天）": df.days_waiting, "环节时限（天）": df.limit_days,
                         "超出（天）": df.days_over})
    st.metric("超时线索", fmt.count(len(df)), help=about("stuck_cases"), border=True)
    tables.dataframe(view, hide_index=True, width="stretch")
    exports.table_download(view, ctx, "超环节时限的线索", key="wf_stuck")


def assignments(ctx: Context) -> None:
    st.subheader("网上交办（按承办单位）", help=about("assignments_on_time_rate"))
    units = data.query(wf.assignments_by_unit, ctx.f)
    if units.empty:
        empty_state("网上交办记录")
        return
    metric_row([("未办结交办（次）", fmt.count(units.open.sum()), "assignments_open"),
                ("超期交办（次）", fmt.count(units.overdue.sum()), "assignments_overdue"),
                ("按时办结率", fmt.pct(wf.overall_rate(units, "on_time", "due_or_done")), "assignments_on_time_rate")])
    view = pd.DataFrame({"承办单位": units.unit, "交办（次）": units.assignments, "未办结": units.open,
                         "超期": units.overdue, "时限已到或已办结": units.due_or_done, "按时办结": units.on_time,
                         "按时办结率": (units.on_time_rate * 100).map(fmt.pct)})
    tables.dataframe(view, hide_index=True, width="stretch")
    exports.table_download(view, ctx, "网上交办按单位", key="wf_units", total=True)
    overdue = data.query(wf.overdue_assignments, ctx.f)
    if not overdue.empty:
        st.markdown("**超期交办清单**（红色预警在前）")
        late = pd.DataFrame({"户编号": overdue.household_code, "户主": overdue.head_name.fillna("—"),
                             "村": overdue.village_name, "预警级别": overdue.level.map(lambda v: label(WARNING_LEVELS, v)),
                             "承办单位": overdue.unit, "承办对象": overdue.assignee_kind.map(lambda v: label(ASSIGNEE_KINDS, v)),
                             "帮扶责任人": overdue.helper_name.fillna("—"), "交办日期": overdue.assigned_date,
                             "办结时限": overdue.due, "超期（天）": overdue.days_over})
        tables.dataframe(late, hide_index=True, width="stretch")
        exports.table_download(late, ctx, "超期交办清单", key="wf_late")


def findings(ctx: Context) -> None:
    st.subheader("巡查问题整改", help=about("findings_closure_rate"))
    cat = data.query(wf.findings_by_category, ctx.f)
    if cat.empty:
        empty_state("巡查发现的问题")
        return
    metric_row([("未整改问题（个）", fmt.count(cat.open.sum()), "findings_open"),
                ("超期未整改（个）", fmt.count(cat.overdue.sum()), "findings_overdue"),
                ("按期整改率", fmt.pct(wf.overall_rate(cat, "on_time", "due_or_closed")), "findings_closure_rate")])
    left, right = st.columns(2)
    summary = {"findings": "问题数", "open": "未整改", "overdue": "超期未整改", "closed": "已整改",
               "closure_rate": "按期整改率"}
    with left:
        view = cat.rename(columns={"category_name": "问题类别", **summary})[["问题类别", *summary.values()]]
        view["按期整改率"] = (cat.closure_rate * 100).map(fmt.pct)
        tables.dataframe(view, hide_index=True, width="stretch")
        exports.table_download(view, ctx, "整改按问题类别", key="wf_find_cat", total=True)
    with right:
        town = data.query(wf.findings_by_area, ctx.f, "township")
        tview = town.rename(columns={"name": "乡镇", **summary})[["乡镇", *summary.values()]]
        tview["按期整改率"] = (town.closure_rate * 100).map(fmt.pct)
        tables.dataframe(tview, hide_index=True, width="stretch")
        exports.table_download(tview, ctx, "整改按乡镇", key="wf_find_town", total=True)
    still = data.query(wf.open_findings, ctx.f)
    if not still.empty:
        st.markdown("**尚未整改的问题**（超期在前）")
        oview = pd.DataFrame({"问题编号": still.code, "村": still.village_name, "问题类别": still.category_name,
                              "责任单位": still.responsible_unit, "巡查日期": still.inspected_on,
                              "整改时限": still.due_date, "超期（天）": still.days_over,
                              "问题描述": still.note.fillna("—")})
        tables.dataframe(oview, hide_index=True, width="stretch")
        exports.table_download(oview, ctx, "尚未整改的问题", key="wf_open_findings")
    repeats(ctx)


def repeats(ctx: Context) -> None:
    again = data.query(wf.repeat_findings, ctx.f)
    m = metric("findings_repeated")
    st.markdown(f"**复查再次发现的同类问题**：{fmt.count(len(again))} 个", help=m.definition)
    if again.empty:
        st.caption("复查的村未再次发现同类问题。")
        return
    view = pd.DataFrame({"村": again.village_name, "问题类别": again.category_name, "上次问题编号": again.code,
                         "上次巡查日期": again.inspected_on,
                         "上次问题整改": [f"{wf.REPEAT_STATES[s]}（{d} 整改完成）" if s == "rebound" else wf.REPEAT_STATES[s]
                                    for s, d in zip(again.state, again.closed_date)],
                         "再次发现日期": again.again_on, "本次问题编号": again.again_code,
                         "责任单位": again.again_unit})
    tables.dataframe(view, hide_index=True, width="stretch")
    exports.table_download(view, ctx, "复查再次发现的同类问题", key="wf_repeat_findings")


def hotspots(ctx: Context, have) -> None:
    """The answer on the first screen: where cases are stuck, and who holds the overdue red warnings."""
    cards.workflow_headline(ctx.f)
    left, right = st.columns(2)
    if have.lead_steps:
        with left:
            where = data.query(wf.stuck_by_township, ctx.f)
            st.markdown(f"**卡在哪个环节**（超时限线索 {fmt.count(where.cases.sum())} 条，按乡镇和环节）",
                        help=about("stuck_cases"))
            if where.empty:
                st.caption("没有超环节时限的线索。")
            else:
                view = pd.DataFrame({"乡镇": where.township_name, "停在环节": where.step_name,
                                     "持有层级": where.holder_level, "条数": where.cases,
                                     "最长等待天数": where.longest_wait})
                tables.dataframe(view, hide_index=True, width="stretch", height=248)
                exports.print_only(view, ctx, "卡在哪个环节（超时限线索，按乡镇和环节）", ["stuck_cases"])
    if have.assignments:
        with right:
            red = data.query(wf.overdue_assignments, ctx.f, "red")
            st.markdown(f"**超期的红色预警交办**（{fmt.count(len(red))} 次，谁在办）", help=about("assignments_overdue"))
            if red.empty:
                st.caption("没有超期的红色预警交办。")
            else:
                view = pd.DataFrame({"户编号": red.household_code, "承办单位": red.unit,
                                     "帮扶责任人": red.helper_name.fillna("—"), "超期天数": red.days_over})
                tables.dataframe(view, hide_index=True, width="stretch", height=248)
                exports.print_only(view, ctx, "超期的红色预警交办（谁在办）", ["assignments_overdue"])


def body(ctx: Context) -> None:
    have = data.query(wf.workflow_coverage, ctx.f).iloc[0]
    if have.lead_steps or have.assignments:
        hotspots(ctx, have)
    if have.lead_steps:
        funnel(ctx)
        durations(ctx)
        stuck(ctx)
    else:
        missing("线索的识别环节（实地核查、部门比对、承诺书、三级审核）", "识别环节")
    if have.assignments:
        assignments(ctx)
    else:
        missing("预警的网上交办及反馈", "网上交办")
    if have.findings:
        findings(ctx)
    else:
        missing("巡查发现的问题及整改", "整改问题")


run_page("流程督办", body)
