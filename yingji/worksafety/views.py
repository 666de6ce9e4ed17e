"""Worksafety pages (thin): they parse the form, call `services` / `locks` and show the Chinese errors they raise."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingji.core.pdf import MissingFont
from yingji.core.roles import Role
from yingji.core.scoping import Principal

from . import constants as c
from . import locks, queries, rules, services, watch, watch_rules, watch_services
from .api import permit_detail
from .models import Permit, PermitStatus, SpotCheckResult, Tool, ToolKind
from .permit_pdf import permit_pdf
from .tool_api import scan_url

TZ = ZoneInfo(c.TIME_ZONE)
STEPS: dict[str, Callable[..., Any]] = {
    "submit": services.submit_permit, "start": services.start_work, "suspend": services.suspend_work,
    "resume": services.resume_work, "complete": services.complete_work, "close": services.close_permit,
    "cancel": services.cancel_permit,
}


def _messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(m) for msgs in exc.message_dict.values() for m in msgs]
    return [str(m) for m in exc.messages]


def _field_errors(exc: ValidationError) -> dict[str, list[str]]:
    return dict(exc.message_dict) if hasattr(exc, "error_dict") else {"__all__": list(exc.messages)}


def _local_input(value: datetime | None) -> str:
    return value.astimezone(TZ).strftime("%Y-%m-%dT%H:%M") if value else ""


def _parse_time(text: str, field: str) -> datetime:
    try:
        return datetime.fromisoformat(text).replace(tzinfo=TZ)
    except ValueError:
        raise ValidationError({field: "时间格式应为 YYYY-MM-DD HH:MM"}) from None


def _parse_float(text: str, field: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise ValidationError({field: "必须是数字"}) from None


def _parse_workers(text: str) -> list[dict[str, str]]:
    """One worker a line: "姓名 证书编号" (the certificate may be left out where the type needs none)."""
    workers = []
    for line in text.splitlines():
        parts = line.split()
        if parts:
            workers.append({"name": parts[0], "certificate_no": parts[1] if len(parts) > 1 else ""})
    return workers


def _permit_form_data(post: Any, work_type: str) -> tuple[dict[str, Any], list[int]]:
    data: dict[str, Any] = {
        "work_type": work_type, "declared_level": post.get("declared_level", ""),
        "place": post.get("place", "").strip(), "content": post.get("content", "").strip(),
        "hazards": post.get("hazards", "").strip(), "guardian": post.get("guardian", "").strip(),
        "planned_start": _parse_time(post.get("planned_start", ""), "planned_start"),
        "planned_end": _parse_time(post.get("planned_end", ""), "planned_end"),
        "is_outdoor": post.get("is_outdoor") == "on",
        "wind_speed_ms": _parse_float(post.get("wind_speed_ms", ""), "wind_speed_ms"),
        "longitude": _parse_float(post.get("longitude", ""), "longitude"),
        "latitude": _parse_float(post.get("latitude", ""), "latitude"),
        "workers": _parse_workers(post.get("workers", "")),
        "checklist": {code: post.get(f"check_{code}") == "on"
                      for code, _text in rules.checklist(c.WorkType(work_type))},
    }
    return data, [int(t) for t in post.getlist("tools") if t.isdigit()]


@login_required
def permit_list_view(request: HttpRequest) -> HttpResponse:
    """特殊作业票 list: the enterprise's own, or every permit the supervisor's scope covers."""
    user: Any = request.user
    status, work_type = request.GET.get("status") or None, request.GET.get("work_type") or None
    permits = queries.visible_permits(request.user)
    if status == "active":
        permits = services.active_permits(permits)
    elif status:
        permits = permits.filter(status=status)
    if work_type:
        permits = permits.filter(work_type=work_type)
    return render(request, "worksafety/permit_list.html", {
        "nav_part": "apps", "permits": permits[:500], "count": permits.count(), "status": status or "",
        "work_type": work_type or "", "statuses": PermitStatus.choices, "work_types": c.WORK_TYPE_LABELS.items(),
        "may_apply": user.role == Role.ENTERPRISE_OFFICER and user.enterprise_id,
        "query": request.GET.urlencode(),
    })


@login_required
def permit_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Apply for a permit (or edit a draft): the chosen type's levels, checklist and the enterprise's tools."""
    permit = queries.writable_permit(request.user, pk) if pk else None
    if permit is not None and permit.status != PermitStatus.DRAFT:
        messages.error(request, _("提交后的作业票不能修改"))
        return redirect("worksafety:permit", pk=permit.pk)
    work_type = permit.work_type if permit else request.GET.get("type", "hot_work")
    try:
        wt = rules.work_type_of(work_type)
    except ValueError as exc:
        raise Http404(str(exc)) from exc
    user: Any = request.user
    enterprise = permit.enterprise if permit else user.enterprise
    if enterprise is None:
        raise PermissionDenied(_("只有企业用户可以申请作业票"))
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if request.method == "POST":
        try:
            data, tools = _permit_form_data(request.POST, work_type)
            if permit is None:
                permit = services.create_permit(data, actor=request.user, tools=tools)
            else:
                services.update_permit(permit, {k: v for k, v in data.items() if k != "work_type"},
                                       actor=request.user, tools=tools)
            messages.success(request, _("作业票草稿已保存：%(number)s") % {"number": permit.number})
            return redirect("worksafety:permit", pk=permit.pk)
        except ValidationError as exc:
            errors = _field_errors(exc)
            values = request.POST.dict()
    elif permit is not None:
        values = {"declared_level": permit.declared_level, "place": permit.place, "content": permit.content,
                  "hazards": permit.hazards, "guardian": permit.guardian, "wind_speed_ms": permit.wind_speed_ms or "",
                  "planned_start": _local_input(permit.planned_start), "planned_end": _local_input(permit.planned_end),
                  "longitude": permit.longitude or "", "latitude": permit.latitude or "",
                  "is_outdoor": "on" if permit.is_outdoor else "",
                  "workers": "\n".join(f"{w.get('name', '')} {w.get('certificate_no', '')}".strip()
                                       for w in permit.workers),
                  **{f"check_{k}": "on" for k, v in permit.checklist.items() if v}}
    chosen_tools = {int(t) for t in request.POST.getlist("tools") if t.isdigit()} if request.method == "POST" else (
        {t.pk for t in permit.tools.all()} if permit else set())
    return render(request, "worksafety/permit_form.html", {
        "nav_part": "apps", "permit": permit, "work_type": wt, "work_type_label": c.WORK_TYPE_LABELS[wt],
        "work_types": c.WORK_TYPE_LABELS.items(), "errors": errors, "values": values,
        "levels": [(lv, rules.level_label(wt, lv) or _("不分级")) for lv in c.LEVELS[wt]],
        "checklist": rules.checklist(wt), "certificate": c.CERTIFICATES.get(wt),
        "tools": Tool.objects.filter(enterprise=enterprise, is_active=True), "chosen_tools": chosen_tools,
        "validity": [(rules.level_label(wt, lv),
                      rules.duration_text(rules.validity(wt, lv), day=_("天"), hour=_("小时"))) for lv in c.LEVELS[wt]],
    })


def _is_government(user: Any) -> bool:
    principal = Principal.of(user)
    return (principal.is_superuser or principal.role in services.GOVERNMENT_ROLES) and not principal.read_only


@login_required
def permit_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One permit with its approvals in order, analyses, spot checks and the steps the user may take now."""
    permit = queries.visible_permit(request.user, pk)
    detail = permit_detail(permit)
    may_change = Permit.objects.writable_by(request.user).filter(pk=pk).exists()
    roles = services.approver_roles(request.user, permit.enterprise_id)
    return render(request, "worksafety/permit_detail.html", {
        "nav_part": "apps", "permit": permit, "d": detail, "may_change": may_change,
        "may_approve": detail["next_approval"] in roles,
        "next_approval_label": c.APPROVER_LABELS[c.ApproverRole(detail["next_approval"])] if detail["next_approval"]
        else "", "required": [c.APPROVER_LABELS[c.ApproverRole(r)] for r in detail["required_approvals"]],
        "signed": len(detail["approvals"]), "needs_gas": rules.needs_gas_analysis(c.WorkType(permit.work_type)),
        "checklist": [(text, permit.checklist.get(code) is True)
                      for code, text in rules.checklist(c.WorkType(permit.work_type))],
        "is_government": _is_government(request.user), "spot_results": SpotCheckResult.choices,
        "now_input": _local_input(datetime.now(TZ)), "timeline": queries.permit_timeline(permit),
        "video_link": permit.video_url if watch_rules.is_browser_link(permit.video_url) else "",
        "may_link": may_change and permit.status in watch_services.LINKABLE_STATUSES,
        "linkable": watch.linkable_channels(permit.enterprise_id) if may_change else [],
        "linked_ids": {r["channel_id"] for r in detail["monitor_channels"]},
    })


@login_required
@require_POST
def permit_step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One lifecycle step from the detail page's buttons and forms; refusals come back as messages."""
    post = request.POST
    try:
        if step == "approve":
            services.approve_permit(queries.visible_permit(request.user, pk), actor=request.user,
                                    opinion=post.get("opinion", ""))
        elif step == "gas":
            toxic = []
            if post.get("toxic_name", "").strip():
                toxic.append({"name": post["toxic_name"].strip(),
                              "value_mg_m3": _parse_float(post.get("toxic_value", ""), "toxic"),
                              "oel_mg_m3": _parse_float(post.get("toxic_oel", ""), "toxic")})
            services.record_gas_analysis(queries.writable_permit(request.user, pk), {
                "sampled_at": _parse_time(post.get("sampled_at", ""), "sampled_at"),
                "analyst": post.get("analyst", "").strip(), "sample_point": post.get("sample_point", "").strip(),
                "combustible_name": post.get("combustible_name", "").strip(),
                "combustible_vol_pct": _parse_float(post.get("combustible_vol_pct", ""), "combustible_vol_pct"),
                "lel_vol_pct": _parse_float(post.get("lel_vol_pct", ""), "lel_vol_pct"),
                "oxygen_vol_pct": _parse_float(post.get("oxygen_vol_pct", ""), "oxygen_vol_pct"),
                "oxygen_enriched": post.get("oxygen_enriched") == "on", "toxic": toxic,
            }, actor=request.user)
        elif step == "site-watch":
            watch_services.link_site_watch(queries.writable_permit(request.user, pk), {
                "monitor_channels": [int(v) for v in post.getlist("monitor_channels") if v.isdigit()],
                "video_source": post.get("video_source", ""), "video_url": post.get("video_url", "")},
                actor=request.user)
        elif step == "suspend":
            services.suspend_work(queries.writable_permit(request.user, pk), actor=request.user,
                                  reason=post.get("reason", ""))
        elif step == "spot-check":
            services.record_spot_check(queries.visible_permit(request.user, pk), {
                "method": post.get("method", "remote"), "result": post.get("result", ""),
                "findings": post.get("findings", "").strip()}, actor=request.user)
        elif step in STEPS:
            STEPS[step](queries.writable_permit(request.user, pk), actor=request.user)
        else:
            raise Http404(step)
        messages.success(request, _("已完成"))
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("无权执行此操作"))
    return redirect("worksafety:permit", pk=pk)


@login_required
def permit_print_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The permit as the standard's 附录 A form lays it out, for printing (the browser prints it to PDF)."""
    permit = queries.visible_permit(request.user, pk)
    return render(request, "worksafety/permit_print.html", {
        "permit": permit, "d": permit_detail(permit),
        "checklist": [(text, permit.checklist.get(code) is True)
                      for code, text in rules.checklist(c.WorkType(permit.work_type))],
        "standard": c.STANDARD,
    })


@login_required
def permit_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The same permit as a PDF file (fpdf2, the server's CJK font embedded); 503 saying why without a font."""
    permit = queries.visible_permit(request.user, pk)
    try:
        body = permit_pdf(permit, permit_detail(permit))
    except MissingFont as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''permit-{permit.number}.pdf"
    return response


def _qr_svg(request: HttpRequest, tool: Any) -> str:
    return segno.make(scan_url(request, tool), error="m").svg_inline(scale=4, title=tool.lock_id)


@login_required
def tool_list_view(request: HttpRequest) -> HttpResponse:
    """Tools with their printable QR codes; enterprise users register new ones (the lock's token shown once)."""
    user: Any = request.user
    credential = None
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            tool, credential = locks.register_tool({
                "name": request.POST.get("name", "").strip(), "kind": request.POST.get("kind", ""),
                "serial_no": request.POST.get("serial_no", "").strip(),
                "lock_id": request.POST.get("lock_id", "").strip()}, actor=request.user)
            messages.success(request, _("工具已登记：%(name)s") % {"name": tool.name})
        except ValidationError as exc:
            errors = _field_errors(exc)
    tools = queries.visible_tools(request.user)
    return render(request, "worksafety/tools.html", {
        "nav_part": "apps", "tools": [(t, _qr_svg(request, t)) for t in tools], "credential": credential,
        "errors": errors, "kinds": ToolKind.choices,
        "may_register": user.role == Role.ENTERPRISE_OFFICER and user.enterprise_id,
    })


@login_required
def tool_scan_view(request: HttpRequest, pk: int) -> HttpResponse:
    """What the tool's QR code opens: the worker asks for an unlock token with their certificate and position."""
    tool = queries.visible_tool(request.user, pk)
    outcome = None
    if request.method == "POST":
        try:
            outcome = locks.request_unlock(queries.writable_tool(request.user, pk), actor=request.user,
                                           worker_certificate=request.POST.get("worker_certificate", ""),
                                           longitude=_parse_float(request.POST.get("longitude", ""), "longitude"),
                                           latitude=_parse_float(request.POST.get("latitude", ""), "latitude"))
        except ValidationError as exc:
            for message in _messages_of(exc):
                messages.error(request, message)
    return render(request, "worksafety/tool_scan.html", {"nav_part": "apps", "tool": tool, "outcome": outcome,
                                                         "ttl": int(c.UNLOCK_TOKEN_TTL.total_seconds())})
