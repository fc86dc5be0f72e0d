"""The one rule for spreadsheet cells made from data: text is written as text, never as a formula.

A name such as ``=HYPERLINK("http://…","核实")`` or ``@SUM(…)`` typed into an imported 台账 must reach
the county's Excel as the characters typed, not as a live formula (openpyxl writes any str beginning
with ``=`` as a formula; xlsxwriter's generic ``write`` does too unless told otherwise). Numbers,
dates and booleans keep their type: -5 stays the number -5.

This lives in ``queries/`` because every workbook writer needs it — the dashboard's table exports and
visit packets, and the importer's template, ``--export`` and error report in ``seed/`` — and ``seed``
must not import ``dashboard``. ``queries`` is the layer both already depend on, and it has no Streamlit.
"""

from __future__ import annotations

from typing import Iterable

# What Excel, LibreOffice and WPS read as the start of a formula when such text is typed or re-entered.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# xlsxwriter.Workbook options: a str given to write() stays a str (no formula, no number, no link).
XLSXWRITER_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}


def formula_like(value) -> bool:
    """Text that a spreadsheet would take for a formula if it were typed in."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def put(cell, value):
    """Set an openpyxl cell: a str always as a text cell, quote-prefixed when it looks like a formula (so
    editing the cell in Excel keeps it text as well); anything else as openpyxl would. Returns the cell."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if formula_like(value):
            cell.quotePrefix = True
    return cell


def append(ws, values: Iterable) -> None:
    """``ws.append(values)`` on an openpyxl sheet, with every str of the new row made a text cell by ``put``."""
    values = list(values)
    ws.append(values)
    if any(v is not None for v in values):  # an empty row adds no cells: max_row is the appended row otherwise
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                put(cell, cell.value)
