"""失信名单: the county's 失信 records (000 附件7, 附件9 二(七)) with the figures from queries/integrity.py and
their 口径 beside them. County and township users (own township only, through data.query) and administrators
and inspection groups (names and the kind of behaviour masked by the pipeline: they check that 失信 is handled,
not who did what). A county that imported no 失信记录 sheet is
told so instead of shown zeros. Every value from the data is shown as text in tables."""

import pandas as pd
import streamlit as st

from dashboard.common import data, exports, tables
from dashboard.common.page import Context, empty_state, run_page
from queries import integrity
from queries.metrics import metric

TITLE = "失信名单"
NOT_IMPORTED = "未导入诚信记录。请在导入模板的「失信记录」工作表中填写后由管理员导入。"


def _date(v) -> str:
    return "—" if v is None or pd.isna(v) else str(v)[:10]


def _text(v) -> str:
    return "—" if v is None or (not isinstance(v, str) and pd.isna(v)) or v == "" else str(v)


def body(ctx: Context) -> None:
    if not data.query(integrity.integrity_imported):
        st.info(NOT_IMPORTED, icon=":material/upload_file:")
        return
    s = data.query(integrity.dishonesty_summary, ctx.f).iloc[0]
    keys = ["dishonesty_households", "dishonesty_in_force", "dishonesty_repaired"]
    for col, key in zip(st.columns(len(keys)), keys):
        m = metric(key)
        col.metric(m.name, f"{int(s[key])}{m.unit}", help=m.definition, border=True)
    in_force_only = st.toggle("仅显示惩戒中", value=False, key="integrity_in_force_only",
                              help=metric("dishonesty_in_force").definition)
    df = data.query(integrity.dishonesty_list, ctx.f, in_force_only)
    if df.empty:
        empty_state("惩戒中的失信记录" if in_force_only else "失信记录")
        return
    view = pd.DataFrame({
        "户编号": df.code.map(_text), "户主": df.head_name.map(_text), "乡镇": df.township_name.map(_text),
        "村": df.village_name.map(_text), "失信情形": df.kind_name.map(_text), "认定日期": df.recorded_date.map(_date),
        "惩戒措施": df.effect_name.map(_text), "认定单位": df.unit.map(_text),
        "状态": df.in_force.map(lambda v: "惩戒中" if v else "已信用修复"),
        "信用修复日期": df.repaired_date.map(_date), "修复审批单位": df.repair_unit.map(_text),
        "仍在监测": df.monitored.map(lambda v: "是" if v else "否"), "备注": df.note.map(_text)})
    tables.dataframe(view, hide_index=True, width="stretch")
    exports.table_download(view, ctx, TITLE, key="integrity_list", metrics=keys)
    st.caption("口径：惩戒中指认定日期不晚于截至日期、截至日期时尚未信用修复；信用修复日期晚于截至日期的按未修复计。")


run_page(TITLE, body)
