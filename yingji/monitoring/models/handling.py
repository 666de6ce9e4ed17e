"""Handling an alarm: notes and photos from the people handling it, and the time allowed to acknowledge."""

from __future__ import annotations

from django.db import models

from yingji.core.models.base import ScopedQuerySet, TimeStampedModel
from yingji.core.scoping import ScopeRule

from .alarms import LEVEL_CHOICES, Alarm
from .devices import scoped_through_device


class AlarmNote(TimeStampedModel):
    """One entry of an alarm's handling record (what was found, what was done), with its photos."""

    alarm = models.ForeignKey(Alarm, on_delete=models.CASCADE, related_name="notes", verbose_name="报警")
    author = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", verbose_name="记录人")
    text = models.TextField("处置记录")

    objects = ScopedQuerySet.as_manager()
    scope_rule = scoped_through_device("alarm__channel__device")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "报警处置记录"
        verbose_name_plural = "报警处置记录"

    def __str__(self) -> str:
        return f"报警 {self.alarm_id} 处置记录 {self.pk}"


class AlarmPhoto(TimeStampedModel):
    """A site photo attached to a handling note; the file lies under MEDIA_ROOT and is served only in scope."""

    note = models.ForeignKey(AlarmNote, on_delete=models.CASCADE, related_name="photos", verbose_name="处置记录")
    file = models.FileField("照片文件", upload_to="monitoring/alarm-photos/%Y/%m/", max_length=200)
    content_type = models.CharField("文件类型", max_length=32)
    size = models.PositiveIntegerField("大小（字节）")
    original_name = models.CharField("原文件名", max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = scoped_through_device("note__alarm__channel__device")

    class Meta:
        ordering = ["pk"]
        verbose_name = "报警现场照片"
        verbose_name_plural = "报警现场照片"

    def __str__(self) -> str:
        return self.original_name or str(self.file.name)


class AlarmTimeLimit(TimeStampedModel):
    """How long an alarm of one level may wait for acknowledgement before it goes to the supervising department.

    A level without a row uses the default in ``constants.ACKNOWLEDGE_MINUTES``. County-wide configuration:
    only county administrators see and change it.
    """

    level = models.CharField("报警级别", max_length=16, choices=LEVEL_CHOICES, unique=True)
    acknowledge_minutes = models.PositiveIntegerField("确认时限（分钟）")

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(kind="monitoring.alarmtimelimit", department=None, area=None)

    class Meta:
        ordering = ["level"]
        verbose_name = "报警确认时限"
        verbose_name_plural = "报警确认时限"

    def __str__(self) -> str:
        return f"{self.get_level_display()}：{self.acknowledge_minutes} 分钟"
