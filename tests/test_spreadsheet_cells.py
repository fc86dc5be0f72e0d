"""The one cell rule (queries.spreadsheet): text from data is a text cell in every workbook writer, a number
stays a number. Unit level here; tests/test_hostile_exports.py opens every real export of a hostile county."""

import io
from datetime import date

import openpyxl
import pandas as pd
import pytest

from dashboard.exporting import xlsx
from dashboard.exporting.meta import ExportMeta
from queries import spreadsheet

STARTS = ["=HYPERLINK(\"//x.example\",\"核实\")", "+1+1", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", STARTS)
def test_formula_like_text(text):
    assert spreadsheet.formula_like(text)


@pytest.mark.parametrize("value", ["张三", "1+1", " =1", "", -5, 3.5, None, date(2026, 1, 1)])
def test_ordinary_values_are_not_formula_like(value):
    assert not spreadsheet.formula_like(value)


def saved(wb) -> openpyxl.Workbook:
    buf = io.BytesIO()
    wb.save(buf)
    return openpyxl.load_workbook(io.BytesIO(buf.getvalue()))


def test_openpyxl_put_writes_text_as_text_and_keeps_numbers():
    wb = openpyxl.Workbook()
    ws = wb.active
    for i, text in enumerate(STARTS, start=1):
        spreadsheet.put(ws.cell(row=i, column=1), text)
    spreadsheet.put(ws.cell(row=1, column=2), -5)
    spreadsheet.put(ws.cell(row=2, column=2), date(2026, 6, 30))
    spreadsheet.append(ws, ["=1+1", -5, None, "@A1"])
    back = saved(wb).active
    assert [(c.value, c.data_type) for c in back["A"][:len(STARTS)]] == [(t, "s") for t in STARTS]
    assert all(c.quotePrefix for c in back["A"][:len(STARTS)])  # stays text when edited in Excel
    assert (back["B1"].value, back["B1"].data_type) == (-5, "n")
    assert back["B2"].value.date() == date(2026, 6, 30) and back["B2"].is_date
    row = back[len(STARTS) + 1]
    assert [(c.value, c.data_type) for c in row] == [("=1+1", "s"), (-5, "n"), (None, "n"), ("@A1", "s")]


def test_plain_openpyxl_would_write_a_formula():
    """Why the rule exists: without it openpyxl writes the hostile name as a live formula."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = STARTS[0]
    assert saved(wb).active["A1"].data_type == "f"


def test_table_export_writes_text_as_text_and_numbers_as_numbers():
    frame = pd.DataFrame({"户主": STARTS, "人均纯收入（元）": [-5, 1, 2, 3, 4, 5]})
    meta = ExportMeta(title=STARTS[0], county="=县", scope="@全县", stamp="数据截至 2026年6月30日", period="本季度")
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.table_xlsx(frame, meta))).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert ws["A1"].value == STARTS[0] and ws["A1"].data_type == "s"  # the title banner (a merged range)
    # xlsxwriter stores a CR as the OOXML escape _x000D_ (Excel shows a CR); openpyxl reads the escape as is
    header = next(c.row for c in ws["A"] if c.value == "户主")  # below the title block (title, filters, 口径 …)
    assert [ws.cell(row=header + 1 + i, column=1).value.replace("_x000D_", "\r") for i in range(len(STARTS))] == STARTS
    assert ws.cell(row=header + 1, column=2).value == -5 and ws.cell(row=header + 1, column=2).data_type == "n"
