"""Small python-pptx toolkit for the briefing deck: 16:9 slides on the "Title Only" layout (the title in
the layout's title placeholder: PowerPoint's outline and navigator list it, an office template restyles it),
KPI cards, native (editable) bar and line charts, tables, and East Asian fonts on every run.

python-pptx's ``font.name`` sets only ``a:latin``; PowerPoint and WPS pick the East Asian font from
``a:ea``, so ``apply_fonts`` writes ``a:latin``, ``a:ea`` and ``a:cs`` into every run, paragraph default
and chart text property of the finished deck (MONITOR_PPTX_FONT overrides the typeface).

Fonts where Microsoft YaHei is missing (WPS on Kylin/UOS, LibreOffice): a DrawingML typeface is one name
(PowerPoint reads "A;B" as one unknown font), so the fallback is said the way office suites substitute a
missing font: every ``a:ea`` carries YaHei's PANOSE class, pitch family (sans) and GB2312 charset, so WPS
and LibreOffice pick an installed Simplified-Chinese sans font (Noto Sans CJK SC, WenQuanYi Micro Hei,
WPS's own 方正 fonts) rather than a Latin or serif one; the theme's major and minor fonts name YaHei for
the Hans script too, for text typed into the deck later.
"""

from __future__ import annotations

import os
from typing import Sequence

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

EA_FONT = os.environ.get("MONITOR_PPTX_FONT", "Microsoft YaHei")  # 微软雅黑: on every Windows office PC
SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
CONTENT_TOP = Inches(1.3)
CONTENT_BOTTOM = Inches(6.55)  # below: the 口径 (two or three lines), then source and page number
DARK, GREY, LIGHT, BLUE = "1F1F1F", "666666", "F3F5F8", "1F5FA8"
STATUS_COLORS = {"met": "2E7D32", "near": "F2A93B", "behind": "D7263D", "none": "9E9E9E"}
GOOD, BAD = "2E7D32", "D7263D"
TITLE, FILTERS, BASIS, SOURCE = "标题", "筛选范围", "口径", "数据来源"  # shape names: tests and editing find them


def rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())


def new_deck() -> Presentation:
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    return prs


TITLE_ONLY = 5  # the default template's "Title Only" layout: a title placeholder and nothing else


def titled_slide(prs: Presentation, title: str, x=MARGIN, y=Inches(0.25), w=SLIDE_W - 2 * MARGIN, h=Inches(0.6),
                 size: int = 26, color: str = DARK):
    """A slide on the Title Only layout, `title` in its title placeholder (placed and styled here)."""
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY])
    ph = slide.shapes.title
    ph.name = TITLE
    ph.left, ph.top, ph.width, ph.height = x, y, w, h
    tf = ph.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.TOP
    tf.margin_left = tf.margin_right = Inches(0.05)
    tf.margin_top = tf.margin_bottom = 0
    p = tf.paragraphs[0]
    p.alignment = PP_ALIGN.LEFT
    run = p.add_run()
    run.text = title
    run.font.size, run.font.bold = Pt(size), True
    run.font.color.rgb = rgb(color)
    return slide


# -- text ------------------------------------------------------------------------------------------

def text_box(slide, x, y, w, h, lines: Sequence[tuple[str, int, str, bool]] | str, align=PP_ALIGN.LEFT,
             anchor=MSO_ANCHOR.TOP, wrap: bool = True, name: str | None = None):
    """A text box; lines: (text, size pt, colour hex, bold) each, or one plain string. A line's text may be
    a list of (text, colour) runs, e.g. a legend's coloured squares."""
    if isinstance(lines, str):
        lines = [(lines, 14, DARK, False)]
    box = slide.shapes.add_textbox(x, y, w, h)
    if name:
        box.name = name
    tf = box.text_frame
    tf.word_wrap = wrap
    tf.vertical_anchor = anchor
    tf.margin_left = tf.margin_right = Inches(0.05)
    for i, (text, size, color, bold) in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.alignment = align
        for part, part_color in text if isinstance(text, list) else [(text, color)]:
            run = p.add_run()
            run.text = part
            run.font.size, run.font.bold = Pt(size), bold
            run.font.color.rgb = rgb(part_color)
    return box


def slide_header(slide, subtitle: str, footer: str, page: str, basis: str = "") -> None:
    """The blue bar, the filters under the title, and below the content the 口径 line (`basis`), the
    source (`footer`) and the page number. The title is the slide's placeholder (``titled_slide``)."""
    bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, SLIDE_W, Inches(0.12))
    bar.fill.solid()
    bar.fill.fore_color.rgb = rgb(BLUE)
    bar.line.fill.background()
    text_box(slide, MARGIN, Inches(0.82), SLIDE_W - 2 * MARGIN, Inches(0.35), [(subtitle, 12, GREY, False)],
             name=FILTERS)
    if basis:
        size = 8 if len(basis) <= 330 else 7  # three lines of 8 pt, or four of 7 pt (all 11 target indicators)
        text_box(slide, MARGIN, CONTENT_BOTTOM + Inches(0.02), SLIDE_W - 2 * MARGIN, Inches(0.5),
                 [(basis, size, GREY, False)], name=BASIS)
    text_box(slide, MARGIN, Inches(7.1), Inches(10), Inches(0.3), [(footer, 9, GREY, False)], name=SOURCE)
    text_box(slide, SLIDE_W - MARGIN - Inches(2), Inches(7.1), Inches(2), Inches(0.3), [(page, 9, GREY, False)],
             align=PP_ALIGN.RIGHT)


def card(slide, x, y, w, h, label: str, value: str, note: str | None = None, note_color: str = GREY,
         value_color: str = DARK, name: str | None = None) -> None:
    shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, x, y, w, h)
    if name:
        shape.name = name
    shape.adjustments[0] = 0.08
    shape.fill.solid()
    shape.fill.fore_color.rgb = rgb(LIGHT)
    shape.line.color.rgb = rgb("D0D5DD")
    shape.shadow.inherit = False
    tf = shape.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.MIDDLE
    tf.margin_left = tf.margin_right = Inches(0.15)
    lines = [(label, 13, GREY, False), (value, 30, value_color, True)]
    if note:
        lines.append((note, 12, note_color, False))
    for i, (text, size, color, bold) in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.alignment = PP_ALIGN.LEFT
        r = p.add_run()
        r.text = text
        r.font.size, r.font.bold = Pt(size), bold
        r.font.color.rgb = rgb(color)


# -- charts ----------------------------------------------------------------------------------------

def bar_chart(slide, x, y, w, h, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float], str | Sequence[str]]],
              *, stacked: bool = False, horizontal: bool = True, number_format: str = '#,##0',
              label_format: str | None = None, labels: bool = True, legend: bool | None = None,
              axis_max: float | None = None, font_size: int = 12, name: str | None = None):
    """A native bar chart; series: (name, values, colour or one colour per point). Horizontal bars are
    drawn with the first category on top."""
    data = CategoryChartData(number_format=number_format)
    data.categories = list(categories)
    for label, values, _ in series:
        data.add_series(label, [None if v is None or v != v else float(v) for v in values])
    if horizontal:
        kind = XL_CHART_TYPE.BAR_STACKED if stacked else XL_CHART_TYPE.BAR_CLUSTERED
    else:
        kind = XL_CHART_TYPE.COLUMN_STACKED if stacked else XL_CHART_TYPE.COLUMN_CLUSTERED
    frame = slide.shapes.add_chart(kind, x, y, w, h, data)
    if name:
        frame.name = name
    chart = frame.chart
    chart.has_title = False  # else PowerPoint titles a one-series chart with the series name
    chart.font.size = Pt(font_size)
    chart.font.color.rgb = rgb(DARK)
    chart.has_legend = len(series) > 1 if legend is None else legend
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(font_size)
    plot = chart.plots[0]
    plot.gap_width = 50
    if stacked:
        plot.overlap = 100
    for s, (_, values, color) in zip(plot.series, series):
        s.invert_if_negative = False
        if isinstance(color, str):
            s.format.fill.solid()
            s.format.fill.fore_color.rgb = rgb(color)
        else:
            for i, c in enumerate(color):
                pt = s.points[i]
                pt.format.fill.solid()
                pt.format.fill.fore_color.rgb = rgb(c)
    if labels:
        plot.has_data_labels = True
        dl = plot.data_labels
        dl.number_format = label_format or number_format
        dl.number_format_is_linked = False
        dl.font.size = Pt(font_size - 1)
        dl.position = XL_LABEL_POSITION.CENTER if stacked else XL_LABEL_POSITION.OUTSIDE_END
        if stacked:
            dl.font.color.rgb = rgb("FFFFFF")
    va, ca = chart.value_axis, chart.category_axis
    va.has_major_gridlines = True
    va.major_gridlines.format.line.color.rgb = rgb("E6E6E6")
    va.format.line.fill.background()
    va.tick_labels.font.size = Pt(font_size - 1)
    va.tick_labels.number_format = number_format
    va.tick_labels.number_format_is_linked = False
    if axis_max is not None:
        va.maximum_scale = axis_max
    va.minimum_scale = 0
    ca.tick_labels.font.size = Pt(font_size)
    ca.format.line.color.rgb = rgb("BFBFBF")
    if horizontal:
        ca.reverse_order = True  # first category on top ...
        for crosses in chart._chartSpace.iter(qn("c:valAx")):  # ... and the value axis still at the bottom
            el = crosses.find(qn("c:crosses"))
            if el is not None:
                el.set("val", "max")
    return chart


def line_chart(slide, x, y, w, h, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float], str]],
               number_format: str = "#,##0", font_size: int = 12, name: str | None = None):
    data = CategoryChartData(number_format=number_format)
    data.categories = list(categories)
    for label, values, _ in series:
        data.add_series(label, [float(v) for v in values])
    frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, x, y, w, h, data)
    if name:
        frame.name = name
    chart = frame.chart
    chart.has_title = False
    chart.font.size = Pt(font_size)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.TOP
    chart.legend.include_in_layout = False
    for s, (_, _, color) in zip(chart.plots[0].series, series):
        s.smooth = False
        s.format.line.color.rgb = rgb(color)
        s.format.line.width = Pt(2.5)
        s.marker.format.fill.solid()
        s.marker.format.fill.fore_color.rgb = rgb(color)
        s.marker.format.line.color.rgb = rgb(color)
    va = chart.value_axis
    va.has_major_gridlines = True
    va.major_gridlines.format.line.color.rgb = rgb("E6E6E6")
    va.minimum_scale = 0
    va.tick_labels.font.size = Pt(font_size - 1)
    chart.category_axis.tick_labels.font.size = Pt(font_size - 1)
    return chart


# -- tables ----------------------------------------------------------------------------------------

def table(slide, x, y, w, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float] | None = None,
          font_size: int = 12, row_height=Inches(0.36), fills: Sequence[Sequence[str | None]] | None = None,
          align_right: Sequence[int] = (), name: str | None = None):
    """A native table; every value is text already formatted. fills: per-cell background (hex or None)."""
    n_rows, n_cols = len(rows) + 1, len(header)
    shape = slide.shapes.add_table(n_rows, n_cols, x, y, w, Emu(row_height * n_rows))
    if name:
        shape.name = name
    tbl = shape.table
    total = sum(widths) if widths else n_cols
    for j in range(n_cols):
        tbl.columns[j].width = Emu(int(w * (widths[j] if widths else 1) / total))
    for i in range(n_rows):
        tbl.rows[i].height = Emu(row_height)
    for i, values in enumerate([header, *rows]):
        for j, text in enumerate(values):
            cell = tbl.cell(i, j)
            cell.margin_left = cell.margin_right = Inches(0.06)
            cell.margin_top = cell.margin_bottom = Inches(0.02)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            tf = cell.text_frame
            tf.word_wrap = True
            p = tf.paragraphs[0]
            p.alignment = PP_ALIGN.RIGHT if (j in align_right and i > 0) else (PP_ALIGN.CENTER if i == 0 else PP_ALIGN.LEFT)
            r = p.add_run()
            r.text = "" if text is None else str(text)
            r.font.size = Pt(font_size)
            r.font.bold = i == 0
            r.font.color.rgb = rgb("FFFFFF" if i == 0 else DARK)
            cell.fill.solid()
            if i == 0:
                cell.fill.fore_color.rgb = rgb(BLUE)
            else:
                fill = fills[i - 1][j] if fills else None
                cell.fill.fore_color.rgb = rgb(fill or ("FFFFFF" if i % 2 else "F7F9FC"))
    return tbl


# -- East Asian fonts ------------------------------------------------------------------------------

_AFTER_FONTS = {qn(t) for t in ("a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst")}
_FONT_TAGS = [qn("a:latin"), qn("a:ea"), qn("a:cs")]
_PROPS = (qn("a:rPr"), qn("a:defRPr"), qn("a:endParaRPr"))


# how a suite without the font picks a substitute: a Simplified-Chinese (GB2312) sans-serif, YaHei's shape
EA_CLASS = {"charset": "-122", "pitchFamily": "34"}
PANOSE = {"Microsoft YaHei": "020B0503020204020204"}


def _ea_attributes(el, typeface: str) -> None:
    el.set("typeface", typeface)
    if typeface in PANOSE:
        el.set("panose", PANOSE[typeface])
    for k, v in EA_CLASS.items():
        el.set(k, v)


def _set_fonts(props, typeface: str) -> None:
    for child in list(props):
        if child.tag in _FONT_TAGS:
            props.remove(child)
    anchor = next((c for c in props if c.tag in _AFTER_FONTS), None)
    for tag in _FONT_TAGS:
        el = etree.SubElement(props, tag) if anchor is None else None
        if anchor is not None:
            el = props.makeelement(tag, {})
            anchor.addprevious(el)
        el.set("typeface", typeface)
        if tag == qn("a:ea"):
            _ea_attributes(el, typeface)


def _ensure_run_props(root) -> None:
    """Every a:r gets an a:rPr (a run without one would inherit only the theme's Latin font)."""
    for r in root.iter(qn("a:r")):
        if r.find(qn("a:rPr")) is None:
            r.insert(0, r.makeelement(qn("a:rPr"), {"lang": "zh-CN"}))


def apply_fonts(prs: Presentation, typeface: str = EA_FONT) -> None:
    """Latin, East Asian and complex-script typeface on every run and default in slides and charts,
    and in the theme (new text typed into the deck later)."""
    for slide in prs.slides:
        _ensure_run_props(slide._element)
        for el in slide._element.iter(*_PROPS):
            el.set("lang", "zh-CN")
            _set_fonts(el, typeface)
        for shape in slide.shapes:
            if getattr(shape, "has_chart", False) and shape.has_chart:
                space = shape.chart._chartSpace
                _ensure_run_props(space)
                for el in space.iter(*_PROPS):
                    el.set("lang", "zh-CN")
                    _set_fonts(el, typeface)
    for master in prs.slide_masters:
        for rel in master.part.rels.values():
            if rel.reltype.endswith("/theme"):
                theme = etree.fromstring(rel.target_part.blob)
                for tag in ("a:majorFont", "a:minorFont"):
                    for font in theme.iter(qn(tag)):
                        font.find(qn("a:latin")).set("typeface", typeface)
                        _ea_attributes(font.find(qn("a:ea")), typeface)
                        hans = next((f for f in font.iter(qn("a:font")) if f.get("script") == "Hans"), None)
                        if hans is None:
                            hans = etree.SubElement(font, qn("a:font"), script="Hans")
                        hans.set("typeface", typeface)
                rel.target_part._blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8",
                                                       standalone=True)


def fonts_ok(prs: Presentation, typeface: str = EA_FONT) -> list[str]:
    """Texts of runs lacking a:ea with the typeface (for tests and a self-check)."""
    bad = []
    for slide in prs.slides:
        for r in slide._element.iter(qn("a:r")):
            props = r.find(qn("a:rPr"))
            ea = props.find(qn("a:ea")) if props is not None else None
            if ea is None or ea.get("typeface") != typeface:
                bad.append("".join(t.text or "" for t in r.iter(qn("a:t"))))
    return bad


