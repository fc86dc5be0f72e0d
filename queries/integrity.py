"""诚信 (000 附件7, 附件9 二(七)): a household's 诚实守信承诺书 and 失信 records with their 信用修复, and the
失信名单 of the county.

The pledge is the lead's identification step "pledge" (签订承诺书, lead_steps; queries/schema.py says why it
has no column of its own). A record is in force (惩戒中) from its 认定日期 until its 信用修复日期. A county
that imported no 失信记录 sheet has no rows: ``integrity_imported`` says so, and pages show "未导入诚信记录"
instead of zeros (a county may well have no 失信 household at all; only an empty table is "not imported").
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from queries import scope
from queries.codes import DISHONESTY_EFFECTS, DISHONESTY_KINDS, label
from queries.filters import Filter
from queries.metrics import define
from queries.registry import query, shown
from queries.schema import dishonesty_records, households, lead_steps, members, townships, villages
from queries.sql import frame, head_name, monitored_on, on

T = "诚信"
define("dishonesty_households", "失信户",
       "截至日期时有失信记录（认定日期不晚于截至日期）的农户数；一户有几条记录只计一次，已信用修复的也计入。", topic=T)
define("dishonesty_in_force", "惩戒中的失信记录",
       "认定日期不晚于截至日期、截至日期时尚未信用修复（未填信用修复日期，或修复日期晚于截至日期）的失信记录数。",
       unit="条", topic=T)
define("dishonesty_repaired", "已信用修复的失信记录", "信用修复日期不晚于截至日期的失信记录数。", unit="条", topic=T)
define("pledge_date", "签订承诺书日期",
       "该户预警线索识别环节中“签订承诺书”（自愿申请监测和诚实守信承诺书）的完成日期，截至日期前最近的一次。", unit="", topic=T)

r = dishonesty_records


def in_force_on(d, rec=r):
    """The record was made by day d and its credit not yet repaired on d."""
    return sa.and_(rec.c.recorded_date <= on(d), sa.or_(rec.c.repaired_date.is_(None), rec.c.repaired_date > on(d)))


def revoked_but_monitored(d):
    """Households monitored on day d whose monitoring a record in force on d cancelled (取消监测资格): the
    data-quality rule "失信取消资格但仍在监测" (queries/quality.py)."""
    revoked = sa.select(r.c.household_id).where(r.c.effect == "revoke_monitoring", in_force_on(d))
    return sa.and_(monitored_on(d), households.c.id.in_(revoked))


@query(scoped=False)
def integrity_imported(conn) -> bool:
    """Whether the database holds any 失信 record: False means the sheet was never imported, not "none"."""
    return conn.execute(sa.select(sa.literal(1)).select_from(r).limit(1)).first() is not None


def _records(f: Filter):
    """The records made by the as-of day in scope, repair dates only once they have happened."""
    repaired = sa.and_(r.c.repaired_date.is_not(None), r.c.repaired_date <= on(f.as_of))
    return (r.c.household_id, r.c.kind, r.c.recorded_date, r.c.effect, r.c.unit,
            sa.case((repaired, r.c.repaired_date), else_=None), sa.case((repaired, r.c.repair_unit), else_=None),
            r.c.note), [r.c.recorded_date <= on(f.as_of), *scope.where(f, r, category=False)]


RECORD_COLUMNS = ["household_id", "kind", "recorded_date", "effect", "unit", "repaired_date", "repair_unit", "note"]


def _labelled(df: pd.DataFrame) -> pd.DataFrame:
    df["kind_name"] = [label(DISHONESTY_KINDS, k) for k in df.kind]
    df["effect_name"] = [label(DISHONESTY_EFFECTS, e) for e in df.effect]
    df["in_force"] = df.repaired_date.isna()
    return df


@query(area="household_id", personal={"records": shown(r.c.note, r.c.kind, kind_name=r.c.kind)})
def household_integrity(conn, f: Filter, household_id: int) -> dict[str, pd.DataFrame] | None:
    """One household's 诚信 facts by the as-of day: its pledges (签订承诺书 steps: lead raised, signed, unit) and
    its 失信 records; None if the household is outside the filter's area (its category does not matter)."""
    hh = households
    found = conn.execute(sa.select(hh.c.id).where(hh.c.id == household_id,
                                                  *scope.where(f, hh, category=False))).scalar()
    if found is None:
        return None
    s = lead_steps
    pledges = frame(conn, sa.select(s.c.household_id, s.c.raised_date, s.c.done_date, s.c.unit)
                    .where(s.c.household_id == household_id, s.c.step == "pledge", s.c.done_date <= on(f.as_of))
                    .order_by(s.c.done_date.desc(), s.c.id.desc()),
                    ["household_id", "raised_date", "done_date", "unit"])
    cols, where = _records(f)
    records = frame(conn, sa.select(*cols).where(r.c.household_id == household_id, *where)
                    .order_by(r.c.recorded_date, r.c.id), RECORD_COLUMNS)
    return {"pledges": pledges, "records": _labelled(records)}


LIST_COLUMNS = ["household_id", "code", "head_name", "township_name", "village_name", "monitored", *RECORD_COLUMNS[1:],
                "kind_name", "effect_name", "in_force"]


@query(area="household_id", personal=shown(r.c.note, r.c.kind, kind_name=r.c.kind, head_name=members.c.name))
def dishonesty_list(conn, f: Filter, in_force_only: bool = False) -> pd.DataFrame:
    """The 失信名单: every record made by the as-of day in scope with its household and where it lies, those
    in force first, then the latest first (names in full: the pipeline masks them for the viewer)."""
    hh = households
    cols, where = _records(f)
    if in_force_only:
        where.append(in_force_on(f.as_of))
    stmt = (sa.select(hh.c.id, hh.c.code, head_name(), townships.c.name, villages.c.name, monitored_on(f.as_of),
                      *cols[1:])
            .select_from(r.join(hh, hh.c.id == r.c.household_id)
                         .join(villages, villages.c.code == hh.c.village_code)
                         .join(townships, townships.c.code == hh.c.township_code))
            .where(*where).order_by(r.c.recorded_date.desc(), hh.c.code, r.c.id))
    out = frame(conn, stmt, LIST_COLUMNS[:-3])
    out["monitored"] = out.monitored.fillna(False).astype(bool)
    out = _labelled(out)
    return out.sort_values("in_force", ascending=False, kind="stable").reset_index(drop=True)


@query()
def dishonesty_summary(conn, f: Filter) -> pd.DataFrame:
    """One row: 失信户, records in force, records repaired, in scope by the as-of day."""
    cols, where = _records(f)
    stmt = sa.select(sa.func.count(sa.distinct(r.c.household_id)),
                     sa.func.coalesce(sa.func.sum(sa.case((in_force_on(f.as_of), 1), else_=0)), 0),
                     sa.func.coalesce(sa.func.sum(sa.case((r.c.repaired_date <= on(f.as_of), 1), else_=0)), 0)
                     ).where(*where)
    out = frame(conn, stmt, ["dishonesty_households", "dishonesty_in_force", "dishonesty_repaired"])
    return out.astype(int)
