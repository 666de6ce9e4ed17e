"""Monitoring device pages (thin): the device list with its filters, and the instrument-list import (a dry run
first, then all rows or none) through ``device_import``."""

from __future__ import annotations

from typing import Any, BinaryIO, cast

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from yingji.core.scoping import Principal
from yingji.registry.models import Enterprise

from . import device_import, queries
from .models import DeviceStatus
from .models.devices import DEVICE_TYPE_CHOICES

NAV = {"nav_part": "command"}
PAGE_SIZE = 50


def live_labels() -> dict[str, str]:
    """A device's live status in words, in the map's order (worst first); colours are monitoring.css's."""
    return {"alarm2": _("二级报警"), "alarm1": _("一级报警"), "offline": _("离线"), "fault": _("故障"),
            "maintenance": _("检修"), "normal": _("正常"), "retired": _("已停用")}


@login_required
def device_list(request: HttpRequest) -> HttpResponse:
    """监测设备: the devices the user may read, filtered by enterprise, type, status, live status and code/name."""
    params = request.GET
    enterprise = params.get("enterprise", "")
    filters: dict[str, Any] = {"enterprise": int(enterprise) if enterprise.isdigit() else None,
               "device_type": params.get("device_type", ""), "status": params.get("status", ""),
               "live": params.get("live", ""), "q": params.get("q", "").strip()}
    page = Paginator(queries.device_list(request.user, **filters), PAGE_SIZE).get_page(params.get("page"))
    visible = queries.visible_devices(request.user)
    labels = live_labels()
    context: dict[str, Any] = {
        **NAV, "page": page, "filters": filters, "live_labels": labels,
        "rows": [(d, labels[d.live]) for d in page.object_list],  # type: ignore[attr-defined]
        "enterprises": Enterprise.objects.filter(pk__in=visible.values("enterprise_id")).order_by("name"),
        "device_types": [(value, _(label)) for value, label in DEVICE_TYPE_CHOICES],
        "statuses": [(value, _(label)) for value, label in DeviceStatus.choices],
        "may_import": not Principal.of(request.user).read_only,
    }
    return render(request, "monitoring/device_list.html", context)


@login_required
def import_devices_view(request: HttpRequest) -> HttpResponse:
    """Devices and channels from an instrument list (Excel/CSV): a dry run first, then all rows or none."""
    outcome = None
    failure = ""
    upload = request.FILES.get("file") if request.method == "POST" else None
    if request.method == "POST" and upload is None:
        failure = _("请选择要导入的 Excel 或 CSV 文件")
    elif upload is not None:
        outcome = device_import.import_devices(cast(BinaryIO, upload), upload.name or "upload.xlsx",
                                               actor=request.user, dry_run=request.POST.get("dry_run") == "on")
    return render(request, "monitoring/device_import.html", {**NAV, "columns": device_import.COLUMNS,
                                                             "outcome": outcome, "failure": failure})
