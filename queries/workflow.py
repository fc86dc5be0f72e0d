"""The case workflow (流程督办): where leads are in their identification steps and how long each step takes,
which cases are stuck past a step's limit and who holds them, the 网上交办 of graded warnings by unit, and
the 整改 of inspection findings.

Step and 交办 limits are configuration (config/policy.toml [step_days], [assignment_days]; queries/deadlines.py).
A county that imported no workflow sheets has no rows here: ``workflow_coverage`` says so, and pages show
"未导入流程数据" instead of zeros. The rows in scope are few (a county's leads of a period), so the figures
are computed from them in pandas; the SQL only selects them.
"""

from __future__ import annotations

import math
from datetime import timedelta

import pandas as pd
import sqlalchemy as sa

from queries import scope
from queries.codes import FINDING_CATEGORIES, LEAD_STEPS, REVIEW_LEVELS, label
from queries.deadlines import assignment_days, step_days
from queries.filters import Filter
from queries.metrics import define
from queries.policy import words
from queries.registry import query, shown
from queries.schema import (assignments, findings, helpers, households, lead_steps, members, townships, villages,
                            warnings)
from queries.sql import area_codes, area_key, frame, head_name, on, ratio, undecided_on, with_areas

T = "流程督办"
STEPS = list(LEAD_STEPS)


def _steps_words() -> str:
    days = step_days()
    return "、".join(f"{LEAD_STEPS[s][0]}{days[s]}天" for s in STEPS)


def _assign_words() -> str:
    days = assignment_days()
    return f"红色{days['red']}天、橙色{days['orange']}天、黄色{days['yellow']}天"


define("workflow_funnel", "识别环节漏斗",
       "本期（月或季度，自期初至截至日期）内产生的预警线索中，截至日期时已完成各识别环节（实地核查、部门比对、签订承诺书、"
       "村级初核、乡镇复核、县级审定）的线索数，以及已作出研判结论的线索数。分母为本期产生的线索数。", unit="条", topic=T)
define("step_days", "环节用时",
       "本期内完成的每个识别环节，从上一环节完成（该线索没有更早的环节时，从线索产生）到本环节完成的天数。"
       "中位数为这些天数的中位数；P90为把天数从小到大排列后第⌈0.9×环节数⌉个（九成环节不超过此天数）。"
       "按层级汇总时，村级（实地核查至村级初核）、乡镇（乡镇复核）、县级（县级审定）各自的环节合在一起计算。"
       "超时限环节数：用时超过该环节时限的环节数（时限为政策参数：" + words(_steps_words) + "）；用时恰好等于时限的不算超时。乡镇排名按超时限占比（超时限环节数 ÷ 本期完成的环节数）从高到低。", unit="天", topic=T)
define("stuck_cases", "超环节时限的线索",
       "截至日期时尚未研判的线索，停在其第一个未完成的环节；自上一环节完成（没有已完成的环节时自线索产生）起已等待的天数"
       "超过该环节时限的，列为超时。持有者为该环节的责任层级：实地核查至村级初核为村（支村两委），乡镇复核为乡镇，"
       "县级审定为县级主管部门。按线索产生日期从早到晚排列。", unit="条", topic=T)
define("assignments_open", "未办结交办",
       "截至日期时已交办、尚未反馈“已办结”的交办数（反馈“部分办结”“无法办结”的仍为未办结）。一条预警交办给几个单位即计几次。",
       unit="次", topic=T)
define("assignments_overdue", "超期交办",
       "未办结交办中，办结时限早于截至日期的交办数。办结时限：交办时填写的办结时限日期；未填的为交办日期加该预警级别的"
       "时限（政策参数：" + words(_assign_words) + "）。", unit="次", topic=T)
define("assignments_on_time_rate", "按时办结率",
       "分母：截至日期时办结时限已过（早于截至日期）或已办结的交办数；分子：其中在办结时限当天或之前反馈“已办结”的交办数。"
       "分母为0时不计算（显示“—”）。", unit="%", topic=T)
define("findings_open", "未整改问题", "截至日期时已发现、尚未整改完成（无整改完成日期或完成日期在截至日期之后）的巡查问题数。",
       unit="个", topic=T)
define("findings_overdue", "超期未整改问题", "未整改问题中，整改时限早于截至日期的问题数。", unit="个", topic=T)
define("findings_closure_rate", "按期整改率",
       "分母：截至日期时整改时限已过（早于截至日期）或已整改完成的问题数；分子：其中在整改时限当天或之前整改完成的问题数。"
       "分母为0时不计算（显示“—”）。", unit="%", topic=T)
define("findings_repeated", "复查再次发现的同类问题",
       "截至日期前，某行政村的某类问题在之后（巡查日期更晚）的巡查中又被发现的次数：前一次的每个问题计一次。"
       "前一次问题在再次发现时已整改完成的为“整改后反弹”，尚未整改完成的为“仍未整改”。", unit="个", topic=T)


def p90(values: pd.Series) -> float | None:
    """Nearest rank: the ⌈0.9 n⌉-th smallest value (nine in ten are no larger)."""
    v = sorted(values.dropna())
    return float(v[math.ceil(0.9 * len(v)) - 1]) if v else None


def _by(dates: pd.Series, limits) -> pd.Series:
    """Each date is given and on or before its limit (the limit day itself is in time)."""
    return pd.Series([d is not None and not pd.isna(d) and d <= lim for d, lim in zip(dates, limits)],
                     index=dates.index, dtype=bool)


def overall_rate(df: pd.DataFrame, num: str, den: str) -> float | None:
    """The rate of a summary table as a whole (Σ numerator ÷ Σ denominator), in percent; None without a basis."""
    total = df[den].sum()
    return float(df[num].sum()) / float(total) * 100 if total else None


# -- coverage -------------------------------------------------------------------------------------------
@query()
def workflow_coverage(conn, f: Filter) -> pd.DataFrame:
    """How many workflow rows the scope holds (steps, 交办, findings): 0 means not imported, not "none"."""
    counts = {t.name: conn.execute(sa.select(sa.func.count()).select_from(t).where(*scope.where(f, t))).scalar()
              for t in (lead_steps, assignments, findings)}
    return pd.DataFrame([counts], columns=["lead_steps", "assignments", "findings"])


# -- steps ----------------------------------------------------------------------------------------------
def _steps_done(conn, f: Filter) -> pd.DataFrame:
    """Steps done by the as-of day in scope, with the days each took after the step before it."""
    s = lead_steps
    stmt = (sa.select(s.c.warning_id, s.c.household_id, s.c.raised_date, s.c.step, s.c.done_date, s.c.township_code,
                      s.c.village_code)
            .where(s.c.done_date <= on(f.as_of), *scope.where(f, s)))
    out = frame(conn, stmt, ["warning_id", "household_id", "raised_date", "step", "done_date", "township_code",
                             "village_code"])
    return with_step_days(out)


def with_step_days(out: pd.DataFrame) -> pd.DataFrame:
    """Steps in workflow order per lead, with the days each took after the step before it (the first: after
    the lead was raised)."""
    out["order"] = out.step.map({k: i for i, k in enumerate(STEPS)})
    out = out.sort_values(["household_id", "raised_date", "order"], kind="stable")
    before = out.groupby(["household_id", "raised_date"]).done_date.shift(1)
    out["days"] = [(d - (b if isinstance(b, type(d)) else r)).days
                   for d, b, r in zip(out.done_date, before, out.raised_date)]
    return out


@query(area="code")
def step_funnel(conn, f: Filter, by: str = "township") -> pd.DataFrame:
    """Per area: the period's leads, how many reached each step by the as-of day, how many are decided."""
    w = warnings
    stmt = (sa.select(w.c.id, area_key(by, w).label("code"), w.c.decision_date)
            .where(w.c.raised_date >= on(f.period_start), w.c.raised_date <= on(f.as_of), *scope.where(f, w)))
    leads = frame(conn, stmt, ["warning_id", "code", "decision_date"])
    steps = _steps_done(conn, f)
    reached = steps[steps.warning_id.isin(leads.warning_id)].merge(leads[["warning_id", "code"]], on="warning_id")
    data = leads.groupby("code").size().rename("leads").to_frame()
    for step in STEPS:
        data[step] = reached[reached.step == step].groupby("code").warning_id.nunique()
    decided = leads[leads.decision_date.notna()]
    data["decided"] = decided[decided.decision_date <= f.as_of].groupby("code").size()
    columns = ["leads", *STEPS, "decided"]
    out = with_areas(conn, f, by, data.reindex(columns=columns).reset_index(), columns)
    out[columns] = out[columns].astype(int)
    return out[["code", "name", "township_code", *columns]]


def _period_steps(conn, f: Filter) -> pd.DataFrame:
    steps = _steps_done(conn, f)
    steps = steps[steps.done_date >= f.period_start].copy()
    steps["level"] = steps.step.map(lambda s: LEAD_STEPS[s][1])
    return steps


@query()
def step_durations(conn, f: Filter) -> pd.DataFrame:
    """Per step, the steps done in the period: how many, median and P90 days, how many over the step's limit."""
    steps, limits = _period_steps(conn, f), step_days()
    rows = []
    for step in STEPS:
        d = steps[steps.step == step].days
        rows.append({"step": step, "step_name": LEAD_STEPS[step][0], "level": LEAD_STEPS[step][1],
                     "limit_days": limits[step], "steps": len(d), "median": d.median() if len(d) else None,
                     "p90": p90(d), "over_limit": int((d > limits[step]).sum())})
    return pd.DataFrame(rows)


@query()
def level_durations(conn, f: Filter) -> pd.DataFrame:
    """Per review level (村级, 乡镇, 县级), the steps of that level done in the period pooled: median and P90 days."""
    steps = _period_steps(conn, f)
    rows = []
    for lv, name in REVIEW_LEVELS.items():
        d = steps[steps.level == lv].days
        rows.append({"level": lv, "level_name": name, "steps": len(d), "median": d.median() if len(d) else None,
                     "p90": p90(d)})
    return pd.DataFrame(rows)


LEVEL_COLUMNS = [f"median_{lv}" for lv in REVIEW_LEVELS]


@query(area="code")
def step_days_by_area(conn, f: Filter, by: str = "township") -> pd.DataFrame:
    """Per area, the steps done in the period: how many, how many over their limit (and the share), and the
    median days at each level; the slowest area (largest share over the limit) first."""
    steps, limits = _period_steps(conn, f), step_days()
    steps["over"] = [d > limits[s] for d, s in zip(steps.days, steps.step)]
    steps["code"] = area_codes(steps, by)
    g = steps.groupby("code")
    counts = pd.DataFrame({"steps": g.size(), "over_limit": g.over.sum()}).reset_index() if len(steps) \
        else pd.DataFrame(columns=["code", "steps", "over_limit"])
    out = with_areas(conn, f, by, counts, ["steps", "over_limit"])
    out[["steps", "over_limit"]] = out[["steps", "over_limit"]].astype(int)
    for lv, column in zip(REVIEW_LEVELS, LEVEL_COLUMNS):
        medians = steps[steps.level == lv].groupby("code").days.median()
        out[column] = out.code.map(medians)
    out["over_share"] = ratio(out.over_limit, out.steps)
    out = out.sort_values(["over_share", "code"], ascending=[False, True], na_position="last", kind="stable")
    return out[["code", "name", "township_code", "steps", "over_limit", "over_share", *LEVEL_COLUMNS]] \
        .reset_index(drop=True)


STUCK_COLUMNS = ["warning_id", "household_id", "household_code", "head_name", "township_name", "village_name", "level",
                 "raised_date", "township_code", "step", "step_name", "holder_level", "holder", "since", "days_waiting", "limit_days",
                 "days_over"]


@query(area="household_id", personal=shown(head_name=members.c.name))
def stuck_cases(conn, f: Filter, limit: int = 500) -> pd.DataFrame:
    """Undecided leads waiting at a step longer than its limit, oldest lead first, with who holds them."""
    return _stuck(conn, f).head(limit).reset_index(drop=True)


@query(area="township_code")
def stuck_by_township(conn, f: Filter) -> pd.DataFrame:
    """Where cases are stuck: per township and step, the leads waiting past the step's limit and the longest
    wait; most cases first."""
    x = _stuck(conn, f)
    cols = ["township_code", "township_name", "step", "step_name", "holder_level", "cases", "longest_wait"]
    if x.empty:
        return pd.DataFrame(columns=cols)
    g = x.groupby(["township_code", "township_name", "step", "step_name", "holder_level"], as_index=False)
    out = g.agg(cases=("warning_id", "size"), longest_wait=("days_waiting", "max"))
    order = {s: i for i, s in enumerate(STEPS)}
    out = out.sort_values(["cases", "longest_wait", "township_code", "step"], ascending=[False, False, True, True],
                          key=lambda c: c.map(order) if c.name == "step" else c, kind="stable")
    return out[cols].reset_index(drop=True)


def _stuck(conn, f: Filter) -> pd.DataFrame:
    w, hh, v, t = warnings, households, villages, townships
    stmt = (sa.select(w.c.id, hh.c.id, hh.c.code, head_name(), t.c.name, v.c.name, w.c.level, w.c.raised_date,
                      t.c.code)
            .select_from(w.join(hh, hh.c.id == w.c.household_id).join(v, v.c.code == hh.c.village_code)
                         .join(t, t.c.code == hh.c.township_code))
            .where(undecided_on(f.as_of), *scope.where(f, w)))
    leads = frame(conn, stmt, STUCK_COLUMNS[:9])
    done = _steps_done(conn, f)
    limits, rows = step_days(), []
    by_lead = {k: g for k, g in done.groupby("warning_id")}
    for lead in leads.itertuples(index=False):
        g = by_lead.get(lead.warning_id)
        have = set() if g is None else set(g.step)
        step = next((s for s in STEPS if s not in have), None)
        if step is None:
            continue   # every step done, the decision not yet recorded: not stuck at a step
        since = lead.raised_date if g is None else max(g.done_date)
        waiting = (f.as_of - since).days
        if waiting <= limits[step]:
            continue
        level = LEAD_STEPS[step][1]
        holder = {"village": f"{lead.village_name}（支村两委）", "township": lead.township_name,
                  "county": REVIEW_LEVELS["county"]}[level]
        rows.append((*lead, step, LEAD_STEPS[step][0], REVIEW_LEVELS[level], holder, since, waiting, limits[step],
                     waiting - limits[step]))
    out = pd.DataFrame(rows, columns=STUCK_COLUMNS)
    return out.sort_values(["raised_date", "warning_id"], kind="stable")


# -- 网上交办 -------------------------------------------------------------------------------------------------
def _assignments(conn, f: Filter) -> pd.DataFrame:
    """Assignments made by the as-of day in scope, with their 办结时限 and state on the as-of day."""
    a, w = assignments, warnings
    stmt = (sa.select(a.c.id, a.c.household_id, a.c.unit, a.c.assignee_kind, a.c.helper_id, w.c.level,
                      a.c.assigned_date, a.c.due_date, a.c.feedback_date, a.c.feedback_result)
            .select_from(a.join(w, w.c.id == a.c.warning_id))
            .where(a.c.assigned_date <= on(f.as_of), *scope.where(f, a)))
    out = frame(conn, stmt, ["assignment_id", "household_id", "unit", "assignee_kind", "helper_id", "level",
                             "assigned_date", "due_date", "feedback_date", "feedback_result"])
    return with_assignment_state(out, f.as_of)


def with_assignment_state(out: pd.DataFrame, as_of) -> pd.DataFrame:
    """Each 交办's 办结时限 (its own, else the assigned day plus its level's limit) and its state on the as-of
    day: done (fed back 已办结 by then), overdue (not done and past the limit), on time (done by the limit)."""
    days = assignment_days()
    out["due"] = [d if d is not None and not pd.isna(d) else s + timedelta(days=days.get(lv, 0))
                  for d, s, lv in zip(out.due_date, out.assigned_date, out.level)]
    out["done"] = _by(out.feedback_date, [as_of] * len(out)) & (out.feedback_result == "done")
    out["overdue"] = ~out.done & (out.due < as_of)
    out["counted"] = out.done | (out.due < as_of)
    out["on_time"] = out.done & _by(out.feedback_date, out.due)
    return out


@query()
def assignments_by_unit(conn, f: Filter) -> pd.DataFrame:
    """Per unit handed warnings: 交办, open, overdue, on-time rate (its numerator and denominator)."""
    a = _assignments(conn, f)
    cols = ["unit", "assignments", "open", "overdue", "due_or_done", "on_time", "on_time_rate"]
    if a.empty:
        return pd.DataFrame(columns=cols)
    g = a.groupby("unit")
    out = pd.DataFrame({"assignments": g.size(), "open": g.done.apply(lambda s: int((~s).sum())),
                        "overdue": g.overdue.sum().astype(int), "due_or_done": g.counted.sum().astype(int),
                        "on_time": g.on_time.sum().astype(int)}).reset_index()
    out["on_time_rate"] = ratio(out.on_time, out.due_or_done)
    return out.sort_values(["overdue", "open", "unit"], ascending=[False, False, True], kind="stable")[cols] \
        .reset_index(drop=True)


OVERDUE_COLUMNS = ["assignment_id", "household_id", "household_code", "head_name", "village_name", "level", "unit",
                   "assignee_kind", "helper_name", "assigned_date", "due", "days_over"]


@query(area="household_id", personal=shown(head_name=members.c.name, helper_name=helpers.c.name))
def overdue_assignments(conn, f: Filter, level: str | None = None) -> pd.DataFrame:
    """The overdue 交办 (of warnings of `level` only, if given), red first, then by how long overdue: who holds
    each."""
    a = _assignments(conn, f)
    a = a[a.overdue & ((a.level == level) if level else True)]
    hh, v = households, villages
    ids = [int(i) for i in a.household_id.unique()]
    who = frame(conn, sa.select(hh.c.id, hh.c.code, head_name(), v.c.name)
                .select_from(hh.join(v, v.c.code == hh.c.village_code)).where(hh.c.id.in_(ids)),
                ["household_id", "household_code", "head_name", "village_name"])
    hid = [int(i) for i in a.helper_id.dropna().unique()]
    names = dict(conn.execute(sa.select(helpers.c.id, helpers.c.name).where(helpers.c.id.in_(hid))).all()) if hid else {}
    out = a.merge(who, on="household_id", how="left")
    out["helper_name"] = out.helper_id.map(lambda i: names.get(int(i)) if i is not None and not pd.isna(i) else None)
    out["days_over"] = [(f.as_of - d).days for d in out.due]
    out["rank"] = out.level.map({"red": 0, "orange": 1, "yellow": 2})
    out = out.sort_values(["rank", "days_over", "assignment_id"], ascending=[True, False, True], kind="stable")
    return out.reindex(columns=OVERDUE_COLUMNS).reset_index(drop=True)


# -- 整改 ---------------------------------------------------------------------------------------------------
def findings_state(conn, f: Filter) -> pd.DataFrame:
    """The findings made by the as-of day in scope with their state on it: closed (by then), overdue (not closed
    and past 整改时限; the limit day itself is in time), counted for the closure rate, closed on time. The one
    口径 of findings_open / findings_overdue, also the planner's 上次巡查问题未整改 (queries/inspection.py)."""
    x = findings
    stmt = (sa.select(x.c.id, x.c.code, x.c.village_code, x.c.township_code, x.c.category, x.c.responsible_unit,
                      x.c.inspected_on, x.c.due_date, x.c.closed_date, x.c.note)
            .where(x.c.inspected_on <= on(f.as_of), *scope.where(f, x)))
    out = frame(conn, stmt, ["finding_id", "code", "village_code", "township_code", "category", "responsible_unit",
                             "inspected_on", "due_date", "closed_date", "note"])
    out["closed"] = _by(out.closed_date, [f.as_of] * len(out))
    out["overdue"] = ~out.closed & (out.due_date < f.as_of)
    out["counted"] = out.closed | (out.due_date < f.as_of)
    out["on_time"] = out.closed & _by(out.closed_date, out.due_date)
    return out


FINDING_SUMMARY = ["findings", "open", "overdue", "closed", "due_or_closed", "on_time", "closure_rate"]


def _summary(x: pd.DataFrame, key: str) -> pd.DataFrame:
    g = x.groupby(key)
    out = pd.DataFrame({"findings": g.size(), "open": g.closed.apply(lambda s: int((~s).sum())),
                        "overdue": g.overdue.sum(), "closed": g.closed.sum(), "due_or_closed": g.counted.sum(),
                        "on_time": g.on_time.sum()}).reset_index() if len(x) else pd.DataFrame(columns=[key, *FINDING_SUMMARY[:-1]])
    out["closure_rate"] = ratio(out.on_time, out.due_or_closed)
    return out


@query()
def findings_by_category(conn, f: Filter) -> pd.DataFrame:
    """Per problem category: findings, open, overdue, closed and the closure rate against the deadline."""
    out = _summary(findings_state(conn, f), "category")
    out.insert(1, "category_name", _category_names(out.category))
    order = {c: i for i, c in enumerate(FINDING_CATEGORIES)}
    out = out.sort_values("category", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    out[FINDING_SUMMARY[:-1]] = out[FINDING_SUMMARY[:-1]].astype(int)
    return out


@query(area="code")
def findings_by_area(conn, f: Filter, by: str = "township") -> pd.DataFrame:
    """Per area: findings, open, overdue, closed and the closure rate against the deadline."""
    x = findings_state(conn, f)
    x["code"] = area_codes(x, by)
    data = _summary(x, "code").drop(columns="closure_rate")
    out = with_areas(conn, f, by, data, FINDING_SUMMARY[:-1])
    out[FINDING_SUMMARY[:-1]] = out[FINDING_SUMMARY[:-1]].astype(int)
    out["closure_rate"] = ratio(out.on_time, out.due_or_closed)
    return out[["code", "name", "township_code", *FINDING_SUMMARY]]


def _village_names(conn, codes: pd.Series) -> pd.Series:
    """The village name for each code (one query for the distinct codes)."""
    wanted = list(codes.unique())
    names = dict(conn.execute(sa.select(villages.c.code, villages.c.name).where(villages.c.code.in_(wanted))).all()) \
        if wanted else {}
    return codes.map(names)


def _category_names(categories: pd.Series) -> pd.Series:
    return categories.map(lambda c: label(FINDING_CATEGORIES, c))


OPEN_FINDING_COLUMNS = ["code", "village_code", "village_name", "category_name", "responsible_unit", "inspected_on",
                        "due_date", "overdue", "days_over", "note"]


@query(area="village_code", personal=shown(findings.c.note))
def open_findings(conn, f: Filter) -> pd.DataFrame:
    """Findings not yet closed, overdue first and then by deadline: what the last inspections left open."""
    x = findings_state(conn, f)
    x = x[~x.closed]
    x = x.assign(village_name=_village_names(conn, x.village_code), category_name=_category_names(x.category),
                 days_over=[max((f.as_of - d).days, 0) for d in x.due_date])
    x = x.sort_values(["overdue", "due_date", "code"], ascending=[False, True, True], kind="stable")
    return x.reindex(columns=OPEN_FINDING_COLUMNS).reset_index(drop=True)


REPEAT_COLUMNS = ["code", "village_code", "village_name", "township_code", "category_name", "inspected_on", "state",
                  "closed_date", "again_code", "again_on", "again_unit"]
REPEAT_STATES = {"rebound": "整改后反弹", "still_open": "仍未整改"}


@query(area="village_code")
def repeat_findings(conn, f: Filter) -> pd.DataFrame:
    """Each finding whose village showed the same category of problem again at a later inspection (by the as-of
    day), with the first such later finding and whether the earlier one had been closed by then. Latest first."""
    x = findings_state(conn, f)
    pairs = x.merge(x, on=["village_code", "category"], suffixes=("", "_again"))
    pairs = pairs[pairs.inspected_on_again > pairs.inspected_on]
    pairs = pairs.sort_values(["finding_id", "inspected_on_again", "finding_id_again"]).drop_duplicates("finding_id")
    out = pd.DataFrame({
        "code": pairs.code, "village_code": pairs.village_code, "village_name": _village_names(conn, pairs.village_code),
        "township_code": pairs.township_code, "category_name": _category_names(pairs.category),
        "inspected_on": pairs.inspected_on,
        "state": ["rebound" if c else "still_open" for c in _by(pairs.closed_date, pairs.inspected_on_again)],
        "closed_date": pairs.closed_date, "again_code": pairs.code_again, "again_on": pairs.inspected_on_again,
        "again_unit": pairs.responsible_unit_again})
    out = out.sort_values(["again_on", "village_code", "code"], ascending=[False, True, True], kind="stable")
    return out.reindex(columns=REPEAT_COLUMNS).reset_index(drop=True)


# -- the headline for 总览 -------------------------------------------------------------------------------------
HEADLINE = {"stuck_cases": "超环节时限的线索", "assignments_overdue": "超期交办", "findings_open": "未整改问题",
            "findings_overdue": "超期未整改问题"}


@query()
def workflow_headline(conn, f: Filter) -> pd.DataFrame:
    """key, name, value (None where the scope holds no such workflow data: not imported, not zero), of which
    red (超期交办 of red warnings)."""
    have = workflow_coverage(conn, f).iloc[0]
    a = _assignments(conn, f) if have.assignments else None
    x = findings_state(conn, f) if have.findings else None
    values = {"stuck_cases": (len(_stuck(conn, f)), None) if have.lead_steps else (None, None),
              "assignments_overdue": (int(a.overdue.sum()), int((a.overdue & (a.level == "red")).sum()))
              if a is not None else (None, None),
              "findings_open": (int((~x.closed).sum()), None) if x is not None else (None, None),
              "findings_overdue": (int(x.overdue.sum()), None) if x is not None else (None, None)}
    return pd.DataFrame([(k, HEADLINE[k], *values[k]) for k in HEADLINE], columns=["key", "name", "value", "red"])
