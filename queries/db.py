"""Database connections. One place decides which database the dashboard reads, and that it cannot write it.

MONITOR_DB_URL selects it (any SQLAlchemy URL: sqlite:///path or postgresql+psycopg://...);
the default is the demo SQLite file written by ``python -m seed``. MONITOR_IMPORT_URL, set on purpose,
is the only connection the dashboard ever writes through (the admin's 数据导入 page).
"""

import os
import sqlite3
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = ROOT / "data" / "monitor.db"


def database_url() -> str:
    return os.environ.get("MONITOR_DB_URL") or f"sqlite:///{DEFAULT_SQLITE}"


def import_url() -> str | None:
    """The writer connection of the 数据导入 page (its own URL and role); None: import is switched off."""
    return os.environ.get("MONITOR_IMPORT_URL") or None


def same_database(a: str, b: str) -> bool:
    """Whether two URLs (perhaps with different roles) name the same database."""
    a, b = sa.make_url(a), sa.make_url(b)
    if a.get_backend_name() != b.get_backend_name():
        return False
    if a.get_backend_name() == "sqlite":
        return bool(a.database and b.database) and Path(a.database).resolve() == Path(b.database).resolve()
    return (a.host or "localhost", a.port or 5432, a.database) == (b.host or "localhost", b.port or 5432, b.database)


def private_file(path: str | os.PathLike) -> Path:
    """Create `path` empty with mode 0600 unless it exists, so personal data and secrets are never
    written into a file others can read (SQLite gives its journal files the database's mode)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    return path


def make_engine(url: str | None = None, *, read_only: bool = True) -> sa.Engine:
    """Engine for the monitoring database; the dashboard opens it read-only."""
    url = sa.make_url(url or database_url())
    if url.get_backend_name() == "sqlite":
        path = url.database
        if read_only:
            if not path or path == ":memory:":
                raise ValueError("只读模式需要 SQLite 数据库文件路径")
            # mode=ro: a missing file is an error, not a new db; _sqlite_read_only does the rest.
            engine = sa.create_engine(
                f"sqlite:///file:{Path(path).resolve()}?mode=ro&uri=true",
                connect_args={"check_same_thread": False},
            )
            sa.event.listen(engine, "connect", _sqlite_read_only)
            return engine
        if path and path != ":memory:" and not path.startswith("file:"):
            private_file(path)
        return sa.create_engine(url, connect_args={"check_same_thread": False})
    connect_args = {"connect_timeout": 5}
    if read_only:
        # read-only by default as a second line; the permission is the role's (write_access).
        # jit off: JIT compilation adds a fixed cost to every large aggregate that these sub-second queries never win back;
        # work_mem: the per-area groupings and sorts stay in memory instead of spilling to disk
        connect_args["options"] = "-c default_transaction_read_only=on -c jit=off -c work_mem=32MB"
    # pre_ping: a server that went away and came back is reconnected on the next use.
    return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)


# -- SQLite: no write on the reading connection, whatever SQL it is given ------------------------------
# What a reading statement may do. Everything else (ATTACH, which also covers VACUUM INTO; DETACH;
# INSERT/UPDATE/DELETE; CREATE/DROP/ALTER, temp objects included; ANALYZE, REINDEX) is denied.
_READING = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE,
            sqlite3.SQLITE_TRANSACTION, sqlite3.SQLITE_SAVEPOINT}
# PRAGMAs whose argument names a table or index to describe (what SQLAlchemy's inspector runs) ...
_DESCRIBING_PRAGMAS = {"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list"}
# ... and PRAGMAs that are only read (without an argument: setting any of them, query_only included, is denied).
_READ_PRAGMAS = {"read_uncommitted", "query_only", "user_version", "schema_version", "data_version", "encoding",
                 "page_size", "page_count", "freelist_count", "cache_size", "mmap_size", "compile_options",
                 "database_list", "table_list", "collation_list", "function_list", "pragma_list"}


def _sqlite_authorize(action, arg1, arg2, _db, _trigger) -> int:
    if action in _READING:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA:
        name = (arg1 or "").lower()
        if name in _DESCRIBING_PRAGMAS or (name in _READ_PRAGMAS and arg2 is None):
            return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _sqlite_read_only(dbapi_conn, _record) -> None:
    """Tuning first (the authorizer would refuse it), then query_only and the authorizer that keeps it on.
    A 256 MB page cache and memory-mapped reads: the default 2 MB cache rereads a county-sized file on
    every aggregate (docs/PERFORMANCE.md)."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA cache_size = -262144")
    cur.execute("PRAGMA mmap_size = 1073741824")
    cur.execute("PRAGMA query_only = 1")
    cur.close()
    dbapi_conn.set_authorizer(_sqlite_authorize)


# -- the reading role must not be able to write -------------------------------------------------------------
_PG_WRITE_ACCESS = sa.text("""
WITH mine AS (SELECT oid, rolname, rolsuper, rolcreaterole FROM pg_roles
              WHERE pg_has_role(current_user, oid, 'MEMBER'))
SELECT 'superuser', rolname FROM mine WHERE rolsuper
UNION ALL SELECT 'createrole', rolname FROM mine WHERE rolcreaterole
UNION ALL (SELECT 'table', n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname <> 'information_schema'
             AND n.nspname NOT LIKE 'pg\\_%'
             AND EXISTS (SELECT 1 FROM mine m WHERE m.oid = c.relowner
                         OR has_table_privilege(m.oid, c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE'))
           LIMIT 3)
UNION ALL (SELECT 'schema', n.nspname FROM pg_namespace n
           WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
             AND EXISTS (SELECT 1 FROM mine m WHERE m.oid = n.nspowner OR has_schema_privilege(m.oid, n.oid, 'CREATE'))
           LIMIT 3)
""")
_PG_REASONS = {"superuser": "是超级用户（{}）", "createrole": "可以创建和授予角色（{}）",
               "table": "可以写入或拥有表 {}", "schema": "可以在模式 {} 中建表"}


def write_access(conn: sa.Connection) -> str | None:
    """None when this connection cannot change the monitoring database; otherwise why it can, in Chinese
    (the dashboard then refuses to start)."""
    if conn.dialect.name == "sqlite":
        if conn.exec_driver_sql("PRAGMA query_only").scalar() == 1:
            return None
        return "看板读取监测数据库的连接没有设为只读（SQLite query_only 未开启），看板拒绝启动。"
    if conn.dialect.name != "postgresql":
        return f"看板只支持 SQLite 和 PostgreSQL 监测数据库（当前为 {conn.dialect.name}），无法确认读取连接不能写入。"
    found = [_PG_REASONS[kind].format(what) for kind, what in conn.execute(_PG_WRITE_ACCESS)]
    if not found:
        return None
    user = conn.exec_driver_sql("SELECT current_user").scalar()
    return (f"看板读取监测数据库所用的角色 {user} 有写入权限：{'；'.join(found)}。为保护监测数据，看板拒绝启动。"
            "请按 README“PostgreSQL 只读角色”一节创建只有 SELECT 权限的角色（如 "
            "`python -m deploy.readonly_role --url 管理员地址 --role monitor_reader`），并在 MONITOR_DB_URL 中使用它；"
            "数据导入另用 MONITOR_IMPORT_URL 配置写入角色。")
