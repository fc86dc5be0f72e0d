"""流程督办, 整改 and the targets' outlook in the briefing deck and in 会议模式 (issue 15, 16): the slides exist
with their titles, carry the query layer's numbers for the hand-built fixture county, and a township user's
meeting view shows only its own township."""

import io

from pptx import Presentation

from queries import targets, workflow
from queries.filters import Filter
from tests.exports_support import q
from tests.fixture_db import AS_OF, T1
from tests.pages_support import run_page
from tests.test_exports import deck, shape, slide_by_key, table_rows
from tests.test_page_meeting import cards, heading, no_errors


def test_deck_has_the_workflow_findings_and_outlook_slides_with_the_query_numbers(app_db):
    f = Filter(as_of=AS_OF)
    data, plan, _, _ = deck(app_db, f)
    prs = Presentation(io.BytesIO(data))
    for key in ("targets_counts", "targets_outlook", "workflow", "findings"):
        slide = slide_by_key(prs, plan, key)
        assert slide.shapes.title.text_frame.text.strip(), key
    funnel = table_rows(slide_by_key(prs, plan, "workflow"), "table:funnel")
    total = q(app_db, workflow.step_funnel, f, "all").iloc[0]
    assert funnel[1][0] == "合计" and funnel[1][1] == str(int(total.leads))
    assert funnel[1][-1] == str(int(total.decided)) and funnel[1][2] == str(int(total.field_check))
    units = q(app_db, workflow.assignments_by_unit, f)
    shown = table_rows(slide_by_key(prs, plan, "workflow"), "table:units")[1:]
    held = units[(units.overdue > 0) | (units.open > 0)]
    assert [r[0] for r in shown] == list(held.unit)[:len(shown)] and len(shown) >= 1
    assert [int(r[1]) for r in shown] == list(held.overdue.astype(int))[:len(shown)]
    text = shape(slide_by_key(prs, plan, "findings"), "text:findings").text_frame.text
    t = q(app_db, workflow.findings_by_area, f, "all").iloc[0]
    assert f"{int(t.open)} 个" in text and f"{int(t.overdue)} 个" in text and f"{int(t.findings)} 个" in text
    outlook = table_rows(slide_by_key(prs, plan, "targets_outlook"), "table:outlook")
    p = q(app_db, targets.target_projections, f)
    assert [r[0] for r in outlook[1:]] == list(p.indicator_name)


def test_meeting_views_show_the_workflow_and_findings_numbers(app_db):
    f = Filter(as_of=AS_OF)
    at = run_page("meeting")
    titles = [o for o in at.selectbox(key="meet_pick").options]
    at.selectbox(key="meet_pick").set_value(next(i for i, t in enumerate(titles) if "流程督办" in t)).run()
    no_errors(at)
    assert heading(at).startswith("流程督办")
    head = q(app_db, workflow.workflow_headline, f).set_index("key")
    assert cards(at)["超期交办"][0] == f"{int(head.value['assignments_overdue'])} 次"
    funnel = at.dataframe[0].value
    towns = q(app_db, workflow.step_funnel, f, "township")
    assert set(funnel["乡镇"]) == set(towns[towns.leads > 0].name)
    at.selectbox(key="meet_pick").set_value(next(i for i, t in enumerate(titles) if "整改" in t)).run()
    no_errors(at)
    t = q(app_db, workflow.findings_by_area, f, "all").iloc[0]
    assert cards(at)["未整改"][0] == f"{int(t.open)} 个" and cards(at)["其中超期未整改"][0] == f"{int(t.overdue)} 个"


def test_meeting_count_targets_view(app_db):
    f = Filter(as_of=AS_OF)
    at = run_page("meeting")
    titles = [o for o in at.selectbox(key="meet_pick").options]
    at.selectbox(key="meet_pick").set_value(next(i for i, t in enumerate(titles) if "计数指标" in t)).run()
    no_errors(at)
    s = q(app_db, targets.target_status, f, "all")
    counts = s[s.unit != "%"]
    shown = cards(at)
    for r in counts.itertuples():
        value = "未导入" if r.status == "missing" else f"{int(r.value)} {targets.BY_KEY[r.indicator].unit}"
        assert shown[r.indicator_name][0] == value, r.indicator


def test_township_user_meeting_workflow_is_its_own(app_db):
    at = run_page("meeting", {"town": "439901102"}, user="township")   # asks for another township
    titles = [o for o in at.selectbox(key="meet_pick").options]
    at.selectbox(key="meet_pick").set_value(next(i for i, t in enumerate(titles) if "流程督办" in t)).run()
    no_errors(at)
    f = Filter(as_of=AS_OF, township=T1)
    villages = q(app_db, workflow.step_funnel, f, "village")
    funnel = at.dataframe[0].value
    assert set(funnel["村"]) == set(villages[villages.leads > 0].name)
    head = q(app_db, workflow.workflow_headline, f).set_index("key")
    assert cards(at)["超期交办"][0] == f"{int(head.value['assignments_overdue'])} 次"
