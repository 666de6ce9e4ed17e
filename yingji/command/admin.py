"""Incidents in the Django admin; saves go through the audited, classifying services. Timelines are read-only."""

from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yingji.core.admin_base import ReadOnlyAdminMixin, ScopedAdmin, ServiceBackedAdmin

from . import incidents
from .models import Incident, TimelineEntry


class TimelineInline(admin.TabularInline):
    """Append-only: entries are added through the API or the services, never edited or deleted."""

    model = TimelineEntry
    extra = 0
    can_delete = False
    fields = readonly_fields = ("time", "kind", "text", "actor_name")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Incident)
class IncidentAdmin(ServiceBackedAdmin):
    list_display = ("title", "incident_type", "level", "response", "status", "reported_at", "enterprise",
                    "is_exercise")
    list_filter = ("status", "level", "incident_type", "source", "is_exercise")
    search_fields = ("title", "address", "enterprise__name", "reporter_name")
    raw_id_fields = ("enterprise", "admin_area")
    readonly_fields = ("level", "response", "decided_by", "status", "closed_at", "summary")
    inlines = (TimelineInline,)

    list_select_related = ("enterprise",)
    service_fields = incidents.INCIDENT_FIELDS

    def create_via_service(self, data: Mapping[str, Any], *, actor: Any) -> Incident:
        return incidents.open_incident(data, actor=actor)

    def update_via_service(self, obj: Any, data: Mapping[str, Any], *, actor: Any) -> Incident:
        return incidents.update_incident(obj, data, actor=actor)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # incidents are closed, not deleted: the timeline and audit trail keep them


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("incident", "time", "kind", "text", "actor_name")
    list_filter = ("kind",)
    search_fields = ("text", "incident__title")

    list_select_related = ("incident",)
