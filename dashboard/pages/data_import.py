"""数据导入 (管理员): the same 台账 loader as `python -m seed.importer`, on uploaded files.
All or nothing: a file with errors writes nothing and the annotated error workbook is offered."""

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.common import auth
from dashboard.common.page import Context, run_page
from dashboard.common.text import escape_md
from queries.db import database_url, make_engine
from seed.importer import import_files
from seed.importer.template import build_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return build_template(Path(tmp) / "template.xlsx").read_bytes()


def body(ctx: Context) -> None:
    st.caption("按模板填写的 Excel（.xlsx）或 CSV 台账：先校验每一行，全部无误才在一个事务中写入；有错误时不写入任何数据，"
               "并生成标注了错误单元格的报告。再次导入同一户编号会就地更新。")
    st.download_button("下载导入模板", data=template_bytes, file_name="防返贫监测台账导入模板.xlsx", mime=XLSX,
                       icon=":material/download:", on_click=auth.audit, args=("export",),
                       kwargs={"target": "导入模板", "detail": "template"})
    files = st.file_uploader("选择台账文件（可多选）", type=["xlsx", "csv"], accept_multiple_files=True)
    check_only = st.checkbox("只校验，不写入", value=False)
    if not files or not st.button("开始导入", type="primary", icon=":material/upload:"):
        return
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for f in files:
            p = Path(tmp) / Path(f.name).name  # never trust a client path
            p.write_bytes(f.getvalue())
            paths.append(p)
        report = Path(tmp) / "错误报告.xlsx"
        engine = make_engine(database_url(), read_only=False)  # the one writer in the dashboard, admin only
        try:
            with st.spinner("正在校验并导入……"):
                result = import_files(paths, engine, report=report, check_only=check_only)
        finally:
            engine.dispose()
        auth.audit("import", target="、".join(f.name for f in files)[:200],
                   detail=f"{'校验' if check_only else '导入'}{'成功' if result.ok else '失败'}；错误 {len(result.errors)} 处")
        if result.ok:
            st.cache_data.clear()  # the numbers changed
            st.success(f"{'校验通过' if check_only else '导入完成'}，用时 {result.seconds:.1f} 秒。")
            st.dataframe(pd.DataFrame([{"表": k, "行数": v} for k, v in result.counts.items()]), hide_index=True)
        else:
            st.error(f"发现 {len(result.errors)} 处错误，未写入任何数据。")
            st.dataframe(pd.DataFrame([{"位置": e.where, "问题": e.message} for e in result.errors[:500]]),
                         hide_index=True, width="stretch")
            if report.exists():
                st.download_button("下载错误报告", data=report.read_bytes(), file_name="导入错误报告.xlsx", mime=XLSX,
                                   icon=":material/error:")
        for note in result.notices:
            st.caption(escape_md(note))  # names file and column headers as they were typed


run_page("数据导入", body, admin_only=True)
