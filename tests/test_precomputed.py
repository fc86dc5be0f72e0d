"""The stored county-wide default views (queries/precomputed.py): equal to the live queries on both
databases, rebuilt with the data, used by every page's default view, and ignorable."""

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.common import data
from dashboard.common.nav import PAGES
from queries import leads, precomputed
from queries.filters import Filter
from queries.schema import warnings
from tests.fixture_db import AS_OF, build_fixture
from tests.pages_support import run_page


def stored_and_live(conn):
    for fn, *args in precomputed.default_calls(AS_OF):
        yield fn, args, precomputed.stored(conn, precomputed.call_name(fn), tuple(args), ()), fn(conn, *args)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_stored_results_equal_the_live_queries(backend, request):
    url = request.getfixturevalue("fixture_sqlite_url" if backend == "sqlite" else "fixture_pg_url")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = 0
        for fn, args, got, live in stored_and_live(conn):
            assert got is not None, f"{precomputed.call_name(fn)}{args} not stored"
            pd.testing.assert_frame_equal(got, live, obj=f"{precomputed.call_name(fn)}{args}")
            n += 1
    engine.dispose()
    assert n == len(precomputed.default_calls(AS_OF)) >= 30


def test_rebuilt_with_the_data(empty_db):
    """After a change and the refresh every load and import runs, the stored results are the new ones."""
    from seed import derive
    build_fixture(empty_db)
    f, name = Filter(as_of=AS_OF), precomputed.call_name(leads.leads_by_area)
    with empty_db.begin() as conn:
        before = precomputed.stored(conn, name, (f, "township"), ())
        conn.execute(warnings.delete().where(warnings.c.id == conn.execute(
            sa.select(sa.func.min(warnings.c.id)).where(warnings.c.closed_date.is_(None))).scalar()))
        derive.refresh(conn)
        after = precomputed.stored(conn, name, (f, "township"), ())
        pd.testing.assert_frame_equal(after, leads.leads_by_area(conn, f, "township"))
    assert after.open_total.sum() == before.open_total.sum() - 1


def test_switched_off(fixture_sqlite_url, monkeypatch):
    engine = sa.create_engine(fixture_sqlite_url)
    with engine.connect() as conn:
        args = (Filter(as_of=AS_OF), "township")
        assert precomputed.stored(conn, precomputed.call_name(leads.leads_by_area), args, ()) is not None
        monkeypatch.setenv("MONITOR_PRECOMPUTED", "off")
        assert precomputed.stored(conn, precomputed.call_name(leads.leads_by_area), args, ()) is None
    engine.dispose()


# cheap lookups every page makes (areas, the as-of day, targets in force): not worth storing
CHEAP = ("queries.areas:", "queries.targets:target_values", "queries.households:household_id_by_code",
         "queries.households:household_record", "queries.inspection:last_inspections",
         "queries.integrity:integrity_imported")


@pytest.mark.parametrize("page", [p.file.removesuffix(".py") for p in PAGES if not p.admin])
def test_default_views_need_no_live_aggregate(page, app_db, monkeypatch):
    """Opening a page county-wide with the default filter reads only stored results (plus cheap lookups):
    keeps default_calls in step with what the pages ask for."""
    live = []
    real = precomputed.stored

    def watching(conn, name, args, kwargs):
        hit = real(conn, name, args, kwargs)
        if hit is None and not name.startswith(CHEAP):
            live.append(f"{name}{args}")
        return hit

    monkeypatch.setattr(data.precomputed, "stored", watching)
    at = run_page(page)
    assert not at.exception
    assert live == [], "computed live on a default view:\n" + "\n".join(live)
