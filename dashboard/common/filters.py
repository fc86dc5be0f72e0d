"""The shared filter: read from the URL (st.query_params), validated, shown in the sidebar,
written back to the URL so a copied link reproduces the exact view.

Query parameters: asof=YYYY-MM-DD, period=month|quarter, county=6 digits (a city database only),
town=9 digits, village=12 digits, cat=unstable|marginal|sudden. Anything unknown or malformed is dropped with a short notice and
never reaches SQL.
"""

import re
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd
import streamlit as st

from queries.codes import MONITOR_CATEGORIES, PERIODS
from queries.filters import Filter
from queries.trends import TREND_START

PARAM_NAMES = {"asof": "截至日期", "period": "统计周期", "county": "县（市、区）", "town": "乡镇", "village": "村",
               "cat": "监测类别"}
KEYS = {p: f"flt_{p}" for p in PARAM_NAMES}
MAX_PARAM_LEN = 40
ALL = ""  # widget value for "no restriction"


@dataclass(frozen=True)
class Areas:
    towns: pd.DataFrame      # code, name
    villages: pd.DataFrame   # code, name, township_code
    data_as_of: date
    counties: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["code", "name"]))  # code, name

    @property
    def is_city(self) -> bool:
        """Several counties to choose from: the filter offers the county level."""
        return len(self.counties) > 1

    @property
    def everywhere(self) -> str:
        """The name of "no area restriction" for this viewer."""
        return "全市" if self.is_city else "全县"

    def county_name(self, code) -> str:
        hit = self.counties.loc[self.counties.code == code, "name"]
        return hit.iloc[0] if len(hit) else self.everywhere

    def town_name(self, code) -> str:
        hit = self.towns.loc[self.towns.code == code, "name"]
        return hit.iloc[0] if len(hit) else self.everywhere

    def village_name(self, code) -> str:
        hit = self.villages.loc[self.villages.code == code, "name"]
        return hit.iloc[0] if len(hit) else ""


def _param(name: str) -> str | None:
    value = st.query_params.get(name)
    return None if value is None else str(value)


def parse(areas: Areas, scope: str | None = None, given: dict[str, str] | None = None) -> tuple[Filter, list[str]]:
    """Filter from the URL (or from `given`, the same parameters from elsewhere: a scheduled job's command
    line); returns the names of parameters that were dropped."""
    dropped = []

    def bad(name):
        dropped.append(PARAM_NAMES[name])
        return None

    raw = {p: _param(p) for p in PARAM_NAMES} if given is None else {p: given.get(p) for p in PARAM_NAMES}
    as_of = areas.data_as_of
    if raw["asof"] is not None:
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw["asof"]):
                raise ValueError
            d = date.fromisoformat(raw["asof"])
            if TREND_START <= d <= areas.data_as_of:
                as_of = d
            else:
                bad("asof")
        except ValueError:
            bad("asof")
    period = raw["period"] if raw["period"] in PERIODS else (bad("period") if raw["period"] is not None else None)
    county = raw["county"]
    if county is not None and not (len(county) <= MAX_PARAM_LEN and re.fullmatch(r"\d{6}", county)
                                   and areas.is_city and county in set(areas.counties.code)):
        county = bad("county")
    town = raw["town"]
    if town is not None and not (len(town) <= MAX_PARAM_LEN and re.fullmatch(r"\d{9}", town)
                                 and town in set(areas.towns.code)):
        town = bad("town")
    village = raw["village"]
    if village is not None:
        hit = areas.villages[areas.villages.code == village] if (
            len(village) <= MAX_PARAM_LEN and re.fullmatch(r"\d{12}", village)) else areas.villages.iloc[0:0]
        if hit.empty or (town and hit.township_code.iloc[0] != town):
            village = bad("village")
        elif not town:
            town = hit.township_code.iloc[0]
    if town and county and not town.startswith(county):
        town, village = bad("town"), None
    cat = raw["cat"] if raw["cat"] in MONITOR_CATEGORIES else (bad("cat") if raw["cat"] is not None else None)
    f = Filter(as_of=as_of, period=period or "quarter", township=town, village=village, category=cat, scope=scope,
               county=county)
    return f, dropped


def to_params(f: Filter, areas: Areas) -> dict[str, str]:
    """The URL form of a filter; defaults are left out so links stay short."""
    p = {}
    if f.as_of != areas.data_as_of:
        p["asof"] = f.as_of.isoformat()
    if f.period != "quarter":
        p["period"] = f.period
    if f.county and areas.is_city and not f.township:  # a township's code names its county
        p["county"] = f.county
    if f.township:
        p["town"] = f.township
    if f.village:
        p["village"] = f.village
    if f.category:
        p["cat"] = f.category
    return p


def write_url(f: Filter, areas: Areas, extra: dict[str, str] | None = None) -> None:
    """Make the URL show exactly this filter (page-specific parameters in `extra` are kept)."""
    wanted = to_params(f, areas) | (extra or {})
    current = {k: st.query_params.get(k) for k in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)


def sidebar(f: Filter, areas: Areas) -> Filter:
    """Filter widgets in the sidebar, initialised from the URL-derived filter."""
    desired = {"asof": f.as_of, "period": f.period, "county": f.county or ALL, "town": f.township or ALL,
               "village": f.village or ALL, "cat": f.category or ALL}
    # The URL is the source of truth: align widget state before the widgets are created.
    # Widget state is per page (a page switch starts the sidebar widgets afresh), hence the page in the marker.
    synced = st.session_state.get("flt_synced_from")
    if synced != {**desired, "page": _page_id()}:
        for p, v in desired.items():
            st.session_state[KEYS[p]] = v
        st.session_state["flt_synced_from"] = {**desired, "page": _page_id()}

    with st.sidebar:
        st.markdown("### 筛选")
        as_of = st.date_input("截至日期", key=KEYS["asof"], min_value=TREND_START, max_value=areas.data_as_of,
                              format="YYYY-MM-DD", help="所有数字按该日的状态统计；默认为数据截至日期。")
        period = st.radio("统计周期", list(PERIODS), key=KEYS["period"], format_func=PERIODS.get, horizontal=True,
                          help="“本期”指截至日期所在的月或季度；趋势图按该周期汇总。")
        county = ALL
        if areas.is_city:
            county_names = dict(zip(areas.counties.code, areas.counties.name))
            county = st.selectbox("县（市、区）", [ALL, *county_names], key=KEYS["county"], placeholder="请选择",
                                  format_func=lambda c: "全市" if c == ALL else county_names.get(c, c))
        in_county = areas.towns.code.str.startswith(county) if county else areas.towns.code.notna()
        town_names = dict(zip(areas.towns.code[in_county], areas.towns.name[in_county]))
        if st.session_state.get(KEYS["town"]) not in (ALL, *town_names):
            st.session_state[KEYS["town"]] = ALL
        one_town = f.scope and len(f.scope) == 9  # a township user has one township
        everywhere = areas.county_name(county) if county else areas.everywhere
        town = st.selectbox("乡镇", list(town_names) if one_town else [ALL, *town_names], key=KEYS["town"],
                            placeholder="请选择", format_func=lambda c: everywhere if c == ALL else town_names.get(c, c))
        vmask = areas.villages.township_code == town
        village_names = dict(zip(areas.villages.code[vmask], areas.villages.name[vmask]))
        if st.session_state.get(KEYS["village"]) not in village_names:
            st.session_state[KEYS["village"]] = ALL
        village = st.selectbox("行政村", [ALL, *village_names], key=KEYS["village"], placeholder="请选择", disabled=town == ALL,
                               format_func=lambda c: "全部村" if c == ALL else village_names.get(c, c))
        cat = st.selectbox("监测类别", [ALL, *MONITOR_CATEGORIES], key=KEYS["cat"], placeholder="请选择",
                           format_func=lambda c: "全部类别" if c == ALL else MONITOR_CATEGORIES[c])
    new = replace(f, as_of=as_of if isinstance(as_of, date) else f.as_of, period=period, county=county or None,
                  township=town or None, village=(village or None) if town else None, category=cat or None)
    st.session_state["flt_synced_from"] = {"asof": new.as_of, "period": new.period, "county": new.county or ALL,
                                           "town": new.township or ALL, "village": new.village or ALL,
                                           "cat": new.category or ALL, "page": _page_id()}
    return new


def _page_id() -> str:
    """The running page (st.navigation page hash): widget state does not survive a page switch."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx()
    return ctx.page_script_hash if ctx is not None else ""


def scope_label(f: Filter, areas: Areas) -> str:
    if f.township:
        parts = [*([areas.county_name(f.county)] if areas.is_city else []), areas.town_name(f.township)]
    else:
        parts = [areas.county_name(f.county) if f.county else "全部县（市、区）"] if areas.is_city else ["全县"]
    if f.village:
        parts.append(areas.village_name(f.village))
    if f.category:
        parts.append(MONITOR_CATEGORIES[f.category])
    return " · ".join(parts)
