"""The one path from a page to the data: scope -> stored result / cache -> run -> mask -> audit.

``query(fn, f, *args)`` calls a registered query function (queries/registry.py) by reference:

1. scope: the Filter ``f`` is clamped to the viewer's township (``Filter.scope``), whatever the page built;
2. the county-wide default views come from the results stored at load (queries/precomputed.py), anything
   else runs live; both are cached per (database, function, arguments, masking level) with a TTL;
3. mask: every result column the function declares personal is masked for the viewer's level, from the
   marks in queries/schema.py (queries/privacy.py), before the result is cached for that level;
4. audit: a call of a personal-data view (``view_of`` in the registry, e.g. 户情) is written to the audit
   log once per session and household; the view is refused when the log cannot be written.

``reveal(fn, f, *args, target=...)`` is the only route to full values: for roles with ``may_reveal``, logged.
Pages never mask, scope or audit data views themselves, and never talk to the database directly.
"""

import inspect
import logging
from dataclasses import replace

import sqlalchemy as sa
import streamlit as st

from dashboard.common import auth
from queries import areas, policy, precomputed, privacy, registry
from queries.db import database_url, make_engine, write_access
from queries.filters import Filter
from queries.schema import SCHEMA_VERSION, metadata

TTL_SECONDS = 600
VIEWED, REVEALED = "data_viewed", "data_revealed"   # session: household views and reveals already logged
log = logging.getLogger("dashboard")


class DataUnavailable(Exception):
    """The database cannot answer; the message is shown to the user as is (Chinese)."""


class NotPermitted(DataUnavailable):
    """The viewer may not make this call; the message (Chinese) says what is possible instead."""


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
def _run(url: str, name: str, level: str, args: tuple, kwargs: tuple, _spec: registry.QuerySpec):
    with _engine(url).connect() as conn:
        hit = precomputed.stored(conn, name, args, kwargs)  # the county-wide default views, stored at load
        result = hit if hit is not None else _spec.fn(conn, *args, **dict(kwargs))
    return privacy.mask(result, _spec.personal, level)


def _viewer():
    return st.session_state.get(auth.USER)


def _scoped(spec: registry.QuerySpec, user, args: tuple) -> tuple:
    """The arguments with the Filter clamped to the viewer's township."""
    if not spec.scoped:
        return args
    if user is None:
        raise NotPermitted("请先登录。")
    if not args or not isinstance(args[0], Filter):
        raise TypeError(f"{spec.name}: the first argument must be the Filter")
    return (replace(args[0], scope=user.scope), *args[1:])


def _refuse_searches(spec: registry.QuerySpec, level: str, args: tuple, kwargs: dict) -> None:
    """A search by a value the viewer may not see (a name) would confirm it: refused, however it is passed."""
    given = inspect.signature(spec.fn).bind_partial(None, *args, **kwargs).arguments if spec.search else {}
    for param, kind in spec.search.items():
        if given.get(param) and privacy.hidden(kind, level):
            word = privacy.KIND_WORDS[kind]
            raise NotPermitted(f"您的角色不能按{word}查找（{word}对您脱敏显示），请按户编号查找。")


def _level(user) -> str:
    return user.masking if user is not None else "strict"


def _call(user, fn, args: tuple, kwargs: dict, level: str):
    spec = registry.spec(fn)
    args = _scoped(spec, user, args)
    _refuse_searches(spec, level, args, kwargs)
    try:
        result = _run(database_url(), spec.name, level, args, tuple(sorted(kwargs.items())), _spec=spec)
    except sa.exc.SQLAlchemyError as exc:
        log.warning("query %s failed: %s", spec.name, exc)
        raise DataUnavailable(_describe(exc)) from None
    if spec.household_view:
        _log_once(VIEWED, "view_household", spec.view_of(result), args[0])
    return result


def _log_once(key: str, action: str, target: str | None, f: Filter) -> None:
    """Write the audit entry of a personal-data view once per session and target; refuse the view when
    the audit log cannot be written."""
    done = st.session_state.setdefault(key, set())
    if target is None or target in done:
        return
    if not auth.audit(action, target=target, filters={"as_of": f.as_of, "township": f.township}):
        raise NotPermitted("审计日志暂时无法写入，暂不能查看农户个人信息，请稍后重试。")
    done.add(target)


def query(fn, *args, **kwargs):
    """Call the registered query function fn(conn, f, *args, **kwargs) for the current viewer: scoped to
    their township, cached, masked for their role, audited when it is a personal-data view."""
    user = _viewer()
    return _call(user, fn, args, kwargs, _level(user))


def for_viewer():
    """``query`` bound to the current viewer, for work that runs later, outside this script run (a file
    built when a deferred download is requested): ``q = data.for_viewer(); ... q(fn, f, *args)``."""
    user = _viewer()
    return lambda fn, *args, **kwargs: _call(user, fn, args, kwargs, _level(user))


def for_user(user):
    """``query`` bound to a given user, for work with no browser session at all (the scheduled briefing,
    dashboard/exporting/scheduled.py): the same scope, cache and masking. A personal-data view is refused:
    it is audited once per browser session, and such a job has none."""
    def q(fn, *args, **kwargs):
        if registry.spec(fn).household_view:
            raise NotPermitted("定时任务不能查看农户个人信息。")
        return _call(user, fn, args, kwargs, _level(user))
    return q


def reveal(fn, *args, target: str, **kwargs):
    """The same call with personal data in full: only for roles that may reveal, and written to the audit
    log (action ``reveal``, once per session and target until ``conceal(target)``) before anything is shown."""
    user = _viewer()
    if user is None or not user.role.may_reveal:
        raise NotPermitted("您的角色无权查看完整个人信息。")
    f = _scoped(registry.spec(fn), user, args)[0]
    try:
        _log_once(REVEALED, "reveal", target, f)
    except NotPermitted:
        raise NotPermitted("审计日志暂时无法写入，不能显示完整个人信息。") from None
    return _call(user, fn, args, kwargs, "full")


def conceal(target: str) -> None:
    """Back to masked values for this target: a new reveal is logged again."""
    st.session_state.get(REVEALED, set()).discard(target)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=500)
def _computed(name: str, args: tuple, kwargs: tuple, _fn):
    return _fn(*args, **dict(kwargs))


def computed(fn, *args, **kwargs):
    """A query-layer function of already fetched (and masked) results, no database, cached like ``query``:
    work that costs seconds on a province's 16,000 villages is not repeated on every rerun."""
    return _computed(f"{fn.__module__}:{fn.__qualname__}", args, tuple(sorted(kwargs.items())), _fn=fn)


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
    """Why the pages cannot show numbers (Chinese), or None: the policy file, then the database."""
    problem = policy.problem()  # cheap: the file is read once per process
    if problem:
        return problem
    try:
        return _check(database_url())
    except sa.exc.ArgumentError:
        return "数据库地址（MONITOR_DB_URL）无法识别，请联系系统管理员。"
