"""Text from the database or an import, shown as text wherever it is drawn.

Streamlit renders markdown in st.markdown, captions, headings, alerts, metric labels and values, widget
labels and every ``help=`` tooltip; Plotly renders a subset of HTML (``<b>``, ``<br>``, ``<a href>``,
``<span style>``) in chart texts; deck.gl puts its tooltip into the page as HTML. A village name such as
``<b>B</b>![i](//host/x)`` must not become a bold element, a link or an image fetched from another host.

Pages show data with calls that draw text as text (st.dataframe, selectbox and multiselect options) where
they can; st.table renders markdown in its cells. Where a data string must sit inside markdown or HTML, it
goes through one of these functions:

    st.caption(f"帮扶责任人：{escape_md(name)}")        # markdown: a literal name, line breaks kept
    go.Bar(y=[escape_plotly(n) for n in names])       # theme.show does this for every figure
    {"title": deck_text(escape_html(name))}           # the map's tooltip: an HTML template, in pydeck data
"""

from __future__ import annotations

import html
import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark (and so in Streamlit's
# markdown, its math and its :color[...] directives); an escaped one is always a literal character.
_MD_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# Four leading spaces would start a code block: numeric references keep them as spaces without structure.
_LEADING_BLANKS = re.compile(r"^[ \t]+", re.MULTILINE)
# GFM turns bare URLs and e-mail addresses into links after parsing, escapes or not: an invisible word
# joiner inside "http://", "www." and after "@" keeps them text.
WORD_JOINER = "\u2060"
_AUTOLINKS = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)


def _lines(value) -> str:
    return ("" if value is None else str(value)).replace("\r\n", "\n").replace("\r", "\n")


def escape_md(value) -> str:
    """`value` as literal text inside Streamlit markdown: no link, image, emphasis, heading, list, math,
    directive or HTML tag can come from it; its line breaks stay line breaks. (A bare URL or e-mail address
    keeps an invisible WORD_JOINER, so that GFM does not link it.)"""
    text = _AUTOLINKS.sub(WORD_JOINER, _lines(value))
    text = _MD_PUNCTUATION.sub(r"\\\1", text)
    text = _LEADING_BLANKS.sub(lambda m: m.group().replace(" ", "&#32;").replace("\t", "&#9;"), text)
    return text.replace("\n", "  \n")


def escape_plotly(value) -> str:
    """`value` as literal text in a Plotly string (title, tick label, bar text, hover value, legend name):
    ``<``, ``>`` and ``&`` as entities, line breaks as Plotly's ``<br>``."""
    return html.escape(_lines(value), quote=False).replace("\n", "<br>")


def escape_html(value) -> str:
    """`value` as literal text inside an HTML template (quotes too, for attribute values)."""
    return html.escape(_lines(value), quote=True).replace("\n", "<br>")


def deck_text(value) -> str:
    """A string in pydeck data as itself: deck.gl's JSON converter turns every string that begins with "@@"
    into a function or a constant ("@@=expression"), in the data too; a leading word joiner keeps it text."""
    text = "" if value is None else str(value)
    return WORD_JOINER + text if text.startswith("@@") else text
