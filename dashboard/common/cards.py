"""Rows of figure cards that more than one page shows, each with its 口径 as the tooltip."""

import streamlit as st

from dashboard.common import data, fmt
from queries import workflow
from queries.metrics import metric


def workflow_headline(f) -> None:
    """Where cases are stuck (流程督办): only what the county imported (总览 and 流程督办 open with it)."""
    h = data.query(workflow.workflow_headline, f)
    h = h[h.value.notna()]
    if h.empty:
        return
    for col, r in zip(st.columns(4), h.itertuples()):
        red = None if fmt.count(r.red) == "—" else f"其中红色预警 {fmt.count(r.red)} 次"
        col.metric(r.name, fmt.count(r.value), red, delta_color="off", delta_arrow="off", border=True,
                   help=metric(r.key).definition)
