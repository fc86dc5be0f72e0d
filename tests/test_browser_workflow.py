"""流程督办 and 失信名单 in a real headless Chromium on the demo database, for a county user and a township user:
on SQLite and PostgreSQL: the figures drawn are the query layer's, and a township user asking for another township by URL sees only its
own cases, units and records."""

from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from dashboard.common import fmt
from queries import integrity, workflow
from queries.filters import Filter
from tests.browser import login, wait_for_app
from tests.conftest import DEMO_AS_OF, TEST_PASSWORD

pytestmark = pytest.mark.browser
AS_OF = date.fromisoformat(DEMO_AS_OF)


def expected(db_url, township=None):
    f = Filter(as_of=AS_OF, township=township, scope=township)
    with sa.create_engine(db_url).connect() as conn:
        units = workflow.assignments_by_unit(conn, f)
        cat = workflow.findings_by_category(conn, f)
        records = integrity.dishonesty_summary(conn, f).iloc[0]
        names = dict(conn.execute(sa.text("SELECT code, name FROM townships")).all())
    return units, cat, records, names


def metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]', has=page.get_by_text(label, exact=True)).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


CASES = [pytest.param(backend, user, id=f"{backend}-{user}",
                      marks=[pytest.mark.postgres] if backend == "postgresql" else [])
         for backend in ("sqlite", "postgresql") for user in ("county", "busytown")]


@pytest.mark.parametrize(("backend", "user"), CASES)
def test_workflow_and_integrity_figures_for_county_and_township(demo_servers, browser, backend, user):
    server = demo_servers(backend)
    base, db_url, town = server.base, server.db_url, server.township
    own = town if user == "busytown" else None
    units, cat, records, names = expected(db_url, own)
    assert units.assignments.sum() > 0 and cat.findings.sum() > 0 and records.dishonesty_households > 0  # a real control
    others = [n for c, n in names.items() if c != own] if own else []
    other = sorted(c for c in names if c != town)[0]
    context = browser.new_context(viewport={"width": 1600, "height": 2400})
    page = context.new_page()
    login(page, base, user, TEST_PASSWORD, f"/workflow?town={other}" if own else "/workflow")
    wait_for_app(page)   # a township user's foreign township in the URL is replaced by its own: one more run
    if own:
        expect(page.get_by_role("combobox", name="乡镇")).to_have_value(names[own])
    assert page.locator("[data-testid='stMain'] h1").first.inner_text().strip() == "流程督办"
    assert metric(page, "未办结交办（次）") == fmt.count(units.open.sum())
    assert metric(page, "超期交办（次）") == fmt.count(units.overdue.sum())
    assert metric(page, "未整改问题（个）") == fmt.count(cat.open.sum())
    assert page.locator('[data-testid="stException"]').count() == 0
    html = page.content()
    assert not any(n in html for n in others)

    page.goto(base + (f"/integrity?town={other}" if own else "/integrity"))
    wait_for_app(page)
    if own:
        expect(page.get_by_role("combobox", name="乡镇")).to_have_value(names[own])
    assert page.locator("[data-testid='stMain'] h1").first.inner_text().strip() == "失信名单"
    assert metric(page, "失信户") == f"{int(records.dishonesty_households)}户"
    html = page.content()
    assert not any(n in html for n in others)
    context.close()
