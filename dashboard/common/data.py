"""Cached access to the query layer. Pages never talk to the database directly.

Results are cached per (database, function, arguments) with a TTL, so a meeting's clicks are
instant while data refreshed by a nightly load shows up within the TTL.
"""

import importlib
import logging

import sqlalchemy as sa
import streamlit as st

from queries import areas, precomputed
from queries.db import database_url, make_engine, write_access
from queries.schema import SCHEMA_VERSION, metadata

TTL_SECONDS = 600
log = logging.getLogger("dashboard")


class DataUnavailable(Exception):
    """The database cannot answer; the message is shown to the user as is (Chinese)."""


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> sa.Engine:
    return make_engine(url)


def _describe(exc: Exception) -> str:
    text = str(exc).lower()
    if "unable to open database file" in text or "no such file" in text:
        return "未找到监测数据库文件。请先运行 `python -m seed` 生成演示库，或设置 MONITOR_DB_URL 指向正确的数据库。"
    if "no such table" in text or "does not exist" in text and "relation" in text:
        return "数据库中缺少监测数据表（可能是空库或结构不符）。请用 `python -m seed` 或导入工具初始化数据库。"
    if "connection" in text or "could not connect" in text or "server closed" in text or "timeout" in text:
        return "暂时无法连接监测数据库，请稍后刷新重试；如持续出现，请联系系统管理员检查数据库服务。"
    return "读取监测数据时出错，请稍后重试；如持续出现，请联系系统管理员。"


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=5000)
def _run(url: str, name: str, args: tuple, kwargs: tuple):
    module, func = name.split(":")
    fn = getattr(importlib.import_module(module), func)
    with _engine(url).connect() as conn:
        hit = precomputed.stored(conn, name, args, kwargs)  # the county-wide default views, stored at load
        return hit if hit is not None else fn(conn, *args, **dict(kwargs))


def query(fn, *args, **kwargs):
    """Call a query-layer function fn(conn, *args, **kwargs) through the cache."""
    try:
        return _run(database_url(), f"{fn.__module__}:{fn.__qualname__}", args, tuple(sorted(kwargs.items())))
    except sa.exc.SQLAlchemyError as exc:
        log.warning("query %s failed: %s", fn.__qualname__, exc)
        raise DataUnavailable(_describe(exc)) from None


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=500)
def _computed(name: str, args: tuple, kwargs: tuple):
    module, func = name.split(":")
    return getattr(importlib.import_module(module), func)(*args, **dict(kwargs))


def computed(fn, *args, **kwargs):
    """A query-layer function of already fetched results (no database), cached like ``query``: work that
    costs seconds on a province's 16,000 villages is not repeated on every rerun."""
    return _computed(f"{fn.__module__}:{fn.__qualname__}", args, tuple(sorted(kwargs.items())))


@st.cache_data(ttl=60, show_spinner=False)
def _check(url: str) -> str | None:
    """None when the database is usable, otherwise the reason in Chinese."""
    try:
        with _engine(url).connect() as conn:
            refusal = write_access(conn)  # a reading role that can write: refuse before showing anything
            if refusal:
                return refusal
            names = set(sa.inspect(conn).get_table_names())
            missing = {t.name for t in metadata.sorted_tables} - names
            if missing == {t.name for t in metadata.sorted_tables}:
                return "数据库是空的（没有监测数据表）。请用 `python -m seed` 生成演示库，或用导入工具导入台账数据。"
            if missing:
                return f"数据库结构与本系统不一致（缺少表：{'、'.join(sorted(missing))}）。请确认数据库版本或重新导入。"
            info = areas.database_meta(conn)
            version = info.get("schema_version")
            if not info:
                return "数据库中还没有监测数据（只有表结构）。请用导入工具导入台账数据，或用 `python -m seed` 生成演示库。"
            if version != SCHEMA_VERSION:
                return f"数据库结构版本为 {version or '未知'}，本系统需要版本 {SCHEMA_VERSION}。请升级或重新导入数据库。"
            if areas.data_as_of(conn) is None:
                return "数据库中没有数据截至日期（meta.as_of），无法确定统计口径日期。"
    except sa.exc.ArgumentError as exc:  # includes an unknown dialect in MONITOR_DB_URL
        log.warning("database url rejected: %s", exc)
        return "数据库地址（MONITOR_DB_URL）无效，请联系系统管理员。"
    except sa.exc.SQLAlchemyError as exc:
        log.warning("database check failed: %s", exc)
        return _describe(exc)
    except ValueError as exc:  # e.g. an unusable MONITOR_DB_URL
        log.warning("database url rejected: %s", exc)
        return "数据库地址（MONITOR_DB_URL）无效，请联系系统管理员。"
    return None


def database_problem() -> str | None:
    try:
        return _check(database_url())
    except sa.exc.ArgumentError:
        return "数据库地址（MONITOR_DB_URL）无法识别，请联系系统管理员。"
