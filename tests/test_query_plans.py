"""The hot lookups use indexes: EXPLAIN of the statements the query layer really runs, on SQLite
(``EXPLAIN QUERY PLAN``) and PostgreSQL (``EXPLAIN (FORMAT JSON)``).

A small demo county (~3000 households, the real generator) is written and ANALYZEd, so the planners
choose with statistics, as on a production database; nothing is forced (no ``enable_seqscan = off``).
The statements are captured from the query functions themselves (SQLAlchemy ``before_cursor_execute``)
and explained with the same parameters, so the test follows the query layer when it changes.

What must use an index (the lookups whose cost would otherwise grow with the county):
* 户情: ``household_id_by_code`` (households by code) and every statement of ``household_record``
  (members, income, factors, warnings, measures, visits by household_id; the household by id);
* open leads as of an early day: warnings found through an index on ``raised_date``;
* a township's numbers: households and leads reached through their indexes on ``township_code``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa

from queries import households as hq
from queries import kpis, leads
from queries.filters import Filter

AS_OF = date(2026, 6, 30)
HOUSEHOLDS = 3000
# Tables whose size grows with the county: scanning one of them for a lookup is what this test forbids.
BIG = {"households", "members", "household_income", "risk_factors", "warnings", "aid_measures", "visits"}
PER_HOUSEHOLD = BIG - {"households"}


@dataclass(frozen=True)
class Access:
    table: str
    indexed: bool          # reached through an index (b-tree search, index scan, bitmap index scan, rowid)
    cond: str              # the index condition (column names), "" for a full scan
    detail: str            # the planner's own words, for failure messages


# -- the database ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def county_tables():
    from seed.generate import Config, generate
    return generate(Config(households=HOUSEHOLDS, seed=7, as_of=AS_OF))


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def plan_engine(request, county_tables, tmp_path_factory):
    """A read-only engine on the analysed demo county, per backend."""
    from queries.db import make_engine
    from seed.load import write_postgres, write_sqlite

    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("plans") / "plans.db"
        write_sqlite(county_tables, path)
        url = f"sqlite:///{path}"
    else:
        server = request.getfixturevalue("pg_server")
        url = server.create_database("query_plans")
        write_postgres(county_tables, url)
    writer = make_engine(url, read_only=False)
    with writer.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")  # statistics, as the loaders leave them (done again: the test relies on it)
    writer.dispose()
    engine = make_engine(url)
    yield engine
    engine.dispose()
    if request.param == "postgresql":
        import psycopg
        with psycopg.connect(host="127.0.0.1", port=server.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS query_plans WITH (FORCE)")


# -- capturing and explaining ------------------------------------------------------------------------
def captured(engine, call) -> list[tuple[str, object]]:
    """The (statement, parameters) the query function sends to the database."""
    seen: list[tuple[str, object]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        with engine.connect() as conn:
            call(conn)
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
    assert seen, "the query function ran no SQL"
    return seen


SQLITE_LINE = re.compile(r"^(SEARCH|SCAN) (\w+)(?: AS \w+)?(?: USING (.*))?$")


def explain(engine, statement: str, parameters, index_shaped: bool = False) -> list[Access]:
    """index_shaped: on PostgreSQL, plan with sequential scans disabled, which shows whether the statement
    *can* use an index (a partial index's predicate must match) where a small test table would be read whole."""
    with engine.connect() as conn:
        if index_shaped and engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")
        if engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            out = []
            for row in rows:
                m = SQLITE_LINE.match(row[-1].strip())
                if not m:
                    continue
                verb, table, using = m.group(1), m.group(2), m.group(3) or ""
                cond = using[using.find("(") + 1:using.rfind(")")] if "(" in using else ""
                # SEARCH = a b-tree lookup on a key; SCAN ... USING INDEX walks the whole index.
                out.append(Access(table, verb == "SEARCH", cond, row[-1]))
            return out
        raw = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
    plan = raw if isinstance(raw, list) else json.loads(raw)
    out: list[Access] = []

    def walk(node):
        kind, rel = node.get("Node Type"), node.get("Relation Name")
        if rel:
            if kind in ("Index Scan", "Index Only Scan"):
                out.append(Access(rel, True, node.get("Index Cond", ""), f"{kind} using {node.get('Index Name')}"))
            elif kind == "Bitmap Heap Scan":
                conds = []

                def index_conds(n):
                    if n.get("Node Type") == "Bitmap Index Scan":
                        conds.append(f"{n.get('Index Name')}: {n.get('Index Cond', '')}")
                    for c in n.get("Plans", []):
                        index_conds(c)

                for c in node.get("Plans", []):
                    index_conds(c)
                out.append(Access(rel, True, " ".join(conds), f"Bitmap Heap Scan ({'; '.join(conds)})"))
            else:
                out.append(Access(rel, False, "", kind))
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return out


def plans(engine, call, index_shaped: bool = False) -> list[tuple[str, list[Access]]]:
    return [(s, explain(engine, s, p, index_shaped)) for s, p in captured(engine, call)]


def describe(found) -> str:
    return "\n".join(f"{s[:90]!r}:\n    " + "\n    ".join(a.detail for a in acc) for s, acc in found)


# -- data for the lookups ------------------------------------------------------------------------
def one(engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).one()


def a_household(engine) -> tuple[int, str]:
    """A monitored household that has members, warnings and visits."""
    return tuple(one(engine, """
        SELECT h.id, h.code FROM households h
        WHERE h.monitor_category IS NOT NULL
          AND EXISTS (SELECT 1 FROM warnings w WHERE w.household_id = h.id)
          AND EXISTS (SELECT 1 FROM visits v WHERE v.household_id = h.id)
        ORDER BY h.id LIMIT 1"""))


# -- the tests ----------------------------------------------------------------------------------------
def test_household_by_code_uses_the_unique_index(plan_engine):
    _, code = a_household(plan_engine)
    found = plans(plan_engine, lambda c: hq.household_id_by_code(c, Filter(as_of=AS_OF), code))
    accesses = [a for _, acc in found for a in acc if a.table == "households"]
    assert accesses and all(a.indexed and "code" in a.cond for a in accesses), describe(found)


def test_household_record_reads_every_table_by_household_id(plan_engine):
    hid, _ = a_household(plan_engine)
    found = plans(plan_engine, lambda c: hq.household_record(c, Filter(as_of=AS_OF), hid))
    seen = set()
    for statement, accesses in found:
        for a in accesses:
            if a.table not in BIG:
                continue  # villages, townships, helpers, monitoring_lines: a few hundred rows at most
            seen.add(a.table)
            assert a.indexed, f"{a.table} is scanned for one household: {a.detail}\n{describe(found)}"
            key = "household_id" if a.table in PER_HOUSEHOLD else "id"
            assert key in a.cond or "rowid" in a.cond, f"{a.table} not looked up by {key}: {a.detail}"
    assert {"households", "members", "warnings", "visits", "risk_factors", "aid_measures",
            "household_income"} <= seen, describe(found)


def test_open_leads_on_an_early_day_use_the_raised_date_index(plan_engine):
    # A day by which only ~2% of all leads had been raised: the index must narrow the warnings down.
    n = one(plan_engine, "SELECT count(*) FROM warnings")[0]
    assert n > 100, "the demo county should have leads"
    early = one(plan_engine, "SELECT raised_date FROM warnings ORDER BY raised_date, id LIMIT 1 OFFSET :k",
                k=max(1, n // 50))[0]
    early = early if isinstance(early, date) else date.fromisoformat(str(early))
    f = Filter(as_of=early)
    for name, call in [("open_lead_list", lambda c: leads.open_lead_list(c, f)),
                       ("headline_kpis", lambda c: kpis.headline_kpis(c, f))]:
        found = plans(plan_engine, call)
        warnings_access = [a for _, acc in found for a in acc if a.table == "warnings"]
        assert warnings_access, describe(found)
        assert any(a.indexed and "raised_date" in a.cond for a in warnings_access), f"{name}:\n{describe(found)}"
        assert all(a.indexed for a in warnings_access), f"{name} scans warnings:\n{describe(found)}"


def test_a_townships_numbers_use_the_township_index(plan_engine):
    town = one(plan_engine, "SELECT township_code FROM households GROUP BY township_code "
                            "ORDER BY count(*), township_code LIMIT 1")[0]
    f = Filter(as_of=AS_OF, township=town)
    found = plans(plan_engine, lambda c: kpis.headline_kpis(c, f))
    hh = [a for _, acc in found for a in acc if a.table == "households"]
    assert any(a.indexed and "township_code" in a.cond for a in hh), describe(found)
    # leads carry their township (seed/derive.py): a township's leads come from the area index alone
    for name, call in [("headline_kpis", lambda c: kpis.headline_kpis(c, f)),
                       ("leads_by_area", lambda c: leads.leads_by_area(c, f, "village"))]:
        found = plans(plan_engine, call, index_shaped=True)
        w = [a for _, acc in found for a in acc if a.table == "warnings"]
        assert w and all(a.indexed and "township_code" in a.cond for a in w), f"{name}:\n{describe(found)}"
        assert not [a for _, acc in found for a in acc if a.table == "households" and not a.indexed], describe(found)


# walking one of these whole is fine: they hold only the few rows the rules look for
PARTIAL = ("ix_members_invalid_id", "ix_members_duplicate_id", "ix_members_dropout", "ix_members_uninsured",
           "ix_members_student")


def test_quality_rules_read_members_and_incomes_through_indexes(plan_engine):
    """The member and income checks (6.5 and 8 million rows at province scale) reach only the rows they
    look for: partial indexes on the stored ID flags, dropouts and uninsured members, students' stages
    and birth dates, and incomes below a year's line. (PostgreSQL rightly reads the test county's small
    tables whole, so there the plan is checked with sequential scans disabled: index-shaped SQL.)"""
    from queries import quality
    f = Filter(as_of=AS_OF)
    for key in ("invalid_id", "duplicate_id", "missed_guarantee", "impossible_age", "missed_income", "exit_income"):
        found = plans(plan_engine, lambda c: c.execute(quality._scoped(key, f)).all(), index_shaped=True)
        big = [a for _, acc in found for a in acc if a.table in ("members", "household_income")]
        assert big, f"{key}:\n{describe(found)}"
        assert all(a.indexed or any(ix in a.detail for ix in PARTIAL) for a in big), \
            f"{key} scans a big table:\n{describe(found)}"


def test_dropouts_target_counts_only_dropouts(plan_engine):
    from queries import targets
    found = plans(plan_engine, lambda c: targets.target_status(c, Filter(as_of=AS_OF), "township"), index_shaped=True)
    members = [a for _, acc in found for a in acc if a.table == "members"]
    assert members and all("ix_members_dropout" in a.detail for a in members), describe(found)
