"""漏评排查: households not in monitoring that meet a screening criterion, by township and village, ranked with
their likelihood score and reasons; a row opens 户情; the list downloads as a masked visit list. For inspection
teams and townships.

Printing the 20 most likely households of a village takes three clicks from the county view: a township's row,
a village's row (each drills down through the URL), then 打印走访名单 (a PDF in the embedded font)."""

import pandas as pd
import streamlit as st

from dashboard.common import data, exports, nav, tables
from dashboard.common.page import Context, empty_state, run_page
from dashboard.common.text import escape_md
from queries import screening, visit_list
from queries.codes import HOUSEHOLD_TYPES, label
from queries.metrics import metric

STATUS = {"never": "从未纳入监测", "eliminated": "已风险消除"}
TOP_CHOICES = (20, 50, 100, 500)
PRINTED = 20   # households on the printed visit list
PDF_MIME = "application/pdf"
CRITERIA_ROW_HEIGHT = 66  # px: above 64 px Streamlit wraps a cell's text


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


def area_columns(where: str, crit: list) -> dict:
    """The area table fits a laptop (1366 px wide, sidebar open) without sideways scrolling: each criterion's
    column is headed by its short name, with the full name and the 口径 in the header's tooltip."""
    return {where: st.column_config.TextColumn(where, pinned=True, width=72),
            "不在监测户数": st.column_config.NumberColumn("未监测户", width=70, help="截至日期不在监测中的农户数。"),
            "疑似漏评户": st.column_config.NumberColumn("疑似漏评", width=70, help=metric("screening_candidates").definition)} | {
        c.name: st.column_config.NumberColumn(c.short, width=58 if len(c.short) <= 3 else 70,
                                              help=f"{c.name}：{c.definition}")
        for c in crit}


def area_table(ctx: Context) -> None:
    """Townships (county view) or villages (township view), most candidates first; a row drills down."""
    if ctx.f.village:
        return
    by, where = ("village", "村") if ctx.f.township else ("township", "乡镇")
    df = data.query(screening.screening_by_area, ctx.f, by)
    df = df.assign(candidates=df.candidates.astype(int)).sort_values(["candidates", "code"], ascending=[False, True],
                                                                    kind="stable").reset_index(drop=True)
    crit = screening.criteria()
    view = pd.DataFrame({where: df.name, "不在监测户数": df.not_monitored.astype(int), "疑似漏评户": df.candidates}
                        | {c.name: df[c.key].astype(int) for c in crit})
    st.subheader(f"各{where}疑似漏评户", help=metric("screening_candidates").definition)
    st.caption(f"选中一行进入该{where}（到村后可打印该村走访名单）。一户可同时满足多项条件，各条件户数之和可大于疑似漏评户数。"
               "条件列用简称，鼠标移到列名上看条件全称和口径（对照见上方“排查条件和阈值”）；下载的表格用全称。")
    event = tables.dataframe(view, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                             key=f"scr_areas_{by}_{ctx.f.township or ''}", column_config=area_columns(where, crit))
    exports.table_download(view, ctx, f"{ctx.scope}各{where}疑似漏评户", key="scr_areas", metrics=["screening_candidates"],
                           total=True)
    rows = event.selection.rows if event else []
    if rows and rows[0] < len(df):
        code = df.code.iloc[rows[0]]
        nav.show_area(ctx.f, ctx.areas, *((ctx.f.township, code) if by == "village" else (code, None)))


def list_view(df: pd.DataFrame) -> pd.DataFrame:
    """The visit list as shown and printed: score, and every reason the viewer may read in one column."""
    return pd.DataFrame({"序号": df["rank"], "户编号": df.code, "户主": df.head_name.fillna("—"),
                         "乡镇": df.township_name, "村": df.village_name,
                         "户类型": [label(HOUSEHOLD_TYPES, v) for v in df.hh_type],
                         "状态": [STATUS.get(v, "—") for v in df.status], "得分": df.score.astype(int),
                         "排查原因": [screening.visit_reasons(r) for r in df.to_dict("records")]})


def print_buttons(ctx: Context, df: pd.DataFrame) -> None:
    """打印走访名单: the PDF (and the same list in Excel) of the PRINTED most likely households in view."""
    top = list_view(df.head(PRINTED))
    title = f"{ctx.scope}漏评排查走访名单（前{len(top)}户）"
    meta = exports.export_meta(ctx, title)
    info = visit_list.VisitListInfo(title=title, stamp=ctx.stamp, scope=ctx.scope, rule=screening.SCREENING_RULE,
                                    score_rule=screening.score_rule(), exported_by=meta.user)
    with st.container(horizontal=True, gap="small"):
        exports.file_download("打印走访名单", lambda: visit_list.build_pdf(top, info), ctx, meta.file_name("pdf"),
                              PDF_MIME, key="scr_print_pdf", kind="pdf", icon=":material/print:",
                              help=f"可能性得分最高的{len(top)}户，附排查原因和核实栏，A4横向PDF；个人信息按当前角色脱敏。",
                              detail=f"{len(top)}户")
        exports.table_download(top, ctx, title, key="scr_print", kinds={"户编号": "text"},
                               note=screening.SCREENING_RULE, metrics=["screening_candidates", "screening_score"])


def ranked_list(ctx: Context) -> None:
    st.subheader("排查名单（按可能性排序）", help=screening.SCREENING_RULE + screening.score_rule())
    df = data.query(screening.screening_list, ctx.f)
    if df.empty:
        empty_state("满足排查条件的未监测农户")
        return
    print_buttons(ctx, df)
    top = st.segmented_control("显示前", TOP_CHOICES, default=TOP_CHOICES[0], format_func=lambda n: f"{n}户",
                               key="scr_top") or TOP_CHOICES[0]
    df = df.head(top)
    view = list_view(df)   # health reasons only for viewers whose rows hold them (the pipeline drops them)
    st.caption(f"共列出 {len(view):,} 户。{metric('screening_score').definition}选中一行打开该户户情；"
               "下载和打印的走访名单按当前角色脱敏。")
    event = tables.dataframe(view, hide_index=True, width="stretch", key=f"scr_list_{top}", on_select="rerun",
                             selection_mode="single-row", column_config={"户编号": st.column_config.TextColumn(pinned=True)})
    exports.table_download(view, ctx, f"{ctx.scope}漏评排查走访名单", key="scr_list", kinds={"户编号": "text"},
                           note=screening.SCREENING_RULE)
    rows = event.selection.rows if event else []
    if rows and rows[0] < len(df):
        nav.open_household(ctx.f, ctx.areas, df.code.iloc[rows[0]])


def criteria_help() -> None:
    with st.expander("排查条件和阈值（口径）"):
        st.markdown(escape_md(screening.SCREENING_RULE))
        crit = screening.criteria()
        # the 口径 wrap in rows tall enough for three lines (Streamlit wraps text above 64 px), nothing cut off
        tables.dataframe(pd.DataFrame({"条件": [c.name for c in crit], "简称": [c.short for c in crit],
                                       "口径": [c.definition for c in crit], "分值": [c.weight for c in crit]}),
                         hide_index=True, width="stretch", row_height=CRITERIA_ROW_HEIGHT,
                         height=CRITERIA_ROW_HEIGHT * len(crit) + 38, key="scr_criteria",
                         column_config={"条件": st.column_config.TextColumn("条件", width=150),
                                        "简称": st.column_config.TextColumn("简称", width=72,
                                                                          help="“各乡镇（村）疑似漏评户”表中的列名。"),
                                        "口径": st.column_config.TextColumn("口径", width=520),
                                        "分值": st.column_config.NumberColumn("分值", width=52,
                                                                          help="满足该条件计入可能性得分的分数。")})
        st.caption("阈值在政策参数文件 config/policy.toml 的 [screening] 中设定，分值在 [screening.weights] 中设定。")


def body(ctx: Context) -> None:
    criteria_help()
    if not missing_facts(ctx):
        return
    area_table(ctx)
    ranked_list(ctx)


run_page("漏评排查", body)
