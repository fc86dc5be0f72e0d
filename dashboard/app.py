"""Entry point: `streamlit run dashboard/app.py`. Only navigation lives here; every page sets
itself up (access, database check, filters, sidebar links) because page files can be opened
directly by URL, before this script runs."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard.common.nav import open_default_for_unknown_path, st_pages  # noqa: E402

open_default_for_unknown_path()
st.navigation(st_pages(), position="hidden").run()
