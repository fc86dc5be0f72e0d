"""巡查选点 in a real headless Chromium on the demo database: the page makes no request to any host other
than the local server (the map has no online basemap), the map canvas draws the township boundaries and
the village points, and a sample drawn in the browser downloads as a workbook without full ID numbers."""

import io
import time
from urllib.parse import urlparse

import numpy as np
import openpyxl
import pytest
import sqlalchemy as sa
from PIL import Image

from tests.browser import login, wait_for_app
from tests.conftest import ROOT, TEST_PASSWORD

pytestmark = pytest.mark.browser
SHOTS = ROOT / "screenshots"
MAP = '[data-testid="stDeckGlJsonChart"]'


def canvas_stats(png: bytes) -> dict[str, float]:
    """Shares of pixels that are boundary lines (dark), township fill (light blue-grey) and village points
    (saturated colours) in a screenshot of the map."""
    px = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3).astype(int)
    r, g, b = px[:, 0], px[:, 1], px[:, 2]
    hi, lo = px.max(axis=1), px.min(axis=1)
    fill = (r >= 215) & (r <= 240) & (g >= 220) & (g <= 245) & (b >= 228) & (b <= 250) & (b - r >= 4)
    return {"dark": float((hi < 130).mean()), "fill": float(fill.mean()), "saturated": float((hi - lo > 60).mean()),
            "colours": len(np.unique(px, axis=0))}


def test_planner_stays_local_and_draws_the_map(demo_server, demo_db_url, browser):
    context = browser.new_context(viewport={"width": 1600, "height": 2000}, accept_downloads=True)
    urls: list[str] = []
    context.on("request", lambda r: urls.append(r.url))
    page = context.new_page()
    login(page, demo_server, "county", TEST_PASSWORD, "/planner")
    page.wait_for_selector(f"{MAP} canvas", timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("页面出现错误").count() == 0
    assert page.locator("h1").first.inner_text().strip() == "巡查选点"

    SHOTS.mkdir(exist_ok=True)
    # deck.gl draws on later animation frames: look again until the polygons are there (or 30 s have passed)
    deadline = time.monotonic() + 30
    shot = page.locator(MAP).screenshot()
    while canvas_stats(shot)["fill"] <= 0.2 and time.monotonic() < deadline:
        shot = page.locator(MAP).screenshot()
    page.locator(MAP).screenshot(path=str(SHOTS / "browser_planner_map.png"))
    page.screenshot(path=str(SHOTS / "browser_planner.png"), full_page=True)
    stats = canvas_stats(shot)
    assert stats["fill"] > 0.2, stats        # the township polygons cover much of the map
    assert stats["dark"] > 0.002, stats      # their boundary lines (and the labels)
    assert stats["saturated"] > 0.002, stats  # coloured village points
    assert stats["colours"] > 50, stats

    # draw a sample and download the Excel packet
    page.get_by_role("button", name="抽取样本").click()
    page.get_by_text("已抽取").wait_for(timeout=30_000)
    wait_for_app(page)
    with page.expect_popup() as popup, context.expect_event("download", timeout=30_000) as dl:
        page.get_by_role("link", name="下载入户核查表（Excel）").click()
    popup.value.close()
    assert dl.value.suggested_filename.endswith(".xlsx") and "入户核查表" in dl.value.suggested_filename
    wb = openpyxl.load_workbook(io.BytesIO(open(dl.value.path(), "rb").read()))
    assert wb.sheetnames[0] == "抽样说明" and len(wb.sheetnames) >= 2
    codes = [str(r[1]) for ws in wb.worksheets[1:] for r in ws.iter_rows(min_row=5, values_only=True)
             if r[1] and str(r[1]).isdigit()]
    assert codes
    engine = sa.create_engine(demo_db_url)
    with engine.connect() as conn:
        ids = conn.execute(sa.text(
            "SELECT m.id_number FROM members m JOIN households h ON h.id = m.household_id WHERE h.code IN ("
            + ",".join(f"'{c}'" for c in codes) + ")")).scalars().all()
    engine.dispose()
    text = "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None)
    assert ids and not [i for i in ids if i in text]
    page.screenshot(path=str(SHOTS / "browser_planner_sample.png"), full_page=True)

    hosts = {urlparse(u).hostname for u in urls if urlparse(u).scheme in ("http", "https", "ws", "wss")}
    others = sorted(u for u in urls if urlparse(u).scheme not in ("http", "https", "ws", "wss", "data", "blob"))
    assert hosts == {"127.0.0.1"}, sorted(u for u in urls if urlparse(u).hostname != "127.0.0.1")
    assert others == []
    assert len(urls) > 10  # the recorder did see the page's own requests
    context.close()
