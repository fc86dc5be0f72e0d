"""The demo generator (python -m seed): deterministic, referentially sound, the same on SQLite and PostgreSQL,
and refusing bad arguments or failed writes without leaving anything half-written."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from queries.db import make_engine
from queries.schema import metadata
from tests.fixture_db import content_hash, gb11643_check, table_digests

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ["sqlite", "postgresql"]
AS_OF = date(2026, 6, 30)
ARGS = ["--households", "1500", "--seed", "7", "--as-of", AS_OF.isoformat()]
CJK = re.compile(r"[\u4e00-\u9fff]")
# plans may lie after the as-of day; everything that happened may not
PLAN_COLUMNS = {("aid_measures", "planned_date"), ("projects", "planned_completion"), ("targets", "deadline"),
                ("assignments", "due_date"), ("findings", "due_date")}   # deadlines may lie ahead


def run_seed(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return run_seeds([args], timeout)[0]


def run_seeds(arg_lists, timeout: int = 120) -> list[subprocess.CompletedProcess]:
    """Run several ``python -m seed`` processes at once (each one mostly waits on imports)."""
    procs = [subprocess.Popen([sys.executable, "-m", "seed", "--quiet", *args], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for args in arg_lists]
    done = []
    for proc in procs:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


def seed_sqlite(path: Path, *args: str) -> str:
    proc = run_seed(*args, "--out", str(path))
    assert proc.returncode == 0, proc.stderr
    return f"sqlite:///{path}"


def hash_of(url: str) -> str:
    engine = make_engine(url)
    try:
        return content_hash(engine)
    finally:
        engine.dispose()


def digests_of(url: str) -> dict[str, str]:
    engine = make_engine(url)
    try:
        return table_digests(engine)
    finally:
        engine.dispose()


# --- seeded databases, once per module ------------------------------------------------------------------

@pytest.fixture(scope="module")
def seeded_sqlite(tmp_path_factory) -> str:
    return seed_sqlite(tmp_path_factory.mktemp("seed") / "a.db", *ARGS)


@pytest.fixture(scope="module")
def seeded_postgres(pg_server) -> str:
    url = pg_server.create_database(f"seed_{uuid.uuid4().hex[:12]}")
    proc = run_seed(*ARGS, "--url", url)
    assert proc.returncode == 0, proc.stderr
    return url


@pytest.fixture(scope="module", params=BACKENDS, ids=BACKENDS)
def db_backend(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def seeded(db_backend, request):
    """Read-only engine on the seeded database of the backend."""
    url = request.getfixturevalue("seeded_sqlite" if db_backend == "sqlite" else "seeded_postgres")
    engine = make_engine(url)
    yield engine
    engine.dispose()


# --- (a) determinism -------------------------------------------------------------------------------------

def test_same_seed_same_content_other_seed_other_content(seeded_sqlite, tmp_path):
    b, c = tmp_path / "b.db", tmp_path / "c.db"
    other_seed = ["--households", "1500", "--seed", "8", "--as-of", AS_OF.isoformat()]
    for proc in run_seeds([[*ARGS, "--out", str(b)], [*other_seed, "--out", str(c)]]):
        assert proc.returncode == 0, proc.stderr
    again, other = f"sqlite:///{b}", f"sqlite:///{c}"
    assert digests_of(again) == digests_of(seeded_sqlite)  # per table first: a readable failure
    assert hash_of(again) == hash_of(seeded_sqlite)
    assert hash_of(other) != hash_of(seeded_sqlite)


def test_content_hash_sees_a_one_cell_change(seeded_sqlite, tmp_path):
    import shutil

    copy = tmp_path / "copy.db"
    shutil.copy(Path(seeded_sqlite.removeprefix("sqlite:///")), copy)
    before = hash_of(f"sqlite:///{copy}")
    engine = make_engine(f"sqlite:///{copy}", read_only=False)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE members SET name = name || '甲' WHERE id = 1"))
    engine.dispose()
    assert before == hash_of(seeded_sqlite)
    assert hash_of(f"sqlite:///{copy}") != before


# --- (c) PostgreSQL gets the same content ---------------------------------------------------------------

@pytest.mark.postgres
def test_postgres_seed_equals_sqlite_seed(seeded_sqlite, seeded_postgres):
    assert digests_of(seeded_postgres) == digests_of(seeded_sqlite)
    assert hash_of(seeded_postgres) == hash_of(seeded_sqlite)


# --- (b) referential integrity and plausibility, on both backends -----------------------------------------

def _count(conn, stmt) -> int:
    return conn.execute(stmt).scalar()


def test_every_foreign_key_resolves(seeded):
    fks = set()
    with seeded.connect() as conn:
        for table in metadata.sorted_tables:
            assert _count(conn, sa.select(sa.func.count()).select_from(table)) > 0, f"{table.name} is empty"
            for fk in table.foreign_keys:
                child, parent = fk.parent, fk.column
                fks.add((table.name, child.name, parent.table.name))
                orphans = _count(conn, sa.select(sa.func.count()).select_from(table).where(
                    child.is_not(None), ~sa.exists().where(parent == child)))
                assert orphans == 0, f"{table.name}.{child.name} -> {parent}: {orphans} unresolved"
    # the relations the dashboard relies on are declared (so the loop above checked them)
    assert {("households", "village_code", "villages"), ("households", "township_code", "townships"),
            ("households", "helper_id", "helpers"), ("members", "household_id", "households"),
            ("risk_factors", "household_id", "households"), ("warnings", "household_id", "households"),
            ("aid_measures", "household_id", "households"), ("visits", "household_id", "households"),
            ("household_income", "household_id", "households"), ("project_payments", "project_id", "projects"),
            ("village_facts", "village_code", "villages")} <= fks


def test_area_codes_nest(seeded):
    from queries.schema import county, households, townships, villages

    with seeded.connect() as conn:
        county_code = conn.execute(sa.select(county.c.code)).scalar_one()
        assert re.fullmatch(r"\d{6}", county_code)
        towns = conn.execute(sa.select(townships.c.code)).scalars().all()
        assert towns and all(re.fullmatch(r"\d{9}", t) and t.startswith(county_code) for t in towns)
        vils = conn.execute(sa.select(villages.c.code, villages.c.township_code)).all()
        assert vils and all(re.fullmatch(r"\d{12}", v) and v.startswith(t) for v, t in vils)
        hh = conn.execute(sa.select(households.c.code, households.c.village_code, households.c.township_code)).all()
        assert len(hh) == 1500
        assert all(t == v[:9] for _, v, t in hh), "household.township_code must be the first 9 digits of village_code"
        assert all(c.startswith(v) and re.fullmatch(r"\d{16}", c) for c, v, _ in hh)


def test_monitored_households_were_identified_through_a_lead(seeded):
    from queries.schema import households as hh, warnings as w

    with seeded.connect() as conn:
        monitored = _count(conn, sa.select(sa.func.count()).where(hh.c.monitor_category.is_not(None)))
        assert monitored > 50
        assert _count(conn, sa.select(sa.func.count()).where(
            hh.c.monitor_category.is_not(None), hh.c.identified_date.is_(None))) == 0
        without_lead = _count(conn, sa.select(sa.func.count()).where(
            hh.c.monitor_category.is_not(None),
            ~sa.exists().where(w.c.household_id == hh.c.id, w.c.decision == "identified",
                               w.c.decision_date == hh.c.identified_date)))
        assert without_lead == 0
        assert _count(conn, sa.select(sa.func.count()).where(hh.c.eliminated_date < hh.c.identified_date)) == 0
        assert _count(conn, sa.select(sa.func.count()).where(
            hh.c.monitor_category.is_(None), hh.c.identified_date.is_not(None))) == 0
        assert _count(conn, sa.select(sa.func.count()).where(w.c.decision_date < w.c.raised_date)) == 0


def test_no_event_after_the_as_of_day(seeded):
    from queries.areas import data_as_of

    with seeded.connect() as conn:
        assert data_as_of(conn) == AS_OF
        checked = 0
        for table in metadata.sorted_tables:
            for c in table.columns:
                if isinstance(c.type, sa.Date) and (table.name, c.name) not in PLAN_COLUMNS:
                    late = _count(conn, sa.select(sa.func.count()).where(c > sa.literal(AS_OF, sa.Date)))
                    assert late == 0, f"{table.name}.{c.name}: {late} dates after {AS_OF}"
                    checked += 1
        assert checked >= 15


def test_id_numbers_are_valid(seeded):
    from queries.schema import members

    import json
    with seeded.connect() as conn:
        rows = conn.execute(sa.select(members.c.id_number, members.c.birth_date, members.c.gender,
                                      members.c.household_id)).all()
        manifest = json.loads(conn.execute(sa.text("SELECT value FROM meta WHERE key = 'quality_manifest'")).scalar())
    assert len(rows) > 1500
    bad = {h for i, _, _, h in rows if not (i and len(i) == 18 and i[:17].isdigit() and i[17] == gb11643_check(i[:17]))}
    assert bad == set(manifest["invalid_id"])  # only the planted defects (seed/defects.py)
    planted = set(manifest["invalid_id"]) | set(manifest["duplicate_id"])
    ids = [(i, b, g) for i, b, g, h in rows if h not in planted]
    assert len({i for i, _, _ in ids}) == len(ids)  # unique
    assert all(i[6:14] == b.strftime("%Y%m%d") for i, b, _ in ids)  # the birth date is in the number
    assert all((int(i[16]) % 2 == 1) == (g == "M") for i, _, g in ids)  # odd sequence digit = male


def test_gb11643_check_digit():
    assert gb11643_check("11010519491231002") == "X"  # the standard's example 11010519491231002X
    assert gb11643_check("44052418800101001") == "4"


# --- (d) bad arguments and failed writes ---------------------------------------------------------------------

BAD_ARGUMENTS = [
    (["--households", "5"], "户数"),
    (["--households", "abc"], "户数"),
    (["--as-of", "2020-01-01"], "截至日期"),
    (["--as-of", "notadate"], "截至日期"),
    (["--seed", "-1"], "随机种子"),
]


def test_bad_arguments_are_refused_in_chinese(tmp_path):
    outs = [tmp_path / f"x{i}.db" for i in range(len(BAD_ARGUMENTS))]
    procs = run_seeds([[*args, "--out", str(out)] for (args, _), out in zip(BAD_ARGUMENTS, outs)])
    for (args, about), proc in zip(BAD_ARGUMENTS, procs):
        assert proc.returncode != 0, args
        assert CJK.search(proc.stderr) and about in proc.stderr, (args, proc.stderr)
    assert list(tmp_path.iterdir()) == []  # no database, no temporary file


def test_bad_url_is_refused_in_chinese(tmp_path):
    alone, with_out = run_seeds([["--url", "nonsense://x"], ["--url", "nonsense://x", "--out", str(tmp_path / "x.db")]])
    assert alone.returncode != 0
    assert CJK.search(alone.stderr) and ("仅支持" in alone.stderr or "数据库地址" in alone.stderr), alone.stderr
    assert with_out.returncode != 0 and CJK.search(with_out.stderr)
    assert list(tmp_path.iterdir()) == []


def test_failed_write_leaves_no_database(tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("not a directory")
    proc = run_seed("--households", "100", "--as-of", AS_OF.isoformat(), "--out", str(blocker / "x.db"))
    assert proc.returncode != 0 and "写入数据库失败" in proc.stderr, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"] and blocker.read_text() == "not a directory"

    # the whole database is written to a temporary file first; the final rename fails onto a directory
    target = tmp_path / "target.db"
    target.mkdir()
    proc = run_seed("--households", "100", "--as-of", AS_OF.isoformat(), "--out", str(target))
    assert proc.returncode != 0 and CJK.search(proc.stderr), proc.stderr
    assert target.is_dir() and list(target.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "target.db"]  # no temporary file left


def test_unreachable_postgres_is_reported_in_chinese():
    proc = run_seed("--households", "100", "--as-of", AS_OF.isoformat(),
                    "--url", "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=3")
    assert proc.returncode != 0 and "写入数据库失败" in proc.stderr, proc.stderr
