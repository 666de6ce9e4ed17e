"""The device page's rule form: add, change and remove a channel's own rules. Thin: parse the form, call
channel_rules, redirect (or show the page again with the field errors)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import channel_rules, queries
from .models import ChannelRule
from .rules.custom import FIELDS, RuleKind
from .views import device_page

_SHOWN = frozenset({"channel", "kind", "name"}.union(*FIELDS.values()))


def _params(request: HttpRequest, kind: str) -> dict[str, Any]:
    """The posted values of the kind's own fields (the form shows every kind's; the others are ignored)."""
    try:
        fields = FIELDS[RuleKind(kind)]
    except ValueError:
        fields = ()  # the service names the unknown kind
    return {f: request.POST.get(f, "").strip() for f in fields if request.POST.get(f, "").strip() != ""}


def _again(request: HttpRequest, pk: int, exc: ValidationError | PermissionDenied) -> HttpResponse:
    """The device page again, with the form as posted and its errors (``form``: not about one field)."""
    if isinstance(exc, PermissionDenied):
        errors = {"form": str(exc)}
    elif hasattr(exc, "error_dict"):
        errors = {}
        for field, found in exc.message_dict.items():  # an error the form has no field for is shown above it
            key = field if field in _SHOWN else "form"
            errors[key] = "；".join(filter(None, (errors.get(key), *found)))
    else:
        errors = {"form": "；".join(exc.messages)}
    return device_page(request, pk, rule_form={"values": request.POST, "errors": errors}, status=422)


@login_required
@require_POST
def save_rule(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a rule to one of the device's channels, or change one (``rule`` posted)."""
    kind, name = request.POST.get("kind", ""), request.POST.get("name", "")
    rule_pk = request.POST.get("rule", "")
    try:
        if rule_pk.isdigit():
            rule = queries.channel_rule_for_change(request.user, int(rule_pk))
            if rule.channel.device_id != pk:
                raise Http404
            channel_rules.change_rule(rule, actor=request.user, name=name, params=_params(request, rule.kind))
            messages.success(request, _("规则已修改，下一批读数起生效"))
        else:
            channel_pk = request.POST.get("channel", "")
            if not channel_pk.isdigit():
                raise ValidationError({"channel": _("请选择通道")})
            channel = queries.channel_for_rule_change(request.user, int(channel_pk))
            if channel.device_id != pk:
                raise Http404
            channel_rules.add_rule(channel, actor=request.user, kind=kind, name=name,
                                   params=_params(request, kind))
            messages.success(request, _("规则已添加，下一批读数起生效"))
    except (ValidationError, PermissionDenied) as exc:
        return _again(request, pk, exc)
    return redirect(f"/monitoring/devices/{pk}/#rules")


@login_required
@require_POST
def delete_rule(request: HttpRequest, pk: int, rule_pk: int) -> HttpResponse:
    try:
        rule: ChannelRule = queries.channel_rule_for_change(request.user, rule_pk)
        if rule.channel.device_id != pk:
            raise Http404
        channel_rules.remove_rule(rule, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        return _again(request, pk, exc)
    messages.success(request, _("规则已删除"))
    return redirect(f"/monitoring/devices/{pk}/#rules")
