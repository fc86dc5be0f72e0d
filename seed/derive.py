"""Derived data, refreshed after every load or import in the same transaction.

Facts about the records that do not depend on the as-of day and would otherwise be recomputed over
millions of rows on every page view: members' ID checks (6.5 million rows at province scale; the rules
stay in queries/quality.py, this only stores their per-row results), the township and village of each
lead and risk factor (counting them by area without looking up 2 million households), each village's
number of households (the per-100 denominators), each lead step's and 交办's lead, the day each lead is closed (a blank 预警解除日期 is
common in real 台账: the decision or the household's elimination closes it, queries/sql.lead_closed_on), and then the stored results of the county-wide
default views (queries/precomputed.py).

    .venv/bin/python -m seed.derive --url URL   # after writing to the database by other means
"""

import argparse

import sqlalchemy as sa

from queries import precomputed
from queries.areas import data_as_of
from queries.quality import id_duplicate_expr, id_invalid_expr
from queries.sql import lead_closed_on
from queries.schema import (assignments, dishonesty_records, households, lead_steps, members, risk_factors, villages,
                            warnings)


def refresh(conn) -> dict[str, int]:
    """Recompute every derived column; only rows whose value changes are written. Returns rows changed."""
    changed = {}
    for column, expr in ((members.c.id_invalid, id_invalid_expr()), (members.c.id_duplicate, id_duplicate_expr())):
        stmt = members.update().where(column != expr).values({column.name: expr})
        changed[column.name] = conn.execute(stmt).rowcount
    # leads and risk factors carry their household's township and village
    hh = households
    for t in (warnings, risk_factors, lead_steps, assignments, dishonesty_records):
        stmt = (t.update().values(township_code=hh.c.township_code, village_code=hh.c.village_code)
                .where(hh.c.id == t.c.household_id, sa.or_(t.c.township_code.is_distinct_from(hh.c.township_code),
                                                             t.c.village_code.is_distinct_from(hh.c.village_code))))
        changed[f"{t.name}_area"] = conn.execute(stmt).rowcount
    changed["closed_on"] = close_leads(conn)
    changed["workflow_leads"] = match_leads(conn)
    count = (sa.select(sa.func.count()).where(hh.c.township_code == villages.c.township_code,
                                              hh.c.village_code == villages.c.code).scalar_subquery())
    changed["household_count"] = conn.execute(
        villages.update().values(household_count=count).where(villages.c.household_count != count)).rowcount
    # last: the stored county-wide views are computed from the data and derived columns above
    changed["precomputed"] = precomputed.rebuild(conn, data_as_of(conn))
    return changed


def close_leads(conn) -> int:
    """Store each lead's close day (warnings.closed_on); returns the rows changed."""
    closed = lead_closed_on()
    return conn.execute(warnings.update().values(closed_on=closed)
                        .where(warnings.c.closed_on.is_distinct_from(closed))).rowcount


def match_leads(conn) -> int:
    """Point each lead step and 交办 at its lead: the household's lead raised that day (the smallest id when
    a household has two leads on one day). Returns the rows changed."""
    changed = 0
    for t in (lead_steps, assignments):
        lead = (sa.select(sa.func.min(warnings.c.id)).where(warnings.c.household_id == t.c.household_id,
                                                            warnings.c.raised_date == t.c.raised_date)
                .scalar_subquery())
        changed += conn.execute(t.update().values(warning_id=lead).where(t.c.warning_id.is_distinct_from(lead))).rowcount
    return changed


def main(argv=None) -> int:
    from queries.db import make_engine
    p = argparse.ArgumentParser(prog="python -m seed.derive", description="刷新派生数据（身份证号校验与重复标记、线索所在乡镇村、各村户数、线索解除日）")
    p.add_argument("--url", required=True, help="数据库地址（SQLAlchemy URL，需可写）")
    args = p.parse_args(argv)
    engine = make_engine(args.url, read_only=False)
    with engine.begin() as conn:
        print(refresh(conn))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
