"""The device page's channel form: add a channel, or change one's unit, range, sampling period, design value and
live publishing (its metric only while it has no readings). Thin: parse the form, call devices, redirect (or show
the page again with the field errors)."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import devices, queries
from .views import device_page

NUMBERS = ("range_min", "range_max", "sample_interval_s", "design_value")  # the form posts text
SHOWN = devices.CHANNEL_FIELDS


def _data(request: HttpRequest) -> dict[str, Any]:
    """The posted fields as the service takes them; a number that is not one is refused naming its field."""
    data: dict[str, Any] = {"metric": request.POST.get("metric", "").strip(),
                            "unit": request.POST.get("unit", "").strip(),
                            "publish_readings": request.POST.get("publish_readings") == "on"}
    wrong = {}
    for name in NUMBERS:
        text = request.POST.get(name, "").strip()
        try:
            data[name] = float(text) if text else None
        except ValueError:
            wrong[name] = _("必须是数字")
        else:
            if data[name] is not None and not math.isfinite(data[name]):
                wrong[name] = _("必须是数字")
    if data["sample_interval_s"] is None:
        wrong["sample_interval_s"] = _("必填")
    if wrong:
        raise ValidationError(wrong)
    return data


def _again(request: HttpRequest, pk: int, exc: ValidationError | PermissionDenied) -> HttpResponse:
    """The device page again, with the channel form as posted and its errors (``form``: not about one field)."""
    errors: dict[str, str] = {}
    if isinstance(exc, PermissionDenied):
        errors["form"] = str(exc)
    else:
        found = exc.message_dict if hasattr(exc, "error_dict") else {"form": exc.messages}
        for field, messages_ in found.items():
            key = field if field in SHOWN else "form"
            errors[key] = "；".join(filter(None, (errors.get(key), *messages_)))
    values = {**request.POST.dict(), "publish_readings": request.POST.get("publish_readings") == "on"}
    return device_page(request, pk, channel_form={"values": values, "errors": errors}, status=422)


@login_required
@require_POST
def save_channel(request: HttpRequest, pk: int) -> HttpResponse:
    """Change one of the device's channels (``channel`` posted), or add one to it."""
    channel_pk = request.POST.get("channel", "")
    try:
        if channel_pk.isdigit():
            channel = queries.channel_for_change(request.user, int(channel_pk))
            if channel.device_id != pk:
                raise Http404
            devices.update_channel(channel, _data(request), actor=request.user)
            messages.success(request, _("通道已修改，下一批读数起按新参数判断报警"))
        else:
            device = queries.device_for_change(request.user, pk)
            devices.create_channel(device, _data(request), actor=request.user)
            messages.success(request, _("通道已添加"))
    except (ValidationError, PermissionDenied) as exc:
        return _again(request, pk, exc)
    return redirect(f"/monitoring/devices/{pk}/#channels")
