"""Cell values from real spreadsheets -> typed values, with the reason in Chinese when they cannot be.

Handles what exported and hand-kept 台账 contain: numbers stored as text ("１２３", "1,234.50", "300元"),
full-width digits, letters and spaces (全角), codes that Excel turned into numbers (439901101201.0),
dates as Excel serial numbers (46096), as text in several spellings (2026/3/5, 2026年3月5日, 20260305)
or as real date cells; 是/否 and friends for yes/no; Chinese labels or codes for code lists.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from datetime import date, datetime, timedelta

from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent
from stdnum.util import isdigits

from seed.importer.spec import Col, CodeList


class Bad(ValueError):
    """A cell that cannot be used; the message (Chinese) goes into the error report."""


EXCEL_EPOCH = date(1899, 12, 30)
MIN_DATE, MAX_DATE = date(1900, 1, 1), date(2100, 12, 31)
MAX_SERIAL = (MAX_DATE - EXCEL_EPOCH).days
_SPACES = re.compile(r"[\s\u200b\ufeff]+")
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_MONEY_JUNK = re.compile(r"[,，\s元¥￥]")
_PHONE = re.compile(r"^\+?[0-9][0-9-]{4,19}$")
_CODE = re.compile(r"^[0-9A-Za-z_\-]+$")


def blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip(" \t\r\n\u3000\xa0\u200b\ufeff"))


def half(s: str) -> str:
    """Full-width (全角) digits, letters, punctuation and spaces -> half-width; trimmed."""
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s)
    return s.strip()


def compact(s: str) -> str:
    """Half-width with every space removed (codes, numbers, ID numbers)."""
    return _SPACES.sub("", half(s))


def _number_text(v) -> str:
    if isinstance(v, bool):
        raise Bad("应为数字，不能填是/否")
    if isinstance(v, (date, datetime)):
        raise Bad("应为数字，单元格却是日期")
    return compact(str(v))


def to_float(v, money: bool = False) -> float:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        x = float(v)
    else:
        s = _number_text(v)
        if money:
            s = _MONEY_JUNK.sub("", s)
        else:
            s = s.replace(",", "")
        try:
            x = float(s)
        except ValueError:
            raise Bad(f"「{str(v).strip()}」不是数字") from None
    if math.isnan(x) or math.isinf(x):
        raise Bad("不是有效数字")
    return x


def to_int(v) -> int:
    x = to_float(v)
    if not x.is_integer():
        raise Bad(f"应为整数，实际为 {x:g}")
    return int(x)


def to_date(v) -> date:
    if isinstance(v, datetime):
        d = v.date()
    elif isinstance(v, date):
        d = v
    elif isinstance(v, bool):
        raise Bad("应为日期")
    elif isinstance(v, (int, float)):
        d = _from_number(float(v), str(v))
    elif isinstance(v, str):
        s = half(v)
        m = _DATE_TEXT.match(s)
        if m:
            d = _ymd(*m.groups(), text=s)
        else:
            t = compact(s)
            if re.fullmatch(r"\d{8}", t):
                d = _ymd(t[:4], t[4:6], t[6:], text=s)
            elif re.fullmatch(r"\d+(\.\d+)?", t):
                d = _from_number(float(t), s)
            else:
                raise Bad(f"「{v.strip()}」不是日期（应为 2026-03-15 这样的格式）")
    else:
        raise Bad("应为日期")
    if not MIN_DATE <= d <= MAX_DATE:
        raise Bad(f"日期 {d.isoformat()} 超出合理范围（1900-01-01 至 2100-12-31）")
    return d


def _from_number(x: float, text: str) -> date:
    """Excel serial day number (what a date cell without date format shows), or yyyymmdd."""
    if 19000101 <= x <= 21001231 and x.is_integer():
        t = str(int(x))
        return _ymd(t[:4], t[4:6], t[6:], text=text)
    if 1900 <= x <= 2100 and x.is_integer():
        raise Bad(f"「{text}」只有年份，缺少月、日")
    if 61 <= x <= MAX_SERIAL:
        return EXCEL_EPOCH + timedelta(days=int(x))
    raise Bad(f"「{text}」不是日期（应为 2026-03-15 这样的格式）")


def _ymd(y, m, d, text) -> date:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        raise Bad(f"「{text}」不是有效日期（月或日超出范围）") from None


TRUE = {"是", "y", "yes", "true", "t", "1", "√", "✓", "有", "对"}
FALSE = {"否", "n", "no", "false", "f", "0", "×", "✗", "无", "不是"}


def to_bool(v) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        if v in (0, 1):
            return bool(v)
        raise Bad(f"应填“是”或“否”，实际为 {v:g}")
    s = compact(str(v)).lower()
    if s in TRUE:
        return True
    if s in FALSE:
        return False
    raise Bad(f"「{str(v).strip()}」应填“是”或“否”")


def code_text(v, col: Col) -> str:
    """A code kept as text; numbers that Excel made of it are turned back (losslessly or not at all)."""
    if isinstance(v, bool):
        raise Bad("应为编码，不能填是/否")
    if isinstance(v, float) or isinstance(v, int):
        x = float(v)
        if not x.is_integer() or x < 0:
            raise Bad(f"编码「{v}」不是整数")
        if x >= 1e15:
            raise Bad("编码被存成了数字且超过15位，Excel 已丢失末尾数字：请把该列设为文本格式后重新填写")
        return str(int(x))
    if isinstance(v, (date, datetime)):
        raise Bad("应为编码，单元格却是日期")
    return compact(str(v))


def to_area(v, col: Col) -> str:
    s = code_text(v, col)
    if not s.isdigit() or len(s) != col.length:
        raise Bad(f"「{s}」应为{col.length}位数字的区划代码")
    return s


def to_code(v, col: Col) -> str:
    s = code_text(v, col)
    if not _CODE.match(s):
        raise Bad(f"编码「{s}」只能由数字、字母、下划线和短横线组成")
    return s


def check_id_number(s: str) -> str:
    """Validates an 18-character ID number (GB 11643): length, digits, birth date, check character.

    The date and the check character come from python-stdnum's ``cn.ric`` (tests/test_id_numbers.py holds
    it to the standard's weights); not its ``validate``, which also refuses area codes missing from its
    list of regions (a county re-coded since, or a test county's 43990x)."""
    if len(s) != 18:
        raise Bad(f"身份证号应为18位，实际为{len(s)}位")
    if not isdigits(s[:17]) or s[17] not in "0123456789X":  # ASCII digits only: "²".isdigit() is True
        raise Bad("身份证号格式不正确：前17位应为数字，末位为数字或X")
    try:
        ric.get_birth_date(s)
    except InvalidComponent:
        raise Bad(f"身份证号中的出生日期 {s[6:14]} 不是有效日期") from None
    want = ric.calc_check_digit(s)
    if s[17] != want:
        raise Bad(f"身份证号校验位错误：按 GB 11643 计算末位应为 {want}，实际为 {s[17]}")
    return s


def to_id_number(v, col: Col) -> str:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        raise Bad("身份证号被存成了数字，Excel 只保留15位有效数字，末尾几位已丢失：请把该列设为文本格式后重新填写")
    if not isinstance(v, str):
        raise Bad("身份证号应为文本")
    return check_id_number(compact(v).upper())


def id_birth(s: str) -> date:
    return date(int(s[6:10]), int(s[10:12]), int(s[12:14]))


def id_male(s: str) -> bool:
    return int(s[16]) % 2 == 1


def to_phone(v, col: Col) -> str:
    s = code_text(v, col)
    if not _PHONE.match(s):
        raise Bad(f"「{s}」不是有效的电话号码")
    return s


def to_text(v, col: Col) -> str:
    if isinstance(v, float) and v.is_integer():
        s = str(int(v))
    elif isinstance(v, (date, datetime)):
        s = v.isoformat()
    else:
        s = str(v).strip(" \t\r\n\u3000\xa0\u200b\ufeff")
    if col.max_len and len(s) > col.max_len:
        raise Bad(f"内容过长：最多{col.max_len}个字，实际{len(s)}个字")
    return s


def to_name(v, col: Col) -> str:
    """A person's name: spaces (also full-width ones used to pad two-character names) removed."""
    s = _SPACES.sub("", to_text(v, col)).replace("\u3000", "")
    if col.max_len and len(s) > col.max_len:
        raise Bad(f"内容过长：最多{col.max_len}个字，实际{len(s)}个字")
    return s


def to_json(v, col: Col) -> str:
    s = str(v).strip()
    try:
        json.loads(s)
    except ValueError:
        raise Bad("不是有效的 GeoJSON（JSON 格式错误）") from None
    return s


class EnumReader:
    """A code-list cell: the code or its Chinese label (or a common alias), loosely compared."""

    def __init__(self, codes: CodeList):
        self.codes = codes
        self.exact: dict = {}
        for code, label in codes.labels.items():
            self.exact[code] = code
            self.exact[label] = code
        self.loose = {self.norm(k): v for k, v in self.exact.items()}
        self.loose.update({self.norm(k): v for k, v in codes.aliases.items()})

    @staticmethod
    def norm(s: str) -> str:
        return _SPACES.sub("", unicodedata.normalize("NFKC", s)).lower()

    def __call__(self, v) -> str:
        if isinstance(v, float) and v.is_integer():
            v = str(int(v))
        elif not isinstance(v, str):
            v = str(v)
        code = self.exact.get(v)
        if code is None:
            code = self.loose.get(self.norm(v))
        if code is None:
            raise Bad(f"「{v.strip()}」不在代码表「{self.codes.title}」中，可填：{self.choices()}")
        return code

    def choices(self) -> str:
        items = [f"{label}（{code}）" for code, label in self.codes.labels.items()]
        if len(items) > 8:
            return "、".join(items[:8]) + f" 等{len(items)}项，见「数据字典」工作表"
        return "、".join(items)


def number_reader(col: Col):
    money = col.kind == "money"

    def read(v, col=col):
        x = to_float(v, money=money)
        if money:
            if x < 0:
                raise Bad(f"金额不能为负数（{x:g}）")
            x = round(x, 2)
        return in_range(x, col, f"{x:g}")
    return read


def int_reader(col: Col):
    def read(v, col=col):
        x = to_int(v)
        return in_range(x, col, str(x))
    return read


def in_range(x, col: Col, shown: str):
    """x if it is within the column's bounds, else Bad naming the bound (`shown`: x as the message writes it)."""
    if col.lo is not None and x < col.lo:
        raise Bad(f"数值 {shown} 小于允许的最小值 {col.lo:g}")
    if col.hi is not None and x > col.hi:
        raise Bad(f"数值 {shown} 大于允许的最大值 {col.hi:g}")
    return x


def ratio_reader(col: Col):
    def read(v, col=col):
        if isinstance(v, str) and compact(v).endswith("%"):
            return to_float(compact(v)[:-1]) / 100
        x = to_float(v)
        if x < 0:
            raise Bad(f"目标值不能为负数（{x:g}）")
        return x
    return read


def scope_reader(col: Col):
    from seed.importer.spec import TARGET_SCOPES
    enum = EnumReader(TARGET_SCOPES)

    def read(v, col=col):
        try:
            return enum(v)
        except Bad:
            s = code_text(v, col)
            if s.isdigit() and len(s) in (6, 9):
                return s
            raise Bad(f"「{s}」应填“全县”、6位县级或9位乡镇区划代码") from None
    return read


def reader(col: Col):
    """The converter for a column: value -> typed value, or raises Bad."""
    k = col.kind
    if k == "enum":
        return EnumReader(col.codes)
    if k in ("money", "number"):
        return number_reader(col)
    if k == "int":
        return int_reader(col)
    if k == "ratio":
        return ratio_reader(col)
    if k == "scope":
        return scope_reader(col)
    if k == "date":
        return lambda v, col=col: to_date(v)
    if k == "bool":
        return lambda v, col=col: to_bool(v)
    fn = {"text": to_text, "name": to_name, "code": to_code, "area": to_area, "id_number": to_id_number, "phone": to_phone,
          "json": to_json}[k]
    return lambda v, col=col: fn(v, col)
