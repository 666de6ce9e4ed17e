"""Monitoring reads, always through the reader's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Alarm, Channel, DeadLetter, Device, DeviceCredential


def visible_devices(user: Any) -> QuerySet[Device]:
    return Device.objects.for_user(user).select_related("enterprise")  # type: ignore[attr-defined,no-any-return]


def visible_alarms(user: Any, *, status: str | None = None, level: str | None = None, category: str | None = None,
                   device: int | None = None) -> QuerySet[Alarm]:
    """Alarms the user may read, newest first, narrowed by the console's filters."""
    alarms = Alarm.objects.for_user(user).select_related("channel__device")  # type: ignore[attr-defined]
    if status:
        alarms = alarms.filter(status=status)
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


def visible_channel(user: Any, pk: int) -> Channel:
    return get_object_or_404(Channel.objects.for_user(user).select_related("device"), pk=pk)  # type: ignore[attr-defined]


def writable_device(user: Any, pk: int) -> Device:
    return get_object_or_404(Device.objects.writable_by(user), pk=pk)  # type: ignore[attr-defined]



def writable_device_by_code(user: Any, code: str) -> Device:
    return get_object_or_404(Device.objects.writable_by(user), code=code)  # type: ignore[attr-defined]


def writable_credential(user: Any, pk: int) -> DeviceCredential:
    """A credential of a device the user may change; 404 otherwise."""
    devices = Device.objects.writable_by(user)  # type: ignore[attr-defined]
    return get_object_or_404(DeviceCredential.objects.select_related("device").filter(device__in=devices), pk=pk)
