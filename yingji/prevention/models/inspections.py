"""Inspection checkpoints with QR codes, routes with schedules, inspection records, missed rounds, maintenance."""

from __future__ import annotations

import secrets

from django.db import models

from yingji.core.models import ScopedQuerySet, TimeStampedModel
from yingji.core.scoping import ScopeRule

from .base import EnterpriseRecord


def new_qr_token() -> str:
    """An unguessable code printed in the checkpoint's QR: scanning it proves the inspector stood there."""
    return secrets.token_urlsafe(12)


class Checkpoint(EnterpriseRecord):
    """A place an inspector must visit, with what to check there; its QR code carries `qr_token`."""

    name = models.CharField("巡检点名称", max_length=200)
    location = models.CharField("位置", max_length=200, blank=True)
    check_items = models.JSONField("检查项目", default=list, help_text="每项一句话，如“储罐液位计读数正常”")
    risk_point = models.ForeignKey("prevention.RiskPoint", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="checkpoints", verbose_name="关联风险点")
    qr_token = models.CharField("二维码编码", max_length=32, unique=True, default=new_qr_token, editable=False)
    active = models.BooleanField("启用", default=True)

    scope_rule = ScopeRule(kind="prevention.checkpoint", enterprise="enterprise")

    class Meta:
        ordering = ["enterprise__name", "name"]
        verbose_name = "巡检点"
        verbose_name_plural = "巡检点"
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "name"], name="prevention_checkpoint_unique",
                                    violation_error_message="该企业已有同名巡检点"),
        ]

    def __str__(self) -> str:
        return self.name


class Frequency(models.TextChoices):
    """How often a route is walked; each period must see every checkpoint of the route once."""

    SHIFT = "shift", "每班"
    DAY = "day", "每天"
    WEEK = "week", "每周"


class Route(EnterpriseRecord):
    """An ordered round of checkpoints walked once per period (shift, day or week)."""

    name = models.CharField("巡检路线", max_length=200)
    frequency = models.CharField("巡检频次", max_length=8, choices=Frequency.choices, default=Frequency.DAY)
    active = models.BooleanField("启用", default=True)
    active_since = models.DateTimeField("启用时间", help_text="此时间之前的周期不计漏检")

    scope_rule = ScopeRule(kind="prevention.checkpoint", enterprise="enterprise")

    class Meta:
        ordering = ["enterprise__name", "name"]
        verbose_name = "巡检路线"
        verbose_name_plural = "巡检路线"
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "name"], name="prevention_route_unique",
                                    violation_error_message="该企业已有同名巡检路线"),
        ]

    def __str__(self) -> str:
        return self.name


class RouteStop(models.Model):
    """The position of one checkpoint in a route."""

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="stops", verbose_name="路线")
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="+", verbose_name="巡检点")
    order = models.PositiveSmallIntegerField("顺序")

    class Meta:
        ordering = ["route", "order"]
        verbose_name = "路线巡检点"
        verbose_name_plural = "路线巡检点"
        constraints = [
            models.UniqueConstraint(fields=["route", "checkpoint"], name="prevention_stop_once_per_route"),
            models.UniqueConstraint(fields=["route", "order"], name="prevention_stop_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.checkpoint}"


class InspectionRecord(EnterpriseRecord):
    """One visit to a checkpoint: who, when, each check item's result, and photos of what was abnormal."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="records",
                                   verbose_name="巡检点")
    route = models.ForeignKey(Route, null=True, blank=True, on_delete=models.SET_NULL, related_name="records",
                              verbose_name="巡检路线")
    inspector = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", verbose_name="巡检人")
    checked_at = models.DateTimeField("巡检时间")
    scanned = models.BooleanField("扫码签到", default=False, help_text="巡检人扫描了巡检点二维码")
    results = models.JSONField("检查结果", default=list, help_text='[{"item": 项目, "ok": 是否正常, "note": 说明}]')
    abnormal = models.BooleanField("发现异常", default=False, editable=False)
    note = models.TextField("备注", blank=True)

    scope_rule = ScopeRule(kind="prevention.checkpoint", enterprise="enterprise")

    class Meta:
        ordering = ["-checked_at", "-pk"]
        verbose_name = "巡检记录"
        verbose_name_plural = "巡检记录"
        indexes = [models.Index(fields=["checkpoint", "checked_at"], name="prevention_record_when")]

    def __str__(self) -> str:
        return f"{self.checkpoint} {self.checked_at:%Y-%m-%d %H:%M}"


class MissedRound(TimeStampedModel):
    """A period in which a route's round was not completed: which checkpoints nobody visited."""

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="missed", verbose_name="巡检路线")
    period_start = models.DateTimeField("周期开始")
    period_end = models.DateTimeField("周期结束")
    missing = models.JSONField("未巡检的巡检点", default=list)

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(kind="prevention.checkpoint", department="route__owner_department",
                           area="route__admin_area", enterprise="route__enterprise")

    class Meta:
        ordering = ["-period_start", "route"]
        verbose_name = "漏检记录"
        verbose_name_plural = "漏检记录"
        constraints = [
            models.UniqueConstraint(fields=["route", "period_start"], name="prevention_missed_once_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.route} {self.period_start:%Y-%m-%d %H:%M}"


class MaintenanceRecord(EnterpriseRecord):
    """Maintenance done on one piece of equipment, and when the next is due (overdue once that date passes)."""

    equipment = models.CharField("设备名称", max_length=200)
    equipment_code = models.CharField("设备位号", max_length=64, blank=True)
    performed_on = models.DateField("维护日期")
    work = models.TextField("维护内容")
    performed_by = models.CharField("维护人", max_length=50)
    next_due = models.DateField("下次维护日期", null=True, blank=True)

    scope_rule = ScopeRule(kind="prevention.maintenance", enterprise="enterprise")

    class Meta:
        ordering = ["-performed_on", "-pk"]
        verbose_name = "设备维护记录"
        verbose_name_plural = "设备维护记录"

    def __str__(self) -> str:
        return f"{self.equipment} {self.performed_on}"
