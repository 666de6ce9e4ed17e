"""Supply allocation: demands at shelters or sites, the warehouses' stock sent against them, delivery."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from yingji.core.models import OwnedModel, ScopedQuerySet
from yingji.core.scoping import ScopeRule

from .incidents import Incident


class SupplyPlan(OwnedModel):
    """One allocation run: the demands, and the orders that an optimal transport plan sent against them.

    Each item is a transportation problem over the warehouses that stock it (same name and unit): first
    the largest quantity that can be delivered, then the least total travel time. What stock could not
    cover is kept as the demand's ``shortfall``.
    """

    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="supply_plans", verbose_name="事件")
    name = models.CharField("调拨名称", max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="编制人")
    total_time_s = models.FloatField("总运输时间(件·秒)", default=0, editable=False)
    notes = models.JSONField("说明", default=list, blank=True, editable=False)

    scope_rule: ClassVar[ScopeRule] = ScopeRule(kind="command.incident", enterprise="incident__enterprise")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "物资调拨方案"
        verbose_name_plural = "物资调拨方案"

    def __str__(self) -> str:
        return self.name


_CHILD_SCOPE = ScopeRule(kind="command.incident", department="plan__owner_department", area="plan__admin_area",
                         enterprise="plan__incident__enterprise")


class SupplyDemand(models.Model):
    """What one site needs of one item; ``shortfall`` is what the county's stock could not cover."""

    plan = models.ForeignKey(SupplyPlan, on_delete=models.CASCADE, related_name="demands", verbose_name="方案")
    site_name = models.CharField("需求点", max_length=200)
    shelter = models.ForeignKey("registry.Shelter", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name="避难场所")
    longitude = models.FloatField("经度")
    latitude = models.FloatField("纬度")
    item = models.CharField("物资名称", max_length=100)
    unit = models.CharField("单位", max_length=16)
    quantity = models.DecimalField("需求数量", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    shortfall = models.DecimalField("缺口", max_digits=14, decimal_places=2, default=0)

    objects = ScopedQuerySet.as_manager()
    scope_rule = _CHILD_SCOPE

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = "物资需求"
        verbose_name_plural = "物资需求"

    def __str__(self) -> str:
        return f"{self.site_name}：{self.item} {self.quantity}{self.unit}"


class OrderStatus(models.TextChoices):
    """planned → dispatched (stock leaves the warehouse) → delivered; a planned order may be cancelled."""

    PLANNED = "planned", "待发运"
    DISPATCHED = "dispatched", "运输中"
    DELIVERED = "delivered", "已送达"
    CANCELLED = "cancelled", "已取消"


class SupplyOrder(models.Model):
    """One dispatch order: a quantity of a warehouse's stock item to one demand, with its travel time."""

    demand = models.ForeignKey(SupplyDemand, on_delete=models.CASCADE, related_name="orders", verbose_name="需求")
    stock_item = models.ForeignKey("registry.StockItem", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="库存物资")
    quantity = models.DecimalField("数量", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    travel_s = models.FloatField("行车时间(秒)")
    length_m = models.FloatField("路程(米)", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=OrderStatus.choices, default=OrderStatus.PLANNED,
                              editable=False)
    dispatched_at = models.DateTimeField("发运时间", null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True, editable=False)
    received_by = models.CharField("签收人", max_length=50, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(kind="command.incident", department="demand__plan__owner_department",
                           area="demand__plan__admin_area", enterprise="demand__plan__incident__enterprise")

    class Meta:
        ordering = ["demand", "travel_s", "id"]
        verbose_name = "调拨单"
        verbose_name_plural = "调拨单"

    def __str__(self) -> str:
        return f"{self.stock_item} × {self.quantity} → {self.demand.site_name}"
