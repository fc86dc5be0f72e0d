"""Every row checked before anything is written: cells, rows, duplicates, references.

1. ``convert``: each cell through its column's reader (values.py): required, code lists, dates, numbers
   and ranges, ID numbers (length, birth date, GB 11643 check character), text lengths.
2. row checks: fields that must agree (ID number vs birth date and gender, date order, 其中 <= 合计,
   factor type vs group, village code vs township code ...), and derived fields (a household's township,
   a factor's group, a measure's group and department).
3. duplicates of a natural key within all files of the import.
4. ``check_references`` (with the database state): village/township/county codes, household codes,
   helper numbers, project codes - in the files or already in the database - and ID numbers already
   registered to a household that this import does not replace.

Policy inconsistencies that inspections look for (a monitored household with a negative factor,
因务工就业不稳 without a labour-capable member, ...) are *not* rejected: they are imported so the
dashboard can show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from queries import codes
from seed.importer import spec as S
from seed.importer.read import ParsedSheet
from seed.importer.result import Issue
from seed.importer.values import Bad, blank, id_birth, id_male, reader


class Record:
    __slots__ = ("sheet", "row", "v", "bad")

    def __init__(self, sheet: ParsedSheet, row: int, v: dict):
        self.sheet = sheet
        self.row = row
        self.v = v
        self.bad: set | None = None

    def ok(self, *keys) -> bool:
        """All these fields were given and valid."""
        return all(self.v.get(k) is not None for k in keys) and not (self.bad and self.bad.intersection(keys))

    def mark(self, key):
        if self.bad is None:
            self.bad = set()
        self.bad.add(key)


@dataclass
class Batch:
    records: dict[str, list[Record]] = field(default_factory=dict)     # table -> records in file order
    sheets: dict[str, list[ParsedSheet]] = field(default_factory=dict)  # table -> sheets holding it
    issues: list[Issue] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)   # imported as typed, but worth a look (lead contradictions)

    def has(self, table: str) -> bool:
        return table in self.sheets

    def rows(self, table: str) -> list[Record]:
        return self.records.get(table, [])

    def notice(self, rec: Record, key: str | None, message: str):
        self.notices.append(str(rec.sheet.issue(rec.row, key if key in rec.sheet.columns else None, message)))

    def error(self, rec: Record, key: str | None, message: str):
        if key is not None and key not in rec.sheet.columns:
            key = None
        self.issues.append(rec.sheet.issue(rec.row, key, message))
        if key:
            rec.mark(key)


def convert(parsed: list[ParsedSheet]) -> Batch:
    batch = Batch()
    for ps in parsed:
        table = ps.spec.table_name
        batch.sheets.setdefault(table, []).append(ps)
        recs = [Record(ps, row, {}) for row, _ in ps.data]
        cells = [cells for _, cells in ps.data]
        for col in ps.spec.columns:
            idx = ps.columns.get(col.key)
            if idx is None:
                continue
            read = reader(col)
            letter, key, required = ps.letter(col.key), col.key, col.required
            for rec, row in zip(recs, cells):
                raw = row[idx] if idx < len(row) else None
                if raw is None or raw == "" or (isinstance(raw, str) and blank(raw)):
                    rec.v[key] = None        # NOT NULL defaults are applied when writing
                    if required:
                        batch.issues.append(Issue(ps.file, ps.name, rec.row, letter, col.header,
                                                  f"必填项「{col.header}」为空"))
                        rec.mark(key)
                    continue
                try:
                    rec.v[key] = read(raw)
                except Bad as e:
                    rec.v[key] = None
                    rec.mark(key)
                    batch.issues.append(Issue(ps.file, ps.name, rec.row, letter, col.header, str(e)))
        check = ROW_CHECKS.get(table)
        if check:
            for rec in recs:
                check(batch, rec)
        batch.records.setdefault(table, []).extend(recs)
    _duplicates(batch)
    return batch


# --- row checks ------------------------------------------------------------------------------------

def _order(batch, rec, early: str, late: str, message: str):
    if rec.ok(early, late) and rec.v[late] < rec.v[early]:
        batch.error(rec, late, message.format(early=rec.v[early].isoformat()))


def _townships(batch: Batch, rec: Record):
    v = rec.v
    if rec.ok("code"):
        if v.get("county_code") is None and not (rec.bad and "county_code" in rec.bad):
            v["county_code"] = v["code"][:6]
        elif rec.ok("county_code") and v["county_code"] != v["code"][:6]:
            batch.error(rec, "county_code", f"乡镇区划代码 {v['code']} 的前6位应为所属县代码 {v['county_code']}")


def _villages(batch: Batch, rec: Record):
    v = rec.v
    if rec.ok("code"):
        if v.get("township_code") is None and not (rec.bad and "township_code" in rec.bad):
            v["township_code"] = v["code"][:9]
        elif rec.ok("township_code") and v["township_code"] != v["code"][:9]:
            batch.error(rec, "township_code", f"行政村区划代码 {v['code']} 的前9位应为所属乡镇代码 {v['township_code']}")


def _households(batch: Batch, rec: Record):
    v, cols, bad = rec.v, rec.sheet.columns, rec.bad or ()
    if "monitor_category" in cols and "identified_date" in cols:
        cat, ident = v.get("monitor_category"), v.get("identified_date")
        if cat is not None and ident is None and "identified_date" not in bad:
            batch.error(rec, "identified_date", "已填写监测对象类别，但缺少识别纳入监测日期")
        elif cat is None and ident is not None and "monitor_category" not in bad:
            batch.error(rec, "monitor_category", "已填写识别纳入监测日期，但监测对象类别为空")
    if "identified_date" in cols and v.get("eliminated_date") is not None and v.get("identified_date") is None \
            and "identified_date" not in bad:
        batch.error(rec, "eliminated_date", "已填写风险消除日期，但缺少识别纳入监测日期")
    _order(batch, rec, "identified_date", "eliminated_date", "风险消除日期早于识别纳入监测日期 {early}")


def _members(batch: Batch, rec: Record):
    v = rec.v
    if rec.ok("id_number"):
        idn = v["id_number"]
        if rec.ok("birth_date") and v["birth_date"] != id_birth(idn):
            batch.error(rec, "birth_date", f"出生日期与身份证号不一致（身份证号中为 {id_birth(idn).isoformat()}）")
        if rec.ok("gender") and (v["gender"] == "M") != id_male(idn):
            batch.error(rec, "gender", f"性别与身份证号不一致（身份证号第17位为{'奇数，应为男' if id_male(idn) else '偶数，应为女'}）")
    if rec.ok("school_stage"):
        if v.get("is_student") is False:
            batch.error(rec, "is_student", "填写了在校阶段，但“是否在校生”为否")
        elif not (rec.bad and "is_student" in rec.bad):
            v["is_student"] = True


def _factors(batch: Batch, rec: Record):
    v = rec.v
    if rec.ok("factor_type"):
        group = codes.FACTOR_TYPES[v["factor_type"]][1]
        if rec.ok("factor_group") and v["factor_group"] != group:
            batch.error(rec, "factor_group", f"风险类型“{codes.label(codes.FACTOR_TYPES, v['factor_type'])}”属于"
                                             f"“{codes.FACTOR_GROUPS[group]}”，与因子大类不符")
        elif not (rec.bad and "factor_group" in rec.bad):
            v["factor_group"] = group
        if v.get("disaster_kind") is not None and v["factor_type"] != "disaster":
            batch.error(rec, "disaster_kind", "灾害类别只适用于风险类型“因灾”")
    _order(batch, rec, "identified_date", "resolved_date", "风险消除日期早于风险识别日期 {early}")


def _warnings(batch: Batch, rec: Record):
    v, cols, bad = rec.v, rec.sheet.columns, rec.bad or ()
    if "decision" in cols and "decision_date" in cols:
        if v.get("decision") is not None and v.get("decision_date") is None and "decision_date" not in bad:
            batch.error(rec, "decision_date", "已填写研判结果，但缺少研判日期")
        if v.get("decision_date") is not None and v.get("decision") is None and "decision" not in bad:
            batch.error(rec, "decision", "已填写研判日期，但研判结果为空")
    # contradictions a real 台账 carries: imported as typed, listed as notices (lead_notices has the rest)
    for late, what in (("decision_date", "研判日期"), ("closed_date", "预警解除日期")):
        if rec.ok("raised_date", late) and v[late] < v["raised_date"]:
            batch.notice(rec, late, f"{what}早于线索产生日期 {v['raised_date'].isoformat()}（已按所填导入，请核实）")
    if v.get("decision") == "dismissed" and "dismiss_reason" in cols and v.get("dismiss_reason") is None:
        batch.notice(rec, "dismiss_reason", "研判为不予纳入，但未填写不予纳入原因")
    if v.get("closed_date") is not None and v.get("decision") is None and "decision" in cols:
        batch.notice(rec, "closed_date", "已填写预警解除日期，但尚未研判（线索按所填日期解除，仍计为待研判）")


def _measures(batch: Batch, rec: Record):
    v = rec.v
    if rec.ok("tool"):
        _, group, dept = codes.TOOLS[v["tool"]]
        if rec.ok("tool_group") and v["tool_group"] != group:
            batch.error(rec, "tool_group", f"政策工具“{codes.label(codes.TOOLS, v['tool'])}”属于"
                                           f"“{codes.TOOL_GROUPS[group]}”，与政策工具大类不符")
        elif not (rec.bad and "tool_group" in rec.bad):
            v["tool_group"] = group
        if v.get("department") is None and not (rec.bad and "department" in rec.bad):
            v["department"] = dept


def _projects(batch: Batch, rec: Record):
    v = rec.v
    if rec.ok("village_code"):
        if v.get("township_code") is None and not (rec.bad and "township_code" in rec.bad):
            v["township_code"] = v["village_code"][:9]
        elif rec.ok("township_code") and v["village_code"][:9] != v["township_code"]:
            batch.error(rec, "village_code", f"实施村 {v['village_code']} 不在实施乡镇 {v['township_code']} 内")
    elif v.get("township_code") is None and not (rec.bad and {"township_code", "village_code"} & rec.bad):
        batch.error(rec, "township_code", "实施乡镇区划代码和实施村区划代码至少填一项")


def _lead_dated(batch: Batch, rec: Record, field: str, what: str):
    """A step or 交办 cannot happen before its lead was raised."""
    if rec.ok("raised_date", field) and rec.v[field] < rec.v["raised_date"]:
        batch.error(rec, field, f"{what}早于所属线索的线索产生日期 {rec.v['raised_date'].isoformat()}")


def _lead_steps(batch: Batch, rec: Record):
    _lead_dated(batch, rec, "done_date", "完成日期")


def _assignments(batch: Batch, rec: Record):
    v, cols = rec.v, rec.sheet.columns
    _lead_dated(batch, rec, "assigned_date", "交办日期")
    _order(batch, rec, "assigned_date", "feedback_date", "反馈日期早于交办日期 {early}")
    _order(batch, rec, "assigned_date", "due_date", "办结时限早于交办日期 {early}")
    if v.get("assignee_kind") == "helper" and v.get("helper_id") is None and not (rec.bad and "helper_id" in rec.bad):
        batch.error(rec, "helper_id" if "helper_id" in cols else "assignee_kind", "承办对象为帮扶责任人，但未填写帮扶责任人编号")
    if v.get("feedback_result") is not None and v.get("feedback_date") is None and "feedback_date" not in (rec.bad or ()):
        batch.error(rec, "feedback_date" if "feedback_date" in cols else "feedback_result", "已填写反馈结果，但缺少反馈日期")


def _findings(batch: Batch, rec: Record):
    v, cols = rec.v, rec.sheet.columns
    if rec.ok("village_code"):
        v["township_code"] = v["village_code"][:9]
    _order(batch, rec, "inspected_on", "closed_date", "整改完成日期早于巡查日期 {early}")
    _order(batch, rec, "inspected_on", "due_date", "整改时限早于巡查日期 {early}")
    if v.get("status") == "closed" and v.get("closed_date") is None and "closed_date" not in (rec.bad or ()):
        batch.error(rec, "closed_date" if "closed_date" in cols else "status", "整改状态为已整改，但缺少整改完成日期")
    if v.get("status") == "open" and v.get("closed_date") is not None:
        batch.error(rec, "status", "已填写整改完成日期，但整改状态为整改中")


def _dishonesty(batch: Batch, rec: Record):
    _order(batch, rec, "recorded_date", "repaired_date", "信用修复日期早于认定日期 {early}")
    if rec.v.get("repair_unit") is not None and rec.v.get("repaired_date") is None \
            and "repaired_date" not in (rec.bad or ()):
        batch.error(rec, "repaired_date" if "repaired_date" in rec.sheet.columns else "repair_unit",
                    "已填写修复审批单位，但缺少信用修复日期")


FACT_PARTS = [("tap_water_households", "rural_households"), ("large_scale_households", "rural_households"),
              ("reliable_supply_households", "rural_households"), ("centralized_households", "rural_households"),
              ("employed_people", "labour_people"), ("insured_difficult_people", "difficult_people"),
              ("tekun_centralized", "tekun_need_care"), ("insured_residents", "resident_people")]


def _facts(batch: Batch, rec: Record):
    sp = rec.sheet.spec
    for part, whole in FACT_PARTS:
        if rec.ok(part, whole) and rec.v[part] > rec.v[whole]:
            batch.error(rec, part, f"「{sp.col(part).header}」{rec.v[part]} 大于「{sp.col(whole).header}」{rec.v[whole]}")


def _pairings(batch: Batch, rec: Record):
    if rec.ok("village_code"):
        rec.v["township_code"] = rec.v["village_code"][:9]
    _order(batch, rec, "signed_date", "ended_date", "解除结对日期早于结对日期 {early}")


def _targets(batch: Batch, rec: Record):
    v = rec.v
    if rec.ok("indicator", "value") and v["indicator"] in S.RATE_INDICATORS():
        if v["value"] > 1:
            hint = f"（若指 {v['value']:g}%，请填 {v['value'] / 100:g} 或 {v['value']:g}%）" if v["value"] <= 100 else ""
            batch.error(rec, "value", f"比率指标的目标值应在0到1之间{hint}")


ROW_CHECKS = {"townships": _townships, "villages": _villages, "households": _households, "members": _members,
              "risk_factors": _factors, "warnings": _warnings, "aid_measures": _measures, "projects": _projects,
              "village_facts": _facts, "targets": _targets, "lead_steps": _lead_steps, "assignments": _assignments,
              "findings": _findings, "enterprise_pairings": _pairings, "dishonesty_records": _dishonesty}


# --- duplicates ------------------------------------------------------------------------------------

def _duplicates(batch: Batch):
    for table, recs in batch.records.items():
        sp = S.by_table()[table]
        if not sp.key:
            continue
        seen: dict[tuple, Record] = {}
        key = sp.key
        for rec in recs:
            if not rec.ok(*key):
                continue
            k = tuple(rec.v[f] for f in key)
            first = seen.get(k)
            if first is None:
                seen[k] = rec
                continue
            where = f"第{first.row}行" if first.sheet is rec.sheet else \
                f"{first.sheet.file} 工作表「{first.sheet.name}」第{first.row}行"
            what = "、".join(f"{sp.col(f).header} {_show(rec.v[f])}" for f in key)
            batch.error(rec, key[-1], f"重复：{what} 与{where}重复")


def _show(v) -> str:
    return v.isoformat() if hasattr(v, "isoformat") else str(v)


# --- references (needs the database state) ---------------------------------------------------------

def _file_counties(batch: Batch) -> set[str]:
    """The counties a file's rows lie in (area codes are hierarchical: a code's first 6 digits)."""
    codes = {r.v["code"] for r in batch.rows("county") if r.ok("code")}
    for table, field in (("townships", "code"), ("villages", "code"), ("households", "village_code")):
        codes |= {r.v[field][:6] for r in batch.rows(table) if r.ok(field)}
    return codes | {r.v["scope"][:6] for r in batch.rows("targets") if r.ok("scope") and r.v["scope"] != "county"}


def _target_scopes(batch: Batch, counties: set, towns: set) -> None:
    """A target's scope is a township, a county, or 全县: the county of the file (of the database when the file
    names none), stored by its code so that a city's counties keep their own targets."""
    home = _file_counties(batch) or counties
    for rec in batch.rows("targets"):
        if not rec.ok("scope"):
            continue
        s = rec.v["scope"]
        if s == "county" and len(home) == 1:
            rec.v["scope"] = next(iter(home))
        elif s == "county":
            where = f"本文件涉及多个县（{'、'.join(sorted(home))}）" if home else "数据库和本文件中都还没有县"
            batch.error(rec, "scope", f"{where}，无法确定“全县”指哪个县：请填写6位县级区划代码")
        elif len(s) == 6 and s not in counties:
            batch.error(rec, "scope", f"县级区划代码 {s} 不存在（既不在「县」表中，也不在数据库中）")
        elif len(s) == 9 and s not in towns:
            batch.error(rec, "scope", f"乡镇区划代码 {s} 不存在（既不在「乡镇」表中，也不在数据库中）")

def check_references(batch: Batch, state) -> None:
    """``state``: write.State, the keys already in the database."""
    def file_keys(table, field="code"):
        return {r.v[field] for r in batch.rows(table) if r.ok(field)}

    counties = file_keys("county") | state.county_codes()
    towns = file_keys("townships") | state.township_codes()
    vills = file_keys("villages") | state.village_codes()
    helpers = file_keys("helpers", "id") | state.helper_ids()
    hhs = file_keys("households") | set(state.household_ids())
    projs = file_keys("projects") | set(state.project_ids())

    def ref(table, field, known, what):
        for rec in batch.rows(table):
            if rec.ok(field) and rec.v[field] not in known:
                batch.error(rec, field, what.format(rec.v[field]))

    ref("townships", "county_code", counties, "县级区划代码 {} 不存在（既不在「县」表中，也不在数据库中）")
    ref("villages", "township_code", towns, "乡镇区划代码 {} 不存在（既不在「乡镇」表中，也不在数据库中）")
    ref("helpers", "township_code", towns, "乡镇区划代码 {} 不存在（既不在「乡镇」表中，也不在数据库中）")
    ref("households", "village_code", vills, "行政村区划代码 {} 不存在（既不在「行政村」表中，也不在数据库中）")
    ref("households", "helper_id", helpers, "帮扶责任人编号 {} 不存在（既不在「帮扶责任人」表中，也不在数据库中）")
    for table in [*(sp.table_name for sp in S.sheets() if sp.parent == "households"), "findings"]:
        ref(table, "household_code", hhs, "户编号 {} 不存在（既不在「农户」表中，也不在数据库中）")
    ref("visits", "helper_id", helpers, "帮扶责任人编号 {} 不存在（既不在「帮扶责任人」表中，也不在数据库中）")
    ref("assignments", "helper_id", helpers, "帮扶责任人编号 {} 不存在（既不在「帮扶责任人」表中，也不在数据库中）")
    _workflow_references(batch, state, counties, vills)
    ref("projects", "township_code", towns, "乡镇区划代码 {} 不存在（既不在「乡镇」表中，也不在数据库中）")
    ref("projects", "village_code", vills, "行政村区划代码 {} 不存在（既不在「行政村」表中，也不在数据库中）")
    ref("project_payments", "project_code", projs, "项目编号 {} 不存在（既不在「帮扶项目」表中，也不在数据库中）")
    ref("village_facts", "village_code", vills, "行政村区划代码 {} 不存在（既不在「行政村」表中，也不在数据库中）")
    ref("township_facts", "township_code", towns, "乡镇区划代码 {} 不存在（既不在「乡镇」表中，也不在数据库中）")
    ref("enterprise_pairings", "village_code", vills, "行政村区划代码 {} 不存在（既不在「行政村」表中，也不在数据库中）")
    _target_scopes(batch, counties, towns)

    if batch.has("members"):
        replaced = replaced_parents(batch, "members", "household_code")
        owners = state.member_owners()   # id_number -> household code, for members in the database
        for rec in batch.rows("members"):
            if rec.ok("id_number"):
                owner = owners.get(rec.v["id_number"])
                if owner is not None and owner not in replaced:
                    batch.error(rec, "id_number", f"身份证号 {rec.v['id_number']} 已登记为户 {owner} 的成员"
                                                  "（该户不在本次导入中）：同一人不能属于两户")


FUTURE_DATES = [("household_checks", "checked_on", "核查日期"), ("dishonesty_records", "recorded_date", "认定日期"),
                ("dishonesty_records", "repaired_date", "信用修复日期")]


def future_checks(batch: Batch, as_of) -> None:
    """A household check, a 失信 record or its 修复 dated after the data's as-of day has not happened yet: a
    typing error."""
    for table, field_, what in FUTURE_DATES:
        for rec in batch.rows(table):
            if rec.ok(field_) and rec.v[field_] > as_of:
                batch.error(rec, field_, f"{what} {rec.v[field_].isoformat()} 晚于数据截至日期 {as_of.isoformat()}")


def _workflow_references(batch: Batch, state, counties: set, vills: set) -> None:
    """A step or 交办 names a lead that exists (in the file, or in the database for a household whose leads
    this import does not replace); a finding lies in a village of the county, its household in that village."""
    lead_sheets = {(ps.file, ps.name) for ps in batch.sheets.get("warnings", [])}
    leads_clean = not any((i.file, i.sheet) in lead_sheets for i in batch.issues)  # else one bad lead is reported twice
    if leads_clean and (batch.has("lead_steps") or batch.has("assignments")):
        replaced = replaced_parents(batch, "warnings", "household_code") if batch.has("warnings") else set()
        leads = {k for k in state.lead_keys() if k[0] not in replaced}
        leads |= {(r.v["household_code"], r.v["raised_date"]) for r in batch.rows("warnings")
                  if r.ok("household_code", "raised_date")}
        for table in ("lead_steps", "assignments"):
            for rec in batch.rows(table):
                if rec.ok("household_code", "raised_date") and (rec.v["household_code"], rec.v["raised_date"]) not in leads:
                    batch.error(rec, "raised_date", f"户 {rec.v['household_code']} 没有 {rec.v['raised_date'].isoformat()} "
                                                    "产生的预警线索（既不在「预警线索」表中，也不在数据库中）")
    villages_of = dict(state.household_villages())
    villages_of.update({r.v["code"]: r.v["village_code"] for r in batch.rows("households") if r.ok("code", "village_code")})
    for rec in batch.rows("findings"):
        v = rec.v
        if rec.ok("village_code"):
            if v["village_code"][:6] not in counties:
                batch.error(rec, "village_code", f"行政村 {v['village_code']} 不在本县（本县区划代码 "
                                                 f"{'、'.join(sorted(counties)) or '未登记'}）")
            elif v["village_code"] not in vills:
                batch.error(rec, "village_code", f"行政村区划代码 {v['village_code']} 不存在（既不在「行政村」表中，也不在数据库中）")
            elif rec.ok("household_code") and villages_of.get(v["household_code"], v["village_code"]) != v["village_code"]:
                batch.error(rec, "household_code", f"户 {v['household_code']} 不在行政村 {v['village_code']}")


def lead_notices(batch: Batch, household_dates: dict) -> None:
    """Notices about leads that need their household: decided 纳入监测 but the household was never
    identified, or eliminated before the lead was raised; and how many blank close dates the decision or
    the household's elimination fills (queries/sql.lead_closed_on). ``household_dates``: household code ->
    (identified_date, eliminated_date) as the database holds them; this import's 农户 rows win."""
    dates = dict(household_dates)
    for rec in batch.rows("households"):
        if rec.ok("code"):
            old = dates.get(rec.v["code"], (None, None))
            cols = rec.sheet.columns
            dates[rec.v["code"]] = (rec.v.get("identified_date") if "identified_date" in cols else old[0],
                                    rec.v.get("eliminated_date") if "eliminated_date" in cols else old[1])
    by_dismissal = by_elimination = 0
    for rec in batch.rows("warnings"):
        v = rec.v
        if not rec.ok("household_code", "raised_date"):
            continue
        ident, elim = dates.get(v["household_code"], (None, None))
        if v.get("decision") == "identified":
            if ident is None:
                batch.notice(rec, "decision", f"研判为纳入监测，但农户 {v['household_code']} 没有识别纳入监测日期"
                                              "（请在「农户」表补填识别纳入监测日期和监测对象类别）")
            elif elim is not None and elim < v["raised_date"]:
                batch.notice(rec, "decision", f"研判为纳入监测，但农户 {v['household_code']} 的风险消除日期 "
                                              f"{elim.isoformat()} 早于线索产生日期（该线索不随此次消除解除）")
        if v.get("closed_date") is None:
            if v.get("decision") == "dismissed" and v.get("decision_date") is not None:
                by_dismissal += 1
            elif v.get("decision") == "identified" and elim is not None and elim >= v["raised_date"]:
                by_elimination += 1
    if by_dismissal or by_elimination:
        batch.notices.append(f"预警线索：{by_dismissal + by_elimination} 条未填预警解除日期，已视为解除"
                             f"（不予纳入的按研判日期 {by_dismissal} 条，纳入监测的按农户风险消除日期 {by_elimination} 条）")


def replaced_parents(batch: Batch, table: str, field: str) -> set:
    """Parents whose rows of ``table`` this import replaces: the parent sheet's rows and the table's own."""
    parent = S.by_table()[table].parent
    parents = {r.v["code"] for r in batch.rows(parent) if r.ok("code")}
    return parents | {r.v[field] for r in batch.rows(table) if r.ok(field)}
