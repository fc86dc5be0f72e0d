"""A small hand-built county for testing the query layer (tests/test_queries.py), and content_hash().

Everything below is small enough to count by hand; the expected numbers in the block that follows
were derived BY HAND from the rows in this file, not by running the queries.

AS_OF = 2026-06-30. Filter.previous_quarter gives 2026-03-30 (months_before keeps the day of month); nothing
that the headline KPIs count happens on 2026-03-31, so "previous" is the same whether the comparison day is
03-30 or the quarter end 03-31. The quarter window is 2026-04-01..2026-06-30, the month window 06-01..06-30.
Lead overdue cutoff = 2026-06-15: undecided and raised BEFORE 06-15 (i.e. > 15 days) is overdue.

Areas (county 439901 测试县, 测试省)
  T1 439901101 城关镇: V11 ...101201 东山村 (h1-h5), V12 ...101202 西岭村 (h6-h9), V13 ...101203 南溪村 (h10-h12)
  T2 439901102 青山镇: V21 ...102201 北坪村 (h13-h16), V22 ...102202 桃园村 (h17-h20)
  T3 439901103 石门乡: V31 ...103201 石门村 -- no households, no facts, no projects at all
  households: V11 5, V12 4, V13 3, V21 4, V22 4 -> T1 12, T2 8, T3 0, county 20

Households (monitor category, identified -> eliminated, helper)
  h1  V11 tp unstable 2025-03-10 ->            H1   head 王建国
  h2  V11 yb marginal 2025-09-01 ->            H1   head 李秀英 (spouse 李建军: search matches heads only)
  h3  V11 tp unstable 2024-05-10 -> 2026-05-15 H1   eliminated this quarter
  h4  V11 yb -, h5 V11 tp -                          never monitored
  h6  V12 yb sudden   2026-04-10 ->            H2   identified this quarter, 3 open factors
  h7  V12 tp unstable 2025-11-01 ->            none no helper, no measure at all
  h8  V12 yb -, h9 V12 yb -
  h10 V13 tp unstable 2026-01-20 ->            H2   assistance_only (兜底)
  h11 V13 yb -, h12 V13 yb -
  h13 V21 tp unstable 2024-08-01 -> 2025-12-20 H3   eliminated before the previous quarter
  h14 V21 yb marginal 2025-06-15 ->            H3
  h15 V21 tp sudden   2026-02-10 ->            H3
  h16 V21 yb -
  h17 V22 tp unstable 2023-06-01 ->            H3
  h18 V22 yb marginal 2026-06-01 ->            H3
  h19 V22 tp -  (a child has dropped out of compulsory school)
  h20 V22 yb -  (head 罗_芳: a literal underscore, for the LIKE-escaping test)

  monitored on AS_OF: h1 h2 h6 h7 h10 h14 h15 h17 h18 = 9 (unstable 4: h1 h7 h10 h17; marginal 3: h2 h14 h18;
    sudden 2: h6 h15); T1 5 (3/1/1), T2 4 (unstable h17 / marginal h14 h18 / sudden h15)
  eliminated by AS_OF: h3 h13 = 2; ever identified 11 -> elimination rate 2/11 = 18.18 %
  on 2026-03-30: monitored h1 h2 h3 h7 h10 h14 h15 h17 = 8 (unstable 5, marginal 2, sudden 1);
    eliminated 1 (h13); ever 9 -> 11.11 %

Warnings (W#: household, level, raised, decision @ date, closed)
  W1  h1  orange 2025-03-01 identified 2025-03-10 (9 d)   open
  W2  h2  orange 2025-08-25 identified 2025-09-01 (7 d)   open
  W3  h3  yellow 2024-05-01 identified 2024-05-10 (9 d)   closed 2026-05-15   identified and closed
  W4  h4  yellow 2026-06-20 pending (10 d)                                   pending, not overdue
  W5  h6  red    2026-03-20 identified 2026-04-10 (21 d)  open                (pending on 03-30)
  W6  h7  orange 2025-10-25 identified 2025-11-01 (7 d)   open
  W7  h8  orange 2026-06-01 pending (29 d)                                   pending, overdue
  W8  h9  yellow 2026-05-01 dismissed 2026-05-10 (9 d)    closed 2026-05-10   dismissed
  W9  h10 yellow 2026-01-10 identified 2026-01-20 (10 d)  open
  W10 h11 yellow 2026-06-15 pending (15 d)                                   boundary: NOT overdue
  W11 h12 red    2026-06-14 pending (16 d)                                   boundary: overdue
  W12 h13 orange 2024-07-25 identified 2024-08-01 (7 d)   closed 2025-12-20
  W13 h14 orange 2025-06-01 identified 2025-06-15 (14 d)  open
  W14 h15 red    2026-02-01 identified 2026-02-10 (9 d)   open
  W15 h16 yellow 2026-02-01 dismissed 2026-02-25 (24 d)   closed 2026-02-25
  W16 h17 yellow 2023-05-25 identified 2023-06-01 (7 d)   open
  W17 h18 orange 2026-05-25 identified 2026-06-01 (7 d)   open
  W18 h20 orange 2026-03-01 dismissed 2026-04-20 (50 d)   closed 2026-04-20   (pending+overdue on 03-30)

  open on AS_OF: red 3 (W5 W11 W14), orange 6 (W1 W2 W6 W7 W13 W17), yellow 4 (W4 W9 W10 W16) = 13;
    overdue 2 (W7 W11); pending 4 (W4 W7 W10 W11)
    T1: red 2 orange 4 yellow 3 (9), overdue 2; T2: red 1 orange 2 yellow 1 (4), overdue 0
  open on 2026-03-30: red 2 (W5 W14), orange 5 (W1 W2 W6 W13 W18), yellow 3 (W3 W9 W16); overdue 1 (W18)
  decided in the quarter: W5 21 d, W8 9 d (T1), W17 7 d, W18 50 d (T2) -> county median 15, T1 15, T2 28.5
  decided in June: W17 (7 d) only
  decided in 2026 (lead timeliness): W5 x, W8 ok, W9 ok, W14 ok, W15 x, W17 ok, W18 x, plus the undecided
    overdue W7 (V12) and W11 (V13), late by definition -> 4/9; T1 2/5; T2 2/4; V12 1/3 (W5 x W8 ok W7 x);
    V13 1/2 (W9 ok, W11 x). (Until schema 4 the overdue leads were left out: 4/7, T1 2/3 - flattering.)
  per 100 households: county 13/20 -> 65, T1 9/12 -> 75, T2 4/8 -> 50, T3 no basis (NaN)
  villages: V11 5 hh, open 0/2/1 (3), pending 1; V12 4 hh, 1/2/0 (3), pending 1, overdue 1, decided 2 (med 15);
    V13 3 hh, 1/0/2 (3), pending 2, overdue 1; V21 4 hh, 1/1/0 (2); V22 4 hh, 0/1/1 (2), decided 2 (med 28.5)
  open lead list order (overdue first, then red/orange/yellow, then raised date):
    W11 W7 | W14 W5 | W1 W13 W2 W6 W17 | W16 W9 W10 W4

Risk factors (F#: household, type, identified -> resolved)
  F1 h1 illness 2025-03-10   F2 h1 work 2025-05-01   F3 h1 school 2025-06-01 -> 2026-01-15
  F4 h2 illness 2025-09-01   F5 h3 industry 2024-05-10 -> 2026-05-01
  F6 h6 disaster(flood) 2026-04-10   F7 h6 housing 2026-04-10   F8 h6 accident 2026-04-12
  F9 h7 labour 2025-11-01    F10 h10 disability 2026-01-20   F11 h13 work 2024-08-01 -> 2025-12-01
  F12 h14 school 2025-06-15  F13 h14 illness 2025-06-15 -> 2026-02-01
  F14 h15 illness 2026-02-10 F15 h15 disaster(drought) 2026-02-10
  F16 h17 labour 2023-06-01  F17 h18 work 2026-06-01    F18 h17 other 2024-01-01 -> 2024-06-01
  open on AS_OF (households): work 2 (h1 h18), labour 2 (h7 h17), illness 3 (h1 h2 h15), disability 1,
    school 1 (h14), housing 1 (h6), disaster 2 (h6 h15), accident 1 (h6), industry 0, other 0;
    9 households with any open factor; by count: 1 factor 6, 2 factors 2 (h1 h15), 3+ 1 (h6)
  on 2026-01-10: h1 3 (F1 F2 F3), h14 2 (F12 F13), h2 h3 h7 h17 one each -> 4 / 1 / 1
  new per quarter (group): 2023-Q2 income 1; 2024-Q1 other 1; 2024-Q2 income 1; 2024-Q3 income 1;
    2025-Q1 expense 1; 2025-Q2 expense 3, income 1; 2025-Q3 expense 1; 2025-Q4 income 1;
    2026-Q1 accident 1, expense 2; 2026-Q2 accident 2, expense 1, income 1   (18 in all)

Aid measures (M#: household, tool, registered, planned, completed, amount)
  M1 h1 med_relief 2025-03-20 2025-05-01 2025-04-20 5000     M2 h1 public_job 2025-06-10 2025-07-31 2025-07-15 9600
  M3 h2 industry_subsidy 2025-09-15 2025-12-31 2025-12-20 3000  (因病 household, no medical tool: gap)
  M4 h3 industry_subsidy 2024-05-20 2024-08-31 2024-08-15 4000
  M5 h6 temp_relief 2026-04-15 2026-05-15 - 2000 (overdue)    M6 h6 housing_repair 2026-04-20 2026-09-30 - 30000
  M7 h10 dibao 2026-01-25 2026-02-28 2026-02-20 4800
  M8 h14 med_insurance 2025-06-20 2025-07-31 2025-07-01 350   M9 h14 edu_aid 2025-07-01 2025-09-01 2025-08-20 2500
  M10 h15 med_relief 2026-02-15 2026-07-31 - 12000            M11 h17 public_job 2023-06-10 2023-08-01 2023-07-20 9000
  M12 h17 dividend 2026-04-01 2026-05-31 - 1500 (overdue)     M13 h18 transfer_job 2026-06-10 2026-06-30 - 800
      (planned ON the as-of day: in progress, not overdue)
  M14 h13 public_job 2024-08-10 2024-10-31 2024-10-20 8000
  14 measures: completed 9, overdue 2 (M5 M12), in progress 3 (M6 M10 M13)
  coverage on AS_OF: 8 of 9 monitored (h7 has none) -> T1 4/5, T2 4/4; no helper: h7 (T1)
  factor-tool gaps: labour 2 hh / 1 without match (h7), illness 3 / 1 (h2), disaster 2 / 1 (h15: med_relief
    does not answer 因灾), all other types without gaps

Visits (last visit on or before AS_OF, days before AS_OF) for the 9 monitored households
  h1 2026-06-20 (10), h10 2026-05-31 (30, boundary), h17 2026-06-29 (1)        -> within 30: 3
  h2 2026-05-01 (60), h14 2026-04-01 (90, boundary)                             -> 31-90: 2
  h7 2026-02-01 (149, cadre), h15 2026-03-31 (91, boundary)                     -> over 90: 2
  h6, h18 never                                                                -> never: 2
  (h3, eliminated, was visited 2026-04-20: not counted)

Projects 2026 (budget / paid by AS_OF / planned / actual)
  P1 T1 V11 industry       1,000,000 / 500,000 / 2026-10-31 / -
  P2 T2 V21 infrastructure   400,000 / 100,000 / 2026-05-31 / -           overdue
  P3 T2 V22 industry         600,000 / 600,000 / 2026-06-15 / 2026-06-10  on time
  P4 T1 (township level) employment 200,000 / 200,000 / 2026-04-30 / 2026-05-20  late
  P5 T1 V12 2025 project (excluded from the 2026 views)
  county: 4 projects, budget 2,200,000, paid 1,400,000 (63.64 %), industry 1,600,000 (72.73 %), due 3,
    completed 2, on time 1, overdue 1; T1: 2 / 1.2 M / 0.7 M / industry 1.0 M; T2: 2 / 1.0 M / 0.7 M / 0.6 M
  paid by 2026-03-31: P1 300,000, P3 300,000

Village facts (rural households 100 in every village; 2026-03-31 -> 2026-06-30)
  tap water  V11 90->92, V12 95->96, V13 85->90, V21 96->97, V22 100->100: county 93.2 -> 95.0,
    T1 92.67 (behind 95), T2 98.5 (met its own 98 target); V13 -5, V11 -3 (behind), V21 -1 (near 98)
  large scale 84 % (near 85), reliability 96 %, centralized 90 %, clinic standard 4/5 = 80 %, clinic public
    5/5, employment 72/100, insured 48/50 = 96 %, tekun care 5/8 = 62.5 %  (details in FACTS below)
Targets 2026: county defaults (seed), T2 tap water 0.98; a superseded 2025 county tap-water target 0.90.
Record indicators on AS_OF: measure coverage 8/9, lead timeliness 4/7, dropouts 1 (h19, T2), unsafe houses 1 (h6, T1)
"""

from __future__ import annotations

import hashlib
from datetime import date

import sqlalchemy as sa

from queries import schema as s

AS_OF = date(2026, 6, 30)
D = date.fromisoformat

COUNTY = "439901"
T1, T2, T3 = "439901101", "439901102", "439901103"
V11, V12, V13 = "439901101201", "439901101202", "439901101203"
V21, V22 = "439901102201", "439901102202"
V31 = "439901103201"

TOWNSHIPS = [(T1, "城关镇", 111.30, 27.90), (T2, "青山镇", 111.60, 27.70), (T3, "石门乡", 111.80, 27.50)]
VILLAGES = [(V11, T1, "东山村"), (V12, T1, "西岭村"), (V13, T1, "南溪村"), (V21, T2, "北坪村"), (V22, T2, "桃园村"),
            (V31, T3, "石门村")]
HELPERS = [(1, "张帮扶", "13800000001", "县乡村振兴局", T1), (2, "刘帮扶", "13800000002", "县农业农村局", T1),
           (3, "陈帮扶", "13800000003", "县人社局", T2)]

# id, village, hh_type, category, identified, eliminated, assistance_only, helper
HOUSEHOLDS = [
    (1, V11, "tp", "unstable", "2025-03-10", None, False, 1),
    (2, V11, "yb", "marginal", "2025-09-01", None, False, 1),
    (3, V11, "tp", "unstable", "2024-05-10", "2026-05-15", False, 1),
    (4, V11, "yb", None, None, None, False, None),
    (5, V11, "tp", None, None, None, False, None),
    (6, V12, "yb", "sudden", "2026-04-10", None, False, 2),
    (7, V12, "tp", "unstable", "2025-11-01", None, False, None),
    (8, V12, "yb", None, None, None, False, None),
    (9, V12, "yb", None, None, None, False, None),
    (10, V13, "tp", "unstable", "2026-01-20", None, True, 2),
    (11, V13, "yb", None, None, None, False, None),
    (12, V13, "yb", None, None, None, False, None),
    (13, V21, "tp", "unstable", "2024-08-01", "2025-12-20", False, 3),
    (14, V21, "yb", "marginal", "2025-06-15", None, False, 3),
    (15, V21, "tp", "sudden", "2026-02-10", None, False, 3),
    (16, V21, "yb", None, None, None, False, None),
    (17, V22, "tp", "unstable", "2023-06-01", None, False, 3),
    (18, V22, "yb", "marginal", "2026-06-01", None, False, 3),
    (19, V22, "tp", None, None, None, False, None),
    (20, V22, "yb", None, None, None, False, None),
]
HEADS = {1: "王建国", 2: "李秀英", 3: "张伟", 4: "刘芳", 5: "陈明", 6: "杨丽", 7: "黄强", 8: "赵敏", 9: "吴静",
         10: "周平", 11: "徐刚", 12: "孙桂英", 13: "马超", 14: "朱红", 15: "胡建华", 16: "郭玉兰", 17: "何建平",
         18: "高秀兰", 19: "林涛", 20: "罗_芳"}

# Extra members: household, name, relation, gender, birth, labour, employment, student stage, dropout
EXTRA_MEMBERS = [
    (1, "张桂兰", "spouse", "F", "1972-08-19", "normal", "in_county", None, False),
    (1, "王磊", "child", "M", "2010-03-02", "none", None, "junior", False),
    (2, "李建军", "spouse", "M", "1968-11-30", "weak", "none", None, False),
    (6, "杨小燕", "child", "F", "2015-09-09", "none", None, "primary", False),
    (14, "朱小明", "child", "M", "2009-04-21", "none", None, "senior", False),
    (15, "胡海", "child", "M", "2000-12-12", "skilled", "out_province", None, False),
    (17, "何梅", "spouse", "F", "1960-02-14", "lost", None, None, False),
    (19, "林小波", "child", "M", "2012-06-01", "none", None, None, True),  # dropped out of compulsory school
]

# id, household, group, type, disaster_kind, identified, resolved
FACTORS = [
    (1, 1, "expense", "illness", None, "2025-03-10", None),
    (2, 1, "income", "work", None, "2025-05-01", None),
    (3, 1, "expense", "school", None, "2025-06-01", "2026-01-15"),
    (4, 2, "expense", "illness", None, "2025-09-01", None),
    (5, 3, "income", "industry", None, "2024-05-10", "2026-05-01"),
    (6, 6, "accident", "disaster", "flood", "2026-04-10", None),
    (7, 6, "expense", "housing", None, "2026-04-10", None),
    (8, 6, "accident", "accident", None, "2026-04-12", None),
    (9, 7, "income", "labour", None, "2025-11-01", None),
    (10, 10, "expense", "disability", None, "2026-01-20", None),
    (11, 13, "income", "work", None, "2024-08-01", "2025-12-01"),
    (12, 14, "expense", "school", None, "2025-06-15", None),
    (13, 14, "expense", "illness", None, "2025-06-15", "2026-02-01"),
    (14, 15, "expense", "illness", None, "2026-02-10", None),
    (15, 15, "accident", "disaster", "drought", "2026-02-10", None),
    (16, 17, "income", "labour", None, "2023-06-01", None),
    (17, 18, "income", "work", None, "2026-06-01", None),
    (18, 17, "other", "other", None, "2024-01-01", "2024-06-01"),
]

# id, household, source, level, raised, decision, decision_date, dismiss_reason, closed
WARNINGS = [
    (1, 1, "medical", "orange", "2025-03-01", "identified", "2025-03-10", None, None),
    (2, 2, "cadre", "orange", "2025-08-25", "identified", "2025-09-01", None, None),
    (3, 3, "self", "yellow", "2024-05-01", "identified", "2024-05-10", None, "2026-05-15"),
    (4, 4, "self", "yellow", "2026-06-20", None, None, None, None),
    (5, 6, "emergency", "red", "2026-03-20", "identified", "2026-04-10", None, None),
    (6, 7, "civil", "orange", "2025-10-25", "identified", "2025-11-01", None, None),
    (7, 8, "medical", "orange", "2026-06-01", None, None, None, None),
    (8, 9, "hr", "yellow", "2026-05-01", "dismissed", "2026-05-10", "收入高于监测范围", "2026-05-10"),
    (9, 10, "disabled", "yellow", "2026-01-10", "identified", "2026-01-20", None, None),
    (10, 11, "hotline", "yellow", "2026-06-15", None, None, None, None),
    (11, 12, "cadre", "red", "2026-06-14", None, None, None, None),
    (12, 13, "hr", "orange", "2024-07-25", "identified", "2024-08-01", None, "2025-12-20"),
    (13, 14, "education", "orange", "2025-06-01", "identified", "2025-06-15", None, None),
    (14, 15, "medical", "red", "2026-02-01", "identified", "2026-02-10", None, None),
    (15, 16, "housing", "yellow", "2026-02-01", "dismissed", "2026-02-25", "核实为误报", "2026-02-25"),
    (16, 17, "civil", "yellow", "2023-05-25", "identified", "2023-06-01", None, None),
    (17, 18, "hr", "orange", "2026-05-25", "identified", "2026-06-01", None, None),
    (18, 20, "self", "orange", "2026-03-01", "dismissed", "2026-04-20", "家庭资产条件不符", "2026-04-20"),
]

# the case workflow: id, household, lead raised, step, done, unit
LEAD_STEPS = [
    (1, 8, "2026-06-01", "field_check", "2026-06-03", "西岭村村委会"),       # T1, stuck at 部门比对 since 06-03
    (2, 6, "2026-03-20", "field_check", "2026-03-25", "西岭村村委会"),
    (3, 18, "2026-05-25", "field_check", "2026-05-27", "桃园村村委会"),      # T2, through to 县级审定
    (4, 18, "2026-05-25", "township_review", "2026-05-30", "青山镇人民政府"),
    (5, 18, "2026-05-25", "county_review", "2026-06-01", "县乡村振兴局"),
]
# id, household, lead raised, assigned, kind, unit, helper, due, feedback, result
ASSIGNMENTS = [
    (1, 6, "2026-03-20", "2026-04-11", "helper", "县农业农村局", 2, None, None, None),     # T1 red, overdue
    (2, 18, "2026-05-25", "2026-06-02", "department", "县人社局", None, None, "2026-06-05", "done"),
    (3, 15, "2026-02-01", "2026-02-11", "department", "县医保局", None, None, None, None),  # T2 red, overdue
]
# id, code, inspected, team, village, household, category, unit, due, status, closed, note
FINDINGS = [
    (1, "ZG-1", "2026-05-20", "县回头看第1组", V11, 1, "no_visit", "县乡村振兴局", "2026-06-20", "open", None,
     "王建国户三个月未见走访记录"),
    (2, "ZG-2", "2026-04-02", "县督查组", V21, None, "records", "青山镇人民政府", "2026-05-02", "closed", "2026-04-30",
     "村档案与系统人口数不一致，已更正"),
]

# id, household, tool, registered, planned, completed, amount
MEASURES = [
    (1, 1, "med_relief", "2025-03-20", "2025-05-01", "2025-04-20", 5000),
    (2, 1, "public_job", "2025-06-10", "2025-07-31", "2025-07-15", 9600),
    (3, 2, "industry_subsidy", "2025-09-15", "2025-12-31", "2025-12-20", 3000),
    (4, 3, "industry_subsidy", "2024-05-20", "2024-08-31", "2024-08-15", 4000),
    (5, 6, "temp_relief", "2026-04-15", "2026-05-15", None, 2000),
    (6, 6, "housing_repair", "2026-04-20", "2026-09-30", None, 30000),
    (7, 10, "dibao", "2026-01-25", "2026-02-28", "2026-02-20", 4800),
    (8, 14, "med_insurance", "2025-06-20", "2025-07-31", "2025-07-01", 350),
    (9, 14, "edu_aid", "2025-07-01", "2025-09-01", "2025-08-20", 2500),
    (10, 15, "med_relief", "2026-02-15", "2026-07-31", None, 12000),
    (11, 17, "public_job", "2023-06-10", "2023-08-01", "2023-07-20", 9000),
    (12, 17, "dividend", "2026-04-01", "2026-05-31", None, 1500),
    (13, 18, "transfer_job", "2026-06-10", "2026-06-30", None, 800),
    (14, 13, "public_job", "2024-08-10", "2024-10-31", "2024-10-20", 8000),
]

# id, household, helper, date, kind, note
VISITS = [
    (1, 1, 1, "2026-03-15", "helper", "了解家庭收入及务工情况"),
    (2, 1, 1, "2026-06-20", "helper", "跟进帮扶措施落实"),
    (3, 2, 1, "2026-05-01", "helper", "了解医疗费用支出情况"),
    (4, 3, 1, "2026-04-20", "helper", "核实风险消除情况"),
    (5, 7, None, "2026-02-01", "cadre", "核实两不愁三保障及饮水安全"),
    (6, 10, 2, "2026-05-31", "helper", "宣传帮扶政策"),
    (7, 14, 3, "2026-01-10", "helper", "了解就学情况"),
    (8, 14, 3, "2026-04-01", "helper", "跟进教育资助"),
    (9, 15, 3, "2026-03-31", "helper", "了解医疗费用支出情况"),
    (10, 17, 3, "2026-06-29", "helper", "跟进帮扶措施落实"),
]

# id, code, name, township, village, category, year, budget, batch, planned, actual
PROJECTS = [
    (1, "XM202600001", "2026年东山村茶叶基地项目", T1, V11, "industry", 2026, 1_000_000, 1, "2026-10-31", None),
    (2, "XM202600002", "2026年北坪村饮水安全巩固项目", T2, V21, "infrastructure", 2026, 400_000, 1, "2026-05-31", None),
    (3, "XM202600003", "2026年桃园村蔬菜大棚项目", T2, V22, "industry", 2026, 600_000, 1, "2026-06-15", "2026-06-10"),
    (4, "XM202600004", "2026年城关镇劳务协作项目", T1, None, "employment", 2026, 200_000, 2, "2026-04-30", "2026-05-20"),
    (5, "XM202500005", "2025年西岭村产业路硬化项目", T1, V12, "infrastructure", 2025, 500_000, 2, "2025-11-30", "2025-11-20"),
]
PAYMENTS = [  # id, project, date, amount
    (1, 1, "2026-03-15", 300_000), (2, 1, "2026-05-20", 200_000), (3, 2, "2026-04-10", 100_000),
    (4, 3, "2026-03-20", 300_000), (5, 3, "2026-06-12", 300_000), (6, 4, "2026-05-25", 200_000),
    (7, 5, "2025-06-01", 500_000),
]

# village -> {period_end: (tap, large, reliable, centralized, clinic_std, clinic_pub, labour, employed,
#                          difficult, insured, tekun_need, tekun_central)}; rural households = 100 everywhere
FACTS = {
    V11: {"2026-03-31": (90, 75, 95, 88, True, True, 20, 13, 10, 10, 2, 1),
          "2026-06-30": (92, 80, 96, 90, True, True, 20, 14, 10, 10, 2, 1)},
    V12: {"2026-03-31": (95, 80, 95, 88, False, True, 20, 14, 10, 10, 2, 1),
          "2026-06-30": (96, 85, 96, 90, True, True, 20, 15, 10, 10, 2, 1)},
    V13: {"2026-03-31": (85, 65, 95, 88, False, True, 10, 6, 10, 9, 0, 0),
          "2026-06-30": (90, 70, 96, 90, False, True, 10, 6, 10, 9, 0, 0)},
    V21: {"2026-03-31": (96, 85, 95, 88, True, True, 30, 20, 10, 10, 2, 2),
          "2026-06-30": (97, 90, 96, 90, True, True, 30, 21, 10, 10, 2, 2)},
    V22: {"2026-03-31": (100, 90, 95, 88, True, True, 20, 15, 10, 9, 2, 1),
          "2026-06-30": (100, 95, 96, 90, True, True, 20, 16, 10, 9, 2, 1)},
}

TARGETS_2026 = {
    "tap_water": 0.95, "large_scale": 0.85, "water_reliability": 0.95, "centralized": 0.90,
    "clinic_standard": 0.95, "clinic_public": 0.80, "employment": 0.70, "insured": 1.0,
    "tekun_care": 0.55, "measure_coverage": 1.0, "lead_timeliness": 1.0, "dropouts": 0, "unsafe_houses": 0,
}

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def gb11643_check(id17: str) -> str:
    """The GB 11643 check character of the first 17 digits of an ID number."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(id17, ID_WEIGHTS)) % 11]


def id_number(birth: str, seq: int, male: bool) -> str:
    seq = seq * 2 + (1 if male else 0)  # odd sequence = male
    id17 = f"{COUNTY}{birth.replace('-', '')}{seq:03d}"
    return id17 + gb11643_check(id17)


def _d(v):
    return None if v is None else D(v)


def _rows():
    """Every table's rows as dicts, in dependency order."""
    hh_code = {}
    seq = {}
    for hid, vil, *_ in HOUSEHOLDS:
        seq[vil] = seq.get(vil, 0) + 1
        hh_code[hid] = f"{vil}{seq[vil]:04d}"
    members = []
    for hid, *_ in HOUSEHOLDS:  # the head: a made-up birth date from the id, male when hid is odd
        birth = date(1960 + hid, 1 + hid % 12, 1 + hid).isoformat()
        members.append(dict(household_id=hid, name=HEADS[hid], relation="head", gender="M" if hid % 2 else "F",
                            birth_date=birth, labour="normal", employment="in_county", school_stage=None,
                            dropout=False, phone=f"1390000{hid:04d}"))
    for hid, name, rel, gender, birth, labour, emp, stage, dropout in EXTRA_MEMBERS:
        adult = int(birth[:4]) <= 2008
        members.append(dict(household_id=hid, name=name, relation=rel, gender=gender, birth_date=birth,
                            labour=labour, employment=emp, school_stage=stage, dropout=dropout,
                            phone=f"1370000{len(members):04d}" if adult else None))
    member_rows = []
    for i, m in enumerate(members, start=1):
        member_rows.append(dict(
            id=i, household_id=m["household_id"], name=m["name"],
            id_number=id_number(m["birth_date"], i, m["gender"] == "M"), phone=m["phone"], gender=m["gender"],
            birth_date=D(m["birth_date"]), relation=m["relation"], labour=m["labour"], employment=m["employment"],
            is_student=m["school_stage"] is not None, school_stage=m["school_stage"], dropout=m["dropout"],
            insured=True, disability_level=2 if m["household_id"] == 10 and m["relation"] == "head" else None,
            health="disabled" if m["household_id"] == 10 and m["relation"] == "head" else
            ("serious" if m["household_id"] in (1, 2, 15) and m["relation"] == "head" else "healthy")))
    lines = {2025: 7600.0, 2026: 7900.0}
    income = []
    for hid, _, _, cat, ident, elim, *_ in HOUSEHOLDS:
        for year, line in lines.items():
            monitored = cat is not None and int(ident[:4]) <= year and (elim is None or int(elim[:4]) > year)
            pc = round(line * (0.8 if monitored else 1.5) + hid * 10, 2)
            income.append(dict(household_id=hid, year=year, per_capita_income=pc, total_income=round(pc * 3, 2),
                               rigid_expense=2000.0 if monitored else 500.0))
    facts = []
    for vil, periods in FACTS.items():
        for end, v in periods.items():
            facts.append(dict(zip(
                ["village_code", "period_end", "rural_households", "tap_water_households", "large_scale_households",
                 "reliable_supply_households", "centralized_households", "clinic_standard", "clinic_public",
                 "labour_people", "employed_people", "difficult_people", "insured_difficult_people",
                 "tekun_need_care", "tekun_centralized"], [vil, D(end), 100, *v])))
    from queries.codes import TOOLS
    targets = [dict(indicator=k, year=2026, scope=COUNTY, value=float(v), deadline=date(2026, 12, 31))
               for k, v in TARGETS_2026.items()]
    targets += [dict(indicator="tap_water", year=2026, scope=T2, value=0.98, deadline=date(2026, 12, 31)),
                dict(indicator="tap_water", year=2025, scope=COUNTY, value=0.90, deadline=date(2025, 12, 31))]
    return [
        (s.meta, [dict(key="schema_version", value=s.SCHEMA_VERSION), dict(key="as_of", value=AS_OF.isoformat()),
                  dict(key="is_demo", value="0")]),
        (s.county, [dict(code=COUNTY, name="测试县", province="测试省")]),
        (s.townships, [dict(code=c, county_code=COUNTY, name=n, centroid_lon=lon, centroid_lat=lat,
                            boundary_geojson='{"type": "Polygon", "coordinates": [[[%s, %s], [%s, %s], [%s, %s], [%s, %s]]]}'
                            % (lon - .1, lat - .1, lon + .1, lat - .1, lon, lat + .1, lon - .1, lat - .1))
                       for c, n, lon, lat in TOWNSHIPS]),
        (s.villages, [dict(code=c, township_code=t, name=n, centroid_lon=111.5, centroid_lat=27.7)
                      for c, t, n in VILLAGES]),
        (s.helpers, [dict(id=i, name=n, phone=p, unit=u, township_code=t) for i, n, p, u, t in HELPERS]),
        (s.households, [dict(id=hid, code=hh_code[hid], village_code=vil, township_code=vil[:9], hh_type=t,
                             monitor_category=cat, identified_date=_d(ident), eliminated_date=_d(elim),
                             assistance_only=ao, helper_id=helper, negative_factor=None,
                             updated_date=_d(elim or ident) or date(2026, 1, 5))
                        for hid, vil, t, cat, ident, elim, ao, helper in HOUSEHOLDS]),
        (s.members, member_rows),
        (s.household_income, income),
        (s.risk_factors, [dict(id=i, household_id=h, factor_group=g, factor_type=t, disaster_kind=k,
                               identified_date=D(a), resolved_date=_d(b)) for i, h, g, t, k, a, b in FACTORS]),
        (s.warnings, [dict(id=i, household_id=h, source=src, level=lv, raised_date=D(r), decision=dec,
                           decision_date=_d(dd), dismiss_reason=why, closed_date=_d(c))
                      for i, h, src, lv, r, dec, dd, why, c in WARNINGS]),
        (s.aid_measures, [dict(id=i, household_id=h, tool_group=TOOLS[t][1], tool=t, department=TOOLS[t][2],
                               registered_date=D(r), planned_date=_d(p), completed_date=_d(c), amount=float(a))
                          for i, h, t, r, p, c, a in MEASURES]),
        (s.visits, [dict(id=i, household_id=h, helper_id=hp, visit_date=D(d), visitor_kind=k, note=n)
                    for i, h, hp, d, k, n in VISITS]),
        (s.projects, [dict(id=i, code=c, name=n, township_code=t, village_code=v, category=cat, year=y,
                           budget=float(b), batch=bt, planned_completion=_d(p), actual_completion=_d(a))
                      for i, c, n, t, v, cat, y, b, bt, p, a in PROJECTS]),
        (s.project_payments, [dict(id=i, project_id=p, pay_date=D(d), amount=float(a)) for i, p, d, a in PAYMENTS]),
        (s.lead_steps, [dict(id=i, household_id=h, raised_date=D(r), step=st, done_date=D(d), unit=u, departments=None,
                             result="pass") for i, h, r, st, d, u in LEAD_STEPS]),
        (s.assignments, [dict(id=i, household_id=h, raised_date=D(r), assigned_date=D(a), assignee_kind=k, unit=u,
                              helper_id=hp, due_date=_d(due), feedback_date=_d(fb), feedback_result=res)
                         for i, h, r, a, k, u, hp, due, fb, res in ASSIGNMENTS]),
        (s.findings, [dict(id=i, code=c, inspected_on=D(d), team=t, village_code=v, township_code=v[:9], household_id=h,
                           category=cat, responsible_unit=u, due_date=D(due), status=st, closed_date=_d(cl), note=n)
                      for i, c, d, t, v, h, cat, u, due, st, cl, n in FINDINGS]),
        (s.village_facts, facts),
        (s.targets, targets),
        (s.monitoring_lines, [dict(year=y, yuan=v, note="测试：年度监测范围") for y, v in lines.items()]),
    ]


def build_fixture(engine) -> None:
    """Insert the hand-built county into an engine whose schema exists (metadata.create_all) and is empty."""
    from seed import derive
    with engine.begin() as conn:
        for table, rows in _rows():
            conn.execute(table.insert(), rows)
        derive.refresh(conn)


def household_code(hid: int) -> str:
    """The code the fixture gives household ``hid`` (village code + 4-digit sequence)."""
    row = next(r for r in HOUSEHOLDS if r[0] == hid)
    n = sum(1 for r in HOUSEHOLDS if r[1] == row[1] and r[0] <= hid)
    return f"{row[1]}{n:04d}"


# --- content hash ----------------------------------------------------------------------------------

def _norm(v, numeric: bool = False) -> str:
    """A backend-independent text form. NUMERIC/FLOAT values are written as floats with 6 decimals: SQLite
    hands back a whole amount as int and keeps float noise that PostgreSQL's NUMERIC(14,2) rounds away."""
    if v is None:
        return "\x00"
    if isinstance(v, bool):
        return "T" if v else "F"
    if numeric or isinstance(v, float):
        return f"{float(v):.6f}"
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def table_digests(engine) -> dict[str, str]:
    """sha256 per table of every row (all columns), rows ordered by primary key. The stored query results
    (``precomputed``) are left out: their Parquet bytes carry each backend's column types; tests/test_precomputed.py
    compares them as frames with the live queries."""
    out = {}
    with engine.connect() as conn:
        for table in s.metadata.sorted_tables:
            if table.name == "precomputed":
                continue
            pk = list(table.primary_key.columns)
            rows = conn.execute(sa.select(table).order_by(*pk)).all()
            # re-sort in Python too: text collation may differ between backends
            keyed = sorted(([_norm(r._mapping[c.name]) for c in pk], r) for r in rows)
            h = hashlib.sha256()
            numeric = [isinstance(c.type, (sa.Numeric, sa.Float)) for c in table.columns]
            h.update("|".join(c.name for c in table.columns).encode())
            for _, r in keyed:
                h.update(("\n" + "\t".join(_norm(v, n) for v, n in zip(r, numeric))).encode("utf-8"))
            out[table.name] = h.hexdigest()
    return out


def content_hash(engine) -> str:
    """One sha256 over every table's rows, ordered by primary key: equal hashes = equal content."""
    h = hashlib.sha256()
    for name, digest in sorted(table_digests(engine).items()):
        h.update(f"{name}:{digest}\n".encode())
    return h.hexdigest()
