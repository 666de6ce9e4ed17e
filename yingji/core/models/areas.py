"""Administrative areas: province → city → county → township → village, coded by the NBS code list."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class AreaLevel(models.IntegerChoices):
    """Depth in the hierarchy; the NBS code length grows with it (2, 4, 6, 9, 12 digits)."""

    PROVINCE = 1, "省"
    CITY = 2, "市"
    COUNTY = 3, "县(区)"
    TOWNSHIP = 4, "乡镇(街道)"
    VILLAGE = 5, "村(社区)"


class AdminArea(models.Model):
    """One administrative area with its boundary (WGS84 GeoJSON) and a label point.

    Codes are hierarchical (a village code starts with its township's), so "this area and below"
    is a prefix match on `code` — the township officer's scope uses exactly that.
    """

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("层级", choices=AreaLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    geometry = models.JSONField("边界(GeoJSON, WGS84)", null=True, blank=True)
    geometry_source = models.CharField("边界来源", max_length=200, blank=True)
    longitude = models.FloatField("经度", null=True, blank=True)
    latitude = models.FloatField("纬度", null=True, blank=True)
    population = models.PositiveIntegerField("常住人口", null=True, blank=True,
                                             help_text="村（社区）常住人口；用于威胁区人口统计和疏散安置")
    population_source = models.CharField("人口来源", max_length=200, blank=True)
    transport_share = models.FloatField(
        "需转运人口比例", null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="无自有交通工具、疏散时需车辆转运的常住人口比例（0–1）；留空取系统默认值")

    class Meta:
        ordering = ["code"]
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"

    def __str__(self) -> str:
        return self.name

    def descendant_codes_prefix(self) -> str:
        """The code prefix shared by this area and everything under it."""
        return self.code
