"""户情 in AppTest on the hand-built fixture: the record shown equals the query layer's, personal data is
masked everywhere on the page, and a bad or unknown ?hh= gives a Chinese notice instead of an error."""

import base64
import numpy as np
import pytest
import sqlalchemy as sa

from dashboard.common import fmt
from dashboard.common.text import escape_md
from queries import households
from queries.codes import TOOLS
from queries.filters import Filter
from queries.privacy import mask_id_number, mask_phone
from tests.fixture_db import AS_OF, T1, T2, V21, household_code
from tests.pages_support import chart_specs, run_page


def q(url, fn, *args, **kwargs):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return fn(conn, *args, **kwargs)
    finally:
        engine.dispose()


def rows(url, sql: str) -> list[tuple]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql))]
    finally:
        engine.dispose()


def arr(v) -> list:
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
    return list(v)


def no_errors(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def page_bytes(at) -> bytes:
    """Everything the page sends to the browser: every element's protobuf (table data included, as Arrow)."""
    out = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "SerializeToString"):
            out.append(proto.SerializeToString())
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return b"\n".join(out)


def table(at, first_column: str):
    return next(d.value for d in at.dataframe if d.value.columns[0] == first_column)


def chart(at, title_part: str) -> dict:
    return next(s for s in chart_specs(at) if title_part in s["layout"]["title"]["text"])


def record(url, hid: int):
    return q(url, households.household_record, Filter(as_of=AS_OF), hid)


# --- one household -----------------------------------------------------------------------------------
def test_household_by_url_matches_query_layer(app_db):
    code = household_code(6)  # h6: 突发, identified this quarter, 3 open factors, measures overdue + in progress
    at = run_page("household", {"hh": code})
    no_errors(at)
    assert not at.warning or all("走访" in w.value for w in at.warning)
    rec = record(app_db, 6)
    assert any(code in h.value and "杨丽" in h.value for h in at.subheader)
    shown = {m.label: m.value for m in at.metric}
    assert shown == {"所在地": "城关镇 · 西岭村", "户类型": "一般农户", "监测类别": "突发严重困难户", "监测状态": "监测中"}
    header = " ".join(m.value for m in at.markdown)
    assert "2026-04-10" in header and "刘帮扶" in header and escape_md(mask_phone("13800000002")) in header

    members = table(at, "姓名")
    assert members["姓名"].tolist() == rec["members"].name.tolist() == ["杨丽", "杨小燕"]
    assert members["身份证号"].tolist() == [mask_id_number(v) for v in rec["members"].id_number]
    assert members["与户主关系"].tolist() == ["户主", "子女"]
    assert members["在校阶段"].tolist() == ["", "小学"]

    inc = chart(at, "人均纯收入")
    bars, line = inc["data"]
    assert arr(bars["x"]) == [str(y) for y in rec["income"].year]
    assert arr(bars["y"]) == pytest.approx(rec["income"].per_capita_income.tolist())
    assert arr(line["y"]) == pytest.approx(rec["income"].monitoring_line.tolist())
    assert bars["type"] == "bar" and line["type"] == "scatter"

    fac = chart(at, "风险因子")
    names = [n for tr in fac["data"] for n in arr(tr["y"])]
    assert sorted(names) == ["1. 因灾（洪涝灾害）", "2. 住房安全", "3. 因意外事故"]
    assert [tr["name"] for tr in fac["data"]] == ["未消除"]  # all three open on the as-of day

    warnings = table(at, "预警级别")
    assert warnings["发出日期"].tolist() == [str(d) for d in rec["warnings"].raised_date]
    assert warnings["预警级别"].tolist() == ["红色预警"]
    assert warnings["当前状态"].tolist() == ["预警中"]

    measures = table(at, "政策工具")
    assert measures["政策工具"].tolist() == [TOOLS[t][0] for t in rec["measures"].tool]
    assert measures["状态"].tolist() == ["逾期", "实施中"]  # M5 planned 05-15 not done; M6 planned 09-30
    assert measures["金额(元)"].tolist() == [fmt.number(v, 0) for v in rec["measures"].amount] == ["2,000", "30,000"]

    assert any("从未有走访记录" in w.value for w in at.warning)  # h6 has never been visited
    assert at.query_params["hh"] == code  # a copied link reopens the same household


@pytest.mark.parametrize("hid, statuses", [
    (17, ["已完成", "逾期"]),         # M11 done 2023; M12 planned 05-31, not done
    (18, ["实施中"]),                 # M13 planned ON the as-of day: not yet overdue
    (15, ["实施中"]),
    (1, ["已完成", "已完成"]),
])
def test_measure_status(app_db, hid, statuses):
    at = run_page("household", {"hh": household_code(hid)})
    no_errors(at)
    assert table(at, "政策工具")["状态"].tolist() == statuses


def test_eliminated_household_and_resolved_factors(app_db):
    at = run_page("household", {"hh": household_code(3)})  # h3: eliminated 2026-05-15, F5 resolved 05-01
    no_errors(at)
    assert {m.label: m.value for m in at.metric}["监测状态"] == "已风险消除"
    assert "2026-05-15" in " ".join(m.value for m in at.markdown)
    fac = chart(at, "风险因子")
    assert [tr["name"] for tr in fac["data"]] == ["已消除"]
    assert table(at, "预警级别")["当前状态"].tolist() == ["已解除"]
    assert not any("走访" in w.value for w in at.warning)  # not monitored any more: no visit reminder


def test_as_of_in_the_past_hides_later_events(app_db):
    """On 2026-03-31 h3 was still monitored and h6 was not yet identified."""
    at = run_page("household", {"hh": household_code(3), "asof": "2026-03-31"})
    no_errors(at)
    assert {m.label: m.value for m in at.metric}["监测状态"] == "监测中"
    at = run_page("household", {"hh": household_code(6), "asof": "2026-03-31"})
    no_errors(at)
    assert {m.label: m.value for m in at.metric}["监测状态"] == "未纳入监测"
    assert any("没有风险因子记录" in i.value for i in at.info)


def test_household_without_helper_warns(app_db):
    at = run_page("household", {"hh": household_code(7)})
    no_errors(at)
    assert any("尚未明确帮扶责任人" in w.value for w in at.warning)
    assert any("没有帮扶措施" in i.value for i in at.info)


# --- personal data ------------------------------------------------------------------------------------
@pytest.mark.parametrize("hid", [1, 6, 15, 19])
def test_id_numbers_and_phones_never_reach_the_page(app_db, hid):
    at = run_page("household", {"hh": household_code(hid)})
    no_errors(at)
    sent = page_bytes(at)
    ids = rows(app_db, "select id_number from members where id_number is not null")
    phones = rows(app_db, "select phone from members where phone is not null union select phone from helpers")
    assert len(ids) > 20 and len(phones) > 3
    for (full,) in ids + phones:
        assert full.encode() not in sent, f"unmasked personal number on the page: {full[:6]}…"
    own = record(app_db, hid)["members"]
    for v in own.id_number:  # the masked form is what is shown
        assert mask_id_number(v).encode() in sent
    for v in own.phone.dropna():
        assert mask_phone(v).encode() in sent


# --- finding a household --------------------------------------------------------------------------------
def test_search_by_name_then_select(app_db):
    at = run_page("household")
    no_errors(at)
    assert any("按户编号或户主姓名查找农户" in i.value for i in at.info)
    at = at.text_input[0].set_value("王建国").run()
    no_errors(at)
    found = table(at, "户编号")
    assert found["户编号"].tolist() == [household_code(1)]
    key = next(d.key for d in at.dataframe if d.value.columns[0] == "户编号")
    at.session_state[key] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at = at.run()
    no_errors(at)
    assert at.query_params["hh"] == household_code(1)
    assert any(household_code(1) in h.value for h in at.subheader)


def test_search_matches_query_layer_and_scope(app_db):
    at = run_page("household", {"town": T2})
    at = at.text_input[0].set_value("4399011").run()  # a code prefix: every household of the county starts so
    no_errors(at)
    expected = q(app_db, households.household_list, Filter(as_of=AS_OF, township=T2), code="4399011", name="4399011",
                 monitored_only=False, limit=50)
    found = table(at, "户编号")
    assert found["户编号"].tolist() == expected.code.tolist()
    assert len(found) == 8  # T2's households only, monitored or not


def test_search_treats_wildcards_literally(app_db):
    at = run_page("household")
    at = at.text_input[0].set_value("罗_").run()
    no_errors(at)
    assert table(at, "户编号")["户主"].tolist() == ["罗_芳"]
    at = at.text_input[0].set_value("%").run()
    no_errors(at)
    assert any(f"没有与“{escape_md('%')}”匹配的农户" in i.value for i in at.info)  # typed text shown as text


# --- bad links -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["' OR 1=1 --", "x" * 500, household_code(1) + "' --", "４３９９０１１０１２０１０００１",
                                 "", "1" * 21, "H001/../x"])
def test_malformed_hh_gives_a_notice(app_db, bad):
    at = run_page("household", {"hh": bad})
    no_errors(at)
    assert any("户编号格式不正确" in w.value for w in at.warning)
    assert "hh" not in at.query_params
    assert not at.subheader or not any("户　" in h.value for h in at.subheader)
    if bad:
        assert bad.encode() not in page_bytes(at)  # the raw text is not echoed


def test_unknown_household_gives_a_notice(app_db):
    at = run_page("household", {"hh": "4399011012019999"})
    no_errors(at)
    assert any("未找到户编号 4399011012019999" in w.value for w in at.warning)
    assert "hh" not in at.query_params


def test_household_outside_filter_scope_gives_a_notice(app_db):
    at = run_page("household", {"hh": household_code(15), "town": T1})  # h15 lives in T2
    no_errors(at)
    assert any("不在当前筛选" in w.value for w in at.warning)
    assert dict(at.query_params) == {"town": T1}
    at = run_page("household", {"hh": household_code(15), "town": T2, "village": V21})
    no_errors(at)
    assert not at.warning or all("走访" in w.value for w in at.warning)


def test_hh_survives_a_filter_change(app_db):
    at = run_page("household", {"hh": household_code(6)})
    at = at.selectbox[0].set_value(T1).run()  # 乡镇 in the sidebar
    no_errors(at)
    assert dict(at.query_params) == {"town": T1, "hh": household_code(6)}
    assert any(household_code(6) in h.value for h in at.subheader)  # h6 lives in T1 (西岭村)
