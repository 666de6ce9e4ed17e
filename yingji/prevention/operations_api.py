"""Equipment maintenance and the daily safety commitment under /api/v1/prevention."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from . import queries
from .exporting import export_list
from .models import MaintenanceRecord, SafetyCommitment
from .schemas import page
from .services import inspections, operations

router = Router(tags=["prevention"])


class MaintenanceIn(Schema):
    enterprise: int | None = None
    equipment: str = Field(..., min_length=1, max_length=200)
    equipment_code: str = ""
    performed_on: date
    work: str = Field(..., min_length=1)
    performed_by: str = Field(..., min_length=1, max_length=50)
    next_due: date | None = None


class MaintenancePatch(Schema):
    equipment: str | None = Field(None, min_length=1, max_length=200)
    equipment_code: str | None = None
    performed_on: date | None = None
    work: str | None = None
    performed_by: str | None = None
    next_due: date | None = None


class MaintenanceOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    equipment: str
    equipment_code: str
    performed_on: date
    work: str
    performed_by: str
    next_due: date | None
    is_overdue: bool


class MaintenancePage(Schema):
    count: int
    items: list[MaintenanceOut]


def _maintenance(m: Any) -> dict[str, Any]:
    return {"id": m.pk, "enterprise_id": m.enterprise_id, "enterprise_name": m.enterprise.name,
            "equipment": m.equipment, "equipment_code": m.equipment_code, "performed_on": m.performed_on,
            "work": m.work, "performed_by": m.performed_by, "next_due": m.next_due,
            "is_overdue": bool(getattr(m, "is_overdue", False))}


def _maintenance_one(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _maintenance(get_object_or_404(queries.maintenance(request.user, {}), pk=pk))


@router.get("/maintenance", response=MaintenancePage, summary="设备维护记录（含逾期标记）")
def list_maintenance(request: HttpRequest, enterprise: int | None = None, overdue: bool = False, limit: int = 50,
                     offset: int = 0) -> dict[str, Any]:
    count, items = page(queries.maintenance(request.user, {"enterprise": enterprise, "overdue": overdue}), limit,
                        offset)
    return {"count": count, "items": [_maintenance(m) for m in items]}


@router.post("/maintenance", response={201: MaintenanceOut}, summary="新增设备维护记录")
def create_maintenance(request: HttpRequest, payload: MaintenanceIn) -> Status[Any]:
    record = inspections.create_maintenance(payload.dict(), actor=request.user)
    return Status(201, _maintenance_one(request, record.pk))


@router.get("/maintenance/export", summary="导出设备维护记录（xlsx、csv）")
def export_maintenance(request: HttpRequest, format: str = "xlsx",  # noqa: A002 - API field name
                       enterprise: int | None = None, overdue: bool = False) -> HttpResponseBase:
    params = {"enterprise": enterprise, "overdue": overdue}
    headers = ("企业", "设备", "位号", "维护日期", "维护内容", "维护人", "下次维护日期", "逾期")
    return export_list(format, "设备维护记录", headers,
                       queries.maintenance(request.user, params),
                       lambda m: (m.enterprise.name, m.equipment, m.equipment_code, m.performed_on, m.work,
                                  m.performed_by, m.next_due, "是" if m.is_overdue else "否"),
                       user=request.user, params=params)


@router.get("/maintenance/{pk}", response=MaintenanceOut, summary="设备维护记录详情")
def get_maintenance(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _maintenance_one(request, pk)


@router.patch("/maintenance/{pk}", response=MaintenanceOut, summary="修改设备维护记录")
def update_maintenance(request: HttpRequest, pk: int, payload: MaintenancePatch) -> dict[str, Any]:
    inspections.update_maintenance(queries.writable_one(MaintenanceRecord, request.user, pk),
                                   payload.dict(exclude_unset=True), actor=request.user)
    return _maintenance_one(request, pk)


@router.delete("/maintenance/{pk}", response={204: None}, summary="删除设备维护记录")
def delete_maintenance(request: HttpRequest, pk: int) -> Status[None]:
    inspections.delete_maintenance(queries.writable_one(MaintenanceRecord, request.user, pk), actor=request.user)
    return Status(204, None)


# --- daily safety commitment -------------------------------------------------------------------------
class CommitmentIn(Schema):
    enterprise: int | None = None
    units_running: int = Field(..., ge=0)
    units_stopped: int = Field(0, ge=0)
    special_works_planned: int = Field(0, ge=0)
    hot_works_planned: int = Field(0, ge=0)
    confined_space_planned: int = Field(0, ge=0)
    risks_controlled: bool
    statement: str = Field(..., min_length=1)
    principal: str = Field(..., min_length=1, max_length=50)


class CommitmentOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    day: date
    units_running: int
    units_stopped: int
    special_works_planned: int
    hot_works_planned: int
    confined_space_planned: int
    risks_controlled: bool
    statement: str
    principal: str
    signed_by_name: str
    signed_at: datetime
    streak: int


def _commitment(c: SafetyCommitment, with_streak: bool = False) -> dict[str, Any]:
    return {"id": c.pk, "enterprise_id": c.enterprise_id, "enterprise_name": c.enterprise.name, "day": c.day,
            "units_running": c.units_running, "units_stopped": c.units_stopped,
            "special_works_planned": c.special_works_planned, "hot_works_planned": c.hot_works_planned,
            "confined_space_planned": c.confined_space_planned, "risks_controlled": c.risks_controlled,
            "statement": c.statement, "principal": c.principal,
            "signed_by_name": c.signed_by.full_name or c.signed_by.username, "signed_at": c.signed_at,
            "streak": operations.commitment_streak(c.enterprise, c.day) if with_streak else 0}


class CommitmentPage(Schema):
    count: int
    items: list[CommitmentOut]


@router.get("/commitments", response=CommitmentPage, summary="安全承诺")
def list_commitments(request: HttpRequest, enterprise: int | None = None, day: date | None = None,
                     limit: int = 50, offset: int = 0) -> dict[str, Any]:
    count, items = page(queries.commitments(request.user, {"enterprise": enterprise, "day": day}), limit, offset)
    return {"count": count, "items": [_commitment(c) for c in items]}


@router.post("/commitments", response={201: CommitmentOut}, summary="提交今日安全承诺（每企业每天一份）")
def sign_commitment(request: HttpRequest, payload: CommitmentIn) -> Status[Any]:
    commitment = operations.sign_commitment(payload.dict(), actor=request.user)
    return Status(201, _commitment(queries.visible_one(SafetyCommitment, request.user, commitment.pk), True))


@router.get("/commitments/export", summary="导出安全承诺（xlsx、csv）")
def export_commitments(request: HttpRequest, format: str = "xlsx",  # noqa: A002 - API field name
                       enterprise: int | None = None) -> HttpResponseBase:
    params = {"enterprise": enterprise}
    headers = ("企业", "日期", "运行装置", "停产检修装置", "计划特殊作业", "动火", "受限空间", "风险受控", "承诺内容",
               "主要负责人", "签署时间")
    return export_list(format, "安全承诺", headers,
                       queries.commitments(request.user, params),
                       lambda c: (c.enterprise.name, c.day, c.units_running, c.units_stopped,
                                  c.special_works_planned, c.hot_works_planned, c.confined_space_planned,
                                  "是" if c.risks_controlled else "否", c.statement, c.principal, c.signed_at),
                       user=request.user, params=params)


class MissOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    day: date


@router.get("/commitment-misses", response=list[MissOut], summary="未按时提交安全承诺（由定时检查生成）")
def list_misses(request: HttpRequest, enterprise: int | None = None, limit: int = 200) -> list[dict[str, Any]]:
    rows = queries.commitment_misses(request.user, {"enterprise": enterprise})[: max(1, min(limit, 1000))]
    return [{"id": m.pk, "enterprise_id": m.enterprise_id, "enterprise_name": m.enterprise.name, "day": m.day}
            for m in rows]


@router.get("/commitment-misses/export", summary="导出未按时承诺（xlsx、csv）")
def export_misses(request: HttpRequest, format: str = "xlsx",  # noqa: A002 - API field name
                  enterprise: int | None = None) -> HttpResponseBase:
    params = {"enterprise": enterprise}
    return export_list(format, "未按时承诺", ("企业", "日期"), queries.commitment_misses(request.user, params),
                       lambda m: (m.enterprise.name, m.day), user=request.user, params=params)


@router.get("/commitments/{pk}", response=CommitmentOut, summary="安全承诺详情（含连续承诺天数）")
def get_commitment(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _commitment(queries.visible_one(SafetyCommitment, request.user, pk), True)
