"""Dashboard pages. The map page is a shell: its data comes from the map API (dashboard/api.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie


@login_required
@ensure_csrf_cookie  # the draw tools POST to /api/v1/map/within with the cookie's token
def map_view(request: HttpRequest) -> HttpResponse:
    """一张图: the offline basemap, one clustered layer per resource kind, search and area selection."""
    # Live layers follow the SSE stream under the ASGI server; a WSGI worker would buffer the endless stream,
    # so there (runserver, the test live server) the page polls them instead.
    live = "sse" if isinstance(request, ASGIRequest) else "poll"
    return render(request, "dashboard/map.html", {"nav_part": "command", "map_i18n": _map_strings(), "live": live})


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
