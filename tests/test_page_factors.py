"""风险因子 in AppTest on the hand-built fixture: every number shown equals the query layer's."""

import pytest

from dashboard.common import fmt
from queries import factors
from queries.codes import FACTOR_GROUPS, FACTOR_TYPES
from queries.filters import Filter, period_tick
from tests.fixture_db import AS_OF, T1, T2, T3, V12
from tests.pages_support import chart, chart_specs, q, run_page


def cards(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def check_page(at, url, f):
    """Cards, type bars, multi-factor bars, heatmap and trend against the query layer for filter f."""
    assert not at.exception
    breakdown = q(url, factors.factor_breakdown, f)
    multi = q(url, factors.multi_factor_households, f)
    shown = cards(at)
    assert shown["有风险因子的监测户"] == fmt.count(multi.households.sum())
    assert shown["多重风险户（2类及以上）"] == fmt.count(multi.households[multi.factors >= 2].sum())

    spec = chart(at, "按风险类型")
    assert [tr["name"] for tr in spec["data"]] == list(FACTOR_GROUPS.values())
    for trace, group in zip(spec["data"], FACTOR_GROUPS):
        part = breakdown[breakdown.group == group]
        assert dict(zip(trace["y"], trace["x"])) == dict(zip(part.type_label, part.households))
        for label, text in zip(trace["y"], trace["text"]):
            share = part.loc[part.type_label == label, "share"].iloc[0]
            assert text.endswith(fmt.pct(share))

    spec = chart(at, "按每户风险类别数")
    assert spec["data"][0]["x"] == ["1类", "2类", "3类及以上"]
    assert spec["data"][0]["y"] == multi.households.tolist()

    by = "village" if f.township else "township"
    area = q(url, factors.factors_by_area, f, by)
    spec = chart(at, "风险类型（户数")
    heat = spec["data"][0]
    assert heat["type"] == "heatmap"
    assert heat["y"] == area.name.tolist()
    assert heat["z"] == area[list(FACTOR_TYPES)].astype(int).to_numpy().tolist()
    assert [x.replace("<br>", "") for x in heat["x"]] == [label for label, _ in FACTOR_TYPES.values()]

    trend = q(url, factors.factor_trend, f)
    spec = chart(at, "新识别风险因子条数")
    for trace, group in zip(spec["data"], FACTOR_GROUPS):
        plotted = {x: y for x, y in zip(trace["x"], trace["y"]) if y}
        want = trend[trend.group == group]
        assert plotted == dict(zip(map(period_tick, want.period), want.new_factors)), group
    return breakdown, multi, trend


def test_default_view_matches_query_layer(app_db):
    at = run_page("factors")
    f = Filter(as_of=AS_OF)
    breakdown, multi, trend = check_page(at, app_db, f)
    # counted by hand in tests/fixture_db.py
    assert cards(at)["有风险因子的监测户"] == "9"
    assert cards(at)["多重风险户（2类及以上）"] == "3"
    assert cards(at)["本期新识别风险（条）"] == "4"  # 2026-Q2: accident 2, expense 1, income 1
    assert cards(at)["最主要的风险类型"] == "因病"
    assert multi.households.tolist() == [6, 2, 1]
    spec = chart(at, "新识别风险因子条数")
    assert spec["data"][0]["x"][0] == "2023年1季度" and spec["data"][0]["x"][-1] == "2026年2季度"
    heat = chart(at, "风险类型（户数")["data"][0]
    assert heat["y"] == ["城关镇", "青山镇", "石门乡"]


def test_township_shows_villages(app_db):
    at = run_page("factors", {"town": T1})
    check_page(at, app_db, Filter(as_of=AS_OF, township=T1))
    assert any(s.value == "各村风险因子分布" for s in at.subheader)
    assert chart(at, "各村 × 风险类型")["data"][0]["y"] == ["东山村", "西岭村", "南溪村"]


def test_village_filter(app_db):
    at = run_page("factors", {"village": V12})
    check_page(at, app_db, Filter(as_of=AS_OF, township=T1, village=V12))
    assert cards(at)["有风险因子的监测户"] == "2"  # h6 (3 factors) and h7 (1)
    assert chart(at, "各村 × 风险类型")["data"][0]["y"] == ["西岭村"]


@pytest.mark.parametrize("params, f", [
    ({"cat": "sudden"}, Filter(as_of=AS_OF, category="sudden")),
    ({"town": T2, "cat": "marginal"}, Filter(as_of=AS_OF, township=T2, category="marginal")),
    ({"period": "month"}, Filter(as_of=AS_OF, period="month")),
])
def test_filtered_views(app_db, params, f):
    at = run_page("factors", params)
    check_page(at, app_db, f)


def test_month_period_trend(app_db):
    at = run_page("factors", {"period": "month"})
    assert not at.exception
    assert any("按月" in s.value for s in at.subheader)
    x = chart(at, "每月新识别风险因子条数")["data"][0]["x"]
    assert x[0] == "2023-01" and x[-1] == "2026-06" and len(x) == 42
    assert cards(at)["本期新识别风险（条）"] == "1"  # June 2026: F17 only


def test_scope_with_nothing_shows_empty_states(app_db):
    at = run_page("factors", {"town": T3})
    assert not at.exception
    assert cards(at)["有风险因子的监测户"] == "0"
    assert len(chart_specs(at)) == 0
    assert sum("没有" in i.value for i in at.info) == 4
