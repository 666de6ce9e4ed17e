"""Incidents in the Django admin; saves go through the audited, classifying services. Timelines, evacuation
and supply plans are read-only here: they are computed by the services (API and command board)."""

from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yingji.core.admin_base import ReadOnlyAdminMixin, ScopedAdmin, ServiceBackedAdmin

from . import incidents
from .models import (
    AfterActionReport,
    Dispatch,
    DrillInject,
    EvacuationAssignment,
    EvacuationPlan,
    EvacueeArrival,
    ImprovementItem,
    Incident,
    IncidentAttachment,
    PlanAction,
    PlanActivation,
    PlanGroup,
    ResourceRequest,
    ResponsePlan,
    SupplyDemand,
    SupplyOrder,
    SupplyPlan,
    Task,
    TimelineEntry,
)


class ReadOnlyInline(admin.TabularInline):
    """Rows written by the services only: shown, never added, edited or deleted here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TimelineInline(ReadOnlyInline):
    """Append-only: entries are added through the API or the services, never edited or deleted."""

    model = TimelineEntry
    fields = ("time", "kind", "text", "actor_name")


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


class AssignmentInline(ReadOnlyInline):
    model = EvacuationAssignment
    fields = ("village", "shelter", "people", "travel_s", "length_m")


@admin.register(EvacuationPlan)
class EvacuationPlanAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("name", "incident", "status", "people_total", "people_placed", "people_unplaced", "created_at")
    list_filter = ("status", "area_source")
    search_fields = ("name", "incident__title")
    inlines = (AssignmentInline,)
    list_select_related = ("incident",)


@admin.register(EvacueeArrival)
class EvacueeArrivalAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("plan", "shelter", "village", "people", "contact_name", "arrived_at")
    search_fields = ("plan__name", "shelter__name", "contact_name")
    list_select_related = ("plan", "shelter", "village")


class DemandInline(ReadOnlyInline):
    model = SupplyDemand
    fields = ("site_name", "item", "unit", "quantity", "shortfall")


@admin.register(SupplyPlan)
class SupplyPlanAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("name", "incident", "total_time_s", "created_at")
    search_fields = ("name", "incident__title")
    inlines = (DemandInline,)
    list_select_related = ("incident",)


@admin.register(SupplyOrder)
class SupplyOrderAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("stock_item", "quantity", "demand", "status", "travel_s", "dispatched_at", "delivered_at")
    list_filter = ("status",)
    list_select_related = ("stock_item", "demand")


class GroupInline(ReadOnlyInline):
    model = PlanGroup
    fields = ("name", "lead_department", "duties")


class ActionInline(ReadOnlyInline):
    model = PlanAction
    fields = ("title", "department", "due_minutes", "group")


@admin.register(ResponsePlan)
class ResponsePlanAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("code", "version", "name", "status", "min_response", "published_at")
    list_filter = ("status", "min_response")
    search_fields = ("code", "name")
    inlines = (GroupInline, ActionInline)


@admin.register(PlanActivation)
class PlanActivationAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("incident", "plan", "activated_at", "activated_by")
    list_select_related = ("incident", "plan")


@admin.register(Task)
class TaskAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("title", "incident", "department", "due_at", "status", "done_at")
    list_filter = ("status", "department")
    search_fields = ("title", "incident__title")
    list_select_related = ("incident", "department")


@admin.register(Dispatch)
class DispatchAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("resource_name", "resource_kind", "incident", "status", "dispatched_at", "eta", "arrived_at")
    list_filter = ("status", "resource_kind")
    search_fields = ("resource_name", "incident__title")
    list_select_related = ("incident",)


class ImprovementInline(ReadOnlyInline):
    model = ImprovementItem
    fields = ("item", "owner_department", "owner", "deadline", "status")


@admin.register(AfterActionReport)
class AfterActionReportAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("incident", "edited_by", "updated_at")
    inlines = (ImprovementInline,)
    list_select_related = ("incident",)


@admin.register(DrillInject)
class DrillInjectAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("incident", "at_minutes", "text", "released_at")
    list_select_related = ("incident",)


@admin.register(ResourceRequest)
class ResourceRequestAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("incident", "from_department", "to_department", "what", "quantity", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("incident", "from_department", "to_department")


@admin.register(IncidentAttachment)
class IncidentAttachmentAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("original_name", "incident", "content_type", "size", "uploaded_by", "uploaded_at")
    list_select_related = ("incident", "uploaded_by")
