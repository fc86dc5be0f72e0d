"""Risk factors (致贫返贫风险因子): by group and type, by township, several at once, and new over time."""

import pandas as pd
import sqlalchemy as sa

from queries import scope
from queries.codes import FACTOR_GROUPS, FACTOR_TYPES
from queries.filters import Filter
from queries.metrics import define
from queries.schema import risk_factors
from queries.registry import query
from queries.sql import area_key, frame, monitored_households, on, open_on, per_area, period_key
from queries.trends import TREND_START

T = "风险因子"
ANY = "有未消除风险因子的监测户数（每户只计一次）"
define("factor_households", "存在该类风险的户数",
       "截至日期时存在未消除的该类风险因子的监测户数。一户同时有几类风险时在每一类中各计一次，"
       "所以各类户数相加（户次）会多于有风险的户数。", topic=T)
define("factor_share", "占比",
       f"存在该类风险的户数 ÷ 有未消除风险因子的监测户数。分母：{ANY}。一户可有多类风险，各类占比相加可能超过100%。",
       unit="%", topic=T)
define("factor_group_households", "各风险分组的户数",
       "截至日期时存在该分组（收入因子、支出因子、意外因子、其他）中任一类未消除风险的监测户数。"
       "一户在一个分组里只计一次：如一户既因病又因学，在支出因子中计1户。", topic=T)
define("factor_group_share", "分组占比",
       f"该分组的户数 ÷ 有未消除风险因子的监测户数。分母：{ANY}。一户可同时属于几个分组，各分组占比相加可能超过100%。",
       unit="%", topic=T)
define("multi_factor", "多重风险户", "截至日期时同时存在2类及以上未消除风险因子的户数。", topic=T)
define("new_factors", "新识别风险", "本期（月或季度）内新识别的风险因子条数。", unit="条", topic=T)


def _open_factors(f: Filter):
    """Open factors of the households monitored on the as-of day (the factors' own area columns)."""
    rf = risk_factors
    return (sa.select(rf.c.household_id, rf.c.factor_type, rf.c.factor_group, rf.c.township_code, rf.c.village_code)
            .where(open_on(f.as_of, rf.c.identified_date, rf.c.resolved_date),
                   rf.c.household_id.in_(monitored_households(f))))


@query()
def factor_breakdown(conn, f: Filter) -> pd.DataFrame:
    """Every factor type with the number of households that have it open, and its share."""
    o = _open_factors(f).subquery()
    stmt = sa.select(o.c.factor_type, sa.func.count(sa.distinct(o.c.household_id))).group_by(o.c.factor_type)
    counts = dict(conn.execute(stmt).all())
    any_stmt = sa.select(sa.func.count(sa.distinct(o.c.household_id)))
    with_any = conn.execute(any_stmt).scalar() or 0
    rows = [(FACTOR_TYPES[t][1], FACTOR_GROUPS[FACTOR_TYPES[t][1]], t, FACTOR_TYPES[t][0], int(counts.get(t, 0)))
            for t in FACTOR_TYPES]
    out = pd.DataFrame(rows, columns=["group", "group_label", "factor_type", "type_label", "households"])
    out["share"] = out.households / with_any * 100 if with_any else float("nan")
    return out


@query()
def factor_groups(conn, f: Filter) -> pd.DataFrame:
    """Every factor group with the households that have at least one of its types open (each household once
    per group), their share of the households with any open factor, and the sum of its types' counts (户次)."""
    o = _open_factors(f).subquery()
    counts = dict(conn.execute(sa.select(o.c.factor_group, sa.func.count(sa.distinct(o.c.household_id)))
                               .group_by(o.c.factor_group)).all())
    per_type = sa.select(o.c.factor_group, o.c.factor_type, sa.func.count(sa.distinct(o.c.household_id)).label("n")
                         ).group_by(o.c.factor_group, o.c.factor_type).subquery()
    visits = dict(conn.execute(sa.select(per_type.c.factor_group, sa.func.sum(per_type.c.n))
                               .group_by(per_type.c.factor_group)).all())
    with_any = conn.execute(sa.select(sa.func.count(sa.distinct(o.c.household_id)))).scalar() or 0
    out = pd.DataFrame({"group": list(FACTOR_GROUPS), "group_label": list(FACTOR_GROUPS.values()),
                        "households": [int(counts.get(g, 0)) for g in FACTOR_GROUPS],
                        "household_types": [int(visits.get(g, 0)) for g in FACTOR_GROUPS]})
    out["share"] = out.households / with_any * 100 if with_any else float("nan")
    out["with_any"] = with_any
    return out


@query(area="code")
def factors_by_area(conn, f: Filter, by: str = "township") -> pd.DataFrame:
    """Area x factor type: households with the factor open (wide: one column per factor type)."""
    o = _open_factors(f).subquery()
    key = area_key(by, o)
    cols = [sa.func.count(sa.distinct(sa.case((o.c.factor_type == t, o.c.household_id)))).label(t) for t in FACTOR_TYPES]
    stmt = sa.select(key.label("code"), *cols).group_by(key)
    return per_area(conn, f, by, stmt, list(FACTOR_TYPES))


@query()
def multi_factor_households(conn, f: Filter) -> pd.DataFrame:
    """How many households have 1, 2, 3 or more open factors."""
    o = _open_factors(f).subquery()
    per_hh = sa.select(o.c.household_id, sa.func.count(sa.distinct(o.c.factor_type)).label("n")).group_by(
        o.c.household_id).subquery()
    bucket = sa.case((per_hh.c.n >= 3, 3), else_=per_hh.c.n)
    counts = dict(conn.execute(sa.select(bucket, sa.func.count()).group_by(bucket)).all())
    return pd.DataFrame({"factors": [1, 2, 3], "label": ["1类", "2类", "3类及以上"],
                         "households": [int(counts.get(k, 0)) for k in (1, 2, 3)]})


@query()
def factor_trend(conn, f: Filter) -> pd.DataFrame:
    """New factors identified per period (month or quarter) and group, up to the as-of day."""
    rf = risk_factors
    key = period_key(rf.c.identified_date, f.period)
    stmt = (sa.select(key, rf.c.factor_group, sa.func.count())
            .where(rf.c.identified_date <= on(f.as_of), rf.c.identified_date >= on(TREND_START), *scope.where(f, rf))
            .group_by(key, rf.c.factor_group).order_by(key, rf.c.factor_group))
    out = frame(conn, stmt, ["period", "group", "new_factors"])
    out["group_label"] = out.group.map(FACTOR_GROUPS).fillna("未知")
    return out
