"""Every scripted episode of the simulator, fed through its device type's rule pack, raises at the scripted time.

Pure: the simulator's samples go straight into a `ChannelEvaluator` built from the pack, as ingestion would.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from yingji.monitoring.rule_packs import pack_for
from yingji.monitoring.rules import Change, ChannelEvaluator, Level, Reading
from yingji.monitoring.simulator import (
    BRIDGE_START_S,
    BURST_START_S,
    LEAK_LEVEL1_AT_S,
    LEAK_LEVEL2_AT_S,
    MANHOLE_LEVEL1_AT_S,
    MANHOLE_LEVEL2_AT_S,
    OVERHEAT_START_S,
    SCHOOL_FIRE_START_S,
    SimChannel,
    Simulator,
    episode_window,
)

START = datetime(2026, 5, 1, 0, 0, tzinfo=UTC)

# (device type, metric, interval s, design, episode, [(rule, change, level, earliest s, latest s)])
EPISODES = [
    ("combustible_gas_detector", "combustible_gas", 10, None, "leak",
     [("combustible_gas_level", Change.RAISED, Level.H, LEAK_LEVEL1_AT_S, LEAK_LEVEL1_AT_S + 10),
      ("combustible_gas_level", Change.ESCALATED, Level.HH, LEAK_LEVEL2_AT_S, LEAK_LEVEL2_AT_S + 10)]),
    # the burst: 0.34 → 0.03 MPa over 120 s from 300 s, judged against the oldest reading of a 300 s window:
    # 0.02 MPa/min after ≈ 0.1 MPa (≈ 40 s), 0.05 MPa/min once ≈ 0.25 of the 0.3 MPa is gone (≈ 400 s);
    # under 0.14 MPa at ≈ 380 s, held 60 s → low at ≈ 440 s
    ("water_main_monitor", "water_pressure", 15, None, "burst",
     [("water_pressure_drop", Change.RAISED, Level.H, BURST_START_S + 30, BURST_START_S + 75),
      ("water_pressure_drop", Change.ESCALATED, Level.HH, BURST_START_S + 90, BURST_START_S + 135),
      ("water_pressure_low", Change.RAISED, Level.L, BURST_START_S + 120, BURST_START_S + 165)]),
    # +12 °C/min from ≈ 25 °C: 5 °C/min over the 120 s window after 60 s of history; 60 °C after ≈ 180 s,
    # 75 °C after ≈ 255 s (readings every 20 s)
    ("ev_charging_pile", "pile_temperature", 20, None, "overheat",
     [("pile_temperature_rise", Change.RAISED, Level.H, OVERHEAT_START_S + 40, OVERHEAT_START_S + 80),
      ("pile_temperature_high", Change.RAISED, Level.H, OVERHEAT_START_S + 150, OVERHEAT_START_S + 220),
      ("pile_temperature_high", Change.ESCALATED, Level.HH, OVERHEAT_START_S + 240, OVERHEAT_START_S + 300)]),
    ("smoke_detector", "smoke_alarm", 30, None, "school_fire",
     [("smoke_alarm_on", Change.RAISED, Level.H, SCHOOL_FIRE_START_S, SCHOOL_FIRE_START_S + 30)]),
    ("manhole_gas_detector", "methane", 15, None, "manhole_gas",
     [("methane_level", Change.RAISED, Level.H, MANHOLE_LEVEL1_AT_S, MANHOLE_LEVEL1_AT_S + 15),
      ("methane_level", Change.ESCALATED, Level.HH, MANHOLE_LEVEL2_AT_S, MANHOLE_LEVEL2_AT_S + 15)]),
    # 60 % of the 50 mm limit on top of 25–35 %: past 80 % (40 mm) within the ramp, never 100 %
    ("bridge_monitor", "bridge_deflection", 30, 50.0, "bridge_overload",
     [("bridge_deflection_high", Change.RAISED, Level.H, BRIDGE_START_S, BRIDGE_START_S + 60)]),
]  # fmt: skip


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("device_type", "metric", "interval", "design", "episode", "expected"), EPISODES,
                         ids=[e[4] for e in EPISODES])
def test_episode_raises_the_packs_alarms_at_the_scripted_times_and_recovers(
        seed: int, device_type: str, metric: str, interval: float, design: float | None, episode: str,
        expected: list[tuple[str, Change, Level, float, float]]) -> None:
    ref = f"DEV/{metric}"
    sim = Simulator([SimChannel(ref, metric, interval, design=design, episode=episode)], seed=seed, start=START)
    ev = ChannelEvaluator(pack_for(device_type).channel(metric).build(ref, sample_interval_s=interval, design=design))
    _, end = episode_window(episode)
    seen = []
    for sample in sim.samples(ref, end + 900):
        if sample.value is not None:
            for t in ev.feed(Reading(START + timedelta(seconds=sample.offset_s), sample.value)).transitions:
                seen.append((t.rule_id, t.change, t.level, sample.offset_s))
    process = [s for s in seen if s[0] != f"{metric}_offline"]
    for rule, change, level, earliest, latest in expected:
        at = next((s[3] for s in process if s[:3] == (rule, change, level)), None)
        assert at is not None and earliest <= at <= latest, (rule, change, level, at, process)
    # nothing alarms before the episode, and every episode ends recovered
    begin, _ = episode_window(episode)
    assert all(s[3] >= begin for s in process), process
    raised = {s[0] for s in process if s[1] is Change.RAISED}
    recovered = {s[0] for s in process if s[1] is Change.RECOVERED}
    assert raised == recovered, process
    # no flapping: each level is entered once per episode (rate rules need their deadband for this)
    escalations = [s[0] for s in process if s[1] is Change.ESCALATED]
    assert len(escalations) == len(set(escalations)), process
    # the bridge stays under its limit: no escalation to HH
    if episode == "bridge_overload":
        assert not any(s[1] is Change.ESCALATED for s in process)


def test_new_profiles_are_plausible_outside_their_episodes_over_a_day() -> None:
    channels = [SimChannel("SCH/smoke_alarm", "smoke_alarm", 30, episode="school_fire"),
                SimChannel("SCH/smoke_fault", "smoke_fault", 30),
                SimChannel("MH/methane", "methane", 15, episode="manhole_gas"),
                SimChannel("BR/bridge_deflection", "bridge_deflection", 30, design=50.0, episode="bridge_overload")]
    everyday = {"smoke_alarm": (0, 0), "smoke_fault": (0, 0), "methane": (0, 5), "bridge_deflection": (10, 20)}
    sim = Simulator(channels, seed=5, start=START)
    for channel in channels:
        low, high = everyday[channel.profile]
        values = [s.value for s in sim.samples(channel.ref, 86400)
                  if s.value is not None and not sim.in_episode(channel, s.offset_s)]
        assert values and all(low <= v <= high for v in values), (channel.ref, min(values), max(values))
    fire = {s.value for s in sim.samples("SCH/smoke_alarm", 1200) if s.value is not None}
    assert fire == {0.0, 1.0}  # a status: never anything in between
