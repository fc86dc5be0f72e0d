"""The escaping helper (dashboard/common/text.py) and the figure escaping of theme.show: the exact
strings they produce, what AppTest receives, and what Chromium draws from them (literal text, no element)."""

import json
import re

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.common import theme
from dashboard.common.text import WORD_JOINER, deck_text, escape_html, escape_md, escape_plotly
from tests.browser import APP_READY, ROOT, streamlit_server
from tests.escaping_samples import HOST, SAMPLES

APP = ROOT / "tests" / "escaping_app.py"
PUNCTUATION = "[!-/:-@\\[-`{-~]"  # ASCII punctuation: what CommonMark lets a backslash escape


def bare_punctuation(markdown: str) -> list[str]:
    """The punctuation characters of `markdown` that are not backslash escapes."""
    return re.findall(PUNCTUATION, re.sub(r"\\" + PUNCTUATION, "", markdown))


# --- the strings ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    ("[链](javascript:x)", r"\[链\]\(javascript\:x\)"),                    # link
    ("![i](//h/i.png)", r"\!\[i\]\(\/\/h\/i\.png\)"),                      # image
    ("<b>B</b>", r"\<b\>B\<\/b\>"),                                        # HTML tag
    ("**粗**", r"\*\*粗\*\*"),                                              # emphasis
    ("a\\*b\\", r"a\\\*b\\"),                                              # backslashes stay backslashes
    ("$x^2$", r"\$x\^2\$"),                                                # math
    ("行一\n行二\r\n行三", "行一  \n行二  \n行三"),                           # hard line breaks
    ("    缩进", "&#32;&#32;&#32;&#32;缩进"),                               # no code block
    ("https://h.example", "https\\:" + WORD_JOINER + r"\/\/h\.example"),   # no GFM autolink
    ("a@h.example", "a\\@" + WORD_JOINER + r"h\.example"),
    ("张三", "张三"),
    (None, ""),
])
def test_escape_md(raw, expected):
    assert escape_md(raw) == expected


def test_escape_plotly_and_html():
    assert escape_plotly('<b>"B"</b> & 1\n2') == '&lt;b&gt;"B"&lt;/b&gt; &amp; 1<br>2'  # Plotly knows no &quot;
    assert escape_html('<a href="//h">\'x\'</a>\n') == "&lt;a href=&quot;//h&quot;&gt;&#x27;x&#x27;&lt;/a&gt;<br>"


def test_deck_text():
    # deck.gl's JSON converter made "@@=1+41" a function (a tooltip showed "e=>…", seen in Chromium)
    assert deck_text("@@=1+41") == WORD_JOINER + "@@=1+41"
    assert deck_text("@@#GL.ONE") == WORD_JOINER + "@@#GL.ONE"
    assert deck_text("甲镇 @@=x") == "甲镇 @@=x" and deck_text("@SUM(1)") == "@SUM(1)"


# --- AppTest: what the page sends ------------------------------------------------------------------------
def test_app_sends_every_sample_escaped():
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not at.exception
    expected = {escape_md(s) for s in SAMPLES}
    sent = [m.value for m in at.markdown] + [c.value for c in at.caption] + [h.value for h in at.subheader] + \
           [i.value for i in at.info] + [m.label for m in at.metric] + [m.value for m in at.metric] + \
           [b.label for b in at.button]
    assert len(sent) == 7 * len(SAMPLES) and set(sent) == expected
    # no markdown-active character reaches the browser without its backslash (the one exception: the
    # numeric references that keep leading blanks)
    assert not [v for v in sent if bare_punctuation(v.replace("&#32;", ""))]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    bar = spec["data"][0]
    assert bar["y"] == bar["text"] == bar["customdata"] == [escape_plotly(s) for s in SAMPLES]
    assert bar["name"] == spec["layout"]["title"]["text"] == escape_plotly(SAMPLES[2])
    assert bar["hovertemplate"] == "%{customdata}<extra></extra>"  # the page's own template is kept


def test_figure_is_escaped_once():
    fig = go.Figure(go.Bar(x=["<b>甲</b>", "乙\n丙"], y=[1, 2], customdata=[["<i>a</i>", 1], ["b", 2]]))
    fig.update_layout(title="<a href='//h'>t</a>", xaxis=dict(categoryarray=["<b>甲</b>"]))
    theme.escape_texts(theme.escape_texts(fig))
    assert list(fig.data[0].x) == ["&lt;b&gt;甲&lt;/b&gt;", "乙<br>丙"]
    assert [list(r) for r in fig.data[0].customdata] == [["&lt;i&gt;a&lt;/i&gt;", 1], ["b", 2]]
    assert list(fig.data[0].y) == [1, 2]
    assert fig.layout.title.text == "&lt;a href='//h'&gt;t&lt;/a&gt;"
    assert list(fig.layout.xaxis.categoryarray) == ["&lt;b&gt;甲&lt;/b&gt;"]


# --- Chromium: what is drawn -----------------------------------------------------------------------------
ELEMENTS = "img, image, strong, em, b, i, code, del, ol, ul, blockquote, table, pre, .katex, [data-testid=stIconMaterial]"


@pytest.mark.browser
def test_browser_draws_samples_as_text(browser):
    with streamlit_server("sqlite://", script=APP) as base:
        page = browser.new_page()
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(base)
        page.wait_for_selector(f"{APP_READY} [data-testid='stMain'] .js-plotly-plot .ytick")
        page.wait_for_selector(APP_READY)
        for i, s in enumerate(SAMPLES):
            box = page.locator(f".st-key-sample_{i}")
            literal = s.replace("\r\n", "\n")
            # innerText: as drawn, <br> as a line break (a heading draws the lines after its first one
            # as a paragraph below it: one more blank line)
            texts = [re.sub(r"\n+", "\n", t.replace(WORD_JOINER, "")) for t in
                     box.locator("[data-testid='stMarkdownContainer']").all_inner_texts()]
            assert texts and all(t.strip() == literal.strip() for t in texts), (s, texts)
            assert box.locator(ELEMENTS).count() == 0, s
            # the only links: the headings' own "#" anchors
            hrefs = box.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
            assert all(h.startswith("#") for h in hrefs), (s, hrefs)
        chart = page.locator(".js-plotly-plot")
        ticks = chart.locator(".ytick text").all_text_contents()
        assert ticks == [s.replace("\r\n", "").replace("\n", "") for s in SAMPLES]
        assert chart.locator("a, image, tspan[style*='bold'], tspan[style*='italic']").count() == 0
        page.close()
    assert requests and not [u for u in requests if not u.startswith(base)]
    assert not [u for u in requests if HOST in u]
