"""Resource requests between departments during an incident (跨部门资源请求)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from yingji.core.models import ScopedQuerySet, TimeStampedModel

from .incidents import Incident
from .plans import INCIDENT_SCOPE


class RequestStatus(models.TextChoices):
    """requested → accepted → fulfilled, or requested → declined (with a reason)."""

    REQUESTED = "requested", "待答复"
    ACCEPTED = "accepted", "已同意"
    DECLINED = "declined", "已拒绝"
    FULFILLED = "fulfilled", "已到位"


class ResourceRequest(TimeStampedModel):
    """One department asking another for forces or supplies for an incident, answered and tracked to arrival."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="resource_requests",
                                 verbose_name="事件")
    from_department = models.ForeignKey("core.Department", on_delete=models.PROTECT, related_name="+",
                                        verbose_name="请求部门")
    to_department = models.ForeignKey("core.Department", on_delete=models.PROTECT, related_name="+",
                                      verbose_name="被请求部门")
    what = models.CharField("所需资源", max_length=200, help_text="如：危化品救援队 1 支、应急照明车 2 台")
    quantity = models.PositiveIntegerField("数量", default=1, validators=[MinValueValidator(1)])
    needed_by = models.DateTimeField("需要到位时间", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=RequestStatus.choices, default=RequestStatus.REQUESTED,
                              editable=False)
    answer = models.CharField("答复", max_length=300, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="答复人")
    answered_at = models.DateTimeField("答复时间", null=True, blank=True, editable=False)
    fulfilled_at = models.DateTimeField("到位时间", null=True, blank=True, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="请求人")

    objects = ScopedQuerySet.as_manager()
    scope_rule = INCIDENT_SCOPE

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "资源请求"
        verbose_name_plural = "资源请求"

    def __str__(self) -> str:
        return f"{self.from_department} → {self.to_department}：{self.what}"
