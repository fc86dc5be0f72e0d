"""Township (or a city's county) ranking for meetings: by current standing and by improvement since last quarter.

Both rankings average a township's rank on four measures, so a leader can see why a township
sits where it does: open warnings per 100 households, leads overdue > 15 days, measure coverage
and the share of target indicators met.
"""

import pandas as pd

from queries import aid, leads, targets
from queries.filters import Filter
from queries.metrics import define
from queries.registry import query

define("rank_level", "当前水平排名",
       "四项指标各自排名（每百户未解除预警、超15天未研判线索越少越好；帮扶措施覆盖率、目标达标比例越高越好）的平均名次再排序，第1名最好。",
       unit="名", topic="总览")
define("rank_improvement", "较上季度进步排名",
       "同四项指标与上季度同日相比的变化量各自排名后取平均名次再排序，第1名进步最大。", unit="名", topic="总览")
define("targets_met_share", "目标达标比例",
       "该乡镇达标的考核指标项数 ÷ 该乡镇有目标值、也有数据的考核指标项数。分母：有目标值且有数据的指标项数"
       "（未设目标的和行业数据未报送的指标不计入）。", unit="%", topic="总览")

MEASURES = {"per_100": True, "overdue": True, "coverage": False, "targets_met_share": False}  # True: lower is better
COLUMNS = ["code", "name", *MEASURES, *[f"{m}_change" for m in MEASURES], "rank_level", "rank_improvement"]


def _measures(q, f: Filter, by: str) -> pd.DataFrame:
    ld = q(leads.leads_by_area, f, by)[["code", "name", "per_100", "overdue"]]
    cov = q(aid.measure_coverage, f, by)[["code", "coverage"]]
    ts = targets.judged(q(targets.target_status, f, by))
    met = ts.assign(met=(ts.status == "met").astype(float)).groupby("code", as_index=False).met.mean()
    met["targets_met_share"] = met.met * 100
    return ld.merge(cov, on="code", how="left").merge(met[["code", "targets_met_share"]], on="code", how="left")


def _mean_rank(df: pd.DataFrame, cols: dict[str, bool]) -> pd.Series:
    ranks = [df[c].rank(ascending=lower, method="min", na_option="bottom") for c, lower in cols.items()]
    return pd.concat(ranks, axis=1).mean(axis=1)


@query(area="code")
def township_ranking(conn, f: Filter, by: str = "township") -> pd.DataFrame:
    return ranking_from(lambda fn, *args: fn(conn, *args), f, by)


def ranking_from(q, f: Filter, by: str = "township") -> pd.DataFrame:
    """The ranking of the areas of a level (townships; a city's counties, on the same rates) built from
    per-area results fetched through ``q(fn, *args)`` (a page passes its cached query, so the pieces it also
    shows elsewhere are computed once)."""
    now, before = _measures(q, f, by), _measures(q, f.previous_quarter, by)
    out = now.merge(before.drop(columns="name"), on="code", how="left", suffixes=("", "_prev"))
    for m in MEASURES:
        out[f"{m}_change"] = out[m] - out[f"{m}_prev"]
    out["rank_level"] = _mean_rank(out, MEASURES).rank(method="min").astype(int)
    out["rank_improvement"] = _mean_rank(out, {f"{m}_change": lower for m, lower in MEASURES.items()}).rank(
        method="min").astype(int)
    return out[COLUMNS].sort_values(["rank_level", "code"]).reset_index(drop=True)
