"""Monitoring records in the Django admin, scoped to the signed-in user; readings and rule state read-only."""

from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yingji.core.admin_base import ReadOnlyAdminMixin, ScopedAdmin, ServiceBackedAdmin

from . import devices, escalation
from .models import (
    Alarm,
    AlarmNote,
    AlarmPhoto,
    AlarmTimeLimit,
    Channel,
    ChannelRule,
    ChannelRuleState,
    DeadLetter,
    Device,
    DeviceCredential,
    HourRollup,
    MinuteRollup,
    Reading,
    RollupWatermark,
)


@admin.register(Device)
class DeviceAdmin(ServiceBackedAdmin):
    """Devices are registered through the audited service; changes go through the API (no update service yet)."""

    list_display = ("code", "name", "device_type", "enterprise", "status")
    list_filter = ("device_type", "status")
    search_fields = ("code", "name", "installation_point")
    raw_id_fields = ("enterprise", "admin_area")

    def create_via_service(self, data: Mapping[str, Any], *, actor: Any) -> Device:
        return devices.create_device(data, actor=actor)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Channel)
class ChannelAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("__str__", "unit", "sample_interval_s", "range_min", "range_max")
    search_fields = ("device__code", "metric")
    raw_id_fields = ("device",)


@admin.register(ChannelRule)
class ChannelRuleAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Read-only: rules are added and changed on the device page or the API, which settle the rule state."""

    list_display = ("name", "kind", "channel", "updated_at")
    list_filter = ("kind",)
    search_fields = ("name", "channel__device__code", "channel__metric")
    raw_id_fields = ("channel",)


@admin.register(DeviceCredential)
class DeviceCredentialAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("device", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("digest",)


@admin.register(Alarm)
class AlarmAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Alarms change state only through the audited lifecycle services, so the admin only lists them."""

    list_display = ("message", "level", "category", "status", "first_at", "repeat_count", "recovered_at",
                    "assignee", "escalated_to", "false_alarm")
    list_filter = ("status", "category", "level", "false_alarm")


@admin.register(AlarmNote)
class AlarmNoteAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("alarm", "author", "created_at", "text")


@admin.register(AlarmPhoto)
class AlarmPhotoAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("note", "original_name", "content_type", "size", "created_at")


@admin.register(AlarmTimeLimit)
class AlarmTimeLimitAdmin(ServiceBackedAdmin):
    """County administrators set the acknowledgement limit per level through the audited service."""

    list_display = ("level", "acknowledge_minutes", "updated_at")

    def create_via_service(self, data: Mapping[str, Any], *, actor: Any) -> AlarmTimeLimit:
        return escalation.set_time_limit(data["level"], data["acknowledge_minutes"], actor=actor)

    def update_via_service(self, obj: Any, data: Mapping[str, Any], *, actor: Any) -> AlarmTimeLimit:
        return escalation.set_time_limit(obj.level, data.get("acknowledge_minutes", obj.acknowledge_minutes),
                                         actor=actor)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Reading)
class ReadingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("channel", "time", "value")
    raw_id_fields = ("channel",)


@admin.register(ChannelRuleState)
class ChannelRuleStateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("channel", "updated_at")


@admin.register(DeadLetter)
class DeadLetterAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Messages ingestion could not use, with their reason; written only by the MQTT consumer."""

    list_display = ("last_received_at", "device_code", "topic", "rejected", "count", "short_reason")
    list_filter = ("source",)
    search_fields = ("device_code", "topic", "reason")
    readonly_fields = ("payload_text",)
    exclude = ("digest",)

    @admin.display(description="原因")
    def short_reason(self, obj: DeadLetter) -> str:
        return obj.reason[:80]

    @admin.display(description="原始消息")
    def payload_text(self, obj: DeadLetter) -> str:
        return obj.payload_text


@admin.register(MinuteRollup, HourRollup)
class RollupAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Rollups are written only by the rollup job."""

    list_display = ("channel", "bucket_start", "count", "min_value", "max_value", "first_time", "last_time")
    raw_id_fields = ("channel",)


@admin.register(RollupWatermark)
class RollupWatermarkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "through_id", "settled_id", "horizon_id", "horizon_at", "updated_at")
