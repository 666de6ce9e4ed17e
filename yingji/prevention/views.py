"""Prevention pages for enterprises: risk points, hidden dangers and their rectification, checkpoints with
printable QR codes, inspection by scanning, maintenance, the daily commitment. Thin: services do the work."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, BinaryIO, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingji.core.models import User
from yingji.core.scoping import Principal
from yingji.registry.models import Enterprise

from . import importing, queries
from .forms import data_from, errors_of
from .grading import LEC_C, LEC_E, LEC_L, LS_L, LS_S
from .models import Checkpoint, DangerStatus, HiddenDanger, SafetyCommitment
from .services import dangers, inspections, operations, risks
from .subscriptions import refusal

Errors = dict[str, str]


def _enterprise_choices(user: Any) -> Any:
    return Enterprise.objects.for_user(user).order_by("name").only("id", "name")


def _own_enterprise(user: Any) -> Enterprise | None:
    return Enterprise.objects.filter(pk=user.enterprise_id).first() if user.enterprise_id else None


def _common(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    user = request.user
    own = _own_enterprise(user)
    principal = Principal.of(user)
    return {"nav_part": "apps", "own_enterprise": own, "enterprises": _enterprise_choices(user),
            "may_write": not principal.read_only, "suspended": refusal(own) if own else None,
            "is_government": own is None, **extra}


def _filters(request: HttpRequest, *names: str) -> dict[str, str]:
    return {n: request.GET.get(n, "") for n in names}


# --- risk points -----------------------------------------------------------------------------------
RISK_FORM = ("enterprise", "unit_place", "name", "hazard_description", "method", "likelihood", "exposure",
             "consequence", "severity", "control_measures", "responsible_person", "responsible_phone")


@login_required
def risk_points_view(request: HttpRequest) -> HttpResponse:
    """风险点: the four-colour list, a form to grade a new point by LEC or LS, and Excel import."""
    errors: Errors = {}
    posted: dict[str, Any] = {}
    if request.method == "POST":
        posted, errors = data_from(request.POST, RISK_FORM, numbers=("likelihood", "exposure", "consequence",
                                                                      "severity"))
        if not errors:
            try:
                point = risks.create_risk_point(posted, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                errors = errors_of(exc)
            else:
                messages.success(request, _("已新增风险点：%(name)s（%(level)s）") % {
                    "name": point, "level": point.get_level_display()})
                return redirect("prevention:risk_points")
    filters = _filters(request, "enterprise", "level", "q")
    rows = queries.risk_points(request.user, filters)
    return render(request, "prevention/risk_points.html", _common(
        request, rows=rows[:500], count=rows.count(), counts=queries.counts_by_level(rows), filters=filters,
        errors=errors, posted=posted, tables={"L": LEC_L, "E": LEC_E, "C": LEC_C, "LS_L": LS_L, "LS_S": LS_S},
        matrix=risks.matrix()))


@login_required
@require_POST
def risk_import_view(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要导入的 Excel 或 CSV 文件"))
        return redirect("prevention:risk_points")
    outcome = importing.import_risk_points(cast(BinaryIO, upload), upload.name or "upload", actor=request.user,
                                           dry_run=request.POST.get("dry_run") == "on")
    level = messages.success if outcome.error_count == 0 else messages.error
    level(request, outcome.message)
    for error in outcome.errors[:20]:
        messages.error(request, f"第 {error['row']} 行 {error['column'] or ''}：{error['reason']}")
    return redirect("prevention:risk_points")


# --- hidden dangers --------------------------------------------------------------------------------
DANGER_FORM = ("enterprise", "title", "description", "level", "source", "found_on", "found_by", "owner",
               "deadline", "measures", "funds_yuan", "rectification_plan")


def _owners(user: Any) -> Any:
    """People who can own a rectification: the enterprise users the reader may see."""
    enterprise_ids = _enterprise_choices(user).values_list("pk", flat=True)
    return User.objects.filter(enterprise_id__in=enterprise_ids, is_active=True).order_by("enterprise_id",
                                                                                        "username")


@login_required
def hidden_dangers_view(request: HttpRequest) -> HttpResponse:
    """隐患: the list (open, overdue, by status) and the form to report one."""
    errors: Errors = {}
    posted: dict[str, Any] = {}
    if request.method == "POST":
        posted, errors = data_from(request.POST, DANGER_FORM, integers=("owner",))
        if not errors:
            try:
                danger = dangers.report_danger(posted, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                errors = errors_of(exc)
            else:
                messages.success(request, _("已上报隐患：%(name)s") % {"name": danger})
                return redirect("prevention:hidden_danger", pk=danger.pk)
    filters = _filters(request, "enterprise", "status", "level", "overdue", "q")
    rows = queries.hidden_dangers(request.user, filters)
    return render(request, "prevention/hidden_dangers.html", _common(
        request, rows=rows[:500], count=rows.count(), filters=filters, errors=errors, posted=posted,
        owners=_owners(request.user), today=timezone.localdate(), statuses=DangerStatus.choices))


FLOW = (DangerStatus.REPORTED, DangerStatus.RECTIFYING, DangerStatus.SUBMITTED, DangerStatus.ACCEPTED)


@login_required
def hidden_danger_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One hidden danger: where it is in the loop, its steps and photos, and the next move the reader may make."""
    danger = queries.visible_one(HiddenDanger, request.user, pk)
    errors: Errors = {}
    if request.method == "POST":
        errors = _move(request, pk)
        if not errors:
            return redirect("prevention:hidden_danger", pk=pk)
        danger = queries.visible_one(HiddenDanger, request.user, pk)
    reached = FLOW.index(DangerStatus(danger.status))
    flow = [(label, "done" if i < reached else "current" if i == reached else "") for i, (_v, label) in
            enumerate((s.value, s.label) for s in FLOW)]
    return render(request, "prevention/hidden_danger.html", _common(
        request, danger=danger, flow=flow, steps=danger.steps.all(), photos=danger.photos.all(), errors=errors,
        is_owner=request.user.pk == danger.owner_id, overdue=danger.is_open and danger.deadline <
        timezone.localdate()))


def _move(request: HttpRequest, pk: int) -> Errors:
    action = request.POST.get("action", "")
    try:
        danger = queries.writable_one(HiddenDanger, request.user, pk)
        note = request.POST.get("note", "")
        if action == "start":
            funds, parse_errors = data_from(request.POST, ("funds_yuan",), numbers=("funds_yuan",))
            if parse_errors:
                return parse_errors
            dangers.start_rectification(danger, actor=request.user, measures=request.POST.get("measures"),
                                        rectification_plan=request.POST.get("rectification_plan") or None,
                                        funds_yuan=None if "funds_yuan" not in funds else
                                        Decimal(str(funds["funds_yuan"])), note=note)
        elif action == "submit":
            dangers.submit_for_acceptance(danger, actor=request.user, note=note)
        elif action == "accept":
            dangers.accept(danger, actor=request.user, note=note)
        elif action == "reject":
            dangers.reject(danger, actor=request.user, reason=note)
        else:
            return {"__all__": f"未知的操作：{action}"}
    except (ValidationError, PermissionDenied) as exc:
        return errors_of(exc)
    messages.success(request, _("已办理：%(action)s") % {"action": dict(ACTIONS).get(action, action)})
    return {}


ACTIONS = (("start", "开始整改"), ("submit", "提交验收"), ("accept", "验收通过"), ("reject", "验收退回"))


# --- checkpoints, QR, scanning, records ----------------------------------------------------------------
@login_required
def checkpoints_view(request: HttpRequest) -> HttpResponse:
    """巡检点 and 巡检路线: register checkpoints (one check item a line) and routes, print their QR codes."""
    errors: Errors = {}
    if request.method == "POST":
        try:
            if request.POST.get("kind") == "route":
                ids = [int(i) for i in request.POST.getlist("checkpoints") if i.isdigit()]
                data, _e = data_from(request.POST, ("enterprise", "name", "frequency"))
                inspections.create_route(data, ids, actor=request.user)
            else:
                data, _e = data_from(request.POST, ("enterprise", "name", "location"))
                data["check_items"] = request.POST.get("check_items", "").splitlines()
                inspections.create_checkpoint(data, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("prevention:checkpoints")
    filters = _filters(request, "enterprise")
    return render(request, "prevention/checkpoints.html", _common(
        request, rows=queries.checkpoints(request.user, filters)[:500],
        routes=queries.routes(request.user, filters)[:200], filters=filters, errors=errors))


@login_required
def checkpoint_qr_sheet_view(request: HttpRequest) -> HttpResponse:
    """A printable sheet of QR plates, one per checkpoint (the plant fixes them at each point)."""
    rows = queries.checkpoints(request.user, _filters(request, "enterprise")).filter(active=True)[:500]
    return render(request, "prevention/qr_sheet.html", _common(request, rows=rows))


@login_required
def scan_view(request: HttpRequest, token: str) -> HttpResponse:
    """What a phone opens from a checkpoint's QR: the check items to tick, then the record is saved."""
    point: Checkpoint = queries.checkpoint_by_token(request.user, token)
    errors: Errors = {}
    if request.method == "POST":
        results = [{"item": item, "ok": request.POST.get(f"ok_{i}") != "no",
                    "note": request.POST.get(f"note_{i}", "")} for i, item in enumerate(point.check_items)]
        try:
            inspections.record_inspection(point, results, actor=request.user, scanned=True,
                                          note=request.POST.get("note", ""))
        except (ValidationError, PermissionDenied) as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("巡检记录已提交：%(name)s") % {"name": point.name})
            return redirect("prevention:inspections")
    return render(request, "prevention/scan.html", _common(request, point=point, errors=errors,
                                                           items=list(enumerate(point.check_items))))


@login_required
def inspections_view(request: HttpRequest) -> HttpResponse:
    """巡检记录 and 漏检: what was walked, what was abnormal, which rounds were missed."""
    filters = _filters(request, "enterprise", "abnormal")
    return render(request, "prevention/inspections.html", _common(
        request, rows=queries.inspection_records(request.user, filters)[:300],
        missed=queries.missed_rounds(request.user, filters)[:100], filters=filters))


MAINTENANCE_FORM = ("enterprise", "equipment", "equipment_code", "performed_on", "work", "performed_by", "next_due")


@login_required
def maintenance_view(request: HttpRequest) -> HttpResponse:
    """设备维护: records with the next due date, overdue ones marked."""
    errors: Errors = {}
    if request.method == "POST":
        data, errors = data_from(request.POST, MAINTENANCE_FORM)
        if not errors:
            try:
                inspections.create_maintenance(data, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                errors = errors_of(exc)
            else:
                messages.success(request, _("已保存维护记录"))
                return redirect("prevention:maintenance")
    filters = _filters(request, "enterprise", "overdue")
    return render(request, "prevention/maintenance.html", _common(
        request, rows=queries.maintenance(request.user, filters)[:500], filters=filters, errors=errors))


COMMITMENT_FORM = ("enterprise", "units_running", "units_stopped", "special_works_planned", "hot_works_planned",
                   "confined_space_planned", "risks_controlled", "statement", "principal")


@login_required
def commitment_view(request: HttpRequest) -> HttpResponse:
    """安全承诺: today's form for the enterprise, the streak, and (for supervisors) who has committed today."""
    errors: Errors = {}
    posted: dict[str, Any] = {}
    if request.method == "POST":
        posted, errors = data_from(request.POST, COMMITMENT_FORM, booleans=("risks_controlled",), integers=(
            "units_running", "units_stopped", "special_works_planned", "hot_works_planned", "confined_space_planned"))
        if not errors:
            try:
                operations.sign_commitment(posted, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                errors = errors_of(exc)
            else:
                messages.success(request, _("今日安全承诺已提交"))
                return redirect("prevention:commitment")
    today = timezone.localdate()
    own = _own_enterprise(request.user)
    todays = None if own is None else SafetyCommitment.objects.filter(enterprise=own, day=today).first()
    status = []
    if own is None:
        committed = set(queries.commitments(request.user, {"day": today}).values_list("enterprise_id", flat=True))
        majors = _enterprise_choices(request.user).filter(
            pk__in=operations.major_hazard_units().values("enterprise_id"))
        status = [(e, e.pk in committed) for e in majors]
    return render(request, "prevention/commitment.html", _common(
        request, today=today, todays=todays, streak=operations.commitment_streak(own, today) if own else 0,
        rows=queries.commitments(request.user, _filters(request, "enterprise"))[:200], status=status,
        errors=errors, posted=posted))
