"""The briefing deck's slides on the targets' outlook, 流程督办 and 整改 (render functions ``fn(slide, b)``
for briefing.RENDER), and the tables they show, which 会议模式 shows too (``funnel_table``, ``unit_table``,
``outlook_table``, ``findings_totals``): the numbers come from queries/targets.py and queries/workflow.py.
"""

from __future__ import annotations

import pandas as pd
from pptx.util import Inches

from dashboard.common import fmt
from dashboard.exporting import pptx_kit as kit
from queries.codes import LEAD_STEPS
from queries.targets import BY_KEY, target_text
from queries.workflow import overall_rate

FUNNEL_ROWS = 18      # areas in the funnel table (the most undecided leads first)
UNIT_ROWS = 10        # units in the overdue 交办 table
OUTLOOK = {"met": "按当前进度可以完成", "behind": "按当前进度难以完成", None: "无法预计"}
OUTLOOK_FILL = {"met": "E3F1E4", "behind": "FDE2E4", None: None}


def content_box():
    return kit.MARGIN, kit.CONTENT_TOP, kit.SLIDE_W - 2 * kit.MARGIN, kit.CONTENT_BOTTOM - kit.CONTENT_TOP


def empty(slide, text: str) -> None:
    x, y, w, _ = content_box()
    kit.text_box(slide, x, y + Inches(1.5), w, Inches(1), [(text, 20, kit.GREY, False)], align=kit.PP_ALIGN.CENTER)


def _rows_height(n_rows: int, h) -> tuple[int, int]:
    """Row height and font size so that n_rows (header included) fit in height h."""
    row = min(Inches(0.38), int(h / n_rows))
    return row, 12 if row >= Inches(0.34) else 11 if row >= Inches(0.29) else 10


# -- 目标考核：按当前进度预计 -----------------------------------------------------------------------------

def outlook_why(r) -> str:
    if r.periods < 2:
        return "数据不足两期"
    if pd.isna(r.value):
        return "未导入"
    if r.deadline is None or pd.isna(r.deadline):
        return "未设考核截止日期"
    if pd.isna(r.projected):
        return "考核截止日期已过"
    return "未设目标"


def outlook_table(projections: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator with a history: 指标, 当前值, 目标, 考核截止, 按当前进度预计, 判断 (texts)."""
    rows = []
    for r in projections.itertuples():
        ind = BY_KEY[r.indicator]
        outlook = r.outlook if r.outlook in ("met", "behind") else None   # a cached frame brings None back as NaN
        rows.append({"指标": r.indicator_name, "当前值": fmt.value(r.value, ind.unit) + ("" if ind.is_rate else ind.unit)
                     if pd.notna(r.value) else "未导入",
                     "目标": target_text(ind, r.target),
                     "考核截止": pd.Timestamp(r.deadline).strftime("%Y-%m-%d") if r.deadline is not None and pd.notna(r.deadline) else "—",
                     "按当前进度预计": fmt.value(r.projected, ind.unit) + ("" if ind.is_rate else ind.unit)
                     if pd.notna(r.projected) else "—",
                     "判断": OUTLOOK[outlook] if outlook else f"无法预计（{outlook_why(r)}）", "outlook": outlook})
    return pd.DataFrame(rows, columns=["指标", "当前值", "目标", "考核截止", "按当前进度预计", "判断", "outlook"])


def targets_outlook(slide, b) -> None:
    t = outlook_table(b.projections)
    if t.empty:
        return empty(slide, "当前筛选条件下没有可预计的考核指标。")
    x, y, w, h = content_box()
    row, size = _rows_height(len(t) + 1, h)
    header = ["指标", "当前值", "目标", "考核截止", "按当前进度预计", "判断"]
    fills = [[None] * 5 + [OUTLOOK_FILL.get(o)] for o in t.outlook]   # NaN where no outlook
    kit.table(slide, x, y, w, header, t[header].values.tolist(), widths=[3.0, 1.3, 1.3, 1.4, 1.7, 3.2], font_size=size,
              row_height=row, fills=fills, align_right=[1, 4], name="table:outlook")


def count_cards(status: pd.DataFrame, projections: pd.DataFrame) -> list[dict]:
    """One card per count indicator of the scope: label, value (or 未导入), note (target, projection), status."""
    proj = projections.set_index("indicator") if len(projections) else pd.DataFrame()
    cards = []
    for r in status[status.unit != "%"].itertuples():
        ind = BY_KEY[r.indicator]
        value = "未导入" if r.status == "missing" else f"{fmt.count(r.value)} {ind.unit}"
        note = f"目标{target_text(ind, r.target)}"
        if r.indicator in proj.index and pd.notna(proj.loc[r.indicator, "projected"]) and r.status != "missing":
            p = proj.loc[r.indicator]
            note += f"　预计{pd.Timestamp(p.deadline):%m月%d日}达 {fmt.count(p.projected)}{ind.unit}"
        cards.append({"key": ind.key, "label": ind.name, "value": value, "note": note, "status": r.status})
    return cards


def targets_counts(slide, b) -> None:
    cards = count_cards(b.targets, b.projections)
    if not cards:
        return empty(slide, "当前筛选条件下没有计数指标的考核数据。")
    x, y, w, h = content_box()
    cols, gap = 3, Inches(0.2)
    rows = -(-len(cards) // cols)
    cw, ch = int((w - (cols - 1) * gap) / cols), int((h - (rows - 1) * gap) / rows)
    for i, c in enumerate(cards):
        color = kit.STATUS_COLORS.get(c["status"], kit.GREY)
        kit.card(slide, x + (i % cols) * (cw + gap), y + (i // cols) * (ch + gap), cw, ch, c["label"], c["value"],
                 c["note"], color, name=f"card:{c['label']}")


# -- 流程督办 -----------------------------------------------------------------------------------------------

STEP_HEADERS = [LEAD_STEPS[s][0] for s in LEAD_STEPS]


def funnel_table(funnel: pd.DataFrame, total: pd.Series | None, area_word: str, limit: int | None = None) -> pd.DataFrame:
    """The period's leads and how many reached each step, per area (most still undecided first), the
    whole scope's row first (合计)."""
    f = funnel[funnel.leads > 0].assign(undecided=lambda d: d.leads - d.decided)
    f = f.sort_values(["undecided", "code"], ascending=[False, True])
    if limit is not None:
        f = f.head(limit)
    rows = ([total] if total is not None else []) + [r for _, r in f.iterrows()]
    out = pd.DataFrame({area_word: ["合计" if total is not None and i == 0 else r["name"] for i, r in enumerate(rows)],
                        "线索": [int(r["leads"]) for r in rows]})
    for step, head in zip(LEAD_STEPS, STEP_HEADERS):
        out[head] = [int(r[step]) for r in rows]
    out["已研判"] = [int(r["decided"]) for r in rows]
    return out


def unit_table(units: pd.DataFrame, limit: int | None = UNIT_ROWS) -> pd.DataFrame:
    """Units holding overdue or open 交办, most overdue first: 承办单位, 超期, 未办结, 按时办结率."""
    u = units[(units.overdue > 0) | (units.open > 0)]
    if limit is not None:
        u = u.head(limit)
    return pd.DataFrame({"承办单位": u.unit, "超期": u.overdue.astype(int), "未办结": u.open.astype(int),
                         "按时办结率": [fmt.pct(v * 100) for v in u.on_time_rate]})


def workflow(slide, b) -> None:
    have = b.workflow_coverage
    if not have.lead_steps and not have.assignments:
        return empty(slide, "未导入流程数据（识别环节、网上交办），无法显示流程督办。")
    x, y, w, h = content_box()
    by_word = "村" if b.f.township else "乡镇"
    lw = int(w * 0.66)
    n_areas = int((b.funnel.leads > 0).sum())
    funnel = funnel_table(b.funnel, b.funnel_total, by_word, FUNNEL_ROWS)
    kit.text_box(slide, x, y, lw, Inches(0.35), [(
        f"本期产生的线索到达各识别环节的条数" + (f"（未研判最多的{FUNNEL_ROWS}个{by_word}，共{n_areas}个）"
                                      if n_areas > FUNNEL_ROWS else ""), 13, kit.DARK, True)])
    if int(b.funnel_total.leads) == 0:
        kit.text_box(slide, x, y + Inches(0.5), lw, Inches(0.6), [("本期没有产生线索。", 14, kit.GREY, False)])
    else:
        row, _ = _rows_height(len(funnel) + 1, h - Inches(0.4))
        # 10 pt: a five-character step name stays on one line in its column
        kit.table(slide, x, y + Inches(0.4), lw, list(funnel.columns), funnel.astype(str).values.tolist(),
                  widths=[1.1, 0.55] + [0.95] * len(STEP_HEADERS) + [0.75], font_size=10, row_height=row,
                  align_right=list(range(1, len(funnel.columns))), fills=[[LIGHT_ROW] * len(funnel.columns)] +
                  [[None] * len(funnel.columns)] * (len(funnel) - 1), name="table:funnel")
    rx, rw = x + lw + Inches(0.3), w - lw - Inches(0.3)
    overdue = int(b.units.overdue.sum()) if len(b.units) else 0
    red = b.red_overdue
    rate = fmt.pct(overall_rate(b.units, "on_time", "due_or_done")) if len(b.units) else "—"
    kit.text_box(slide, rx, y, rw, Inches(0.9), [
        ("超期交办（按承办单位）", 13, kit.DARK, True),
        (f"超期 {fmt.count(overdue)} 次" + (f"（红色预警 {fmt.count(red)} 次）" if red else "") + f"　按时办结率 {rate}", 13,
         kit.BAD if overdue else kit.GREY, True)])
    units = unit_table(b.units)
    if not have.assignments:
        kit.text_box(slide, rx, y + Inches(1.0), rw, Inches(0.6), [("未导入网上交办数据。", 13, kit.GREY, False)])
    elif units.empty:
        kit.text_box(slide, rx, y + Inches(1.0), rw, Inches(0.6), [("没有未办结的交办。", 13, kit.GREY, False)])
    else:
        row, size = _rows_height(len(units) + 1, h - Inches(1.0))
        kit.table(slide, rx, y + Inches(1.0), rw, list(units.columns), units.astype(str).values.tolist(),
                  widths=[2.2, 0.7, 0.8, 1.1], font_size=size, row_height=row, align_right=[1, 2, 3],
                  fills=[[None, "FDE2E4" if o else None, None, None] for o in units["超期"]], name="table:units")


LIGHT_ROW = "F3F5F8"   # the 合计 row


# -- 整改 -------------------------------------------------------------------------------------------------

def findings_totals(total: pd.Series) -> list[tuple[str, str]]:
    """(label, value) of the scope's findings: 发现, 未整改, 超期未整改, 已整改, 按期整改率."""
    rate = fmt.pct(total.closure_rate * 100)   # ratio() gives a fraction
    return [("巡查发现问题", f"{fmt.count(total.findings)} 个"), ("未整改", f"{fmt.count(total.open)} 个"),
            ("其中超期未整改", f"{fmt.count(total.overdue)} 个"), ("已整改", f"{fmt.count(total.closed)} 个"),
            ("按期整改率", rate)]


def findings(slide, b) -> None:
    if not b.workflow_coverage.findings:
        return empty(slide, "未导入巡查问题整改台账，无法显示整改情况。")
    x, y, w, h = content_box()
    by_word = "村" if b.f.township else "乡镇"
    a = b.findings[b.findings.findings > 0].sort_values(["overdue", "open", "code"], ascending=[False, False, True])
    cw = int(w * 0.66)
    if a.empty:
        kit.text_box(slide, x, y + Inches(1.5), cw, Inches(1), [("截至日期前没有发现问题。", 18, kit.GREY, False)])
    else:
        a = a.head(FUNNEL_ROWS)
        kit.bar_chart(slide, x, y, cw, h, list(a.name), [
            ("超期未整改", a.overdue.astype(int).tolist(), kit.BAD),
            ("整改中（未超期）", (a.open - a.overdue).astype(int).tolist(), "F2A93B"),
            ("已整改", a.closed.astype(int).tolist(), kit.GOOD)], stacked=True, label_format="#,##0;;",
            font_size=11, legend=True, name="chart:findings")
    t = b.findings_total
    lines = [(f"全部{by_word}合计" if not b.f.township else "本乡镇合计", 14, kit.DARK, True)]
    for label, value in findings_totals(t):
        lines += [(label, 12, kit.GREY, False), (value, 22, kit.BAD if label.startswith("其中超期") and t.overdue
                                                 else kit.DARK, True)]
    slow = b.findings[b.findings.closure_rate.notna()].sort_values(["closure_rate", "code"]).head(3)
    if len(slow):
        lines += [("", 6, kit.GREY, False), (f"按期整改率最低的{by_word}", 12, kit.DARK, True)]
        lines += [(f"{r.name}　{fmt.pct(r.closure_rate * 100)}", 12, kit.GREY, False) for r in slow.itertuples()]
    kit.text_box(slide, x + cw + Inches(0.3), y, w - cw - Inches(0.3), h, lines, name="text:findings")
