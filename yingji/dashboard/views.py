"""Dashboard pages. The map page is a shell: its data comes from the map API (dashboard/api.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie

from yingji.registry.models import Enterprise

from . import safety


@login_required
@ensure_csrf_cookie  # the draw tools POST to /api/v1/map/within with the cookie's token
def map_view(request: HttpRequest) -> HttpResponse:
    """一张图: the offline basemap, one clustered layer per resource kind, search and area selection."""
    # Live layers follow the SSE stream under the ASGI server; a WSGI worker would buffer the endless stream,
    # so there (runserver, the test live server) the page polls them instead.
    live = "sse" if isinstance(request, ASGIRequest) else "poll"
    return render(request, "dashboard/map.html", {"nav_part": "command", "map_i18n": _map_strings(), "live": live,
                                                  "device_i18n": _device_strings(), "risk_i18n": _risk_strings()})


def _risk_strings() -> dict[str, str]:
    """Words of the risk map layer (riskmap.js)."""
    return {"title": _("风险四色图"), "red": _("重大风险"), "orange": _("较大风险"), "yellow": _("一般风险"),
            "blue": _("低风险")}


def _device_strings() -> dict[str, Any]:
    """Words of the monitoring-device layer (map_devices.js): live status of each device."""
    return {
        "title": _("监测设备"),
        "details": _("设备详情"),
        "active": _("{n} 条未关闭报警"),
        "statuses": {"alarm2": _("二级报警"), "alarm1": _("一级报警"), "offline": _("离线"), "fault": _("故障"),
                     "maintenance": _("检修"), "normal": _("正常")},
    }


def _map_strings() -> dict[str, str]:
    """Words the map script shows, translated here so the script itself stays language-free."""
    return {
        "loading": _("正在加载地图数据…"),
        "loaded": _("已加载 {n} 个点"),
        "failed": _("地图数据加载失败，请刷新重试"),
        "details": _("查看详情"),
        "noHits": _("没有找到匹配的名称"),
        "searching": _("正在搜索…"),
        "inside": _("范围内共 {n} 项"),
        "area": _("面积 {a} 平方千米"),
        "none": _("范围内没有资源"),
        "distance": _("距圆心 {d} 千米"),
        "selecting": _("正在查询范围内的资源…"),
        "county": _("县界"),
        "townships": _("乡镇(街道)"),
        "villages": _("村(社区)"),
        "rivers": _("河流"),
        "roads": _("道路"),
        "tiles": _("在线底图"),
        "drawCircle": _("画圆框选"),
        "drawPolygon": _("画多边形框选"),
    }


@login_required
def eagle_eye_view(request: HttpRequest) -> HttpResponse:
    """鹰眼 (video network): not built yet; the page says so plainly."""
    return render(request, "dashboard/eagle_eye.html", {"nav_part": "eagle_eye"})


@login_required
def applications_view(request: HttpRequest) -> HttpResponse:
    """智慧应用: the applications available now, and the ones still to come, clearly marked."""
    return render(request, "dashboard/applications.html", {"nav_part": "apps"})


@login_required
def enterprise_safety_view(request: HttpRequest, pk: int) -> HttpResponse:
    """企业安全画像: one enterprise's grade, hidden dangers, risk colours, alarms, inspections, commitment."""
    enterprise = get_object_or_404(Enterprise.objects.for_user(request.user), pk=pk)
    return render(request, "dashboard/enterprise_safety.html",
                  {"nav_part": "apps", "enterprise": enterprise, "sections": safety.collect(enterprise)})
