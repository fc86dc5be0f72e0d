"""Data-quality rules (数据质量): one rule per check inspections make (DOMAIN.md "What inspections check").

Each rule is a SQL statement returning the households it flags (household id plus a short detail),
so counts by township and the household lists both come from SQL. Thresholds are parameters here,
not scattered through the SQL.
"""

from dataclasses import dataclass
from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from queries import grading, scope
from queries.codes import LABOUR_CAPABLE, MONITOR_CATEGORIES, WARNING_LEVELS
from queries.filters import Filter
from queries.metrics import define
from queries.policy import words
from queries.registry import query, shown
from queries.schema import aid_measures, household_income, households, members, monitoring_lines, risk_factors, \
    townships, village_facts, villages, visits, warnings
from queries.deadlines import QUARTER_DAYS, beyond_quarter, quick_elimination_days, quick_elimination_words, within_quarter
from queries.sql import days_between, frame, head_name, monitored_on, on, overdue_on, warning_open_on

# Time limits come from queries/deadlines.py (one boundary for "more than a quarter"; the shortest credible
# time to elimination from the policy file).
MAX_AGE = 110
STUDENT_AGES = {"preschool": (2, 7), "primary": (5, 15), "junior": (10, 19), "senior": (13, 23),
                "vocational": (13, 25), "college": (15, 40)}
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class Rule:
    key: str
    name: str
    definition: str
    unit: str = "户"   # what the rule flags: households (户) or villages (村)


RULES = [
    Rule("missed_income", "漏评：收入低于监测范围未纳入",
         "截至日期时未纳入监测（也未曾标注风险消除）、但最近一年家庭人均纯收入低于当年监测范围的农户。"),
    Rule("missed_guarantee", "漏评：义务教育辍学或未参保未纳入",
         "截至日期时未纳入监测（也未曾标注风险消除）、但有家庭成员义务教育阶段辍学或未参加基本医疗保险的农户。"),
    Rule("exit_income", "错退：消除后收入仍低于监测范围", "已标注风险消除、但最近一年家庭人均纯收入仍低于当年监测范围的农户。"),
    Rule("exit_no_measure", "错退：从未落实帮扶措施即消除", "已标注风险消除、但从未登记任何帮扶措施的农户（可能是“数字脱贫”）。"),
    Rule("quick_elimination", "识别后短期内即消除",
         f"已标注风险消除、且从识别纳入监测到标注风险消除不足{words(quick_elimination_words)}的农户"
         "（风险消除一般需收入稳定半年以上）。"),
    Rule("work_no_labour", "因务工就业不稳但无劳动力", "存在“因务工就业不稳”风险因子、但家庭成员中没有任何有劳动能力者的农户（逻辑矛盾）。"),
    Rule("negative_factor", "监测户存在负面清单情形", "处于监测状态、但登记有赌博、吸毒、偷盗、诈骗、懒惰、高消费等负面情形的农户。"),
    Rule("impossible_age", "年龄或在校信息不合理",
         f"有成员出生日期晚于截至日期、年龄超过{MAX_AGE}岁，或在校阶段与年龄明显不符（如40岁的小学生）的农户。"),
    Rule("duplicate_id", "身份证号重复", "身份证号与其他成员重复的农户（同一人被登记两次或录入错误）。"),
    Rule("invalid_id", "身份证号无效", "身份证号不是18位、含非法字符，或校验码不符合 GB 11643 的农户。"),
    Rule("dishonest_monitored", "失信取消资格但仍在监测",
         "处于监测状态、但有截至日期时仍在惩戒中（尚未信用修复）、惩戒措施为“取消监测资格”的失信记录的农户（000 附件7）。"),
    Rule("no_helper", "未落实帮扶责任人", "处于监测状态、但没有帮扶责任人的农户。"),
    Rule("stale", "超过一个季度未走访未更新",
         f"处于监测状态、识别纳入监测已超过{QUARTER_DAYS}天，且最近{QUARTER_DAYS}天内（含第{QUARTER_DAYS}天）"
         "既无走访记录也无信息更新的农户。"),
    Rule("overdue_lead", "线索超15天未研判", "截至日期时产生已超过15天、仍未作出研判的线索所在农户。"),
    Rule("level_mismatch", "预警级别与分级规则不符",
         "截至日期未解除的预警线索中，按分级规则（见指标说明“预警分级”）由线索产生时的农户情况得出的级别"
         "与台账所填级别不同的线索所在农户。农户情况不满足任何一级条件的线索不作判断。"),
    Rule("unreported_village", "行政村未报送行业数据",
         "截至日期前从未报送过村级行业数据（供水、卫生室、就业、参保、特困供养）的行政村。这些村的行业考核指标显示为"
         "“未报送”，不计入乡镇和全县行业指标的分子和分母。只是漏报最近一期的村不在此列，它沿用上一期的数据。", unit="村"),
]
BY_KEY = {r.key: r for r in RULES}
VILLAGE_RULES = {r.key for r in RULES if r.unit == "村"}
for _r in RULES:
    define(f"quality_{_r.key}", _r.name, _r.definition, unit=_r.unit, topic="数据质量")

hh, m = households, members


class id_number_valid(FunctionElement):
    """1 when the column is an 18-character ID with a correct GB 11643 check character, else 0."""
    type = sa.Integer()
    inherit_cache = True
    name = "id_number_valid"


def _checksum_sql(col: str, mod) -> str:
    total = " + ".join(f"CAST(substr({col}, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(ID_WEIGHTS))
    cases = " ".join(f"WHEN {n} THEN '{c}'" for n, c in enumerate(ID_CHECK))
    return f"(CASE {mod(total)} {cases} END)"


@compiles(id_number_valid, "sqlite")
def _valid_sqlite(element, compiler, **kw):
    c = compiler.process(list(element.clauses)[0], **kw)
    check = _checksum_sql(c, lambda total: f"(({total}) % 11)")
    pattern = "[0-9]" * 17 + "[0-9X]"
    return (f"(CASE WHEN length({c}) = 18 AND upper({c}) GLOB '{pattern}' "
            f"AND upper(substr({c}, 18, 1)) = {check} THEN 1 ELSE 0 END)")


@compiles(id_number_valid, "postgresql")
def _valid_pg(element, compiler, **kw):
    c = compiler.process(list(element.clauses)[0], **kw)
    check = _checksum_sql(c, lambda total: f"MOD({total}, 11)")  # '%' would clash with the driver's placeholders
    # the regex guard runs first so the casts only see digits
    return (f"(CASE WHEN {c} ~ '^[0-9]{{17}}[0-9Xx]$' THEN (CASE WHEN upper(substr({c}, 18, 1)) = {check} "
            f"THEN 1 ELSE 0 END) ELSE 0 END)")


def id_invalid_expr(m=members):
    """A member's ID number is present but not a valid GB 11643 number (stored as members.id_invalid)."""
    return sa.and_(m.c.id_number.is_not(None), id_number_valid(m.c.id_number) == 0)


def id_duplicate_expr(m=members):
    """A member's ID number is shared with another member (stored as members.id_duplicate)."""
    dup = sa.select(m.c.id_number).where(m.c.id_number.is_not(None)).group_by(m.c.id_number).having(
        sa.func.count() > 1)
    return sa.and_(m.c.id_number.is_not(None), m.c.id_number.in_(dup))


def _below_line_households(d: date):
    """Households whose latest per-capita income up to the as-of year is below that year's monitoring line.

    Starts from the incomes below their year's line (an index range per year, a few thousand rows)
    and keeps those with no later year up to the as-of year, instead of finding every household's
    latest year first (8 million income rows at province scale)."""
    inc, later = household_income, household_income.alias("later")
    newer = sa.exists().where(later.c.household_id == inc.c.household_id, later.c.year > inc.c.year,
                              later.c.year <= d.year)
    return (sa.select(inc.c.household_id).select_from(
        monitoring_lines.join(inc, sa.and_(inc.c.year == monitoring_lines.c.year,
                                           inc.c.per_capita_income < monitoring_lines.c.yuan)))
            .where(monitoring_lines.c.year <= d.year, ~newer))


def _age_cutoff(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def rule_statement(key: str, f: Filter):
    """SELECT household_id, detail for the households this rule flags (SELECT village code, detail for a
    rule about villages)."""
    d = f.as_of
    eliminated = sa.and_(hh.c.monitor_category.is_not(None), hh.c.identified_date <= on(d), hh.c.eliminated_date <= on(d))
    # 漏评 is about households never brought in; an eliminated household with problems is 错退
    not_monitored = sa.and_(sa.not_(monitored_on(d)), sa.not_(eliminated))
    if key in ("missed_income", "exit_income"):
        return sa.select(hh.c.id, sa.literal("人均纯收入低于监测范围")).where(
            hh.c.id.in_(_below_line_households(d)), not_monitored if key == "missed_income" else eliminated)
    if key == "missed_guarantee":
        # two selects, one per partial index (an OR of the two conditions would read every member)
        bad = sa.union(sa.select(m.c.household_id).where(m.c.dropout == sa.true()),
                       sa.select(m.c.household_id).where(sa.not_(m.c.insured)))
        return sa.select(hh.c.id, sa.literal("有成员辍学或未参保")).where(not_monitored, hh.c.id.in_(bad))
    if key == "exit_no_measure":
        has = sa.exists().where(aid_measures.c.household_id == hh.c.id, aid_measures.c.registered_date <= on(d))
        return sa.select(hh.c.id, sa.literal("无任何帮扶措施")).where(eliminated, ~has)
    if key == "quick_elimination":
        days = days_between(hh.c.identified_date, hh.c.eliminated_date)
        return sa.select(hh.c.id, sa.literal("识别后") + sa.cast(days, sa.String) + sa.literal("天即消除")).where(
            eliminated, days < quick_elimination_days())
    if key == "work_no_labour":
        rf = risk_factors
        work = sa.select(rf.c.household_id).where(rf.c.factor_type == "work", rf.c.identified_date <= on(d))
        capable = sa.exists().where(m.c.household_id == hh.c.id, m.c.labour.in_(sorted(LABOUR_CAPABLE)))
        return sa.select(hh.c.id, sa.literal("因务工就业不稳但无劳动力成员")).where(hh.c.id.in_(work), ~capable)
    if key == "negative_factor":
        # which situation is a personal fact (masked for inspectors on 户情): the list says only that there is one
        return sa.select(hh.c.id, sa.literal("登记有负面清单情形（详见户情）")).where(
            monitored_on(d), hh.c.negative_factor.is_not(None))
    if key == "impossible_age":
        # one index range per condition (birth-date index; students' stage and birth-date partial index)
        parts = [sa.select(m.c.household_id).where(m.c.birth_date > on(d)),
                 sa.select(m.c.household_id).where(m.c.birth_date <= on(_age_cutoff(d, MAX_AGE + 1)))]
        for stage, (lo, hi) in STUDENT_AGES.items():
            student = (m.c.is_student == sa.true(), m.c.school_stage == stage)
            parts += [sa.select(m.c.household_id).where(*student, m.c.birth_date > on(_age_cutoff(d, lo))),
                      sa.select(m.c.household_id).where(*student, m.c.birth_date <= on(_age_cutoff(d, hi + 1)))]
        return sa.select(hh.c.id, sa.literal("成员年龄或在校信息不合理")).where(hh.c.id.in_(sa.union(*parts)))
    if key == "duplicate_id":   # members.id_duplicate: id_duplicate_expr, stored by seed/derive.py
        bad = sa.select(m.c.household_id).where(m.c.id_duplicate == sa.true())
        return sa.select(hh.c.id, sa.literal("身份证号与其他成员重复")).where(hh.c.id.in_(bad))
    if key == "invalid_id":     # members.id_invalid: id_invalid_expr, stored by seed/derive.py
        bad = sa.select(m.c.household_id).where(m.c.id_invalid == sa.true())
        return sa.select(hh.c.id, sa.literal("身份证号无效")).where(hh.c.id.in_(bad))
    if key == "dishonest_monitored":
        from queries.integrity import revoked_but_monitored  # integrity imports nothing from here
        return sa.select(hh.c.id, sa.literal("失信取消监测资格，仍在监测")).where(revoked_but_monitored(d))
    if key == "no_helper":
        return sa.select(hh.c.id, sa.literal("无帮扶责任人")).where(monitored_on(d), hh.c.helper_id.is_(None))
    if key == "stale":
        recent_visit = sa.exists().where(visits.c.household_id == hh.c.id, within_quarter(visits.c.visit_date, d),
                                         visits.c.visit_date <= on(d))
        return sa.select(hh.c.id, sa.literal(f"{QUARTER_DAYS}天内无走访、无更新")).where(
            monitored_on(d), beyond_quarter(hh.c.identified_date, d), ~recent_visit,
            sa.or_(hh.c.updated_date.is_(None), beyond_quarter(hh.c.updated_date, d), hh.c.updated_date > on(d)))
    if key == "unreported_village":
        has_report = sa.exists().where(village_facts.c.village_code == villages.c.code,
                                       village_facts.c.period_end <= on(d))
        return sa.select(villages.c.code, sa.literal("截至日期前从未报送行业数据")).where(~has_report)
    if key == "overdue_lead":
        w = warnings
        return (sa.select(hh.c.id, sa.literal("线索超15天未研判")).where(
            hh.c.id.in_(sa.select(w.c.household_id).where(overdue_on(f, w)))))
    if key == "level_mismatch":
        return _level_mismatch(d)
    raise KeyError(key)


def _level_label(col):
    return sa.case(WARNING_LEVELS, value=col, else_=col)


def _level_mismatch(d: date):
    """Households with an open lead whose typed level differs from the grading rules' (queries/grading.py)."""
    w = warnings
    graded = sa.select(w.c.household_id.label("hid"), w.c.level, grading.grade_sql(w).label("rule")).where(
        warning_open_on(d, w)).subquery()
    detail = sa.literal("台账为") + _level_label(graded.c.level) + sa.literal("，按规则应为") + _level_label(graded.c.rule)
    return (sa.select(hh.c.id, detail).select_from(hh.join(graded, graded.c.hid == hh.c.id))
            .where(graded.c.rule.is_not(None), graded.c.rule != graded.c.level))


def _scoped(key: str, f: Filter):
    stmt = rule_statement(key, f)
    if key in VILLAGE_RULES:  # area scope on the villages table (villages have no category)
        return stmt.where(*scope.where(f, villages))
    # area scope (and category, for rules about monitored households) applied to the households table
    return stmt.where(*scope.where(f, hh, category=key not in ("missed_income", "missed_guarantee")))


@query(area="township_code")
def rule_counts(conn, f: Filter) -> pd.DataFrame:
    """Households (villages, for a rule about villages) flagged by each rule, per township (one row per rule
    and township; the count column is called households either way)."""
    parts = []
    for r in RULES:
        flagged = _scoped(r.key, f).subquery()
        unit = villages if r.key in VILLAGE_RULES else hh
        ident = list(flagged.c)[0]
        stmt = (sa.select(unit.c.township_code, sa.func.count(sa.distinct(ident)))
                .select_from(unit.join(flagged, ident == (unit.c.code if unit is villages else unit.c.id)))
                .group_by(unit.c.township_code))
        got = frame(conn, stmt, ["township_code", "households"])
        got.insert(0, "rule", r.key)
        parts.append(got)
    out = pd.concat(parts, ignore_index=True)
    out["households"] = out.households.astype(int)
    return out


@query()
def rule_summary(conn, f: Filter) -> pd.DataFrame:
    """Every rule with its total count in scope (zeros included)."""
    return summary_from_counts(rule_counts(conn, f))


def summary_from_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """The per-rule totals of rule_counts' rows (lets a page run the rules once for both views)."""
    totals = counts.groupby("rule").households.sum()
    return pd.DataFrame([(r.key, r.name, r.definition, r.unit, int(totals.get(r.key, 0))) for r in RULES],
                        columns=["rule", "name", "definition", "unit", "households"])


FLAGGED_COLUMNS = ["household_id", "code", "head_name", "township_name", "village_name", "monitor_category", "detail"]


@query(area="household_id", personal=shown(head_name=m.c.name))
def flagged_households(conn, f: Filter, key: str, limit: int = 2000) -> pd.DataFrame:
    """The households one rule flags, with where they are (names in full: mask before showing). For a rule
    about villages: the villages (code = village code, no household, head or category)."""
    flagged = _scoped(key, f).subquery()
    ident, detail = list(flagged.c)[:2]
    per = sa.select(ident.label("ident"), sa.func.min(detail).label("detail")).group_by(ident).subquery()
    if key in VILLAGE_RULES:
        stmt = (sa.select(sa.null(), villages.c.code, sa.null(), townships.c.name, villages.c.name, sa.null(),
                          per.c.detail)
                .select_from(villages.join(per, per.c.ident == villages.c.code)
                             .join(townships, townships.c.code == villages.c.township_code))
                .order_by(villages.c.code).limit(limit))
    else:
        stmt = (sa.select(hh.c.id, hh.c.code, head_name(), townships.c.name, villages.c.name, hh.c.monitor_category,
                          per.c.detail)
                .select_from(hh.join(per, per.c.ident == hh.c.id)
                             .join(villages, villages.c.code == hh.c.village_code)
                             .join(townships, townships.c.code == hh.c.township_code))
                .order_by(hh.c.code).limit(limit))
    out = frame(conn, stmt, FLAGGED_COLUMNS)
    out["category_label"] = out.monitor_category.map(MONITOR_CATEGORIES).fillna("—")
    return out


@query(area="household_id")
def flagged_ids(conn, f: Filter, key: str) -> set:
    """Household ids (int) a rule flags; village codes (str) for a rule about villages."""
    return {r[0] for r in conn.execute(_scoped(key, f)).all()}
