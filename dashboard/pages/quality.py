"""数据质量: one rule per inspection check (漏评, 错退, 数字脱贫, contradictory records, neglect).
Each rule: its definition, counts by township, the households it flags (masked) and an export."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.common import data, exports, tables, theme
from dashboard.common.page import Context, empty_state, run_page
from queries import quality

RULE_KEY = "dq_rule"


def summary(ctx: Context) -> pd.DataFrame:
    # the rules run once (cached) for both the totals and the township view
    s = quality.summary_from_counts(data.query(quality.rule_counts, ctx.f))
    st.subheader("各项检查结果", help="每条规则的口径见下方说明；数字为被标记的农户数（关于行政村的规则为村数）。")
    cols = st.columns(4)
    for i, r in enumerate(s.itertuples()):
        cols[i % 4].metric(f"{r.name}（{r.unit}）", f"{r.households:,}", help=r.definition, border=True)
    return s


def township_chart(ctx: Context, s: pd.DataFrame) -> None:
    counts = data.query(quality.rule_counts, ctx.f)
    if counts.households.sum() == 0:
        return
    names = dict(zip(ctx.areas.towns.code, ctx.areas.towns.name))
    wide = counts.pivot_table(index="township_code", columns="rule", values="households", aggfunc="sum").fillna(0)
    wide = wide.reindex(columns=[r for r in s.rule if r in wide.columns])
    rule_names = dict(zip(s.rule, s.name))
    units = dict(zip(s.rule, s.unit))
    fig = go.Figure(go.Heatmap(z=wide.to_numpy(), x=[rule_names[c] for c in wide.columns],
                               y=[names.get(c, c) for c in wide.index], colorscale="Reds", text=wide.to_numpy(),
                               customdata=[[units[c] for c in wide.columns]] * len(wide),
                               texttemplate="%{text:.0f}", hovertemplate="%{y} · %{x}：%{z:.0f}%{customdata}<extra></extra>"))
    # 13 long rule names side by side overlap: slanted, with room below for them
    fig.update_layout(title="各乡镇被标记的农户数（关于行政村的规则为村数）", height=max(360, 34 * len(wide) + 360),
                      xaxis=dict(tickangle=-35, tickfont=dict(size=12), automargin=True))
    st.subheader("按乡镇分布")
    theme.show(fig, key="dq_heatmap")
    exports.chart_download(fig, ctx, key="dq_heatmap", metrics=[f"quality_{r}" for r in wide.columns])


def rule_detail(ctx: Context, s: pd.DataFrame) -> None:
    st.subheader("被标记的农户和行政村")
    keys = list(s.rule)
    names = dict(zip(s.rule, s.name))
    counts = s.set_index("rule")
    if st.session_state.get(RULE_KEY) not in keys:
        st.session_state[RULE_KEY] = keys[0]
    key = st.selectbox("检查规则", keys, key=RULE_KEY,
                       format_func=lambda k: f"{names[k]}（{int(counts.households[k])}{counts.unit[k]}）")
    rule = quality.BY_KEY[key]
    st.caption("口径：" + rule.definition)
    df = data.query(quality.flagged_households, ctx.f, key)
    if df.empty:
        empty_state("被该规则标记的" + ("行政村" if rule.unit == "村" else "农户"))
        return
    if rule.unit == "村":
        view = pd.DataFrame({"行政村区划代码": df.code, "乡镇": df.township_name, "村": df.village_name, "问题": df.detail})
    else:
        view = pd.DataFrame({"户编号": df.code, "户主": df.head_name.fillna("—"), "乡镇": df.township_name,
                             "村": df.village_name, "监测类别": df.category_label, "问题": df.detail})
    tables.dataframe(view, hide_index=True, width="stretch")
    exports.table_download(view, ctx, f"数据质量-{names[key]}", key=f"dq_{key}", metrics=[f"quality_{key}"])


def body(ctx: Context) -> None:
    s = summary(ctx)
    township_chart(ctx, s)
    rule_detail(ctx, s)


run_page("数据质量", body)
