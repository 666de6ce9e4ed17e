"""Chinese PDFs with fpdf2: find a CJK font on the server and start an A4 document that uses it (pure: no Django).

Documents (after-action reports, special-work permits) embed the font subset they use, so the PDF reads the
same on any machine. Without a CJK font a PDF would print empty boxes, so :class:`MissingFont` says which
package to install instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

__all__ = ["CJK_FONT_CANDIDATES", "CjkPdf", "MissingFont", "find_cjk_font", "heading_style"]

# Debian/Ubuntu fonts-noto-cjk, fonts-wqy-microhei / zenhei, fonts-droid-fallback: the usual CJK faces.
CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
# In the Noto CJK collections face 2 is Simplified Chinese (SC); 0 would be the Japanese glyph forms.
NOTO_CJK_SC_FACE = 2


class MissingFont(RuntimeError):
    """No Chinese font is installed, so a PDF would print empty boxes."""


def find_cjk_font(candidates: Sequence[str] | None = None) -> str:
    """The first installed CJK font of ``candidates`` (default: CJK_FONT_CANDIDATES)."""
    for path in CJK_FONT_CANDIDATES if candidates is None else candidates:
        if Path(path).is_file():
            return path
    raise MissingFont("服务器未安装中文字体（如 fonts-noto-cjk），无法生成 PDF；请安装后重试，或下载 Word 版本")


def heading_style() -> FontFace:
    """Table headings in the same CJK face (the default bold style would need a bold font file too)."""
    return FontFace(emphasis=None, fill_color=(230, 236, 245))


class CjkPdf(FPDF):
    """An A4 document whose font "cjk" is the server's Chinese face, with a centred footer and page numbers."""

    def __init__(self, footer: str = "", font_path: str | None = None) -> None:
        super().__init__(format="A4")
        path = font_path or find_cjk_font()
        face = NOTO_CJK_SC_FACE if "NotoSansCJK" in path or "NotoSerifCJK" in path else 0
        self.add_font("cjk", "", path, collection_font_number=face)
        self.footer_text = footer
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(15, 15, 15)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("cjk", size=8)
        self.cell(0, 6, f"{self.footer_text}　第 {self.page_no()} 页", align="C")
