"""The demo county's 失信 records (000 附件7): a handful of households, among them one still monitored though
its record cancelled its monitoring (what the quality rule "失信取消资格但仍在监测" finds), one whose
credit was repaired (信用修复, so it is monitored again by right), and others with the other effects.

A separate random stream keyed by the seed, built from the finished households, so adding it left every
other table of a given seed unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from queries.codes import DISHONESTY_EFFECTS, DISHONESTY_KINDS
from seed.defects import plant

NOTES = ["经村民代表大会评议，情况属实", "经乡镇核实，已责令整改", "本人已签字确认", "群众举报，经核查属实"]
PER_HOUSEHOLDS = 2000            # about one 失信 household in 2,000 (at least 6)


def build(gen) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng([gen.cfg.seed, 707])
    as_of = pd.Timestamp(gen.as_of)
    hh = gen.tables["households"]
    ident = pd.to_datetime(hh.identified_date)
    elim = pd.to_datetime(hh.eliminated_date)
    monitored = hh[(ident <= as_of) & (elim.isna() | (elim > as_of))]
    others = hh[~hh.id.isin(monitored.id)]
    if len(monitored) < 2 or len(others) < 1:
        return {"dishonesty_records": pd.DataFrame(columns=COLUMNS)}
    n = max(6, len(hh) // PER_HOUSEHOLDS)
    chosen_monitored = rng.choice(monitored.id.values, 2, replace=False)
    rest = rng.choice(others.id.values, min(n - 2, len(others)), replace=False)
    kinds, effects = list(DISHONESTY_KINDS), list(DISHONESTY_EFFECTS)
    rows = []
    for i, hid in enumerate([*chosen_monitored, *rest]):
        recorded = as_of - pd.Timedelta(days=int(rng.integers(30, 540)))
        effect = "revoke_monitoring" if i < 2 else effects[int(rng.integers(0, len(effects)))]
        # the second monitored one had its credit repaired: monitored again by right
        repaired = recorded + pd.Timedelta(days=int(rng.integers(20, 25))) if i == 1 or (i > 2 and rng.random() < .3) \
            else None
        if repaired is not None and repaired > as_of:
            repaired = None
        rows.append({"household_id": int(hid), "kind": kinds[int(rng.integers(0, len(kinds)))],
                     "recorded_date": recorded, "effect": effect, "unit": "县乡村振兴局",
                     "repaired_date": repaired, "repair_unit": "县乡村振兴局" if repaired is not None else None,
                     "note": NOTES[int(rng.integers(0, len(NOTES)))]})
    out = pd.DataFrame(rows, columns=COLUMNS[1:]).sort_values(["recorded_date", "household_id"], kind="stable")
    out.insert(0, "id", np.arange(1, len(out) + 1))
    for c in ("recorded_date", "repaired_date"):
        out[c] = pd.to_datetime(out[c]).values.astype("datetime64[D]")
    plant(gen, "dishonest_monitored", [int(chosen_monitored[0])])  # revoked, not repaired, still monitored
    return {"dishonesty_records": out.reset_index(drop=True)}


COLUMNS = ["id", "household_id", "kind", "recorded_date", "effect", "unit", "repaired_date", "repair_unit", "note"]
