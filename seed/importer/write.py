"""Writing a validated batch in one transaction: natural keys -> surrogate ids, bulk upserts and replaces.

* Keyed tables (county, townships, villages, helpers, households, projects, findings, village_facts, township_facts,
  enterprise_pairings, targets,
  monitoring_lines): ``INSERT ... ON CONFLICT (primary key) DO UPDATE`` of the columns the sheet has
  (SQLite: executemany on the driver; PostgreSQL: COPY into a temporary table, then one INSERT ... SELECT).
  Households and projects keep their id: it is looked up by 户编号 / 项目编号; new ones get max(id)+1, ...
* Child tables (members, household_income, risk_factors, warnings, aid_measures, visits, lead_steps,
  assignments, dishonesty_records of the households
  in the import; project_payments of its projects): old rows deleted, file rows inserted (COPY on
  PostgreSQL). Ids are reused - a member keeps the id of the member with the same ID number, other rows
  take the household's old ids in order - so importing the same file twice leaves the database unchanged.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from queries import schema
from seed.importer.validate import Batch, replaced_parents

HOUSEHOLD_CHILDREN = ["members", "household_income", "risk_factors", "warnings", "aid_measures", "visits",
                      "household_checks", "lead_steps", "assignments", "dishonesty_records"]


def q(name: str) -> str:
    return f'"{name}"'


class State:
    """Keys already in the database, read lazily inside the import transaction."""

    def __init__(self, conn: sa.Connection):
        self.conn = conn
        self._cache: dict = {}

    def _get(self, name, fn):
        if name not in self._cache:
            self._cache[name] = fn()
        return self._cache[name]

    def _col(self, table: sa.Table, *cols):
        return self.conn.execute(sa.select(*(table.c[c] for c in cols))).all()

    def county_codes(self) -> set:
        return self._get("county", lambda: {r[0] for r in self._col(schema.county, "code")})

    def township_codes(self) -> set:
        return self._get("townships", lambda: {r[0] for r in self._col(schema.townships, "code")})

    def village_towns(self) -> dict:
        return self._get("villages", lambda: dict(self._col(schema.villages, "code", "township_code")))

    def village_codes(self) -> set:
        return set(self.village_towns())

    def helper_ids(self) -> set:
        return self._get("helpers", lambda: {r[0] for r in self._col(schema.helpers, "id")})

    def household_ids(self) -> dict:
        return self._get("households", lambda: dict(self._col(schema.households, "code", "id")))

    def project_ids(self) -> dict:
        return self._get("projects", lambda: dict(self._col(schema.projects, "code", "id")))

    def household_villages(self) -> dict:
        return self._get("household_villages", lambda: dict(self._col(schema.households, "code", "village_code")))

    def finding_ids(self) -> dict:
        return self._get("findings", lambda: dict(self._col(schema.findings, "code", "id")))

    def lead_keys(self) -> set:
        """(household code, 线索产生日期) of every lead in the database."""
        def load():
            w, h = schema.warnings, schema.households
            return {tuple(r) for r in self.conn.execute(
                sa.select(h.c.code, w.c.raised_date).select_from(w.join(h, h.c.id == w.c.household_id))).all()}
        return self._get("lead_keys", load)

    def member_owners(self) -> dict:
        def load():
            m, h = schema.members, schema.households
            rows = self.conn.execute(sa.select(m.c.id_number, h.c.code).select_from(m.join(h, h.c.id == m.c.household_id))
                                     .where(m.c.id_number.is_not(None))).all()
            return dict(rows)
        return self._get("member_owners", load)

    def meta(self) -> dict:
        return self._get("meta", lambda: dict(self._col(schema.meta, "key", "value")))

    def keys(self, table: sa.Table) -> set:
        pk = [c.name for c in table.primary_key.columns]
        return {tuple(r) for r in self._col(table, *pk)}

    def max_id(self, table: sa.Table) -> int:
        return self.conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0


class Writer:
    """Bulk statements on the driver connection, for SQLite (sqlite3) and PostgreSQL (psycopg)."""

    def __init__(self, conn: sa.Connection):
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"
        self.raw = conn.connection.driver_connection
        self.cur = self.raw.cursor()
        self.tmp_n = 0

    def _adapt(self, table: sa.Table, rows: list[tuple]) -> list[tuple]:
        """SQLite: dates as ISO text (what SQLAlchemy's Date type stores), booleans as 0/1."""
        if self.pg:
            return rows
        idx = [i for i, c in enumerate(table.columns) if isinstance(c.type, (sa.Date, sa.Boolean))]
        if not idx:
            return rows
        out = []
        for r in rows:
            r = list(r)
            for i in idx:
                v = r[i]
                if v is not None:
                    r[i] = v.isoformat() if isinstance(v, date) else int(v)
            out.append(tuple(r))
        return out

    def _copy(self, target: str, cols: list[str], rows: list[tuple]):
        with self.cur.copy(f"COPY {target} ({', '.join(map(q, cols))}) FROM STDIN") as cp:
            for r in rows:
                cp.write_row(r)

    def insert(self, table: sa.Table, rows: list[tuple]):
        if not rows:
            return
        cols = [c.name for c in table.columns]
        if self.pg:
            self._copy(q(table.name), cols, rows)
        else:
            sql = f"INSERT INTO {q(table.name)} ({', '.join(map(q, cols))}) VALUES ({', '.join('?' * len(cols))})"
            self.cur.executemany(sql, self._adapt(table, rows))

    def upsert(self, table: sa.Table, rows: list[tuple], update: list[str]):
        """Rows have every column of the table; on a primary-key conflict only ``update`` columns change."""
        if not rows:
            return
        cols = [c.name for c in table.columns]
        pk = ", ".join(q(c.name) for c in table.primary_key.columns)
        sets = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in update)
        action = f"DO UPDATE SET {sets}" if sets else "DO NOTHING"
        collist = ", ".join(map(q, cols))
        if self.pg:
            self.tmp_n += 1
            tmp = f"_import_{table.name}_{self.tmp_n}"
            self.cur.execute(f"CREATE TEMP TABLE {tmp} ON COMMIT DROP AS SELECT {collist} FROM {q(table.name)} WITH NO DATA")
            self._copy(tmp, cols, rows)
            self.cur.execute(f"INSERT INTO {q(table.name)} ({collist}) SELECT {collist} FROM {tmp} "
                             f"ON CONFLICT ({pk}) {action}")
            self.cur.execute(f"DROP TABLE {tmp}")
        else:
            sql = (f"INSERT INTO {q(table.name)} ({collist}) VALUES ({', '.join('?' * len(cols))}) "
                   f"ON CONFLICT ({pk}) {action}")
            self.cur.executemany(sql, self._adapt(table, rows))

    def delete_in(self, table: sa.Table, column: str, values: list):
        if not values:
            return
        if self.pg:
            self.cur.execute(f"DELETE FROM {q(table.name)} WHERE {q(column)} = ANY(%s)", (list(values),))
        else:
            self.cur.executemany(f"DELETE FROM {q(table.name)} WHERE {q(column)} = ?", [(v,) for v in values])

    def sync_sequence(self, table: sa.Table):
        """PostgreSQL: explicit ids were inserted; move the serial sequence past them."""
        if self.pg and "id" in table.c and table.c.id.autoincrement in (True, "auto"):
            self.cur.execute(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                             f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {q(table.name)}")


def _row(table: sa.Table, v: dict) -> tuple:
    out = []
    for c in table.columns:
        x = v.get(c.name)
        if x is None and c.default is not None and c.default.is_scalar:
            x = c.default.arg
        out.append(x)
    return tuple(out)


def _present(table: sa.Table, rec) -> frozenset:
    pk = {c.name for c in table.primary_key.columns}
    return frozenset(k for k in rec.v if k in table.c and k not in pk)


def _assign_ids(recs, ids: dict, next_id: int) -> None:
    """Each record gets the id of its code: the existing one, else the next free one (ids is updated)."""
    for rec in recs:
        code = rec.v["code"]
        if code not in ids:
            ids[code] = next_id
            next_id += 1
        rec.v["id"] = ids[code]


def apply(conn: sa.Connection, batch: Batch, state: State, as_of: date) -> tuple[dict, dict]:
    w = Writer(conn)
    counts: dict[str, int] = {}
    changes: dict[str, dict[str, int]] = {}
    written: list[sa.Table] = []

    def upsert_keyed(table: sa.Table, recs, existing: set, key_of):
        groups: dict[frozenset, list] = {}
        ins = upd = 0
        for rec in recs:
            groups.setdefault(_present(table, rec), []).append(_row(table, rec.v))
            if key_of(rec) in existing:
                upd += 1
            else:
                ins += 1
        for update, rows in groups.items():
            w.upsert(table, rows, sorted(update))
        counts[table.name] = len(recs)
        changes[table.name] = {"inserted": ins, "updated": upd}
        written.append(table)

    def pk_of(table):
        pk = [c.name for c in table.primary_key.columns]
        return lambda rec: tuple(rec.v[c] for c in pk)

    # --- areas and helpers ---------------------------------------------------------------------------
    for name in ("county", "townships", "villages", "helpers"):
        if batch.has(name):
            table = schema.metadata.tables[name]
            upsert_keyed(table, batch.rows(name), state.keys(table), pk_of(table))

    # --- households -------------------------------------------------------------------------------------
    hh_ids = dict(state.household_ids())
    if batch.has("households"):
        towns = dict(state.village_towns())
        towns.update({r.v["code"]: r.v["township_code"] for r in batch.rows("villages")})
        existing = set(hh_ids.values())
        _assign_ids(batch.rows("households"), hh_ids, state.max_id(schema.households) + 1)
        for rec in batch.rows("households"):
            rec.v["township_code"] = towns[rec.v["village_code"]]
        upsert_keyed(schema.households, batch.rows("households"), {(i,) for i in existing}, pk_of(schema.households))

    for name in HOUSEHOLD_CHILDREN:
        if batch.has(name):
            _replace(w, state, batch, schema.metadata.tables[name], "household_id", "household_code", hh_ids,
                     counts, changes)
            written.append(schema.metadata.tables[name])

    # --- projects and payments -------------------------------------------------------------------------
    proj_ids = dict(state.project_ids())
    if batch.has("projects"):
        existing = set(proj_ids.values())
        _assign_ids(batch.rows("projects"), proj_ids, state.max_id(schema.projects) + 1)
        upsert_keyed(schema.projects, batch.rows("projects"), {(i,) for i in existing}, pk_of(schema.projects))
    if batch.has("project_payments"):
        _replace(w, state, batch, schema.project_payments, "project_id", "project_code", proj_ids, counts, changes)
        written.append(schema.project_payments)

    # --- inspection findings (问题台账): keyed by 问题编号, their household by 户编号 ---------------------------
    if batch.has("findings"):
        ids = dict(state.finding_ids())
        existing = set(ids.values())
        recs = batch.rows("findings")
        _assign_ids(recs, ids, state.max_id(schema.findings) + 1)
        for rec in recs:
            if "household_code" in rec.v:
                code = rec.v.pop("household_code")
                rec.v["household_id"] = hh_ids[code] if code is not None else None
        upsert_keyed(schema.findings, recs, {(i,) for i in existing}, pk_of(schema.findings))

    # --- facts, targets, lines --------------------------------------------------------------------------
    for name in ("village_facts", "township_facts", "enterprise_pairings", "targets", "monitoring_lines"):
        if batch.has(name):
            table = schema.metadata.tables[name]
            upsert_keyed(table, batch.rows(name), state.keys(table), pk_of(table))

    # --- meta: what the dashboard needs to open the database --------------------------------------------
    meta_rows = [("schema_version", schema.SCHEMA_VERSION), ("as_of", as_of.isoformat()), ("is_demo", "0")]
    w.upsert(schema.meta, meta_rows, ["value"])

    for table in written:
        w.sync_sequence(table)
    return counts, changes


def _replace(w: Writer, state: State, batch: Batch, table: sa.Table, fk: str, code_field: str, parent_ids: dict,
             counts: dict, changes: dict):
    """Replace ``table``'s rows of the parents in the import, reusing ids (members: by ID number)."""
    recs = batch.rows(table.name)
    replaced = {parent_ids[c] for c in replaced_parents(batch, table.name, code_field)}
    has_id = "id" in table.c
    is_members = table.name == "members"
    cols = [fk] + (["id"] if has_id else []) + (["id_number"] if is_members else []) + \
        ([] if has_id else [c.name for c in table.primary_key.columns if c.name != fk])
    old = [r for r in state.conn.execute(sa.select(*(table.c[c] for c in cols))).all() if r[0] in replaced]
    for rec in recs:
        rec.v[fk] = parent_ids[rec.v[code_field]]

    if not has_id:  # household_income: primary key (household_id, year)
        old_keys = {tuple(r) for r in old}
        new_keys = {(rec.v[fk], rec.v["year"]) for rec in recs}
        w.delete_in(table, fk, sorted({r[0] for r in old}))
        w.insert(table, [_row(table, rec.v) for rec in recs])
        changes[table.name] = {"inserted": len(new_keys - old_keys), "updated": len(new_keys & old_keys),
                               "deleted": len(old_keys - new_keys)}
        counts[table.name] = len(recs)
        return

    used: set[int] = set()
    if is_members:
        by_idn = {r[2]: r[1] for r in old if r[2] is not None}
        for rec in recs:
            i = by_idn.get(rec.v["id_number"])
            if i is not None:
                rec.v["id"] = i
                used.add(i)
    free: dict[int, list[int]] = {}
    for r in sorted(old, key=lambda r: r[1], reverse=True):   # pop() takes the smallest first
        if r[1] not in used:
            free.setdefault(r[0], []).append(r[1])
    next_id = state.max_id(table) + 1
    reused = len(used)
    for rec in recs:
        if is_members and rec.v.get("id") is not None:
            continue
        ids = free.get(rec.v[fk])
        if ids:
            rec.v["id"] = ids.pop()
            reused += 1
        else:
            rec.v["id"] = next_id
            next_id += 1
    w.delete_in(table, "id", sorted(r[1] for r in old))
    w.insert(table, [_row(table, rec.v) for rec in recs])
    counts[table.name] = len(recs)
    changes[table.name] = {"inserted": len(recs) - reused, "updated": reused, "deleted": len(old) - reused}
