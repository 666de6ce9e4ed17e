"""Levelled rules: thresholds H/HH and L/LL, and rates of change, with deadband and delay.

Both kinds reduce a reading to a signal (the value itself, or its change per minute over a window) and
run the same levelled logic on it. For a high-side rule with set points t1 < t2 and deadband d:

* level k is entered when the signal has been ≥ tk for the rule's delay (samples and/or seconds);
* an active level k is held while the signal stays ≥ tk − d, so a value hovering at a set point does
  not flap; HH falls back to H below t2 − d, and the episode recovers only below t1 − d.

A low-side rule is the mirror image (enter at ≤ tk, held while ≤ tk + d).
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from yingji.monitoring.rules.base import (
    MICROS_PER_SECOND,
    Category,
    Change,
    ChannelSpec,
    Hold,
    Level,
    Transition,
    fmt,
)

__all__ = ["Direction", "LevelledState", "RateOfChangeRule", "ThresholdRule", "Trend"]

_MICROS_PER_MINUTE: Final[int] = 60 * MICROS_PER_SECOND
# A rate window keeps at most about this many samples (one per window / _WINDOW_SLOTS).
_WINDOW_SLOTS: Final[int] = 16


class Direction(StrEnum):
    HIGH = "high"
    LOW = "low"


class Trend(StrEnum):
    FALL = "fall"
    RISE = "rise"


class LevelledState:
    """One levelled rule's memory on one channel: its active level (0 = normal), the current run at each
    level (consecutive samples and the first one's time, µs) and, for a rate rule, its window.

    Flat slots, no lists, since 100 000 channels each hold one per non-idle rule: ~90 B instead of ~250 B.
    The window is one array of doubles, time and value interleaved, oldest first (times in µs are exact
    as doubles up to 2^53 µs, the year 2255). A threshold rule at rest is *idle* and needs no state at all:
    the evaluator creates one when a reading wakes the rule and drops it when it is idle again.
    """

    __slots__ = ("active", "count1", "count2", "rule_id", "since1", "since2", "window")

    def __init__(
        self,
        rule_id: str,
        active: int = 0,
        runs: tuple[int, int, int, int] = (0, 0, 0, 0),
        window: array[float] | None = None,
    ) -> None:
        self.rule_id = rule_id
        self.active = active
        self.count1, self.since1, self.count2, self.since2 = runs
        self.window = window

    @property
    def idle(self) -> bool:
        """Normal, no run counting and no window: the same as no state."""
        return not (self.active or self.count1 or self.count2 or self.window)

    def to_dict(self) -> dict[str, Any]:
        w = self.window or ()
        return {
            "active": self.active,
            "counts": [self.count1, self.count2],
            "since": [self.since1, self.since2],
            "window": [[int(w[i]), w[i + 1]] for i in range(0, len(w), 2)],
        }

    @classmethod
    def from_dict(cls, rule_id: str, data: dict[str, Any]) -> LevelledState:
        counts, since = (*data["counts"], 0, 0), (*data["since"], 0, 0)  # padded: a list of one level loads too
        window = data["window"]
        return cls(
            rule_id,
            int(data["active"]),
            (int(counts[0]), int(since[0]), int(counts[1]), int(since[1])),
            array("d", [float(x) for pair in window for x in (int(pair[0]), pair[1])]) if window else None,
        )


def _check_set_points(rule_id: str, side: Direction, first: float, second: float | None, deadband: float) -> None:
    values = (first, deadband) if second is None else (first, second, deadband)
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"规则 {rule_id} 的设定值必须为有限数值")
    if deadband < 0:
        raise ValueError(f"规则 {rule_id} 的回差（死区）不能为负数，实际为 {fmt(deadband)}")
    if second is not None and (second <= first if side is Direction.HIGH else second >= first):
        relation = "高于" if side is Direction.HIGH else "低于"
        raise ValueError(f"规则 {rule_id} 的二级设定值 {fmt(second)} 必须{relation}一级设定值 {fmt(first)}")


def _run(count: int, since: int, x: float, point: float, t_us: int, delay: Hold) -> tuple[int, int, bool]:
    """One level's run after signal ``x``: its new length and start, and whether it has held long enough."""
    if x < point:
        return 0, since, False
    if count == 0:
        since = t_us
    return count + 1, since, delay.met(count + 1, t_us - since)


def _next_level(st: LevelledState, x: float, t_us: int, points: tuple[float, ...], deadband: float, delay: Hold) -> int:
    """Update the runs with signal ``x`` (sign-normalised: higher is worse) and return the new level."""
    st.count1, st.since1, entered = _run(st.count1, st.since1, x, points[0], t_us, delay)
    target = 1 if entered or (st.active and x >= points[0] - deadband) else 0
    if len(points) > 1:
        st.count2, st.since2, entered = _run(st.count2, st.since2, x, points[1], t_us, delay)
        if entered or (st.active > 1 and x >= points[1] - deadband):
            target = 2
    return target


@dataclass(frozen=True, slots=True)
class _Episode:
    """What a levelled rule needs to word and emit its transitions."""

    rule_id: str
    name: str
    levels: tuple[Level, Level]
    labels: tuple[str, str]
    points: tuple[float, ...]
    deadband: float
    below: str  # "低于" for a high-side rule: recovery means the signal fell below the exit point
    category: Category = Category.PROCESS


def _step(
    ep: _Episode,
    st: LevelledState,
    spec: ChannelSpec,
    new: int,
    value: float,
    shown: str,
    unit: str,
    at: datetime,
    sign: float,
) -> Transition | None:
    """The transition from ``st.active`` to ``new`` (None when unchanged); updates ``st.active``."""
    old = st.active
    if new == old:
        return None
    st.active = new
    previous = ep.levels[old - 1] if old else None
    if new == 0:
        exit_point = sign * (ep.points[0] - ep.deadband)
        message = f"{ep.name}恢复正常：{shown}（已{ep.below} {fmt(exit_point)} {unit}）"
        return Transition(spec.source, ep.rule_id, Change.RECOVERED, None, previous, ep.category, value, at, message)
    level = ep.levels[new - 1]
    set_point = f"设定值 {fmt(sign * ep.points[new - 1])} {unit}"
    label = ep.labels[new - 1]
    if old == 0:
        change, message = Change.RAISED, f"{ep.name}{label}：{shown}，{set_point}"
    elif new > old:
        change, message = Change.ESCALATED, f"{ep.name}升级为{label}：{shown}，{set_point}"
    else:
        change, message = Change.DEESCALATED, f"{ep.name}降为{label}：{shown}"
    return Transition(spec.source, ep.rule_id, change, level, previous, ep.category, value, at, message)


@dataclass(frozen=True, slots=True)
class ThresholdRule:
    """Levelled set points on the value: high side H/HH or low side L/LL (``second`` optional).

    ``category=DEVICE`` makes it a device-fault rule (a detector's own fault output): one level, FAULT,
    so its alarms are device faults wherever it is used, not process alarms at H.
    """

    rule_id: str
    name: str
    direction: Direction
    first: float
    second: float | None = None
    deadband: float = 0.0
    delay: Hold = Hold()
    category: Category = Category.PROCESS
    _episode: _Episode = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_set_points(self.rule_id, self.direction, self.first, self.second, self.deadband)
        if self.category is Category.DEVICE and self.second is not None:
            raise ValueError(f"规则 {self.rule_id} 为设备故障规则，只有一级，不能设二级设定值")
        object.__setattr__(self, "_episode", self.episode())

    @property
    def set_points(self) -> tuple[float, ...]:
        return (self.first,) if self.second is None else (self.first, self.second)

    def episode(self) -> _Episode:
        sign = 1.0 if self.direction is Direction.HIGH else -1.0
        high = self.direction is Direction.HIGH
        points = tuple(sign * p for p in self.set_points)
        below = "低于" if high else "高于"
        if self.category is Category.DEVICE:  # the name says what failed ("感烟探测器故障"): no level label
            return _Episode(self.rule_id, self.name, (Level.FAULT, Level.FAULT), ("", ""), points, self.deadband,
                            below, Category.DEVICE)
        levels = (Level.H, Level.HH) if high else (Level.L, Level.LL)
        labels = (levels[0].label, levels[1].label)
        return _Episode(self.rule_id, self.name, levels, labels, points, self.deadband, below)

    def wakes(self, value: float) -> bool:
        """Whether ``value`` starts a run from rest; if not, an idle rule stays idle and needs no state."""
        return (value if self.direction is Direction.HIGH else -value) >= self._episode.points[0]

    def on_reading(
        self, st: LevelledState, spec: ChannelSpec, t_us: int, value: float, at: datetime
    ) -> Transition | None:
        sign = 1.0 if self.direction is Direction.HIGH else -1.0
        ep = self._episode
        new = _next_level(st, sign * value, t_us, ep.points, self.deadband, self.delay)
        if new == st.active:  # the common case: no change, so no message to word
            return None
        return _step(ep, st, spec, new, value, f"{fmt(value)} {spec.unit}", spec.unit, at, sign)


@dataclass(frozen=True, slots=True)
class RateOfChangeRule:
    """Set points on the change per minute over a sliding window, falling or rising (given as positive).

    The rate compares the current reading with the oldest one kept inside ``window_s``; it is computed
    only once that reading is at least ``min_span_s`` old (default half the window), so two close
    samples at start-up are not extrapolated to a minute.
    """

    rule_id: str
    name: str
    trend: Trend
    first: float
    second: float | None = None
    window_s: float = 60.0
    min_span_s: float | None = None
    deadband: float = 0.0
    delay: Hold = Hold()
    _episode: _Episode = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_set_points(self.rule_id, Direction.HIGH, self.first, self.second, self.deadband)
        if self.first <= 0:
            raise ValueError(f"规则 {self.rule_id} 的变化率设定值必须为正数（方向由 trend 指定）")
        if not math.isfinite(self.window_s) or self.window_s <= 0:
            raise ValueError(f"规则 {self.rule_id} 的时间窗必须为正数，实际为 {self.window_s}")
        if self.min_span_s is not None and not 0 < self.min_span_s <= self.window_s:
            raise ValueError(f"规则 {self.rule_id} 的最短跨度必须在 0 与时间窗 {fmt(self.window_s)} 秒之间")
        object.__setattr__(self, "_episode", self.episode())

    def episode(self) -> _Episode:
        points = (self.first,) if self.second is None else (self.first, self.second)
        labels = ("超限（一级）", "超限（二级）")
        return _Episode(self.rule_id, self.name, (Level.H, Level.HH), labels, points, self.deadband, "低于")

    def wakes(self, value: float) -> bool:
        """Always: every reading may enter the window."""
        return True

    def rate_per_minute(self, st: LevelledState, t_us: int, value: float) -> float | None:
        """Slide the window to ``t_us`` and return the change per minute, or None while too little history."""
        window_us = int(self.window_s * MICROS_PER_SECOND)
        min_span_us = int((self.min_span_s if self.min_span_s is not None else self.window_s / 2) * MICROS_PER_SECOND)
        w = st.window
        if w is None:
            w = st.window = array("d")
        cutoff = t_us - window_us
        drop = 0
        while drop < len(w) and w[drop] < cutoff:
            drop += 2
        if drop:
            del w[:drop]
        rate = None
        if w and t_us - w[0] >= min_span_us:
            rate = (value - w[1]) * _MICROS_PER_MINUTE / (t_us - w[0])
        if not w or t_us - w[-2] >= window_us // _WINDOW_SLOTS:
            w.append(t_us)
            w.append(value)
        return rate

    def on_reading(
        self, st: LevelledState, spec: ChannelSpec, t_us: int, value: float, at: datetime
    ) -> Transition | None:
        rate = self.rate_per_minute(st, t_us, value)
        if rate is None:
            return None
        signal = -rate if self.trend is Trend.FALL else rate
        ep = self._episode
        new = _next_level(st, signal, t_us, ep.points, self.deadband, self.delay)
        if new == st.active:
            return None
        verb = "下降" if self.trend is Trend.FALL else "上升"
        shown = f"{fmt(value)} {spec.unit}，{fmt(self.window_s)} 秒内每分钟{verb} {fmt(abs(rate))} {spec.unit}"
        return _step(ep, st, spec, new, value, shown, f"{spec.unit}/min", at, 1.0)
