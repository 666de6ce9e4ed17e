"""Command pages: the incidents list (with a quick report form) and the command board of one incident.

Both are shells: their data comes from the command API, so what the page shows is what the API allows.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie

from . import incident_queries, incidents, response
from .models import EvacuationPlan, IncidentStatus, IncidentType, PlanActivation
from .models.incidents import LEVEL_CHOICES


@login_required
@ensure_csrf_cookie
def incidents_view(request: HttpRequest) -> HttpResponse:
    """Open incidents first, then the latest closed ones; a form to record a new report."""
    found = incident_queries.visible_incidents(request.user)
    context = {
        "nav_part": "command",
        "open_incidents": found.exclude(status=IncidentStatus.CLOSED)[:100],
        "closed_incidents": found.filter(status=IncidentStatus.CLOSED)[:20],
        "incident_types": IncidentType.choices,
    }
    return render(request, "command/incidents.html", context)


@login_required
@ensure_csrf_cookie
def board_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The command board: map with zones, resources and routes; tasks, forces, deadlines and the log."""
    incident = incident_queries.visible_incident(request.user, pk)
    context: dict[str, Any] = {
        "nav_part": "command",
        "incident": incident,
        "plans": response.applicable_plans(incident),
        "activations": PlanActivation.objects.filter(incident=incident).select_related("plan"),
        "revision": incidents.casualty_revision(incident, timezone.now()),
        "board_i18n": _board_strings(),
        "countdown_i18n": {"left": _("剩余"), "closed": _("已过期"), "days": _("天"), "hours": _("小时")},
    }
    return render(request, "command/board.html", context)


def _board_strings() -> dict[str, Any]:
    """Words the board script shows, translated here so the script stays language-free."""
    return {
        "overdue": _("已超时"), "left": _("剩余"), "done": _("已完成"), "accept": _("接收"), "finish": _("完成"),
        "enRoute": _("出发"), "onScene": _("到场"), "back": _("返回"), "dispatch": _("调派"), "eta": _("预计到达"),
        "minutes": _("分钟"), "none": _("暂无"), "failed": _("操作失败"), "people": _("人"),
        "zonePeople": _("威胁区内人口约 {n} 人"), "noPeople": _("威胁区内人口未知"),
        "planMade": _("已编制疏散方案：需疏散 {total} 人，已安排 {placed} 人，未能安置 {unplaced} 人"),
        "live": _("实时"), "offline": _("连接中断，正在重连…"), "printPlan": _("打印疏散方案"),
        "atTime": _("释放后 {m} 分钟：烟团中心在下风 {d} m 处"), "notReached": _("此刻各级阈值均未达到"),
        "levels": {value: _(label) for value, label in LEVEL_CHOICES},
    }


@login_required
def evacuation_print_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An evacuation plan on paper: per shelter, which villages go there, how many people, how far and how long."""
    plan = get_object_or_404(EvacuationPlan.objects.for_user(request.user).select_related("incident"), pk=pk)
    rows = list(plan.assignments.select_related("village", "shelter").order_by("shelter__name", "travel_s"))
    by_shelter: dict[str, list[Any]] = {}
    for row in rows:
        by_shelter.setdefault(row.shelter.name if row.shelter else "", []).append(row)
    arrived = plan.arrivals.aggregate(n=Sum("people"))["n"] or 0
    return render(request, "command/evacuation_print.html", {
        "plan": plan, "groups": [(name, group, sum(r.people for r in group)) for name, group in by_shelter.items()
                                 if name], "unplaced": by_shelter.get("", []), "arrived": arrived})
