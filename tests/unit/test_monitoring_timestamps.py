"""Reading times in backfill files: ISO 8601 with offset, epoch seconds or milliseconds (told apart by size)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.monitoring.timestamps import parse_reading_time

T0_UTC = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)  # 2026-11-28T08:00:00+08:00 = 1 795 824 000 s


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-28T08:00:00+08:00", T0_UTC),
    ("2026-11-28 08:00:00+08:00", T0_UTC),
    ("2026-11-28T00:00:00Z", T0_UTC),
    ("1795824000", T0_UTC),                                # seconds
    ("1795824000.5", datetime(2026, 11, 28, 0, 0, 0, 500_000, tzinfo=UTC)),
    ("1795824000000", T0_UTC),                             # milliseconds
    ("1795824000250", datetime(2026, 11, 28, 0, 0, 0, 250_000, tzinfo=UTC)),
    ("100000000", datetime(1973, 3, 3, 9, 46, 40, tzinfo=UTC)),  # the smallest accepted second
    ("99999999999", datetime(5138, 11, 16, 9, 46, 39, tzinfo=UTC)),  # the largest second
    ("100000000000", datetime(1973, 3, 3, 9, 46, 40, tzinfo=UTC)),  # the smallest millisecond
])
def test_accepted_times(text: str, expected: datetime) -> None:
    assert parse_reading_time(text) == expected


@pytest.mark.parametrize(("text", "reason"), [
    ("2026-11-28 08:00:00", "缺少时区"),
    ("2026/11/28 08:00", "时间格式无效"),
    ("yesterday", "时间格式无效"),
    ("1795824000000000", "不接受微秒"),
    ("99999999", "不合理"),
    ("-1795824000", "不合理"),
])
def test_refused_times_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_reading_time(text)


@given(st.integers(min_value=100_000_000, max_value=4_000_000_000))
def test_seconds_and_their_milliseconds_are_the_same_instant(seconds: int) -> None:
    assert parse_reading_time(str(seconds)) == parse_reading_time(str(seconds * 1000))
