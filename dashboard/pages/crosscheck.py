"""信息比对: leads by source in the period, days from the event a department reports to its lead, and the
departments that pushed nothing in the period."""

import pandas as pd
import streamlit as st

from dashboard.common import data, exports, fmt, tables
from dashboard.common.page import Context, period_text, run_page
from queries import departments
from queries.metrics import metric


def _days(v) -> str:
    return "—" if pd.isna(v) else fmt.number(v, 1 if v % 1 else 0)


def body(ctx: Context) -> None:
    df = data.query(departments.leads_by_source, ctx.f)
    silent = df[df.department & (df.leads == 0)]
    st.subheader(f"{period_text(ctx.f)}线索来源", help=metric("leads_by_source").definition)
    if len(silent):
        st.warning("本期未推送线索的部门：" + "、".join(silent.source_label) + "。", icon=":material/notifications_off:")
    view = pd.DataFrame({"线索来源": df.source_label, "部门推送": ["是" if d else "" for d in df.department],
                         "本期线索（条）": df.leads, "填了事件发生日期（条）": df.with_event,
                         "事件到推送中位天数": [_days(v) for v in df.median_days],
                         "事件到推送最长天数": [_days(v) for v in df.max_days]})
    st.caption(metric("department_lag_days").definition)
    tables.dataframe(view, hide_index=True, width="stretch")
    exports.table_download(view, ctx, f"{ctx.scope}线索来源与部门推送", key="xc_sources", total=True)


run_page("信息比对", body)
