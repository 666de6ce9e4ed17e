"""Demo warehouses with stock, shelters, vehicles and key equipment as plain dicts (pure, seeded)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from yingji.core.demo import EMERGENCY, FIRE, HEALTH, HOUSING, POLICE, TRANSPORT

from ..choices import EquipmentKind, ReadinessStatus, ShelterKind, StockCategory, TeamType, VehicleType
from . import names
from .places import Placer, Spot, short_village

Record = dict[str, Any]
COUNTY_SEAT = "211122001"
# Expiry dates count from this fixed day, so every run writes the same dates (a few already past).
REFERENCE_DATE = date(2026, 12, 1)

# (name, category, unit, quantity range, shelf life in days or None)
STOCK: dict[str, tuple[str, StockCategory, str, tuple[int, int], int | None]] = {
    "tent": ("救灾帐篷", StockCategory.SHELTER, "顶", (40, 500), None),
    "quilt": ("棉被", StockCategory.SHELTER, "床", (200, 3000), None),
    "cot": ("折叠床", StockCategory.SHELTER, "张", (100, 1500), None),
    "lifejacket": ("救生衣", StockCategory.FLOOD, "件", (100, 1200), None),
    "sandbag": ("防汛编织袋", StockCategory.FLOOD, "袋", (5000, 60000), None),
    "raincoat": ("雨衣", StockCategory.FLOOD, "件", (100, 800), None),
    "pump": ("大功率排水泵", StockCategory.MACHINERY, "台", (2, 20), None),
    "generator": ("柴油发电机", StockCategory.MACHINERY, "台", (1, 6), None),
    "foam": ("泡沫灭火剂", StockCategory.HAZMAT, "吨", (2, 40), 6 * 365),
    "boom": ("吸油拖栏", StockCategory.HAZMAT, "米", (200, 2000), None),
    "sorbent": ("吸附棉", StockCategory.HAZMAT, "箱", (20, 300), None),
    "plug": ("堵漏工具", StockCategory.HAZMAT, "套", (2, 10), None),
    "water": ("瓶装饮用水", StockCategory.FOOD, "箱", (200, 3000), 365),
    "noodles": ("方便面", StockCategory.FOOD, "箱", (100, 2000), 180),
    "biscuit": ("压缩饼干", StockCategory.FOOD, "箱", (50, 800), 3 * 365),
    "mask": ("医用口罩", StockCategory.PROTECTIVE, "箱", (10, 200), 3 * 365),
    "suit": ("防化服", StockCategory.PROTECTIVE, "套", (10, 80), 5 * 365),
    "firstaid": ("急救包", StockCategory.MEDICAL, "箱", (10, 120), 2 * 365),
    "lamp": ("应急照明灯", StockCategory.LIGHTING, "台", (10, 120), None),
    "extinguisher": ("干粉灭火器", StockCategory.FIRE, "具", (50, 600), 5 * 365),
    "blower": ("风力灭火机", StockCategory.FIRE, "台", (5, 60), None),
}
GENERAL = ("tent", "quilt", "cot", "water", "noodles", "biscuit", "mask", "firstaid", "lamp", "generator",
           "lifejacket", "raincoat", "sandbag", "extinguisher", "pump")
FLOOD = ("sandbag", "lifejacket", "raincoat", "pump", "generator", "lamp", "tent", "water", "noodles", "boom")
HAZMAT = ("foam", "boom", "sorbent", "plug", "suit", "mask", "extinguisher", "lamp", "water", "firstaid",
          "generator", "pump")
FIRE_STORE = ("foam", "extinguisher", "blower", "suit", "lamp", "generator", "firstaid", "water", "mask")
REED_TOWNS = ("211122004", "211122106", "211122400", "211122103")


def _located(spot: Spot) -> Record:
    return {"address": spot.address, "longitude": spot.lon, "latitude": spot.lat, "area_code": spot.area_code}


def _stock(rng: random.Random, keys: tuple[str, ...]) -> list[Record]:
    items = []
    for key in rng.sample(keys, rng.randint(min(5, len(keys)), min(15, len(keys)))):
        name, category, unit, (low, high), shelf_life = STOCK[key]
        expiry = None
        if shelf_life is not None:
            expiry = REFERENCE_DATE + timedelta(days=rng.randint(-20, shelf_life))
        items.append({"name": name, "category": category, "unit": unit, "quantity": rng.randint(low, high),
                      "expiry_date": expiry})
    return items


def build_warehouses(enterprises: list[Record]) -> list[Record]:
    """3 county stores, the park store and two enterprise stores, and one store per township unit."""
    rng = random.Random("yingji-demo-warehouse")
    placer = Placer("yingji-demo-warehouse-place")
    plan: list[tuple[str, str, Spot, tuple[str, ...], str, Record | None]] = [
        ("盘山县应急物资储备库", "county", placer.near_seat(COUNTY_SEAT, 2500), GENERAL, EMERGENCY, None),
        ("盘山县防汛物资储备库", "county", placer.near_seat(COUNTY_SEAT, 2500), FLOOD, EMERGENCY, None),
        ("盘山县消防应急物资库", "county", placer.near_seat(COUNTY_SEAT, 2000), FIRE_STORE, FIRE, None),
        ("盘山县石化产业园应急物资库", "county", placer.in_park(), HAZMAT, EMERGENCY, None),
    ]
    storers = [e for e in enterprises if e["hazard_category"] == "storage"][:2]
    for storer in storers:
        at_firm = Spot(storer["longitude"], storer["latitude"], storer["area_code"], storer["address"])
        label = storer["name"].removeprefix("盘山县").removesuffix("有限公司")
        plan.append((f"{label}应急物资库", "enterprise", at_firm, HAZMAT, EMERGENCY, storer))
    for code, seat in placer.seats.items():
        town_keys = (*FLOOD, "blower") if code in REED_TOWNS else GENERAL
        plan.append((f"{seat['name']}应急物资储备点", "township", placer.near_seat(code, 1200), town_keys, EMERGENCY,
                     None))
    out = []
    for name, level, spot, keys, department, firm in plan:
        out.append({
            "name": name, "level": level, "area_m2": float(rng.randrange(200, 3000, 50) if level == "county"
                                                           else rng.randrange(80, 800, 20)),
            "manager": names.person_name(rng), "phone": names.mobile(rng), "department": department,
            "enterprise": firm["credit_code"] if firm else None, "items": _stock(rng, keys), **_located(spot),
        })
    return out


FACILITIES = "供水、供电、厕所、医疗点、应急广播"


def build_shelters() -> list[Record]:
    """10 in the county seat, 4 in each other town, 2 at the forest farm: capacity 200–3000, empty."""
    rng = random.Random("yingji-demo-shelter")
    placer = Placer("yingji-demo-shelter-place")
    seat = placer.near_seat
    plan: list[tuple[str, ShelterKind, Spot, tuple[int, int], str]] = [
        ("盘山县文化广场应急避难场所", ShelterKind.SQUARE, seat(COUNTY_SEAT, 1200), (2500, 3000), HOUSING),
        ("盘山县人民公园应急避难场所", ShelterKind.SQUARE, seat(COUNTY_SEAT, 1500), (2000, 3000), HOUSING),
        ("盘山县体育馆避难场所", ShelterKind.STADIUM, seat(COUNTY_SEAT, 1500), (1500, 2500), HOUSING),
        ("盘山县高级中学避难场所", ShelterKind.SCHOOL, seat(COUNTY_SEAT, 1800), (1500, 2500), EMERGENCY),
        ("盘山县职业教育中心避难场所", ShelterKind.SCHOOL, seat(COUNTY_SEAT, 2000), (1200, 2000), EMERGENCY),
        ("盘山县中心应急避难场所", ShelterKind.DEDICATED, seat(COUNTY_SEAT, 2000), (2000, 3000), EMERGENCY),
    ]
    for community in placer.villages_of(COUNTY_SEAT, rural=False)[:4]:
        plan.append((f"{short_village(community['name'])}社区服务中心避难点".replace("社区社区", "社区"),
                     ShelterKind.COMMUNITY, placer.near_village(community["code"], 300), (200, 600), EMERGENCY))
    for code, info in placer.seats.items():
        if code == COUNTY_SEAT:
            continue
        town = info["name"]
        if code == "211122400":
            plan.append(("盘山县林场场部避难点", ShelterKind.COMMUNITY, seat(code, 500), (200, 400), EMERGENCY))
            plan.append(("盘山县林场小学避难点", ShelterKind.SCHOOL, seat(code, 500), (200, 400), EMERGENCY))
            continue
        plan.append((f"{town}中心小学避难场所", ShelterKind.SCHOOL, seat(code, 1200), (400, 1200), EMERGENCY))
        plan.append((f"{town}文化广场避难场所", ShelterKind.SQUARE, seat(code, 1200), (600, 2000), HOUSING))
        plan.append((f"{town}综合文化站避难点", ShelterKind.COMMUNITY, seat(code, 1200), (200, 500), EMERGENCY))
        village = rng.choice(placer.villages_of(code))
        plan.append((f"{town}{short_village(village['name'])}党群服务中心避难点", ShelterKind.COMMUNITY,
                     placer.near_village(village["code"], 300), (200, 400), EMERGENCY))
    out = []
    for name, kind, spot, (low, high), department in plan:
        capacity = rng.randrange(low, high + 1, 50) if high - low >= 50 else low
        out.append({
            "name": name, "kind": kind, "capacity": capacity,
            "area_m2": float(round(capacity * rng.uniform(1.8, 3.0))),  # ≥ 1.5 m² a person, with aisles
            "facilities": "、".join(FACILITIES.split("、")[: rng.randint(3, 5)]), "occupancy": 0,
            "manager": names.person_name(rng), "phone": names.mobile(rng), "department": department,
            **_located(spot),
        })
    return out


def _vehicle(rng: random.Random, plates: names.Unique, kind: VehicleType, capacity: str, at: Record,
             department: str, enterprise: str | None = None) -> Record:
    return {
        "plate": plates.take(names.plate, rng), "vehicle_type": kind, "capacity": capacity,
        "status": ReadinessStatus.STANDBY, "driver": names.person_name(rng), "phone": names.mobile(rng),
        "department": department, "enterprise": enterprise,
        **{k: at[k] for k in ("address", "longitude", "latitude", "area_code")},
    }


def build_vehicles(teams: list[Record], warehouses: list[Record], medical: list[Record]) -> list[Record]:
    """40 vehicles parked at their team's base, store or hospital."""
    rng = random.Random("yingji-demo-vehicle")
    plates = names.Unique()
    fire = [t for t in teams if t["team_type"] == TeamType.FIRE]
    flood = [t for t in teams if t["team_type"] == TeamType.FLOOD]
    hazmat = next(t for t in teams if t["team_type"] == TeamType.HAZMAT)
    brigades = [t for t in teams if t["team_type"] == TeamType.ENTERPRISE]
    ambulance_bases = [m for m in medical if m["level"] in ("tertiary", "secondary", "emergency", "township")]
    flood_stores = [w for w in warehouses if "防汛" in w["name"] or w["level"] == "township"]
    command_bases = [w for w in warehouses if w["level"] == "county"]
    out = [_vehicle(rng, plates, VehicleType.FIRE_ENGINE, rng.choice(("水罐 8t", "泡沫 6t", "水罐 12t")),
                    fire[i % len(fire)], FIRE) for i in range(12)]
    out += [_vehicle(rng, plates, VehicleType.AMBULANCE, "担架 1 / 乘员 4", ambulance_bases[i % len(ambulance_bases)],
                     HEALTH) for i in range(8)]
    out += [_vehicle(rng, plates, VehicleType.HAZMAT, "防化洗消 / 堵漏", hazmat, EMERGENCY) for _ in range(2)]
    out.append(_vehicle(rng, plates, VehicleType.HAZMAT, "泡沫 / 干粉联用", brigades[0], EMERGENCY,
                        brigades[0]["enterprise"]))
    out += [_vehicle(rng, plates, VehicleType.PUMP, "排量 3000m³/h", flood_stores[i % len(flood_stores)], EMERGENCY)
            for i in range(5)]
    out += [_vehicle(rng, plates, VehicleType.BOAT, "乘员 8（拖车运输）", flood[i % len(flood)], EMERGENCY)
            for i in range(5)]
    out += [_vehicle(rng, plates, VehicleType.COMMAND, "乘员 6", base, department)
            for base, department in zip(command_bases[:3], (EMERGENCY, FIRE, POLICE), strict=True)]
    out += [_vehicle(rng, plates, VehicleType.TRANSPORT, "载重 10t", command_bases[0], TRANSPORT) for _ in range(2)]
    out += [_vehicle(rng, plates, VehicleType.CRANE, "起重 25t", command_bases[0], TRANSPORT) for _ in range(2)]
    # Buses the transport bureau can requisition for an evacuation (seats read by command.transport).
    out += [_vehicle(rng, plates, VehicleType.TRANSPORT, "大型客车 45 座", command_bases[i % len(command_bases)],
                     TRANSPORT) for i in range(8)]
    return out


# (kind, name, spec, count range, how many)
EQUIPMENT: tuple[tuple[EquipmentKind, str, str, tuple[int, int], int], ...] = (
    (EquipmentKind.GENERATOR, "移动式柴油发电机组", "柴油 50kW", (1, 4), 6),
    (EquipmentKind.PUMP, "大流量排涝泵组", "流量 500m³/h", (1, 6), 5),
    (EquipmentKind.DRONE, "多旋翼侦察无人机", "六旋翼 续航 40min 热成像", (1, 3), 5),
    (EquipmentKind.SATELLITE_PHONE, "卫星电话", "天通卫星终端", (2, 10), 4),
    (EquipmentKind.DETECTOR, "便携式复合气体检测仪", "四合一 LEL/O₂/CO/H₂S", (4, 20), 4),
    (EquipmentKind.BREATHING, "正压式空气呼吸器", "6.8L 碳纤维气瓶", (6, 30), 3),
    (EquipmentKind.LIGHTING, "移动照明灯塔", "4×500W 升降式", (1, 4), 3),
)


def build_equipment(teams: list[Record], warehouses: list[Record]) -> list[Record]:
    """30 items kept at stores, fire stations and the park hazmat team."""
    rng = random.Random("yingji-demo-equipment")
    stores = [w for w in warehouses if w["enterprise"] is None]
    stations = [t for t in teams if t["team_type"] in (TeamType.FIRE, TeamType.HAZMAT, TeamType.FLOOD)]
    out: list[Record] = []
    for kind, name, spec, (low, high), count in EQUIPMENT:
        bases = stations if kind in (EquipmentKind.DETECTOR, EquipmentKind.BREATHING, EquipmentKind.DRONE) else stores
        for i in range(count):
            base = bases[(i * 5 + len(out)) % len(bases)]
            out.append({
                "name": name, "kind": kind, "model_number": spec, "quantity": rng.randint(low, high),
                "status": ReadinessStatus.STANDBY if rng.random() < 0.9 else ReadinessStatus.UNAVAILABLE,
                "custodian": names.person_name(rng), "phone": names.mobile(rng),
                "department": FIRE if base.get("team_type") == TeamType.FIRE else EMERGENCY, "enterprise": None,
                **{k: base[k] for k in ("address", "longitude", "latitude", "area_code")},
            })
    return out
