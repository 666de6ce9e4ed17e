"""The kernel's part of the demo county: admin areas, the synthetic road network, departments, accounts.

Domain apps add their own part through `demo_loader` on their AppConfig (a dotted path to a function
`load_demo(*, password) -> DemoSection`); `yingji demo` runs core's first, then each app's in
INSTALLED_APPS order, all in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from shapely.geometry import mapping

from . import audit, demo_geography
from .areas import load_panshan_areas
from .demo_accounts import DemoAccount, upsert_core_accounts
from .models import AdminArea, AuditAction, Department, Road

ROAD_SOURCE = "演示路网"
TAIPING_CODE = "211122001"

# Department codes the demo loaders of the domain apps refer to.
EMERGENCY = "yingji"
FIRE = "xiaofang"
POLICE = "gongan"
ENVIRONMENT = "shengtai"
HOUSING = "zhujian"
TRANSPORT = "jiaotong"
EDUCATION = "jiaoyu"
HEALTH = "weijian"
MARKET = "shichang"
CULTURE_TOURISM = "wenlv"


@dataclass(frozen=True)
class DemoDepartment:
    code: str
    name: str
    phone: str
    supervised_kinds: tuple[str, ...]


# Duty phones are the public service hotlines (12350 safety, 12315 market, …), not invented numbers.
DEPARTMENTS: tuple[DemoDepartment, ...] = (
    DemoDepartment(EMERGENCY, "盘山县应急管理局", "12350", (
        "registry.enterprise", "registry.rescueteam", "registry.warehouse", "registry.stockitem",
        "registry.shelter", "registry.expert", "registry.equipment", "hazmat.hazardunit", "monitoring.device",
        "command.incident",
    )),
    DemoDepartment(FIRE, "盘山县消防救援大队", "119", ("registry.rescueteam", "registry.vehicle", "hazmat.hazardunit")),
    DemoDepartment(POLICE, "盘山县公安局", "110", ("registry.vehicle",)),
    DemoDepartment(ENVIRONMENT, "盘锦市生态环境局盘山分局", "12369", ("registry.enterprise",)),
    DemoDepartment(HOUSING, "盘山县住房和城乡建设局", "12319", ("registry.shelter",)),
    DemoDepartment(TRANSPORT, "盘山县交通运输局", "12328", ("registry.vehicle",)),
    DemoDepartment(EDUCATION, "盘山县教育局", "12345", ("registry.school",)),
    DemoDepartment(HEALTH, "盘山县卫生健康局", "12320", ("registry.medicalfacility",)),
    DemoDepartment(MARKET, "盘山县市场监督管理局", "12315", ("registry.enterprise",)),
    DemoDepartment(CULTURE_TOURISM, "盘山县文化旅游和广播电视局", "12345", ()),
)


@dataclass
class DemoSection:
    """What one loader put in: counts by label (for the summary) and the demo accounts it made."""

    counts: dict[str, int] = field(default_factory=dict)
    accounts: list[DemoAccount] = field(default_factory=list)


def upsert_departments(*, actor: Any = None) -> int:
    """Create or update the ten departments; they are configuration, kept between demo runs."""
    for spec in DEPARTMENTS:
        Department.objects.update_or_create(
            code=spec.code,
            defaults={"name": spec.name, "phone": spec.phone, "supervised_kinds": list(spec.supervised_kinds)},
        )
    audit.record(AuditAction.IMPORT, actor=actor, object_type="core.department", object_repr="演示数据：部门",
                 after={"count": len(DEPARTMENTS), "codes": [d.code for d in DEPARTMENTS]})
    return len(DEPARTMENTS)


def replace_demo_roads(*, actor: Any = None) -> int:
    """Delete the previous demo roads and bulk-insert demo_geography.road_network() again."""
    replaced, _ = Road.objects.filter(is_demo=True).delete()
    roads = [
        Road(name=r["name"], road_class=r["road_class"], speed_kmh=r["speed_kmh"],
             geometry=mapping(r["geometry"]), source=ROAD_SOURCE, is_demo=True)
        for r in demo_geography.road_network()
    ]
    Road.objects.bulk_create(roads, batch_size=500)
    audit.record(AuditAction.IMPORT, actor=actor, object_type="core.road", object_repr="演示数据：路网",
                 after={"count": len(roads), "replaced": replaced, "source": ROAD_SOURCE, "demo": True})
    return len(roads)


def set_demo_populations(*, actor: Any = None) -> int:
    """Give every village its DEMO resident count and share needing transport, labelled as an estimate; real
    figures are never overwritten."""
    populations = demo_geography.village_populations()
    shares = demo_geography.village_transport_shares()
    villages = list(AdminArea.objects.filter(
        code__in=populations, population_source__in=("", demo_geography.POPULATION_SOURCE)))
    for village in villages:
        village.population = populations[village.code]
        village.population_source = demo_geography.POPULATION_SOURCE
        village.transport_share = shares[village.code]
    AdminArea.objects.bulk_update(villages, ["population", "population_source", "transport_share"], batch_size=500)
    audit.record(AuditAction.IMPORT, actor=actor, object_type="core.adminarea", object_repr="演示数据：村人口估算",
                 after={"count": len(villages), "source": demo_geography.POPULATION_SOURCE, "demo": True})
    return len(villages)


@transaction.atomic
def load_demo(*, password: str) -> DemoSection:
    """Areas (upserted), roads (replaced), departments (upserted) and the accounts anchored in core."""
    areas = load_panshan_areas()
    section = DemoSection()
    section.counts["乡镇(街道)"] = areas["townships"]
    section.counts["村(社区)"] = areas["villages"]
    section.counts["村人口估算"] = set_demo_populations()
    section.counts["道路"] = replace_demo_roads()
    section.counts["部门"] = upsert_departments()
    section.accounts = upsert_core_accounts(
        password=password,
        emergency=Department.objects.get(code=EMERGENCY),
        education=Department.objects.get(code=EDUCATION),
        taiping=AdminArea.objects.get(code=TAIPING_CODE),
    )
    return section
