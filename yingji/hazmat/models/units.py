"""Units an enterprise declares for major-hazard identification (GB 18218-2018), what they hold, their tanks."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from yingji.core.models import LocatedModel, OwnedModel, ScopedQuerySet, TimeStampedModel
from yingji.core.scoping import ScopeRule


class UnitKind(models.TextChoices):
    """GB 18218-2018 §3: identification is per production unit or per storage unit."""

    PRODUCTION = "production", "生产单元"
    STORAGE = "storage", "储存单元"  # one tank group inside its own fire dike, or one warehouse


class HazardUnit(LocatedModel, OwnedModel):
    """A production or storage unit of one enterprise, with the result of its last major-hazard evaluation.

    The grading fields are never edited by hand: the services recompute them with
    `yingji.hazmat.grading.evaluate_unit` in the same transaction as every change of the inventory or the
    exposed population, so what is stored is always the grading of what is declared.
    """

    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.PROTECT, related_name="hazard_units", verbose_name="企业"
    )
    name = models.CharField("单元名称", max_length=200)
    kind = models.CharField("单元类型", max_length=16, choices=UnitKind.choices)
    exposed_population = models.PositiveIntegerField("边界500 m内人数", default=0)

    s = models.FloatField("S = Σq/Q", default=0, editable=False)
    is_major_hazard = models.BooleanField("构成重大危险源", default=False, editable=False)
    r = models.FloatField("R 值", null=True, blank=True, editable=False)
    grade = models.PositiveSmallIntegerField(
        "重大危险源级别", null=True, blank=True, editable=False,
        choices=[(1, "一级"), (2, "二级"), (3, "三级"), (4, "四级")],
    )
    alpha = models.FloatField("α", null=True, blank=True, editable=False)
    alpha_reason = models.CharField("α 依据", max_length=200, blank=True, editable=False)
    contributions = models.JSONField("计算过程", default=list, blank=True, editable=False)
    evaluated_at = models.DateTimeField("辨识时间", null=True, blank=True, editable=False)

    scope_rule = ScopeRule(kind="hazmat.hazardunit", enterprise="enterprise")

    class Meta:
        ordering = ["enterprise__name", "name"]
        verbose_name = "危险化学品单元"
        verbose_name_plural = "危险化学品单元"
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "name"], name="hazmat_unit_name_unique_per_enterprise",
                                    violation_error_message="该企业已有同名单元"),
        ]
        indexes = [models.Index(fields=["is_major_hazard", "grade"], name="hazmat_unit_major_grade")]

    def __str__(self) -> str:
        return self.name


class UnitInventory(TimeStampedModel):
    """The maximum quantity of one catalogue substance that can be present in a unit (q of GB 18218)."""

    unit = models.ForeignKey(HazardUnit, on_delete=models.CASCADE, related_name="inventory", verbose_name="单元")
    substance = models.CharField("危险化学品", max_length=100, help_text="目录中的标准名称")
    category = models.CharField("危险性类别", max_length=8, blank=True, help_text="GB 18218-2018 表2，如 W5.3")
    max_quantity_t = models.FloatField("最大存在量（t）", validators=[MinValueValidator(0)])

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(kind="hazmat.hazardunit", department="unit__owner_department", area="unit__admin_area",
                           enterprise="unit__enterprise")

    class Meta:
        ordering = ["unit", "substance"]
        verbose_name = "单元危险化学品"
        verbose_name_plural = "单元危险化学品"
        constraints = [
            models.UniqueConstraint(fields=["unit", "substance"], name="hazmat_inventory_one_row_per_substance",
                                    violation_error_message="该单元已登记此危险化学品"),
        ]

    def __str__(self) -> str:
        return f"{self.substance} {self.max_quantity_t:g} t"


class Tank(TimeStampedModel):
    """A storage tank of a unit: what it holds and how it was designed (volumes are not yet turned into q)."""

    unit = models.ForeignKey(HazardUnit, on_delete=models.CASCADE, related_name="tanks", verbose_name="单元")
    code = models.CharField("储罐位号", max_length=50)
    volume_m3 = models.FloatField("容积（m³）", validators=[MinValueValidator(0)])
    medium = models.CharField("储存介质", max_length=100, blank=True, help_text="目录中的标准名称")
    max_fill_ratio = models.FloatField("最大充装系数", default=0.85,
                                       validators=[MinValueValidator(0), MaxValueValidator(1)])
    design_pressure_mpa = models.FloatField("设计压力（MPa）", null=True, blank=True)
    design_temperature_c = models.FloatField("设计温度（℃）", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(kind="hazmat.hazardunit", department="unit__owner_department", area="unit__admin_area",
                           enterprise="unit__enterprise")

    class Meta:
        ordering = ["unit", "code"]
        verbose_name = "储罐"
        verbose_name_plural = "储罐"
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="hazmat_tank_code_unique_per_unit",
                                    violation_error_message="该单元已有此位号的储罐"),
        ]

    def __str__(self) -> str:
        return self.code
