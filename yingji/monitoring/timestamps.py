"""Reading times as written in files: ISO 8601 with an offset, or Unix epoch seconds / milliseconds. No Django.

Epoch values are told apart by size, which is safe for sensor data (none predates 1973):
seconds in [1e8, 1e11) (1973-03-03 … 5138), milliseconds in [1e11, 1e14) (1973-03-03 … 5138). A value
of 1e14 or more (microseconds or nanoseconds) and one below 1e8 are refused, as is a time without offset
(08:00 in which zone?). Errors are ``ValueError`` with a Chinese reason, as ``core.tabular`` parsers raise.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Final

SECONDS_FROM: Final[float] = 1e8
MILLISECONDS_FROM: Final[float] = 1e11
MILLISECONDS_UNTIL: Final[float] = 1e14
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def parse_reading_time(text: str) -> datetime:
    """An aware UTC datetime for ISO 8601 with offset (``Z`` too) or epoch seconds / milliseconds."""
    s = text.strip()
    if _NUMBER.match(s):
        number = float(s)
        if not math.isfinite(number) or number < SECONDS_FROM:
            raise ValueError(f"时间戳 {s} 不合理（早于 1973 年或为负数）")
        if number >= MILLISECONDS_UNTIL:
            raise ValueError(f"时间戳 {s} 过大：只接受秒或毫秒时间戳，不接受微秒、纳秒")
        seconds = number / 1000 if number >= MILLISECONDS_FROM else number
        return datetime.fromtimestamp(seconds, tz=UTC)
    try:
        at = datetime.fromisoformat(s)
    except ValueError:
        raise ValueError(f"时间格式无效：{s[:40]}（应为带时区的 ISO 8601，如 2026-11-28T08:00:00+08:00，"
                         "或秒/毫秒时间戳）") from None
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"时间缺少时区：{s[:40]}（应如 2026-11-28T08:00:00+08:00）")
    return at.astimezone(UTC)
