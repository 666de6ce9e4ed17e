"""Incidents (突发事件) as the county command hub records them, and the timeline of what was done about each.

The level and response grade are never edited by hand: the services recompute them with
`yingji.command.classification.classify_incident` (国务院令第493号 第三条) on every change of the figures, so
what is stored is always the level of what is reported.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from yingji.core.models import LocatedModel, OwnedModel, ScopedQuerySet
from yingji.core.scoping import ScopeRule


class IncidentType(models.TextChoices):
    PRODUCTION_SAFETY = "production_safety", "生产安全事故"
    FIRE = "fire", "火灾"
    HAZMAT_RELEASE = "hazmat_release", "危险化学品泄漏"
    TRAFFIC = "traffic", "道路交通事故"
    NATURAL_DISASTER = "natural_disaster", "自然灾害"
    PUBLIC_HEALTH = "public_health", "公共卫生事件"
    OTHER = "other", "其他"


class Industry(models.TextChoices):
    """The industry of a production-safety incident (how the county's regulators divide supervision)."""

    HAZARDOUS_CHEMICALS = "hazardous_chemicals", "危险化学品"
    MINING = "mining", "非煤矿山"
    INDUSTRY_TRADE = "industry_trade", "工贸"
    CONSTRUCTION = "construction", "建筑施工"
    FIREWORKS = "fireworks", "烟花爆竹"
    OTHER = "other", "其他行业"


class IncidentSource(models.TextChoices):
    PHONE = "phone", "电话报告"
    ALARM = "alarm", "监测报警"
    FIELD = "field", "现场报告"
    WARNING = "warning", "预警信息"


class IncidentStatus(models.TextChoices):
    """reported → responding → closed (a false report may be closed straight from reported)."""

    REPORTED = "reported", "已接报"
    RESPONDING = "responding", "处置中"
    CLOSED = "closed", "已结案"


LEVEL_CHOICES = [("特别重大", "特别重大"), ("重大", "重大"), ("较大", "较大"), ("一般", "一般")]
RESPONSE_CHOICES = [("I", "I 级"), ("II", "II 级"), ("III", "III 级"), ("IV", "IV 级")]


class Incident(LocatedModel, OwnedModel):
    """One incident: what, where, who reported it, the casualties and loss, and the level they set."""

    title = models.CharField("事件名称", max_length=200)
    incident_type = models.CharField("事件类型", max_length=24, choices=IncidentType.choices)
    industry = models.CharField("行业", max_length=24, choices=Industry.choices, blank=True,
                                help_text="仅生产安全事故填写")
    source = models.CharField("信息来源", max_length=16, choices=IncidentSource.choices)
    occurred_at = models.DateTimeField("发生时间")
    reported_at = models.DateTimeField("接报时间", default=timezone.now)
    reporter_name = models.CharField("报告人", max_length=100, blank=True)
    reporter_phone = models.CharField("报告人电话", max_length=32, blank=True)

    deaths = models.PositiveIntegerField("死亡（人）", default=0)
    serious_injuries = models.PositiveIntegerField("重伤（含急性工业中毒，人）", default=0)
    direct_loss_yuan = models.DecimalField("直接经济损失（元）", max_digits=16, decimal_places=2, default=0)

    level = models.CharField("事故等级", max_length=8, choices=LEVEL_CHOICES, editable=False)
    response = models.CharField("响应级别", max_length=4, choices=RESPONSE_CHOICES, editable=False)
    decided_by = models.JSONField("定级依据", default=list, blank=True, editable=False)

    status = models.CharField("状态", max_length=16, choices=IncidentStatus.choices,
                              default=IncidentStatus.REPORTED, editable=False)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True, editable=False)
    summary = models.TextField("结案摘要", blank=True, editable=False)
    is_exercise = models.BooleanField("演练", default=False)
    enterprise = models.ForeignKey(
        "registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="incidents",
        verbose_name="事发企业",
    )

    scope_rule = ScopeRule(kind="command.incident", enterprise="enterprise")

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = "突发事件"
        verbose_name_plural = "突发事件"
        indexes = [models.Index(fields=["status", "level"], name="command_incident_status_level")]
        constraints = [
            models.CheckConstraint(condition=models.Q(direct_loss_yuan__gte=0), name="command_incident_loss_gte_0"),
        ]

    def __str__(self) -> str:
        return self.title


class TimelineKind(models.TextChoices):
    REPORT = "report", "信息报送"
    DECISION = "decision", "指挥决策"
    DISPATCH = "dispatch", "力量调度"
    STATUS = "status", "状态变更"
    CASUALTY = "casualty", "伤亡损失更新"
    LEVEL = "level", "等级调整"
    NOTE = "note", "备注"


class TimelineEntry(models.Model):
    """One line of an incident's log. Append-only: a wrong entry is corrected by a later one, never edited."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="timeline", verbose_name="事件")
    time = models.DateTimeField("时间", default=timezone.now)
    kind = models.CharField("类型", max_length=16, choices=TimelineKind.choices)
    text = models.TextField("内容")
    # PROTECT, as for audit events: accounts that acted are deactivated, not deleted.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name="记录人")
    actor_name = models.CharField("记录人", max_length=150, blank=True)
    data = models.JSONField("数据", default=dict, blank=True)
    created_at = models.DateTimeField("写入时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(kind="command.incident", department="incident__owner_department",
                           area="incident__admin_area", enterprise="incident__enterprise")

    class Meta:
        ordering = ["time", "id"]
        verbose_name = "事件时间线"
        verbose_name_plural = "事件时间线"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.text[:40]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("时间线只能追加，不能修改已有条目")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("时间线只能追加，不能删除条目")
