"""Bulk writers: generated tables into SQLite or PostgreSQL, all or nothing.

SQLite: written to a temporary file next to the target, renamed over it only when complete.
PostgreSQL: one transaction (DDL included), COPY for the rows.
"""

import io
import os
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from queries.db import private_file
from queries.schema import metadata
from seed import defects, derive

CHUNK = 250_000


def _checked(tables: dict[str, pd.DataFrame]):
    """Yield (Table, DataFrame with exactly the table's columns) in dependency order."""
    for table in metadata.sorted_tables:
        df = tables.get(table.name)
        if df is None:
            continue
        names = [c.name for c in table.columns]
        derived = {c.name: c.default.arg if c.default is not None else None for c in table.columns
                   if c.info.get("derived") and c.name not in df.columns}
        if derived:  # derived columns start at their default; seed/derive.py fills them after the load
            df = df.assign(**derived)
        missing = set(names) - set(df.columns)
        if missing:
            raise ValueError(f"table {table.name}: missing columns {sorted(missing)}")
        yield table, df[names]


def _values(s: pd.Series) -> list:
    """A column as Python values with None for NULL; dates as ISO strings."""
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        a = s.to_numpy().astype("datetime64[D]")
        out = np.datetime_as_string(a).astype(object)
        out[np.isnat(a)] = None
        return out.tolist()
    if not s.hasnans and (pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype)):
        return s.to_numpy().tolist()  # numpy scalars -> Python int/float/bool
    return [None if v is None or v is pd.NA or v != v else (v.item() if hasattr(v, "item") else v)
            for v in s.to_numpy(dtype=object)]


def _finish(conn, tables: dict[str, pd.DataFrame]) -> None:
    """Indexes, then (the demo county) the graded levels, then the derived data, in the load transaction."""
    create_indexes(conn)
    if "quality_manifest" in set(tables["meta"].key):
        defects.grade_demo_leads(conn)
    derive.refresh(conn)


def _create(conn, with_indexes: bool):
    for table in metadata.sorted_tables:
        conn.execute(sa.schema.CreateTable(table))
    if with_indexes:
        create_indexes(conn)


def create_indexes(conn):
    for table in metadata.sorted_tables:
        for index in table.indexes:
            index.create(conn)


def write_sqlite(tables: dict[str, pd.DataFrame], path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    private_file(tmp)  # personal data: 0600 before the first row, kept by os.replace
    try:
        engine = sa.create_engine(f"sqlite:///{tmp}")
        with engine.begin() as conn:
            _create(conn, with_indexes=False)
        engine.dispose()
        raw = sqlite3.connect(tmp)
        raw.execute("PRAGMA journal_mode=OFF")
        raw.execute("PRAGMA synchronous=OFF")
        for table, df in _checked(tables):
            cols = [_values(df[c]) for c in df.columns]
            sql = f"INSERT INTO {table.name} ({', '.join(df.columns)}) VALUES ({', '.join('?' * len(df.columns))})"
            rows = zip(*cols)
            while batch := list(_take(rows, CHUNK)):
                raw.executemany(sql, batch)
        raw.commit()
        raw.close()
        engine = sa.create_engine(f"sqlite:///{tmp}")
        with engine.begin() as conn:
            _finish(conn, tables)
            conn.exec_driver_sql("ANALYZE")
        engine.dispose()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _take(it, n):
    for _, row in zip(range(n), it):
        yield row


def write_postgres(tables: dict[str, pd.DataFrame], url: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            metadata.drop_all(conn)
            _create(conn, with_indexes=False)
            cursor = conn.connection.driver_connection.cursor()
            for table, df in _checked(tables):
                with cursor.copy(f"COPY {table.name} ({', '.join(df.columns)}) FROM STDIN (FORMAT csv)") as copy:
                    for start in range(0, len(df), CHUNK):
                        copy.write(_csv(df.iloc[start:start + CHUNK]))
            _finish(conn, tables)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")  # the derived-column updates left dead row versions
    finally:
        engine.dispose()


def _csv(df: pd.DataFrame) -> str:
    out = {}
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            out[c] = _values(s)
        elif pd.api.types.is_bool_dtype(s.dtype):
            out[c] = np.where(s.to_numpy(), "t", "f")
        else:
            out[c] = s
    buf = io.StringIO()
    pd.DataFrame(out).to_csv(buf, index=False, header=False)
    return buf.getvalue()
