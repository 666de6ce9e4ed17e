"""After-action assessment and drills: lessons and improvement items of an incident; a drill's scripted injects."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from yingji.core.models import ScopedQuerySet, TimeStampedModel

from .incidents import Incident
from .plans import INCIDENT_SCOPE


class AfterActionReport(TimeStampedModel):
    """What people wrote about an incident after it: lessons learned. The figures are read live from the
    incident, its tasks and dispatches when the report is rendered, so they never disagree with the record."""

    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="report", verbose_name="事件")
    lessons = models.TextField("经验教训", blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="编写人")

    objects = ScopedQuerySet.as_manager()
    scope_rule = INCIDENT_SCOPE

    class Meta:
        verbose_name = "总结评估报告"
        verbose_name_plural = "总结评估报告"

    def __str__(self) -> str:
        return f"{self.incident} 总结评估"


class ImprovementStatus(models.TextChoices):
    OPEN = "open", "整改中"
    DONE = "done", "已完成"


class ImprovementItem(models.Model):
    """One improvement the assessment requires, with who owns it and by when."""

    report = models.ForeignKey(AfterActionReport, on_delete=models.CASCADE, related_name="improvements",
                               verbose_name="报告")
    item = models.CharField("改进事项", max_length=300)
    owner_department = models.ForeignKey("core.Department", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", verbose_name="责任单位")
    owner = models.CharField("责任人", max_length=50, blank=True)
    deadline = models.DateField("完成期限")
    status = models.CharField("状态", max_length=8, choices=ImprovementStatus.choices,
                              default=ImprovementStatus.OPEN)

    class Meta:
        ordering = ["report", "deadline", "id"]
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"

    def __str__(self) -> str:
        return self.item


class DrillInject(models.Model):
    """A scripted message of an exercise, released onto the timeline a set number of minutes after it starts."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="injects", verbose_name="演练")
    at_minutes = models.PositiveIntegerField("开始后(分钟)", validators=[MaxValueValidator(1440)])
    text = models.CharField("注入内容", max_length=500)
    released_at = models.DateTimeField("注入时间", null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_rule = INCIDENT_SCOPE

    class Meta:
        ordering = ["incident", "at_minutes", "id"]
        verbose_name = "演练注入"
        verbose_name_plural = "演练注入"

    def __str__(self) -> str:
        return f"T+{self.at_minutes}′ {self.text[:30]}"
