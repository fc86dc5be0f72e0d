"""巡查选点 query layer: the village risk score and its reasons on a tiny county built so that the right
ranking is known by construction, the reproducible stratified sample, and the visit packets (Excel, PDF),
on SQLite and PostgreSQL.

The tiny county (AS_OF 2026-06-30; overdue cutoff 2026-06-15), 10 households in each of villages A-E and
40 in F; T1 = A B C, T2 = D E F; targets: tap water 95 %, clinic 95 %, employment 70 %.
  A  4 yellow leads raised 2026-05-01, undecided (overdue 4); 1 monitored household with helper but no
     measure and never visited (no_measure 1, stale visits 100 %)
  B  tap water 60 % (gap 35 pp), employment 60 % (gap 10 pp)
  C  3 monitored households with open RED warnings (30 per 100 households), measures, visited 2026-06-01;
     one of them has no helper (data quality 1)
  D  2 eliminated households: one 19 days after identification, one whose 2026 income (5,000) is below
     the 2026 line (7,900) (data quality 2)
  E  nothing wrong
  F  the sampling village: 10 unstable, 6 marginal, 4 sudden monitored, 20 post-poverty not monitored
     (all clean otherwise: measures, helper, visits, yellow warnings only)
Inspection findings (整改问题): B has ZB1 open and past its limit (counts 2); C has ZC1 closed 06-10 and ZC2
found after the as-of day (neither counts); D has ZD1 closed only on 07-05, past its limit 06-20 (open and
overdue on the as-of day: 2), ZD2 due on the as-of day itself (open, not yet overdue: 1) and ZD3 due 07-31 (1).
So open_findings: B 2 (1 open, 1 overdue), D 4 (3 open, 1 overdue).
With the default weights (warn 20, overdue 15, no_measure 15, stale 10, water 10, clinic 5, employment 5,
data quality 20, open findings 15; sum 115) and every component divided by its county maximum:
  A = overdue 15 + no_measure 15 + stale 10 = 40 -> 40/115 = 34.8;  D = dq 20 + findings 15 = 35 -> 30.4;
  C = warn 20 + dq 1/2·20 = 30 -> 26.1;  B = water 10 + findings 2/4·15 + employment 5 = 22.5 -> 19.6;  E = F = 0.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from queries import inspection as insp
from queries import packets
from queries import schema as s
from queries.db import make_engine
from queries.filters import Filter
from queries.privacy import mask_frame
from tests import fixture_db

AS_OF = date(2026, 6, 30)
D = date.fromisoformat
COUNTY, T1, T2 = "439902", "439902101", "439902102"
VA, VB, VC = "439902101201", "439902101202", "439902101203"
VD, VE, VF = "439902102201", "439902102202", "439902102203"
VILLAGE_NAMES = {VA: "甲村", VB: "乙村", VC: "丙村", VD: "丁村", VE: "戊村", VF: "己村"}


# --- the tiny county --------------------------------------------------------------------------------------

def tiny_rows():
    hh, warn, meas, vis, inc, factors, mem = [], [], [], [], [], [], []
    hid = 0

    def add(village, hh_type="yb", cat=None, ident=None, elim=None, helper=1, measure=True, visit="2026-06-01",
            level="yellow", income=12000.0):
        nonlocal hid
        hid += 1
        n = sum(1 for h in hh if h["village_code"] == village) + 1
        hh.append(dict(id=hid, code=f"{village}{n:04d}", village_code=village, township_code=village[:9], hh_type=hh_type,
                       monitor_category=cat, identified_date=D(ident) if ident else None,
                       eliminated_date=D(elim) if elim else None, assistance_only=False,
                       helper_id=helper if cat else None, negative_factor=None, updated_date=AS_OF))
        id17 = f"{COUNTY}19700101{hid * 2 + 1:03d}"
        mem.append(dict(id=hid, household_id=hid, name=f"户主{hid}", relation="head", gender="M",
                        id_number=id17 + fixture_db.gb11643_check(id17),
                        birth_date=D("1970-01-01"), is_student=False, dropout=False, insured=True))
        inc.append(dict(household_id=hid, year=2026, per_capita_income=income, total_income=income * 3, rigid_expense=0.0))
        if cat:
            warn.append(dict(id=len(warn) + 1, household_id=hid, source="cadre", level=level,
                             raised_date=D(ident),
                             decision="identified", decision_date=D(ident), closed_date=D(elim) if elim else None))
            factors.append(dict(id=len(factors) + 1, household_id=hid, factor_group="expense", factor_type="illness",
                                identified_date=D(ident), resolved_date=D(elim) if elim else None))
            if measure:
                meas.append(dict(id=len(meas) + 1, household_id=hid, tool_group="guarantee", tool="med_relief",
                                 department="医保局", registered_date=D(ident), planned_date=D(ident), completed_date=None,
                                 amount=1000.0))
            if visit:
                vis.append(dict(id=len(vis) + 1, household_id=hid, helper_id=helper, visit_date=D(visit),
                                visitor_kind="helper", note="走访"))
        return hid

    # A: four overdue yellow leads on households that are not monitored; one monitored household, no measure, no visit
    for _ in range(4):
        h = add(VA)
        warn.append(dict(id=len(warn) + 1, household_id=h, source="self", level="yellow", raised_date=D("2026-05-01")))
    add(VA, "tp", "unstable", "2025-10-01", measure=False, visit=None)
    for _ in range(5):
        add(VA)
    # B: nothing in the records (its problem is in the facts)
    for _ in range(10):
        add(VB)
    # C: three monitored with open red warnings, one without a helper
    add(VC, "tp", "unstable", "2026-02-01", level="red")
    add(VC, "tp", "unstable", "2026-02-01", level="red")
    add(VC, "yb", "sudden", "2026-03-01", level="red", helper=None)
    for _ in range(7):
        add(VC)
    # D: a quick elimination (income fine) and an elimination with income still below the line
    add(VD, "tp", "unstable", "2026-01-01", "2026-01-20")
    add(VD, "tp", "unstable", "2024-03-01", "2025-06-01", income=5000.0)
    for _ in range(8):
        add(VD, "tp")
    for _ in range(10):
        add(VE)
    # F: the sampling village
    for cat, n in (("unstable", 10), ("marginal", 6), ("sudden", 4)):
        for _ in range(n):
            add(VF, "tp" if cat == "unstable" else "yb", cat, "2025-06-01")
    for _ in range(20):
        add(VF, "tp")
    facts = []
    for v in VILLAGE_NAMES:
        tap, emp = (60, 60) if v == VB else (100, 80)
        facts.append(dict(village_code=v, period_end=AS_OF, rural_households=100, tap_water_households=tap,
                          large_scale_households=100, reliable_supply_households=100, centralized_households=100,
                          clinic_standard=True, clinic_public=True, labour_people=100, employed_people=emp,
                          difficult_people=10, insured_difficult_people=10, tekun_need_care=0, tekun_centralized=0))
    targets = [dict(indicator=k, year=2026, scope="county", value=v, deadline=date(2026, 12, 31))
               for k, v in (("tap_water", .95), ("clinic_standard", .95), ("employment", .70))]
    return [
        (s.meta, [dict(key="schema_version", value=s.SCHEMA_VERSION), dict(key="as_of", value=AS_OF.isoformat())]),
        (s.county, [dict(code=COUNTY, name="小测县", province="测试省")]),
        (s.townships, [dict(code=T1, county_code=COUNTY, name="一镇", centroid_lon=110.0, centroid_lat=28.0),
                       dict(code=T2, county_code=COUNTY, name="二镇", centroid_lon=110.2, centroid_lat=28.0)]),
        (s.villages, [dict(code=c, township_code=c[:9], name=n, centroid_lon=110.0, centroid_lat=28.0)
                      for c, n in VILLAGE_NAMES.items()]),
        (s.helpers, [dict(id=1, name="帮扶甲", phone="13800000009", unit="县局", township_code=T1)]),
        (s.households, hh), (s.members, mem), (s.household_income, inc), (s.risk_factors, factors),
        (s.warnings, warn), (s.aid_measures, meas), (s.visits, vis), (s.village_facts, facts), (s.targets, targets),
        (s.monitoring_lines, [dict(year=2025, yuan=7600.0), dict(year=2026, yuan=7900.0)]),
        (s.inspections, [dict(id=1, village_code=VA, inspected_on=D("2026-05-20"), team="县回头看工作组第1组", kind="review",
                              note="复查"),
                         dict(id=2, village_code=VA, inspected_on=D("2025-11-02"), team="市级暗访组第2组", kind="covert"),
                         dict(id=3, village_code=VB, inspected_on=D("2026-01-15"), team="县委县政府督查室第1组",
                              kind="supervision"),
                         dict(id=4, village_code=VC, inspected_on=D("2026-07-15"), team="后来的组", kind="review")]),
        (s.findings, [finding(1, "ZB1", VB, "2026-05-20", "2026-06-20"),
                      finding(2, "ZC1", VC, "2026-05-20", "2026-06-20", closed="2026-06-10"),
                      finding(3, "ZC2", VC, "2026-07-15", "2026-08-15"),
                      finding(4, "ZD1", VD, "2026-05-20", "2026-06-20", closed="2026-07-05"),
                      finding(5, "ZD2", VD, "2026-05-20", "2026-06-30"),
                      finding(6, "ZD3", VD, "2026-05-20", "2026-07-31")]),
    ]


def finding(fid, code, village, found, due, closed=None):
    """A problem the 2026-05 inspection found (the one of 07-15 came after the as-of day)."""
    return dict(id=fid, code=code, inspected_on=D(found), team="县回头看工作组第1组", village_code=village,
                township_code=village[:9], category="no_visit", responsible_unit="镇人民政府", due_date=D(due),
                status="closed" if closed else "open", closed_date=D(closed) if closed else None)


def build_tiny(engine) -> None:
    from seed import derive
    with engine.begin() as conn:
        for table, rows in tiny_rows():
            # every row with every column any row has (executemany needs that); the rest take their defaults
            cols = [c.name for c in table.columns if any(c.name in r for r in rows)]
            conn.execute(table.insert(), [{c: r.get(c) for c in cols} for r in rows])
        derive.refresh(conn)


@pytest.fixture
def tiny(empty_db):
    build_tiny(empty_db)
    return empty_db


def f(**kw) -> Filter:
    return Filter(as_of=AS_OF, **kw)


def scored(engine, weights=None, **kw) -> pd.DataFrame:
    with engine.connect() as conn:
        flt = f(**kw)
        return insp.score_villages(insp.village_components(conn, flt), weights, "全镇" if flt.township else "全县")


# --- the score ---------------------------------------------------------------------------------------------

def test_components_are_counted_in_sql(tiny):
    with tiny.connect() as conn:
        c = insp.village_components(conn, f()).set_index("code")
    assert list(c.index) == list(VILLAGE_NAMES)
    assert c.loc[VA, ["households", "monitored", "overdue", "no_measure", "stale_visit_hh"]].tolist() == [10, 1, 4, 1, 1]
    assert c.loc[VA, "stale_visit"] == 1.0 and c.loc[VA, "open_red_orange"] == 0
    assert c.loc[VC, "open_red_orange"] == 3 and c.loc[VC, "warn_per_100"] == pytest.approx(30.0)
    assert c.loc[VC, ["no_helper", "data_quality", "stale_visit_hh", "no_measure"]].tolist() == [1, 1, 0, 0]
    assert c.loc[VB, "water_gap"] == pytest.approx(35.0) and c.loc[VB, "employment_gap"] == pytest.approx(10.0)
    assert c.loc[VB, "water_value"] == pytest.approx(60.0) and c.loc[VA, "water_gap"] == 0
    assert c.loc[VD, ["quick_elimination", "low_income_elimination", "data_quality"]].tolist() == [1, 1, 2]
    assert c.clinic_gap.sum() == 0
    assert c.loc[VB, ["findings_open", "findings_overdue", "open_findings"]].tolist() == [1, 1, 2]
    assert c.loc[VD, ["findings_open", "findings_overdue", "open_findings"]].tolist() == [3, 1, 4]
    assert c.loc[VC, "open_findings"] == 0 and c.loc[VA, "open_findings"] == 0
    clean = [k for k in insp.DEFAULT_WEIGHTS]
    assert (c.loc[VE, clean] == 0).all() and (c.loc[VF, clean] == 0).all()


def test_ranking_and_reasons_known_by_construction(tiny):
    out = scored(tiny).set_index("code")
    assert out.score.to_dict() == pytest.approx({VA: 34.8, VD: 30.4, VC: 26.1, VB: 19.6, VE: 0.0, VF: 0.0})
    assert list(out.index[:4]) == [VA, VD, VC, VB]
    assert out.loc[[VA, VD, VC, VB], "rank"].tolist() == [1, 2, 3, 4]
    assert out.loc[VA, "reasons"] == "超期未研判 4 条（全县第1）；无帮扶措施监测户 1 户（全县第1）；超90天未走访监测户占 100%（1户）"
    # B: water 10 > findings 7.5 > employment 5 (weighted contributions)
    assert out.loc[VB, "reasons"] == ("自来水普及率 60.0%，低于目标 35.0 个百分点（全县第1）；"
                                      "上次巡查问题未整改 1 个，其中超期 1 个（全县第2）；"
                                      "务工就业率 60.0%，低于目标 10.0 个百分点（全县第1）")
    assert out.loc[VC, "reasons"] == "红橙预警每百户 30.0（全县第1）；数据疑点 1 处（无帮扶责任人 1）"
    assert out.loc[VD, "reasons"] == ("数据疑点 2 处（识别后不足半年（180天）即消除 1、消除但收入低于监测线 1）；"
                                      "上次巡查问题未整改 3 个，其中超期 1 个（全县第1）")
    assert out.loc[VE, "reasons"] == "各项均无突出问题"


def test_weights_change_the_ranking(tiny):
    only_water = {k: 0 for k in insp.DEFAULT_WEIGHTS} | {"water_gap": 1}
    out = scored(tiny, only_water)
    assert out.code.iloc[0] == VB and out.score.iloc[0] == 100.0 and (out.score.iloc[1:] == 0).all()
    equal = {k: 1 for k in insp.DEFAULT_WEIGHTS}  # mean of the normalised components
    got = scored(tiny, equal).set_index("code").score
    # A: overdue, no_measure, stale at 1 each; B: water 1, employment 1, findings 2/4 (nine components)
    assert got[VA] == pytest.approx(300 / 9, abs=0.05) and got[VB] == pytest.approx(250 / 9, abs=0.05)
    zero = scored(tiny, {k: 0 for k in insp.DEFAULT_WEIGHTS})
    assert (zero.score == 0).all()
    with pytest.raises(ValueError):
        scored(tiny, {"nonsense": 3})


def test_township_scope_normalises_within_the_township(tiny):
    out = scored(tiny, township=T2).set_index("code")
    assert set(out.index) == {VD, VE, VF}
    assert out.loc[VD, "score"] == 30.4   # the worst of 二镇 in both data quality and findings: 35/115
    out = scored(tiny, township=T1).set_index("code")
    # within 一镇 B is the only village with findings: 15 now outweighs water 10
    assert out.loc[VB, "reasons"].startswith("上次巡查问题未整改 1 个，其中超期 1 个（全镇第1）；"
                                             "自来水普及率 60.0%，低于目标 35.0 个百分点（全镇第1）")


def test_normalise_is_zero_when_nobody_has_the_problem():
    assert insp.normalise(pd.Series([0, 0, 0])).tolist() == [0, 0, 0]
    assert insp.normalise(pd.Series([2, 4, np.nan])).tolist() == [0.5, 1.0, 0.0]
    assert insp.normalise(pd.Series([], dtype=float)).tolist() == []


def test_last_inspections_and_exclusion(tiny):
    with tiny.connect() as conn:
        last = insp.last_inspections(conn, f()).set_index("code")
        listed = insp.inspection_list(conn, f())
    assert last.loc[VA, "last_inspected"] == D("2026-05-20") and last.loc[VA, "inspections"] == 2
    assert last.loc[VA, "last_kind"] == "review" and last.loc[VB, "last_kind"] == "supervision"
    assert VC not in last.index  # inspected after the as-of day: not yet
    assert len(listed) == 3 and listed.inspected_on.iloc[0] == D("2026-05-20")
    last = last.reset_index()
    assert insp.recently_inspected(last, AS_OF, 90) == {VA}
    assert insp.recently_inspected(last, AS_OF, 180) == {VA, VB}
    assert insp.recently_inspected(last, AS_OF, 0) == set()
    assert insp.recently_inspected(last, AS_OF, 41) == {VA}   # 2026-05-20 is 41 days before the as-of day
    assert insp.recently_inspected(last, AS_OF, 40) == set()


# --- the sample --------------------------------------------------------------------------------------------

def test_allocation_proportional_with_minimum():
    pops = {"unstable": 10, "marginal": 6, "sudden": 4, "tp_not_monitored": 20}
    # quotas 2.5 / 1.5 / 1.0 / 5.0 -> 2 1 1 5, one left for the largest remainder (tie: stratum order) -> 3 1 1 5
    assert insp.allocate(pops, 10, 0) == {"unstable": 3, "marginal": 1, "sudden": 1, "tp_not_monitored": 5}
    assert insp.allocate(pops, 10, 2) == {"unstable": 3, "marginal": 2, "sudden": 2, "tp_not_monitored": 5}
    assert insp.allocate({"unstable": 1, "marginal": 0, "sudden": 0, "tp_not_monitored": 3}, 10, 2) == \
        {"unstable": 1, "marginal": 0, "sudden": 0, "tp_not_monitored": 3}  # never more than there are
    assert insp.allocate(pops, 0, 2) == {k: 0 for k in pops}
    assert sum(insp.allocate(pops, 40, 0).values()) == 40


def test_strata_sizes_are_respected(tiny):
    with tiny.connect() as conn:
        sample, strata = insp.draw_sample(conn, f(), [VF], seed=7, per_village=10, minimum=2)
        cand = insp.sample_candidates(conn, f(), [VF]).set_index("household_id")
    got = strata.set_index("stratum")
    assert got.population.to_dict() == {"unstable": 10, "marginal": 6, "sudden": 4, "tp_not_monitored": 20}
    assert got["sample"].to_dict() == {"unstable": 3, "marginal": 2, "sudden": 2, "tp_not_monitored": 5}
    assert sample.groupby("stratum").size().to_dict() == {"unstable": 3, "marginal": 2, "sudden": 2, "tp_not_monitored": 5}
    assert sample.household_id.is_unique
    assert (cand.loc[sample.household_id, "stratum"].values == sample.stratum.values).all()
    assert (sample.village_code == VF).all()


def test_same_seed_same_sample_other_seed_other_sample(tiny):
    with tiny.connect() as conn:
        a, _ = insp.draw_sample(conn, f(), [VF, VD], seed=20260630)
        b, _ = insp.draw_sample(conn, f(), [VD, VF, VF], seed=20260630)  # order and repeats do not matter
        c, _ = insp.draw_sample(conn, f(), [VF, VD], seed=20260631)
        alone, _ = insp.draw_sample(conn, f(), [VF], seed=20260630)
    assert a.household_code.tolist() == b.household_code.tolist()
    assert set(a.household_code) != set(c.household_code)
    # a village's sample does not depend on which other villages were drawn with it
    assert a[a.village_code == VF].household_code.tolist() == alone.household_code.tolist()


def test_sample_is_the_same_on_every_backend(tiny, tmp_path):
    """The draw depends only on the data and the seed: a SQLite copy gives the same sample as this backend."""
    ref = make_engine(f"sqlite:///{tmp_path / 'ref.db'}", read_only=False)
    s.metadata.create_all(ref)
    build_tiny(ref)
    try:
        with tiny.connect() as conn, ref.connect() as rconn:
            for seed in (1, 99, 123456):
                got, gs = insp.draw_sample(conn, f(), [VF, VD, VA], seed)
                want, ws = insp.draw_sample(rconn, f(), [VF, VD, VA], seed)
                assert got.household_code.tolist() == want.household_code.tolist()
                pd.testing.assert_frame_equal(gs, ws)
    finally:
        ref.dispose()


def test_empty_village_and_no_village_do_not_crash(empty_db):
    fixture_db.build_fixture(empty_db)
    with empty_db.connect() as conn:
        sample, strata = insp.draw_sample(conn, Filter(as_of=fixture_db.AS_OF), [fixture_db.V31], seed=5)
        assert sample.empty and list(sample.columns) == insp.SAMPLE_COLUMNS
        assert len(strata) == len(insp.STRATA) and strata.population.sum() == 0 and strata["sample"].sum() == 0
        sample, strata = insp.draw_sample(conn, Filter(as_of=fixture_db.AS_OF), [], seed=5)
        assert sample.empty and strata.empty
        assert insp.packet_rows(conn, Filter(as_of=fixture_db.AS_OF), []).empty
        # a township user's scope confines the candidates
        t1 = Filter(as_of=fixture_db.AS_OF, scope=fixture_db.T1)
        sample, strata = insp.draw_sample(conn, t1, [fixture_db.V11, fixture_db.V21], seed=5)
        assert set(sample.village_code) == {fixture_db.V11} and set(strata.village_code) == {fixture_db.V11}
        # and the packet rows: another township's households are not listed
        assert set(insp.packet_rows(conn, t1, [1, 14]).household_id) == {1}


def test_fixture_strata_follow_the_state_on_the_as_of_day(empty_db):
    """h3 (eliminated 2026-05-15) is a post-poverty household not monitored on AS_OF, but unstable on 2026-03-30."""
    fixture_db.build_fixture(empty_db)
    with empty_db.connect() as conn:
        now = insp.sample_candidates(conn, Filter(as_of=fixture_db.AS_OF), [fixture_db.V11]).set_index("household_id").stratum
        before = insp.sample_candidates(conn, Filter(as_of=date(2026, 3, 30)), [fixture_db.V11]).set_index("household_id").stratum
    assert now.to_dict() == {1: "unstable", 2: "marginal", 3: "tp_not_monitored", 5: "tp_not_monitored"}
    assert before.to_dict() == {1: "unstable", 2: "marginal", 3: "unstable", 5: "tp_not_monitored"}


# --- visit packets -----------------------------------------------------------------------------------------

@pytest.fixture
def fixture_sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'fx.db'}", read_only=False)
    s.metadata.create_all(engine)
    fixture_db.build_fixture(engine)
    yield engine
    engine.dispose()


def packet_inputs(engine, villages, seed=11):
    with engine.connect() as conn:
        sample, strata = insp.draw_sample(conn, Filter(as_of=fixture_db.AS_OF), villages, seed, per_village=10, minimum=1)
        rows = insp.packet_rows(conn, Filter(as_of=fixture_db.AS_OF), sample.household_id.tolist())
        ids = conn.execute(sa.select(s.members.c.id_number).where(
            s.members.c.household_id.in_(sample.household_id.tolist()))).scalars().all()
    rows = rows.merge(sample[["household_id", "stratum"]], on="household_id")
    names = {fixture_db.V11: "城关镇 东山村", fixture_db.V12: "城关镇 西岭村", fixture_db.V21: "青山镇 北坪村"}
    info = packets.PacketInfo("测试县", fixture_db.AS_OF, seed, 10, 1, strata, names, "县级用户", datetime(2026, 7, 1, 9, 0))
    return sample, rows, ids, info


def test_packet_rows_have_what_a_team_checks(fixture_sqlite):
    with fixture_sqlite.connect() as conn:
        rows = insp.packet_rows(conn, Filter(as_of=fixture_db.AS_OF), [6, 7, 3]).set_index("household_id")
    assert rows.loc[6, "open_factors"] == "因灾、住房安全、因意外事故"
    assert rows.loc[6, "measures"] == "临时救助（未完成）、危房改造（未完成）"
    assert rows.loc[7, "measures"] == "无" and pd.isna(rows.loc[7, "helper_name"])
    assert rows.loc[3, "status"] == "eliminated" and rows.loc[3, "open_factors"] == "无"
    assert rows.loc[6, "head_name"] == "杨丽" and len(rows.loc[6, "id_number"]) == 18  # full: mask before use
    assert "phone" not in rows.columns and "helper_phone" not in rows.columns


def test_workbook_has_the_households_and_no_full_id_number(fixture_sqlite):
    villages = [fixture_db.V11, fixture_db.V12, fixture_db.V21]
    sample, rows, ids, info = packet_inputs(fixture_sqlite, villages)
    assert len(sample) >= 6 and ids
    wb = openpyxl.load_workbook(io.BytesIO(packets.build_workbook(rows, info)))
    assert wb.sheetnames == ["抽样说明", "城关镇 东山村", "城关镇 西岭村", "青山镇 北坪村", packets.FINDINGS_SHEET]
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    text = "\n".join(cells)
    for code in sample.household_code:
        assert code in cells
    for full in ids:
        assert full not in text, f"unmasked ID number {full} in the workbook"
    assert re.search(r"\d{6}\*{8}[\dX]{4}", text)
    assert str(info.seed) in wb["抽样说明"]["A2"].value
    ws = wb["城关镇 东山村"]
    header = [c.value for c in ws[4]]
    assert header[-7:] == packets.CHECKLIST and "户主身份证号（脱敏）" in header
    first = [c.value for c in ws[5]]
    assert all(v in (None, "") for v in first[-7:])  # the checklist is left blank for the team
    village_codes = {ws.title: {str(r[1]) for r in ws.iter_rows(min_row=5, values_only=True) if r[1] and str(r[1]).isdigit()}
                     for ws in wb.worksheets[1:]}
    assert village_codes["城关镇 西岭村"] == set(sample[sample.village_code == fixture_db.V12].household_code)


def test_pdf_opens_has_the_households_and_no_full_id_number(fixture_sqlite):
    villages = [fixture_db.V11, fixture_db.V12, fixture_db.V21]
    sample, rows, ids, info = packet_inputs(fixture_sqlite, villages)
    pdf = packets.build_pdf(rows, info)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1 + len(villages)  # a cover, then every village on its own page
    text = "\n".join(p.extract_text() for p in reader.pages)
    for code in sample.household_code:
        assert code in text
    for full in ids:
        assert full not in text, f"unmasked ID number {full} in the PDF"
    flat = re.sub(r"\s", "", text)  # table headers wrap inside their cells
    for word in ("入户核查表", *packets.CHECKLIST, "城关镇西岭村", f"随机种子{info.seed}", "身份证号已脱敏"):
        assert word in flat


def test_packets_mask_whatever_they_are_given(fixture_sqlite):
    """Even a frame passed in unmasked (or masked strictly, names too) comes out with IDs masked."""
    _, rows, ids, info = packet_inputs(fixture_sqlite, [fixture_db.V11])
    frame = packets.packet_frame(rows)
    assert not set(ids) & set(frame.id_number)
    strict = packets.packet_frame(mask_frame(rows, "strict"))
    assert all(n.endswith("*") or "*" in n for n in strict.head_name)
    wb = openpyxl.load_workbook(io.BytesIO(packets.build_workbook(mask_frame(rows, "strict"), info)))
    names = {str(c.value) for row in wb["城关镇 东山村"].iter_rows(min_row=5) for c in row[2:3]}
    assert "王建国" not in names and "王**" in names


def test_empty_packet_builds(fixture_sqlite):
    with fixture_sqlite.connect() as conn:
        rows = insp.packet_rows(conn, Filter(as_of=fixture_db.AS_OF), [])
    info = packets.PacketInfo("测试县", fixture_db.AS_OF, 1, 10, 2)
    wb = openpyxl.load_workbook(io.BytesIO(packets.build_workbook(rows, info)))
    assert wb.sheetnames == ["抽样说明"]
    assert packets.build_pdf(rows, info).startswith(b"%PDF")


def test_target_gaps_agree_with_target_status(empty_db):
    """The score reads tap water, clinic and employment like 目标考核 does (incl. a township's own target)."""
    from queries import targets

    fixture_db.build_fixture(empty_db)
    with empty_db.connect() as conn:
        for flt in (Filter(as_of=fixture_db.AS_OF), Filter(as_of=fixture_db.AS_OF, township=fixture_db.T2),
                    Filter(as_of=date(2026, 5, 1))):
            gaps = insp.village_components(conn, flt).set_index("code")
            status = targets.target_status(conn, flt, "village")
            for ind, col in insp.GAP_INDICATORS:
                # a village that never reported (V31) is 未报送 there and has no gap to score here
                want = status[(status.indicator == ind) & (status.status != "unreported")].set_index("code")
                assert gaps.loc[want.index, f"{col}_value"].tolist() == pytest.approx(want.value.tolist())
                assert gaps.loc[want.index, f"{col}_target"].tolist() == pytest.approx(want.target.tolist())
    assert gaps.loc[fixture_db.V31, "water_gap"] == 0  # no facts: no gap counted


def test_packet_visit_dates_are_date_cells_and_never_visited_is_text(fixture_sqlite):
    """最近走访 sorts and filters as a date in Excel; a household never visited says so in words."""
    _, rows, _, info = packet_inputs(fixture_sqlite, [fixture_db.V11])
    ws = openpyxl.load_workbook(io.BytesIO(packets.build_workbook(rows, info)))["城关镇 东山村"]
    col = list(packets.INFO_COLUMNS.values()).index("最近走访") + 1
    assert ws.cell(row=4, column=col).value == "最近走访"
    cells = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=col) for r in range(5, 5 + len(rows))}
    # fixture_db VISITS: household 1 (王建国) last visited 2026-06-20; household 2 on 2026-05-01
    first = cells[fixture_db.household_code(1)]
    assert first.value == datetime(2026, 6, 20) and first.number_format == "yyyy-mm-dd"
    never = [c.value for c in cells.values() if isinstance(c.value, str)]
    assert all(v == "从未走访" for v in never)
