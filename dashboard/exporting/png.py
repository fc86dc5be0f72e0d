"""High-resolution PNG of a Plotly chart, with its title, the filters and the as-of stamp drawn on it.

Rendering uses kaleido 1.x with the system Chromium (BROWSER_PATH, default /usr/bin/chromium).
Starting Chromium takes ~3-4 s, so one headless browser is kept warm in a background thread after
the first export (closed again after IDLE_SECONDS without use); later images take ~0.3 s each.
Several figures are rendered in one batch by ``figures_png``.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
import time
from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard.common.text import escape_plotly
from dashboard.exporting.meta import ExportMeta

if not os.environ.get("BROWSER_PATH") and os.path.exists("/usr/bin/chromium"):
    os.environ["BROWSER_PATH"] = "/usr/bin/chromium"  # kaleido (choreographer) reads it: the Debian package

log = logging.getLogger("dashboard")
FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
WIDTH, HEIGHT, SCALE = 1600, 900, 2
HEADER = 125        # px above the chart for title, note and filters
FOOTER = 40         # px below the chart for who/when, and NOTE_LINE for each line of 口径 and source
NOTE_LINE, NOTE_CHARS = 20, 110  # a 14 px line holds about 110 Chinese characters in 1600 px
AXIS_ROOM = 70      # px below the plot for the x tick labels and axis title (automargin grows it if needed)
TIMEOUT = 60.0      # seconds for one batch
IDLE_SECONDS = 600  # close the warm Chromium after this long without an export


@dataclass(frozen=True)
class Size:
    width: int = WIDTH
    height: int | None = None  # None: 900, or taller for a chart that is taller on screen
    scale: float = SCALE


def note_lines(meta: ExportMeta) -> list[str]:
    """The 口径 and source lines under the chart, cut to fit the image's width."""
    return [line[i:i + NOTE_CHARS] for line in meta.notes for i in range(0, len(line), NOTE_CHARS)]


def export_height(fig: go.Figure, size: Size, meta: ExportMeta | None = None) -> int:
    if size.height:
        return int(size.height)
    own = fig.layout.height or 450
    notes = NOTE_LINE * len(note_lines(meta)) if meta else 0
    return int(max(HEIGHT, own + HEADER + FOOTER + 40 + notes))  # 16:9 unless the chart needs more


def decorate(fig: go.Figure, meta: ExportMeta, height: int) -> go.Figure:
    """A copy of the figure with the export header (title, the chart's own note, filters and as-of
    stamp) and a footer (口径, source, who exported it, when). The on-screen figure is left untouched;
    the texts from ExportMeta hold names from the data and are escaped (the figure's own already are)."""
    out = go.Figure(fig)
    note = out.layout.title.text or ""
    title = escape_plotly(meta.title)
    notes = note_lines(meta)
    margin = out.layout.margin
    # the page's top margin left room for its own title (now in the header) and the legend
    top = HEADER + max(int(margin.t if margin.t is not None else 70) - 70, 0) + 50
    bottom = int(margin.b or 10) + AXIS_ROOM + FOOTER + NOTE_LINE * len(notes)
    sub = "<br>".join(t for t in (note, escape_plotly(meta.filters_text)) if t and t != title)
    out.update_layout(
        height=height,
        font=dict(family=FONT),
        title=dict(text=f"<b>{title}</b>", font=dict(size=30, color="#1F1F1F"),
                   subtitle=dict(text=sub, font=dict(size=17, color="#444444")),
                   x=32 / WIDTH, xanchor="left", xref="container", y=1 - 22 / height, yanchor="top",
                   yref="container", automargin=False, pad=dict(t=0, b=0, l=0, r=0)),
        margin=dict(t=top, l=max(int(margin.l or 10), 40), r=max(int(margin.r or 10), 48),
                    b=bottom),
        paper_bgcolor="white",
    )
    if notes:
        out.add_annotation(text="<br>".join(map(escape_plotly, notes)), xref="paper", yref="paper", x=0, y=0,
                           xanchor="left", yanchor="bottom", align="left", yshift=-(bottom - 36), showarrow=False,
                           xshift=32 - max(int(margin.l or 10), 40), font=dict(size=14, color="#333333"))
    out.add_annotation(text=escape_plotly(meta.export_text), xref="paper", yref="paper", x=1, y=0, xanchor="right",
                       yanchor="bottom", yshift=-(bottom - 12), showarrow=False,
                       font=dict(size=13, color="#888888"))
    return out


def _specs(figs: list[tuple[go.Figure, ExportMeta]], size: Size) -> list[tuple[dict, dict]]:
    specs = []
    for fig, meta in figs:
        h = export_height(fig, size, meta)
        specs.append((decorate(fig, meta, h).to_dict(),
                      dict(format="png", width=size.width, height=h, scale=size.scale)))
    return specs


def figure_png(fig: go.Figure, meta: ExportMeta, size: Size = Size()) -> bytes:
    """One chart as PNG bytes: size.width x height pixels times size.scale."""
    return figures_png([(fig, meta)], size)[0]


def figures_png(figs: list[tuple[go.Figure, ExportMeta]], size: Size = Size()) -> list[bytes]:
    """Several charts in one batch (one browser round trip)."""
    if not figs:
        return []
    return _RENDERER.render(_specs(figs, size))


class _Renderer:
    """One kaleido (headless Chromium) on its own event loop thread, shared by all sessions."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None
        self._last_used = 0.0
        self._idle_timer: threading.Timer | None = None

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        if self._thread is None or not self._thread.is_alive():
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=self._loop.run_forever, name="png-renderer", daemon=True)
            self._thread.start()
        return self._loop

    async def _open(self):
        if self._kaleido is None:
            import kaleido
            k = kaleido.Kaleido(n=1, timeout=TIMEOUT, mathjax=False)  # no MathJax: no CDN request
            await k.open()
            self._kaleido = k
        return self._kaleido

    async def _render(self, specs):
        k = await self._open()
        return await asyncio.gather(*(k.calc_fig(fig, opts=opts) for fig, opts in specs))

    async def _close(self) -> None:
        k, self._kaleido = self._kaleido, None
        if k is not None:
            try:
                await k.close()
            except Exception:  # a crashed browser cannot be closed cleanly
                log.warning("closing the PNG renderer failed", exc_info=True)

    def _run(self, coro, timeout: float):
        return asyncio.run_coroutine_threadsafe(coro, self._ensure_loop()).result(timeout)

    def render(self, specs) -> list[bytes]:
        with self._lock:
            for attempt in (1, 2):  # a browser that died is restarted once
                try:
                    out = self._run(self._render(specs), TIMEOUT + 30)
                    break
                except Exception:
                    log.warning("PNG render failed (attempt %d)", attempt, exc_info=attempt == 2)
                    self._close_now()
                    if attempt == 2:
                        raise
            self._last_used = time.monotonic()
            self._schedule_idle_close()
            return list(out)

    def _close_now(self) -> None:
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            try:
                self._run(self._close(), 20)
            except Exception:
                self._kaleido = None

    def _schedule_idle_close(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        self._idle_timer = threading.Timer(IDLE_SECONDS + 1, self._close_if_idle)
        self._idle_timer.daemon = True
        self._idle_timer.start()

    def _close_if_idle(self) -> None:
        with self._lock:
            if time.monotonic() - self._last_used >= IDLE_SECONDS:
                self._close_now()

    def shutdown(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        with self._lock:
            self._close_now()
            if self._loop is not None:
                self._loop.call_soon_threadsafe(self._loop.stop)


_RENDERER = _Renderer()
atexit.register(_RENDERER.shutdown)
