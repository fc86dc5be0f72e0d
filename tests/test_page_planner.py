"""巡查选点 in AppTest on the hand-built fixture: the ranking equals the query layer's score, the map has no
basemap and no external URL, recently inspected villages are left out, and a sample draw is shown,
reproducible and audited."""

import io
import json
from datetime import date

import openpyxl
import pandas as pd
import pytest

from queries import inspection as insp
from queries import schema as s
from queries.db import make_engine
from queries.filters import Filter
from tests.exports_support import audit_exports, download
from tests.fixture_db import AS_OF, T2, V11, V12, V13, V21, V22, V31, build_fixture
from tests.pages_support import q, run_page

NAMES = {V11: "东山村", V12: "西岭村", V13: "南溪村", V21: "北坪村", V22: "桃园村", V31: "石门村"}


def packet_links(at):
    """The packet downloads (not 打印本页 every page offers, nor the export of the open problems' table)."""
    return [b for b in at.link_button if b.key.endswith(("plan_xlsx", "plan_pdf"))]


def expected(url, township=None, weights=None):
    f = Filter(as_of=AS_OF, township=township)
    return insp.score_villages(q(url, insp.village_components, f), weights, "全镇" if township else "全县")


def ranking(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "主要原因" in d.value.columns)


def deck_spec(at) -> tuple[str, dict]:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    raw = charts[0].proto.json
    return raw, json.loads(raw)


@pytest.fixture
def planner_db(tmp_path, monkeypatch):
    """The fixture county plus past inspections: 东山村 on 2026-05-01 (60 days before AS_OF), 西岭村 on
    2025-12-01 (211 days), 北坪村 twice, the latest 2026-04-01 (90 days: on the boundary, excluded)."""
    import streamlit as st

    path = tmp_path / "planner.db"
    engine = make_engine(f"sqlite:///{path}", read_only=False)
    s.metadata.create_all(engine)
    build_fixture(engine)
    with engine.begin() as conn:
        conn.execute(s.inspections.insert(), [
            dict(id=1, village_code=V11, inspected_on=date(2026, 5, 1), team="县回头看工作组第1组", kind="review", note="复查"),
            dict(id=2, village_code=V12, inspected_on=date(2025, 12, 1), team="市级暗访组第2组", kind="covert", note=None),
            dict(id=3, village_code=V21, inspected_on=date(2025, 6, 1), team="县委县政府督查室第1组", kind="supervision",
                 note=None),
            dict(id=4, village_code=V21, inspected_on=date(2026, 4, 1), team="省级后评估组第1组", kind="evaluation",
                 note=None),
        ])
    engine.dispose()
    url = f"sqlite:///{path}"
    monkeypatch.setenv("MONITOR_DB_URL", url)
    st.cache_data.clear()
    st.cache_resource.clear()
    return url


def test_default_view_ranks_like_the_query_layer(app_db):
    at = run_page("planner")
    assert not at.exception and not at.error
    assert at.title[0].value == "巡查选点"
    want = expected(app_db)
    table = ranking(at)
    assert table["村"].tolist() == want.name.tolist()
    assert table["风险评分"].tolist() == pytest.approx(want.score.tolist())
    assert table["主要原因"].tolist() == want.reasons.tolist()
    assert table["排名"].tolist() == want["rank"].tolist()
    assert table["村"].iloc[0] == "西岭村"
    assert table["主要原因"].iloc[0].startswith("红橙预警每百户 75.0（全县第1）")
    assert set(table["最近巡查"]) == {"无"}  # the fixture has no inspections
    # the default selection for the sample: the top five
    assert at.multiselect(key="plan_villages").value == want.code.tolist()[:5]


def test_map_has_no_basemap_and_no_external_url(app_db):
    at = run_page("planner")
    raw, spec = deck_spec(at)
    assert "http" not in raw.lower() and "mapbox" not in raw.lower() and "carto" not in raw.lower()
    assert spec.get("mapProvider") in (None, "")
    # pydeck writes its "no style given" sentinel; Streamlit's front end then draws no basemap at all
    assert spec.get("mapStyle") in (None, "__MAP_STYLE__")
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert layers["townships"]["@@type"] == "GeoJsonLayer"
    assert [f["properties"]["title"] for f in layers["townships"]["data"]["features"]] == ["城关镇", "青山镇", "石门乡"]
    assert layers["villages"]["@@type"] == "ScatterplotLayer"
    points = layers["villages"]["data"]
    assert len(points) == 6
    by_code = {p["code"]: p for p in points}
    want = expected(app_db).set_index("code")
    assert by_code[V12]["title"] == "城关镇 西岭村"
    assert by_code[V12]["l1"].startswith(f"风险评分 {want.loc[V12, 'score']:.1f}（第1名）")
    assert by_code[V12]["l2"] == "主要原因：" + want.loc[V12, "reasons"]
    assert by_code[V12]["color"] != by_code[V31]["color"]
    tooltip = json.loads(at.get("deck_gl_json_chart")[0].proto.tooltip)
    assert tooltip["html"] == "<b>{title}</b><br/>{l1}<br/>{l2}<br/>{l3}"
    assert "http" not in at.get("deck_gl_json_chart")[0].proto.tooltip


def test_township_filter(app_db):
    at = run_page("planner", {"town": T2})
    assert not at.exception and not at.error
    want = expected(app_db, township=T2)
    table = ranking(at)
    assert table["村"].tolist() == want.name.tolist() == ["北坪村", "桃园村"]
    assert all("全镇" in r for r in table["主要原因"] if r != "各项均无突出问题")
    _, spec = deck_spec(at)
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert [f["properties"]["title"] for f in layers["townships"]["data"]["features"]] == ["青山镇"]
    assert {p["code"] for p in layers["villages"]["data"]} == {V21, V22}


def test_township_user_sees_only_own_villages(app_db):
    at = run_page("planner", {"town": T2}, user="township")  # a township user asking for another township
    assert not at.exception and not at.error
    assert set(ranking(at)["村"]) == {"东山村", "西岭村", "南溪村"}


def test_weights_are_adjustable(app_db):
    at = run_page("planner")
    for c in insp.COMPONENTS:
        at.slider(key=f"plan_w_{c.key}").set_value(1 if c.key == "water_gap" else 0)
    at.run()
    assert not at.exception
    table = ranking(at)
    weights = {c.key: (1 if c.key == "water_gap" else 0) for c in insp.COMPONENTS}
    want = expected(app_db, weights=weights)
    assert table["村"].tolist() == want.name.tolist()
    assert table["村"].iloc[0] == "南溪村" and table["风险评分"].iloc[0] == 100.0  # 5 points below the tap-water target
    assert table["主要原因"].iloc[0].startswith("自来水普及率 90.0%，低于目标 5.0 个百分点")


def test_recently_inspected_villages_are_left_out(planner_db):
    at = run_page("planner")
    assert not at.exception and not at.error
    table = ranking(at)
    assert "东山村" not in set(table["村"]) and "北坪村" not in set(table["村"])  # 60 and 90 days ago
    assert "西岭村" in set(table["村"])
    assert table.loc[table["村"] == "西岭村", "最近巡查"].iloc[0] == "2025-12-01 暗访"
    gone = next(d.value for d in at.dataframe if "巡查组" in d.value.columns)
    assert set(gone["村"]) == {"东山村", "北坪村"}
    assert gone.loc[gone["村"] == "北坪村", "最近巡查"].iloc[0] == "2026-04-01 后评估"
    assert not {V11, V21} & set(at.multiselect(key="plan_villages").value)
    _, spec = deck_spec(at)
    points = {p["code"]: p for layer in spec["layers"] if layer["id"] == "villages" for p in layer["data"]}
    assert points[V11]["color"] == [150, 150, 150, 170] and "近90天内已巡查" in points[V11]["l3"]
    at.number_input(key="plan_exclude").set_value(60).run()
    assert set(next(d.value for d in at.dataframe if "巡查组" in d.value.columns)["村"]) == {"东山村"}
    at.number_input(key="plan_exclude").set_value(0).run()
    assert not at.exception
    assert len(ranking(at)) == 6


def test_sample_draw_is_shown_reproducible_and_audited(app_db):
    from dashboard.security import store

    at = run_page("planner")
    villages = [V12, V13]
    at.multiselect(key="plan_villages").set_value(villages)
    at.number_input(key="plan_seed").set_value(4242)
    at.number_input(key="plan_minimum").set_value(1)
    at.run()
    assert not at.exception
    assert len(packet_links(at)) == 0  # nothing drawn yet
    at.button(key="plan_draw").click().run()
    assert not at.exception and not at.error
    assert any("4242" in m.value for m in at.success)
    sample, strata = q(app_db, insp.draw_sample, Filter(as_of=AS_OF), villages, 4242, 10, 1)
    shown = next(d.value for d in at.dataframe if "户主身份证号（脱敏）" in d.value.columns)
    assert sorted(shown["户编号"]) == sorted(sample.household_code)
    assert all("*" in v for v in shown["户主身份证号（脱敏）"])
    st_table = next(d.value for d in at.dataframe if "抽样层" in d.value.columns)
    assert st_table["抽取"].sum() == len(sample) == strata["sample"].sum()
    assert len(packet_links(at)) == 2  # Excel and PDF for the county role
    assert audit_exports().empty  # drawing the buttons is not an export
    assert openpyxl.load_workbook(io.BytesIO(download(at, "plan_xlsx"))).sheetnames[0] == "抽样说明"
    assert download(at, "plan_pdf").startswith(b"%PDF")
    packets = audit_exports("county")
    assert sorted(json.loads(d)["packet"] for d in packets.detail) == ["pdf", "xlsx"]
    assert all(json.loads(d)["seed"] == 4242 for d in packets.detail)

    events = store.recent_events(action="sample")
    assert len(events) == 1
    detail = json.loads(events.detail.iloc[0])
    assert detail["seed"] == 4242 and detail["villages"] == sorted(villages) and detail["as_of"] == AS_OF.isoformat()
    assert detail["households"] == len(sample)
    assert detail["strata"]["城关镇 西岭村"]["突发严重困难户"] == [1, 1]
    assert "西岭村" in events.target.iloc[0] and events.username.iloc[0] == "county"

    # the same parameters again: the same sample; changing the seed asks for a new draw
    at.button(key="plan_draw").click().run()
    again = next(d.value for d in at.dataframe if "户主身份证号（脱敏）" in d.value.columns)
    assert again["户编号"].tolist() == shown["户编号"].tolist()
    assert len(store.recent_events(action="sample")) == 2
    at.number_input(key="plan_seed").set_value(4243).run()
    assert any("参数已更改" in i.value for i in at.info)
    assert len(packet_links(at)) == 0


def test_role_without_packet_export_gets_no_download(app_db):
    at = run_page("planner", user="admin")
    assert not at.exception
    at.button(key="plan_draw").click().run()
    assert not at.exception and not at.error
    assert len(packet_links(at)) == 0
    assert any("无权导出" in c.value for c in at.caption)


def test_inspector_sees_masked_names(app_db):
    at = run_page("planner", user="inspector")
    at.multiselect(key="plan_villages").set_value([V11])
    at.button(key="plan_draw").click().run()
    assert not at.exception and not at.error
    shown = next(d.value for d in at.dataframe if "户主身份证号（脱敏）" in d.value.columns)
    assert "王建国" not in set(shown["户主"]) and all("*" in n for n in shown["户主"])
    assert len(packet_links(at)) == 2


def test_last_inspections_open_problems_are_listed(app_db):
    """The fixture's ZG-1 (东山村, 未按时走访, due 06-20, open) is 10 days overdue on 06-30; ZG-2 (北坪村) was closed
    04-30: the county sees ZG-1 only; 青山镇 (ZG-2's) is told all its problems are fixed."""
    at = run_page("planner")
    assert not at.exception and not at.error
    assert "上次巡查问题仍未整改（1 个，其中超期 1 个）" in [h.value for h in at.subheader]
    t = next(d.value for d in at.dataframe if "整改时限" in d.value.columns)
    assert t[["问题编号", "村", "问题类别", "超期（天）"]].values.tolist() == [["ZG-1", "东山村", "未按时走访", 10]]
    at = run_page("planner", {"town": T2})
    assert not at.exception and not at.error
    assert "上次巡查问题仍未整改（0 个，其中超期 0 个）" in [h.value for h in at.subheader]
    assert any("均已整改完成" in c.value for c in at.caption)
