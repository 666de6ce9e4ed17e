"""Demo enterprises and schools as plain dicts (model field names, plus `area_code`, `department`).

Pure and seeded: `build_enterprises()` returns the same list on every call.
"""

from __future__ import annotations

import random
from typing import Any

from yingji.core.demo import EDUCATION, EMERGENCY, MARKET

from ..choices import EnterpriseScale, HazardCategory, Industry, SchoolType
from . import names
from .places import Placer, Spot, short_village

Record = dict[str, Any]

COUNTY_SEAT = "211122001"
# Township units by share of ordinary firms: the county seat and the G305 corridor take most.
FIRM_TOWNS = (
    ("211122001", 6), ("211122108", 4), ("211122002", 3), ("211122003", 3), ("211122103", 3),
    ("211122101", 3), ("211122110", 2), ("211122104", 2), ("211122107", 2), ("211122111", 2),
    ("211122112", 2), ("211122106", 2), ("211122004", 2),
)

# Hazardous-chemical firms of the park: (count, name suffix choices, industry, licence, employees).
PARK_FIRMS: tuple[tuple[int, tuple[str, ...], Industry, HazardCategory, tuple[int, int]], ...] = (
    (18, ("石化有限公司", "化工有限公司", "精细化工有限公司", "沥青有限公司", "新材料有限公司", "助剂有限公司"),
     Industry.CHEMICAL, HazardCategory.PRODUCTION, (60, 1400)),
    (10, ("油品储运有限公司", "石化仓储有限公司", "液体化工仓储有限公司", "燃气储配有限公司"),
     Industry.CHEMICAL, HazardCategory.STORAGE, (25, 160)),
    (12, ("化工贸易有限公司", "石油化工销售有限公司", "燃气有限公司", "能源有限公司"),
     Industry.TRADE, HazardCategory.TRADE_WITH_STORAGE, (12, 70)),
)

# Ordinary firms: (count, suffix choices, industry, employees, owner department, share placed at villages).
OTHER_FIRMS: tuple[tuple[int, tuple[str, ...], Industry, tuple[int, int], str, float], ...] = (
    (22, ("米业有限公司", "粮油有限公司", "大米加工厂有限公司"), Industry.FOOD, (8, 220), MARKET, 0.7),
    (5, ("河蟹养殖有限公司", "水产食品有限公司"), Industry.FOOD, (10, 90), MARKET, 0.8),
    (10, ("苇业有限公司", "苇制品有限公司", "纸业有限公司"), Industry.LIGHT_INDUSTRY, (15, 260), EMERGENCY, 0.6),
    (3, ("包装制品有限公司",), Industry.LIGHT_INDUSTRY, (10, 120), EMERGENCY, 0.2),
    (10, ("农业发展有限公司", "农机服务有限公司"), Industry.AGRICULTURE, (5, 60), MARKET, 0.9),
    (10, ("物流有限公司", "运输有限公司"), Industry.LOGISTICS, (10, 180), MARKET, 0.2),
    (12, ("机械制造有限公司", "石油机械有限公司", "阀门有限公司"), Industry.MACHINERY, (20, 480), EMERGENCY, 0.2),
    (6, ("油田技术服务有限公司",), Industry.PETROLEUM, (30, 350), EMERGENCY, 0.3),
    (10, ("建筑工程有限公司", "建设工程有限公司"), Industry.CONSTRUCTION, (20, 600), EMERGENCY, 0.1),
    (8, ("建材有限公司", "混凝土有限公司", "新型墙材有限公司"), Industry.BUILDING_MATERIALS, (15, 200), EMERGENCY, 0.4),
    (8, ("商贸有限公司", "超市有限公司"), Industry.TRADE, (5, 120), MARKET, 0.1),
    (6, ("服装有限公司", "纺织有限公司"), Industry.TEXTILE, (20, 300), MARKET, 0.3),
)


def scale_for(employees: int) -> EnterpriseScale:
    """Industrial size classes by headcount (统计上大中小微型企业划分办法: 1000 / 300 / 20)."""
    if employees >= 1000:
        return EnterpriseScale.LARGE
    if employees >= 300:
        return EnterpriseScale.MEDIUM
    if employees >= 20:
        return EnterpriseScale.SMALL
    return EnterpriseScale.MICRO


def _weighted_towns(rng: random.Random) -> str:
    codes, weights = zip(*FIRM_TOWNS, strict=True)
    return rng.choices(codes, weights=weights)[0]


def _skewed(rng: random.Random, low: int, high: int) -> int:
    """Many small, few large: a value in [low, high] with a long upper tail."""
    return int(low + (high - low) * rng.random() ** 2.2)


def _enterprise(rng: random.Random, unique: names.Unique, codes: names.Unique, spot: Spot, *, suffix: str,
                industry: Industry, hazard: HazardCategory, employees: int, department: str,
                in_park: bool) -> Record:
    name = unique.take(lambda r: f"盘山县{r.choice(names.TRADE_WORDS)}{suffix}", rng)
    return {
        "name": name,
        "credit_code": codes.take(names.credit_code, rng),
        "industry": industry,
        "scale": scale_for(employees),
        "hazard_category": hazard,
        "in_chemical_park": in_park,
        "employees": employees,
        "legal_representative": names.person_name(rng),
        "safety_officer": names.person_name(rng),
        "safety_officer_phone": names.mobile(rng),
        "address": spot.address,
        "longitude": spot.lon,
        "latitude": spot.lat,
        "area_code": spot.area_code,
        "department": department,
    }


def build_enterprises() -> list[Record]:
    """40 hazardous-chemical firms in the park, then 110 ordinary firms near seats and villages."""
    rng = random.Random("yingji-demo-enterprise")
    placer = Placer("yingji-demo-enterprise-place")
    unique, codes = names.Unique(), names.Unique()
    out: list[Record] = []
    for count, suffixes, industry, hazard, (low, high) in PARK_FIRMS:
        for _ in range(count):
            out.append(_enterprise(rng, unique, codes, placer.in_park(), suffix=rng.choice(suffixes),
                                   industry=industry, hazard=hazard, employees=_skewed(rng, low, high),
                                   department=EMERGENCY, in_park=True))
    for count, suffixes, industry, (low, high), department, village_share in OTHER_FIRMS:
        for _ in range(count):
            town = _weighted_towns(rng)
            villages = placer.villages_of(town, rural=True)
            if villages and rng.random() < village_share:
                spot = placer.near_village(rng.choice(villages)["code"], radius_m=700)
            else:
                spot = placer.near_seat(town, radius_m=2500)
            out.append(_enterprise(rng, unique, codes, spot, suffix=rng.choice(suffixes), industry=industry,
                                   hazard=HazardCategory.NONE, employees=_skewed(rng, low, high),
                                   department=department, in_park=False))
    return out


# Students per school by type, and pupils per member of staff.
STUDENTS: dict[SchoolType, tuple[int, int]] = {
    SchoolType.KINDERGARTEN: (50, 360), SchoolType.PRIMARY: (90, 1500), SchoolType.JUNIOR: (300, 1300),
    SchoolType.NINE_YEAR: (400, 1100), SchoolType.SENIOR: (1500, 3000), SchoolType.VOCATIONAL: (900, 2200),
    SchoolType.SPECIAL: (60, 150),
}
PUPILS_PER_STAFF: dict[SchoolType, int] = {
    SchoolType.KINDERGARTEN: 7, SchoolType.PRIMARY: 15, SchoolType.JUNIOR: 12, SchoolType.NINE_YEAR: 13,
    SchoolType.SENIOR: 11, SchoolType.VOCATIONAL: 14, SchoolType.SPECIAL: 3,
}
COUNTY_SCHOOLS: tuple[tuple[str, SchoolType, bool], ...] = (
    ("盘山县高级中学", SchoolType.SENIOR, True), ("盘山县第二高级中学", SchoolType.SENIOR, True),
    ("盘山县职业教育中心", SchoolType.VOCATIONAL, True), ("盘山县特殊教育学校", SchoolType.SPECIAL, True),
    ("盘山县第一初级中学", SchoolType.JUNIOR, False), ("盘山县第二初级中学", SchoolType.JUNIOR, False),
    ("盘山县实验小学", SchoolType.PRIMARY, False), ("盘山县第一小学", SchoolType.PRIMARY, False),
    ("盘山县第二小学", SchoolType.PRIMARY, False), ("盘山县第三小学", SchoolType.PRIMARY, False),
    ("盘山县第一幼儿园", SchoolType.KINDERGARTEN, False), ("盘山县第二幼儿园", SchoolType.KINDERGARTEN, False),
    ("盘山县实验幼儿园", SchoolType.KINDERGARTEN, False),
)
NINE_YEAR_TOWNS = ("211122002", "211122101", "211122103", "211122111")


def _town_short(name: str) -> str:
    return name.removesuffix("街道").removesuffix("镇").replace("盘山县", "")


def _school(rng: random.Random, name: str, kind: SchoolType, boarding: bool, spot: Spot) -> Record:
    low, high = STUDENTS[kind]
    students = _skewed(rng, low, high)
    return {
        "name": name, "school_type": kind, "students": students,
        "staff": max(4, round(students / PUPILS_PER_STAFF[kind])),
        "principal": names.person_name(rng), "safety_contact": names.person_name(rng),
        "phone": names.mobile(rng), "boarding": boarding,
        "address": spot.address, "longitude": spot.lon, "latitude": spot.lat,
        "area_code": spot.area_code, "department": EDUCATION,
    }


def build_schools() -> list[Record]:
    """County-seat schools, then in every township a central primary, junior school and kindergarten,
    village primaries and kindergartens; nine-year schools in four larger towns."""
    rng = random.Random("yingji-demo-school")
    placer = Placer("yingji-demo-school-place")
    out = [_school(rng, name, kind, boarding, placer.near_seat(COUNTY_SEAT, 2000))
           for name, kind, boarding in COUNTY_SCHOOLS]
    for community in placer.villages_of(COUNTY_SEAT, rural=False)[:4]:
        out.append(_school(rng, f"盘山县{short_village(community['name'])}幼儿园", SchoolType.KINDERGARTEN, False,
                           placer.near_village(community["code"], 300)))
    for code, seat in placer.seats.items():
        if code == COUNTY_SEAT:
            continue
        short = _town_short(seat["name"])
        if code == "211122400":  # the forest farm has one small school and a kindergarten
            out.append(_school(rng, "盘山县林场小学", SchoolType.PRIMARY, False, placer.near_seat(code, 600)))
            out.append(_school(rng, "盘山县林场幼儿园", SchoolType.KINDERGARTEN, False, placer.near_seat(code, 600)))
            continue
        out.append(_school(rng, f"盘山县{short}中心小学", SchoolType.PRIMARY, False, placer.near_seat(code, 1200)))
        out.append(_school(rng, f"盘山县{short}初级中学", SchoolType.JUNIOR, rng.random() < 0.5,
                           placer.near_seat(code, 1200)))
        out.append(_school(rng, f"盘山县{short}中心幼儿园", SchoolType.KINDERGARTEN, False,
                           placer.near_seat(code, 1200)))
        if code in NINE_YEAR_TOWNS:
            out.append(_school(rng, f"盘山县{short}九年一贯制学校", SchoolType.NINE_YEAR, True,
                               placer.near_seat(code, 2500)))
        villages = placer.villages_of(code, rural=True)
        picks = rng.sample(villages, min(5, len(villages)))
        for i, village in enumerate(picks):
            stem = short_village(village["name"]).removesuffix("村")
            kind = SchoolType.PRIMARY if i < 3 else SchoolType.KINDERGARTEN
            label = "小学" if kind == SchoolType.PRIMARY else "幼儿园"
            out.append(_school(rng, f"盘山县{short}镇{stem}{label}" if seat["name"].endswith("镇")
                               else f"盘山县{stem}{label}", kind, False, placer.near_village(village["code"], 400)))
    return out
