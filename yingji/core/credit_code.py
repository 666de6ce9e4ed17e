"""Unified social credit codes (GB 32100-2015): validation and generation, pure Python.

Structure (18 characters)::

    1       registering department code
    2       organisation category
    3-8     admin division code of the registering authority
    9-17    entity identifier (organisation code)
    18      check character

Alphabet ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (31 symbols; no I, O, Z, S, V). Messages returned to
users are in Chinese.
"""

from __future__ import annotations

import re
from operator import mul
from typing import Final

__all__ = [
    "ALPHABET",
    "WEIGHTS",
    "CODE_LENGTH",
    "normalize_credit_code",
    "check_character",
    "validate_credit_code",
    "validate_normalized",
    "is_valid_credit_code",
    "make_credit_code",
    "admin_division_code",
]

ALPHABET: Final[str] = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS: Final[tuple[int, ...]] = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CODE_LENGTH: Final[int] = 18
_MODULUS: Final[int] = len(ALPHABET)  # 31
_VALUES: Final[dict[str, int]] = {ch: i for i, ch in enumerate(ALPHABET)}
# Fast path: one regex checks length and alphabet (imports validate every row).
_WELL_FORMED: Final[re.Pattern[str]] = re.compile(r"[0-9A-HJ-NP-RTUWXY]{18}")
# Character -> value code points, so the weighted sum runs in C via map(mul, ...).
_TO_VALUE_BYTES: Final[dict[int, int]] = str.maketrans({ch: i for i, ch in enumerate(ALPHABET)})


def _checksum_char(body17: str) -> str:
    """Check character for a 17-character body already known to be well formed."""
    total = sum(map(mul, body17.translate(_TO_VALUE_BYTES).encode("latin-1"), WEIGHTS))
    # The outer mod maps 31 - 0 = 31 back to 0 when total is a multiple of 31.
    return ALPHABET[(_MODULUS - total % _MODULUS) % _MODULUS]


def normalize_credit_code(code: str) -> str:
    """Strip and upper-case: users paste codes with spaces or in lower case."""
    return code.strip().upper()


def _first_illegal(text: str) -> int | None:
    """Index (0-based) of the first character outside the alphabet, or None."""
    for i, ch in enumerate(text):
        if ch not in _VALUES:
            return i
    return None


def check_character(first17: str) -> str:
    """The 18th (check) character for the first 17.

    :raises ValueError: (Chinese message) wrong length or a character outside the alphabet.
    """
    if len(first17) != CODE_LENGTH - 1:
        raise ValueError(f"计算校验码需要 17 位本体代码，实际为 {len(first17)} 位")
    bad = _first_illegal(first17)
    if bad is not None:
        raise ValueError(f"第 {bad + 1} 位字符“{first17[bad]}”不是合法字符")
    return _checksum_char(first17)


def validate_credit_code(code: str) -> str | None:
    """None when the normalised code is valid, else the reason in Chinese.

    Reasons name the problem: the length, the position of an illegal character, or the expected check
    character.
    """
    return validate_normalized(normalize_credit_code(code))


def validate_normalized(norm: str) -> str | None:
    """As validate_credit_code, for input already normalised (imports skip the strip/upper)."""
    if _WELL_FORMED.fullmatch(norm):
        expected = _checksum_char(norm[:17])
        if norm[17] == expected:
            return None
        return f"校验码错误：第 18 位应为“{expected}”，实际为“{norm[17]}”"
    if not norm:
        return "统一社会信用代码不能为空"
    if len(norm) != CODE_LENGTH:
        return f"统一社会信用代码应为 18 位，实际为 {len(norm)} 位"
    bad = _first_illegal(norm)
    if bad is not None:
        ch = norm[bad]
        hint = "（不使用 I、O、Z、S、V）" if ch in "IOZSV" else ""
        return f"第 {bad + 1} 位字符“{ch}”不是合法字符{hint}"
    return "统一社会信用代码格式无效"  # unreachable: a well-formed code returned on the fast path


def is_valid_credit_code(code: str) -> bool:
    """True when the code is valid."""
    return validate_credit_code(code) is None


def make_credit_code(prefix17: str) -> str:
    """The full code for a 17-character body (normalised first); used for test and demo data.

    :raises ValueError: the body has the wrong length or an illegal character.
    """
    norm = normalize_credit_code(prefix17)
    return norm + check_character(norm)


def admin_division_code(code: str) -> str:
    """Positions 3-8, the admin division code of the registering authority (not validated)."""
    return normalize_credit_code(code)[2:8]
