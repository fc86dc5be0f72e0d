"""目标考核 in AppTest on the hand-built fixture: every number shown equals the query layer's, and the
chosen indicator lives in the URL as ``ind``."""

from datetime import date

import pytest

from dashboard.common import fmt
from queries import targets
from queries.filters import Filter
from tests.fixture_db import AS_OF, T1, T2, T3, V13
from tests.pages_support import chart, chart_specs, q, run_page

GREEN, AMBER, RED = "#2E7D32", "#F2A93B", "#D7263D"
COLORS = {"met": GREEN, "near": AMBER, "behind": RED}


def cards(at) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def check_cards(at, url, f, level):
    s = q(url, targets.target_status, f, level)
    s = s[s.value.notna() | s.status.isin(["unreported", "missing"])]   # 未导入 shows as a card too, not as 0
    shown = cards(at)
    assert len(shown) == len(s)
    for r in s.itertuples():
        want = {"unreported": "未报送", "missing": "未导入"}.get(r.status) or fmt.value(r.value, r.unit)
        assert shown[r.indicator_name][0] == want, r.indicator
    return s


def check_indicator(at, url, f, ind):
    """Area bars, lagging villages and trend for one indicator."""
    assert not at.exception
    by = "village" if f.township else "township"
    s = q(url, targets.target_status, f, by)
    s = s[(s.indicator == ind) & s.value.notna()]
    spec = chart(at, "红色未达标")
    bar = spec["data"][0]
    assert dict(zip(bar["y"], bar["x"])) == pytest.approx(dict(zip(s.name, s.value)))
    assert dict(zip(bar["y"], bar["marker"]["color"])) == {n: COLORS[k] for n, k in zip(s.name, s.status)}

    lag = q(url, targets.lagging_villages, f, ind, 20)
    if len(lag):
        table = at.dataframe[0].value
        assert table["村"].tolist() == lag.name.tolist()
        value_col = next(c for c in table.columns if c.startswith("当前值"))
        gap_col = next(c for c in table.columns if c.startswith("差距"))
        silent = (lag.status == "unreported").to_numpy()
        assert (table["状态"] == "未报送").tolist() == silent.tolist()  # villages that never reported come last
        assert silent.tolist() == sorted(silent.tolist())
        judged = table[~silent]
        assert judged[value_col].tolist() == pytest.approx(lag[~silent].value.round(1).tolist())
        assert judged[gap_col].tolist() == pytest.approx(lag[~silent].gap.round(1).tolist())
        assert judged[gap_col].is_monotonic_increasing  # furthest below the target first
    return s, lag


def test_default_view_matches_query_layer(app_db):
    at = run_page("targets")
    assert not at.exception
    f = Filter(as_of=AS_OF)
    check_cards(at, app_db, f, "county")
    # counted by hand in tests/fixture_db.py
    assert cards(at)["农村自来水普及率"][0] == "95.0%"
    assert cards(at)["帮扶措施覆盖率"][0] == "88.9%"
    assert cards(at)["线索15天内研判率"][0] == "44.4%"  # 4 in time / (7 decided this year + W7, W11 undecided and overdue)
    assert cards(at)["义务教育辍学人数"][0] == "1"
    assert at.selectbox(key="tgt_ind").value == "tap_water"
    assert "ind" not in at.query_params  # the default is left out of the link

    s, lag = check_indicator(at, app_db, f, "tap_water")
    assert dict(zip(s.name, s.status)) == {"城关镇": "behind", "青山镇": "met"}  # T2 meets its own 98 % target
    target_marks = chart(at, "红色未达标")["data"][1]  # townships with different targets: one mark each
    assert dict(zip(target_marks["y"], target_marks["x"])) == pytest.approx({"城关镇": 95.0, "青山镇": 98.0})
    table = at.dataframe[0].value
    assert table["村"].tolist() == ["南溪村", "东山村", "北坪村", "石门村"]  # 石门村 never reported
    assert table["乡镇"].tolist() == ["城关镇", "城关镇", "青山镇", "石门乡"]
    assert table["状态"].tolist() == ["未达标", "未达标", "接近", "未报送"]
    # 6 villages in the county, 1 of them never reported: said above the cards
    assert any("6 个村中有 1 个村" in w.value for w in at.warning)

    trend = q(app_db, targets.target_trend, f, "tap_water")
    spec = chart(at, "按最近四期进度外推")
    actual, projection = spec["data"][0], spec["data"][1]
    assert actual["y"] == pytest.approx(trend.value.tolist())
    assert actual["y"] == pytest.approx([93.2, 95.0])
    projected = targets.project_to_deadline(trend, date(2026, 12, 31))
    assert projection["y"][1] == pytest.approx(projected)
    assert projection["x"][1].startswith("2026-12-31")
    sentence = " ".join(m.value for m in at.markdown)
    verdict = "可以完成目标" if projected >= 95 else "难以完成目标"
    assert f"按当前进度，预计到2026年12月31日达到 {fmt.pct(projected)}，{verdict}" in sentence


def test_indicator_from_url(app_db):
    at = run_page("targets", {"ind": "employment", "town": T2})
    f = Filter(as_of=AS_OF, township=T2)
    check_cards(at, app_db, f, "township")
    assert at.selectbox(key="tgt_ind").value == "employment"
    assert at.query_params["ind"] == "employment"
    assert any(s.value == "各村脱贫人口务工就业率" for s in at.subheader)
    check_indicator(at, app_db, f, "employment")
    trend = q(app_db, targets.target_trend, f, "employment")
    assert chart(at, "按最近四期进度外推")["data"][0]["y"] == pytest.approx(trend.value.tolist())


def test_unknown_indicator_is_dropped_with_a_notice(app_db):
    at = run_page("targets", {"ind": "<script>bogus</script>", "town": T1})
    assert not at.exception
    notice = " ".join(w.value for w in at.warning)
    assert "ind" in notice and "无法识别" in notice and "bogus" not in notice
    assert "ind" not in at.query_params
    assert at.query_params["town"] == T1  # the rest of the link is kept
    assert at.selectbox(key="tgt_ind").value == "tap_water"
    check_indicator(at, app_db, Filter(as_of=AS_OF, township=T1), "tap_water")


def test_choice_goes_to_the_url_and_survives_filter_changes(app_db):
    at = run_page("targets")
    at = at.selectbox(key="tgt_ind").set_value("insured").run()
    assert not at.exception
    assert at.query_params["ind"] == "insured"
    at = at.selectbox(key="flt_town").set_value(T1).run()
    assert not at.exception
    assert at.query_params["ind"] == "insured" and at.query_params["town"] == T1
    assert at.selectbox(key="tgt_ind").value == "insured"
    check_indicator(at, app_db, Filter(as_of=AS_OF, township=T1), "insured")
    at = at.selectbox(key="tgt_ind").set_value("tap_water").run()
    assert "ind" not in at.query_params


def test_record_indicator_by_month_in_a_township(app_db):
    at = run_page("targets", {"ind": "measure_coverage", "town": T1, "period": "month"})
    f = Filter(as_of=AS_OF, township=T1, period="month")
    check_cards(at, app_db, f, "township")
    s, lag = check_indicator(at, app_db, f, "measure_coverage")
    assert dict(zip(s.name, s.value)) == pytest.approx({"东山村": 100.0, "西岭村": 50.0, "南溪村": 100.0})
    assert lag.name.tolist() == ["西岭村"]
    actual = chart(at, "按最近四期进度外推")["data"][0]
    # the last point is the as-of day, equal to the card; the ones before are month ends
    assert actual["y"][-1] == pytest.approx(80.0)
    assert actual["x"][-1].startswith("2026-06-30") and actual["x"][-2].startswith("2026-05-31")
    on_may_31 = q(app_db, targets.target_status, f.at(date(2026, 5, 31)), "township")
    assert actual["y"][-2] == pytest.approx(on_may_31[on_may_31.indicator == "measure_coverage"].value.iloc[0])


def test_count_indicator_and_category_filter(app_db):
    at = run_page("targets", {"ind": "unsafe_houses", "cat": "sudden"})
    f = Filter(as_of=AS_OF, category="sudden")
    check_cards(at, app_db, f, "county")
    check_indicator(at, app_db, f, "unsafe_houses")
    assert cards(at)["住房安全问题户"][0] == "1"  # h6
    assert any("不做线性外推" in m.value for m in at.markdown)
    assert any("不区分监测类别" in c.value for c in at.caption)


def test_indicator_without_history(app_db):
    at = run_page("targets", {"ind": "dropouts"})
    assert not at.exception
    assert any("没有历史数据" in i.value for i in at.info)


def test_village_filter(app_db):
    at = run_page("targets", {"village": V13})
    f = Filter(as_of=AS_OF, township=T1, village=V13)
    check_cards(at, app_db, f, "village")
    check_indicator(at, app_db, f, "tap_water")
    assert cards(at)["农村自来水普及率"][0] == "90.0%"


def test_scope_with_nothing_shows_empty_states(app_db):
    at = run_page("targets", {"town": T3, "ind": "clinic_standard"})
    assert not at.exception
    # 石门乡's only village never reported and it has no households: the 9 sector cards say 未报送 (they used to
    # vanish), nothing is drawn, and the village is named as 未报送 beside the chart and in the village table
    # (10 with 城乡居民参保率); the count targets follow, each as the query layer has it (未导入 or a count)
    assert [m.value for m in at.metric][:10] == ["未报送"] * 10 and len(chart_specs(at)) == 0
    check_cards(at, app_db, Filter(as_of=AS_OF, township=T3), "township")
    assert any("1 个村中有 1 个村" in w.value for w in at.warning)
    assert any(c.value.startswith("未报送") and "石门村" in c.value for c in at.caption)
    assert at.dataframe[0].value["状态"].tolist() == ["未报送"]
    assert sum("没有" in i.value for i in at.info) == 2
    assert at.query_params["ind"] == "clinic_standard"
