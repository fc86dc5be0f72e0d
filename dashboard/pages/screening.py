"""漏评排查: households not in monitoring that meet a screening criterion, by township and village, ranked with
their reasons; a row opens 户情; the list downloads as a masked visit list. For inspection teams and townships."""

import pandas as pd
import streamlit as st

from dashboard.common import data, exports, nav
from dashboard.common.page import Context, empty_state, run_page
from dashboard.common.text import escape_md
from queries import screening
from queries.codes import HOUSEHOLD_TYPES, label
from queries.metrics import metric

STATUS = {"never": "从未纳入监测", "eliminated": "已风险消除"}
TOP_CHOICES = (20, 50, 100, 500)


def missing_facts(ctx: Context) -> bool:
    """Say which facts were never imported (their criteria cannot be screened); False when nobody is outside
    monitoring in the view."""
    facts = data.query(screening.screening_facts, ctx.f).iloc[0]
    if facts.not_monitored == 0:
        empty_state("未纳入监测的农户")
        return False
    gaps = [(facts.with_check, "农户核查数据（住房安全鉴定、饮水安全、吃穿保障，低保、特困、独居老人记录）",
             "住房、饮水、吃穿和低保、特困、独居老人"),
            (facts.with_spending, "年度支出数据（自负医疗费、教育支出）", "扣除刚性支出后的收入和自负医疗费"),
            (facts.with_income, "年度收入数据（或该年监测范围）", "收入")]
    for n, what, criteria in gaps:
        if n == 0:
            st.warning(f"尚未导入{what}：{criteria}条件无法排查，下面的名单和计数不含这些条件（不是“没有问题”）。",
                       icon=":material/warning:")
    st.caption(f"不在监测中的农户 {facts.not_monitored:,} 户，其中有核查记录 {facts.with_check:,} 户、"
               f"有收入记录 {facts.with_income:,} 户、有支出记录 {facts.with_spending:,} 户。")
    return True


def area_table(ctx: Context) -> None:
    by, where = ("village", "村") if ctx.f.township else ("township", "乡镇")
    df = data.query(screening.screening_by_area, ctx.f, by)
    crit = screening.criteria()
    view = pd.DataFrame({where: df.name, "不在监测户数": df.not_monitored.astype(int),
                         "疑似漏评户": df.candidates.astype(int)}
                        | {c.name: df[c.key].astype(int) for c in crit})
    view = view.sort_values("疑似漏评户", ascending=False, kind="stable")
    st.subheader(f"各{where}疑似漏评户", help=metric("screening_candidates").definition)
    st.caption("一户可同时满足多项条件，各条件户数之和可大于疑似漏评户数。在左侧筛选乡镇、村，查看该范围的名单。")
    st.dataframe(view, hide_index=True, width="stretch")
    exports.table_download(view, ctx, f"各{where}疑似漏评户", key="scr_areas")


def ranked_list(ctx: Context) -> None:
    st.subheader("排查名单（按可能性排序）", help=screening.SCREENING_RULE)
    top = st.segmented_control("显示前", TOP_CHOICES, default=TOP_CHOICES[0], format_func=lambda n: f"{n}户",
                               key="scr_top") or TOP_CHOICES[0]
    df = data.query(screening.screening_list, ctx.f)
    if df.empty:
        empty_state("满足排查条件的未监测农户")
        return
    df = df.head(top)
    view = pd.DataFrame({"序号": df["rank"], "户编号": df.code, "户主": df.head_name.fillna("—"),
                         "乡镇": df.township_name, "村": df.village_name,
                         "户类型": [label(HOUSEHOLD_TYPES, v) for v in df.hh_type],
                         "状态": [STATUS.get(v, "—") for v in df.status], "排查原因": df.reasons})
    if "health_reasons" in df.columns:  # withheld from viewers who may not see health facts
        view["健康相关原因"] = df.health_reasons.fillna("")
    st.caption(f"共列出 {len(view):,} 户。选中一行打开该户户情；下载的走访名单按当前角色脱敏。")
    event = st.dataframe(view, hide_index=True, width="stretch", key=f"scr_list_{top}", on_select="rerun",
                         selection_mode="single-row", column_config={"户编号": st.column_config.TextColumn(pinned=True)})
    exports.table_download(view, ctx, f"{ctx.scope}漏评排查走访名单", key="scr_list", kinds={"户编号": "text"},
                           note=screening.SCREENING_RULE)
    rows = event.selection.rows if event else []
    if rows and rows[0] < len(df):
        nav.open_household(ctx.f, ctx.areas, df.code.iloc[rows[0]])


def criteria_help() -> None:
    with st.expander("排查条件和阈值（口径）"):
        st.markdown(escape_md(screening.SCREENING_RULE))
        st.dataframe(pd.DataFrame({"条件": [c.name for c in screening.criteria()],
                                   "口径": [c.definition for c in screening.criteria()]}), hide_index=True, width="stretch")
        st.caption("阈值在政策参数文件 config/policy.toml 的 [screening] 中设定。")


def body(ctx: Context) -> None:
    criteria_help()
    if not missing_facts(ctx):
        return
    area_table(ctx)
    ranked_list(ctx)


run_page("漏评排查", body)
