"""打印本页: one button in the page frame (dashboard/common/page.py) for every page.

A page's content is described once, by the page itself: every chart shown with ``theme.show`` and every
table offered with ``exports.table_download`` registers here as it is drawn (the chart with its export
title and 口径, the table masked for the viewer as the Excel file is). After the page's body has run, the
frame offers the collected items as one A4-landscape PDF (dashboard/exporting/page_pdf.py), built when the
link is fetched and audited there like every export (dashboard/security/downloads.py).
"""

from __future__ import annotations

import streamlit as st

from dashboard.exporting import page_pdf

ITEMS = "print_items"   # session state: what this run of the page has shown, in order
LABEL = "打印本页"


def start() -> None:
    """A page run begins: nothing collected yet."""
    st.session_state[ITEMS] = []


def add(item: page_pdf.Chart | page_pdf.Table) -> None:
    """Called by theme.show / exports.table_download; outside a page frame (no start) nothing is kept."""
    items = st.session_state.get(ITEMS)
    if items is not None:
        items.append(item)


def offer(ctx, title: str) -> None:
    """The 打印本页 button for what the page showed in this run (drawn where the caller's container is)."""
    from dashboard.common import exports  # exports needs auth, auth needs data: not at import time

    items = list(st.session_state.get(ITEMS) or [])
    meta = exports.export_meta(ctx, title)
    exports.file_download(LABEL, lambda: page_pdf.page_pdf(meta, items), ctx, meta.file_name("pdf"),
                          "application/pdf", key="print_page", kind="pdf", icon=":material/print:",
                          type="secondary", detail="打印本页",
                          help=f"本页的 {len(items)} 个图表和表格，连同筛选范围、数据截至日期和指标口径，生成 A4 横向 PDF"
                               "（不含侧栏）；点击后生成，个人信息按当前角色脱敏，下载记录写入审计日志。")
