"""Entry point: `streamlit run dashboard/app.py`. Only navigation lives here; every page sets
itself up (filters, access, database checks) because page files can be opened directly."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

PAGES = Path(__file__).parent / "pages"

navigation = st.navigation({
    "县级调度": [
        st.Page(PAGES / "overview.py", title="总览", icon=":material/dashboard:", url_path="overview", default=True),
        st.Page(PAGES / "warnings.py", title="预警", icon=":material/notifications:", url_path="warnings"),
        st.Page(PAGES / "factors.py", title="风险因子", icon=":material/category:", url_path="factors"),
        st.Page(PAGES / "aid.py", title="帮扶进度", icon=":material/volunteer_activism:", url_path="aid"),
        st.Page(PAGES / "targets.py", title="目标考核", icon=":material/flag:", url_path="targets"),
    ],
    "农户": [
        st.Page(PAGES / "household.py", title="户情", icon=":material/home:", url_path="household"),
    ],
    "说明": [
        st.Page(PAGES / "definitions.py", title="指标说明", icon=":material/menu_book:", url_path="definitions"),
    ],
})
navigation.run()
