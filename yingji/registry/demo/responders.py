"""Demo rescue teams, experts and medical facilities as plain dicts (pure, seeded)."""

from __future__ import annotations

import random
from typing import Any

from yingji.core.demo import EMERGENCY, FIRE, HEALTH, HOUSING

from ..choices import ExpertSpecialty, ExpertTitle, MedicalLevel, ReadinessStatus, TeamType
from . import names
from .places import Placer, Spot

Record = dict[str, Any]
COUNTY_SEAT = "211122001"
PARK = "park"

# (name, type, where: a township code or PARK, owner department, members range, main equipment)
TEAMS: tuple[tuple[str, TeamType, str, str, tuple[int, int], str], ...] = (
    ("盘山县消防救援大队特勤站", TeamType.FIRE, COUNTY_SEAT, FIRE, (35, 60), "水罐消防车、抢险救援车、举高喷射车"),
    ("盘山县太平消防救援站", TeamType.FIRE, COUNTY_SEAT, FIRE, (20, 35), "水罐消防车、泡沫消防车"),
    ("盘山县高升消防救援站", TeamType.FIRE, "211122002", FIRE, (18, 30), "水罐消防车、抢险救援车"),
    ("盘山县沙岭专职消防队", TeamType.FIRE, "211122101", FIRE, (12, 20), "水罐消防车"),
    ("盘山县胡家专职消防队", TeamType.FIRE, "211122103", FIRE, (12, 20), "水罐消防车"),
    ("盘山县吴家专职消防队", TeamType.FIRE, "211122112", FIRE, (12, 20), "水罐消防车"),
    ("盘山县古城子专职消防队", TeamType.FIRE, "211122107", FIRE, (12, 20), "水罐消防车"),
    ("盘山县石化产业园危化品应急救援队", TeamType.HAZMAT, PARK, EMERGENCY, (30, 50),
     "泡沫消防车、防化洗消车、气体检测仪、堵漏工具、重型防化服"),
    ("盘山县防汛抢险队", TeamType.FLOOD, COUNTY_SEAT, EMERGENCY, (60, 100), "冲锋舟、排涝车、防汛沙袋、照明灯塔"),
    ("沙岭镇辽河防汛抢险队", TeamType.FLOOD, "211122101", EMERGENCY, (30, 60), "冲锋舟、编织袋、水泵"),
    ("古城子镇绕阳河防汛抢险队", TeamType.FLOOD, "211122107", EMERGENCY, (30, 60), "冲锋舟、编织袋、水泵"),
    ("陈家镇防汛抢险队", TeamType.FLOOD, "211122110", EMERGENCY, (30, 50), "编织袋、水泵、救生衣"),
    ("吴家镇大辽河防汛抢险队", TeamType.FLOOD, "211122112", EMERGENCY, (30, 60), "冲锋舟、编织袋、水泵"),
    ("得胜街道双台子河防汛抢险队", TeamType.FLOOD, "211122003", EMERGENCY, (30, 50), "冲锋舟、编织袋"),
    ("羊圈子镇防汛抢险队", TeamType.FLOOD, "211122106", EMERGENCY, (25, 45), "编织袋、水泵、救生衣"),
    ("东郭苇场防灭火专业队", TeamType.FOREST_FIRE, "211122004", EMERGENCY, (30, 50), "风力灭火机、水泵、隔离带开设机"),
    ("羊圈子苇场防灭火队", TeamType.FOREST_FIRE, "211122106", EMERGENCY, (25, 40), "风力灭火机、背负式水枪"),
    ("盘山县林场森林防灭火队", TeamType.FOREST_FIRE, "211122400", EMERGENCY, (20, 30), "风力灭火机、二号工具"),
    ("胡家镇苇田防灭火队", TeamType.FOREST_FIRE, "211122103", EMERGENCY, (20, 35), "风力灭火机、背负式水枪"),
    ("盘山县人民医院医疗救护队", TeamType.MEDICAL, COUNTY_SEAT, HEALTH, (20, 30), "救护车、急救箱、洗消帐篷"),
    ("盘山县急救中心急救分队", TeamType.MEDICAL, COUNTY_SEAT, HEALTH, (15, 25), "负压救护车、除颤仪"),
    ("盘山县供电抢修队", TeamType.UTILITY, COUNTY_SEAT, HOUSING, (20, 30), "发电车、抢修车、照明灯塔"),
    ("盘山县燃气抢修队", TeamType.UTILITY, COUNTY_SEAT, HOUSING, (10, 20), "燃气检漏仪、抢修车"),
    ("盘山县供水抢修队", TeamType.UTILITY, COUNTY_SEAT, HOUSING, (10, 20), "挖掘机、水泵、抢修车"),
    ("盘山县应急志愿者救援队", TeamType.SOCIAL, COUNTY_SEAT, EMERGENCY, (40, 80), "救生器材、照明、通信设备"),
    ("盘山县水上搜救志愿队", TeamType.SOCIAL, "211122003", EMERGENCY, (20, 40), "冲锋舟、救生衣、潜水装备"),
    ("盘山县民兵应急连", TeamType.MILITIA, COUNTY_SEAT, EMERGENCY, (60, 120), "编织袋、铁锹、发电机"),
)
# Enterprise brigades: the first production firms of the park each keep one.
ENTERPRISE_BRIGADES = 3
# The team the demo `team_leader` account leads.
LEADER_TEAM = "盘山县石化产业园危化品应急救援队"


def _spot(placer: Placer, where: str, radius_m: float = 1500) -> Spot:
    return placer.in_park() if where == PARK else placer.near_seat(where, radius_m)


def _located(spot: Spot) -> Record:
    return {"address": spot.address, "longitude": spot.lon, "latitude": spot.lat, "area_code": spot.area_code}


def build_teams(enterprises: list[Record]) -> list[Record]:
    rng = random.Random("yingji-demo-team")
    placer = Placer("yingji-demo-team-place")
    out: list[Record] = []
    for name, kind, where, department, (low, high), equipment in TEAMS:
        out.append({
            "name": name, "team_type": kind, "members": rng.randint(low, high), "equipment": equipment,
            "status": ReadinessStatus.RESTING if rng.random() < 0.08 else ReadinessStatus.STANDBY,
            "leader": names.person_name(rng), "phone": names.mobile(rng), "department": department,
            "enterprise": None, **_located(_spot(placer, where)),
        })
    producers = [e for e in enterprises if e["in_chemical_park"] and e["hazard_category"] == "production"]
    for firm in producers[:ENTERPRISE_BRIGADES]:
        out.append({
            "name": f"{firm['name'].removeprefix('盘山县').removesuffix('有限公司')}专职消防队",
            "team_type": TeamType.ENTERPRISE, "members": rng.randint(15, 40),
            "equipment": "泡沫消防车、空气呼吸器、气体检测仪", "status": ReadinessStatus.STANDBY,
            "leader": names.person_name(rng), "phone": names.mobile(rng), "department": EMERGENCY,
            "enterprise": firm["credit_code"], "address": firm["address"], "longitude": firm["longitude"],
            "latitude": firm["latitude"], "area_code": firm["area_code"],
        })
    return out


# How many experts of each specialty, and where such experts usually work.
SPECIALTIES: tuple[tuple[ExpertSpecialty, int, tuple[str, ...]], ...] = (
    (ExpertSpecialty.HAZMAT, 16, ("盘山县应急管理局", "盘山县石化产业园管委会（演示）", "{firm}")),
    (ExpertSpecialty.FIRE, 8, ("盘山县消防救援大队", "{firm}")),
    (ExpertSpecialty.FLOOD, 10, ("盘山县水利事务服务中心", "盘山县河道管理站")),
    (ExpertSpecialty.GEOLOGY, 2, ("盘山县自然资源局",)),
    (ExpertSpecialty.MEDICAL, 10, ("盘山县人民医院", "盘山县疾病预防控制中心", "盘山县中医院")),
    (ExpertSpecialty.ENVIRONMENT, 8, ("盘锦市生态环境局盘山分局", "盘山县环境监测站")),
    (ExpertSpecialty.STRUCTURE, 6, ("盘山县住房和城乡建设局", "盘山县建设工程质量监督站")),
    (ExpertSpecialty.ELECTRICAL, 5, ("盘山县供电抢修中心", "{firm}")),
    (ExpertSpecialty.MINING, 1, ("盘山县应急管理局",)),
    (ExpertSpecialty.TRANSPORT, 4, ("盘山县交通运输局", "盘山县公路事务服务中心")),
    (ExpertSpecialty.METEOROLOGY, 4, ("盘山县气象局",)),
    (ExpertSpecialty.MANAGEMENT, 6, ("盘山县应急管理局", "中共盘山县委党校")),
)
TITLES: tuple[tuple[ExpertTitle, int], ...] = (
    (ExpertTitle.SENIOR, 2), (ExpertTitle.ASSOCIATE, 4), (ExpertTitle.INTERMEDIATE, 4), (ExpertTitle.OTHER, 1),
)


def build_experts(enterprises: list[Record]) -> list[Record]:
    """80 experts; those from a park firm sit at the firm, the rest near the county seat."""
    rng = random.Random("yingji-demo-expert")
    placer = Placer("yingji-demo-expert-place")
    park_firms = [e for e in enterprises if e["in_chemical_park"]]
    titles = [t for t, _ in TITLES]
    weights = [w for _, w in TITLES]
    out: list[Record] = []
    for specialty, count, organisations in SPECIALTIES:
        for _ in range(count):
            organisation = rng.choice(organisations)
            if organisation == "{firm}":
                firm = rng.choice(park_firms)
                organisation = firm["name"]
                located = {k: firm[k] for k in ("address", "longitude", "latitude", "area_code")}
            else:
                located = _located(placer.near_seat(COUNTY_SEAT, 2500))
            out.append({
                "name": names.person_name(rng), "specialty": specialty, "title": rng.choices(titles, weights)[0],
                "organisation": organisation, "available": rng.random() < 0.9, "phone": names.mobile(rng),
                "department": EMERGENCY, **located,
            })
    return out


# (name, level, where, beds range, ICU beds range, specialties, phone or None for a landline)
FACILITIES: tuple[tuple[str, MedicalLevel, str, tuple[int, int], tuple[int, int], str, str | None], ...] = (
    ("盘山县人民医院", MedicalLevel.TERTIARY, COUNTY_SEAT, (700, 900), (24, 36),
     "烧伤、中毒救治、创伤外科、重症医学、心血管内科", None),
    ("盘山县中医院", MedicalLevel.SECONDARY, COUNTY_SEAT, (300, 420), (6, 12), "骨伤科、针灸康复、呼吸内科", None),
    ("盘山县妇幼保健院", MedicalLevel.SECONDARY, COUNTY_SEAT, (120, 200), (4, 8), "产科、新生儿科、儿科", None),
    ("盘山县疾病预防控制中心", MedicalLevel.CDC, COUNTY_SEAT, (0, 0), (0, 0),
     "传染病防控、职业中毒检测、卫生应急", None),
    ("盘山县急救中心（120）", MedicalLevel.EMERGENCY, COUNTY_SEAT, (0, 0), (0, 0), "院前急救、中毒救治", "120"),
    ("盘山县高升街道社区卫生服务中心", MedicalLevel.PRIMARY, "211122002", (30, 60), (0, 0), "全科、康复", None),
    ("盘山县得胜街道社区卫生服务中心", MedicalLevel.PRIMARY, "211122003", (30, 60), (0, 0), "全科、康复", None),
    ("盘山县东郭街道社区卫生服务中心", MedicalLevel.PRIMARY, "211122004", (20, 40), (0, 0), "全科、烧伤初步处置", None),
    ("盘山县沙岭镇卫生院", MedicalLevel.TOWNSHIP, "211122101", (40, 80), (0, 2), "全科、急诊", None),
    ("盘山县胡家镇卫生院", MedicalLevel.TOWNSHIP, "211122103", (40, 80), (0, 2), "全科、急诊", None),
    ("盘山县石新镇卫生院", MedicalLevel.TOWNSHIP, "211122104", (30, 60), (0, 0), "全科", None),
    ("盘山县羊圈子镇卫生院", MedicalLevel.TOWNSHIP, "211122106", (30, 60), (0, 0), "全科、烧伤初步处置", None),
    ("盘山县古城子镇卫生院", MedicalLevel.TOWNSHIP, "211122107", (30, 60), (0, 0), "全科", None),
    ("盘山县坝墙子镇卫生院", MedicalLevel.TOWNSHIP, "211122108", (40, 80), (0, 2), "全科、中毒初步处置", None),
    ("盘山县陈家镇卫生院", MedicalLevel.TOWNSHIP, "211122110", (30, 60), (0, 0), "全科", None),
    ("盘山县甜水镇卫生院", MedicalLevel.TOWNSHIP, "211122111", (30, 60), (0, 0), "全科", None),
    ("盘山县吴家镇卫生院", MedicalLevel.TOWNSHIP, "211122112", (30, 60), (0, 0), "全科", None),
)


def build_medical() -> list[Record]:
    rng = random.Random("yingji-demo-medical")
    placer = Placer("yingji-demo-medical-place")
    return [
        {
            "name": name, "level": level, "beds": rng.randint(*beds), "icu_beds": rng.randint(*icu),
            "specialties": specialties, "phone": phone or names.landline(rng), "department": HEALTH,
            **_located(placer.near_seat(where, 1000)),
        }
        for name, level, where, beds, icu, specialties, phone in FACILITIES
    ]
