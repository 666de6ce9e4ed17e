"""Alarm handling API (under /api/v1/monitoring): statistics, export, detail, assignment, notes and photos.

Mounted into the monitoring router by api.py. Thin: parse, call a query or a service, shape.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from yingji.core.exports import stream_export
from yingji.core.models import User

from . import handling, queries, statistics
from .constants import PHOTO_MAX_BYTES
from .models import Alarm, AlarmNote, AlarmPhoto

router = Router(tags=["monitoring"])


class AlarmFilterIn(Schema):
    """The console's filters, shared by the list, the export and the statistics."""

    status: str | None = None
    level: str | None = None
    category: str | None = None
    device: int | None = None
    department: int | None = None
    area: str | None = None
    device_type: str | None = None


def _aware(name: str, value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise HttpError(422, f"{name} 缺少时区（应如 2026-11-28T08:00:00+08:00）")
    return value


# --- statistics -----------------------------------------------------------------------------------
class StatsRowOut(Schema):
    key: Any
    label: str
    count: int
    acknowledged: int
    closed: int
    false_alarms: int
    false_alarm_rate: float | None = Field(..., description="误报数 / 已关闭数（关闭时才认定是否误报）")
    mean_acknowledge_s: float | None = Field(..., description="平均确认用时（秒，自报警产生起）")
    mean_close_s: float | None = Field(..., description="平均关闭用时（秒，自报警产生起）")


class StatsOut(Schema):
    group_by: str
    start: datetime | None
    end: datetime | None
    total: int
    rows: list[StatsRowOut]


@router.get("/alarms/stats", response=StatsOut, summary="报警统计（按企业、设备类型、级别、部门或区域）")
def alarm_stats(request: HttpRequest,
                group_by: Literal["enterprise", "device_type", "level", "department", "area"] = "enterprise",
                start: datetime | None = Query(None, alias="from"),  # noqa: B008 - ninja's parameter marker
                end: datetime | None = Query(None, alias="to")) -> dict[str, Any]:  # noqa: B008
    start, end = _aware("from", start), _aware("to", end)
    if start and end and start >= end:
        raise HttpError(422, "from 必须早于 to")
    rows = statistics.alarm_statistics(queries.visible_alarms(request.user), group_by, start, end)
    return {"group_by": group_by, "start": start, "end": end, "total": sum(r.count for r in rows), "rows": rows}


# --- export ---------------------------------------------------------------------------------------
EXPORT_COLUMNS = ("编号", "设备编码", "设备名称", "企业", "级别", "类别", "状态", "报警内容", "首次数值", "首次时间",
                  "最近数值", "恢复时间", "确认人", "确认时间", "处置人", "超时上报部门", "关闭时间", "误报",
                  "报警原因", "处置措施")


def _local(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _export_row(a: Alarm) -> list[Any]:
    device = a.channel.device
    return [a.pk, device.code, device.name, device.enterprise.name if device.enterprise else "",
            a.get_level_display(), a.get_category_display(), a.get_status_display(), a.message, a.first_value,
            _local(a.first_at), a.last_value, _local(a.recovered_at), str(a.acknowledged_by or ""),
            _local(a.acknowledged_at), str(a.assignee or ""), str(a.escalated_to or ""), _local(a.closed_at),
            "是" if a.false_alarm else "", a.cause, a.measures]


@router.get("/alarms/export", summary="导出报警列表（Excel 或 CSV，按列表相同的筛选条件）")
def export_alarms(request: HttpRequest, filters: Query[AlarmFilterIn],
                  format: Literal["xlsx", "csv"] = "xlsx") -> FileResponse:
    found = queries.visible_alarms(request.user, **filters.dict()).select_related("acknowledged_by")
    rows = (_export_row(a) for a in found.iterator(chunk_size=2000))
    return stream_export(format, "报警列表", EXPORT_COLUMNS, rows)


# --- detail ---------------------------------------------------------------------------------------
class PhotoOut(Schema):
    id: int
    url: str
    original_name: str
    content_type: str
    size: int


class NoteOut(Schema):
    id: int
    author: str
    text: str
    created_at: datetime
    photos: list[PhotoOut]


class PersonOut(Schema):
    id: int
    name: str
    role: str


def _photo_out(alarm_id: int, photo: AlarmPhoto) -> dict[str, Any]:
    return {"id": photo.pk, "url": f"/api/v1/monitoring/alarms/{alarm_id}/photos/{photo.pk}",
            "original_name": photo.original_name, "content_type": photo.content_type, "size": photo.size}


def _note_out(note: AlarmNote) -> dict[str, Any]:
    return {"id": note.pk, "author": str(note.author), "text": note.text, "created_at": note.created_at,
            "photos": [_photo_out(note.alarm_id, p) for p in note.photos.all()]}


@router.get("/alarms/{pk}/notes", response=list[NoteOut], summary="报警处置记录（含现场照片）")
def list_notes(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    alarm = queries.visible_alarm(request.user, pk)
    notes = alarm.notes.select_related("author").prefetch_related("photos")
    return [_note_out(n) for n in notes]


@router.post("/alarms/{pk}/notes", response={201: NoteOut},
             summary="添加处置记录，可附现场照片（JPEG/PNG/WebP，每张 ≤ 5 MB）")
def add_note(request: HttpRequest, pk: int, text: Form[str],
             photos: File[list[UploadedFile]] = None) -> Status[dict[str, Any]]:  # type: ignore[assignment]
    alarm = queries.writable_alarm(request.user, pk)
    uploads = [handling.PhotoUpload(name=f.name or "", content=f.read(PHOTO_MAX_BYTES + 1), size=f.size or 0)
               for f in (photos or [])]
    note = handling.add_note(alarm, text, actor=request.user, photos=uploads)
    return Status(201, _note_out(note))


@router.get("/alarms/{pk}/photos/{photo_pk}", summary="现场照片（仅限有权查看该报警的用户）")
def get_photo(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    alarm = queries.visible_alarm(request.user, pk)
    photo = get_object_or_404(AlarmPhoto, pk=photo_pk, note__alarm=alarm)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@router.get("/alarms/{pk}/assignees", response=list[PersonOut], summary="可指派的处置人（有权处置该报警的人员）")
def list_assignees(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    alarm = queries.writable_alarm(request.user, pk)
    return [{"id": u.pk, "name": str(u), "role": u.get_role_display()} for u in handling.assignable_users(alarm)]


class AssignIn(Schema):
    assignee: int
    note: str = Field("", max_length=500)


@router.post("/alarms/{pk}/assign", summary="指派处置人（报警须已确认）")
def assign_alarm(request: HttpRequest, pk: int, payload: AssignIn) -> dict[str, Any]:
    alarm = queries.writable_alarm(request.user, pk)
    assignee = User.objects.filter(pk=payload.assignee, is_active=True).first()
    if assignee is None:
        raise HttpError(422, f"处置人 {payload.assignee} 不存在或已停用")
    alarm = handling.assign(alarm, assignee, actor=request.user, note=payload.note)
    return {"id": alarm.pk, "status": alarm.status, "assignee_id": alarm.assignee_id,
            "assignee_name": str(alarm.assignee)}


# --- live device status (the map layer) -----------------------------------------------------------
class DeviceStatusOut(Schema):
    id: int
    code: str
    name: str
    device_type: str
    lon: float
    lat: float
    status: str = Field(..., description="alarm2 二级报警 · alarm1 一级报警 · offline 离线 · fault 故障 · "
                                         "maintenance 检修 · normal 正常")
    active_alarms: int


@router.get("/device-status", response=list[DeviceStatusOut], summary="监测设备实时状态（一张图图层）")
def device_status(request: HttpRequest) -> list[dict[str, Any]]:
    return queries.device_statuses(request.user)
