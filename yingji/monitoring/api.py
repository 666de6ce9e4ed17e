"""监测预警 API (mounted under /api/v1/monitoring): ingestion, devices, alarms, series. Thin: parse, call, shape."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, BinaryIO, cast

import orjson
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from yingji.core.exports import stream_export

from . import alarms, backfill, device_import, devices, ingest, queries, series
from .alarm_api import AlarmFilterIn
from .alarm_api import router as alarm_router
from .auth import INGEST_AUTH
from .models import Alarm, Channel, Device
from .rule_api import router as rule_router

router = Router(tags=["monitoring"])
router.add_router("", alarm_router)  # statistics, export, handling (/alarms/{int:pk} leaves "stats" to it)
router.add_router("", rule_router)  # a channel's rules: in force, and its own added, changed, removed


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
def post_readings(request: HttpRequest) -> HttpResponse:
    """`[{"channel": 12 | "设备编码/指标", "time": "2026-11-28T08:00:00+08:00", "value": 12.5}, …]`, ≤ 10 000 条。

    200 with one result per reading; 400 unreadable JSON (line and column); 401 no or bad token; 403 the
    batch names only channels the writer may not write; 413 over 10 000 readings or the size limit; 422 not
    an array of readings.
    """
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
    refused = ingest.refused_as_unwritable(results)
    if refused:
        raise HttpError(403, refused)
    # Serialised here rather than validated against IngestOut (the documented shape): 10 000 results
    # through the schema cost more than ingesting them.
    return HttpResponse(orjson.dumps(ingest.answer(results)), content_type="application/json")


class BackfillOut(Schema):
    """The row-by-row outcome of a backfill, dry run or not."""

    dry_run: bool
    total_rows: int
    valid_rows: int
    error_count: int
    written: int = Field(..., description="本次新存储的读数条数")
    duplicate: int = Field(..., description="此前已存储、未重复写入的条数")
    errors: list[dict[str, Any]]
    message: str


@router.post("/readings/backfill", response=BackfillOut, summary="补录历史读数（CSV/Excel，可先试运行）")
def backfill_readings(request: HttpRequest, file: File[UploadedFile], device: Form[str],
                      dry_run: Form[bool] = True, valid_rows_only: Form[bool] = False,
                      sheet: Form[str] = "") -> backfill.BackfillOutcome:
    """时间为带时区的 ISO 8601 或秒/毫秒时间戳；有错误时不写入，除非选择“仅导入有效行”；重复提交不会重复存储。"""
    target = queries.writable_device_by_code(request.user, device)
    return backfill.backfill(cast(BinaryIO, file), file.name or "upload.csv", target, actor=request.user,
                             dry_run=dry_run, valid_rows_only=valid_rows_only, sheet=sheet or None)


# --- devices --------------------------------------------------------------------------------------
class ChannelOut(Schema):
    id: int
    metric: str
    unit: str
    range_min: float | None
    range_max: float | None
    sample_interval_s: float
    design_value: float | None
    publish_readings: bool
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
    publish_readings: bool = Field(False, description="读数存储后推送到实时事件流（monitoring.reading）")
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


class ImportReportOut(Schema):
    """The row-by-row outcome of a device import, dry run or not (as the registry's imports)."""

    dry_run: bool
    total_rows: int
    valid_rows: int
    error_count: int
    written: int = Field(..., description="导入的通道数")
    errors: list[dict[str, Any]]
    message: str


@router.post("/devices/import", response=ImportReportOut, summary="导入设备和通道（仪表清单 CSV/Excel，每行一个通道）")
def import_devices(request: HttpRequest, file: File[UploadedFile], dry_run: Form[bool] = True,
                   valid_rows_only: Form[bool] = False, sheet: Form[str] = "") -> Any:
    return device_import.import_devices(cast(BinaryIO, file), file.name or "upload.csv", actor=request.user,
                                        dry_run=dry_run, valid_rows_only=valid_rows_only, sheet=sheet or None)


@router.post("/devices/{pk}/channels", response={201: ChannelOut}, summary="为已有设备增加通道")
def add_channel(request: HttpRequest, pk: int, payload: ChannelIn) -> Status[Channel]:
    """403 只读用户；404 设备不在权限范围内；422 字段错误（如规则包不支持的指标、重复的指标）。"""
    device = queries.device_for_change(request.user, pk)
    return Status(201, devices.create_channel(device, payload.dict(), actor=request.user))


class ChannelPatch(Schema):
    metric: str | None = Field(None, max_length=64, description="通道已有读数后不能修改")
    unit: str | None = Field(None, max_length=16)
    range_min: float | None = None
    range_max: float | None = None
    sample_interval_s: float | None = None
    design_value: float | None = None
    publish_readings: bool | None = None


@router.patch("/channels/{pk}", response=ChannelOut, summary="修改通道（单位、量程、采样周期、设计值、实时推送）")
def update_channel(request: HttpRequest, pk: int, payload: ChannelPatch) -> Channel:
    """只改提交的字段；修改后规则立即按新参数生效。403 只读用户；404 不在权限范围内；422 字段错误。"""
    channel = queries.channel_for_change(request.user, pk)
    return devices.update_channel(channel, payload.dict(exclude_unset=True), actor=request.user)


class CredentialOut(Schema):
    id: int
    prefix: str
    token: str = Field(..., description="只显示这一次，请妥善保存")


@router.post("/devices/{pk}/credentials", response={201: CredentialOut}, summary="签发设备令牌")
def issue_credential(request: HttpRequest, pk: int) -> Status[dict[str, Any]]:
    credential, raw = devices.issue_credential(queries.writable_device(request.user, pk), actor=request.user)
    return Status(201, {"id": credential.pk, "prefix": credential.prefix, "token": raw})


class DevicePatch(Schema):
    name: str | None = Field(None, max_length=200)
    vendor: str | None = Field(None, max_length=100)
    protocol: str | None = Field(None, max_length=32)
    installation_point: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=300)
    longitude: float | None = None
    latitude: float | None = None
    status: str | None = Field(None, description="active 运行 · maintenance 检修（检修期间不产生离线报警）")


@router.patch("/devices/{pk}", response=DeviceOut, summary="修改监测设备")
def update_device(request: HttpRequest, pk: int, payload: DevicePatch) -> Device:
    device = queries.writable_device(request.user, pk)
    return devices.update_device(device, payload.dict(exclude_unset=True), actor=request.user)


class RetireIn(Schema):
    reason: str = Field("", max_length=500)


@router.post("/devices/{pk}/retire", response=DeviceOut, summary="停用设备（保留历史读数和报警，吊销令牌）")
def retire_device(request: HttpRequest, pk: int, payload: RetireIn | None = None) -> Device:
    device = queries.writable_device(request.user, pk)
    return devices.retire_device(device, actor=request.user, reason=payload.reason if payload else "")


class CredentialInfoOut(Schema):
    id: int
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@router.get("/devices/{pk}/credentials", response=list[CredentialInfoOut], summary="设备令牌列表（不含令牌原文）")
def list_credentials(request: HttpRequest, pk: int) -> Any:
    return queries.writable_device(request.user, pk).credentials.order_by("-created_at", "-pk")


@router.post("/credentials/{pk}/revoke", response=CredentialInfoOut, summary="吊销设备令牌")
def revoke_credential(request: HttpRequest, pk: int) -> Any:
    return devices.revoke_credential(queries.writable_credential(request.user, pk), actor=request.user)


# --- series ---------------------------------------------------------------------------------------
class PointOut(Schema):
    time: datetime = Field(..., description="读数时间；汇总时为时段开始")
    value: float = Field(..., description="读数；汇总时为时段平均值")
    min: float = Field(..., description="时段最小值（原始读数时等于 value）")
    max: float = Field(..., description="时段最大值（原始读数时等于 value）")
    count: int = Field(..., description="时段内读数条数")


class SeriesOut(Schema):
    channel: int
    unit: str
    start: datetime
    end: datetime
    downsampled: bool
    resolution: str = Field(..., description="raw 原始读数 · minute 分钟汇总 · hour 小时汇总")
    bucket_seconds: int | None = Field(..., description="每点时段宽度（秒）；原始读数为 null")
    points: list[PointOut]


@router.get("/channels/{pk}/series", response=SeriesOut, summary="通道读数曲线（最多约 2 000 点，含最小/最大值带）")
def channel_series(request: HttpRequest, pk: int, start: datetime | None = None,
                   end: datetime | None = None) -> HttpResponse:
    channel = queries.visible_channel(request.user, pk)
    end = end or timezone.now()
    start = start or end - timedelta(hours=24)
    for name, value in (("start", start), ("end", end)):
        if value.tzinfo is None:
            raise HttpError(422, f"{name} 缺少时区（应如 2026-11-28T08:00:00+08:00）")
    if start >= end:
        raise HttpError(422, "start 必须早于 end")
    found = series.series(channel, start, end)
    body = {"channel": channel.pk, "unit": channel.unit, "start": start.isoformat(), "end": end.isoformat(),
            "downsampled": found.downsampled, "resolution": found.resolution,
            "bucket_seconds": found.bucket_seconds, "points": found.points}
    # Up to 2 000 points: serialised by orjson directly (validating each through the schema cost more than the
    # query); the shape is SeriesOut's, which the tests check.
    return HttpResponse(orjson.dumps(body, option=orjson.OPT_UTC_Z), content_type="application/json")


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


# --- dead letters ---------------------------------------------------------------------------------
class DeadLetterOut(Schema):
    id: int
    source: str
    topic: str
    device_code: str
    device_id: int | None
    payload: str = Field(..., alias="payload_text", description="原始消息（按 UTF-8 显示）")
    payload_size: int
    truncated: bool
    reason: str
    rejected: int
    count: int
    received_at: datetime
    last_received_at: datetime


class DeadLetterPage(Schema):
    count: int
    items: list[DeadLetterOut]


@router.get("/dead-letters", response=DeadLetterPage, summary="死信：无法处理的设备消息及原因")
def list_dead_letters(request: HttpRequest, device: int | None = None, limit: int = 50,
                      offset: int = 0) -> dict[str, Any]:
    found = queries.visible_dead_letters(request.user, device=device)
    offset, limit = max(offset, 0), max(1, min(limit, 200))
    return {"count": found.count(), "items": list(found[offset : offset + limit])}


DEAD_LETTER_HEADERS = ("编号", "来源", "主题", "设备编码", "原因", "被拒读数", "收到次数", "首次接收时间",
                       "最近接收时间", "消息字节数", "已截断", "原始消息")


@router.get("/dead-letters/export", summary="导出死信（xlsx、csv）")
def export_dead_letters(request: HttpRequest, format: str = "xlsx",  # noqa: A002 - API field name
                        device: int | None = None) -> HttpResponseBase:
    letters = queries.visible_dead_letters(request.user, device=device)

    def rows() -> Any:
        for d in letters.iterator(chunk_size=200):
            yield (d.pk, d.get_source_display(), d.topic, d.device_code, d.reason, d.rejected, d.count,
                   timezone.localtime(d.received_at), timezone.localtime(d.last_received_at), d.payload_size,
                   "是" if d.truncated else "否", d.payload_text[:32_000])

    return stream_export(format, "监测死信", DEAD_LETTER_HEADERS, rows())
