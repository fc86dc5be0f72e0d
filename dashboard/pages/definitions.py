"""指标说明: every metric the dashboard shows, with its unit and definition (口径), grouped by topic;
then how warnings are graded and which policy tools answer which risk factor."""

import re

import pandas as pd
import streamlit as st

from dashboard.common import exports, theme
from dashboard.common.page import Context, run_page
from dashboard.common.text import escape_md
from queries.codes import FACTOR_GROUPS, FACTOR_TOOL_MATCH, FACTOR_TYPES, TOOL_GROUPS, TOOLS, WARNING_LEVELS
from queries import grading
from queries.filters import LEAD_DECISION_DAYS
from queries.metrics import all_metrics

TOPIC_ORDER = ["总览", "预警", "趋势", "风险因子", "帮扶进度", "目标考核"]
HEX_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")  # a configured colour goes into CSS only in this form


def metric_tables(query: str) -> None:
    metrics = all_metrics()
    topics = list(dict.fromkeys([*TOPIC_ORDER, *(m.topic or "其他" for m in metrics)]))
    shown = 0
    for topic in topics:
        rows = [m for m in metrics if (m.topic or "其他") == topic
                and (not query or query in m.name or query in m.definition or query in m.key)]
        if not rows:
            continue
        shown += len(rows)
        st.subheader(f"{topic}（{len(rows)}项）")
        view = pd.DataFrame({"指标": [m.name for m in rows], "单位": [m.unit for m in rows],
                             "口径（计算方法）": [m.definition for m in rows]})
        st.table(view.map(escape_md), hide_index=True)  # st.table renders markdown in its cells
    if not shown:
        st.info(f"没有名称或口径中包含“{escape_md(query)}”的指标。", icon=":material/search:")


def grading_section() -> None:
    st.header("预警分级")
    st.markdown("政策文件只要求“分级别发出预警信号”，未规定具体级别。本系统按以下规则分为三级（可按省、县配置，"
                f"现用规则版本：{escape_md(grading.version())}），按红、橙、黄的顺序，满足某级任一条件即为该级。"
                "“数据质量”页列出台账所填级别与规则不符的未解除预警。")
    texts = grading.level_text()  # from the policy file: an administrator's text, still shown as text
    # a coloured bar beside each rule: CSS for the rule's container; the rule itself is markdown text
    st.markdown("<style>" + "".join(
        f".st-key-level_{level} {{border-left: 10px solid {color}; padding: 6px 14px; margin: 6px 0;}}"
        for level in WARNING_LEVELS if HEX_COLOR.fullmatch(color := theme.level_color(level))) + "</style>",
        unsafe_allow_html=True)
    for level, label in WARNING_LEVELS.items():
        with st.container(key=f"level_{level}"):
            st.markdown(f"**{escape_md(label)}**：{escape_md(texts[level])}")
    st.caption("户级饮水安全核查（农户核查表）目前只用于漏评排查，核对预警级别时不使用；农户情况不满足任何一级条件的线索不作判断。")
    st.markdown(f"线索须在 **{LEAD_DECISION_DAYS}天** 内作出研判（纳入监测或不予纳入并说明理由），"
                "超过即计为“超15天未研判”。预警在台账所填预警解除日期、不予纳入的研判日期、纳入监测户的风险消除日期"
                "三者中最早的一天解除，不再显示，记录保留。")


def metrics_frame() -> pd.DataFrame:
    """Every metric with its topic, unit and definition (the Excel export of this page)."""
    order = {t: i for i, t in enumerate(TOPIC_ORDER)}
    rows = sorted(all_metrics(), key=lambda m: order.get(m.topic or "其他", len(order)))
    return pd.DataFrame({"主题": [m.topic or "其他" for m in rows], "指标": [m.name for m in rows],
                         "单位": [m.unit for m in rows], "口径（计算方法）": [m.definition for m in rows]})


def matching_section(ctx: Context) -> None:
    st.header("风险因子与帮扶措施的对应关系")
    st.markdown("每类风险应至少有一项对应的帮扶措施（应帮尽帮）。存在某类未消除风险、但没有任何对应措施的户，"
                "在“帮扶进度”页计为“风险与措施不匹配”。")
    rows = []
    for t, (label, group) in FACTOR_TYPES.items():
        tools = FACTOR_TOOL_MATCH.get(t, set())
        by_group = {g: [TOOLS[x][0] for x in TOOLS if x in tools and TOOLS[x][1] == g] for g in TOOL_GROUPS}
        text = "任一帮扶措施" if tools == set(TOOLS) else "；".join(
            f"{TOOL_GROUPS[g]}：{'、'.join(names)}" for g, names in by_group.items() if names)
        rows.append((FACTOR_GROUPS[group], label, text or "—"))
    table = pd.DataFrame(rows, columns=["风险分组", "风险类型", "对应的帮扶政策工具"])
    st.table(table.map(escape_md), hide_index=True)
    exports.table_download(table, ctx, "风险因子与帮扶措施的对应关系", key="def_matching", metrics=["factor_tool_gap"])


def body(ctx: Context) -> None:
    st.markdown("本页列出系统中每一个数字的口径。各页面数字旁的问号提示使用同一份说明。"
                "所有数字均按侧栏所选“截至日期”当天的状态统计。")
    query = st.text_input("查找指标", placeholder="输入指标名称或口径中的文字，如“覆盖率”",
                          help="只筛选本页的指标说明表。").strip()
    st.header("指标口径")
    exports.table_download(metrics_frame(), ctx, "指标口径（全部指标）", key="def_metrics")
    metric_tables(query)
    grading_section()
    matching_section(ctx)


run_page("指标说明", body)
