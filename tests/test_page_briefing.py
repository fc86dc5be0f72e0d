"""会议简报 in AppTest on the hand-built fixture: the slide list follows the filters, the deck the
button offers is built for exactly those filters (numbers equal the query layer's), and a download
is written to the audit log."""

import io

from pptx import Presentation

from dashboard.common import fmt
from dashboard.exporting import pptx_kit
from queries import kpis, leads
from queries.filters import Filter
from tests.exports_support import assert_no_full_ids, audit_exports, download, fixture_id_numbers, offered, q  # noqa: F401
from tests.fixture_db import AS_OF, T1, T2
from tests.pages_support import run_page

def outline(at) -> list[str]:
    return at.dataframe[0].value["标题"].tolist()


def no_errors(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def slides(data: bytes) -> tuple[Presentation, list[str]]:
    prs = Presentation(io.BytesIO(data))
    titles = []
    for s in prs.slides:
        box = next(sh for sh in s.shapes if sh.name == pptx_kit.TITLE)
        titles.append(box.text_frame.text.split("\n")[0])
    return prs, titles


def chart(slide, name):
    frame = next(sh for sh in slide.shapes if sh.name == name)
    plot = frame.chart.plots[0]
    return list(plot.categories), {s.name: list(s.values) for s in plot.series}


def test_default_outline_and_deck(app_db, offered):
    at = run_page("briefing")
    no_errors(at)
    assert at.title[0].value == "会议简报"
    titles = outline(at)
    assert titles[0] == "测试县防返贫动态监测工作简报"
    assert titles[1:15] == ["核心指标（较上季度）", "新增线索与风险消除趋势", "各乡镇未解除预警（按级别）", "风险因子构成",
                            "各乡镇帮扶措施覆盖率", "各政策工具帮扶措施进度", "衔接资金项目进度", "目标考核：比率指标完成情况",
                            "目标考核：比率指标明细", "目标考核：计数指标", "目标考核：按当前进度预计",
                            "流程督办：各乡镇识别环节与超期交办", "整改：各乡镇巡查问题整改", "乡镇排名"]
    assert titles[15] == "差距最大的村" and len(titles) == 16
    assert any("共 16 页" in c.value for c in at.caption)
    buttons = [b for b in at.link_button if b.proto.label == "生成并下载简报（PowerPoint）"]
    assert len(buttons) == 1
    o = offered.by_key("brief_pptx")
    assert o.file_name == "测试县防返贫动态监测工作简报_全县_2026-06-30.pptx"
    prs, shown = slides(o.build())
    assert shown == titles
    assert pptx_kit.fonts_ok(prs) == []
    cats, series = chart(prs.slides[3], "chart:warnings")
    by_town = q(app_db, leads.leads_by_area, Filter(as_of=AS_OF), "township").set_index("name")
    assert series["橙色预警"] == [float(by_town.loc[c, "open_orange"]) for c in cats]


def test_one_slide_per_township_on_request(app_db, offered):
    at = run_page("briefing")
    at.checkbox(key="brief_per_town").check().run()
    no_errors(at)
    titles = outline(at)
    assert titles[-3:] == ["乡镇情况：城关镇", "乡镇情况：青山镇", "乡镇情况：石门乡"] and len(titles) == 19
    prs, shown = slides(offered.by_key("brief_pptx").build())
    assert shown == titles


def test_filtered_deck_follows_the_filters(app_db, offered):
    at = run_page("briefing", {"town": T1, "cat": "unstable", "period": "month"})
    at.checkbox(key="brief_per_town").check().run()
    no_errors(at)
    titles = outline(at)
    assert "乡镇排名" not in titles and titles[-1] == "乡镇情况：城关镇"
    assert "各村未解除预警（按级别）" in titles
    o = offered.by_key("brief_pptx")
    assert o.file_name == "测试县防返贫动态监测工作简报_城关镇_脱贫不稳定户_2026-06-30.pptx"
    prs, shown = slides(o.build())
    assert shown == titles
    f = Filter(as_of=AS_OF, township=T1, category="unstable", period="month")
    filters_text = next(sh for sh in prs.slides[1].shapes if sh.name == pptx_kit.FILTERS).text_frame.text
    assert "城关镇 · 脱贫不稳定户" in filters_text and "2026年6月" in filters_text and "数据截至 2026年6月30日" in filters_text
    k = q(app_db, kpis.headline_kpis, f).set_index("key")
    card = next(sh for sh in prs.slides[1].shapes if sh.name == "kpi:monitored").text_frame.text
    assert fmt.value(k.loc["monitored", "value"], "户") in card
    cats, series = chart(prs.slides[3], "chart:warnings")
    by_village = q(app_db, leads.leads_by_area, f, "village").set_index("name")
    assert series["红色预警"] == [float(by_village.loc[c, "open_red"]) for c in cats]
    assert_no_full_ids(o.build(), fixture_id_numbers(app_db))


def test_download_is_audited(app_db):
    at = run_page("briefing", {"town": T2})
    no_errors(at)
    assert audit_exports().empty
    download(at, "brief_pptx")
    no_errors(at)
    ev = audit_exports("county")
    assert len(ev) == 1 and ev.detail.iloc[0] == "pptx"
    assert ev.target.iloc[0] == "测试县防返贫动态监测工作简报_青山镇_2026-06-30.pptx"
    assert '"township": "439901102"' in ev.filters.iloc[0]


def test_township_user_gets_only_their_township(app_db, offered):
    at = run_page("briefing", {"town": T2}, user="township")  # the URL asks for another township
    at.checkbox(key="brief_per_town").check().run()
    no_errors(at)
    titles = outline(at)
    assert titles[-1] == "乡镇情况：城关镇" and "乡镇排名" not in titles
    prs, _ = slides(offered.by_key("brief_pptx").build())
    k = q(app_db, kpis.headline_kpis, Filter(as_of=AS_OF, township=T1)).set_index("key")
    card = next(sh for sh in prs.slides[1].shapes if sh.name == "kpi:monitored").text_frame.text
    assert fmt.value(k.loc["monitored", "value"], "户") in card  # 城关镇's 5, not the county's 9
    assert "5" in card
