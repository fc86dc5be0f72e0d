"""Print-grade artefacts (issue 19): the visit-packet PDF embeds its font and has no tofu, Chinese lines do
not start with a closing mark; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest

from queries import inspection as insp
from queries import packets
from queries.filters import Filter
from queries.pdf_fonts import NO_LINE_END, NO_LINE_START, break_lines, chinese_paragraph_class, font_file, pdf_font
from tests import fixture_db
from tests.print_checks import font_cmap, missing_glyphs, pdf_fonts, pdf_text, rendered_ink

VILLAGES = {fixture_db.V11: "城关镇 东山村", fixture_db.V12: "城关镇 西岭村", fixture_db.V21: "青山镇 北坪村"}


@pytest.fixture
def packet_pdf(empty_db) -> bytes:
    fixture_db.build_fixture(empty_db)
    f = Filter(as_of=fixture_db.AS_OF)
    with empty_db.connect() as conn:
        sample, strata = insp.draw_sample(conn, f, list(VILLAGES), 11, per_village=10, minimum=1)
        rows = insp.packet_rows(conn, f, sample.household_id.tolist())
    rows = rows.merge(sample[["household_id", "stratum"]], on="household_id")
    info = packets.PacketInfo("测试县", fixture_db.AS_OF, 11, 10, 1, strata, VILLAGES, "县级用户·张三",
                              datetime(2026, 7, 1, 9, 0))
    return packets.build_pdf(rows, info)


def test_packet_pdf_embeds_every_font(packet_pdf):
    fonts = pdf_fonts(packet_pdf)
    assert fonts, "pdffonts lists no font"
    for font in fonts:  # a font not embedded prints as empty boxes where the printer lacks it
        assert (font["emb"], font["sub"], font["uni"]) == ("yes", "yes", "yes"), font
        assert font["type"].startswith("TrueType"), font


def test_packet_pdf_text_is_all_in_the_embedded_font(packet_pdf):
    text = pdf_text(packet_pdf)
    # what poppler reads back is what was written (ToUnicode maps every glyph), incl. the footer's "·"
    flat = "".join(text.split())
    for word in ("测试县防返贫监测巡查入户核查表", "城关镇东山村入户核查表", "身份证号已脱敏", "测试县·数据截至", "核查人（签字）"):
        assert word in flat
    assert not missing_glyphs(text, font_cmap(font_file()))  # no character falls back to .notdef (tofu)
    for page in (1, 2):  # and the pages are drawn: text and grid in ink, not a blank sheet
        assert rendered_ink(packet_pdf, page) > 0.01


@pytest.mark.parametrize("width", range(30, 90, 3))  # 4 to 11 characters a line
def test_no_line_starts_with_a_closing_mark(width):
    from reportlab.lib.styles import ParagraphStyle

    Paragraph = chinese_paragraph_class()
    style = ParagraphStyle("c", fontName=pdf_font(), fontSize=7.5, leading=9.5, wordWrap="CJK")
    for text in ("脱贫户（曾监测，已消除风险）。医疗救助、公益性岗位：“是”！",
                 "医疗救助（未完成）、产业奖补（已完成）、“雨露计划”，《通知》。"):
        para = Paragraph(text, style)
        para.wrap(width, 1000)
        lines = ["".join(words) for _, words in para.blPara.lines]
        assert "".join(lines) == text
        assert not [line for line in lines[1:] if line[0] in NO_LINE_START], lines
        assert not [line for line in lines if line[-1] in NO_LINE_END], lines
        assert all(space >= 0 for space, _ in break_lines(text, pdf_font(), 7.5, width) if len(_) > 1)
