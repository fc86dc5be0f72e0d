"""A case's 办理过程 on 户情: every lead of one household from its warning through the identification steps,
the decision, each 网上交办 and its feedback, to the lead's close, in date order, with the days each step took
against its limit and whether a 交办 came back by its 办结时限. The step and 交办 rules are those of
queries/workflow.py (one definition each); only events on or before the as-of day are shown."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from queries import scope
from queries.codes import (ASSIGNEE_KINDS, FEEDBACK_RESULTS, LEAD_DECISIONS, LEAD_SOURCES, LEAD_STEPS,
                           STEP_RESULTS, WARNING_LEVELS, label)
from queries.deadlines import step_days
from queries.filters import Filter
from queries.metrics import define
from queries.registry import query, shown
from queries.schema import assignments, helpers, households, lead_steps, warnings
from queries.sql import frame, on
from queries.workflow import T, with_assignment_state, with_step_days

define("case_timeline", "办理过程",
       "该户截至日期前的每条预警线索：发出预警、各识别环节（实地核查、部门比对、签订承诺书、村级初核、乡镇复核、县级审定）、"
       "研判、网上交办及反馈、预警解除，按日期排列。环节用时为距上一环节完成（第一个环节距线索产生）的天数，"
       "超过该环节时限的标为超时限；交办按办结时限（未填时为交办日期加预警级别的办结时限）判断按时或超期。",
       unit="", topic=T)

COLUMNS = ["household_id", "date", "event", "detail", "unit", "helper_name", "late"]
# events of one day in the order they happen
_ORDER = {"lead": 0, "step": 1, "decision": 3, "assigned": 4, "feedback": 5, "closed": 6}


def _lead_rows(conn, household_id: int, as_of) -> list[tuple]:
    w = warnings
    leads = frame(conn, sa.select(w.c.raised_date, w.c.level, w.c.source, w.c.decision, w.c.decision_date,
                                  w.c.closed_on)
                  .where(w.c.household_id == household_id, w.c.raised_date <= on(as_of)).order_by(w.c.raised_date),
                  ["raised", "level", "source", "decision", "decision_date", "closed_on"])
    rows = []
    for x in leads.itertuples(index=False):
        rows.append((x.raised, "lead", "发出预警线索", f"{label(WARNING_LEVELS, x.level)}；来源：{label(LEAD_SOURCES, x.source, x.source)}",
                     None, None, False))
        if x.decision and _by(x.decision_date, as_of):
            rows.append((x.decision_date, "decision", f"研判：{label(LEAD_DECISIONS, x.decision)}", "", None, None, False))
        if _by(x.closed_on, as_of):
            rows.append((x.closed_on, "closed", "预警解除", "", None, None, False))
    return rows


def _step_rows(conn, household_id: int, as_of) -> list[tuple]:
    s = lead_steps
    steps = frame(conn, sa.select(s.c.household_id, s.c.raised_date, s.c.step, s.c.done_date, s.c.unit,
                                  s.c.departments, s.c.result)
                  .where(s.c.household_id == household_id, s.c.done_date <= on(as_of)),
                  ["household_id", "raised_date", "step", "done_date", "unit", "departments", "result"])
    limits, rows = step_days(), []
    for x in with_step_days(steps).itertuples(index=False):
        limit = limits[x.step]
        parts = [f"结果：{label(STEP_RESULTS, x.result)}"] if _given(x.result) else []
        if _given(x.departments):
            parts.append(f"比对部门：{x.departments}")
        late = x.days > limit
        parts.append(f"用时{x.days}天（时限{limit}天）" + ("，超时限" if late else ""))
        rows.append((x.done_date, "step", LEAD_STEPS[x.step][0], "；".join(parts), x.unit, None, late))
    return rows


def _assignment_rows(conn, household_id: int, as_of) -> list[tuple]:
    a, w = assignments, warnings
    done = frame(conn, sa.select(a.c.assignee_kind, a.c.unit, helpers.c.name, w.c.level, a.c.assigned_date,
                                 a.c.due_date, a.c.feedback_date, a.c.feedback_result)
                 .select_from(a.join(w, w.c.id == a.c.warning_id).outerjoin(helpers, helpers.c.id == a.c.helper_id))
                 .where(a.c.household_id == household_id, a.c.assigned_date <= on(as_of)).order_by(a.c.id),
                 ["assignee_kind", "unit", "helper_name", "level", "assigned_date", "due_date", "feedback_date",
                  "feedback_result"])
    rows = []
    for x in with_assignment_state(done, as_of).itertuples(index=False):
        fed_back = _by(x.feedback_date, as_of)
        if x.done:
            state = "按时办结" if x.on_time else f"超期办结（晚{(x.feedback_date - x.due).days}天）"
        elif x.overdue:
            state = f"超期未办结（已超{(as_of - x.due).days}天）"
        else:
            state = "办理中"
        rows.append((x.assigned_date, "assigned", f"交办{label(ASSIGNEE_KINDS, x.assignee_kind)}",
                     f"办结时限 {x.due.isoformat()}；{state}", x.unit, x.helper_name,
                     bool(x.overdue or (x.done and not x.on_time))))
        if fed_back:
            late = (x.feedback_date - x.due).days
            when = "在办结时限内" if late <= 0 else f"晚于办结时限{late}天"
            rows.append((x.feedback_date, "feedback", f"反馈：{label(FEEDBACK_RESULTS, x.feedback_result)}", when,
                         x.unit, x.helper_name, late > 0))
    return rows


def _given(value) -> bool:
    return value is not None and not pd.isna(value) and value != ""


def _by(day, as_of) -> bool:
    return day is not None and not pd.isna(day) and day <= as_of


@query(area="household_id", personal=shown(helper_name=helpers.c.name))
def household_timeline(conn, f: Filter, household_id: int) -> pd.DataFrame | None:
    """One household's 办理过程 up to the as-of day (columns COLUMNS, oldest first); None if the household is
    outside the filter's area (its category does not matter)."""
    hh = households
    found = conn.execute(sa.select(hh.c.id).where(hh.c.id == household_id,
                                                  *scope.where(f, hh, category=False))).scalar()
    if found is None:
        return None
    rows = (_lead_rows(conn, household_id, f.as_of) + _step_rows(conn, household_id, f.as_of)
            + _assignment_rows(conn, household_id, f.as_of))
    out = pd.DataFrame(rows, columns=["date", "kind", "event", "detail", "unit", "helper_name", "late"])
    out["rank"] = out.kind.map(_ORDER)
    out = out.sort_values(["date", "rank"], kind="stable").reset_index(drop=True)
    out.insert(0, "household_id", household_id)
    out["late"] = out.late.astype(bool)
    for c in ("unit", "helper_name"):   # blank cells are None, whichever the database
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out[COLUMNS]
