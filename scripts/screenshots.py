"""Screenshots of every page (or the ones named) into screenshots/ (or --out) for a human to look at.

    .venv/bin/python scripts/screenshots.py [--db sqlite:///data/monitor.db] [overview warnings ...]
    .venv/bin/python scripts/screenshots.py --width 1366 --height 768 --out /tmp/shots planner screening
    .venv/bin/python scripts/screenshots.py --query "town=439901010" warnings

Logs in through the login form first (default: the demo account county/demo, which only works on a
demo database; --user/--password for another account, with MONITOR_USERS_FILE set). Sessions and
the audit log of this run go to a throwaway store unless MONITOR_AUDIT_URL is set.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import launch_chromium, login, streamlit_server, wait_for_app  # noqa: E402

PAGES = ["overview", "warnings", "factors", "aid", "owed", "screening", "crosscheck", "targets", "workflow", "integrity",
         "planner", "quality", "meeting", "briefing", "household", "definitions"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pages", nargs="*", default=PAGES)
    ap.add_argument("--db", default=f"sqlite:///{ROOT / 'data' / 'monitor.db'}")
    ap.add_argument("--query", default="", help="URL query string added to every page")
    ap.add_argument("--width", type=int, default=1600)
    ap.add_argument("--height", type=int, default=2400)
    ap.add_argument("--user", default="county", help="account to log in with (default: demo account county)")
    ap.add_argument("--password", default="demo")
    ap.add_argument("--out", type=Path, default=ROOT / "screenshots", help="folder for the PNGs (default: screenshots/)")
    args = ap.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    scratch = tempfile.TemporaryDirectory()
    env = {} if os.environ.get("MONITOR_AUDIT_URL") else {"MONITOR_AUDIT_URL": f"sqlite:///{scratch.name}/audit.db"}
    with scratch, streamlit_server(args.db, env=env) as base, sync_playwright() as pw:
        browser = launch_chromium(pw)
        # Streamlit scrolls inside its own container, so a tall viewport shows the whole page.
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        login(page, base, args.user, args.password)
        for name in args.pages:
            path = "" if name == PAGES[0] else name  # the default page lives at "/" (nav.url_path_of)
            page.goto(f"{base}/{path}" + (f"?{args.query}" if args.query else ""))
            wait_for_app(page)
            # wait_for_app: the run is over and nothing is still loading; then every Plotly chart has drawn
            page.wait_for_function("[...document.querySelectorAll('.js-plotly-plot')]"
                                   ".every(p => p.querySelector('.main-svg'))", timeout=30_000)
            query = "_" + args.query.replace("=", "-").replace("&", "_") if args.query else ""
            path = out / f"{name}{query}_{args.width}x{args.height}.png"
            page.screenshot(path=str(path), full_page=True)
            errors = page.locator('[data-testid="stException"]').count()
            print(f"{path}  exceptions={errors}")
        browser.close()


if __name__ == "__main__":
    main()
