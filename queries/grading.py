"""Warning levels (预警分级) as data: the rules live in the policy file (config/policy.toml [grading],
overridable per province or county, see queries/policy.py); this module reads them, grades a lead from its
household's facts, and gives the same grade as SQL for the data-quality rule that lists typed levels that
differ (queries/quality.py ``level_mismatch``).

A level's rule is a list of conditions, any of which makes the level; levels are tried red, orange, yellow.
A condition is a fact's name (true when the fact holds) or "fact < number" (also <=, >, >=). The facts, as
of the day the lead was raised (what the database holds today):

  dropout           a member is a compulsory-school dropout (members.dropout; the flag has no date)
  uninsured         a member is not in basic medical insurance (members.insured; no date either)
  unsafe_house      an unresolved 住房安全 risk factor on the day raised
  income_ratio      per-capita net income ÷ that year's monitoring line, for the latest income year up to
                    the year raised
  rigid_share       rigid expenses ÷ household net income, same year
  department_alert  the lead was pushed by a department (部门筛查预警), not yet verified when raised

Unsafe drinking water is named in the red rule's text but the database has no household-level water
fact, so it cannot be checked. A lead whose facts meet no rule gets no grade (None): it is not reported
as a mismatch, since a 台账 may rest its level on facts the database does not hold.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass

import sqlalchemy as sa

from queries.codes import DEPARTMENT_SOURCES, WARNING_LEVELS
from queries.policy import PolicyError, policy
from queries.schema import household_income, members, monitoring_lines, risk_factors, warnings

FACTS = {
    "dropout": "有家庭成员义务教育阶段辍学",
    "uninsured": "有家庭成员未参加基本医疗保险",
    "unsafe_house": "有未消除的住房安全风险",
    "income_ratio": "人均纯收入与监测范围之比",
    "rigid_share": "刚性支出占家庭纯收入之比",
    "department_alert": "部门推送的预警",
}
OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_COND = re.compile(r"^\s*(\w+)\s*(?:(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?))?\s*$")


@dataclass(frozen=True)
class Condition:
    fact: str
    op: str | None = None
    value: float | None = None

    def holds(self, facts: dict):
        """Whether the condition holds for these facts: Python values (None = unknown: False) or SQL
        expressions (an SQL condition comes back)."""
        v = facts[self.fact]
        if isinstance(v, sa.sql.ClauseElement):
            return v if self.op is None else OPS[self.op](v, self.value)
        if v is None:
            return False
        return bool(v) if self.op is None else OPS[self.op](float(v), self.value)


@dataclass(frozen=True)
class LevelRule:
    level: str
    text: str
    conditions: tuple[Condition, ...]


def parse_condition(text: str, level: str) -> Condition:
    m = _COND.match(str(text))
    if not m or m.group(1) not in FACTS:
        raise PolicyError(f"预警分级规则（{WARNING_LEVELS.get(level, level)}）的条件“{text}”无法识别；"
                          f"可用的事实：{'、'.join(FACTS)}，写法如 income_ratio < 0.5")
    fact, op, value = m.groups()
    return Condition(fact, op, float(value) if value is not None else None)


def rules() -> list[LevelRule]:
    """The grading rules in force, red first."""
    grading = policy().get("grading", {})
    out = []
    for level in WARNING_LEVELS:
        r = grading.get(level)
        if not r or not r.get("when"):
            raise PolicyError(f"政策参数文件缺少{WARNING_LEVELS[level]}的分级规则（[grading.{level}] when = [...]）")
        out.append(LevelRule(level, str(r.get("text", "")), tuple(parse_condition(c, level) for c in r["when"])))
    return out


def version() -> str:
    return str(policy().get("version", ""))


def grade(facts: dict) -> str | None:
    """The level the rules give a lead with these facts (a dict of FACTS; None = not known), or None."""
    for r in rules():
        if any(c.holds(facts) for c in r.conditions):
            return r.level
    return None


# -- the same grade in SQL, for every lead at once ---------------------------------------------------
def fact_columns(w=warnings) -> dict:
    """Each fact as an SQL expression on a warnings row (correlated subqueries on indexed columns)."""
    m, rf, inc, ml = members, risk_factors, household_income, monitoring_lines
    hid, raised = w.c.household_id, w.c.raised_date
    yr = household_income.alias("income_years")   # its own name: not correlated with the income lookups
    year = (sa.select(sa.func.max(yr.c.year))
            .where(yr.c.household_id == hid, yr.c.year <= sa.extract("year", raised)).scalar_subquery())

    def of_year(col):
        return sa.select(col).where(inc.c.household_id == hid, inc.c.year == year).scalar_subquery()

    line = sa.select(ml.c.yuan).where(ml.c.year == year).scalar_subquery()
    pci, total, rigid = (sa.cast(of_year(c), sa.Float) for c in (inc.c.per_capita_income, inc.c.total_income,
                                                                  inc.c.rigid_expense))
    return {
        "dropout": sa.exists().where(m.c.household_id == hid, m.c.dropout == sa.true()),
        "uninsured": sa.exists().where(m.c.household_id == hid, sa.not_(m.c.insured)),
        "unsafe_house": sa.exists().where(rf.c.household_id == hid, rf.c.factor_type == "housing",
                                          rf.c.identified_date <= raised,
                                          sa.or_(rf.c.resolved_date.is_(None), rf.c.resolved_date > raised)),
        "income_ratio": pci / sa.func.nullif(sa.cast(line, sa.Float), 0),
        "rigid_share": rigid / sa.func.nullif(total, 0),
        "department_alert": w.c.source.in_(sorted(DEPARTMENT_SOURCES)),
    }


def grade_sql(w=warnings):
    """SQL: the level the rules give each lead (NULL when no rule applies)."""
    facts = fact_columns(w)
    return sa.case(*[(sa.or_(*[c.holds(facts) for c in r.conditions]), r.level) for r in rules()], else_=None)


def lead_facts(conn, warning_id: int) -> dict:
    """The facts of one lead, as Python values (the input of ``grade``)."""
    cols = fact_columns()
    row = conn.execute(sa.select(*[c.label(k) for k, c in cols.items()]).where(warnings.c.id == warning_id)).one()
    return dict(row._mapping)


def grade_lead(conn, warning_id: int) -> str | None:
    """The level the rules give this lead, from its household's facts in the database."""
    return grade(lead_facts(conn, warning_id))


def level_text() -> dict[str, str]:
    """Each level's rule in words (指标说明)."""
    return {r.level: r.text for r in rules()}
