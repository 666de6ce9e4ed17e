"""Files attached to an incident: site photos, scanned reports, maps — stored under MEDIA_ROOT, served in scope."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from yingji.core.models import ScopedQuerySet

from .incidents import Incident
from .plans import INCIDENT_SCOPE


class IncidentAttachment(models.Model):
    """One file of an incident: never deleted (the record of what was known), only added."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="attachments", verbose_name="事件")
    file = models.FileField("文件", upload_to="command/attachments/%Y/%m/", max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    note = models.CharField("说明", max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = INCIDENT_SCOPE

    class Meta:
        ordering = ["incident", "uploaded_at", "id"]
        verbose_name = "事件附件"
        verbose_name_plural = "事件附件"

    def __str__(self) -> str:
        return self.original_name
