"""Header helpers shared by the readers, the parsers and validation."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from .errors import TabularError


def norm_header(h: str) -> str:
    """Canonical form for header matching: NFKC (full-width → half-width), no whitespace,
    no required-marker "*", case-folded."""
    h = unicodedata.normalize("NFKC", h)
    return "".join(h.split()).strip("*").casefold()


def col_letter(idx: int) -> str:
    """0-based column index → Excel column letters (0 → "A", 26 → "AA")."""
    s = ""
    n = idx + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def check_headers(raw: Sequence[str], header_row: int, col_offset: int = 0) -> list[str]:
    """Strip headers, drop trailing empty ones, and reject empty or duplicate headers.

    ``col_offset`` is the number of columns omitted before the first one (for correct column letters).
    """
    headers = [h.strip() for h in raw]
    while headers and not headers[-1]:
        headers.pop()  # Excel often leaves formatted but empty columns on the right
    seen: dict[str, int] = {}
    for i, h in enumerate(headers):
        if not h:
            letter = col_letter(i + col_offset)
            raise TabularError(
                header_row, letter, "",
                f"第 {i + col_offset + 1} 列（{letter} 列）表头为空，请填写列名或删除该列",
            )
        key = norm_header(h)
        if key in seen:
            j = seen[key]
            raise TabularError(
                header_row, h, h,
                f"表头“{h}”重复（{col_letter(j + col_offset)} 列与 "
                f"{col_letter(i + col_offset)} 列），每列表头必须唯一",
            )
        seen[key] = i
    return headers
