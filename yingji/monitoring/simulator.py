"""Realistic readings for the demo county's devices: a pure, seeded generator (no Django, no I/O).

A :class:`SimChannel` says what a channel measures (its *profile*), how often it samples, and whether
it plays a scripted episode or is the stuck sensor. ``Simulator(channels, seed=…, start=…)`` yields the
value of sample ``k`` of a channel (taken at ``start + k × interval``) with :meth:`Simulator.value`, or
None for a dropout. The same seed, start and channel always give the same series, sample by sample, in
any order.

Series: a daily pattern (China Standard Time) + Gaussian noise, rounded to the sensor's resolution;
about 2 % of samples drop out (never inside a scripted episode of that channel). Episodes repeat every
``CYCLE_S`` seconds from the start, so a running demo keeps showing them:

===================  ==========  ==================================================================
episode              starts at   what
===================  ==========  ==================================================================
``leak``             20 s        combustible gas rises past 25 %LEL (at ``LEAK_LEVEL1_AT_S``), past
                                 50 %LEL (``LEAK_LEVEL2_AT_S``), holds at 66, recovers to background
``leak_neighbour``   20 s        the next detector of the same plant sees 30 % of the plume (< 25)
``burst``            300 s       water-main pressure falls to 10 % in 2 minutes (≈ 0.15 MPa/min),
                                 stays down 5 minutes, is restored over 5 minutes
``overheat``         600 s       a charging pile heats by 60 °C in 5 minutes (12 °C/min), holds 2
                                 minutes, cools over 8 minutes
``school_fire``      900 s       a school's smoke detector reports fire (status 1) for 3 minutes
``manhole_gas``      1200 s      methane in a manhole rises past 25 %LEL (at 50 s) and 50 %LEL
                                 (at 100 s), holds 2 minutes, clears over 90 s
``bridge_overload``  1500 s      a heavy load adds 60 % of the design deflection limit for 2 minutes
                                 (to 85–95 % of the limit: past the 80 % level, under 100 %)
===================  ==========  ==================================================================

Episodes of a status channel (``smoke_alarm``) are 0/1; ``bridge_deflection`` and ``tank_level`` scale
by the channel's design value.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

CYCLE_S: Final = 1800.0
DROPOUT_RATE: Final = 0.02
_CST_OFFSET_S: Final = 8 * 3600

# (start within the cycle, keyframes (seconds from the episode's start, value)).
LEAK_START_S: Final = 20.0
LEAK_KEYFRAMES: Final = ((0.0, 0.0), (30.0, 30.0), (60.0, 66.0), (150.0, 66.0), (210.0, 0.0))  # %LEL added
NEIGHBOUR_SHARE: Final = 0.3
BURST_START_S: Final = 300.0
BURST_KEYFRAMES: Final = ((0.0, 1.0), (120.0, 0.1), (420.0, 0.1), (720.0, 1.0))  # × normal pressure
OVERHEAT_START_S: Final = 600.0
OVERHEAT_KEYFRAMES: Final = ((0.0, 0.0), (300.0, 60.0), (420.0, 60.0), (900.0, 0.0))  # °C added

SCHOOL_FIRE_START_S: Final = 900.0
SCHOOL_FIRE_KEYFRAMES: Final = ((0.0, 0.0), (1.0, 1.0), (180.0, 1.0), (181.0, 0.0))  # status
MANHOLE_START_S: Final = 1200.0
MANHOLE_KEYFRAMES: Final = ((0.0, 0.0), (60.0, 30.0), (120.0, 60.0), (240.0, 60.0), (330.0, 0.0))  # %LEL added
BRIDGE_START_S: Final = 1500.0
BRIDGE_KEYFRAMES: Final = ((0.0, 0.0), (30.0, 0.6), (150.0, 0.6), (180.0, 0.0))  # × design limit added

EPISODES: Final = {
    "leak": (LEAK_START_S, LEAK_KEYFRAMES),
    "leak_neighbour": (LEAK_START_S, LEAK_KEYFRAMES),
    "burst": (BURST_START_S, BURST_KEYFRAMES),
    "overheat": (OVERHEAT_START_S, OVERHEAT_KEYFRAMES),
    "school_fire": (SCHOOL_FIRE_START_S, SCHOOL_FIRE_KEYFRAMES),
    "manhole_gas": (MANHOLE_START_S, MANHOLE_KEYFRAMES),
    "bridge_overload": (BRIDGE_START_S, BRIDGE_KEYFRAMES),
}

# Profiles: the metric names of the rule packs.
PROFILES: Final = ("combustible_gas", "h2s", "tank_level", "tank_temperature", "water_pressure", "pile_temperature",
                   "smoke_alarm", "smoke_fault", "methane", "bridge_deflection")
# Physical range per profile (outside it the rule engine reports a sensor fault); SCALED ones × the design value.
RANGES: Final[dict[str, tuple[float, float]]] = {
    "combustible_gas": (0.0, 100.0),
    "h2s": (0.0, 100.0),
    "tank_level": (0.0, 1.0),  # × design level
    "tank_temperature": (-40.0, 100.0),
    "water_pressure": (0.0, 1.6),
    "pile_temperature": (-40.0, 150.0),
    "smoke_alarm": (0.0, 1.0),
    "smoke_fault": (0.0, 1.0),
    "methane": (0.0, 100.0),
    "bridge_deflection": (0.0, 2.0),  # × design deflection limit
}
SCALED: Final = frozenset({"tank_level", "bridge_deflection"})
_RESOLUTION: Final = {"combustible_gas": 0.1, "h2s": 0.01, "tank_level": 0.01, "tank_temperature": 0.1,
                      "water_pressure": 0.001, "pile_temperature": 0.1, "smoke_alarm": 1.0, "smoke_fault": 1.0,
                      "methane": 0.1, "bridge_deflection": 0.01}


@dataclass(frozen=True, slots=True)
class SimChannel:
    """One channel to simulate: ``ref`` is "device code/metric", ``profile`` one of PROFILES."""

    ref: str
    profile: str
    interval_s: float
    design: float | None = None
    episode: str | None = None
    stuck: bool = False

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(f"unknown profile {self.profile!r}")
        if self.episode is not None and self.episode not in EPISODES:
            raise ValueError(f"unknown episode {self.episode!r}")
        if not self.interval_s > 0:
            raise ValueError("interval_s must be positive")


@dataclass(frozen=True, slots=True)
class Sample:
    ref: str
    k: int
    offset_s: float  # seconds of scenario time since the start
    value: float | None  # None: a dropout (nothing is sent)


def interpolate(keyframes: Sequence[tuple[float, float]], t: float) -> float:
    """Piecewise-linear value at t (held flat before the first and after the last keyframe)."""
    if t <= keyframes[0][0]:
        return keyframes[0][1]
    for (t0, v0), (t1, v1) in zip(keyframes, keyframes[1:], strict=False):
        if t <= t1:
            return v0 + (v1 - v0) * (t - t0) / (t1 - t0)
    return keyframes[-1][1]


def first_crossing(keyframes: Sequence[tuple[float, float]], level: float) -> float:
    """The first time the keyframed envelope reaches ``level`` going up (ValueError if it never does)."""
    for (t0, v0), (t1, v1) in zip(keyframes, keyframes[1:], strict=False):
        if v0 < level <= v1:
            return t0 + (level - v0) * (t1 - t0) / (v1 - v0)
    raise ValueError(f"the envelope never reaches {level}")


# Scenario times (seconds after the start, first cycle) at which the leak passes the GB/T 50493 levels.
LEAK_LEVEL1_AT_S: Final = LEAK_START_S + first_crossing(LEAK_KEYFRAMES, 25.0)
LEAK_LEVEL2_AT_S: Final = LEAK_START_S + first_crossing(LEAK_KEYFRAMES, 50.0)
MANHOLE_LEVEL1_AT_S: Final = MANHOLE_START_S + first_crossing(MANHOLE_KEYFRAMES, 25.0)
MANHOLE_LEVEL2_AT_S: Final = MANHOLE_START_S + first_crossing(MANHOLE_KEYFRAMES, 50.0)


def episode_window(episode: str) -> tuple[float, float]:
    """(start, end) of an episode within the cycle, in seconds."""
    start, frames = EPISODES[episode]
    return start, start + frames[-1][0]


class Simulator:
    """Seeded series for a set of channels from a start time; see the module docstring."""

    def __init__(self, channels: Sequence[SimChannel], *, seed: int = 0, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        self.channels = {c.ref: c for c in channels}
        self.seed = seed
        self.start = start
        self._start_ts = start.timestamp()

    def _rng(self, ref: str, k: int) -> random.Random:
        return random.Random(f"{self.seed}|{ref}|{k}")  # a str seed is hashed with SHA-512: stable everywhere

    def _phase(self, ref: str) -> float:
        return random.Random(f"{self.seed}|{ref}|phase").random()

    def in_episode(self, channel: SimChannel, offset_s: float) -> bool:
        if channel.episode is None:
            return False
        begin, end = episode_window(channel.episode)
        return begin <= offset_s % CYCLE_S <= end

    def value(self, ref: str, k: int) -> float | None:
        """Sample k of the channel (taken at start + k × interval), or None for a dropout."""
        channel = self.channels[ref]
        offset = k * channel.interval_s
        rng = self._rng(ref, k)
        dropout = rng.random() < DROPOUT_RATE
        noise = rng.gauss(0.0, 1.0)
        if dropout and not self.in_episode(channel, offset):
            return None
        hour = ((self._start_ts + _CST_OFFSET_S + offset) % 86400) / 3600
        value = self._normal(channel, hour, noise)
        if channel.stuck:
            value = self._normal(channel, 3.0, 0.0)  # frozen at a night-time reading
        elif channel.episode is not None:
            value = self._episode(channel, offset, value, noise)
        low, high = RANGES[channel.profile]
        if channel.profile in SCALED:
            low, high = low * (channel.design or 1), high * (channel.design or 1)
        step = _RESOLUTION[channel.profile]
        return round(round(min(max(value, low), high) / step) * step, 6)

    def _normal(self, channel: SimChannel, hour: float, noise: float) -> float:
        """The channel's everyday value: daily pattern plus noise."""
        phase = self._phase(channel.ref)
        day = math.sin(2 * math.pi * (hour - 9) / 24)  # +1 at 15:00, −1 at 03:00
        match channel.profile:
            case "combustible_gas":  # background 0–3 %LEL, a little higher in the warm afternoon
                return max(0.0, 0.8 + 0.4 * day + 0.3 * noise)
            case "h2s":  # mg/m³, well under the 10 mg/m³ OEL
                return max(0.0, 0.3 + 0.1 * day + 0.08 * noise)
            case "tank_level":  # filled at night, drawn down by day: 35–65 % of the design level
                design = channel.design or 1.0
                return design * (0.5 + 0.12 * math.sin(2 * math.pi * (hour / 24 + phase)) + 0.002 * noise)
            case "tank_temperature":  # follows the air: 12–24 °C
                return 18 + 5 * day + 0.3 * noise
            case "water_pressure":  # lower at the morning and evening demand peaks: 0.27–0.35 MPa
                peaks = math.exp(-((hour - 7.5) ** 2) / 2) + math.exp(-((hour - 19) ** 2) / 3)
                return 0.34 - 0.05 * peaks + 0.01 * (phase - 0.5) + 0.003 * noise
            case "pile_temperature":  # ambient plus heat while charging (busier by day)
                charging = 8 + 6 * max(0.0, day)
                return 16 + 6 * day + charging + 0.4 * noise
            case "methane":  # a manhole: 0–2 %LEL of sewer gas, a little more in the warm afternoon
                return max(0.0, 0.6 + 0.3 * day + 0.3 * noise)
            case "bridge_deflection":  # under traffic: 25–35 % of the design limit, busier by day
                design = channel.design or 1.0
                return design * (0.25 + 0.1 * max(0.0, day) + 0.01 * noise)
            case _:  # smoke_alarm, smoke_fault: a status, normally 0
                return 0.0

    def _episode(self, channel: SimChannel, offset: float, normal: float, noise: float) -> float:
        assert channel.episode is not None
        start, frames = EPISODES[channel.episode]
        envelope = interpolate(frames, offset % CYCLE_S - start)
        match channel.episode:
            case "leak":
                return normal + envelope + (0.8 * noise if envelope else 0.0)
            case "leak_neighbour":
                return normal + NEIGHBOUR_SHARE * envelope
            case "burst":
                return normal * envelope
            case "school_fire":
                return envelope
            case "manhole_gas":
                return normal + envelope + (0.5 * noise if envelope else 0.0)
            case "bridge_overload":
                return normal + envelope * (channel.design or 1.0)
            case _:  # overheat
                return normal + envelope

    def samples(self, ref: str, until_s: float, *, since_k: int = 0) -> Iterator[Sample]:
        """Samples ``since_k``, ``since_k + 1`` … of a channel taken up to scenario time ``until_s``."""
        channel = self.channels[ref]
        k = since_k
        while k * channel.interval_s <= until_s:
            yield Sample(ref, k, k * channel.interval_s, self.value(ref, k))
            k += 1

    def time_of(self, sample: Sample, *, speed: float = 1.0) -> datetime:
        """The sample's timestamp: scenario time compressed by ``speed`` (1 = real time)."""
        return self.start + timedelta(seconds=sample.offset_s / speed)
