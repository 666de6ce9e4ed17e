"""Supervisor pages: the county table of every enterprise's dual-prevention state, checks and enforcement
orders, subscriptions. Scoped like everything else: a department sees what it supervises."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import queries
from .forms import data_from, errors_of
from .models import EnforcementOrder, Subscription, SubscriptionState
from .models.dangers import OPEN_STATUSES
from .services import operations, supervision
from .subscriptions import refusal
from .views import _common, _filters

RECENT_DAYS = 30
Errors = dict[str, str]


@login_required
def county_view(request: HttpRequest) -> HttpResponse:
    """双重预防监管: one row per enterprise — risk colours, open/major/overdue hidden dangers, missed rounds,
    today's commitment, use state — with the county's totals."""
    user = request.user
    today = timezone.localdate()
    colours: dict[int, Counter[str]] = defaultdict(Counter)
    for enterprise_id, level, n in (queries.risk_points(user, {}).order_by().values_list("enterprise", "level")
                                    .annotate(n=Count("pk"))):
        colours[enterprise_id][level] = n
    open_dangers = queries.hidden_dangers(user, {}).filter(status__in=OPEN_STATUSES).order_by()
    opened = dict(open_dangers.values_list("enterprise").annotate(n=Count("pk")))
    major = dict(open_dangers.filter(level="major").values_list("enterprise").annotate(n=Count("pk")))
    late = dict(open_dangers.filter(deadline__lt=today).values_list("enterprise").annotate(n=Count("pk")))
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    missed = dict(queries.missed_rounds(user, {}).filter(period_start__gte=since).order_by()
                  .values_list("route__enterprise").annotate(n=Count("pk")))
    committed = set(queries.commitments(user, {"day": today}).values_list("enterprise_id", flat=True))
    majors = operations.major_hazard_enterprise_ids()
    context = _common(request)
    visible = context["enterprises"]
    ids = set(colours) | set(opened) | set(missed) | majors
    enterprises = [e for e in visible.iterator(chunk_size=2000) if e.pk in ids]  # no IN list of every id
    rows = [{"enterprise": e, "colours": [colours[e.pk].get(c, 0) for c in ("red", "orange", "yellow", "blue")],
             "open": opened.get(e.pk, 0), "major": major.get(e.pk, 0), "overdue": late.get(e.pk, 0),
             "missed": missed.get(e.pk, 0), "must_commit": e.pk in majors, "committed": e.pk in committed}
            for e in enterprises]
    totals = queries.counts_by_level(queries.risk_points(user, {}))
    return render(request, "prevention/county.html", dict(
        context, rows=rows, totals=totals, open_total=sum(opened.values()), major_total=sum(major.values()),
        overdue_total=sum(late.values()), missed_total=sum(missed.values()), recent_days=RECENT_DAYS))


@login_required
def supervision_view(request: HttpRequest) -> HttpResponse:
    """监管执法: record a remote or on-site check with orders; follow orders up and close them."""
    errors: Errors = {}
    if request.method == "POST":
        errors = _post(request)
        if not errors:
            return redirect("prevention:supervision")
    filters = _filters(request, "enterprise")
    return render(request, "prevention/supervision.html", _common(
        request, checks=queries.supervision_checks(request.user, filters)[:200],
        orders=queries.orders(request.user, filters).exclude(status="closed")[:200], errors=errors,
        today=timezone.localdate()))


def _post(request: HttpRequest) -> Errors:
    try:
        if request.POST.get("kind") == "check":
            data, errors = data_from(request.POST, ("enterprise", "mode", "checked_on", "findings"))
            if errors:
                return errors
            orders = []
            for content, deadline in zip(request.POST.getlist("order_content"),
                                         request.POST.getlist("order_deadline"), strict=False):
                if content.strip():
                    try:
                        due = dt.date.fromisoformat(deadline)
                    except ValueError:
                        return {"orders": f"指令“{content[:20]}”的整改期限“{deadline}”不是日期"}
                    orders.append({"content": content, "deadline": due})
            if "checked_on" in data:
                try:
                    data["checked_on"] = dt.date.fromisoformat(data["checked_on"])
                except ValueError:
                    return {"checked_on": "检查日期格式应为 YYYY-MM-DD"}
            supervision.record_check(data, orders, actor=request.user)
            messages.success(request, _("已登记监管检查"))
        else:
            order = queries.writable_one(EnforcementOrder, request.user, int(request.POST.get("order", "0") or 0))
            if request.POST.get("kind") == "close":
                supervision.close_order(order, request.POST.get("note", ""), actor=request.user)
                messages.success(request, _("执法指令已办结"))
            else:
                supervision.follow_up(order, request.POST.get("note", ""), actor=request.user)
                messages.success(request, _("已记录跟踪复查"))
    except (ValidationError, PermissionDenied) as exc:
        return errors_of(exc)
    return {}


@login_required
def subscriptions_view(request: HttpRequest) -> HttpResponse:
    """企业订阅: plan, seats, period and state per enterprise; the county changes the state (paid, suspended)."""
    errors: Errors = {}
    if request.method == "POST":
        try:
            subscription = queries.writable_one(Subscription, request.user,
                                                int(request.POST.get("subscription", "0") or 0))
            supervision.save_subscription(subscription, {"state": request.POST.get("state", "")},
                                          actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("订阅状态已更新"))
            return redirect("prevention:subscriptions")
    rows = [(s, refusal(s.enterprise)) for s in queries.subscriptions(request.user, _filters(request, "enterprise"))
            [:500]]
    return render(request, "prevention/subscriptions.html", _common(
        request, rows=rows, states=SubscriptionState.choices, errors=errors))


