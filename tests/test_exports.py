"""Exports: PNG per chart, Excel per table, the briefing deck — built by the pure builders and through
the pages' download buttons on the hand-built fixture; every number checked against the query layer,
personal data masked, every download in the audit log."""

import io
import time
from datetime import datetime

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest
import sqlalchemy as sa
from PIL import Image
from pptx import Presentation
from pptx.oxml.ns import qn

from dashboard.common import fmt
from dashboard.security import cookies, downloads
from dashboard.exporting import briefing, png, pptx_kit, xlsx
from dashboard.exporting.meta import ExportMeta, scrub_frame
from queries import aid, areas as areas_q, factors, households, kpis, leads, ranking, targets, trends
from queries.codes import WARNING_LEVELS
from queries.filters import Filter, period_tick
from queries.privacy import mask_frame
from tests.exports_support import (assert_no_full_ids, audit_exports, download, export_url, fetch,  # noqa: F401
                                   fixture_id_numbers, offered, q, workbook_values)
from tests.fixture_db import AS_OF, T1, V12
from tests.pages_support import chart_specs, run_page

STAMP = "数据截至 2026年6月30日"


def meta(title="测试表", scope="全县", user="县级用户（县级）") -> ExportMeta:
    return ExportMeta(title=title, county="测试县", scope=scope, stamp=STAMP, period="2026年第2季度", user=user,
                      generated=datetime(2026, 7, 1, 9, 30))


# --- PNG ------------------------------------------------------------------------------------------

def bar_figure(n: int = 3, height: int | None = None) -> go.Figure:
    fig = go.Figure(go.Bar(x=[f"乡镇{i}" for i in range(n)], y=list(range(1, n + 1))))
    fig.update_layout(title="按级别（条）", height=height)
    return fig


def test_png_has_the_requested_pixel_size_and_leaves_the_figure_alone():
    fig = bar_figure()
    before = fig.to_json()
    data = png.figure_png(fig, meta("各乡镇未解除预警"), png.Size(width=800, height=450, scale=2))
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG" and img.size == (1600, 900)
    assert fig.to_json() == before  # the on-screen figure is not decorated
    # the default: 1600x900 at scale 2; a chart taller on screen keeps its height
    default, tall = png.figures_png([(fig, meta()), (bar_figure(40, height=1200), meta())])
    assert Image.open(io.BytesIO(default)).size == (3200, 1800)
    assert Image.open(io.BytesIO(tall)).size == (3200, 2 * png.export_height(bar_figure(40, 1200), png.Size(), meta()))
    # the header band is drawn (dark title pixels in the top-left corner), not blank
    corner = Image.open(io.BytesIO(default)).convert("L").crop((40, 20, 900, 120))
    assert corner.getextrema()[0] < 100


def test_png_decoration_carries_title_filters_stamp_and_exporter():
    m = meta("各乡镇未解除预警", scope="城关镇 · 脱贫不稳定户")
    out = png.decorate(bar_figure(), m, 900)
    assert m.title in out.layout.title.text
    sub = out.layout.title.subtitle.text
    assert "按级别（条）" in sub  # the chart's own note stays
    assert "城关镇 · 脱贫不稳定户" in sub and STAMP in sub and "2026年第2季度" in sub
    assert any("导出人：县级用户（县级）" in a.text for a in out.layout.annotations)
    assert "Noto Sans CJK SC" in out.layout.font.family


def test_png_timing_per_figure_is_reasonable():
    figs = [(bar_figure(5 + i), meta(f"图{i}")) for i in range(4)]
    png.figures_png(figs[:1])  # warm the browser
    t = time.perf_counter()
    out = png.figures_png(figs)
    per_figure = (time.perf_counter() - t) / len(figs)
    print(f"PNG per figure (warm, batch of 4): {per_figure:.2f} s")
    assert len(out) == 4 and per_figure < 3


# --- Excel ----------------------------------------------------------------------------------------

def ranking_view(url: str, f: Filter) -> pd.DataFrame:
    r = q(url, ranking.township_ranking, f)
    cols = {"rank_level": "水平名次", "rank_improvement": "进步名次", "name": "乡镇", "per_100": "每百户预警",
            "per_100_change": "较上季度", "overdue": "超15天未研判", "overdue_change": "较上季度 ",
            "coverage": "措施覆盖率%", "coverage_change": "较上季度(百分点)",
            "targets_met_share": "目标达标比例%", "targets_met_share_change": "较上季度(百分点) "}
    return r[list(cols)].rename(columns=cols).round(2)


def test_xlsx_layout_formats_and_values(app_db):
    f = Filter(as_of=AS_OF)
    view = ranking_view(app_db, f)
    data = xlsx.table_xlsx(view, meta("乡镇排名（按当前水平）"), kinds={"每百户预警": "num2", "较上季度": "signed2"})
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "乡镇排名（按当前水平）"
    assert "测试县 · 全县" in ws["A2"].value and STAMP in ws["A2"].value and "2026年第2季度" in ws["A2"].value
    assert "导出人：县级用户（县级）" in ws["A4"].value
    assert [c.value for c in ws[5]] == [c.strip() for c in view.columns]  # Chinese headers
    assert ws.freeze_panes == "A6"
    assert ws.auto_filter.ref.startswith("A5")
    assert ws["A1"].font.b and ws["A1"].font.sz == 16
    formats = {ws.cell(5, j).value: ws.cell(6, j).number_format for j in range(1, ws.max_column + 1)}
    assert formats["水平名次"] == "#,##0"
    assert formats["每百户预警"] == "#,##0.00"
    assert formats["措施覆盖率%"] == "0.0%"
    assert formats["较上季度(百分点)"] == "+0.0;-0.0;0.0"
    assert formats["乡镇"] == "@"
    rows = list(ws.iter_rows(min_row=6, values_only=True))
    assert [r[2] for r in rows] == view["乡镇"].tolist()
    assert [r[0] for r in rows] == view["水平名次"].tolist()
    for r, (_, v) in zip(rows, view.iterrows()):
        expected = None if pd.isna(v["措施覆盖率%"]) else pytest.approx(v["措施覆盖率%"] / 100)
        assert r[7] == expected  # percentages are stored as fractions
        assert r[3] == (None if pd.isna(v["每百户预警"]) else pytest.approx(v["每百户预警"]))
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert all(8 <= w <= 62 for w in widths.values())
    assert widths["I"] >= xlsx.display_width("较上季度(百分点)")  # a Chinese header fits its column


def test_xlsx_column_kinds():
    df = pd.DataFrame({"户数": [1, 2], "覆盖率%": [50.0, 100.0], "较上季度(百分点)": [1.5, -2.0], "名称": ["甲", "乙"],
                       "金额(万元)": [1.25, 3.5], "较上季度": [1, -1], "日期": [AS_OF, AS_OF]})
    kinds = {c: xlsx.column_kind(c, df[c]) for c in df.columns}
    assert kinds == {"户数": "int", "覆盖率%": "pct", "较上季度(百分点)": "pp", "名称": "text", "金额(万元)": "num2",
                     "较上季度": "signed", "日期": "date"}
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.table_xlsx(df, meta()))).active
    assert ws["G6"].number_format == "yyyy-mm-dd" and ws["G6"].value.date() == AS_OF


def test_xlsx_of_personal_data_contains_no_full_id_number(app_db):
    ids = fixture_id_numbers(app_db)
    hid = q(app_db, households.household_id_by_code, Filter(as_of=AS_OF),
            q(app_db, leads.open_lead_list, Filter(as_of=AS_OF)).household_code.iloc[0])
    members = q(app_db, households.household_record, Filter(as_of=AS_OF), hid)["members"]
    assert members.id_number.isin(ids).all()
    for level in ("masked", "strict"):
        data = xlsx.table_xlsx(mask_frame(members, level), meta("家庭成员"))
        assert_no_full_ids(data, ids, workbook_values(data))
    # the safety net: even an unmasked frame (a "revealed" view) leaves without full ID or mobile numbers
    data = xlsx.table_xlsx(members, meta("家庭成员"))
    values = workbook_values(data)
    assert_no_full_ids(data, ids, values)
    shown = [v for v in values if isinstance(v, str) and "*" in v]
    assert any(v.startswith("439901") and v.count("*") == 8 for v in shown)  # 439901********1234
    assert not any(p in map(str, values) for p in members.phone.dropna())


def test_scrub_keeps_codes_that_are_not_id_numbers():
    df = pd.DataFrame({"户编号": ["4399011012010001"], "村代码": ["439901101201"], "身份证": ["43990119610202001X"],
                       "电话": ["13900000001"]})
    out = scrub_frame(df).iloc[0].tolist()
    assert out[:2] == ["4399011012010001", "439901101201"]
    assert out[2] == "439901********001X" and out[3] == "139****0001"


# --- PowerPoint -----------------------------------------------------------------------------------

def deck(url: str, f: Filter, per_township: bool = True, user_scope: str | None = None):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            towns = areas_q.township_list(conn, Filter(as_of=f.as_of, scope=user_scope))
            m = meta("测试县防返贫动态监测工作简报", scope="全县")
            t = time.perf_counter()
            data = briefing.briefing_pptx(lambda fn, *a: fn(conn, *a), f, towns, m, per_township)
            seconds = time.perf_counter() - t
            return data, briefing.plan(f, towns, per_township), towns, seconds
    finally:
        engine.dispose()


def shape(slide, name):
    hits = [s for s in slide.shapes if s.name == name]
    assert hits, f"no shape {name!r} on slide: {[s.name for s in slide.shapes]}"
    return hits[0]


def chart_data(slide, name) -> tuple[list[str], dict[str, list]]:
    chart = shape(slide, name).chart
    plot = chart.plots[0]
    return list(plot.categories), {s.name: list(s.values) for s in plot.series}


def slide_by_key(prs, plan, key, arg=None):
    i = next(i for i, s in enumerate(plan) if s.key == key and (arg is None or s.arg == arg))
    return prs.slides[i]


def table_rows(slide, name) -> list[list[str]]:
    tbl = shape(slide, name).table
    return [[c.text for c in row.cells] for row in tbl.rows]


def test_briefing_deck_slides_fonts_and_numbers(app_db):
    f = Filter(as_of=AS_OF)
    data, plan, towns, seconds = deck(app_db, f)
    print(f"briefing deck on the fixture: {seconds:.2f} s, {len(plan)} slides, {len(data) / 1024:.0f} KB")
    assert seconds < 10
    prs = Presentation(io.BytesIO(data))
    assert len(prs.slides) == len(plan)
    titles = [shape(s, pptx_kit.TITLE).text_frame.text.split("\n")[0] for s in prs.slides]
    assert titles[0] == "测试县防返贫动态监测工作简报"
    assert titles[1:] == [s.title for s in plan[1:]]
    assert titles[1:16] == ["核心指标（较上季度）", "新增线索与风险消除趋势", "各乡镇未解除预警（按级别）", "风险因子构成",
                            "各乡镇帮扶措施覆盖率", "各政策工具帮扶措施进度", "衔接资金项目进度", "目标考核：比率指标完成情况",
                            "目标考核：比率指标明细", "目标考核：计数指标", "目标考核：按当前进度预计",
                            "流程督办：各乡镇识别环节与超期交办", "整改：各乡镇巡查问题整改", "乡镇排名", "差距最大的村"]
    assert titles[16:] == ["乡镇情况：城关镇", "乡镇情况：青山镇", "乡镇情况：石门乡"]
    for s in list(prs.slides)[1:]:
        assert STAMP in shape(s, pptx_kit.FILTERS).text_frame.text and "测试县 · 全县" in shape(s, pptx_kit.FILTERS).text_frame.text

    # East Asian font on every run of every slide and in every chart's text properties
    assert pptx_kit.fonts_ok(prs) == []
    runs = [r for s in prs.slides for r in s._element.iter(qn("a:r"))]
    assert runs and all(r.find(qn("a:rPr")).find(qn("a:ea")).get("typeface") == pptx_kit.EA_FONT for r in runs)
    for s in prs.slides:
        for sh in s.shapes:
            if sh.has_chart:
                props = list(sh.chart._chartSpace.iter(qn("a:defRPr")))
                assert props and all(p.find(qn("a:ea")).get("typeface") == pptx_kit.EA_FONT for p in props)

    # headline KPIs with the change vs last quarter
    k = q(app_db, kpis.headline_kpis, f)
    s = slide_by_key(prs, plan, "kpis")
    for r in k.itertuples():
        text = shape(s, f"kpi:{r.key}").text_frame.text
        assert fmt.value(r.value, r.unit) in text and (fmt.delta(r.change, r.unit) or "—") in text, r.key
    assert "9" in shape(s, "kpi:monitored").text_frame.text and "+1" in shape(s, "kpi:monitored").text_frame.text

    # trend (native line chart)
    t = q(app_db, trends.monthly_trend, f)
    cats, series = chart_data(slide_by_key(prs, plan, "trend"), "chart:trend")
    assert cats == [period_tick(p) for p in t.period]
    assert series == {label: [float(v) for v in t[key]] for key, label in trends.TREND_KINDS.items()}

    # warnings by township (stacked bars): the query layer's numbers, most warnings first
    by_town = q(app_db, leads.leads_by_area, f, "township").set_index("name")
    cats, series = chart_data(slide_by_key(prs, plan, "warnings"), "chart:warnings")
    assert cats == ["城关镇", "青山镇", "石门乡"]
    for lv, label in WARNING_LEVELS.items():
        assert series[label] == [float(by_town.loc[c, f"open_{lv}"]) for c in cats]
    assert series["红色预警"] == [2.0, 1.0, 0.0]  # counted by hand in tests/fixture_db.py

    # factor breakdown
    fb = q(app_db, factors.factor_breakdown, f).set_index("type_label")
    cats, series = chart_data(slide_by_key(prs, plan, "factors"), "chart:factor_types")
    assert dict(zip(cats, series["存在该风险的户数"])) == {c: float(fb.loc[c, "households"]) for c in cats}
    assert set(cats) == set(fb.index)
    mf = q(app_db, factors.multi_factor_households, f)
    cats, series = chart_data(slide_by_key(prs, plan, "factors"), "chart:multi_factor")
    assert series["户数"] == [float(v) for v in mf.households] == [6.0, 2.0, 1.0]

    # aid progress
    cov = q(app_db, aid.measure_coverage, f, "township").set_index("name")
    cats, series = chart_data(slide_by_key(prs, plan, "coverage"), "chart:coverage")
    assert dict(zip(cats, series["帮扶措施覆盖率"])) == {c: pytest.approx(round(cov.loc[c, "coverage"], 1)) for c in cats}
    assert cats == ["城关镇", "青山镇"]  # townships without monitored households are left out
    tools = q(app_db, aid.measures_by_tool, f)
    tools = tools[tools.total > 0]
    cats, series = chart_data(slide_by_key(prs, plan, "tools"), "chart:tools")
    assert cats == [f"{g}·{n}" for g, n in zip(tools.group_label, tools.tool_label)]
    assert series["已完成"] == [float(v) for v in tools.completed] and sum(series["已完成"]) == 9
    assert series["逾期未完成"] == [float(v) for v in tools.overdue] and sum(series["逾期未完成"]) == 2
    funds = q(app_db, aid.funds_by_area, f, "township").set_index("name")
    cats, series = chart_data(slide_by_key(prs, plan, "funds"), "chart:disbursement")
    assert dict(zip(cats, series["资金支出进度"])) == {c: pytest.approx(round(funds.loc[c, "disbursement_rate"], 1))
                                                  for c in cats}

    # every target indicator: the chart (rates) and the table (all)
    ts = q(app_db, targets.target_status, f, "county")
    rates = ts[(ts.unit == "%") & ts.value.notna()]
    cats, series = chart_data(slide_by_key(prs, plan, "targets_chart"), "chart:targets")
    assert cats == rates.indicator_name.tolist()
    assert series["当前值"] == pytest.approx(rates.value.round(1).tolist())
    assert series["目标值"] == pytest.approx(rates.target.tolist())
    rows = table_rows(slide_by_key(prs, plan, "targets_table"), "table:targets")   # the rates; counts on their own
    all_rates = ts[ts.unit == "%"]
    assert [r[0] for r in rows[1:]] == all_rates.indicator_name.tolist()
    assert [r[5] for r in rows[1:]] == all_rates.status.map(targets.STATUS).tolist()
    counts = ts[ts.unit != "%"]
    on_slide = slide_by_key(prs, plan, "targets_counts")
    for r in counts.itertuples():
        text = shape(on_slide, f"card:{r.indicator_name}").text_frame.text
        unit = targets.BY_KEY[r.indicator].unit
        assert ("未导入" if r.status == "missing" else f"{fmt.count(r.value)} {unit}") in text, r.indicator
    tap = next(r for r in rows if r[0] == "农村自来水普及率")
    assert tap[2] == "95.0%" and tap[3] == "≥95%"  # hand-counted: 475/500

    # township ranking
    r = q(app_db, ranking.township_ranking, f)
    rows = table_rows(slide_by_key(prs, plan, "ranking"), "table:ranking")
    assert [x[2] for x in rows[1:]] == r.name.tolist()
    assert [x[0] for x in rows[1:]] == [str(v) for v in r.rank_level]

    # lagging villages: every village listed has that many indicators behind target in the query layer
    vs = q(app_db, targets.target_status, f, "village")
    rows = table_rows(slide_by_key(prs, plan, "lagging"), "table:lagging")
    assert rows[0][:4] == ["乡镇", "村", "未达标项数", "接近项数"]
    names = dict(zip(vs.name, vs.code))
    for row in rows[1:]:
        mine = vs[vs.code == names[row[1]]]
        assert int(row[2]) == (mine.status == "behind").sum() and int(row[3]) == (mine.status == "near").sum()
    for key in ("tap_water", "clinic_standard"):
        for v in q(app_db, targets.lagging_villages, f, key, 20).name:
            assert v in [x[1] for x in rows[1:]]
    assert rows[1][1] == "南溪村"

    # one slide per township: its numbers and its villages' warnings
    summary = briefing.township_summary(lambda fn, *a: q(app_db, fn, *a), f).set_index("code")
    villages = q(app_db, leads.leads_by_area, f, "village")
    s = slide_by_key(prs, plan, "township", T1)
    assert summary.loc[T1, "monitored"] == 5 and "5 户" in shape(s, "card:监测户").text_frame.text
    assert "9 条" in shape(s, "card:未解除预警").text_frame.text
    assert "2 条" in shape(s, "card:超15天未研判").text_frame.text
    assert "80.0%" in shape(s, "card:帮扶措施覆盖率").text_frame.text
    cats, series = chart_data(s, "chart:villages")
    mine = villages[villages.township_code == T1].set_index("name")
    assert set(cats) == {"东山村", "西岭村", "南溪村"}
    for lv, label in WARNING_LEVELS.items():
        assert series[label] == [float(mine.loc[c, f"open_{lv}"]) for c in cats]
    s = slide_by_key(prs, plan, "township", "439901103")
    assert not any(sh.has_chart for sh in s.shapes)  # 石门乡: no warnings, a sentence instead


def test_briefing_deck_for_a_township_and_category(app_db):
    f = Filter(as_of=AS_OF, township=T1, category="unstable", period="month")
    data, plan, towns, _ = deck(app_db, f)
    prs = Presentation(io.BytesIO(data))
    keys = [s.key for s in plan]
    assert "ranking" not in keys and keys.count("township") == 1 and len(prs.slides) == len(plan)
    assert shape(prs.slides[3], pptx_kit.TITLE).text_frame.text == "各村未解除预警（按级别）"
    by_village = q(app_db, leads.leads_by_area, f, "village").set_index("name")
    cats, series = chart_data(prs.slides[3], "chart:warnings")
    assert set(cats) <= set(by_village.index)
    assert series["红色预警"] == [float(by_village.loc[c, "open_red"]) for c in cats]
    k = q(app_db, kpis.headline_kpis, f).set_index("key")
    assert fmt.value(k.loc["monitored", "value"], "户") in shape(prs.slides[1], "kpi:monitored").text_frame.text
    t = q(app_db, trends.monthly_trend, f)
    cats, _ = chart_data(prs.slides[2], "chart:trend")
    assert cats == [period_tick(p) for p in t.period] and cats[-1] == "2026-06"
    assert pptx_kit.fonts_ok(prs) == []


def test_briefing_deck_with_nothing_in_scope(app_db):
    f = Filter(as_of=AS_OF, township="439901103")  # 石门乡: no households
    data, plan, _, _ = deck(app_db, f)
    prs = Presentation(io.BytesIO(data))
    assert len(prs.slides) == len(plan)
    texts = " ".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    assert "没有未解除的预警" in texts and "没有监测户" in texts


# --- through the pages: what the buttons offer, masking, audit --------------------------------------

def count_buttons(at, label) -> int:
    return sum(1 for b in at.link_button if b.proto.label == label)


@pytest.mark.parametrize("page, params", [("overview", {}), ("warnings", {}), ("warnings", {"town": T1}),
                                          ("factors", {}), ("aid", {}), ("targets", {}), ("definitions", {})])
def test_every_chart_and_table_has_a_download_button(app_db, page, params):
    at = run_page(page, params)
    assert not at.exception
    assert count_buttons(at, "下载图片") == len(chart_specs(at))
    tables = len(at.dataframe) + len(at.table)
    expected = {"targets": tables + 1,  # + the indicator cards
                "definitions": 2}.get(page, tables)  # one workbook of every metric, and the factor-tool table
    assert count_buttons(at, "下载Excel") == expected


def test_page_png_download_is_the_chart_on_screen_and_is_audited(app_db, offered):
    at = run_page("overview", {"town": T1})
    assert not at.exception
    o = offered.by_key("dl_png_overview_warnings")
    assert o.file_name == "各村未解除预警_城关镇_2026-06-30.png"
    img = Image.open(io.BytesIO(o.build()))
    assert img.size == (3200, 1800)
    assert audit_exports().empty  # drawing the button is not an export
    download(at, "dl_png_overview_warnings")
    ev = audit_exports("county")
    assert len(ev) == 1 and ev.target.iloc[0] == o.file_name and ev.detail.iloc[0] == "png"
    assert '"township": "439901101"' in ev.filters.iloc[0] and "2026-06-30" in ev.filters.iloc[0]


def test_page_excel_download_matches_the_table_and_is_audited(app_db, offered):
    at = run_page("overview", {"cat": "unstable"})
    assert not at.exception
    o = offered.by_key("dl_xlsx_overview_rank_level")
    ws = openpyxl.load_workbook(io.BytesIO(o.build())).active
    assert "脱贫不稳定户" in ws["A2"].value and STAMP in ws["A2"].value
    table = at.dataframe[0].value
    assert [r[2] for r in ws.iter_rows(min_row=6, values_only=True)] == table["乡镇"].tolist()
    download(at, "dl_xlsx_overview_rank_level")
    ev = audit_exports()
    assert ev.action.tolist() == ["export"] and ev.target.iloc[0].endswith(".xlsx")
    assert '"category": "unstable"' in ev.filters.iloc[0]


@pytest.mark.parametrize("user, masked", [("county", False), ("inspector", True)])
def test_household_list_export_is_masked_like_the_screen(app_db, offered, user, masked):
    at = run_page("warnings", {"town": T1, "village": V12}, user=user)
    assert not at.exception
    shown = at.dataframe[0].value["户主"].tolist()
    o = offered.by_key("dl_xlsx_warn_leads")
    data = o.build()
    values = workbook_values(data)
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(min_row=6, values_only=True))
    assert [r[1] for r in rows] == shown  # the same names as on screen
    assert all(("*" in n) == masked for n in shown)
    assert_no_full_ids(data, fixture_id_numbers(app_db), values)
    download(at, "dl_xlsx_warn_leads")
    assert audit_exports(user).target.tolist() == [o.file_name]


# --- the /export route's rules, in process (tests/test_export_route.py runs them over real HTTP) ---------

def test_export_url_stays_the_same_across_reruns_and_serves_the_newest_build(app_db):
    at = run_page("overview")
    url = export_url(at, "dl_xlsx_overview_rank_level")
    at.run()
    assert export_url(at, "dl_xlsx_overview_rank_level") == url  # a rerun does not pile up new offers
    other = run_page("overview")  # another login of the same user: its own token
    assert export_url(other, "dl_xlsx_overview_rank_level") != url
    assert fetch(at, "dl_xlsx_overview_rank_level", cookie=cookies.sign(other.session_state["auth_sid"])).status == 404
    assert audit_exports().empty


def test_export_dies_at_logout_and_when_it_expires(app_db, monkeypatch):
    at = run_page("overview")
    cookie = cookies.sign(at.session_state["auth_sid"])
    assert fetch(at, "dl_xlsx_overview_rank_level", cookie).status == 200
    later = time.time() + downloads.OFFER_SECONDS + 1
    with monkeypatch.context() as m:
        m.setattr(downloads.time, "time", lambda: later)
        reply = fetch(at, "dl_xlsx_overview_rank_level", cookie)
    assert reply.status == 404 and "过期" in reply.body.decode()
    url = export_url(at, "dl_xlsx_overview_rank_level")
    at.button(key="logout").click().run()
    reply = downloads.respond(url[len(downloads.PATH):], cookie)
    assert reply.status == 403 and "登录" in reply.body.decode()
    assert len(audit_exports("county")) == 1


def test_content_disposition_names_the_chinese_file():
    value = downloads.content_disposition("乡镇排名_全县 2026.xlsx")
    assert value == ("attachment; filename=\"________2026.xlsx\"; "
                     "filename*=UTF-8''%E4%B9%A1%E9%95%87%E6%8E%92%E5%90%8D_%E5%85%A8%E5%8E%BF%202026.xlsx")


def test_import_template_is_served_by_the_route_and_audited(app_db):
    from tests.hostile_exports import xlsx_texts

    at = run_page("data_import", user="admin")
    assert not at.exception
    texts = xlsx_texts(download(at, "import_template"))
    assert "户编号" in texts  # the template (a header of its 农户 sheet), with no formula cell
    ev = audit_exports("admin")
    assert ev.target.tolist() == ["防返贫监测台账导入模板.xlsx"] and ev.detail.tolist() == ["template"]


def test_export_refused_in_chinese_when_the_store_or_the_audit_fails(app_db, monkeypatch):
    """No file without its audit row: a store that cannot be read or written refuses the download."""
    at = run_page("overview")
    cookie = cookies.sign(at.session_state["auth_sid"])

    def down(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT", {}, Exception("store down"))

    with monkeypatch.context() as m:
        m.setattr(downloads.store, "log", down)
        reply = fetch(at, "dl_xlsx_overview_rank_level", cookie)
    assert reply.status == 503 and "审计日志" in reply.body.decode()
    with monkeypatch.context() as m:
        m.setattr(downloads.store, "session_user", down)
        reply = fetch(at, "dl_xlsx_overview_rank_level", cookie)
    assert reply.status == 503 and "登录服务" in reply.body.decode()
    assert audit_exports().empty


def test_no_page_offers_a_file_through_streamlit_media():
    """st.download_button files are served from /media without any login check, and a client can fetch a deferred
    one without the click handler running: every download goes through dashboard/common/exports.py instead."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "dashboard"
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py") if "download_button(" in p.read_text()]
    assert offenders == []


# A table whose rows are disjoint parts of one whole (areas, units, categories, projects, sources) downloads with
# a 合计 row: counts and money summed, rates, ranks, medians and days left blank (xlsx.total_row).
TOTALLED = [("warnings", "warn_table_township", "未解除合计"), ("aid", "aid_projects", "预算(万元)"),
            ("screening", "scr_areas", "疑似漏评户"), ("crosscheck", "xc_sources", "本期线索（条）")]


@pytest.mark.parametrize(("page", "key", "column"), TOTALLED, ids=[k for _, k, _ in TOTALLED])
def test_tables_of_parts_download_with_their_total(app_db, page, key, column):
    at = run_page(page)
    assert not at.exception
    ws = openpyxl.load_workbook(io.BytesIO(download(at, f"dl_xlsx_{key}")), data_only=True).active  # cached totals
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, r in enumerate(rows) if column in r)
    j = rows[header].index(column)
    total = next(i for i, r in enumerate(rows) if r[0] == "合计")
    body = [r[j] for r in rows[header + 1:total]]
    assert body and rows[total][j] == pytest.approx(sum(v or 0 for v in body))
    blank = [h for h in rows[header] if h and any(w in str(h) for w in ("率", "中位数", "每百户", "天数"))]
    assert all(rows[total][rows[header].index(h)] in (None, "") for h in blank)
