"""Every row of every registered query function, for a township or county user, lies in that township or county
(hypothesis over filters, users and each function's other arguments), on the hand-built county
(tests/fixture_db.py: T1 and T2 have households, T3 none) beside a second county (西县, tests/city_books.py),
on SQLite and PostgreSQL.

The registry says how a result lies in an area (queries/registry.py ``area``): an area-code column (every
value starts with the township's code), a household id (the household's township is the user's), or
nothing (aggregates: equal to the same call asked for the township explicitly by a county user; so is a
result whose area column holds the whole scope's row ``"all"`` or the township's county). The user's Filter is what the data
pipeline makes of any filter a page builds: ``replace(f, scope=user's township)``. Arguments other than the
filter are drawn from every township, so a township user asks for other townships' villages and households.
"""

from __future__ import annotations

import inspect
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as hst

from queries import quality, targets
from queries.registry import all_queries
from queries.sql import AREA_LEVELS
from tests.city_books import WC, WC1, west
from tests.handbuilt import import_county, write_book
from tests.fixture_db import AS_OF, COUNTY, HEADS, T1, T2, T3, V11, V21, V22, V31, VILLAGES, household_code

SCOPED = [s for s in all_queries() if s.scoped]
# the areas a confined user can belong to: townships T1, T2 (T3 has nothing to leak) and the fixture's county,
# beside which a second county (西县 of tests/city_books.py, households 21-25) is imported
USERS = [T1, T2, COUNTY]
HOUSEHOLD_IDS = list(range(1, 26)) + [999]
VILLAGE_CODES = [v for v, _, _ in VILLAGES] + ["439901101299", WC1]

filters = hst.builds(
    lambda as_of, period, township, village, category: (as_of, period, township, village, category),
    # the data's own day half the time: most open cases are open on it, so most examples have rows to check
    as_of=hst.one_of(hst.just(AS_OF), hst.dates(min_value=date(2025, 1, 1), max_value=AS_OF)),
    period=hst.sampled_from(["month", "quarter"]),
    township=hst.sampled_from([None, T1, T2, T3, WC]),
    village=hst.sampled_from([None, V11, V21, V22, V31, WC1]),
    category=hst.sampled_from([None, "unstable", "marginal", "sudden"]))

# every parameter a registered function may take besides (conn, f): drawn from the whole county
ARGUMENTS = {
    "by": hst.sampled_from(AREA_LEVELS),
    "key": hst.sampled_from([r.key for r in quality.RULES]),
    "indicator": hst.sampled_from([i.key for i in targets.FACT_INDICATORS]),
    "code": hst.sampled_from([household_code(h) for h in range(1, 21)] + ["W1", "4399011", "4399011022", "9"]),
    "name": hst.sampled_from([None, *HEADS.values(), "建", "秀"]),
    "household_id": hst.sampled_from(HOUSEHOLD_IDS),
    "household_ids": hst.lists(hst.sampled_from(HOUSEHOLD_IDS), max_size=8).map(tuple),
    "village_codes": hst.lists(hst.sampled_from(VILLAGE_CODES), max_size=4).map(tuple),
    "seed": hst.integers(min_value=1, max_value=10**6),
    "monitored_only": hst.booleans(),
}


def arguments(fn):
    """A strategy for fn's arguments after (conn, f): every required parameter must have one above."""
    params = list(inspect.signature(fn).parameters.values())[2:]
    drawn = {}
    for p in params:
        if p.name in ARGUMENTS:
            drawn[p.name] = ARGUMENTS[p.name]
        else:
            assert p.default is not inspect.Parameter.empty, (
                f"{fn.__qualname__}: no strategy for parameter {p.name!r}; add one to ARGUMENTS")
    return hst.fixed_dictionaries(drawn)


def frames(result):
    """The frames of a result (a frame, or frames in a dict or tuple)."""
    if isinstance(result, pd.DataFrame):
        return [result]
    if isinstance(result, dict):
        return [v for v in result.values() if isinstance(v, pd.DataFrame)]
    if isinstance(result, tuple):
        return [v for v in result if isinstance(v, pd.DataFrame)]
    return []


def area_values(result, column: str) -> list:
    if column == "household_id" and (result is None or isinstance(result, (int, set))):
        return [] if result is None else sorted(result) if isinstance(result, set) else [result]
    values = []
    for df in frames(result):
        if column in df.columns:
            values += [v for v in df[column] if v is not None and not pd.isna(v)]
    return values


def assert_same(a, b, what: str) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_dtype=False, obj=what)
    elif isinstance(a, (dict, tuple)):
        assert type(a) is type(b) and len(a) == len(b), what
        for k, x, y in (zip(a, a.values(), b.values()) if isinstance(a, dict) else zip(range(len(a)), a, b)):
            assert_same(x, y, f"{what}[{k}]")
    else:
        assert a == b, what


INSPECTIONS = [(1, V11, "2026-05-20", "县回头看第1组", "review"), (2, V21, "2026-04-02", "县督查组", "supervision"),
               (3, V22, "2025-11-11", "暗访组", "covert")]
# a 失信 record on most households of both townships (one repaired), so the 诚信 queries have rows to leak
# a re-inspection in each township finds the fixture's two problems again (ZG-1 still open, ZG-2 closed: rebound),
# so 复查再次发现的同类问题 has rows to leak
REPEATS = [(3, "ZG-3", "2026-06-10", V11, "no_visit", "open", None), (4, "ZG-4", "2026-06-05", V21, "records", "open", None)]
DISHONESTY = [(hid, "2024-12-01", "2025-08-01" if hid == 7 else None) for hid in (1, 2, 3, 5, 6, 7, 10, 13, 14, 15, 17, 18, 19)]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def conn(request, tmp_path_factory):
    """The fixture county plus a past inspection in each township's villages, a re-inspection's findings and 失信
    records (the fixture has none)."""
    from queries.db import make_engine
    from queries.schema import dishonesty_records, findings, inspections, metadata
    from seed import derive
    from tests.fixture_db import build_fixture

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('scope') / 'scope.db'}"
    else:
        url = request.getfixturevalue("pg_server").create_database("scope_property")
    writer = make_engine(url, read_only=False)
    metadata.create_all(writer)
    build_fixture(writer)
    with writer.begin() as c:
        c.execute(inspections.insert(), [dict(id=i, village_code=v, inspected_on=date.fromisoformat(d), team=t, kind=k)
                                         for i, v, d, t, k in INSPECTIONS])
        c.execute(dishonesty_records.insert(), [
            dict(id=i, household_id=h, kind="false_report", recorded_date=date.fromisoformat(d), effect="special_list",
                 unit="县乡村振兴局", repaired_date=date.fromisoformat(r) if r else None, note="测试")
            for i, (h, d, r) in enumerate(DISHONESTY, start=1)])
        c.execute(findings.insert(), [
            dict(id=i, code=code, inspected_on=date.fromisoformat(d), team="县复查组", village_code=v, township_code=v[:9],
                 household_id=None, category=cat, responsible_unit="乡镇人民政府", due_date=date(2026, 7, 10), status=st,
                 closed_date=cl, note="复查再次发现") for i, code, d, v, cat, st, cl in REPEATS])
        derive.refresh(c)
    import_county(writer, write_book(tmp_path_factory.mktemp("west") / "西县.xlsx", west()), as_of=AS_OF)
    writer.dispose()
    engine = make_engine(url)
    with engine.connect() as c:
        yield c
    engine.dispose()


@pytest.fixture(scope="module")
def township_of(conn):
    return dict(conn.execute(sa.text("SELECT id, township_code FROM households")).all())


@pytest.mark.parametrize("spec", SCOPED, ids=[s.name for s in SCOPED])
def test_every_row_of_a_township_users_result_lies_in_the_township(spec, conn, township_of):
    seen_rows = []

    # derandomized: the same examples on every run, so "some example returned rows" is not a matter of luck
    @settings(max_examples=20, deadline=None, database=None, derandomize=True)
    @given(flt=filters, town=hst.sampled_from(USERS), kwargs=arguments(spec.fn))
    def check(flt, town, kwargs):
        from queries.filters import Filter
        asked = Filter(*flt)
        user = replace(asked, scope=town)          # what dashboard.common.data makes of it for this user
        result = spec.fn(conn, user, **kwargs)
        explicit = replace(user, scope=None)       # a county user asking for the same township and village
        assert explicit.township == town if len(town) == 9 else explicit.county == town
        values = area_values(result, spec.area) if spec.area else []
        # aggregates: the whole scope's row ("all"), a county-wide target (targets.scope "county") or the row of
        # the county holding the township
        enclosing = {v for v in values if v in ("all", "county") or isinstance(v, str) and town.startswith(v)}
        if spec.area is None or enclosing:
            assert_same(result, spec.fn(conn, explicit, **kwargs), f"{spec.name}{kwargs}")
        for v in (v for v in values if v not in enclosing):
            # a household id (int); a rule about villages (quality.flagged_ids) gives village codes (str)
            where = township_of.get(v) if spec.area == "household_id" and isinstance(v, int) else str(v)
            assert where is not None and where.startswith(town), f"{spec.name}{kwargs}: {spec.area}={v} outside {town}"
        seen_rows.append(len(values))

    check()
    if spec.area is not None:  # the examples must have shown rows, or the check above proved nothing
        assert any(seen_rows), f"{spec.name}: no example returned any row"


def test_functions_without_a_filter_are_facts_about_the_database():
    """Only these take no Filter (the pipeline cannot scope them): a new one must be added here on purpose."""
    assert sorted(s.name for s in all_queries() if not s.scoped) == [
        "queries.areas:county_count", "queries.areas:county_info", "queries.areas:data_as_of",
        "queries.areas:database_meta", "queries.areas:database_name", "queries.integrity:integrity_imported"]
    for s in SCOPED:
        assert list(inspect.signature(s.fn).parameters)[1] == "f", f"{s.name}: the Filter comes first"
