"""The demo county: a deterministic, vectorised generator with a story to tell.

Every township draws from a profile; a few are deliberately behind (slow lead decisions,
households without measures, low tap-water coverage, low employment, slow fund disbursement),
and some of the slow ones improved or slipped in the last quarter, so quarter-on-quarter
changes mean something. Same (households, seed, as_of) -> same content.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from queries.codes import DEPARTMENT_SOURCES, FACTOR_TOOL_MATCH, FACTOR_TYPES, TOOLS
from queries.schema import SCHEMA_VERSION
from seed import geo, integrity_demo, people, workflow_demo
from seed.defects import plant_defects

HISTORY_START = np.datetime64("2023-01-01")
LEGACY_START = np.datetime64("2021-06-01")  # households already monitored when the history starts
COUNTY_CODE = "439901"
COUNTY_NAME = "青山县"
PROVINCE = "演示省"
CITY_NAME = "青州市"   # a demo of several counties is a city: 青山县 and its neighbours
COUNTY_NAMES = [COUNTY_NAME, "白水县", "龙泉县", "桃江县", "石峰县", "清河县", "云台县", "金溪县", "马岭县", "柳江县",
                "新安县", "双峰县"]
# 2021: DOMAIN.md; 2023: the 2023 work points (seed 003 二.1 "重点监测年人均纯收入低于6000元的农户"). No seed
# names 2022's line: it stays at the 6000 of the years either side, so the line never falls.
# 2024 on: demo values in the range provinces later set.
MONITORING_LINES = {2021: 6000, 2022: 6000, 2023: 6000, 2024: 7300, 2025: 7600, 2026: 7900}

# Default targets (DOMAIN.md "Targets"); value is a share unless it is a count target.
DEFAULT_TARGETS = {
    "tap_water": 0.95, "large_scale": 0.85, "water_reliability": 0.95, "centralized": 0.90,
    "clinic_standard": 0.95, "clinic_public": 0.80, "employment": 0.70, "insured": 1.0,
    "tekun_care": 0.55, "measure_coverage": 1.0, "lead_timeliness": 1.0,
    "dropouts": 0, "unsafe_houses": 0,
    # 003 二.5, 三.6 (2023 work points); 000 附件2 二(六); 000 附件5 二(二)
    "resident_insured": 0.95, "health_centre": 0.95, "public_jobs": 1500, "training": 3000, "industry_jobs": 1000,
    "enterprise_pairs": 30,
}

FACTOR_CODES = list(FACTOR_TYPES)
# Factor-type probabilities per monitor category, in FACTOR_CODES order.
FACTOR_P = {
    "unstable": [.12, .20, .15, .25, .10, .08, .03, .04, .02, .01],
    "marginal": [.08, .15, .10, .30, .10, .12, .05, .05, .03, .02],
    "sudden":   [.03, .04, .03, .40, .05, .03, .04, .25, .12, .01],
}
FACTOR_SOURCE = {"illness": "medical", "school": "education", "housing": "housing", "disaster": "emergency",
                 "disability": "disabled", "work": "hr", "labour": "civil"}
GENERAL_TOOLS = ["industry_subsidy", "public_job", "poverty_insurance", "dividend", "social_aid"]
AMOUNTS = {"dibao": (3000, 7000), "tekun": (5000, 9000), "temp_relief": (1000, 5000), "social_aid": (500, 3000),
           "edu_aid": (1000, 5000), "med_insurance": (300, 400), "med_relief": (2000, 30000),
           "housing_repair": (20000, 45000), "water_project": (1000, 5000), "industry_subsidy": (1000, 8000),
           "dividend": (500, 2000), "microcredit": (30000, 50000), "public_job": (6000, 12000),
           "transfer_job": (500, 2000), "training": (300, 1500), "workshop": (500, 2000),
           "charity": (500, 5000), "poverty_insurance": (2000, 20000), "village_flex": (200, 2000)}
DISMISS_REASONS = ["收入高于监测范围", "风险已自然消除", "家庭资产条件不符", "核实为误报"]
VISIT_NOTES = ["了解家庭收入及务工情况", "核实两不愁三保障及饮水安全", "宣传帮扶政策", "跟进帮扶措施落实", "了解医疗费用支出情况"]
INSPECTION_TEAMS = {"review": "县回头看工作组", "covert": "市级暗访组", "evaluation": "省级后评估组",
                    "supervision": "县委县政府督查室"}
INSPECTION_NOTES = ["核查两不愁三保障及饮水安全情况", "抽查监测户帮扶措施落实", "核实风险消除户收入情况",
                    "走访脱贫户了解务工就业", "检查预警线索研判台账", "未发现明显问题"]
PROJECT_WORDS = {"industry": ["茶叶基地", "油茶产业", "蔬菜大棚", "生猪养殖", "中药材种植", "光伏电站"],
                 "infrastructure": ["饮水安全巩固", "产业路硬化", "灌溉渠道", "村组道路"],
                 "employment": ["帮扶车间", "劳务协作"],
                 "public_service": ["村卫生室改造", "村级综合服务中心"]}


@dataclass(frozen=True)
class Config:
    households: int = 30_000
    seed: int = 2023
    as_of: date = date.today()
    counties: int = 1     # several: a city (青州市) of that many counties, 10-25 townships each


def county_codes(n: int) -> list[str]:
    return [COUNTY_CODE] if n == 1 else [f"{COUNTY_CODE[:4]}{k + 1:02d}" for k in range(n)]


def days(n) -> np.ndarray:
    return np.asarray(n).astype("timedelta64[D]")


def span_days(start, end) -> np.ndarray:
    """Whole days between two date arrays (pandas may hold dates in seconds)."""
    return (np.asarray(end, dtype="datetime64[D]") - np.asarray(start, dtype="datetime64[D]")).astype(np.int64)


class CountyGenerator:
    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.rng = np.random.default_rng(cfg.seed)
        self.as_of = np.datetime64(cfg.as_of, "D")
        self.tables: dict[str, pd.DataFrame] = {}

    # -- helpers -------------------------------------------------------------------------------
    def uniform_dates(self, lo, hi, n) -> np.ndarray:
        lo = np.broadcast_to(np.asarray(lo, dtype="datetime64[D]"), (n,))
        hi = np.broadcast_to(np.asarray(hi, dtype="datetime64[D]"), (n,))
        span = np.maximum((hi - lo).astype(np.int64), 0)
        return lo + days(np.floor(self.rng.random(n) * (span + 1)).astype(np.int64))

    def clip_as_of(self, d: np.ndarray) -> np.ndarray:
        """Dates after the as-of day have not happened yet: NULL."""
        d = d.copy()
        d[d > self.as_of] = np.datetime64("NaT")
        return d

    # -- the county ----------------------------------------------------------------------------
    def run(self) -> dict[str, pd.DataFrame]:
        self.areas()
        self.townships_profile()
        self.households()
        self.factors()
        self.members()
        self.incomes()
        self.leads()
        self.measures()
        self.helpers_and_visits()
        self.projects()
        self.village_facts()
        self.count_target_facts()
        self.reference_tables()
        self.inspections()
        self.checks_and_spending()
        plant_defects(self)
        self.tables.update(workflow_demo.build(self))   # from the finished leads and inspections
        self.tables.update(integrity_demo.build(self))  # from the finished households
        return self.tables

    def areas(self):
        rng, n_hh, n_county = self.rng, self.cfg.households, self.cfg.counties
        n_vil = max(4, round(n_hh / 125))
        # ~15 villages a township at county scale; small test counties still get several townships; a city's
        # counties have 10-25 townships each (larger townships rather than a thousand of them)
        n_town = min(999, max(2, min(16, n_vil // 2), round(n_vil / 15)))
        if n_county > 1:
            n_town = int(np.clip(round(n_vil / 15), 10 * n_county, 25 * n_county))
            n_vil = max(n_vil, n_town)
        w = rng.uniform(0.7, 1.3, n_town)
        per_town = np.maximum(1, np.floor(w / w.sum() * n_vil)).astype(int)
        per_town[np.argmax(per_town)] += n_vil - per_town.sum()
        self.n_town, self.n_vil = n_town, n_vil
        town_names = geo.township_names(n_town, rng)
        polygons, centroids, boxes = geo.township_grid(n_town, rng)
        counties = county_codes(n_county)
        town_county = np.arange(n_town) * n_county // n_town      # contiguous blocks of the grid per county
        first = np.searchsorted(town_county, town_county)          # each county's first township
        town_codes = [f"{counties[c]}{i - first[i] + 1:03d}" for i, c in enumerate(town_county)]
        self.county_codes = np.array(counties)[town_county]        # per township
        self.tables["county"] = pd.DataFrame({"code": counties, "name": COUNTY_NAMES[:n_county], "province": PROVINCE})
        self.tables["townships"] = pd.DataFrame({
            "code": town_codes, "county_code": self.county_codes, "name": town_names, "boundary_geojson": polygons,
            "centroid_lon": [round(c[0], 5) for c in centroids], "centroid_lat": [round(c[1], 5) for c in centroids]})
        self.vil_town = np.repeat(np.arange(n_town), per_town)
        seq_in_town = np.concatenate([np.arange(k) for k in per_town])
        vil_codes = [f"{town_codes[t]}{200 + s + 1:03d}" for t, s in zip(self.vil_town, seq_in_town)]
        names = np.concatenate([geo.village_names(k, rng) for k in per_town])
        lon, lat = geo.points_in_boxes(boxes, self.vil_town, rng)
        self.tables["villages"] = pd.DataFrame({"code": vil_codes, "township_code": np.array(town_codes)[self.vil_town],
                                                "name": names, "centroid_lon": lon, "centroid_lat": lat})
        self.town_codes, self.vil_codes = np.array(town_codes), np.array(vil_codes)

    def townships_profile(self):
        """Which townships lag, and how. Laggards are drawn from the seed but always exist."""
        n, rng = self.n_town, self.rng
        perm = rng.permutation(n)
        k = max(1, n // 6)
        lag_warn, lag_aid = perm[:k], perm[k:2 * k]
        lag_water, lag_emp, lag_funds = perm[2 * k:3 * k], perm[3 * k:4 * k] if n > 3 else perm[:1], perm[:1]
        def flag(idx):
            f = np.zeros(n, dtype=bool)
            f[idx] = True
            return f
        self.lag = {"warn": flag(lag_warn), "aid": flag(np.concatenate([lag_aid, perm[:1]])),
                    "water": flag(lag_water), "emp": flag(lag_emp), "funds": flag(lag_funds)}
        # Half the slow-deciding townships improved in the last ~4 months, the other half slipped.
        self.warn_trend = np.zeros(n, dtype=int)  # -1 improved recently, +1 slipped recently, 0 steady
        self.warn_trend[lag_warn[::2]] = +1
        self.warn_trend[lag_warn[1::2]] = -1
        self.p_monitor = rng.uniform(0.06, 0.10, n) * np.where(self.lag["warn"], 1.4, 1.0)

    def households(self):
        rng, n = self.rng, self.cfg.households
        w = rng.lognormal(0, 0.35, self.n_vil)
        per_vil = rng.multinomial(n - self.n_vil, w / w.sum()) + 1
        vil = np.repeat(np.arange(self.n_vil), per_vil)
        town = self.vil_town[vil]
        seq = _ranks(per_vil) + 1
        code = np.char.add(self.vil_codes[vil], np.char.zfill(seq.astype(str), 4))
        is_tp = rng.random(n) < 0.55
        monitored = rng.random(n) < self.p_monitor[town]
        u = rng.random(n)
        cat = np.where(is_tp, np.where(u < 0.85, "unstable", "sudden"), np.where(u < 0.7, "marginal", "sudden"))
        cat = np.where(monitored, cat, None)
        legacy = rng.random(n) < 0.25
        ident = np.where(legacy, self.uniform_dates(LEGACY_START, np.datetime64("2022-12-31"), n),
                         self.uniform_dates(HISTORY_START, self.as_of - 1, n))
        ident = np.where(monitored, ident, np.datetime64("NaT"))
        assistance_only = monitored & (rng.random(n) < 0.08)
        p_elim = np.where(cat == "sudden", 0.72, 0.6)
        elim = ident + days(rng.integers(180, 720, n))
        elim_ok = monitored & ~assistance_only & (rng.random(n) < p_elim) & (elim <= self.as_of)
        elim = np.where(elim_ok, elim, np.datetime64("NaT"))
        self.hh = pd.DataFrame({"id": np.arange(1, n + 1), "code": code, "village": vil, "town": town,
                                "is_tp": is_tp, "monitored": monitored, "cat": cat,
                                "ident": ident.astype("datetime64[D]"), "elim": elim.astype("datetime64[D]"),
                                "assistance_only": assistance_only,
                                "size": rng.choice(np.arange(1, 7), n, p=[.12, .22, .22, .22, .14, .08])})

    def factors(self):
        rng, hh = self.rng, self.hh
        mon = hh[hh.monitored]
        m = len(mon)
        k = rng.choice([1, 2, 3], m, p=[.6, .3, .1])
        p = np.array([FACTOR_P[c] for c in mon.cat])
        scores = np.log(p) + rng.gumbel(size=p.shape)  # Gumbel top-k: k distinct types per household
        order = np.argsort(-scores, axis=1)
        rows = np.repeat(np.arange(m), k)
        rank = np.concatenate([np.arange(x) for x in k])
        ftype = np.array(FACTOR_CODES)[order[rows, rank]]
        ident = mon.ident.values[rows]
        elim = mon.elim.values[rows]
        end = np.where(np.isnat(elim), self.as_of, elim)
        f_ident = np.where(rank == 0, ident, np.minimum(ident + days(rng.integers(0, 200, len(rows))), end))
        resolved = np.where(~np.isnat(elim), elim - days(rng.integers(0, 30, len(rows))), np.datetime64("NaT"))
        resolved = np.maximum(resolved, f_ident)
        # a secondary factor of a household still monitored may already be resolved
        early = np.isnat(elim) & (rank > 0) & (rng.random(len(rows)) < 0.3)
        early_date = f_ident + days(rng.integers(60, 400, len(rows)))
        resolved = np.where(early & (early_date <= self.as_of), early_date, resolved)
        disaster = np.where(ftype == "disaster",
                            rng.choice(["flood", "geologic", "drought", "biologic", "weather", "other"], len(rows),
                                       p=[.4, .2, .15, .05, .15, .05]), None)
        self.fac = pd.DataFrame({"hh_idx": mon.index.values[rows], "household_id": mon.id.values[rows],
                                 "factor_type": ftype, "rank": rank,
                                 "identified_date": f_ident.astype("datetime64[D]"),
                                 "resolved_date": resolved.astype("datetime64[D]"), "disaster_kind": disaster})
        self.fac["factor_group"] = [FACTOR_TYPES[t][1] for t in ftype]
        self.fac.insert(0, "id", np.arange(1, len(self.fac) + 1))
        self.tables["risk_factors"] = self.fac[["id", "household_id", "factor_group", "factor_type", "disaster_kind",
                                                "identified_date", "resolved_date"]]

    def members(self):
        rng, hh = self.rng, self.hh
        n_hh = len(hh)
        size = hh["size"].values
        hidx = np.repeat(np.arange(n_hh), size)
        k = _ranks(size)
        n = len(hidx)
        has_spouse = rng.random(n_hh) < 0.85
        relation = np.where(k == 0, "head", "child")
        relation = np.where((k == 1) & has_spouse[hidx], "spouse", relation)
        relation = np.where((k >= 4) & (k == size[hidx] - 1), "parent", relation)
        head_age = np.where(hh.is_tp.values, rng.integers(32, 78, n_hh), rng.integers(28, 72, n_hh))
        hf = self.fac
        work_hh = np.zeros(n_hh, dtype=bool)
        work_hh[hf.hh_idx[hf.factor_type == "work"].values] = True
        head_age = np.where(work_hh, rng.integers(26, 55, n_hh), head_age)  # unstable work needs a worker
        ha = head_age[hidx]
        age = np.select([relation == "head", relation == "spouse", relation == "parent"],
                        [ha, np.clip(ha + rng.integers(-5, 6, n), 20, 95), np.clip(ha + rng.integers(22, 32, n), 45, 98)],
                        np.clip(ha - rng.integers(20, 36, n), 0, 60))
        birth = self.as_of - days(age * 365 + rng.integers(0, 365, n))
        male = np.where(relation == "head", rng.random(n) < 0.8, rng.random(n) < 0.5)
        male = np.where(relation == "spouse", ~(rng.random(n) < 0.8), male)
        # labour by age; households with a work factor keep their head labour-capable
        u = rng.random(n)
        labour = np.select([age < 16, age <= 60, age <= 70],
                           [np.full(n, "none"),
                            np.select([u < .70, u < .82, u < .94], ["normal", "skilled", "weak"], "lost"),
                            np.where(u < .5, "weak", "none")], "none")
        labour = np.where(work_hh[hidx] & (relation == "head"), "normal", labour)
        capable = np.isin(labour, ["normal", "skilled", "weak"])
        emp_rate = np.where(self.lag["emp"], 0.62, 0.76)[hh.town.values][hidx]
        v = rng.random(n)
        employed = capable & (rng.random(n) < emp_rate)
        employment = np.where(employed, np.select([v < .35, v < .6, v < .95], ["in_county", "in_province", "out_province"],
                                                  "public_job"), "none")
        employment = np.where(capable, employment, None)
        stage = np.select([age < 3, age < 6, age < 12, age < 15, age < 18, age < 23],
                          [None, "preschool", "primary", "junior", np.where(u < .7, "senior", "vocational"),
                           np.where(u < .4, "college", None)], None)
        is_student = pd.notna(stage)
        # health and disability follow the household's factors
        ill_hh = np.zeros(n_hh, dtype=bool)
        ill_hh[hf.hh_idx[hf.factor_type == "illness"].values] = True
        dis_hh = np.zeros(n_hh, dtype=bool)
        dis_hh[hf.hh_idx[hf.factor_type == "disability"].values] = True
        first = k == 0
        health = np.where(rng.random(n) < 0.06, "chronic", "healthy")
        health = np.where(ill_hh[hidx] & first, np.where(rng.random(n) < .6, "serious", "chronic"), health)
        disabled = (dis_hh[hidx] & (k == np.minimum(1, size[hidx] - 1))) | (rng.random(n) < 0.015)
        disabled &= ~(work_hh[hidx] & (relation == "head"))  # the worker of an unstable-work household stays able
        health = np.where(disabled, "disabled", health)
        dlevel = np.where(disabled, rng.integers(1, 5, n), -1)
        labour = np.where(disabled & (dlevel <= 2), "lost", labour)
        employment = np.where(disabled & (dlevel <= 2), None, employment)
        # every monitored household is insured except a handful in the township that lags on aid
        insured = ~(hh.monitored.values[hidx] & np.isnat(hh.elim.values)[hidx] & self.lag["aid"][hh.town.values][hidx]
                    & (rng.random(n) < 0.01))
        surname = people.pick_surnames(n_hh, rng)[hidx]
        surname = np.where(np.isin(relation, ["spouse", "parent"]), people.pick_surnames(n, rng), surname)
        home = self.county_codes[hh.town.values][hidx].astype(np.int64)   # born in the county, most of them
        area = np.where(rng.random(n) < 0.92, home, int(COUNTY_CODE[:4]) * 100 + rng.integers(1, 30, n))
        phone = np.where((age >= 18) & (rng.random(n) < 0.75), people.phones(n, rng), None)
        self.mem = pd.DataFrame({
            "id": np.arange(1, n + 1), "household_id": hh.id.values[hidx],
            "name": people.names(surname, rng), "id_number": people.id_numbers(area, birth, male, rng),
            "phone": phone, "gender": np.where(male, "M", "F"), "birth_date": birth.astype("datetime64[D]"),
            "relation": relation, "labour": labour, "employment": employment, "is_student": is_student,
            "school_stage": stage, "dropout": False, "insured": insured,
            "disability_level": pd.array(np.where(dlevel > 0, dlevel, None), dtype="Int64"), "health": health})
        self.tables["members"] = self.mem
        self.capable_per_hh = np.bincount(hidx, weights=capable, minlength=n_hh)

    def line(self, year) -> np.ndarray:
        return np.vectorize(lambda y: MONITORING_LINES.get(y, 7900 + 300 * (y - 2026)))(year)

    def incomes(self):
        rng, hh = self.rng, self.hh
        n = len(hh)
        years = np.arange(2023, self.cfg.as_of.year + 1)
        base = np.where(hh.is_tp, rng.uniform(1.3, 3.0, n), np.clip(rng.lognormal(1.1, 0.4, n), 1.3, 12))
        id_year = pd.DatetimeIndex(hh.ident).year.values
        el_year = pd.DatetimeIndex(hh.elim).year.values
        low = rng.uniform(0.35, 1.08, n)
        rec = rng.uniform(1.2, 2.0, n)
        frames = []
        self.id_year_ratio = np.ones(n)
        for y in years:
            ratio = base * rng.uniform(0.97, 1.08, n)
            mon = hh.monitored.values
            in_episode = mon & (id_year <= y) & (np.isnan(el_year) | (y < el_year))
            after = mon & ~np.isnan(el_year) & (y >= el_year)
            ratio = np.where(in_episode, low * rng.uniform(0.95, 1.05, n), ratio)
            ratio = np.where(after, rec * rng.uniform(0.97, 1.08, n), ratio)
            ratio = np.where(~mon, np.maximum(ratio, 1.15), ratio)  # nobody missed in the clean seed
            self.id_year_ratio = np.where(id_year == y, ratio, self.id_year_ratio)
            pc = np.round(ratio * self.line(y), 0)
            total = pc * hh["size"].values
            frames.append(pd.DataFrame({"household_id": hh.id.values, "year": y, "per_capita_income": pc,
                                        "total_income": total, "rigid_expense": np.round(total * rng.uniform(0, .2, n), 0)}))
        self.id_year_ratio = np.where(id_year < 2023, low, self.id_year_ratio)
        inc = pd.concat(frames, ignore_index=True)
        heavy = np.zeros(n, dtype=bool)
        heavy[self.fac.hh_idx[self.fac.factor_type.isin(["illness", "school"])].values] = True
        rows = heavy[inc.household_id.values - 1]
        inc.loc[rows, "rigid_expense"] = np.round(inc.total_income[rows] * rng.uniform(0.3, 0.9, rows.sum()), 0)
        self.tables["household_income"] = inc

    def decision_delay(self, town: np.ndarray, decided: np.ndarray) -> np.ndarray:
        """Days from lead to decision; slow townships are slow in their slow time window."""
        rng = self.rng
        n = len(town)
        recent = decided > self.as_of - 60
        trend = self.warn_trend[town]
        slow = self.lag["warn"][town] & np.where(recent, trend >= 0, trend <= 0)
        return np.where(slow, rng.integers(10, 60, n), rng.integers(1, 13, n))

    def leads(self):
        rng, hh = self.rng, self.hh
        mon = hh[hh.monitored]
        m = len(mon)
        first = self.fac[self.fac["rank"] == 0].set_index("hh_idx").factor_type.reindex(mon.index).values
        delay = self.decision_delay(mon.town.values, mon.ident.values)
        ratio = self.id_year_ratio[mon.index.values]
        level = np.select([ratio < 0.5, ratio < 1.0], ["red", "orange"], "yellow")
        level = np.where((mon.cat.values == "sudden") & np.isin(first, ["illness", "accident", "disaster"])
                         & (rng.random(m) < 0.3), "red", level)
        dept = np.array([FACTOR_SOURCE.get(f, "cadre") for f in first])
        source = np.where(rng.random(m) < 0.45, dept, rng.choice(["self", "hotline", "cadre"], m, p=[.35, .1, .55]))
        identified = pd.DataFrame({"household_id": mon.id.values, "source": source, "level": level,
                                   "raised_date": mon.ident.values - days(delay), "decision": "identified",
                                   "decision_date": mon.ident.values, "dismiss_reason": None,
                                   "closed_date": mon.elim.values})
        # dismissed leads on households that were checked and not admitted
        others = hh.index.values[~hh.monitored.values]
        d = rng.choice(others, min(len(others), int(m * 0.6)), replace=False)
        raised = self.uniform_dates(HISTORY_START, self.as_of - 46, len(d))
        delay = self.decision_delay(hh.town.values[d], raised + days(10))
        dismissed = pd.DataFrame({"household_id": hh.id.values[d], "source": rng.choice(list(FACTOR_SOURCE.values()) + ["self", "cadre"], len(d)),
                                  "level": rng.choice(["yellow", "orange", "red"], len(d), p=[.65, .3, .05]),
                                  "raised_date": raised, "decision": "dismissed", "decision_date": raised + days(delay),
                                  "dismiss_reason": rng.choice(DISMISS_REASONS, len(d)), "closed_date": raised + days(delay)})
        undecided = dismissed.decision_date.values > self.as_of  # a slow township has not decided yet
        dismissed.loc[undecided, ["decision", "dismiss_reason"]] = None
        dismissed.loc[undecided, ["decision_date", "closed_date"]] = pd.NaT
        # leads raised in the last weeks; in slow townships many are still undecided after 15 days
        rest = np.setdiff1d(others, d)
        n_new = min(len(rest), max(4, int(m * 0.06)))
        slow_now_town = self.lag["warn"] & (self.warn_trend >= 0)
        weight = np.where(slow_now_town[hh.town.values[rest]], 3.0, 1.0)
        p = rng.choice(rest, n_new, replace=False, p=weight / weight.sum())
        town = hh.town.values[p]
        slow_now = slow_now_town[town]
        raised = self.as_of - days(np.where(slow_now, rng.integers(0, 60, n_new), rng.integers(0, 14, n_new)))
        pending = pd.DataFrame({"household_id": hh.id.values[p], "source": rng.choice(list(FACTOR_SOURCE.values()) + ["self", "hotline"], n_new),
                                "level": rng.choice(["yellow", "orange", "red"], n_new, p=[.6, .3, .1]),
                                "raised_date": raised, "decision": None, "decision_date": np.datetime64("NaT"),
                                "dismiss_reason": None, "closed_date": np.datetime64("NaT")})
        w = pd.concat([identified, dismissed, pending], ignore_index=True)
        w = w.sort_values(["raised_date", "household_id"], kind="stable").reset_index(drop=True)
        w.insert(0, "id", np.arange(1, len(w) + 1))
        for c in ("raised_date", "decision_date", "closed_date"):
            w[c] = w[c].values.astype("datetime64[D]")
        self.tables["warnings"] = w

    def measures(self):
        rng, hh, f = self.rng, self.hh, self.fac
        town = hh.town.values[f.hh_idx.values]
        n = len(f)
        gap = rng.random(n) < np.where(self.lag["aid"][town], 0.25, 0.03)
        matched = [sorted(FACTOR_TOOL_MATCH[t]) for t in f.factor_type]
        tool = np.array([m[i] for m, i in zip(matched, (rng.random(n) * np.array([len(m) for m in matched])).astype(int))])
        general = np.array(GENERAL_TOOLS)[rng.integers(0, len(GENERAL_TOOLS), n)]
        # a gap means the factor got an unrelated measure (or none at all)
        tool = np.where(gap, general, tool)
        # an eliminated household always had at least its first factor's measure
        keep = ~(gap & (rng.random(n) < 0.5)) | (~np.isnat(hh.elim.values[f.hh_idx.values]) & (f["rank"].values == 0))
        extra = rng.random(n) < 0.35
        src = np.concatenate([np.arange(n)[keep], np.arange(n)[extra]])
        tools = np.concatenate([tool[keep], general[extra]])
        hh_idx = f.hh_idx.values[src]
        t = hh.town.values[hh_idx]
        reg = f.identified_date.values[src] + days(rng.integers(2, 40, len(src)))
        # monitored households left with no measure at all in the township that lags on aid
        drop = self.lag["aid"][t] & np.isnat(hh.elim.values[hh_idx]) & (rng.random(len(src)) < 0.35)
        ok = (reg <= self.as_of) & ~drop
        src, tools, hh_idx, t, reg = src[ok], tools[ok], hh_idx[ok], t[ok], reg[ok]
        m = len(src)
        planned = reg + days(rng.integers(20, 150, m))
        done = rng.random(m) < np.where(self.lag["aid"][t], 0.55, 0.92)
        completed = planned + days(rng.integers(-15, 25, m))
        completed = np.maximum(completed, reg + 1)
        elim = hh.elim.values[hh_idx]
        completed = np.where(~np.isnat(elim), np.minimum(completed, elim), completed)
        completed = np.where(done | ~np.isnat(elim), completed, np.datetime64("NaT"))
        completed = self.clip_as_of(completed)
        lo = np.array([AMOUNTS[x][0] for x in tools])
        hi = np.array([AMOUNTS[x][1] for x in tools])
        amount = np.round(lo + rng.random(m) * (hi - lo), -1)
        ms = pd.DataFrame({"household_id": hh.id.values[hh_idx], "tool_group": [TOOLS[x][1] for x in tools],
                           "tool": tools, "department": [TOOLS[x][2] for x in tools],
                           "registered_date": reg.astype("datetime64[D]"), "planned_date": planned.astype("datetime64[D]"),
                           "completed_date": completed.astype("datetime64[D]"), "amount": amount})
        ms = ms.sort_values(["registered_date", "household_id"], kind="stable").reset_index(drop=True)
        ms.insert(0, "id", np.arange(1, len(ms) + 1))
        self.tables["aid_measures"] = ms

    def helpers_and_visits(self):
        rng, hh = self.rng, self.hh
        mon = hh[hh.monitored]
        per_vil = np.bincount(mon.village.values, minlength=self.n_vil)
        n_help = np.maximum(1, np.ceil(per_vil / 6).astype(int))
        offset = np.concatenate([[0], np.cumsum(n_help)[:-1]])
        total = int(n_help.sum())
        help_vil = np.repeat(np.arange(self.n_vil), n_help)
        units = np.array(["县乡村振兴局", "县农业农村局", "县人社局", "县教育局", "县卫健局", "乡镇人民政府", "县直机关", "村委会"])
        self.tables["helpers"] = pd.DataFrame({
            "id": np.arange(1, total + 1), "name": people.names(people.pick_surnames(total, rng), rng),
            "phone": people.phones(total, rng), "unit": units[rng.integers(0, len(units), total)],
            "township_code": self.town_codes[self.vil_town[help_vil]]})
        helper = offset[mon.village.values] + (rng.random(len(mon)) * n_help[mon.village.values]).astype(int) + 1
        no_helper = self.lag["aid"][mon.town.values] & (rng.random(len(mon)) < 0.05)
        helper_id = pd.array(np.where(no_helper, None, helper), dtype="Int64")
        # visits: every ~45 days while monitored (every ~110 days where aid lags)
        start = mon.ident.values
        end = np.where(np.isnat(mon.elim.values), self.as_of, mon.elim.values)
        interval = np.where(self.lag["aid"][mon.town.values], 110, 45) * rng.uniform(0.7, 1.3, len(mon))
        count = np.floor(span_days(start, end) / interval).astype(int)
        count = np.where(no_helper, count // 3, count)
        rows = np.repeat(np.arange(len(mon)), count)
        kth = _ranks(count) + 1
        vdate = start[rows] + days(np.round(kth * interval[rows] + rng.integers(-7, 8, len(rows))).astype(np.int64))
        vdate = np.minimum(vdate, end[rows])
        kind = rng.choice(["helper", "cadre", "township"], len(rows), p=[.8, .15, .05])
        vis = pd.DataFrame({"household_id": mon.id.values[rows],
                            "helper_id": pd.array(np.where(kind == "helper", helper_id[rows].to_numpy(dtype=object, na_value=None), None), dtype="Int64"),
                            "visit_date": vdate.astype("datetime64[D]"), "visitor_kind": kind,
                            "note": np.array(VISIT_NOTES)[rng.integers(0, len(VISIT_NOTES), len(rows))]})
        vis = vis.sort_values(["visit_date", "household_id"], kind="stable").reset_index(drop=True)
        vis.insert(0, "id", np.arange(1, len(vis) + 1))
        self.tables["visits"] = vis
        last_visit = vis.groupby("household_id").visit_date.max()
        upd = last_visit.reindex(mon.id.values).values.astype("datetime64[D]")
        upd = np.where(np.isnat(upd), start, upd)
        full_helper = pd.array([None] * len(hh), dtype="Int64")
        full_helper[mon.index.values] = helper_id
        updated = np.full(len(hh), np.datetime64("NaT"), dtype="datetime64[D]")
        updated[mon.index.values] = upd
        others = ~hh.monitored.values
        updated[others] = self.uniform_dates(self.as_of - 300, self.as_of, int(others.sum()))
        self.tables["households"] = pd.DataFrame({
            "id": hh.id.values, "code": hh.code.values, "village_code": self.vil_codes[hh.village.values],
            "township_code": self.town_codes[hh.town.values], "hh_type": np.where(hh.is_tp, "tp", "yb"),
            "monitor_category": hh.cat.values, "identified_date": hh.ident.values, "eliminated_date": hh.elim.values,
            "assistance_only": hh.assistance_only.values, "helper_id": full_helper, "negative_factor": None,
            "updated_date": updated})

    def projects(self):
        rng = self.rng
        years = np.arange(2023, self.cfg.as_of.year + 1)
        per_town = max(4, round(self.n_vil / self.n_town / 2))
        vils_in_town = np.bincount(self.vil_town, minlength=self.n_town)
        first_vil = np.cumsum(vils_in_town) - vils_in_town  # villages are numbered township by township
        rows = []
        for y in years:
            n = self.n_town * per_town
            town = np.repeat(np.arange(self.n_town), per_town)
            lag = self.lag["funds"][town]
            cat = np.where(rng.random(n) < np.where(lag, 0.45, 0.68), "industry",
                           rng.choice(["infrastructure", "employment", "public_service"], n, p=[.6, .2, .2]))
            batch = np.where(rng.random(n) < 0.6, 1, 2)
            planned = np.where(batch == 1, np.datetime64(f"{y}-10-31"), np.datetime64(f"{y}-11-30"))
            on_time = rng.random(n) < np.where(lag, 0.5, 0.85)
            actual = planned + days(np.where(on_time, -rng.integers(5, 90, n), rng.integers(5, 120, n)))
            actual = self.clip_as_of(actual.astype("datetime64[D]"))
            budget = np.round(rng.uniform(30, 300, n), 1) * 10_000
            vil_pick = first_vil[town] + (rng.random(n) * vils_in_town[town]).astype(int)
            words = [PROJECT_WORDS[c][i % len(PROJECT_WORDS[c])] for c, i in zip(cat, rng.integers(0, 6, n))]
            rows.append(pd.DataFrame({"township": town, "village": vil_pick, "category": cat, "year": y,
                                      "budget": budget, "batch": batch, "planned_completion": planned.astype("datetime64[D]"),
                                      "actual_completion": actual, "words": words, "lag": lag}))
        p = pd.concat(rows, ignore_index=True)
        p.insert(0, "id", np.arange(1, len(p) + 1))
        vnames = self.tables["villages"].name.values
        proj = pd.DataFrame({"id": p.id, "code": [f"XM{y}{i:05d}" for y, i in zip(p.year, p.id)],
                             "name": [f"{y}年{vnames[v]}{w}项目" for y, v, w in zip(p.year, p.village, p.words)],
                             "township_code": self.town_codes[p.township], "village_code": self.vil_codes[p.village],
                             "category": p.category, "year": p.year, "budget": p.budget, "batch": p.batch,
                             "planned_completion": p.planned_completion, "actual_completion": p.actual_completion})
        self.tables["projects"] = proj
        # payments: three instalments from March; a finished project is paid in full
        k = 3
        idx = np.repeat(np.arange(len(p)), k)
        year_start = np.array([np.datetime64(f"{y}-03-01") for y in p.year.values])[idx]
        finish = np.where(np.isnat(p.actual_completion.values), p.planned_completion.values + 45, p.actual_completion.values)[idx]
        frac = (np.tile(np.arange(1, k + 1), len(p)) / k)
        pay_date = year_start + days(np.round(span_days(year_start, finish) * frac * rng.uniform(0.85, 1.0, len(idx))).astype(np.int64))
        share = np.where(p.lag.values[idx], 0.8, 1.0) * np.where(np.isnat(p.actual_completion.values[idx]), 0.85, 1.0)
        amount = np.round(p.budget.values[idx] / k * share, 2)
        ok = pay_date <= self.as_of
        pay = pd.DataFrame({"project_id": p.id.values[idx][ok], "pay_date": pay_date[ok].astype("datetime64[D]"),
                            "amount": amount[ok]})
        pay.insert(0, "id", np.arange(1, len(pay) + 1))
        self.tables["project_payments"] = pay

    def village_facts(self):
        rng, nv = self.rng, self.n_vil
        ends = pd.date_range("2023-03-31", pd.Timestamp(self.cfg.as_of), freq="QE").values.astype("datetime64[D]")
        t = np.arange(len(ends)) / 15  # 2023Q1 -> 0, 2026Q4 -> 1: the planned path of improvement
        town = self.vil_town
        hh_per_vil = np.bincount(self.hh.village.values, minlength=nv)
        tp_or_mon = np.bincount(self.hh.village.values, weights=(self.hh.is_tp | self.hh.monitored).values, minlength=nv)
        mon_per_vil = np.bincount(self.hh.village.values, weights=self.hh.monitored.values, minlength=nv)
        rural = np.round(hh_per_vil * rng.uniform(2.0, 3.0, nv)).astype(int)
        labour = np.maximum(1, np.round(tp_or_mon * 1.3 * rng.uniform(0.9, 1.1, nv))).astype(int)
        difficult = np.maximum(1, np.round(mon_per_vil * 2.5 + rng.integers(0, 6, nv))).astype(int)
        need_care = rng.poisson(2, nv)
        lw, le = self.lag["water"][town], self.lag["emp"][town]
        def path(start, end, lag_start, lag_end, lag, noise):
            s, e = np.where(lag, lag_start, start), np.where(lag, lag_end, end)
            off = rng.normal(0, noise, nv)
            return lambda ti: np.clip(s + (e - s) * ti + off, 0, 1)
        rates = {"tap_water_households": path(.90, .975, .78, .86, lw, .02),
                 "large_scale_households": path(.74, .90, .60, .72, lw, .04),
                 "reliable_supply_households": path(.93, .975, .85, .90, lw, .015),
                 "centralized_households": path(.86, .94, .75, .84, lw, .03)}
        emp = path(.68, .77, .58, .64, le, .03)
        ins = path(.995, 1.0, .98, .99, self.lag["aid"][town], .0)
        clinic_u, public_u = rng.random(nv), rng.random(nv)
        clinic_p = lambda ti: np.where(lw, .62 + .2 * ti, .82 + .16 * ti)
        public_p = lambda ti: .72 + .14 * ti
        tekun_p = rng.uniform(.45, .7, nv)
        frames = []
        for end, ti in zip(ends, t):
            row = {"village_code": self.vil_codes, "period_end": np.full(nv, end), "rural_households": rural}
            for c, f in rates.items():
                row[c] = np.minimum(np.round(f(ti) * rural), rural).astype(int)
            row |= {"clinic_standard": clinic_u < clinic_p(ti), "clinic_public": public_u < public_p(ti),
                    "labour_people": labour, "employed_people": np.round(emp(ti) * labour).astype(int),
                    "difficult_people": difficult, "insured_difficult_people": np.round(ins(ti) * difficult).astype(int),
                    "tekun_need_care": need_care, "tekun_centralized": np.round(tekun_p * need_care).astype(int)}
            frames.append(pd.DataFrame(row))
        self.tables["village_facts"] = pd.concat(frames, ignore_index=True)

    def count_target_facts(self):
        """The count targets' facts: 城乡居民参保 per village report, 乡镇卫生院 per township and quarter, 带动就业
        of industry projects, 强企帮村 pairings. A generator of their own, so the other tables stay as they were."""
        rng = np.random.default_rng(self.cfg.seed + 1606)
        vf = self.tables["village_facts"]
        people = vf.rural_households.values * 3
        ends = vf.period_end.values.astype("datetime64[D]")
        progress = np.clip((ends - np.datetime64("2023-03-31")).astype(int) / 1400, 0, 1)
        lagging = self.lag["aid"][self.vil_town][pd.Index(self.vil_codes).get_indexer(vf.village_code)]
        rate = np.where(lagging, .90, .93) + np.where(lagging, .03, .05) * progress + rng.normal(0, .01, len(vf))
        vf["resident_people"] = people
        vf["insured_residents"] = np.minimum(np.round(np.clip(rate, 0, 1) * people), people).astype(int)
        # one health centre per township; the lagging water townships bring theirs up to standard late
        q_ends = pd.date_range("2023-03-31", pd.Timestamp(self.cfg.as_of), freq="QE").values.astype("datetime64[D]")
        ready = np.where(self.lag["water"], rng.integers(6, 20, self.n_town), rng.integers(0, 8, self.n_town))
        self.tables["township_facts"] = pd.DataFrame({
            "township_code": np.repeat(self.town_codes, len(q_ends)), "period_end": np.tile(q_ends, self.n_town),
            "health_centre_standard": (np.arange(len(q_ends))[None, :] >= ready[:, None]).ravel()})
        p = self.tables["projects"]
        industry = (p.category == "industry").values
        p["jobs_driven"] = pd.array(np.where(industry, rng.integers(3, 25, len(p)), 0), dtype="Int64")
        p.loc[~industry, "jobs_driven"] = pd.NA
        # 强企帮村: about one pairing for every eight villages, mostly signed at the start of a year
        n = max(3, self.n_vil // 8)
        vil = rng.choice(self.n_vil, n, replace=False)
        years = rng.integers(2023, self.cfg.as_of.year + 1, n)
        signed = np.array([np.datetime64(f"{y}-03-01") for y in years]) + days(rng.integers(0, 240, n))
        signed = np.minimum(signed.astype("datetime64[D]"), np.datetime64(self.cfg.as_of))
        ended = np.where(rng.random(n) < .15, signed + days(rng.integers(200, 500, n)), np.datetime64("NaT"))
        ended = np.where(ended <= np.datetime64(self.cfg.as_of), ended, np.datetime64("NaT")).astype("datetime64[D]")
        firms = ["县农业发展集团", "惠农食品有限公司", "绿源茶业有限公司", "宏达建材有限公司", "安泰物流有限公司", "丰收农机合作社",
                 "县供销集团", "金穗米业有限公司", "康源药业有限公司", "城投建设有限公司"]
        self.tables["enterprise_pairings"] = pd.DataFrame({
            "enterprise": [firms[i % len(firms)] for i in range(n)], "village_code": self.vil_codes[vil],
            "township_code": [c[:9] for c in self.vil_codes[vil]],
            "signed_date": signed, "ended_date": ended,
            "content": rng.choice(["产业带动", "吸纳就业", "捐资助学", "基础设施援建"], n)})

    def reference_tables(self):
        years = range(2021, self.cfg.as_of.year + 1)
        self.tables["monitoring_lines"] = pd.DataFrame({
            "year": list(years), "yuan": [float(self.line(y)) for y in years],
            "note": ["演示数据：按省级年度监测范围设定" for _ in years]})
        rows = [(ind, y, code, float(v), date(y, 12, 31)) for code in county_codes(self.cfg.counties)
                for y in range(2023, self.cfg.as_of.year + 1) for ind, v in DEFAULT_TARGETS.items()]
        self.tables["targets"] = pd.DataFrame(rows, columns=["indicator", "year", "scope", "value", "deadline"])
        meta = {"schema_version": SCHEMA_VERSION, "as_of": self.cfg.as_of.isoformat(), "is_demo": "1",
                "seed": str(self.cfg.seed), "households": str(self.cfg.households), "county_code": COUNTY_CODE}
        if self.cfg.counties > 1:
            meta |= {"city_name": CITY_NAME, "counties": str(self.cfg.counties)}
        self.tables["meta"] = pd.DataFrame({"key": list(meta), "value": list(meta.values())})

    def inspections(self):
        """Past inspections (回头看、暗访、后评估、督查) of villages. A separate stream keyed by the seed, so
        adding this table left every other table of a given seed unchanged; villages of the townships that
        lag on leads are visited more often, and about one village in eight was inspected recently."""
        rng = np.random.default_rng([self.cfg.seed, 606])
        nv = self.n_vil
        lam = np.where(self.lag["warn"][self.vil_town], 1.4, 0.8)
        k = rng.poisson(lam)
        recent = rng.random(nv) < 0.12
        if k.sum() + recent.sum() == 0:
            recent[0] = True
        vil = np.concatenate([np.repeat(np.arange(nv), k), np.flatnonzero(recent)])
        n = len(vil)
        when = np.concatenate([self.uniform_dates_with(rng, HISTORY_START, self.as_of - 91, int(k.sum())),
                               self.uniform_dates_with(rng, self.as_of - 89, self.as_of, int(recent.sum()))])
        kinds = np.array(list(INSPECTION_TEAMS))
        kind = kinds[rng.choice(len(kinds), n, p=[.4, .2, .15, .25])]
        team = [f"{INSPECTION_TEAMS[c]}第{g}组" for c, g in zip(kind, rng.integers(1, 5, n))]
        out = pd.DataFrame({"village_code": self.vil_codes[vil], "inspected_on": when.astype("datetime64[D]"),
                            "team": team, "kind": kind,
                            "note": np.array(INSPECTION_NOTES)[rng.integers(0, len(INSPECTION_NOTES), n)]})
        out = out.sort_values(["inspected_on", "village_code"], kind="stable").reset_index(drop=True)
        out.insert(0, "id", np.arange(1, len(out) + 1))
        self.tables["inspections"] = out

    def checks_and_spending(self):
        """两不愁三保障 and water checks, spending, and the event dates of department leads. Their own random
        stream: adding them shifts none of the other tables. Most houses are safe and most water passes; a
        few households outside monitoring carry an unrepaired C/D house, failing water, high self-paid
        medical costs or a 民政 status, so the 漏评 screening has something plausible to find."""
        rng, hh, mem = np.random.default_rng(self.cfg.seed + 16), self.hh, self.mem
        n, as_of = len(hh), self.as_of
        checked = hh.monitored.values | hh.is_tp.values | (rng.random(n) < 0.7)
        idx = np.flatnonzero(checked)
        m = len(idx)
        grade = rng.choice(["A", "B", "C", "D"], m, p=[.70, .26, .03, .01])
        unsafe = np.isin(grade, ["C", "D"])
        repair = np.where(unsafe, rng.choice(["done", "in_progress", "none"], m, p=[.6, .25, .15]), None)
        central = rng.random(m) < 0.88
        passes = lambda p: rng.random(m) < p  # noqa: E731
        alone = (hh["size"].values[idx] == 1) & (rng.random(m) < 0.2)
        self.tables["household_checks"] = pd.DataFrame({
            "id": np.arange(1, m + 1), "household_id": hh.id.values[idx],
            "checked_on": self.uniform_dates(as_of - 330, as_of - 1, m).astype("datetime64[D]"),
            "house_grade": grade, "house_repair": repair, "water_source": np.where(central, "central", "scattered"),
            "tap_water": central | passes(0.3), "water_quality": passes(0.994), "water_quantity": passes(0.997),
            "water_convenience": passes(0.997), "water_reliability": passes(0.995), "food_clothing": passes(0.998),
            "dibao": hh.monitored.values[idx] & passes(0.2) | passes(0.01), "tekun": passes(0.004),
            "elderly_alone": alone})
        # spending: self-paid medical costs follow the members' health, schooling costs the students
        ill = mem.health.isin(["serious", "chronic"]).values
        serious = mem.health.values == "serious"
        per_member = np.where(serious, rng.lognormal(9.3, 0.6, len(mem)), np.where(ill, rng.lognormal(7.5, 0.6, len(mem)), 0))
        medical = np.bincount(mem.household_id.values - 1, weights=per_member, minlength=n)
        school = np.bincount(mem.household_id.values - 1, weights=np.where(mem.is_student.values, rng.uniform(800, 6000, len(mem)), 0),
                             minlength=n)
        inc = self.tables["household_income"]
        hid = inc.household_id.values - 1
        inc["medical_self_paid"] = np.round(medical[hid] * rng.uniform(0.8, 1.2, len(inc)), 0)
        inc["school_cost"] = np.round(school[hid], 0)
        w = self.tables["warnings"]
        dept = w.source.isin(sorted(DEPARTMENT_SOURCES)).values
        w["event_date"] = np.where(dept, w.raised_date.values - days(rng.integers(0, 12, len(w))),
                                   np.datetime64("NaT")).astype("datetime64[D]")
        # the departments the seeds add push some of the leads of the departments already there (so every
        # lead stays a department alert): hospitals and 卫健 beside 医保, 交警 beside 应急, 房产 beside 住建 ...
        u = rng.random(len(w))
        for old, new in (("medical", ("hospital", "health")), ("emergency", ("traffic",)), ("housing", ("property",)),
                         ("hr", ("agriculture",)), ("civil", ("rural",))):
            moved = (w.source.values == old) & (u < 0.25)
            w.loc[moved, "source"] = rng.choice(list(new), moved.sum())

    def uniform_dates_with(self, rng, lo, hi, n) -> np.ndarray:
        lo, hi = np.datetime64(lo, "D"), np.datetime64(hi, "D")
        span = max(int((hi - lo).astype(np.int64)), 0)
        return lo + days(rng.integers(0, span + 1, n))


def _ranks(sizes: np.ndarray) -> np.ndarray:
    """0..k-1 for each k in sizes, concatenated (vectorised np.concatenate([arange(k)...]))."""
    sizes = np.asarray(sizes, dtype=np.int64)
    total = int(sizes.sum())
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    return np.arange(total) - starts


def generate(cfg: Config) -> dict[str, pd.DataFrame]:
    return CountyGenerator(cfg).run()
