"""Performance benchmark of the dashboard at county scale (issue 8): pages, queries, memory, and the naive
"load whole tables into pandas" approach, on SQLite and PostgreSQL; writes docs/PERFORMANCE.md.

    .venv/bin/python scripts/benchmark.py                                  # 20k, 200k, 2M households; both databases
    .venv/bin/python scripts/benchmark.py --sizes 20000,200000 --backends sqlite
    .venv/bin/python scripts/benchmark.py --report-only                    # rewrite the report from stored results

Data: ``python -m seed --households N --seed S --as-of D`` into ``data/bench/monitor_<N>_seed<S>_<D>.db``; an
existing file with the same parameters (and the right number of households) is reused (``--reseed`` forces a
new one). PostgreSQL: a throwaway server (tests/pg_server.PostgresServer, default settings plus fsync=off; run as
root here, it uses ``runuser -u postgres``) with one database per size, seeded with ``python -m seed --url``.

Each (size, backend) is measured in fresh child processes, so ``ru_maxrss`` is that measurement's own peak:

* ``app``: (b) every query function of tests/test_robustness.QUERY_FUNCTIONS called directly with the default
  ``Filter(as_of=<meta.as_of>)`` (first call, then the best of the repeats), then (a) every non-admin page of
  dashboard/common/nav.PAGES in AppTest (tests/pages_support.run_page, logged in as a county user):
  ``st.cache_data.clear()`` then a first run (cold: the default county-wide view, whose aggregates come from
  the results stored at load, queries/precomputed.py), ``at.run()`` again (warm), another clear and a run with
  ``MONITOR_PRECOMPUTED=off`` (cold live: every query runs its SQL, as any other view does), and a run with
  ``tracemalloc`` on after another clear (peak Python allocation; not timed, tracemalloc slows Python down).
  The household page opens a monitored household with an open warning (``?hh=<code>``).
* ``naive``: ``pd.read_sql_table`` of households, members, warnings, risk_factors, aid_measures and visits, then
  the overview KPIs (now and one quarter earlier) and warnings by township aggregated in pandas; checked
  against the query layer's numbers. The parent kills it if its RSS exceeds ``--naive-mem-limit`` GB.
* ``ours``: the same numbers from the query layer (``kpis.headline_kpis`` + ``leads.leads_by_area``).

"Cold" means Streamlit's cache is empty; the database files are in the OS page cache (the queries ran before),
as on a server that has been up for a while. Results go to ``data/bench/results/<backend>_<size>.json`` and
are merged into the report, so sizes/backends can be run separately.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BENCH_DIR = ROOT / "data" / "bench"
RESULTS_DIR = BENCH_DIR / "results"
REPORT = ROOT / "docs" / "PERFORMANCE.md"
PY = sys.executable
DEFAULT_SIZES = [20_000, 200_000, 2_000_000]
AS_OF = "2026-06-30"
SEED = 2023
NAIVE_TABLES = ["households", "members", "warnings", "risk_factors", "aid_measures", "visits"]
TARGET_SIZE = 2_000_000
TARGET_COLD, TARGET_WARM, TARGET_SPEEDUP = 1.5, 0.2, 10.0


def say(*a) -> None:
    print(f"[{datetime.now():%H:%M:%S}]", *a, file=sys.stderr, flush=True)


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# =========================================================================================== workers
def _security_env(tmp: Path) -> None:
    """A county user in a users file of our own, a throwaway audit store (like tests/conftest.py)."""
    from dashboard.security.users import add_user

    users = tmp / "users.json"
    if not users.exists():
        add_user(users, "county", "bench-pass-1", "county", None)
    os.environ["MONITOR_USERS_FILE"] = str(users)
    os.environ["MONITOR_AUDIT_URL"] = f"sqlite:///{tmp / 'audit.db'}"
    os.environ["MONITOR_COOKIE_SECRET"] = "benchmark-secret-not-for-production"


def _query_functions():
    """tests/test_robustness.QUERY_FUNCTIONS (imported from there, so the list stays the one the tests use)."""
    from tests.test_robustness import QUERY_FUNCTIONS
    return QUERY_FUNCTIONS


def _sample_household(conn, as_of: date) -> str | None:
    import sqlalchemy as sa
    row = conn.execute(sa.text(
        "SELECT h.code FROM households h JOIN warnings w ON w.household_id = h.id "
        "WHERE h.monitor_category IS NOT NULL AND w.raised_date <= :d AND w.closed_on IS NULL "
        "ORDER BY w.id LIMIT 1"), {"d": as_of if conn.dialect.name == "postgresql" else as_of.isoformat()}).first()
    return row[0] if row else None


def _time_query_layer(acc: dict) -> None:
    """Time every query-layer call a page makes through dashboard.common.data (cache misses only: a hit
    never reaches the function). data._run looks the function up with importlib.import_module; we hand it
    modules whose functions are wrapped with a timer."""
    import importlib
    import types

    from dashboard.common import data

    class Timed:
        def __init__(self, mod):
            self._mod = mod

        def __getattr__(self, name):
            fn = getattr(self._mod, name)
            if not callable(fn):
                return fn

            def timed(*args, **kwargs):
                t = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    acc["n"] += 1
                    acc["seconds"] += time.perf_counter() - t
            return timed

    data.importlib = types.SimpleNamespace(import_module=lambda name: Timed(importlib.import_module(name)))


def worker_app(url: str, repeat: int, tracemem: bool, only_pages: list[str] | None) -> dict:
    import tracemalloc

    import sqlalchemy as sa
    import streamlit as st

    from dashboard.common.nav import PAGES
    from queries import areas
    from queries.db import make_engine
    from queries.filters import Filter
    from tests.pages_support import run_page

    tmp = Path(tempfile.mkdtemp(prefix="bench-app-"))
    _security_env(tmp)
    os.environ["MONITOR_DB_URL"] = url
    out: dict = {"rss_after_imports_mb": rss_mb(), "queries": {}, "pages": {}}

    engine = make_engine(url)
    with engine.connect() as conn:
        as_of = areas.data_as_of(conn)
        hh_code = _sample_household(conn, as_of)
    out["as_of"] = as_of.isoformat()
    f = Filter(as_of=as_of)

    # (b) query functions, called directly
    for fn, args in _query_functions():
        name = f"{fn.__module__.removeprefix('queries.')}.{fn.__name__}" + (f"({', '.join(map(repr, args))})" if args else "")
        times, rows = [], None
        for _ in range(repeat):
            with engine.connect() as conn:
                t = time.perf_counter()
                res = fn(conn, f, *args)
                times.append(time.perf_counter() - t)
            rows = len(res) if hasattr(res, "__len__") else None
        out["queries"][name] = {"first": times[0], "best": min(times), "median": statistics.median(times),
                                "rows": rows}
        say(f"  query {name}: first {times[0]:.3f}s best {min(times):.3f}s")
    # also the household lookups the 户情 page does
    from queries import households as hq
    for name, call in [("households.household_id_by_code", lambda c: hq.household_id_by_code(c, f, hh_code)),
                       ("households.household_record", lambda c: hq.household_record(
                           c, f, hq.household_id_by_code(c, f, hh_code)))]:
        times = []
        for _ in range(repeat):
            with engine.connect() as conn:
                t = time.perf_counter()
                call(conn)
                times.append(time.perf_counter() - t)
        out["queries"][name] = {"first": times[0], "best": min(times), "median": statistics.median(times), "rows": None}
        say(f"  query {name}: first {times[0]:.3f}s best {min(times):.3f}s")
    engine.dispose()
    out["maxrss_after_queries_mb"] = maxrss_mb()

    # (a) pages in AppTest
    pages = [p.url_path for p in PAGES if not p.admin]
    if only_pages:
        pages = [p for p in pages if p in only_pages]
    params = {"household": {"hh": hh_code}} if hh_code else {}
    qlayer = {"n": 0, "seconds": 0.0}
    _time_query_layer(qlayer)
    sql = {"n": 0, "seconds": 0.0}

    @sa.event.listens_for(sa.engine.Engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_t"] = time.perf_counter()

    @sa.event.listens_for(sa.engine.Engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        sql["n"] += 1
        sql["seconds"] += time.perf_counter() - conn.info.pop("bench_t", time.perf_counter())

    # warm-up: imports (plotly, pydeck, ...) and the engine (cache_resource) are not part of a page's time
    st.cache_data.clear()
    run_page("definitions", timeout=900)
    def cold_run(page: str):
        """A first run with an empty cache: (AppTest, seconds, SQL counters, query-layer counters)."""
        st.cache_data.clear()
        sql.update(n=0, seconds=0.0)
        qlayer.update(n=0, seconds=0.0)
        t = time.perf_counter()
        at = run_page(page, params.get(page), timeout=900)
        return at, time.perf_counter() - t, dict(sql), dict(qlayer)

    for page in pages:
        at, cold, cold_sql, cold_q = cold_run(page)
        t = time.perf_counter()
        at.run(timeout=900)
        warm = time.perf_counter() - t
        problems = [str(e.value)[:200] for e in at.exception] + [str(e.value)[:200] for e in at.error]
        # the same page cold with the stored default views ignored: every query live, as for any other view
        os.environ["MONITOR_PRECOMPUTED"] = "off"
        _, cold_live, live_sql, live_q = cold_run(page)
        del os.environ["MONITOR_PRECOMPUTED"]
        rec = {"cold": cold, "warm": warm, "cold_live": cold_live, "problems": problems, "maxrss_mb": maxrss_mb(),
               "cold_sql_statements": cold_sql["n"], "cold_sql_seconds": cold_sql["seconds"],
               "cold_query_calls": cold_q["n"], "cold_query_seconds": cold_q["seconds"],
               "live_sql_statements": live_sql["n"], "live_sql_seconds": live_sql["seconds"],
               "live_query_calls": live_q["n"], "live_query_seconds": live_q["seconds"]}
        if tracemem:
            st.cache_data.clear()
            tracemalloc.start()
            run_page(page, params.get(page), timeout=900)
            rec["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        out["pages"][page] = rec
        say(f"  page {page}: cold {cold:.2f}s (query layer {cold_q['n']} calls {cold_q['seconds']:.2f}s; "
            f"{cold_sql['n']} SQL statements, execute {cold_sql['seconds']:.2f}s) warm {warm:.3f}s "
            f"cold live {cold_live:.2f}s (query layer {live_q['n']} calls {live_q['seconds']:.2f}s)"
            + (f" tracemalloc peak {rec['tracemalloc_peak_mb']:.0f} MB" if tracemem else "")
            + (f" PROBLEMS {problems}" if problems else ""))
    out["maxrss_mb"] = maxrss_mb()
    return out


# -- the naive approach -----------------------------------------------------------------------------
def naive_numbers(t: dict, as_of: date) -> dict:
    """Overview KPIs (now and one quarter earlier) and warnings by township, in pandas."""
    import numpy as np
    import pandas as pd

    from queries.filters import Filter, months_before

    hh, w, am = t["households"], t["warnings"], t["aid_measures"]

    def ts(d):
        return pd.Timestamp(d)

    def snapshot(d: date) -> dict:
        d = ts(d)
        cat = hh.monitor_category.notna() & (hh.identified_date <= d)
        monitored = cat & (hh.eliminated_date.isna() | (hh.eliminated_date > d))
        eliminated = cat & (hh.eliminated_date <= d)
        with_measure = set(am.household_id[am.registered_date <= d])
        v = {"monitored": int(monitored.sum())}
        for c in ("unstable", "marginal", "sudden"):
            v[f"monitored_{c}"] = int((monitored & (hh.monitor_category == c)).sum())
        raised = w.raised_date <= d
        open_ = raised & (w.closed_on.isna() | (w.closed_on > d))
        for lv in ("red", "orange", "yellow"):
            v[f"open_{lv}"] = int((open_ & (w.level == lv)).sum())
        undecided = raised & (w.decision_date.isna() | (w.decision_date > d))
        v["overdue_leads"] = int((undecided & (w.raised_date < d - pd.Timedelta(days=15))).sum())
        v["eliminated"] = int(eliminated.sum())
        ever = int(cat.sum())
        v["elimination_rate"] = v["eliminated"] / ever * 100 if ever else float("nan")
        v["no_measure"] = int((monitored & ~hh.id.isin(with_measure)).sum())
        return v

    f = Filter(as_of=as_of)
    now, before = snapshot(as_of), snapshot(months_before(as_of, 3))
    d = ts(as_of)
    # the area from the households table, as a dashboard reading the base tables would (not the derived copy)
    w = w.drop(columns=[c for c in ("township_code", "village_code") if c in w.columns])
    ww = w.merge(hh[["id", "township_code"]], left_on="household_id", right_on="id", how="inner")
    raised = ww.raised_date <= d
    open_ = raised & (ww.closed_on.isna() | (ww.closed_on > d))
    undecided = raised & (ww.decision_date.isna() | (ww.decision_date > d))
    g = pd.DataFrame({"township_code": ww.township_code,
                      **{f"open_{lv}": open_ & (ww.level == lv) for lv in ("red", "orange", "yellow")},
                      "open_total": open_, "pending": undecided,
                      "overdue": undecided & (ww.raised_date < d - pd.Timedelta(days=15))}
                     ).groupby("township_code").sum()
    dec = ww[(ww.decision_date >= ts(f.period_start)) & (ww.decision_date <= d)]
    g["decided"] = dec.groupby("township_code").size()
    g["median_days"] = (dec.decision_date - dec.raised_date).dt.days.groupby(dec.township_code).median()
    g["households"] = hh.groupby("township_code").size()
    g = g.fillna({"decided": 0})
    g["per_100"] = (g.open_total / g.households.where(g.households > 0) * 100).round(2)
    by_town = {code: {k: (None if isinstance(v, float) and np.isnan(v) else float(v)) for k, v in row.items()}
               for code, row in g.iterrows()}
    return {"now": now, "before": before, "by_township": by_town}


def our_numbers(url: str, as_of: date) -> dict:
    from queries import kpis, leads
    from queries.db import make_engine
    from queries.filters import Filter

    f = Filter(as_of=as_of)
    engine = make_engine(url)
    with engine.connect() as conn:
        k = kpis.headline_kpis(conn, f)
        by = leads.leads_by_area(conn, f, "township")
    engine.dispose()
    now = {r.key: float(r.value) for r in k.itertuples()}
    before = {r.key: float(r.previous) for r in k.itertuples()}
    cols = ["open_red", "open_orange", "open_yellow", "open_total", "pending", "overdue", "decided_in_period",
            "median_days", "households", "per_100"]
    by_town = {r["code"]: {("decided" if c == "decided_in_period" else c):
                           (None if r[c] != r[c] or r[c] is None else float(r[c])) for c in cols}
               for r in by.to_dict("records")}
    return {"now": now, "before": before, "by_township": by_town}


def _compare(a: dict, b: dict, path="") -> list[str]:
    diffs = []
    for k in sorted(set(a) | set(b)):
        x, y = a.get(k), b.get(k)
        if isinstance(x, dict) or isinstance(y, dict):
            diffs += _compare(x or {}, y or {}, f"{path}{k}.")
        elif x is None or y is None or x != x or y != y:
            if not ((x is None or x != x) and (y is None or y != y)) and not (x in (0, None) and y in (0, None)):
                diffs.append(f"{path}{k}: {x} vs {y}")
        elif abs(float(x) - float(y)) > 1e-6 * max(1.0, abs(float(x))):
            diffs.append(f"{path}{k}: {x} vs {y}")
    return diffs


def worker_naive(url: str) -> dict:
    import pandas as pd
    import sqlalchemy as sa

    from queries import areas
    from queries.db import make_engine

    out: dict = {"rss_after_imports_mb": rss_mb(), "load": {}, "rows": {}}
    engine = make_engine(url)
    with engine.connect() as conn:
        as_of = areas.data_as_of(conn)
    t0 = time.perf_counter()
    tables = {}
    for name in NAIVE_TABLES:
        t = time.perf_counter()
        df = pd.read_sql_table(name, engine)
        for c in df.columns:  # SQLite hands dates back as text; a naive dashboard would parse them the same way
            if c.endswith("_date"):
                df[c] = pd.to_datetime(df[c])
        tables[name] = df
        out["load"][name] = time.perf_counter() - t
        out["rows"][name] = len(df)
        say(f"  naive read_sql_table {name}: {len(df):,} rows {out['load'][name]:.2f}s rss {rss_mb():.0f} MB")
    out["load_total"] = time.perf_counter() - t0
    out["frames_mb"] = sum(df.memory_usage(deep=True).sum() for df in tables.values()) / 2**20
    out["rss_loaded_mb"] = rss_mb()
    t = time.perf_counter()
    naive = naive_numbers(tables, as_of)
    out["aggregate"] = time.perf_counter() - t
    out["total"] = time.perf_counter() - t0
    out["maxrss_mb"] = maxrss_mb()
    del tables
    engine.dispose()
    ours = our_numbers(url, as_of)
    out["differences"] = _compare(naive, ours)[:20]
    say(f"  naive total {out['total']:.2f}s (aggregate {out['aggregate']:.2f}s), maxrss {out['maxrss_mb']:.0f} MB, "
        f"differences from the query layer: {len(out['differences'])}")
    return out


def worker_ours(url: str) -> dict:
    import pandas as pd  # noqa: F401 - the same imports as the naive worker, for a fair baseline
    import sqlalchemy as sa  # noqa: F401

    from queries import areas
    from queries.db import make_engine

    out: dict = {"rss_after_imports_mb": rss_mb()}
    engine = make_engine(url)
    with engine.connect() as conn:
        as_of = areas.data_as_of(conn)
    engine.dispose()
    t = time.perf_counter()
    our_numbers(url, as_of)
    out["total"] = time.perf_counter() - t
    out["maxrss_mb"] = maxrss_mb()
    say(f"  ours (headline_kpis + leads_by_area) {out['total']:.2f}s, maxrss {out['maxrss_mb']:.0f} MB")
    return out


def worker_main(argv: list[str]) -> int:
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # AppTest's "missing ScriptRunContext" noise
    p = argparse.ArgumentParser()
    p.add_argument("kind", choices=["app", "naive", "ours"])
    p.add_argument("url")
    p.add_argument("out", type=Path)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--no-tracemalloc", action="store_true")
    p.add_argument("--pages", default="")
    a = p.parse_args(argv)
    if a.kind == "app":
        res = worker_app(a.url, a.repeat, not a.no_tracemalloc, [x for x in a.pages.split(",") if x] or None)
    elif a.kind == "naive":
        res = worker_naive(a.url)
    else:
        res = worker_ours(a.url)
    a.out.write_text(json.dumps(res, indent=1, default=str))
    return 0


# =========================================================================================== parent
def run_worker(kind: str, url: str, extra: list[str], mem_limit_gb: float | None = None, timeout: float = 3600) -> dict:
    """Run one measurement in a fresh process; returns its JSON (or {"failed": reason})."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = Path(fh.name)
    cmd = [PY, str(Path(__file__).resolve()), "--worker", kind, url, str(out), *extra]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT)
    killed = {"why": None, "peak_mb": 0.0}

    def watch():
        while proc.poll() is None:
            try:
                kb = next(int(line.split()[1]) for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines()
                          if line.startswith("VmRSS:"))
            except (OSError, StopIteration, ValueError):
                kb = 0
            killed["peak_mb"] = max(killed["peak_mb"], kb / 1024)
            if mem_limit_gb and kb > mem_limit_gb * 2**20:
                killed["why"] = f"RSS above {mem_limit_gb:g} GB after {time.perf_counter() - t:.0f} s: stopped"
                proc.kill()
                return
            if time.perf_counter() - t > timeout:
                killed["why"] = f"took more than {timeout:.0f} s: stopped"
                proc.kill()
                return
            time.sleep(0.2)

    th = threading.Thread(target=watch, daemon=True)
    th.start()
    rc = proc.wait()
    th.join()
    try:
        if killed["why"]:
            return {"failed": killed["why"], "peak_rss_seen_mb": killed["peak_mb"]}
        if rc != 0:
            return {"failed": f"exit status {rc}"}
        res = json.loads(out.read_text())
        res["wall"] = time.perf_counter() - t
        return res
    finally:
        out.unlink(missing_ok=True)


def sqlite_file(n: int, seed: int, as_of: str) -> Path:
    return BENCH_DIR / f"monitor_{n}_seed{seed}_{as_of}.db"


def count_households(url: str) -> int | None:
    import sqlalchemy as sa
    try:
        e = sa.create_engine(url)
        with e.connect() as conn:
            n = conn.execute(sa.text("SELECT count(*) FROM households")).scalar()
            as_of = conn.execute(sa.text("SELECT value FROM meta WHERE key = 'as_of'")).scalar()
            version = conn.execute(sa.text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
        e.dispose()
        from queries.schema import SCHEMA_VERSION
        return (n, as_of) if version == SCHEMA_VERSION else (None, None)  # an older schema: seed again
    except Exception:  # noqa: BLE001 - unusable file: seed again
        return None, None


def seed(n: int, seed_: int, as_of: str, target: list[str]) -> float:
    t = time.perf_counter()
    cmd = [PY, "-m", "seed", "--households", str(n), "--seed", str(seed_), "--as-of", as_of, *target]
    say("  " + " ".join(cmd[1:]))
    subprocess.run(cmd, cwd=ROOT, check=True)
    return time.perf_counter() - t


def ensure_sqlite(n: int, a) -> tuple[str, dict]:
    path = sqlite_file(n, a.seed, a.as_of)
    info = {"file": str(path.relative_to(ROOT))}
    if path.exists() and not a.reseed:
        got, as_of = count_households(f"sqlite:///{path}")
        if got == n and as_of == a.as_of:
            info["reused"] = True
            say(f"  reusing {path.name}")
        else:
            info["seed_seconds"] = seed(n, a.seed, a.as_of, ["--out", str(path)])
    else:
        info["seed_seconds"] = seed(n, a.seed, a.as_of, ["--out", str(path)])
    info["size_mb"] = path.stat().st_size / 2**20
    return f"sqlite:///{path}", info


def pg_settings(url: str) -> dict:
    import sqlalchemy as sa
    e = sa.create_engine(url)
    with e.connect() as conn:
        out = {k: conn.execute(sa.text(f"SHOW {k}")).scalar()
               for k in ("server_version", "shared_buffers", "work_mem", "effective_cache_size", "max_parallel_workers_per_gather", "jit")}
        out["db_size_mb"] = conn.execute(sa.text("SELECT pg_database_size(current_database())")).scalar() / 2**20
    e.dispose()
    return out


def drop_pg(server, name: str) -> None:
    import psycopg
    from psycopg import sql
    with psycopg.connect(host="127.0.0.1", port=server.port, user="postgres", dbname="postgres", autocommit=True) as c:
        c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def measure(backend: str, n: int, url: str, info: dict, a) -> dict:
    res = {"backend": backend, "households": n, "data": info, "started": datetime.now().isoformat(timespec="seconds"),
           "load_before": os.getloadavg()}
    extra = ["--repeat", str(a.repeat if n < 1_000_000 else max(1, min(a.repeat, 2)))]
    if a.no_tracemalloc:
        extra.append("--no-tracemalloc")
    if a.pages:
        extra += ["--pages", a.pages]
    say(f"{backend} {n:,}: queries and pages")
    res["app"] = run_worker("app", url, extra)
    if not a.no_naive:
        say(f"{backend} {n:,}: naive pandas")
        res["naive"] = run_worker("naive", url, [], mem_limit_gb=a.naive_mem_limit, timeout=a.naive_timeout)
        res["ours"] = run_worker("ours", url, [])
    res["load_after"] = os.getloadavg()
    res["finished"] = datetime.now().isoformat(timespec="seconds")
    return res


def naive_again(backend: str, n: int, url: str) -> dict:
    """The stored results of this size/backend with the naive and our numbers measured again."""
    res = json.loads((RESULTS_DIR / f"{backend}_{n}.json").read_text())
    say(f"{backend} {n:,}: naive pandas (again)")
    res["naive"] = run_worker("naive", url, [])
    res["ours"] = run_worker("ours", url, [])
    return res


def save(res: dict) -> None:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{res['backend']}_{res['households']}.json").write_text(json.dumps(res, indent=1, default=str))


# =========================================================================================== report
def machine_info() -> dict:
    import pandas
    import sqlalchemy
    import streamlit

    cpu = Path("/proc/cpuinfo").read_text(errors="replace") if Path("/proc/cpuinfo").exists() else ""
    model = next((l.split(":", 1)[1].strip() for l in cpu.splitlines() if l.startswith("model name")), platform.processor())
    mem = next((int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")), 0)
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = "?"
    return {"cpus": os.cpu_count(), "model": model, "ram_gb": mem / 2**20, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "streamlit": streamlit.__version__, "pandas": pandas.__version__,
            "sqlalchemy": sqlalchemy.__version__, "kernel": platform.release(), "commit": commit}


def _fmt_s(x) -> str:
    if x is None:
        return "—"
    return f"{x:.2f}" if x >= 0.1 else f"{x * 1000:.0f} ms"


def _size(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k"


def _mark(ok: bool | None) -> str:
    return "—" if ok is None else ("met ✅" if ok else "**not met** ❌")


def write_report(results: list[dict], machine: dict, note: str) -> str:
    results = sorted(results, key=lambda r: (r["households"], r["backend"] != "sqlite"))
    combos = [(r["households"], r["backend"]) for r in results]
    by = {(r["households"], r["backend"]): r for r in results}
    sizes = sorted({n for n, _ in combos})
    pg_version = next((r["data"].get("pg", {}).get("server_version") for r in results if r["backend"] == "postgresql"), None)
    pg_set = next((r["data"].get("pg") for r in results if r["backend"] == "postgresql"), None)
    L = ["# Performance / 性能", "",
         "Generated by `scripts/benchmark.py` (see its docstring for the method); numbers below are from the runs "
         "listed under *Runs*. Re-run: `.venv/bin/python scripts/benchmark.py [--sizes 20000,200000] "
         "[--backends sqlite,postgresql]`; `--report-only` rewrites this file from `data/bench/results/*.json`.", ""]
    L += ["## Machine", "",
          f"- CPU: {machine['cpus']} × {machine['model']}; RAM {machine['ram_gb']:.1f} GB; Linux {machine['kernel']}",
          f"- Python {machine['python']}, SQLite {machine['sqlite']}, PostgreSQL {pg_version or '—'}, "
          f"Streamlit {machine['streamlit']}, pandas {machine['pandas']}, SQLAlchemy {machine['sqlalchemy']}",
          f"- Report written {datetime.now():%Y-%m-%d %H:%M}; code at commit {machine['commit']}.",
          ]
    if pg_set:
        L.append(f"- PostgreSQL server: throwaway test server (tests/pg_server.py) with default settings "
                 f"(shared_buffers {pg_set.get('shared_buffers')}, work_mem {pg_set.get('work_mem')}, "
                 f"max_parallel_workers_per_gather {pg_set.get('max_parallel_workers_per_gather')}, jit {pg_set.get('jit')}) "
                 "and fsync off; the dashboard's own read connections set `jit=off` and `work_mem=32MB` "
                 "(queries/db.py).")
    if note:
        L.append(f"- **Load**: {note}")
    L += ["", "### Runs", "", "| households | backend | data | seeded in | measured | load avg before → after |", "|---|---|---|---|---|---|"]
    for r in results:
        d = r["data"]
        seeded = "reused file" if d.get("reused") else (f"{d['seed_seconds']:.0f} s" if d.get("seed_seconds") else "—")
        size = f"{d.get('size_mb', d.get('pg', {}).get('db_size_mb', 0)):,.0f} MB"
        lb, la = r.get("load_before", [0, 0, 0]), r.get("load_after", [0, 0, 0])
        L.append(f"| {r['households']:,} | {r['backend']} | {size} | {seeded} | {r['started']} – {r['finished'][11:]} "
                 f"| {lb[0]:.1f} → {la[0]:.1f} |")

    # targets
    L += ["", "## Targets (issue 8, at 2,000,000 households)", ""]
    L += ["| target | SQLite | PostgreSQL |", "|---|---|---|"]

    def tgt(backend):
        r = by.get((TARGET_SIZE, backend))
        if not r or "pages" not in r.get("app", {}):
            return None, None, None, "not measured", (None, None)
        pages = r["app"]["pages"]
        cold = max(p["cold"] for p in pages.values())
        warm = max(p["warm"] for p in pages.values())
        slow_c = max(pages, key=lambda k: pages[k]["cold"])
        slow_w = max(pages, key=lambda k: pages[k]["warm"])
        live = {k: p["cold_live"] for k, p in pages.items() if "cold_live" in p}
        slow_l = max(live, key=live.get) if live else None
        speed = same = None
        nv, ours = r.get("naive", {}), r.get("ours", {})
        page_cold = live.get("overview", pages.get("overview", {}).get("cold"))  # live: no stored results
        if "total" in nv and page_cold:
            speed = nv["total"] / page_cold
            same = nv["total"] / ours["total"] if ours.get("total") else None
        elif "failed" in nv and page_cold:
            speed = same = float("inf")
        return (cold, slow_c), (warm, slow_w), (same, speed), "", (live.get(slow_l), slow_l)

    rows = {b: tgt(b) for b in ("sqlite", "postgresql")}

    def cell(b, i):
        c = rows[b]
        if c[3]:
            return c[3]
        if i == 0:
            (v, p) = c[0]
            return f"{_mark(v <= TARGET_COLD)} — slowest {p} {v:.2f} s"
        if i == 1:
            (v, p) = c[1]
            return f"{_mark(v <= TARGET_WARM)} — slowest {p} {v:.2f} s"
        if i == "live":
            (v, p) = c[4]
            return "not measured" if v is None else f"{_mark(v <= TARGET_COLD)} — slowest {p} {v:.2f} s"
        s = c[2][i - 2]
        if s is None:
            return "not measured"
        if s == float("inf"):
            return "met ✅ — naive did not finish (memory/time limit)"
        return f"{_mark(s >= TARGET_SPEEDUP)} — {s:.1f}×"

    L.append(f"| every page cold ≤ {TARGET_COLD} s (default county-wide view: stored results, queries/precomputed.py) "
             f"| {cell('sqlite', 0)} | {cell('postgresql', 0)} |")
    L.append(f"| every page cold ≤ {TARGET_COLD} s with every query live (any other view: a township, a category, "
             f"another day) | {cell('sqlite', 'live')} | {cell('postgresql', 'live')} |")
    L.append(f"| every page warm ≤ {TARGET_WARM} s | {cell('sqlite', 1)} | {cell('postgresql', 1)} |")
    L.append(f"| ≥ {TARGET_SPEEDUP:g}× faster than naive, same numbers (naive load+aggregate ÷ headline_kpis + leads_by_area) "
             f"| {cell('sqlite', 2)} | {cell('postgresql', 2)} |")
    L.append(f"| ≥ {TARGET_SPEEDUP:g}× faster than naive, whole page (naive load+aggregate ÷ 总览 page cold with every "
             f"query live, which also computes trend, targets and ranking) | {cell('sqlite', 3)} | {cell('postgresql', 3)} |")

    # pages
    pages = []
    for r in results:
        for p in r.get("app", {}).get("pages", {}):
            if p not in pages:
                pages.append(p)
    head = " | ".join(f"{_size(n)} {b[:2] if b == 'sqlite' else 'pg'}" for n, b in combos)
    L += ["", "## Pages (AppTest, server-side run time, seconds: cold / warm / cold live)", "",
          "Cold: `st.cache_data.clear()` then a first run of the default county-wide view (its aggregates read from "
          "the results stored at load, queries/precomputed.py); warm: `at.run()` again on the same AppTest (every "
          "`data.query` a cache hit); cold live: the cache cleared again and `MONITOR_PRECOMPUTED=off`, so every "
          "query runs its SQL, as for any view that is not stored. `sq` = SQLite, `pg` = PostgreSQL.", "",
          f"| page | {head} |", "|---|" + "---|" * len(combos)]
    def page_rows(cell) -> list[str]:
        """One row per page, one cell per size/backend: cell(record) or '—' where there is no record."""
        return [f"| {p} | " + " | ".join(
            cell(rec) if (rec := by[c].get("app", {}).get("pages", {}).get(p)) else "—" for c in combos) + " |"
            for p in pages]

    def times(rec) -> str:
        live = f" / {_fmt_s(rec['cold_live'])}" if "cold_live" in rec else ""
        return f"{_fmt_s(rec['cold'])} / {_fmt_s(rec['warm'])}{live}" + (" ⚠" if rec.get("problems") else "")

    L += page_rows(times)
    probs = [(c, p, rec["problems"]) for c in combos for p, rec in by[c].get("app", {}).get("pages", {}).items()
             if rec.get("problems")]
    if probs:
        L += ["", "⚠ pages that showed an error or exception:"]
        L += [f"- {_size(c[0])} {c[1]} {p}: {'; '.join(x)[:300]}" for c, p, x in probs]

    # SQL share of the cold time
    if any("cold_sql_seconds" in rec for r in results for rec in r.get("app", {}).get("pages", {}).values()):
        L += ["", "### Where the cold time goes", "",
              "During the cold run with every query live: time inside query-layer functions called through "
              "`data.query` (cache misses; "
              "SQL plus the query layer's own pandas work) with the number of calls, and the time SQLAlchemy spent in "
              "`cursor.execute` with the number of statements (for SQLite this excludes rows stepped while fetching, "
              "so it is a lower bound). Everything else in the cold time is page code: Plotly, pandas, Streamlit. "
              "Format: `query layer s (calls) · execute s (statements)`.", "",
              f"| page | {head} |", "|---|" + "---|" * len(combos)]
        def share(rec) -> str:
            if "cold_sql_seconds" not in rec:
                return "—"
            k = "live" if "live_sql_seconds" in rec else "cold"
            q = f"{rec[f'{k}_query_seconds']:.2f} ({rec[f'{k}_query_calls']}) · " if f"{k}_query_seconds" in rec else ""
            return f"{q}{rec[f'{k}_sql_seconds']:.2f} ({rec[f'{k}_sql_statements']})"

        L += page_rows(share)

    # memory per page
    L += ["", "## Memory", "",
          "Peak Python allocations during one cold page run (`tracemalloc`, MB) and the measuring process's peak RSS "
          "(`ru_maxrss`, MB) after all queries and pages of that size/backend (one process per size and backend).", "",
          f"| page | {head} |", "|---|" + "---|" * len(combos)]
    L += page_rows(lambda rec: f"{rec['tracemalloc_peak_mb']:.0f}" if "tracemalloc_peak_mb" in rec else "—")
    L.append("| **process peak RSS (ru_maxrss)** | " + " | ".join(
        f"{by[c]['app'].get('maxrss_mb', float('nan')):,.0f}" if "app" in by[c] and "maxrss_mb" in by[c]["app"] else "—"
        for c in combos) + " |")
    L.append("| RSS after imports (baseline) | " + " | ".join(
        f"{by[c]['app'].get('rss_after_imports_mb', float('nan')):,.0f}" if "app" in by[c] and "rss_after_imports_mb" in by[c]["app"] else "—"
        for c in combos) + " |")

    # queries
    qnames = []
    for r in results:
        for q in r.get("app", {}).get("queries", {}):
            if q not in qnames:
                qnames.append(q)
    L += ["", "## Query functions (called directly, default Filter at the data's as-of date; seconds: first / best of repeats)", "",
          f"| query | {head} |", "|---|" + "---|" * len(combos)]
    for q in qnames:
        cells = []
        for c in combos:
            rec = by[c].get("app", {}).get("queries", {}).get(q)
            cells.append(f"{_fmt_s(rec['first'])} / {_fmt_s(rec['best'])}" if rec else "—")
        L.append(f"| `{q}` | " + " | ".join(cells) + " |")

    # naive
    L += ["", "## Naive approach vs ours", "",
          "Naive: `pd.read_sql_table` of " + ", ".join(NAIVE_TABLES) + " (dates parsed), then the 总览 KPIs (now and "
          "one quarter earlier) and warnings by township in pandas — what a typical Streamlit dashboard does "
          "(usually under `st.cache_data`, i.e. one such copy per TTL and per server process). Ours: the same "
          "numbers from `kpis.headline_kpis` + `leads.leads_by_area` in a fresh process, and the whole 总览 page cold "
          "with every query live (no stored results). "
          "Peak RSS is the measuring process's `ru_maxrss` (fresh process each; baseline after imports ≈ "
          + next((f"{r['ours']['rss_after_imports_mb']:.0f}" for r in results if "rss_after_imports_mb" in r.get("ours", {})), "?")
          + " MB).", "",
          "| households | backend | rows loaded | naive load | naive aggregate | naive total | naive peak RSS | "
          "ours (2 queries) | ours peak RSS | 总览 page cold (live) | naive ÷ ours | naive ÷ page | same numbers? |",
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for c in combos:
        r = by[c]
        nv, ours = r.get("naive"), r.get("ours", {})
        if nv is None:
            continue
        ov = r.get("app", {}).get("pages", {}).get("overview", {})
        page = ov.get("cold_live", ov.get("cold"))   # with every query live: no stored results
        if "failed" in nv:
            L.append(f"| {c[0]:,} | {c[1]} | — | — | — | {nv['failed']} | >{nv.get('peak_rss_seen_mb', 0):,.0f} MB | "
                     f"{_fmt_s(ours.get('total'))} | {ours.get('maxrss_mb', 0):,.0f} MB | {_fmt_s(page)} | — | — | — |")
            continue
        rows_ = sum(nv["rows"].values())
        speed = f"{nv['total'] / page:.1f}×" if page else "—"
        speed = (f"{nv['total'] / ours['total']:.0f}×" if ours.get("total") else "—") + " | " + speed
        same = "yes" if not nv.get("differences") else f"no: {'; '.join(nv['differences'][:3])}"
        L.append(f"| {c[0]:,} | {c[1]} | {rows_:,} | {_fmt_s(nv['load_total'])} | {_fmt_s(nv['aggregate'])} | "
                 f"{_fmt_s(nv['total'])} | {nv['maxrss_mb']:,.0f} MB | {_fmt_s(ours.get('total'))} | "
                 f"{ours.get('maxrss_mb', 0):,.0f} MB | {_fmt_s(page)} | {speed} | {same} |")
    return "\n".join(L) + "\n"


ANALYSIS_MARK = "<!-- analysis below is written by hand and kept when the report is regenerated -->"


def render(note: str) -> None:
    results = [json.loads(p.read_text()) for p in sorted(RESULTS_DIR.glob("*.json"))]
    if not results:
        say("no results yet")
        return
    text = write_report(results, machine_info(), note)
    if REPORT.exists() and ANALYSIS_MARK in REPORT.read_text():
        text += "\n" + ANALYSIS_MARK + REPORT.read_text().split(ANALYSIS_MARK, 1)[1]
    REPORT.write_text(text)
    say(f"wrote {REPORT.relative_to(ROOT)}")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        return worker_main(argv[1:])
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="households, comma-separated")
    p.add_argument("--backends", default="sqlite,postgresql")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--as-of", default=AS_OF)
    p.add_argument("--repeat", type=int, default=3, help="calls per query function (at most 2 above 1M households)")
    p.add_argument("--pages", default="", help="only these pages (url paths, comma-separated)")
    p.add_argument("--reseed", action="store_true", help="seed SQLite files again even if present")
    p.add_argument("--no-naive", action="store_true")
    p.add_argument("--no-tracemalloc", action="store_true")
    p.add_argument("--naive-mem-limit", type=float, default=14.0, help="GB of RSS after which the naive run is stopped")
    p.add_argument("--naive-timeout", type=float, default=1200, help="seconds after which the naive run is stopped")
    p.add_argument("--note", default="", help="free text about the machine's load, put into the report")
    p.add_argument("--report-only", action="store_true")
    p.add_argument("--naive-only", action="store_true",
                   help="measure only the naive approach and ours again, into the stored results of each size/backend")
    a = p.parse_args(argv)
    note_file = RESULTS_DIR / "note.txt"
    if a.note:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        note_file.write_text(a.note)
    note = note_file.read_text() if note_file.exists() else ""
    if a.report_only:
        render(note)
        return 0
    sizes = [int(s.replace("_", "")) for s in a.sizes.split(",") if s]
    backends = [b.strip() for b in a.backends.split(",") if b.strip()]
    for b in backends:
        if b not in ("sqlite", "postgresql"):
            p.error(f"unknown backend {b}")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    server = None
    try:
        for n in sizes:
            for b in backends:
                if b == "sqlite":
                    url, info = ensure_sqlite(n, a)
                    res = naive_again(b, n, url) if a.naive_only else measure(b, n, url, info, a)
                else:
                    if server is None:
                        from tests.pg_server import PostgresServer
                        server = PostgresServer().start()
                        say(f"PostgreSQL test server on port {server.port}")
                    name = f"bench_{n}"
                    drop_pg(server, name)
                    url = server.create_database(name)
                    info = {"seed_seconds": seed(n, a.seed, a.as_of, ["--url", url])}
                    url = server.reader_url(name)  # the dashboard refuses a role that can write
                    info["pg"] = pg_settings(url)
                    res = naive_again(b, n, url) if a.naive_only else measure(b, n, url, info, a)
                    drop_pg(server, name)
                save(res)
                render(note)
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
