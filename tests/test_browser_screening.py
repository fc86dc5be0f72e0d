"""The two things issue #16 is done for, by clicks in a real headless Chromium on the demo county, SQLite and
PostgreSQL:

* an inspection leader prints, in three clicks from 漏评排查's county view (a township's row, a village's row,
  打印走访名单), the masked list of the village's 20 unmonitored households most likely to be 漏评, with reasons;
* a township user opens 应帮尽帮 and can open every household its township still owes a measure: the list (and
  its download) holds exactly the query layer's households, all of its own township, and a row opens 户情.
"""

import re
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from queries import screening
from queries.filters import Filter
from tests.browser import login, wait_for_app
from tests.conftest import DEMO_AS_OF, TEST_PASSWORD
from tests.print_checks import pdf_fonts, pdf_text

pytestmark = pytest.mark.browser
AS_OF = date.fromisoformat(DEMO_AS_OF)
BACKENDS = [pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)]
VIEWPORT = {"width": 1600, "height": 1800}
ID_NUMBER = re.compile(r"\d{17}[\dX]")


def query(db_url, fn, f: Filter, *args):
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            return fn(conn, f, *args)
    finally:
        engine.dispose()


def grid(page, key: str):
    """The st.dataframe drawn with `key`."""
    return page.locator(f".st-key-{key} [data-testid='stDataFrame']")


def click_row(page, key: str, row: int) -> None:
    """Tick the selection cell of `row` in the st.dataframe `key` (a canvas grid: clicked by position)."""
    table = grid(page, key)
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    header = height = 35
    page.mouse.click(box["x"] + 16, box["y"] + header + height * row + height / 2)


def download(page, context, label: str, path):
    """Click the export link `label` (it opens /export/<token> in a new tab, which the attachment turns into a
    download) and save what arrives."""
    with page.expect_popup() as popup, context.expect_event("download", timeout=30_000) as dl:
        page.locator('[data-testid="stLinkButton"] a:visible', has_text=label).first.click()
    dl.value.save_as(path)
    popup.value.close()
    return path


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_inspector_prints_a_villages_20_likeliest_households_in_three_clicks(demo_servers, browser, backend,
                                                                                 tmp_path):
    server = demo_servers(backend)
    county = Filter(as_of=AS_OF)
    towns = query(server.db_url, screening.screening_by_area, county, "township")
    town = towns.sort_values(["candidates", "code"], ascending=[False, True], kind="stable").code.iloc[0]
    villages = query(server.db_url, screening.screening_by_area, Filter(as_of=AS_OF, township=town), "village")
    villages = villages.sort_values(["candidates", "code"], ascending=[False, True], kind="stable")
    village = villages.code.iloc[0]
    expected = query(server.db_url, screening.screening_list, Filter(as_of=AS_OF, township=town, village=village))
    assert len(expected) >= 20, "the village has fewer than 20 candidates: the control proves less"
    top = expected.head(20)

    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    login(page, server.base, "inspector", TEST_PASSWORD, "/screening")
    expect(page.locator("[data-testid='stMain'] h1").first).to_have_text("漏评排查")

    click_row(page, "scr_areas_township_", 0)                       # 1. the township with the most candidates
    page.wait_for_url(re.compile(rf"town={town}"), timeout=30_000)
    wait_for_app(page)
    click_row(page, f"scr_areas_village_{town}", 0)                  # 2. its village with the most
    page.wait_for_url(re.compile(rf"village={village}"), timeout=30_000)
    wait_for_app(page)
    pdf = download(page, context, "打印走访名单", tmp_path / "走访名单.pdf").read_bytes()  # 3. print

    assert pdf.startswith(b"%PDF")
    assert all(f["emb"] for f in pdf_fonts(pdf))
    text = pdf_text(pdf)
    codes = re.findall(r"\d{16}", text)
    assert codes == top.code.tolist()                                # the 20 likeliest, in rank order
    for reason in top.reasons:                                       # each with its reasons
        for part in (p for p in reason.split("；") if p != "—"):
            assert part.split("（")[0] in text.replace("\n", "")
    assert not any(name in text for name in top.head_name.dropna())  # names masked for an inspector
    assert not any(h for h in top.health_reasons.dropna() if h in text)
    assert not ID_NUMBER.search(text)
    context.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_township_user_opens_every_household_it_owes_a_measure(demo_servers, browser, backend, tmp_path):
    server = demo_servers(backend)
    own = Filter(as_of=AS_OF, township=server.township, scope=server.township)
    owed = query(server.db_url, screening.households_without_measure, own)
    assert len(owed) > 0, "the township owes nothing: the control proves nothing"
    assert set(owed.township_code) == {server.township}
    with sa.create_engine(server.db_url).connect() as conn:
        names = dict(conn.execute(sa.text("SELECT code, name FROM townships")).all())
    other = sorted(c for c in names if c != server.township)[0]
    others = [n for c, n in names.items() if c != server.township]

    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    login(page, server.base, "busytown", TEST_PASSWORD, f"/owed?town={other}&list=none")
    wait_for_app(page)   # the foreign township in the URL is replaced by the user's own: one more run
    expect(page.get_by_role("tab", name=f"无帮扶措施监测户（{len(owed):,}户）")).to_have_attribute("aria-selected", "true")

    sheet = openpyxl.load_workbook(download(page, context, "下载Excel", tmp_path / "owed.xlsx")).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    listed = [c for c in cells if re.fullmatch(r"\d{16}", c)]
    assert listed == owed.code.tolist()                              # every owed household, nothing else
    assert not any(n in " ".join(cells) for n in others)

    click_row(page, "owed_none", 0)                                  # a row opens 户情
    page.wait_for_url(re.compile(rf"/household\?.*hh={owed.code.iloc[0]}"), timeout=30_000)
    wait_for_app(page)
    expect(page.locator("[data-testid='stMain'] h1").first).to_have_text("户情")
    expect(page.get_by_text(owed.code.iloc[0]).first).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    context.close()
