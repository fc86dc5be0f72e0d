"""会议简报: one click builds a PowerPoint deck for the current filters — title slide, headline KPIs
with the change since last quarter, warnings by area, risk factors, aid progress, every target
indicator, the township ranking, the villages furthest behind and, optionally, one slide per
township. Charts are native PowerPoint charts (editable, data inside), fonts set for Chinese.

The deck is built only when the button is clicked (a few seconds); the page itself only lists the
slides it will contain. Every download is written to the audit log.
"""

import pandas as pd
import streamlit as st

from dashboard.common import data, exports, tables
from dashboard.common.page import Context, run_page
from dashboard.common.text import escape_md
from dashboard.exporting import briefing

PER_TOWN_KEY = "brief_per_town"
CONTENTS = {
    "cover": "县名、筛选范围、统计周期、数据截至日期",
    "kpis": "监测户、各级预警、超期线索、风险消除、无措施户，均与上季度同日比较",
    "trend": "按统计周期的新增线索、新识别监测户、风险消除户（折线图）",
    "warnings": "红、橙、黄预警条数（堆叠条形图）及超期、待研判线索",
    "factors": "各类风险的户数（按风险分组着色）及多重风险户",
    "coverage": "有帮扶措施的监测户占比，未落实帮扶责任人、逾期措施",
    "tools": "各政策工具措施：已完成、实施中、逾期未完成",
    "funds": "当年衔接资金预算、支出进度、产业资金占比、逾期项目",
    "targets_chart": "各比率指标当前值与目标值",
    "targets_table": "每一项比率指标：当前值、目标、差距、状态、统计时点",
    "targets_counts": "计数指标（公益性岗位、技能培训、产业项目带动就业、强企帮村、辍学、住房）当前值、目标及预计",
    "targets_outlook": "有历史数据的各项指标按当前进度预计到考核截止日期的水平，能否完成",
    "workflow": "本期线索到达各识别环节的条数（按乡镇），超期交办及其承办单位、按时办结率",
    "findings": "各乡镇巡查问题：超期未整改、整改中、已整改，按期整改率",
    "ranking": "四项指标平均名次：当前水平与较上季度进步",
    "lagging": f"未达标或接近目标指标最多的村（前{briefing.LAGGING_VILLAGES}个）及主要差距",
    "township": "该乡镇的监测户、预警、超期线索、措施覆盖、目标达标，及各村预警图",
}


def body(ctx: Context) -> None:
    st.markdown("按当前筛选条件（侧栏的截至日期、统计周期、乡镇、村、监测类别）生成会议用 PowerPoint 简报。"
                "图表为可编辑的 PowerPoint 原生图表，数字与各页面一致；每页注明筛选范围和数据截至日期。")
    per_town = st.checkbox("每个乡镇单独一页", key=PER_TOWN_KEY,
                           help="在简报末尾为筛选范围内的每个乡镇各加一页：主要数字和各村预警图。")
    slides = briefing.plan(ctx.f, ctx.areas.towns, per_town)
    meta = exports.export_meta(ctx, f"{ctx.county}{briefing.DECK_TITLE}")
    f, towns, q = ctx.f, ctx.areas.towns, data.for_viewer()  # the deck may be built after this run

    def build() -> bytes:
        return briefing.briefing_pptx(q, f, towns, meta, per_town)

    exports.file_download("生成并下载简报（PowerPoint）", build, ctx, meta.file_name("pptx"), exports.PPTX_MIME,
                          key="brief_pptx", kind="pptx", icon=":material/slideshow:",
                          help="点击后生成，通常几秒钟；下载记录会写入审计日志。")
    st.caption(f"共 {len(slides)} 页 · 文件名：{escape_md(meta.file_name('pptx'))}")
    st.subheader("简报内容")
    outline = pd.DataFrame({"页码": range(1, len(slides) + 1),
                            "标题": [meta.title if s.key == "cover" else s.title for s in slides],
                            "内容": [CONTENTS[s.key] for s in slides]})
    tables.dataframe(outline, hide_index=True, width="stretch",
                     height=min(35 * (len(outline) + 1) + 3, 740),
                     column_config={"页码": st.column_config.NumberColumn(width="small"),
                                    "内容": st.column_config.TextColumn(width="large")})


run_page("会议简报", body)
