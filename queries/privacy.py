"""Masking of personal data. Applied to frames before they reach any Streamlit call or export:
hidden dataframe columns still reach the browser, so masking must happen here, not in the view."""

import pandas as pd

PERSONAL_COLUMNS = {"id_number", "phone", "helper_phone"}
HEALTH_COLUMNS = {"health", "disability_level"}


def mask_id_number(value) -> str | None:
    """430321********1234: area code and the last four kept."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    s = str(value)
    if len(s) <= 10:
        return "*" * len(s)
    return s[:6] + "*" * (len(s) - 10) + s[-4:]


def mask_phone(value) -> str | None:
    """138****5678."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    s = str(value)
    if len(s) < 7:
        return "*" * len(s)
    return s[:3] + "*" * (len(s) - 7) + s[-4:]


def mask_name(value) -> str | None:
    """王** : the surname only (for roles that do not see personal data)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    s = str(value)
    return s[:1] + "*" * max(1, len(s) - 1)


NAME_COLUMNS = {"name", "head_name", "helper_name", "visitor_name"}
LEVELS = ("full", "masked", "strict")


def mask_frame(df: pd.DataFrame, level: str = "masked") -> pd.DataFrame:
    """A copy fit for a viewer: 'full' (revealed), 'masked' (ID numbers and phones masked) or
    'strict' (also names masked and health columns dropped). Unknown levels mask strictly."""
    if level == "full":
        return df
    out = df.copy()
    for col in out.columns:
        if col == "id_number":
            out[col] = out[col].map(mask_id_number)
        elif col in ("phone", "helper_phone"):
            out[col] = out[col].map(mask_phone)
        elif level != "masked" and col in NAME_COLUMNS:
            out[col] = out[col].map(mask_name)
    if level != "masked":
        out = out.drop(columns=[c for c in out.columns if c in HEALTH_COLUMNS])
    return out
