"""Government supervision under /api/v1/prevention: checks and enforcement orders, enterprise subscriptions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from . import queries
from .exporting import export_list
from .models import EnforcementOrder, Subscription, SupervisionCheck
from .services import supervision
from .subscriptions import refusal

router = Router(tags=["prevention"])
Mode = Literal["remote", "onsite"]
PlanName = Literal["basic", "standard", "professional"]
StateName = Literal["active", "unpaid", "suspended", "cancelled"]


class OrderIn(Schema):
    content: str = Field(..., min_length=1)
    deadline: date


class CheckIn(Schema):
    enterprise: int
    mode: Mode = "remote"
    checked_on: date
    findings: str = Field(..., min_length=1)
    orders: list[OrderIn] = []


class OrderOut(Schema):
    id: int
    check_id: int
    enterprise_id: int
    enterprise_name: str
    content: str
    deadline: date
    status: str
    status_label: str
    follow_up: str
    closed_at: datetime | None


class CheckOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    mode: str
    mode_label: str
    checked_on: date
    inspector_name: str
    department_name: str | None
    findings: str
    closed_at: datetime | None
    orders: list[OrderOut]


class NoteIn(Schema):
    note: str = ""


def _order(o: EnforcementOrder) -> dict[str, Any]:
    check = o.check_record
    return {"id": o.pk, "check_id": check.pk, "enterprise_id": check.enterprise_id,
            "enterprise_name": check.enterprise.name, "content": o.content, "deadline": o.deadline,
            "status": o.status, "status_label": o.get_status_display(), "follow_up": o.follow_up,
            "closed_at": o.closed_at}


def _check(c: SupervisionCheck) -> dict[str, Any]:
    return {"id": c.pk, "enterprise_id": c.enterprise_id, "enterprise_name": c.enterprise.name, "mode": c.mode,
            "mode_label": c.get_mode_display(), "checked_on": c.checked_on,
            "inspector_name": c.inspector.full_name or c.inspector.username,
            "department_name": c.department.name if c.department is not None else None, "findings": c.findings,
            "closed_at": c.closed_at, "orders": [_order(o) for o in c.orders.all()]}


@router.get("/checks", response=list[CheckOut], summary="远程巡查与执法检查记录")
def list_checks(request: HttpRequest, enterprise: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
    rows = queries.supervision_checks(request.user, {"enterprise": enterprise})[: max(1, min(limit, 1000))]
    return [_check(c) for c in rows]


@router.post("/checks", response={201: CheckOut}, summary="登记监管检查（发现问题、下达指令及期限）")
def record_check(request: HttpRequest, payload: CheckIn) -> Status[Any]:
    data = payload.dict()
    orders = data.pop("orders")
    check = supervision.record_check(data, orders, actor=request.user)
    return Status(201, _check(get_object_or_404(queries.supervision_checks(request.user, {}), pk=check.pk)))


@router.get("/checks/export", summary="导出监管检查（xlsx、csv）")
def export_checks(request: HttpRequest, format: str = "xlsx",  # noqa: A002 - API field name
                  enterprise: int | None = None) -> HttpResponseBase:
    params = {"enterprise": enterprise}
    return export_list(format, "监管检查", ("企业", "方式", "日期", "检查人", "检查发现", "指令数", "办结时间"),
                       queries.supervision_checks(request.user, params),
                       lambda c: (c.enterprise.name, c.get_mode_display(), c.checked_on,
                                  c.inspector.full_name or c.inspector.username, c.findings, c.orders.count(),
                                  c.closed_at),
                       user=request.user, params=params)


@router.get("/checks/{pk}", response=CheckOut, summary="监管检查详情")
def get_check(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _check(queries.visible_one(SupervisionCheck, request.user, pk))


@router.get("/orders", response=list[OrderOut], summary="执法指令（整改期限、跟踪复查、办结）")
def list_orders(request: HttpRequest, enterprise: int | None = None, status: str = "",
                limit: int = 200) -> list[dict[str, Any]]:
    rows = queries.orders(request.user, {"enterprise": enterprise, "status": status})[: max(1, min(limit, 1000))]
    return [_order(o) for o in rows]


@router.get("/orders/export", summary="导出执法指令（xlsx、csv）")
def export_orders(request: HttpRequest, format: str = "xlsx",  # noqa: A002 - API field name
                  enterprise: int | None = None) -> HttpResponseBase:
    params = {"enterprise": enterprise}
    return export_list(format, "执法指令", ("企业", "指令内容", "整改期限", "状态", "跟踪复查", "办结时间"),
                       queries.orders(request.user, params),
                       lambda o: (o.check_record.enterprise.name, o.content, o.deadline, o.get_status_display(),
                                  o.follow_up, o.closed_at),
                       user=request.user, params=params)


@router.get("/orders/{pk}", response=OrderOut, summary="执法指令详情")
def get_order(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _order(get_object_or_404(queries.orders(request.user, {}), pk=pk))


@router.post("/orders/{pk}/follow-up", response=OrderOut, summary="跟踪复查")
def follow_up(request: HttpRequest, pk: int, payload: NoteIn) -> dict[str, Any]:
    return _order(supervision.follow_up(queries.writable_one(EnforcementOrder, request.user, pk), payload.note,
                                        actor=request.user))


@router.post("/orders/{pk}/close", response=OrderOut, summary="办结执法指令")
def close_order(request: HttpRequest, pk: int, payload: NoteIn) -> dict[str, Any]:
    return _order(supervision.close_order(queries.writable_one(EnforcementOrder, request.user, pk), payload.note,
                                          actor=request.user))


# --- subscriptions -----------------------------------------------------------------------------------
class SubscriptionIn(Schema):
    enterprise: int
    plan: PlanName = "standard"
    seats: int = Field(..., ge=1)
    starts_on: date
    ends_on: date
    state: StateName = "active"
    note: str = ""


class SubscriptionPatch(Schema):
    plan: PlanName | None = None
    seats: int | None = Field(None, ge=1)
    starts_on: date | None = None
    ends_on: date | None = None
    state: StateName | None = None
    note: str | None = None


class SubscriptionOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    plan: str
    plan_label: str
    seats: int
    starts_on: date
    ends_on: date
    state: str
    state_label: str
    note: str
    may_write: bool
    refusal: str | None


def _subscription(s: Subscription) -> dict[str, Any]:
    reason = refusal(s.enterprise)
    return {"id": s.pk, "enterprise_id": s.enterprise_id, "enterprise_name": s.enterprise.name, "plan": s.plan,
            "plan_label": s.get_plan_display(), "seats": s.seats, "starts_on": s.starts_on, "ends_on": s.ends_on,
            "state": s.state, "state_label": s.get_state_display(), "note": s.note, "may_write": reason is None,
            "refusal": reason}


@router.get("/subscriptions", response=list[SubscriptionOut], summary="企业订阅（套餐、账号数、期限、状态）")
def list_subscriptions(request: HttpRequest, enterprise: int | None = None) -> list[dict[str, Any]]:
    return [_subscription(s) for s in queries.subscriptions(request.user, {"enterprise": enterprise})[:1000]]


@router.post("/subscriptions", response={201: SubscriptionOut}, summary="新增企业订阅（县级管理员）")
def create_subscription(request: HttpRequest, payload: SubscriptionIn) -> Status[Any]:
    return Status(201, _subscription(supervision.save_subscription(None, payload.dict(), actor=request.user)))


@router.get("/subscriptions/export", summary="导出企业订阅（xlsx、csv）")
def export_subscriptions(request: HttpRequest, format: str = "xlsx",  # noqa: A002 - API field name
                         enterprise: int | None = None) -> HttpResponseBase:
    params = {"enterprise": enterprise}
    return export_list(format, "企业订阅", ("企业", "套餐", "账号数", "开始日期", "结束日期", "状态", "备注"),
                       queries.subscriptions(request.user, params),
                       lambda s: (s.enterprise.name, s.get_plan_display(), s.seats, s.starts_on, s.ends_on,
                                  s.get_state_display(), s.note),
                       user=request.user, params=params)


@router.get("/subscriptions/{pk}", response=SubscriptionOut, summary="企业订阅详情")
def get_subscription(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _subscription(queries.visible_one(Subscription, request.user, pk))


@router.patch("/subscriptions/{pk}", response=SubscriptionOut, summary="修改企业订阅（缴费、暂停、恢复）")
def update_subscription(request: HttpRequest, pk: int, payload: SubscriptionPatch) -> dict[str, Any]:
    subscription = queries.writable_one(Subscription, request.user, pk)
    return _subscription(supervision.save_subscription(subscription, payload.dict(exclude_unset=True),
                                                       actor=request.user))
