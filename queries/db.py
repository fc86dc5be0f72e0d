"""Database connections. One place decides which database the dashboard reads.

MONITOR_DB_URL selects it (any SQLAlchemy URL: sqlite:///path or postgresql+psycopg://...);
the default is the demo SQLite file written by ``python -m seed``.
"""

import os
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = ROOT / "data" / "monitor.db"


def database_url() -> str:
    return os.environ.get("MONITOR_DB_URL") or f"sqlite:///{DEFAULT_SQLITE}"


def make_engine(url: str | None = None, *, read_only: bool = True) -> sa.Engine:
    """Engine for the monitoring database; the dashboard opens it read-only."""
    url = sa.make_url(url or database_url())
    if url.get_backend_name() == "sqlite":
        path = url.database
        if read_only:
            if not path or path == ":memory:":
                raise ValueError("只读模式需要 SQLite 数据库文件路径")
            # mode=ro: SQLite refuses every write on this connection; a missing file is an error, not a new db.
            engine = sa.create_engine(
                f"sqlite:///file:{Path(path).resolve()}?mode=ro&uri=true",
                connect_args={"check_same_thread": False},
            )
            sa.event.listen(engine, "connect", _sqlite_read_tuning)
            return engine
        return sa.create_engine(url, connect_args={"check_same_thread": False})
    connect_args = {"connect_timeout": 5}
    if read_only:
        # jit off: JIT compilation adds a fixed cost to every large aggregate that these sub-second queries never win back;
        # work_mem: the per-area groupings and sorts stay in memory instead of spilling to disk
        connect_args["options"] = "-c default_transaction_read_only=on -c jit=off -c work_mem=32MB"
    # pre_ping: a server that went away and came back is reconnected on the next use.
    return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def _sqlite_read_tuning(dbapi_conn, _record) -> None:
    """A 256 MB page cache and memory-mapped reads: the default 2 MB cache rereads a county-sized
    file on every aggregate (docs/PERFORMANCE.md)."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA cache_size = -262144")
    cur.execute("PRAGMA mmap_size = 1073741824")
    cur.close()
