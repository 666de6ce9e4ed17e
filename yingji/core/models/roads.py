"""Road segments of the county network: drawn on the offline basemap, later routed over."""

from __future__ import annotations

from django.db import models


class RoadClass(models.TextChoices):
    EXPRESSWAY = "expressway", "高速公路"
    NATIONAL = "national", "国道"
    PROVINCIAL = "provincial", "省道"
    COUNTY = "county", "县道"
    TOWNSHIP = "township", "乡道"
    VILLAGE = "village", "村道"


class Road(models.Model):
    """One road segment as a WGS84 LineString with its class, free-flow speed, whether it is closed, and
    whether it is one-way (then only in the direction it is drawn)."""

    name = models.CharField("道路名称", max_length=100, blank=True)
    road_class = models.CharField("等级", max_length=16, choices=RoadClass.choices)
    speed_kmh = models.FloatField("设计车速(km/h)")
    geometry = models.JSONField("几何(GeoJSON LineString, WGS84)")
    closed = models.BooleanField("封闭", default=False)
    # Traffic may only follow the geometry's vertex order (importers reverse oneway=-1 roads to make it so).
    oneway = models.BooleanField("单行（仅沿绘制方向）", default=False)
    source = models.CharField("来源", max_length=100, blank=True)
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        ordering = ["road_class", "name"]
        verbose_name = "道路"
        verbose_name_plural = "道路"

    def __str__(self) -> str:
        return self.name or self.get_road_class_display()
