"""The page list, in one place: app.py registers it with st.navigation, and every page draws the
same Chinese links in the sidebar (also when a page file is opened directly by URL, where
Streamlit's automatic page list would show raw file names)."""

from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"


@dataclass(frozen=True)
class PageInfo:
    file: str
    title: str
    icon: str
    section: str
    admin: bool = False  # only administrators see the link (the page checks again itself)

    @property
    def url_path(self) -> str:
        return self.file.removesuffix(".py")


PAGES = [
    PageInfo("overview.py", "总览", ":material/dashboard:", "县级调度"),
    PageInfo("warnings.py", "预警", ":material/notifications:", "县级调度"),
    PageInfo("factors.py", "风险因子", ":material/category:", "县级调度"),
    PageInfo("aid.py", "帮扶进度", ":material/volunteer_activism:", "县级调度"),
    PageInfo("owed.py", "应帮尽帮", ":material/checklist:", "县级调度"),
    PageInfo("targets.py", "目标考核", ":material/flag:", "县级调度"),
    PageInfo("workflow.py", "流程督办", ":material/account_tree:", "县级调度"),
    PageInfo("meeting.py", "会议模式", ":material/co_present:", "会议"),
    PageInfo("briefing.py", "会议简报", ":material/slideshow:", "会议"),
    PageInfo("household.py", "户情", ":material/home:", "农户"),
    PageInfo("integrity.py", "失信名单", ":material/gpp_bad:", "农户"),
    PageInfo("planner.py", "巡查选点", ":material/travel_explore:", "巡查"),
    PageInfo("screening.py", "漏评排查", ":material/person_search:", "巡查"),
    PageInfo("crosscheck.py", "信息比对", ":material/compare_arrows:", "巡查"),
    PageInfo("quality.py", "数据质量", ":material/fact_check:", "巡查"),
    PageInfo("definitions.py", "指标说明", ":material/menu_book:", "说明"),
    PageInfo("data_import.py", "数据导入", ":material/upload_file:", "管理", admin=True),
    PageInfo("audit.py", "审计日志", ":material/policy:", "管理", admin=True),
]


def url_path_of(title: str) -> str:
    """The page's path in the browser; the default page lives at "/" (Streamlit does not find it
    under its own url_path on a fresh session)."""
    if title == PAGES[0].title:
        return ""
    return next((p.url_path for p in PAGES if p.title == title), "")


def open_household(f, areas, code: str) -> None:
    """Switch to 户情 with the filter `f` and the household in the URL (st.switch_page never returns)."""
    from urllib.parse import urlencode

    from dashboard.common import filters
    from dashboard.common.text import escape_md
    params = filters.to_params(f, areas) | {"hh": code}
    try:
        st.switch_page(PAGES_DIR / "household.py", query_params=params)
    except StreamlitPageNotFoundError:
        # Only when a page file runs on its own (no st.navigation registered the 户情 page).
        st.info(f"请打开户情页面查看：[户编号 {escape_md(code)}](/household?{urlencode(params)})", icon=":material/home:")


def show_area(f, areas, town: str | None, village: str | None = None) -> None:
    """Show the running page for another area: the area goes into the URL (the sidebar filter follows it,
    and the view stays a link that can be copied), then the page reruns."""
    from dataclasses import replace

    from dashboard.common import filters
    from dashboard.common.page import page_params
    f = replace(f, township=town, village=village if town else None)
    st.query_params.from_dict(filters.to_params(f, areas) | page_params())
    st.rerun()


def st_pages() -> dict[str, list]:
    sections: dict[str, list] = {}
    for i, p in enumerate(PAGES):
        sections.setdefault(p.section, []).append(
            # no icon here: it would become the favicon, fetched from a font CDN
            st.Page(PAGES_DIR / p.file, title=p.title, url_path=p.url_path, default=i == 0))
    return sections


NOT_FOUND = "nav_not_found"  # session key: the address that named no page, for the notice on the page opened


def open_default_for_unknown_path() -> None:
    """Before st.navigation: an address that names no page (e.g. "/no-such-page") opens the default page,
    which says in Chinese that the address named no page, instead of Streamlit's English "Page not found"
    dialog. The default page's own name ("/overview": it lives at "/") opens it without a notice.

    Streamlit sends the dialog when the page name the browser asked for matches no page; no public API
    tells that name before st.navigation resolves it, so this reads and clears the request in Streamlit's
    page manager (tests/test_browser_not_found.py notices if that stops working)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    manager = getattr(get_script_run_ctx(), "pages_manager", None)
    # a rerun of an open page, or a switch to one, asks by the page's hash: Streamlit falls back by itself
    if manager is None or getattr(manager, "intended_page_script_hash", None):
        return
    name = (getattr(manager, "intended_page_name", None) or "").strip()
    if not name or name.strip("/") in {p.url_path for p in PAGES[1:]}:
        return
    manager.set_script_intent("", "")  # no page asked for: st.navigation runs the default page
    if name.strip("/") != PAGES[0].url_path:
        st.session_state[NOT_FOUND] = name.strip("/")


def not_found_notice() -> None:
    """On the page opened instead of an unknown address: which address it was (once)."""
    if NOT_FOUND in st.session_state:
        from dashboard.common.text import escape_md
        path = st.session_state.pop(NOT_FOUND)
        st.warning(f"没有找到页面“/{escape_md(path)}”（链接可能有误或已失效），已打开{PAGES[0].title}。",
                   icon=":material/link_off:")


def sidebar_links(box, params: dict[str, str], is_admin: bool = False) -> None:
    """Links to every page that keep the current filters (a page switch must not lose them)."""
    with box:
        st.markdown("#### 防返贫动态监测")
        for p in PAGES:
            if p.admin and not is_admin:
                continue
            page_link(p.file, p.title, params, p.icon)
        st.divider()


def page_link(file: str, label: str, params: dict[str, str], icon: str | None = None) -> None:
    """A link to another page that keeps the filters `params`."""
    try:
        st.page_link(f"pages/{file}", label=label, icon=icon, query_params=params)
    except StreamlitPageNotFoundError:
        # A page file run on its own (AppTest) has no other pages to link to.
        st.markdown(f"[{label}](./{file.removesuffix('.py')})")
