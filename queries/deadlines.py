"""How long is too long: the one definition of each time limit the rules, charts and planner share.

"More than a quarter" (超过一个季度) is more than QUARTER_DAYS whole days: a visit exactly 90 days before
the as-of day still counts as within the quarter, 91 days does not. The same boundary serves the stale
rule (queries/quality.py), the 最近走访间隔 buckets (queries/aid.py), the planner (queries/inspection.py)
and the household page. Project completion deadlines per batch are here too (end of this file).
"""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from queries.codes import LEAD_STEPS, WARNING_LEVELS
from queries.filters import LEAD_DECISION_DAYS  # noqa: F401  (the 15-day lead rule, re-exported here)
from queries.policy import PolicyError, policy
from queries.sql import make_date, on

QUARTER_DAYS = 90


def quarter_start(d: date) -> date:
    """The earliest day still within a quarter of d: a day before this one is more than a quarter ago."""
    return d - timedelta(days=QUARTER_DAYS)


def within_quarter(col, d: date):
    """SQL: the date column is no more than QUARTER_DAYS days before d."""
    return col >= on(quarter_start(d))


def beyond_quarter(col, d: date):
    """SQL: the date column is more than QUARTER_DAYS days before d."""
    return col < on(quarter_start(d))


def is_beyond_quarter(days: int) -> bool:
    return days > QUARTER_DAYS


def quick_elimination_days() -> int:
    """Eliminated sooner than this many days after identification: elimination needs income stable for
    at least half a year (config/policy.toml [elimination])."""
    return int(policy()["elimination"]["min_days"])


def quick_elimination_words() -> str:
    """The same limit in words for the 口径 ("半年（180天）")."""
    e = policy()["elimination"]
    days = int(e["min_days"])
    return f"{e['words']}（{days}天）" if e.get("words") else f"{days}天"


# -- project completion deadlines (完工期限) per batch -----------------------------------------------------
# config/policy.toml [project_deadlines]: a batch number -> "月-日" in the project's fund year; "其余" is every
# other batch and a blank one. A project's own planned completion date, when filled in, wins.
OTHER_BATCHES = "其余"


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
        raise PolicyError(f"项目完工期限 {where} 应为“月-日”，如 10-31；实际为 {text!r}") from None
    return m, d


def project_deadlines() -> BatchDeadlines:
    table = policy().get("project_deadlines") or {}
    if OTHER_BATCHES not in table:
        raise PolicyError(f"政策参数文件的 [project_deadlines] 缺少“{OTHER_BATCHES} = \"月-日\"”一行")
    by_batch = tuple(sorted((int(k), *_month_day(v, k)) for k, v in table.items() if k != OTHER_BATCHES))
    return BatchDeadlines(by_batch, _month_day(table[OTHER_BATCHES], OTHER_BATCHES))


def deadline_expr(p, deadlines: BatchDeadlines | None = None):
    """SQL: a project's completion deadline (its planned date, else its batch's day in its fund year)."""
    cfg = deadlines or project_deadlines()
    month = sa.case(*[(p.c.batch == b, m) for b, m, _ in cfg.by_batch], else_=cfg.other[0]) if cfg.by_batch \
        else sa.literal(cfg.other[0])
    day = sa.case(*[(p.c.batch == b, d) for b, _, d in cfg.by_batch], else_=cfg.other[1]) if cfg.by_batch \
        else sa.literal(cfg.other[1])
    return sa.func.coalesce(p.c.planned_completion, make_date(p.c.year, month, day), type_=sa.Date)


# -- the case workflow: days per identification step and per 交办 level ---------------------------------
# config/policy.toml [step_days] (step code -> days from the previous step, the first from the lead) and
# [assignment_days] (warning level -> days from the 交办 to its 办结时限).
def _days_table(section: str, keys) -> dict[str, int]:
    table = policy().get(section) or {}
    out = {}
    for k in keys:
        try:
            out[k] = int(table[k])
        except (KeyError, TypeError, ValueError):
            raise PolicyError(f"政策参数文件的 [{section}] 缺少“{k} = 天数”一行或天数不是整数") from None
        if out[k] < 0:
            raise PolicyError(f"政策参数文件的 [{section}] {k} 的天数不能为负")
    return out


def step_days() -> dict[str, int]:
    """Days each identification step may take after the previous one (the first after the lead is raised)."""
    return _days_table("step_days", LEAD_STEPS)


def assignment_days() -> dict[str, int]:
    """Days from a 交办 to its 办结时限, by warning level."""
    return _days_table("assignment_days", WARNING_LEVELS)
