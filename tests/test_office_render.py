"""The deck and a table workbook as an office suite prints them, with no tofu: LibreOffice (a tool the product
does not use to make them) converts each to PDF, poppler reads the print. Every font in the print is embedded;
every character of the artefact's text has a glyph in a font the print embeds (their cmaps read by fontTools
from the installed files pdffonts names); every page has ink."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
from pptx import Presentation

from dashboard.exporting import xlsx
from dashboard.exporting.meta import ExportMeta
from queries.filters import Filter
from tests import fixture_db
from tests.print_checks import installed_cmap, missing_glyphs, office_pdf, pdf_fonts, pdf_text, rendered_ink
from tests.test_print import build_deck


def printed_fonts(pdf: bytes) -> set[int]:
    fonts = pdf_fonts(pdf)
    assert fonts, "the print names no font"
    assert all(f["emb"] == "yes" for f in fonts), fonts
    cmap: set[int] = set()
    for f in fonts:
        found = installed_cmap(f["name"])
        assert found, f"{f['name']}: no installed font of that name to check its glyphs against"
        cmap |= found
    return cmap


def deck_text(data: bytes) -> str:
    parts = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                parts += [c.text for row in shape.table.rows for c in row.cells]
            if getattr(shape, "has_chart", False) and shape.has_chart:
                plot = shape.chart.plots[0]
                parts += [str(c) for c in plot.categories] + [s.name for s in plot.series]
    return "\n".join(parts)


def test_the_deck_prints_without_tofu(app_db):
    prs, plan = build_deck(app_db, Filter(as_of=fixture_db.AS_OF))
    buf = io.BytesIO()
    prs.save(buf)
    pdf = office_pdf(buf.getvalue(), ".pptx")
    text = deck_text(buf.getvalue())
    assert "风险因子构成" in text and "城关镇" in text          # a real control: Chinese text to check
    assert missing_glyphs(text, printed_fonts(pdf)) == set()
    printed = pdf_text(pdf)
    assert printed.count("\f") == len(plan)                     # one printed page per slide
    assert all(s.title.replace(" ", "") in printed.replace(" ", "") for s in plan if s.key != "cover")
    assert all(rendered_ink(pdf, page) > 0.002 for page in (1, 2, len(plan)))


def test_a_table_workbook_prints_without_tofu():
    frame = pd.DataFrame({"乡镇": ["城关镇", "青山镇", "石门乡"], "监测户（户）": [5, 4, 0],
                          "未解除红色预警": [1, 0, 0], "风险消除率": [40.0, 25.0, 0.0],
                          "说明": ["“两不愁三保障”及饮水安全", "因病、因残；医疗救助", "——"]})
    meta = ExportMeta("各乡镇监测户", "测试县", "全县", "数据截至 2026年6月30日", "2026年第2季度", "张三（县级）",
                      "监测户＝截至日期已识别且未风险消除的农户。")
    data = xlsx.table_xlsx(frame, meta, kinds={"风险消除率": "pct"}, total=True)
    pdf = office_pdf(data, ".xlsx")
    text = "\n".join(str(c.value) for ws in openpyxl.load_workbook(io.BytesIO(data)) for row in ws.iter_rows()
                     for c in row if c.value is not None)
    assert "合计" in text and "饮水安全" in text
    assert missing_glyphs(text, printed_fonts(pdf)) == set()
    printed = pdf_text(pdf).replace(" ", "")
    assert all(w in printed for w in ("各乡镇监测户", "城关镇", "合计", "数据来源：测试县防返贫动态监测数据库"))
    assert rendered_ink(pdf, 1) > 0.002
