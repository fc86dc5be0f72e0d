"""数据质量: every planted defect is found by its rule and no clean household is flagged (recall and
precision 1 on the seeded county, SQLite and PostgreSQL); the page shows the query layer's numbers."""

import json
import subprocess
import sys
from datetime import date

import pytest
import sqlalchemy as sa

from queries import quality, schema
from queries.filters import Filter
from seed.defects import PLANTED_RULES
from tests.conftest import DEMO_AS_OF, ROOT
from tests.fixture_db import AS_OF
from tests.pages_support import run_page


@pytest.fixture(scope="module")
def seeded_pg(pg_server):
    url = pg_server.create_database("quality_seed")
    subprocess.run([sys.executable, "-m", "seed", "--households", "3000", "--seed", "11", "--as-of", DEMO_AS_OF,
                    "--url", url, "--quiet"], cwd=ROOT, check=True)
    return url


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_every_rule_finds_exactly_the_planted_households(backend, demo_db_url, request):
    url = demo_db_url if backend == "sqlite" else request.getfixturevalue("seeded_pg")
    if backend == "postgresql":
        request.node.add_marker(pytest.mark.postgres)
    with sa.create_engine(url).connect() as conn:
        manifest = json.loads(conn.execute(sa.text("SELECT value FROM meta WHERE key = 'quality_manifest'")).scalar())
        f = Filter(as_of=date.fromisoformat(DEMO_AS_OF))
        assert set(manifest) == {r.key for r in quality.RULES}
        for rule in quality.RULES:
            assert quality.flagged_ids(conn, f, rule.key) == set(manifest[rule.key]), rule.key
        for rule in PLANTED_RULES:
            assert manifest[rule], f"nothing planted for {rule}"
        summary = quality.rule_summary(conn, f).set_index("rule").households
        assert summary.to_dict() == {k: len(v) for k, v in manifest.items()}


def test_gb11643_check_in_sql(empty_db):
    with empty_db.connect() as conn:
        valid = lambda s: conn.execute(sa.select(quality.id_number_valid(sa.literal(s)))).scalar()  # noqa: E731
        assert valid("11010519491231002X") == 1
        assert valid("11010519491231002x") == 1
        assert valid("110105194912310021") == 0           # wrong check character
        assert valid("11010519491231002") == 0            # 17 characters
        assert valid("1101051949123100２X") == 0           # a full-width digit
        assert valid("A1010519491231002X") == 0


def test_quality_page_shows_the_query_numbers_masked(app_db):
    at = run_page("quality")
    assert not at.exception
    with sa.create_engine(app_db).connect() as conn:
        summary = quality.rule_summary(conn, Filter(as_of=AS_OF))
    shown = {m.label: m.value for m in at.metric}
    assert shown == {f"{r.name}（{r.unit}）": f"{r.households:,}" for r in summary.itertuples()}
    # 线索超15天未研判 in the fixture: W7 (h8) and W11 (h12)
    assert shown["线索超15天未研判（户）"] == "2"
    # 石门村 (V31) has never reported sector data: a rule about villages, counted in villages
    assert shown["行政村未报送行业数据（村）"] == "1"
    at.selectbox(key="dq_rule").set_value("unreported_village")
    at = at.run()
    assert at.dataframe[0].value["村"].tolist() == ["石门村"]
    at.selectbox(key="dq_rule").set_value("overdue_lead")
    at = at.run()
    table = at.dataframe[0].value
    assert len(table) == 2 and [b for b in at.link_button]
    at = run_page("quality", user="inspector")
    at.selectbox(key="dq_rule").set_value("overdue_lead")
    at = at.run()
    assert all(name.endswith("*") for name in at.dataframe[0].value["户主"])


def test_derived_id_flags_follow_the_data(empty_db):
    """seed/derive.py keeps members.id_invalid / id_duplicate equal to the SQL checks after a change."""
    from seed import derive
    from tests.fixture_db import build_fixture
    build_fixture(empty_db)
    f = Filter(as_of=AS_OF)
    m = schema.members
    with empty_db.begin() as conn:
        before = quality.flagged_ids(conn, f, "invalid_id"), quality.flagged_ids(conn, f, "duplicate_id")
        target, other = conn.execute(sa.select(m.c.household_id, m.c.id_number).order_by(m.c.id).limit(2)).all()
        conn.execute(m.update().where(m.c.household_id == target.household_id).values(id_number="12345"))
        assert derive.refresh(conn)["id_invalid"] >= 1
        assert quality.flagged_ids(conn, f, "invalid_id") == before[0] | {target.household_id}
        conn.execute(m.update().where(m.c.household_id == target.household_id).values(id_number=other.id_number))
        derive.refresh(conn)
        assert quality.flagged_ids(conn, f, "invalid_id") == before[0]
        assert {target.household_id, other.household_id} <= quality.flagged_ids(conn, f, "duplicate_id")
        changed = derive.refresh(conn)
        assert changed.pop("precomputed") > 0 and set(changed.values()) == {0}   # no derived column left to change
