"""诚信 through the real importer on SQLite and PostgreSQL: the 失信名单, the summary and the quality rule
"失信取消资格但仍在监测" counted by hand; bad 失信 rows refused at their cell with nothing written."""

from __future__ import annotations

import copy

import pytest
import sqlalchemy as sa

from queries import integrity, quality
from queries.filters import Filter
from queries.schema import dishonesty_records, households
from seed.importer import import_files
from tests import workflow_county as W
from tests.handbuilt import import_county, write_book


def county() -> dict:
    book = copy.deepcopy(W.county())
    for row in book["农户"][:2]:   # H1, H2 monitored since 01-10
        row.update({"监测对象类别": "边缘易致贫户", "识别纳入监测日期": "2026-01-10"})
    book["失信记录"] = [
        # H1: monitoring cancelled 03-01, never repaired -> flagged by the rule
        {"户编号": W.hh(1), "失信行为": "虚报冒领扶贫资金", "认定日期": "2026-03-01", "惩戒措施": "取消监测资格"},
        # H2: cancelled too, but repaired 05-01 -> not flagged
        {"户编号": W.hh(2), "失信行为": "高消费", "认定日期": "2026-03-01", "惩戒措施": "取消监测资格",
         "信用修复日期": "2026-05-01", "修复审批单位": "县乡村振兴局"},
        # H5 (乙镇, not monitored): on the special list
        {"户编号": W.hh(5), "失信行为": "无理缠访闹访", "认定日期": "2026-04-01", "惩戒措施": "纳入特殊名单"},
    ]
    return book


def test_list_summary_and_rule_by_hand(empty_db, tmp_path):
    import_county(empty_db, write_book(tmp_path / "县.xlsx", county()), as_of=W.AS_OF)
    f = Filter(as_of=W.AS_OF)
    with empty_db.connect() as c:
        assert integrity.integrity_imported(c)
        s = integrity.dishonesty_summary(c, f).iloc[0]
        assert (s.dishonesty_households, s.dishonesty_in_force, s.dishonesty_repaired) == (3, 2, 1)
        ids = dict(c.execute(sa.select(households.c.code, households.c.id)).all())
        assert quality.flagged_ids(c, f, "dishonest_monitored") == {ids[W.hh(1)]}
        # a township sees only its own records: 乙镇 has H5's
        town = integrity.dishonesty_list(c, Filter(as_of=W.AS_OF, township=W.T2))
        assert list(town.code) == [W.hh(5)]
        full = integrity.dishonesty_list(c, f)
        assert list(full.in_force) == [True, True, False]
        # on 04-30 H2 was not yet repaired: both cancelled households are flagged
        early = Filter(as_of=__import__("datetime").date(2026, 4, 30))
        assert quality.flagged_ids(c, early, "dishonest_monitored") == {ids[W.hh(1)], ids[W.hh(2)]}


def test_a_ledger_without_the_sheet_is_not_imported(empty_db, tmp_path):
    import_county(empty_db, write_book(tmp_path / "县.xlsx", W.county()), as_of=W.AS_OF)
    with empty_db.connect() as c:
        assert not integrity.integrity_imported(c)


@pytest.mark.parametrize("row, cells, column, words", [
    (2, {"信用修复日期": "2026-02-01"}, "E", "信用修复日期早于认定日期 2026-03-01"),
    (1, {"认定日期": "2026-07-01"}, "C", "晚于数据截至日期"),
    (1, {"失信行为": "不讲卫生"}, "B", ""),
    (1, {"户编号": W.hh(9)}, "A", "不存在"),
])
def test_bad_dishonesty_rows_are_refused_at_the_cell(empty_db, tmp_path, row, cells, column, words):
    book = county()
    book["失信记录"][row - 1].update(cells)
    result = import_files([write_book(tmp_path / "县.xlsx", book)], empty_db, as_of=W.AS_OF)
    assert not result.ok
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("失信记录", row + 1, column)], result.errors
    assert words in result.errors[0].message
    with empty_db.connect() as c:
        assert c.execute(sa.select(sa.func.count()).select_from(dishonesty_records)).scalar() == 0
