"""The packs' data: DOMAIN §5–6 set points and the defaults for what the standards leave open."""

from __future__ import annotations

from typing import Final

from yingji.monitoring.rule_packs.city import (
    BRIDGE_DEFLECTION,
    BRIDGE_STRAIN,
    CABLE_TEMPERATURE,
    CHARGING_CURRENT,
    CHARGING_TEMPERATURE,
    DRAINAGE_LEVEL,
    EXIT_BLOCKED,
    HYDRANT_PRESSURE,
    KITCHEN_GAS,
    MANHOLE_METHANE,
    OCCUPANCY,
    PILE_SMOKE,
    RESIDUAL_CURRENT,
    SMOKE_ALARM,
    SMOKE_FAULT,
    SPRINKLER_PRESSURE,
    TUNNEL_METHANE,
    WATER_MAIN_PRESSURE,
)
from yingji.monitoring.rule_packs.common import GB50493, OFFLINE, YINGJI, combustible, high, low, scaled
from yingji.monitoring.rule_packs.model import Basis, ChannelTemplate, RulePack, Setting

# ── gas detection (DOMAIN §5, GB/T 50493-2019) ─────────────────────────────────────────────────────
COMBUSTIBLE_GAS: Final = combustible("combustible_gas", "可燃气体浓度", "", Basis.AT_MOST)

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
        (high(f"{metric}_level", f"{gas}浓度"),),
        range_min=0,
    )


TOXIC_GASES: Final = tuple(_toxic(metric, gas, oel) for metric, (gas, oel) in TOXIC_OEL_MG_M3.items())
H2S: Final = next(t for t in TOXIC_GASES if t.metric == "h2s")

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
    (high("oxygen_high", "氧气浓度", second=False), low("oxygen_low", "氧气浓度", second=False)),
    range_min=0,
    range_max=30,
)


# ── tank farms: fractions of the tank's design values (DOMAIN §6 lists the channels, not the numbers) ─
TANK_LEVEL: Final = scaled(
    "tank_level", "储罐液位", "m", "设计最高液位", {"h": 0.85, "hh": 0.90, "l": 0.10, "ll": 0.05}
)
TANK_TEMPERATURE: Final = scaled("tank_temperature", "储罐温度", "°C", "设计温度", {"h": 0.90, "hh": 0.95})
TANK_PRESSURE: Final = scaled(
    "tank_pressure", "储罐压力", "MPa", "设计压力", {"h": 0.90, "hh": 0.95, "l": 0.10, "ll": 0.05}
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
        RulePack("manhole_gas_detector", "窨井可燃气体探测器", (MANHOLE_METHANE,)),
        RulePack("water_main_monitor", "供水管网压力监测", (WATER_MAIN_PRESSURE,)),
        RulePack("drainage_level_meter", "排水井水位计（内涝）", (DRAINAGE_LEVEL,)),
        RulePack("ev_charging_pile", "电动汽车充电桩", (CHARGING_TEMPERATURE, CHARGING_CURRENT, PILE_SMOKE)),
        RulePack("smoke_detector", "感烟火灾探测器", (SMOKE_ALARM, SMOKE_FAULT)),
        RulePack("sprinkler_monitor", "喷淋管网压力监测", (SPRINKLER_PRESSURE,)),
        RulePack("utility_tunnel_monitor", "综合管廊天然气舱环境监测", (TUNNEL_METHANE, OXYGEN, H2S)),
        RulePack("bridge_monitor", "桥梁结构监测", (BRIDGE_STRAIN, BRIDGE_DEFLECTION)),
        RulePack(
            "campus_safety",
            "校园安全（食堂燃气、火警、人员密集、安全出口）",
            (KITCHEN_GAS, SMOKE_ALARM, SMOKE_FAULT, OCCUPANCY, EXIT_BLOCKED),
        ),
        RulePack("tool_elock", "动火工具电子锁", ()),  # lock state only: alarms come from yingji.worksafety
    )
}

# The names of the packs' rules (rule lists, alarm text), listed in `label_tables` so pages can translate them.
RULE_NAMES: Final[tuple[str, ...]] = tuple(
    sorted({t.name for p in PACKS.values() for c in p.channels for t in c.thresholds}
           | {r.name for p in PACKS.values() for c in p.channels for r in c.rates})
)
