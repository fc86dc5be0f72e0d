"""Checks of printed artefacts with tools the product does not use to make them: poppler (pdffonts,
pdftotext, pdftoppm) reads the PDF the way a viewer or printer would, fontTools reads the font's cmap."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont


def _poppler(tool: str, pdf: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "in.pdf"
        path.write_bytes(pdf)
        return subprocess.run([tool, *args, str(path), *([] if tool == "pdffonts" else ["-"])],
                              capture_output=True, text=True, check=True).stdout


def pdf_fonts(pdf: bytes) -> list[dict]:
    """pdffonts' table as rows {name, type, emb, sub, uni}."""
    lines = _poppler("pdffonts", pdf).splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object-id generation: the last five are fixed
        rows.append(dict(name=parts[0], emb=parts[-5], sub=parts[-4], uni=parts[-3], type=" ".join(parts[1:-6])))
    return rows


def pdf_text(pdf: bytes) -> str:
    return _poppler("pdftotext", pdf, "-layout", "-enc", "UTF-8")


def rendered_ink(pdf: bytes, page: int = 1) -> float:
    """Share of dark pixels of a page rendered in grey at 50 dpi (a page of empty boxes has almost none)."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "in.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdftoppm", "-gray", "-r", "50", "-f", str(page), "-l", str(page), str(path)],
                             capture_output=True, check=True).stdout  # PGM: header, then one byte per pixel
    header, pixels = _pgm(out)
    return sum(1 for b in pixels if b < 128) / len(pixels)


def _pgm(data: bytes):
    fields, pos = [], 0
    while len(fields) < 4:  # P5 width height maxval
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    return fields, data[pos + 1:]


def font_cmap(path: Path) -> set[int]:
    """Code points the font (first face of a collection) has a glyph for."""
    font = TTCollection(str(path)).fonts[0] if path.suffix.lower() == ".ttc" else TTFont(str(path))
    return set(font.getBestCmap())


def missing_glyphs(text: str, cmap: set[int]) -> set[str]:
    return {ch for ch in text if not ch.isspace() and ord(ch) not in cmap}


def installed_cmap(pdf_font_name: str) -> set[int]:
    """The code points of the installed font a PDF names (pdffonts: "ABCDEF+NotoSansCJKjp-Regular-VKana"): the
    face whose PostScript name the name starts with, longest match, read from its file (a collection face by
    face). An empty set when no installed font matches."""
    name = pdf_font_name.split("+", 1)[-1]
    listed = subprocess.run(["fc-list", "-f", "%{postscriptname}\t%{file}\n"], capture_output=True, text=True,
                            check=True).stdout.splitlines()
    faces = [line.split("\t", 1) for line in listed if "\t" in line]
    hits = sorted((ps for ps, _ in faces if ps and name.startswith(ps)), key=len)
    if not hits:
        return set()
    ps = hits[-1]
    path = Path(next(f for p, f in faces if p == ps))
    fonts = TTCollection(str(path)).fonts if path.suffix.lower() == ".ttc" else [TTFont(str(path))]
    face = next(f for f in fonts if f["name"].getDebugName(6) == ps)
    return set(face.getBestCmap())


def office_pdf(data: bytes, suffix: str) -> bytes:
    """A .pptx or .xlsx as LibreOffice prints it (its own throwaway profile)."""
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / f"in{suffix}"
        src.write_bytes(data)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{d}/profile", "--headless", "--convert-to", "pdf",
                        "--outdir", d, str(src)], capture_output=True, check=True, timeout=300)
        return (Path(d) / "in.pdf").read_bytes()
