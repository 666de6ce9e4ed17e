"""Alarms: one per (channel, rule) episode, handled to closure."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from yingji.core.models.base import ScopedQuerySet, TimeStampedModel

from ..rules import Level
from .devices import Channel, scoped_through_device


class AlarmCategory(models.TextChoices):
    PROCESS = "process", "工艺报警"
    FAULT = "fault", "设备故障"
    OFFLINE = "offline", "设备离线"


class AlarmStatus(models.TextChoices):
    RAISED = "raised", "待确认"
    ACKNOWLEDGED = "acknowledged", "已确认"
    HANDLING = "handling", "处置中"
    CLOSED = "closed", "已关闭"


LEVEL_CHOICES = [(level.value, level.label) for level in Level]


class Alarm(TimeStampedModel):
    """One episode of one rule on one channel: raised, repeated, escalated, recovered, handled, closed.

    While the episode is active (not recovered, not closed) repeats update it instead of adding alarms;
    the database enforces one active alarm per (channel, rule). A recovered alarm stays open until a
    person closes it with the cause and the measures taken.
    """

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="alarms", verbose_name="通道")
    rule_id = models.CharField("规则", max_length=64)
    level = models.CharField("级别", max_length=16, choices=LEVEL_CHOICES)
    grade = models.PositiveSmallIntegerField("报警等级", default=1, help_text="1 一级报警或设备故障，2 二级报警")
    category = models.CharField("类别", max_length=16, choices=AlarmCategory.choices)
    status = models.CharField("状态", max_length=16, choices=AlarmStatus.choices, default=AlarmStatus.RAISED)
    message = models.CharField("报警内容", max_length=300)
    first_value = models.FloatField("首次数值", null=True, blank=True)
    first_at = models.DateTimeField("首次时间")
    last_value = models.FloatField("最近数值", null=True, blank=True)
    last_at = models.DateTimeField("最近时间")
    repeat_count = models.PositiveIntegerField("重复次数", default=0)
    recovered_at = models.DateTimeField("恢复时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name="确认人")
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    acknowledge_note = models.CharField("确认说明", max_length=500, blank=True)
    closed_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="关闭人")
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    cause = models.TextField("报警原因", blank=True)
    measures = models.TextField("处置措施", blank=True)
    false_alarm = models.BooleanField("误报", default=False, help_text="关闭时认定为误报（计入误报率）")
    raised_at = models.DateTimeField("待确认起始时间", default=timezone.now,
                                     help_text="报警产生或升级为待确认的服务器时间；确认时限从此起算")
    assignee = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="处置人")
    assigned_at = models.DateTimeField("指派时间", null=True, blank=True)
    escalated_at = models.DateTimeField("超时上报时间", null=True, blank=True)
    escalated_to = models.ForeignKey("core.Department", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="上报至部门")

    objects = ScopedQuerySet.as_manager()
    scope_rule = scoped_through_device("channel__device")

    class Meta:
        ordering = ["-first_at", "-pk"]
        verbose_name = "报警"
        verbose_name_plural = "报警"
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "rule_id"],
                condition=Q(recovered_at__isnull=True) & ~Q(status="closed"),
                name="monitoring_alarm_one_active_episode",
            )
        ]
        indexes = [
            models.Index(fields=["status", "-first_at"], name="monitoring_alarm_status_idx"),
            models.Index(fields=["status", "raised_at"], name="monitoring_alarm_overdue_idx",
                         condition=Q(status="raised", escalated_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.message}（{self.get_status_display()}）"

    @property
    def is_active(self) -> bool:
        return self.recovered_at is None and self.status != AlarmStatus.CLOSED
