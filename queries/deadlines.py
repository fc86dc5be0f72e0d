"""How long is too long: the one definition of each time limit the rules, charts and planner share.

"More than a quarter" (超过一个季度) is more than QUARTER_DAYS whole days: a visit exactly 90 days before
the as-of day still counts as within the quarter, 91 days does not. The same boundary serves the stale
rule (queries/quality.py), the 最近走访间隔 buckets (queries/aid.py), the planner (queries/inspection.py)
and the household page.
"""

from datetime import date, timedelta

from queries.filters import LEAD_DECISION_DAYS  # noqa: F401  (the 15-day lead rule, re-exported here)
from queries.policy import policy
from queries.sql import on

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
