"""Device, channel and credential writes: validated, scoped, audited, published after commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yingji.core import audit, events
from yingji.core.models.tokens import hash_token
from yingji.core.records import apply_fields, ensure_may_change
from yingji.core.scoping import facts_of

from . import alarms
from .constants import MonitoringAction
from .models import Alarm, AlarmStatus, Channel, Device, DeviceCredential, DeviceStatus, Reading
from .rule_binding import build_rules
from .rules import Category, Change, Level, Transition

# What a device's owner may change after registration; its code, type and owner are its identity.
UPDATABLE_FIELDS = frozenset({"name", "vendor", "protocol", "installation_point", "address", "longitude",
                              "latitude", "status"})
# What may change on a channel; the metric only while the channel has no readings (they would change meaning).
CHANNEL_FIELDS = frozenset({"metric", "unit", "range_min", "range_max", "sample_interval_s", "design_value",
                            "publish_readings"})


def new_device(data: Mapping[str, Any], *, actor: Any) -> Device:
    """An unsaved device owned as ``create_device`` would own it: the actor's enterprise or department."""
    device = Device(**data)
    if device.enterprise_id is None and getattr(actor, "enterprise_id", None):
        device.enterprise_id = actor.enterprise_id
    if device.owner_department_id is None:
        device.owner_department_id = getattr(actor, "department_id", None)
    if device.admin_area_id is None:
        device.admin_area_id = getattr(actor, "admin_area_id", None) or (
            device.enterprise.admin_area_id if device.enterprise_id and device.enterprise else None)
    return device


@transaction.atomic
def create_device(data: Mapping[str, Any], *, actor: Any) -> Device:
    """Register a device; it belongs to the actor's enterprise or department unless stated otherwise."""
    device = new_device(data, actor=actor)
    device.full_clean()
    ensure_may_change(device, actor, "设备")
    device.save(force_insert=True)
    audit.record_change(MonitoringAction.DEVICE_CREATED, device, actor=actor, before=None)
    events.publish("monitoring.device.created", {"id": device.pk, "code": device.code, "name": device.name,
                                                 "lon": device.longitude, "lat": device.latitude},
                   scope=facts_of(device))
    return device


@transaction.atomic
def create_channel(device: Device, data: Mapping[str, Any], *, actor: Any) -> Channel:
    """Add a channel to a device; its rules must build from the device type's pack and the overrides."""
    ensure_may_change(device, actor, "设备")
    if device.status == DeviceStatus.RETIRED:
        raise ValidationError({"device": "设备已停用，不能增加通道"})
    channel = Channel(device=device, **data)
    channel.full_clean()
    build_rules(channel)
    channel.save(force_insert=True)
    audit.record_change(MonitoringAction.CHANNEL_CREATED, channel, actor=actor, before=None)
    return channel


@transaction.atomic
def update_channel(channel: Channel, data: Mapping[str, Any], *, actor: Any) -> Channel:
    """Change a channel's unit, range, sample interval, design value or live publishing (its metric only while it
    has no readings); the new rules must build. Saving moves ``updated_at``, so ingestion and the tick rebuild the
    channel's rules from the rule cache on their next use."""
    ensure_may_change(channel.device, actor, "设备")
    if channel.device.status == DeviceStatus.RETIRED:
        raise ValidationError({"device": "设备已停用，不能修改通道"})
    if data.get("metric", channel.metric) != channel.metric and Reading.objects.filter(channel=channel).exists():
        raise ValidationError({"metric": "该通道已有读数，不能修改指标（如需测量其他指标，请新增通道）"})
    before = audit.snapshot(channel)
    apply_fields(channel, data, allowed=CHANNEL_FIELDS)
    channel.full_clean()
    build_rules(channel)
    channel.save()
    audit.record_change(MonitoringAction.CHANNEL_UPDATED, channel, actor=actor, before=before)
    return channel


@transaction.atomic
def issue_credential(device: Device, *, actor: Any) -> tuple[DeviceCredential, str]:
    """A new token for the device; the raw value is returned once and never stored."""
    ensure_may_change(device, actor, "设备")
    raw, stored = DeviceCredential.issue_fields()
    credential = DeviceCredential.objects.create(device=device, **stored)
    audit.record(MonitoringAction.CREDENTIAL_ISSUED, actor=actor, object_type="monitoring.devicecredential",
                 object_id=credential.pk, object_repr=str(credential), after={"device": device.code})
    return credential, raw


@transaction.atomic
def revoke_credential(credential: DeviceCredential, *, actor: Any) -> DeviceCredential:
    """Refuse the token from now on."""
    ensure_may_change(credential.device, actor, "设备")
    if credential.revoked_at is None:
        credential.revoked_at = timezone.now()
        credential.save(update_fields=["revoked_at"])
        audit.record(MonitoringAction.CREDENTIAL_REVOKED, actor=actor, object_type="monitoring.devicecredential",
                     object_id=credential.pk, object_repr=str(credential))
    return credential


def device_for_token(raw: str) -> Device | None:
    """The active device a raw token belongs to, or None (unknown, revoked, or a retired device)."""
    credential = (DeviceCredential.objects.active().select_related("device")
                  .filter(digest=hash_token(raw)).first())
    if credential is None or credential.device.status == "retired":
        return None
    now = timezone.now()
    if credential.last_used_at is None or now - credential.last_used_at > timedelta(minutes=1):
        DeviceCredential.objects.filter(pk=credential.pk).update(last_used_at=now)
    return credential.device


@transaction.atomic
def create_device_with_channels(data: Mapping[str, Any], channels: Sequence[Mapping[str, Any]], *,
                                actor: Any) -> Device:
    """A device and its channels in one transaction: a channel the pack refuses leaves no device behind."""
    device = create_device(data, actor=actor)
    for channel in channels:
        create_channel(device, channel, actor=actor)
    return device


def _device_payload(device: Device) -> dict[str, Any]:
    return {"id": device.pk, "code": device.code, "name": device.name, "status": device.status,
            "lon": device.longitude, "lat": device.latitude}


@transaction.atomic
def update_device(device: Device, data: Mapping[str, Any], *, actor: Any) -> Device:
    """Change a device's descriptive fields or put it in / out of maintenance; retiring is ``retire_device``."""
    ensure_may_change(device, actor, "设备")
    if device.status == DeviceStatus.RETIRED:
        raise ValidationError({"status": "设备已停用，不能修改"})
    if data.get("status", DeviceStatus.ACTIVE) not in (DeviceStatus.ACTIVE, DeviceStatus.MAINTENANCE):
        raise ValidationError({"status": "状态只能改为“运行”或“检修”；停用设备请使用“停用”操作"})
    before = audit.snapshot(device)
    apply_fields(device, data, allowed=UPDATABLE_FIELDS)
    device.full_clean()
    device.save()
    audit.record_change(MonitoringAction.DEVICE_UPDATED, device, actor=actor, before=before)
    events.publish("monitoring.device.updated", _device_payload(device), scope=facts_of(device))
    return device


@transaction.atomic
def retire_device(device: Device, *, actor: Any, reason: str = "") -> Device:
    """Decommission a device: no more readings or offline alarms, tokens revoked; readings and alarms are kept.

    An offline alarm still active is recovered (the silence is explained); other alarms stay for people
    to close.
    """
    ensure_may_change(device, actor, "设备")
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.status == DeviceStatus.RETIRED:
        raise ValidationError({"status": "设备已停用"})
    before = audit.snapshot(device)
    now = timezone.now()
    device.status = DeviceStatus.RETIRED
    device.save(update_fields=["status", "updated_at"])
    revoked = DeviceCredential.objects.active().filter(device=device).update(revoked_at=now)
    offline = Alarm.objects.filter(channel__device=device, rule_id="offline", recovered_at__isnull=True).exclude(
        status=AlarmStatus.CLOSED).select_related("channel__device")
    for alarm in offline:
        ended = Transition(source=str(alarm.channel_id), rule_id="offline", change=Change.RECOVERED, level=None,
                           previous=Level.OFFLINE, category=Category.DEVICE, value=None, at=now,
                           message="设备已停用，离线报警结束")
        alarms.apply_transition(alarm.channel, ended, {"offline": alarm})
    audit.record(MonitoringAction.DEVICE_RETIRED, actor=actor, object_type="monitoring.device", object_id=device.pk,
                 object_repr=str(device), before=before,
                 after={**audit.snapshot(device), "reason": reason[:500], "revoked_credentials": revoked})
    events.publish("monitoring.device.retired", _device_payload(device), scope=facts_of(device))
    return device
