"""Where notices go: channels with their recipients, and the routing rules that choose them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from yingji.core.models.base import ScopedQuerySet, TimeStampedModel
from yingji.core.scoping import ScopeRule

from ..constants import DEFAULT_MAX_ATTEMPTS


class ChannelKind(models.TextChoices):
    INAPP = "inapp", "站内消息"
    WEBHOOK = "webhook", "通用 Webhook（JSON）"
    DINGTALK = "dingtalk", "钉钉群机器人"
    WECOM = "wecom", "企业微信群机器人"
    EMAIL = "email", "电子邮件（SMTP）"
    SMS = "sms", "短信（HTTP 网关）"


# Kinds that send to people (one delivery per recipient) rather than to one endpoint.
PERSONAL_KINDS = frozenset({ChannelKind.INAPP, ChannelKind.EMAIL, ChannelKind.SMS})


class Channel(TimeStampedModel):
    """A way of reaching people: the county's in-app inbox, a robot in a duty group, a mailbox, an SMS gateway.

    `url` is the webhook, the SMS gateway endpoint or, for email, ``smtp://user@host:port`` (``smtps://``
    for implicit TLS, ``?starttls=1`` for STARTTLS). `secret` (DingTalk 加签 secret, webhook signing key, SMTP
    password, SMS gateway key) is stored but never shown again. SMS uses `method`, `headers` and
    `body_template` with ``{{phone}}``, ``{{text}}`` … placeholders (docs/notify.md).
    """

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=16, choices=ChannelKind.choices)
    url = models.CharField("地址", max_length=500, blank=True,
                           help_text="Webhook 或短信网关地址；邮件为 smtp://用户名@主机:端口")
    method = models.CharField("请求方法", max_length=8, default="POST", choices=[("POST", "POST"), ("GET", "GET")])
    headers = models.JSONField("请求头", default=dict, blank=True)
    body_template = models.TextField("请求体模板", blank=True, help_text="短信网关：可用 {{phone}} {{text}} 等占位符")
    secret = models.CharField("密钥", max_length=500, blank=True, help_text="保存后不再显示")
    sender_address = models.CharField("发件人", max_length=200, blank=True, help_text="邮件的 From 地址")
    max_attempts = models.PositiveSmallIntegerField("最多尝试次数", default=DEFAULT_MAX_ATTEMPTS)
    rate_limit_per_minute = models.PositiveSmallIntegerField(
        "每分钟最多发送", null=True, blank=True,
        help_text="群机器人与 Webhook：一分钟内超出的通知合并为一条汇总消息；"
                  "空为默认（钉钉、企业微信机器人 20 条，Webhook 不限）")
    is_active = models.BooleanField("启用", default=True)
    owner_department = models.ForeignKey(
        "core.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="主管部门"
    )
    note = models.CharField("备注", max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(kind="notify.channel", department="owner_department", area=None)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "通知渠道"
        verbose_name_plural = "通知渠道"

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"


class ChannelRecipient(models.Model):
    """Who an in-app, email or SMS channel reaches: a user, every user of a department, or an outside address.

    A department on an SMS channel also reaches its duty phone (值班电话).
    """

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="recipients", verbose_name="渠道")
    user = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             verbose_name="用户")
    department = models.ForeignKey("core.Department", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+", verbose_name="部门")
    name = models.CharField("姓名", max_length=100, blank=True)
    phone = models.CharField("手机号", max_length=32, blank=True)
    email = models.EmailField("邮箱", blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "接收人"
        verbose_name_plural = "接收人"
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(department__isnull=False) | ~Q(phone="") | ~Q(email=""),
                name="notify_recipient_names_someone",
            )
        ]

    def __str__(self) -> str:
        return str(self.user or self.department or self.name or self.phone or self.email)


class RoutingRule(TimeStampedModel):
    """Which notices go to which channels: empty conditions match anything (see `notify.routing`)."""

    name = models.CharField("名称", max_length=100)
    domain = models.CharField("业务领域", max_length=32, blank=True,
                              help_text="如 monitoring、hazmat、command；空为全部")
    kinds = models.JSONField("事件类型", default=list, blank=True, help_text="如 raised、escalated；空为全部")
    min_level = models.PositiveSmallIntegerField("最低级别", default=0, help_text="0 为全部；1 一般 … 4 特别严重")
    area_prefix = models.CharField("区域代码前缀", max_length=12, blank=True, help_text="行政区划代码前缀；空为全部")
    department = models.ForeignKey("core.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="涉及部门")
    channels = models.ManyToManyField(Channel, related_name="rules", verbose_name="渠道")
    is_active = models.BooleanField("启用", default=True)
    owner_department = models.ForeignKey(
        "core.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="主管部门"
    )

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(kind="notify.routingrule", department="owner_department", area=None)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "通知路由规则"
        verbose_name_plural = "通知路由规则"

    def __str__(self) -> str:
        return self.name
