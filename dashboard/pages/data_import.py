"""数据导入 (管理员): the same 台账 loader as `python -m seed.importer`, on uploaded files.
All or nothing: a file with errors writes nothing and the annotated error workbook is offered.
It writes only through MONITOR_IMPORT_URL, a writer connection configured on purpose; the rest of the
dashboard reads through a connection that cannot write. Without it, import is switched off."""

import tempfile
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from dashboard.common import auth, exports, tables
from dashboard.common.page import Context, run_page
from dashboard.common.text import escape_md
from queries.db import database_url, import_url, make_engine, same_database
from seed.importer import import_files
from seed.importer.template import build_template



def template_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return build_template(Path(tmp) / "template.xlsx").read_bytes()


def body(ctx: Context) -> None:
    st.caption("按模板填写的 Excel（.xlsx）或 CSV 台账：先校验每一行，全部无误才在一个事务中写入；有错误时不写入任何数据，"
               "并生成标注了错误单元格的报告。再次导入同一户编号会就地更新。")
    exports.file_download("下载导入模板", template_bytes, ctx, "防返贫监测台账导入模板.xlsx", exports.XLSX_MIME,
                          key="import_template", kind="template", type="secondary", filters={})
    writer = import_url()
    if writer is None:
        st.info("数据导入已关闭：看板读取监测数据库的连接是只读的，导入需要另行配置的写入连接。"
                "如需在此页导入，请由系统管理员设置环境变量 MONITOR_IMPORT_URL（有写入权限的数据库地址和角色，"
                "SQLite 可为同一数据库文件）后重启看板；也可以在服务器上运行 `python -m seed.importer`。",
                icon=":material/lock:")
        return
    try:
        same = same_database(writer, database_url())
    except sa.exc.ArgumentError:
        same = False
    if not same:
        st.error("数据导入已停用：MONITOR_IMPORT_URL 与看板读取的 MONITOR_DB_URL 不是同一个数据库（或地址无效），"
                 "导入的数据不会出现在看板上。请系统管理员核对这两个地址。", icon=":material/error:")
        return
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
        engine = make_engine(writer, read_only=False)  # the one writer in the dashboard, admin only
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
            tables.dataframe(pd.DataFrame([{"表": k, "行数": v} for k, v in result.counts.items()]), hide_index=True)
        else:
            st.error(f"发现 {len(result.errors)} 处错误，未写入任何数据。")
            tables.dataframe(pd.DataFrame([{"位置": e.where, "问题": e.message} for e in result.errors[:500]]),
                             hide_index=True, width="stretch")
            if report.exists():
                report_bytes = report.read_bytes()  # the folder is gone when the report is fetched
                exports.file_download("下载错误报告", lambda: report_bytes, ctx, "导入错误报告.xlsx", exports.XLSX_MIME,
                                      key="import_report", kind="import_report", icon=":material/error:",
                                      type="secondary", filters={})
        for note in result.notices:
            st.caption(escape_md(note))  # names file and column headers as they were typed


run_page("数据导入", body, admin_only=True)
