"""应帮尽帮: the monitored households still owed a measure, and the open factors no measure answers (with the
policy tools that would), by township and village; a row opens 户情. Opened from 帮扶进度's gap counts."""

import pandas as pd
import streamlit as st

from dashboard.common import data, exports, nav, tables
from dashboard.common.page import Context, empty_state, run_page
from queries import screening
from queries.codes import MONITOR_CATEGORIES, label
from queries.metrics import metric

LISTS = {"none": ("无帮扶措施监测户", "no_measure_households"),
         "unmatched": ("风险未匹配帮扶措施", "unmatched_factor_households")}


def _common(df: pd.DataFrame) -> dict:
    return {"户编号": df.code, "户主": df.head_name.fillna("—"), "乡镇": df.township_name, "村": df.village_name,
            "监测类别": [label(MONITOR_CATEGORIES, v) for v in df.monitor_category]}


def views(ctx: Context) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    none = data.query(screening.households_without_measure, ctx.f)
    unmatched = data.query(screening.unmatched_factors, ctx.f)
    return {
        "none": (none, pd.DataFrame(_common(none) | {
            "识别日期": none.identified_date.astype(str), "已监测天数": none.days_monitored,
            "帮扶责任人": none.helper_name.fillna("未落实")})),
        # 应有的政策工具 is withheld from viewers who may not see health facts: the tools tell 因病/因残
        "unmatched": (unmatched, pd.DataFrame(_common(unmatched) | {
            "未匹配的风险": unmatched.factor_type, "风险识别日期": unmatched.factor_identified.astype(str)}
            | ({"应有的政策工具": unmatched.missing_tools} if "missing_tools" in unmatched else {}))),
    }


def body(ctx: Context) -> None:
    shown = views(ctx)
    counts = {"none": len(shown["none"][0]), "unmatched": shown["unmatched"][0].household_id.nunique()}
    names = {k: f"{LISTS[k][0]}（{counts[k]:,}户）" for k in LISTS}
    asked = st.query_params.get("list")   # 帮扶进度's counts open their own list
    tabs = st.tabs(list(names.values()), default=names.get(asked))
    for tab, (key, (name, metric_key)) in zip(tabs, LISTS.items()):
        df, view = shown[key]
        with tab:
            st.caption("口径：" + metric(metric_key).definition + "选中一行打开该户户情。")
            if view.empty:
                empty_state(name)
                continue
            event = tables.dataframe(view, hide_index=True, width="stretch", key=f"owed_{key}", on_select="rerun",
                                     selection_mode="single-row")
            exports.table_download(view, ctx, f"{ctx.scope}{name}", key=f"owed_{key}", kinds={"户编号": "text"})
            rows = event.selection.rows if event else []
            if rows and rows[0] < len(df):
                nav.open_household(ctx.f, ctx.areas, df.code.iloc[rows[0]])


run_page("应帮尽帮", body)
