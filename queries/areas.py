"""The county, its townships and villages, and facts about the database itself."""

from datetime import date

import pandas as pd
import sqlalchemy as sa

from queries.schema import county, meta, townships, villages
from queries.sql import frame


def database_meta(conn) -> dict[str, str]:
    return {k: v for k, v in conn.execute(sa.select(meta.c.key, meta.c.value)).all()}


def data_as_of(conn) -> date | None:
    """The day the data describes (数据截至): set by the loader in the meta table."""
    value = database_meta(conn).get("as_of")
    return date.fromisoformat(value) if value else None


def county_info(conn) -> dict:
    row = conn.execute(sa.select(county.c.code, county.c.name, county.c.province).order_by(county.c.code)).first()
    return dict(row._mapping) if row else {}


def township_list(conn, scope: str | None = None) -> pd.DataFrame:
    """Townships (only the scope's own for a user confined to one)."""
    stmt = sa.select(townships.c.code, townships.c.name, townships.c.centroid_lon, townships.c.centroid_lat
                     ).order_by(townships.c.code)
    if scope:
        stmt = stmt.where(townships.c.code == scope)
    return frame(conn, stmt, ["code", "name", "lon", "lat"])


def village_list(conn, township: str | None = None, scope: str | None = None) -> pd.DataFrame:
    stmt = sa.select(villages.c.code, villages.c.name, villages.c.township_code,
                     villages.c.centroid_lon, villages.c.centroid_lat).order_by(villages.c.code)
    if township:
        stmt = stmt.where(villages.c.township_code == township)
    if scope:
        stmt = stmt.where(villages.c.township_code == scope)
    return frame(conn, stmt, ["code", "name", "township_code", "lon", "lat"])


def township_boundaries(conn, scope: str | None = None) -> pd.DataFrame:
    stmt = sa.select(townships.c.code, townships.c.name, townships.c.boundary_geojson).order_by(townships.c.code)
    if scope:
        stmt = stmt.where(townships.c.code == scope)
    return frame(conn, stmt, ["code", "name", "geojson"])
