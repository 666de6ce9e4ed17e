"""特殊作业 API (mounted under /api/v1/worksafety): permits and their lifecycle, gas analyses, spot checks, the
stateless rule check the form uses, and (``tool_api``) tools with their e-locks.

Reads go through `queries` (the reader's scope; 404 outside it), writes through `services`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Field, Router, Schema, Status

from yingji.core.exports import stream_export

from . import constants as c
from . import queries, rules, services, watch, watch_rules, watch_services
from .models import Permit
from .schemas import (
    ApproveIn,
    GasAnalysisIn,
    GasAnalysisOut,
    PermitDetailOut,
    PermitIn,
    PermitPage,
    PermitPatch,
    RuleCheckIn,
    RuleCheckOut,
    SiteWatchIn,
    SpotCheckIn,
    SpotCheckOut,
)
from .tool_api import router as tool_router

router = Router(tags=["worksafety"])
router.add_router("", tool_router)


def permit_row(p: Permit) -> dict[str, Any]:
    return {
        "id": p.pk, "number": p.number, "enterprise_id": p.enterprise_id, "enterprise_name": p.enterprise.name,
        "work_type": p.work_type, "work_type_label": p.get_work_type_display(), "declared_level": p.declared_level,
        "level": p.level, "level_label": p.level_label, "title": p.title, "status": p.status,
        "status_label": p.get_status_display(), "place": p.place, "planned_start": p.planned_start,
        "planned_end": p.planned_end, "longitude": p.longitude, "latitude": p.latitude,
    }


def permit_detail(p: Permit) -> dict[str, Any]:
    required = rules.required_approvals(c.WorkType(p.work_type), p.level)
    approvals = list(p.approvals.select_related("approver").order_by("step"))
    nxt = required[len(approvals)] if p.status == "submitted" and len(approvals) < len(required) else None
    return {
        **permit_row(p), "level_reasons": p.level_reasons, "content": p.content, "hazards": p.hazards,
        "is_outdoor": p.is_outdoor, "wind_speed_ms": p.wind_speed_ms, "applicant": str(p.applicant),
        "guardian": p.guardian, "workers": p.workers, "checklist": p.checklist, "address": p.address,
        "tools": [t.pk for t in p.tools.all()], "required_approvals": [r.value for r in required],
        "next_approval": nxt.value if nxt else None,
        "approvals": [{"step": a.step, "role": a.role, "role_label": a.get_role_display(), "approver": str(a.approver),
                       "opinion": a.opinion, "approved_at": a.approved_at} for a in approvals],
        "gas_analyses": list(p.gas_analyses.all()),
        "spot_checks": [spot_row(s) for s in p.spot_checks.select_related("inspector")],
        "submitted_at": p.submitted_at, "approved_at": p.approved_at, "started_at": p.started_at,
        "suspended_at": p.suspended_at, "completed_at": p.completed_at, "closed_at": p.closed_at,
        "retain_until": p.retain_until, "suspension_reason": p.suspension_reason,
        "needs_site_watch": watch_rules.needs_site_watch(c.WorkType(p.work_type), p.level),
        "video_source": p.video_source, "video_url": p.video_url,
        "monitor_channels": [vars(r) for r in watch.latest_readings(p)],
    }


def spot_row(s: Any) -> dict[str, Any]:
    return {"id": s.pk, "inspector": str(s.inspector), "checked_at": s.checked_at, "method": s.method,
            "result": s.result, "result_label": s.get_result_display(), "findings": s.findings}


def _reloaded(request: HttpRequest, permit: Permit) -> dict[str, Any]:
    return permit_detail(queries.visible_permit(request.user, permit.pk))


def _filtered(request: HttpRequest, status: str | None, work_type: str | None, enterprise: int | None) -> Any:
    permits = queries.visible_permits(request.user)
    if status == "active":
        permits = services.active_permits(permits)
    elif status:
        permits = permits.filter(status=status)
    if work_type:
        permits = permits.filter(work_type=work_type)
    if enterprise is not None:
        permits = permits.filter(enterprise_id=enterprise)
    return permits


# --- the stateless rule check ------------------------------------------------------------------------------
@router.post("/rules/check", response=RuleCheckOut, summary="作业票规则校验（GB 30871-2022，不保存）")
def check_rules(request: HttpRequest, payload: RuleCheckIn) -> dict[str, Any]:
    """The level the work is handled at and why, validity, approvers in order, checklist and every problem."""
    plan = rules.Plan(payload.work_type, payload.level, payload.planned_start, payload.planned_end,
                      payload.is_outdoor, payload.wind_speed_ms, payload.guardian,
                      [rules.Worker(w.name, w.certificate_no) for w in payload.workers], payload.checklist)
    result = rules.check_plan(plan, complete=payload.complete)
    known = payload.work_type in {t.value for t in c.WorkType}
    wt = c.WorkType(payload.work_type) if known else None
    cert = c.CERTIFICATES.get(wt) if wt else None
    return {
        "ok": result.ok, "level": result.level,
        "level_label": rules.level_label(wt, result.level) if wt else "",
        "level_reasons": result.level_reasons,
        "validity_hours": result.validity.total_seconds() / 3600 if result.validity else None,
        "required_approvals": [{"role": r.value, "label": c.APPROVER_LABELS[r]} for r in result.approvals],
        "needs_gas_analysis": bool(wt and rules.needs_gas_analysis(wt)),
        "checklist": [{"code": k, "text": v} for k, v in rules.checklist(wt)] if wt else [],
        "certificate": cert.label if cert else None,
        "problems": [{"field": p.field, "message": p.message} for p in result.problems],
    }


# --- permits --------------------------------------------------------------------------------------------
@router.get("/permits", response=PermitPage, summary="特殊作业票列表（status=active 为正在进行的作业）")
def list_permits(request: HttpRequest, status: str | None = None, work_type: str | None = None,
                 enterprise: int | None = None, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    permits = _filtered(request, status, work_type, enterprise)
    limit, offset = max(1, min(limit, 1000)), max(offset, 0)
    return {"count": permits.count(), "items": [permit_row(p) for p in permits[offset: offset + limit]]}


@router.post("/permits", response={201: PermitDetailOut}, summary="申请特殊作业票（草稿）")
def create_permit(request: HttpRequest, payload: PermitIn) -> Status[Any]:
    data = payload.dict(exclude={"tools"})
    data["workers"] = [w.dict() for w in payload.workers]
    permit = services.create_permit(data, actor=request.user, tools=payload.tools)
    return Status(201, _reloaded(request, permit))


EXPORT_HEADERS = ("作业票编号", "企业", "作业类型", "级别", "状态", "作业地点", "作业内容", "计划开始", "计划结束",
                  "申请人", "监护人", "作业人员", "审批", "经度", "纬度")


@router.get("/permits/export", summary="导出特殊作业票（xlsx、csv、GeoJSON）")
def export_permits(request: HttpRequest, format: str = "xlsx",  # noqa: A002 - API field name
                   status: str | None = None, work_type: str | None = None,
                   enterprise: int | None = None) -> HttpResponseBase:
    permits = _filtered(request, status, work_type, enterprise).prefetch_related("approvals__approver")

    def rows() -> Iterator[tuple[Any, ...]]:
        for p in permits.iterator(chunk_size=500):
            workers = "、".join(f"{w.get('name', '')}（{w.get('certificate_no', '')}）" for w in p.workers or [])
            signed = "、".join(f"{a.get_role_display()}：{a.approver}" for a in p.approvals.all())
            yield (p.number, p.enterprise.name, p.get_work_type_display(), p.level_label or "—",
                   p.get_status_display(), p.place, p.content, rules.local(p.planned_start).replace(tzinfo=None),
                   rules.local(p.planned_end).replace(tzinfo=None), str(p.applicant), p.guardian, workers, signed,
                   p.longitude, p.latitude)

    def features() -> Iterator[tuple[dict[str, Any], float | None, float | None]]:
        for p in permits.iterator(chunk_size=500):
            yield ({"id": p.pk, "number": p.number, "enterprise": p.enterprise.name, "title": p.title,
                    "status": p.status, "place": p.place}, p.longitude, p.latitude)

    return stream_export(format, "特殊作业票", EXPORT_HEADERS, rows(), features=features())


@router.get("/permits/{pk}", response=PermitDetailOut, summary="作业票详情（审批、气体分析、抽查）")
def get_permit(request: HttpRequest, pk: int) -> dict[str, Any]:
    return permit_detail(queries.visible_permit(request.user, pk))


@router.patch("/permits/{pk}", response=PermitDetailOut, summary="修改作业票草稿")
def update_permit(request: HttpRequest, pk: int, payload: PermitPatch) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True, exclude={"tools"})
    if payload.workers is not None:
        data["workers"] = [w.dict() for w in payload.workers]
    permit = services.update_permit(queries.writable_permit(request.user, pk), data, actor=request.user,
                                    tools=payload.tools)
    return _reloaded(request, permit)


@router.delete("/permits/{pk}", response={204: None}, summary="删除作业票草稿（已提交的作业票保存至少一年）")
def delete_permit(request: HttpRequest, pk: int) -> Status[None]:
    services.delete_permit(queries.writable_permit(request.user, pk), actor=request.user)
    return Status(204, None)


def _step(name: str, summary: str, service: Callable[..., Permit]) -> None:
    def handler(request: HttpRequest, pk: int) -> dict[str, Any]:
        return _reloaded(request, service(queries.writable_permit(request.user, pk), actor=request.user))

    handler.__name__ = f"permit_{name}"
    router.post(f"/permits/{{pk}}/{name}", response=PermitDetailOut, summary=summary,
                url_name=f"permit_{name}")(handler)


_step("submit", "提交作业票（校验监护人、作业人员证书、安全措施）", services.submit_permit)
_step("start", "开始作业（须有 30 分钟内合格的气体分析）", services.start_work)
_step("suspend", "暂停作业", services.suspend_work)
_step("resume", "恢复作业（中断超时须重新分析）", services.resume_work)
_step("complete", "完工", services.complete_work)
_step("close", "关闭归档", services.close_permit)
_step("cancel", "作废", services.cancel_permit)


@router.put("/permits/{pk}/site-watch", response=PermitDetailOut,
            summary="关联连续监测通道与视频监控（特级动火开始作业前必填）")
def set_site_watch(request: HttpRequest, pk: int, payload: SiteWatchIn) -> dict[str, Any]:
    permit = watch_services.link_site_watch(queries.writable_permit(request.user, pk),
                                            payload.dict(exclude_none=True), actor=request.user)
    return _reloaded(request, permit)


@router.get("/permits/{pk}/site-watch/channels", response=list[dict[str, Any]],
            summary="可关联的本企业气体检测通道")
def linkable_channels(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    permit = queries.visible_permit(request.user, pk)
    return [{"id": ch.pk, "reference": ch.reference, "device_name": ch.device.name, "metric": ch.metric,
             "unit": ch.unit} for ch in watch.linkable_channels(permit.enterprise_id)]


class RenewIn(Schema):
    planned_end: datetime = Field(description="延期后的结束时间（带时区）")


@router.post("/permits/{pk}/renew", response=PermitDetailOut,
             summary="临时用电作业票延期（每次 ≤ 15 天，总计 ≤ 30 天）")
def renew_permit(request: HttpRequest, pk: int, payload: RenewIn) -> dict[str, Any]:
    permit = services.renew_permit(queries.visible_permit(request.user, pk), payload.planned_end, actor=request.user)
    return _reloaded(request, permit)


@router.post("/permits/{pk}/approve", response=PermitDetailOut, summary="审批（按规定角色依次审批）")
def approve_permit(request: HttpRequest, pk: int, payload: ApproveIn) -> dict[str, Any]:
    permit = services.approve_permit(queries.visible_permit(request.user, pk), actor=request.user,
                                     role=payload.role, opinion=payload.opinion)
    return _reloaded(request, permit)


@router.get("/permits/{pk}/gas-analyses", response=list[GasAnalysisOut], summary="气体分析记录")
def list_gas_analyses(request: HttpRequest, pk: int) -> Any:
    return queries.visible_permit(request.user, pk).gas_analyses.all()


@router.post("/permits/{pk}/gas-analyses", response={201: GasAnalysisOut}, summary="登记气体分析（自动判定合格）")
def create_gas_analysis(request: HttpRequest, pk: int, payload: GasAnalysisIn) -> Status[Any]:
    data = payload.dict()
    data["toxic"] = [t.dict() for t in payload.toxic]
    analysis = services.record_gas_analysis(queries.writable_permit(request.user, pk), data, actor=request.user)
    return Status(201, analysis)


@router.get("/permits/{pk}/spot-checks", response=list[SpotCheckOut], summary="抽查记录")
def list_spot_checks(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    permit = queries.visible_permit(request.user, pk)
    return [spot_row(s) for s in permit.spot_checks.select_related("inspector")]


@router.post("/permits/{pk}/spot-checks", response={201: SpotCheckOut}, summary="登记抽查（监管部门）")
def create_spot_check(request: HttpRequest, pk: int, payload: SpotCheckIn) -> Status[Any]:
    check = services.record_spot_check(queries.visible_permit(request.user, pk), payload.dict(exclude_none=True),
                                       actor=request.user)
    return Status(201, spot_row(check))
