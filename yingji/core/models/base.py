"""The ladder of base models every domain model stands on."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from ..geo import looks_swapped, out_of_china
from ..scoping import Principal, ScopeRule

M = TypeVar("M", bound=models.Model)


class TimeStampedModel(models.Model):
    """Remembers when a record was created and last changed."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class ScopedQuerySet(models.QuerySet[M]):
    """A queryset that knows how to limit itself to what one user may read or change."""

    def for_user(self, user: Any) -> ScopedQuerySet[M]:
        condition = Principal.of(user).read_filter(self.model.scope_rule)  # type: ignore[attr-defined]
        return self if condition is None else self.filter(condition)

    def writable_by(self, user: Any) -> ScopedQuerySet[M]:
        condition = Principal.of(user).write_filter(self.model.scope_rule)  # type: ignore[attr-defined]
        return self if condition is None else self.filter(condition)


class OwnedModel(TimeStampedModel):
    """A record owned by a department and located in an admin area; scoped through `scope_rule`."""

    owner_department = models.ForeignKey(
        "core.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="主管部门"
    )
    admin_area = models.ForeignKey(
        "core.AdminArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="所在乡镇/村"
    )
    is_demo = models.BooleanField("演示数据", default=False, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_rule: ClassVar[ScopeRule]

    class Meta:
        abstract = True


class LocatedModel(models.Model):
    """A record with an address and a WGS84 point; rejects points outside China or with swapped axes."""

    address = models.CharField("地址", max_length=300, blank=True)
    longitude = models.FloatField("经度", null=True, blank=True)
    latitude = models.FloatField("纬度", null=True, blank=True)

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        lon, lat = self.longitude, self.latitude
        if (lon is None) != (lat is None):
            raise ValidationError({"longitude" if lon is None else "latitude": "经度和纬度须同时填写"})
        if lon is None or lat is None:
            return
        if looks_swapped(lon, lat):
            raise ValidationError({"longitude": f"经纬度疑似填反：经度 {lon}，纬度 {lat}"})
        if out_of_china(lon, lat):
            raise ValidationError({"longitude": f"坐标 ({lon}, {lat}) 不在中国境内"})
