"""The counties (one, or a city's several), their townships and villages, and facts about the database itself."""

from dataclasses import replace
from datetime import date

import pandas as pd
import sqlalchemy as sa

from queries import scope
from queries.filters import Filter
from queries.registry import query
from queries.schema import county, meta, townships, villages
from queries.sql import frame, scope_name


@query(scoped=False)
def database_meta(conn) -> dict[str, str]:
    return {k: v for k, v in conn.execute(sa.select(meta.c.key, meta.c.value)).all()}


@query(scoped=False)
def data_as_of(conn) -> date | None:
    """The day the data describes (数据截至): set by the loader in the meta table."""
    value = database_meta(conn).get("as_of")
    return date.fromisoformat(value) if value else None


@query(scoped=False)
def county_info(conn) -> dict:
    row = conn.execute(sa.select(county.c.code, county.c.name, county.c.province).order_by(county.c.code)).first()
    return dict(row._mapping) if row else {}


@query(scoped=False)
def database_name(conn) -> str:
    """Whom the database describes: its county, or the city (meta city_name) when it holds several counties."""
    return scope_name(conn, Filter(as_of=date.min))


@query(scoped=False)
def county_count(conn) -> int:
    """How many counties the database holds: one county's database shows no city level."""
    return conn.execute(sa.select(sa.func.count()).select_from(county)).scalar() or 0


@query(area="code")
def county_list(conn, f: Filter) -> pd.DataFrame:
    """The filter's counties (every county of a city database; a confined user's own only)."""
    stmt = sa.select(county.c.code, county.c.name).order_by(county.c.code)
    if f.county:
        stmt = stmt.where(county.c.code == f.county)
    return frame(conn, stmt, ["code", "name"])


@query(area="code")
def township_list(conn, f: Filter) -> pd.DataFrame:
    """The filter's townships (every township county-wide; a township user's own only)."""
    stmt = (sa.select(townships.c.code, townships.c.name, townships.c.centroid_lon, townships.c.centroid_lat)
            .where(*scope.where(f, townships)).order_by(townships.c.code))
    return frame(conn, stmt, ["code", "name", "lon", "lat"])


@query(area="code")
def village_list(conn, f: Filter) -> pd.DataFrame:
    """The villages of the filter's townships (the village filter itself does not narrow the list)."""
    stmt = (sa.select(villages.c.code, villages.c.name, villages.c.township_code, villages.c.centroid_lon,
                      villages.c.centroid_lat).where(*scope.where(areas_of(f), villages)).order_by(villages.c.code))
    return frame(conn, stmt, ["code", "name", "township_code", "lon", "lat"])


@query(area="code")
def township_boundaries(conn, f: Filter) -> pd.DataFrame:
    stmt = (sa.select(townships.c.code, townships.c.name, townships.c.boundary_geojson)
            .where(*scope.where(f, townships)).order_by(townships.c.code))
    return frame(conn, stmt, ["code", "name", "geojson"])


def areas_of(f: Filter) -> Filter:
    """The filter without its village and category: the areas a filter widget may offer."""
    return replace(f, village=None, category=None)
