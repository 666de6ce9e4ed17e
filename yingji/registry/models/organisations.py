"""Organisations the bureau supervises: enterprises and schools."""

from __future__ import annotations

from django.db import models

from yingji.core.models import LocatedModel, OwnedModel
from yingji.core.scoping import ScopeRule

from ..choices import EnterpriseScale, HazardCategory, Industry, SchoolType
from ..validators import credit_code_validator, phone_validator


class Enterprise(LocatedModel, OwnedModel):
    """A registered enterprise: identity by unified social credit code, its hazards and safety contacts."""

    name = models.CharField("企业名称", max_length=200)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[credit_code_validator],
        error_messages={"unique": "统一社会信用代码已存在"},
    )
    industry = models.CharField("行业", max_length=32, choices=Industry.choices, default=Industry.OTHER)
    scale = models.CharField("规模", max_length=16, choices=EnterpriseScale.choices, default=EnterpriseScale.SMALL)
    hazard_category = models.CharField(
        "危化品类别", max_length=16, choices=HazardCategory.choices, default=HazardCategory.NONE
    )
    in_chemical_park = models.BooleanField("位于化工园区", default=False)
    employees = models.PositiveIntegerField("从业人数", default=0)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    safety_officer = models.CharField("安全负责人", max_length=50, blank=True)
    safety_officer_phone = models.CharField("安全负责人电话", max_length=32, blank=True, validators=[phone_validator])

    scope_rule = ScopeRule(kind="registry.enterprise", enterprise="pk")

    class Meta:
        ordering = ["name"]
        verbose_name = "企业"
        verbose_name_plural = "企业"

    def __str__(self) -> str:
        return self.name


class School(LocatedModel, OwnedModel):
    """A school or kindergarten: who is inside it and whom to call."""

    name = models.CharField("学校名称", max_length=200)
    school_type = models.CharField("类型", max_length=16, choices=SchoolType.choices)
    students = models.PositiveIntegerField("学生数", default=0)
    staff = models.PositiveIntegerField("教职工数", default=0)
    principal = models.CharField("校长", max_length=50, blank=True)
    safety_contact = models.CharField("安全负责人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True, validators=[phone_validator])
    boarding = models.BooleanField("寄宿制", default=False)

    scope_rule = ScopeRule(kind="registry.school")

    class Meta:
        ordering = ["name"]
        verbose_name = "学校"
        verbose_name_plural = "学校"

    def __str__(self) -> str:
        return self.name
