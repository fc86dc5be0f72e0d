"""What every page does first: page config, access check, database check, filters, header.

Every page file ends with ``run_page(title, body)``. Page files can be opened by URL before the
entry script runs, so nothing here may rely on app.py having run.
"""

import functools
import logging
from dataclasses import dataclass
from typing import Callable

import streamlit as st

from dashboard.common import auth, data, filters, nav, printing
from dashboard.common.text import escape_md
from dashboard.security.roles import User
from queries import areas as areas_q
from queries.codes import AREA_UNITS
from queries.filters import Filter, units_below

log = logging.getLogger("dashboard")
APP_TITLE = "防返贫动态监测"

HIDE_CHROME = """
<style>
[data-testid="stAppDeployButton"], [data-testid="stMainMenu"] {display: none !important;}
[data-testid="stMetricValue"] {font-size: 2.1rem;}
</style>
"""


@dataclass(frozen=True)
class Context:
    f: Filter
    areas: filters.Areas
    county: str
    user: User

    @property
    def stamp(self) -> str:
        d = self.f.as_of
        return f"数据截至 {d.year}年{d.month}月{d.day}日"

    @property
    def scope(self) -> str:
        return filters.scope_label(self.f, self.areas)

    @property
    def units(self) -> str:
        """The level this view lists areas by (village, township, or county in a city's view)."""
        return units_below(self.f, self.areas.is_city)

    @property
    def units_word(self) -> str:
        return "各" + AREA_UNITS[self.units]


def configure(title: str) -> None:
    # An image drawn here: a :material/...: page icon makes the browser fetch it from a font CDN.
    st.set_page_config(page_title=f"{title} · {APP_TITLE}", page_icon=favicon(), layout="wide",
                       initial_sidebar_state="auto")  # collapsed on a phone
    st.markdown(HIDE_CHROME, unsafe_allow_html=True)


@functools.cache
def favicon():
    """A small bar-chart icon in the app's red (drawn once, so no binary asset is kept in git)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([2, 2, 62, 62], radius=12, fill=(178, 34, 34, 255))
    for i, h in enumerate([18, 30, 42]):
        d.rectangle([14 + i * 14, 52 - h, 22 + i * 14, 52], fill=(255, 255, 255, 255))
    return img


def load_areas(q=data.query) -> filters.Areas:
    """The townships and villages this user may see (the pipeline confines the filter to the user's
    township): the filter offers nothing else. `q`: the pipeline's query for another user (data.for_user)."""
    as_of = q(areas_q.data_as_of)
    everywhere = Filter(as_of=as_of)
    return filters.Areas(towns=q(areas_q.township_list, everywhere), villages=q(areas_q.village_list, everywhere),
                         data_as_of=as_of, counties=q(areas_q.county_list, everywhere))


def own_name(areas: filters.Areas, q=data.query) -> str:
    """Whose data the viewer sees: their county (a county user of a city, or a county's database), else the city."""
    return areas.counties.name.iloc[0] if len(areas.counties) == 1 else q(areas_q.database_name)


def context(title: str, user: User) -> Context:
    problem = data.database_problem()
    if problem:
        st.title(title)
        st.error(problem, icon=":material/error:")
        st.stop()
    nav_box = st.sidebar.container()  # filled once the filter is known, above the filter widgets
    areas = load_areas()
    f, dropped = filters.parse(areas, scope=user.scope)
    f = filters.sidebar(f, areas)
    filters.write_url(f, areas, extra=page_params())
    nav.sidebar_links(nav_box, filters.to_params(f, areas), user.role.admin)
    county = own_name(areas)
    ctx = Context(f=f, areas=areas, county=county, user=user)
    st.title(title)
    st.caption(f"**{ctx.stamp}**　｜　{escape_md(county)} · {escape_md(ctx.scope)}　｜　本期：{period_text(f)}")
    if dropped:
        st.warning(f"链接中的部分参数无效，已忽略：{'、'.join(dict.fromkeys(dropped))}。", icon=":material/info:")
    return ctx


PAGE_PARAMS: tuple[str, ...] = ("hh", "ind", "list")  # page-specific URL parameters that survive filter changes


def page_params() -> dict[str, str]:
    return {k: str(st.query_params[k]) for k in PAGE_PARAMS if k in st.query_params}


def period_text(f: Filter) -> str:
    from queries.filters import partial_note, period_label
    return period_label(f.as_of, f.period) + partial_note(f.as_of, f.period)


def run_page(title: str, body: Callable[[Context], None], admin_only: bool = False) -> None:
    configure(title)
    nav.not_found_notice()
    # Access is checked here, at the top of every page: page files can be opened directly by URL.
    user = auth.require_user(nav.url_path_of(title))
    if admin_only and not user.role.admin:
        st.title(title)
        st.error("您的角色无权访问此页面。", icon=":material/block:")
        st.stop()
    auth.sidebar_user(user)
    print_slot = st.sidebar.container()  # 打印本页, filled once the body has shown what it prints
    printing.start()
    try:
        ctx = context(title, user)
        body(ctx)
        with print_slot:
            printing.offer(ctx, title)
    except data.DataUnavailable as exc:
        st.error(str(exc), icon=":material/error:")
    except Exception:  # never a traceback in front of a leader; the log keeps the details
        log.exception("page %s failed", title)
        st.error("页面出现错误，已记录。请调整筛选条件或稍后重试；如持续出现，请联系系统管理员。", icon=":material/error:")


def empty_state(what: str = "数据") -> None:
    st.info(f"当前筛选条件下没有{what}。可以放宽乡镇、村或监测类别的筛选，或调整截至日期。", icon=":material/search:")
