"""Stored results of the county-wide default views, rebuilt at every load or import.

At province scale (2,000,000 households) the first view of a page would run its aggregates over millions
of rows: seconds, for whoever opens it first after the cache expires. The county-wide views on the data's
as-of day are what most people open first, so the loader runs those query functions once and stores
their results (Parquet, unmasked) keyed by the call (the function's registered name and its arguments);
``dashboard.common.data.query`` reads a stored result instead of running the SQL, then masks it for the
viewer. Every other view (a township, a category, another day, the month grain) runs live.
``rebuild`` runs in the same transaction as the load or import (seed/derive.py), so the stored results
can never disagree with the data. ``MONITOR_PRECOMPUTED=off`` makes the dashboard ignore them.
"""

import hashlib
import io
import json
import os
from datetime import date

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from queries import aid, departments, factors, inspection, kpis, leads, quality, screening, targets, trends, workflow
from queries.filters import Filter
from queries.registry import spec
from queries.schema import precomputed


OBJECTS = b"object_columns"


def enabled() -> bool:
    return os.environ.get("MONITOR_PRECOMPUTED", "on").lower() not in ("off", "0", "false", "no")


def call_name(fn) -> str:
    """The registered name of a query function (queries/registry.py): the key its stored results go by."""
    return spec(fn).name


def call_key(name: str, args: tuple, kwargs: tuple) -> str:
    """The same text for the same call (dataclass and date reprs are stable), hashed."""
    return hashlib.sha256(f"{name}|{args!r}|{kwargs!r}".encode()).hexdigest()


def default_calls(as_of: date) -> list[tuple]:
    """(function, args) of the county-wide views at the as-of day, as the pages ask for them
    (tests/test_precomputed.py checks that opening each page needs nothing else)."""
    f = Filter(as_of=as_of)
    before = f.previous_quarter                           # 总览's ranking compares with one quarter earlier
    calls = [(kpis.headline_kpis, f), (leads.open_lead_list, f), (trends.monthly_trend, f),
             (factors.factor_breakdown, f), (factors.factor_groups, f), (factors.factors_by_area, f, "township"),
             (factors.multi_factor_households, f), (factors.factor_trend, f),
             (aid.measures_by_tool, f), (aid.factor_tool_gaps, f), (aid.visit_recency, f, "township"),
             (aid.funds_by_area, f, "all"), (aid.funds_by_area, f, "township"), (aid.project_list, f),
             (quality.rule_counts, f), (quality.flagged_households, f, quality.RULES[0].key),
             (inspection.village_components, f), (screening.screening_facts, f),
             (screening.screening_by_area, f, "township"), (screening.screening_list, f),
             (screening.households_without_measure, f), (screening.unmatched_factors, f),
             (departments.leads_by_source, f)]
    calls += [(leads.leads_by_area, f, by) for by in ("all", "township", "village")]
    calls += [(targets.target_status, f, by) for by in ("all", "township", "village")]
    calls += [(aid.measure_coverage, f, by) for by in ("all", "township")]
    calls += [(leads.leads_by_area, before, "township"), (aid.measure_coverage, before, "township"),
              (targets.target_status, before, "township")]
    calls += [(targets.target_trend, f, i.key) for i in targets.FACT_INDICATORS]
    calls += [(fn, f) for fn in (workflow.workflow_coverage, workflow.workflow_headline, workflow.step_durations,
                                 workflow.level_durations, workflow.stuck_cases, workflow.assignments_by_unit,
                                 workflow.overdue_assignments, workflow.findings_by_category, workflow.open_findings,
                                 workflow.repeat_findings)]
    calls += [(fn, f, "township") for fn in (workflow.step_funnel, workflow.step_days_by_area, workflow.findings_by_area)]
    calls += [(workflow.stuck_by_township, f), (workflow.overdue_assignments, f, "red")]
    return calls


def _encode(df: pd.DataFrame) -> bytes:
    table = pa.Table.from_pandas(df)
    # Parquet has no "object" type: remember which columns were object so they come back as they went in
    objects = [str(c) for c in df.columns if df[c].dtype == object]
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), OBJECTS: json.dumps(objects)})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def _decode(payload: bytes) -> pd.DataFrame:
    table = pq.read_table(io.BytesIO(payload))
    df = table.to_pandas()
    objects = json.loads(table.schema.metadata.get(OBJECTS, b"[]"))
    if objects:
        df[objects] = df[objects].astype(object)
    return df


def rebuild(conn, as_of: date | None) -> int:
    """Replace the stored results with fresh ones for the data's as-of day; returns how many."""
    conn.execute(precomputed.delete())
    if as_of is None:
        return 0
    rows = []
    for fn, *args in default_calls(as_of):
        name = call_name(fn)
        result = fn(conn, *args)
        rows.append({"key": call_key(name, tuple(args), ()), "call": f"{name}{tuple(args)!r}",
                     "payload": _encode(result)})
    conn.execute(precomputed.insert(), rows)
    return len(rows)


def stored(conn, name: str, args: tuple, kwargs: tuple) -> pd.DataFrame | None:
    """The stored result of this call, or None (not a default view, or switched off)."""
    if not enabled():
        return None
    payload = conn.execute(sa.select(precomputed.c.payload).where(
        precomputed.c.key == call_key(name, args, kwargs))).scalar()
    return None if payload is None else _decode(payload)
