"""Create the dashboard's PostgreSQL reading role: LOGIN with SELECT only on the monitoring database.

    .venv/bin/python -m deploy.readonly_role --url postgresql+psycopg://postgres@db/monitor --role monitor_reader \\
        --owner monitor_writer --password-stdin < reader-password.txt
    .venv/bin/python -m deploy.readonly_role --url ... --role monitor_reader --print      # the SQL only

`--url` is an administrator's connection to the monitoring database (a superuser or the owner of its
tables). `--owner` is the role that creates the tables (what seed / the importer / MONITOR_IMPORT_URL log in
as; default: the administrator of --url): tables it creates later are readable by the reader too. Running it
again is harmless and takes back any write privilege the reader was given since. The dashboard refuses to
start when its MONITOR_DB_URL role can write (queries.db.write_access); this checks that right away.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def reader_sql(role: str, database: str, owner: str, schema: str = "public", password: str | None = None):
    """The statements, as psycopg SQL objects (identifiers quoted, the password a literal)."""
    from psycopg import sql

    r, s, o = sql.Identifier(role), sql.Identifier(schema), sql.Identifier(owner)
    login = sql.SQL(" PASSWORD {}").format(sql.Literal(password)) if password else sql.SQL("")
    return [
        sql.SQL("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {}) THEN CREATE ROLE {}; END IF; END$$")
        .format(sql.Literal(role), r),
        sql.SQL("ALTER ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS{}").format(r, login),
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), r),
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, r),
        # PostgreSQL < 15 lets every role create tables in public; the reader must not.
        sql.SQL("REVOKE CREATE ON SCHEMA {} FROM PUBLIC").format(s),
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(s, r),
        sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(s, r),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT SELECT ON TABLES TO {}").format(o, s, r),
    ]


def create_reader(admin_url: str, role: str, *, owner: str | None = None, schema: str = "public",
                  password: str | None = None) -> str:
    """Create or update `role` on the database of `admin_url`; returns the reader's SQLAlchemy URL."""
    import psycopg
    import sqlalchemy as sa

    url = sa.make_url(admin_url)
    with psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as conn:
        owner = owner or conn.execute("SELECT current_user").fetchone()[0]
        with conn.transaction():
            for stmt in reader_sql(role, url.database, owner, schema, password):
                conn.execute(stmt)
    return url.set(username=role, password=password).render_as_string(hide_password=False)


def check(reader_url: str) -> str | None:
    """None when the reader cannot write (what the dashboard checks at start), else the reason."""
    from queries.db import make_engine, write_access

    engine = make_engine(reader_url)
    try:
        with engine.connect() as conn:
            return write_access(conn)
    finally:
        engine.dispose()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m deploy.readonly_role", description="创建看板的只读数据库角色（只有 SELECT 权限）")
    p.add_argument("--url", required=True, help="管理员连接监测数据库的地址（超级用户或表的所有者）")
    p.add_argument("--role", default="monitor_reader", help="只读角色名（默认 monitor_reader）")
    p.add_argument("--owner", help="建表的写入角色（导入/生成数据所用），默认为 --url 的用户")
    p.add_argument("--schema", default="public")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读取只读角色的密码")
    p.add_argument("--print", action="store_true", help="只打印 SQL，不执行")
    args = p.parse_args(argv)
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    import sqlalchemy as sa

    if args.print:
        import psycopg
        url = sa.make_url(args.url)
        with psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False)) as conn:
            for stmt in reader_sql(args.role, url.database, args.owner or url.username or "postgres", args.schema,
                                   password):
                print(stmt.as_string(conn) + ";")
        return 0
    reader = create_reader(args.url, args.role, owner=args.owner, schema=args.schema, password=password)
    shown = sa.make_url(reader).render_as_string(hide_password=True)
    try:
        problem = check(reader)
    except sa.exc.OperationalError as e:
        print(f"已创建只读角色 {args.role}，但无法用它连接（检查 pg_hba.conf 与密码）：{str(e).splitlines()[0]}", file=sys.stderr)
        return 1
    if problem:
        print(f"错误：{problem}", file=sys.stderr)
        return 1
    print(f"已创建只读角色 {args.role}（只有 SELECT 权限）。看板配置：MONITOR_DB_URL={shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
