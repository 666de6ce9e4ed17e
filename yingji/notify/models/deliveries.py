"""What was sent: one delivery per (source, channel, recipient), and each user's in-app inbox."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from yingji.core.models.base import ScopedQuerySet
from yingji.core.scoping import ScopeRule

from ..constants import LEVELS
from .channels import Channel


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "失败待重试"
    DEAD = "dead", "已放弃"
    MERGED = "merged", "已合并"


class Delivery(models.Model):
    """One notice to one channel and one recipient, and its sending history.

    Unique on (source_key, channel, recipient), so the same episode never goes twice to the same place
    however often its domain calls `notify`. `recipient` is "" for robots and webhooks, ``user:<id>`` for
    the inbox, the address for email and SMS. A worker claims a delivery by setting `claimed_by` and
    `claimed_until` (a lease) before sending, outside any transaction. A delivery over its robot's
    per-minute limit is `merged` into a digest delivery (`merged_into`, kind ``digest``) and never sent
    on its own.
    """

    source_key = models.CharField("来源键", max_length=200)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="deliveries", verbose_name="渠道")
    recipient = models.CharField("接收方", max_length=200, blank=True)
    recipient_user = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.CASCADE,
                                       related_name="+", verbose_name="接收用户")
    domain = models.CharField("业务领域", max_length=32)
    kind = models.CharField("事件类型", max_length=32)
    level = models.PositiveSmallIntegerField("级别")
    area_code = models.CharField("区域代码", max_length=12, blank=True)
    department = models.ForeignKey("core.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="涉及部门")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=500, blank=True)
    status = models.CharField("状态", max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间")
    last_error = models.TextField("最近错误", blank=True)
    response_code = models.IntegerField("应答码", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_attempt_at = models.DateTimeField("最近尝试时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    claimed_by = models.CharField("处理进程", max_length=64, blank=True)
    claimed_until = models.DateTimeField("占用至", null=True, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged",
                                    verbose_name="并入汇总消息")

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(kind="notify.delivery", department="channel__owner_department", area=None)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "发送记录"
        verbose_name_plural = "发送记录"
        constraints = [
            models.UniqueConstraint(fields=["source_key", "channel", "recipient"], name="notify_delivery_once"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notify_delivery_due_idx",
                         condition=Q(status__in=["queued", "failed"])),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.channel_id}:{self.recipient or '-'}（{self.get_status_display()}）"


class InboxMessage(models.Model):
    """An in-app notice in one user's inbox, read or not. Only its user ever sees it."""

    user = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="inbox", verbose_name="用户")
    delivery = models.OneToOneField(Delivery, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="inbox_message", verbose_name="发送记录")
    domain = models.CharField("业务领域", max_length=32)
    kind = models.CharField("事件类型", max_length=32)
    level = models.PositiveSmallIntegerField("级别")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=500, blank=True)
    created_at = models.DateTimeField("收到时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        indexes = [models.Index(fields=["user", "read_at"], name="notify_inbox_unread_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def level_label(self) -> str:
        return LEVELS.get(self.level, str(self.level))
