"""The shapes of a rule pack: settings with their source and basis, and templates that build rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from yingji.monitoring.rules import (
    Category,
    ChannelRules,
    ChannelSpec,
    Direction,
    FlatLineRule,
    Hold,
    OfflineRule,
    RateOfChangeRule,
    ThresholdRule,
    Trend,
)

__all__ = ["Basis", "ChannelTemplate", "RateTemplate", "RulePack", "Setting", "ThresholdTemplate"]


class Basis(StrEnum):
    STANDARD = "standard"
    AT_MOST = "at_most"
    CONFIGURABLE = "configurable"


@dataclass(frozen=True, slots=True)
class Setting:
    """One number of a pack, with its unit, where it comes from, and whether a site may change it."""

    key: str
    value: float
    unit: str
    source: str
    basis: Basis = Basis.CONFIGURABLE
    verify: bool = False
    bounds: tuple[float, float] | None = None  # a range a standard allows a site to set within (inclusive)

    @property
    def configurable(self) -> bool:
        return self.basis is not Basis.STANDARD

    def resolve(self, override: float | None) -> float:
        """The value in force: the default, or a site's override where the basis allows it.

        :raises ValueError: (Chinese message) overriding a value a standard fixes, raising one it caps, or
            setting one outside the range a standard allows (``bounds``).
        """
        if override is None or override == self.value:
            return self.value
        if self.basis is Basis.STANDARD:
            raise ValueError(f"{self.key} = {self.value} {self.unit} 由标准规定（{self.source}），不可修改")
        if self.basis is Basis.AT_MOST and override > self.value:
            raise ValueError(f"{self.key} 不得高于 {self.value} {self.unit}（{self.source}），收到 {override}")
        if self.bounds is not None and not self.bounds[0] <= override <= self.bounds[1]:
            low, high = self.bounds
            raise ValueError(f"{self.key} 须在 {low:g}–{high:g} {self.unit} 之间（{self.source}），收到 {override}")
        return float(override)


@dataclass(frozen=True, slots=True)
class ThresholdTemplate:
    """A threshold rule whose numbers are setting keys (``second``, ``deadband``, ``delay_s`` optional).

    ``category=DEVICE`` for a device's own fault output: its alarms are device faults (level FAULT).
    """

    rule_id: str
    name: str
    direction: Direction
    first: str
    second: str | None = None
    deadband: str | None = None
    delay_s: str | None = None
    category: Category = Category.PROCESS

    def build(self, values: Mapping[str, float], scale: float) -> ThresholdRule:
        second = None if self.second is None else values[self.second] * scale
        deadband = 0.0 if self.deadband is None else values[self.deadband] * scale
        delay = Hold(seconds=0.0 if self.delay_s is None else values[self.delay_s])
        return ThresholdRule(
            self.rule_id, self.name, self.direction, values[self.first] * scale, second, deadband, delay, self.category
        )


@dataclass(frozen=True, slots=True)
class RateTemplate:
    """A rate-of-change rule whose numbers are setting keys (``deadband`` keeps a level from flapping)."""

    rule_id: str
    name: str
    trend: Trend
    first: str
    window_s: str
    second: str | None = None
    deadband: str | None = None

    def build(self, values: Mapping[str, float]) -> RateOfChangeRule:
        second = None if self.second is None else values[self.second]
        deadband = 0.0 if self.deadband is None else values[self.deadband]
        return RateOfChangeRule(
            self.rule_id, self.name, self.trend, values[self.first], second, values[self.window_s], deadband=deadband
        )


@dataclass(frozen=True, slots=True)
class ChannelTemplate:
    """The rules for one metric of a device type.

    ``design`` names the design value the threshold settings are fractions of (tanks); ``flat_line``
    turns the stuck-sensor check on with the ``flat_epsilon`` and ``flat_samples`` settings.
    """

    metric: str
    name: str
    unit: str
    settings: tuple[Setting, ...]
    thresholds: tuple[ThresholdTemplate, ...] = ()
    rates: tuple[RateTemplate, ...] = ()
    flat_line: bool = False
    range_min: float | None = None
    range_max: float | None = None
    design: str | None = None

    def setting(self, key: str) -> Setting:
        for s in self.settings:
            if s.key == key:
                return s
        raise KeyError(key)

    def values(self, overrides: Mapping[str, float] | None = None) -> dict[str, float]:
        """Every setting's value in force.

        :raises ValueError: an unknown key, or an override the setting's basis does not allow.
        """
        overrides = overrides or {}
        known = {s.key for s in self.settings}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ValueError(f"{self.name}没有设置项 {'、'.join(unknown)}（可用：{'、'.join(sorted(known))}）")
        return {s.key: s.resolve(overrides.get(s.key)) for s in self.settings}

    def build(
        self,
        source: str,
        *,
        sample_interval_s: float,
        overrides: Mapping[str, float] | None = None,
        design: float | None = None,
        range_min: float | None = None,
        range_max: float | None = None,
    ) -> ChannelRules:
        """The rules for one channel. ``range_min``/``range_max`` default to the template's typical range.

        :raises ValueError: a bad override, a missing or non-positive design value, or a set point
            outside the channel's range (for toxic gas: use 5 % / 10 % IDLH, GB/T 50493-2019).
        """
        values = self.values(overrides)
        scale = 1.0
        if self.design is not None:
            if design is None or design <= 0:
                raise ValueError(f"{self.name}的阈值按{self.design}的比例设定，须提供正的{self.design}")
            scale = design
        spec = ChannelSpec(
            source,
            self.unit,
            sample_interval_s,
            self.range_min if range_min is None else range_min,
            self.range_max if range_max is None else range_max,
        )
        thresholds = tuple(t.build(values, scale) for t in self.thresholds)
        for rule in thresholds:
            for point in rule.set_points:
                if not spec.in_range(point):
                    raise ValueError(
                        f"{self.name}设定值 {point:g} {self.unit} 超出探测器量程 {spec.range_text}；"
                        "量程不能覆盖时，有毒气体可按 GB/T 50493-2019 改用 5 % / 10 % IDLH（通过 overrides 设置）"
                    )
        flat = None
        if self.flat_line:
            flat = FlatLineRule(epsilon=values["flat_epsilon"], hold=Hold(samples=int(values["flat_samples"])))
        return ChannelRules(
            spec,
            thresholds,
            tuple(r.build(values) for r in self.rates),
            flat,
            OfflineRule(intervals=values["offline_intervals"]),
        )


@dataclass(frozen=True, slots=True)
class RulePack:
    """The channel templates of one device type."""

    device_type: str
    name: str
    channels: tuple[ChannelTemplate, ...]

    def channel(self, metric: str) -> ChannelTemplate:
        for c in self.channels:
            if c.metric == metric:
                return c
        raise KeyError(metric)
