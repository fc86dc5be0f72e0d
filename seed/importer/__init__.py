"""Importing township 台账 (Excel .xlsx/.xls or CSV, in the template format) into the monitoring database.

    from seed.importer import import_files
    result = import_files(["6月台账.xlsx"], engine, report="错误报告.xlsx")
    result.ok, result.counts, result.errors   # errors: Issue(file, sheet, row, column, header, message)

All or nothing: the files are read and every row is checked (spec.py, values.py, validate.py) before one
transaction writes them (write.py); any error writes nothing and, with ``report``, produces the annotated
workbook (report.py). CLI: ``python -m seed.importer --help``.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from queries import schema
from seed import derive
from seed.importer.read import ReadError, locate, read_file
from seed.importer.result import ImportResult, Issue
from seed.importer.template import build_template, export_database
from seed.importer.validate import check_references, convert, future_checks, lead_notices
from seed.importer.write import State, apply

__all__ = ["import_files", "ImportResult", "Issue", "build_template", "export_database", "write_report"]


def import_files(paths, engine: sa.Engine, *, report: str | Path | None = None, as_of: date | None = None,
                 check_only: bool = False) -> ImportResult:
    """Validate ``paths`` together and, if there is no error (and not ``check_only``), write them in one
    transaction. ``engine`` must be writable (``queries.db.make_engine(url, read_only=False)``); missing
    tables are created. ``as_of`` (default today) is stored as the data's 数据截至 date in ``meta``.
    With ``report`` and errors, the annotated error workbook is written there (``result.report_path``)."""
    t0 = time.perf_counter()
    paths = [Path(p) for p in paths]
    errors: list[Issue] = []
    notices: list[str] = []
    parsed = []
    for p in paths:
        try:
            raws = read_file(p)
        except ReadError as e:
            errors.append(Issue(p.name, p.name, None, None, None, str(e)))
            continue
        for raw in raws:
            ps, errs, notes = locate(raw)
            errors += errs
            notices += notes
            if ps is not None:
                parsed.append(ps)
    if not parsed and not errors:
        errors.append(Issue(paths[0].name if paths else "", "", None, None, None,
                            "文件中没有可导入的工作表（工作表名称或表头与导入模板不符）"))
    elif parsed and not any(ps.data for ps in parsed):
        errors.append(Issue(paths[0].name, "", None, None, None, "文件中没有数据行（只有表头）"))
    batch = convert(parsed)
    future_checks(batch, as_of or date.today())
    errors += batch.issues
    batch.issues = []

    result = ImportResult(ok=False, notices=notices)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")   # hold the write lock from the first read to the commit
        else:   # one import at a time: new ids are max(id) + 1, ...
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4399010917)")
        try:
            schema.metadata.create_all(conn)
            state = State(conn)
            version = state.meta().get("schema_version")
            if version not in (None, schema.SCHEMA_VERSION):
                errors.append(Issue("数据库", "", None, None, None,
                                    f"数据库结构版本为 {version}，导入工具需要版本 {schema.SCHEMA_VERSION}"))
            check_references(batch, state)
            errors += batch.issues
            lead_notices(batch, _household_dates(conn, batch))
            notices += batch.notices
            if errors or check_only:
                conn.rollback()
            else:
                result.counts, result.changes = apply(conn, batch, state, as_of or date.today())
                derive.refresh(conn)
                conn.commit()
                result.ok = True
        except BaseException:
            conn.rollback()
            raise
    if check_only and not errors:
        result.ok = True
        result.counts = {t: len(recs) for t, recs in batch.records.items()}
    result.errors = _sorted(errors, paths, parsed)
    result.seconds = time.perf_counter() - t0
    if result.errors and report is not None:
        from seed.importer.report import write_report
        result.report_path = write_report(result.errors, paths, Path(report), notices)
    return result


def _household_dates(conn, batch) -> dict:
    """(identified, eliminated) of the households this import's leads belong to, as the database holds them."""
    codes = sorted({r.v["household_code"] for r in batch.rows("warnings") if r.ok("household_code")})
    hh, out = schema.households, {}
    for i in range(0, len(codes), 5000):
        rows = conn.execute(sa.select(hh.c.code, hh.c.identified_date, hh.c.eliminated_date)
                            .where(hh.c.code.in_(codes[i:i + 5000]))).all()
        out |= {code: (_day(a), _day(b)) for code, a, b in rows}
    return out


def _day(v):
    """A stored date as a date (SQLite gives ISO strings back through Core for Date columns only)."""
    return date.fromisoformat(v) if isinstance(v, str) else v


def _sorted(errors: list[Issue], paths: list[Path], parsed) -> list[Issue]:
    from openpyxl.utils import column_index_from_string
    files = {p.name: i for i, p in enumerate(paths)}
    sheets = {}
    for ps in parsed:
        sheets.setdefault((ps.file, ps.name), len(sheets))
    return sorted(errors, key=lambda e: (files.get(e.file, -1), sheets.get((e.file, e.sheet), -1), e.row or 0,
                                         column_index_from_string(e.column) if e.column else 0))


def write_report(result: ImportResult, paths, out) -> Path:
    from seed.importer.report import write_report as _write
    return _write(result.errors, [Path(p) for p in paths], Path(out), result.notices)
