"""Project completion deadlines (完工期限) per batch, read from configuration, never written in code.

config/project_deadlines.toml (or the file MONITOR_PROJECT_DEADLINES names) maps a batch code to a
month-day in the project's fund year; "其余" is every other batch and a blank one. A project's own
planned completion date, when filled in, wins over its batch's deadline.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa

from queries.sql import make_date

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "config" / "project_deadlines.toml"
OTHER = "其余"


@dataclass(frozen=True)
class BatchDeadlines:
    by_batch: tuple[tuple[int, int, int], ...]   # (batch, month, day)
    other: tuple[int, int]                        # (month, day) of every other batch

    def month_day(self, batch: int | None) -> tuple[int, int]:
        for b, m, d in self.by_batch:
            if batch == b:
                return m, d
        return self.other

    def of(self, year: int, batch: int | None) -> date:
        return date(year, *self.month_day(batch))

    def text(self) -> str:
        """'第一批为资金年度的10月31日，其余批次为11月30日' for the 口径."""
        names = {1: "第一批", 2: "第二批", 3: "第三批"}
        parts = [f"{names.get(b, f'第{b}批')}为资金年度的{m}月{d}日" for b, m, d in self.by_batch]
        return "，".join([*parts, f"其余批次（含未填批次）为{self.other[0]}月{self.other[1]}日"])


def _month_day(text: str, where: str) -> tuple[int, int]:
    try:
        m, d = (int(x) for x in str(text).split("-"))
        date(2024, m, d)  # a leap year: 02-29 is a valid deadline
    except ValueError:
        raise ValueError(f"完工期限配置 {where} 应为“月-日”，如 10-31；实际为 {text!r}") from None
    return m, d


@lru_cache(maxsize=4)
def load(path: str | None = None) -> BatchDeadlines:
    file = Path(path or os.environ.get("MONITOR_PROJECT_DEADLINES") or DEFAULT_FILE)
    try:
        table = tomllib.loads(file.read_text(encoding="utf-8"))["批次期限"]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f"无法读取项目完工期限配置 {file}：{e}") from None
    if OTHER not in table:
        raise ValueError(f"项目完工期限配置 {file} 缺少“{OTHER} = \"月-日\"”一行")
    by_batch = tuple(sorted((int(k), *_month_day(v, k)) for k, v in table.items() if k != OTHER))
    return BatchDeadlines(by_batch, _month_day(table[OTHER], OTHER))


def deadline_expr(p, deadlines: BatchDeadlines | None = None):
    """SQL: a project's completion deadline (its planned date, else its batch's day in its fund year)."""
    cfg = deadlines or load()
    month = sa.case(*[(p.c.batch == b, m) for b, m, _ in cfg.by_batch], else_=cfg.other[0]) if cfg.by_batch \
        else sa.literal(cfg.other[0])
    day = sa.case(*[(p.c.batch == b, d) for b, _, d in cfg.by_batch], else_=cfg.other[1]) if cfg.by_batch \
        else sa.literal(cfg.other[1])
    return sa.func.coalesce(p.c.planned_completion, make_date(p.c.year, month, day), type_=sa.Date)
