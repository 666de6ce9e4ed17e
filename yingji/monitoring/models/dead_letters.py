"""Dead letters: device messages that ingestion could not use, kept with their reason."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from yingji.core.models.base import ScopedQuerySet

from .devices import Device, scoped_through_device


class DeadLetterSource(models.TextChoices):
    MQTT = "mqtt", "MQTT"


class DeadLetter(models.Model):
    """A message that failed validation, wholly (unreadable, unknown device, too big) or in part (some
    readings rejected), with the raw bytes and the reason, so nothing a device sent is silently lost.

    One row per distinct (topic, payload): a device repeating the same bad message, or the broker
    redelivering it, counts up ``count`` instead of adding rows. Scoped through the device; a message
    for no known device is visible only to county-wide roles.
    """

    source = models.CharField("来源", max_length=16, choices=DeadLetterSource.choices, default=DeadLetterSource.MQTT)
    topic = models.CharField("主题", max_length=300, blank=True)
    device_code = models.CharField("设备编码", max_length=64, blank=True,
                                   help_text="主题中的设备编码（设备可能不存在）")
    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.SET_NULL, related_name="dead_letters",
                               verbose_name="设备")
    payload = models.BinaryField("原始消息")
    payload_size = models.PositiveIntegerField("消息字节数")
    truncated = models.BooleanField("已截断", default=False, help_text="只保存了消息的开头")
    reason = models.TextField("原因")
    rejected = models.PositiveIntegerField("被拒读数", default=0, help_text="0 表示整条消息无法处理")
    digest = models.CharField("摘要", max_length=64, unique=True, help_text="主题与消息的 SHA-256，用于合并重复")
    count = models.PositiveIntegerField("收到次数", default=1)
    received_at = models.DateTimeField("首次接收时间", default=timezone.now)
    last_received_at = models.DateTimeField("最近接收时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_rule = scoped_through_device("device")

    class Meta:
        ordering = ["-last_received_at", "-pk"]
        verbose_name = "死信（无法处理的消息）"
        verbose_name_plural = "死信（无法处理的消息）"
        indexes = [models.Index(fields=["-last_received_at"], name="monitoring_deadletter_recent")]

    def __str__(self) -> str:
        return f"{self.device_code or self.topic}：{self.reason[:60]}"

    @property
    def payload_text(self) -> str:
        """The payload as text (invalid UTF-8 shown as U+FFFD), for people and exports."""
        return bytes(self.payload).decode("utf-8", errors="replace")
