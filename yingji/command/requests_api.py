"""Resource requests between departments (mounted under /api/v1/command)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from . import incident_queries, resource_requests
from .models import ResourceRequest

router = Router(tags=["command-requests"])


class RequestIn(Schema):
    to_department: int
    what: str = Field(..., max_length=200)
    quantity: int = Field(1, ge=1)
    needed_by: datetime | None = None


class AnswerIn(Schema):
    decision: Literal["accept", "decline"]
    note: str = Field("", max_length=300)


class RequestOut(Schema):
    id: int
    incident_id: int
    incident: str
    from_department: str
    to_department_id: int
    to_department: str
    what: str
    quantity: int
    needed_by: datetime | None
    status: str
    status_label: str
    answer: str
    answered_at: datetime | None
    fulfilled_at: datetime | None
    created_at: datetime


def _out(r: ResourceRequest) -> dict[str, Any]:
    return {"id": r.pk, "incident_id": r.incident_id, "incident": r.incident.title,
            "from_department": r.from_department.name, "to_department_id": r.to_department_id,
            "to_department": r.to_department.name, "what": r.what, "quantity": r.quantity, "needed_by": r.needed_by,
            "status": r.status, "status_label": gettext(r.get_status_display()), "answer": r.answer,
            "answered_at": r.answered_at, "fulfilled_at": r.fulfilled_at, "created_at": r.created_at}


def _reloaded(r: ResourceRequest) -> dict[str, Any]:
    return _out(ResourceRequest.objects.select_related("incident", "from_department", "to_department").get(pk=r.pk))


@router.get("/incidents/{pk}/requests", response=list[RequestOut], summary="本事件的跨部门资源请求")
def incident_requests(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    incident = incident_queries.visible_incident(request.user, pk)
    return [_out(r) for r in resource_requests.visible_requests(request.user).filter(incident=incident)]


@router.post("/incidents/{pk}/requests", response={201: RequestOut}, summary="向其他部门请求资源")
def make_request(request: HttpRequest, pk: int, payload: RequestIn) -> Status[dict[str, Any]]:
    incident = incident_queries.writable_incident(request.user, pk)
    return Status(201, _reloaded(resource_requests.make_request(incident, payload.dict(), actor=request.user)))


@router.get("/requests", response=list[RequestOut], summary="资源请求：向本部门提出的及可见事件的")
def list_requests(request: HttpRequest, status: str | None = None) -> list[dict[str, Any]]:
    found = resource_requests.visible_requests(request.user)
    return [_out(r) for r in (found.filter(status=status) if status else found)]


@router.post("/requests/{pk}/answer", response=RequestOut, summary="答复资源请求（同意或拒绝）")
def answer_request(request: HttpRequest, pk: int, payload: AnswerIn) -> dict[str, Any]:
    found = get_object_or_404(resource_requests.visible_requests(request.user), pk=pk)
    return _reloaded(resource_requests.answer(found, payload.decision, actor=request.user, note=payload.note))


@router.post("/requests/{pk}/fulfil", response=RequestOut, summary="确认资源已到位")
def fulfil_request(request: HttpRequest, pk: int) -> dict[str, Any]:
    found = get_object_or_404(resource_requests.visible_requests(request.user), pk=pk)
    return _reloaded(resource_requests.fulfil(found, actor=request.user))
