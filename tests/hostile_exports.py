"""The hostile county (tests/hostile_county.py) ready for the dashboard, and checks of export files made from it:
no formula cell, no hyperlink, no link annotation or image, the hostile texts present as plain text."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl


def own_total(ws, c) -> bool:
    """The 合计 row's own formula (dashboard/exporting/xlsx.py): a SUBTOTAL of the column's cells above it, in a
    row labelled 合计 — the one formula an export may hold; nothing from the data is ever a formula."""
    m = re.fullmatch(r"=SUBTOTAL\(109,([A-Z]+)(\d+):([A-Z]+)(\d+)\)", str(c.value))
    return bool(m) and m[1] == m[3] == c.column_letter and int(m[4]) == c.row - 1 and \
        ws.cell(row=c.row, column=1).value == "合计"


def xlsx_texts(data: bytes) -> list[str]:
    """Every str cell value of a workbook, after asserting it has no formula cell (but the 合计 row's own) and no
    hyperlink to anywhere outside itself (openpyxl's view and the raw XML both)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f" or own_total(ws, c), f"formula cell {ws.title}!{c.coordinate}: {c.value!r}"
                if c.hyperlink is not None:
                    assert c.hyperlink.target is None, f"external link {ws.title}!{c.coordinate}"
                if isinstance(c.value, str):
                    texts.append(c.value)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            xml = z.read(name).decode("utf-8", errors="replace")
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                formulas = re.findall(r"<f[ >/].*?(?:</f>|/>)", xml)   # shared and self-closing ones too
                assert all(re.fullmatch(r"<f>SUBTOTAL\(109,[A-Z]+\d+:[A-Z]+\d+\)</f>", f) for f in formulas), \
                    f"formula element in {name}: {formulas[:3]}"
            assert 'TargetMode="External"' not in xml, f"external target in {name}"
    return texts


def pptx_texts(data: bytes) -> list[str]:
    """Every text run of a deck, after asserting it holds no hyperlink and no external relationship."""
    from pptx import Presentation

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            xml = z.read(name).decode("utf-8", errors="replace")
            assert "hlinkClick" not in xml and "hlinkMouseOver" not in xml, f"hyperlink in {name}"
            assert 'TargetMode="External"' not in xml, f"external target in {name}"
    prs = Presentation(io.BytesIO(data))
    return [r.text for s in prs.slides for sh in s.shapes if sh.has_text_frame
            for p in sh.text_frame.paragraphs for r in p.runs] + \
           [c.text for s in prs.slides for sh in s.shapes if sh.has_table for row in sh.table.rows for c in row.cells]


def pdf_text(data: bytes, charts: bool = False) -> str:
    """The text of a PDF, after asserting it has no annotation (links) and no image on any page; with
    ``charts`` (打印本页: the page's charts, drawn by the dashboard) only embedded raster images."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    for n, page in enumerate(reader.pages, start=1):
        assert "/Annots" not in page, f"annotations (links) on page {n}"
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        if charts:
            kinds = {str(x.get_object().get("/Subtype")) for x in xobjects.values()}
            assert kinds <= {"/Image"}, f"non-image objects on page {n}: {kinds}"
        else:
            assert not xobjects, f"images on page {n}"
    raw = data.decode("latin-1")
    assert "/URI" not in raw and "/Link" not in raw
    return "\n".join(p.extract_text() for p in reader.pages)
