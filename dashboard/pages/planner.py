"""巡查选点: which villages an inspection team should visit and why, then a reproducible stratified sample of
households in the chosen villages and a visit packet (Excel + printable PDF) to take along.

* The village risk score and its reasons come from queries/inspection.py (components in SQL, weights here).
* The map is drawn by deck.gl without any basemap (map_provider=None, map_style left out): township
  boundaries from the database, villages as points. Nothing is fetched from the internet.
* Every sample draw and every packet export is written to the audit log (villages, strata, seed).
"""

import json
import math
import secrets
from datetime import datetime

import pandas as pd
import pydeck as pdk
import streamlit as st

from dashboard.common import auth, data, exports, tables
from dashboard.common.page import Context, empty_state, run_page
from dashboard.common.text import deck_text, escape_html, escape_md
from queries import areas as areas_q
from queries import inspection as insp
from queries import packets, workflow
from queries.metrics import metric
from queries.filters import Filter

MAX_EXCLUDE_DAYS = 730
DEFAULT_PICK = 5           # villages preselected for the sample: the top of the ranking
SEED_MAX = 999_999
GREY = [150, 150, 150, 170]
RAMP = [(0, (102, 189, 99)), (50, (253, 174, 97)), (100, (215, 48, 39))]  # green → orange → red by score
MAP_HEIGHT = 560
K_SAMPLE = "plan_sample"    # the parameters of the last draw (the sample is a pure function of them)


def score_color(score: float) -> list[int]:
    s = min(max(float(score), 0.0), 100.0)
    for (a, ca), (b, cb) in zip(RAMP, RAMP[1:]):
        if s <= b:
            t = (s - a) / (b - a)
            return [round(x + (y - x) * t) for x, y in zip(ca, cb)] + [235]
    return [*RAMP[-1][1], 235]


# -- controls ---------------------------------------------------------------------------------------------
def reset_weights() -> None:
    for c in insp.COMPONENTS:
        st.session_state[f"plan_w_{c.key}"] = c.weight


def weights_panel() -> dict[str, int]:
    with st.expander("评分权重（可调整）", icon=":material/tune:"):
        st.caption("各分项先除以本范围内该项最严重的村的数值（0=无此问题，1=最严重），再按下列权重加权平均，"
                   "得到0-100分。权重不必合计100。默认权重：" +
                   "、".join(f"{c.name} {c.weight}" for c in insp.COMPONENTS) + "。")
        weights = {}
        cols = st.columns(4)
        for i, c in enumerate(insp.COMPONENTS):
            st.session_state.setdefault(f"plan_w_{c.key}", c.weight)
            weights[c.key] = cols[i % 4].slider(c.name, 0, 50, step=1, key=f"plan_w_{c.key}", help=c.definition)
        st.button("恢复默认权重", on_click=reset_weights, key="plan_w_reset", icon=":material/restart_alt:")
    if sum(weights.values()) == 0:
        st.warning("所有权重均为0，评分无法区分各村。请至少给一项设置权重。", icon=":material/warning:")
    return weights


# -- the map ----------------------------------------------------------------------------------------------
def feature_collection(bounds: pd.DataFrame, village_counts: dict[str, int]) -> dict:
    features = []
    for r in bounds.itertuples():
        if not r.geojson:
            continue
        try:
            geometry = json.loads(r.geojson)
        except ValueError:
            continue
        features.append({"type": "Feature", "geometry": geometry,
                         "properties": {"title": deck_text(escape_html(r.name)), "l1": f"乡镇 · {village_counts.get(r.code, 0)} 个村",
                                        "l2": "", "l3": ""}})
    return {"type": "FeatureCollection", "features": features}


def _coords(geometry: dict):
    def walk(x):
        if isinstance(x, (list, tuple)) and len(x) >= 2 and all(isinstance(v, (int, float)) for v in x[:2]):
            yield float(x[0]), float(x[1])
        elif isinstance(x, (list, tuple)):
            for y in x:
                yield from walk(y)
    yield from walk(geometry.get("coordinates", []))


def view_state(fc: dict, points: pd.DataFrame) -> pdk.ViewState:
    xy = [p for f in fc["features"] for p in _coords(f["geometry"])]
    xy += [(float(a), float(b)) for a, b in zip(points.lon, points.lat) if pd.notna(a) and pd.notna(b)]
    if not xy:
        return pdk.ViewState(latitude=0, longitude=0, zoom=1)
    lons, lats = [p[0] for p in xy], [p[1] for p in xy]
    lon_c, lat_c = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
    span_lon = max(max(lons) - min(lons), 0.01)
    span_lat = max(max(lats) - min(lats), 0.01) / max(math.cos(math.radians(lat_c)), 0.2)
    # 512·2^z pixels for 360°: fit the span into a ~700×MAP_HEIGHT map with a small margin
    zoom = min(math.log2(0.9 * 700 * 360 / (512 * span_lon)), math.log2(0.9 * MAP_HEIGHT * 360 / (512 * span_lat)))
    return pdk.ViewState(longitude=lon_c, latitude=lat_c, zoom=round(min(max(zoom, 3), 14), 2), pitch=0, bearing=0)


MAP_MAX_POINTS = 1500  # a province-wide scope has ~16,000 villages: the map shows the highest scored


def map_points(scored: pd.DataFrame, excluded: set[str], chosen: list[str], towns: dict, exclude_days: int) -> pd.DataFrame:
    pts = scored.dropna(subset=["lon", "lat"])
    if len(pts) > MAP_MAX_POINTS:  # scored is sorted by score: keep the first ones and every chosen village
        pts = pts[(pts.index < MAP_MAX_POINTS) | pts.code.isin(chosen)]
    pts = pts.copy()
    open_ = scored[~scored.code.isin(excluded)]
    top = float(open_.score.max()) if len(open_) and open_.score.max() > 0 else 100.0
    # colours relative to the highest score among the villages that may be chosen (red = the first to visit)
    pts["color"] = [GREY if c in excluded else score_color(s / top * 100) for c, s in zip(pts.code, pts.score)]
    pts["radius"] = [3 + 0.6 * math.sqrt(max(h, 0)) for h in pts.households]
    pts["line"] = [3 if c in chosen else 1 for c in pts.code]
    pts["line_color"] = [[20, 20, 20, 255] if c in chosen else [255, 255, 255, 230] for c in pts.code]
    # the tooltip is an HTML template: every value put into it is escaped
    pts["title"] = [deck_text(escape_html(f"{towns.get(t, '')} {n}")) for t, n in zip(pts.township_code, pts.name)]
    pts["l1"] = [f"风险评分 {s:.1f}（第{r}名）· 农户 {h:,} 户 · 监测户 {m:,} 户"
                 for s, r, h, m in zip(pts.score, pts["rank"], pts.households, pts.monitored)]
    pts["l2"] = [escape_html(f"主要原因：{x}") for x in pts.reasons]
    pts["l3"] = [escape_html(f"近{exclude_days}天内已巡查：{last}" if c in excluded else
                             (f"最近巡查：{last}" if pd.notna(d) else "未有巡查记录"))
                 for c, d, last in zip(pts.code, pts.last_inspected, last_texts(pts))]
    return pts[["code", "lon", "lat", "color", "radius", "line", "line_color", "title", "l1", "l2", "l3"]]


def last_texts(villages: pd.DataFrame) -> pd.Series:
    """'2026-05-12 回头看' per village (last inspection and its kind), '无' when never inspected."""
    when = pd.to_datetime(villages.last_inspected, errors="coerce")
    kind = villages.last_kind.map(lambda k: insp.INSPECTION_KINDS.get(k, k) if isinstance(k, str) else "")
    return (when.dt.strftime("%Y-%m-%d") + " " + kind).where(when.notna(), "无")


def lit(text: str) -> str:
    """A string property as a literal: pydeck turns every bare string into an accessor expression."""
    return "'" + text.replace("'", "") + "'"


TOOLTIP = {"html": "<b>{title}</b><br/>{l1}<br/>{l2}<br/>{l3}",
           "style": {"fontFamily": "Noto Sans CJK SC, sans-serif", "fontSize": "14px", "maxWidth": "460px",
                     "backgroundColor": "white", "color": "#1F1F1F", "border": "1px solid #999"}}


class BuiltDeck(pdk.Deck):
    """A deck whose JSON was built before: st.pydeck_chart serialises its deck on every rerun, which costs
    most of a second for a province's township boundaries, so the JSON comes from a cache instead."""

    def __init__(self, spec: str):
        super().__init__(map_provider=None, tooltip=TOOLTIP)
        self._spec = spec

    def to_json(self) -> str:
        return self._spec


@st.cache_data(ttl=data.TTL_SECONDS, show_spinner=False, max_entries=100)
def deck_json(f: Filter, towns: dict, scored: pd.DataFrame, excluded: frozenset, chosen: tuple,
              exclude_days: int) -> str:
    return deck(f, towns, scored, set(excluded), list(chosen), exclude_days).to_json()


def deck(f: Filter, towns: dict, scored: pd.DataFrame, excluded: set[str], chosen: list[str],
         exclude_days: int) -> pdk.Deck:
    bounds = data.query(areas_q.township_boundaries, f)
    counts = scored.groupby("township_code").size().to_dict()
    fc = feature_collection(bounds, counts)
    pts = map_points(scored, excluded, chosen, towns, exclude_days)
    labels = data.query(areas_q.township_list, f).dropna(subset=["lon", "lat"])
    labels = labels.assign(name=labels.name.map(deck_text))  # drawn as glyphs: no HTML, but pydeck data
    layers = [
        pdk.Layer("GeoJsonLayer", fc, id="townships", stroked=True, filled=True, pickable=True,
                  get_fill_color=[226, 232, 240, 140], get_line_color=[70, 80, 95, 255], line_width_min_pixels=1.5,
                  auto_highlight=True, highlight_color=[31, 95, 168, 40]),
        pdk.Layer("ScatterplotLayer", pts, id="villages", get_position=["lon", "lat"], get_fill_color="color",
                  get_radius="radius", radius_units="'pixels'", radius_min_pixels=3, radius_max_pixels=24,
                  stroked=True, get_line_color="line_color", get_line_width="line", line_width_units="'pixels'",
                  pickable=True, auto_highlight=True),
        pdk.Layer("TextLayer", labels[["name", "lon", "lat"]], id="township_names", get_position=["lon", "lat"],
                  get_text="name", get_size=15, get_color=[40, 40, 40, 200],
                  # the glyphs to draw: deck.gl's default set is ASCII only ("auto" does not survive the JSON)
                  character_set=lit("".join(sorted(set("".join(labels.name))))),
                  font_family=lit("Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, sans-serif"),
                  get_alignment_baseline="'bottom'", get_pixel_offset=[0, -14]),
    ]
    # No basemap: map_provider=None and map_style left out (map_style=None would bring Carto's back).
    return pdk.Deck(map_provider=None, layers=layers, initial_view_state=view_state(fc, pts), tooltip=TOOLTIP)


def map_view(ctx, scored, excluded, chosen, exclude_days) -> None:
    st.subheader("各村风险分布", help="底图为数据库中的乡镇边界（不加载在线地图）。圆点为行政村：颜色表示风险评分"
                 "（绿低、红高，灰色为近期已巡查），大小表示农户数，黑框为已选入抽样的村。鼠标移到圆点上查看原因。")
    towns = dict(zip(ctx.areas.towns.code, ctx.areas.towns.name))
    spec = deck_json(ctx.f, towns, scored, frozenset(excluded), tuple(chosen), exclude_days)
    st.pydeck_chart(BuiltDeck(spec), height=MAP_HEIGHT, key="plan_map")
    st.caption("颜色：绿色低 → 橙色 → 红色为可推荐的村中评分最高；灰色：近期已巡查；圆点大小：农户数；黑框：已选入抽样。" +
               (f"本范围村数较多，地图只画评分最高的 {MAP_MAX_POINTS:,} 个村（及已选入抽样的村）；选择乡镇可看全部。"
                if len(scored) > MAP_MAX_POINTS else ""))


# -- the ranking -----------------------------------------------------------------------------------------
TOP_LIST = 8
RANK_ROW_HEIGHT = 80  # px: above 64 px Streamlit wraps a cell's text (four lines of reasons)


def top_list(scored: pd.DataFrame, excluded: set[str], towns: dict) -> None:
    """The first villages of the ranking in words (wrapped text reads well on a projector)."""
    st.subheader(f"优先巡查的村（前{TOP_LIST}）", help=insp.SCORE_DEFINITION)
    shown = scored[~scored.code.isin(excluded)].head(TOP_LIST)
    if shown.empty:
        empty_state("可推荐的村")
        return
    lines = [f"{i}. **{escape_md(towns.get(r.township_code, ''))} {escape_md(r.name)}** · {r.score:.1f}分  \n"
             f":gray[{escape_md(r.reasons)}]" for i, r in enumerate(shown.itertuples(), start=1)]
    st.markdown("\n".join(lines))


# 评分明细: the components' formats (the others are counts) and units in the header
DETAIL_KINDS = {"warn_per_100": "num1", "stale_visit": "pct", "water_gap": "num1", "employment_gap": "num1"}
DETAIL_UNITS = {"water_gap": "(百分点)", "employment_gap": "(百分点)"}


def ranking(scored: pd.DataFrame, excluded: set[str], towns: dict, exclude_days: int) -> None:
    st.subheader("各村风险评分", help=insp.SCORE_DEFINITION + "\n\n排名为在本范围全部村中的名次；近期已巡查的村列在下方折叠表中。")
    shown = scored[~scored.code.isin(excluded)]
    if shown.empty:
        empty_state("可推荐的村（均在近期巡查过）")
    else:
        view = pd.DataFrame({
            "排名": shown["rank"].astype(int), "乡镇": shown.township_code.map(towns).fillna("—"), "村": shown.name,
            "风险评分": shown.score.astype(float), "主要原因": shown.reasons,
            "最近巡查": last_texts(shown),
            "农户数": shown.households.astype(int), "监测户数": shown.monitored.astype(int)})
        # Fits a laptop (1366 px wide, sidebar open) without sideways scrolling: narrow columns, and rows
        # tall enough for the reasons (up to four lines) and the last inspection to wrap instead of being cut.
        tables.dataframe(view, hide_index=True, width="stretch", row_height=RANK_ROW_HEIGHT,
                         height=min(RANK_ROW_HEIGHT * len(view) + 38, 640), key="plan_rank",
                         column_config={
                             "排名": st.column_config.NumberColumn("排名", width=44),
                             "乡镇": st.column_config.TextColumn("乡镇", width=64),
                             "村": st.column_config.TextColumn("村", width=64, pinned=True),
                             "风险评分": st.column_config.ProgressColumn("风险评分", min_value=0, max_value=100, format="%.1f",
                                                                     width=88, help=insp.SCORE_DEFINITION),
                             "主要原因": st.column_config.TextColumn("主要原因", width=374,
                                                                 help="加权后贡献最大的两三项，括号内为在本范围内的排名。"),
                             "最近巡查": st.column_config.TextColumn("最近巡查", width=136,
                                                                 help="最近一次回头看、暗访、后评估或督查的日期和类型。"),
                             "农户数": st.column_config.NumberColumn("农户数", width=60),
                             "监测户数": st.column_config.NumberColumn("监测户数", width=72)})
    if excluded:
        gone = scored[scored.code.isin(excluded)]
        with st.expander(f"近{exclude_days}天内已巡查、本次不推荐的村（{len(gone)}个）", icon=":material/event_busy:"):
            tables.dataframe(pd.DataFrame({"乡镇": gone.township_code.map(towns).fillna("—"), "村": gone.name,
                                           "风险评分": gone.score.astype(float),
                                           "最近巡查": last_texts(gone),
                                           "巡查组": gone.last_team.fillna("")}),
                             hide_index=True, width="stretch", key="plan_excluded")
    with st.expander("评分明细（各分项原始数值）", icon=":material/table_chart:"):
        detail = pd.DataFrame({"村": scored.name, "风险评分": scored.score})
        for c in insp.COMPONENTS:
            v = scored[c.key].astype(float)
            detail[c.name] = (v * 100).round(1) if c.key == "stale_visit" else v.round(1)
        tables.dataframe(detail, hide_index=True, width="stretch", key="plan_detail",
                         kinds={c.name: DETAIL_KINDS.get(c.key, "int") for c in insp.COMPONENTS},
                         column_config={c.name: st.column_config.NumberColumn(c.name + DETAIL_UNITS.get(c.key, ""),
                                                                              help=c.definition)
                                        for c in insp.COMPONENTS})
        st.caption(insp.SCORE_DEFINITION)


# -- the sample -----------------------------------------------------------------------------------------
def new_seed() -> None:
    st.session_state["plan_seed"] = secrets.randbelow(SEED_MAX) + 1


def sample_params(ctx: Context, chosen: list[str], per_village: int, minimum: int, seed: int) -> dict:
    return {"as_of": ctx.f.as_of.isoformat(), "villages": sorted(chosen), "seed": int(seed),
            "per_village": int(per_village), "minimum": int(minimum), "scope": ctx.f.scope}


def run_draw(ctx: Context, params: dict, names: dict) -> None:
    sample, strata = data.query(insp.draw_sample, ctx.f, tuple(params["villages"]), params["seed"],
                                params["per_village"], params["minimum"])
    sizes = {names.get(v, v): {r.stratum_label: [int(r.population), int(r.sample)]
                               for r in strata[strata.village_code == v].itertuples()} for v in params["villages"]}
    detail = {"as_of": params["as_of"], "seed": params["seed"], "villages": params["villages"],
              "per_village": params["per_village"], "minimum": params["minimum"],
              "strata": sizes, "households": int(len(sample))}
    auth.audit("sample", target="抽样：" + "、".join(names.get(v, v) for v in params["villages"])[:180],
               filters={"as_of": params["as_of"], "township": ctx.f.township}, detail=json.dumps(detail, ensure_ascii=False))
    st.session_state[K_SAMPLE] = params


def init_selection(scored: pd.DataFrame, excluded: set[str]) -> list[str]:
    """The villages chosen for the sample: by default the top of the ranking; never one out of scope."""
    if "plan_villages" not in st.session_state:
        st.session_state["plan_villages"] = list(scored[~scored.code.isin(excluded)].code[:DEFAULT_PICK])
    known = set(scored.code)
    st.session_state["plan_villages"] = [c for c in st.session_state["plan_villages"] if c in known]
    return st.session_state["plan_villages"]


def sampling(ctx: Context, scored: pd.DataFrame, excluded: set[str], towns: dict) -> list[str]:
    st.subheader("抽样入户", help="按后评估的做法分层随机抽样：每个村内按监测类别（脱贫不稳定户、边缘易致贫户、突发严重困难户）"
                 "和未监测的脱贫户分层，各层按户数比例分配，每层至少抽取设定户数（不足则全取）。")
    names = {c: f"{towns.get(t, '')} {n}" for c, t, n in zip(scored.code, scored.township_code, scored.name)}
    options = list(scored.code)
    score_of = dict(zip(scored.code, scored.score))
    chosen = st.multiselect("选择巡查村", options, key="plan_villages", placeholder="请选择村",
                            format_func=lambda c: f"{names.get(c, c)}（{score_of.get(c, 0):.1f}分）" +
                            ("·近期已巡查" if c in excluded else ""),
                            help="默认选中未在近期巡查过、评分最高的几个村。")
    st.session_state.setdefault("plan_seed", secrets.randbelow(SEED_MAX) + 1)
    c1, c2, c3, c4 = st.columns([1, 1, 1, 1], vertical_alignment="bottom")
    per_village = c1.number_input("每村抽取户数", 1, 100, 10, key="plan_per_village")
    minimum = c2.number_input("每层至少户数", 0, 20, 2, key="plan_minimum",
                              help="每个非空的层至少抽取这么多户（不足则全取），因此合计可能多于“每村抽取户数”。")
    seed = c3.number_input("随机种子", 1, SEED_MAX, key="plan_seed",
                           help="同一随机种子、同一批村、同一截至日期，抽到的样本完全相同：复核时输入原种子即可重现。")
    c4.button("换一个随机种子", on_click=new_seed, key="plan_new_seed", icon=":material/casino:")
    params = sample_params(ctx, chosen, per_village, minimum, seed)
    if st.button("抽取样本", type="primary", key="plan_draw", disabled=not chosen, icon=":material/shuffle:"):
        run_draw(ctx, params, names)
    drawn = st.session_state.get(K_SAMPLE)
    if not chosen:
        st.info("请选择至少一个村。", icon=":material/info:")
    elif drawn is None:
        st.caption("设置好后点击“抽取样本”。每次抽样都会记录到审计日志（村、各层户数和随机种子）。")
    elif drawn != params:
        st.info("抽样参数已更改，点击“抽取样本”重新抽取。", icon=":material/info:")
    else:
        show_sample(ctx, params, names)
    return chosen


def show_sample(ctx: Context, params: dict, names: dict) -> None:
    sample, strata = data.query(insp.draw_sample, ctx.f, tuple(params["villages"]), params["seed"],
                                params["per_village"], params["minimum"])
    st.success(f"已抽取 {len(sample):,} 户（{len(params['villages'])} 个村）；随机种子 **{params['seed']}**，"
               f"截至日期 {params['as_of']}。同一种子、同一批村、同一截至日期可重现本样本。", icon=":material/check_circle:")
    left, right = st.columns([2, 3])
    with left:
        st.markdown("**各层户数与抽取户数**")
        table = strata[strata.population > 0]
        tables.dataframe(pd.DataFrame({"村": table.village_code.map(names), "抽样层": table.stratum_label,
                                       "户数": table.population.astype(int), "抽取": table["sample"].astype(int)}),
                         hide_index=True, width="stretch", key="plan_strata")
    if sample.empty:
        with right:
            empty_state("可抽取的农户（所选村没有监测户或脱贫户）")
        return
    rows = data.query(insp.packet_rows, ctx.f, tuple(sample.household_id))  # masked for the viewer
    rows = rows.merge(sample[["household_id", "stratum"]], on="household_id", how="left")
    view = packets.packet_frame(rows)
    with right:
        st.markdown("**样本户**（身份证号已脱敏）")
        tables.dataframe(pd.DataFrame({"村": view.village_code.map(names), **{h: view[k] for k, h in packets.INFO_COLUMNS.items()
                                                                             if k != "seq"}}),
                         hide_index=True, width="stretch", key="plan_sample_table")
    export(ctx, params, names, rows, strata)


def export(ctx: Context, params: dict, names: dict, rows: pd.DataFrame, strata: pd.DataFrame) -> None:
    if not ctx.user.role.may_export_packets:
        st.caption("您的角色无权导出入户核查表。")
        return
    info = packets.PacketInfo(county=ctx.county, as_of=ctx.f.as_of, seed=params["seed"],
                              per_village=params["per_village"], minimum=params["minimum"], strata=strata,
                              village_names=names, exported_by=ctx.user.display_name or ctx.user.username,
                              exported_at=datetime.now())
    stem = f"入户核查表_{params['as_of']}_种子{params['seed']}"
    filters = {"as_of": params["as_of"], "township": ctx.f.township}

    def detail(fmt_name: str) -> str:
        return json.dumps({"packet": fmt_name, "seed": params["seed"], "villages": params["villages"],
                           "households": int(len(rows))}, ensure_ascii=False)

    c1, c2, _ = st.columns([1, 1, 2])
    with c1:
        exports.file_download("下载入户核查表（Excel）", lambda: packets.build_workbook(rows, info), ctx, f"{stem}.xlsx",
                              exports.XLSX_MIME, key="plan_xlsx", kind="xlsx", icon=":material/table_view:",
                              type="secondary", filters=filters, detail=detail("xlsx"))
    with c2:
        exports.file_download("下载入户核查表（PDF，可打印）", lambda: packets.build_pdf(rows, info), ctx, f"{stem}.pdf",
                              "application/pdf", key="plan_pdf", kind="pdf", icon=":material/print:",
                              type="secondary", filters=filters, detail=detail("pdf"))
    st.caption("核查表每村一页（Excel 每村一个工作表），含两不愁三保障及饮水安全核查栏；身份证号一律脱敏。导出记入审计日志。")


# -- the page ---------------------------------------------------------------------------------------------
def body(ctx: Context) -> None:
    st.markdown("根据预警、研判、帮扶、走访、目标差距和数据疑点给各村打分，帮助巡查组确定去哪些村、为什么去，"
                "并按监测类别分层随机抽取入户核查的农户。")
    if ctx.f.category:
        st.caption("村风险评分和抽样按村统计，不区分监测类别筛选。")
    weights = weights_panel()
    exclude_days = st.number_input("排除最近多少天内已巡查的村（0=不排除）", 0, MAX_EXCLUDE_DAYS, insp.DEFAULT_EXCLUDE_DAYS,
                                   step=30, key="plan_exclude",
                                   help="有回头看、暗访、后评估或督查记录、且日期在截至日期前这些天内的村，不进入推荐名单，地图上显示为灰色。")
    comps = data.query(insp.village_components, ctx.f)
    if comps.empty:
        empty_state("行政村")
        return
    area_word = "全镇" if ctx.f.township else "全县"
    scored = data.computed(insp.score_villages, comps, weights, area_word)
    scored = scored.merge(data.query(insp.last_inspections, ctx.f), on="code", how="left")
    scored = scored.merge(ctx.areas.villages[["code", "lon", "lat"]], on="code", how="left")
    excluded = insp.recently_inspected(scored[["code", "last_inspected"]].dropna(), ctx.f.as_of, int(exclude_days))
    towns = dict(zip(ctx.areas.towns.code, ctx.areas.towns.name))
    st.caption(f"本范围 {len(scored)} 个村，近{int(exclude_days)}天内巡查过 {len(excluded)} 个。" if exclude_days else
               f"本范围 {len(scored)} 个村（不排除近期巡查过的村）。")
    chosen_now = init_selection(scored, excluded)
    left, right = st.columns([3, 2])
    with left:
        map_view(ctx, scored, excluded, chosen_now, int(exclude_days))
    with right:
        top_list(scored, excluded, towns)
    ranking(scored, excluded, towns, int(exclude_days))
    open_problems(ctx)
    st.divider()
    sampling(ctx, scored, excluded, towns)


def open_problems(ctx: Context) -> None:
    """What the last inspections found and is still not fixed: what a team checks again first."""
    if not data.query(workflow.workflow_coverage, ctx.f).findings.iloc[0]:
        st.info("未导入巡查发现的问题（导入模板「整改问题」工作表），无法列出上次巡查问题的整改情况。",
                icon=":material/upload_file:")
        return
    still = data.query(workflow.open_findings, ctx.f)
    again = data.query(workflow.repeat_findings, ctx.f)
    st.subheader(f"上次巡查问题仍未整改（{len(still)} 个，其中超期 {int(still.overdue.sum())} 个）",
                 help=metric("findings_open").definition + "\n\n" + metric("findings_overdue").definition)
    if still.empty:
        st.caption("上次巡查发现的问题均已整改完成。")
    else:
        view = pd.DataFrame({"村": still.village_name, "问题类别": still.category_name, "责任单位": still.responsible_unit,
                             "巡查日期": still.inspected_on, "整改时限": still.due_date, "超期（天）": still.days_over,
                             "问题编号": still.code})
        tables.dataframe(view, hide_index=True, width="stretch", key="plan_open_findings")
        exports.table_download(view, ctx, "上次巡查问题仍未整改", key="plan_open_findings_xlsx")
    st.caption(f"复查中再次发现同类问题 {len(again)} 个（明细见「流程督办」）。{metric('findings_repeated').definition}")


run_page("巡查选点", body)
