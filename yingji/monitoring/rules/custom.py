"""Rules a person attaches to one channel, beyond its rule pack: checked field by field, then built.

Five kinds, every one the engine evaluates: levelled thresholds (H/HH or L/LL with deadband and delay),
rates of change, no data (offline), flat line (stuck) and a valid range (sensor fault). Thresholds and
rates are added to the pack's rules; offline, flat line and range replace the pack's one of that kind (a
channel has one of each). Parameters arrive as a mapping (API body or form), and :func:`check` returns
them cleaned or raises :class:`RuleFieldErrors` naming every wrong field in Chinese. Pure: no Django.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Final

from yingji.monitoring.rules.base import ChannelSpec, Hold, fmt
from yingji.monitoring.rules.evaluator import ChannelRules
from yingji.monitoring.rules.health import FlatLineRule, OfflineRule, RangeRule
from yingji.monitoring.rules.levelled import Direction, RateOfChangeRule, ThresholdRule, Trend

__all__ = ["FIELDS", "FIELD_CHOICES", "LABELS", "SINGLE_KINDS", "TEXT_PHRASES", "CustomRule", "RuleFieldErrors",
           "RuleKind", "attach", "build", "check", "describe", "text"]


class RuleKind(StrEnum):
    THRESHOLD = "threshold"
    RATE = "rate"
    OFFLINE = "offline"
    FLAT_LINE = "flat_line"
    RANGE = "range"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS: Final[dict[RuleKind, str]] = {
    RuleKind.THRESHOLD: "分级阈值（H/HH、L/LL）",
    RuleKind.RATE: "变化率",
    RuleKind.OFFLINE: "无数据（设备离线）",
    RuleKind.FLAT_LINE: "读数不变（传感器卡滞）",
    RuleKind.RANGE: "有效范围（传感器故障）",
}
# One per channel: the channel's own replaces the pack's, under the same rule id (its episodes continue).
SINGLE_KINDS: Final[frozenset[RuleKind]] = frozenset({RuleKind.OFFLINE, RuleKind.FLAT_LINE, RuleKind.RANGE})

FIELDS: Final[dict[RuleKind, tuple[str, ...]]] = {
    RuleKind.THRESHOLD: ("direction", "first", "second", "deadband", "delay_samples", "delay_seconds"),
    RuleKind.RATE: ("trend", "first", "second", "window_s", "min_span_s", "deadband", "delay_samples",
                    "delay_seconds"),
    RuleKind.OFFLINE: ("intervals",),
    RuleKind.FLAT_LINE: ("epsilon", "hold_samples", "hold_seconds"),
    RuleKind.RANGE: ("low", "high"),
}
LABELS: Final[dict[str, str]] = {
    "direction": "方向", "trend": "变化方向", "first": "一级设定值", "second": "二级设定值", "deadband": "回差",
    "delay_samples": "延时（连续读数个数）", "delay_seconds": "延时（秒）", "window_s": "时间窗（秒）",
    "min_span_s": "最短跨度（秒）", "intervals": "离线判定倍数（× 采样周期）", "epsilon": "允差",
    "hold_samples": "持续读数个数", "hold_seconds": "持续秒数", "low": "有效下限", "high": "有效上限",
}
FIELD_CHOICES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "direction": (("high", "高限（H/HH）"), ("low", "低限（L/LL）")),
    "trend": (("rise", "上升"), ("fall", "下降")),
}
_CHOICES: Final[dict[str, tuple[str, ...]]] = {k: tuple(v for v, _ in pairs) for k, pairs in FIELD_CHOICES.items()}
_REQUIRED: Final[dict[RuleKind, tuple[str, ...]]] = {
    RuleKind.THRESHOLD: ("direction", "first"),
    RuleKind.RATE: ("trend", "first", "window_s"),
    RuleKind.OFFLINE: ("intervals",),
    RuleKind.FLAT_LINE: (),
    RuleKind.RANGE: (),
}
_WHOLE: Final[frozenset[str]] = frozenset({"delay_samples", "hold_samples"})


class RuleFieldErrors(ValueError):
    """Every wrong field of a rule, ``{field: Chinese reason}``."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("；".join(f"{LABELS.get(k, k)}：{v}" for k, v in errors.items()))
        self.errors = dict(errors)


@dataclass(frozen=True, slots=True)
class CustomRule:
    """A built channel rule and the slot of ``ChannelRules`` it goes to."""

    kind: RuleKind
    rule: ThresholdRule | RateOfChangeRule | OfflineRule | FlatLineRule | RangeRule


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _read(kind: RuleKind, params: Mapping[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """The kind's fields as numbers and choices; unknown, missing and malformed fields noted in ``errors``."""
    allowed = FIELDS[kind]
    for key, value in params.items():
        if key not in allowed and value not in (None, ""):
            errors[key] = f"{kind.label}规则没有该参数"
    clean: dict[str, Any] = {}
    for key in allowed:
        value = params.get(key)
        if value is None or value == "":
            if key in _REQUIRED[kind]:
                errors[key] = "必填"
            continue
        if key in _CHOICES:
            if value not in _CHOICES[key]:
                errors[key] = f"只能是 {' 或 '.join(_CHOICES[key])}"
            clean[key] = value
            continue
        number = _number(value)
        if number is None:
            errors[key] = "须为有限数字"
        elif key in _WHOLE and number != int(number):
            errors[key] = "须为整数"
        else:
            clean[key] = int(number) if key in _WHOLE else number
    return clean


def _levelled(kind: RuleKind, p: dict[str, Any], spec: ChannelSpec, errors: dict[str, str]) -> None:
    first, second = p.get("first"), p.get("second")
    if first is not None and second is not None:
        low_side = kind is RuleKind.THRESHOLD and p.get("direction") == "low"
        if low_side and second >= first:
            errors["second"] = f"二级设定值（LL）{fmt(second)} 须低于一级设定值（L）{fmt(first)}"
        elif not low_side and second <= first:
            name = "HH" if kind is RuleKind.THRESHOLD else "二级"
            errors["second"] = f"二级设定值（{name}）{fmt(second)} 须高于一级设定值 {fmt(first)}"
    if p.get("deadband", 0) < 0:
        errors["deadband"] = "回差不能为负数"
    if p.get("delay_samples", 1) < 1:
        errors["delay_samples"] = "至少为 1（1 = 不延时）"
    if p.get("delay_seconds", 0) < 0:
        errors["delay_seconds"] = "不能为负数"
    if kind is RuleKind.THRESHOLD:
        for key in ("first", "second"):
            if p.get(key) is not None and key not in errors and not spec.in_range(p[key]):
                errors[key] = f"{fmt(p[key])} 超出通道量程 {spec.range_text}，永远不会触发"
        return
    if first is not None and first <= 0:
        errors["first"] = "变化率设定值须为正数（方向由“变化方向”指定）"
    window = p.get("window_s")
    if window is not None and window <= 0:
        errors["window_s"] = "须为正数"
    span = p.get("min_span_s")
    if span is not None and window is not None and window > 0 and not 0 < span <= window:
        errors["min_span_s"] = f"须大于 0 且不超过时间窗 {fmt(window)} 秒"


def check(kind: str, params: Mapping[str, Any], spec: ChannelSpec) -> dict[str, Any]:
    """The rule's parameters, cleaned, for a channel described by ``spec``.

    :raises RuleFieldErrors: every wrong field: unknown kind or parameter, missing, not a number, HH not
        above H (LL not below L), a negative deadband or delay, a set point outside the channel's range, …
    """
    try:
        rule_kind = RuleKind(kind)
    except ValueError:
        raise RuleFieldErrors({"kind": f"只能是 {'、'.join(k.value for k in RuleKind)}"}) from None
    errors: dict[str, str] = {}
    p = _read(rule_kind, params, errors)
    if rule_kind in (RuleKind.THRESHOLD, RuleKind.RATE):
        _levelled(rule_kind, p, spec, errors)
    elif rule_kind is RuleKind.OFFLINE:
        if p.get("intervals", 1) <= 0:
            errors["intervals"] = "须为正数"
    elif rule_kind is RuleKind.FLAT_LINE:
        if p.get("epsilon", 0) < 0:
            errors["epsilon"] = "允差不能为负数"
        if p.get("hold_samples", 1) < 2 and p.get("hold_seconds", 0) <= 0 and "hold_samples" not in errors:
            errors["hold_samples"] = "须至少 2 个读数，或填写正的持续秒数"
        if p.get("hold_seconds", 0) < 0:
            errors["hold_seconds"] = "不能为负数"
    else:
        low, high = p.get("low"), p.get("high")
        if low is None and high is None and not errors:
            errors["low"] = "有效下限和上限至少填一个"
        elif low is not None and high is not None and low >= high:
            errors["high"] = f"有效上限 {fmt(high)} 须大于下限 {fmt(low)}"
    if errors:
        raise RuleFieldErrors(errors)
    return p


def build(kind: str, rule_id: str, name: str, params: Mapping[str, Any]) -> CustomRule:
    """The rule from parameters :func:`check` accepted. Offline, flat line and range keep the pack's ids."""
    rule_kind = RuleKind(kind)
    p = dict(params)
    delay = Hold(samples=int(p.get("delay_samples", 1)), seconds=float(p.get("delay_seconds", 0.0)))
    if rule_kind is RuleKind.THRESHOLD:
        return CustomRule(rule_kind, ThresholdRule(rule_id, name, Direction(p["direction"]), p["first"],
                                                   p.get("second"), p.get("deadband", 0.0), delay))
    if rule_kind is RuleKind.RATE:
        return CustomRule(rule_kind, RateOfChangeRule(rule_id, name, Trend(p["trend"]), p["first"], p.get("second"),
                                                      p["window_s"], p.get("min_span_s"), p.get("deadband", 0.0),
                                                      delay))
    if rule_kind is RuleKind.OFFLINE:
        return CustomRule(rule_kind, OfflineRule(intervals=p["intervals"]))
    if rule_kind is RuleKind.FLAT_LINE:
        hold = Hold(samples=int(p.get("hold_samples", 1)), seconds=float(p.get("hold_seconds", 0.0)))
        return CustomRule(rule_kind, FlatLineRule(epsilon=p.get("epsilon", 0.0), hold=hold))
    return CustomRule(rule_kind, RangeRule(low=p.get("low"), high=p.get("high")))


def attach(rules: ChannelRules, custom: Iterable[CustomRule]) -> ChannelRules:
    """The pack's rules with the channel's own: thresholds and rates added, offline / flat line / range replaced."""
    thresholds, rates = list(rules.thresholds), list(rules.rates)
    flat, offline, range_fault = rules.flat_line, rules.offline, rules.range_fault
    for item in custom:
        rule = item.rule
        if isinstance(rule, ThresholdRule):
            thresholds.append(rule)
        elif isinstance(rule, RateOfChangeRule):
            rates.append(rule)
        elif isinstance(rule, OfflineRule):
            offline = rule
        elif isinstance(rule, FlatLineRule):
            flat = rule
        else:
            range_fault = rule
    return replace(rules, thresholds=tuple(thresholds), rates=tuple(rates), flat_line=flat, offline=offline,
                   range_fault=range_fault)


def describe(rules: ChannelRules) -> list[tuple[str, RuleKind, str, dict[str, Any]]]:
    """Every rule in force as (rule id, kind, name, parameters in :data:`FIELDS`' words), for pages and the API."""
    found: list[tuple[str, RuleKind, str, dict[str, Any]]] = []
    for t in rules.thresholds:
        found.append((t.rule_id, RuleKind.THRESHOLD, t.name, {
            "direction": t.direction.value, "first": t.first, "second": t.second, "deadband": t.deadband,
            "delay_samples": t.delay.samples, "delay_seconds": t.delay.seconds}))
    for r in rules.rates:
        found.append((r.rule_id, RuleKind.RATE, r.name, {
            "trend": r.trend.value, "first": r.first, "second": r.second, "window_s": r.window_s,
            "min_span_s": r.min_span_s, "deadband": r.deadband, "delay_samples": r.delay.samples,
            "delay_seconds": r.delay.seconds}))
    if rules.offline is not None:
        found.append((rules.offline.rule_id, RuleKind.OFFLINE, RuleKind.OFFLINE.label,
                      {"intervals": rules.offline.intervals}))
    if rules.flat_line is not None:
        flat = rules.flat_line
        found.append((flat.rule_id, RuleKind.FLAT_LINE, RuleKind.FLAT_LINE.label, {
            "epsilon": flat.epsilon, "hold_samples": flat.hold.samples, "hold_seconds": flat.hold.seconds}))
    if rules.range_fault is not None:
        valid = rules.range_fault.bounds(rules.spec)
        found.append((rules.range_fault.rule_id, RuleKind.RANGE, RuleKind.RANGE.label,
                      {"low": valid.range_min, "high": valid.range_max}))
    return found


# The phrases of :func:`text`, each a whole format so a catalogue can reorder it (listed in `label_tables`).
TEXT_PHRASES: Final[dict[str, str]] = {
    "samples": "{n} 个读数", "seconds": "{n} 秒", "both": "{a}、{b}", "levels": "{a}，{b}",
    "deadband": "；回差 {v}", "delay": "；延时 {v}", "second": "，二级 {v}",
    "rise": "{window} 秒内每分钟上升 ≥ {v} {unit}/min", "fall": "{window} 秒内每分钟下降 ≥ {v} {unit}/min",
    "offline": "{n} × 采样周期无数据", "flat": "读数在 ±{v} {unit} 内保持 {hold}",
    "range": "有效范围 [{low}, {high}] {unit}",
}


def _identity(phrase: str) -> str:
    return phrase


def text(kind: RuleKind, params: Mapping[str, Any], unit: str,
         translate: Callable[[str], str] = _identity) -> str:
    """One line a person reads: "H ≥ 80 °C，HH ≥ 90 °C；回差 2；延时 3 个读数、10 秒"; ``translate`` (gettext)
    turns each phrase of :data:`TEXT_PHRASES` into the reader's language."""
    p = params

    def say(key: str, **values: Any) -> str:
        return translate(TEXT_PHRASES[key]).format(**values)

    def joined(samples: Any, seconds: Any) -> str:
        parts = [part for part in (say("samples", n=samples) if samples > 1 else "",
                                   say("seconds", n=fmt(seconds)) if seconds else "") if part]
        return say("both", a=parts[0], b=parts[1]) if len(parts) == 2 else "".join(parts)

    delay = joined(p.get("delay_samples", 1), p.get("delay_seconds"))
    tail = "".join((say("deadband", v=fmt(p["deadband"])) if p.get("deadband") else "",
                    say("delay", v=delay) if delay else ""))
    if kind is RuleKind.THRESHOLD:
        high = p["direction"] == "high"
        sign, names = ("≥", ("H", "HH")) if high else ("≤", ("L", "LL"))
        line = f"{names[0]} {sign} {fmt(p['first'])} {unit}"
        if p.get("second") is not None:
            line = say("levels", a=line, b=f"{names[1]} {sign} {fmt(p['second'])} {unit}")
        return line + tail
    if kind is RuleKind.RATE:
        second = say("second", v=fmt(p["second"])) if p.get("second") is not None else ""
        return say(p["trend"], window=fmt(p["window_s"]), v=fmt(p["first"]), unit=unit) + second + tail
    if kind is RuleKind.OFFLINE:
        return say("offline", n=fmt(p["intervals"]))
    if kind is RuleKind.FLAT_LINE:
        hold = joined(p.get("hold_samples", 1), p.get("hold_seconds"))
        return say("flat", v=fmt(p.get("epsilon", 0)), unit=unit, hold=hold)
    low, high = p.get("low"), p.get("high")
    return say("range", low="-∞" if low is None else fmt(low), high="+∞" if high is None else fmt(high), unit=unit)
