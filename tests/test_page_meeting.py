"""会议模式 in AppTest on the hand-built fixture: one view at a time, 上一张/下一张 and the page
picker, the automatic tour through the townships, numbers equal to the query layer's, and a
download button under every chart."""

import re
import time

from dashboard.common import fmt
from dashboard.exporting import briefing
from queries import aid, kpis, leads
from queries.codes import WARNING_LEVELS
from queries.filters import Filter
from tests.exports_support import audit_exports, download, q
from tests.fixture_db import AS_OF, T1
from tests.pages_support import chart_specs, run_page

VIEWS = ["核心指标（较上季度）（全县）", "各乡镇未解除预警（全县）", "风险因子构成（全县）", "各乡镇帮扶措施覆盖率（全县）",
         "目标考核（全县）", "目标考核：计数指标（全县）", "目标考核：按当前进度预计（全县）",
         "流程督办：各乡镇识别环节与超期交办（全县）", "整改：各乡镇巡查问题整改（全县）", "城关镇", "青山镇", "石门乡"]


def no_errors(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def heading(at) -> str:
    return at.header[0].value


def counter(at) -> str:
    return next(m.value for m in at.markdown if re.fullmatch(r"\d+ / \d+", m.value))


def nav(at, key: str):
    at.button(key=key).click().run()
    no_errors(at)
    return at


def cards(at) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def test_opens_on_the_headline_numbers(app_db):
    at = run_page("meeting")
    no_errors(at)
    assert at.title[0].value == "会议模式"
    assert heading(at) == VIEWS[0] and f"1 / {len(VIEWS)}" in counter(at)
    k = q(app_db, kpis.headline_kpis, Filter(as_of=AS_OF))
    shown = cards(at)
    for r in k.itertuples():
        assert shown[r.name][0] == fmt.value(r.value, r.unit), r.key
        assert (shown[r.name][1] or None) == fmt.delta(r.change, r.unit), r.key
    assert "font-size: 3.4rem" in " ".join(m.value for m in at.markdown)  # projector-sized type


def test_next_and_previous_walk_the_views(app_db):
    at = run_page("meeting")
    seen = [heading(at)]
    for _ in range(len(VIEWS)):
        nav(at, "meet_next")
        seen.append(heading(at))
    assert seen == [*VIEWS, VIEWS[0]]  # wraps round after the last township
    nav(at, "meet_prev")
    assert heading(at) == VIEWS[-1] and f"{len(VIEWS)} / {len(VIEWS)}" in counter(at)
    assert any("没有未解除的预警" in s.value for s in at.success)  # 石门乡 has no warnings
    nav(at, "meet_prev")
    assert heading(at) == "青山镇"


def test_each_view_shows_the_query_layers_numbers(app_db):
    f = Filter(as_of=AS_OF)
    at = nav(run_page("meeting"), "meet_next")
    spec = chart_specs(at)[0]
    by_town = q(app_db, leads.leads_by_area, f, "township")
    for trace, lv in zip(spec["data"], WARNING_LEVELS):
        assert dict(zip(trace["customdata"], trace["x"])) == dict(zip(by_town.code, by_town[f"open_{lv}"].astype(int)))
    assert spec["layout"]["font"]["size"] == 22
    assert [b.proto.label for b in at.link_button] == ["下载图片", "打印本页"]

    nav(at, "meet_next")
    nav(at, "meet_next")  # coverage
    cov = q(app_db, aid.measure_coverage, f, "township")
    cov = cov[cov.monitored > 0]
    bars = chart_specs(at)[0]["data"][0]
    assert dict(zip(bars["customdata"], bars["x"])) == dict(zip(cov.code, cov.coverage))

    at.selectbox(key="meet_pick").set_value(VIEWS.index("城关镇")).run()  # jump to 城关镇
    no_errors(at)
    assert heading(at) == "城关镇"
    s = briefing.township_summary(lambda fn, *a: q(app_db, fn, *a), f).set_index("code").loc[T1]
    shown = cards(at)
    assert shown["监测户"][0] == fmt.count(s.monitored) == "5"
    assert shown["未解除预警"][0] == fmt.count(s.open_total) == "9"
    assert shown["超15天未研判"][0] == "2"
    assert shown["帮扶措施覆盖率"][0] == fmt.pct(s.coverage) == "80.0%"
    assert shown["考核指标达标"][0] == f"{int(s.targets_met)}/{int(s.targets_total)}"
    villages = q(app_db, leads.leads_by_area, f, "village")
    villages = villages[villages.township_code == T1]
    red = chart_specs(at)[0]["data"][0]
    assert dict(zip(red["customdata"], red["x"])) == dict(zip(villages.code, villages.open_red.astype(int)))


def test_automatic_tour_moves_through_the_townships(app_db):
    at = run_page("meeting")
    at.toggle(key="meet_auto").set_value(True).run()
    no_errors(at)
    assert heading(at) == VIEWS[0]  # the first timed run only starts the clock
    assert any("自动轮播中" in c.value for c in at.caption)
    tour = []
    for _ in range(4):
        at.session_state["meet_last"] = time.monotonic() - 60  # the interval has passed
        at.run()
        no_errors(at)
        tour.append(heading(at))
    assert tour == ["城关镇", "青山镇", "石门乡", "城关镇"]
    at.session_state["meet_last"] = time.monotonic()  # not yet due: stays
    at.run()
    assert heading(at) == "城关镇"
    nav(at, "meet_next")  # the buttons still work during the tour
    assert heading(at) == "青山镇"


def test_filtered_to_a_township(app_db):
    at = run_page("meeting", {"town": T1, "cat": "unstable"})
    no_errors(at)
    assert "1 / 10" in counter(at)  # five views, the targets' three, 流程督办, 整改, and the township
    assert heading(at) == "核心指标（较上季度）（城关镇 · 脱贫不稳定户）"
    nav(at, "meet_next")
    assert heading(at) == "各村未解除预警（城关镇 · 脱贫不稳定户）"
    f = Filter(as_of=AS_OF, township=T1, category="unstable")
    by_village = q(app_db, leads.leads_by_area, f, "village")
    red = chart_specs(at)[0]["data"][0]
    assert dict(zip(red["customdata"], red["x"])) == dict(zip(by_village.code, by_village.open_red.astype(int)))
    download(at, "dl_png_meet_warnings")
    ev = audit_exports("county")
    assert ev.target.tolist() == ["各村未解除预警_城关镇_脱贫不稳定户_2026-06-30.png"]


def test_township_user_sees_only_their_township(app_db):
    at = run_page("meeting", {"town": "439901102"}, user="township")  # asks for another township
    no_errors(at)
    assert "1 / 10" in counter(at)  # five views, the targets' three, 流程督办, 整改, and the township
    at.selectbox(key="meet_pick").set_value(9).run()
    no_errors(at)
    assert heading(at) == "城关镇" and cards(at)["监测户"][0] == "5"
