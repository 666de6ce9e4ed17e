"""Hidden dangers (隐患) and their closed-loop rectification: reported → rectifying → submitted → accepted."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models

from yingji.core.models import ScopedQuerySet, TimeStampedModel
from yingji.core.scoping import ScopeRule

from .base import EnterpriseRecord


class DangerLevel(models.TextChoices):
    GENERAL = "general", "一般隐患"
    MAJOR = "major", "重大隐患"


class DangerSource(models.TextChoices):
    SELF_INSPECTION = "self_inspection", "企业自查"
    GOVERNMENT_CHECK = "government_check", "政府检查"
    REPORT = "report", "举报"


class DangerStatus(models.TextChoices):
    REPORTED = "reported", "已上报"
    RECTIFYING = "rectifying", "整改中"
    SUBMITTED = "submitted", "待验收"
    ACCEPTED = "accepted", "已验收（闭环）"


OPEN_STATUSES = (DangerStatus.REPORTED, DangerStatus.RECTIFYING, DangerStatus.SUBMITTED)


class HiddenDanger(EnterpriseRecord):
    """One hidden danger of an enterprise, tracked until someone other than its owner accepts the rectification.

    The status moves only through `services.dangers` (each move audited, published and kept as a step);
    a 重大 hidden danger needs a rectification plan and is reported to the supervising department at once;
    one left open past its deadline is escalated to that department by `yingji prevention_tick`.
    """

    title = models.CharField("隐患名称", max_length=200)
    description = models.TextField("隐患描述")
    level = models.CharField("隐患等级", max_length=16, choices=DangerLevel.choices, default=DangerLevel.GENERAL)
    source = models.CharField("发现途径", max_length=24, choices=DangerSource.choices,
                              default=DangerSource.SELF_INSPECTION)
    found_on = models.DateField("发现日期")
    found_by = models.CharField("发现人", max_length=50, blank=True)
    risk_point = models.ForeignKey("prevention.RiskPoint", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="hidden_dangers", verbose_name="关联风险点")
    owner = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", verbose_name="整改责任人")
    deadline = models.DateField("整改期限")
    measures = models.TextField("整改措施", blank=True)
    funds_yuan = models.DecimalField("整改资金（元）", max_digits=14, decimal_places=2, default=0,
                                     validators=[MinValueValidator(0)])
    rectification_plan = models.TextField("整改方案", blank=True,
                                          help_text="重大隐患必填：目标、措施、资金、时限、责任人、安全措施、应急预案")
    status = models.CharField("状态", max_length=16, choices=DangerStatus.choices, default=DangerStatus.REPORTED,
                              editable=False)
    rectification_note = models.TextField("整改情况", blank=True, editable=False)
    submitted_at = models.DateTimeField("提交验收时间", null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="验收人", editable=False)
    accepted_at = models.DateTimeField("验收时间", null=True, blank=True, editable=False)
    rejections = models.PositiveSmallIntegerField("验收退回次数", default=0, editable=False)
    reported_to_supervisor_at = models.DateTimeField("报告监管部门时间", null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField("逾期升级时间", null=True, blank=True, editable=False)

    scope_rule = ScopeRule(kind="prevention.hiddendanger", enterprise="enterprise")

    class Meta:
        ordering = ["-found_on", "-pk"]
        verbose_name = "隐患"
        verbose_name_plural = "隐患"
        indexes = [models.Index(fields=["status", "deadline"], name="prevention_danger_open")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != DangerStatus.ACCEPTED


class HiddenDangerStep(TimeStampedModel):
    """One move of a hidden danger through its lifecycle, with who made it and why (the rectification timeline)."""

    danger = models.ForeignKey(HiddenDanger, on_delete=models.CASCADE, related_name="steps", verbose_name="隐患")
    action = models.CharField("环节", max_length=32)
    from_status = models.CharField("原状态", max_length=16, blank=True)
    to_status = models.CharField("新状态", max_length=16)
    actor = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name="操作人")
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True)
    note = models.TextField("说明", blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(kind="prevention.hiddendanger", department="danger__owner_department",
                           area="danger__admin_area", enterprise="danger__enterprise")

    class Meta:
        ordering = ["danger", "created_at", "pk"]
        verbose_name = "隐患处理记录"
        verbose_name_plural = "隐患处理记录"

    def __str__(self) -> str:
        return f"{self.danger} · {self.action}"
