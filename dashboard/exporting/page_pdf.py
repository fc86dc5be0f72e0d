"""打印本页: a page's charts and tables as one A4-landscape PDF, in the order the page shows them.

No Streamlit here: the page frame collects what a page shows (dashboard/common/printing.py) and hands the
items over. Charts are the very PNGs of "下载图片" (png.figures_png: title, filters, 口径 and source drawn on
them, rendered in one kaleido batch); tables are set in the embedded TrueType CJK font (queries/pdf_fonts.py)
with their title, 口径 and source lines, the header row repeated on every page, and the 合计 row of the Excel
export (xlsx.total_row). Every page has the filters and the as-of stamp in its header, the exporting user and
the page number in its footer. Black-and-white printable: text black or dark grey, the grid in grey.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

import pandas as pd
import plotly.graph_objects as go

from dashboard.exporting import png, xlsx
from dashboard.exporting.meta import ExportMeta, scrub_frame
from queries.pdf_fonts import chinese_paragraph_class, pdf_font

MAX_ROWS = 300                       # a longer table prints its first rows and says where the rest is
CHART_SIZE = png.Size(width=png.WIDTH, scale=1.25)  # 2000 px wide: ~190 dpi across the 27 cm of the page
MARGIN_MM, HEADER_MM, FOOTER_MM = 12, 14, 10


@dataclass(frozen=True)
class Chart:
    fig: go.Figure
    meta: ExportMeta


@dataclass(frozen=True)
class Table:
    frame: pd.DataFrame          # already masked for the viewer (auth.protect), as the Excel export
    meta: ExportMeta
    kinds: dict[str, str] | None = None
    note: str | None = None
    total: bool = False


def cell_text(v, kind: str) -> str:
    """A cell as the Excel export formats it (xlsx.FORMATS), as text."""
    if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return ""
    if kind == "date":
        return pd.Timestamp(v).strftime("%Y-%m-%d") if not isinstance(v, str) else v
    if kind == "text":
        return str(v)
    x = float(v)
    return {"int": f"{x:,.0f}", "num1": f"{x:,.1f}", "num2": f"{x:,.2f}", "pct": f"{x:.1f}%", "pp": f"{x:+.1f}",
            "signed": f"{x:+,.0f}", "signed1": f"{x:+,.1f}", "signed2": f"{x:+,.2f}"}.get(kind, str(v))


def page_pdf(meta: ExportMeta, items: list[Chart | Table]) -> bytes:
    """The PDF: `meta` is the page's (title, filters, as-of stamp, user); `items` what the page showed."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, Image, KeepTogether, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus import TableStyle

    Paragraph = chinese_paragraph_class()
    font = pdf_font()
    page_w, page_h = landscape(A4)
    pad = 12  # the frame's own padding, 6 pt each side
    width = page_w - 2 * MARGIN_MM * mm - pad
    height = page_h - (2 * MARGIN_MM + HEADER_MM + FOOTER_MM) * mm - pad
    title_s = ParagraphStyle("t", fontName=font, fontSize=16, leading=21, spaceAfter=2)
    head_s = ParagraphStyle("h2", fontName=font, fontSize=12, leading=16, spaceBefore=4, spaceAfter=2)
    small = ParagraphStyle("s", fontName=font, fontSize=8.5, leading=11.5, textColor=colors.HexColor("#333333"))
    cell = ParagraphStyle("c", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    number = ParagraphStyle("n", parent=cell, alignment=2)
    head = ParagraphStyle("hc", parent=cell, alignment=1)

    def text(value, style):  # data is escaped: reportlab would read <b>, <img src> in a Paragraph as markup
        return Paragraph(escape(str(value)).replace("\n", "<br/>"), style)

    def chrome(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 8.5)
        canvas.setFillColor(colors.HexColor("#333333"))
        top = page_h - MARGIN_MM * mm - 4 * mm
        canvas.drawString(MARGIN_MM * mm, top, f"{meta.title}　｜　{meta.filters_text}")
        canvas.setStrokeColor(colors.HexColor("#999999"))
        canvas.line(MARGIN_MM * mm, top - 2.5 * mm, page_w - MARGIN_MM * mm, top - 2.5 * mm)
        canvas.drawString(MARGIN_MM * mm, MARGIN_MM * mm - 4 * mm, meta.export_text)
        canvas.drawRightString(page_w - MARGIN_MM * mm, MARGIN_MM * mm - 4 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    charts = [it for it in items if isinstance(it, Chart)]
    images = dict(zip(map(id, charts), png.figures_png([(c.fig, c.meta) for c in charts], CHART_SIZE)))
    story = [text(meta.title, title_s), text(meta.filters_text, small), text(meta.source_text, small),
             Spacer(1, 3 * mm)]
    if not items:
        story.append(text("本页没有可打印的图表或表格。", head_s))
    for it in items:
        if isinstance(it, Chart):
            story.append(_image(Image, images[id(it)], width, height - 24 * mm))  # room for a heading above
            story.append(Spacer(1, 4 * mm))
            continue
        frame = scrub_frame(it.frame.reset_index(drop=True))
        kinds = [(it.kinds or {}).get(c) or xlsx.column_kind(c, frame.iloc[:, j]) for j, c in enumerate(frame.columns)]
        shown = frame.head(MAX_ROWS)
        notes = [*it.meta.notes] + ([it.note] if it.note else [])
        if len(frame) > MAX_ROWS:
            notes.append(f"共 {len(frame):,} 行，此处打印前 {MAX_ROWS} 行；完整数据请下载Excel。")
        rows = [[text(str(c).strip(), head) for c in frame.columns]]
        for rec in shown.itertuples(index=False):
            rows.append([text(cell_text(v, k), cell if k in ("text", "date") else number) for v, k in zip(rec, kinds)])
        sums = xlsx.total_row(frame, kinds) if it.total and len(frame) > 1 else None
        if sums:
            rows.append([text(cell_text(sums[j], k) if j in sums else (xlsx.TOTAL_LABEL if j == 0 else ""),
                              number if j in sums else cell) for j, k in enumerate(kinds)])
        style = [("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#808080")),
                 ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E3E8EF")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                 ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
        if sums:
            style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F2F2F2")))
        table = RLTable(rows, colWidths=_widths(frame, kinds, width), repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle(style))
        story += [CondPageBreak(40 * mm), KeepTogether([text(it.meta.title, head_s),
                                                        *[text(n, small) for n in notes], Spacer(1, 1.5 * mm)]),
                  table, Spacer(1, 5 * mm)]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=MARGIN_MM * mm, rightMargin=MARGIN_MM * mm,
                            topMargin=(MARGIN_MM + HEADER_MM) * mm, bottomMargin=(MARGIN_MM + FOOTER_MM) * mm,
                            title=meta.title, subject=meta.filters_text, author=meta.user or "防返贫动态监测系统",
                            initialFontName=font, lang="zh-CN")
    doc.build(story, onFirstPage=chrome, onLaterPages=chrome)
    return buf.getvalue()


def _image(Image, data: bytes, width: float, height: float):
    """The chart PNG scaled to the page's width, or down to its height when it is taller."""
    img = Image(io.BytesIO(data))
    scale = min(width / img.imageWidth, height / img.imageHeight)
    img.drawWidth, img.drawHeight = img.imageWidth * scale, img.imageHeight * scale
    img.hAlign = "LEFT"
    return img


def _widths(frame: pd.DataFrame, kinds: list[str], width: float) -> list[float]:
    """Column widths in proportion to their content (xlsx.display_width), long texts capped, filling the page."""
    want = []
    for j, c in enumerate(frame.columns):
        sample = [cell_text(v, kinds[j]) for v in frame.iloc[:100, j].tolist()]
        longest = max([xlsx.display_width(str(c).strip()) / 2 + 1, *map(xlsx.display_width, sample)], default=4)
        want.append(min(max(longest, 4), 40))
    total = sum(want)
    return [width * w / total for w in want]
