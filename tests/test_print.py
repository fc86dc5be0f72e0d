"""Print-grade artefacts (issue 19): the visit-packet PDF embeds its font and has no tofu, Chinese lines do
not start with a closing mark (SQLite and PostgreSQL); every PNG, Excel table and slide carries its 口径 and
source line; every slide's title is in a title placeholder; the current period is marked when unfinished."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import plotly.graph_objects as go
import pytest
import sqlalchemy as sa
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn

from dashboard.exporting import briefing, png, pptx_kit
from dashboard.exporting.meta import ExportMeta

from queries import inspection as insp
from queries import areas as areas_q
from queries import packets
from queries.codes import FACTOR_GROUPS
from queries.filters import Filter
from queries.metrics import basis, metric
from queries.pdf_fonts import NO_LINE_END, NO_LINE_START, break_lines, chinese_paragraph_class, font_file, pdf_font
from tests import fixture_db
from tests.exports_support import offered  # noqa: F401  (fixture)
from tests.pages_support import run_page
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


# --- 口径 and source on every artefact; the deck's title placeholders ---------------------------------

SOURCE = "数据来源：测试县防返贫动态监测数据库，截至2026年6月30日"  # the fixture county, as of fixture_db.AS_OF


def build_deck(url: str, f: Filter):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            towns = areas_q.township_list(conn, Filter(as_of=f.as_of))
            m = ExportMeta("测试县防返贫动态监测工作简报", "测试县", "全县", f"数据截至 {f.as_of.year}年{f.as_of.month}月"
                           f"{f.as_of.day}日", "2026年第2季度")
            data = briefing.briefing_pptx(lambda fn, *a: fn(conn, *a), f, towns, m, per_township=True)
            return Presentation(io.BytesIO(data)), briefing.plan(f, towns, per_township=True)
    finally:
        engine.dispose()


def test_every_slide_has_a_title_placeholder_its_basis_and_source(app_db):
    prs, plan = build_deck(app_db, Filter(as_of=fixture_db.AS_OF))
    assert len(prs.slides) == len(plan) > 10
    for slide, spec in zip(prs.slides, plan):
        title = slide.shapes.title  # the layout's title placeholder: PowerPoint's outline lists it
        assert title is not None and title.is_placeholder and title.placeholder_format.type == PP_PLACEHOLDER.TITLE
        assert title.text_frame.text == (spec.title if spec.key != "cover" else "测试县防返贫动态监测工作简报")
        texts = {sh.name: sh.text_frame.text for sh in slide.shapes if sh.has_text_frame}
        if spec.key == "cover":
            assert SOURCE in "\n".join(texts.values())
            continue
        assert texts[pptx_kit.SOURCE] == SOURCE
        assert spec.metrics and texts[pptx_kit.BASIS] == basis(*spec.metrics)
        for key in spec.metrics:  # the first sentence of each definition, and the whole in the notes
            assert metric(key).short in texts[pptx_kit.BASIS]
            assert metric(key).definition in slide.notes_slide.notes_text_frame.text
        for sh in slide.shapes:  # no chart titled with its series' name
            if sh.has_chart:
                assert not sh.chart.has_title, (spec.key, sh.name)


def test_the_deck_names_a_chinese_sans_fallback_and_marks_a_partial_period(app_db):
    prs, plan = build_deck(app_db, Filter(as_of=date(2026, 6, 15)))
    for r in (r for s in prs.slides for r in s._element.iter(qn("a:r"))):
        ea = r.find(qn("a:rPr")).find(qn("a:ea"))
        assert (ea.get("typeface"), ea.get("charset"), ea.get("pitchFamily")) == ("Microsoft YaHei", "-122", "34")
    theme = next(rel.target_part.blob for rel in prs.slide_masters[0].part.rels.values()
                 if rel.reltype.endswith("/theme"))
    assert theme.count(b'script="Hans" typeface="Microsoft YaHei"') == 2  # major and minor fonts
    trend = next(s for s, spec in zip(prs.slides, plan) if spec.key == "trend")
    categories = list(next(sh for sh in trend.shapes if sh.has_chart).chart.plots[0].categories)
    assert categories[-1] == "2026年2季度（未满）" and not any("未满" in c for c in categories[:-1])
    prs, plan = build_deck(app_db, Filter(as_of=fixture_db.AS_OF))  # 6-30 closes the quarter
    trend = next(s for s, spec in zip(prs.slides, plan) if spec.key == "trend")
    assert list(next(sh for sh in trend.shapes if sh.has_chart).chart.plots[0].categories)[-1] == "2026年2季度"


@pytest.mark.parametrize("page", ["overview", "warnings", "factors", "aid", "targets", "meeting", "quality", "definitions"])
def test_every_page_export_carries_its_basis_and_source(app_db, offered, monkeypatch, page):
    # the PNG builder's decorated figure instead of pixels: its texts are what the image shows
    monkeypatch.setattr(png._RENDERER, "render", lambda specs: [fig for fig, _ in specs])
    at = run_page(page)
    assert not at.exception
    for _ in range(7 if page == "meeting" else 0):  # 会议模式 shows one view at a time: step through them all
        at.button(key="meet_next").click().run()
        assert not at.exception
    checked = 0
    for o in offered:
        if o.kind == "png":
            fig = o.build()
            footer = [a["text"] for a in fig["layout"].get("annotations", []) if "口径：" in a["text"]]
            assert footer, o.key
            assert "口径：" in footer[0] and SOURCE in footer[0].replace("<br>", ""), (o.key, footer)
        elif o.kind == "xlsx":
            ws = openpyxl.load_workbook(io.BytesIO(o.build())).active
            if o.key == "dl_xlsx_def_metrics":  # the table of every 口径: its rows are the definitions
                assert ws["A3"].value == SOURCE
                continue
            assert ws["A3"].value.startswith("口径：") and ws["A3"].value.endswith(SOURCE), (o.key, ws["A3"].value)
        else:
            continue
        checked += 1
    assert checked, [o.key for o in offered]


def test_png_basis_line_is_the_metric_rule_and_data_names_are_escaped():
    m = ExportMeta("<b>东村</b>未解除预警", "<b>恶意县</b>", "全县", "数据截至 2026年6月30日", basis=basis("open_warnings"))
    fig = png.decorate(go.Figure(go.Bar(x=["a"], y=[1])), m, 900)
    texts = [a.text for a in fig.layout.annotations] + [fig.layout.title.text, fig.layout.title.subtitle.text]
    assert "<b>东村" not in "".join(texts) and "<b>恶意县" not in "".join(texts)
    assert fig.layout.title.text == "<b>&lt;b&gt;东村&lt;/b&gt;未解除预警</b>"
    notes = next(t for t in texts if t.startswith("口径："))
    assert notes.replace("<br>", "") == (basis("open_warnings") + "数据来源：&lt;b&gt;恶意县&lt;/b&gt;防返贫动态监测数据库，"
                                         "截至2026年6月30日")


def test_the_factor_legend_squares_have_the_bar_colours(app_db):
    prs, plan = build_deck(app_db, Filter(as_of=fixture_db.AS_OF))
    slide = next(s for s, spec in zip(prs.slides, plan) if spec.key == "factors")
    squares = [(r, p.runs[i + 1]) for sh in slide.shapes if sh.has_text_frame for p in sh.text_frame.paragraphs
               for i, r in enumerate(p.runs) if r.text == "■ "]
    assert len(squares) == len(briefing.GROUP_COLORS)
    for run, named in squares:
        label = named.text.split()[0]  # the group named after the square
        group = next(g for g, name in FACTOR_GROUPS.items() if name == label)
        assert str(run.font.color.rgb) == briefing.GROUP_COLORS[group]
