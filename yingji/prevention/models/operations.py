"""The daily safety commitment (安全承诺) of major-hazard enterprises, and the days one was missing."""

from __future__ import annotations

from django.db import models

from yingji.core.scoping import ScopeRule

from .base import EnterpriseRecord


class SafetyCommitment(EnterpriseRecord):
    """One day's commitment, signed by the enterprise's principal: what runs, what special work is planned,
    whether the major risks are under control. One per enterprise and local day."""

    day = models.DateField("承诺日期")
    units_running = models.PositiveIntegerField("运行装置数")
    units_stopped = models.PositiveIntegerField("停产/检修装置数", default=0)
    special_works_planned = models.PositiveIntegerField("计划特殊作业数", default=0)
    hot_works_planned = models.PositiveIntegerField("其中动火作业数", default=0)
    confined_space_planned = models.PositiveIntegerField("其中受限空间作业数", default=0)
    risks_controlled = models.BooleanField("重大危险源安全风险处于受控状态")
    statement = models.TextField("承诺内容")
    principal = models.CharField("主要负责人", max_length=50)
    signed_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", verbose_name="签署人")
    signed_at = models.DateTimeField("签署时间")

    scope_rule = ScopeRule(kind="prevention.commitment", enterprise="enterprise")

    class Meta:
        ordering = ["-day", "enterprise__name"]
        verbose_name = "安全承诺"
        verbose_name_plural = "安全承诺"
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "day"], name="prevention_one_commitment_a_day",
                                    violation_error_message="该企业当日已提交安全承诺"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.day}"


class CommitmentMiss(EnterpriseRecord):
    """A day a major-hazard enterprise had not committed by the due hour (flagged by the tick)."""

    day = models.DateField("日期")

    scope_rule = ScopeRule(kind="prevention.commitment", enterprise="enterprise")

    class Meta:
        ordering = ["-day"]
        verbose_name = "未按时承诺"
        verbose_name_plural = "未按时承诺"
        constraints = [models.UniqueConstraint(fields=["enterprise", "day"], name="prevention_one_miss_a_day")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.day}"

