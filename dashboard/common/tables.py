"""Tables on the page: every st.dataframe goes through `dataframe` here, which gives each number column a fixed
format, so that a count reads 3,369 in the table as it does in the captions (fmt.count), the Excel export and
the page print.

A column's format follows its kind, the one the exports use (dashboard/exporting/xlsx.column_kind: from the
header and the values, e.g. "…%"/"…率" a percentage, "百分点" a change in points, "较上季度" a signed change,
whole numbers counts), and a page's own `kinds` override it, the same dict it gives exports.table_download.
Codes and years are never numbers with separators: codes (户编号, 区划代码) are text in every frame, and a
number column whose header names a year or a code (年度, 编号, 代码) is shown plain (2026, not 2,026).

    tables.dataframe(view, hide_index=True, width="stretch", kinds={"每百户预警": "num2"},
                     column_config={"村": st.column_config.TextColumn(pinned=True)})
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from dashboard.exporting.xlsx import column_kind

# kind -> the printf-style format of st.column_config.NumberColumn ("," puts in thousands separators);
# the same digits as xlsx.FORMATS and page_pdf.cell_text. Percentages are given in percent (93.2).
FORMATS = {
    "int": "%,d",
    "num1": "%,.1f",
    "num2": "%,.2f",
    "pct": "%.1f%%",
    "pp": "%+.1f",
    "signed": "%+,d",
    "signed1": "%+,.1f",
    "signed2": "%+,.2f",
    "plain": "%d",
}
PLAIN_WORDS = ("年度", "年份", "编号", "代码")  # a number column named so is a year or a code: no separators


def kind(name, s: pd.Series, kinds: Mapping[str, str] | None = None) -> str:
    """The column's kind: the page's own, else the exports' guess; a year or code column is "plain"."""
    given = (kinds or {}).get(name)
    if given:
        return given
    guessed = column_kind(name, s)
    if guessed == "int" and any(w in str(name) for w in PLAIN_WORDS):
        return "plain"
    return guessed


def _with_format(given, fmt: str):
    """`given` (a page's config of the column: a label, a generic or a number column) with the format; a
    column the page configured as another type (text, progress, link ...) stays as it is."""
    if given is None:  # the column is hidden
        return None
    if isinstance(given, str):
        return st.column_config.NumberColumn(given, format=fmt)
    if not isinstance(given, Mapping):
        return given
    type_config = dict(given.get("type_config") or {})
    if type_config.get("type") not in (None, "number") or type_config.get("format"):
        return given
    number = st.column_config.NumberColumn(format=fmt)["type_config"]
    return {**given, "type_config": {**number, **{k: v for k, v in type_config.items() if v is not None},
                                     "type": "number", "format": fmt}}


def config_for(frame: pd.DataFrame | Styler, config: Mapping | None = None,
                  kinds: Mapping[str, str] | None = None) -> dict:
    """The column_config for st.dataframe(frame): `config` (the page's own column settings) with a format
    for every number column that has none."""
    data = frame.data if isinstance(frame, Styler) else frame
    out = dict(config or {})
    for j, name in enumerate(data.columns):
        fmt = FORMATS.get(kind(name, data.iloc[:, j], kinds))
        if fmt is None:  # text, dates
            continue
        out[name] = _with_format(out[name], fmt) if name in out else st.column_config.NumberColumn(format=fmt)
    return out


def dataframe(frame: pd.DataFrame | Styler, *, column_config: Mapping | None = None,
              kinds: Mapping[str, str] | None = None, **kwargs):
    """st.dataframe with the number formats above (and everything else as the caller gives it)."""
    return st.dataframe(frame, column_config=config_for(frame, column_config, kinds), **kwargs)
