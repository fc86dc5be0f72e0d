"""The one translator from a Filter's area (township, village) and household category to SQL.

Every query reads the rows of its tables in scope through ``where(f, table)``; how each table reaches its
township and village is known here only. A township user's Filter is clamped to the township
(queries/filters.py), so whatever page or URL asked, these clauses confine every query to it.
"""

import sqlalchemy as sa

from queries.filters import Filter
from queries.schema import households, villages

# table -> (township column, village column): the table's own columns (warnings, risk factors, lead steps,
# 交办 and 失信 records carry the household's area, copied at load by seed/derive.py, so counting them needs
# no household lookup; a finding carries its village's township, set at import)
OWN_AREA = {"households": ("township_code", "village_code"), "warnings": ("township_code", "village_code"),
            "risk_factors": ("township_code", "village_code"), "villages": ("township_code", "code"),
            "projects": ("township_code", "village_code"), "townships": ("code", None),
            "helpers": ("township_code", None), "lead_steps": ("township_code", "village_code"),
            "assignments": ("township_code", "village_code"), "findings": ("township_code", "village_code"),
            "township_facts": ("township_code", None), "enterprise_pairings": ("township_code", "village_code"),
            "dishonesty_records": ("township_code", "village_code")}
THROUGH_VILLAGE = {"village_facts", "inspections"}                                  # village_code only
THROUGH_HOUSEHOLD = {"members", "aid_measures", "visits", "household_income", "household_checks"}  # household_id only
ABOUT_HOUSEHOLDS = {"households", "warnings", "risk_factors", "lead_steps", "assignments",
                    "dishonesty_records"} | THROUGH_HOUSEHOLD  # the category applies


def _table_name(table) -> str:
    return getattr(table, "element", table).name  # an alias reaches its area like its table


def where(f: Filter, table, *, category: bool = True) -> list:
    """WHERE clauses confining the rows of `table` (or an alias of it) to the filter's township and village,
    and, for rows about households when `category` is true, to the filter's household category."""
    name, c = _table_name(table), table.c
    with_category = category and bool(f.category) and name in ABOUT_HOUSEHOLDS
    if name in THROUGH_HOUSEHOLD:
        if not (f.township or f.village or with_category):
            return []  # county-wide: the rows alone answer, no household lookup for each of them
        return [c.household_id.in_(sa.select(households.c.id).where(*where(f, households, category=category)))]
    if name == "targets":  # a target applies county-wide ("county") or to one township (its code)
        return [c.scope.in_(["county", f.township])] if f.township else []
    if name in THROUGH_VILLAGE:
        clauses = []
        if f.township:
            clauses.append(c.village_code.in_(sa.select(villages.c.code).where(villages.c.township_code == f.township)))
        if f.village:
            clauses.append(c.village_code == f.village)
        return clauses
    if name not in OWN_AREA:
        raise ValueError(f"no scope route for table {name!r}")
    town, village = OWN_AREA[name]
    clauses = []
    if f.township:
        clauses.append(c[town] == f.township)
    if f.village and village:
        clauses.append(c[village] == f.village)
    if with_category and name == "households":
        clauses.append(c.monitor_category == f.category)
    elif with_category:
        clauses.append(c.household_id.in_(sa.select(households.c.id).where(households.c.monitor_category == f.category)))
    return clauses
