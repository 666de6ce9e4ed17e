"""Vocabulary shared by every rule kind: readings, levels, transitions, holds and time in microseconds.

Times are kept as integer microseconds since the Unix epoch: exact, JSON-safe and cheap to compare, so a
state serialised mid-episode continues exactly where it stopped. Only timezone-aware datetimes enter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final

__all__ = [
    "Category",
    "Change",
    "ChannelSpec",
    "Hold",
    "Level",
    "Reading",
    "Transition",
    "fmt",
    "to_micros",
]

_EPOCH: Final[datetime] = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO: Final[timedelta] = timedelta(microseconds=1)
MICROS_PER_SECOND: Final[int] = 1_000_000


def to_micros(at: datetime, what: str = "读数时间") -> int:
    """Microseconds since the epoch for an aware datetime.

    :raises ValueError: (Chinese message) the datetime is naive.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{what}必须带时区（收到无时区时间 {at.isoformat()}）")
    return (at - _EPOCH) // _MICRO


def fmt(value: float) -> str:
    """A number as operators read it: no trailing zeros, at most 4 decimals."""
    return f"{value:.4f}".rstrip("0").rstrip(".") if math.isfinite(value) else str(value)


class Level(StrEnum):
    """The level a rule is active at. H/L first alarm, HH/LL second alarm; the rest are device faults."""

    H = "H"
    HH = "HH"
    L = "L"
    LL = "LL"
    OFFLINE = "OFFLINE"
    STUCK = "STUCK"
    FAULT = "FAULT"

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self]

    @property
    def rank(self) -> int:
        """1 for a first alarm or a device fault, 2 for a second alarm."""
        return 2 if self in (Level.HH, Level.LL) else 1


_LEVEL_LABELS: Final[dict[Level, str]] = {
    Level.H: "高报（一级）",
    Level.HH: "高高报（二级）",
    Level.L: "低报（一级）",
    Level.LL: "低低报（二级）",
    Level.OFFLINE: "设备离线",
    Level.STUCK: "传感器卡滞",
    Level.FAULT: "传感器故障",
}


class Category(StrEnum):
    """A process alarm (the plant is in danger) or a device fault (the sensor cannot be trusted)."""

    PROCESS = "process"
    DEVICE = "device"


class Change(StrEnum):
    """What happened to a (source, rule) episode."""

    RAISED = "raised"
    ESCALATED = "escalated"
    DEESCALATED = "deescalated"
    RECOVERED = "recovered"


@dataclass(frozen=True, slots=True)
class Reading:
    """One measured value of a channel at an instant."""

    at: datetime
    value: float


@dataclass(frozen=True, slots=True)
class Transition:
    """A change of an episode: ``level`` is the level now active (None once recovered)."""

    source: str
    rule_id: str
    change: Change
    level: Level | None
    previous: Level | None
    category: Category
    value: float | None
    at: datetime
    message: str


@dataclass(frozen=True, slots=True)
class Hold:
    """How long a condition must hold before it counts: every criterion given must be met.

    ``samples`` consecutive readings (the first one included) and ``seconds`` from the first reading of
    the run to the current one. The default, one sample and no seconds, counts at once.
    """

    samples: int = 1
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.samples < 1:
            raise ValueError(f"保持条件的读数个数至少为 1，实际为 {self.samples}")
        if not math.isfinite(self.seconds) or self.seconds < 0:
            raise ValueError(f"保持条件的秒数不能为负数或非有限值，实际为 {self.seconds}")

    def met(self, count: int, span_us: int) -> bool:
        return count >= self.samples and span_us >= self.seconds * MICROS_PER_SECOND


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    """What the rules need to know about a channel: who it is, its unit, range and sample interval."""

    source: str
    unit: str
    sample_interval_s: float
    range_min: float | None = None
    range_max: float | None = None

    def __post_init__(self) -> None:
        if not math.isfinite(self.sample_interval_s) or self.sample_interval_s <= 0:
            raise ValueError(f"通道 {self.source} 的采样周期必须为正数，实际为 {self.sample_interval_s}")
        if self.range_min is not None and self.range_max is not None and self.range_min >= self.range_max:
            raise ValueError(f"通道 {self.source} 的量程下限 {self.range_min} 必须小于上限 {self.range_max}")

    def in_range(self, value: float) -> bool:
        return (self.range_min is None or value >= self.range_min) and (
            self.range_max is None or value <= self.range_max
        )

    @property
    def range_text(self) -> str:
        low = "-∞" if self.range_min is None else fmt(self.range_min)
        high = "+∞" if self.range_max is None else fmt(self.range_max)
        return f"[{low}, {high}] {self.unit}"
