"""Device-health rules: out of physical range (sensor fault), no data (offline) and flat line (stuck).

These raise device faults, not process alarms: the sensor cannot be trusted, so maintenance is called
rather than the plant's operators.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from yingji.monitoring.rules.base import MICROS_PER_SECOND, Category, Change, ChannelSpec, Hold, Level, Transition, fmt

__all__ = ["FlatLineRule", "FlatState", "OfflineRule", "RangeRule"]


def _device(
    spec: ChannelSpec, rule_id: str, change: Change, level: Level, value: float | None, at: datetime, message: str
) -> Transition:
    raised = change is Change.RAISED
    return Transition(
        spec.source,
        rule_id,
        change,
        level if raised else None,
        None if raised else level,
        Category.DEVICE,
        value,
        at,
        message,
    )


@dataclass(frozen=True, slots=True)
class RangeRule:
    """A reading outside the valid range is a sensor fault; process rules skip it.

    The valid range is the channel's physical range, or ``low`` / ``high`` where a channel's own rule sets a
    plausible range (a pressure main that can never read above 1.0 MPa on a 0–1.6 MPa transmitter).
    """

    rule_id: str = "range"
    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        if self.low is not None and self.high is not None and self.low >= self.high:
            raise ValueError(f"规则 {self.rule_id} 的有效范围下限 {fmt(self.low)} 必须小于上限 {fmt(self.high)}")

    def bounds(self, spec: ChannelSpec) -> ChannelSpec:
        """The spec with this rule's valid range in force (the spec itself when the rule sets none)."""
        if self.low is None and self.high is None:
            return spec
        low = self.low if self.low is not None else spec.range_min
        high = self.high if self.high is not None else spec.range_max
        return ChannelSpec(spec.source, spec.unit, spec.sample_interval_s, low, high)

    def on_reading(self, active: bool, spec: ChannelSpec, value: float, at: datetime) -> Transition | None:
        valid = self.bounds(spec)
        inside = valid.in_range(value)
        if inside == (not active):
            return None
        if inside:
            return _device(
                spec,
                self.rule_id,
                Change.RECOVERED,
                Level.FAULT,
                value,
                at,
                f"读数回到量程 {valid.range_text} 内：{fmt(value)} {spec.unit}",
            )
        return _device(
            spec,
            self.rule_id,
            Change.RAISED,
            Level.FAULT,
            value,
            at,
            f"读数 {fmt(value)} {spec.unit} 超出量程 {valid.range_text}，判定为传感器故障",
        )


@dataclass(frozen=True, slots=True)
class OfflineRule:
    """No reading for more than ``intervals`` × the channel's sample interval: the device is offline.

    Raised by ``tick(now)``; the next reading recovers it. Measured from the newest reading's own time
    (or the first tick, for a channel that never reported).
    """

    rule_id: str = "offline"
    intervals: float = 3.0

    def __post_init__(self) -> None:
        if not math.isfinite(self.intervals) or self.intervals <= 0:
            raise ValueError(f"规则 {self.rule_id} 的离线判定倍数必须为正数，实际为 {self.intervals}")

    def limit_us(self, spec: ChannelSpec) -> int:
        return int(self.intervals * spec.sample_interval_s * MICROS_PER_SECOND)

    def on_tick(self, spec: ChannelSpec, silent_us: int, at: datetime) -> Transition | None:
        if silent_us <= self.limit_us(spec):
            return None
        return _device(
            spec,
            self.rule_id,
            Change.RAISED,
            Level.OFFLINE,
            None,
            at,
            f"设备离线：已 {fmt(silent_us / MICROS_PER_SECOND)} 秒无数据"
            f"（超过 {fmt(self.intervals)} × 采样周期 {fmt(spec.sample_interval_s)} 秒）",
        )

    def on_back(self, spec: ChannelSpec, value: float, at: datetime) -> Transition:
        return _device(
            spec, self.rule_id, Change.RECOVERED, Level.OFFLINE, value, at, f"设备恢复上线：{fmt(value)} {spec.unit}"
        )


@dataclass(slots=True)
class FlatState:
    """The current flat run: its reference value, first reading time and length; and whether raised."""

    active: bool = False
    ref: float | None = None
    since: int = 0
    count: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"active": self.active, "ref": self.ref, "since": self.since, "count": self.count}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FlatState:
        ref = data["ref"]
        return cls(bool(data["active"]), None if ref is None else float(ref), int(data["since"]), int(data["count"]))


@dataclass(frozen=True, slots=True)
class FlatLineRule:
    """Readings within ``epsilon`` of the run's first value for ``hold`` (samples and/or seconds): stuck.

    Measured against the run's first value, not the previous reading, so a slow drift still breaks the
    run. Do not use it on channels that legitimately sit still (a gas detector reading 0 in clean air).
    """

    rule_id: str = "flat_line"
    epsilon: float = 0.0
    hold: Hold = Hold(samples=30)

    def __post_init__(self) -> None:
        if not math.isfinite(self.epsilon) or self.epsilon < 0:
            raise ValueError(f"规则 {self.rule_id} 的允差不能为负数或非有限值，实际为 {self.epsilon}")
        if self.hold.samples < 2 and self.hold.seconds <= 0:
            raise ValueError(f"规则 {self.rule_id} 需要至少 2 个读数或正的持续秒数")

    def on_reading(self, st: FlatState, spec: ChannelSpec, t_us: int, value: float, at: datetime) -> Transition | None:
        if st.ref is not None and abs(value - st.ref) <= self.epsilon:
            st.count += 1
            if st.active or not self.hold.met(st.count, t_us - st.since):
                return None
            st.active = True
            return _device(
                spec,
                self.rule_id,
                Change.RAISED,
                Level.STUCK,
                value,
                at,
                f"传感器疑似卡滞：{st.count} 个读数、{fmt((t_us - st.since) / MICROS_PER_SECOND)} 秒内"
                f"保持 {fmt(st.ref)} {spec.unit}（允差 {fmt(self.epsilon)}）",
            )
        was_active = st.active
        st.active, st.ref, st.since, st.count = False, value, t_us, 1
        if not was_active:
            return None
        return _device(
            spec,
            self.rule_id,
            Change.RECOVERED,
            Level.STUCK,
            value,
            at,
            f"传感器读数恢复变化：{fmt(value)} {spec.unit}",
        )
