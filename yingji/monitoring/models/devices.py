"""Devices in the field, the credentials they report with, and their measuring channels."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models

from yingji.core.models.base import LocatedModel, OwnedModel, ScopedQuerySet, TimeStampedModel
from yingji.core.models.tokens import HashedToken
from yingji.core.scoping import ScopeRule

from ..constants import DEVICE_TOKEN_PREFIX
from ..rule_packs import PACKS

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

    from .channel_rules import ChannelRule

DEVICE_TYPE_CHOICES = [(key, pack.name) for key, pack in PACKS.items()]


def scoped_through_device(path: str) -> ScopeRule:
    """The scope of a record that belongs to a device through ``path`` (``channel__device``): the device's own,
    under the same kind, so a department that supervises devices supervises these records too."""
    return ScopeRule(kind="monitoring.device", department=f"{path}__owner_department", area=f"{path}__admin_area",
                     enterprise=f"{path}__enterprise")


class DeviceStatus(models.TextChoices):
    ACTIVE = "active", "运行"
    MAINTENANCE = "maintenance", "检修"
    RETIRED = "retired", "停用"


class Device(LocatedModel, OwnedModel):
    """A monitoring device installed at a point (tank, pipe segment, building, charging pile).

    Its type is a rule-pack key, so its channels get the pack's rules; it belongs to an enterprise when
    one is set, and is otherwise owned by a department and an area like every owned record.
    """

    code = models.CharField("设备编码", max_length=64, unique=True)
    name = models.CharField("设备名称", max_length=200)
    device_type = models.CharField("设备类型", max_length=64, choices=DEVICE_TYPE_CHOICES)
    vendor = models.CharField("厂商", max_length=100, blank=True)
    protocol = models.CharField("接入协议", max_length=32, default="http", blank=True)
    enterprise = models.ForeignKey(
        "registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="devices",
        verbose_name="所属企业",
    )
    installation_point = models.CharField("安装位置", max_length=200, blank=True)
    status = models.CharField("状态", max_length=16, choices=DeviceStatus.choices, default=DeviceStatus.ACTIVE)

    scope_rule = ScopeRule(kind="monitoring.device", enterprise="enterprise")

    class Meta:
        ordering = ["code"]
        verbose_name = "监测设备"
        verbose_name_plural = "监测设备"

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def clean(self) -> None:
        super().clean()
        if "/" in self.code:
            raise ValidationError({"code": "设备编码不能包含“/”（通道以“设备编码/指标”引用）"})


class DeviceCredentialQuerySet(models.QuerySet["DeviceCredential"]):
    def active(self) -> DeviceCredentialQuerySet:
        return self.filter(revoked_at__isnull=True)


class DeviceCredential(HashedToken):
    """A bearer token one device reports its readings with; stored hashed, revocable."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="credentials", verbose_name="设备")

    objects = DeviceCredentialQuerySet.as_manager()
    raw_prefix = DEVICE_TOKEN_PREFIX

    class Meta:
        verbose_name = "设备令牌"
        verbose_name_plural = "设备令牌"

    def __str__(self) -> str:
        return f"{self.device.code} ({self.prefix}…)"


class Channel(TimeStampedModel):
    """One measured quantity of a device (gas concentration, tank level …); scoped through its device."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="channels", verbose_name="设备")
    metric = models.CharField("指标", max_length=64)
    unit = models.CharField("单位", max_length=16)
    range_min = models.FloatField("量程下限", null=True, blank=True)
    range_max = models.FloatField("量程上限", null=True, blank=True)
    sample_interval_s = models.FloatField("采样周期（秒）", default=30)
    design_value = models.FloatField("设计值", null=True, blank=True,
                                     help_text="储罐液位、温度、压力的阈值按设计值的比例设定")
    publish_readings = models.BooleanField("实时推送读数", default=False,
                                           help_text="读数存储后推送到实时事件流（设备页曲线、指挥大屏）；关键通道才勾选")
    rule_overrides = models.JSONField("规则参数覆盖", default=dict, blank=True)

    if TYPE_CHECKING:
        custom_rules: RelatedManager[ChannelRule]

    objects = ScopedQuerySet.as_manager()
    scope_rule = scoped_through_device("device")  # a department supervising devices supervises their channels

    class Meta:
        ordering = ["device", "metric"]
        verbose_name = "监测通道"
        verbose_name_plural = "监测通道"
        constraints = [models.UniqueConstraint(fields=["device", "metric"], name="monitoring_channel_metric_unique")]

    def __str__(self) -> str:
        return f"{self.device.code}/{self.metric}"

    def clean(self) -> None:
        super().clean()
        if not math.isfinite(self.sample_interval_s) or self.sample_interval_s <= 0:
            raise ValidationError({"sample_interval_s": "采样周期必须为正数"})
        if not isinstance(self.rule_overrides, dict) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in self.rule_overrides.values()
        ):
            raise ValidationError({"rule_overrides": "规则参数覆盖须为 {参数: 数值} 的对象"})

    @property
    def reference(self) -> str:
        return f"{self.device.code}/{self.metric}"

    def overrides(self) -> dict[str, float]:
        data: dict[str, Any] = self.rule_overrides or {}
        return {str(k): float(v) for k, v in data.items()}
