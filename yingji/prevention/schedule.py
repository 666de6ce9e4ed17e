"""Inspection periods (per shift, day or week) and commitment streaks, in local time. Pure Python.

A route walked "per shift" must see each checkpoint once in every eight-hour shift (三班制 from 0, 8 and 16
o'clock); "per day" once between local midnights; "per week" once in each ISO week (Monday 00:00).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

SHIFT = "shift"
DAY = "day"
WEEK = "week"


def period_containing(frequency: str, at: dt.datetime, shift_starts: tuple[int, ...] = (0, 8, 16)
                      ) -> tuple[dt.datetime, dt.datetime]:
    """The [start, end) of the period holding `at`, an aware datetime in the local zone the periods follow."""
    if at.tzinfo is None:
        raise ValueError("需要带时区的时间")
    midnight = at.replace(hour=0, minute=0, second=0, microsecond=0)
    if frequency == DAY:
        return midnight, _add_days(midnight, 1)
    if frequency == WEEK:
        monday = _add_days(midnight, -midnight.weekday())
        return monday, _add_days(monday, 7)
    if frequency == SHIFT:
        starts = sorted(shift_starts)
        hour = max(h for h in starts if h <= at.hour) if at.hour >= starts[0] else starts[-1]
        start = midnight.replace(hour=hour) if at.hour >= starts[0] else _add_days(midnight, -1).replace(hour=hour)
        later = [h for h in starts if h > hour]
        end = start.replace(hour=later[0]) if later else _add_days(start.replace(hour=starts[0]), 1)
        return start, end
    raise ValueError(f"未知的巡检频次：{frequency!r}")


def _add_days(moment: dt.datetime, days: int) -> dt.datetime:
    """Calendar days in the moment's own zone (wall-clock midnight stays midnight)."""
    naive = moment.replace(tzinfo=None) + dt.timedelta(days=days)
    return naive.replace(tzinfo=moment.tzinfo)


def completed_periods(frequency: str, since: dt.datetime, now: dt.datetime,
                      shift_starts: tuple[int, ...] = (0, 8, 16)) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Every period that began at or after `since` and has ended by `now`, oldest first."""
    start, end = period_containing(frequency, since, shift_starts)
    if start < since:  # the period the route was started in does not count: nobody could walk all of it
        start, end = period_containing(frequency, end, shift_starts)
    while end <= now:
        yield start, end
        start, end = period_containing(frequency, end, shift_starts)


def streak(days: Iterable[dt.date], today: dt.date) -> int:
    """Consecutive days with a commitment ending today, or yesterday when today's is not in yet."""
    have = set(days)
    day = today if today in have else today - dt.timedelta(days=1)
    count = 0
    while day in have:
        count += 1
        day -= dt.timedelta(days=1)
    return count
