"""Reading .xlsx/.xls/.csv files into rows that keep their position (sheet, Excel row, column).

* Excel workbooks are read with python-calamine (fast: ~10x openpyxl on 300k-row sheets); every sheet is
  read from cell A1, so row ``i`` of ``RawSheet.rows`` is Excel row ``i + 1``.
* CSV: UTF-8 (with or without BOM) or GB18030 (what Excel writes on Chinese Windows); comma or tab.
* Which table a sheet holds: by its name (农户, households, 农户信息 ...) or else by its headers.
* The header row is found among the first rows (merged title rows above it are skipped); blank rows are
  skipped wherever they are; unknown columns (序号, 备注 ...) are ignored and listed as notices.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from seed.importer import spec as S
from seed.importer.result import Issue
from seed.importer.values import blank

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
HEADER_SCAN_ROWS = 30


@dataclass
class RawSheet:
    path: Path
    name: str                 # worksheet name; for a CSV file its file name
    rows: list[list]          # rows[i] is Excel row i + 1
    is_csv: bool = False

    @property
    def file(self) -> str:
        return self.path.name


@dataclass
class ParsedSheet:
    raw: RawSheet
    spec: S.SheetSpec
    header_row: int                       # Excel row number of the header
    columns: dict[str, int]               # record field -> 0-based column index
    data: list[tuple[int, list]] = field(default_factory=list)   # (Excel row, cells)
    ignored: list[str] = field(default_factory=list)

    @property
    def file(self) -> str:
        return self.raw.file

    @property
    def name(self) -> str:
        return self.raw.name

    def letter(self, key: str) -> str | None:
        i = self.columns.get(key)
        return None if i is None else get_column_letter(i + 1)

    def issue(self, row: int | None, key: str | None, message: str) -> Issue:
        col = self.spec.col(key) if key else None
        return Issue(self.file, self.name, row, self.letter(key) if key else None,
                     col.header if col else None, message)


class ReadError(Exception):
    pass


def read_file(path: Path) -> list[RawSheet]:
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise ReadError("文件不存在")
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path)
    if suffix in CSV_SUFFIXES:
        return [_read_csv(path)]
    raise ReadError(f"不支持的文件类型 {suffix or '（无扩展名）'}：请使用 .xlsx、.xls 或 .csv")


def _read_excel(path: Path) -> list[RawSheet]:
    from python_calamine import CalamineWorkbook
    try:
        wb = CalamineWorkbook.from_path(str(path))
        out = []
        for name in wb.sheet_names:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            out.append(RawSheet(path, name, rows))
        return out
    except Exception as e:  # calamine raises its own error types for damaged or non-Excel files
        raise ReadError(f"无法读取 Excel 文件（文件损坏或不是 Excel 格式）：{str(e).splitlines()[0] if str(e) else type(e).__name__}") from None


def _read_csv(path: Path) -> RawSheet:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes nearly anything; kept for completeness
        raise ReadError("无法识别 CSV 文件的编码（应为 UTF-8 或 GBK/GB18030）")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if path.suffix.lower() == ".tsv" or ("\t" in first and "," not in first) else ","
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return RawSheet(path, path.name, rows, is_csv=True)


# --- which table, which header row ----------------------------------------------------------------

def _forms(sp: S.SheetSpec) -> dict[str, str]:
    out = {}
    for c in sp.columns:
        for f in S.header_forms(c):
            out.setdefault(f, c.key)
    return out


_FORMS: dict[str, dict[str, str]] = {}


def forms(sp: S.SheetSpec) -> dict[str, str]:
    if sp.table_name not in _FORMS:
        _FORMS[sp.table_name] = _forms(sp)
    return _FORMS[sp.table_name]


def _names() -> dict[str, S.SheetSpec]:
    out = {}
    for sp in S.sheets():
        for n in (sp.name, sp.table_name, *sp.aliases):
            out[S.norm_header(n)] = sp
    return out


def spec_by_name(name: str, is_csv: bool) -> S.SheetSpec | None:
    names = _names()
    stem = Path(name).stem if is_csv else name
    n = S.norm_header(stem)
    if n in names:
        return names[n]
    # "城关镇_农户", "2026年6月-家庭成员": the last (or first) part names the table
    parts = [p for p in re.split(r"[_\-—·.、()（）\[\]【】]+", n) if p]
    for p in reversed(parts):
        if p in names:
            return names[p]
    return None


def _score(rows: list[list], sp: S.SheetSpec) -> tuple[int, int]:
    """(matched headers, Excel row) of the best header row among the first rows."""
    f = forms(sp)
    best = (0, 0)
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        keys = {f.get(S.norm_header(v)) for v in row if isinstance(v, str) and v.strip()}
        keys.discard(None)
        if len(keys) > best[0]:
            best = (len(keys), i + 1)
    return best


def _has_required(rows, sp: S.SheetSpec, header_row: int) -> bool:
    f = forms(sp)
    keys = {f.get(S.norm_header(v)) for v in rows[header_row - 1] if isinstance(v, str)}
    return all(c.key in keys for c in sp.columns if c.required)


def locate(raw: RawSheet) -> tuple[ParsedSheet | None, list[Issue], list[str]]:
    """Find the table and header row of a sheet; map its columns. Returns (parsed or None, errors, notices)."""
    where = raw.name if not raw.is_csv else raw.file
    if not raw.is_csv and S.norm_header(raw.name) in {S.norm_header(n) for n in S.NON_DATA_SHEETS}:
        return None, [], []
    if not any(any(not blank(v) for v in r) for r in raw.rows):
        return None, [], ([f"{raw.file}：工作表「{raw.name}」是空的，已跳过"] if not raw.is_csv else [])
    sp = spec_by_name(raw.name, raw.is_csv)
    if sp is not None:
        score, header_row = _score(raw.rows, sp)
        if score == 0:
            return None, [Issue(raw.file, raw.name, None, None, None,
                                f"找不到「{sp.name}」表的表头行（前{HEADER_SCAN_ROWS}行中没有可识别的列名）")], []
    else:
        cands = []
        for cand in S.sheets():
            score, header_row = _score(raw.rows, cand)
            if score >= 2 and _has_required(raw.rows, cand, header_row):
                cands.append((score, score / len(cand.columns), cand, header_row))
        if not cands:
            if raw.is_csv:
                return None, [Issue(raw.file, raw.name, None, None, None,
                                    "无法识别这个 CSV 文件是哪张表：请用表名命名文件（如 农户.csv、家庭成员.csv），"
                                    "或使用导入模板的列名")], []
            return None, [], [f"{raw.file}：工作表「{raw.name}」无法识别为任何一张表，已忽略"]
        cands.sort(key=lambda c: (c[0], c[1]), reverse=True)
        _, _, sp, header_row = cands[0]

    f = forms(sp)
    header = raw.rows[header_row - 1]
    columns: dict[str, int] = {}
    issues, ignored = [], []
    for i, v in enumerate(header):
        if blank(v):
            continue
        key = f.get(S.norm_header(v))
        if key is None:
            ignored.append(str(v).strip())
        elif key in columns:
            issues.append(Issue(raw.file, raw.name, header_row, get_column_letter(i + 1), str(v).strip(),
                                f"列名重复：与 {get_column_letter(columns[key] + 1)} 列都是「{sp.col(key).header}」"))
        else:
            columns[key] = i
    parsed = ParsedSheet(raw, sp, header_row, columns, ignored=ignored)
    for c in sp.columns:
        if c.required and c.key not in columns:
            issues.append(Issue(raw.file, raw.name, header_row, None, c.header,
                                f"缺少必填列「{c.header}」（表头在第{header_row}行）"))
    parsed.data = [(i + 1, r) for i, r in enumerate(raw.rows[header_row:], start=header_row)
                   if not all(map(blank, r))]
    notices = []
    if sp.prefilled:
        typed = [i for k, i in columns.items() if k not in sp.prefilled]
        unused = {n for n, r in parsed.data if all(blank(r[i]) for i in typed if i < len(r))}
        if unused:
            parsed.data = [(n, r) for n, r in parsed.data if n not in unused]
            notices.append(f"{raw.file}「{where}」：{len(unused)} 行只预填了"
                           f"{'、'.join(sp.col(k).header for k in sp.prefilled)}，未填写问题，已跳过")
    if ignored:
        notices.append(f"{raw.file}「{where}」：以下列不在模板中，已忽略：{'、'.join(ignored)}")
    if not raw.is_csv and sp.name != raw.name:
        notices.append(f"{raw.file}：工作表「{raw.name}」按「{sp.name}」表导入")
    return parsed, issues, notices
