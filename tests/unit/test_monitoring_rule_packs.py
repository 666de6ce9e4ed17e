"""规则包测试：DOMAIN §5–6 的设定值、来源、可配置性与构建出的规则。"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from yingji.monitoring.rule_packs import PACKS, TOXIC_OEL_MG_M3, Basis, ChannelTemplate, pack_for, settings_to_verify
from yingji.monitoring.rules import Change, ChannelEvaluator, ChannelRules, Direction, Level, Reading, Trend

T0 = datetime(2024, 7, 1, 2, 0, tzinfo=UTC)
ALL_CHANNELS = [(p.device_type, c) for p in PACKS.values() for c in p.channels]


def build(template: ChannelTemplate, **kw: Any) -> ChannelRules:
    design = {"design": 10.0} if template.design else {}
    return template.build(f"dev/{template.metric}", sample_interval_s=30, **design, **kw)


def test_combustible_gas_is_25_and_50_percent_lel_at_most() -> None:
    gas = pack_for("combustible_gas_detector").channel("combustible_gas")
    (rule,) = build(gas).thresholds
    assert (rule.direction, rule.first, rule.second) == (Direction.HIGH, 25, 50)
    for key in ("h", "hh"):
        assert gas.setting(key).basis is Basis.AT_MOST
        assert "GB/T 50493-2019" in gas.setting(key).source
    assert build(gas, overrides={"h": 20}).thresholds[0].first == 20  # a site may be stricter
    with pytest.raises(ValueError, match="h 不得高于 25 %LEL"):
        build(gas, overrides={"h": 30})


@pytest.mark.parametrize(("metric", "gas_oel"), TOXIC_OEL_MG_M3.items())
def test_toxic_gas_levels_are_100_and_200_percent_oel_marked_verify(metric: str, gas_oel: tuple[str, float]) -> None:
    _, oel = gas_oel
    template = pack_for("toxic_gas_detector").channel(metric)
    (rule,) = build(template).thresholds
    assert (rule.first, rule.second) == (oel, 2 * oel)
    assert template.setting("h").verify and template.setting("hh").verify
    assert "100 % OEL" in template.setting("h").source and "200 % OEL" in template.setting("hh").source


def test_toxic_examples_match_domain() -> None:
    assert {m: oel for m, (_, oel) in TOXIC_OEL_MG_M3.items()} == {
        "h2s": 10, "co": 20, "nh3": 20, "cl2": 1, "so2": 5, "benzene": 6, "methanol": 25, "toluene": 50,
    }  # fmt: skip


def test_toxic_set_point_beyond_detector_range_points_to_idlh() -> None:
    h2s = pack_for("toxic_gas_detector").channel("h2s")
    with pytest.raises(ValueError, match="IDLH"):
        build(h2s, range_max=15)


def test_oxygen_is_fixed_by_the_standard() -> None:
    oxygen = pack_for("oxygen_detector").channel("oxygen")
    high, low = build(oxygen).thresholds
    assert (high.direction, high.first, low.direction, low.first) == (Direction.HIGH, 23.5, Direction.LOW, 19.5)
    assert not oxygen.setting("l").configurable
    with pytest.raises(ValueError, match="由标准规定"):
        build(oxygen, overrides={"l": 18})


def test_tank_thresholds_are_fractions_of_the_design_value() -> None:
    level = pack_for("storage_tank").channel("tank_level")
    high, low = level.build("t-1/level", sample_interval_s=48, design=20.0).thresholds
    assert (high.first, high.second, low.first, low.second) == (17.0, 18.0, 2.0, 1.0)
    assert all(s.basis is Basis.CONFIGURABLE for s in level.settings)
    with pytest.raises(ValueError, match="须提供正的设计最高液位"):
        level.build("t-1/level", sample_interval_s=48)


def test_unknown_override_and_unknown_device_type_are_named() -> None:
    with pytest.raises(ValueError, match="没有设置项 hhh"):
        build(pack_for("combustible_gas_detector").channel("combustible_gas"), overrides={"hhh": 1})
    with pytest.raises(ValueError, match="没有设备类型“toaster”的规则包"):
        pack_for("toaster")


def test_fire_and_charging_pile_defaults_are_configurable_with_their_source() -> None:
    hydrant = pack_for("hydrant_monitor").channel("hydrant_pressure")
    assert hydrant.setting("l").value == 0.10 and hydrant.setting("l").configurable
    assert "GB 50974-2014" in hydrant.setting("l").source
    residual = pack_for("electrical_fire_monitor").channel("residual_current")
    assert residual.setting("h").value == 300
    assert build(residual, overrides={"h": 500}).thresholds[0].first == 500
    pile = build(pack_for("ev_charging_pile").channel("pile_temperature"))
    assert pile.rates[0].trend is Trend.RISE


def test_manhole_methane_borrows_the_lel_levels_and_says_so() -> None:
    methane = pack_for("manhole_gas_detector").channel("methane")
    assert (methane.setting("h").value, methane.setting("hh").value) == (25, 50)
    assert methane.setting("h").basis is Basis.CONFIGURABLE and "可配置" in methane.setting("h").source


@pytest.mark.parametrize(("device_type", "template"), ALL_CHANNELS, ids=[f"{d}:{c.metric}" for d, c in ALL_CHANNELS])
def test_every_setting_has_a_source_and_every_channel_builds(device_type: str, template: ChannelTemplate) -> None:
    for s in template.settings:
        assert s.source.strip() and s.unit.strip(), (device_type, template.metric, s.key)
        assert s.basis is not Basis.STANDARD or not s.verify
    rules = build(template)
    ev = ChannelEvaluator(rules)
    ev.feed(Reading(T0, (rules.spec.range_min or 0) + 0.001))
    assert json.loads(json.dumps(ev.state.to_dict())) == ev.state.to_dict()


def test_water_main_burst_raises_the_drop_rate_alarm() -> None:
    rules = build(pack_for("water_main_monitor").channel("water_pressure"))
    ev = ChannelEvaluator(rules)
    # 0.35 MPa steady, then a burst: −0.05 MPa per 30 s reading, judged over the 300 s window.
    values = [0.35, 0.351, 0.349, 0.35, 0.352, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05]
    seen = [t for i, v in enumerate(values) for t in ev.feed(Reading(T0 + timedelta(seconds=30 * i), v)).transitions]
    drop = [(t.change, t.level) for t in seen if t.rule_id == "water_pressure_drop"]
    assert drop == [(Change.RAISED, Level.H), (Change.ESCALATED, Level.HH)]


def test_settings_to_verify_lists_the_marked_figures() -> None:
    marked = {(d, m, s.key) for d, m, s in settings_to_verify()}
    assert ("toxic_gas_detector", "h2s", "h") in marked
    assert ("hydrant_monitor", "hydrant_pressure", "l") in marked
    assert ("combustible_gas_detector", "combustible_gas", "h") not in marked
