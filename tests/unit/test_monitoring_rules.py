"""监测规则引擎（纯 Python）测试：每类规则一张 (时间, 数值) → 预期状态变化的表。"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yingji.monitoring.rules import (
    Category,
    Change,
    ChannelEvaluator,
    ChannelRules,
    ChannelSpec,
    ChannelState,
    Direction,
    FlatLineRule,
    Hold,
    Level,
    RateOfChangeRule,
    Reading,
    ThresholdRule,
    Transition,
    Trend,
)

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
GAS = ChannelSpec("gas-1", "%LEL", 10, 0, 100)
R, E, D, C = Change.RAISED, Change.ESCALATED, Change.DEESCALATED, Change.RECOVERED

Step = tuple[float, str | None, Level | None]  # (seconds from T0, change, level now active)


NO_DELAY = Hold()


def lel(deadband: float = 2.0, delay: Hold = NO_DELAY) -> ThresholdRule:
    return ThresholdRule("lel", "可燃气体浓度", Direction.HIGH, 25, 50, deadband, delay)


def run(rules: ChannelRules, seq: list[tuple[float, float]], state: ChannelState | None = None) -> list[Transition]:
    ev = ChannelEvaluator(rules, state)
    out: list[Transition] = []
    for sec, value in seq:
        out.extend(ev.feed(Reading(T0 + timedelta(seconds=sec), value)).transitions)
    return out


def brief(transitions: list[Transition]) -> list[tuple[float, str, Level | None]]:
    return [((t.at - T0).total_seconds(), t.change.value, t.level) for t in transitions]


def every10(*values: float) -> list[tuple[float, float]]:
    return [(10.0 * i, v) for i, v in enumerate(values)]


THRESHOLD_CASES = {
    # A value hovering at the set point raises once; it recovers only below 25 − 2 = 23.
    "deadband_no_flap": (lel(), every10(10, 25, 24, 23.5, 25.5, 24, 23, 22.9), [(10, R, Level.H), (70, C, None)]),
    "escalate_deescalate_recover": (
        lel(),
        every10(10, 30, 55, 60, 49, 48, 47.9, 30, 26, 22),
        [(10, R, Level.H), (20, E, Level.HH), (60, D, Level.H), (90, C, None)],
    ),
    "straight_to_hh_and_back": (lel(), every10(0, 80, 0), [(10, R, Level.HH), (20, C, None)]),
    "deescalate_then_escalate_again": (
        lel(),
        every10(30, 55, 40, 51),
        [(0, R, Level.H), (10, E, Level.HH), (20, D, Level.H), (30, E, Level.HH)],
    ),
    "delay_seconds": (
        lel(delay=Hold(seconds=30)),
        every10(30, 30, 30, 30, 30),
        [(30, R, Level.H)],
    ),
    "delay_seconds_interrupted_run_restarts": (
        lel(delay=Hold(seconds=30)),
        every10(30, 30, 30, 20, 30, 30, 30, 30),
        [(70, R, Level.H)],
    ),
    "delay_samples": (lel(delay=Hold(samples=3)), every10(30, 30, 10, 30, 30, 30, 30), [(50, R, Level.H)]),
    "delay_applies_to_escalation": (
        lel(delay=Hold(samples=2)),
        every10(30, 30, 60, 60, 10),
        [(10, R, Level.H), (30, E, Level.HH), (40, C, None)],
    ),
    "no_deadband_recovers_just_below": (lel(deadband=0), every10(25, 24.99), [(0, R, Level.H), (10, C, None)]),
}


@pytest.mark.parametrize(("rule", "seq", "expected"), THRESHOLD_CASES.values(), ids=THRESHOLD_CASES.keys())
def test_threshold_sequences(rule: ThresholdRule, seq: list[tuple[float, float]], expected: list[Step]) -> None:
    assert brief(run(ChannelRules(GAS, thresholds=(rule,)), seq)) == expected


def test_low_side_is_the_mirror_image() -> None:
    tank = ChannelSpec("tank-1/level", "m", 10, 0, 20)
    rule = ThresholdRule("low", "储罐液位", Direction.LOW, 1.0, 0.5, deadband=0.1)
    got = run(ChannelRules(tank, thresholds=(rule,)), every10(2, 1.0, 1.05, 0.5, 0.55, 0.61, 1.09, 1.11))
    assert brief(got) == [(10, R, Level.L), (30, E, Level.LL), (50, D, Level.L), (70, C, None)]


def test_transition_carries_value_time_rule_and_chinese_message() -> None:
    first, back = run(ChannelRules(GAS, thresholds=(lel(),)), every10(10, 30, 20))
    assert first == Transition(
        "gas-1", "lel", R, Level.H, None, Category.PROCESS, 30, T0 + timedelta(seconds=10),
        "可燃气体浓度高报（一级）：30 %LEL，设定值 25 %LEL",
    )  # fmt: skip
    assert (back.level, back.previous, back.message) == (
        None,
        Level.H,
        "可燃气体浓度恢复正常：20 %LEL（已低于 23 %LEL）",
    )


BURST = RateOfChangeRule("burst", "管网压力下降速率", Trend.FALL, 0.05, 0.1, window_s=60)
PIPE = ChannelSpec("main-7/pressure", "MPa", 10, 0, 1.6)


def test_rate_of_change_burst_raises_escalates_and_recovers() -> None:
    # Steady 0.40 MPa, then falling 0.03 MPa per 10 s (0.18 MPa/min), then steady again at the bottom.
    values = [0.40] * 10 + [0.40 - 0.03 * k for k in range(1, 6)] + [0.25] * 8
    got = run(ChannelRules(PIPE, rates=(BURST,)), every10(*values))
    # At 170 s the 60 s window starts at 110 s (0.34 MPa): 0.09 MPa/min < 0.1; at 190 s, 0.03 < 0.05.
    assert brief(got) == [(110, R, Level.H), (130, E, Level.HH), (170, D, Level.H), (190, C, None)]
    assert got[0].message.startswith("管网压力下降速率超限（一级）：0.34 MPa，60 秒内每分钟下降 0.06 MPa")


def test_rate_of_change_waits_for_half_a_window_of_history() -> None:
    # Two readings 10 s apart would extrapolate a 0.3 MPa drop to 1.8 MPa/min; too little history.
    assert run(ChannelRules(PIPE, rates=(BURST,)), every10(0.6, 0.3)) == []
    rising = RateOfChangeRule("rise", "温升速率", Trend.RISE, 5, window_s=60)
    spec = ChannelSpec("pile-1/t", "°C", 10, -40, 150)
    got = run(ChannelRules(spec, rates=(rising,)), every10(30, 30, 30, 31, 33, 36, 40))
    assert brief(got) == [(50, R, Level.H)]  # 30 → 36 °C in 50 s = 7.2 °C/min


def test_offline_by_tick_and_back_with_the_next_reading() -> None:
    ev = ChannelEvaluator(ChannelRules(GAS))  # 10 s interval, offline after 3 × 10 s of silence
    ev.feed(Reading(T0, 5))
    assert ev.tick(T0 + timedelta(seconds=30)) == ()
    (off,) = ev.tick(T0 + timedelta(seconds=31))
    assert (off.change, off.level, off.category, off.value) == (R, Level.OFFLINE, Category.DEVICE, None)
    assert off.message == "设备离线：已 31 秒无数据（超过 3 × 采样周期 10 秒）"
    assert ev.tick(T0 + timedelta(seconds=90)) == ()  # one episode
    (back,) = ev.feed(Reading(T0 + timedelta(seconds=95), 5)).transitions
    assert (back.change, back.previous, back.rule_id) == (C, Level.OFFLINE, "offline")


def test_channel_that_never_reported_goes_offline_from_the_first_tick() -> None:
    ev = ChannelEvaluator(ChannelRules(GAS))
    assert ev.tick(T0) == ()
    assert ev.tick(T0 + timedelta(seconds=30)) == ()
    assert [t.level for t in ev.tick(T0 + timedelta(seconds=31))] == [Level.OFFLINE]


STUCK_CASES = {
    "by_samples": (
        Hold(samples=5),
        every10(1.0, 1.005, 0.995, 1.0, 1.009, 1.0, 1.02),
        [(40, R, Level.STUCK), (60, C, None)],
    ),
    "by_seconds": (Hold(seconds=60), every10(7, 7, 7, 7, 7, 7, 7, 7, 8), [(60, R, Level.STUCK), (80, C, None)]),
    "slow_drift_is_not_stuck": (Hold(samples=4), every10(1.0, 1.008, 1.016, 1.024, 1.032, 1.04), []),
}


@pytest.mark.parametrize(("hold", "seq", "expected"), STUCK_CASES.values(), ids=STUCK_CASES.keys())
def test_flat_line_means_stuck_sensor(hold: Hold, seq: list[tuple[float, float]], expected: list[Step]) -> None:
    got = run(ChannelRules(ChannelSpec("t-1", "°C", 10), flat_line=FlatLineRule(epsilon=0.01, hold=hold)), seq)
    assert brief(got) == expected
    assert all(t.category is Category.DEVICE for t in got)


def test_out_of_range_is_a_sensor_fault_not_a_gas_alarm() -> None:
    got = run(ChannelRules(GAS, thresholds=(lel(),)), every10(10, 120, 130, -1, 30))
    assert [(t.rule_id, t.change, t.level or t.previous) for t in got] == [
        ("range", R, Level.FAULT),
        ("range", C, Level.FAULT),
        ("lel", R, Level.H),
    ]
    assert got[0].message == "读数 120 %LEL 超出量程 [0, 100] %LEL，判定为传感器故障"
    assert got[0].category is Category.DEVICE


def test_late_and_duplicate_readings_are_ignored_and_reported() -> None:
    ev = ChannelEvaluator(ChannelRules(GAS, thresholds=(lel(),)))
    ev.feed(Reading(T0 + timedelta(seconds=30), 30))
    before = ev.state.to_dict()
    for sec in (20, 30):
        outcome = ev.feed(Reading(T0 + timedelta(seconds=sec), 80))
        assert outcome.transitions == ()
        assert outcome.ignored is not None and "不晚于该通道最近评估的读数" in outcome.ignored
    assert ev.state.to_dict() == before


def test_naive_datetimes_and_non_finite_values_are_rejected() -> None:
    ev = ChannelEvaluator(ChannelRules(GAS))
    with pytest.raises(ValueError, match="必须带时区"):
        ev.feed(Reading(datetime(2024, 5, 1, 8, 0), 1))  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="检查时间必须带时区"):
        ev.tick(datetime(2024, 5, 1, 8, 0))  # noqa: DTZ001
    with pytest.raises(ValueError, match="有限数值"):
        ev.feed(Reading(T0, float("nan")))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ThresholdRule("x", "x", Direction.HIGH, 50, 25), "二级设定值 25 必须高于一级设定值 50"),
        (lambda: ThresholdRule("x", "x", Direction.LOW, 1, 2), "二级设定值 2 必须低于一级设定值 1"),
        (lambda: ThresholdRule("x", "x", Direction.HIGH, 25, deadband=-1), "回差"),
        (lambda: ChannelRules(GAS, thresholds=(lel(), lel())), "规则编号重复：lel"),
        (lambda: ChannelRules(GAS, thresholds=(ThresholdRule("x", "x", Direction.HIGH, 150),)), "超出通道量程"),
        (lambda: FlatLineRule(hold=Hold(samples=1)), "至少 2 个读数"),
        (lambda: ChannelSpec("c", "m", 0), "采样周期必须为正数"),
        (lambda: ChannelState.from_dict({"v": 99}), "规则状态版本 99 不受支持"),
    ],
)
def test_bad_configuration_is_refused_with_the_reason(make: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


EVERYTHING = ChannelRules(
    ChannelSpec("mix", "u", 10, 0, 100),
    thresholds=(lel(delay=Hold(samples=2, seconds=10)), ThresholdRule("low", "低", Direction.LOW, 5, 2, 1)),
    rates=(RateOfChangeRule("drop", "下降速率", Trend.FALL, 20, 40, window_s=60, deadband=2),),
    flat_line=FlatLineRule(epsilon=0.5, hold=Hold(samples=3)),
)
MIXED = every10(10, 30, 30, 55, 55, 120, 40, 4, 1, 1, 1, 1, 30, 26, 60, 60, 10, 3, 3.2, 50)


@pytest.mark.parametrize("cut", range(len(MIXED) + 1))
def test_state_round_trip_mid_episode_gives_the_same_result(cut: int) -> None:
    whole = run(EVERYTHING, MIXED)
    ev = ChannelEvaluator(EVERYTHING)
    first = [t for sec, v in MIXED[:cut] for t in ev.feed(Reading(T0 + timedelta(seconds=sec), v)).transitions]
    saved = json.loads(json.dumps(ev.state.to_dict()))  # e.g. a JSON column, across a restart
    assert first + run(EVERYTHING, MIXED[cut:], ChannelState.from_dict(saved)) == whole
    assert len(whole) > 10  # the sequence exercises every rule


sequences = st.lists(
    st.tuples(st.integers(1, 120), st.floats(-10, 110, allow_nan=False, allow_infinity=False)), max_size=40
)


def _timed(gaps_values: list[tuple[int, float]]) -> list[tuple[float, float]]:
    out, sec = [], 0.0
    for gap, value in gaps_values:
        sec += gap
        out.append((sec, value))
    return out


@settings(max_examples=60, deadline=None)
@given(prefix=sequences, rest=sequences)
def test_same_sequence_from_same_state_gives_same_transitions(
    prefix: list[tuple[int, float]], rest: list[tuple[int, float]]
) -> None:
    timed = _timed(prefix + rest)
    ev = ChannelEvaluator(EVERYTHING)
    for sec, value in timed[: len(prefix)]:
        ev.feed(Reading(T0 + timedelta(seconds=sec), value))
    saved = ev.state.to_dict()
    tail = timed[len(prefix) :]
    assert run(EVERYTHING, tail, ChannelState.from_dict(saved)) == run(EVERYTHING, tail, ChannelState.from_dict(saved))
    assert ChannelState.from_dict(saved).to_dict() == saved


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 120), st.floats(0, 24.999)), max_size=60))
def test_series_below_every_threshold_raises_nothing(gaps_values: list[tuple[int, float]]) -> None:
    rules = ChannelRules(GAS, thresholds=(lel(), ThresholdRule("neg", "x", Direction.LOW, 0, deadband=0)))
    assert run(rules, [(s, v) for s, v in _timed(gaps_values) if v > 0]) == []
