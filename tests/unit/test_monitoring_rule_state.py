"""监测规则引擎状态的紧凑布局：静止的规则不占状态，旧格式保存的状态照常读取并得出同样的结果。"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from tests.unit.test_monitoring_rules import EVERYTHING, GAS, MIXED, T0, brief, lel, run
from yingji.monitoring.rules import ChannelEvaluator, ChannelRules, ChannelSpec, ChannelState, Level, Reading, shared

# EVERYTHING after MIXED[:9], as the engine wrote it before the compact layout (c0e867b): every levelled
# rule has an entry, "lel" one at rest (its counts 0, stale run starts), the rate window as [time, value] pairs.
SAVED_BEFORE_COMPACT: dict[str, Any] = {
    "v": 1, "last_us": 1714550480000000, "watch_from_us": None, "offline": False, "fault": False,
    "levelled": {
        "lel": {"active": 0, "counts": [0, 0], "since": [1714550410000000, 1714550430000000], "window": []},
        "low": {"active": 2, "counts": [2, 1], "since": [1714550470000000, 1714550480000000], "window": []},
        "drop": {"active": 1, "counts": [2, 0], "since": [1714550470000000, 0], "window": [
            [1714550420000000, 30.0], [1714550430000000, 55.0], [1714550440000000, 55.0],
            [1714550460000000, 40.0], [1714550470000000, 4.0], [1714550480000000, 1.0]]},
    },
    "flat": {"active": False, "ref": 1, "since": 1714550480000000, "count": 1},
}
# What the engine before the compact layout gave for MIXED[9:] from that state.
REST_BEFORE_COMPACT = [
    (90.0, "escalated", Level.HH), (100.0, "raised", Level.STUCK), (120.0, "recovered", None),
    (120.0, "recovered", None), (120.0, "recovered", None), (130.0, "raised", Level.H),
    (150.0, "escalated", Level.HH), (160.0, "recovered", None), (170.0, "raised", Level.L),
    (180.0, "raised", Level.H), (190.0, "recovered", None), (190.0, "recovered", None),
]


def feed(ev: ChannelEvaluator, seconds: float, value: float) -> None:
    ev.feed(Reading(T0 + timedelta(seconds=seconds), value))


def test_state_saved_before_the_compact_layout_continues_as_before() -> None:
    restored = ChannelState.from_dict(json.loads(json.dumps(SAVED_BEFORE_COMPACT)))
    rest = run(EVERYTHING, MIXED[9:], restored)
    assert brief(rest) == REST_BEFORE_COMPACT
    assert run(EVERYTHING, MIXED[:9]) + rest == run(EVERYTHING, MIXED)


def test_state_saved_before_the_compact_layout_sheds_its_rules_at_rest() -> None:
    ev = ChannelEvaluator(EVERYTHING, ChannelState.from_dict(SAVED_BEFORE_COMPACT))
    assert ev.state.to_dict() == SAVED_BEFORE_COMPACT  # loaded as saved, nothing lost
    feed(ev, 90, 1)  # "lel" stays at rest
    saved = ev.state.to_dict()
    assert list(saved["levelled"]) == ["low", "drop"]
    assert saved["levelled"]["drop"]["window"][-1] == [1714550490000000, 1.0]  # times stay exact integers


def test_rules_at_rest_hold_no_state_and_the_stored_form_stays_version_1() -> None:
    ev = ChannelEvaluator(ChannelRules(GAS, thresholds=(lel(),)))
    for i, value in enumerate((3, 10, 24.9, 0)):
        feed(ev, 10 * i, value)
    assert ev.state.levelled == ()
    assert ev.state.flat is None  # no flat-line rule on this channel
    assert ev.state.to_dict() == {
        "v": 1, "last_us": 1714550430000000, "watch_from_us": None, "offline": False, "fault": False,
        "levelled": {}, "flat": {"active": False, "ref": None, "since": 0, "count": 0},
    }


def test_a_threshold_keeps_state_only_while_it_counts_or_is_active() -> None:
    ev = ChannelEvaluator(ChannelRules(GAS, thresholds=(lel(),)))
    feed(ev, 0, 30)
    assert [(s.rule_id, s.active, s.count1) for s in ev.state.levelled] == [("lel", 1, 1)]
    feed(ev, 10, 24)  # held by the 2 %LEL deadband
    assert [(s.rule_id, s.active, s.count1) for s in ev.state.levelled] == [("lel", 1, 0)]
    feed(ev, 20, 22.9)  # recovered: at rest again
    assert ev.state.levelled == ()
    assert ChannelState.from_dict(ev.state.to_dict()).to_dict() == ev.state.to_dict()


def test_channels_configured_alike_share_everything_but_their_identity() -> None:
    def channel(source: str, low: float) -> ChannelRules:  # numbers as fresh objects, as database rows give them
        spec = ChannelSpec(source, "%LEL", float("10"), float(repr(low)), float("100"))
        return ChannelRules(spec, thresholds=(lel(),))

    a, b = shared(channel("gas-a", 0.0)), shared(channel("gas-b", 0.0))
    assert (a.spec.source, b.spec.source) == ("gas-a", "gas-b")
    assert a.thresholds is b.thresholds and a.offline is b.offline
    assert a.spec.sample_interval_s is b.spec.sample_interval_s and a.spec.range_max is b.spec.range_max
    assert a.spec.range_min is b.spec.range_min
    assert a == channel("gas-a", 0.0)  # the same rules, only shared
    minus_zero = shared(channel("gas-c", -0.0))  # equal to 0.0 but printed differently: kept apart
    assert minus_zero.spec.range_text == "[-0, 100] %LEL"
