"""Monitoring reads, always through the reader's scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, Count, Exists, Max, OuterRef, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from .models import Alarm, Channel, ChannelRule, DeadLetter, Device, DeviceCredential


def visible_devices(user: Any) -> QuerySet[Device]:
    return Device.objects.for_user(user).select_related("enterprise")  # type: ignore[attr-defined,no-any-return]


_ALARM_RELATED = ("channel__device__enterprise", "channel__device__owner_department", "channel__device__admin_area",
                  "assignee", "acknowledged_by", "escalated_to")


def visible_alarms(user: Any, *, status: str | None = None, level: str | None = None, category: str | None = None,
                   device: int | None = None, department: int | None = None, area: str | None = None,
                   device_type: str | None = None) -> QuerySet[Alarm]:
    """Alarms the user may read, newest first, narrowed by the console's filters.

    ``status`` may be ``open`` (every status but closed); ``area`` is an admin-area code and takes the villages
    under a township too; ``department`` is the device's owning department.
    """
    alarms = Alarm.objects.for_user(user).select_related(*_ALARM_RELATED)  # type: ignore[attr-defined]
    if status == "open":
        alarms = alarms.exclude(status="closed")
    elif status:
        alarms = alarms.filter(status=status)
    if department:
        alarms = alarms.filter(channel__device__owner_department_id=department)
    if area:
        alarms = alarms.filter(channel__device__admin_area__code__startswith=area)
    if device_type:
        alarms = alarms.filter(channel__device__device_type=device_type)
    if level:
        alarms = alarms.filter(level=level)
    if category:
        alarms = alarms.filter(category=category)
    if device:
        alarms = alarms.filter(channel__device_id=device)
    return alarms  # type: ignore[no-any-return]


def visible_dead_letters(user: Any, *, device: int | None = None) -> QuerySet[DeadLetter]:
    """Dead letters of devices the user may read, most recent first (no device: county-wide roles only)."""
    letters = DeadLetter.objects.for_user(user).select_related("device")  # type: ignore[attr-defined]
    if device:
        letters = letters.filter(device_id=device)
    return letters  # type: ignore[no-any-return]


def writable_alarm(user: Any, pk: int) -> Alarm:
    """One alarm the user may act on; 404 when it is outside their scope (never a hint that it exists)."""
    return get_object_or_404(Alarm.objects.writable_by(user).select_related("channel__device"), pk=pk)  # type: ignore[attr-defined]


def visible_alarm(user: Any, pk: int) -> Alarm:
    """One alarm the user may read; 404 outside their scope."""
    return get_object_or_404(Alarm.objects.for_user(user).select_related(*_ALARM_RELATED), pk=pk)  # type: ignore[attr-defined]


def visible_channel(user: Any, pk: int) -> Channel:
    return get_object_or_404(Channel.objects.for_user(user).select_related("device"), pk=pk)  # type: ignore[attr-defined]


_READ_ONLY_RULES = "您可以查看该设备，但无权修改其规则（须为设备所属单位或主管部门有写权限的人员）"


def channel_for_rule_change(user: Any, pk: int) -> Channel:
    """A channel whose rules the user may change: 404 when they cannot see it, 403 when they may only read it."""
    channel = visible_channel(user, pk)
    if not Channel.objects.writable_by(user).filter(pk=pk).exists():  # type: ignore[attr-defined]
        raise PermissionDenied(_READ_ONLY_RULES)
    return channel


def channel_rule_for_change(user: Any, pk: int) -> ChannelRule:
    """A channel's own rule the user may change: 404 when they cannot see it, 403 when they may only read it."""
    rule: ChannelRule = get_object_or_404(
        ChannelRule.objects.for_user(user).select_related("channel__device"), pk=pk)  # type: ignore[attr-defined]
    if not ChannelRule.objects.writable_by(user).filter(pk=pk).exists():  # type: ignore[attr-defined]
        raise PermissionDenied(_READ_ONLY_RULES)
    return rule


_READ_ONLY_DEVICE = "您可以查看该设备，但无权修改（须为设备所属单位或主管部门有写权限的人员）"


def device_for_change(user: Any, pk: int) -> Device:
    """A device the user may change: 404 when they cannot see it, 403 when they may only read it."""
    device: Device = get_object_or_404(visible_devices(user), pk=pk)
    if not may_change_rules(user, device):
        raise PermissionDenied(_READ_ONLY_DEVICE)
    return device


def channel_for_change(user: Any, pk: int) -> Channel:
    """A channel the user may change: 404 when they cannot see it, 403 when they may only read it."""
    channel = visible_channel(user, pk)
    if not may_change_rules(user, channel.device):
        raise PermissionDenied(_READ_ONLY_DEVICE)
    return channel


def may_change_rules(user: Any, device: Device) -> bool:
    return Device.objects.writable_by(user).filter(pk=device.pk).exists()  # type: ignore[attr-defined,no-any-return]


def writable_device(user: Any, pk: int) -> Device:
    return get_object_or_404(Device.objects.writable_by(user), pk=pk)  # type: ignore[attr-defined]



def writable_device_by_code(user: Any, code: str) -> Device:
    return get_object_or_404(Device.objects.writable_by(user), code=code)  # type: ignore[attr-defined]


def writable_credential(user: Any, pk: int) -> DeviceCredential:
    """A credential of a device the user may change; 404 otherwise."""
    devices = Device.objects.writable_by(user)  # type: ignore[attr-defined]
    return get_object_or_404(DeviceCredential.objects.select_related("device").filter(device__in=devices), pk=pk)


# Live status of a device on the map and its page, worst first (issue 3 item 6).
STATUS_ORDER = ("alarm2", "alarm1", "offline", "fault", "maintenance", "normal")


def _live_status() -> Case:
    """A device's live status in SQL, as ``device_statuses`` works it out (retired devices say so)."""
    active = Alarm.objects.filter(channel__device=OuterRef("pk"), recovered_at__isnull=True).exclude(status="closed")
    return Case(
        When(status="retired", then=Value("retired")),
        When(Exists(active.filter(category="process", grade__gte=2)), then=Value("alarm2")),
        When(Exists(active.filter(category="process")), then=Value("alarm1")),
        When(Exists(active.filter(category="offline")), then=Value("offline")),
        When(Exists(active.exclude(category__in=("process", "offline"))), then=Value("fault")),
        When(status="maintenance", then=Value("maintenance")),
        default=Value("normal"), output_field=CharField())


def device_list(user: Any, *, enterprise: int | None = None, device_type: str = "", status: str = "",
                live: str = "", q: str = "") -> QuerySet[Device]:
    """Devices the user may read for the device list, with ``live`` (their live status), narrowed by its filters;
    ``q`` matches the code or the name."""
    found = visible_devices(user).annotate(live=_live_status()).order_by("code")
    if enterprise:
        found = found.filter(enterprise_id=enterprise)
    if device_type:
        found = found.filter(device_type=device_type)
    if status:
        found = found.filter(status=status)
    if live:
        found = found.filter(live=live)
    if q:
        found = found.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return found


def device_statuses(user: Any) -> list[dict[str, Any]]:
    """Every located device the user may see with its live status, from its active (open, not recovered) alarms.

    Two queries whatever the number of devices: the devices, and one aggregate over their active alarms.
    """
    found = list(visible_devices(user).filter(longitude__isnull=False).exclude(status="retired")
                 .values("id", "code", "name", "device_type", "status", "longitude", "latitude"))
    active = (Alarm.objects.filter(channel__device_id__in=[d["id"] for d in found], recovered_at__isnull=True)
              .exclude(status="closed").order_by().values("channel__device_id", "category")
              .annotate(grade=Max("grade"), n=Count("pk")))
    worst: dict[int, tuple[str, int]] = {}
    for row in active:
        if row["category"] == "process":
            status = "alarm2" if row["grade"] >= 2 else "alarm1"
        else:
            status = "offline" if row["category"] == "offline" else "fault"
        device_id = row["channel__device_id"]
        previous = worst.get(device_id)
        count = row["n"] + (previous[1] if previous else 0)
        if previous is None or STATUS_ORDER.index(status) < STATUS_ORDER.index(previous[0]):
            worst[device_id] = (status, count)
        else:
            worst[device_id] = (previous[0], count)
    result = []
    for d in found:
        status, count = worst.get(d["id"], ("maintenance" if d["status"] == "maintenance" else "normal", 0))
        result.append({"id": d["id"], "code": d["code"], "name": d["name"], "device_type": d["device_type"],
                       "lon": d["longitude"], "lat": d["latitude"], "status": status, "active_alarms": count})
    return result
