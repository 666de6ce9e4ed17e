"""Incidents as records: open, read, update figures (reclassified), timeline, status, reporting countdowns.

Reads go through `incident_queries` (the reader's scope; 404 outside it); writes through `incidents`
(scope check, classification, timeline, audit and event in one transaction).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from yingji.core.exports import stream_export
from yingji.monitoring.models import Alarm

from . import attachments, incident_export, incidents, intake, sitrep
from . import incident_queries as queries
from .models import Incident, IncidentAttachment, TimelineEntry

router = Router(tags=["incidents"])

# Spelled out for the OpenAPI schema and mypy; tests check they match the models' choices.
TypeName = Literal["production_safety", "fire", "hazmat_release", "traffic", "natural_disaster", "public_health",
                   "other"]
IndustryName = Literal["hazardous_chemicals", "mining", "industry_trade", "construction", "fireworks", "other"]
SourceName = Literal["phone", "alarm", "field", "warning"]
StatusName = Literal["reported", "responding", "closed"]
HandKind = Literal["report", "decision", "dispatch", "note"]


class IncidentIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    incident_type: TypeName = Field(..., description="production_safety | fire | hazmat_release | traffic | "
                                                     "natural_disaster | public_health | other")
    industry: IndustryName | None = Field(None, description="生产安全事故的行业")
    source: SourceName = Field(..., description="phone | alarm | field | warning")
    occurred_at: datetime | None = Field(None, description="发生时间（带时区）；省略时取接报时间")
    reported_at: datetime | None = Field(None, description="接报时间（带时区）；省略时取当前时间")
    reporter_name: str = Field("", max_length=100)
    reporter_phone: str = Field("", max_length=32)
    deaths: int = Field(0, description="死亡人数")
    serious_injuries: int = Field(0, description="重伤人数（含急性工业中毒）")
    direct_loss_yuan: float = Field(0, description="直接经济损失（元）")
    is_exercise: bool = False
    enterprise: int | None = Field(None, description="事发企业 id；企业用户可省略（默认本企业）")
    address: str = Field("", max_length=300)
    longitude: float | None = None
    latitude: float | None = None


class IncidentPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    incident_type: TypeName | None = None
    industry: IndustryName | None = None
    source: SourceName | None = None
    occurred_at: datetime | None = None
    reported_at: datetime | None = None
    reporter_name: str | None = Field(None, max_length=100)
    reporter_phone: str | None = Field(None, max_length=32)
    deaths: int | None = None
    serious_injuries: int | None = None
    direct_loss_yuan: float | None = None
    enterprise: int | None = None
    address: str | None = Field(None, max_length=300)
    longitude: float | None = None
    latitude: float | None = None


class TimelineIn(Schema):
    kind: HandKind = Field(..., description="report | decision | dispatch | note")
    text: str = Field(..., min_length=1, max_length=5000)
    time: datetime | None = Field(None, description="发生时间（带时区）；省略时取当前时间")
    data: dict[str, Any] = Field(default_factory=dict,
                                 description='如 {"report_to": "县级安全生产监督管理部门"} 表示该级报告已完成')


class StatusIn(Schema):
    status: StatusName
    summary: str = Field("", max_length=5000, description="结案时必填")


class TimelineOut(Schema):
    id: int
    time: datetime
    kind: str
    kind_label: str
    text: str
    actor_name: str
    data: dict[str, Any]


class DeadlineOut(Schema):
    step: int
    report_from: str
    report_to: str
    within_minutes: int
    due_at: datetime
    done_at: datetime | None
    remaining_s: float | None = Field(description="距时限的秒数，负数为已超时；已报告为 null")


class RevisionWindowOut(Schema):
    days: int = Field(description="第十三条补报期限（日）：30，道路交通和火灾 7")
    ends_at: datetime = Field(description="补报期限截止（事故发生次日起算第 N 日 24 时）")
    remaining_s: float = Field(description="距截止的秒数，负数为已过期")
    revisions: int
    late_revisions: int


class RevisionIn(Schema):
    deaths: int | None = Field(None, description="补报后的死亡人数（总数，不是增量）")
    serious_injuries: int | None = Field(None, description="补报后的重伤人数（总数）")
    note: str = Field("", max_length=500, description="补报说明，如：伤者张某经抢救无效死亡")


class CriterionOut(Schema):
    criterion: str
    value: float
    threshold: float
    message: str


class IncidentOut(Schema):
    id: int
    title: str
    incident_type: str
    incident_type_label: str
    industry: str
    source: str
    occurred_at: datetime
    reported_at: datetime
    reporter_name: str
    reporter_phone: str
    deaths: int
    serious_injuries: int
    direct_loss_yuan: float
    level: str
    response: str
    status: str
    status_label: str
    is_exercise: bool
    enterprise_id: int | None
    enterprise_name: str | None
    admin_area_code: str | None
    owner_department_id: int | None
    address: str
    longitude: float | None
    latitude: float | None
    closed_at: datetime | None


class IncidentDetailOut(IncidentOut):
    decided_by: list[CriterionOut]
    summary: str
    timeline: list[TimelineOut]
    deadlines: list[DeadlineOut]
    casualty_revision: RevisionWindowOut


class IncidentPage(Schema):
    count: int
    items: list[IncidentOut]


def _row(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.pk, "title": incident.title, "incident_type": incident.incident_type,
        "incident_type_label": gettext(incident.get_incident_type_display()), "industry": incident.industry,
        "source": incident.source, "occurred_at": incident.occurred_at, "reported_at": incident.reported_at,
        "reporter_name": incident.reporter_name, "reporter_phone": incident.reporter_phone,
        "deaths": incident.deaths, "serious_injuries": incident.serious_injuries,
        "direct_loss_yuan": float(incident.direct_loss_yuan), "level": incident.level, "response": incident.response,
        "status": incident.status, "status_label": gettext(incident.get_status_display()),
        "is_exercise": incident.is_exercise,
        "enterprise_id": incident.enterprise_id,
        "enterprise_name": incident.enterprise.name if incident.enterprise else None,
        "admin_area_code": incident.admin_area.code if incident.admin_area else None,
        "owner_department_id": incident.owner_department_id, "address": incident.address,
        "longitude": incident.longitude, "latitude": incident.latitude, "closed_at": incident.closed_at,
    }


def _entry(entry: TimelineEntry) -> dict[str, Any]:
    return {"id": entry.pk, "time": entry.time, "kind": entry.kind, "kind_label": gettext(entry.get_kind_display()),
            "text": entry.text, "actor_name": entry.actor_name, "data": entry.data}


def _detail(incident: Incident) -> dict[str, Any]:
    return {**_row(incident), "decided_by": incident.decided_by, "summary": incident.summary,
            "timeline": [_entry(e) for e in incident.timeline.all()],
            "deadlines": incidents.deadlines(incident, timezone.now()),
            "casualty_revision": incidents.casualty_revision(incident, timezone.now())}


def _reloaded(request: HttpRequest, incident: Incident) -> dict[str, Any]:
    return _detail(queries.visible_incident(request.user, incident.pk))


class IncidentFilter(Schema):
    """The list's filters, shared by the page of results and the export."""

    status: StatusName | None = None
    level: Literal["特别重大", "重大", "较大", "一般"] | None = None
    incident_type: TypeName | None = None
    is_exercise: bool | None = None
    enterprise: int | None = None
    occurred_from: datetime | None = Field(None, description="发生时间不早于（带时区）")
    occurred_to: datetime | None = Field(None, description="发生时间早于（带时区）")

    def apply(self, found: QuerySet[Incident]) -> QuerySet[Incident]:
        lookups = {"status": self.status, "level": self.level, "incident_type": self.incident_type,
                   "is_exercise": self.is_exercise, "enterprise_id": self.enterprise,
                   "occurred_at__gte": self.occurred_from, "occurred_at__lt": self.occurred_to}
        return found.filter(**{name: value for name, value in lookups.items() if value is not None})


@router.get("/incidents", response=IncidentPage, summary="突发事件列表（可同时处置多起）")
def list_incidents(request: HttpRequest, filters: Query[IncidentFilter], limit: int = 50,
                   offset: int = 0) -> dict[str, Any]:
    found = filters.apply(queries.visible_incidents(request.user))
    limit, offset = max(1, min(limit, 1000)), max(offset, 0)
    return {"count": found.count(), "items": [_row(i) for i in found[offset : offset + limit]]}


@router.get("/incidents/export", summary="导出突发事件列表（xlsx、csv；与列表相同的筛选条件）")
def export_incidents(request: HttpRequest, filters: Query[IncidentFilter],
                     format: Literal["xlsx", "csv"] = "xlsx") -> HttpResponseBase:  # noqa: A002 - API field name
    found = filters.apply(queries.visible_incidents(request.user))
    return stream_export(format, "突发事件", incident_export.HEADERS, incident_export.rows(found, timezone.now()))


@router.post("/incidents", response={201: IncidentDetailOut}, summary="接报突发事件（自动定级）")
def open_incident(request: HttpRequest, payload: IncidentIn) -> Status[Any]:
    data = payload.dict()
    for name in ("reported_at", "occurred_at", "industry"):  # omitted: the service's defaults apply
        if data[name] is None:
            del data[name]
    incident = incidents.open_incident(data, actor=request.user)
    return Status(201, _reloaded(request, incident))


class FromAlarmIn(Schema):
    alarm: int = Field(description="监测报警编号")
    incident_type: TypeName = "production_safety"
    title: str = Field("", max_length=200, description="省略时取设备名称与报警内容")


@router.post("/incidents/from-alarm", response={201: IncidentDetailOut}, summary="由监测报警转为突发事件")
def open_from_alarm(request: HttpRequest, payload: FromAlarmIn) -> Status[Any]:
    """The alarm must be one the user can read; its device gives the place and the enterprise."""
    alarm = Alarm.objects.for_user(request.user).select_related("channel__device").filter(pk=payload.alarm).first()
    if alarm is None:
        raise ValidationError({"alarm": f"报警 {payload.alarm} 不存在或超出您的查看范围"})
    incident = intake.open_from_alarm(alarm, payload.dict(), actor=request.user)
    return Status(201, _reloaded(request, incident))


class SitrepSectionOut(Schema):
    heading: str
    lines: list[str]


class SitrepOut(Schema):
    number: int = Field(description="第几次报告（1 为首报）")
    title: str
    sections: list[SitrepSectionOut]
    text: str


class SitrepIn(Schema):
    report_to: str = Field(..., max_length=100, description="报送对象，与报告时限中的名称一致时该时限记为已报")


def _sitrep(report: sitrep.SituationReport) -> dict[str, Any]:
    return {"number": report.number, "title": report.title, "text": report.text,
            "sections": [{"heading": h, "lines": lines} for h, lines in report.sections]}


@router.get("/incidents/{pk}/sitrep", response=SitrepOut, summary="生成下一次续报（自上次报告以来的进展）")
def preview_sitrep(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _sitrep(sitrep.build(queries.visible_incident(request.user, pk)))


@router.post("/incidents/{pk}/sitreps", response={201: SitrepOut},
             summary="报送续报（记入时间线，对应报告时限记为已报）")
def send_sitrep(request: HttpRequest, pk: int, payload: SitrepIn) -> Status[dict[str, Any]]:
    report, _ = sitrep.send(queries.writable_incident(request.user, pk), payload.report_to, actor=request.user)
    return Status(201, _sitrep(report))


class AttachmentOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    note: str
    uploaded_at: datetime
    url: str


def _attachment(a: IncidentAttachment) -> dict[str, Any]:
    return {"id": a.pk, "original_name": a.original_name, "content_type": a.content_type, "size": a.size,
            "note": a.note, "uploaded_at": a.uploaded_at,
            "url": f"/api/v1/command/incidents/{a.incident_id}/attachments/{a.pk}"}


@router.get("/incidents/{pk}/attachments", response=list[AttachmentOut], summary="事件附件")
def list_attachments(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    incident = queries.visible_incident(request.user, pk)
    return [_attachment(a) for a in IncidentAttachment.objects.filter(incident=incident)]


@router.post("/incidents/{pk}/attachments", response={201: AttachmentOut},
             summary="上传事件附件（照片、PDF、Word、Excel，≤ 20 MB）")
def upload_attachment(request: HttpRequest, pk: int, file: File[UploadedFile], note: Form[str] = "") -> Status[Any]:
    incident = queries.writable_incident(request.user, pk)
    attachment = attachments.attach(incident, file.name or "附件", file.read(), actor=request.user, note=note)
    return Status(201, _attachment(attachment))


@router.get("/incidents/{pk}/attachments/{attachment_pk}", summary="下载事件附件（仅限有权查看该事件的用户）")
def download_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    incident = queries.visible_incident(request.user, pk)
    attachment = get_object_or_404(IncidentAttachment, pk=attachment_pk, incident=incident)
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type, as_attachment=True,
                        filename=attachment.original_name)


@router.get("/incidents/{pk}", response=IncidentDetailOut, summary="事件详情、时间线与报告时限")
def get_incident(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _detail(queries.visible_incident(request.user, pk))


@router.patch("/incidents/{pk}", response=IncidentDetailOut, summary="修改事件（伤亡损失变化时重新定级）")
def update_incident(request: HttpRequest, pk: int, payload: IncidentPatch) -> dict[str, Any]:
    incident = incidents.update_incident(queries.writable_incident(request.user, pk),
                                         payload.dict(exclude_unset=True), actor=request.user)
    return _reloaded(request, incident)


@router.post("/incidents/{pk}/casualty-revisions", response={201: IncidentDetailOut},
             summary="伤亡人数补报（第十三条：30 日内，道路交通、火灾 7 日内；逾期照录并标注）")
def revise_casualties(request: HttpRequest, pk: int, payload: RevisionIn) -> Status[Any]:
    """Also for a closed incident: a later death must reach the record and its level."""
    incident = incidents.revise_casualties(queries.writable_incident(request.user, pk), actor=request.user,
                                           deaths=payload.deaths, serious_injuries=payload.serious_injuries,
                                           note=payload.note)
    return Status(201, _reloaded(request, incident))


@router.post("/incidents/{pk}/timeline", response={201: TimelineOut}, summary="追加时间线（报送、决策、调度、备注）")
def add_timeline_entry(request: HttpRequest, pk: int, payload: TimelineIn) -> Status[Any]:
    entry = incidents.add_timeline_entry(queries.writable_incident(request.user, pk), payload.kind, payload.text,
                                         actor=request.user, time=payload.time, data=payload.data)
    return Status(201, _entry(entry))


@router.post("/incidents/{pk}/status", response=IncidentDetailOut, summary="变更事件状态（结案须填摘要）")
def change_status(request: HttpRequest, pk: int, payload: StatusIn) -> dict[str, Any]:
    incident = incidents.change_status(queries.writable_incident(request.user, pk), payload.status,
                                       actor=request.user, summary=payload.summary)
    return _reloaded(request, incident)


@router.get("/incidents/{pk}/deadlines", response=list[DeadlineOut], summary="事故报告时限倒计时（国务院令第493号）")
def get_deadlines(request: HttpRequest, pk: int) -> list[incidents.Deadline]:
    return incidents.deadlines(queries.visible_incident(request.user, pk), timezone.now())
