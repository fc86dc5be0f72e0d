"""One Plotly template for every chart: readable on a projector, Chinese font, fixed level colours."""

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from dashboard.common.text import escape_plotly
from queries.codes import LEVEL_COLORS, WARNING_LEVELS

FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
STATUS_COLORS = {"met": "#2E7D32", "near": "#F2A93B", "behind": "#D7263D", "none": "#9E9E9E"}
SERIES = ["#1F5FA8", "#2E7D32", "#8E44AD", "#00838F", "#6D4C41", "#C2185B", "#546E7A", "#AFB42B"]
LEVEL_ORDER = list(WARNING_LEVELS)

pio.templates["monitor"] = go.layout.Template(layout=dict(
    font=dict(family=FONT, size=16, color="#1F1F1F"),
    title=dict(font=dict(size=20), x=0, xanchor="left"),
    colorway=SERIES,
    paper_bgcolor="white", plot_bgcolor="white",
    xaxis=dict(gridcolor="#E6E6E6", automargin=True, tickfont=dict(size=14), title=dict(standoff=10)),
    yaxis=dict(gridcolor="#E6E6E6", automargin=True, tickfont=dict(size=14), title=dict(standoff=10)),
    legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, font=dict(size=14), title=dict(text="")),
    margin=dict(l=10, r=10, t=70, b=10),
    hoverlabel=dict(font=dict(family=FONT, size=14)),
    bargap=0.25,
))
pio.templates.default = "monitor"

CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"],
                "toImageButtonOptions": {"format": "png", "scale": 2}}


# Where a figure carries text that Plotly draws (or substitutes into a hovertemplate): every string there
# is shown as text. Templates (hovertemplate, texttemplate) are the page's own markup and stay as written.
TRACE_TEXTS = ("x", "y", "text", "hovertext", "customdata", "labels", "name")
AXIS_TEXTS = ("categoryarray", "ticktext")


def _escaped(value):
    """`value` with every string in it escaped for Plotly (numbers, dates and arrays of them unchanged)."""
    if isinstance(value, str):
        return escape_plotly(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "OU":
            return value
        return np.vectorize(_escaped, otypes=[object])(value) if value.size else value
    if isinstance(value, (list, tuple)):
        return type(value)(_escaped(v) for v in value)
    return value


def _escape_in(obj, props) -> None:
    for prop in props:
        if prop in obj and obj[prop] is not None:
            obj[prop] = _escaped(obj[prop])


def escape_texts(fig: go.Figure) -> go.Figure:
    """Escape, in place and once, every string of `fig` that Plotly would read as HTML: data from the
    database (names in ticks, bar texts, hover values, legend names) is drawn as literal text, and
    ``\\n`` is a line break. The PNG export draws the same (escaped) figure."""
    if getattr(fig, "_texts_escaped", False):
        return fig
    for trace in fig.data:
        _escape_in(trace, TRACE_TEXTS)
    fig.for_each_xaxis(lambda ax: _escape_in(ax, AXIS_TEXTS) or _escape_in(ax.title, ["text"]))
    fig.for_each_yaxis(lambda ax: _escape_in(ax, AXIS_TEXTS) or _escape_in(ax.title, ["text"]))
    _escape_in(fig.layout.title, ["text"])
    _escape_in(fig.layout.legend.title, ["text"])
    for note in fig.layout.annotations:
        _escape_in(note, ["text"])
    fig._texts_escaped = True
    return fig


def show(fig: go.Figure, key: str | None = None, *, ctx=None, title: str | None = None, metrics=(), **kwargs):
    """Render with our template (Streamlit's theme would override fonts and colours), every text in the
    figure escaped (``escape_texts``): pages put data strings into figures as they are.

    With ``ctx`` (the page Context) a "下载图片" button follows the chart: a high-resolution PNG with
    ``title`` (default: the figure's own title), the filters, the as-of stamp, the 口径 of ``metrics``
    (queries.metrics keys) and the source drawn on it."""
    escape_texts(fig)
    event = st.plotly_chart(fig, theme=None, key=key, config=CHART_CONFIG, **kwargs)
    if ctx is not None:
        from dashboard.common import exports  # not at import time: exports needs auth, auth needs data
        exports.chart_download(fig, ctx, title=title, key=key or title or "chart", metrics=metrics)
    return event


def level_color(level: str) -> str:
    return LEVEL_COLORS.get(level, "#9E9E9E")
