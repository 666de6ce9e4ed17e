"""Monitoring records in the Django admin, scoped to the signed-in user; readings and rule state read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Alarm, Channel, ChannelRuleState, Device, DeviceCredential, Reading


class ScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).for_user(request.user)  # type: ignore[attr-defined]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written only by ingestion and the rule engine; the admin shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Device)
class DeviceAdmin(ScopedAdmin):
    list_display = ("code", "name", "device_type", "enterprise", "status")
    list_filter = ("device_type", "status")
    search_fields = ("code", "name", "installation_point")
    raw_id_fields = ("enterprise", "admin_area")


@admin.register(Channel)
class ChannelAdmin(ScopedAdmin):
    list_display = ("__str__", "unit", "sample_interval_s", "range_min", "range_max")
    search_fields = ("device__code", "metric")
    raw_id_fields = ("device",)


@admin.register(DeviceCredential)
class DeviceCredentialAdmin(ReadOnlyAdmin):
    list_display = ("device", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("digest",)


@admin.register(Alarm)
class AlarmAdmin(ScopedAdmin, ReadOnlyAdmin):
    """Alarms change state only through acknowledge/close (audited), so the admin only lists them."""

    list_display = ("message", "level", "category", "status", "first_at", "repeat_count", "recovered_at")
    list_filter = ("status", "category", "level")


@admin.register(Reading)
class ReadingAdmin(ReadOnlyAdmin):
    list_display = ("channel", "time", "value")
    raw_id_fields = ("channel",)


@admin.register(ChannelRuleState)
class ChannelRuleStateAdmin(ReadOnlyAdmin):
    list_display = ("channel", "updated_at")
