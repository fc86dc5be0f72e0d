"""The 台账 importer (seed/importer): round trip, messy spreadsheets, every kind of error, updates in place.

Every test runs on SQLite and PostgreSQL. The fixture county (tests/fixture_db.py) is exported once to the
template format; tests edit copies of that workbook with openpyxl the way a township clerk would.
"""

from __future__ import annotations

import csv
import uuid
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from openpyxl.utils import get_column_letter

from queries import schema
from queries.db import make_engine
from seed.importer import build_template, export_database, import_files
from seed.importer import spec as S
from seed.importer.__main__ import main as cli
from seed.importer.report import BAD_FILL, SUMMARY
from tests.fixture_db import T3, V31, build_fixture, content_hash, gb11643_check, household_code, table_digests

IMPORTED = [sp.table_name for sp in S.sheets()]   # the tables the importer fills
EXCEL_EPOCH = date(1899, 12, 30)


# --- fixtures and helpers -------------------------------------------------------------------------

@pytest.fixture(scope="session")
def fixture_book(tmp_path_factory) -> Path:
    """The fixture county exported (from SQLite) to the import template format."""
    d = tmp_path_factory.mktemp("importer")
    engine = make_engine(f"sqlite:///{d / 'src.db'}", read_only=False)
    schema.metadata.create_all(engine)
    build_fixture(engine)
    export_database(engine, d / "fixture.xlsx")
    engine.dispose()
    return d / "fixture.xlsx"


@pytest.fixture
def county_db(empty_db):
    """The fixture county in a fresh database of the backend."""
    build_fixture(empty_db)
    return empty_db


@pytest.fixture
def other_db(db_backend, request, tmp_path):
    """A second fresh database of the backend, WITHOUT the schema (the importer creates it)."""
    if db_backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'other.db'}", read_only=False)
        yield engine
        engine.dispose()
        return
    import psycopg
    from psycopg import sql
    server = request.getfixturevalue("pg_server")
    name = f"o_{uuid.uuid4().hex[:16]}"
    engine = make_engine(server.create_database(name), read_only=False)
    yield engine
    engine.dispose()
    with psycopg.connect(host="127.0.0.1", port=server.port, user="postgres", dbname="postgres", autocommit=True) as c:
        c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def url_of(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def edit(book: Path, out: Path, *fns) -> Path:
    wb = openpyxl.load_workbook(book)
    for fn in fns:
        fn(wb)
    wb.save(out)
    return out


def col_of(ws, header: str, header_row: int = 1) -> int:
    for cell in ws[header_row]:
        if cell.value == header:
            return cell.column
    raise KeyError(header)


def row_of(ws, header: str, value, header_row: int = 1, nth: int = 1) -> int:
    c = col_of(ws, header, header_row)
    seen = 0
    for r in range(header_row + 1, ws.max_row + 1):
        if ws.cell(row=r, column=c).value == value:
            seen += 1
            if seen == nth:
                return r
    raise KeyError(value)


def setcell(ws, header: str, row: int, value, header_row: int = 1) -> str:
    c = col_of(ws, header, header_row)
    ws.cell(row=row, column=c).value = value
    return get_column_letter(c)


def title_rows(sheet: str, n: int = 2):
    """Insert ``n`` rows above the header with a merged title (what hand-kept 台账 have)."""
    def fn(wb):
        ws = wb[sheet]
        ws.insert_rows(1, n)
        ws.cell(row=1, column=1).value = f"城关镇2026年6月{sheet}台账"
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
        ws.cell(row=2, column=1).value = "填报单位：城关镇人民政府（盖章）"
    return fn


def keep_sheets(*names):
    def fn(wb):
        for ws in list(wb.worksheets):
            if ws.title not in names:
                wb.remove(ws)
    return fn


def scalar(engine, sql, **params):
    with engine.connect() as c:
        return c.execute(sa.text(sql) if isinstance(sql, str) else sql, params).scalar()


def rows(engine, sql, **params):
    with engine.connect() as c:
        return c.execute(sa.text(sql) if isinstance(sql, str) else sql, params).all()


def serial(d: date) -> int:
    return (d - EXCEL_EPOCH).days


H = household_code


# --- round trip -------------------------------------------------------------------------------------

def test_round_trip_through_template(county_db, other_db, tmp_path):
    book = tmp_path / "export.xlsx"
    counts = export_database(county_db, book)
    assert counts["households"] == 20 and counts["members"] == 28 and counts["project_payments"] == 7

    result = import_files([book], other_db, as_of=date(2026, 6, 30))
    assert result.ok, result.errors[:5]
    assert result.errors == []
    want, got = table_digests(county_db), table_digests(other_db)
    assert {t: got[t] for t in IMPORTED} == {t: want[t] for t in IMPORTED}
    assert result.counts["members"] == 28 and result.changes["households"] == {"inserted": 20, "updated": 0}
    meta = dict(rows(other_db, "SELECT key, value FROM meta"))
    assert meta == {"schema_version": schema.SCHEMA_VERSION, "as_of": "2026-06-30", "is_demo": "0"}


def test_reimporting_the_same_file_changes_nothing(empty_db, fixture_book):
    assert import_files([fixture_book], empty_db, as_of=date(2026, 6, 30)).ok
    before = content_hash(empty_db)
    again = import_files([fixture_book], empty_db, as_of=date(2026, 6, 30))
    assert again.ok
    assert content_hash(empty_db) == before
    assert again.changes["members"] == {"inserted": 0, "updated": 28, "deleted": 0}
    assert again.changes["households"] == {"inserted": 0, "updated": 20}


def test_csv_files_in_gbk_and_utf8_round_trip(county_db, other_db, fixture_book, tmp_path):
    """One CSV per sheet (what the national system exports): every value is text; two encodings."""
    wb = openpyxl.load_workbook(fixture_book)
    paths = []
    for n, sp in enumerate(S.sheets()):
        ws = wb[sp.name]
        path = tmp_path / f"青山县_{sp.name}.csv"
        enc = "gb18030" if n % 2 else "utf-8-sig"
        with open(path, "w", encoding=enc, newline="") as f:
            w = csv.writer(f)
            for row in ws.iter_rows(values_only=True):
                w.writerow(["" if v is None else v.date().isoformat() if hasattr(v, "date") else v for v in row])
        paths.append(path)
    result = import_files(paths, other_db)
    assert result.ok, result.errors[:5]
    want, got = table_digests(county_db), table_digests(other_db)
    assert {t: got[t] for t in IMPORTED} == {t: want[t] for t in IMPORTED}


# --- messy spreadsheets import fine -------------------------------------------------------------------

def test_messy_spreadsheet_imports(county_db, tmp_path):
    """Merged title rows, trailing blank rows, numbers as text, full-width characters, Excel serial dates,
    shuffled columns with extra ones, labels and codes mixed."""
    new_vil = T3 + "202"
    id_x = next(i for i in (f"439901198807150{s:02d}" for s in range(1, 100, 2)) if gb11643_check(i) == "X")
    id_x += "X"
    id_m = "43990120100305011"
    id_m += gb11643_check(id_m)
    full = str.maketrans("0123456789Xx-", "０１２３４５６７８９Ｘｘ－")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "行政村"
    ws["A1"] = "石门乡行政村名册"
    ws.merge_cells("A1:D1")
    ws.append([])
    ws.append(["序号", "行政村名称", " 行政村区划代码 ", "乡镇区划代码"])     # header on row 3, spaces around a header
    ws.append([1, "新田村　", new_vil.translate(full), int(T3)])            # full-width code, township as a number
    ws.append(["", None, "　"])                                             # blank-looking trailing rows
    ws.cell(row=12, column=1).fill = BAD_FILL                               # formatted but empty: sheet goes to row 12

    ws = wb.create_sheet("农户信息")
    ws["A1"] = "2026年6月监测户台账"
    ws.merge_cells("A1:H1")
    ws.append(["户编号", "行政村代码", "户类型", "监测对象类别", "识别纳入监测日期", "是否兜底保障户", "帮扶责任人编号", "备注"])
    ws.append([(new_vil + "0001").translate(full), int(new_vil), "脱贫户", "边缘易致贫户", serial(date(2026, 3, 15)),
               "否", "３", "新识别"])
    ws.append([f"{new_vil}0002", f" {new_vil} ", "yb", "sudden", "2026/3/5", "是", None, None])
    ws.append([f"{new_vil}0003", new_vil, "一般农户", "突发严重困难户", "２０２６年４月１日", "否", 2.0, None])
    ws.append([f"{new_vil}0004", new_vil, "一般农户", None, None, "０", "", None])
    for _ in range(3):
        ws.append([None, "", "  "])

    ws = wb.create_sheet("家庭成员")
    ws.append(["户编号", "成员姓名", "身份证号码", "性别", "出生日期", "与户主关系", "是否在校生", "在校阶段", "残疾等级",
               "联系电话", "劳动技能"])
    ws.append([f"{new_vil}0001", "　赵　一", id_x.lower().translate(full), "男", serial(date(1988, 7, 15)), "户主", "否",
               None, "２", 13900001111, "普通劳动力"])
    ws.append([f"{new_vil}0001", "赵小二", f" {id_m} ", "M", "20100305", "子女", None, "初中", None, None, "none"])

    ws = wb.create_sheet("帮扶措施")
    ws.append(["户编号", "政策工具", "措施登记日期", "帮扶金额（元）", "实际完成日期"])
    ws.append([f"{new_vil}0001", "公益性岗位", float(serial(date(2026, 4, 1))), "1,234.50元", "2026-05-01 00:00:00"])
    ws.append([f"{new_vil}0002", "dibao", date(2026, 4, 2), "３００", None])

    ws = wb.create_sheet("年度收入")
    ws.append(["户编号", "年度", "人均纯收入", "家庭纯收入"])
    ws.append([f"{new_vil}0001", "２０２６", "8,000", " 24000 "])
    path = tmp_path / "messy.xlsx"
    wb.save(path)

    result = import_files([path], county_db)
    assert result.ok, [str(e) for e in result.errors]
    assert rows(county_db, "SELECT code, township_code, name FROM villages WHERE code = :c", c=new_vil) == \
        [(new_vil, T3, "新田村")]
    h, m, a, i = schema.households, schema.members, schema.aid_measures, schema.household_income
    hh = {r[0]: r[1:] for r in rows(county_db, sa.select(
        h.c.code, h.c.village_code, h.c.township_code, h.c.hh_type, h.c.monitor_category, h.c.identified_date,
        h.c.assistance_only, h.c.helper_id).where(h.c.village_code == new_vil))}
    assert hh == {
        f"{new_vil}0001": (new_vil, T3, "tp", "marginal", date(2026, 3, 15), False, 3),
        f"{new_vil}0002": (new_vil, T3, "yb", "sudden", date(2026, 3, 5), True, None),
        f"{new_vil}0003": (new_vil, T3, "yb", "sudden", date(2026, 4, 1), False, 2),
        f"{new_vil}0004": (new_vil, T3, "yb", None, None, False, None),
    }
    members = rows(county_db, sa.select(
        m.c.name, m.c.id_number, m.c.gender, m.c.birth_date, m.c.relation, m.c.is_student, m.c.school_stage,
        m.c.disability_level, m.c.phone, m.c.labour, m.c.insured).join(h, h.c.id == m.c.household_id)
        .where(h.c.code == f"{new_vil}0001").order_by(m.c.id))
    assert members == [
        ("赵一", id_x, "M", date(1988, 7, 15), "head", False, None, 2, "13900001111", "normal", True),
        ("赵小二", id_m, "M", date(2010, 3, 5), "child", True, "junior", None, None, "none", True),
    ]
    measures = rows(county_db, sa.select(
        h.c.code, a.c.tool, a.c.tool_group, a.c.department, a.c.registered_date, a.c.amount, a.c.completed_date)
        .join(h, h.c.id == a.c.household_id).where(h.c.village_code == new_vil).order_by(a.c.id))
    assert [tuple(r) for r in measures] == [
        (f"{new_vil}0001", "public_job", "employment", "人社局", date(2026, 4, 1), 1234.5, date(2026, 5, 1)),
        (f"{new_vil}0002", "dibao", "basic", "民政局", date(2026, 4, 2), 300.0, None),
    ]
    inc = rows(county_db, sa.select(i.c.year, i.c.per_capita_income, i.c.total_income)
               .join(h, h.c.id == i.c.household_id).where(h.c.code == f"{new_vil}0001"))
    assert [tuple(r) for r in inc] == [(2026, 8000.0, 24000.0)]
    assert any("备注" in n for n in result.notices)        # the extra column is reported, not an error
    assert scalar(county_db, "SELECT count(*) FROM households") == 24


# --- errors: nothing written, each reported at its cell ---------------------------------------------

def _missing_required(wb):
    ws = wb["农户"]
    r = row_of(ws, "户编号", H(4), header_row=3)
    return [("农户", r, setcell(ws, "户类型", r, None, header_row=3), "必填项「户类型」为空")]


def _unknown_code(wb):
    ws = wb["风险因子"]
    r = row_of(ws, "户编号", H(1))
    return [("风险因子", r, setcell(ws, "风险类型", r, "因懒"), "不在代码表「风险类型」中")]


def _bad_date(wb):
    ws = wb["走访记录"]
    r = row_of(ws, "户编号", H(1))
    return [("走访记录", r, setcell(ws, "走访日期", r, "2026-13-45"), "不是有效日期")]


def _negative_amount(wb):
    ws = wb["帮扶措施"]
    r = row_of(ws, "户编号", H(14), nth=2)
    return [("帮扶措施", r, setcell(ws, "帮扶金额（元）", r, -100), "金额不能为负数")]


def _bad_id_check_digit(wb):
    ws = wb["家庭成员"]
    r = row_of(ws, "户编号", H(3), header_row=3)
    c = col_of(ws, "身份证号", 3)
    idn = ws.cell(row=r, column=c).value
    wrong = next(x for x in "0123456789X" if x != idn[-1])
    ws.cell(row=r, column=c).value = idn[:-1] + wrong
    return [("家庭成员", r, get_column_letter(c), "校验位错误")]


def _short_id(wb):
    ws = wb["家庭成员"]
    r = row_of(ws, "户编号", H(5), header_row=3)
    idn = ws.cell(row=r, column=col_of(ws, "身份证号", 3)).value
    return [("家庭成员", r, setcell(ws, "身份证号", r, idn[:15], header_row=3), "应为18位")]


def _id_as_number(wb):
    ws = wb["家庭成员"]
    r = row_of(ws, "户编号", H(6), header_row=3)
    idn = ws.cell(row=r, column=col_of(ws, "身份证号", 3)).value
    return [("家庭成员", r, setcell(ws, "身份证号", r, float(idn[:17] + "0"), header_row=3), "存成了数字")]


def _unknown_village(wb):
    ws = wb["农户"]
    r = row_of(ws, "户编号", H(2), header_row=3)
    return [("农户", r, setcell(ws, "行政村区划代码", r, "439901101299", header_row=3),
             "行政村区划代码 439901101299 不存在")]


def _missing_household(wb):
    ws = wb["预警线索"]
    r = row_of(ws, "户编号", H(6))
    return [("预警线索", r, setcell(ws, "户编号", r, "4399011012019999"), "户编号 4399011012019999 不存在")]


def _duplicate_household(wb):
    ws = wb["农户"]
    src = row_of(ws, "户编号", H(7), header_row=3)
    ws.append([c.value for c in ws[src]])
    return [("农户", ws.max_row, get_column_letter(col_of(ws, "户编号", 3)), f"与第{src}行重复")]


def _duplicate_id_number(wb):
    ws = wb["家庭成员"]
    c = col_of(ws, "身份证号", 3)
    r9 = row_of(ws, "户编号", H(9), header_row=3)
    r1 = row_of(ws, "户编号", H(8), header_row=3)
    for h in ("姓名", "性别", "出生日期"):   # the same person twice
        ws.cell(row=r9, column=col_of(ws, h, 3)).value = ws.cell(row=r1, column=col_of(ws, h, 3)).value
    ws.cell(row=r9, column=c).value = ws.cell(row=r1, column=c).value
    return [("家庭成员", r9, get_column_letter(c), f"与第{r1}行重复")]


ERROR_CASES = {
    "missing_required": _missing_required, "unknown_code": _unknown_code, "bad_date": _bad_date,
    "negative_amount": _negative_amount, "bad_id_check_digit": _bad_id_check_digit, "short_id": _short_id,
    "id_as_number": _id_as_number,
    "unknown_village": _unknown_village, "missing_household": _missing_household,
    "duplicate_household": _duplicate_household, "duplicate_id_number": _duplicate_id_number,
}


def bad_book(fixture_book: Path, out: Path, cases) -> tuple[Path, list]:
    """The fixture export with merged title rows above 农户 and 家庭成员, and the given errors."""
    expected = []
    edit(fixture_book, out, title_rows("农户"), title_rows("家庭成员"),
         *[lambda wb, fn=fn: expected.extend(fn(wb)) for fn in cases])
    return out, expected


def assert_reported(errors, expected):
    for sheet, row, col, text in expected:
        hits = [e for e in errors if (e.sheet, e.row, e.column) == (sheet, row, col)]
        assert hits, f"no error at {sheet}!{col}{row}; got {[str(e) for e in errors]}"
        assert any(text in e.message for e in hits), [e.message for e in hits]
    assert {(e.sheet, e.row) for e in errors} == {(s, r) for s, r, _, _ in expected}, [str(e) for e in errors]


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_error_writes_nothing_and_is_reported_at_its_cell(case, county_db, fixture_book, tmp_path):
    before = content_hash(county_db)
    book, expected = bad_book(fixture_book, tmp_path / f"{case}.xlsx", [ERROR_CASES[case]])
    result = import_files([book], county_db, report=tmp_path / "report.xlsx")
    assert not result.ok
    assert_reported(result.errors, expected)
    assert content_hash(county_db) == before
    assert result.report_path == tmp_path / "report.xlsx"


def test_error_report_workbook(county_db, fixture_book, tmp_path):
    """All the errors at once: the same workbook comes back with each bad cell filled and commented,
    and a summary sheet first that lists every error with a link to its cell."""
    before = content_hash(county_db)
    book, expected = bad_book(fixture_book, tmp_path / "all_errors.xlsx", list(ERROR_CASES.values()))
    result = import_files([book], county_db, report=tmp_path / "错误报告.xlsx")
    assert not result.ok
    assert_reported(result.errors, expected)
    assert content_hash(county_db) == before

    wb = openpyxl.load_workbook(result.report_path)
    assert wb.sheetnames[0] == SUMMARY and wb.active.title == SUMMARY
    original = openpyxl.load_workbook(book)
    assert wb.sheetnames[1:] == original.sheetnames                 # the same workbook, annotated
    assert wb["农户"]["A1"].value == original["农户"]["A1"].value     # title rows kept
    assert "A1:F1" in {str(m) for m in wb["农户"].merged_cells.ranges}
    for sheet, row, col, text in expected:
        cell = wb[sheet][f"{col}{row}"]
        assert cell.fill.fgColor.rgb.endswith(BAD_FILL.fgColor.rgb[-6:]), (sheet, col, row)
        assert cell.comment is not None and text in cell.comment.text, (sheet, col, row)
    good = wb["农户"]["A4"]
    assert good.comment is None or "必填" in good.comment.text      # header comments of the template stay

    summary = wb[SUMMARY]
    assert str(len(result.errors)) in summary["A1"].value and "未写入任何数据" in summary["A1"].value
    listed = [r for r in summary.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert len(listed) == len(result.errors)
    assert {(r[2], r[3]) for r in listed} == {(s, f"{c}{r}") for s, r, c, _ in expected}
    links = [c.hyperlink.location or c.hyperlink.target for row in summary.iter_rows() for c in row if c.hyperlink]
    assert any(link and "'农户'!" in link for link in links)


def test_member_registered_to_another_household(county_db, fixture_book, tmp_path):
    """A file with only 家庭成员 for household h2 that contains h1's head: one person cannot be in two households."""
    def fn(wb):
        ws = wb["家庭成员"]
        keep = [row_of(ws, "户编号", H(2)), row_of(ws, "户编号", H(1))]
        ws.cell(row=keep[1], column=col_of(ws, "户编号")).value = H(2)
        for r in range(ws.max_row, 1, -1):
            if r not in keep:
                ws.delete_rows(r)
    before = content_hash(county_db)
    book = edit(fixture_book, tmp_path / "members.xlsx", keep_sheets("家庭成员"), fn)
    result = import_files([book], county_db)
    assert not result.ok
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("家庭成员", 2, "C")]
    assert f"已登记为户 {H(1)} 的成员" in result.errors[0].message
    assert content_hash(county_db) == before


def test_several_files_are_all_or_nothing(county_db, fixture_book, tmp_path):
    """Households in one file, their members in another: an error in the second keeps the first out too."""
    new = V31 + "0001"
    head = "43990119750101001"
    head += gb11643_check(head)

    def add_household(wb):
        ws = wb["农户"]
        ws.delete_rows(2, ws.max_row)
        ws.append([new, V31, "一般农户"])

    def add_member(idn):
        def fn(wb):
            ws = wb["家庭成员"]
            ws.delete_rows(2, ws.max_row)
            ws.append([new, "石大山", idn, None, "男", date(1975, 1, 1), "户主"])
        return fn

    a = edit(fixture_book, tmp_path / "a.xlsx", keep_sheets("农户"), add_household)
    b_bad = edit(fixture_book, tmp_path / "b_bad.xlsx", keep_sheets("家庭成员"), add_member(head[:-1] + "Y"))
    before = content_hash(county_db)
    result = import_files([a, b_bad], county_db, report=tmp_path / "r.xlsx")
    assert not result.ok and [(e.file, e.row, e.column) for e in result.errors] == [("b_bad.xlsx", 2, "C")]
    assert content_hash(county_db) == before
    report = openpyxl.load_workbook(result.report_path)          # several files: copies of the bad sheets
    assert report.sheetnames[0] == SUMMARY
    assert report["b_bad-家庭成员"]["C2"].comment is not None

    b = edit(fixture_book, tmp_path / "b.xlsx", keep_sheets("家庭成员"), add_member(head))
    result = import_files([a, b], county_db)
    assert result.ok, result.errors
    assert rows(county_db, "SELECT m.name FROM members m JOIN households h ON h.id = m.household_id "
                           "WHERE h.code = :c", c=new) == [("石大山",)]
    # only the new household is in this import: the other households keep their members
    assert scalar(county_db, "SELECT count(*) FROM members") == 29


# --- updates in place ------------------------------------------------------------------------------------

def test_modified_file_updates_in_place(empty_db, fixture_book, tmp_path):
    assert import_files([fixture_book], empty_db).ok
    hh_ids = dict(rows(empty_db, "SELECT code, id FROM households"))
    member_ids = dict(rows(empty_db, "SELECT id_number, id FROM members"))
    h1_helper = scalar(empty_db, "SELECT helper_id FROM households WHERE code = :c", c=H(1))
    new = V31 + "0001"
    idn = "43990119800808002"
    idn += gb11643_check(idn)

    def change(wb):
        ws = wb["农户"]
        setcell(ws, "户类型", row_of(ws, "户编号", H(1)), "一般农户")
        ws.append([new, V31, "脱贫户"])
        ws.delete_cols(col_of(ws, "帮扶责任人编号"))        # a column the township does not keep: left as it is
        ws = wb["家庭成员"]
        setcell(ws, "联系电话", row_of(ws, "户编号", H(2)), "13911112222")
        ws.append([new, "石二", idn, None, "女", date(1980, 8, 8), "户主"])
        ws = wb["走访记录"]
        ws.delete_rows(row_of(ws, "户编号", H(1), nth=2))
        ws = wb["帮扶项目"]
        setcell(ws, "实际完工日期", row_of(ws, "项目编号", "XM202600001"), date(2026, 6, 28))

    book = edit(fixture_book, tmp_path / "july.xlsx", change)
    result = import_files([book], empty_db)
    assert result.ok, result.errors
    assert result.changes["households"] == {"inserted": 1, "updated": 20}
    assert result.changes["visits"] == {"inserted": 0, "updated": 9, "deleted": 1}

    assert scalar(empty_db, "SELECT hh_type FROM households WHERE code = :c", c=H(1)) == "yb"
    assert scalar(empty_db, "SELECT helper_id FROM households WHERE code = :c", c=H(1)) == h1_helper
    assert scalar(empty_db, "SELECT count(*) FROM households") == 21
    assert scalar(empty_db, "SELECT count(DISTINCT code) FROM households") == 21
    assert {c: i for c, i in rows(empty_db, "SELECT code, id FROM households") if c != new} == hh_ids
    assert scalar(empty_db, "SELECT phone FROM members m JOIN households h ON h.id = m.household_id "
                            "WHERE h.code = :c AND m.relation = 'head'", c=H(2)) == "13911112222"
    now = dict(rows(empty_db, "SELECT id_number, id FROM members"))
    assert {k: v for k, v in now.items() if k != idn} == member_ids and len(now) == 29
    assert scalar(empty_db, "SELECT count(*) FROM visits v JOIN households h ON h.id = v.household_id "
                            "WHERE h.code = :c", c=H(1)) == 1
    assert scalar(empty_db, "SELECT count(*) FROM visits") == 9
    p = schema.projects
    assert scalar(empty_db, sa.select(p.c.actual_completion).where(p.c.code == "XM202600001")) == date(2026, 6, 28)
    assert scalar(empty_db, "SELECT count(*) FROM projects") == 5

    once = content_hash(empty_db)
    assert import_files([book], empty_db).ok           # the same refresh again: nothing moves
    assert content_hash(empty_db) == once


# --- template and CLI -----------------------------------------------------------------------------------

def test_template_workbook(empty_db, tmp_path):
    path = build_template(tmp_path / "导入模板.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["填写说明"] + [sp.name for sp in S.sheets()] + ["数据字典"]
    for sp in S.sheets():
        assert [c.value for c in wb[sp.name][1]] == [c.header for c in sp.columns]
        assert wb[sp.name]["A1"].comment is not None
    words = {v for row in wb["数据字典"].iter_rows(values_only=True) for v in row if v}
    for cl in S.CODE_LISTS:
        assert set(cl.labels.values()) <= words and set(cl.labels) <= words, cl.title
    assert "因务工就业不稳" in words and "身份证号" in words
    rules = {r[0]: r for r in wb["填写说明"].iter_rows(values_only=True) if r and r[0] in {sp.name for sp in S.sheets()}}
    assert "户编号" in rules["农户"][1] and "身份证号" in rules["家庭成员"][2]
    assert any(dv.formula1 and "数据字典" in dv.formula1 for dv in wb["农户"].data_validations.dataValidation)

    before = content_hash(empty_db)
    result = import_files([path], empty_db)           # the blank template: nothing to import
    assert not result.ok and "没有数据行" in result.errors[0].message
    assert content_hash(empty_db) == before


def test_command_line(county_db, other_db, tmp_path, capsys):
    assert cli(["--template", str(tmp_path / "t.xlsx"), "--quiet"]) == 0
    book = tmp_path / "county.xlsx"
    assert cli(["--export", str(book), "--url", url_of(county_db), "--quiet"]) == 0

    assert cli([str(book), "--url", url_of(other_db), "--check"]) == 0
    assert "检查通过" in capsys.readouterr().err
    assert not sa.inspect(other_db).has_table("households") or scalar(other_db, "SELECT count(*) FROM households") == 0

    assert cli([str(book), "--url", url_of(other_db), "--as-of", "2026-06-30"]) == 0
    assert "导入成功" in capsys.readouterr().err
    assert table_digests(other_db)["members"] == table_digests(county_db)["members"]

    bad, _ = bad_book(book, tmp_path / "坏.xlsx", [_unknown_code])
    before = content_hash(other_db)
    assert cli([str(bad), "--url", url_of(other_db)]) == 1
    err = capsys.readouterr().err
    assert "发现 1 处错误" in err and "因懒" in err and "坏_错误报告.xlsx" in err
    assert (tmp_path / "坏_错误报告.xlsx").exists()
    assert content_hash(other_db) == before

    assert cli([str(tmp_path / "nope.xlsx"), "--url", url_of(other_db)]) == 2
    with pytest.raises(SystemExit) as e:
        cli([])
    assert e.value.code == 2
    assert "参数错误" in capsys.readouterr().err

