"""Inspection periods and commitment streaks, by hand (Asia/Shanghai wall clock)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from yingji.prevention.schedule import completed_periods, period_containing, streak

SH = ZoneInfo("Asia/Shanghai")


def t(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=SH)


PERIODS = [
    ("shift at 07:59 is the night shift from 00:00", "shift", t(25, 7, 59), t(25, 0), t(25, 8)),
    ("shift at 08:00 starts the day shift", "shift", t(25, 8), t(25, 8), t(25, 16)),
    ("shift at 23:30 runs to next midnight", "shift", t(25, 23, 30), t(25, 16), t(26, 0)),
    ("day at 00:00", "day", t(25, 0), t(25, 0), t(26, 0)),
    ("day at 23:59", "day", t(25, 23, 59), t(25, 0), t(26, 0)),
    ("week: Wed 25 Nov 2026 is in the week of Mon 23", "week", t(25, 12), t(23, 0), t(30, 0)),
    ("week: Mon 23 00:00 begins its own week", "week", t(23, 0), t(23, 0), t(30, 0)),
]


@pytest.mark.parametrize(("case", "freq", "at", "start", "end"), PERIODS, ids=[p[0] for p in PERIODS])
def test_period_containing(case: str, freq: str, at: dt.datetime, start: dt.datetime, end: dt.datetime) -> None:
    assert period_containing(freq, at) == (start, end)


def test_completed_periods_skip_the_started_one_and_the_running_one() -> None:
    # Route started Wed 10:00; now Fri 09:00: whole days Thu only (Wed began before, Fri still running).
    assert list(completed_periods("day", t(25, 10), t(27, 9))) == [(t(26, 0), t(27, 0))]
    shifts = list(completed_periods("shift", t(25, 8), t(26, 1)))
    assert shifts == [(t(25, 8), t(25, 16)), (t(25, 16), t(26, 0))]
    assert list(completed_periods("week", t(25, 10), t(27, 9))) == []


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="时区"):
        period_containing("day", dt.datetime(2026, 11, 25, 8))


def test_unknown_frequency() -> None:
    with pytest.raises(ValueError, match="频次"):
        period_containing("month", t(25, 8))


STREAKS = [
    ("today and 2 days before", [25, 24, 23], 25, 3),
    ("today missing: counts from yesterday", [24, 23], 25, 2),
    ("gap breaks it", [25, 23, 22], 25, 1),
    ("nothing", [], 25, 0),
    ("only two days ago", [23], 25, 0),
]


@pytest.mark.parametrize(("case", "days", "today", "n"), STREAKS, ids=[s[0] for s in STREAKS])
def test_streak(case: str, days: list[int], today: int, n: int) -> None:
    assert streak([dt.date(2026, 11, d) for d in days], dt.date(2026, 11, today)) == n
