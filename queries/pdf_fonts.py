"""The font every PDF the product makes is set in: a TrueType CJK font, embedded as a subset.

Why reportlab with a TrueType font (and not fpdf2 or the former built-in STSong-Light):
- STSong-Light is a CID font reportlab does not embed: without Adobe's Adobe-GB1 pack a viewer or printer
  shows empty pages, and it has no "·". A TrueType font is embedded (as subsets of the glyphs used), so the
  file prints the same everywhere.
- Debian's fonts-noto-cjk are OpenType/CFF collections, which reportlab cannot embed; WenQuanYi Micro Hei
  (Debian fonts-wqy-microhei, installed by scripts/setup.sh) is a TrueType collection it can. Measured on the
  three-village test packet: 0.2 s, 11 kB not embedded -> 0.4 s, ~90 kB embedded.
- reportlab already lays out the packet's tables (header row repeated on every page, cells wrapping CJK),
  which fpdf2 would need rewritten (fpdf2 breaks CJK text at any character); the Chinese line-breaking
  rules are one small function here (`break_lines`) that a Paragraph subclass uses.

MONITOR_PDF_FONT names another TrueType font file (.ttf/.ttc, first face) if a machine has a different one.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

FONT_NAME = "CJK"  # the name the PDFs' styles use
CANDIDATES = (  # Debian paths: fonts-wqy-microhei, fonts-wqy-zenhei, fonts-arphic-uming
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
# GB/T 15834 marks that may not begin a line (reportlab's own list has the Japanese ones and "、。）」』】").
NO_LINE_START = "，。、；：！？）】』」》〉”’…～％·,.;:!?)]}%"
NO_LINE_END = "（【『「《〈“‘([{"


class FontMissing(RuntimeError):
    """No TrueType CJK font on this machine: the message says what to install."""


def font_file() -> Path:
    override = os.environ.get("MONITOR_PDF_FONT")
    for path in ([override] if override else CANDIDATES):
        if Path(path).is_file():
            return Path(path)
    raise FontMissing("未找到可嵌入 PDF 的中文 TrueType 字体：请安装 fonts-wqy-microhei（运行 scripts/setup.sh），"
                      "或用环境变量 MONITOR_PDF_FONT 指定 .ttf/.ttc 字体文件。")


@lru_cache(maxsize=1)
def pdf_font() -> str:
    """Register the font with reportlab once (Helvetica is never used) and return its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_file()), subfontIndex=0))
    return FONT_NAME


def break_lines(text: str, font: str, size: float, width: float) -> list[tuple[float, str]]:
    """Greedy CJK line breaking by GB/T 15834: a line neither starts with a closing mark (，。）” …, also
    a run of them such as "）、") nor ends with an opening one (（“《): characters move down to the next
    line with it. Returns (space left, line) pairs as reportlab's own wordSplit does."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def allowed(cut: int) -> bool:
        return text[cut] not in NO_LINE_START and text[cut - 1] not in NO_LINE_END

    lines, start, used = [], 0, 0.0
    for i, ch in enumerate(text):
        w = stringWidth(ch, font, size)
        if used + w > width + 1e-6 and i > start:
            cut = next((c for c in range(i, start, -1) if allowed(c)), i)  # no legal break: break anyway
            lines.append(text[start:cut])
            start, used = cut, stringWidth(text[cut:i], font, size)
        used += w
    lines.append(text[start:])
    return [(width - stringWidth(line, font, size), line) for line in lines]


@lru_cache(maxsize=1)
def chinese_paragraph_class():
    """reportlab's Paragraph, breaking one-run CJK text with `break_lines` (its own rule hangs only one
    closing mark past the margin and knows few Chinese ones); other paragraphs as reportlab does."""
    from reportlab.platypus import Paragraph

    class ChineseParagraph(Paragraph):
        def breakLinesCJK(self, maxWidths):
            frags, width = self.frags, maxWidths[0] if isinstance(maxWidths, (list, tuple)) else maxWidths
            if len(frags) != 1 or not isinstance(getattr(frags[0], "text", None), str) or self.bulletText:
                return super().breakLinesCJK(maxWidths)
            f = frags[0]
            self.height = 0
            lines = [(space, [line]) for space, line in break_lines(f.text, f.fontName, f.fontSize, width)]
            return f.clone(kind=0, lines=lines, ascent=f.fontSize, descent=-0.2 * f.fontSize)

    return ChineseParagraph
