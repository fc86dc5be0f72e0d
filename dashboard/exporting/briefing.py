"""会议简报: the PowerPoint deck for a meeting, for the current filters.

``plan`` lists the slides (no database work, for the page's preview); ``collect`` runs the query-layer
calls through ``q(fn, *args)`` (``data.query`` in the app, a plain connection in tests) and
``build_deck`` turns the result into a .pptx with native, editable charts and tables. The numbers on
every slide are the query layer's numbers for the same filter, as on the dashboard pages.
``township_summary`` and ``village_warnings`` are shared with the 会议模式 page.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, replace
from typing import Any, Callable

import pandas as pd
from pptx.util import Inches

from dashboard.common import fmt
from dashboard.exporting import pptx_kit as kit
from dashboard.exporting import briefing_slides as slides_more
from dashboard.exporting.meta import ExportMeta
from queries import aid, factors, kpis, leads, ranking, targets, trends, workflow
from queries.codes import AREA_UNITS, FACTOR_GROUPS, LEVEL_COLORS, MONITOR_CATEGORIES, WARNING_LEVELS
from queries.filters import Filter, partial_note, period_tick, units_below
from queries.metrics import basis, metric
from queries.targets import BY_KEY, STATUS

Q = Callable[..., Any]  # q(query_function, *args) -> the function's result for the dashboard's database
DECK_TITLE = "防返贫动态监测工作简报"
RANK_ROWS = 16        # township ranking rows per slide
LAGGING_VILLAGES = 10
GROUP_COLORS = {"income": "1F5FA8", "expense": "8E44AD", "accident": "00838F", "other": "757575"}
TREND_COLORS = ["1F5FA8", "F28C28", "2E7D32"]
TEXT_LEVEL_COLORS = {"red": "D7263D", "orange": "D9730D", "yellow": "B58900"}  # readable as text on white
MEASURE_COLORS = {"completed": ("已完成", "2E7D32"), "in_progress": ("实施中", "1F5FA8"), "overdue": ("逾期未完成", "D7263D")}
# which direction of change is good news (as on 总览): +1 higher is better, -1 lower is better, 0 neutral
GOOD_DIRECTION = {"open_red": -1, "open_orange": -1, "open_yellow": -1, "overdue_leads": -1, "no_measure": -1,
                  "eliminated": 1, "elimination_rate": 1}
KPI_ROWS = [["monitored", *[f"monitored_{c}" for c in MONITOR_CATEGORIES]],
            [*[f"open_{lv}" for lv in WARNING_LEVELS], "overdue_leads"],
            ["eliminated", "elimination_rate", "no_measure"]]


def area_level(f: Filter, city: bool = False) -> tuple[str, str]:
    """The level the by-area slides show, as on the pages: a city's counties, townships, or a township's
    villages."""
    by = units_below(f, city)
    return by, "各" + AREA_UNITS[by]


def scope_level(f: Filter) -> str:
    return "village" if f.village else "township" if f.township else "all"


# -- the slide list ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Slide:
    key: str
    title: str
    arg: Any = None

    @property
    def metrics(self) -> list[str]:
        """The metrics (queries.metrics keys) whose 口径 the slide carries."""
        return SLIDE_METRICS.get(self.key, [])


TARGET_METRICS = [f"target_{k}" for k in BY_KEY]
# the 口径 line holds about 500 characters: the rates, and the counts, each on their own slides
RATE_METRICS = [f"target_{i.key}" for i in targets.INDICATORS if i.is_rate]
COUNT_METRICS = [f"target_{i.key}" for i in targets.INDICATORS if not i.is_rate]
VILLAGE_METRICS = RATE_METRICS + [f"target_{i.key}" for i in targets.INDICATORS if not i.is_rate and not i.at_least]
SLIDE_METRICS = {
    "kpis": ["monitored", "open_warnings", "overdue_leads", "eliminated", "elimination_rate", "no_measure"],
    "trend": list(trends.TREND_KINDS), "warnings": ["open_warnings", "overdue_leads", "pending_leads"],
    "factors": ["factor_households", "factor_group_households", "multi_factor"],
    "coverage": ["measure_coverage", "no_helper", "measures_overdue"],
    "tools": ["measures_completed", "measures_in_progress", "measures_overdue"],
    "funds": ["disbursement_rate", "industry_share", "projects_overdue"],
    "targets_chart": RATE_METRICS, "targets_table": RATE_METRICS, "lagging": VILLAGE_METRICS,
    "targets_counts": [*COUNT_METRICS, "target_projection"], "targets_outlook": ["target_projection"],
    "workflow": ["workflow_funnel", "assignments_open", "assignments_overdue", "assignments_on_time_rate"],
    "findings": ["findings_open", "findings_overdue", "findings_closure_rate"],
    "ranking": ["rank_level", "rank_improvement"],
    "township": ["monitored", "open_warnings", "overdue_leads", "warnings_per_100", "measure_coverage", "targets_met_share"],
}


def plan(f: Filter, towns: pd.DataFrame, per_township: bool = False) -> list[Slide]:
    """Every slide of the deck, in order (towns: code, name of the townships in scope)."""
    _, where = area_level(f)
    slides = [Slide("cover", DECK_TITLE), Slide("kpis", "核心指标（较上季度）"),
              Slide("trend", "新增线索与风险消除趋势"), Slide("warnings", f"{where}未解除预警（按级别）"),
              Slide("factors", "风险因子构成"), Slide("coverage", f"{where}帮扶措施覆盖率"),
              Slide("tools", "各政策工具帮扶措施进度"), Slide("funds", "衔接资金项目进度"),
              Slide("targets_chart", "目标考核：比率指标完成情况"), Slide("targets_table", "目标考核：比率指标明细"),
              Slide("targets_counts", "目标考核：计数指标"), Slide("targets_outlook", "目标考核：按当前进度预计"),
              Slide("workflow", f"流程督办：{where}识别环节与超期交办"), Slide("findings", f"整改：{where}巡查问题整改")]
    if not f.township:
        pages = max(1, math.ceil(len(towns) / RANK_ROWS))
        slides += [Slide("ranking", "乡镇排名" + (f"（{i + 1}/{pages}）" if pages > 1 else ""), i) for i in range(pages)]
    slides.append(Slide("lagging", "差距最大的村"))
    if per_township:
        shown = towns[towns.code == f.township] if f.township else towns
        slides += [Slide("township", f"乡镇情况：{r.name}", r.code) for r in shown.itertuples()]
    return slides


# -- the data ----------------------------------------------------------------------------------------

@dataclass
class Briefing:
    f: Filter
    towns: pd.DataFrame
    kpis: pd.DataFrame
    trend: pd.DataFrame
    warnings: pd.DataFrame
    factor_types: pd.DataFrame
    factor_groups: pd.DataFrame
    multi: pd.DataFrame
    coverage: pd.DataFrame
    coverage_total: pd.Series
    tools: pd.DataFrame
    funds: pd.DataFrame
    funds_total: pd.Series
    targets: pd.DataFrame
    villages_status: pd.DataFrame
    ranking: pd.DataFrame | None = None
    townships: pd.DataFrame | None = None
    village_warnings: pd.DataFrame | None = None
    projections: pd.DataFrame | None = None
    workflow_coverage: pd.Series | None = None    # rows of steps / 交办 / findings in scope (0: not imported)
    funnel: pd.DataFrame | None = None
    funnel_total: pd.Series | None = None
    units: pd.DataFrame | None = None
    findings: pd.DataFrame | None = None
    findings_total: pd.Series | None = None
    red_overdue: int = 0                           # overdue 交办 of red warnings


def township_summary(q: Q, f: Filter) -> pd.DataFrame:
    """One row per township in scope: households, open warnings by level, per 100 households, overdue,
    pending, monitored households, measure coverage, targets met of those with a target."""
    ld = q(leads.leads_by_area, f, "township")
    cov = q(aid.measure_coverage, f, "township")[["code", "monitored", "with_measure", "without_measure", "no_helper",
                                                  "coverage"]]
    ts = targets.judged(q(targets.target_status, f, "township"))
    met = ts.assign(met=(ts.status == "met").astype(int)).groupby("code", as_index=False).agg(
        targets_met=("met", "sum"), targets_total=("met", "size"))
    out = ld.merge(cov, on="code", how="left").merge(met, on="code", how="left")
    out[["targets_met", "targets_total"]] = out[["targets_met", "targets_total"]].fillna(0).astype(int)
    return out.reset_index(drop=True)


def village_warnings(q: Q, f: Filter) -> pd.DataFrame:
    """Open warnings by level for every village in scope (township_code says where each belongs)."""
    return q(leads.leads_by_area, replace(f, village=None), "village")


def collect(q: Q, f: Filter, towns: pd.DataFrame, per_township: bool = False) -> Briefing:
    by, _ = area_level(f)
    cov_total = q(aid.measure_coverage, f, "all").iloc[0]
    funds_total = q(aid.funds_by_area, f, "all")
    b = Briefing(
        f=f, towns=towns, kpis=q(kpis.headline_kpis, f), trend=q(trends.monthly_trend, f),
        warnings=q(leads.leads_by_area, f, by), factor_types=q(factors.factor_breakdown, f),
        factor_groups=q(factors.factor_groups, f),
        multi=q(factors.multi_factor_households, f), coverage=q(aid.measure_coverage, f, by),
        coverage_total=cov_total, tools=q(aid.measures_by_tool, f), funds=q(aid.funds_by_area, f, by),
        funds_total=funds_total.iloc[0] if len(funds_total) else pd.Series(dtype=float),
        targets=q(targets.target_status, f, scope_level(f)), villages_status=q(targets.target_status, f, "village"))
    b.projections = q(targets.target_projections, f)
    b.workflow_coverage = q(workflow.workflow_coverage, f).iloc[0]
    b.funnel, b.funnel_total = q(workflow.step_funnel, f, by), q(workflow.step_funnel, f, "all").iloc[0]
    b.units = q(workflow.assignments_by_unit, f)
    head = q(workflow.workflow_headline, f).set_index("key")
    b.red_overdue = int(head.red.get("assignments_overdue") or 0) if pd.notna(head.red.get("assignments_overdue")) else 0
    b.findings, b.findings_total = q(workflow.findings_by_area, f, by), q(workflow.findings_by_area, f, "all").iloc[0]
    if not f.township:
        b.ranking = ranking.ranking_from(q, f)
    if per_township:
        b.townships = township_summary(q, f)
        b.village_warnings = village_warnings(q, f)
    return b


# -- the deck ----------------------------------------------------------------------------------------

def _n(v) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def _change_color(key: str, change) -> str:
    d = GOOD_DIRECTION.get(key, 0)
    if not d or _n(change) is None or abs(float(change)) < 1e-9:
        return kit.GREY
    return kit.GOOD if change * d > 0 else kit.BAD


_content_box = slides_more.content_box


_empty = slides_more.empty


def _cover(prs, b: Briefing, meta: ExportMeta):
    slide = kit.titled_slide(prs, meta.title, Inches(0.8), Inches(2.45), Inches(11.7), Inches(0.9), size=40,
                             color="FFFFFF")
    band = slide.shapes.add_shape(kit.MSO_SHAPE.RECTANGLE, 0, Inches(2.1), kit.SLIDE_W, Inches(2.2))
    band.fill.solid()
    band.fill.fore_color.rgb = kit.rgb(kit.BLUE)
    band.line.fill.background()
    slide.shapes._spTree.remove(band._element)
    slide.shapes._spTree.insert(2, band._element)  # behind the title placeholder
    kit.text_box(slide, Inches(0.8), Inches(3.4), Inches(11.7), Inches(0.7), [(meta.stamp, 22, "FFFFFF", False)])
    kit.text_box(slide, Inches(0.8), Inches(4.7), Inches(11.7), Inches(1.8), [
        (f"范围：{meta.county} · {meta.scope}", 18, kit.DARK, False),
        (f"本期：{meta.period}　｜　变化均与上季度同日（{b.f.previous_quarter.as_of:%Y年%m月%d日}）相比", 16, kit.GREY, False),
        (meta.source_text, 12, kit.GREY, False), (meta.export_text, 12, kit.GREY, False)])
    return slide


def _kpis(slide, b: Briefing) -> None:
    k = b.kpis.set_index("key")
    x0, y0, w, h = _content_box()
    gap = Inches(0.2)
    cw, ch = int((w - 3 * gap) / 4), int((h - 2 * gap) / 3)
    for i, keys in enumerate(KPI_ROWS):
        for j, key in enumerate(keys):
            r = k.loc[key]
            delta = fmt.delta(r.change, r.unit)
            note = f"较上季度 {delta}" if delta else "较上季度 —"
            kit.card(slide, x0 + j * (cw + gap), y0 + i * (ch + gap), cw, ch, r["name"], fmt.value(r.value, r.unit),
                     note, _change_color(key, r.change),
                     value_color=TEXT_LEVEL_COLORS.get(key.removeprefix("open_"), kit.DARK), name=f"kpi:{key}")


def _trend(slide, b: Briefing) -> None:
    t = b.trend
    cols = list(trends.TREND_KINDS)
    if t[cols].to_numpy().sum() == 0:
        return _empty(slide, "当前筛选条件下没有趋势数据。")
    x, y, w, h = _content_box()
    periods = [period_tick(p) for p in t.period]
    periods[-1] += "（未满）" if partial_note(b.f.as_of, b.f.period) else ""  # the current period so far
    kit.line_chart(slide, x, y, w, h, periods,
                   [(label, t[k].tolist(), c) for (k, label), c in zip(trends.TREND_KINDS.items(), TREND_COLORS)],
                   name="chart:trend")


def _warnings(slide, b: Briefing) -> None:
    df = b.warnings.sort_values(["open_total", "code"], ascending=[False, True])
    if df.open_total.sum() == 0:
        return _empty(slide, "当前筛选条件下没有未解除的预警。")
    x, y, w, h = _content_box()
    cw = int(w * 0.72)
    kit.bar_chart(slide, x, y, cw, h, list(df.name),
                  [(WARNING_LEVELS[lv], df[f"open_{lv}"].astype(int).tolist(), LEVEL_COLORS[lv].lstrip("#"))
                   for lv in WARNING_LEVELS], stacked=True, label_format="#,##0;;", font_size=11, name="chart:warnings")
    tot = b.warnings
    kit.text_box(slide, x + cw + Inches(0.2), y + Inches(0.4), w - cw - Inches(0.2), h - Inches(0.4), [
        ("未解除预警合计", 14, kit.GREY, False), (f"{fmt.count(tot.open_total.sum())} 条", 30, kit.DARK, True),
        *[(f"{WARNING_LEVELS[lv]} {fmt.count(tot[f'open_{lv}'].sum())} 条", 16, TEXT_LEVEL_COLORS[lv], True)
          for lv in WARNING_LEVELS],
        ("", 8, kit.GREY, False),
        ("超15天未研判", 14, kit.GREY, False), (f"{fmt.count(tot.overdue.sum())} 条", 26, kit.BAD, True),
        ("待研判", 14, kit.GREY, False), (f"{fmt.count(tot.pending.sum())} 条", 22, kit.DARK, True)])


def _factors(slide, b: Briefing) -> None:
    ft = b.factor_types
    if ft.households.sum() == 0:
        return _empty(slide, "当前筛选条件下没有存在风险因子的监测户。")
    order = list(FACTOR_GROUPS)
    df = ft.assign(g=ft.group.map(order.index)).sort_values(["g", "households", "factor_type"],
                                                            ascending=[True, False, True])
    x, y, w, h = _content_box()
    lw = int(w * 0.62)
    kit.bar_chart(slide, x, y, lw, h, list(df.type_label),
                  [("存在该风险的户数", df.households.astype(int).tolist(), [GROUP_COLORS[g] for g in df.group])],
                  label_format='#,##0"户"', legend=False, font_size=12, name="chart:factor_types")
    m = b.multi
    kit.text_box(slide, x + lw + Inches(0.3), y, w - lw - Inches(0.3), Inches(0.4),
                 [("同时存在多类风险的户", 14, kit.DARK, True)])
    kit.bar_chart(slide, x + lw + Inches(0.3), y + Inches(0.45), w - lw - Inches(0.3), h - Inches(1.5), list(m.label),
                  [("户数", m.households.astype(int).tolist(), ["90A4AE", "F2A93B", "D7263D"])], horizontal=False,
                  label_format='#,##0"户"', legend=False, name="chart:multi_factor")
    g = b.factor_groups
    legend = [run for r in g.itertuples()  # the squares in the colours of the bars on the left
              for run in (("■ ", GROUP_COLORS[r.group]), (f"{r.group_label} {fmt.count(r.households)}户（{fmt.pct(r.share)}）　", kit.GREY))]
    kit.text_box(slide, x + lw + Inches(0.3), y + h - Inches(1.1), w - lw - Inches(0.3), Inches(1.1), [
        ("左图颜色表示风险分组；各分组户数（每户在一个分组中只计一次）：", 11, kit.GREY, False), (legend, 11, kit.GREY, False),
        (f"占比的分母：有未消除风险因子的监测户 {fmt.count(g.with_any.iloc[0])} 户；一户可有多类风险，"
         "各类户数相加多于户数，占比相加可能超过100%。", 10, kit.GREY, False)])


def _coverage(slide, b: Briefing) -> None:
    df = b.coverage[b.coverage.monitored > 0].sort_values(["coverage", "code"], ascending=[True, True])
    if df.empty:
        return _empty(slide, "当前筛选条件下没有监测户。")
    x, y, w, h = _content_box()
    cw = int(w * 0.72)
    colors = [kit.STATUS_COLORS["met" if v >= 100 - 1e-9 else "near" if v >= 98 else "behind"] for v in df.coverage]
    kit.bar_chart(slide, x, y, cw, h, list(df.name), [("帮扶措施覆盖率", df.coverage.round(1).tolist(), colors)],
                  number_format='0"%"', label_format='0.0"%"', legend=False, axis_max=100, font_size=11,
                  name="chart:coverage")
    c = b.coverage_total
    overdue = int(b.tools.overdue.sum())
    kit.text_box(slide, x + cw + Inches(0.2), y + Inches(0.4), w - cw - Inches(0.2), h - Inches(0.4), [
        ("帮扶措施覆盖率", 14, kit.GREY, False), (fmt.pct(c.coverage), 32, kit.DARK, True),
        (f"目标100%，尚有 {fmt.count(c.without_measure)} 户无措施", 13, kit.BAD if c.without_measure else kit.GOOD, False),
        ("", 8, kit.GREY, False),
        ("未落实帮扶责任人", 14, kit.GREY, False), (f"{fmt.count(c.no_helper)} 户", 24, kit.DARK, True),
        ("逾期未完成措施", 14, kit.GREY, False), (f"{fmt.count(overdue)} 项", 24, kit.BAD if overdue else kit.DARK, True),
        ("", 8, kit.GREY, False), ("覆盖率最低的排在最上面；绿色达标，黄色接近，红色未达标。", 11, kit.GREY, False)])


def _tools(slide, b: Briefing) -> None:
    t = b.tools[b.tools.total > 0]
    if t.empty:
        return _empty(slide, "当前筛选条件下没有帮扶措施。")
    x, y, w, h = _content_box()
    labels = [f"{g}·{n}" for g, n in zip(t.group_label, t.tool_label)]
    kit.bar_chart(slide, x, y, w, h, labels,
                  [(label, t[k].astype(int).tolist(), c) for k, (label, c) in MEASURE_COLORS.items()],
                  stacked=True, label_format="#,##0;;", font_size=11, name="chart:tools")


def _funds(slide, b: Briefing) -> None:
    t = b.funds_total
    if t.empty or not t.get("projects"):
        return _empty(slide, "当前范围内没有当年衔接资金项目，也没有往年结转项目。")
    x, y, w, h = _content_box()
    lw = Inches(3.6)
    kit.text_box(slide, x, y + Inches(0.2), lw, h, [
        ("当年项目预算", 14, kit.GREY, False), (fmt.yuan_wan(t.budget), 26, kit.DARK, True),
        (f"{fmt.count(t.current_projects)} 个当年项目", 13, kit.GREY, False),
        (f"另有往年结转 {fmt.count(t.carried_over)} 个，未支付 {fmt.yuan_wan(t.carried_unpaid)}" if t.carried_over
         else "无往年结转项目", 11, kit.GREY, False), ("", 6, kit.GREY, False),
        ("资金支出进度", 14, kit.GREY, False), (fmt.pct(t.disbursement_rate), 26, kit.DARK, True),
        (f"已支付 {fmt.yuan_wan(t.disbursed)}", 13, kit.GREY, False), ("", 6, kit.GREY, False),
        ("产业项目资金占比", 14, kit.GREY, False),
        (fmt.pct(t.industry_share), 26, kit.GOOD if t.industry_share >= 60 else kit.BAD, True),
        ("要求不低于60%", 13, kit.GREY, False), ("", 6, kit.GREY, False),
        ("逾期未完工项目", 14, kit.GREY, False), (f"{fmt.count(t.overdue)} 个", 26, kit.BAD if t.overdue else kit.DARK, True)])
    df = b.funds[b.funds.current_projects > 0].sort_values(["disbursement_rate", "code"], ascending=[True, True])
    kit.bar_chart(slide, x + lw + Inches(0.3), y, w - lw - Inches(0.3), h, list(df.name),
                  [("资金支出进度", df.disbursement_rate.round(1).tolist(), kit.BLUE)],
                  number_format='0"%"', label_format='0.0"%"', legend=False, axis_max=100, font_size=11,
                  name="chart:disbursement")


_target_text = targets.target_text


def _targets_chart(slide, b: Briefing) -> None:
    ts = b.targets[b.targets.value.notna()]
    rates = ts[ts.unit == "%"]
    if rates.empty:
        return _empty(slide, "当前筛选条件下没有比率指标的考核数据。")
    x, y, w, h = _content_box()
    cw = int(w * 0.74)
    kit.bar_chart(slide, x, y, cw, h, list(rates.indicator_name), [
        ("当前值", rates.value.round(1).tolist(), [kit.STATUS_COLORS[s] for s in rates.status]),
        ("目标值", rates.target.tolist(), "B0B7C3")], number_format='0"%"', label_format='0.0"%"',
        axis_max=100, font_size=11, legend=False, name="chart:targets")  # colours explained beside it
    n = rates.status.value_counts()
    lines = [("比率指标", 14, kit.DARK, True), (f"达标 {int(n.get('met', 0))} 项　接近 {int(n.get('near', 0))} 项　"
                                             f"未达标 {int(n.get('behind', 0))} 项", 13, kit.DARK, False),
             ("计数指标见下一张。", 12, kit.GREY, False),
              ("每项上面的彩色条为当前值（绿色达标，黄色差距在2个百分点以内，红色未达标），下面的灰色条为目标值。", 11,
               kit.GREY, False)]
    kit.text_box(slide, x + cw + Inches(0.2), y + Inches(0.3), w - cw - Inches(0.2), h - Inches(0.3), lines)


STATUS_FILL = {"met": "E3F1E4", "near": "FFF3D6", "behind": "FDE2E4", "none": None, "missing": "ECEFF1",
               "unreported": "ECEFF1"}


def _targets_table(slide, b: Briefing) -> None:
    ts = b.targets[b.targets.unit == "%"]
    if ts.empty:
        return _empty(slide, "当前筛选条件下没有考核数据。")
    rows, fills = [], []
    for r in ts.itertuples():
        ind = BY_KEY[r.indicator]
        gap = "—" if _n(r.gap) is None else (f"{r.gap:+.1f}个百分点" if ind.is_rate else "达到目标" if r.gap >= 0 else
                                              f"还差 {-r.gap:g}{ind.unit}" if ind.at_least else f"超出 {-r.gap:g}{ind.unit}")
        when = pd.Timestamp(r.period_end).strftime("%Y-%m-%d") if pd.notna(r.period_end) else "—"
        rows.append([ind.name, ind.source, fmt.value(r.value, ind.unit) if ind.is_rate else
                     (f"{fmt.count(r.value)}{ind.unit}" if _n(r.value) is not None else "—"),
                     _target_text(ind, r.target), gap, STATUS[r.status], when])
        fills.append([None] * 5 + [STATUS_FILL.get(r.status), None])
    x, y, w, h = _content_box()
    row_h = min(Inches(0.38), int(h / (len(rows) + 1)))   # 19 indicators still fit above the 口径
    kit.table(slide, x, y, w, ["指标", "数据来源", "当前值", "目标", "差距", "状态", "统计时点"], rows,
              widths=[3.2, 1.2, 1.3, 1.2, 1.8, 1.0, 1.4], font_size=12 if row_h >= Inches(0.34) else 10,
              row_height=row_h, fills=fills, align_right=[2], name="table:targets")


def _ranking(slide, b: Briefing, page: int) -> None:
    r = b.ranking
    if r is None or r.empty:
        return _empty(slide, "没有乡镇排名数据。")
    part = r.iloc[page * RANK_ROWS:(page + 1) * RANK_ROWS]
    rows = [[str(int(x.rank_level)), str(int(x.rank_improvement)), x.name, fmt.number(x.per_100, 2),
             _signed(x.per_100_change, 2), fmt.count(x.overdue), _signed(x.overdue_change, 0), fmt.pct(x.coverage),
             _signed(x.coverage_change, 1), fmt.pct(x.targets_met_share), _signed(x.targets_met_share_change, 1)]
            for x in part.itertuples()]
    x, y, w, _ = _content_box()
    kit.table(slide, x, y, w, ["水平名次", "进步名次", "乡镇", "每百户预警", "较上季度", "超15天未研判", "较上季度",
                               "措施覆盖率", "较上季度(百分点)", "目标达标比例", "较上季度(百分点)"], rows,
              widths=[0.9, 0.9, 1.4, 1.1, 1.0, 1.2, 1.0, 1.1, 1.3, 1.2, 1.3], font_size=11, row_height=Inches(0.32),
              align_right=list(range(3, 11)), name="table:ranking")


def _signed(v, digits: int) -> str:
    return "—" if _n(v) is None else f"{float(v):+,.{digits}f}"


def lagging_rows(villages_status: pd.DataFrame, towns: dict[str, str], limit: int = LAGGING_VILLAGES) -> pd.DataFrame:
    """Villages with indicators behind or near target, the most indicators behind first (the
    largest shortfall breaks ties), then villages that never reported sector data (主要差距 says
    行业数据未报送): 乡镇, 村, 未达标项数, 接近项数, 主要差距."""
    s = villages_status[villages_status.status.isin(["behind", "near", "unreported"])].copy()
    if s.empty:
        return pd.DataFrame(columns=["code", "乡镇", "村", "未达标项数", "接近项数", "主要差距"])
    s["behind"] = (s.status == "behind").astype(int)
    s["near"] = (s.status == "near").astype(int)
    s["rate_gap"] = s.gap.where(s.unit == "%", 0)
    agg = s.groupby(["code", "name", "township_code"], as_index=False).agg(
        behind=("behind", "sum"), near=("near", "sum"), worst=("rate_gap", "min"))
    # villages that never reported sector data (未报送) come after those behind or near
    agg = agg.sort_values(["behind", "near", "worst", "code"], ascending=[False, False, True, True]).head(limit)

    def text(code):
        part = s[(s.code == code) & (s.status != "unreported")].sort_values(
            ["behind", "rate_gap"], ascending=[False, True]).head(3)
        shown = [f"{r.indicator_name} {fmt.value(r.value, '%' if r.unit == '%' else '')}"
                 f"（{_target_text(BY_KEY[r.indicator], r.target)}）" for r in part.itertuples()]
        if (s[s.code == code].status == "unreported").any():
            shown.append("行业数据未报送")
        return "；".join(shown)

    return pd.DataFrame({"code": agg.code, "乡镇": agg.township_code.map(towns).fillna("—"), "村": agg.name,
                         "未达标项数": agg.behind.astype(int), "接近项数": agg.near.astype(int),
                         "主要差距": [text(c) for c in agg.code]}).reset_index(drop=True)


def _lagging(slide, b: Briefing) -> None:
    towns = dict(zip(b.towns.code, b.towns.name))
    lag = lagging_rows(b.villages_status, towns)
    if lag.empty:
        return _empty(slide, "当前范围内所有村的考核指标均已达标。")
    rows = [[r.乡镇, r.村, str(r.未达标项数), str(r.接近项数), r.主要差距] for r in lag.itertuples()]
    fills = [[None, None, "FDE2E4" if int(r[2]) else None, "FFF3D6" if int(r[3]) else None, None] for r in rows]
    x, y, w, _ = _content_box()
    kit.table(slide, x, y, w, ["乡镇", "村", "未达标项数", "接近项数", "主要差距（当前值与目标）"], rows,
              widths=[1.1, 1.1, 1.0, 0.9, 8.2], font_size=11, row_height=Inches(0.44), fills=fills,
              align_right=[2, 3], name="table:lagging")


def _township(slide, b: Briefing, code: str) -> None:
    s = b.townships[b.townships.code == code]
    if s.empty:
        return _empty(slide, "该乡镇没有数据。")
    r = s.iloc[0]
    x, y, w, h = _content_box()
    lw = Inches(4.6)
    gap = Inches(0.15)
    cw, ch = int((lw - gap) / 2), int((h - 2 * gap) / 3)
    cards = [("监测户", f"{fmt.count(r.monitored)} 户", None, kit.GREY),
             ("未解除预警", f"{fmt.count(r.open_total)} 条",
              f"红{fmt.count(r.open_red)} 橙{fmt.count(r.open_orange)} 黄{fmt.count(r.open_yellow)}", kit.GREY),
             ("超15天未研判", f"{fmt.count(r.overdue)} 条", f"待研判 {fmt.count(r.pending)} 条", kit.BAD if r.overdue else kit.GREY),
             ("每百户预警", fmt.number(r.per_100, 2), f"农户 {fmt.count(r.households)} 户", kit.GREY),
             ("帮扶措施覆盖率", fmt.pct(r.coverage), f"无措施 {fmt.count(r.without_measure)} 户",
              kit.BAD if _n(r.without_measure) else kit.GREY),
             ("考核指标达标（项）", f"{int(r.targets_met)}/{int(r.targets_total)}", None, kit.GREY)]
    for i, (label, value, note, color) in enumerate(cards):
        kit.card(slide, x + (i % 2) * (cw + gap), y + (i // 2) * (ch + gap), cw, ch, label, value, note, color,
                 name=f"card:{label}")
    v = b.village_warnings
    v = v[v.township_code == code].sort_values(["open_total", "code"], ascending=[False, True])
    cx = x + lw + Inches(0.3)
    if v.open_total.sum() == 0:
        kit.text_box(slide, cx, y + Inches(2), w - lw - Inches(0.3), Inches(1), [("各村均没有未解除的预警。", 18, kit.GREY, False)])
        return
    kit.text_box(slide, cx, y, w - lw - Inches(0.3), Inches(0.4), [("各村未解除预警（按级别）", 14, kit.DARK, True)])
    kit.bar_chart(slide, cx, y + Inches(0.4), w - lw - Inches(0.3), h - Inches(0.4), list(v.name),
                  [(WARNING_LEVELS[lv], v[f"open_{lv}"].astype(int).tolist(), LEVEL_COLORS[lv].lstrip("#"))
                   for lv in WARNING_LEVELS], stacked=True, label_format="#,##0;;", font_size=11,
                  name="chart:villages")


RENDER = {"kpis": _kpis, "trend": _trend, "warnings": _warnings, "factors": _factors, "coverage": _coverage,
          "tools": _tools, "funds": _funds, "targets_chart": _targets_chart, "targets_table": _targets_table,
          "lagging": _lagging, "targets_counts": slides_more.targets_counts, "targets_outlook": slides_more.targets_outlook, "workflow": slides_more.workflow,
          "findings": slides_more.findings}


def build_deck(b: Briefing, meta: ExportMeta, slides: list[Slide]) -> bytes:
    prs = kit.new_deck()
    prs.core_properties.title = meta.title
    prs.core_properties.subject = meta.filters_text
    prs.core_properties.author = meta.user or "防返贫动态监测系统"
    n = len(slides)
    for i, spec in enumerate(slides, start=1):
        if spec.key == "cover":
            _cover(prs, b, meta)
            continue
        slide = kit.titled_slide(prs, spec.title)
        kit.slide_header(slide, meta.filters_text, meta.source_text, f"{i} / {n}", basis(*spec.metrics))
        # the whole 口径 in the speaker notes (the slide has the first sentence of each)
        slide.notes_slide.notes_text_frame.text = "\n".join(f"{metric(k).name}：{metric(k).definition}"
                                                            for k in spec.metrics)
        if spec.key == "ranking":
            _ranking(slide, b, spec.arg)
        elif spec.key == "township":
            _township(slide, b, spec.arg)
        else:
            RENDER[spec.key](slide, b)
    kit.apply_fonts(prs)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def briefing_pptx(q: Q, f: Filter, towns: pd.DataFrame, meta: ExportMeta, per_township: bool = False) -> bytes:
    """The whole deck for a filter: plan, collect, build."""
    slides = plan(f, towns, per_township)
    return build_deck(collect(q, f, towns, per_township), meta, slides)


if __name__ == "__main__":  # python -m dashboard.exporting.briefing: the scheduled deck, same builder
    from dashboard.exporting.scheduled import main
    raise SystemExit(main())
