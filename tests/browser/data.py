"""Minimal data the browser tests (and a developer looking at the pages) need, made through the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyotp

from yingji.core.areas import load_panshan_areas
from yingji.core.credit_code import make_credit_code
from yingji.core.models import AdminArea, Department, User
from yingji.core.roles import Role
from yingji.registry import services
from yingji.registry.models import Enterprise, RescueTeam, School, Shelter

PASSWORD = "Yingji-浏览器-2024"
TAIPING, GAOSHENG = "211122001", "211122002"


@dataclass
class BrowserData:
    officer: User  # 县应急管理局 department officer (supervises enterprises)
    admin: User  # county administrator with a confirmed TOTP secret
    new_admin: User  # county administrator who has not enrolled a second factor yet
    auditor: User
    emergency: Department
    fire: Department
    enterprises: list[Enterprise]
    shelters: list[Shelter]
    teams: list[RescueTeam]
    schools: list[School]


def _user(username: str, role: str, **extra: Any) -> User:
    user = User(username=username, role=role, full_name=extra.pop("full_name", username), **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def credit_code(n: int) -> str:
    return make_credit_code(f"91211122MA{n:07d}")


def seed() -> BrowserData:
    """Areas, two departments, users with roles, and a few records of four kinds at real townships."""
    if not AdminArea.objects.filter(code=TAIPING).exists():
        load_panshan_areas()
    taiping, gaosheng = AdminArea.objects.get(code=TAIPING), AdminArea.objects.get(code=GAOSHENG)
    emergency = Department.objects.create(code="yjj", name="县应急管理局", supervised_kinds=["registry.enterprise"])
    fire = Department.objects.create(code="xf", name="县消防救援大队")
    officer = _user("yjj_officer", Role.DEPARTMENT_OFFICER, department=emergency, full_name="王应急")
    admin = _user("county_admin", Role.COUNTY_ADMIN, full_name="李管理", totp_secret=pyotp.random_base32(),
                  totp_confirmed=True)
    new_admin = _user("new_admin", Role.COUNTY_ADMIN, full_name="赵新管")
    auditor = _user("auditor", Role.AUDITOR, full_name="审计员")

    def at(area: AdminArea, dx: float = 0.0, dy: float = 0.0) -> dict[str, Any]:
        lon, lat = round(area.longitude + dx, 6), round(area.latitude + dy, 6)
        return {"admin_area": area, "longitude": lon, "latitude": lat}

    enterprises = [
        services.create_record(Enterprise, {
            "name": name, "credit_code": credit_code(i), "industry": industry, "scale": "small",
            "hazard_category": hazard, "owner_department": emergency, "address": f"盘山县{area.name}",
            **at(area, 0.004 * i, 0.003 * i)}, actor=admin)
        for i, (name, industry, hazard, area) in enumerate([
            ("盘山县甲化工有限公司", "chemical", "production", taiping),
            ("盘山县乙化工有限公司", "chemical", "storage", gaosheng),
            ("盘山县丙食品有限公司", "food", "none", taiping),
            ("盘山县丁物流有限公司", "logistics", "none", gaosheng),
        ], start=1)
    ]
    shelters = [
        services.create_record(Shelter, {"name": name, "capacity": cap, "owner_department": emergency, **at(area, dx)},
                               actor=admin)
        for name, cap, area, dx in [("太平街道中心广场避难场所", 2000, taiping, 0.01),
                                    ("高升镇中学避难场所", 800, gaosheng, -0.01)]
    ]
    teams = [
        services.create_record(RescueTeam, {"name": "县危化救援队", "team_type": "hazmat", "members": 30,
                                            "owner_department": fire, **at(taiping, -0.006, 0.002)}, actor=admin),
        services.create_record(RescueTeam, {"name": "高升镇应急分队", "team_type": "flood", "members": 12,
                                            "owner_department": fire, **at(gaosheng, 0.003, 0.004)}, actor=admin),
    ]
    schools = [
        services.create_record(School, {"name": "盘山县第一初级中学", "school_type": "junior", "students": 1200,
                                        "owner_department": emergency, **at(taiping, 0.002, -0.004)}, actor=admin),
    ]
    return BrowserData(officer=officer, admin=admin, new_admin=new_admin, auditor=auditor, emergency=emergency,
                       fire=fire, enterprises=enterprises, shelters=shelters, teams=teams, schools=schools)
