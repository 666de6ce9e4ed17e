"""What every pack shares: the sources it cites and the builders of its usual channel shapes."""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from yingji.monitoring.rule_packs.model import Basis, ChannelTemplate, Setting, ThresholdTemplate
from yingji.monitoring.rules import Category, Direction

# ── sources ────────────────────────────────────────────────────────────────────────────────────────
GB50493: Final = "GB/T 50493-2019"
YINGJI: Final = "应急平台默认值（DOMAIN 所列标准未规定，按现场调整）"
OFFLINE = Setting("offline_intervals", 3, "× 采样周期", f"{YINGJI}；issue 3：k × 采样周期无数据判离线")


def flat(epsilon: float, unit: str, samples: int = 30) -> tuple[Setting, Setting]:
    """The stuck-sensor settings (``flat_line=True`` on the template)."""
    return (
        Setting("flat_epsilon", epsilon, unit, f"{YINGJI}：取传感器分辨率"),
        Setting("flat_samples", samples, "个读数", YINGJI),
    )


def high(rule_id: str, name: str, *, second: bool = True, delay: bool = False) -> ThresholdTemplate:
    """A high-side rule on the settings ``h`` (``hh``), ``deadband`` (and ``delay_s``)."""
    return ThresholdTemplate(
        rule_id, name, Direction.HIGH, "h", "hh" if second else None, "deadband", "delay_s" if delay else None
    )


def low(rule_id: str, name: str, *, second: bool = True, delay: bool = False) -> ThresholdTemplate:
    """A low-side rule on the settings ``l`` (``ll``), ``deadband_low`` (and ``delay_s``)."""
    return ThresholdTemplate(
        rule_id, name, Direction.LOW, "l", "ll" if second else None, "deadband_low", "delay_s" if delay else None
    )


def _status_rule(rule_id: str, name: str, *, delay: bool, fault: bool) -> ThresholdTemplate:
    rule = high(rule_id, name, second=False, delay=delay)
    return replace(rule, category=Category.DEVICE) if fault else rule


def combustible(metric: str, name: str, source_note: str, basis: Basis, *, verify: bool = False) -> ChannelTemplate:
    """A %LEL channel with the GB/T 50493-2019 levels, 25 and 50 %LEL."""
    return ChannelTemplate(
        metric,
        name,
        "%LEL",
        (
            Setting("h", 25, "%LEL", f"{GB50493} 可燃气体一级报警设定值 ≤ 25 %LEL{source_note}", basis, verify),
            Setting("hh", 50, "%LEL", f"{GB50493} 可燃气体二级报警设定值 ≤ 50 %LEL{source_note}", basis, verify),
            Setting("deadband", 2, "%LEL", f"{YINGJI}：回差防止在设定值附近反复报警"),
            OFFLINE,
        ),
        (high(f"{metric}_level", name),),
        range_min=0,
        range_max=100,
    )


def scaled(
    metric: str, name: str, unit: str, design: str, fractions: dict[str, float], *, source: str = YINGJI
) -> ChannelTemplate:
    """Thresholds as fractions of a design value given per installation (the tank's, the well's, the pile's)."""
    settings = [Setting(key, f, f"× {design}", f"{source}：{design}的 {f:.0%}") for key, f in fractions.items()]
    templates = [high(f"{metric}_high", name, second="hh" in fractions)]
    settings.append(Setting("deadband", 0.01, f"× {design}", f"{YINGJI}：{design}的 1 %"))
    if "l" in fractions:
        templates.append(low(f"{metric}_low", name, second="ll" in fractions))
        settings.append(Setting("deadband_low", 0.01, f"× {design}", f"{YINGJI}：{design}的 1 %"))
    settings.append(OFFLINE)
    return ChannelTemplate(metric, name, unit, tuple(settings), tuple(templates), design=design)


def status(
    metric: str, name: str, meaning: str, source: str, *, delay_s: float = 0, fault: bool = False
) -> ChannelTemplate:
    """A status channel: 0 = normal, 1 = ``meaning`` (the device itself decides; the platform reports it).

    The set point is the platform's encoding, configurable for a vendor that reports another code;
    ``delay_s`` is how long the status must persist (a door briefly closed is not a blocked exit).
    ``fault=True`` for the device's own fault output: a device fault (level FAULT), not a process alarm.
    """
    settings = [
        Setting("h", 1, "状态码", f"平台约定：1 = {meaning}，0 = 正常；{source}"),
        Setting("deadband", 0.5, "状态码", "平台约定：回到 0 即恢复"),
        OFFLINE,
    ]
    if delay_s:
        settings.append(Setting("delay_s", delay_s, "s", f"{YINGJI}：状态持续该时长才报警"))
    return ChannelTemplate(
        metric,
        name,
        "状态",
        tuple(settings),
        (_status_rule(f"{metric}_on", name, delay=bool(delay_s), fault=fault),),
        range_min=0,
        range_max=1,
    )
