"""帮扶进度 in AppTest on the hand-built fixture: every number shown equals the query layer's."""

import pytest

from dashboard.common import fmt
from queries import aid
from queries.filters import Filter
from tests.fixture_db import AS_OF, T1, T2, T3, V12, V21
from tests.pages_support import chart, chart_specs, q, run_page

GREEN, RED = "#2E7D32", "#D7263D"


def cards(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def bars(trace) -> dict:
    return dict(zip(trace["y"], trace["x"]))


def check_page(at, url, f):
    assert not at.exception
    by = "village" if f.township else "township"
    cov = q(url, aid.measure_coverage, f, "all").iloc[0]
    tools = q(url, aid.measures_by_tool, f)
    funds = q(url, aid.funds_by_area, f, "all").iloc[0]
    shown = cards(at)
    assert shown["帮扶措施覆盖率"] == fmt.pct(cov.coverage)
    assert shown["未落实帮扶责任人（户）"] == fmt.count(cov.no_helper)
    assert shown["逾期未完成措施（项）"] == fmt.count(tools.overdue.sum())
    assert shown["已完成措施（项）"] == fmt.count(tools.completed.sum())
    if funds.projects:
        assert shown["资金支出进度"] == fmt.pct(funds.disbursement_rate)
        assert shown["产业项目资金占比"] == fmt.pct(funds.industry_share)
        assert shown["当年项目预算"] == fmt.yuan_wan(funds.budget)
        assert shown["逾期未完工项目（个）"] == fmt.count(funds.overdue)

    area = q(url, aid.measure_coverage, f, by)
    area = area[area.monitored > 0]
    spec = chart(at, "覆盖率最低的排在最上面")
    assert bars(spec["data"][0]) == pytest.approx(dict(zip(area.name, area.coverage)))
    assert spec["data"][0]["y"][-1] == area.sort_values(["coverage", "code"]).name.iloc[0]  # lowest on top

    spec = chart(at, "按工具分组的措施数")
    for trace, key in zip(spec["data"], ["completed", "in_progress", "overdue"]):
        groups, labels = trace["y"]
        assert dict(zip(labels, trace["x"])) == dict(zip(tools.tool_label, tools[key]))
        assert dict(zip(labels, groups)) == dict(zip(tools.tool_label, tools.group_label))

    gaps = q(url, aid.factor_tool_gaps, f)
    gaps = gaps[gaps.households > 0]
    table = at.dataframe[0].value
    assert dict(zip(table["风险类型"], table["存在该风险的监测户"])) == dict(zip(gaps.type_label, gaps.households))
    assert dict(zip(table["风险类型"], table["无对应措施户"])) == dict(zip(gaps.type_label, gaps.without_match))
    assert table["无对应措施户"].is_monotonic_decreasing

    visits = q(url, aid.visit_recency, f, by)
    visits = visits[visits[list(aid.VISIT_BUCKETS)].sum(axis=1) > 0]
    spec = chart(at, "最近一次走访距截至日期")
    assert [tr["name"] for tr in spec["data"]] == list(aid.VISIT_BUCKETS.values())
    for trace, key in zip(spec["data"], aid.VISIT_BUCKETS):
        assert bars(trace) == dict(zip(visits.name, visits[key]))
    return table


def check_funds(at, url, f):
    by = "village" if f.township else "township"
    funds = q(url, aid.funds_by_area, f, by)
    funds = funds[funds.projects > 0]
    current = funds[funds.current_projects > 0]  # the rates are of the as-of year's projects only
    assert bars(chart(at, "已支付 ÷ 当年预算")["data"][0]) == pytest.approx(dict(zip(current.name, current.disbursement_rate)))
    industry = chart(at, "产业发展类预算 ÷ 当年预算")["data"][0]
    assert bars(industry) == pytest.approx(dict(zip(current.name, current.industry_share)))
    want_colors = {n: GREEN if v >= 60 else RED for n, v in zip(current.name, current.industry_share)}
    assert dict(zip(industry["y"], industry["marker"]["color"])) == want_colors
    spec = chart(at, "项目完工情况，含往年结转")
    parts = {tr["name"]: bars(tr) for tr in spec["data"]}
    assert parts["按期完工"] == dict(zip(funds.name, funds.completed_on_time))
    assert parts["逾期完工"] == dict(zip(funds.name, funds.completed - funds.completed_on_time))
    assert parts["逾期未完工"] == dict(zip(funds.name, funds.overdue))
    assert parts["在建（未到期）"] == dict(zip(funds.name, funds.projects - funds.completed - funds.overdue))

    projects = q(url, aid.project_list, f)
    table = at.dataframe[1].value
    assert table["项目编号"].tolist() == projects.code.tolist()  # overdue first, as the query orders them
    assert table["预算(万元)"].tolist() == pytest.approx((projects.budget / 10_000).round(1).tolist())
    assert table["已支付(万元)"].tolist() == pytest.approx((projects.disbursed.astype(float) / 10_000).round(1).tolist())
    assert (table["状态"] == "逾期未完工").tolist() == projects.overdue.tolist()
    return table


def test_default_view_matches_query_layer(app_db):
    at = run_page("aid")
    f = Filter(as_of=AS_OF)
    gaps = check_page(at, app_db, f)
    projects = check_funds(at, app_db, f)
    # counted by hand in tests/fixture_db.py
    shown = cards(at)
    assert shown["帮扶措施覆盖率"] == "88.9%"             # 8 of 9
    assert shown["未落实帮扶责任人（户）"] == "1"          # h7
    assert shown["逾期未完成措施（项）"] == "2"            # M5 M12
    assert shown["资金支出进度"] == "63.6%"
    assert shown["产业项目资金占比"] == "72.7%"
    assert shown["当年项目预算"] == "220.0万元"
    assert shown["逾期未完工项目（个）"] == "1"            # P2
    assert bars(chart(at, "覆盖率最低")["data"][0]) == pytest.approx({"城关镇": 80.0, "青山镇": 100.0})
    assert chart(at, "覆盖率最低")["data"][0]["marker"]["color"] == [GREEN, RED]  # T2 below, T1 on top
    assert set(gaps.loc[gaps["无对应措施户"] > 0, "风险类型"]) == {"因缺劳动力", "因病", "因灾"}
    assert projects["项目编号"].iloc[0] == "XM202600002" and projects["状态"].iloc[0] == "逾期未完工"
    assert "XM202500005" not in set(projects["项目编号"])  # a 2025 project
    visits = {tr["name"]: sum(tr["x"]) for tr in chart(at, "最近一次走访")["data"]}
    assert visits == {"30天内": 3, "31-90天": 2, "超过90天": 2, "从未走访": 2}


def test_township_shows_villages(app_db):
    at = run_page("aid", {"town": T1})
    f = Filter(as_of=AS_OF, township=T1)
    check_page(at, app_db, f)
    check_funds(at, app_db, f)
    assert any(s.value == "各村帮扶措施覆盖率" for s in at.subheader)
    assert bars(chart(at, "覆盖率最低")["data"][0]) == pytest.approx({"东山村": 100.0, "西岭村": 50.0, "南溪村": 100.0})


@pytest.mark.parametrize("params, f", [
    ({"village": V21}, Filter(as_of=AS_OF, township=T2, village=V21)),
    ({"cat": "unstable"}, Filter(as_of=AS_OF, category="unstable")),
    ({"town": T2, "cat": "marginal", "period": "month"}, Filter(as_of=AS_OF, township=T2, category="marginal",
                                                                period="month")),
])
def test_filtered_views(app_db, params, f):
    at = run_page("aid", params)
    check_page(at, app_db, f)
    check_funds(at, app_db, f)


def test_village_without_projects(app_db):
    at = run_page("aid", {"village": V12})
    f = Filter(as_of=AS_OF, township=T1, village=V12)
    check_page(at, app_db, f)
    assert cards(at)["资金支出进度"] == "—"  # V12's only project is from 2025
    assert any("当年项目" in i.value for i in at.info)
    assert len(at.dataframe) == 1


def test_scope_with_nothing_shows_empty_states(app_db):
    at = run_page("aid", {"town": T3})
    assert not at.exception
    assert cards(at)["帮扶措施覆盖率"] == "—"
    assert len(chart_specs(at)) == 0 and len(at.dataframe) == 0
    assert sum("没有" in i.value for i in at.info) == 5


def test_tools_regrouped_as_annex_9(app_db):
    at = run_page("aid")
    at.radio(key="aid_tool_grouping").set_value("policy_group").run()
    assert not at.exception
    tools = q(app_db, aid.measures_by_tool, Filter(as_of=AS_OF))
    for trace, key in zip(chart(at, "按工具分组的措施数")["data"], ["completed", "in_progress", "overdue"]):
        groups, labels = trace["y"]
        assert dict(zip(labels, trace["x"])) == dict(zip(tools.tool_label, tools[key]))
        assert dict(zip(labels, groups)) == dict(zip(tools.tool_label, tools.policy_group_label))
    # 医疗救助 is a 三保障 tool, 公益性岗位 is not in 附件9's list, 自我尽责 has no tool
    assert dict(zip(tools.tool_label, tools.policy_group_label))["医疗救助"] == "“三保障”政策工具"
    assert dict(zip(tools.tool_label, tools.policy_group_label))["公益性岗位"] == "附件9未列（产业、就业帮扶）"
    assert any("自我尽责工具目前没有对应的帮扶措施类型" in c.value for c in at.caption)
