"""The hostile county (tests/hostile_county.py, imported through the importer) in a real browser: every page,
as county, township and inspector, shows the imported HTML, markdown and javascript: strings as literal text.

(a) no element is made from the data: no link or image pointing at the hostile host or at javascript:, no
    link that leaves the server (HTML or Plotly's SVG <a>), no bold/italic element (HTML, or Plotly's bold and
    italic tspans) holding one of the tag-wrapped words — while the hostile strings do appear as text;
(b) the browser asks no host but the dashboard's server for anything.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import uuid
from datetime import datetime

import pytest
import streamlit as st
from pypdf import PdfReader

from dashboard.common.nav import PAGES
from dashboard.common.text import escape_html
from queries import inspection as insp
from queries import packets
from queries.db import make_engine
from queries.filters import Filter
from tests.browser import login, streamlit_server, wait_for_app
from tests.hostile_county import (AS_OF, HOSTILE_HOST, IMG, LINK, PASSWORD, TAG, county_rows, hostile_database,
                                  hostile_users)
from tests.pages_support import run_page

ROLES = ("county", "township", "inspector")
COUNTY_NAME = county_rows()["县"][0]["县名称"]
AREA_NAMES = [r["乡镇名称"] for r in county_rows()["乡镇"]] + [r["行政村名称"] for r in county_rows()["行政村"]]
HOUSEHOLD = "H001"  # head <b>张</b>![i](…), helper <i>赵</i>![i](…) of **单位**[链](javascript:…)<b>B</b><a …>
HEAD = f"<b>张</b>{IMG}"
HELPER_UNIT = f"**单位**{LINK}{TAG}"
# words the hostile county wraps in <b>, <i> or ** : drawn bold or italic, they would be elements from the data
WRAPPED_WORDS = ["张", "东村", "甲镇", "赵", "单位", "项目", "恶意县", "部门", "B"]
CHARTS_DRAWN = "() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')].every(c => c.querySelector('.main-svg'))"

# Everything on the page that was made from the data, as a list of descriptions (empty: nothing).
ELEMENTS_FROM_DATA = """([host, words]) => {
  const found = [];
  const here = location.origin;
  const urlAttributes = ['href', 'src', 'srcset', 'action', 'formaction', 'poster', 'data', 'background', 'style'];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {  // attributes the browser loads or follows (text in others is text)
      const v = a.value.trim().toLowerCase();
      if (urlAttributes.includes(a.localName) && (v.includes(host) || v.startsWith('javascript:')))
        found.push(`${el.tagName} ${a.name}=${a.value}`);
    }
    const tag = el.localName;
    const href = el.getAttribute('href') ?? el.getAttributeNS('http://www.w3.org/1999/xlink', 'href');
    if (tag === 'a' && href !== null && !href.startsWith('#') && !new URL(href, location.href).href.startsWith(here))
      found.push(`link to ${href}`);
    if (tag === 'a' && el.namespaceURI === 'http://www.w3.org/2000/svg') found.push(`SVG link ${href}`);
    const src = tag === 'img' ? el.currentSrc || el.src : href;  // an SVG <image> (a heatmap's bitmap) has href
    if ((tag === 'img' || tag === 'image') && !/^(data:|blob:)/.test(src || '') && !(src || '').startsWith(here))
      found.push(`image ${src}`);
    const style = (el.getAttribute('style') || '').replace(/\\s/g, '');
    const emphasis = ['b', 'strong', 'i', 'em'].includes(tag) ||
      (tag === 'tspan' && (style.includes('font-weight:bold') || style.includes('font-style:italic')));
    if (emphasis && words.includes(el.textContent.trim())) found.push(`${tag} "${el.textContent.trim()}"`);
  }
  return found;
}"""


def hostile_db_url(backend: str, request, tmp_path) -> str:
    """The hostile county imported into a fresh database of `backend`; returns the URL the dashboard reads
    (on PostgreSQL through a SELECT-only role)."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'hostile.db'}"
    else:
        name = f"hostile_{uuid.uuid4().hex[:12]}"
        url = request.getfixturevalue("pg_server").create_database(name)
    engine = make_engine(url, read_only=False)
    try:
        hostile_database(engine, tmp_path)
    finally:
        engine.dispose()
    return url if backend == "sqlite" else request.getfixturevalue("pg_server").reader_url(name)


@pytest.fixture(scope="module")
def users_file(tmp_path_factory):
    return hostile_users(tmp_path_factory.mktemp("hostile_users") / "users.json")


@pytest.fixture(scope="module")
def hostile_db(request, tmp_path_factory):
    """get(backend) -> URL of the hostile county in a database of `backend`, imported once per backend."""
    urls: dict[str, str] = {}

    def get(backend: str) -> str:
        if backend not in urls:
            urls[backend] = hostile_db_url(backend, request, tmp_path_factory.mktemp(f"hostile_{backend}"))
        return urls[backend]
    return get


@pytest.fixture(scope="module")
def hostile_server(hostile_db, tmp_path_factory, users_file):
    """get(backend) -> base URL of a server on the hostile county, started once per backend."""
    servers: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        def get(backend: str) -> str:
            if backend not in servers:
                audit = tmp_path_factory.mktemp(f"hostile_audit_{backend}") / "audit.db"
                env = {"MONITOR_USERS_FILE": str(users_file), "MONITOR_AUDIT_URL": f"sqlite:///{audit}",
                       "MONITOR_COOKIE_SECRET": "hostile-test-secret"}
                servers[backend] = stack.enter_context(streamlit_server(hostile_db(backend), env=env))
            return servers[backend]
        yield get


def open_and_check(page, url: str, what: str, area_charts: bool = True) -> str:
    """Open `url`, wait for the run and its charts, check (a) on it; returns the text it shows (charts too).
    With `area_charts`, the page's charts (if any) are by area and must draw a hostile area name."""
    page.goto(url)
    wait_for_app(page)
    page.wait_for_function(CHARTS_DRAWN)
    assert page.locator("[data-testid='stException']").count() == 0, what
    assert page.locator("[data-testid='stAlertContentError']").count() == 0, (
        what, page.locator("[data-testid='stAlertContentError']").all_inner_texts())
    made = page.evaluate(ELEMENTS_FROM_DATA, [HOSTILE_HOST, WRAPPED_WORDS])
    assert not made, (what, made)
    shown = page.locator("body").inner_text() + "\n" + "\n".join(page.locator(".js-plotly-plot").all_text_contents())
    # the county's name (<b>恶意县</b>![i](//x.example/i.png)) heads every page's caption, as text
    assert COUNTY_NAME in shown, what
    if area_charts and page.locator("[data-testid='stPlotlyChart']").count():
        charts = "\n".join(page.locator(".js-plotly-plot").all_text_contents())
        assert any(name in charts for name in AREA_NAMES), (what, "no area name drawn in the charts")
    return shown


CASES = [pytest.param("sqlite", role, id=f"sqlite-{role}") for role in ROLES] + [
    pytest.param("postgresql", role, id=f"postgresql-{role}", marks=pytest.mark.postgres) for role in ROLES]


@pytest.mark.browser
@pytest.mark.parametrize("backend, role", CASES)
def test_hostile_texts_stay_text_on_every_page(hostile_server, browser, backend, role):
    base = hostile_server(backend)
    context = browser.new_context()
    requested: list[str] = []
    context.on("request", lambda r: requested.append(r.url))
    page = context.new_page()
    login(page, base, role, PASSWORD)
    pages = [p for p in PAGES if not p.admin]
    for p in pages:
        open_and_check(page, f"{base}/{p.url_path}", f"{role} {p.url_path}")
    # one hostile household, drilled into by its link
    shown = open_and_check(page, f"{base}/household?hh={HOUSEHOLD}", f"{role} 户情 {HOUSEHOLD}", area_charts=False)
    heading = page.locator("[data-testid='stMain'] h3").first.inner_text()
    assert heading.endswith(f"户　{HOUSEHOLD}"), heading
    if role != "inspector":  # the inspector sees names masked
        assert heading.startswith(HEAD), heading
        assert HELPER_UNIT in shown
    context.close()
    assert len(requested) > 10 * len(pages)
    assert not [u for u in requested if not u.startswith(base)], "requests to another host"
    assert not [u for u in requested if HOSTILE_HOST in u]


# --- the map's tooltip (deck.gl draws it on hover, as HTML) ---------------------------------------------
def test_planner_map_tooltip_values_are_escaped(hostile_db, monkeypatch):
    monkeypatch.setenv("MONITOR_DB_URL", hostile_db("sqlite"))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = run_page("planner", user="county")
    assert not at.exception
    chart = at.get("deck_gl_json_chart")[0]
    deck = json.loads(chart.proto.json)
    layers = {layer["id"]: layer for layer in deck["layers"]}
    villages = layers["villages"]["data"]
    towns = {r["乡镇区划代码"]: r["乡镇名称"] for r in county_rows()["乡镇"]}
    expected = {escape_html(f"{towns[r['行政村区划代码'][:9]]} {r['行政村名称']}") for r in county_rows()["行政村"]}
    assert {v["title"] for v in villages} == expected
    texts = [v[k] for v in villages for k in ("title", "l1", "l2", "l3")]
    texts += [f["properties"]["title"] for f in layers["townships"]["data"]["features"]]
    assert texts and not [t for t in texts if "<" in t or ">" in t]  # an HTML template receives no tag
    assert json.loads(chart.proto.tooltip)["html"] == "<b>{title}</b><br/>{l1}<br/>{l2}<br/>{l3}"  # our own markup


# --- the visit packet's PDF (reportlab reads <b>, <a href>, <img src> in a paragraph as markup) -----------
def test_packet_pdf_draws_hostile_names_as_text(hostile_db):
    villages = [r["行政村区划代码"] for r in county_rows()["行政村"]]
    names = {r["行政村区划代码"]: r["行政村名称"] for r in county_rows()["行政村"]}
    engine = make_engine(hostile_db("sqlite"))
    try:
        with engine.connect() as conn:
            f = Filter(as_of=AS_OF)
            sample, strata = insp.draw_sample(conn, f, villages, 7, per_village=10, minimum=1)
            rows = insp.packet_rows(conn, f, sample.household_id.tolist())
    finally:
        engine.dispose()
    rows = rows.merge(sample[["household_id", "stratum"]], on="household_id")
    info = packets.PacketInfo(COUNTY_NAME, AS_OF, 7, 10, 1, strata, names, "县级用户", datetime(2026, 7, 1, 9, 0))
    pdf = PdfReader(io.BytesIO(packets.build_pdf(rows, info)))
    text = re.sub(r"\s", "", "".join(p.extract_text() for p in pdf.pages))  # cells wrap their text
    for literal in (COUNTY_NAME, *names.values(), HEAD):
        assert re.sub(r"\s", "", literal) in text, literal
    for page in pdf.pages:
        assert "/Annots" not in page  # no link from <a href> (or a javascript: link)
        assert not list(page.images)  # no <img> drawn (nor fetched)
