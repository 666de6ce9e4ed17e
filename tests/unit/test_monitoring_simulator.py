"""The demo simulator: seeded, physically plausible, and its gas leak crosses the levels when scripted."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from yingji.monitoring.simulator import (
    CYCLE_S,
    LEAK_LEVEL1_AT_S,
    LEAK_LEVEL2_AT_S,
    RANGES,
    SimChannel,
    Simulator,
    episode_window,
)

START = datetime(2026, 5, 1, 0, 0, tzinfo=UTC)
CHANNELS = [
    SimChannel("GAS-1/combustible_gas", "combustible_gas", 10, episode="leak"),
    SimChannel("GAS-2/combustible_gas", "combustible_gas", 10, episode="leak_neighbour"),
    SimChannel("GAS-3/combustible_gas", "combustible_gas", 10),
    SimChannel("TOX/h2s", "h2s", 15),
    SimChannel("TANK/tank_level", "tank_level", 30, design=15),
    SimChannel("TANK/tank_temperature", "tank_temperature", 60),
    SimChannel("WM-1/water_pressure", "water_pressure", 15, episode="burst"),
    SimChannel("WM-2/water_pressure", "water_pressure", 15),
    SimChannel("WM-4/water_pressure", "water_pressure", 15, stuck=True),
    SimChannel("EV-1/pile_temperature", "pile_temperature", 20, episode="overheat"),
    SimChannel("EV-2/pile_temperature", "pile_temperature", 20),
]
# Everyday bounds (outside episodes): well inside the physical ranges and under every alarm set point.
EVERYDAY = {"combustible_gas": (0, 5), "h2s": (0, 2), "tank_level": (0.3 * 15, 0.7 * 15),
            "tank_temperature": (5, 30), "water_pressure": (0.25, 0.40), "pile_temperature": (5, 45)}
DAY_S = 86400


def series(sim: Simulator, ref: str, seconds: float) -> list[tuple[float, float | None]]:
    return [(s.offset_s, s.value) for s in sim.samples(ref, seconds)]


def test_same_seed_same_series_and_another_seed_differs() -> None:
    a, b = Simulator(CHANNELS, seed=7, start=START), Simulator(CHANNELS, seed=7, start=START)
    c = Simulator(CHANNELS, seed=8, start=START)
    for channel in CHANNELS:
        assert series(a, channel.ref, 3600) == series(b, channel.ref, 3600)
    assert series(a, "WM-2/water_pressure", 3600) != series(c, "WM-2/water_pressure", 3600)
    # sample by sample, in any order
    assert [a.value("TOX/h2s", k) for k in (90, 3, 40)] == [b.value("TOX/h2s", k) for k in (90, 3, 40)]


def test_everyday_values_are_plausible_over_a_day_with_some_dropouts() -> None:
    sim = Simulator(CHANNELS, seed=1, start=START)
    for channel in CHANNELS:
        low, high = EVERYDAY[channel.profile]
        points = series(sim, channel.ref, DAY_S)
        values = [v for t, v in points if v is not None and not sim.in_episode(channel, t)]
        assert values and all(low <= v <= high for v in values), (channel.ref, min(values), max(values))
        if not channel.stuck:
            assert len(set(values)) > 10, channel.ref  # noise: not a flat line
        dropouts = sum(v is None for _, v in points)
        assert 0 < dropouts < 0.05 * len(points), channel.ref


def test_daily_pattern_water_pressure_lowest_at_the_morning_peak() -> None:
    sim = Simulator(CHANNELS, seed=1, start=datetime(2026, 5, 1, 0, 0, tzinfo=UTC))  # 08:00 in Panshan
    night = [v for t, v in series(sim, "WM-2/water_pressure", DAY_S) if v is not None and 64800 <= t <= 68400]
    morning = [v for t, v in series(sim, "WM-2/water_pressure", 1800) if v is not None]  # 08:00–08:30
    assert sum(morning) / len(morning) < sum(night) / len(night) - 0.02  # 02:00–03:00 at night is higher


def test_the_stuck_sensor_repeats_one_value() -> None:
    sim = Simulator(CHANNELS, seed=1, start=START)
    values = {v for _, v in series(sim, "WM-4/water_pressure", 3600) if v is not None}
    assert len(values) == 1


def test_episode_values_stay_within_the_physical_range() -> None:
    sim = Simulator(CHANNELS, seed=3, start=START)
    for channel in CHANNELS:
        low, high = RANGES[channel.profile]
        scale = channel.design or 1 if channel.profile == "tank_level" else 1
        assert all(low * scale <= v <= high * scale
                   for _, v in series(sim, channel.ref, CYCLE_S) if v is not None), channel.ref


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_gas_leak_crosses_25_then_50_lel_at_the_scripted_times_and_recovers(seed: int) -> None:
    sim = Simulator(CHANNELS, seed=seed, start=START)
    points = series(sim, "GAS-1/combustible_gas", CYCLE_S)
    assert all(v is not None for t, v in points if 20 <= t <= 240)  # no dropout during the episode
    first_25 = next(t for t, v in points if v is not None and v >= 25)
    first_50 = next(t for t, v in points if v is not None and v >= 50)
    assert LEAK_LEVEL1_AT_S <= first_25 < LEAK_LEVEL1_AT_S + 10
    assert LEAK_LEVEL2_AT_S <= first_50 < LEAK_LEVEL2_AT_S + 10
    assert first_50 < 90  # a newcomer sees the level-2 alarm within a minute and a half
    _, end = episode_window("leak")
    assert all(v is not None and v < 5 for t, v in points if end + 10 <= t <= end + 600 and v is not None)
    neighbour = [v for _, v in series(sim, "GAS-2/combustible_gas", 400) if v is not None]
    assert 10 < max(neighbour) < 23  # sees the plume, stays under level 1 (and its deadband)
    # the script repeats every cycle
    again = sim.value("GAS-1/combustible_gas", int((CYCLE_S + 120) / 10))
    assert again is not None and again > 50


def test_water_main_burst_drops_faster_than_the_second_level_rate() -> None:
    sim = Simulator(CHANNELS, seed=0, start=START)
    points = dict(series(sim, "WM-1/water_pressure", CYCLE_S))
    before, during = points[300.0], points[420.0]
    assert before is not None and during is not None
    assert (before - during) / 2 > 0.05  # MPa per minute, the pack's second level
    assert during < 0.14  # under the minimum service pressure


def test_charging_pile_overheats_past_both_levels() -> None:
    sim = Simulator(CHANNELS, seed=0, start=START)
    values = [v for t, v in series(sim, "EV-1/pile_temperature", CYCLE_S) if v is not None and 600 <= t <= 1100]
    assert max(values) >= 75


def test_bad_channels_are_refused() -> None:
    with pytest.raises(ValueError):
        SimChannel("X/y", "pressure", 10)
    with pytest.raises(ValueError):
        SimChannel("X/y", "h2s", 10, episode="earthquake")
    with pytest.raises(ValueError):
        Simulator(CHANNELS, start=datetime(2026, 5, 1))  # noqa: DTZ001
