"""Resource requests between departments: the incident's command asks a department for forces or supplies,
the asked department answers (accept or decline with a reason) and reports them in place.

Like tasks, the asked department works its own requests even when it cannot see the incident; everything
lands on the incident's timeline, is audited and published (`command.request`) after commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from yingji.core import audit, events
from yingji.core.models import AuditAction, Department
from yingji.core.records import ensure_may_change
from yingji.core.scoping import facts_of

from . import incidents
from .incident_queries import readable_or_addressed
from .models import Incident, IncidentStatus, RequestStatus, ResourceRequest, TimelineKind

TOPIC = "command.request"
ANSWERS = {"accept": RequestStatus.ACCEPTED, "decline": RequestStatus.DECLINED}


def visible_requests(user: Any) -> QuerySet[ResourceRequest]:
    """Requests of incidents the user may read, plus every request made to the user's own department."""
    return readable_or_addressed(ResourceRequest, user, "to_department").select_related(
        "incident", "from_department", "to_department")


def _payload(request: ResourceRequest) -> dict[str, Any]:
    return {"id": request.pk, "kind": "command.resourcerequest", "incident_id": request.incident_id,
            "to_department_id": request.to_department_id, "status": request.status, "what": request.what}


@transaction.atomic
def make_request(incident: Incident, data: Mapping[str, Any], *, actor: Any) -> ResourceRequest:
    """Ask a department for resources; the requesting department is the actor's (or the incident's owner)."""
    ensure_may_change(incident, actor, "事件")
    problems: dict[str, str] = {}
    if incident.status == IncidentStatus.CLOSED:
        problems["status"] = "事件已结案，不能再请求资源"
    to_pk = data.get("to_department")
    to = Department.objects.filter(pk=to_pk).first() if isinstance(to_pk, int) else None
    if to is None:
        problems["to_department"] = f"部门 {data.get('to_department')} 不存在"
    source = getattr(actor, "department_id", None) or incident.owner_department_id
    if source is None:
        problems["from_department"] = "请求人不属于任何部门，事件也没有主管部门"
    elif to is not None and to.pk == source:
        problems["to_department"] = "不能向本部门请求资源，请直接调派"
    what = str(data.get("what") or "").strip()
    if not what:
        problems["what"] = "须写明所需资源"
    needed_by = data.get("needed_by")
    if needed_by is not None and (not isinstance(needed_by, datetime) or timezone.is_naive(needed_by)):
        problems["needed_by"] = "需要到位时间须为带时区的时间"
    if problems or to is None or source is None:
        raise ValidationError(problems)
    request = ResourceRequest.objects.create(
        incident=incident, from_department_id=source, to_department=to, what=what[:200],
        quantity=data.get("quantity") or 1, needed_by=needed_by,
        requested_by=actor if getattr(actor, "pk", None) else None)
    request.full_clean()
    incidents.add_timeline_entry(incident, TimelineKind.DISPATCH,
                                 f"向{to.name}请求：{request.what} × {request.quantity}", actor=actor,
                                 data={"resource_request": request.pk})
    audit.record_change(AuditAction.CREATE, request, actor=actor, before=None)
    events.publish(TOPIC, _payload(request), scope=facts_of(incident))
    return request


def _may_answer(request: ResourceRequest, actor: Any) -> bool:
    if getattr(actor, "department_id", None) and actor.department_id == request.to_department_id:
        return True
    return bool(getattr(actor, "is_superuser", False))


@transaction.atomic
def answer(request: ResourceRequest, decision: str, *, actor: Any, note: str = "") -> ResourceRequest:
    """The asked department accepts, or declines with a reason."""
    if not _may_answer(request, actor):
        raise PermissionDenied(f"只有{request.to_department.name}可以答复此请求")
    request = ResourceRequest.objects.select_for_update().select_related("incident", "to_department").get(
        pk=request.pk)
    if decision not in ANSWERS:
        raise ValidationError({"decision": "答复只能是 accept（同意）或 decline（拒绝）"})
    if request.status != RequestStatus.REQUESTED:
        raise ValidationError({"decision": f"请求已{request.get_status_display()}，不能再答复"})
    if decision == "decline" and not note.strip():
        raise ValidationError({"note": "拒绝须说明原因"})
    before = audit.snapshot(request)
    request.status, request.answer = ANSWERS[decision], note.strip()[:300]
    request.answered_by, request.answered_at = actor if getattr(actor, "pk", None) else None, timezone.now()
    request.save()
    verb = "同意" if decision == "accept" else "拒绝"
    incidents.record_on_timeline(request.incident, TimelineKind.DISPATCH,
                                 f"{request.to_department.name}{verb}请求：{request.what}"
                                 + (f"。{request.answer}" if request.answer else ""),
                                 actor=actor, data={"resource_request": request.pk})
    audit.record_change(AuditAction.UPDATE, request, actor=actor, before=before)
    events.publish(TOPIC, _payload(request), scope=facts_of(request.incident))
    return request


@transaction.atomic
def fulfil(request: ResourceRequest, *, actor: Any) -> ResourceRequest:
    """Accepted → fulfilled: the resources are in place (reported by either side)."""
    incident_writer = Incident.objects.writable_by(actor).filter(pk=request.incident_id).exists()
    if not (_may_answer(request, actor) or incident_writer):
        raise PermissionDenied("只有被请求部门或事件指挥人员可以确认到位")
    request = ResourceRequest.objects.select_for_update().select_related("incident", "to_department").get(
        pk=request.pk)
    if request.status != RequestStatus.ACCEPTED:
        raise ValidationError({"status": f"请求当前为“{request.get_status_display()}”，同意后才能确认到位"})
    before = audit.snapshot(request)
    request.status, request.fulfilled_at = RequestStatus.FULFILLED, timezone.now()
    request.save()
    late = " （晚于要求时间）" if request.needed_by and request.fulfilled_at > request.needed_by else ""
    incidents.record_on_timeline(request.incident, TimelineKind.DISPATCH,
                                 f"{request.to_department.name}的{request.what}已到位{late}", actor=actor,
                                 data={"resource_request": request.pk})
    audit.record_change(AuditAction.UPDATE, request, actor=actor, before=before)
    events.publish(TOPIC, _payload(request), scope=facts_of(request.incident))
    return request
