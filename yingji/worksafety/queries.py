"""Worksafety reads, always through the reader's scope (404 outside it, never a hint that a record exists)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from yingji.core.models import AuditAction, AuditEvent

from .constants import WorksafetyAudit as A
from .models import ACTIVE_STATUSES, Permit, Tool

TIMELINE_LABELS: dict[str, Any] = {
    AuditAction.CREATE: _("创建草稿"), AuditAction.UPDATE: _("修改草稿"), A.PERMIT_SUBMIT: _("提交审批"),
    A.PERMIT_APPROVE: _("审批"), A.PERMIT_SITE_WATCH: _("关联连续监测与视频"), A.PERMIT_START: _("开始作业"),
    A.PERMIT_SUSPEND: _("暂停作业"), A.PERMIT_RESUME: _("恢复作业"), A.PERMIT_RENEW: _("延期"),
    A.PERMIT_COMPLETE: _("完工"), A.PERMIT_CLOSE: _("关闭归档"), A.PERMIT_CANCEL: _("作废"), A.PERMIT_EXPIRE: _("过期"),
}


def visible_permits(user: Any) -> QuerySet[Permit]:
    """Permits the user may read: their enterprise's, or those their department, township or county supervises."""
    return Permit.objects.for_user(user).select_related("enterprise", "applicant")


def visible_permit(user: Any, pk: int) -> Permit:
    return get_object_or_404(visible_permits(user), pk=pk)


def writable_permit(user: Any, pk: int) -> Permit:
    """A permit the user may change; 404 when it is outside their scope entirely."""
    return get_object_or_404(Permit.objects.writable_by(user).select_related("enterprise"), pk=pk)


def active_work(user: Any) -> QuerySet[Permit]:
    """Special work under way (in progress or suspended) that the user may see, with a point for the map."""
    return visible_permits(user).filter(status__in=ACTIVE_STATUSES, longitude__isnull=False)


def visible_tools(user: Any) -> QuerySet[Tool]:
    return Tool.objects.for_user(user).select_related("enterprise")


def visible_tool(user: Any, pk: int) -> Tool:
    return get_object_or_404(visible_tools(user), pk=pk)


def writable_tool(user: Any, pk: int) -> Tool:
    return get_object_or_404(Tool.objects.writable_by(user).select_related("enterprise", "device"), pk=pk)


def permit_timeline(permit: Permit) -> list[dict[str, Any]]:
    """The permit's steps in order, from its audit events (the hash-chained record): when, what, who, and the
    note that goes with it (an approval's opinion, why work was suspended)."""
    rows = []
    for e in AuditEvent.objects.filter(object_type="worksafety.permit", object_id=str(permit.pk)).order_by("seq"):
        after = e.after or {}
        note = after.get("suspension_reason") if e.action == A.PERMIT_SUSPEND else after.get("opinion")
        rows.append({"at": e.occurred_at, "label": TIMELINE_LABELS.get(e.action, e.action),
                     "actor": e.actor_name if e.actor_name != "system" else _("系统"), "note": note or "",
                     "action": e.action})
    return rows
