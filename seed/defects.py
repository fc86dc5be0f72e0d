"""Planted data-quality defects and their manifest.

The demo county is clean except for (a) a known number of planted defects per rule and (b) the
neglect the lagging townships show by design (no helper, no visit, overdue leads). Both are
written to meta as `quality_manifest` ({rule: [household ids]}), so tests can check every
queries/quality.py rule for recall and precision 1.
"""

import json

import numpy as np
import pandas as pd

from queries.deadlines import QUARTER_DAYS
from queries.filters import LEAD_DECISION_DAYS

PLANTED_RULES = ["missed_income", "missed_guarantee", "exit_income", "exit_no_measure", "quick_elimination",
                 "work_no_labour", "negative_factor", "impossible_age", "duplicate_id", "invalid_id",
                 "unreported_village"]
CHECK = "10X98765432"


def plant(g, rule: str, ids: list[int]) -> None:
    """Add a rule's planted households to the manifest (for defects built after plant_defects)."""
    meta = g.tables["meta"]
    row = meta.key == "quality_manifest"
    manifest = json.loads(meta.loc[row, "value"].iloc[0])
    manifest[rule] = sorted(ids)
    meta.loc[row, "value"] = json.dumps(manifest, sort_keys=True)


def per_rule(households: int) -> int:
    return max(2, min(50, households // 2000))


def plant_defects(g) -> None:
    """Mutate the generator's tables in place and record the manifest (g: seed.generate.CountyGenerator)."""
    rng = np.random.default_rng(g.cfg.seed + 7919)  # its own stream: planting never shifts the clean data
    t = g.tables
    hh, mem, inc = t["households"], t["members"], t["household_income"]
    k = per_rule(len(hh))
    as_of = g.as_of
    year = g.cfg.as_of.year
    line = float(g.line(year))
    used: set[int] = set()
    manifest: dict[str, list[int]] = {}

    def pick(pool: np.ndarray, n: int = k) -> np.ndarray:
        pool = np.array(sorted(set(pool.tolist()) - used), dtype=np.int64)
        chosen = rng.choice(pool, min(n, len(pool)), replace=False) if len(pool) else pool
        used.update(chosen.tolist())
        return np.sort(chosen)

    ident = hh.identified_date.values.astype("datetime64[D]")
    elim = hh.eliminated_date.values.astype("datetime64[D]")
    never = hh.id.values[pd.isna(hh.monitor_category).values]
    eliminated = hh.id.values[~np.isnat(elim)]
    monitored = hh.id.values[hh.monitor_category.notna().values & np.isnat(elim)]

    ids = pick(never)
    inc.loc[inc.household_id.isin(ids) & (inc.year == year), "per_capita_income"] = round(0.8 * line)
    manifest["missed_income"] = ids.tolist()

    ids = pick(never)
    heads = mem.household_id.isin(ids) & (mem.relation == "head")
    half = mem.household_id.isin(ids[: len(ids) // 2])
    mem.loc[heads & half, "dropout"] = True
    mem.loc[heads & ~half, "insured"] = False
    manifest["missed_guarantee"] = ids.tolist()

    ids = pick(eliminated)
    inc.loc[inc.household_id.isin(ids) & (inc.year == year), "per_capita_income"] = round(0.7 * line)
    manifest["exit_income"] = ids.tolist()

    ids = pick(eliminated)
    t["aid_measures"] = t["aid_measures"][~t["aid_measures"].household_id.isin(ids)].reset_index(drop=True)
    manifest["exit_no_measure"] = ids.tolist()

    early = hh.id.values[~np.isnat(elim) & (ident + 10 <= as_of)]
    ids = pick(early)
    rows = hh.id.isin(ids)
    new_elim = hh.loc[rows, "identified_date"] + pd.Timedelta(days=10)
    hh.loc[rows, "eliminated_date"] = new_elim
    w = t["warnings"]
    closing = w.household_id.isin(ids) & (w.decision == "identified")
    w.loc[closing, "closed_date"] = w.loc[closing, "household_id"].map(dict(zip(hh.id[rows], new_elim)))
    manifest["quick_elimination"] = ids.tolist()

    f = t["risk_factors"]
    ids = pick(f.household_id[f.factor_type == "work"].unique())
    rows = mem.household_id.isin(ids)
    mem.loc[rows, "labour"] = "lost"
    mem.loc[rows, "employment"] = None
    manifest["work_no_labour"] = ids.tolist()

    ids = pick(monitored)
    hh.loc[hh.id.isin(ids), "negative_factor"] = "gambling"
    manifest["negative_factor"] = ids.tolist()

    birth = mem.birth_date.values.astype("datetime64[D]")
    adults = mem.household_id.values[birth < as_of - 40 * 365]
    ids = pick(adults)
    first_adult = mem[mem.household_id.isin(ids) & (birth < as_of - 40 * 365)].groupby("household_id").head(1).index
    mem.loc[first_adult, ["is_student", "school_stage"]] = [True, "primary"]
    manifest["impossible_age"] = ids.tolist()

    # duplicates: member of household A gets the ID of a member of household B (both households flagged)
    pairs = pick(hh.id.values, 2 * k).reshape(-1, 2) if k else np.empty((0, 2), dtype=np.int64)
    firsts = mem.groupby("household_id").head(1).set_index("household_id")
    for a, b in pairs:
        mem.loc[firsts.loc[a, "id"] - 1, "id_number"] = firsts.loc[b, "id_number"]
    manifest["duplicate_id"] = sorted(pairs.ravel().tolist())

    ids = pick(hh.id.values)
    for hid in ids:
        row = firsts.loc[hid, "id"] - 1
        good = mem.at[row, "id_number"]
        mem.at[row, "id_number"] = good[:17] + CHECK[(CHECK.index(good[17]) + 3) % 11]
    manifest["invalid_id"] = ids.tolist()

    manifest["unreported_village"] = plant_missing_reports(t, rng, g.as_of)
    manifest |= designed_neglect(g)
    t["meta"] = pd.concat([t["meta"], pd.DataFrame({"key": ["quality_manifest"],
                                                    "value": [json.dumps(manifest, sort_keys=True)]})],
                          ignore_index=True)


def plant_missing_reports(t, rng, as_of) -> list[str]:
    """A few villages never report their sector data (the rule finds them) and as many others miss the latest
    period (they keep their previous report: no rule flags them). Returns the never-reporting villages."""
    vf = t["village_facts"]
    ends = vf.period_end.values.astype("datetime64[D]")
    codes = np.array(sorted(vf.village_code.unique()))
    n = max(1, len(codes) // 120)
    chosen = rng.choice(codes, min(2 * n, len(codes)), replace=False)
    silent, missed = np.sort(chosen[:n]), chosen[n:]
    latest = ends[ends <= as_of].max() if (ends <= as_of).any() else None
    drop = vf.village_code.isin(silent).to_numpy(copy=True)
    if latest is not None:
        drop |= vf.village_code.isin(missed).values & (ends == latest)
    t["village_facts"] = vf[~drop].reset_index(drop=True)
    reported = set(vf.village_code[~drop & (ends <= as_of)])
    return sorted(c for c in t["villages"].code if c not in reported)


def designed_neglect(g) -> dict[str, list[int]]:
    """Households the lagging townships neglect by design, known from the generated rows."""
    t = g.tables
    hh, as_of = t["households"], g.as_of
    ident = hh.identified_date.values.astype("datetime64[D]")
    elim = hh.eliminated_date.values.astype("datetime64[D]")
    monitored = hh.monitor_category.notna().values & (ident <= as_of) & (np.isnat(elim) | (elim > as_of))
    no_helper = hh.id.values[monitored & hh.helper_id.isna().values]
    cutoff = as_of - QUARTER_DAYS   # a day before this one is more than a quarter ago (queries/deadlines.py)
    v = t["visits"]
    recent = set(v.household_id[(v.visit_date.values.astype("datetime64[D]") >= cutoff)
                                & (v.visit_date.values.astype("datetime64[D]") <= as_of)])
    upd = hh.updated_date.values.astype("datetime64[D]")
    stale_mask = monitored & (ident < cutoff) & ~hh.id.isin(recent).values & (np.isnat(upd) | (upd < cutoff) | (upd > as_of))
    w = t["warnings"]
    raised = w.raised_date.values.astype("datetime64[D]")
    decided = w.decision_date.values.astype("datetime64[D]")
    overdue = w.household_id[(raised < as_of - LEAD_DECISION_DAYS) & (np.isnat(decided) | (decided > as_of))].unique()
    return {"no_helper": sorted(no_helper.tolist()), "stale": sorted(hh.id.values[stale_mask].tolist()),
            "overdue_lead": sorted(int(x) for x in overdue)}


LEVEL_SHIFT = {"red": "yellow", "orange": "red", "yellow": "orange"}   # a wrong level for each true one


def grade_demo_leads(conn) -> None:
    """After the demo county is written: give every lead the level the grading rules give it (where they
    give one; queries/grading.py), then type a known few open leads with a wrong level, and add those
    households to the manifest as ``level_mismatch``. Run in the load transaction, before derive.refresh."""
    import sqlalchemy as sa

    from queries import grading
    from queries.schema import meta, warnings as w
    from queries.sql import warning_open_on
    from seed import derive

    derive.close_leads(conn)   # which leads are open depends on the stored close day
    rule = grading.grade_sql(w)
    conn.execute(w.update().values(level=rule).where(rule.is_not(None), w.c.level != rule))
    values = dict(conn.execute(sa.select(meta.c.key, meta.c.value)).all())
    as_of = pd.Timestamp(values["as_of"]).date()
    manifest = json.loads(values["quality_manifest"])
    rows = conn.execute(sa.select(w.c.id, w.c.household_id, w.c.level)
                        .where(warning_open_on(as_of), rule.is_not(None)).order_by(w.c.id)).all()
    rng = np.random.default_rng(int(values.get("seed", 0)) + 104729)
    households = sorted({r[1] for r in rows})
    k = min(per_rule(int(values["households"])), len(households))
    chosen = set(rng.choice(households, k, replace=False).tolist()) if k else set()
    for wid, hid, level in rows:
        if hid in chosen:
            conn.execute(w.update().values(level=LEVEL_SHIFT[level]).where(w.c.id == wid))
    manifest["level_mismatch"] = sorted(int(h) for h in chosen)
    conn.execute(meta.update().values(value=json.dumps(manifest, sort_keys=True)).where(meta.c.key == "quality_manifest"))
