"""The dashboard's reading connection cannot write the monitoring database, whatever SQL it is given:
SQLite through mode=ro + query_only + an authorizer, PostgreSQL through a SELECT-only role (the dashboard
refuses a role that can write). The 数据导入 page writes only through MONITOR_IMPORT_URL."""

import shutil
import uuid

import pytest
import sqlalchemy as sa
import streamlit as st

from queries.db import make_engine, write_access
from queries.schema import meta, metadata, villages
from tests.conftest import TEST_TOWNSHIP
from tests.fixture_db import build_fixture
from tests.exports_support import export_url
from tests.handbuilt import write_book
from tests.pages_support import run_page

WRITE = "INSERT INTO meta (key, value) VALUES ('escaped', 'yes')"


def escapes(path) -> dict[str, list[str]]:
    """Ways out of a read-only session, each followed by a write (a statement may fail on one backend as
    unknown syntax: refused either way)."""
    return {
        "attach read-write": [f"ATTACH 'file:{path}?mode=rw' AS rw", WRITE.replace("INTO meta", "INTO rw.meta")],
        "read-write transaction": ["SET TRANSACTION READ WRITE", WRITE],
        "session default off": ["SET default_transaction_read_only = off", WRITE],
        "query_only off": ["PRAGMA query_only = 0", WRITE],
        "write in a CTE": [f"WITH x AS (SELECT 1) {WRITE}"],
        "temp table": ["CREATE TEMP TABLE t AS SELECT * FROM meta"],
        "vacuum into": [f"VACUUM INTO '{path}.copy'"],
    }


@pytest.fixture
def monitor_db(db_backend, request, tmp_path):
    """(owner URL, the URL the dashboard is given, SQLite path or None) of a small database with data."""
    if db_backend == "sqlite":
        path = tmp_path / "monitor.db"
        owner = reader = f"sqlite:///{path}"
    else:
        server = request.getfixturevalue("pg_server")
        path, name = None, f"ro_{uuid.uuid4().hex[:12]}"
        owner = server.create_database(name)
    writer = make_engine(owner, read_only=False)
    metadata.create_all(writer)
    with writer.begin() as conn:
        conn.execute(meta.insert(), [{"key": "schema_version", "value": "x"}, {"key": "as_of", "value": "2026-06-30"}])
    writer.dispose()
    if db_backend == "postgresql":
        reader = request.getfixturevalue("pg_server").reader_url(name)
    return owner, reader, path


def contents(url) -> tuple:
    engine = make_engine(url, read_only=False)
    with engine.connect() as conn:
        rows = sorted(map(tuple, conn.execute(sa.select(meta)).all()))
        tables = sorted(sa.inspect(conn).get_table_names())
    engine.dispose()
    return rows, tables


@pytest.mark.parametrize("escape", list(escapes("x")))
def test_no_escape_from_the_reading_connection(monitor_db, escape):
    owner, reader, path = monitor_db
    before = contents(owner)
    engine = make_engine(reader)  # exactly as the dashboard makes it
    with pytest.raises(sa.exc.DBAPIError):
        with engine.begin() as conn:
            for stmt in escapes(path or "x")[escape]:
                conn.exec_driver_sql(stmt)
    with engine.connect() as conn:  # the pooled connection is still read-only afterwards
        assert write_access(conn) is None
        with pytest.raises(sa.exc.DBAPIError):
            conn.exec_driver_sql(WRITE)
    engine.dispose()
    assert contents(owner) == before
    if path is not None:
        assert not path.with_name(f"{path.name}.copy").exists()


def test_reading_connection_still_reads(monitor_db):
    """What the query layer and the schema check use: SELECT, CTEs (recursive too), window functions, the
    inspector's PRAGMAs (the whole of tests/test_queries.py runs on this connection as well)."""
    _, reader, _ = monitor_db
    engine = make_engine(reader)
    with engine.connect() as conn:
        assert "meta" in sa.inspect(conn).get_table_names()
        assert {c["name"] for c in sa.inspect(conn).get_columns("meta")} == {"key", "value"}
        n = conn.exec_driver_sql("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) "
                                 "SELECT max(n) FROM r").scalar()
        assert n == 5
        ranks = conn.exec_driver_sql("SELECT key, row_number() OVER (ORDER BY key) FROM meta ORDER BY key").all()
        assert [tuple(r) for r in ranks] == [("as_of", 1), ("schema_version", 2)]
    engine.dispose()


def test_write_access_names_what_a_writing_role_can_do(db_backend, monitor_db):
    owner, reader_url, _ = monitor_db
    if db_backend == "sqlite":  # a writable SQLite connection has query_only off
        engine = make_engine(owner, read_only=False)
        with engine.connect() as conn:
            assert "query_only" in write_access(conn)
        engine.dispose()
        return
    engine = make_engine(owner)  # the superuser, read-only only by session default
    with engine.connect() as conn:
        problem = write_access(conn)
    engine.dispose()
    assert "postgres" in problem and "超级用户" in problem and "拒绝启动" in problem
    # A reader given one write privilege by mistake is refused as well, and the script takes it back.
    writer = make_engine(owner, read_only=False)
    with writer.begin() as conn:
        conn.exec_driver_sql("GRANT UPDATE ON meta TO monitor_reader")
    writer.dispose()
    reader = make_engine(reader_url)
    with reader.connect() as conn:
        assert "public.meta" in write_access(conn)
    from deploy.readonly_role import main
    assert main(["--url", owner, "--role", "monitor_reader"]) == 0
    with reader.connect() as conn:
        assert write_access(conn) is None
    reader.dispose()


# -- the dashboard refuses a reading role that can write ----------------------------------------------------
@pytest.mark.postgres
def test_dashboard_refuses_a_role_that_can_write(fixture_pg_url, fixture_pg_reader_url, monkeypatch):
    monkeypatch.setenv("MONITOR_DB_URL", fixture_pg_url)  # the superuser that built the county
    st.cache_data.clear()
    st.cache_resource.clear()
    at = run_page("overview")
    assert not at.exception
    assert any("有写入权限" in e.value and "拒绝启动" in e.value for e in at.error)
    assert len(at.metric) == 0 and len(at.dataframe) == 0 and len(at.get("plotly_chart")) == 0
    monkeypatch.setenv("MONITOR_DB_URL", fixture_pg_reader_url)  # the SELECT-only role: data again
    st.cache_data.clear()
    at = run_page("overview")
    assert not at.exception and not at.error and len(at.metric) > 0


# -- 数据导入 writes only through its own, deliberately configured connection ------------------------------
@pytest.fixture
def own_county(fixture_sqlite_url, tmp_path, monkeypatch):
    """A copy of the fixture county the dashboard reads (import changes it)."""
    path = tmp_path / "county.db"
    shutil.copy(sa.make_url(fixture_sqlite_url).database, path)
    monkeypatch.setenv("MONITOR_DB_URL", f"sqlite:///{path}")
    monkeypatch.delenv("MONITOR_IMPORT_URL", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    return path


def test_import_is_off_without_a_writer_url(own_county):
    at = run_page("data_import", user="admin")
    assert not at.exception
    assert any("数据导入已关闭" in i.value and "MONITOR_IMPORT_URL" in i.value for i in at.info)
    assert not at.get("file_uploader") and not [b for b in at.button if b.label == "开始导入"]
    assert export_url(at, "import_template")  # the template stays available to hand out


def test_import_refuses_a_writer_url_for_another_database(own_county, tmp_path, monkeypatch):
    monkeypatch.setenv("MONITOR_IMPORT_URL", f"sqlite:///{tmp_path / 'other.db'}")
    at = run_page("data_import", user="admin")
    assert any("不是同一个数据库" in e.value for e in at.error) and not at.get("file_uploader")


class Upload:
    """What st.file_uploader returns (AppTest cannot drive the upload widget itself)."""

    def __init__(self, path):
        self.name, self._data = path.name, path.read_bytes()

    def getvalue(self) -> bytes:
        return self._data


def test_import_writes_through_the_writer_url(own_county, tmp_path, monkeypatch):
    monkeypatch.setenv("MONITOR_IMPORT_URL", f"sqlite:///{own_county}")
    book = write_book(tmp_path / "新村.xlsx", {"行政村": [
        {"行政村区划代码": "439901101299", "行政村名称": "新建村", "乡镇区划代码": TEST_TOWNSHIP}]})
    monkeypatch.setattr(st, "file_uploader", lambda *a, **k: [Upload(book)])
    at = run_page("data_import", user="admin")
    assert not at.exception and not at.info
    [start] = [b for b in at.button if b.label == "开始导入"]
    at = start.click().run()
    assert not at.exception and not at.error
    assert any("导入完成" in s.value for s in at.success)
    with make_engine(f"sqlite:///{own_county}").connect() as conn:
        assert conn.execute(sa.select(villages.c.name).where(villages.c.code == "439901101299")).scalar() == "新建村"


def test_fixture_builds_on_a_private_file(tmp_path):
    """make_engine(read_only=False) creates a new SQLite file 0600 before anything is written to it."""
    import os
    path = tmp_path / "new.db"
    engine = make_engine(f"sqlite:///{path}", read_only=False)
    metadata.create_all(engine)
    build_fixture(engine)
    engine.dispose()
    assert os.stat(path).st_mode & 0o777 == 0o600
