"""factory-boy factories for the kernel's people and every registry model.

Records land in 太平街道 (the county seat) at a point inside it unless told otherwise; credit codes
are valid GB 32100-2015 codes built with make_credit_code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache

import factory
from django.contrib.auth.hashers import make_password
from factory.django import DjangoModelFactory

from yingji.core.credit_code import make_credit_code
from yingji.core.models import AdminArea, Department, User
from yingji.core.roles import Role
from yingji.registry import choices
from yingji.registry.models import (
    Enterprise,
    Equipment,
    Expert,
    MedicalFacility,
    RescueTeam,
    School,
    Shelter,
    StockItem,
    Vehicle,
    Warehouse,
)

TEST_PASSWORD = "Yingji-test-密码-2024"
# 太平街道's seat (WGS84), where records stand unless a test moves them.
TAIPING_LON, TAIPING_LAT = 122.03, 41.24


def credit_code(n: int) -> str:
    """A valid 18-character code: 91 (enterprise), Panshan's division code, a 9-character subject id."""
    return make_credit_code(f"91211122MA{n:07d}")


def township(code: str = "211122001") -> AdminArea | None:
    return AdminArea.objects.filter(code=code).first()


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"部门{n}")
    supervised_kinds = factory.LazyFunction(list)


@cache
def hashed_test_password() -> str:
    """The test password hashed once with the configured (argon2) hasher: hashing per user is slow by design."""
    return make_password(TEST_PASSWORD)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.DEPARTMENT_OFFICER
    password = factory.LazyFunction(hashed_test_password)


class _Located(DjangoModelFactory):
    class Meta:
        abstract = True

    admin_area = factory.LazyFunction(township)
    address = "盘山县太平街道"
    longitude = TAIPING_LON
    latitude = TAIPING_LAT


class EnterpriseFactory(_Located):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.Sequence(credit_code)
    industry = choices.Industry.CHEMICAL
    scale = choices.EnterpriseScale.SMALL
    hazard_category = choices.HazardCategory.STORAGE
    employees = 50
    safety_officer = "王安全"
    safety_officer_phone = "13800138000"


class SchoolFactory(_Located):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"测试小学{n}")
    school_type = choices.SchoolType.PRIMARY
    students = 300
    staff = 30
    phone = "0427-1234567"


class RescueTeamFactory(_Located):
    class Meta:
        model = RescueTeam

    name = factory.Sequence(lambda n: f"救援队{n}")
    team_type = choices.TeamType.HAZMAT
    members = 20
    leader = "李队长"
    phone = "13900139000"


class ExpertFactory(_Located):
    class Meta:
        model = Expert

    name = factory.Sequence(lambda n: f"专家{n}")
    specialty = choices.ExpertSpecialty.HAZMAT
    organisation = "盘锦市化工研究院"
    phone = "13700137000"


class WarehouseFactory(_Located):
    class Meta:
        model = Warehouse

    name = factory.Sequence(lambda n: f"物资仓库{n}")
    level = "county"
    area_m2 = 500.0
    manager = "赵管理"


class StockItemFactory(DjangoModelFactory):
    class Meta:
        model = StockItem

    warehouse = factory.SubFactory(WarehouseFactory)
    name = factory.Sequence(lambda n: f"物资{n}")
    category = choices.StockCategory.values[0]
    quantity = Decimal("100.00")
    unit = "件"
    expiry_date = factory.LazyFunction(lambda: dt.date(2030, 1, 1))


class ShelterFactory(_Located):
    class Meta:
        model = Shelter

    name = factory.Sequence(lambda n: f"避难场所{n}")
    kind = choices.ShelterKind.DEDICATED
    capacity = 1000
    area_m2 = 2000.0
    occupancy = 0


class MedicalFacilityFactory(_Located):
    class Meta:
        model = MedicalFacility

    name = factory.Sequence(lambda n: f"医院{n}")
    level = choices.MedicalLevel.values[0]
    beds = 200
    icu_beds = 10


class VehicleFactory(_Located):
    class Meta:
        model = Vehicle

    plate = factory.Sequence(lambda n: f"辽L{n:05d}")
    vehicle_type = choices.VehicleType.values[0]
    driver = "孙师傅"


class EquipmentFactory(_Located):
    class Meta:
        model = Equipment

    name = factory.Sequence(lambda n: f"装备{n}")
    kind = choices.EquipmentKind.values[0]
    quantity = 2


FACTORIES: dict[type, type[DjangoModelFactory]] = {
    Enterprise: EnterpriseFactory,
    School: SchoolFactory,
    RescueTeam: RescueTeamFactory,
    Expert: ExpertFactory,
    Warehouse: WarehouseFactory,
    StockItem: StockItemFactory,
    Shelter: ShelterFactory,
    MedicalFacility: MedicalFacilityFactory,
    Vehicle: VehicleFactory,
    Equipment: EquipmentFactory,
}
