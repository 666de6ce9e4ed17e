"""Worksafety records in the Django admin: read-only views. Permits change only through their lifecycle
services (every step audited, rules enforced) and are kept at least a year, so the admin neither edits nor
deletes them; approvers are assigned here through a scoped, audited form."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yingji.core import audit
from yingji.core.admin_base import ReadOnlyAdminMixin, ScopedAdmin
from yingji.core.models import AuditAction
from yingji.core.records import ensure_may_change

from .models import GasAnalysis, LockEvent, Permit, PermitApproval, PermitApprover, SpotCheck, Tool, UnlockRequest


@admin.register(Permit)
class PermitAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("number", "enterprise", "work_type", "level", "status", "place", "planned_start", "planned_end")
    list_filter = ("work_type", "status")
    search_fields = ("number", "enterprise__name", "place")
    list_select_related = ("enterprise",)


@admin.register(PermitApproval)
class PermitApprovalAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("permit", "step", "role", "approver", "approved_at")
    list_select_related = ("permit", "approver")


@admin.register(GasAnalysis)
class GasAnalysisAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("permit", "sampled_at", "analyst", "combustible_vol_pct", "oxygen_vol_pct", "passed")
    list_filter = ("passed",)
    list_select_related = ("permit",)


@admin.register(SpotCheck)
class SpotCheckAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("permit", "checked_at", "inspector", "method", "result")
    list_filter = ("result", "method")
    list_select_related = ("permit", "inspector")


@admin.register(Tool)
class ToolAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Registered through the API or the tools page, which also makes the lock's device and credential."""

    list_display = ("name", "enterprise", "kind", "lock_id", "is_active")
    search_fields = ("name", "lock_id", "enterprise__name")
    list_select_related = ("enterprise",)


@admin.register(UnlockRequest)
class UnlockRequestAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("tool", "permit", "requested_by", "granted", "reason", "created_at", "used_at")
    list_filter = ("granted",)
    list_select_related = ("tool", "permit", "requested_by")


@admin.register(LockEvent)
class LockEventAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("tool", "state", "occurred_at", "authorised", "problem")
    list_filter = ("state", "authorised")
    list_select_related = ("tool",)


@admin.register(PermitApprover)
class PermitApproverAdmin(ScopedAdmin):
    list_display = ("user", "enterprise", "role")
    list_filter = ("role",)
    raw_id_fields = ("user", "enterprise")
    list_select_related = ("user", "enterprise")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        ensure_may_change(obj, request.user, "审批人")
        before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        obj.save()
        audit.record_change(AuditAction.UPDATE if change else AuditAction.CREATE, obj, actor=request.user,
                            before=before)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        ensure_may_change(obj, request.user, "审批人")
        before, pk = audit.snapshot(obj), obj.pk
        obj.delete()
        obj.pk = pk
        audit.record_change(AuditAction.DELETE, obj, actor=request.user, before=before)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
