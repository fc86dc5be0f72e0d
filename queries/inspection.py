"""巡查选点 (inspection planner): which villages an inspection team should visit and why, past
inspections, and a reproducible stratified sample of households to check.

The village risk score
----------------------
Every component is a "how bad" number that is 0 when the village has no such problem. Each is
computed per village in SQL (state on the as-of day), then divided by the largest value among the
villages compared (the filter's scope), so 0 = no problem and 1 = the worst village in scope. The
score is the weighted mean of the normalised components, times 100:

    score = 100 × Σ wᵢ·normᵢ / Σ wᵢ

Component (key)                       raw value per village                                   default weight
  warn_per_100   红橙预警每百户          open red + orange warnings ÷ households × 100                  20
  overdue        超期未研判线索          leads undecided more than 15 days                               15
  no_measure     无帮扶措施监测户        monitored households without any measure registered           15
  stale_visit    超90天未走访占比        share of monitored households not visited in the last 90 days  10
  water_gap      自来水普及率差距        percentage points below the tap-water target (target_status)   10
  clinic_gap     卫生室未达标            1 when the village clinic is below the standard, else 0          5
  employment_gap 务工就业率差距          percentage points below the employment target                   5
  data_quality   数据疑点                monitored without helper + eliminated within 30 days of         20
                                         identification + eliminated while the latest income is below
                                         that year's monitoring line (count of flags)
  open_findings  上次巡查问题未整改      inspection findings not closed by the as-of day, those past their  15
                                         整改时限 counted twice (queries.workflow.findings_state)

Weights are adjustable on the page; they need not sum to 100 (the score divides by their sum; the defaults
sum to 115).
A village's reasons are the (up to) three components with the largest weighted contribution, in words
with the raw value and the village's rank in scope, e.g. "红橙预警每百户 8.2（全县第3）".

The sample
----------
``draw_sample`` selects candidate households of the chosen villages in SQL, stratified by the state on
the as-of day (monitored by category; post-poverty households not monitored), and draws in Python.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa

from queries.codes import FACTOR_TYPES, MONITOR_CATEGORIES, TOOLS
from queries.filters import COUNTY_DIGITS, Filter
from queries.schema import (aid_measures, helpers, household_income, households, inspections, members,
                            monitoring_lines, risk_factors, townships, village_facts, villages, visits, warnings)
from queries import scope
from queries.deadlines import QUARTER_DAYS, beyond_quarter, quick_elimination_days, quick_elimination_words
from queries.policy import words
from queries.registry import query, shown
from queries.workflow import findings_state
from queries.sql import (count_if, days_between, eliminated_by, frame, monitored_on, on, open_on,
                         overdue_on, per_area, warning_open_on)

INSPECTION_KINDS = {"review": "回头看", "covert": "暗访", "evaluation": "后评估", "supervision": "督查"}
DEFAULT_EXCLUDE_DAYS = 90


@dataclass(frozen=True)
class Component:
    key: str
    name: str
    definition: str
    weight: int          # default weight


COMPONENTS = [
    Component("warn_per_100", "红橙预警每百户", "截至日期未解除的红色、橙色预警数 ÷ 该村农户数 × 100。", 20),
    Component("overdue", "超期未研判线索", "线索产生超过15天仍未研判的条数。", 15),
    Component("no_measure", "无帮扶措施监测户", "处于监测状态、但没有登记任何帮扶措施的户数。", 15),
    Component("stale_visit", f"超{QUARTER_DAYS}天未走访占比",
              f"最近一次走访距截至日期超过{QUARTER_DAYS}天（恰好{QUARTER_DAYS}天不算）或从未走访的监测户数 ÷ "
              "处于监测状态的户数。", 10),
    Component("water_gap", "自来水普及率差距", "自来水普及率低于目标值的百分点数（达标为0）。", 10),
    Component("clinic_gap", "村卫生室未达标", "村卫生室未达到标准化建设标准记为1，达标记为0。", 5),
    Component("employment_gap", "务工就业率差距", "脱贫人口务工就业率低于目标值的百分点数（达标为0）。", 5),
    Component("data_quality", "数据疑点",
              f"疑点条数：监测户无帮扶责任人、识别后不足{words(quick_elimination_words)}即标注风险消除、"
              "风险消除但最近一年收入仍低于监测线。", 20),
    Component("open_findings", "上次巡查问题未整改",
              "截至日期仍未整改完成的巡查问题数，其中已过整改时限的按2个计（到期当天不算超期）。", 15),
]
BY_KEY = {c.key: c for c in COMPONENTS}
DEFAULT_WEIGHTS = {c.key: c.weight for c in COMPONENTS}

SCORE_DEFINITION = ("各分项先按本范围内最严重的村归一到0-1（0=无此问题，1=范围内最严重），再按权重加权平均，乘以100"
                    "（0-100分）。默认权重：" + "、".join(f"{c.name} {c.weight}" for c in COMPONENTS) + "。")
# Not registered with queries.metrics.define: queries/__init__.py does not import this module, so the
# 指标说明 page would list these only after this module happened to be imported. The page shows them.

RAW_COLUMNS = ["households", "monitored", "open_red_orange", "overdue", "no_measure", "stale_visit_hh",
               "no_helper", "quick_elimination", "low_income_elimination", "findings_open", "findings_overdue"]


# -- raw components per village ------------------------------------------------------------------------
def _household_counts(conn, f: Filter) -> pd.DataFrame:
    d, hh = f.as_of, households
    has_measure = sa.exists().where(aid_measures.c.household_id == hh.c.id, aid_measures.c.registered_date <= on(d))
    last = sa.select(visits.c.household_id, sa.func.max(visits.c.visit_date).label("last")).where(
        visits.c.visit_date <= on(d)).group_by(visits.c.household_id).subquery()
    # the latest income record up to the as-of year below that year's line: correlated lookups on the
    # (household_id, year) primary key (a join on a derived table makes SQLite scan it for every household)
    inc = household_income.alias("inc")
    latest_year = sa.select(sa.func.max(household_income.c.year)).where(
        household_income.c.household_id == hh.c.id, household_income.c.year <= d.year).scalar_subquery()
    low_income = sa.exists().where(inc.c.household_id == hh.c.id, inc.c.year == latest_year,
                                   monitoring_lines.c.year == inc.c.year,
                                   inc.c.per_capita_income < monitoring_lines.c.yuan)
    mon = monitored_on(d)
    stale = sa.and_(mon, sa.or_(last.c.last.is_(None), beyond_quarter(last.c.last, d)))
    elim = eliminated_by(d)
    stmt = (sa.select(hh.c.village_code.label("code"), sa.func.count().label("households"),
                      count_if(mon), count_if(sa.and_(mon, ~has_measure)), count_if(stale),
                      count_if(sa.and_(mon, hh.c.helper_id.is_(None))),
                      count_if(sa.and_(elim, days_between(hh.c.identified_date, hh.c.eliminated_date)
                                       < quick_elimination_days())),
                      count_if(sa.and_(elim, low_income)))
            .select_from(hh.outerjoin(last, last.c.household_id == hh.c.id))
            .where(*scope.where(f, hh, category=False)).group_by(hh.c.village_code))
    return frame(conn, stmt, ["code", "households", "monitored", "no_measure", "stale_visit_hh", "no_helper",
                              "quick_elimination", "low_income_elimination"])


def _warning_counts(conn, f: Filter) -> pd.DataFrame:
    d, hh, w = f.as_of, households, warnings
    stmt = (sa.select(hh.c.village_code.label("code"),
                      count_if(sa.and_(warning_open_on(d), w.c.level.in_(["red", "orange"]))), count_if(overdue_on(f)))
            .select_from(w.join(hh, hh.c.id == w.c.household_id))
            .where(w.c.raised_date <= on(d), *scope.where(f, hh, category=False)).group_by(hh.c.village_code))
    return frame(conn, stmt, ["code", "open_red_orange", "overdue"])


def _finding_counts(conn, f: Filter) -> pd.DataFrame:
    """Open and overdue findings per village on the as-of day, by the 流程督办 口径."""
    x = findings_state(conn, f)
    x = x[~x.closed]
    g = x.groupby("village_code")
    return pd.DataFrame({"findings_open": g.size(), "findings_overdue": g.overdue.sum()}) \
        .rename_axis("code").reset_index()


GAP_INDICATORS = (("tap_water", "water"), ("clinic_standard", "clinic"), ("employment", "employment"))


def _target_gaps(conn, f: Filter) -> pd.DataFrame:
    """Tap water, clinic and employment per village (each village's latest report up to the as-of day; a village
    that never reported has no gap to score) with the target
    in force (the township's own, else the county's), both in percent: the same definitions and targets as
    queries.targets.target_status, without computing every other indicator."""
    from queries import targets as tq
    cols = ["code"] + [f"{c}_{k}" for _, c in GAP_INDICATORS for k in ("value", "target")]
    vf = village_facts
    sums = []
    for ind, _ in GAP_INDICATORS:
        i = tq.BY_KEY[ind]
        sums += [sa.func.sum(i.numerator), sa.func.sum(i.denominator)]
    joined, in_area = tq.village_reports(f.as_of, f)
    stmt = (sa.select(villages.c.code, villages.c.township_code, *sums).select_from(joined)
            .where(*in_area, vf.c.village_code.is_not(None)).group_by(villages.c.code, villages.c.township_code))
    wide = frame(conn, stmt, ["code", "township_code", *[f"{ind}__{x}" for ind, _ in GAP_INDICATORS for x in "nd"]])
    if wide.empty:
        return pd.DataFrame(columns=cols)
    t = tq.target_values(conn, f)
    county_t = t[t.scope == "county"].set_index("indicator").value.to_dict()
    own_t = t[t.scope != "county"].set_index(["scope", "indicator"]).value.to_dict()  # townships', each county's

    def target(tc, ind):   # the township's own, else its county's (a city's view holds several counties)
        return own_t.get((tc, ind), own_t.get((tc[:COUNTY_DIGITS], ind), county_t.get(ind, np.nan)))
    out = pd.DataFrame({"code": wide.code})
    for ind, col in GAP_INDICATORS:
        n = pd.to_numeric(wide[f"{ind}__n"], errors="coerce").astype(float)
        d = pd.to_numeric(wide[f"{ind}__d"], errors="coerce").astype(float)
        out[f"{col}_value"] = n / d.where(d > 0) * 100
        out[f"{col}_target"] = [target(tc, ind) * 100 for tc in wide.township_code]
    return out[cols]


@query(area="code")
def village_components(conn, f: Filter) -> pd.DataFrame:
    """Every village in scope with its raw component values (0 where there is nothing to count).

    The category filter does not apply: a village is chosen for everything found in it."""
    base = per_area(conn, f, "village", sa.select(sa.literal("x").label("code")).where(sa.false()), [])
    base = base[["code", "name", "township_code"]]
    out = (base.merge(_household_counts(conn, f), on="code", how="left")
           .merge(_warning_counts(conn, f), on="code", how="left")
           .merge(_target_gaps(conn, f), on="code", how="left")
           .merge(_finding_counts(conn, f), on="code", how="left"))
    for c in RAW_COLUMNS:
        out[c] = pd.to_numeric(out[c], errors="coerce").fillna(0).astype(int)
    for c in ("water_value", "water_target", "clinic_value", "clinic_target", "employment_value", "employment_target"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    hh = out.households.astype(float)
    mon = out.monitored.astype(float)
    out["warn_per_100"] = np.where(hh > 0, out.open_red_orange / hh.where(hh > 0) * 100, 0.0)
    out["stale_visit"] = np.where(mon > 0, out.stale_visit_hh / mon.where(mon > 0), 0.0)
    out["water_gap"] = (out.water_target - out.water_value).clip(lower=0).fillna(0.0)
    out["clinic_gap"] = (out.clinic_value < out.clinic_target).astype(float)
    out["employment_gap"] = (out.employment_target - out.employment_value).clip(lower=0).fillna(0.0)
    out["data_quality"] = out.no_helper + out.quick_elimination + out.low_income_elimination
    for c in ("overdue", "no_measure"):
        out[c] = out[c].astype(float)
    out["data_quality"] = out.data_quality.astype(float)
    out["open_findings"] = (out.findings_open + out.findings_overdue).astype(float)
    return out.reset_index(drop=True)


# -- the score -------------------------------------------------------------------------------------------
def normalise(values: pd.Series) -> pd.Series:
    """0..1 across villages: value ÷ the largest value (0 when no village has the problem)."""
    v = pd.to_numeric(values, errors="coerce").fillna(0).clip(lower=0).astype(float)
    top = float(v.max()) if len(v) else 0.0
    return v / top if top > 0 else v * 0.0


def score_villages(components: pd.DataFrame, weights: dict[str, float] | None = None,
                   area_word: str = "全县", reasons: int = 3) -> pd.DataFrame:
    """The risk score (0-100), rank and the reasons in words for every village.

    ``area_word`` names the comparison set in the reasons ("全县" or "全镇")."""
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    unknown = set(w) - set(BY_KEY)
    if unknown:
        raise ValueError(f"unknown score components {sorted(unknown)}")
    out = components.copy()
    total = sum(max(float(x), 0.0) for x in w.values())
    score = pd.Series(0.0, index=out.index)
    for c in COMPONENTS:
        out[f"norm_{c.key}"] = normalise(out[c.key])
        out[f"contrib_{c.key}"] = (out[f"norm_{c.key}"] * max(float(w[c.key]), 0.0) / total * 100) if total > 0 else 0.0
        score += out[f"contrib_{c.key}"]
        out[f"rank_{c.key}"] = out[c.key].where(out[c.key] > 0).rank(ascending=False, method="min")
    out["score"] = score.round(1)
    out = out.sort_values(["score", "code"], ascending=[False, True]).reset_index(drop=True)
    out["rank"] = out.score.rank(ascending=False, method="min").astype(int)
    out["reasons"] = [reason_text(r, area_word, reasons) for r in out.to_dict("records")]
    return out


def _rank(r: dict, key: str, area_word: str) -> str:
    rank = r.get(f"rank_{key}")
    return f"（{area_word}第{int(rank)}）" if rank is not None and not pd.isna(rank) else ""


def describe(r: dict, key: str, area_word: str = "全县") -> str:
    """One component of one village in words, with its value and rank in the comparison set."""
    rk = _rank(r, key, area_word)
    if key == "warn_per_100":
        return f"红橙预警每百户 {r['warn_per_100']:.1f}{rk}"
    if key == "overdue":
        return f"超期未研判 {int(r['overdue'])} 条{rk}"
    if key == "no_measure":
        return f"无帮扶措施监测户 {int(r['no_measure'])} 户{rk}"
    if key == "stale_visit":
        return f"超{QUARTER_DAYS}天未走访监测户占 {r['stale_visit'] * 100:.0f}%（{int(r['stale_visit_hh'])}户）"
    if key == "water_gap":
        return f"自来水普及率 {r['water_value']:.1f}%，低于目标 {r['water_gap']:.1f} 个百分点{rk}"
    if key == "clinic_gap":
        return "村卫生室未达标准化"
    if key == "employment_gap":
        return f"务工就业率 {r['employment_value']:.1f}%，低于目标 {r['employment_gap']:.1f} 个百分点{rk}"
    if key == "data_quality":
        parts = [(n, int(r[c])) for n, c in (("无帮扶责任人", "no_helper"), (f"识别后不足{quick_elimination_words()}即消除", "quick_elimination"),
                                             ("消除但收入低于监测线", "low_income_elimination")) if r[c]]
        return f"数据疑点 {int(r['data_quality'])} 处（" + "、".join(f"{n} {k}" for n, k in parts) + "）"
    if key == "open_findings":
        over = int(r["findings_overdue"])
        return f"上次巡查问题未整改 {int(r['findings_open'])} 个" + (f"，其中超期 {over} 个" if over else "") + rk
    raise KeyError(key)


def reason_text(r: dict, area_word: str = "全县", limit: int = 3) -> str:
    contrib = sorted(((r[f"contrib_{c.key}"], i, c.key) for i, c in enumerate(COMPONENTS)
                      if r[f"contrib_{c.key}"] > 0), key=lambda t: (-t[0], t[1]))
    if not contrib:
        return "各项均无突出问题"
    return "；".join(describe(r, key, area_word) for _, _, key in contrib[:limit])


# -- past inspections ------------------------------------------------------------------------------------
def _inspections_in_scope(f: Filter) -> list:
    """Inspections up to the as-of day in the filter's area."""
    return [inspections.c.inspected_on <= on(f.as_of), *scope.where(f, inspections)]


@query(area="code")
def last_inspections(conn, f: Filter) -> pd.DataFrame:
    """Per village in scope: the latest inspection on or before the as-of day (date, kind, team) and the count."""
    i, where = inspections, _inspections_in_scope(f)
    ranked = (sa.select(i.c.village_code, i.c.inspected_on, i.c.kind, i.c.team,
                        sa.func.row_number().over(partition_by=i.c.village_code,
                                                  order_by=(i.c.inspected_on.desc(), i.c.id.desc())).label("rn"),
                        sa.func.count().over(partition_by=i.c.village_code).label("n"))
              .select_from(i.join(villages, villages.c.code == i.c.village_code)).where(*where)).subquery()
    stmt = sa.select(ranked.c.village_code, ranked.c.inspected_on, ranked.c.kind, ranked.c.team, ranked.c.n).where(
        ranked.c.rn == 1).order_by(ranked.c.village_code)
    out = frame(conn, stmt, ["code", "last_inspected", "last_kind", "last_team", "inspections"])
    out["last_inspected"] = pd.to_datetime(out.last_inspected).dt.date
    return out


@query(area="village_code")
def inspection_list(conn, f: Filter, limit: int = 500) -> pd.DataFrame:
    i, where = inspections, _inspections_in_scope(f)
    stmt = (sa.select(i.c.inspected_on, townships.c.name, villages.c.name, i.c.kind, i.c.team, i.c.note,
                      i.c.village_code)
            .select_from(i.join(villages, villages.c.code == i.c.village_code)
                         .join(townships, townships.c.code == villages.c.township_code))
            .where(*where).order_by(i.c.inspected_on.desc(), i.c.id.desc()).limit(limit))
    return frame(conn, stmt, ["inspected_on", "township_name", "village_name", "kind", "team", "note", "village_code"])


def recently_inspected(last: pd.DataFrame, as_of: date, days: int) -> set[str]:
    """Villages whose latest inspection (on or before the as-of day) was at most `days` days before it
    (0: none excluded)."""
    if days <= 0 or last.empty:
        return set()
    cutoff = as_of - timedelta(days=days)
    recent = [d is not None and not pd.isna(d) and cutoff <= d <= as_of for d in last.last_inspected]
    return set(last.code[pd.Series(recent, index=last.index, dtype=bool)])


@query(area="code")
def planner_table(conn, f: Filter, weights: dict[str, float] | None = None) -> pd.DataFrame:
    """Scored villages with their last inspection: what the page shows."""
    area_word = "全镇" if f.township else "全县"
    scored = score_villages(village_components(conn, f), weights, area_word)
    return scored.merge(last_inspections(conn, f), on="code", how="left")


# -- the sample ------------------------------------------------------------------------------------------
STRATA = {**MONITOR_CATEGORIES, "tp_not_monitored": "脱贫户（未监测）"}
SAMPLE_COLUMNS = ["household_id", "household_code", "village_code", "stratum"]
STRATA_COLUMNS = ["village_code", "stratum", "stratum_label", "population", "sample"]


@query(area="village_code")
def sample_candidates(conn, f: Filter, village_codes: list[str]) -> pd.DataFrame:
    """Every household of the villages (those in the filter's area) that belongs to a stratum on the as-of day,
    sorted by (village, stratum, id). The category filter does not apply: the strata are the categories.

    Strata: monitored households by category (unstable/marginal/sudden), and post-poverty households (脱贫户)
    not monitored on that day. Other general households are not sampled."""
    hh = households
    codes = sorted(set(village_codes))
    if not codes:
        return pd.DataFrame(columns=SAMPLE_COLUMNS)
    mon = monitored_on(f.as_of)
    stratum = sa.case((mon, hh.c.monitor_category), (hh.c.hh_type == "tp", "tp_not_monitored"), else_=None)
    where = [hh.c.village_code.in_(codes), sa.or_(mon, hh.c.hh_type == "tp"), *scope.where(f, hh, category=False)]
    stmt = sa.select(hh.c.id, hh.c.code, hh.c.village_code, stratum).where(*where).order_by(hh.c.id)
    out = frame(conn, stmt, SAMPLE_COLUMNS)
    out["household_id"] = out.household_id.astype(int)
    order = {k: i for i, k in enumerate(STRATA)}
    out["_s"] = out.stratum.map(order)
    out = out.sort_values(["village_code", "_s", "household_id"], kind="stable").drop(columns="_s")
    return out.reset_index(drop=True)


def allocate(populations: dict[str, int], size: int, minimum: int) -> dict[str, int]:
    """Households to draw per stratum: proportional to the stratum's size (largest remainders), but at
    least `minimum` from every non-empty stratum, never more than the stratum has. With minimums the
    total may exceed `size`, as in the annual evaluation's allocation."""
    total = sum(populations.values())
    if total == 0 or size <= 0:
        return {k: 0 for k in populations}
    size = min(size, total)
    quotas = {k: size * n / total for k, n in populations.items()}
    alloc = {k: math.floor(q) for k, q in quotas.items()}
    left = size - sum(alloc.values())
    for k in sorted(quotas, key=lambda k: (-(quotas[k] - alloc[k]), list(STRATA).index(k) if k in STRATA else 99, k))[:left]:
        alloc[k] += 1
    return {k: min(n, max(alloc[k], minimum if n > 0 else 0)) for k, n in populations.items()}


def _villages_in(conn, f: Filter, village_codes: list[str]) -> list[str]:
    """The given villages that lie in the filter's area, sorted."""
    v = villages
    codes = sorted(set(village_codes))
    if not codes:
        return []
    return list(conn.execute(sa.select(v.c.code).where(v.c.code.in_(codes), *scope.where(f, v)).order_by(v.c.code))
                .scalars())


@query(area="village_code")
def draw_sample(conn, f: Filter, village_codes: list[str], seed: int, per_village: int = 10,
                minimum: int = 2) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A stratified random sample of households per village; returns (sample, strata).

    Reproducible: same seed + same villages + same as-of day (+ same sizes) -> same sample, because
    1. the candidates are a function of the data as it stood on the as-of day (every state is decided by
       dates on or before it) and are put in one explicit order (village code, stratum, household id)
       in Python, whatever order the database returned them in (SQLite and PostgreSQL agree);
    2. each village draws from its own generator ``numpy.random.default_rng([seed, village code])``, so a
       village's sample does not depend on which other villages were chosen or in what order;
    3. the draw uses only the raw 64-bit output of the PCG64 bit generator (one key per candidate, the
       households with the smallest keys are taken, ties broken by id). NumPy keeps bit generator
       streams fixed across versions and platforms; Generator methods such as ``choice`` may change
       their algorithm between versions, so they are not used.
    """
    codes = _villages_in(conn, f, village_codes)
    cand = sample_candidates(conn, f, codes)
    picked, strata = [], []
    for code in codes:
        vc = cand[cand.village_code == code]
        rng = np.random.default_rng([int(seed), int(code)])
        keys = rng.bit_generator.random_raw(len(vc)) if len(vc) else np.array([], dtype=np.uint64)
        vc = vc.assign(_key=keys)
        pops = {s: int((vc.stratum == s).sum()) for s in STRATA}
        alloc = allocate(pops, per_village, minimum)
        for s in STRATA:
            strata.append((code, s, STRATA[s], pops[s], alloc[s]))
            if alloc[s]:
                chosen = vc[vc.stratum == s].sort_values(["_key", "household_id"]).head(alloc[s])
                picked.append(chosen.sort_values("household_id"))
    sample = (pd.concat(picked, ignore_index=True).drop(columns="_key") if picked
              else pd.DataFrame(columns=SAMPLE_COLUMNS))
    return sample.reset_index(drop=True), pd.DataFrame(strata, columns=STRATA_COLUMNS)


# -- what a visit packet lists per household ---------------------------------------------------------------
PACKET_COLUMNS = ["household_id", "household_code", "township_name", "village_code", "village_name", "head_name",
                  "id_number", "hh_type", "status", "monitor_category", "helper_name", "open_factors", "measures",
                  "last_visit"]
STATUS = {"monitoring": "监测中", "eliminated": "已消除风险", "not_monitored": "未纳入监测"}


@query(area="household_id", personal=shown(
    head_name=members.c.name, id_number=members.c.id_number, helper_name=helpers.c.name,
    open_factors=risk_factors.c.factor_type))
def packet_rows(conn, f: Filter, household_ids: list[int]) -> pd.DataFrame:
    """The households of a sample (those in the filter's area) with what a visiting team needs: the head's
    name and ID number, status and category on the as-of day, helper, open risk factors and the measures
    registered. Personal data in full: the pipeline masks it by the marks above. Phones are left out."""
    as_of = f.as_of
    ids = sorted({int(i) for i in household_ids})
    if not ids:
        return pd.DataFrame(columns=PACKET_COLUMNS)
    hh, m = households, members
    head = sa.select(m.c.household_id, sa.func.min(m.c.id).label("mid")).where(
        m.c.relation == "head", m.c.household_id.in_(ids)).group_by(m.c.household_id).subquery()
    headm = m.alias("headm")
    last = sa.select(visits.c.household_id, sa.func.max(visits.c.visit_date).label("last")).where(
        visits.c.visit_date <= on(as_of), visits.c.household_id.in_(ids)).group_by(visits.c.household_id).subquery()
    category = sa.case((hh.c.identified_date <= on(as_of), hh.c.monitor_category), else_=None)
    status = sa.case((monitored_on(as_of), "monitoring"), (eliminated_by(as_of), "eliminated"), else_="not_monitored")
    stmt = (sa.select(hh.c.id, hh.c.code, townships.c.name, hh.c.village_code, villages.c.name, headm.c.name,
                      headm.c.id_number, hh.c.hh_type, status, category, helpers.c.name,
                      sa.literal(""), sa.literal(""), last.c.last)
            .select_from(hh.join(villages, villages.c.code == hh.c.village_code)
                         .join(townships, townships.c.code == hh.c.township_code)
                         .outerjoin(head, head.c.household_id == hh.c.id)
                         .outerjoin(headm, headm.c.id == head.c.mid)
                         .outerjoin(helpers, helpers.c.id == hh.c.helper_id)
                         .outerjoin(last, last.c.household_id == hh.c.id))
            .where(hh.c.id.in_(ids), *scope.where(f, hh, category=False)).order_by(hh.c.village_code, hh.c.code))
    out = frame(conn, stmt, PACKET_COLUMNS)
    rf = risk_factors
    factors = conn.execute(sa.select(rf.c.household_id, rf.c.factor_type).where(
        rf.c.household_id.in_(ids), open_on(as_of, rf.c.identified_date, rf.c.resolved_date))
        .order_by(rf.c.household_id, rf.c.identified_date, rf.c.id)).all()
    am = aid_measures
    done = sa.and_(am.c.completed_date.is_not(None), am.c.completed_date <= on(as_of))
    measures = conn.execute(sa.select(am.c.household_id, am.c.tool, sa.case((done, 1), else_=0)).where(
        am.c.household_id.in_(ids), am.c.registered_date <= on(as_of))
        .order_by(am.c.household_id, am.c.registered_date, am.c.id)).all()
    f_text: dict[int, list[str]] = {}
    for hid, t in factors:
        f_text.setdefault(hid, []).append(FACTOR_TYPES.get(t, (t,))[0])
    m_text: dict[int, list[str]] = {}
    for hid, t, finished in measures:
        m_text.setdefault(hid, []).append(TOOLS.get(t, (t,))[0] + ("" if finished else "（未完成）"))
    out["open_factors"] = [("、".join(dict.fromkeys(f_text.get(h, []))) or "无") for h in out.household_id]
    out["measures"] = [("、".join(m_text.get(h, [])) or "无") for h in out.household_id]
    out["last_visit"] = pd.to_datetime(out.last_visit).dt.date
    return out
