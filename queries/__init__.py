"""The query layer: plain functions (connection, Filter, ...) -> DataFrame, all aggregation in SQL, each
registered (queries/registry.py) with how its rows lie in an area and which columns are personal.
No Streamlit here; every number on screen comes from a function in this package, through the dashboard's
one pipeline (dashboard/common/data.py)."""

from queries import (aid, areas, departments, factors, households, inspection, integrity, kpis, leads,  # noqa: F401
                     quality, ranking, screening, targets, timeline, trends, workflow)  # (registers metrics and queries)
from queries.filters import Filter  # noqa: F401
