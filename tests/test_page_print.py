"""打印本页 (issue 19): the page frame's one button gives the page's charts and tables as a PDF whose fonts
are all embedded, with the page's title, filters and as-of stamp; the 合计 rule sums counts and money only."""

from __future__ import annotations

import pandas as pd

from dashboard.exporting import xlsx
from tests.exports_support import offered  # noqa: F401  (fixture)
from tests.pages_support import run_page
from tests.print_checks import font_cmap, missing_glyphs, pdf_fonts, pdf_text
from queries.pdf_fonts import font_file


def test_total_row_sums_counts_and_money_not_rates_or_ranks():
    df = pd.DataFrame({"乡镇": ["甲", "乙"], "监测户": [3, 4], "预算(万元)": [1.5, 2.0], "覆盖率": [50.0, 75.0],
                       "水平名次": [1, 2], "用时中位数（天）": [3, 5]})
    kinds = [xlsx.column_kind(c, df[c]) for c in df.columns]
    assert xlsx.total_row(df, kinds) == {1: 7.0, 2: 3.5}


def test_print_page_is_a_pdf_with_embedded_fonts_and_the_page_header(app_db, offered):
    at = run_page("warnings")
    assert not at.exception
    pdf = offered.by_key("print_page").build()
    fonts = pdf_fonts(pdf)
    assert fonts and all(f["emb"] == "yes" for f in fonts), fonts
    text = pdf_text(pdf)
    flat = "".join(text.split())
    assert "数据截至2026年6月30日" in flat and "范围：测试县·全县" in flat
    assert not missing_glyphs(text, font_cmap(font_file()))


def test_the_first_screen_summaries_are_printed_though_they_offer_no_download(app_db, offered):
    """流程督办's first screen (where cases are stuck, who holds the overdue red warnings) has no download buttons,
    yet 打印本页 carries both tables, first, as the page shows them."""
    at = run_page("workflow")
    assert not at.exception
    flat = "".join(pdf_text(offered.by_key("print_page").build()).split())
    stuck, red, funnel = (flat.find(t) for t in ("卡在哪个环节", "超期的红色预警交办", "识别环节漏斗"))
    assert 0 <= stuck < red < funnel
