"""监测预警 API (mounted under /api/v1/monitoring): ingestion, devices, alarms, series. Thin: parse, call, shape."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from . import alarms, devices, ingest, queries
from .alarm_api import AlarmFilterIn
from .alarm_api import router as alarm_router
from .auth import INGEST_AUTH
from .models import Alarm, Channel, Device

router = Router(tags=["monitoring"])
router.add_router("", alarm_router)  # statistics, export, handling (/alarms/{int:pk} leaves "stats" to it)


# --- ingestion ------------------------------------------------------------------------------------
class ReadingResultOut(Schema):
    index: int
    status: str
    reason: str = ""


class IngestOut(Schema):
    stored: int
    duplicate: int
    rejected: int
    results: list[ReadingResultOut]


@router.post("/readings", auth=INGEST_AUTH, response=IngestOut, summary="批量上报读数（JSON 数组或 NDJSON）",
             openapi_extra={"requestBody": {"content": {
                 "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                 "application/x-ndjson": {"schema": {"type": "string"}}}}})
def post_readings(request: HttpRequest) -> dict[str, Any]:
    """`[{"channel": 12 | "设备编码/指标", "time": "2026-11-28T08:00:00+08:00", "value": 12.5}, …]`, ≤ 10 000 条。"""
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise HttpError(413, "请求体过大，请分批提交（每批不超过 10 000 条读数）") from exc
    try:
        items = ingest.parse_body(body, request.content_type or "application/json")
    except ingest.BodyError as exc:
        raise HttpError(exc.status, str(exc)) from exc
    auth = request.auth  # type: ignore[attr-defined]
    writer = ingest.Writer(device_id=auth.pk) if isinstance(auth, Device) else ingest.Writer(user=request.user)
    results = ingest.ingest(items, writer=writer)
    counts = {s: sum(1 for r in results if r.status == s) for s in ("stored", "duplicate", "rejected")}
    return {**counts, "results": results}


# --- devices --------------------------------------------------------------------------------------
class ChannelOut(Schema):
    id: int
    metric: str
    unit: str
    range_min: float | None
    range_max: float | None
    sample_interval_s: float
    design_value: float | None
    rule_overrides: dict[str, float]


class DeviceOut(Schema):
    id: int
    code: str
    name: str
    device_type: str
    vendor: str
    protocol: str
    enterprise_id: int | None
    installation_point: str
    status: str
    longitude: float | None
    latitude: float | None
    channels: list[ChannelOut]

    @staticmethod
    def resolve_channels(obj: Device) -> list[Channel]:
        return list(obj.channels.all())


class ChannelIn(Schema):
    metric: str = Field(..., max_length=64)
    unit: str = Field(..., max_length=16)
    range_min: float | None = None
    range_max: float | None = None
    sample_interval_s: float = 30
    design_value: float | None = None
    rule_overrides: dict[str, float] = Field(default_factory=dict)


class DeviceIn(Schema):
    code: str = Field(..., max_length=64)
    name: str = Field(..., max_length=200)
    device_type: str
    vendor: str = ""
    protocol: str = "http"
    enterprise_id: int | None = None
    installation_point: str = ""
    address: str = ""
    longitude: float | None = None
    latitude: float | None = None
    channels: list[ChannelIn] = Field(default_factory=list)


class DevicePage(Schema):
    count: int
    items: list[DeviceOut]


@router.get("/devices", response=DevicePage, summary="监测设备列表")
def list_devices(request: HttpRequest, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    found = queries.visible_devices(request.user).prefetch_related("channels")
    offset, limit = max(offset, 0), max(1, min(limit, 1000))
    return {"count": found.count(), "items": list(found[offset : offset + limit])}


@router.post("/devices", response={201: DeviceOut}, summary="新增监测设备（含通道）")
def create_device(request: HttpRequest, payload: DeviceIn) -> Status[Device]:
    data = payload.dict()
    channels = data.pop("channels")
    device = devices.create_device_with_channels(data, channels, actor=request.user)
    return Status(201, device)


class CredentialOut(Schema):
    id: int
    prefix: str
    token: str = Field(..., description="只显示这一次，请妥善保存")


@router.post("/devices/{pk}/credentials", response={201: CredentialOut}, summary="签发设备令牌")
def issue_credential(request: HttpRequest, pk: int) -> Status[dict[str, Any]]:
    credential, raw = devices.issue_credential(queries.writable_device(request.user, pk), actor=request.user)
    return Status(201, {"id": credential.pk, "prefix": credential.prefix, "token": raw})


# --- series ---------------------------------------------------------------------------------------
class PointOut(Schema):
    time: datetime
    value: float


class SeriesOut(Schema):
    channel: int
    unit: str
    start: datetime
    end: datetime
    downsampled: bool
    points: list[PointOut]


@router.get("/channels/{pk}/series", response=SeriesOut, summary="通道读数曲线（最多约 2 000 点）")
def channel_series(request: HttpRequest, pk: int, start: datetime | None = None,
                   end: datetime | None = None) -> dict[str, Any]:
    channel = queries.visible_channel(request.user, pk)
    end = end or timezone.now()
    start = start or end - timedelta(hours=24)
    for name, value in (("start", start), ("end", end)):
        if value.tzinfo is None:
            raise HttpError(422, f"{name} 缺少时区（应如 2026-11-28T08:00:00+08:00）")
    if start >= end:
        raise HttpError(422, "start 必须早于 end")
    points, downsampled = queries.series(channel, start, end)
    return {"channel": channel.pk, "unit": channel.unit, "start": start, "end": end, "downsampled": downsampled,
            "points": points}


# --- alarms ---------------------------------------------------------------------------------------
class AlarmOut(Schema):
    id: int
    channel_id: int
    device_id: int = Field(..., alias="channel.device_id")
    device_code: str = Field(..., alias="channel.device.code")
    rule_id: str
    level: str
    grade: int
    category: str
    status: str
    message: str
    first_value: float | None
    first_at: datetime
    last_value: float | None
    last_at: datetime
    repeat_count: int
    recovered_at: datetime | None
    acknowledged_by_id: int | None
    acknowledged_at: datetime | None
    closed_by_id: int | None
    closed_at: datetime | None
    cause: str
    measures: str
    device_name: str = Field(..., alias="channel.device.name")
    device_type: str = Field(..., alias="channel.device.device_type")
    metric: str = Field(..., alias="channel.metric")
    unit: str = Field(..., alias="channel.unit")
    enterprise_name: str | None = Field(None, alias="channel.device.enterprise.name")
    department_name: str | None = Field(None, alias="channel.device.owner_department.name")
    area_name: str | None = Field(None, alias="channel.device.admin_area.name")
    false_alarm: bool
    raised_at: datetime
    assignee_id: int | None
    assignee_name: str | None = None
    assigned_at: datetime | None
    acknowledged_by_name: str | None = None
    escalated_at: datetime | None
    escalated_to_id: int | None
    escalated_to_name: str | None = Field(None, alias="escalated_to.name")

    @staticmethod
    def resolve_assignee_name(obj: Alarm) -> str | None:
        return str(obj.assignee) if obj.assignee_id else None

    @staticmethod
    def resolve_acknowledged_by_name(obj: Alarm) -> str | None:
        return str(obj.acknowledged_by) if obj.acknowledged_by_id else None


class AlarmPage(Schema):
    count: int
    items: list[AlarmOut]


@router.get("/alarms", response=AlarmPage, summary="报警列表")
def list_alarms(request: HttpRequest, filters: Query[AlarmFilterIn], limit: int = 50,
                offset: int = 0) -> dict[str, Any]:
    found = queries.visible_alarms(request.user, **filters.dict())
    offset, limit = max(offset, 0), max(1, min(limit, 1000))
    return {"count": found.count(), "items": list(found[offset : offset + limit])}


@router.get("/alarms/{int:pk}", response=AlarmOut, summary="一条报警")
def get_alarm(request: HttpRequest, pk: int) -> Alarm:
    return queries.visible_alarm(request.user, pk)


class AcknowledgeIn(Schema):
    note: str = Field("", max_length=500)


class CloseIn(Schema):
    cause: str = Field(..., max_length=2000)
    measures: str = Field(..., max_length=2000)
    false_alarm: bool = Field(False, description="认定为误报（计入误报率）")


@router.post("/alarms/{pk}/acknowledge", response=AlarmOut, summary="确认报警")
def acknowledge_alarm(request: HttpRequest, pk: int, payload: AcknowledgeIn | None = None) -> Alarm:
    alarm = queries.writable_alarm(request.user, pk)
    return alarms.acknowledge(alarm, actor=request.user, note=payload.note if payload else "")


@router.post("/alarms/{pk}/close", response=AlarmOut, summary="关闭报警（须已确认；填写原因和处置措施，可认定为误报）")
def close_alarm(request: HttpRequest, pk: int, payload: CloseIn) -> Alarm:
    alarm = queries.writable_alarm(request.user, pk)
    return alarms.close(alarm, actor=request.user, cause=payload.cause, measures=payload.measures,
                        false_alarm=payload.false_alarm)
