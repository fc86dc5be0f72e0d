"""Masking of personal data for a viewer, driven by the marks in queries/schema.py.

Levels: ``full`` (a logged reveal), ``masked`` (county and township users: ID numbers and phones masked)
and ``strict`` (inspectors, administrators, anyone unknown: also names masked, health facts dropped,
因病/因残 hidden, free-text notes withheld). ``mask`` is applied by the dashboard's pipeline
(dashboard/common/data.py) to every result, frames inside dicts and tuples included, before it is cached
for that level: hidden dataframe columns still reach the browser, so masking cannot be left to the view.
"""

from __future__ import annotations

import pandas as pd

from queries.codes import FACTOR_TYPES, HEALTH_FACTOR_TYPES

LEVELS = ("full", "masked", "strict")
SEEN_IN_FULL = {  # kind -> the levels that see it unmasked
    "id_number": {"full"}, "phone": {"full"},
    "name": {"full", "masked"}, "health": {"full", "masked"}, "factor": {"full", "masked"}, "note": {"full", "masked"},
}
KIND_WORDS = {"name": "姓名", "id_number": "身份证号", "phone": "电话", "health": "健康信息", "factor": "风险类型",
              "note": "走访记录"}
MASKED_FACTOR = "支出因子（已脱敏）"   # 因病 and 因残 are both expense factors: the group is all that is shown
WITHHELD_NOTE = "（已脱敏）"
HEALTH_FACTOR_WORDS = set(HEALTH_FACTOR_TYPES) | {FACTOR_TYPES[t][0] for t in HEALTH_FACTOR_TYPES}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NaT


def _keep_ends(value, head: int, tail: int, shortest: int) -> str | None:
    """The first `head` and last `tail` characters kept, the rest starred (all starred below `shortest`)."""
    if _missing(value):
        return None
    s = str(value)
    if len(s) < shortest:
        return "*" * len(s)
    return s[:head] + "*" * (len(s) - head - tail) + s[-tail:]


def mask_id_number(value) -> str | None:
    """430321********1234: area code and the last four kept."""
    return _keep_ends(value, 6, 4, 11)


def mask_phone(value) -> str | None:
    """138****5678."""
    return _keep_ends(value, 3, 4, 7)


def mask_name(value) -> str | None:
    """王** : the surname only."""
    if _missing(value):
        return None
    s = str(value)
    return s[:1] + "*" * max(1, len(s) - 1)


def mask_factors(value):
    """A factor type, or a list of factor labels joined by 、, with 因病/因残 replaced by MASKED_FACTOR."""
    if _missing(value):
        return value
    parts = [MASKED_FACTOR if p in HEALTH_FACTOR_WORDS else p for p in str(value).split("、")]
    return "、".join(dict.fromkeys(parts))


def mask_note(value):
    return value if _missing(value) or value == "" else WITHHELD_NOTE


MASKERS = {"id_number": mask_id_number, "phone": mask_phone, "name": mask_name, "factor": mask_factors,
           "note": mask_note, "health": None}  # None: the column is dropped


def hidden(kind: str, level: str) -> bool:
    """True when a viewer at this level may not see values of this kind in full (unknown levels: strict)."""
    return level not in SEEN_IN_FULL[kind]


def mask(result, personal: dict, level: str):
    """The result fit for a viewer at `level`: every column `personal` names (column -> kind, or for a dict
    result part -> {column -> kind}) masked or dropped; frames in tuples and lists get the same marks."""
    if level == "full":
        return result
    if isinstance(result, pd.DataFrame):
        return _mask_frame(result, personal, level)
    if isinstance(result, dict):
        return {k: mask(v, personal.get(k, {}), level) for k, v in result.items()}
    if isinstance(result, (tuple, list)):
        return type(result)(mask(v, personal, level) for v in result)
    return result


def _mask_frame(df: pd.DataFrame, personal: dict, level: str) -> pd.DataFrame:
    todo = {c: k for c, k in personal.items() if isinstance(k, str) and c in df.columns and hidden(k, level)}
    if not todo:
        return df
    out = df.copy()
    for c, kind in todo.items():
        if MASKERS[kind] is not None:
            out[c] = out[c].map(MASKERS[kind]).astype(object)
    return out.drop(columns=[c for c, k in todo.items() if MASKERS[k] is None])


def mask_frame(df: pd.DataFrame, level: str = "masked") -> pd.DataFrame:
    """A frame whose query is not known (a table handed to an export): masked by its column names, as
    every registered query function declares them (queries.registry.personal_columns)."""
    from queries.registry import personal_columns
    return mask(df, personal_columns(), level)
