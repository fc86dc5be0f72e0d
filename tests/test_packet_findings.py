"""The visit packet's 整改问题 sheet, round trip: the planner's packet for the hand-typed county of
tests/workflow_county.py (甲村, 乙村; problems ZG-1..5 already imported), filled in as a team would in the field
(Chinese labels, dates typed as text; its households made 脱贫户 so the sample has them), imported back by the real importer on SQLite and PostgreSQL. Rows the team
left blank are skipped; a bad cell refuses the whole file, located at its cell, and writes nothing."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
import sqlalchemy as sa

from queries import inspection as insp
from queries import packets, schema, workflow
from queries.filters import Filter
from seed.importer import import_files
from seed.importer.read import spec_by_name
from tests import workflow_county as W
from tests.handbuilt import import_county, write_book

EXPORTED = datetime(2026, 7, 1, 9, 0)
BACK = date(2026, 7, 10)   # the 数据截至 of the import that brings the sheet back
HEADERS = [h for h, _w, _k in packets.FINDINGS_COLUMNS]


@pytest.fixture
def county(empty_db, tmp_path):
    book = W.county()
    book["农户"] = [row | {"户类型": "脱贫户"} for row in book["农户"]]
    import_county(empty_db, write_book(tmp_path / "县.xlsx", book), as_of=W.AS_OF)
    return empty_db


def packet(engine, pdf: bool = False):
    """The packet workbook (or with pdf=True its PDF bytes) for both villages."""
    f = Filter(as_of=W.AS_OF)
    with engine.connect() as conn:
        sample, strata = insp.draw_sample(conn, f, [W.V1, W.V2], seed=7, per_village=10, minimum=1)
        rows = insp.packet_rows(conn, f, sample.household_id.tolist())
    rows = rows.merge(sample[["household_id", "stratum"]], on="household_id")
    info = packets.PacketInfo("手工县", W.AS_OF, 7, 10, 1, strata, {W.V1: "甲镇 甲村", W.V2: "乙镇 乙村"},
                              "县级用户", EXPORTED)
    if pdf:
        return packets.build_pdf(rows, info)
    return openpyxl.load_workbook(io.BytesIO(packets.build_workbook(rows, info)))


def fill(ws, code: str, **typed) -> int:
    """Type into the prefilled row of problem `code`; returns its Excel row."""
    r = next(c.row for c in ws["A"] if c.value == code)
    for header, value in typed.items():
        ws.cell(row=r, column=HEADERS.index(header) + 1, value=value)
    return r


def bring_back(wb, tmp_path, engine):
    path = tmp_path / "入户核查表（已填）.xlsx"
    wb.save(path)
    return import_files([path], engine, as_of=BACK)


def stored(engine) -> dict[str, dict]:
    f, h = schema.findings, schema.households
    with engine.connect() as conn:
        rows = conn.execute(sa.select(f.c.code, f.c.inspected_on, f.c.team, f.c.village_code, h.c.code.label("hh"),
                                      f.c.category, f.c.responsible_unit, f.c.due_date, f.c.status, f.c.closed_date,
                                      f.c.note).outerjoin(h, h.c.id == f.c.household_id)).mappings().all()
    return {r["code"]: {k: (str(v)[:10] if k.endswith(("_on", "_date")) and v else v) for k, v in r.items()}
            for r in rows}


def test_the_sheet_is_the_importers_with_numbered_rows_per_village(county):
    wb = packet(county)
    ws = wb[packets.FINDINGS_SHEET]
    header = [c.value for c in ws[4]]
    importer = [c.header for c in spec_by_name(packets.FINDINGS_SHEET, False).columns]
    assert set(header) - {"村名称"} == set(importer) and len(header) == len(importer) + 1
    codes = [ws.cell(row=r, column=1).value for r in range(5, ws.max_row + 1)]
    villages = [ws.cell(row=r, column=2).value for r in range(5, ws.max_row + 1)]
    assert codes == [f"202607010900-{v}-{n:02d}" for v in (W.V1, W.V2) for n in range(1, packets.FORM_ROWS + 1)]
    assert villages == [W.V1] * packets.FORM_ROWS + [W.V2] * packets.FORM_ROWS
    assert all(ws.cell(row=5, column=j).value is None for j in range(4, len(HEADERS) + 1))  # left for the team
    lists = {str(dv.sqref).split(":")[0][:1]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert "帮扶措施不落实" in lists["G"] and lists["J"] == '"整改中,已整改"'


def test_the_printed_packet_has_each_villages_problem_form_with_the_workbooks_numbers(county):
    """A team that writes on paper types into the same numbered rows: the PDF's form carries the workbook's codes."""
    from tests.print_checks import pdf_text
    text = pdf_text(packet(county, pdf=True))
    for v, name in ((W.V1, "甲村"), (W.V2, "乙村")):
        assert f"{name} 巡查发现问题" in text
        for n in range(1, packets.FORM_ROWS + 1):
            assert f"202607010900-{v}-{n:02d}" in text
    assert "帮扶措施不落实" in text and "整改责任单位" in text


def test_filled_rows_come_back_and_blank_rows_are_skipped(county, tmp_path):
    wb = packet(county)
    ws = wb[packets.FINDINGS_SHEET]
    one, two = f"202607010900-{W.V1}-01", f"202607010900-{W.V2}-02"
    fill(ws, one, 巡查日期="2026-07-01", 巡查组="县巡查组第2组", 户编号=W.hh(2), 问题类别="帮扶措施不落实",
         整改责任单位="甲镇人民政府", 整改时限="2026/7/31", 整改状态="整改中", 问题描述及整改佐证="临时救助未发放")
    fill(ws, two, 巡查日期=date(2026, 7, 2), 巡查组="县巡查组第2组", 问题类别="饮水保障不到位", 整改责任单位="县水利局",
         整改时限="2026-07-20", 整改状态="已整改", 整改完成日期="2026年7月5日", 问题描述及整改佐证="管网已修复，附照片")
    before = stored(county)
    result = bring_back(wb, tmp_path, county)
    assert result.ok, [e.message for e in result.errors]
    assert any(f"{2 * packets.FORM_ROWS - 2} 行只预填了" in n for n in result.notices), result.notices
    after = stored(county)
    assert set(after) - set(before) == {one, two} and {k: after[k] for k in before} == before
    assert after[one] == {"code": one, "inspected_on": "2026-07-01", "team": "县巡查组第2组", "village_code": W.V1,
                          "hh": W.hh(2), "category": "aid_not_done", "responsible_unit": "甲镇人民政府",
                          "due_date": "2026-07-31", "status": "open", "closed_date": None, "note": "临时救助未发放"}
    assert after[two] | {"hh": None} == {"code": two, "inspected_on": "2026-07-02", "team": "县巡查组第2组",
                                         "village_code": W.V2, "hh": None, "category": "water",
                                         "responsible_unit": "县水利局", "due_date": "2026-07-20", "status": "closed",
                                         "closed_date": "2026-07-05", "note": "管网已修复，附照片"}
    with county.connect() as conn:   # and the 流程督办 figures count it: ZG-3, ZG-4 and the new open one
        assert workflow.workflow_coverage(conn, Filter(as_of=BACK)).findings.iloc[0] == 7
        assert sorted(workflow.open_findings(conn, Filter(as_of=BACK)).code) == sorted([one, "ZG-3", "ZG-4"])
    assert bring_back(wb, tmp_path, county).ok and stored(county) == after   # imported twice: updated, not doubled


def test_a_bad_cell_refuses_the_file_at_that_cell_and_writes_nothing(county, tmp_path):
    wb = packet(county)
    ws = wb[packets.FINDINGS_SHEET]
    typed = dict(巡查日期="2026-07-01", 巡查组="县巡查组第2组", 整改责任单位="甲镇人民政府", 整改时限="2026-07-31",
                 整改状态="整改中")
    r1 = fill(ws, f"202607010900-{W.V1}-01", 问题类别="乱填的类别", **typed)
    r2 = fill(ws, f"202607010900-{W.V1}-02", 问题类别="漏评", **typed)
    ws.cell(row=r2, column=2, value="430399009001")   # a village the county does not have
    r3 = fill(ws, f"202607010900-{W.V2}-01", 问题类别="漏评")   # half filled: not skipped, told what is missing
    before = stored(county)
    result = bring_back(wb, tmp_path, county)
    assert not result.ok
    where = {(e.sheet, e.row, e.column) for e in result.errors}
    assert (packets.FINDINGS_SHEET, r1, "G") in where
    assert (packets.FINDINGS_SHEET, r2, "B") in where
    assert {(packets.FINDINGS_SHEET, r3, col) for col in "DHIJ"} <= where
    assert all(e.message and "Traceback" not in e.message for e in result.errors)
    assert stored(county) == before
