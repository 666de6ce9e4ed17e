"""Monitoring pages: the alarm console and a device's page. Shells: their data comes from the monitoring API
and the live event stream (monitoring/api.py, alarm_api.py, /api/v1/events/stream)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie

from yingji.core.models import AdminArea, Department
from yingji.core.models.areas import AreaLevel
from yingji.core.scoping import Principal

from . import queries
from .devices import CHANNEL_FIELDS
from .models import AlarmCategory, AlarmStatus, Channel, ChannelRule
from .models.alarms import LEVEL_CHOICES
from .models.channel_rules import RULE_KIND_CHOICES
from .models.devices import DEVICE_TYPE_CHOICES
from .rule_binding import rules_for, rules_in_force
from .rules.custom import FIELD_CHOICES, FIELDS, LABELS
from .rules.levelled import Direction

# How often the device page asks the series API for new readings (seconds); see docs/monitoring.md.
DEVICE_POLL_SECONDS = 10


def _choices(pairs: Any) -> list[tuple[str, str]]:
    return [(value, _(label)) for value, label in pairs]


@login_required
@ensure_csrf_cookie  # the console POSTs acknowledgements, assignments, notes and closures with the cookie's token
def alarm_console(request: HttpRequest) -> HttpResponse:
    """报警控制台: live alarms with sound, filters, acknowledge / assign / handle / close from the list."""
    context = {
        "nav_part": "command",
        "departments": Department.objects.order_by("code"),
        "areas": AdminArea.objects.filter(level=AreaLevel.TOWNSHIP).order_by("code"),
        "levels": _choices(LEVEL_CHOICES),
        "categories": _choices(AlarmCategory.choices),
        "statuses": _choices(AlarmStatus.choices),
        "device_types": _choices(DEVICE_TYPE_CHOICES),
        "may_act": not Principal.of(request.user).read_only,
        "console_i18n": _console_strings(),
    }
    return render(request, "monitoring/alarm_console.html", context)


def _console_strings() -> dict[str, Any]:
    """Words the console script shows, translated here so the script stays language-free."""
    return {
        "statuses": dict(_choices(AlarmStatus.choices)),
        "levels": dict(_choices(LEVEL_CHOICES)),
        "categories": dict(_choices(AlarmCategory.choices)),
        "acknowledge": _("确认"), "assign": _("指派"), "handle": _("处置"), "close": _("关闭报警"),
        "soundOn": _("声音已开启"), "soundOff": _("开启声音"),
        "loading": _("正在加载报警…"), "empty": _("没有符合条件的报警"), "failed": _("加载失败，请刷新重试"),
        "live": _("实时连接正常"), "reconnecting": _("实时连接中断，正在重连…"),
        "count": _("共 {n} 条"), "newAlarm": _("新报警：{m}"), "recovered": _("已恢复"),
        "overdue": _("超时未确认，已上报 {d}"), "overdueNoDept": _("超时未确认"),
        "assignee": _("处置人"), "chooseAssignee": _("选择处置人"), "noAssignees": _("没有可指派的人员"),
        "notes": _("处置记录"), "noNotes": _("暂无处置记录"), "addNote": _("添加记录"),
        "notePlaceholder": _("现场情况、已采取的措施…"), "photos": _("现场照片（JPEG/PNG/WebP，每张不超过 5 MB）"),
        "cause": _("报警原因"), "measures": _("处置措施"), "falseAlarm": _("认定为误报"),
        "falseAlarmBadge": _("误报"),
        "saved": _("已保存"), "device": _("设备"), "enterprise": _("企业"), "value": _("数值"),
        "firstAt": _("首次报警"), "lastAt": _("最近"), "repeats": _("重复 {n} 次"), "panelTitle": _("报警处置"),
        "closeClosed": _("报警已关闭"), "cancel": _("取消"), "devicePage": _("设备详情"),
        "ackFirst": _("请先确认报警，再指派或处置"),
    }


def _thresholds(channel: Channel) -> list[dict[str, Any]]:
    """The set points of a channel's levelled threshold rules, as chart mark lines."""
    lines = []
    for rule in rules_for(channel).thresholds:
        high = rule.direction is Direction.HIGH
        for grade, value in ((1, rule.first), (2, rule.second)):
            if value is not None:
                label = ("H" if high else "L") * grade
                lines.append({"label": f"{label} {value:g}", "value": value, "grade": grade})
    return lines


def _rule_fields(form: dict[str, Any]) -> list[dict[str, Any]]:
    """Every parameter the rule form may show, with the kinds it belongs to (the script shows the chosen kind's),
    its value and its error."""
    seen: dict[str, dict[str, Any]] = {}
    for kind, fields in FIELDS.items():
        for name in fields:
            value = form["values"].get(name, "")
            entry = seen.setdefault(name, {"name": name, "label": _(LABELS[name]), "kinds": [],
                                           "choices": _choices(FIELD_CHOICES.get(name, ())),
                                           "value": "" if value is None else str(value),
                                           "error": form["errors"].get(name, "")})
            entry["kinds"].append(kind.value)
    for entry in seen.values():
        entry["kinds"] = " ".join(entry["kinds"])
    return list(seen.values())


def _rule_form(request: HttpRequest, device: Any, posted: dict[str, Any] | None) -> dict[str, Any]:
    """The form's values: what was posted (with its errors), a rule being edited (``?edit=``), or empty."""
    if posted is not None:
        return posted
    edit = request.GET.get("edit", "")
    rule = ChannelRule.objects.filter(pk=int(edit), channel__device=device).first() if edit.isdigit() else None
    if rule is None:
        return {"values": {}, "errors": {}}
    values = {"rule": rule.pk, "channel": rule.channel_id, "kind": rule.kind, "name": rule.name,
              **{k: v for k, v in rule.params.items() if v is not None}}
    return {"values": values, "errors": {}, "editing": rule}


def _channel_form(request: HttpRequest, device: Any) -> dict[str, Any]:
    """The channel form's values: the channel being edited (``?channel=``), or a new channel's defaults."""
    edit = request.GET.get("channel", "")
    channel = device.channels.filter(pk=int(edit)).first() if edit.isdigit() else None
    if channel is None:
        return {"values": {"sample_interval_s": 30}, "errors": {}}
    return {"values": {"channel": channel.pk, **{f: getattr(channel, f) for f in CHANNEL_FIELDS}}, "errors": {},
            "editing": channel}


@login_required
def device_page(request: HttpRequest, pk: int, rule_form: dict[str, Any] | None = None,
                status: int = 200, channel_form: dict[str, Any] | None = None) -> HttpResponse:
    """A device: its channels with live charts (thresholds drawn), the rules in force on each (with a form to
    add, change and remove a channel's own rules for those who may change the device), a form to add a channel or
    change one (``?channel=``) and its alarm history."""
    device = queries.visible_devices(request.user).filter(pk=pk).prefetch_related("channels__custom_rules").first()
    if device is None:
        raise Http404(_("设备不存在或不在您的权限范围内"))
    form = _rule_form(request, device, rule_form)
    channels = [{"id": c.pk, "metric": c.metric, "unit": c.unit, "range_min": c.range_min,
                 "range_max": c.range_max, "thresholds": _thresholds(c)} for c in device.channels.all()]
    context = {
        "nav_part": "command",
        "device": device,
        "channels": device.channels.all(),
        "rule_channels": [{"channel": c, "rules": rules_in_force(c)["rules"]} for c in device.channels.all()],
        "may_change_rules": device.status != "retired" and queries.may_change_rules(request.user, device),
        "channel_form": channel_form or _channel_form(request, device),
        "rule_kinds": _choices(RULE_KIND_CHOICES),
        "rule_fields": _rule_fields(form),
        "rule_form": form,
        "alarms": queries.visible_alarms(request.user, device=pk)[:50],
        "device_data": {"id": device.pk, "code": device.code, "channels": channels,
                        "pollSeconds": DEVICE_POLL_SECONDS,
                        "i18n": {"noData": _("所选时段没有读数"), "failed": _("读数加载失败"),
                                 "value": _("读数")}},
    }
    return render(request, "monitoring/device.html", context, status=status)
