"""The demo county's case workflow: the identification steps of its leads, the 网上交办 of its graded
warnings and the findings of its inspections (with 整改).

A separate random stream keyed by the seed, built from the finished tables, so adding it left every other
table of a given seed unchanged. The townships that lag on leads (``lag["warn"]``) are slow at 乡镇复核,
the townships that lag on aid (``lag["aid"]``) answer 交办 and close findings late, and two county
departments (县住建局, 县医保局) are slow to feed back.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from queries.codes import LEAD_STEPS
from queries.deadlines import assignment_days, step_days

STEPS = list(LEAD_STEPS)
WINDOW_DAYS = 365                # leads raised in the last year carry their steps
DEPARTMENTS = {"medical": "县医保局", "civil": "县民政局", "disabled": "县残联", "education": "县教育局",
               "housing": "县住建局", "hr": "县人社局", "emergency": "县应急管理局"}
SLOW_DEPARTMENTS = {"县住建局", "县医保局"}
FINDING_NOTES = ["监测户家中未见帮扶责任人走访记录，已要求补走访并上传照片", "风险消除户收入测算缺少务工佐证",
                 "疑似漏评户已入户核实，待乡镇复核", "饮水工程未通到户，已列入本年度项目", "档案中家庭人口与系统不一致，已更正",
                 "帮扶措施登记与实际不符，已重新核对"]


def _d(n) -> np.ndarray:
    return np.asarray(n).astype("timedelta64[D]")


def build(gen) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng([gen.cfg.seed, 1515])
    t = gen.tables
    hh = t["households"].set_index("id")
    towns = t["townships"].set_index("code").name
    vills = t["villages"].set_index("code").name
    return {"lead_steps": _steps(gen, rng, hh, towns, vills),
            "assignments": _assignments(gen, rng, hh),
            "findings": _findings(gen, rng, hh, towns)}


def _slow_town(gen, codes: np.ndarray, kind: str) -> np.ndarray:
    index = {c: i for i, c in enumerate(gen.town_codes)}
    return gen.lag[kind][np.array([index[c] for c in codes], dtype=int)] if len(codes) else np.zeros(0, bool)


def _steps(gen, rng, hh, towns, vills) -> pd.DataFrame:
    as_of = gen.as_of
    t = gen.tables["warnings"]
    w = t[t.raised_date.values.astype("datetime64[D]") >= as_of - WINDOW_DAYS]
    raised = w.raised_date.values.astype("datetime64[D]")
    decided = w.decision_date.values.astype("datetime64[D]")
    n = len(w)
    town = hh.township_code.reindex(w.household_id).values
    vill = hh.village_code.reindex(w.household_id).values
    slow = _slow_town(gen, town, "warn")
    limits = np.array([step_days()[s] for s in STEPS], dtype=float)
    # days each step takes: about its limit, the 乡镇复核 of a slow township four times that
    take = limits[None, :] * rng.gamma(4.0, 0.25, (n, len(STEPS)))
    take[:, STEPS.index("township_review")] *= np.where(slow, 4.0, 1.0)
    take = np.maximum(take, 0.5)
    done_at = np.cumsum(take, axis=1)
    has_decision = ~np.isnat(decided)
    # a decided lead's county review is its decision day: the steps are stretched to fit
    total = (decided - raised).astype(np.int64).astype(float)
    scale = np.where(has_decision, total / done_at[:, -1], 1.0)
    offsets = np.round(done_at * scale[:, None]).astype(np.int64)
    offsets = np.maximum.accumulate(offsets, axis=1)
    dates = raised[:, None] + _d(offsets)
    # a dismissed lead stops at the step that found it did not qualify
    last = np.full(n, len(STEPS) - 1)
    dismissed = (w.decision == "dismissed").values
    last[dismissed] = rng.integers(0, len(STEPS), int(dismissed.sum()))
    if has_decision.any():
        dates[has_decision, last[has_decision]] = decided[has_decision]
    rows = []
    for j, step in enumerate(STEPS):
        keep = (j <= last) & (dates[:, j] <= as_of)
        level = LEAD_STEPS[step][1]
        unit = {"village": np.array([f"{vills[v]}村委会" for v in vill]),
                "township": np.array([f"{towns[x]}人民政府" for x in town]),
                "county": np.full(n, "县乡村振兴局")}[level]
        result = np.where(dismissed & (j == last), "fail", "pass")
        depts = np.where(rng.random(n) < 0.5, "医保、民政、残联", "民政、住建、教育") if step == "dept_check" else None
        rows.append(pd.DataFrame({"household_id": w.household_id.values[keep], "raised_date": raised[keep],
                                  "step": step, "done_date": dates[keep, j], "unit": unit[keep],
                                  "departments": depts[keep] if depts is not None else None, "result": result[keep]}))
    out = pd.concat(rows, ignore_index=True).sort_values(["raised_date", "household_id", "done_date"], kind="stable")
    out.insert(0, "id", np.arange(1, len(out) + 1))
    return out.reset_index(drop=True)


def _assignments(gen, rng, hh) -> pd.DataFrame:
    """Identified leads of the last half year, each handed to its helper and, for a department's kind of
    factor, to that department too."""
    as_of = gen.as_of
    t = gen.tables["warnings"]
    decided = t.decision_date.values.astype("datetime64[D]")
    w = t[(t.decision == "identified").values & (decided >= as_of - 180)]
    n = len(w)
    town = hh.township_code.reindex(w.household_id).values
    helper = hh.helper_id.reindex(w.household_id).to_numpy(dtype=object, na_value=None)
    helper_units = gen.tables["helpers"].set_index("id").unit
    limit = np.array([assignment_days()[lv] for lv in w.level.values])
    assigned = w.decision_date.values.astype("datetime64[D]") + _d(rng.integers(0, 3, n))
    dept = np.array([DEPARTMENTS.get(s) for s in w.source.values], dtype=object)
    parts = []
    for kind in ("helper", "department"):
        keep = (np.array([h is not None for h in helper]) if kind == "helper" else dept != None)  # noqa: E711
        unit = (np.array([helper_units.get(h, "村委会") for h in helper], dtype=object) if kind == "helper" else dept)
        slow = _slow_town(gen, town, "aid") if kind == "helper" else np.isin(dept, list(SLOW_DEPARTMENTS))
        took = np.round(limit * rng.gamma(3.0, np.where(slow, 0.6, 0.25))).astype(np.int64)
        feedback = assigned + _d(took)
        answered = feedback <= as_of
        result = np.where(rng.random(n) < np.where(slow, 0.7, 0.93), "done", "partial")
        parts.append(pd.DataFrame({
            "household_id": w.household_id.values[keep], "raised_date": w.raised_date.values[keep],
            "assigned_date": assigned[keep], "assignee_kind": kind, "unit": unit[keep],
            "helper_id": pd.array(helper, dtype="Int64")[keep] if kind == "helper" else pd.array([None] * int(keep.sum()), dtype="Int64"),
            "due_date": np.datetime64("NaT"),
            "feedback_date": np.where(answered, feedback, np.datetime64("NaT"))[keep].astype("datetime64[D]"),
            "feedback_result": np.where(answered, result, None)[keep]}))
    out = pd.concat(parts, ignore_index=True).sort_values(["assigned_date", "household_id"], kind="stable")
    out.insert(0, "id", np.arange(1, len(out) + 1))
    for c in ("raised_date", "assigned_date", "due_date", "feedback_date"):
        out[c] = out[c].values.astype("datetime64[D]")
    return out.reset_index(drop=True)


def _findings(gen, rng, hh, towns) -> pd.DataFrame:
    """0-3 problems per 回头看 or 督查 visit; slow-aid townships close fewer of them, later."""
    from queries.codes import FINDING_CATEGORIES
    as_of = gen.as_of
    ins = gen.tables["inspections"]
    ins = ins[ins.kind.isin(["review", "supervision"]).values]
    k = rng.integers(0, 4, len(ins))
    rows = np.repeat(np.arange(len(ins)), k)
    n = len(rows)
    vill = ins.village_code.values[rows]
    town = np.array([v[:9] for v in vill], dtype=object)
    when = ins.inspected_on.values.astype("datetime64[D]")[rows]
    cats = np.array(list(FINDING_CATEGORIES))
    cat = cats[rng.choice(len(cats), n, p=[.12, .06, .06, .14, .16, .08, .08, .05, .06, .05, .04, .08, .02])]
    slow = _slow_town(gen, town, "aid")
    due = when + _d(rng.choice([15, 30, 60], n))
    took = np.round(rng.gamma(3.0, np.where(slow, 18.0, 8.0))).astype(np.int64)
    closed = when + _d(took)
    is_closed = (closed <= as_of) & (rng.random(n) < np.where(slow, 0.7, 0.95))
    unit = np.where(np.isin(cat, ["project_late", "fund_late"]), "县乡村振兴局",
                    np.array([f"{towns[x]}人民政府" for x in town], dtype=object))
    by_village = hh.reset_index().groupby("village_code").id.first()
    household = pd.array([by_village.get(v) if c in ("missed", "wrong_exit", "paper_exit", "aid_not_done", "no_visit")
                          else None for v, c in zip(vill, cat)], dtype="Int64")
    out = pd.DataFrame({"inspected_on": when, "team": ins.team.values[rows], "village_code": vill, "township_code": town,
                        "household_id": household, "category": cat, "responsible_unit": unit,
                        "due_date": due.astype("datetime64[D]"), "status": np.where(is_closed, "closed", "open"),
                        "closed_date": np.where(is_closed, closed, np.datetime64("NaT")).astype("datetime64[D]"),
                        "note": np.array(FINDING_NOTES)[rng.integers(0, len(FINDING_NOTES), n)]})
    out = out.sort_values(["inspected_on", "village_code"], kind="stable").reset_index(drop=True)
    out.insert(0, "id", np.arange(1, len(out) + 1))
    out.insert(1, "code", [f"ZG{d.astype(object).year}-{i:04d}" for i, d in zip(out.id, out.inspected_on.values.astype("datetime64[D]"))])
    return out
