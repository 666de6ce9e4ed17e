"""Inspections and daily operations under /api/v1/prevention: checkpoints (with QR codes), routes, inspection
records, missed rounds, equipment maintenance, the daily safety commitment."""

from __future__ import annotations

from datetime import datetime
from typing import Any, BinaryIO, Literal, cast

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from . import qr, queries
from .exporting import export_list
from .models import Checkpoint, InspectionRecord, Route
from .schemas import PhotoOut, page, photos
from .services import inspections
from .services import photos as photo_services

router = Router(tags=["prevention"])
FrequencyName = Literal["shift", "day", "week"]


# --- checkpoints ------------------------------------------------------------------------------------
class CheckpointIn(Schema):
    enterprise: int | None = None
    name: str = Field(..., min_length=1, max_length=200)
    location: str = ""
    check_items: list[str] = Field(..., min_length=1)
    risk_point: int | None = None
    active: bool = True


class CheckpointPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    location: str | None = None
    check_items: list[str] | None = None
    risk_point: int | None = None
    active: bool | None = None


class CheckpointOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    name: str
    location: str
    check_items: list[str]
    risk_point_id: int | None
    qr_token: str
    active: bool


def _checkpoint(c: Checkpoint) -> dict[str, Any]:
    return {"id": c.pk, "enterprise_id": c.enterprise_id, "enterprise_name": c.enterprise.name, "name": c.name,
            "location": c.location, "check_items": c.check_items, "risk_point_id": c.risk_point_id,
            "qr_token": c.qr_token, "active": c.active}


class CheckpointPage(Schema):
    count: int
    items: list[CheckpointOut]


@router.get("/checkpoints", response=CheckpointPage, summary="巡检点列表")
def list_checkpoints(request: HttpRequest, enterprise: int | None = None, limit: int = 100,
                     offset: int = 0) -> dict[str, Any]:
    count, items = page(queries.checkpoints(request.user, {"enterprise": enterprise}), limit, offset)
    return {"count": count, "items": [_checkpoint(c) for c in items]}


@router.post("/checkpoints", response={201: CheckpointOut}, summary="新增巡检点（自动生成二维码编码）")
def create_checkpoint(request: HttpRequest, payload: CheckpointIn) -> Status[Any]:
    point = inspections.create_checkpoint(payload.dict(), actor=request.user)
    return Status(201, _checkpoint(queries.visible_one(Checkpoint, request.user, point.pk)))


@router.get("/checkpoints/scan", response=CheckpointOut, summary="扫码：按二维码编码查找巡检点")
def scan_checkpoint(request: HttpRequest, token: str) -> dict[str, Any]:
    return _checkpoint(queries.checkpoint_by_token(request.user, token))


@router.get("/checkpoints/export", summary="导出巡检点（xlsx、csv）")
def export_checkpoints(request: HttpRequest, format: str = "xlsx",  # noqa: A002 - API field name
                       enterprise: int | None = None) -> HttpResponseBase:
    params = {"enterprise": enterprise}
    return export_list(format, "巡检点", ("企业", "巡检点", "位置", "检查项目", "启用", "二维码编码"),
                       queries.checkpoints(request.user, params),
                       lambda c: (c.enterprise.name, c.name, c.location, "；".join(c.check_items),
                                  "是" if c.active else "否", c.qr_token),
                       user=request.user, params=params)


@router.get("/checkpoints/{pk}", response=CheckpointOut, summary="巡检点详情")
def get_checkpoint(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _checkpoint(queries.visible_one(Checkpoint, request.user, pk))


@router.get("/checkpoints/{pk}/qr.svg", summary="巡检点二维码（SVG，可打印）")
def checkpoint_qr(request: HttpRequest, pk: int) -> HttpResponse:
    point = queries.visible_one(Checkpoint, request.user, pk)
    body = qr.svg(qr.checkpoint_url(request.build_absolute_uri("/"), point.qr_token))
    return HttpResponse(body, content_type="image/svg+xml")


@router.patch("/checkpoints/{pk}", response=CheckpointOut, summary="修改巡检点")
def update_checkpoint(request: HttpRequest, pk: int, payload: CheckpointPatch) -> dict[str, Any]:
    inspections.update_checkpoint(queries.writable_one(Checkpoint, request.user, pk),
                                  payload.dict(exclude_unset=True), actor=request.user)
    return _checkpoint(queries.visible_one(Checkpoint, request.user, pk))


@router.delete("/checkpoints/{pk}", response={204: None}, summary="删除巡检点（无巡检记录时）")
def delete_checkpoint(request: HttpRequest, pk: int) -> Status[None]:
    inspections.delete_checkpoint(queries.writable_one(Checkpoint, request.user, pk), actor=request.user)
    return Status(204, None)


# --- routes -----------------------------------------------------------------------------------------
class RouteIn(Schema):
    enterprise: int | None = None
    name: str = Field(..., min_length=1, max_length=200)
    frequency: FrequencyName = "day"
    active: bool = True
    checkpoints: list[int] = Field(..., min_length=1, description="巡检点 id，按巡检顺序")


class RoutePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    frequency: FrequencyName | None = None
    active: bool | None = None
    checkpoints: list[int] | None = None


class StopOut(Schema):
    order: int
    checkpoint_id: int
    checkpoint_name: str


class RouteOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    name: str
    frequency: str
    frequency_label: str
    active: bool
    active_since: datetime
    stops: list[StopOut]


def _route(r: Route) -> dict[str, Any]:
    return {"id": r.pk, "enterprise_id": r.enterprise_id, "enterprise_name": r.enterprise.name, "name": r.name,
            "frequency": r.frequency, "frequency_label": r.get_frequency_display(), "active": r.active,
            "active_since": r.active_since,
            "stops": [{"order": s.order, "checkpoint_id": s.checkpoint_id, "checkpoint_name": s.checkpoint.name}
                      for s in r.stops.all()]}


def _route_by_pk(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _route(queries.routes(request.user, {}).get(pk=pk))


@router.get("/routes", response=list[RouteOut], summary="巡检路线与频次")
def list_routes(request: HttpRequest, enterprise: int | None = None) -> list[dict[str, Any]]:
    return [_route(r) for r in queries.routes(request.user, {"enterprise": enterprise})[:1000]]


@router.post("/routes", response={201: RouteOut}, summary="新增巡检路线（有序巡检点、每班/每天/每周）")
def create_route(request: HttpRequest, payload: RouteIn) -> Status[Any]:
    data = payload.dict()
    route = inspections.create_route({k: v for k, v in data.items() if k != "checkpoints"}, data["checkpoints"],
                                     actor=request.user)
    return Status(201, _route_by_pk(request, route.pk))


@router.get("/routes/export", summary="导出巡检路线（xlsx、csv）")
def export_routes(request: HttpRequest, format: str = "xlsx",  # noqa: A002 - API field name
                  enterprise: int | None = None) -> HttpResponseBase:
    params = {"enterprise": enterprise}
    return export_list(format, "巡检路线", ("企业", "路线", "频次", "启用", "巡检点（顺序）"),
                       queries.routes(request.user, params),
                       lambda r: (r.enterprise.name, r.name, r.get_frequency_display(), "是" if r.active else "否",
                                  " → ".join(s.checkpoint.name for s in r.stops.all())),
                       user=request.user, params=params)


@router.get("/routes/{pk}", response=RouteOut, summary="巡检路线详情")
def get_route(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _route(queries.visible_one(Route, request.user, pk))


@router.patch("/routes/{pk}", response=RouteOut, summary="修改巡检路线")
def update_route(request: HttpRequest, pk: int, payload: RoutePatch) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    stops = data.pop("checkpoints", None)
    inspections.update_route(queries.writable_one(Route, request.user, pk), data, stops, actor=request.user)
    return _route_by_pk(request, pk)


@router.delete("/routes/{pk}", response={204: None}, summary="删除巡检路线")
def delete_route(request: HttpRequest, pk: int) -> Status[None]:
    inspections.delete_route(queries.writable_one(Route, request.user, pk), actor=request.user)
    return Status(204, None)


# --- inspection records and missed rounds -----------------------------------------------------------
class ResultIn(Schema):
    item: str
    ok: bool
    note: str = ""


class RecordIn(Schema):
    checkpoint: int | None = Field(None, description="巡检点 id（或给出 qr_token）")
    qr_token: str | None = Field(None, description="扫码得到的二维码编码")
    route: int | None = None
    checked_at: datetime | None = Field(None, description="默认当前时间")
    results: list[ResultIn]
    note: str = ""


class RecordOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    checkpoint_id: int
    checkpoint_name: str
    route_id: int | None
    inspector_name: str
    checked_at: datetime
    scanned: bool
    results: list[dict[str, Any]]
    abnormal: bool
    note: str
    photos: list[PhotoOut]


def _record(r: InspectionRecord) -> dict[str, Any]:
    return {"id": r.pk, "enterprise_id": r.enterprise_id, "enterprise_name": r.enterprise.name,
            "checkpoint_id": r.checkpoint_id, "checkpoint_name": r.checkpoint.name, "route_id": r.route_id,
            "inspector_name": r.inspector.full_name or r.inspector.username, "checked_at": r.checked_at,
            "scanned": r.scanned, "results": r.results, "abnormal": r.abnormal, "note": r.note,
            "photos": photos(r)}


class RecordPage(Schema):
    count: int
    items: list[RecordOut]


@router.get("/inspection-records", response=RecordPage, summary="巡检记录")
def list_records(request: HttpRequest, enterprise: int | None = None, checkpoint: int | None = None,
                 abnormal: bool = False, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    rows = queries.inspection_records(request.user, {"enterprise": enterprise, "checkpoint": checkpoint,
                                                     "abnormal": abnormal}).prefetch_related("photos")
    count, items = page(rows, limit, offset)
    return {"count": count, "items": [_record(r) for r in items]}


@router.post("/inspection-records", response={201: RecordOut}, summary="提交巡检记录（扫码或选择巡检点）")
def create_record(request: HttpRequest, payload: RecordIn) -> Status[Any]:
    if payload.qr_token:
        point = queries.checkpoint_by_token(request.user, payload.qr_token)
    else:
        point = queries.writable_one(Checkpoint, request.user, payload.checkpoint or 0)
    route = queries.visible_one(Route, request.user, payload.route) if payload.route else None
    record = inspections.record_inspection(point, [r.dict() for r in payload.results], actor=request.user,
                                           route=route, checked_at=payload.checked_at,
                                           scanned=bool(payload.qr_token), note=payload.note)
    return Status(201, _record(queries.visible_one(InspectionRecord, request.user, record.pk)))


@router.get("/inspection-records/export", summary="导出巡检记录（xlsx、csv）")
def export_records(request: HttpRequest, format: str = "xlsx",  # noqa: A002 - API field name
                   enterprise: int | None = None) -> HttpResponseBase:
    params = {"enterprise": enterprise}
    return export_list(format, "巡检记录", ("企业", "巡检点", "巡检人", "巡检时间", "扫码", "异常", "检查结果", "备注"),
                       queries.inspection_records(request.user, params),
                       lambda r: (r.enterprise.name, r.checkpoint.name, r.inspector.full_name or r.inspector.username,
                                  r.checked_at, "是" if r.scanned else "否", "是" if r.abnormal else "否",
                                  "；".join(f"{x['item']}：{'正常' if x['ok'] else '异常 ' + x['note']}"
                                           for x in r.results), r.note),
                       user=request.user, params=params)


@router.get("/inspection-records/{pk}", response=RecordOut, summary="巡检记录详情")
def get_record(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _record(queries.visible_one(InspectionRecord, request.user, pk))


@router.post("/inspection-records/{pk}/photos", response={201: PhotoOut}, summary="上传巡检照片（JPEG/PNG）")
def add_record_photo(request: HttpRequest, pk: int, file: File[UploadedFile], caption: Form[str] = "") -> Status[Any]:
    photo = photo_services.attach_photo(queries.writable_one(InspectionRecord, request.user, pk),
                                        cast(BinaryIO, file), caption, actor=request.user)
    return Status(201, {"id": photo.pk, "caption": photo.caption, "content_type": photo.content_type,
                        "url": f"/api/v1/prevention/photos/{photo.pk}"})


class MissedOut(Schema):
    id: int
    route_id: int
    route_name: str
    enterprise_id: int
    enterprise_name: str
    period_start: datetime
    period_end: datetime
    missing: list[str]


def _missed(m: Any) -> dict[str, Any]:
    return {"id": m.pk, "route_id": m.route_id, "route_name": m.route.name, "enterprise_id": m.route.enterprise_id,
            "enterprise_name": m.route.enterprise.name, "period_start": m.period_start, "period_end": m.period_end,
            "missing": m.missing}


@router.get("/missed-rounds", response=list[MissedOut], summary="漏检记录（由定时检查生成）")
def list_missed(request: HttpRequest, enterprise: int | None = None, limit: int = 200) -> list[dict[str, Any]]:
    rows = queries.missed_rounds(request.user, {"enterprise": enterprise})
    return [_missed(m) for m in rows[: max(1, min(limit, 1000))]]


@router.get("/missed-rounds/export", summary="导出漏检记录（xlsx、csv）")
def export_missed(request: HttpRequest, format: str = "xlsx",  # noqa: A002 - API field name
                  enterprise: int | None = None) -> HttpResponseBase:
    params = {"enterprise": enterprise}
    return export_list(format, "漏检记录", ("企业", "巡检路线", "周期开始", "周期结束", "未巡检的巡检点"),
                       queries.missed_rounds(request.user, params),
                       lambda m: (m.route.enterprise.name, m.route.name, m.period_start, m.period_end,
                                  "、".join(m.missing)),
                       user=request.user, params=params)
