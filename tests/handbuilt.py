"""Counties built by hand, as a township clerk would type them, in the import template's format.

Tests describe a small county as sheets of rows keyed by the template's Chinese headers (only the columns
they need), write it with ``write_book`` and import it with the real importer (``import_county``). The
expected figures are then computed by hand from the written 口径, never from the generator's assumptions.

    book = write_book(tmp_path / "县.xlsx", {
        "县": [{"县级区划代码": "430399", "县名称": "手工县"}],
        "乡镇": [{"乡镇区划代码": "430399001", "乡镇名称": "甲镇"}],
        ...
    })
    import_county(engine, book, as_of=date(2026, 6, 30))
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from seed.importer import import_files

County = dict[str, list[dict]]  # sheet name -> rows {Chinese header: value}


def gb11643(id17: str) -> str:
    """An 18-character ID number: id17 plus its GB 11643 check character."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return id17 + "10X98765432"[sum(int(c) * w for c, w in zip(id17, weights)) % 11]


def person_id(county_code: str, birth: date, seq: int, male: bool = True) -> str:
    """A valid ID number for someone born on `birth` (seq 0..499 keeps numbers distinct within a test)."""
    order = f"{seq % 500 * 2 + (1 if male else 0):03d}"
    return gb11643(f"{county_code}{birth:%Y%m%d}{order}")


def write_book(path: Path, county: County) -> Path:
    """One sheet per table, header row first, cells as given (text stays text: openpyxl writes a str
    beginning with '=' as a formula, so hostile-content tests set such cells with ``data_type='s'``)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet, rows in county.items():
        ws = wb.create_sheet(sheet)
        headers = list(dict.fromkeys(h for r in rows for h in r))
        ws.append(headers)
        for r in rows:
            ws.append([None] * len(headers))
            for i, h in enumerate(headers, start=1):
                value = r.get(h)
                if value is None:
                    continue
                cell = ws.cell(row=ws.max_row, column=i, value=value)
                if isinstance(value, str) and value[:1] in "=+-@":
                    cell.data_type = "s"  # as typed text, not a formula
    wb.save(path)
    return path


def import_county(engine, path: Path, as_of: date):
    """Import through the real importer; fails the test with the importer's own messages on any error."""
    result = import_files([path], engine, as_of=as_of)
    assert result.ok, "\n".join(f"{e.sheet} 第{e.row}行 {e.header}: {e.message}" for e in result.errors)
    return result
