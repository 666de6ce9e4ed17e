"""The packs' data: DOMAIN §5–6 set points and the defaults for what the standards leave open."""

from __future__ import annotations

from typing import Final

from yingji.monitoring.rule_packs.model import (
    Basis,
    ChannelTemplate,
    RateTemplate,
    RulePack,
    Setting,
    ThresholdTemplate,
)
from yingji.monitoring.rules import Direction, Trend

# ── sources ────────────────────────────────────────────────────────────────────────────────────────
GB50493: Final = "GB/T 50493-2019"
YINGJI: Final = "应急平台默认值（DOMAIN 所列标准未规定，按现场调整）"
OFFLINE = Setting("offline_intervals", 3, "× 采样周期", f"{YINGJI}；issue 3：k × 采样周期无数据判离线")


def _flat(epsilon: float, unit: str, samples: int = 30) -> tuple[Setting, Setting]:
    return (
        Setting("flat_epsilon", epsilon, unit, f"{YINGJI}：取传感器分辨率"),
        Setting("flat_samples", samples, "个读数", YINGJI),
    )


def _high(rule_id: str, name: str, *, second: bool = True, delay: bool = False) -> ThresholdTemplate:
    return ThresholdTemplate(
        rule_id, name, Direction.HIGH, "h", "hh" if second else None, "deadband", "delay_s" if delay else None
    )


def _low(rule_id: str, name: str, *, second: bool = True, delay: bool = False) -> ThresholdTemplate:
    return ThresholdTemplate(
        rule_id, name, Direction.LOW, "l", "ll" if second else None, "deadband_low", "delay_s" if delay else None
    )


# ── gas detection (DOMAIN §5, GB/T 50493-2019) ─────────────────────────────────────────────────────
def _combustible(metric: str, name: str, source_note: str, basis: Basis) -> ChannelTemplate:
    return ChannelTemplate(
        metric,
        name,
        "%LEL",
        (
            Setting("h", 25, "%LEL", f"{GB50493} 可燃气体一级报警设定值 ≤ 25 %LEL{source_note}", basis),
            Setting("hh", 50, "%LEL", f"{GB50493} 可燃气体二级报警设定值 ≤ 50 %LEL{source_note}", basis),
            Setting("deadband", 2, "%LEL", f"{YINGJI}：回差防止在设定值附近反复报警"),
            OFFLINE,
        ),
        (_high(f"{metric}_level", name),),
        range_min=0,
        range_max=100,
    )


COMBUSTIBLE_GAS: Final = _combustible("combustible_gas", "可燃气体浓度", "", Basis.AT_MOST)

# Example set points, mg/m³, level 1 = 100 % OEL (level 2 = 200 %); DOMAIN marks the figures (verify).
TOXIC_OEL_MG_M3: Final[dict[str, tuple[str, float]]] = {
    "h2s": ("硫化氢", 10),
    "co": ("一氧化碳", 20),
    "nh3": ("氨", 20),
    "cl2": ("氯气", 1),
    "so2": ("二氧化硫", 5),
    "benzene": ("苯", 6),
    "methanol": ("甲醇", 25),
    "toluene": ("甲苯", 50),
}


def _toxic(metric: str, gas: str, oel: float) -> ChannelTemplate:
    unit = "mg/m³"
    return ChannelTemplate(
        metric,
        f"{gas}浓度",
        unit,
        (
            Setting(
                "h", oel, unit, f"{GB50493} 有毒气体一级报警 ≤ 100 % OEL；示例值 {oel:g} {unit}", Basis.AT_MOST, True
            ),
            Setting(
                "hh",
                2 * oel,
                unit,
                f"{GB50493} 有毒气体二级报警 ≤ 200 % OEL；示例值 {2 * oel:g} {unit}",
                Basis.AT_MOST,
                True,
            ),
            Setting("deadband", oel / 10, unit, f"{YINGJI}：一级设定值的 10 %"),
            OFFLINE,
        ),
        (_high(f"{metric}_level", f"{gas}浓度"),),
        range_min=0,
    )


TOXIC_GASES: Final = tuple(_toxic(metric, gas, oel) for metric, (gas, oel) in TOXIC_OEL_MG_M3.items())

OXYGEN: Final = ChannelTemplate(
    "oxygen",
    "氧气浓度",
    "%VOL",
    (
        Setting("h", 23.5, "%VOL", f"{GB50493} 环境过氧报警设定值 23.5 %VOL", Basis.STANDARD),
        Setting("l", 19.5, "%VOL", f"{GB50493} 环境欠氧报警设定值 19.5 %VOL", Basis.STANDARD),
        Setting("deadband", 0.2, "%VOL", YINGJI),
        Setting("deadband_low", 0.2, "%VOL", YINGJI),
        OFFLINE,
    ),
    (_high("oxygen_high", "氧气浓度", second=False), _low("oxygen_low", "氧气浓度", second=False)),
    range_min=0,
    range_max=30,
)


# ── tank farms: fractions of the tank's design values (DOMAIN §6 lists the channels, not the numbers) ─
def _scaled(metric: str, name: str, unit: str, design: str, fractions: dict[str, float]) -> ChannelTemplate:
    """Thresholds as fractions of a design value given per installation (the tank's, the well's)."""
    settings = [Setting(key, f, f"× {design}", f"{YINGJI}：{design}的 {f:.0%}") for key, f in fractions.items()]
    templates = [_high(f"{metric}_high", name)]
    settings.append(Setting("deadband", 0.01, f"× {design}", f"{YINGJI}：{design}的 1 %"))
    if "l" in fractions:
        templates.append(_low(f"{metric}_low", name))
        settings.append(Setting("deadband_low", 0.01, f"× {design}", f"{YINGJI}：{design}的 1 %"))
    settings.append(OFFLINE)
    return ChannelTemplate(metric, name, unit, tuple(settings), tuple(templates), design=design)


TANK_LEVEL: Final = _scaled(
    "tank_level", "储罐液位", "m", "设计最高液位", {"h": 0.85, "hh": 0.90, "l": 0.10, "ll": 0.05}
)
TANK_TEMPERATURE: Final = _scaled("tank_temperature", "储罐温度", "°C", "设计温度", {"h": 0.90, "hh": 0.95})
TANK_PRESSURE: Final = _scaled(
    "tank_pressure", "储罐压力", "MPa", "设计压力", {"h": 0.90, "hh": 0.95, "l": 0.10, "ll": 0.05}
)

# ── smart fire ─────────────────────────────────────────────────────────────────────────────────────
HYDRANT_PRESSURE: Final = ChannelTemplate(
    "hydrant_pressure",
    "消火栓管网压力",
    "MPa",
    (
        Setting(
            "l", 0.10, "MPa", "可配置，默认取自 GB 50974-2014 市政消火栓火灾时供水压力不应小于 0.10 MPa", verify=True
        ),
        Setting("deadband_low", 0.01, "MPa", YINGJI),
        Setting("delay_s", 30, "s", f"{YINGJI}：滤除水锤等瞬时波动"),
        OFFLINE,
    ),
    (_low("hydrant_pressure_low", "消火栓管网压力", second=False, delay=True),),
    range_min=0,
    range_max=1.6,
)
RESIDUAL_CURRENT: Final = ChannelTemplate(
    "residual_current",
    "剩余电流",
    "mA",
    (
        Setting("h", 300, "mA", "可配置，默认 300 mA，取自 GB 50116-2013 剩余电流报警值宜为 300–500 mA", verify=True),
        Setting("deadband", 30, "mA", f"{YINGJI}：设定值的 10 %"),
        OFFLINE,
    ),
    (_high("residual_current_high", "剩余电流", second=False),),
    range_min=0,
    range_max=1000,
)
CABLE_TEMPERATURE: Final = ChannelTemplate(
    "cable_temperature",
    "线缆温度",
    "°C",
    (
        Setting("h", 60, "°C", f"{YINGJI}：低于聚氯乙烯绝缘导体长期允许温度 70 °C", verify=True),
        Setting("hh", 70, "°C", "可配置，默认取聚氯乙烯绝缘导体长期允许工作温度 70 °C", verify=True),
        Setting("deadband", 2, "°C", YINGJI),
        OFFLINE,
    ),
    (_high("cable_temperature_high", "线缆温度"),),
    range_min=-40,
    range_max=200,
)

# ── city lifelines ─────────────────────────────────────────────────────────────────────────────────
MANHOLE_METHANE: Final = _combustible(
    "methane", "窨井甲烷浓度", "（可配置：沿用该分级，窨井与管廊不在其适用范围内）", Basis.CONFIGURABLE
)
WATER_MAIN_PRESSURE: Final = ChannelTemplate(
    "water_pressure",
    "供水管网压力",
    "MPa",
    (
        Setting("l", 0.14, "MPa", "可配置，默认取自城镇供水管网最小服务压力 0.14 MPa", verify=True),
        Setting("deadband_low", 0.01, "MPa", YINGJI),
        Setting("delay_s", 60, "s", f"{YINGJI}：滤除瞬时波动"),
        Setting("drop_first", 0.02, "MPa/min", f"{YINGJI}：按管网历史数据调整"),
        Setting("drop_second", 0.05, "MPa/min", f"{YINGJI}：按管网历史数据调整"),
        Setting("drop_window_s", 300, "s", YINGJI),
        *_flat(0.0, "MPa"),
        OFFLINE,
    ),
    (_low("water_pressure_low", "供水管网压力", second=False, delay=True),),
    (
        RateTemplate(
            "water_pressure_drop",
            "供水管网压力下降速率（疑似爆管）",
            Trend.FALL,
            "drop_first",
            "drop_window_s",
            "drop_second",
        ),
    ),
    flat_line=True,
    range_min=0,
    range_max=1.6,
)
DRAINAGE_LEVEL: Final = _scaled("drainage_level", "排水井水位", "m", "井深", {"h": 0.80, "hh": 0.95})

# ── EV charging piles ──────────────────────────────────────────────────────────────────────────────
CHARGING_TEMPERATURE: Final = ChannelTemplate(
    "pile_temperature",
    "充电桩温度",
    "°C",
    (
        Setting("h", 60, "°C", YINGJI),
        Setting("hh", 75, "°C", YINGJI),
        Setting("deadband", 2, "°C", YINGJI),
        Setting("rise_first", 5, "°C/min", f"{YINGJI}：温度骤升提示热失控风险"),
        Setting("rise_window_s", 120, "s", YINGJI),
        OFFLINE,
    ),
    (_high("pile_temperature_high", "充电桩温度"),),
    (RateTemplate("pile_temperature_rise", "充电桩温升速率", Trend.RISE, "rise_first", "rise_window_s"),),
    range_min=-40,
    range_max=150,
)


PACKS: Final[dict[str, RulePack]] = {
    p.device_type: p
    for p in (
        RulePack("combustible_gas_detector", "可燃气体探测器", (COMBUSTIBLE_GAS,)),
        RulePack("toxic_gas_detector", "有毒气体探测器", TOXIC_GASES),
        RulePack("oxygen_detector", "氧气探测器", (OXYGEN,)),
        RulePack(
            "storage_tank", "储罐", (TANK_LEVEL, TANK_TEMPERATURE, TANK_PRESSURE, COMBUSTIBLE_GAS, *TOXIC_GASES, OXYGEN)
        ),
        RulePack("hydrant_monitor", "消火栓压力监测", (HYDRANT_PRESSURE,)),
        RulePack("electrical_fire_monitor", "电气火灾监控探测器", (RESIDUAL_CURRENT, CABLE_TEMPERATURE)),
        RulePack("manhole_gas_detector", "窨井/管廊气体探测器", (MANHOLE_METHANE,)),
        RulePack("water_main_monitor", "供水管网压力监测", (WATER_MAIN_PRESSURE,)),
        RulePack("drainage_level_meter", "排水井水位计（内涝）", (DRAINAGE_LEVEL,)),
        RulePack("ev_charging_pile", "电动汽车充电桩", (CHARGING_TEMPERATURE,)),
        RulePack("tool_elock", "动火工具电子锁", ()),  # lock state only: alarms come from yingji.worksafety
    )
}
