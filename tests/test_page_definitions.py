"""指标说明 in AppTest: every metric's definition is shown, grouped by topic, with the warning grading and
the factor-to-tool matching from queries/codes.py."""

import re

from queries import grading, policy
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
    for rule in grading.level_text().values():   # the rules' words from the policy file, not a copy (as text)
        assert escape_md(rule) in text
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


def test_grading_text_follows_a_county_policy_file(app_db, tmp_path, monkeypatch):
    path = tmp_path / "县规则.toml"
    path.write_text('version = "某县-2027"\n[grading.yellow]\ntext = "人均纯收入在监测范围的120%以内。"\n'
                    'when = ["income_ratio < 1.2"]\n', encoding="utf-8")
    monkeypatch.setenv(policy.ENV, str(path))
    policy.reload()
    try:
        at = run_page("definitions")
        assert not at.exception
        text = " ".join(m.value for m in at.markdown)
        assert escape_md("某县-2027") in text and escape_md("人均纯收入在监测范围的120%以内。") in text
        assert escape_md("家庭人均纯收入在监测范围的110%以内") not in text     # the default yellow text is replaced
    finally:
        monkeypatch.delenv(policy.ENV)
        policy.reload()


# --- every 口径 in plain words, every rate with its denominator --------------------------------------------
# A user never sees the code: no file path (".py", "queries/", ...), no identifier written the programmer's way
# (snake_case such as factor_share or FACTOR_TOOL_MATCH). A rate (unit %, or a name with 率/比例/占比) must say
# what it is divided by: the word 分母, or an explicit "A ÷ B" with words on both sides of the sign.
CODE_PATH = re.compile(r"\.py\b|\b(?:queries|seed|dashboard|tests|config)/")
IDENTIFIER = re.compile(r"\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+\b")
DIVISION = re.compile(r"[^\s÷]\s*÷\s*[^\s÷]")


def code_in(text: str) -> list[str]:
    return CODE_PATH.findall(text) + IDENTIFIER.findall(text)


def is_rate(name: str, unit: str) -> bool:
    return unit == "%" or any(w in name for w in ("率", "比例", "占比"))


def names_denominator(text: str) -> bool:
    return "分母" in text or DIVISION.search(text) is not None


def test_the_checks_catch_what_they_are_for():
    assert sorted(code_in("对应关系见 queries/codes.py 的 FACTOR_TOOL_MATCH。")) == [".py", "FACTOR_TOOL_MATCH", "queries/"]
    assert code_in("占比见 factor_share") == ["factor_share"]
    assert code_in("身份证号校验码不符合 GB 11643 的农户；12317热线") == []
    assert not names_denominator("处于监测状态的户中已登记至少一项帮扶措施的户数占比。")
    assert not names_denominator("÷ 当年预算")
    assert names_denominator("通自来水户数 ÷ 农村户数。") and names_denominator("分母：农村户数。")


def test_every_definition_is_plain_chinese_and_names_its_denominator():
    metrics = all_metrics()
    assert {m.key: code_in(m.name + m.definition) for m in metrics if code_in(m.name + m.definition)} == {}
    missing = [m.key for m in metrics if is_rate(m.name, m.unit) and not names_denominator(m.definition)]
    assert missing == []
    assert sum(is_rate(m.name, m.unit) for m in metrics) >= 15  # the check ran over the rates, not over nothing


def test_the_page_shows_no_code(app_db):
    at = run_page("definitions")
    assert not at.exception
    texts = [e.value for kind in ("markdown", "caption", "subheader", "header", "info") for e in at.get(kind)
             if not e.value.startswith("<style>")]  # the page's own CSS is not shown
    for t in at.table:
        texts += [str(v) for v in t.value.astype(str).to_numpy().ravel()] + [str(c) for c in t.value.columns]
    assert len(texts) > 50
    assert {t: code_in(t) for t in texts if code_in(t)} == {}
