"""Emergency resources the command centre can call on: teams, experts, supplies, shelters, hospitals, fleets."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from yingji.core.models import LocatedModel, OwnedModel, ScopedQuerySet, TimeStampedModel
from yingji.core.scoping import ScopeRule

from ..choices import (
    EquipmentKind,
    ExpertSpecialty,
    ExpertTitle,
    MedicalLevel,
    ReadinessStatus,
    ShelterKind,
    ShelterStatus,
    StockCategory,
    TeamType,
    VehicleType,
)
from ..validators import phone_validator


def _enterprise_fk() -> models.ForeignKey:
    # Enterprises own some resources (their own brigades, stores, vehicles); county resources leave it empty.
    return models.ForeignKey(
        "registry.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="所属企业",
    )


class RescueTeam(LocatedModel, OwnedModel):
    """A rescue team at its base: type, strength, equipment and readiness."""

    name = models.CharField("队伍名称", max_length=200)
    team_type = models.CharField("队伍类型", max_length=16, choices=TeamType.choices)
    members = models.PositiveIntegerField("人数", default=0)
    equipment = models.TextField("主要装备", blank=True)
    status = models.CharField("状态", max_length=16, choices=ReadinessStatus.choices, default=ReadinessStatus.STANDBY)
    leader = models.CharField("队长", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True, validators=[phone_validator])
    enterprise = _enterprise_fk()
    leader_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="队长账号",
    )

    scope_rule = ScopeRule(
        kind="registry.rescueteam", enterprise="enterprise", person="leader_user", shared_directory=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "救援队伍"
        verbose_name_plural = "救援队伍"

    def __str__(self) -> str:
        return self.name


class Expert(LocatedModel, OwnedModel):
    """An expert on the county's roster: specialty, title, whether they can be called now."""

    name = models.CharField("姓名", max_length=50)
    specialty = models.CharField("专业领域", max_length=16, choices=ExpertSpecialty.choices)
    title = models.CharField("职称", max_length=16, choices=ExpertTitle.choices, default=ExpertTitle.INTERMEDIATE)
    organisation = models.CharField("工作单位", max_length=200, blank=True)
    available = models.BooleanField("可调用", default=True)
    phone = models.CharField("联系电话", max_length=32, blank=True, validators=[phone_validator])
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="专家账号",
    )

    scope_rule = ScopeRule(kind="registry.expert", person="user", shared_directory=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "专家"
        verbose_name_plural = "专家"

    def __str__(self) -> str:
        return self.name


class Warehouse(LocatedModel, OwnedModel):
    """A store of emergency supplies; its stock items say what it can send."""

    name = models.CharField("仓库名称", max_length=200)
    level = models.CharField(
        "级别",
        max_length=16,
        choices=[("county", "县级"), ("township", "乡镇级"), ("enterprise", "企业")],
        default="county",
    )
    area_m2 = models.FloatField("面积(㎡)", default=0, validators=[MinValueValidator(0)])
    manager = models.CharField("管理员", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True, validators=[phone_validator])
    enterprise = _enterprise_fk()

    scope_rule = ScopeRule(kind="registry.warehouse", enterprise="enterprise", shared_directory=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "物资仓库"
        verbose_name_plural = "物资仓库"

    def __str__(self) -> str:
        return self.name


class StockItem(TimeStampedModel):
    """A line of stock in a warehouse; scoped through its warehouse."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="items", verbose_name="仓库")
    name = models.CharField("物资名称", max_length=100)
    category = models.CharField("类别", max_length=16, choices=StockCategory.choices)
    quantity = models.DecimalField("数量", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    unit = models.CharField("单位", max_length=16)
    expiry_date = models.DateField("有效期至", null=True, blank=True)
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(
        kind="registry.stockitem",
        department="warehouse__owner_department",
        area="warehouse__admin_area",
        enterprise="warehouse__enterprise",
        shared_directory=True,
    )

    class Meta:
        ordering = ["warehouse", "category", "name"]
        verbose_name = "库存物资"
        verbose_name_plural = "库存物资"

    def __str__(self) -> str:
        return f"{self.name} {self.quantity}{self.unit}"


class Shelter(LocatedModel, OwnedModel):
    """A resettlement point that can receive evacuees: capacity, facilities and live occupancy."""

    name = models.CharField("避难场所名称", max_length=200)
    kind = models.CharField("类型", max_length=16, choices=ShelterKind.choices, default=ShelterKind.DEDICATED)
    capacity = models.PositiveIntegerField("容纳人数")
    area_m2 = models.FloatField("有效面积(㎡)", default=0, validators=[MinValueValidator(0)])
    facilities = models.CharField("设施", max_length=300, blank=True, help_text="如：供水、供电、厕所、医疗点")
    occupancy = models.PositiveIntegerField("当前安置人数", default=0)
    status = models.CharField("状态", max_length=16, choices=ShelterStatus.choices, default=ShelterStatus.READY)
    manager = models.CharField("负责人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True, validators=[phone_validator])

    scope_rule = ScopeRule(kind="registry.shelter", shared_directory=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "避难场所"
        verbose_name_plural = "避难场所"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.capacity is not None and self.occupancy is not None and self.occupancy > self.capacity:
            raise ValidationError({"occupancy": f"安置人数 {self.occupancy} 超过容纳人数 {self.capacity}"})


class MedicalFacility(LocatedModel, OwnedModel):
    """A hospital, health centre or ambulance station: beds, ICU beds and specialties."""

    name = models.CharField("机构名称", max_length=200)
    level = models.CharField("级别", max_length=16, choices=MedicalLevel.choices)
    beds = models.PositiveIntegerField("床位数", default=0)
    icu_beds = models.PositiveIntegerField("ICU 床位", default=0)
    specialties = models.CharField("特色专科", max_length=300, blank=True, help_text="如：烧伤、中毒救治、骨科")
    phone = models.CharField("急诊电话", max_length=32, blank=True, validators=[phone_validator])

    scope_rule = ScopeRule(kind="registry.medicalfacility", shared_directory=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "医疗机构"
        verbose_name_plural = "医疗机构"

    def __str__(self) -> str:
        return self.name


class Vehicle(LocatedModel, OwnedModel):
    """A vehicle available for rescue or transport, at its usual parking place."""

    plate = models.CharField("车牌号", max_length=16, unique=True, error_messages={"unique": "车牌号已存在"})
    vehicle_type = models.CharField("车辆类型", max_length=16, choices=VehicleType.choices)
    capacity = models.CharField("载重/载客", max_length=50, blank=True)
    status = models.CharField("状态", max_length=16, choices=ReadinessStatus.choices, default=ReadinessStatus.STANDBY)
    driver = models.CharField("驾驶员", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True, validators=[phone_validator])
    enterprise = _enterprise_fk()

    scope_rule = ScopeRule(kind="registry.vehicle", enterprise="enterprise", shared_directory=True)

    class Meta:
        ordering = ["plate"]
        verbose_name = "车辆"
        verbose_name_plural = "车辆"

    def __str__(self) -> str:
        return self.plate


class Equipment(LocatedModel, OwnedModel):
    """Key equipment (generators, pumps, drones, detectors) and where it is kept."""

    name = models.CharField("装备名称", max_length=200)
    kind = models.CharField("装备类型", max_length=24, choices=EquipmentKind.choices)
    model_number = models.CharField("型号", max_length=100, blank=True)
    quantity = models.PositiveIntegerField("数量", default=1)
    status = models.CharField("状态", max_length=16, choices=ReadinessStatus.choices, default=ReadinessStatus.STANDBY)
    custodian = models.CharField("保管人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True, validators=[phone_validator])
    enterprise = _enterprise_fk()

    scope_rule = ScopeRule(kind="registry.equipment", enterprise="enterprise", shared_directory=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "重点装备"
        verbose_name_plural = "重点装备"

    def __str__(self) -> str:
        return self.name
