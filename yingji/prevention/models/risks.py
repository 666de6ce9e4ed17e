"""Risk points (风险点) graded by LEC or LS, and the county's choice of bands."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from yingji.core.models import LocatedModel, TimeStampedModel
from yingji.core.scoping import ScopeRule

from ..grading import DEFAULT_LEC_BANDS, DEFAULT_LS_BANDS, Bands, Level
from .base import EnterpriseRecord

LEVEL_CHOICES = [(level.value, level.label) for level in Level]


class RiskMethod(models.TextChoices):
    LEC = "lec", "LEC 作业条件危险性评价法"
    LS = "ls", "LS 风险矩阵法"


class RiskMatrixConfig(TimeStampedModel):
    """The county's bands for turning D (LEC) and R (LS) into four colours; one row, edited by the county.

    Defaults are DOMAIN.md §7 (LEC: the common mapping; LS: one province's choice). Changing them regrades
    every stored risk point in the same transaction.
    """

    lec_red = models.FloatField("LEC 红（重大）下限", default=DEFAULT_LEC_BANDS.red)
    lec_orange = models.FloatField("LEC 橙（较大）下限", default=DEFAULT_LEC_BANDS.orange)
    lec_yellow = models.FloatField("LEC 黄（一般）下限", default=DEFAULT_LEC_BANDS.yellow)
    lec_lower_inclusive = models.BooleanField("LEC 下限含等号", default=DEFAULT_LEC_BANDS.lower_inclusive)
    ls_red = models.FloatField("LS 红（重大）下限", default=DEFAULT_LS_BANDS.red)
    ls_orange = models.FloatField("LS 橙（较大）下限", default=DEFAULT_LS_BANDS.orange)
    ls_yellow = models.FloatField("LS 黄（一般）下限", default=DEFAULT_LS_BANDS.yellow)
    ls_lower_inclusive = models.BooleanField("LS 下限含等号", default=DEFAULT_LS_BANDS.lower_inclusive)
    source = models.CharField("依据", max_length=300, blank=True,
                              default="DOMAIN.md §7：LEC 通用划分；LS 为省级通行划分之一（可按本省规定调整）")

    class Meta:
        verbose_name = "风险分级标准"
        verbose_name_plural = "风险分级标准"

    def __str__(self) -> str:
        return "风险分级标准"

    @property
    def lec_bands(self) -> Bands:
        return Bands(self.lec_red, self.lec_orange, self.lec_yellow, self.lec_lower_inclusive)

    @property
    def ls_bands(self) -> Bands:
        return Bands(self.ls_red, self.ls_orange, self.ls_yellow, self.ls_lower_inclusive)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        for prefix, bands in (("lec_", self.lec_bands), ("ls_", self.ls_bands)):
            for problem in bands.problems(prefix):
                errors.setdefault(problem.field, []).append(problem.message)
        if errors:
            raise ValidationError(errors)


class RiskPoint(LocatedModel, EnterpriseRecord):
    """One place or activity of an enterprise where harm can arise, graded by LEC or LS into four colours.

    The level and value are never edited by hand: services compute them from the factors with the county's
    bands (`grading.assess`) on every change, and again whenever the bands change.
    """

    unit_place = models.CharField("单元/场所", max_length=200)
    name = models.CharField("风险点名称", max_length=200)
    hazard_description = models.TextField("危险有害因素")
    method = models.CharField("评价方法", max_length=8, choices=RiskMethod.choices)
    likelihood = models.FloatField("L 可能性")
    exposure = models.FloatField("E 暴露频繁程度", null=True, blank=True, help_text="仅 LEC 法")
    consequence = models.FloatField("C 后果", null=True, blank=True, help_text="仅 LEC 法")
    severity = models.FloatField("S 严重性", null=True, blank=True, help_text="仅 LS 法")
    value = models.FloatField("风险值（D 或 R）", default=0, editable=False)
    level = models.CharField("风险等级", max_length=8, choices=LEVEL_CHOICES, default=Level.BLUE, editable=False)
    working = models.CharField("计算式", max_length=200, blank=True, editable=False,
                               help_text="如 D = L×E×C = 3×6×15 = 270；等级随分级标准变化，不写在此处")
    control_measures = models.TextField("管控措施", blank=True)
    responsible_person = models.CharField("责任人", max_length=50)
    responsible_phone = models.CharField("责任人电话", max_length=32, blank=True)
    hazard_unit = models.ForeignKey("hazmat.HazardUnit", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="关联危险化学品单元")

    scope_rule = ScopeRule(kind="prevention.riskpoint", enterprise="enterprise")

    class Meta:
        ordering = ["enterprise__name", "unit_place", "name"]
        verbose_name = "风险点"
        verbose_name_plural = "风险点"
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "unit_place", "name"], name="prevention_risk_point_unique",
                                    violation_error_message="该企业的此单元/场所已有同名风险点"),
        ]
        indexes = [models.Index(fields=["level"], name="prevention_risk_level")]

    def __str__(self) -> str:
        return f"{self.unit_place} · {self.name}"

    def clean(self) -> None:
        super().clean()
        unit = self.hazard_unit if self.hazard_unit_id else None
        if unit is not None and self.enterprise_id and unit.enterprise_id != self.enterprise_id:
            raise ValidationError({"hazard_unit": "关联的危险化学品单元不属于该企业"})
