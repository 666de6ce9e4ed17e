"""Tools with e-locks: registration (with the lock's credential, shown once), the QR code, unlock requests by
workers, and the lock's own reports (authenticated with the lock's device token)."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any, Literal

import segno
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from yingji.monitoring.auth import DeviceToken
from yingji.monitoring.models import Device

from . import locks, queries
from .constants import UNLOCK_TOKEN_TTL
from .models import Tool

router = Router(tags=["worksafety"])


class ToolIn(Schema):
    enterprise: int | None = Field(None, description="企业 id；企业用户可省略（默认本企业）")
    name: str = Field(..., min_length=1, max_length=100)
    kind: Literal["welder", "cutter", "gas_cutting", "grinder"]
    serial_no: str = ""
    lock_id: str = Field(..., min_length=1, max_length=64)


class ToolOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    name: str
    kind: str
    kind_label: str
    serial_no: str
    lock_id: str
    device_id: int
    is_active: bool
    scan_url: str


class ToolCreatedOut(ToolOut):
    lock_credential: str = Field(..., description="电子锁上报用的设备令牌，仅此一次显示，请写入电子锁")
    lock_public_key: str = Field(..., description="平台验签公钥（Ed25519，32 字节，base64）")


class UnlockIn(Schema):
    worker_certificate: str = Field(..., min_length=1, max_length=64, description="扫码人员的作业证书编号")
    longitude: float | None = None
    latitude: float | None = None


class UnlockOut(Schema):
    token: str
    expires_in_s: int
    permit: str


class LockEventIn(Schema):
    state: Literal["unlocked", "locked"]
    at: datetime | None = None
    token: str = Field("", max_length=1024, description="开锁时锁所验证的令牌")


class LockEventOut(Schema):
    id: int
    state: str
    authorised: bool
    problem: str


class PublicKeyOut(Schema):
    algorithm: str
    public_key: str


def scan_url(request: HttpRequest, tool: Tool) -> str:
    """What the tool's QR code encodes: the scan page of this tool."""
    return request.build_absolute_uri(reverse("worksafety:tool_scan", args=[tool.pk]))


def tool_row(request: HttpRequest, t: Tool) -> dict[str, Any]:
    return {"id": t.pk, "enterprise_id": t.enterprise_id, "enterprise_name": t.enterprise.name, "name": t.name,
            "kind": t.kind, "kind_label": t.get_kind_display(), "serial_no": t.serial_no, "lock_id": t.lock_id,
            "device_id": t.device_id, "is_active": t.is_active, "scan_url": scan_url(request, t)}


@router.get("/elock/public-key", response=PublicKeyOut, summary="电子锁验签公钥（写入每把锁）")
def elock_public_key(request: HttpRequest) -> dict[str, str]:
    return {"algorithm": "Ed25519", "public_key": base64.b64encode(locks.public_key()).decode()}


@router.get("/tools", response=list[ToolOut], summary="动火工具（电焊机、切割机）列表")
def list_tools(request: HttpRequest, enterprise: int | None = None) -> list[dict[str, Any]]:
    tools = queries.visible_tools(request.user)
    if enterprise is not None:
        tools = tools.filter(enterprise_id=enterprise)
    return [tool_row(request, t) for t in tools]


@router.post("/tools", response={201: ToolCreatedOut}, summary="登记动火工具及其电子锁")
def register_tool(request: HttpRequest, payload: ToolIn) -> Status[Any]:
    tool, credential = locks.register_tool(payload.dict(), actor=request.user)
    tool = queries.visible_tool(request.user, tool.pk)
    return Status(201, {**tool_row(request, tool), "lock_credential": credential,
                        "lock_public_key": base64.b64encode(locks.public_key()).decode()})


@router.get("/tools/{pk}", response=ToolOut, summary="工具详情")
def get_tool(request: HttpRequest, pk: int) -> dict[str, Any]:
    return tool_row(request, queries.visible_tool(request.user, pk))


@router.get("/tools/{pk}/qr.svg", summary="工具二维码（SVG，可打印）")
def tool_qr(request: HttpRequest, pk: int) -> HttpResponse:
    tool = queries.visible_tool(request.user, pk)
    svg = segno.make(scan_url(request, tool), error="m").svg_inline(scale=6, title=f"{tool.name} {tool.lock_id}")
    return HttpResponse(svg, content_type="image/svg+xml")


@router.post("/tools/{pk}/unlock", response={200: UnlockOut}, summary="扫码申请开锁（签发一次性开锁令牌）")
def unlock_tool(request: HttpRequest, pk: int, payload: UnlockIn) -> dict[str, Any]:
    """Granted: a signed token valid for a short time, to hand to the lock. Refused: 422 with the reason."""
    outcome = locks.request_unlock(queries.writable_tool(request.user, pk), actor=request.user,
                                   worker_certificate=payload.worker_certificate,
                                   longitude=payload.longitude, latitude=payload.latitude)
    if outcome.token is None:
        raise HttpError(422, f"拒绝开锁：{outcome.request.reason}")
    assert outcome.request.permit is not None
    return {"token": outcome.token, "expires_in_s": int(UNLOCK_TOKEN_TTL.total_seconds()),
            "permit": outcome.request.permit.number}


@router.post("/tools/{pk}/events", auth=[DeviceToken()], response={201: LockEventOut},
             summary="电子锁上报开锁/上锁（锁的设备令牌认证）")
def lock_event(request: HttpRequest, pk: int, payload: LockEventIn) -> Status[Any]:
    device = getattr(request, "auth", None)
    tool = locks.tool_for_device(device) if isinstance(device, Device) else None
    if tool is None or tool.pk != pk:
        raise Http404
    event = locks.report_lock_event(tool, state=payload.state, at=payload.at, token=payload.token)
    return Status(201, event)
