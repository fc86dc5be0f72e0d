"""A tiny Streamlit app for tests/test_text_escaping.py: every sample string drawn through escape_md in
the calls that render markdown (markdown, caption, heading, alert, metric, button label, tooltip)."""

import plotly.graph_objects as go
import streamlit as st

from dashboard.common import theme
from dashboard.common.text import escape_md
from tests.escaping_samples import SAMPLES

st.title("escaping")
for i, s in enumerate(SAMPLES):
    with st.container(key=f"sample_{i}"):
        st.markdown(escape_md(s))
        st.caption(escape_md(s))
        st.subheader(escape_md(s))
        st.info(escape_md(s))
        st.metric(escape_md(s), escape_md(s))
        st.button(escape_md(s), key=f"button_{i}", help=escape_md(s))

# Plotly: the same strings as category labels, bar texts, hover values, a legend name and the title
fig = go.Figure(go.Bar(y=list(SAMPLES), x=list(range(1, len(SAMPLES) + 1)), orientation="h", text=list(SAMPLES),
                       customdata=list(SAMPLES), name=SAMPLES[2], hovertemplate="%{customdata}<extra></extra>"))
fig.update_layout(title=SAMPLES[2], showlegend=True, height=900)
theme.show(fig, key="chart")
