"""Download buttons for charts (PNG), tables (Excel), the briefing deck (PowerPoint) and any other file.

A button is a link to ``/export/<token>`` (dashboard/security/downloads.py, served by dashboard/server.py):
drawing it only registers the build callable for this login session, so pages never render images or
workbooks on an ordinary run. The file is built when the link is fetched, by that login session only,
and the audit row (user, file name, kind, filters in force) is written there, where the bytes are made —
not in a click handler a client could skip. Tables are masked for the current user with ``auth.protect``
before they are captured, and the builders mask anything that still looks like a full ID or mobile number.
"""

from __future__ import annotations

from typing import Callable, Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.common import auth, printing
from dashboard.exporting import page_pdf, png, xlsx
from dashboard.exporting.meta import ExportMeta
from dashboard.security import downloads
from queries.metrics import basis

PNG_LABEL, XLSX_LABEL = "下载图片", "下载Excel"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
TOKENS = "export_tokens"  # session state: button key -> token, so a rerun keeps each button's URL


def export_meta(ctx, title: str, metrics: Sequence[str] = ()) -> ExportMeta:
    """Title, filters, as-of stamp and the 口径 of `metrics` (queries.metrics keys) of the current view
    (ctx: dashboard.common.page.Context)."""
    from dashboard.common.page import period_text
    u = ctx.user
    who = f"{u.display_name or u.username}（{u.role.label}）" if u is not None else ""
    return ExportMeta(title=title, county=ctx.county, scope=ctx.scope, stamp=ctx.stamp, period=period_text(ctx.f),
                      user=who, basis=basis(*metrics))


def filters_of(ctx) -> dict:
    """The filter as it goes into the audit log."""
    f = ctx.f
    return {"as_of": f.as_of.isoformat(), "period": f.period, "township": f.township, "village": f.village,
            "category": f.category, "scope": ctx.scope}


def _button(label: str, build: Callable[[], bytes], file_name: str, mime: str, key: str, kind: str, ctx,
            icon: str, help: str | None = None, type: str = "tertiary", filters: dict | None = None,
            detail: str | None = None) -> None:
    """Offer `build` to this login session and draw the link button that fetches it."""
    tokens = st.session_state.setdefault(TOKENS, {})
    u = ctx.user
    tokens[key] = downloads.offer(auth.session_id(), u.username, u.role.code, build, file_name, mime, kind,
                                  filters=filters_of(ctx) if filters is None else filters, detail=detail,
                                  token=tokens.get(key))
    st.link_button(label, downloads.url(tokens[key]), key=key, icon=icon, help=help, type=type)


def chart_download(fig: go.Figure, ctx, title: str | None = None, key: str = "chart",
                   size: png.Size = png.Size(), metrics: Sequence[str] = ()) -> None:
    """A "下载图片" button: a high-resolution PNG with title, filters, as-of stamp, the 口径 of `metrics`
    and the source drawn on it."""
    title = title or (fig.layout.title.text or "图表")
    meta = export_meta(ctx, title, metrics)
    # No copy here (18 ms per chart and run): pages do not change a figure after showing it, and
    # png.decorate works on a copy when the button is clicked.
    printing.add(page_pdf.Chart(fig, meta))
    h = png.export_height(fig, size, meta)
    _button(PNG_LABEL, lambda: png.figure_png(fig, meta, size), meta.file_name("png"), "image/png",
            f"dl_png_{key}", "png", ctx, ":material/image:",
            help=f"高清图片（{size.width * size.scale:.0f}×{h * size.scale:.0f}像素），图上注明标题、筛选范围、"
                 "数据截至日期、指标口径和数据来源。")


def table_download(df: pd.DataFrame, ctx, title: str, key: str, kinds: dict[str, str] | None = None,
                   note: str | None = None, metrics: Sequence[str] = (), total: bool = False) -> None:
    """A "下载Excel" button: the table as a formatted workbook, masked for the current user as on screen,
    its title block naming the filters, the 口径 of `metrics` and the source. `total`: the rows are disjoint
    parts of one whole (areas, projects): a 合计 row under the columns that add up (xlsx.total_row)."""
    meta = export_meta(ctx, title, metrics)
    frame = auth.protect(df)
    printing.add(page_pdf.Table(frame, meta, kinds, note, total))
    _button(XLSX_LABEL, lambda: xlsx.table_xlsx(frame, meta, kinds=kinds, note=note, total=total), meta.file_name("xlsx"),
            XLSX_MIME, f"dl_xlsx_{key}", "xlsx", ctx, ":material/table_view:",
            help="Excel 表格：标题行注明筛选范围、数据截至日期、指标口径和数据来源，个人信息按当前角色脱敏。")


def print_only(df: pd.DataFrame, ctx, title: str, metrics: Sequence[str] = ()) -> None:
    """A table the page shows without a download button (a compact first-screen summary) still goes into
    打印本页, masked as an export would be."""
    printing.add(page_pdf.Table(auth.protect(df), export_meta(ctx, title, metrics)))


def file_download(label: str, build: Callable[[], bytes], ctx, file_name: str, mime: str, key: str, kind: str,
                  icon: str = ":material/download:", help: str | None = None, type: str = "primary",
                  filters: dict | None = None, detail: str | None = None) -> None:
    """Any other export (briefing deck, visit packets, import template and report): built by `build` when
    fetched, audited like the others (`filters`: what the audit row records, default the page's filter)."""
    _button(label, build, file_name, mime, key, kind, ctx, icon, help=help, type=type, filters=filters, detail=detail)
