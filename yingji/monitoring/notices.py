"""Alarms as notices for `yingji.notify`: who hears about a raised or escalated alarm is notify's routing."""

from __future__ import annotations

from django.utils import timezone

from yingji.core.scoping import facts_of
from yingji.notify.notices import Notice

from .models import Alarm, AlarmCategory

NOTIFIED_CHANGES = frozenset({"raised", "escalated"})


def notice_level(alarm: Alarm) -> int:
    """Notify's severity (1 一般 … 4 特别严重): a device fault 1, a first alarm 2, a second alarm 3."""
    if alarm.category != AlarmCategory.PROCESS:
        return 1
    return 1 + alarm.grade


def alarm_notice(alarm: Alarm, change: str) -> Notice:
    """The notice for one step of an alarm episode; the level is in the key, so each step is sent once."""
    device = alarm.channel.device
    facts = facts_of(device)
    at = timezone.localtime(alarm.last_at)
    value = "" if alarm.last_value is None else f"，当前值 {alarm.last_value:g} {alarm.channel.unit}"
    where = f"（{device.installation_point}）" if device.installation_point else ""
    return Notice(
        domain="monitoring", kind=change, level=notice_level(alarm),
        title=f"{device.name}{alarm.get_level_display()}"[:200],
        body=f"{alarm.message}{value}。设备 {device.code}{where}，时间 {at:%Y-%m-%d %H:%M:%S}。",
        link=f"/monitoring/alarms/{alarm.pk}/", source_key=f"monitoring.alarm:{alarm.pk}:{alarm.level}",
        area_code=facts.area_code, department_id=facts.department_id,
    )
