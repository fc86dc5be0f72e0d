"""Number formatting shared by cards, tables and tests (tests format query values the same way)."""

import math


def _bad(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def count(v) -> str:
    return "—" if _bad(v) else f"{int(round(float(v))):,}"


def pct(v, digits: int = 1) -> str:
    return "—" if _bad(v) else f"{float(v):.{digits}f}%"


def number(v, digits: int = 1) -> str:
    return "—" if _bad(v) else f"{float(v):,.{digits}f}"


def yuan_wan(v) -> str:
    """Yuan shown as 万元 (how budgets are spoken of in meetings)."""
    return "—" if _bad(v) else f"{float(v) / 10_000:,.1f}万元"


def delta(v, unit: str = "") -> str | None:
    """Change vs the previous quarter: '+13', '-2', '+1.9个百分点'; None when unknown."""
    if _bad(v):
        return None
    if unit == "%":
        return f"{float(v):+.1f}个百分点"
    return f"{int(round(float(v))):+,}"


def value(v, unit: str) -> str:
    return pct(v) if unit == "%" else count(v)
