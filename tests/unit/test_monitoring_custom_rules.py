"""A channel's own rules, pure: every field checked with its reason, built into the engine's rules, attached."""

from __future__ import annotations

import gettext
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from yingji.monitoring.rules import ChannelEvaluator, ChannelRules, ChannelSpec, Level, OfflineRule, Reading
from yingji.monitoring.rules.custom import RuleFieldErrors, RuleKind, attach, build, check, describe, text

SPEC = ChannelSpec("T-1/temperature", "°C", 10, -20, 150)
T0 = datetime(2026, 11, 28, tzinfo=UTC)


@pytest.mark.parametrize(("kind", "params", "cleaned"), [
    ("threshold", {"direction": "high", "first": "80", "second": 90}, {"direction": "high", "first": 80.0,
                                                                      "second": 90.0}),
    ("threshold", {"direction": "low", "first": 5, "second": 0, "deadband": 0.5, "delay_samples": "3"},
     {"direction": "low", "first": 5.0, "second": 0.0, "deadband": 0.5, "delay_samples": 3}),
    ("rate", {"trend": "fall", "first": 2, "window_s": 120, "min_span_s": 60},
     {"trend": "fall", "first": 2.0, "window_s": 120.0, "min_span_s": 60.0}),
    ("offline", {"intervals": 5}, {"intervals": 5.0}),
    ("flat_line", {"hold_seconds": 600}, {"hold_seconds": 600.0}),
    ("range", {"high": 120}, {"high": 120.0}),
])
def test_good_parameters_are_cleaned(kind: str, params: dict[str, Any], cleaned: dict[str, Any]) -> None:
    assert check(kind, params, SPEC) == cleaned


@pytest.mark.parametrize(("kind", "params", "expected"), [
    ("threshold", {"direction": "high", "first": 90, "second": 80, "deadband": -1},
     {"second": "二级设定值（HH）80 须高于一级设定值 90", "deadband": "回差不能为负数"}),
    ("threshold", {"direction": "low", "first": 5, "second": 5},
     {"second": "二级设定值（LL）5 须低于一级设定值（L）5"}),
    ("threshold", {"direction": "high", "first": 200}, {"first": "200 超出通道量程 [-20, 150] °C，永远不会触发"}),
    ("threshold", {"direction": "high", "first": float("nan")}, {"first": "须为有限数字"}),
    ("threshold", {"direction": "high", "first": True}, {"first": "须为有限数字"}),
    ("rate", {"trend": "rise", "first": 0, "window_s": -1},
     {"first": "变化率设定值须为正数（方向由“变化方向”指定）", "window_s": "须为正数"}),
    ("flat_line", {"hold_samples": 1, "hold_seconds": 0}, {"hold_samples": "须至少 2 个读数，或填写正的持续秒数"}),
    ("offline", {"intervals": 2, "epsilon": 1}, {"epsilon": "无数据（设备离线）规则没有该参数"}),
])
def test_every_wrong_field_is_named_with_its_reason(kind: str, params: dict[str, Any],
                                                    expected: dict[str, str]) -> None:
    with pytest.raises(RuleFieldErrors) as caught:
        check(kind, params, SPEC)
    assert caught.value.errors == expected


def test_a_built_threshold_runs_with_its_delay_and_deadband() -> None:
    params = check("threshold", {"direction": "high", "first": 80, "deadband": 2, "delay_samples": 2}, SPEC)
    own = build("threshold", "custom_7", "反应釜温度", params)
    ev = ChannelEvaluator(attach(ChannelRules(SPEC), [own]))
    levels = []
    for i, value in enumerate([81, 82, 79, 77]):  # raised at the 2nd reading ≥ 80; 79 holds (≥ 78); 77 recovers
        levels += [(i, t.change.value, t.level) for t in ev.feed(Reading(T0 + timedelta(seconds=10 * i), value))
                   .transitions]
    assert levels == [(1, "raised", Level.H), (3, "recovered", None)]


def test_single_kinds_replace_the_packs_and_levelled_ones_are_added() -> None:
    pack = ChannelRules(SPEC, offline=OfflineRule(intervals=3))
    own = [build("offline", "offline", "", {"intervals": 8.0}),
           build("threshold", "custom_1", "高温", {"direction": "high", "first": 100.0})]
    rules = attach(pack, own)
    assert rules.offline == OfflineRule(intervals=8.0) and [t.rule_id for t in rules.thresholds] == ["custom_1"]
    kinds = [(rule_id, kind) for rule_id, kind, _, _ in describe(rules)]
    assert kinds == [("custom_1", RuleKind.THRESHOLD), ("offline", RuleKind.OFFLINE), ("range", RuleKind.RANGE)]


ENGLISH_MO = Path(__file__).resolve().parents[2] / "yingji/locale/en/LC_MESSAGES/django.mo"


@pytest.mark.parametrize(("kind", "params", "line", "english_line"), [
    (RuleKind.THRESHOLD, {"direction": "high", "first": 80, "second": 90, "deadband": 2},
     "H ≥ 80 °C，HH ≥ 90 °C；回差 2", "H ≥ 80 °C, HH ≥ 90 °C; deadband 2"),
    (RuleKind.THRESHOLD, {"direction": "low", "first": 5, "delay_samples": 3, "delay_seconds": 30},
     "L ≤ 5 °C；延时 3 个读数、30 秒", "L ≤ 5 °C; delay 3 readings, 30 s"),
    (RuleKind.RATE, {"trend": "fall", "first": 0.02, "second": 0.05, "window_s": 300},
     "300 秒内每分钟下降 ≥ 0.02 °C/min，二级 0.05", "fall ≥ 0.02 °C/min over 300 s, level 2 0.05"),
    (RuleKind.OFFLINE, {"intervals": 3}, "3 × 采样周期无数据", "no data for 3 × the sampling interval"),
    (RuleKind.FLAT_LINE, {"epsilon": 0, "hold_samples": 30}, "读数在 ±0 °C 内保持 30 个读数",
     "reading within ±0 °C for 30 readings"),
    (RuleKind.RANGE, {"low": None, "high": 120}, "有效范围 [-∞, 120] °C", "valid range [-∞, 120] °C"),
])
def test_rules_read_as_one_line_in_the_readers_language(kind: RuleKind, params: dict[str, Any], line: str,
                                                        english_line: str) -> None:
    assert text(kind, params, "°C") == line
    # The English catalogue as compiled: every phrase of the line has an entry with the same placeholders.
    with ENGLISH_MO.open("rb") as compiled:
        english = gettext.GNUTranslations(compiled)
    assert text(kind, params, "°C", english.gettext) == english_line
