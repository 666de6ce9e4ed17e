"""Incidents in the Django admin; saves go through the audited, classifying services. Timelines are read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

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
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("title", "incident_type", "level", "response", "status", "reported_at", "enterprise",
                    "is_exercise")
    list_filter = ("status", "level", "incident_type", "source", "is_exercise")
    search_fields = ("title", "address", "enterprise__name", "reporter_name")
    raw_id_fields = ("enterprise", "admin_area")
    readonly_fields = ("level", "response", "decided_by", "status", "closed_at", "summary")
    inlines = (TimelineInline,)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).for_user(request.user).select_related("enterprise")  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            data = {n: form.cleaned_data[n] for n in form.changed_data if n in incidents.INCIDENT_FIELDS}
            saved = incidents.update_incident(Incident.objects.get(pk=obj.pk), data, actor=request.user)
        else:
            data = {n: v for n, v in form.cleaned_data.items() if n in incidents.INCIDENT_FIELDS}
            saved = incidents.open_incident(data, actor=request.user)
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # incidents are closed, not deleted: the timeline and audit trail keep them


@admin.register(TimelineEntry)
class TimelineEntryAdmin(admin.ModelAdmin):
    list_display = ("incident", "time", "kind", "text", "actor_name")
    list_filter = ("kind",)
    search_fields = ("text", "incident__title")

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).for_user(request.user).select_related("incident")  # type: ignore[attr-defined]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
