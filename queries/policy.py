"""Policy parameters that differ by province or county (the grading rules, the shortest credible time to
risk elimination), read from a versioned TOML file: config/policy.toml by default, overridden key by key
by the file MONITOR_POLICY_FILE names."""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "config" / "policy.toml"
ENV = "MONITOR_POLICY_FILE"


class PolicyError(ValueError):
    """A policy file that cannot be used (message in Chinese)."""


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return out


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyError(f"找不到政策参数文件 {path}（环境变量 {ENV}）") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise PolicyError(f"政策参数文件 {path} 格式有误：{e}") from None


@lru_cache(maxsize=8)
def _load(override: str | None) -> dict:
    data = _read(DEFAULT_FILE)
    return _merge(data, _read(Path(override))) if override else data


def policy() -> dict:
    """The parameters in force: the default file with the override file's keys on top."""
    return _load(os.environ.get(ENV) or None)


def reload() -> None:
    """Forget the files read (after changing MONITOR_POLICY_FILE or a file, e.g. in tests)."""
    _load.cache_clear()


def problem() -> str | None:
    """Why the policy in force cannot be used (Chinese), or None. Every page checks it before showing any
    number (dashboard/common/data.py), so a broken county file is a message on the page, not a traceback."""
    from queries import deadlines, grading, screening

    try:
        grading.rules()
        deadlines.project_deadlines()
        deadlines.quick_elimination_days()
        screening.criteria()
        deadlines.step_days()
        deadlines.assignment_days()
    except PolicyError as e:
        return f"{e}。请系统管理员改正该文件后重启看板。"
    except (KeyError, TypeError, ValueError) as e:
        return f"政策参数文件内容不完整或有误（{e}）。请系统管理员改正该文件后重启看板。"
    return None


def words(text_of) -> str:
    """A policy text written into a 口径 when a module is imported: a broken file must not stop the import
    (the page then shows problem() instead of numbers)."""
    try:
        return text_of()
    except (PolicyError, KeyError, TypeError, ValueError):
        return "（政策参数文件有误）"
