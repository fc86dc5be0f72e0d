"""The workflow sheets (识别环节, 网上交办, 整改问题) through the real importer, on SQLite and PostgreSQL: bad rows
are refused at their cell and nothing is written; a 台账 without these sheets still imports."""

from __future__ import annotations

import copy

import pytest
import sqlalchemy as sa

from queries.schema import assignments, findings, lead_steps, warnings
from seed.importer import import_files
from tests import workflow_county as W
from tests.handbuilt import import_county, write_book


def count(engine, table) -> int:
    with engine.connect() as c:
        return c.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def test_the_workflow_sheets_import_and_point_at_their_leads(empty_db, tmp_path):
    import_county(empty_db, write_book(tmp_path / "县.xlsx", W.county()), as_of=W.AS_OF)
    with empty_db.connect() as c:
        lead_of = dict(c.execute(sa.select(warnings.c.raised_date, warnings.c.id)).all())
        steps = c.execute(sa.select(lead_steps.c.raised_date, lead_steps.c.warning_id, lead_steps.c.township_code)).all()
        done = c.execute(sa.select(findings.c.code, findings.c.township_code, findings.c.status)
                         .order_by(findings.c.code)).all()
    assert len(steps) == len(W.STEPS) and all(w == lead_of[r] for r, w, _ in steps)
    assert {t for _, _, t in steps} == {W.T1, W.T2}
    assert done[0] == ("ZG-1", W.T1, "closed") and done[3] == ("ZG-4", W.T2, "open")
    assert count(empty_db, assignments) == len(W.ASSIGNMENTS)


def test_a_ledger_without_the_workflow_sheets_still_imports(empty_db, tmp_path):
    import_county(empty_db, write_book(tmp_path / "县.xlsx", W.county(with_workflow=False)), as_of=W.AS_OF)
    assert count(empty_db, warnings) == 5
    assert count(empty_db, lead_steps) == count(empty_db, assignments) == count(empty_db, findings) == 0


def bad(sheet: str, row: int, **cells) -> dict:
    book = copy.deepcopy(W.county())
    book[sheet][row - 2].update(cells)   # Excel row 2 is the first data row
    return book


@pytest.mark.parametrize("book, sheet, row, column, words", [
    # H1's lead was raised 06-01: a 实地核查 on 05-31 is before it (完成日期 is column D)
    (bad("识别环节", 2, 完成日期="2026-05-31"), "识别环节", 2, "D", "早于所属线索的线索产生日期 2026-06-01"),
    # a step naming a lead H1 does not have
    (bad("识别环节", 3, 线索产生日期="2026-06-02"), "识别环节", 3, "B", "没有 2026-06-02 产生的预警线索"),
    # A1 handed on 06-14, fed back 06-13 (反馈日期 is column G: 户编号 线索产生日期 交办日期 承办对象 承办单位 帮扶责任人编号 反馈日期)
    (bad("网上交办", 2, 反馈日期="2026-06-13"), "网上交办", 2, "G", "反馈日期早于交办日期 2026-06-14"),
    # handed to a kind of unit the code list does not know (承办对象 is column D)
    (bad("网上交办", 2, 承办对象="居委会"), "网上交办", 2, "D", "居委会"),
    # handed to a helper who does not exist
    (bad("网上交办", 2, 帮扶责任人编号=99), "网上交办", 2, "F", "帮扶责任人编号 99 不存在"),
    # a finding in a village of another county (行政村区划代码 is column D)
    (bad("整改问题", 3, 行政村区划代码="430400001001"), "整改问题", 3, "D", "不在本县"),
    # closed before the inspection found it (整改完成日期 is column I)
    (bad("整改问题", 2, 整改完成日期="2026-04-01"), "整改问题", 2, "I", "整改完成日期早于巡查日期 2026-04-10"),
])
def test_bad_workflow_rows_are_refused_at_the_cell_and_nothing_is_written(empty_db, tmp_path, book, sheet, row, column,
                                                                         words):
    result = import_files([write_book(tmp_path / "县.xlsx", book)], empty_db, as_of=W.AS_OF)
    assert not result.ok
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [(sheet, row, column)], result.errors
    assert words in result.errors[0].message
    assert count(empty_db, warnings) == 0 and count(empty_db, lead_steps) == 0 and count(empty_db, findings) == 0
