"""The schema works the same on SQLite and PostgreSQL, and is documented in Chinese."""

import datetime as dt
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from queries import schema
from queries.schema import metadata

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_create_all_creates_every_table(empty_db):
    names = set(sa.inspect(empty_db).get_table_names())
    assert set(metadata.tables) <= names


def test_create_all_is_idempotent(empty_db):
    metadata.create_all(empty_db)  # second run: checkfirst, no error


def test_roundtrip_keeps_python_types(empty_db):
    with empty_db.begin() as conn:
        conn.execute(schema.county.insert().values(code="522327", name="测试县", province="贵州省"))
        conn.execute(schema.townships.insert().values(
            code="522327101", county_code="522327", name="城关镇", centroid_lon=105.5, centroid_lat=25.4))
        conn.execute(schema.villages.insert().values(
            code="522327101201", township_code="522327101", name="新民村"))
        conn.execute(schema.households.insert().values(
            id=1, code="5223271012010001", village_code="522327101201", township_code="522327101",
            hh_type="tp", monitor_category="marginal", identified_date=dt.date(2024, 3, 15),
            eliminated_date=None, assistance_only=True, updated_date=dt.date(2024, 12, 31)))

    with empty_db.connect() as conn:
        county = conn.execute(sa.select(schema.county)).one()
        town = conn.execute(sa.select(schema.townships)).one()
        village = conn.execute(sa.select(schema.villages)).one()
        hh = conn.execute(sa.select(schema.households)).one()

    assert (county.code, county.name, county.province) == ("522327", "测试县", "贵州省")
    assert (town.county_code, town.name, town.centroid_lon) == ("522327", "城关镇", 105.5)
    assert (village.township_code, village.name) == ("522327101", "新民村")

    assert type(hh.identified_date) is dt.date and hh.identified_date == dt.date(2024, 3, 15)
    assert type(hh.updated_date) is dt.date and hh.updated_date == dt.date(2024, 12, 31)
    assert hh.eliminated_date is None
    assert type(hh.assistance_only) is bool and hh.assistance_only is True
    assert type(hh.id) is int and hh.helper_id is None
    assert (hh.hh_type, hh.monitor_category) == ("tp", "marginal")


def test_boolean_default_is_false(empty_db):
    with empty_db.begin() as conn:
        conn.execute(schema.county.insert().values(code="522327", name="测试县"))
        conn.execute(schema.townships.insert().values(code="522327101", county_code="522327", name="城关镇"))
        conn.execute(schema.villages.insert().values(code="522327101201", township_code="522327101", name="新民村"))
        conn.execute(schema.households.insert().values(
            id=2, code="5223271012010002", village_code="522327101201", township_code="522327101", hh_type="yb"))
        value = conn.execute(sa.select(schema.households.c.assistance_only)).scalar_one()
    assert value is False


def test_every_column_has_chinese_comment():
    missing = [f"{t.name}.{c.name}" for t in metadata.sorted_tables for c in t.columns
               if not (c.comment and c.comment.strip() and CJK.search(c.comment))]
    assert not missing, f"列缺少中文注释: {missing}"
    tables = [t.name for t in metadata.sorted_tables if not (t.comment and CJK.search(t.comment))]
    assert not tables, f"表缺少中文注释: {tables}"


def test_data_dictionary_is_up_to_date():
    doc = (ROOT / "docs" / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
    assert doc == schema.data_dictionary_markdown() + "\n", (
        "docs/DATA_DICTIONARY.md 已过期：运行 .venv/bin/python -m queries.schema > docs/DATA_DICTIONARY.md")


@pytest.mark.postgres
def test_postgresql_stores_column_comments(pg_server):
    """On PostgreSQL the Chinese comments land in the catalog (COMMENT ON), visible to DBAs' tools."""
    url = pg_server.create_database("comments_check")
    engine = sa.create_engine(url)
    try:
        metadata.create_all(engine)
        insp = sa.inspect(engine)
        for table in metadata.sorted_tables:
            got = {c["name"]: c.get("comment") for c in insp.get_columns(table.name)}
            assert got == {c.name: c.comment for c in table.columns}, table.name
            assert insp.get_table_comment(table.name)["text"] == table.comment
    finally:
        engine.dispose()

