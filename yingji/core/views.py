"""Sign-in with a second factor for administrators, sign-out, and the auditor's log pages."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from . import services
from .exports import stream_export
from .models import User
from .queries import audit_events_for
from .roles import Role

PENDING_KEY = "yingji_pending_2fa_user"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return settings.LOGIN_REDIRECT_URL


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Password first; administrators then go on to the TOTP step before a session is created."""
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user: User = form.get_user()  # type: ignore[assignment]
        if user.needs_second_factor and settings.YINGJI_REQUIRE_ADMIN_2FA:
            request.session[PENDING_KEY] = user.pk
            request.session["yingji_next"] = _next_url(request)
            return redirect("second_factor")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        services.record_login(user)
        return redirect(_next_url(request))
    return render(request, "core/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_http_methods(["GET", "POST"])
def second_factor_view(request: HttpRequest) -> HttpResponse:
    """Verify (or, the first time, enrol) the administrator's authenticator code."""
    pending = request.session.get(PENDING_KEY)
    user = User.objects.filter(pk=pending, is_active=True).first() if pending else None
    if user is None:
        return redirect("login")
    enrolling = not user.totp_confirmed
    if enrolling and not user.totp_secret:
        services.start_totp_enrolment(user)
    error = ""
    if request.method == "POST":
        code = request.POST.get("code", "")
        ok = services.confirm_totp(user, code) if enrolling else services.verify_totp(user, code)
        if ok:
            del request.session[PENDING_KEY]
            target = request.session.pop("yingji_next", settings.LOGIN_REDIRECT_URL)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            services.record_login(user)
            return redirect(target)
        error = "验证码不正确或已过期，请输入认证器上当前显示的 6 位数字。"
    context: dict[str, Any] = {"enrolling": enrolling, "error": error, "user_name": user.username}
    if enrolling:
        uri = services.provisioning_uri(user)
        context["qr_svg"] = segno.make(uri).svg_inline(scale=4)
        context["secret"] = user.totp_secret
    return render(request, "core/second_factor.html", context)


@require_http_methods(["POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


def _require_auditor(request: HttpRequest) -> None:
    user = request.user
    if not (user.is_superuser or getattr(user, "role", None) in (Role.AUDITOR, Role.COUNTY_ADMIN)):
        raise PermissionDenied("只有审计员和管理员可以查看审计日志")


@login_required
def audit_log_view(request: HttpRequest) -> HttpResponse:
    """The auditor's browsable log, newest first, filterable by actor, action and object type."""
    _require_auditor(request)
    events = audit_events_for(request.user, request.GET)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "filters": request.GET})


@login_required
def audit_log_export_view(request: HttpRequest, fmt: str) -> HttpResponseBase:
    _require_auditor(request)
    events = audit_events_for(request.user, request.GET)
    headers = ["序号", "时间", "操作人", "动作", "对象类型", "对象ID", "对象", "请求ID", "哈希"]
    rows = (
        (e.seq, e.occurred_at.isoformat(), e.actor_name, e.action, e.object_type, e.object_id, e.object_repr,
         e.request_id, e.hash)
        for e in events.iterator()
    )
    return stream_export(fmt, "audit-log", headers, rows)
