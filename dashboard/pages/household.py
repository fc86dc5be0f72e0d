"""户情 (placeholder, being built)."""

import streamlit as st

from dashboard.common.page import Context, run_page


def body(ctx: Context) -> None:
    st.info("建设中")


run_page("户情", body)
