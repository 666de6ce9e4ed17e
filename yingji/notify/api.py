"""消息通知 API (mounted under /api/v1/notify): channels, routing rules, the delivery log, the inbox. Thin.

Channels and rules are read and changed within the user's scope (their department's; all for county
administrators); a channel's secret is write-only: answers say only whether one is set.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Field, Query, Router, Schema, Status

from yingji.core.exports import stream_export

from . import queries, services, throttle
from .models import Channel, Delivery, InboxMessage, RoutingRule

router = Router(tags=["notify"])

Kind = Literal["inapp", "webhook", "dingtalk", "wecom", "email", "sms"]
StatusName = Literal["queued", "sent", "failed", "dead", "merged"]


# --- channels ----------------------------------------------------------------------------------------------
class RecipientIO(Schema):
    user: int | None = None
    department: int | None = None
    name: str = Field("", max_length=100)
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=254)


class ChannelIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    kind: Kind
    url: str = Field("", max_length=500)
    method: Literal["POST", "GET"] = "POST"
    headers: dict[str, str] = Field(default_factory=dict)
    body_template: str = ""
    secret: str = Field("", max_length=500,
                        description="钉钉加签密钥、Webhook 签名密钥、SMTP 密码或短信网关密钥；只写不读")
    sender_address: str = Field("", max_length=200)
    max_attempts: int = Field(6, ge=1, le=20)
    rate_limit_per_minute: int | None = Field(
        None, description="群机器人与 Webhook 每分钟最多发送条数，超出的合并为一条汇总；"
                          "空为默认（钉钉、企业微信 20，Webhook 不限）")
    is_active: bool = True
    owner_department: int | None = None
    note: str = Field("", max_length=300)
    recipients: list[RecipientIO] = Field(default_factory=list)


class ChannelPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    url: str | None = Field(None, max_length=500)
    method: Literal["POST", "GET"] | None = None
    headers: dict[str, str] | None = None
    body_template: str | None = None
    secret: str | None = Field(None, max_length=500, description="留空则保留原密钥")
    sender_address: str | None = Field(None, max_length=200)
    max_attempts: int | None = Field(None, ge=1, le=20)
    rate_limit_per_minute: int | None = Field(None, description="空为默认；PATCH 中省略则不变")
    is_active: bool | None = None
    owner_department: int | None = None
    note: str | None = Field(None, max_length=300)
    recipients: list[RecipientIO] | None = None


class ChannelOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    url: str = Field(..., description="查询参数与密码已隐去")
    method: str
    headers: list[str] = Field(..., description="请求头名称（值不回显）")
    body_template: str
    has_secret: bool
    sender_address: str
    max_attempts: int
    rate_limit_per_minute: int | None = Field(..., description="自设的每分钟限额；空为默认")
    effective_rate_limit: int | None = Field(..., description="生效的每分钟限额；空为不限")
    is_active: bool
    owner_department: int | None
    note: str
    recipients: list[RecipientIO]


def _channel(c: Channel) -> dict[str, Any]:
    return {
        "id": c.pk, "name": c.name, "kind": c.kind, "kind_label": c.get_kind_display(),
        "url": services.masked_url(c.url), "method": c.method, "headers": sorted(c.headers),
        "body_template": c.body_template, "has_secret": bool(c.secret), "sender_address": c.sender_address,
        "max_attempts": c.max_attempts, "rate_limit_per_minute": c.rate_limit_per_minute,
        "effective_rate_limit": throttle.limit_of(c), "is_active": c.is_active,
        "owner_department": c.owner_department_id, "note": c.note,
        "recipients": [{"user": r.user_id, "department": r.department_id, "name": r.name, "phone": r.phone,
                        "email": r.email} for r in c.recipients.all()],
    }


def _specs(rows: list[RecipientIO] | None) -> list[services.RecipientSpec] | None:
    return None if rows is None else [services.RecipientSpec(**r.dict()) for r in rows]


def _reloaded_channel(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _channel(queries.visible_channel(request.user, pk))


@router.get("/channels", response=list[ChannelOut], summary="通知渠道列表")
def list_channels(request: HttpRequest) -> list[dict[str, Any]]:
    return [_channel(c) for c in queries.visible_channels(request.user)]


@router.post("/channels", response={201: ChannelOut}, summary="新增通知渠道")
def create_channel(request: HttpRequest, payload: ChannelIn) -> Status[Any]:
    data = payload.dict(exclude={"recipients"})
    channel = services.create_channel(data, _specs(payload.recipients) or [], actor=request.user)
    return Status(201, _reloaded_channel(request, channel.pk))


@router.get("/channels/{pk}", response=ChannelOut, summary="通知渠道详情（不含密钥）")
def get_channel(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _channel(queries.visible_channel(request.user, pk))


@router.patch("/channels/{pk}", response=ChannelOut, summary="修改通知渠道（接收人整体替换）")
def update_channel(request: HttpRequest, pk: int, payload: ChannelPatch) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True, exclude={"recipients"})
    channel = services.update_channel(queries.writable_channel(request.user, pk), data,
                                      _specs(payload.recipients), actor=request.user)
    return _reloaded_channel(request, channel.pk)


@router.delete("/channels/{pk}", response={204: None}, summary="删除通知渠道（有发送记录的只能停用）")
def delete_channel(request: HttpRequest, pk: int) -> Status[None]:
    services.delete_channel(queries.writable_channel(request.user, pk), actor=request.user)
    return Status(204, None)


class DeliveryOut(Schema):
    id: int
    source_key: str
    channel: int
    channel_name: str
    recipient: str
    domain: str
    kind: str
    level: int
    title: str
    status: str
    status_label: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    response_code: int | None
    created_at: datetime
    last_attempt_at: datetime | None
    sent_at: datetime | None
    merged_into: int | None = Field(..., description="并入的汇总消息（状态为“已合并”时）")
    merged_count: int = Field(..., description="汇总消息合并的通知条数（其他为 0）")


def _delivery(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.pk, "source_key": d.source_key, "channel": d.channel_id, "channel_name": d.channel.name,
        "recipient": d.recipient, "domain": d.domain, "kind": d.kind, "level": d.level, "title": d.title,
        "status": d.status, "status_label": d.get_status_display(), "attempts": d.attempts,
        "next_attempt_at": d.next_attempt_at if d.status in ("queued", "failed") else None,
        "last_error": d.last_error, "response_code": d.response_code, "created_at": d.created_at,
        "last_attempt_at": d.last_attempt_at, "sent_at": d.sent_at, "merged_into": d.merged_into_id,
        "merged_count": getattr(d, "merged_count", 0),
    }


@router.post("/channels/{pk}/test", response=list[DeliveryOut], summary="发送测试消息（立即发送，返回结果）")
def test_channel(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    return [_delivery(d) for d in services.send_test(queries.writable_channel(request.user, pk), actor=request.user)]


# --- routing rules -----------------------------------------------------------------------------------------
class RuleIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    domain: str = Field("", max_length=32, description="monitoring、hazmat、command…；空为全部")
    kinds: list[str] = Field(default_factory=list, description="raised、escalated、closed…；空为全部")
    min_level: int = Field(0, ge=0, le=4, description="0 全部；1 一般 2 较重 3 严重 4 特别严重")
    area_prefix: str = Field("", max_length=12, description="行政区划代码前缀，如 211122001")
    department: int | None = None
    is_active: bool = True
    owner_department: int | None = None
    channels: list[int]


class RulePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    domain: str | None = Field(None, max_length=32)
    kinds: list[str] | None = None
    min_level: int | None = Field(None, ge=0, le=4)
    area_prefix: str | None = Field(None, max_length=12)
    department: int | None = None
    is_active: bool | None = None
    owner_department: int | None = None
    channels: list[int] | None = None


class RuleOut(Schema):
    id: int
    name: str
    domain: str
    kinds: list[str]
    min_level: int
    area_prefix: str
    department: int | None
    is_active: bool
    owner_department: int | None
    channels: list[int]


def _rule(r: RoutingRule) -> dict[str, Any]:
    return {"id": r.pk, "name": r.name, "domain": r.domain, "kinds": r.kinds, "min_level": r.min_level,
            "area_prefix": r.area_prefix, "department": r.department_id, "is_active": r.is_active,
            "owner_department": r.owner_department_id, "channels": sorted(c.pk for c in r.channels.all())}


@router.get("/rules", response=list[RuleOut], summary="通知路由规则列表")
def list_rules(request: HttpRequest) -> list[dict[str, Any]]:
    return [_rule(r) for r in queries.visible_rules(request.user)]


@router.post("/rules", response={201: RuleOut}, summary="新增通知路由规则")
def create_rule(request: HttpRequest, payload: RuleIn) -> Status[Any]:
    rule = services.create_rule(payload.dict(exclude={"channels"}), payload.channels, actor=request.user)
    return Status(201, _rule(rule))


@router.patch("/rules/{pk}", response=RuleOut, summary="修改通知路由规则")
def update_rule(request: HttpRequest, pk: int, payload: RulePatch) -> dict[str, Any]:
    rule = services.update_rule(queries.writable_rule(request.user, pk),
                                payload.dict(exclude_unset=True, exclude={"channels"}), payload.channels,
                                actor=request.user)
    return _rule(rule)


@router.delete("/rules/{pk}", response={204: None}, summary="删除通知路由规则")
def delete_rule(request: HttpRequest, pk: int) -> Status[None]:
    services.delete_rule(queries.writable_rule(request.user, pk), actor=request.user)
    return Status(204, None)


# --- the delivery log --------------------------------------------------------------------------------------
class DeliveryFilters(Schema):
    status: StatusName | None = None
    channel: int | None = None
    domain: str | None = None
    source_key: str | None = Field(None, description="来源键前缀，如 monitoring.alarm:12")
    since: datetime | None = None
    until: datetime | None = None
    merged_into: int | None = Field(None, description="某条汇总消息合并的通知")


class DeliveryPage(Schema):
    count: int
    items: list[DeliveryOut]


@router.get("/deliveries", response=DeliveryPage, summary="发送记录（投递日志）")
def list_deliveries(request: HttpRequest, filters: Query[DeliveryFilters], limit: int = 50,
                    offset: int = 0) -> dict[str, Any]:
    found = queries.deliveries(request.user, **filters.dict())
    offset, limit = max(offset, 0), max(1, min(limit, 1000))
    return {"count": found.count(), "items": [_delivery(d) for d in found[offset : offset + limit]]}


EXPORT_HEADERS = ("编号", "来源键", "渠道", "接收方", "业务领域", "事件类型", "级别", "标题", "状态", "尝试次数",
                  "应答码", "最近错误", "创建时间", "最近尝试时间", "发送时间", "并入汇总消息", "合并条数")


@router.get("/deliveries/export", summary="导出发送记录（xlsx、csv）")
def export_deliveries(request: HttpRequest, filters: Query[DeliveryFilters],
                      format: Literal["xlsx", "csv"] = "xlsx") -> HttpResponseBase:  # noqa: A002 - API field
    found = queries.deliveries(request.user, **filters.dict())
    services.record_export(filters.dict(), format, actor=request.user)

    def rows() -> Any:
        for d in found.iterator(chunk_size=500):
            yield (d.pk, d.source_key, d.channel.name, d.recipient, d.domain, d.kind, d.level, d.title,
                   d.get_status_display(), d.attempts, d.response_code, d.last_error, d.created_at,
                   d.last_attempt_at, d.sent_at, d.merged_into_id, getattr(d, "merged_count", 0))

    return stream_export(format, "通知发送记录", EXPORT_HEADERS, rows())


@router.post("/deliveries/{pk}/retry", response=DeliveryOut, summary="重发失败或已放弃的通知")
def retry_delivery(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _delivery(services.retry(queries.writable_delivery(request.user, pk), actor=request.user))


# --- the inbox ---------------------------------------------------------------------------------------------
class InboxOut(Schema):
    id: int
    domain: str
    kind: str
    level: int
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


class InboxPage(Schema):
    count: int
    unread: int
    items: list[InboxOut]


class ReadIn(Schema):
    ids: list[int] | None = Field(None, description="省略则全部标为已读")


class ReadOut(Schema):
    marked: int
    unread: int


@router.get("/inbox", response=InboxPage, summary="我的站内消息（含未读数）")
def inbox(request: HttpRequest, unread: bool | None = None, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    found = queries.inbox(request.user, unread=unread)
    offset, limit = max(offset, 0), max(1, min(limit, 500))
    return {"count": found.count(), "unread": services.unread_count(request.user),
            "items": list(found[offset : offset + limit])}


@router.post("/inbox/read", response=ReadOut, summary="标为已读（指定消息或全部）")
def mark_read(request: HttpRequest, payload: ReadIn | None = None) -> dict[str, Any]:
    marked = services.mark_read(request.user, payload.ids if payload else None)
    return {"marked": marked, "unread": services.unread_count(request.user)}


@router.post("/inbox/{pk}/read", response=InboxOut, summary="标记一条消息为已读")
def mark_one_read(request: HttpRequest, pk: int) -> InboxMessage:
    message = queries.own_message(request.user, pk)
    services.mark_read(request.user, [message.pk])
    message.refresh_from_db()
    return message
