"""The one translator from a Filter's area (county, township, village) and household category to SQL.

Every query reads the rows of its tables in scope through ``where(f, table)``; how each table reaches its
county, township and village is known here only. A confined user's Filter is clamped to their county or
township (queries/filters.py), so whatever page or URL asked, these clauses confine every query to it.
"""

import sqlalchemy as sa

from queries.filters import Filter
from queries.schema import households, townships, villages

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


def _townships_of(county: str):
    return sa.select(townships.c.code).where(townships.c.county_code == county)


def _only_county(f: Filter) -> str | None:
    """The county to confine by when no township narrows further (a township lies in its county)."""
    return f.county if not f.township else None


def where(f: Filter, table, *, category: bool = True) -> list:
    """WHERE clauses confining the rows of `table` (or an alias of it) to the filter's county, township and
    village, and, for rows about households when `category` is true, to the filter's household category."""
    name, c = _table_name(table), table.c
    with_category = category and bool(f.category) and name in ABOUT_HOUSEHOLDS
    county = _only_county(f)
    if name in THROUGH_HOUSEHOLD:
        if not (county or f.township or f.village or with_category):
            return []  # database-wide: the rows alone answer, no household lookup for each of them
        return [c.household_id.in_(sa.select(households.c.id).where(*where(f, households, category=category)))]
    if name == "targets":  # a target applies county-wide ("county", or the county's code) or to one township
        wanted = ["county", f.county, f.township] if f.county else []
        return [c.scope.in_([w for w in wanted if w])] if wanted else []
    if name in THROUGH_VILLAGE:
        clauses = []
        if county:
            clauses.append(c.village_code.in_(sa.select(villages.c.code).where(
                villages.c.township_code.in_(_townships_of(county)))))
        if f.township:
            clauses.append(c.village_code.in_(sa.select(villages.c.code).where(villages.c.township_code == f.township)))
        if f.village:
            clauses.append(c.village_code == f.village)
        return clauses
    if name not in OWN_AREA:
        raise ValueError(f"no scope route for table {name!r}")
    town, village = OWN_AREA[name]
    clauses = []
    if county and name == "townships":
        clauses.append(c.county_code == county)
    elif county:
        clauses.append(c[town].in_(_townships_of(county)))
    if f.township:
        clauses.append(c[town] == f.township)
    if f.village and village:
        clauses.append(c[village] == f.village)
    if with_category and name == "households":
        clauses.append(c.monitor_category == f.category)
    elif with_category:
        clauses.append(c.household_id.in_(sa.select(households.c.id).where(households.c.monitor_category == f.category)))
    return clauses
