"""Download buttons for charts (PNG), tables (Excel) and the briefing deck (PowerPoint).

Files are built only when the button is clicked (``st.download_button(data=callable)``: the callable
runs on a worker thread when the browser asks for the file), so pages never render images or
workbooks on an ordinary run. Every click is written to the audit log with the filters in force
(``on_click`` runs ``auth.audit`` in the script thread). Tables are masked for the current user with
``auth.protect`` before they are captured, and the builders mask anything that still looks like a full
ID or mobile number.
"""

from __future__ import annotations

from typing import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.common import auth
from dashboard.exporting import png, xlsx
from dashboard.exporting.meta import ExportMeta

PNG_LABEL, XLSX_LABEL = "下载图片", "下载Excel"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def export_meta(ctx, title: str) -> ExportMeta:
    """Title, filters and as-of stamp of the current view (ctx: dashboard.common.page.Context)."""
    from dashboard.common.page import period_text
    u = ctx.user
    who = f"{u.display_name or u.username}（{u.role.label}）" if u is not None else ""
    return ExportMeta(title=title, county=ctx.county, scope=ctx.scope, stamp=ctx.stamp, period=period_text(ctx.f),
                      user=who)


def filters_of(ctx) -> dict:
    """The filter as it goes into the audit log."""
    f = ctx.f
    return {"as_of": f.as_of.isoformat(), "period": f.period, "township": f.township, "village": f.village,
            "category": f.category, "scope": ctx.scope}


def _log_export(kind: str, file_name: str, filters: dict) -> None:
    auth.audit("export", target=file_name, filters=filters, detail=kind)


def _button(label: str, build: Callable[[], bytes], file_name: str, mime: str, key: str, kind: str, ctx,
            icon: str, help: str | None = None, type: str = "tertiary", **kwargs) -> bool:
    return st.download_button(label, data=build, file_name=file_name, mime=mime, key=key, icon=icon, help=help,
                              type=type, on_click=_log_export, args=(kind, file_name, filters_of(ctx)), **kwargs)


def chart_download(fig: go.Figure, ctx, title: str | None = None, key: str = "chart",
                   size: png.Size = png.Size()) -> bool:
    """A "下载图片" button: a high-resolution PNG with title, filters and as-of stamp drawn on it."""
    title = title or (fig.layout.title.text or "图表")
    meta = export_meta(ctx, title)
    # No copy here (18 ms per chart and run): pages do not change a figure after showing it, and
    # png.decorate works on a copy when the button is clicked.
    h = png.export_height(fig, size)
    return _button(PNG_LABEL, lambda: png.figure_png(fig, meta, size), meta.file_name("png"), "image/png",
                   f"dl_png_{key}", "png", ctx, ":material/image:",
                   help=f"高清图片（{size.width * size.scale:.0f}×{h * size.scale:.0f}像素），图上注明标题、筛选范围和数据截至日期。")


def table_download(df: pd.DataFrame, ctx, title: str, key: str, kinds: dict[str, str] | None = None,
                   note: str | None = None) -> bool:
    """A "下载Excel" button: the table as a formatted workbook, masked for the current user as on screen."""
    meta = export_meta(ctx, title)
    frame = auth.protect(df)
    return _button(XLSX_LABEL, lambda: xlsx.table_xlsx(frame, meta, kinds=kinds, note=note), meta.file_name("xlsx"),
                   XLSX_MIME, f"dl_xlsx_{key}", "xlsx", ctx, ":material/table_view:",
                   help="Excel 表格：标题行注明筛选范围和数据截至日期，个人信息按当前角色脱敏。")


def file_download(label: str, build: Callable[[], bytes], ctx, meta: ExportMeta, ext: str, mime: str, key: str,
                  kind: str, icon: str = ":material/download:", help: str | None = None,
                  type: str = "primary") -> bool:
    """Any other export (the briefing deck): built by `build` when clicked, audited like the others."""
    return _button(label, build, meta.file_name(ext), mime, key, kind, ctx, icon, help=help, type=type)
