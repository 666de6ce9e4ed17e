"""Photos attached to hidden dangers and inspection records (JPEG/PNG, checked by their bytes)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from yingji.core.models import ScopedQuerySet, TimeStampedModel
from yingji.core.scoping import ScopeRule


class Photo(TimeStampedModel):
    """One photo of a hidden danger (found, rectified) or of an inspection record; belongs to exactly one."""

    danger = models.ForeignKey("prevention.HiddenDanger", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="photos", verbose_name="隐患")
    inspection = models.ForeignKey("prevention.InspectionRecord", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="photos", verbose_name="巡检记录")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="企业")
    owner_department = models.ForeignKey("core.Department", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", verbose_name="主管部门")
    admin_area = models.ForeignKey("core.AdminArea", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="所在乡镇/村")
    image = models.FileField("照片", upload_to="prevention/%Y/%m/")
    caption = models.CharField("说明", max_length=200, blank=True)
    content_type = models.CharField("类型", max_length=32)
    uploaded_by = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="上传人")

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(kind="prevention.photo", enterprise="enterprise")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "照片"
        verbose_name_plural = "照片"
        constraints = [
            models.CheckConstraint(
                condition=(Q(danger__isnull=False) & Q(inspection__isnull=True))
                | (Q(danger__isnull=True) & Q(inspection__isnull=False)),
                name="prevention_photo_one_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.caption or str(self.image.name)
