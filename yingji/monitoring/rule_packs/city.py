"""Packs for the city: smart fire, lifelines (gas, water, drainage, bridges), EV charging piles, campuses.

Figures from a standard name it; a figure not checked against the standard's text is marked ``verify``.
Everything else is a Yingji default, configurable per site, and says so.
"""

from __future__ import annotations

from typing import Final

from yingji.monitoring.rule_packs.common import (
    OFFLINE,
    YINGJI,
    combustible,
    flat,
    high,
    low,
    scaled,
    status,
)
from yingji.monitoring.rule_packs.model import Basis, ChannelTemplate, RateTemplate, Setting
from yingji.monitoring.rules import Trend

GB4715: Final = "火警由探测器按 GB 4715-2005《点型感烟火灾探测器》判定，经火灾报警控制器（GB 4717-2005）上传"
GB14287_2: Final = "GB 14287.2-2014 剩余电流式电气火灾监控探测器报警值应在 20–1000 mA 范围内可设"
GB14287_3: Final = "GB 14287.3-2014 测温式电气火灾监控探测器报警值应在 55–140 °C 范围内可设"
GB50838: Final = "GB 50838-2015 城市综合管廊工程技术规范"
FIRE_LAW_28: Final = "《中华人民共和国消防法》第二十八条：不得占用、堵塞、封闭疏散通道、安全出口"

# ── smart fire ─────────────────────────────────────────────────────────────────────────────────────
SMOKE_ALARM: Final = status("smoke_alarm", "感烟探测器火警", "火警", GB4715)
SMOKE_FAULT: Final = status(
    "smoke_fault", "感烟探测器故障", "故障（探测器自检失败、污染、拆除）", GB4715, fault=True
)

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
    (low("hydrant_pressure_low", "消火栓管网压力", second=False, delay=True),),
    range_min=0,
    range_max=1.6,
)
SPRINKLER_PRESSURE: Final = ChannelTemplate(
    "sprinkler_pressure",
    "喷淋管网压力",
    "MPa",
    (
        Setting(
            "l",
            0.05,
            "MPa",
            "可配置，默认取自 GB 50084-2017 最不利点处喷头工作压力不应低于 0.05 MPa"
            "（部分危险等级按表 5.0.1 为 0.10 MPa）",
            verify=True,
        ),
        Setting("deadband_low", 0.005, "MPa", YINGJI),
        Setting("delay_s", 30, "s", f"{YINGJI}：滤除瞬时波动"),
        OFFLINE,
    ),
    (low("sprinkler_pressure_low", "喷淋管网压力", second=False, delay=True),),
    range_min=0,
    range_max=1.6,
)
RESIDUAL_CURRENT: Final = ChannelTemplate(
    "residual_current",
    "剩余电流",
    "mA",
    (
        Setting(
            "h",
            300,
            "mA",
            f"可配置，默认 300 mA，取自 GB 50116-2013 剩余电流报警值宜为 300–500 mA；{GB14287_2}",
            verify=True,
            bounds=(20, 1000),
        ),
        Setting("deadband", 30, "mA", f"{YINGJI}：设定值的 10 %"),
        OFFLINE,
    ),
    (high("residual_current_high", "剩余电流", second=False),),
    range_min=0,
    range_max=1000,
)
CABLE_TEMPERATURE: Final = ChannelTemplate(
    "cable_temperature",
    "线缆温度",
    "°C",
    (
        Setting(
            "h",
            60,
            "°C",
            f"{YINGJI}：低于聚氯乙烯绝缘导体长期允许温度 70 °C；{GB14287_3}",
            verify=True,
            bounds=(55, 140),
        ),
        Setting(
            "hh",
            70,
            "°C",
            f"可配置，默认取聚氯乙烯绝缘导体长期允许工作温度 70 °C；{GB14287_3}",
            verify=True,
            bounds=(55, 140),
        ),
        Setting("deadband", 2, "°C", YINGJI),
        OFFLINE,
    ),
    (high("cable_temperature_high", "线缆温度"),),
    range_min=-40,
    range_max=200,
)

# ── city lifelines ─────────────────────────────────────────────────────────────────────────────────
MANHOLE_METHANE: Final = combustible(
    "methane", "窨井甲烷浓度", "（可配置：沿用该分级，窨井与管廊不在其适用范围内）", Basis.CONFIGURABLE
)
TUNNEL_METHANE: Final = ChannelTemplate(
    "methane",
    "管廊天然气舱甲烷浓度",
    "%LEL",
    (
        Setting(
            "h",
            20,
            "%LEL",
            f"{GB50838} 天然气管道舱报警浓度设定值（上限值）不应大于爆炸下限的 20 %（甲烷约 1 %VOL）",
            Basis.AT_MOST,
            verify=True,
        ),
        Setting("hh", 40, "%LEL", f"{YINGJI}：二级报警为一级的两倍（{GB50838} 只规定一级上限）", verify=True),
        Setting("deadband", 2, "%LEL", YINGJI),
        OFFLINE,
    ),
    (high("methane_level", "管廊天然气舱甲烷浓度"),),
    range_min=0,
    range_max=100,
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
        Setting("drop_deadband", 0.01, "MPa/min", f"{YINGJI}：回差，防止速率在设定值附近反复升降级"),
        *flat(0.0, "MPa"),
        OFFLINE,
    ),
    (low("water_pressure_low", "供水管网压力", second=False, delay=True),),
    (
        RateTemplate(
            "water_pressure_drop",
            "供水管网压力下降速率（疑似爆管）",
            Trend.FALL,
            "drop_first",
            "drop_window_s",
            "drop_second",
            "drop_deadband",
        ),
    ),
    flat_line=True,
    range_min=0,
    range_max=1.6,
)
DRAINAGE_LEVEL: Final = scaled("drainage_level", "排水井水位", "m", "井深", {"h": 0.80, "hh": 0.95})

_BRIDGE = f"{YINGJI}；设计限值取自该桥设计文件（如 JTG 3362-2018 主梁挠度限值 L/600，verify）"
# Strain is signed (tension +, compression −): high side for tension, low side for compression.
BRIDGE_STRAIN: Final = scaled(
    "bridge_strain", "桥梁应变", "με", "设计应变限值", {"h": 0.80, "hh": 1.0, "l": -0.80, "ll": -1.0}, source=_BRIDGE
)
BRIDGE_DEFLECTION: Final = scaled(
    "bridge_deflection", "桥梁挠度", "mm", "设计挠度限值", {"h": 0.80, "hh": 1.0}, source=_BRIDGE
)

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
        Setting("rise_deadband", 1, "°C/min", f"{YINGJI}：回差"),
        OFFLINE,
    ),
    (high("pile_temperature_high", "充电桩温度"),),
    (
        RateTemplate(
            "pile_temperature_rise", "充电桩温升速率", Trend.RISE, "rise_first", "rise_window_s", None, "rise_deadband"
        ),
    ),
    range_min=-40,
    range_max=150,
)
_RATED = "额定电流"
CHARGING_CURRENT: Final = ChannelTemplate(
    "pile_current",
    "充电桩输出电流",
    "A",
    (
        Setting(
            "h",
            1.10,
            f"× {_RATED}",
            f"{YINGJI}：超过{_RATED}的 110 %（GB/T 18487.1-2023 要求充电机限流，容差待核）",
            verify=True,
        ),
        Setting("hh", 1.25, f"× {_RATED}", f"{YINGJI}：超过{_RATED}的 125 %"),
        Setting("deadband", 0.02, f"× {_RATED}", f"{YINGJI}：{_RATED}的 2 %"),
        Setting("delay_s", 5, "s", f"{YINGJI}：滤除启动冲击电流"),
        OFFLINE,
    ),
    (high("pile_current_high", "充电桩过流", delay=True),),
    range_min=0,
    design=_RATED,
)
PILE_SMOKE: Final = status("pile_smoke", "充电桩烟雾", "检测到烟雾", "充电桩/充电站烟雾探测器自身判定")

# ── campus (schools): small and honest — gas in the kitchen, fire, crowding, blocked exits ──────────
KITCHEN_GAS: Final = combustible(
    "kitchen_gas",
    "食堂燃气浓度",
    "（可配置：沿用该分级，餐饮厨房不在其适用范围内）",
    Basis.CONFIGURABLE,
    verify=True,
)
OCCUPANCY: Final = scaled(
    "occupancy",
    "场所在场人数",
    "人",
    "核定容纳人数",
    {"h": 0.90, "hh": 1.0},
    source=f"{YINGJI}；核定容纳人数取自该场所消防设计或管理规定",
)
EXIT_BLOCKED: Final = status("exit_blocked", "安全出口封闭", "安全出口被锁闭或堵塞", FIRE_LAW_28, delay_s=60)
