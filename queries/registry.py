"""The registry of query functions: what dashboard.common.data.query may call, and what it must know.

A query function is registered where it is defined, with ``@query(...)``:

* ``area`` - how its result lies in an area, checked for every township user by tests/test_scope_property.py:
  the name of a result column holding an area code (``"code"``, ``"township_code"``, ``"village_code"``) or
  a household id (``"household_id"``), found in every frame of the result (also in a dict or tuple of
  frames); ``None`` for results that are not rows of areas (one-row aggregates, per-type totals), which must
  equal the same call asked explicitly for the township by a county user.
* ``personal`` - result column -> the schema column it shows (``{part: {...}}`` for a dict of frames). The
  kind of personal data comes from the schema column's mark (queries/schema.py ``personal``), never from a
  list here; the pipeline masks those columns for the viewer (queries/privacy.py).
* ``search`` - parameter -> the schema column it searches: refused for viewers who may not see that column
  (a name search would confirm a name its results mask).
* ``view_of`` - for personal-data views (audited by the pipeline): the audited target from the result,
  e.g. the household code; None when nothing was found.
* ``scoped=False`` - facts about the database itself (meta, the county's name): they take no filter.

Every scoped query function takes the Filter (queries/filters.py) as its first argument after the
connection, so the pipeline can clamp it to the viewer's township before the call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class QuerySpec:
    fn: Callable
    name: str                      # stable: "module:function" (also the key of stored results)
    area: str | None
    personal: dict                 # result column -> kind, or part -> {column -> kind}
    search: dict                   # parameter -> kind
    view_of: Callable | None
    scoped: bool

    @property
    def household_view(self) -> bool:
        return self.view_of is not None


REGISTRY: dict[str, QuerySpec] = {}


def kind_of(column) -> str:
    """The personal-data kind a schema column is marked with (KeyError for an unmarked column)."""
    return column.info["personal"]


def _kinds(columns: dict) -> dict:
    return {k: _kinds(v) if isinstance(v, dict) else kind_of(v) for k, v in columns.items()}


def shown(*columns, **aliases) -> dict:
    """Result columns named after their schema column, plus renamed ones: ``shown(m.c.name, head=m.c.name)``."""
    return {**{c.name: c for c in columns}, **aliases}


def query(area: str | None = None, personal: dict | None = None, search: dict | None = None,
          view_of: Callable | None = None, scoped: bool = True):
    """Register a query function (see the module docstring)."""
    def register(fn):
        spec = QuerySpec(fn, f"{fn.__module__}:{fn.__qualname__}", area, _kinds(personal or {}),
                         _kinds(search or {}), view_of, scoped)
        REGISTRY[spec.name] = spec
        fn.query_spec = spec
        return fn
    return register


def spec(fn) -> QuerySpec:
    s = getattr(fn, "query_spec", None)
    if s is None:
        raise TypeError(f"{getattr(fn, '__qualname__', fn)} is not a registered query function (queries.registry.query)")
    return s


def all_queries() -> list[QuerySpec]:
    import queries  # noqa: F401  (importing the package registers every module's functions)
    return list(REGISTRY.values())


def personal_columns() -> dict[str, str]:
    """Every result column any registered function declares personal -> its kind (for masking a frame
    whose query is not known, e.g. a table handed to an export)."""
    out: dict[str, str] = {}
    for s in all_queries():
        for k, v in s.personal.items():
            out.update(v if isinstance(v, dict) else {k: v})
    return out
