"""城市规则包：智慧消防、生命线、充电桩、校园 — 每个包一组手算用例（读数序列 → 预期的报警变化）。"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from yingji.monitoring.rule_packs import PACKS, Basis, pack_for, settings_to_verify
from yingji.monitoring.rules import Category, Change, ChannelEvaluator, Level, Reading

T0 = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
R, E, D, V = Change.RAISED, Change.ESCALATED, Change.DEESCALATED, Change.RECOVERED

# (device type, metric, design value, sample interval s, readings, [(index, rule, change, level)])
CASES = [
    # status channels: 1 = alarm / fault, back to 0 recovers
    ("smoke_detector", "smoke_alarm", None, 30, [0, 0, 1, 1, 0],
     [(2, "smoke_alarm_on", R, Level.H), (4, "smoke_alarm_on", V, None)]),
    # the detector's own fault output is a device fault (level FAULT), not a process alarm at H
    ("smoke_detector", "smoke_fault", None, 30, [0, 1, 0],
     [(1, "smoke_fault_on", R, Level.FAULT), (2, "smoke_fault_on", V, None)]),
    ("campus_safety", "smoke_fault", None, 30, [0, 1], [(1, "smoke_fault_on", R, Level.FAULT)]),
    # sprinkler: low 0.05 MPa held 30 s (readings every 10 s: the run starts at 10 s, counts at 40 s)
    ("sprinkler_monitor", "sprinkler_pressure", None, 10, [0.3, 0.04, 0.04, 0.04, 0.04, 0.3],
     [(4, "sprinkler_pressure_low", R, Level.L), (5, "sprinkler_pressure_low", V, None)]),
    ("hydrant_monitor", "hydrant_pressure", None, 10, [0.3, 0.08, 0.08, 0.08, 0.08],
     [(4, "hydrant_pressure_low", R, Level.L)]),
    # residual current 300 mA, deadband 30: 280 holds, 260 recovers
    ("electrical_fire_monitor", "residual_current", None, 60, [100, 310, 280, 260],
     [(1, "residual_current_high", R, Level.H), (3, "residual_current_high", V, None)]),
    ("electrical_fire_monitor", "cable_temperature", None, 60, [40, 61, 71, 66],
     [(1, "cable_temperature_high", R, Level.H), (2, "cable_temperature_high", E, Level.HH),
      (3, "cable_temperature_high", D, Level.H)]),
    # utility tunnel natural-gas cabin: 20 %LEL (≈ 1 %VOL methane), second level 40
    ("utility_tunnel_monitor", "methane", None, 10, [5, 21, 41],
     [(1, "methane_level", R, Level.H), (2, "methane_level", E, Level.HH)]),
    ("manhole_gas_detector", "methane", None, 10, [0, 26, 51],
     [(1, "methane_level", R, Level.H), (2, "methane_level", E, Level.HH)]),
    # bridge strain, design limit 500 με: ±400 / ±500, deadband 5
    ("bridge_monitor", "bridge_strain", 500, 60, [100, 420, 510, 380, -410, -520],
     [(1, "bridge_strain_high", R, Level.H), (2, "bridge_strain_high", E, Level.HH),
      (3, "bridge_strain_high", V, None), (4, "bridge_strain_low", R, Level.L),
      (5, "bridge_strain_low", E, Level.LL)]),
    ("bridge_monitor", "bridge_deflection", 50, 60, [10, 41, 51],
     [(1, "bridge_deflection_high", R, Level.H), (2, "bridge_deflection_high", E, Level.HH)]),
    ("drainage_level_meter", "drainage_level", 3.0, 60, [1.0, 2.5, 2.9],
     [(1, "drainage_level_high", R, Level.H), (2, "drainage_level_high", E, Level.HH)]),
    # charging pile rated 32 A: 35.2 A held 5 s (readings every second: counts at t = 6 s); 30 A recovers
    ("ev_charging_pile", "pile_current", 32, 1, [30, 36, 36, 36, 36, 36, 36, 30],
     [(6, "pile_current_high", R, Level.H), (7, "pile_current_high", V, None)]),
    ("ev_charging_pile", "pile_smoke", None, 20, [0, 1], [(1, "pile_smoke_on", R, Level.H)]),
    ("ev_charging_pile", "pile_temperature", None, 20, [30, 30, 30, 61, 76],
     [(3, "pile_temperature_high", R, Level.H), (3, "pile_temperature_rise", R, Level.H),
      (4, "pile_temperature_high", E, Level.HH)]),
    # campus: kitchen gas, crowding (capacity 1000: 900 / 1000, deadband 10), exit blocked for 60 s
    ("campus_safety", "kitchen_gas", None, 10, [0, 26, 51],
     [(1, "kitchen_gas_level", R, Level.H), (2, "kitchen_gas_level", E, Level.HH)]),
    ("campus_safety", "occupancy", 1000, 60, [500, 905, 1001, 880],
     [(1, "occupancy_high", R, Level.H), (2, "occupancy_high", E, Level.HH), (3, "occupancy_high", V, None)]),
    ("campus_safety", "exit_blocked", None, 30, [0, 1, 1, 1, 0],
     [(3, "exit_blocked_on", R, Level.H), (4, "exit_blocked_on", V, None)]),
]  # fmt: skip


@pytest.mark.parametrize(("device_type", "metric", "design", "interval", "values", "expected"), CASES,
                         ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_pack_raises_at_the_hand_computed_reading(device_type: str, metric: str, design: float | None,
                                                  interval: float, values: list[float],
                                                  expected: list[tuple[int, str, Change, Level | None]]) -> None:
    template = pack_for(device_type).channel(metric)
    ev = ChannelEvaluator(template.build(f"dev/{metric}", sample_interval_s=interval, design=design))
    seen = []
    for i, value in enumerate(values):
        outcome = ev.feed(Reading(T0 + timedelta(seconds=interval * i), value))
        seen += [(i, t.rule_id, t.change, t.level) for t in outcome.transitions]
    assert seen == expected


@pytest.mark.parametrize(("device_type", "metric", "key", "value", "message"), [
    ("electrical_fire_monitor", "residual_current", "h", 10, "须在 20–1000 mA 之间"),
    ("electrical_fire_monitor", "residual_current", "h", 1200, "须在 20–1000 mA 之间"),
    ("electrical_fire_monitor", "cable_temperature", "h", 50, "须在 55–140 °C 之间"),
    ("utility_tunnel_monitor", "methane", "h", 25, "不得高于 20 %LEL"),
])  # fmt: skip
def test_overrides_outside_what_the_standard_allows_are_refused(device_type: str, metric: str, key: str,
                                                                value: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        pack_for(device_type).channel(metric).build("dev/x", sample_interval_s=60, overrides={key: value})


def test_overrides_inside_the_allowed_range_apply() -> None:
    residual = pack_for("electrical_fire_monitor").channel("residual_current")
    assert residual.build("dev/x", sample_interval_s=60, overrides={"h": 500}).thresholds[0].first == 500
    tunnel = pack_for("utility_tunnel_monitor").channel("methane")
    assert tunnel.build("dev/x", sample_interval_s=10, overrides={"h": 15}).thresholds[0].first == 15


@pytest.mark.parametrize(("device_type", "metric", "key", "cited"), [
    ("smoke_detector", "smoke_alarm", "h", "GB 4715-2005"),
    ("sprinkler_monitor", "sprinkler_pressure", "l", "GB 50084-2017"),
    ("electrical_fire_monitor", "residual_current", "h", "GB 14287.2-2014"),
    ("electrical_fire_monitor", "cable_temperature", "h", "GB 14287.3-2014"),
    ("utility_tunnel_monitor", "methane", "h", "GB 50838-2015"),
    ("campus_safety", "exit_blocked", "h", "消防法》第二十八条"),
    ("bridge_monitor", "bridge_deflection", "h", "设计文件"),
    ("campus_safety", "occupancy", "h", "核定容纳人数"),
])  # fmt: skip
def test_every_figure_names_its_source(device_type: str, metric: str, key: str, cited: str) -> None:
    assert cited in pack_for(device_type).channel(metric).setting(key).source


def test_unchecked_figures_are_marked_and_the_tunnel_cap_is_at_most() -> None:
    marked = {(d, m, s.key) for d, m, s in settings_to_verify()}
    assert {("sprinkler_monitor", "sprinkler_pressure", "l"), ("utility_tunnel_monitor", "methane", "h"),
            ("ev_charging_pile", "pile_current", "h"), ("campus_safety", "kitchen_gas", "h")} <= marked
    assert pack_for("utility_tunnel_monitor").channel("methane").setting("h").basis is Basis.AT_MOST


def test_design_scaled_channels_need_their_design_value() -> None:
    for device_type, metric in [("bridge_monitor", "bridge_strain"), ("ev_charging_pile", "pile_current"),
                                ("campus_safety", "occupancy")]:
        with pytest.raises(ValueError, match="须提供正的"):
            pack_for(device_type).channel(metric).build("dev/x", sample_interval_s=60)


# Every pack's fault-output channel (the device reporting its own fault) and only those raise device faults.
FAULT_OUTPUTS = {"smoke_fault"}


@pytest.mark.parametrize("device_type", sorted(PACKS))
def test_only_fault_outputs_are_device_category_rules(device_type: str) -> None:
    for template in PACKS[device_type].channels:
        rules = template.build(f"dev/{template.metric}", sample_interval_s=30, design=10.0)
        for rule in rules.thresholds:
            expected = Category.DEVICE if template.metric in FAULT_OUTPUTS else Category.PROCESS
            assert rule.category is expected, (device_type, template.metric, rule.rule_id)


def test_smoke_fault_transitions_carry_the_device_category_and_read_well() -> None:
    ev = ChannelEvaluator(pack_for("smoke_detector").channel("smoke_fault").build("S-1/smoke_fault",
                                                                                   sample_interval_s=30))
    raised = ev.feed(Reading(T0, 1)).transitions[0]
    recovered = ev.feed(Reading(T0 + timedelta(seconds=30), 0)).transitions[0]
    assert (raised.category, raised.level, raised.change) == (Category.DEVICE, Level.FAULT, R)
    assert raised.message == "感烟探测器故障：1 状态，设定值 1 状态"
    assert (recovered.category, recovered.previous, recovered.change) == (Category.DEVICE, Level.FAULT, V)
