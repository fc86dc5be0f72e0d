"""The error report: the workbook itself with the bad cells highlighted and a Chinese comment on each,
plus a summary sheet (错误汇总) listing every error with a link to its cell.

One .xlsx input: that workbook is annotated (title rows, formats and merged cells kept). Several inputs,
CSV or .xls: a new workbook with a copy of every sheet that has errors, annotated the same way.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink

from queries import spreadsheet
from seed.importer.read import read_file
from seed.importer.result import Issue

SUMMARY = "错误汇总"
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
AUTHOR = "导入检查"
MAX_MARKED = 20_000     # cells highlighted at most (the summary lists every error up to MAX_LISTED)
MAX_LISTED = 100_000


def write_report(errors: list[Issue], paths: list[Path], out: Path, notices: list[str] = ()) -> Path:
    out = Path(out)
    paths = [Path(p) for p in paths]
    wb = None
    if len(paths) == 1 and paths[0].suffix.lower() in (".xlsx", ".xlsm"):
        try:
            wb = load_workbook(paths[0])
        except Exception:   # a workbook openpyxl cannot open (calamine could): fall back to copies
            wb = None
    if wb is not None:
        if SUMMARY in wb.sheetnames:
            del wb[SUMMARY]
        titles = {(paths[0].name, name): name for name in wb.sheetnames}
    else:
        wb, titles = _copies(errors, paths)

    by_cell: dict[tuple, list[str]] = defaultdict(list)
    for e in errors:
        if e.row is not None and (e.file, e.sheet) in titles:
            by_cell[(titles[(e.file, e.sheet)], e.row, e.column)].append(e.message)
    for n, ((title, row, col), msgs) in enumerate(by_cell.items()):
        if n >= MAX_MARKED:
            break
        ws = wb[title]
        cell = ws[f"{col}{row}"] if col else _first_cell(ws, row)
        cell.fill = BAD_FILL
        text = "\n".join(dict.fromkeys(msgs))
        comment = Comment(text, AUTHOR)
        comment.width = 320
        comment.height = max(80, 22 * (1 + len(text) // 18))
        cell.comment = comment

    _summary(wb, errors, titles, paths, notices, truncated=len(by_cell) > MAX_MARKED)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def _first_cell(ws, row: int):
    for cell in ws[row]:
        if cell.value not in (None, ""):
            return cell
    return ws.cell(row=row, column=1)


def _copies(errors: list[Issue], paths: list[Path]):
    """A new workbook holding a copy of each sheet that has errors (values only)."""
    wb = Workbook()
    wb.remove(wb.active)
    wanted = {(e.file, e.sheet) for e in errors if e.row is not None}
    titles = {}
    for p in paths:
        if not any(f == p.name for f, _ in wanted):
            continue
        try:
            raws = read_file(p)
        except Exception:
            continue
        for raw in raws:
            if (raw.file, raw.name) not in wanted:
                continue
            title = _title(wb, raw.name if len(paths) == 1 else f"{p.stem}-{raw.name}")
            ws = wb.create_sheet(title)
            for row in raw.rows:
                spreadsheet.append(ws, [None if v == "" else v for v in row])
            titles[(raw.file, raw.name)] = title
    if not wb.sheetnames:
        wb.create_sheet(SUMMARY)
    return wb, titles


def _title(wb, name: str) -> str:
    bad = '[]:*?/\\'
    base = "".join("_" if ch in bad else ch for ch in name)[:31] or "Sheet"
    title, n = base, 1
    while title in wb.sheetnames:
        n += 1
        title = f"{base[:28]}({n})"
    return title


def _summary(wb, errors: list[Issue], titles: dict, paths: list[Path], notices, truncated: bool):
    if SUMMARY in wb.sheetnames:
        ws = wb[SUMMARY]
    else:
        ws = wb.create_sheet(SUMMARY, 0)
    wb.move_sheet(ws, offset=-wb.index(ws))
    for other in wb.worksheets:
        other.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    wb.active = 0

    # Texts below quote file, sheet and header names from the user's file: every one goes in by the cell rule.
    ws["A1"] = f"导入检查未通过：共 {len(errors)} 处错误，未写入任何数据"
    ws["A1"].font = Font(bold=True, size=14, color="9C0006")
    ws.merge_cells("A1:F1")
    spreadsheet.put(ws["A2"], f"检查时间 {datetime.now():%Y-%m-%d %H:%M}；文件：{'、'.join(p.name for p in paths)}")
    ws["A3"] = "出错的单元格已标成红色并附批注（鼠标移到单元格上可见）。点击“位置”可跳到该单元格。" \
               "请全部改正后重新导入；改正前数据库中的数据保持不变。"
    if truncated:
        ws["A4"] = f"错误较多，只标注了前 {MAX_MARKED} 个单元格；下表列出全部错误。"
    for c in ("A2", "A3", "A4"):
        ws[c].alignment = Alignment(wrap_text=False)
    header = ["序号", "文件", "工作表", "位置", "列名", "错误说明"]
    ws.append([])
    spreadsheet.append(ws, header)
    hr = ws.max_row
    for i, _ in enumerate(header, start=1):
        cell = ws.cell(row=hr, column=i)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for n, e in enumerate(errors[:MAX_LISTED], start=1):
        pos = (f"{e.column}{e.row}" if e.column else f"第{e.row}行") if e.row is not None else "—"
        spreadsheet.append(ws, [n, e.file, e.sheet, pos, e.header or "", e.message])
        title = titles.get((e.file, e.sheet))
        if title and e.row is not None:
            target = f"{e.column}{e.row}" if e.column else f"A{e.row}"
            link = ws.cell(row=ws.max_row, column=4)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{title}'!{target}")
            link.font = Font(color="0563C1", underline="single")
    if len(errors) > MAX_LISTED:
        ws.append(["", "", "", "", "", f"另有 {len(errors) - MAX_LISTED} 处错误未列出"])
    if notices:
        ws.append([])
        ws.append(["提示"])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        for note in notices:
            spreadsheet.append(ws, ["", note])
    for col, width in zip("ABCDEF", (6, 24, 14, 8, 20, 70)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = ws.cell(row=hr + 1, column=1)

