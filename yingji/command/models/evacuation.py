"""Evacuation and resettlement: the area to clear, who goes to which shelter by which route, who arrived."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from yingji.core.models import OwnedModel, ScopedQuerySet, TimeStampedModel
from yingji.core.scoping import ScopeRule

from .incidents import Incident

PLAN_SCOPE = ScopeRule(kind="command.incident", enterprise="incident__enterprise")


class AreaSource(models.TextChoices):
    ZONE = "zone", "威胁区"
    DRAWN = "drawn", "手绘范围"


class PlanStatus(models.TextChoices):
    """draft (computed, may be recomputed) → issued (people are moving) → closed (everyone resettled or returned)."""

    DRAFT = "draft", "草案"
    ISSUED = "issued", "已下达"
    CLOSED = "closed", "已结束"


class EvacuationPlan(OwnedModel):
    """One evacuation and resettlement plan: the area to clear and the totals of the min-cost assignment.

    The assignment (village → shelter, people, route) is computed by ``command.evacuation`` from the
    villages' residents, the shelters' free places and travel times on the road network; people who could
    not be placed (no free place within reach) are counted, never silently dropped.
    """

    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="evacuation_plans", verbose_name="事件")
    name = models.CharField("方案名称", max_length=200)
    area = models.JSONField("疏散范围(GeoJSON, WGS84)")
    area_source = models.CharField("范围来源", max_length=8, choices=AreaSource.choices, default=AreaSource.DRAWN)
    max_travel_min = models.PositiveIntegerField("最长行车时间(分钟)", null=True, blank=True,
                                                 help_text="超过此时间的避难场所不安排；留空不限")
    status = models.CharField("状态", max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT,
                              editable=False)
    people_total = models.PositiveIntegerField("需疏散人数", default=0, editable=False)
    people_placed = models.PositiveIntegerField("已安排安置人数", default=0, editable=False)
    people_unplaced = models.PositiveIntegerField("未能安置人数", default=0, editable=False)
    longest_travel_s = models.FloatField("最长行车时间(秒)", default=0, editable=False)
    notes = models.JSONField("说明", default=list, blank=True, editable=False)
    transport = models.JSONField("车辆转运", default=dict, blank=True, editable=False,
                                 help_text="每村需转运人数、所需车辆、分配车辆与趟数（command.transport）")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="编制人")

    scope_rule: ClassVar[ScopeRule] = PLAN_SCOPE

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "疏散安置方案"
        verbose_name_plural = "疏散安置方案"

    def __str__(self) -> str:
        return self.name


class EvacuationAssignment(models.Model):
    """People of one village sent to one shelter, with the fastest route's time, length and line."""

    plan = models.ForeignKey(EvacuationPlan, on_delete=models.CASCADE, related_name="assignments",
                             verbose_name="方案")
    village = models.ForeignKey("core.AdminArea", on_delete=models.PROTECT, related_name="+", verbose_name="村(社区)")
    shelter = models.ForeignKey("registry.Shelter", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name="避难场所", help_text="为空：未能安置的人员")
    people = models.PositiveIntegerField("人数")
    travel_s = models.FloatField("行车时间(秒)", null=True, blank=True)
    length_m = models.FloatField("路程(米)", null=True, blank=True)
    route = models.JSONField("路线(GeoJSON LineString)", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(kind="command.incident", department="plan__owner_department", area="plan__admin_area",
                           enterprise="plan__incident__enterprise")

    class Meta:
        ordering = ["plan", "village__code", "travel_s"]
        verbose_name = "疏散安排"
        verbose_name_plural = "疏散安排"

    def __str__(self) -> str:
        return f"{self.village} → {self.shelter or '未安置'}：{self.people} 人"


class EvacueeArrival(TimeStampedModel):
    """Evacuees registered at a shelter on arrival (a household or a bus load); raises the shelter's occupancy."""

    plan = models.ForeignKey(EvacuationPlan, on_delete=models.PROTECT, related_name="arrivals", verbose_name="方案")
    shelter = models.ForeignKey("registry.Shelter", on_delete=models.PROTECT, related_name="+",
                                verbose_name="避难场所")
    village = models.ForeignKey("core.AdminArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name="来自村(社区)")
    people = models.PositiveIntegerField("人数", validators=[MinValueValidator(1)])
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    note = models.CharField("备注", max_length=300, blank=True, help_text="如：老人、儿童、需医疗照护")
    arrived_at = models.DateTimeField("到达时间")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name="登记人")

    objects = ScopedQuerySet.as_manager()
    scope_rule = EvacuationAssignment.scope_rule

    class Meta:
        ordering = ["-arrived_at", "-id"]
        verbose_name = "安置登记"
        verbose_name_plural = "安置登记"

    def __str__(self) -> str:
        return f"{self.shelter}：{self.people} 人"
