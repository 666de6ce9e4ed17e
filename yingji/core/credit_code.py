"""统一社会信用代码（GB 32100-2015）校验与生成。

纯 Python 实现，不依赖 Django，可在导入校验、表单、管理命令中复用。

代码结构（18 位）::

    位置 1     登记管理部门代码
    位置 2     机构类别代码
    位置 3–8   登记管理机关行政区划码
    位置 9–17  主体标识码（组织机构代码）
    位置 18    校验码

字符集为 ``0123456789ABCDEFGHJKLMNPQRTUWXY``（31 个，不含 I、O、Z、S、V）。
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
# 快速路径：一次 C 级正则判断长度与字符集（批量导入时每行都要校验）
_WELL_FORMED: Final[re.Pattern[str]] = re.compile(r"[0-9A-HJ-NP-RTUWXY]{18}")
# 字符 → 码值的字节串，配合 map(mul, …) 让加权求和全程在 C 中完成
_TO_VALUE_BYTES: Final[dict[int, int]] = str.maketrans({ch: i for i, ch in enumerate(ALPHABET)})


def _checksum_char(body17: str) -> str:
    """前 17 位（已确认合法）→ 校验字符。"""
    total = sum(map(mul, body17.translate(_TO_VALUE_BYTES).encode("latin-1"), WEIGHTS))
    # 外层 mod 处理 total 恰为 31 倍数时 31−0=31 的情况
    return ALPHABET[(_MODULUS - total % _MODULUS) % _MODULUS]


def normalize_credit_code(code: str) -> str:
    """去除首尾空白并转为大写（用户常粘贴带空格或小写字母的代码）。"""
    return code.strip().upper()


def _first_illegal(text: str) -> int | None:
    """返回第一个非法字符的下标（0 起），全部合法则返回 None。"""
    for i, ch in enumerate(text):
        if ch not in _VALUES:
            return i
    return None


def check_character(first17: str) -> str:
    """根据前 17 位计算第 18 位校验码。

    :raises ValueError: 长度不是 17 位或含非法字符（中文说明）。
    """
    if len(first17) != CODE_LENGTH - 1:
        raise ValueError(f"计算校验码需要 17 位本体代码，实际为 {len(first17)} 位")
    bad = _first_illegal(first17)
    if bad is not None:
        raise ValueError(f"第 {bad + 1} 位字符“{first17[bad]}”不是合法字符")
    return _checksum_char(first17)


def validate_credit_code(code: str) -> str | None:
    """校验统一社会信用代码。

    输入先经 :func:`normalize_credit_code` 规范化。合法返回 ``None``，
    否则返回说明具体问题的中文原因（长度、第 N 位非法字符、校验码不符）。
    """
    return validate_normalized(normalize_credit_code(code))


def validate_normalized(norm: str) -> str | None:
    """同 :func:`validate_credit_code`，但输入须已规范化（导入时避免重复 strip/upper）。"""
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
    return "统一社会信用代码格式无效"  # 不可达：长度与字符均合法时已在快速路径返回


def is_valid_credit_code(code: str) -> bool:
    """便捷布尔版本。"""
    return validate_credit_code(code) is None


def make_credit_code(prefix17: str) -> str:
    """由 17 位本体代码（自动规范化）生成完整 18 位代码，常用于测试数据。

    :raises ValueError: 本体代码长度或字符不合法。
    """
    norm = normalize_credit_code(prefix17)
    return norm + check_character(norm)


def admin_division_code(code: str) -> str:
    """取第 3–8 位登记管理机关行政区划码（不做校验）。"""
    return normalize_credit_code(code)[2:8]
