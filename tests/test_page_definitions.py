"""指标说明 in AppTest: every metric's definition is shown, grouped by topic, with the warning grading and
the factor-to-tool matching from queries/codes.py."""

from dashboard.common.text import escape_md
from queries.codes import FACTOR_TOOL_MATCH, FACTOR_TYPES, TOOLS, WARNING_LEVELS
from queries.metrics import all_metrics
from tests.fixture_db import T3
from tests.pages_support import run_page


def metric_rows(at) -> list[tuple[str, str, str]]:
    rows = []
    for t in at.table:
        df = t.value
        if "口径（计算方法）" in df.columns:
            rows += list(zip(df["指标"], df["单位"], df["口径（计算方法）"]))
    return rows


def test_every_metric_is_defined_once_under_its_topic(app_db):
    at = run_page("definitions")
    assert not at.exception
    metrics = all_metrics()
    # st.table renders markdown in its cells: every cell is sent escaped ("60%" as "60\\%")
    assert sorted(metric_rows(at)) == sorted((escape_md(m.name), escape_md(m.unit), escape_md(m.definition))
                                             for m in metrics)
    topics = {m.topic for m in metrics}
    headings = [s.value for s in at.subheader]
    for topic in topics:
        n = sum(m.topic == topic for m in metrics)
        assert f"{topic}（{n}项）" in headings


def test_grading_and_matching_sections(app_db):
    at = run_page("definitions")
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    for label in WARNING_LEVELS.values():
        assert label in text
    assert "15天" in text
    matching = next(t.value for t in at.table if "对应的帮扶政策工具" in t.value.columns)
    assert matching["风险类型"].tolist() == [label for label, _ in FACTOR_TYPES.values()]
    illness = matching.loc[matching["风险类型"] == "因病", "对应的帮扶政策工具"].iloc[0]
    for tool in FACTOR_TOOL_MATCH["illness"]:
        assert TOOLS[tool][0] in illness
    assert "教育资助" not in illness
    assert matching.loc[matching["风险类型"] == "其他", "对应的帮扶政策工具"].iloc[0] == "任一帮扶措施"


def test_search_filters_the_tables(app_db):
    at = run_page("definitions")
    at = at.text_input[0].input("覆盖率").run()
    assert not at.exception
    rows = metric_rows(at)
    assert rows and all("覆盖率" in name or "覆盖率" in definition for name, _, definition in rows)
    assert "帮扶措施覆盖率" in [name for name, _, _ in rows]
    at = at.text_input[0].input("没有这个指标xyz").run()
    assert not at.exception
    assert metric_rows(at) == []
    assert any("没有名称或口径中包含" in i.value for i in at.info)


def test_filters_do_not_break_the_page(app_db):
    at = run_page("definitions", {"town": T3, "cat": "sudden", "period": "month"})
    assert not at.exception
    assert len(metric_rows(at)) == len(all_metrics())
