"""The printable 漏评排查 visit list (走访名单): the households most likely to be 漏评 in an area, with their
score and reasons and blank columns for what the visit finds, as an A4 landscape PDF in the embedded CJK font
(queries/pdf_fonts.py, like the visit packet). No Streamlit: tests call it directly.

The rows come already masked for the exporting viewer (dashboard/common/data.py); the list carries no ID
number or phone column at all, so nothing more than the name can be on it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

import pandas as pd

from queries.pdf_fonts import chinese_paragraph_class, pdf_font

COLUMNS = {  # header -> width (mm, 273 in all); the last two are left blank for the visit. A 16-digit 户编号 and
    # "从未纳入监测" each fit on one line (a code split over two lines is misread when it is typed back)
    "序号": 9, "户编号": 31, "户主": 15, "乡镇": 18, "村": 20, "户类型": 16, "状态": 23, "得分": 10,
    "排查原因": 75, "核实结果": 38, "是否纳入监测": 18,
}
BLANK = ("核实结果", "是否纳入监测")


@dataclass(frozen=True)
class VisitListInfo:
    title: str          # e.g. 甲镇 甲村漏评排查走访名单（前20户）
    stamp: str          # 数据截至 …
    scope: str
    rule: str           # how the list is drawn and ranked (the 口径)
    score_rule: str
    exported_by: str = ""


def build_pdf(view: pd.DataFrame, info: VisitListInfo) -> bytes:
    """`view`: the list with the headers of COLUMNS (the blank ones may be absent), in rank order."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    Paragraph = chinese_paragraph_class()
    font = pdf_font()

    def text(value, style):
        # reportlab reads markup in a Paragraph: data is escaped so it shows as the characters it holds
        return Paragraph(escape("" if value is None or (isinstance(value, float) and value != value)
                                else str(value)), style)

    title = ParagraphStyle("t", fontName=font, fontSize=15, leading=20, spaceAfter=4)
    small = ParagraphStyle("s", fontName=font, fontSize=8.5, leading=11.5)
    cell = ParagraphStyle("c", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    head = ParagraphStyle("h", parent=cell, alignment=1)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=14 * mm, title=info.title,
                            author=info.exported_by or "防返贫动态监测", subject=info.stamp,
                            initialFontName=font, lang="zh-CN")

    def footer(canvas, doc_):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawString(12 * mm, 7 * mm, f"{info.scope} · {info.stamp} · 个人信息按导出人权限脱敏")
        canvas.drawRightString(landscape(A4)[0] - 12 * mm, 7 * mm, f"第 {doc_.page} 页")
        canvas.restoreState()

    rows = [[text(h, head) for h in COLUMNS]]
    for rec in view.to_dict("records"):
        rows.append([text("" if h in BLANK else rec.get(h, ""), cell) for h in COLUMNS])
    table = Table(rows, colWidths=[w * mm for w in COLUMNS.values()], repeatRows=1)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 1), (-1, -1), 8)]))
    story = [text(info.title, title), text(f"{info.stamp}　范围：{info.scope}　共 {len(view)} 户", small),
             text("排查口径：" + info.rule, small), text(info.score_rule, small), Spacer(1, 3 * mm), table,
             Spacer(1, 5 * mm), text("走访人（签字）：＿＿＿＿＿＿＿＿　　走访日期：＿＿＿＿年＿＿月＿＿日", small)]
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()
