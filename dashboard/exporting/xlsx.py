"""A table as a formatted Excel workbook (xlsxwriter).

Layout: row 1 the table's title, row 2 the filters and the as-of date, row 3 the 口径 and the source,
row 4 who exported it and when, row 5 the Chinese column headers (frozen, with an autofilter), then the data. Numbers keep
their type; columns get number, percentage, percentage-point or date formats and widths that fit.
"""

from __future__ import annotations

import io
import math
import unicodedata
from datetime import date, datetime

import numpy as np
import pandas as pd
import xlsxwriter

from dashboard.exporting.meta import ExportMeta, scrub_frame
from queries import spreadsheet

HEADER_ROW = 4  # 0-based: rows 0-3 are the title block
FONT = "Microsoft YaHei"
# column kinds and their Excel number formats
FORMATS = {
    "int": "#,##0",
    "num1": "#,##0.0",
    "num2": "#,##0.00",
    "pct": "0.0%",        # values are given in percent (93.2) and written as fractions (0.932)
    "pp": "+0.0;-0.0;0.0",  # a change in percentage points
    "signed": "+#,##0;-#,##0;0",
    "signed1": "+#,##0.0;-#,##0.0;0.0",
    "signed2": "+#,##0.00;-#,##0.00;0.00",
    "date": "yyyy-mm-dd",
    "text": "@",
}
PCT_WORDS = ("率", "占比", "比例", "进度")
# 合计 — the one rule for every total row (Excel exports and the page print): only in tables whose rows are
# disjoint parts of one whole (areas, projects, units: the caller says so with total=True), and only under
# columns that add up: counts and amounts (kinds int/num1/num2) whose header names no rate, share, rank,
# average, median, per-100 value or number of days. Percentages, changes and texts get no total.
ADDITIVE_KINDS = ("int", "num1", "num2")
NOT_ADDITIVE = (*PCT_WORDS, "%", "名次", "排名", "每百户", "平均", "中位数", "人均", "（天）", "(天)", "天数", "年龄",
                "序号", "得分")
TOTAL_LABEL = "合计"


def total_row(df: pd.DataFrame, kinds: list[str]) -> dict[int, float] | None:
    """Column position -> total for the columns the 合计 rule sums; None when no column adds up."""
    sums = {}
    for j, (name, kind) in enumerate(zip(df.columns, kinds)):
        if kind in ADDITIVE_KINDS and not any(w in str(name) for w in NOT_ADDITIVE):
            values = pd.to_numeric(df.iloc[:, j], errors="coerce")
            sums[j] = float(values.sum()) if values.notna().any() else None
    return {j: v for j, v in sums.items() if v is not None} or None


def column_kind(name: str, s: pd.Series) -> str:
    """Guess a column's format from its header and values; pages can override per column."""
    name = str(name)
    if pd.api.types.is_datetime64_any_dtype(s) or (s.dtype == object and len(s.dropna())
                                                   and all(isinstance(v, (date, datetime)) for v in s.dropna())):
        return "date"
    if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return "text"
    if "百分点" in name:
        return "pp"
    if name.rstrip().endswith("%") or any(w in name for w in PCT_WORDS):
        return "pct"
    values = s.dropna().astype(float)
    if "较上" in name or "变化" in name:
        return "signed" if (values == values.round()).all() else "signed1"
    if pd.api.types.is_integer_dtype(s) or (values == values.round()).all():
        return "int"
    return "num2" if ((values * 10 - (values * 10).round()).abs() > 1e-6).any() else "num1"


def display_width(text: str) -> int:
    """Width in Excel character units: East Asian characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell_text(v, kind: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if kind == "pct":
        return f"{float(v):.1f}%"
    if kind in ("int", "signed"):
        return f"{float(v):+,.0f}" if kind == "signed" else f"{float(v):,.0f}"
    if kind in ("num1", "num2", "pp", "signed1", "signed2"):
        return f"{float(v):,.2f}"
    if kind == "date":
        return "2026-01-01"
    return str(v)


def _value(v, kind: str):
    """What goes into the cell: None for missing, fractions for percentages, plain Python types."""
    if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if kind == "pct":
        return round(float(v) / 100, 8)
    if kind == "date":
        if isinstance(v, pd.Timestamp):
            return v.to_pydatetime()
        if isinstance(v, date) and not isinstance(v, datetime):
            return datetime(v.year, v.month, v.day)
        return v
    if kind == "text":
        return str(v)
    return v


def write_sheet(wb: xlsxwriter.Workbook, df: pd.DataFrame, meta: ExportMeta, sheet: str = "数据",
                kinds: dict[str, str] | None = None, note: str | None = None, total: bool = False) -> None:
    df = scrub_frame(df.reset_index(drop=True))
    ws = wb.add_worksheet(sheet[:31])
    base = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}
    title_f = wb.add_format({**base, "bold": True, "font_size": 16})
    info_f = wb.add_format({**base, "font_color": "#333333"})
    small_f = wb.add_format({**base, "font_color": "#808080", "font_size": 9})
    notes_f = wb.add_format({**base, "font_color": "#333333", "font_size": 10, "text_wrap": True, "valign": "top"})
    head_f = wb.add_format({**base, "bold": True, "bg_color": "#1F5FA8", "font_color": "white", "border": 1,
                            "border_color": "#BFBFBF", "text_wrap": True, "align": "center"})
    kinds = [(kinds or {}).get(c) or column_kind(c, df.iloc[:, j]) for j, c in enumerate(df.columns)]
    cell_f = {k: wb.add_format({**base, "num_format": f, "border": 1, "border_color": "#D9D9D9"})
              for k, f in FORMATS.items()}
    # text that Excel would take for a formula when re-entered keeps a quote prefix (stays text on edit)
    quoted_f = wb.add_format({**base, "num_format": "@", "border": 1, "border_color": "#D9D9D9", "quote_prefix": True})
    ncols = max(len(df.columns), 1)

    def text(row: int, col: int, value: str, fmt) -> None:
        ws.write_string(row, col, value, quoted_f if spreadsheet.formula_like(value) else fmt)

    def banner(row: int, value: str, fmt) -> None:
        if ncols > 1:
            ws.merge_range(row, 0, row, ncols - 1, "", fmt)  # merge_range's own write would guess the type
        text(row, 0, value, fmt)

    banner(0, meta.title, title_f)
    banner(1, meta.filters_text, info_f)
    banner(2, "　｜　".join(meta.notes), notes_f)
    banner(3, meta.export_text + (f"　｜　{note}" if note else ""), small_f)
    ws.set_row(0, 28)
    ws.set_row(1, 20)
    ws.set_row(HEADER_ROW, 32)
    widths = []
    for j, col in enumerate(df.columns):
        text(HEADER_ROW, j, str(col).strip(), head_f)
        kind = kinds[j]
        for i, v in enumerate(df.iloc[:, j].tolist()):
            value = _value(v, kind)
            row = HEADER_ROW + 1 + i
            if value is None:
                ws.write_blank(row, j, None, cell_f[kind])
            elif kind == "text":
                text(row, j, value, cell_f[kind])
            elif kind == "date":
                ws.write_datetime(row, j, value, cell_f[kind]) if isinstance(value, datetime) else \
                    text(row, j, str(value), cell_f["text"])
            else:
                ws.write_number(row, j, value, cell_f[kind])
        sample = [_cell_text(v, kind) for v in df.iloc[:200, j].tolist()]
        width = max([display_width(str(col).strip()), *map(display_width, sample)], default=8)
        widths.append(min(max(width + 2, 8), 60))
        ws.set_column(j, j, widths[-1])
    sums = total_row(df, kinds) if total and len(df) > 1 else None
    if sums:
        _write_total(wb, ws, base, df, kinds, sums, cell_f)
    lines = math.ceil(display_width("　｜　".join(meta.notes)) / max(sum(widths), 60))  # the merged row wraps
    ws.set_row(2, 14 * lines + 4)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    if len(df.columns):
        ws.autofilter(HEADER_ROW, 0, HEADER_ROW + max(len(df), 1), len(df.columns) - 1)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)
    ws.set_header(f"&L&\"{FONT}\"{meta.title}&R&\"{FONT}\"{meta.stamp}")
    ws.set_footer("&C第 &P 页，共 &N 页")


def _write_total(wb, ws, base: dict, df: pd.DataFrame, kinds: list[str], sums: dict[int, float], cell_f) -> None:
    """The 合计 row under the data: SUBTOTAL formulas (they follow the autofilter), the sums as cached values."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    row, first, last = HEADER_ROW + 1 + len(df), HEADER_ROW + 1, HEADER_ROW + len(df)
    bold = {k: wb.add_format({**base, "num_format": f, "bold": True, "border": 1, "border_color": "#D9D9D9",
                              "bg_color": "#F2F2F2"}) for k, f in FORMATS.items()}
    for j, kind in enumerate(kinds):
        if j in sums:
            cells = f"{xl_rowcol_to_cell(first, j)}:{xl_rowcol_to_cell(last, j)}"
            ws.write_formula(row, j, f"=SUBTOTAL(109,{cells})", bold[kind], sums[j])
        else:
            ws.write_string(row, j, TOTAL_LABEL if j == 0 else "",
                            bold["text"])


def table_xlsx(df: pd.DataFrame, meta: ExportMeta, kinds: dict[str, str] | None = None,
               sheet: str = "数据", note: str | None = None, total: bool = False) -> bytes:
    """One table as an .xlsx file (bytes); `total`: a 合计 row by the rule above (rows are disjoint parts)."""
    buf = io.BytesIO()
    with xlsxwriter.Workbook(buf, {"in_memory": True, "nan_inf_to_errors": True, **spreadsheet.XLSXWRITER_OPTIONS}) as wb:
        write_sheet(wb, df, meta, sheet, kinds, note, total)
        _properties(wb, meta)
    return buf.getvalue()


def workbook_xlsx(sheets: list[tuple]) -> bytes:
    """Several tables, one sheet each: (sheet name, frame, meta[, kinds[, note]])."""
    buf = io.BytesIO()
    with xlsxwriter.Workbook(buf, {"in_memory": True, "nan_inf_to_errors": True, **spreadsheet.XLSXWRITER_OPTIONS}) as wb:
        for spec in sheets:
            name, df, meta, kinds, note = (*spec, None, None)[:5]
            write_sheet(wb, df, meta, name, kinds, note)
        _properties(wb, sheets[0][2])
    return buf.getvalue()


def _properties(wb: xlsxwriter.Workbook, meta: ExportMeta) -> None:
    wb.set_properties({"title": meta.title, "subject": meta.filters_text, "author": meta.user or "",
                       "company": "防返贫动态监测系统"})
