"""定时简报 (dashboard/exporting/scheduled.py): the command writes the same deck the 会议简报 button offers for
the same filters (every slide's texts and chart data equal, apart from who made it and when), on SQLite and
PostgreSQL; each file is in the audit log as an export of 定时任务; the PDF prints the deck with every font
embedded; bad parameters and an unwritable audit log are refused in Chinese with nothing written."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from pptx import Presentation

from dashboard.exporting import scheduled
from tests.conftest import ROOT
from tests.exports_support import audit_exports, offered  # noqa: F401
from tests.fixture_db import AS_OF, T1, T2
from tests.pages_support import run_page
from tests.print_checks import pdf_fonts, pdf_text

STAMP = ("导出人", "导出时间")   # the only texts that say who made the deck and when


@pytest.fixture
def page_db(fixture_page_db):
    return fixture_page_db


def content(deck: bytes) -> list[list]:
    """Per slide: every text (but the maker's stamp) and every chart's categories and series values."""
    out = []
    for slide in Presentation(io.BytesIO(deck)).slides:
        items = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                items += [p for p in shape.text_frame.text.split("\n") if not any(s in p for s in STAMP)]
            if getattr(shape, "has_table", False) and shape.has_table:
                items += [[c.text for c in row.cells] for row in shape.table.rows]
            if getattr(shape, "has_chart", False) and shape.has_chart:
                plot = shape.chart.plots[0]
                items.append((list(plot.categories), [(s.name, list(s.values)) for s in plot.series]))
        out.append(items)
    return out


def run(tmp_path, *args: str) -> list:
    code = scheduled.main(["--out", str(tmp_path / "out"), "--no-pdf", *args])
    assert code == 0
    return sorted((tmp_path / "out").iterdir())


@pytest.mark.parametrize(("params", "args", "user"), [
    ({}, [], "county"),
    ({"town": T2, "period": "month"}, ["--township", T2, "--period", "month", "--per-township"], "county"),
    ({"town": T1}, ["--township", T1], "township"),
], ids=["county", "township-month-per-township", "township-user"])
def test_the_scheduled_deck_is_the_buttons_deck(page_db, offered, tmp_path, params, args, user):
    at = run_page("briefing", params, user=user)
    if "--per-township" in args:
        at.checkbox(key="brief_per_town").check().run()
    assert not at.exception
    button = offered.by_key("brief_pptx")
    made = run(tmp_path, "--as-of", AS_OF.isoformat(), *args)
    assert [p.name for p in made] == [button.file_name]
    expected = content(button.build())
    assert len(expected) > 5 and content(made[0].read_bytes()) == expected


def test_each_file_is_audited_as_the_jobs_export(page_db, tmp_path):
    run(tmp_path, "--township", T2)
    ev = audit_exports(scheduled.SYSTEM_USER)
    assert len(ev) == 1 and ev.role.iloc[0] == "township" and ev.detail.iloc[0] == "定时简报 pptx"
    assert ev.target.iloc[0] == "测试县防返贫动态监测工作简报_青山镇_2026-06-30.pptx"
    assert '"township": "439901102"' in ev.filters.iloc[0]


def test_the_command_writes_the_deck_and_its_pdf(fixture_sqlite_url, tmp_path):
    """The command as the timer runs it: `python -m dashboard.exporting.briefing` in a process of its own."""
    env = {"MONITOR_DB_URL": fixture_sqlite_url, "MONITOR_AUDIT_URL": f"sqlite:///{tmp_path / 'audit.db'}",
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "dashboard.exporting.briefing", "--out", str(tmp_path / "out")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr   # the job's log is not flooded with Streamlit's runtime notices
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["测试县防返贫动态监测工作简报_全县_2026-06-30.pdf", "测试县防返贫动态监测工作简报_全县_2026-06-30.pptx"]
    pdf = (tmp_path / "out" / names[0]).read_bytes()
    fonts = pdf_fonts(pdf)
    assert fonts and all(f["emb"] == "yes" for f in fonts)
    text = pdf_text(pdf)
    slides = Presentation(tmp_path / "out" / names[1]).slides
    for slide in slides:                    # every slide's title is printed
        assert slide.shapes.title.text_frame.text.split("\n")[0].replace(" ", "") in text.replace(" ", "")
    assert text.count("\f") >= len(slides) - 1
    import sqlalchemy as sa
    audit = sa.create_engine(env["MONITOR_AUDIT_URL"])
    with audit.connect() as conn:   # each file in the audit log, as the job's export
        rows = conn.execute(sa.text("SELECT username, target, detail FROM audit_log WHERE action = 'export' "
                                    "ORDER BY detail")).all()
    audit.dispose()
    assert rows == [(scheduled.SYSTEM_USER, names[0], "定时简报 pdf"), (scheduled.SYSTEM_USER, names[1], "定时简报 pptx")]


@pytest.mark.parametrize(("args", "message"), [
    (["--township", "439901999"], "参数无效：乡镇"),
    (["--as-of", "2030-01-01"], "参数无效：截至日期"),
    (["--as-of", "明天"], "参数无效：截至日期"),
])
def test_bad_parameters_are_refused_in_chinese_and_nothing_is_written(app_db, tmp_path, capsys, args, message):
    assert scheduled.main(["--out", str(tmp_path / "out"), *args]) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists() and audit_exports(scheduled.SYSTEM_USER).empty


def test_no_deck_without_an_audit_row(app_db, tmp_path, capsys, monkeypatch):
    import sqlalchemy as sa

    from dashboard.security import store

    def down(*args, **kwargs):
        raise sa.exc.OperationalError("INSERT", {}, Exception("store down"))

    monkeypatch.setattr(store, "log", down)
    assert scheduled.main(["--out", str(tmp_path / "out"), "--no-pdf"]) == 1
    assert "审计日志无法写入" in capsys.readouterr().err
    assert not any((tmp_path / "out").iterdir())
