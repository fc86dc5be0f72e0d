"""The personal values a role may not see in full, generated from the marks in queries/schema.py: every value
in the database of every column marked ``personal`` whose kind the role's masking level hides
(queries/privacy.hidden). A new personal column is covered as soon as it is marked. Used by the websocket scan
of every page (tests/test_personal_data_leaks.py) and by the scan of every export (tests/test_hostile_exports.py)."""

from __future__ import annotations

import sqlalchemy as sa

from queries import privacy
from queries.schema import metadata

ROLES = {"county": "masked", "township": "masked", "inspector": "strict", "admin": "strict"}  # user -> masking level
TEXT_KINDS = {"name", "id_number", "phone", "note"}


def marked_columns():
    return [(t, c) for t in metadata.sorted_tables for c in t.columns if "personal" in c.info]


def public_texts(conn) -> list[str]:
    """Every value of the unmarked text columns (area, project and unit names ...): anyone may see them."""
    out = []
    for t in metadata.sorted_tables:
        for c in t.columns:
            if "personal" not in c.info and isinstance(c.type, (sa.String, sa.Text)) and t.name != "precomputed":
                out += [str(v) for v in conn.execute(sa.select(c).where(c.is_not(None)).distinct()).scalars()]
    return out


def forbidden(url: str, level: str) -> dict[str, set[str]]:
    """kind -> every value of the columns of that kind the level may not see in full (less the values that
    stand in a public text too, such as a county that named a township like a person)."""
    out: dict[str, set[str]] = {}
    with sa.create_engine(url).connect() as conn:
        public = public_texts(conn)
        for t, c in marked_columns():
            kind = c.info["personal"]
            if kind in TEXT_KINDS and privacy.hidden(kind, level):
                values = {str(v) for v in conn.execute(sa.select(c).where(c.is_not(None)).distinct()).scalars()}
                out.setdefault(kind, set()).update(
                    v for v in values if len(v) >= 2 and not any(v in p for p in public))
    return out


def leaked(blob: bytes, values: dict[str, set[str]]) -> list[str]:
    return sorted(f"{k}:{v}" for k, vs in values.items() for v in vs if v.encode() in blob)
