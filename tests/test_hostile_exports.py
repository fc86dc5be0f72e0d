"""Every export of every kind made from the hostile county (tests/hostile_county.py), opened: no formula cell
and no hyperlink in any workbook or deck, no link annotation or image in the PDF packet, and the hostile
strings present as plain text. The pages run in AppTest as county, township and inspector users; the build
callables are the very ones the /export route runs. Also the importer's error report (both of its paths),
the blank template and the `--export` workbook of that county."""

from __future__ import annotations

import csv
import io

import pytest
from PIL import Image

from seed.importer import build_template, export_database, import_files
from tests.exports_support import offered  # noqa: F401  (fixture)
from tests.handbuilt import write_book
from tests.hostile_county import (AT_FORMULA, FORMULA, IMG, IMG_TAG, PLUS_FORMULA, TOWN_A, VILLAGE_A1,
                                  VILLAGE_A2, VILLAGE_B1, county_rows, hostile_database, hostile_users)
from tests.hostile_exports import pdf_text, pptx_texts, xlsx_texts
from tests.pages_support import run_page
from tests.personal_values import ROLES, forbidden, leaked

# every page that offers a download, with the parameters that make it offer its household-level tables
AT_NAME = AT_FORMULA.replace(" ", "")  # the importer drops the spaces inside a name
PAGES = [("overview", {}), ("warnings", {}), ("warnings", {"town": TOWN_A, "village": VILLAGE_A2}),
         ("factors", {}), ("aid", {}), ("targets", {}), ("definitions", {}), ("quality", {}), ("meeting", {}),
         ("briefing", {})]


@pytest.fixture
def hostile_db(empty_db, tmp_path, monkeypatch, dashboard_url) -> str:
    hostile_database(empty_db, tmp_path)
    url = dashboard_url(empty_db)
    monkeypatch.setenv("MONITOR_DB_URL", url)
    monkeypatch.setenv("MONITOR_USERS_FILE", str(hostile_users(tmp_path / "users.json")))
    return url


def opened(kind: str, data: bytes, key: str = "") -> str:
    """The text of an export, after the checks of its kind (tests/hostile_exports.py); the page print
    (key print_page) may hold the page's charts as images."""
    if kind == "xlsx":
        return "\n".join(xlsx_texts(data))
    if kind == "pptx":
        return "\n".join(pptx_texts(data))
    if kind == "pdf":
        return pdf_text(data, charts=key == "print_page")
    assert kind == "png", kind
    Image.open(io.BytesIO(data)).verify()
    return ""


def draw_packets(user: str):
    at = run_page("planner", user=user)
    at.multiselect(key="plan_villages").set_value([VILLAGE_A1, VILLAGE_A2, VILLAGE_B1])
    at.number_input(key="plan_minimum").set_value(20)  # every household of every stratum: all six in the packet
    at.button(key="plan_draw").click().run()
    assert not at.exception and not at.error
    return at


@pytest.mark.parametrize("user", ["county", "township", "inspector"])
def test_every_export_of_the_hostile_county_is_plain_text(hostile_db, offered, user):
    for page, params in PAGES:
        at = run_page(page, params, user=user)
        assert not at.exception, (page, at.exception)
        assert not [e.value for e in at.error], (page, [e.value for e in at.error])
    draw_packets(user)
    kinds = {o.kind for o in offered}
    assert kinds == {"png", "xlsx", "pptx", "pdf"}, kinds
    texts = {o.key: opened("xlsx" if o.kind == "xlsx" else o.kind, o.build(), o.key) for o in offered}
    everything = "\n".join(texts.values())
    # no personal value the role may not see in full, in any file (generated from the schema's marks)
    values = forbidden(hostile_db, ROLES[user])
    assert values["id_number"] and values["phone"] and (values["name"] if ROLES[user] == "strict" else True)
    assert {k: leaked(t.encode(), values) for k, t in texts.items() if leaked(t.encode(), values)} == {}
    # village names (markdown image, HTML tags) reach the workbooks and the PDF as the characters typed
    assert "<b>东村</b>" + IMG in everything
    assert "<b>东村</b>" in texts["plan_pdf"]
    assert "<b>恶意县</b>" + IMG in texts["brief_pptx"]  # the county's name on every slide, as text
    if user != "township":  # 北村 lies in the other township
        assert IMG_TAG in texts["plan_pdf"]
    if user == "county":
        # full names for this role: the head named by a formula is a text cell (xlsx_texts found no formula)
        for hostile in (FORMULA, AT_NAME, PLUS_FORMULA):
            assert hostile in texts["plan_xlsx"], hostile
        assert FORMULA in texts["dl_xlsx_warn_leads"]


def test_import_error_report_keeps_hostile_text_as_text(empty_db, tmp_path):
    """An import with one bad cell: the report re-saves the user's own workbook (red cell, comment) and lists
    the error; a cell that arrived as text beginning with '=' stays text."""
    rows = county_rows()
    rows["家庭成员"][0]["身份证号"] = "12345"  # not an ID number: the import fails
    book = write_book(tmp_path / "恶意县台账.xlsx", rows)
    result = import_files([book], empty_db, report=tmp_path / "报告.xlsx")
    assert not result.ok
    texts = xlsx_texts((tmp_path / "报告.xlsx").read_bytes())
    for hostile in (FORMULA, AT_FORMULA, PLUS_FORMULA, "<b>东村</b>" + IMG):
        assert hostile in texts, hostile


def test_import_error_report_from_csv_keeps_hostile_text_as_text(empty_db, tmp_path):
    """A CSV input: the report is a new workbook with copies of the sheets (the other path of report.py)."""
    path = tmp_path / "家庭成员.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["户编号", "姓名", "身份证号", "性别", "与户主关系"])
        w.writerow(["H001", FORMULA, "12345", "男", "户主"])
        w.writerow(["H002", AT_FORMULA, "67890", "男", "户主"])
    result = import_files([path], empty_db, report=tmp_path / "报告.xlsx")
    assert not result.ok
    texts = xlsx_texts((tmp_path / "报告.xlsx").read_bytes())
    assert FORMULA in texts and AT_FORMULA in texts


def test_template_and_export_of_the_hostile_county_have_no_formula(empty_db, tmp_path):
    xlsx_texts(build_template(tmp_path / "模板.xlsx").read_bytes())
    hostile_database(empty_db, tmp_path)
    export_database(empty_db, tmp_path / "导出.xlsx")
    texts = xlsx_texts((tmp_path / "导出.xlsx").read_bytes())
    for hostile in (FORMULA, AT_FORMULA, PLUS_FORMULA, "<b>东村</b>" + IMG):
        assert hostile in texts, hostile
