"""Visit packets (入户核查表) for an inspection sample: an Excel workbook (a cover sheet, one sheet per
village, then the 整改问题 form) and a printable PDF of the same, with blank checklist columns for 两不愁三保障
and drinking water. Pure functions of DataFrames, no Streamlit: tests call them directly.

The 整改问题 sheet is the import template's sheet of that name (seed/importer/spec.py): the team writes the
problems it finds into rows that already carry a 问题编号 and the village, and the administrator imports the
workbook as it comes back; rows left blank are skipped (tests/test_packet_findings.py: the round trip).

ID numbers and phones are ALWAYS masked here (at least the "masked" level, by the marks the registry holds for
queries.inspection.packet_rows), whatever the caller passed in and whatever the exporting user's role: a
packet is printed and carried around. The dashboard passes rows its pipeline already masked for the viewer
(for an inspector also names and 因病/因残); masking again keeps that.
"""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from queries.codes import FINDING_CATEGORIES, FINDING_STATUSES, HOUSEHOLD_TYPES, MONITOR_CATEGORIES
from queries import spreadsheet
from queries.inspection import STATUS, STRATA, packet_rows
from queries.pdf_fonts import chinese_paragraph_class, pdf_font
from queries.privacy import mask
from queries.registry import spec

CHECKLIST = ["不愁吃", "不愁穿", "义务教育", "基本医疗", "住房安全", "饮水安全", "备注"]
INFO_COLUMNS = {  # packet column -> header
    "seq": "序号", "household_code": "户编号", "head_name": "户主", "id_number": "户主身份证号（脱敏）",
    "category": "类别/状态", "helper_name": "帮扶责任人", "open_factors": "未消除风险", "measures": "帮扶措施",
    "last_visit": "最近走访",
}
# the importer's 整改问题 headers (seed/importer/spec.py), with the width and kind of each; 村名称 is for
# the team's eyes only (the importer ignores it)
FINDINGS_SHEET = "整改问题"
FINDINGS_COLUMNS = [("问题编号", 30, "text"), ("行政村区划代码", 16, "text"), ("村名称", 18, "text"),
                    ("巡查日期", 12, "date"), ("巡查组", 16, "text"), ("户编号", 19, "text"),
                    ("问题类别", 16, "category"), ("整改责任单位", 18, "text"), ("整改时限", 12, "date"),
                    ("整改状态", 10, "status"), ("整改完成日期", 12, "date"), ("问题描述及整改佐证", 40, "text")]
FORM_ROWS = 5   # blank problem rows per village


@dataclass(frozen=True)
class PacketInfo:
    county: str
    as_of: date
    seed: int
    per_village: int
    minimum: int
    strata: pd.DataFrame = field(default_factory=pd.DataFrame)   # queries.inspection.draw_sample strata
    village_names: dict = field(default_factory=dict)            # village code -> "乡镇 村"
    exported_by: str = ""
    exported_at: datetime | None = None

    @property
    def stamp(self) -> str:
        d = self.as_of
        return f"数据截至 {d.year}年{d.month}月{d.day}日　随机种子 {self.seed}"

    @property
    def code_stem(self) -> str:
        """The start of this packet's 问题编号: the export minute keeps two packets' codes apart (a 问题编号
        imported again updates that problem)."""
        return self.exported_at.strftime("%Y%m%d%H%M") if self.exported_at else self.as_of.strftime("%Y%m%d")


def finding_code(info: PacketInfo, village_code: str, n: int) -> str:
    return f"{info.code_stem}-{village_code}-{n:02d}"


def category_text(row) -> str:
    stratum = row.get("stratum")
    status = STATUS.get(row.get("status"), "")
    if stratum in MONITOR_CATEGORIES:
        return f"{MONITOR_CATEGORIES[stratum]}（{status}）"
    if stratum in STRATA:  # post-poverty household not monitored on the as-of day
        return "脱贫户（曾监测，已消除风险）" if row.get("status") == "eliminated" else STRATA[stratum]
    cat = MONITOR_CATEGORIES.get(row.get("monitor_category"))
    return f"{cat}（{status}）" if cat else HOUSEHOLD_TYPES.get(row.get("hh_type"), "")


def packet_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The packet table (Chinese headers, masked, checklist columns blank), in village and code order.
    `rows` are queries.inspection.packet_rows, optionally with the sample's `stratum` column."""
    masked = mask(rows, spec(packet_rows).personal, "masked")
    masked = masked.sort_values(["village_code", "household_code"], kind="stable").reset_index(drop=True)
    out = pd.DataFrame({
        "village_code": masked.village_code,
        "seq": masked.groupby("village_code").cumcount() + 1,
        "household_code": masked.household_code.astype(str),
        "head_name": masked.head_name.fillna("—") if "head_name" in masked else "—",
        "id_number": masked.id_number.fillna("—") if "id_number" in masked else "—",
        "category": [category_text(r) for r in masked.to_dict("records")],
        "helper_name": [h if isinstance(h, str) and h else ("未落实" if st == "monitoring" else "—")
                        for h, st in zip(masked.get("helper_name", pd.Series(None, index=masked.index)),
                                         masked.get("status", pd.Series(None, index=masked.index)))],
        "open_factors": masked.open_factors.fillna("无"),
        "measures": masked.measures.fillna("无"),
        "last_visit": ["从未走访" if pd.isna(d) else pd.Timestamp(d).date().isoformat() for d in masked.last_visit],
    })
    for c in CHECKLIST:
        out[c] = ""
    return out


LAST_VISIT_COLUMN = list(INFO_COLUMNS).index("last_visit") + 1


def _iso_date(value) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def _by_village(frame: pd.DataFrame, info: PacketInfo):
    for code, part in frame.groupby("village_code", sort=True):
        yield code, info.village_names.get(code, code), part.drop(columns="village_code")


# -- Excel -------------------------------------------------------------------------------------------------
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(name: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("_", name)[:28] or "村"
    title, n = base, 2
    while title in used:
        title, n = f"{base[:26]}({n})", n + 1
    used.add(title)
    return title


def build_workbook(rows: pd.DataFrame, info: PacketInfo) -> bytes:
    """A cover sheet (抽样说明: seed, sizes, strata) and one sheet per village."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    frame = packet_frame(rows)
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="DDE6F0")
    bold = Font(bold=True)
    wb = Workbook()
    cover = wb.active
    cover.title = "抽样说明"
    lines = [(f"{info.county}防返贫监测巡查入户核查表", Font(bold=True, size=14)),
             (info.stamp, None),
             (f"抽样方法：按监测类别分层（脱贫不稳定户、边缘易致贫户、突发严重困难户、未监测的脱贫户），每村抽取约 "
              f"{info.per_village} 户，按各层户数比例分配，每层至少 {info.minimum} 户（不足则全取）。", None),
             ("同一随机种子、同一批村、同一截至日期可复现同一样本。", None)]
    if info.exported_at or info.exported_by:
        when = info.exported_at.strftime("%Y-%m-%d %H:%M") if info.exported_at else ""
        lines.append((f"导出：{info.exported_by} {when}".strip(), None))
    for i, (text, font) in enumerate(lines, start=1):
        spreadsheet.put(cover.cell(row=i, column=1), text).font = font or Font()
    r0 = len(lines) + 2
    for j, h in enumerate(["村", "抽样层", "户数", "抽取户数"], start=1):
        c = spreadsheet.put(cover.cell(row=r0, column=j), h)
        c.font, c.fill, c.border = bold, head_fill, box
    for i, s in enumerate(info.strata.to_dict("records") if len(info.strata) else [], start=1):
        for j, v in enumerate([info.village_names.get(s["village_code"], s["village_code"]), s["stratum_label"],
                               int(s["population"]), int(s["sample"])], start=1):
            spreadsheet.put(cover.cell(row=r0 + i, column=j), v).border = box
    for j, w in enumerate([28, 18, 10, 10], start=1):
        cover.column_dimensions[get_column_letter(j)].width = w

    headers = [*INFO_COLUMNS.values(), *CHECKLIST]
    widths = [6, 19, 10, 21, 22, 11, 24, 30, 12, *[8] * 6, 20]
    used = {"抽样说明"}
    for code, name, part in _by_village(frame, info):
        ws = wb.create_sheet(_sheet_title(name, used))
        spreadsheet.put(ws.cell(row=1, column=1), f"{name} 入户核查表").font = Font(bold=True, size=14)
        spreadsheet.put(ws.cell(row=2, column=1), f"{info.stamp}　村代码 {code}　共 {len(part)} 户；核查项填“是/否”，问题写入备注")
        for j, h in enumerate(headers, start=1):
            c = spreadsheet.put(ws.cell(row=4, column=j), h)
            c.font, c.fill, c.border = bold, head_fill, box
            c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        for i, rec in enumerate(part.to_dict("records"), start=5):
            values = [int(rec["seq"]), *[rec[k] for k in list(INFO_COLUMNS)[1:]], *[""] * len(CHECKLIST)]
            for j, v in enumerate(values, start=1):
                when = _iso_date(v) if j == LAST_VISIT_COLUMN else None
                c = spreadsheet.put(ws.cell(row=i, column=j), when or v)
                if when:   # a date cell (sorts and filters as a date); "从未走访" stays text
                    c.number_format = "yyyy-mm-dd"
                c.border = box
                c.alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[i].height = 36
        last = 4 + len(part)
        spreadsheet.put(ws.cell(row=last + 2, column=1), "核查人（签字）：　　　　　　　　核查日期：　　　　年　　月　　日")
        for j, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = w
        ws.freeze_panes = "C5"
        ws.print_title_rows = "4:4"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    if len(frame):
        _findings_sheet(wb.create_sheet(FINDINGS_SHEET), frame, info)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _findings_sheet(ws, frame: pd.DataFrame, info: PacketInfo) -> None:
    """The 整改问题 form: title rows, the importer's header in row 4, FORM_ROWS numbered rows per village."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    spreadsheet.put(ws.cell(row=1, column=1), "巡查发现问题及整改（整改问题）").font = Font(bold=True, size=14)
    spreadsheet.put(ws.cell(row=2, column=1),
                    f"{info.stamp}　每发现一个问题填一行：巡查日期、问题类别、整改责任单位、整改时限、整改状态必填，"
                    "户级问题填户编号；行不够可续编问题编号。未填写的行导入时跳过，本表可直接交管理员在「数据导入」导入。")
    lists = {"category": list(FINDING_CATEGORIES.values()), "status": list(FINDING_STATUSES.values())}
    checks = {}
    for kind, labels in lists.items():
        dv = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True,
                            errorStyle="warning", error="请从下拉列表中选择", showErrorMessage=True)
        ws.add_data_validation(dv)
        checks[kind] = dv
    for j, (header, width, _kind) in enumerate(FINDINGS_COLUMNS, start=1):
        c = spreadsheet.put(ws.cell(row=4, column=j), header)
        c.font, c.border = Font(bold=True), box
        c.fill = PatternFill("solid", fgColor="DDE6F0")
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(j)].width = width
    r = 5
    for code, name, _part in _by_village(frame, info):
        for n in range(1, FORM_ROWS + 1):
            for j, (header, _w, kind) in enumerate(FINDINGS_COLUMNS, start=1):
                c = ws.cell(row=r, column=j)
                c.border = box
                c.number_format = "yyyy-mm-dd" if kind == "date" else "@"
                if kind in checks:
                    checks[kind].add(c)
            spreadsheet.put(ws.cell(row=r, column=1), finding_code(info, code, n))
            spreadsheet.put(ws.cell(row=r, column=2), code)
            spreadsheet.put(ws.cell(row=r, column=3), name)
            r += 1
    ws.freeze_panes = "B5"
    ws.print_title_rows = "4:4"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# -- PDF ---------------------------------------------------------------------------------------------------
def build_pdf(rows: pd.DataFrame, info: PacketInfo) -> bytes:
    """The same packet as a printable A4 landscape PDF: one section per village, header row repeated."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle

    Paragraph = chinese_paragraph_class()

    def text(value, style) -> Paragraph:
        """A Paragraph of plain text: reportlab reads <b>, <a href>, <img src> in a Paragraph as markup (an
        <img> would even be fetched), so data is escaped and shows as the characters it holds."""
        return Paragraph(escape(str(value)).replace("\n", "<br/>"), style)

    font = pdf_font()  # embedded TrueType subset (queries/pdf_fonts.py)
    frame = packet_frame(rows)
    title = ParagraphStyle("t", fontName=font, fontSize=15, leading=20, spaceAfter=4)
    small = ParagraphStyle("s", fontName=font, fontSize=9, leading=12)
    cell = ParagraphStyle("c", fontName=font, fontSize=7.5, leading=9.5, wordWrap="CJK")
    head = ParagraphStyle("h", parent=cell, alignment=1)
    widths_mm = [7, 28, 14, 34, 24, 13, 26, 29, 19, *[10] * 6, 19]  # 273 mm; codes, IDs, dates on one line
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=14 * mm, title=f"{info.county}巡查入户核查表",
                            author=info.exported_by or "防返贫动态监测", subject=info.stamp,
                            initialFontName=font, lang="zh-CN")

    def footer(canvas, doc_):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawString(12 * mm, 7 * mm, f"{info.county} · {info.stamp} · 身份证号已脱敏")
        canvas.drawRightString(landscape(A4)[0] - 12 * mm, 7 * mm, f"第 {doc_.page} 页")
        canvas.restoreState()

    story = [text(f"{info.county}防返贫监测巡查入户核查表", title), text(info.stamp, small),
             text(f"抽样：按监测类别分层，每村约 {info.per_village} 户，按比例分配，每层至少 {info.minimum} 户；"
                       "同一随机种子、同一批村、同一截至日期可复现同一样本。", small), Spacer(1, 4 * mm)]
    if len(info.strata):
        st_rows = [[text(h, head) for h in ["村", "抽样层", "户数", "抽取户数"]]]
        for s in info.strata.to_dict("records"):
            st_rows.append([text(v, cell) for v in (info.village_names.get(s["village_code"], s["village_code"]),
                                                            s["stratum_label"], int(s["population"]), int(s["sample"]))])
        t = Table(st_rows, colWidths=[70 * mm, 40 * mm, 20 * mm, 20 * mm], repeatRows=1, hAlign="LEFT")
        t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0"))]))
        story.append(t)
    headers = [*INFO_COLUMNS.values(), *CHECKLIST]
    for code, name, part in _by_village(frame, info):
        story += [PageBreak(), text(f"{name} 入户核查表", title),
                  text(f"{info.stamp}　村代码 {code}　共 {len(part)} 户；核查项填“是/否”，问题写入备注", small),
                  Spacer(1, 3 * mm)]
        data = [[text(h, head) for h in headers]]
        for rec in part.to_dict("records"):
            data.append([text(rec[k], cell) for k in INFO_COLUMNS] + [""] * len(CHECKLIST))
        t = Table(data, colWidths=[w * mm for w in widths_mm], repeatRows=1)
        t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BOTTOMPADDING", (0, 1), (-1, -1), 14)]))  # room to write in
        story += [t, Spacer(1, 5 * mm),
                  text("核查人（签字）：＿＿＿＿＿＿＿＿　　核查日期：＿＿＿＿年＿＿月＿＿日", small),
                  KeepTogether(_findings_form(info, code, name, text, cell, head, small, font))]
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


# the paper form's columns (a subset of FINDINGS_COLUMNS: village and inspection come from the page) and widths
PDF_FINDING_COLUMNS = [("问题编号", 46), ("户编号", 34), ("问题类别", 30), ("整改责任单位", 36), ("整改时限", 24),
                       ("问题描述", 103)]  # 273 mm


def _findings_form(info: PacketInfo, code: str, name: str, text, cell, head, small, font) -> list:
    """The village's 整改问题 rows on paper, numbered like the workbook's, so what is written by hand is typed
    into the same rows and imported."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer, Table, TableStyle

    data = [[text(h, head) for h, _ in PDF_FINDING_COLUMNS]]
    data += [[text(finding_code(info, code, n), cell), *[""] * (len(PDF_FINDING_COLUMNS) - 1)]
             for n in range(1, FORM_ROWS + 1)]
    t = Table(data, colWidths=[w * mm for _, w in PDF_FINDING_COLUMNS], repeatRows=1)
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0")),
                           ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 1), (-1, -1), 12)]))
    return [Spacer(1, 6 * mm), text(f"{name} 巡查发现问题（录入工作簿「{FINDINGS_SHEET}」表同编号行后导入）", small),
            text("问题类别：" + "、".join(FINDING_CATEGORIES.values()) + "；户级问题填户编号。", small),
            Spacer(1, 2 * mm), t]
