"""The import template (and database exports in the same format), built from spec.py.

Sheets: 填写说明 (how to fill in, natural keys and update rules), one sheet per table with Chinese
headers (required ones in red, each with a comment), drop-down lists for code-list columns, text format
for codes and ID numbers, date format for dates; 数据字典 (every column, and every code list with its
codes and Chinese labels - both are accepted in cells).

``export_database`` writes a database's content into the same workbook: labels for codes, 是/否 for
flags, real date cells; importing that file into an empty database gives the same content.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Iterable

import sqlalchemy as sa
import xlsxwriter

from queries import schema, spreadsheet
from seed.importer import spec as S

KIND_NAMES = {
    "text": "文本", "name": "姓名（空格自动去掉）", "code": "编码（文本）", "area": "区划代码（数字文本）", "enum": "代码表（中文名称或代码）",
    "int": "整数", "money": "金额（元，不小于0）", "number": "数值", "ratio": "数值（比率填0-1或百分数）",
    "date": "日期", "bool": "是/否", "id_number": "身份证号（18位文本）", "phone": "电话（文本）",
    "json": "GeoJSON 文本", "scope": "“全县”或9位乡镇区划代码",
}
TEXT_KINDS = {"text", "name", "code", "area", "id_number", "phone", "json", "scope"}
MAX_ROW = 1_048_575


def instructions() -> list[list]:
    rows = [
        ["防返贫动态监测数据导入模板"],
        [],
        ["怎么填"],
        ["1. 每个工作表对应一张表（农户、家庭成员、风险因子……）。可以只填需要更新的工作表，其余删掉或留空。"],
        ["2. 第1行是表头，列名不要改；可以在表头上方加标题行（合并单元格也可以）、调整列的顺序、增加其他列（如“序号”，导入时忽略）。"],
        ["3. 红色列名为必填项。代码类的列（户类型、风险类型、政策工具等）可以填中文名称，也可以填代码，见「数据字典」。"],
        ["4. 日期填 2026-03-15（也接受 2026/3/15、2026年3月15日、20260315 和 Excel 日期）；“是/否”列填“是”或“否”。"],
        ["5. 身份证号、户编号、区划代码请保持文本格式，避免 Excel 把长数字改成科学计数法而丢失末尾数字。全角数字、字母和空格会自动转换。"],
        ["6. 也可以导入 CSV 文件（UTF-8 或 GBK 编码），文件名用表名，例如 农户.csv、家庭成员.csv。"],
        [],
        ["导入规则"],
        ["• 先检查全部数据，再写入：任何一处错误，都不写入任何数据，并生成错误报告（出错单元格标红并附批注，另有“错误汇总”表）。"],
        ["• 户编号、身份证号、区划代码等是每行数据的唯一标识：再次导入同一文件或更新后的文件，会原地更新，不会产生重复数据。"],
        ["• 农户的家庭成员、收入、风险因子、预警线索、帮扶措施、走访记录按户整体替换：文件中有的户，其这些记录以文件为准。"],
        ["• 农户、村、项目不会因为不在文件中而被删除。"],
        [],
        ["工作表", "唯一标识（自然键）", "再次导入时"],
    ]
    for sp in S.sheets():
        rows.append([sp.name, sp.key_headers if sp.key else "无（按所属户/项目整体替换）", sp.rule])
    return rows


def dictionary_layout() -> tuple[list[list], dict[str, tuple[int, int]]]:
    """Rows of the 数据字典 sheet, and code list title -> (first, last) 1-based row of its labels."""
    rows: list[list] = [["数据字典"], ["每个工作表的列、是否必填、取值类型和代码表。代码表中的“代码”和“中文名称”都可以填在单元格中。"], [],
                        ["工作表", "列名", "必填", "类型", "说明", "代码表", "字段名"]]
    lists: dict[str, S.CodeList] = {}
    for sp in S.sheets():
        for c in sp.columns:
            if c.codes is not None:
                lists.setdefault(c.codes.title, c.codes)
            rows.append([sp.name, c.header, "是" if c.required else "", KIND_NAMES[c.kind], c.note or "",
                         c.codes.title if c.codes else "", f"{sp.table_name}.{c.key}"])
    rows += [[], ["代码表"], ["代码表", "代码", "中文名称", "也接受"]]
    ranges = {}
    for title, cl in lists.items():
        first = len(rows) + 1
        for code, label in cl.labels.items():
            also = "、".join(k for k, v in cl.aliases.items() if v == code)
            rows.append([title, code, label, also])
        ranges[title] = (first, len(rows))
    return rows, ranges


def _display(col: S.Col, v):
    """A database value as the template shows it."""
    if v is None:
        return None
    if col.kind == "enum":
        if col.key == "batch":
            return int(v)
        return col.codes.labels.get(v, v)
    if col.kind == "scope":
        return "全县" if v == "county" else v   # a county's code stays a code: a city holds several
    if col.kind == "bool":
        return "是" if v else "否"
    if col.kind == "date" and isinstance(v, str):
        return date.fromisoformat(v[:10])
    if col.kind in ("money", "number", "ratio"):
        return float(v)
    return v


def write_workbook(path: Path, data: dict[str, Iterable[tuple]] | None = None, note: str | None = None) -> Path:
    """The template; with ``data`` (table -> rows in the sheet's column order, raw db values) an export."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "default_date_format": "yyyy-mm-dd",
                                         **spreadsheet.XLSXWRITER_OPTIONS})
    f_title = wb.add_format({"bold": True, "font_size": 14})
    f_bold = wb.add_format({"bold": True})
    f_head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"})
    f_req = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter",
                           "font_color": "#C00000"})
    f_text = wb.add_format({"num_format": "@"})
    f_date = wb.add_format({"num_format": "yyyy-mm-dd"})
    f_money = wb.add_format({"num_format": "#,##0.00"})
    f_quoted = wb.add_format({"quote_prefix": True})  # text Excel would take for a formula when re-entered

    ws = wb.add_worksheet("填写说明")
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 2, 90)
    rows = instructions()
    if note:
        rows.insert(1, [note])
    for r, row in enumerate(rows):
        fmt = f_title if r == 0 else (f_bold if len(row) == 1 and row[0] in ("怎么填", "导入规则") or row[:1] == ["工作表"] else None)
        for c, v in enumerate(row):
            ws.write(r, c, v, fmt) if fmt else ws.write(r, c, v)

    dict_rows, ranges = dictionary_layout()
    for sp in S.sheets():
        ws = wb.add_worksheet(sp.name)
        ws.freeze_panes(1, 0)
        ws.set_row(0, 30)
        for c, col in enumerate(sp.columns):
            width = max(10, min(30, 2.2 * len(col.header) + 2))
            fmt = f_text if col.kind in TEXT_KINDS else f_date if col.kind == "date" else \
                f_money if col.kind == "money" else None
            if col.kind == "id_number":
                width = 22
            ws.set_column(c, c, width, fmt)
            ws.write_string(0, c, col.header, f_req if col.required else f_head)
            tip = (col.note or col.header) + ("\n【必填】" if col.required else "")
            if col.codes is not None:
                tip += f"\n可填：{'、'.join(list(col.codes.labels.values())[:12])}" + ("等" if len(col.codes.labels) > 12 else "")
            ws.write_comment(0, c, tip, {"x_scale": 2, "y_scale": 1.5, "author": "模板说明"})
            if col.kind == "enum" and col.codes.title in ranges:
                first, last = ranges[col.codes.title]
                ws.data_validation(1, c, MAX_ROW, c, {
                    "validate": "list", "source": f"='数据字典'!$C${first}:$C${last}",
                    "error_type": "warning", "error_title": col.header,
                    "error_message": f"请从下拉列表中选择「{col.codes.title}」的中文名称（也可以填代码）"})
            elif col.kind == "bool":
                ws.data_validation(1, c, MAX_ROW, c, {"validate": "list", "source": ["是", "否"], "error_type": "warning"})
        if data is not None and sp.table_name in data:
            cols = sp.columns
            r = 0
            for r, row in enumerate(data[sp.table_name], start=1):
                for c, (col, v) in enumerate(zip(cols, row)):
                    v = _display(col, v)
                    if v is None:
                        continue
                    if isinstance(v, str):
                        ws.write_string(r, c, v, f_quoted if spreadsheet.formula_like(v) else None)
                    elif isinstance(v, date):
                        ws.write_datetime(r, c, v, f_date)
                    else:
                        ws.write_number(r, c, v)
            ws.autofilter(0, 0, max(r, 1), len(cols) - 1)

    ws = wb.add_worksheet("数据字典")
    ws.freeze_panes(4, 0)
    for c, width in enumerate((14, 24, 6, 22, 60, 14, 34)):
        ws.set_column(c, c, width)
    for r, row in enumerate(dict_rows):
        bold = r == 0 or row[:1] == ["工作表"] or row[:1] == ["代码表"]
        for c, v in enumerate(row):
            if bold:
                ws.write(r, c, v, f_title if r == 0 else f_head)
            else:
                ws.write_string(r, c, str(v))
    wb.close()
    return path


def build_template(path: Path) -> Path:
    return write_workbook(path)


# --- export ------------------------------------------------------------------------------------------

def export_queries() -> dict[str, sa.Select]:
    """One SELECT per sheet giving its columns in order, rows in primary-key order."""
    h, p = schema.households, schema.projects
    out = {}
    for sp in S.sheets():
        t = sp.table
        exprs, joins = [], []
        for col in sp.columns:
            if col.key == "household_code":
                exprs.append(h.c.code)
                joins.append((h, h.c.id == t.c.household_id))
            elif col.key == "project_code":
                exprs.append(p.c.code)
                joins.append((p, p.c.id == t.c.project_id))
            else:
                exprs.append(t.c[col.key])
        src = t
        for other, on in joins:   # a finding's household is optional: keep the village-level ones
            src = src.outerjoin(other, on) if t is schema.findings else src.join(other, on)
        out[sp.table_name] = sa.select(*exprs).select_from(src).order_by(*t.primary_key.columns)
    return out


def export_database(engine: sa.Engine, path: Path) -> dict[str, int]:
    """Writes the database in the template format; returns rows per table."""
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        as_of = conn.execute(sa.select(schema.meta.c.value).where(schema.meta.c.key == "as_of")).scalar()
        data = {}
        for table, stmt in export_queries().items():
            rows = conn.execute(stmt).all()   # in memory: about 1 GB for 100,000 households
            counts[table] = len(rows)
            data[table] = rows
        note = f"本文件导出自监测数据库{f'（数据截至 {as_of}）' if as_of else ''}，可直接修改后重新导入。"
        write_workbook(path, data, note=note)
    return counts
