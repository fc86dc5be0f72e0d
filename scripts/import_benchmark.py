"""Time the 台账 importer on a demo county: seed -> export to the template (.xlsx) -> import.

    .venv/bin/python scripts/import_benchmark.py                       # 100,000 households, SQLite + PostgreSQL
    .venv/bin/python scripts/import_benchmark.py --households 20000 --no-postgres
    .venv/bin/python scripts/import_benchmark.py --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Steps: ``python -m seed --households N`` into a temporary SQLite file; the demo generator draws ID numbers
at random and ~1.7% of them collide (the importer rejects duplicate ID numbers, so the collisions are
given a free sequence number first); ``export_database`` to one workbook with every sheet; then
``import_files`` of that workbook into a fresh SQLite database and a fresh PostgreSQL database (a
throwaway server from tests/pg_server.py unless --pg-url is given), and once more into each (the monthly
refresh: every row already there). Also a workbook with only 农户 + 家庭成员 (plus areas and helpers).
Prints one line per step and a summary table.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from queries.db import make_engine  # noqa: E402
from queries.schema import metadata  # noqa: E402
from seed.importer import export_database, import_files  # noqa: E402
from seed.importer.values import ID_CHECK, ID_WEIGHTS  # noqa: E402


def dedupe_id_numbers(path: Path) -> int:
    """Give colliding demo ID numbers a free sequence number (same area, birth date and gender)."""
    con = sqlite3.connect(path)
    taken = {r[0] for r in con.execute("SELECT id_number FROM members")}
    dups = con.execute("""SELECT id, id_number FROM members WHERE id NOT IN
                          (SELECT MIN(id) FROM members GROUP BY id_number)""").fetchall()
    for mid, idn in dups:
        parity = int(idn[16]) % 2
        for seq in range(parity, 1000, 2):
            id17 = f"{idn[:14]}{seq:03d}"
            new = id17 + ID_CHECK[sum(int(c) * w for c, w in zip(id17, ID_WEIGHTS)) % 11]
            if new not in taken:
                taken.add(new)
                con.execute("UPDATE members SET id_number = ? WHERE id = ?", (new, mid))
                break
    con.commit()
    con.close()
    return len(dups)


def subset(src: Path, dst: Path, keep: set[str]):
    """A copy of the database with only the ``keep`` tables filled."""
    import shutil
    shutil.copy(src, dst)
    con = sqlite3.connect(dst)
    for t in metadata.sorted_tables:
        if t.name not in keep and t.name != "meta":
            con.execute(f"DELETE FROM {t.name}")
    con.commit()
    con.execute("VACUUM")
    con.close()


def timed(label: str, fn):
    t = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t
    print(f"{label}: {dt:.1f} s", flush=True)
    return out, dt


def run_import(label: str, book: Path, url: str, results: list):
    engine = make_engine(url, read_only=False)
    try:
        for attempt in ("first import", "re-import"):
            r, dt = timed(f"  {label} {attempt}", lambda: import_files([book], engine))
            if not r.ok:
                raise SystemExit(f"import failed: {r.errors[:5]}")
            results.append((label, book.name, attempt, sum(r.counts.values()), dt))
    finally:
        engine.dispose()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--households", type=int, default=100_000)
    p.add_argument("--pg-url", help="PostgreSQL server URL (a database per run is created on it)")
    p.add_argument("--no-postgres", action="store_true")
    p.add_argument("--workdir", type=Path, help="keep the files here (default: a temporary directory)")
    args = p.parse_args(argv)

    work = args.workdir or Path(tempfile.mkdtemp(prefix="import-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / "demo.db"
    src.unlink(missing_ok=True)
    timed(f"seed {args.households} households", lambda: subprocess.run(
        [sys.executable, "-m", "seed", "--households", str(args.households), "--as-of", "2026-06-30",
         "--out", str(src), "--quiet"], cwd=ROOT, check=True))
    print(f"  {dedupe_id_numbers(src)} colliding demo ID numbers renumbered")
    hm = work / "demo_households_members.db"
    subset(src, hm, {"county", "townships", "villages", "helpers", "households", "members"})

    books = {}
    for name, db in (("all sheets", src), ("households+members", hm)):
        book = work / f"{db.stem}.xlsx"
        counts, _ = timed(f"export ({name})", lambda: export_database(make_engine(f"sqlite:///{db}"), book))
        print(f"  {sum(counts.values())} rows: " + ", ".join(f"{t} {n}" for t, n in counts.items() if n))
        books[name] = book

    results: list = []
    server = None
    try:
        pg_base = args.pg_url
        if not args.no_postgres and not pg_base:
            from tests.pg_server import PostgresServer
            server = PostgresServer()
            server.start()
        for name, book in books.items():
            db = work / f"import_{uuid.uuid4().hex[:8]}.db"
            engine = make_engine(f"sqlite:///{db}", read_only=False)
            metadata.create_all(engine)
            engine.dispose()
            run_import(f"SQLite ({name})", book, f"sqlite:///{db}", results)
            if not args.no_postgres:
                dbname = f"bench_{uuid.uuid4().hex[:8]}"
                if server is not None:
                    url = server.create_database(dbname)
                else:
                    import sqlalchemy as sa
                    base = sa.make_url(pg_base)
                    with sa.create_engine(base, isolation_level="AUTOCOMMIT").connect() as c:
                        c.exec_driver_sql(f'CREATE DATABASE "{dbname}"')
                    url = base.set(database=dbname).render_as_string(hide_password=False)
                engine = make_engine(url, read_only=False)
                metadata.create_all(engine)
                engine.dispose()
                run_import(f"PostgreSQL ({name})", book, url, results)
    finally:
        if server is not None:
            server.stop()

    print("\n| database (workbook) | file | step | rows | seconds |\n|---|---|---|---|---|")
    for label, book, attempt, rows, dt in results:
        print(f"| {label} | {book} | {attempt} | {rows:,} | {dt:.1f} |")
    print(f"\nfiles in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
