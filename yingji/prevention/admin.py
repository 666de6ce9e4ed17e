"""Prevention records in the Django admin. Risk points save through the regrading services; the lifecycle
records (hidden dangers, inspections, commitments, supervision, subscriptions) change only through their
services and pages, so the admin shows them read-only."""

from collections.abc import Mapping
from typing import Any

from django.contrib import admin

from yingji.core.admin_base import ReadOnlyAdminMixin, ScopedAdmin, ServiceBackedAdmin

from .models import (
    Checkpoint,
    CommitmentMiss,
    EnforcementOrder,
    HiddenDanger,
    HiddenDangerStep,
    InspectionRecord,
    MaintenanceRecord,
    MissedRound,
    Photo,
    RiskMatrixConfig,
    RiskPoint,
    Route,
    SafetyCommitment,
    Subscription,
    SupervisionCheck,
)
from .services import risks


@admin.register(RiskPoint)
class RiskPointAdmin(ServiceBackedAdmin):
    list_display = ("name", "unit_place", "enterprise", "method", "value", "level", "responsible_person")
    list_filter = ("level", "method")
    search_fields = ("name", "unit_place", "enterprise__name")
    raw_id_fields = ("enterprise", "hazard_unit")
    readonly_fields = ("value", "level", "working")
    list_select_related = ("enterprise",)
    service_fields = risks.RISK_FIELDS

    def create_via_service(self, data: Mapping[str, Any], *, actor: Any) -> RiskPoint:
        return risks.create_risk_point(data, actor=actor)

    def update_via_service(self, obj: Any, data: Mapping[str, Any], *, actor: Any) -> RiskPoint:
        return risks.update_risk_point(obj, data, actor=actor)

    def delete_via_service(self, obj: Any, *, actor: Any) -> None:
        risks.delete_risk_point(obj, actor=actor)


@admin.register(RiskMatrixConfig)
class RiskMatrixConfigAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Changed through PUT /api/v1/prevention/matrix, which regrades every risk point."""

    list_display = ("__str__", "lec_red", "lec_orange", "lec_yellow", "ls_red", "ls_orange", "ls_yellow")


class _ReadOnly(ReadOnlyAdminMixin, ScopedAdmin):
    pass


@admin.register(HiddenDanger)
class HiddenDangerAdmin(_ReadOnly):
    list_display = ("title", "enterprise", "level", "status", "deadline", "owner", "escalated_at")
    list_filter = ("level", "status", "source")
    search_fields = ("title", "enterprise__name")
    list_select_related = ("enterprise", "owner")


@admin.register(HiddenDangerStep)
class HiddenDangerStepAdmin(_ReadOnly):
    list_display = ("danger", "action", "from_status", "to_status", "actor_name", "created_at")


@admin.register(Photo)
class PhotoAdmin(_ReadOnly):
    list_display = ("__str__", "enterprise", "danger", "inspection", "content_type", "created_at")


@admin.register(Checkpoint)
class CheckpointAdmin(_ReadOnly):
    list_display = ("name", "enterprise", "location", "active")
    search_fields = ("name", "enterprise__name")


@admin.register(Route)
class RouteAdmin(_ReadOnly):
    list_display = ("name", "enterprise", "frequency", "active", "active_since")


@admin.register(InspectionRecord)
class InspectionRecordAdmin(_ReadOnly):
    list_display = ("checkpoint", "enterprise", "inspector", "checked_at", "scanned", "abnormal")
    list_filter = ("abnormal", "scanned")


@admin.register(MissedRound)
class MissedRoundAdmin(_ReadOnly):
    list_display = ("route", "period_start", "period_end")


@admin.register(MaintenanceRecord)
class MaintenanceRecordAdmin(_ReadOnly):
    list_display = ("equipment", "equipment_code", "enterprise", "performed_on", "next_due")


@admin.register(SafetyCommitment)
class SafetyCommitmentAdmin(_ReadOnly):
    list_display = ("enterprise", "day", "units_running", "special_works_planned", "risks_controlled", "principal")
    list_filter = ("risks_controlled",)


@admin.register(CommitmentMiss)
class CommitmentMissAdmin(_ReadOnly):
    list_display = ("enterprise", "day")


@admin.register(SupervisionCheck)
class SupervisionCheckAdmin(_ReadOnly):
    list_display = ("enterprise", "mode", "checked_on", "inspector", "closed_at")


@admin.register(EnforcementOrder)
class EnforcementOrderAdmin(_ReadOnly):
    list_display = ("__str__", "check_record", "deadline", "status", "closed_at")


@admin.register(Subscription)
class SubscriptionAdmin(_ReadOnly):
    list_display = ("enterprise", "plan", "seats", "starts_on", "ends_on", "state")
    list_filter = ("state", "plan")
