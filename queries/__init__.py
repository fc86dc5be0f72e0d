"""The query layer: plain functions (connection, Filter) -> DataFrame, all aggregation in SQL.
No Streamlit here; every number on screen comes from a function in this package."""

from queries import aid, areas, factors, households, inspection, kpis, leads, quality, ranking, targets, trends  # noqa: F401  (registers metrics)
from queries.filters import Filter  # noqa: F401
