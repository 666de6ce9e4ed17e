"""Hidden dangers under /api/v1/prevention: report, correct, the rectification loop, photos, export."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO, Literal, cast

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from . import queries
from .exporting import export_list
from .models import HiddenDanger
from .schemas import PhotoOut, page, photos
from .services import dangers
from .services import photos as photo_services

router = Router(tags=["prevention"])

DangerLevelName = Literal["general", "major"]
SourceName = Literal["self_inspection", "government_check", "report"]
StatusName = Literal["reported", "rectifying", "submitted", "accepted"]


class DangerIn(Schema):
    enterprise: int | None = Field(None, description="企业 id；企业用户可省略（默认本企业）")
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field(..., min_length=1)
    level: DangerLevelName = "general"
    source: SourceName = "self_inspection"
    found_on: date
    found_by: str = ""
    risk_point: int | None = None
    owner: int = Field(..., description="整改责任人（该企业的用户 id）")
    deadline: date
    measures: str = ""
    funds_yuan: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)
    rectification_plan: str = ""


class DangerPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    level: DangerLevelName | None = None
    found_by: str | None = None
    risk_point: int | None = None
    owner: int | None = None
    deadline: date | None = None
    measures: str | None = None
    funds_yuan: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    rectification_plan: str | None = None


class StartIn(Schema):
    measures: str | None = None
    funds_yuan: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    rectification_plan: str | None = None
    note: str = ""


class NoteIn(Schema):
    note: str = ""


class RejectIn(Schema):
    reason: str


class StepOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor_name: str
    note: str
    created_at: datetime


class DangerOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    title: str
    description: str
    level: str
    level_label: str
    source: str
    source_label: str
    found_on: date
    found_by: str
    risk_point_id: int | None
    owner_id: int
    owner_name: str
    deadline: date
    overdue: bool
    measures: str
    funds_yuan: Decimal
    rectification_plan: str
    status: str
    status_label: str
    rectification_note: str
    submitted_at: datetime | None
    accepted_by_name: str | None
    accepted_at: datetime | None
    rejections: int
    reported_to_supervisor_at: datetime | None
    escalated_at: datetime | None


class DangerDetailOut(DangerOut):
    steps: list[StepOut]
    photos: list[PhotoOut]


class DangerPage(Schema):
    count: int
    items: list[DangerOut]


def _name(user: Any) -> str:
    return (user.full_name or user.username) if user is not None else ""


def _row(d: HiddenDanger) -> dict[str, Any]:
    return {
        "id": d.pk, "enterprise_id": d.enterprise_id, "enterprise_name": d.enterprise.name, "title": d.title,
        "description": d.description, "level": d.level, "level_label": d.get_level_display(), "source": d.source,
        "source_label": d.get_source_display(), "found_on": d.found_on, "found_by": d.found_by,
        "risk_point_id": d.risk_point_id, "owner_id": d.owner_id, "owner_name": _name(d.owner),
        "deadline": d.deadline, "overdue": d.is_open and d.deadline < timezone.localdate(), "measures": d.measures,
        "funds_yuan": d.funds_yuan, "rectification_plan": d.rectification_plan, "status": d.status,
        "status_label": d.get_status_display(), "rectification_note": d.rectification_note,
        "submitted_at": d.submitted_at, "accepted_by_name": _name(d.accepted_by) if d.accepted_by_id else None,
        "accepted_at": d.accepted_at, "rejections": d.rejections,
        "reported_to_supervisor_at": d.reported_to_supervisor_at, "escalated_at": d.escalated_at,
    }


def _detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    danger = queries.visible_one(HiddenDanger, request.user, pk)
    return {**_row(danger), "steps": list(danger.steps.all()), "photos": photos(danger)}


@router.get("/hidden-dangers", response=DangerPage, summary="隐患列表")
def list_hidden_dangers(request: HttpRequest, enterprise: int | None = None, status: StatusName | None = None,
                        level: DangerLevelName | None = None, open: bool = False,  # noqa: A002 - API field name
                        overdue: bool = False, q: str = "", limit: int = 50, offset: int = 0) -> dict[str, Any]:
    rows = queries.hidden_dangers(request.user, {"enterprise": enterprise, "status": status, "level": level,
                                                 "open": open, "overdue": overdue, "q": q})
    count, items = page(rows, limit, offset)
    return {"count": count, "items": [_row(d) for d in items]}


@router.post("/hidden-dangers", response={201: DangerDetailOut}, summary="上报隐患（重大隐患即时报告监管部门）")
def report_hidden_danger(request: HttpRequest, payload: DangerIn) -> Status[Any]:
    danger = dangers.report_danger(payload.dict(), actor=request.user)
    return Status(201, _detail(request, danger.pk))


DANGER_HEADERS = ("企业", "隐患名称", "隐患等级", "发现途径", "发现日期", "发现人", "整改责任人", "整改期限",
                  "是否逾期",
                  "整改措施", "整改资金（元）", "状态", "验收人", "验收时间", "退回次数", "逾期升级时间")


@router.get("/hidden-dangers/export", summary="导出隐患（xlsx、csv）")
def export_hidden_dangers(request: HttpRequest, format: str = "xlsx",  # noqa: A002 - API field name
                          enterprise: int | None = None, status: StatusName | None = None,
                          level: DangerLevelName | None = None) -> HttpResponseBase:
    params = {"enterprise": enterprise, "status": status, "level": level}
    today = timezone.localdate()
    return export_list(
        format, "隐患", DANGER_HEADERS, queries.hidden_dangers(request.user, params),
        lambda d: (d.enterprise.name, d.title, d.get_level_display(), d.get_source_display(), d.found_on,
                   d.found_by, _name(d.owner), d.deadline, "是" if d.is_open and d.deadline < today else "否",
                   d.measures, d.funds_yuan, d.get_status_display(),
                   _name(d.accepted_by) if d.accepted_by_id else "", d.accepted_at, d.rejections, d.escalated_at),
        user=request.user, params=params)


@router.get("/hidden-dangers/{pk}", response=DangerDetailOut, summary="隐患详情与整改过程")
def get_hidden_danger(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _detail(request, pk)


@router.patch("/hidden-dangers/{pk}", response=DangerDetailOut, summary="修改未闭环隐患")
def update_hidden_danger(request: HttpRequest, pk: int, payload: DangerPatch) -> dict[str, Any]:
    dangers.update_danger(queries.writable_one(HiddenDanger, request.user, pk), payload.dict(exclude_unset=True),
                          actor=request.user)
    return _detail(request, pk)


@router.post("/hidden-dangers/{pk}/start", response=DangerDetailOut, summary="开始整改（已上报 → 整改中）")
def start_rectification(request: HttpRequest, pk: int, payload: StartIn) -> dict[str, Any]:
    dangers.start_rectification(queries.writable_one(HiddenDanger, request.user, pk), actor=request.user,
                                **payload.dict())
    return _detail(request, pk)


@router.post("/hidden-dangers/{pk}/submit", response=DangerDetailOut, summary="提交验收（整改中 → 待验收）")
def submit_for_acceptance(request: HttpRequest, pk: int, payload: NoteIn) -> dict[str, Any]:
    dangers.submit_for_acceptance(queries.writable_one(HiddenDanger, request.user, pk), actor=request.user,
                                  note=payload.note)
    return _detail(request, pk)


@router.post("/hidden-dangers/{pk}/accept", response=DangerDetailOut,
             summary="验收通过（待验收 → 已验收闭环；验收人不能是整改责任人）")
def accept(request: HttpRequest, pk: int, payload: NoteIn) -> dict[str, Any]:
    dangers.accept(queries.writable_one(HiddenDanger, request.user, pk), actor=request.user, note=payload.note)
    return _detail(request, pk)


@router.post("/hidden-dangers/{pk}/reject", response=DangerDetailOut, summary="验收退回（待验收 → 整改中）")
def reject(request: HttpRequest, pk: int, payload: RejectIn) -> dict[str, Any]:
    dangers.reject(queries.writable_one(HiddenDanger, request.user, pk), actor=request.user, reason=payload.reason)
    return _detail(request, pk)


@router.post("/hidden-dangers/{pk}/photos", response={201: PhotoOut}, summary="上传隐患照片（JPEG/PNG）")
def add_photo(request: HttpRequest, pk: int, file: File[UploadedFile], caption: Form[str] = "") -> Status[Any]:
    photo = photo_services.attach_photo(queries.writable_one(HiddenDanger, request.user, pk), cast(BinaryIO, file),
                                        caption, actor=request.user)
    return Status(201, {"id": photo.pk, "caption": photo.caption, "content_type": photo.content_type,
                        "url": f"/api/v1/prevention/photos/{photo.pk}"})
