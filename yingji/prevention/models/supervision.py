"""Government supervision: remote and on-site checks with enforcement orders, and paid-use subscriptions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from yingji.core.models import ScopedQuerySet, TimeStampedModel
from yingji.core.scoping import ScopeRule

from .base import EnterpriseRecord


class CheckMode(models.TextChoices):
    REMOTE = "remote", "远程巡查"
    ONSITE = "onsite", "现场检查"


class SupervisionCheck(EnterpriseRecord):
    """One government check of an enterprise (remote, through the platform, or on site) and what it found."""

    mode = models.CharField("检查方式", max_length=8, choices=CheckMode.choices, default=CheckMode.REMOTE)
    checked_on = models.DateField("检查日期")
    inspector = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", verbose_name="检查人")
    department = models.ForeignKey("core.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="检查部门")
    findings = models.TextField("检查发现")
    closed_at = models.DateTimeField("办结时间", null=True, blank=True, editable=False)

    scope_rule = ScopeRule(kind="prevention.supervision", enterprise="enterprise")

    class Meta:
        ordering = ["-checked_on", "-pk"]
        verbose_name = "监管检查"
        verbose_name_plural = "监管检查"

    def __str__(self) -> str:
        return f"{self.enterprise} {self.checked_on} {self.get_mode_display()}"


class OrderStatus(models.TextChoices):
    ISSUED = "issued", "已下达"
    FOLLOWING_UP = "following_up", "跟踪复查中"
    CLOSED = "closed", "已办结"


class EnforcementOrder(TimeStampedModel):
    """An order (责令整改 and the like) issued at a check, with its deadline, follow-ups and closure."""

    check_record = models.ForeignKey(SupervisionCheck, on_delete=models.CASCADE, related_name="orders",
                                     verbose_name="监管检查")
    content = models.TextField("指令内容")
    deadline = models.DateField("整改期限")
    status = models.CharField("状态", max_length=16, choices=OrderStatus.choices, default=OrderStatus.ISSUED,
                              editable=False)
    follow_up = models.TextField("跟踪复查情况", blank=True, editable=False)
    closed_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name="办结人", editable=False)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(kind="prevention.supervision", department="check_record__owner_department",
                           area="check_record__admin_area", enterprise="check_record__enterprise")

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = "执法指令"
        verbose_name_plural = "执法指令"

    def __str__(self) -> str:
        return self.content[:40]


class Plan(models.TextChoices):
    BASIC = "basic", "基础版"
    STANDARD = "standard", "标准版"
    PROFESSIONAL = "professional", "专业版"


class SubscriptionState(models.TextChoices):
    ACTIVE = "active", "正常"
    UNPAID = "unpaid", "欠费"
    SUSPENDED = "suspended", "已暂停"
    CANCELLED = "cancelled", "已终止"


class Subscription(EnterpriseRecord):
    """One period of an enterprise's paid use of the platform; writes need a current ACTIVE one.

    No payment gateway: the county (or its operator) records payment by setting the state.
    """

    plan = models.CharField("套餐", max_length=16, choices=Plan.choices, default=Plan.STANDARD)
    seats = models.PositiveIntegerField("账号数")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    state = models.CharField("状态", max_length=16, choices=SubscriptionState.choices,
                             default=SubscriptionState.ACTIVE)
    note = models.CharField("备注", max_length=200, blank=True)

    scope_rule = ScopeRule(kind="prevention.subscription", enterprise="enterprise")

    class Meta:
        ordering = ["enterprise__name", "-ends_on"]
        verbose_name = "企业订阅"
        verbose_name_plural = "企业订阅"

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_plan_display()} {self.starts_on}–{self.ends_on}"

    def clean(self) -> None:
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": f"结束日期 {self.ends_on} 早于开始日期 {self.starts_on}"})
        if self.seats is not None and self.seats < 1:
            raise ValidationError({"seats": "账号数至少为 1"})
