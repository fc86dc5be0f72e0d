"""户情: one household's full record, found by household code or head's name, or opened by link
(?hh=<household code>, kept in the URL so a copied link reopens the same household).

Personal data arrives masked for the viewer's role from the data pipeline (dashboard/common/data.py),
which also writes the household view to the audit log. Roles allowed to may reveal one household's full
ID numbers and phones with an explicit action (``data.reveal``, logged). Roles that may not see names
search by household code only.
"""

import re
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.common import data, fmt, tables, theme
from dashboard.common.page import Context, empty_state, run_page
from dashboard.common.text import escape_md
from queries import households as hh_q
from queries import integrity, timeline, workflow
from queries.deadlines import QUARTER_DAYS, is_beyond_quarter
from queries.metrics import metric
from queries.codes import (DISASTER_KINDS, EMPLOYMENT, FACTOR_GROUPS, FACTOR_TYPES, GENDERS, HEALTH, HOUSE_GRADES,
                           HOUSE_REPAIR, HOUSEHOLD_TYPES, LABOUR, LEAD_DECISIONS, LEAD_SOURCES, MONITOR_CATEGORIES,
                           NEGATIVE_FACTORS, RELATIONS, SCHOOL_STAGES, TOOL_GROUPS, TOOLS, VISITOR_KINDS, WARNING_LEVELS,
                           WATER_SOURCES, WATER_STANDARDS, label)

REVEALED = "hh_revealed"   # the household code whose full ID numbers/phones are shown
HH_PARAM = "hh"
# what the importer accepts as 户编号 (seed/importer/values.py to_code, at most 20 characters); ASCII only
HH_PATTERN = re.compile(r"[0-9A-Za-z_-]{1,20}")
SEARCH_KEY = "hh_search"
STATUS_COLORS = {"已完成": "#2E7D32", "逾期": "#D7263D", "实施中": "#1F5FA8"}
STATUS_BG = {"逾期": "background-color: #FBE3E6; color: #8E1B2A; font-weight: 600",
             "已完成": "color: #2E7D32", "实施中": "color: #1F5FA8"}
FACTOR_COLORS = {"未消除": "#D7263D", "已消除": "#9E9E9E"}
STATUS_TEXT = {"monitoring": "监测中", "eliminated": "已风险消除", "not_monitored": "未纳入监测"}


def lab(codes: dict, v, empty: str = "—") -> str:
    """Chinese label of a code; NULL/NaN shows as `empty`."""
    return label(codes, v) if isinstance(v, str) and v else empty


# -- which household ------------------------------------------------------------------------------
def _drop_hh() -> None:
    if HH_PARAM in st.query_params:
        del st.query_params[HH_PARAM]


def requested_household(ctx: Context) -> tuple[str, int] | None:
    """The household in the URL, validated: (code, id), or None with a notice when it cannot be shown."""
    raw = st.query_params.get(HH_PARAM)
    if raw is None:
        return None
    code = str(raw).strip()
    if not HH_PATTERN.fullmatch(code):
        _drop_hh()
        st.warning("链接中的户编号格式不正确（应为不超过20位的数字、字母、下划线或短横线），已忽略。请在下方按户编号或户主姓名查找。", icon=":material/info:")
        return None
    hid = data.query(hh_q.household_id_by_code, ctx.f, code)
    if hid is None:
        _drop_hh()
        st.warning(f"未找到户编号 {escape_md(code)}，或该户不在当前筛选的乡镇/村范围内，已忽略。", icon=":material/info:")
        return None
    return code, int(hid)


def search_box(ctx: Context) -> None:
    """Search by household code (prefix) or, for roles that see names, head's name (part); choosing a row
    puts it in the URL."""
    names = ctx.user.role.personal
    text = st.text_input("户编号或户主姓名" if names else "户编号", key=SEARCH_KEY, max_chars=hh_q.SEARCH_MAX,
                         placeholder="输入户编号（可只输前几位）或户主姓名" if names else "输入户编号（可只输前几位）",
                         help="在当前筛选的乡镇、村、监测类别范围内查找；包括未纳入监测的农户。" + (
                             "" if names else "您的角色看到的户主姓名已脱敏，因此只能按户编号查找。"))
    if not names:
        st.caption("户主姓名对您的角色脱敏显示，请按户编号查找。")
    text = text.strip()
    if not text:
        return
    found = data.query(hh_q.household_list, ctx.f, code=text, name=text if names else None, monitored_only=False,
                       limit=50)
    if found.empty:
        empty_state(f"与“{escape_md(text.strip())}”匹配的农户")
        return
    view = pd.DataFrame({
        "户编号": found.code, "户主": found.head_name.fillna("—"), "乡镇": found.township_name, "村": found.village_name,
        "户类型": [label(HOUSEHOLD_TYPES, v) for v in found.hh_type],
        "监测类别": [lab(MONITOR_CATEGORIES, v, "—") for v in found.monitor_category],
        "状态": [STATUS_TEXT.get(v, "—") for v in found.status],
        "未解除预警": [lab(WARNING_LEVELS, v, "—") for v in found.worst_open_level],
    })
    st.caption(f"找到 {len(found):,} 户{'（只显示前50户，请输入更完整的户编号或姓名）' if len(found) >= 50 else ''}，选中一行查看户情。")
    # the key changes with the household shown, so a new search starts without a stale selection
    key = f"hh_results_{text}_{st.query_params.get(HH_PARAM, '')}"
    event = tables.dataframe(view, hide_index=True, width="stretch", key=key, on_select="rerun",
                             selection_mode="single-row")
    rows = event.selection.rows if event else []
    if rows and rows[0] < len(found):
        code = found.code.iloc[rows[0]]
        if st.query_params.get(HH_PARAM) != code:
            st.query_params[HH_PARAM] = code
            st.rerun()


# -- the record -----------------------------------------------------------------------------------
def _has(v) -> bool:
    return v is not None and not (isinstance(v, float) and v != v) and v is not pd.NaT and v != ""


def _d(v) -> str:
    if not _has(v):
        return "—"
    return v.isoformat() if isinstance(v, date) else str(v)


def _on(v, as_of: date) -> date | None:
    """A date only if it happened by the as-of day."""
    if not _has(v):
        return None
    d = v if isinstance(v, date) else date.fromisoformat(str(v)[:10])
    return d if d <= as_of else None


def header(info: pd.Series, head_name: str, as_of: date) -> None:
    identified = _on(info.identified_date, as_of) if isinstance(info.monitor_category, str) else None
    eliminated = _on(info.eliminated_date, as_of) if identified else None
    status = "未纳入监测" if not identified else ("已风险消除" if eliminated else "监测中")
    st.subheader(f"{escape_md(head_name)} 户　{escape_md(info.code)}")
    cols = st.columns(4)
    cols[0].metric("所在地", f"{escape_md(info.township_name)} · {escape_md(info.village_name)}", border=True)
    cols[1].metric("户类型", label(HOUSEHOLD_TYPES, info.hh_type), border=True)
    cols[2].metric("监测类别", label(MONITOR_CATEGORIES, info.monitor_category) if identified else "—", border=True)
    cols[3].metric("监测状态", status, border=True, help="按截至日期判断：已识别纳入监测且未风险消除为“监测中”。")
    helper = info.helper_name if isinstance(info.helper_name, str) and info.helper_name else None
    lines = [
        f"**识别纳入监测：** {_d(identified)}　　**风险消除：** {_d(eliminated)}　　**最近更新：** {_d(_on(info.updated_date, as_of))}",
        f"**帮扶责任人：** {escape_md(helper) if helper else '未明确'}"
        + (f"（{escape_md(info.helper_unit or '—')}，电话 {escape_md(info.helper_phone or '—')}）" if helper else ""),
    ]
    st.markdown("  \n".join(lines))
    if not helper and identified and not eliminated:
        st.warning("该监测户尚未明确帮扶责任人。", icon=":material/person_off:")
    if bool(info.assistance_only):
        st.info("兜底保障户：主要依靠社会保障兜底，一般不标注风险消除。", icon=":material/shield:")
    if isinstance(info.negative_factor, str) and info.negative_factor:
        # an inspector gets the masked value (（已脱敏）), which is no code: show it as it is, not as 未知
        situation = label(NEGATIVE_FACTORS, info.negative_factor, default=info.negative_factor)
        st.warning(f"负面清单情形：{escape_md(situation)}（按规定不纳入监测）。",
                   icon=":material/report:")


def _age(birth, as_of: date):
    if birth is None or (isinstance(birth, float) and birth != birth):
        return None
    b = birth if isinstance(birth, date) else date.fromisoformat(str(birth)[:10])
    return as_of.year - b.year - ((as_of.month, as_of.day) < (b.month, b.day))


def _yes(v) -> str:
    return "是" if bool(v) and v == v else ""


def members_table(m: pd.DataFrame, as_of: date) -> None:
    st.subheader("家庭成员", help="身份证号、电话默认脱敏显示；有权限的角色可申请显示完整信息（记录日志）。")
    if m.empty:
        empty_state("家庭成员记录")
        return
    view = pd.DataFrame({
        "姓名": m.name, "与户主关系": [lab(RELATIONS, v) for v in m.relation],
        "身份证号": m.id_number, "联系电话": m.phone.fillna("—"),
        "性别": [lab(GENDERS, v) for v in m.gender], "年龄": [_age(v, as_of) for v in m.birth_date],
        "劳动技能": [lab(LABOUR, v) for v in m.labour], "务工状况": [lab(EMPLOYMENT, v, "") for v in m.employment],
        "在校阶段": [lab(SCHOOL_STAGES, v, "") for v in m.school_stage],
        "辍学": [_yes(v) for v in m.dropout], "参加医保": ["是" if v else "否" for v in m.insured],
    })
    # health facts only if the masking level kept them (a stricter level drops the columns)
    if "health" in m.columns:
        view["健康状况"] = [lab(HEALTH, v) for v in m.health]
    if "disability_level" in m.columns:
        view["残疾等级"] = [f"{int(v)}级" if pd.notna(v) else "" for v in m.disability_level]

    def flag(row):
        bad = row["辍学"] == "是" or row["参加医保"] == "否"
        return ["background-color: #FBE3E6" if bad and c in ("辍学", "参加医保") else "" for c in row.index]

    tables.dataframe(view.style.apply(flag, axis=1), hide_index=True, width="stretch",
                     column_config={"年龄": st.column_config.NumberColumn("年龄", help="按截至日期计算的周岁。")})


def income_chart(inc: pd.DataFrame) -> None:
    st.subheader("人均纯收入与监测范围", help="柱：家庭人均纯收入（元/人·年）；线：当年监测范围（收入线）。")
    if inc.empty:
        empty_state("收入记录")
        return
    years = [str(int(y)) for y in inc.year]
    below = [pd.notna(l) and pd.notna(v) and v < l for v, l in zip(inc.per_capita_income, inc.monitoring_line)]
    fig = go.Figure()
    fig.add_bar(x=years, y=inc.per_capita_income, name="人均纯收入",
                marker_color=["#D7263D" if b else "#1F5FA8" for b in below],
                text=[fmt.number(v, 0) for v in inc.per_capita_income], textposition="outside",
                hovertemplate="%{x}年：%{y:,.0f}元<extra>人均纯收入</extra>")
    fig.add_scatter(x=years, y=inc.monitoring_line, name="监测范围", mode="lines+markers",
                    line=dict(color="#1F1F1F", width=3, dash="dash"),
                    hovertemplate="%{x}年监测范围：%{y:,.0f}元<extra></extra>")
    top = pd.concat([inc.per_capita_income, inc.monitoring_line]).max()
    fig.update_layout(height=360, yaxis=dict(title="元/人·年", tickformat=",.0f",
                                             range=[0, float(top) * 1.2 if pd.notna(top) else 1]),
                      xaxis=dict(title="年度", type="category"), title="人均纯收入（红色为低于监测范围）")
    theme.show(fig, key="hh_income")


def _pass(v) -> str:
    """A check's pass/fail cell: 达标 / 不达标, blank when not recorded."""
    return "" if not _has(v) else "达标" if bool(v) else "不达标"


def checks_table(checks: pd.DataFrame) -> None:
    st.subheader("两不愁三保障及饮水安全核查", help="每次核查一行，最近的在上；C级、D级住房为危房，饮水四项任一项不达标为饮水不安全。"
                                             "义务教育（辍学）和基本医疗（参保）见家庭成员表。")
    if checks.empty:
        st.info("该户没有核查记录（未导入农户核查数据，或尚未核查）：住房、饮水、吃穿情况不详，不等于没有问题。",
                icon=":material/help:")
        return
    c = checks
    view = pd.DataFrame({
        "核查日期": [_d(v) for v in c.checked_on], "住房鉴定等级": [lab(HOUSE_GRADES, v) for v in c.house_grade],
        "危房改造": [lab(HOUSE_REPAIR, v, "") for v in c.house_repair], "饮水水源": [lab(WATER_SOURCES, v) for v in c.water_source],
        "自来水入户": [("是" if bool(v) else "否") if _has(v) else "" for v in c.tap_water]}
        | {name: [_pass(v) for v in c[col]] for col, name in WATER_STANDARDS.items()}
        | {"不愁吃不愁穿": [("有保障" if bool(v) else "无保障") if _has(v) else "" for v in c.food_clothing],
           "低保、特困、独居老人": ["、".join(w for w, v in (("低保", r.dibao), ("特困", r.tekun), ("独居老人", r.elderly_alone))
                                      if _has(v) and bool(v)) for r in c.itertuples()]})
    tables.dataframe(view, hide_index=True, width="stretch")


def spending_table(inc: pd.DataFrame) -> None:
    """Spending against the line; shown only to viewers who may see health facts (the pipeline drops the
    self-paid medical cost for the others)."""
    if "medical_self_paid" not in inc.columns or inc[["medical_self_paid", "school_cost"]].isna().all().all():
        return
    st.subheader("刚性支出与监测范围", help="扣除刚性支出后人均收入 = 家庭人均纯收入 −（自负医疗费 + 教育支出）÷ 家庭人口数。")
    money = lambda col: [fmt.number(v, 0) if pd.notna(v) else "—" for v in col]  # noqa: E731
    tables.dataframe(pd.DataFrame({"年度": [str(int(y)) for y in inc.year], "人均纯收入（元）": money(inc.per_capita_income),
                                   "自负医疗费（元）": money(inc.medical_self_paid), "教育支出（元）": money(inc.school_cost),
                                   "扣除刚性支出后人均收入（元）": money(inc.net_income),
                                   "监测范围（元）": money(inc.monitoring_line)}), hide_index=True, width="stretch")


def _factor_name(r) -> str:
    name = label(FACTOR_TYPES, r.factor_type, r.factor_type)  # a masked type shows as its masked text
    if r.factor_type == "disaster" and isinstance(r.disaster_kind, str):
        name += f"（{label(DISASTER_KINDS, r.disaster_kind)}）"
    return name


def factors_chart(fac: pd.DataFrame, as_of: date) -> None:
    st.subheader("风险因子时间线", help="每条风险因子从识别日期到消除日期；未消除的画到截至日期。")
    if fac.empty:
        empty_state("风险因子记录")
        return
    rows = []
    for i, r in enumerate(fac.itertuples()):
        start = _on(r.identified_date, as_of)
        end = _on(r.resolved_date, as_of)
        state = "已消除" if end else "未消除"
        rows.append(dict(name=f"{i + 1}. {_factor_name(r)}", group=label(FACTOR_GROUPS, r.factor_group),
                         start=start, end=end or as_of, state=state))
    df = pd.DataFrame(rows)
    fig = go.Figure()
    for state, color in FACTOR_COLORS.items():
        part = df[df.state == state]
        if part.empty:
            continue
        ms = [max((e - s).days, 1) * 86_400_000 for s, e in zip(part.start, part.end)]
        fig.add_bar(y=part.name, x=ms, base=[s.isoformat() for s in part.start], orientation="h", name=state,
                    marker_color=color,
                    customdata=list(zip(part.group, [s.isoformat() for s in part.start],
                                        [e.isoformat() if state == "已消除" else "至今" for e in part.end])),
                    hovertemplate="%{y}（%{customdata[0]}）<br>%{customdata[1]} → %{customdata[2]}<extra>"
                                  + state + "</extra>")
    fig.update_layout(height=max(220, 44 * len(df) + 140), barmode="overlay", title="风险因子（红色为未消除）",
                      xaxis=dict(type="date", title="日期", tickformat="%Y-%m", hoverformat="%Y-%m-%d"),
                      yaxis=dict(type="category", categoryorder="array", categoryarray=list(df.name[::-1])))
    theme.show(fig, key="hh_factors")


def warnings_table(w: pd.DataFrame, as_of: date) -> None:
    st.subheader("预警线索", help="该户截至日期前发出的全部预警线索，含已解除的。")
    if w.empty:
        empty_state("预警线索")
        return

    def state(r) -> str:
        if _has(r.closed_date):
            return "已解除"
        if not isinstance(r.decision, str):
            return "待研判"
        return "预警中" if r.decision == "identified" else "不予纳入"

    view = pd.DataFrame({
        "预警级别": [label(WARNING_LEVELS, v) for v in w.level], "线索来源": [label(LEAD_SOURCES, v) for v in w.source],
        "发出日期": [_d(v) for v in w.raised_date],
        "研判结果": [lab(LEAD_DECISIONS, v, "待研判") for v in w.decision],
        "研判日期": [_d(v) if _has(v) else "" for v in w.decision_date],
        "不予纳入原因": [v if isinstance(v, str) else "" for v in w.dismiss_reason],
        "解除日期": [_d(v) if _has(v) else "" for v in w.closed_date],
        "当前状态": [state(r) for r in w.itertuples()],
    })
    level_bg = {WARNING_LEVELS[lv]: f"background-color: {theme.level_color(lv)}; "
                                    f"color: {'#1F1F1F' if lv == 'yellow' else 'white'}" for lv in WARNING_LEVELS}
    tables.dataframe(view.style.map(lambda v: level_bg.get(v, ""), subset=["预警级别"]), hide_index=True, width="stretch")


def measure_status(r, as_of: date) -> str:
    if _has(r.completed_date):
        return "已完成"
    planned = _on(r.planned_date, date.max)
    return "逾期" if planned and planned < as_of else "实施中"


def measures_table(am: pd.DataFrame, as_of: date) -> None:
    st.subheader("帮扶措施", help="逾期：计划完成日期已过、截至日期仍未完成。")
    if am.empty:
        empty_state("帮扶措施")
        return
    status = [measure_status(r, as_of) for r in am.itertuples()]
    counts = pd.Series(status).value_counts()
    st.caption("　".join(f"{k} {int(counts.get(k, 0))} 项" for k in STATUS_COLORS) +
               f"　｜　帮扶金额合计 {fmt.number(am.amount.sum(), 0)} 元")
    view = pd.DataFrame({
        "政策工具": [label(TOOLS, v) for v in am.tool], "工具大类": [label(TOOL_GROUPS, v) for v in am.tool_group],
        "责任部门": am.department.fillna("—"), "登记日期": [_d(v) for v in am.registered_date],
        "计划完成": [_d(v) for v in am.planned_date], "实际完成": [_d(v) if _has(v) else "" for v in am.completed_date],
        "金额(元)": [fmt.number(v, 0) for v in am.amount], "状态": status,
    })
    tables.dataframe(view.style.map(lambda v: STATUS_BG.get(v, ""), subset=["状态"]), hide_index=True, width="stretch",
                     column_config={"金额(元)": st.column_config.TextColumn("金额(元)", alignment="right")})


def visits_table(v: pd.DataFrame, as_of: date, monitored: bool) -> None:
    st.subheader("走访记录", help=f"监测户应至少每季度走访或更新一次；超过{QUARTER_DAYS}天未走访时提示。")
    last = _on(v.visit_date.iloc[0], as_of) if not v.empty else None
    if monitored and (last is None or is_beyond_quarter((as_of - last).days)):
        st.warning("该监测户从未有走访记录。" if last is None else
                   f"该监测户已 {(as_of - last).days} 天未走访（最近一次 {last.isoformat()}），超过一个季度。",
                   icon=":material/schedule:")
    if v.empty:
        empty_state("走访记录")
        return
    view = pd.DataFrame({"走访日期": [_d(x) for x in v.visit_date],
                         "走访类型": [lab(VISITOR_KINDS, x) for x in v.visitor_kind],
                         "走访人": v.visitor_name.fillna("—"), "记录": v.note.fillna("")})
    tables.dataframe(view, hide_index=True, width="stretch")


LATE_BG = "background-color: #FBE3E6; color: #8E1B2A"


def timeline_table(ctx: Context, hid: int) -> None:
    st.subheader("办理过程", help=metric("case_timeline").definition)
    t = data.query(timeline.household_timeline, ctx.f, hid)
    if t is None or t.empty:
        empty_state("预警线索及办理记录")
        return
    have = data.query(workflow.workflow_coverage, ctx.f).iloc[0]
    if not have.lead_steps and not have.assignments:
        st.caption("未导入识别环节和网上交办记录：下表只有预警线索、研判和解除。")
    view = pd.DataFrame({"日期": [_d(v) for v in t.date], "事项": t.event, "情况": t.detail,
                         "经办单位": t.unit.fillna("—"), "帮扶责任人": t.helper_name.fillna("—")})
    late = list(t.late)
    tables.dataframe(view.style.apply(lambda r: [LATE_BG if late[r.name] else ""] * len(r), axis=1),
                     hide_index=True, width="stretch")
    if any(late):
        st.caption(f"红底为超时限的环节、超期的交办或反馈（{sum(late)} 项）。")


def integrity_section(ctx: Context, hid: int) -> None:
    st.subheader("诚信", help=metric("pledge_date").definition)
    facts = data.query(integrity.household_integrity, ctx.f, hid)
    if facts is None:
        return
    pledges, records = facts["pledges"], facts["records"]
    st.markdown("承诺书：" + (f"{_d(pledges.done_date.iloc[0])} 签订（自愿申请监测和诚实守信承诺书）"
                             if not pledges.empty else "未登记签订日期"))
    if not data.query(integrity.integrity_imported):
        st.caption("未导入失信记录（导入模板「失信记录」工作表），无法判断有无失信行为。")
        return
    if records.empty:
        st.caption("截至日期无失信记录。")
        return
    view = pd.DataFrame({"失信行为": records.kind_name, "认定日期": [_d(v) for v in records.recorded_date],
                         "认定单位": records.unit.fillna("—"), "惩戒措施": records.effect_name,
                         "信用修复": [f"{_d(d)} 修复（{u if isinstance(u, str) else '—'}）" if _has(d) else "惩戒中"
                                  for d, u in zip(records.repaired_date, records.repair_unit)],
                         "说明": records.note.fillna("")})
    tables.dataframe(view, hide_index=True, width="stretch")


def record(ctx: Context, code: str, hid: int) -> None:
    as_of = ctx.f.as_of
    rec = None
    if st.session_state.get(REVEALED) == code:
        try:
            rec = data.reveal(hh_q.household_record, ctx.f, hid, target=code)
        except data.NotPermitted as exc:
            st.session_state.pop(REVEALED, None)
            st.error(str(exc), icon=":material/error:")
    if rec is None:
        rec = data.query(hh_q.household_record, ctx.f, hid)
    if rec is None:  # deleted or moved out of scope between the two queries
        _drop_hh()
        st.warning("该户不在当前筛选范围内，已忽略。", icon=":material/info:")
        return
    reveal_control(ctx, code)
    info = rec["household"].iloc[0]
    members = rec["members"]
    heads = members.loc[members.relation == "head", "name"]
    header(info, heads.iloc[0] if len(heads) else "（未登记户主）", as_of)
    monitored = (isinstance(info.monitor_category, str) and _on(info.identified_date, as_of) is not None
                 and _on(info.eliminated_date, as_of) is None)
    members_table(members, as_of)
    left, right = st.columns(2)
    with left:
        income_chart(rec["income"])
    with right:
        factors_chart(rec["factors"], as_of)
    spending_table(rec["income"])
    checks_table(rec["checks"])
    warnings_table(rec["warnings"], as_of)
    timeline_table(ctx, hid)
    measures_table(rec["measures"], as_of)
    visits_table(rec["visits"], as_of, monitored)
    integrity_section(ctx, hid)


def body(ctx: Context) -> None:
    chosen = requested_household(ctx)
    with st.expander("查找农户", expanded=chosen is None, icon=":material/search:"):
        search_box(ctx)
    if chosen is None:
        st.info("按户编号或户主姓名查找农户，或在“预警”页面的农户清单中选中一户。", icon=":material/home:")
        return
    record(ctx, *chosen)


def reveal_control(ctx: Context, code: str) -> None:
    """The request for full ID numbers and phones (roles allowed only); data.reveal then logs and shows them."""
    if not ctx.user.role.may_reveal:
        return
    if st.session_state.get(REVEALED) == code:
        if st.button("重新脱敏显示", key="hh_hide", icon=":material/visibility_off:"):
            st.session_state.pop(REVEALED, None)
            data.conceal(code)
            st.rerun()
        st.caption("已显示完整身份证号和电话（本次查看已记录）。")
        return
    if st.button("显示完整身份证号和电话", key="hh_reveal", icon=":material/visibility:",
                 help="仅在核实身份时使用；每次查看都会记录到审计日志。"):
        st.session_state[REVEALED] = code  # data.reveal logs it before anything is shown
        st.rerun()


run_page("户情", body)
