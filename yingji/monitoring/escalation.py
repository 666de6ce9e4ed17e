"""Time limits: an alarm left unacknowledged past its level's limit goes to the supervising department.

Run by `yingji monitoring_tick` after the offline check. Idempotent: an alarm is escalated once
(``escalated_at`` is set in the same transaction that audits it), so running the tick twice, or two ticks at
once, escalates nothing twice (rows are locked with ``select_for_update`` where the database supports it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yingji.core import audit
from yingji.core.models import Department
from yingji.core.records import ensure_may_change

from .alarms import announce
from .constants import ACKNOWLEDGE_MINUTES, MonitoringAction
from .models import Alarm, AlarmStatus, AlarmTimeLimit, Device

DEVICE_KIND = "monitoring.device"
ENTERPRISE_KIND = "registry.enterprise"


def time_limits() -> dict[str, timedelta]:
    """Acknowledgement limit per level: the defaults in constants, overridden by AlarmTimeLimit rows."""
    minutes = dict(ACKNOWLEDGE_MINUTES)
    minutes.update(AlarmTimeLimit.objects.values_list("level", "acknowledge_minutes"))
    return {level: timedelta(minutes=m) for level, m in minutes.items()}


def supervising_department(device: Device, departments: Sequence[Department]) -> Department | None:
    """The department an overdue alarm of this device goes to.

    In order: a department supervising monitoring devices (one that also supervises enterprises first, for an
    enterprise's device; then by code) — it sees every device alarm; else the device's owning department; else
    the owning department of the device's enterprise. None when there is none (the county administrators,
    who see every alarm, still see it flagged as overdue).
    """
    watching = [d for d in departments if DEVICE_KIND in (d.supervised_kinds or [])]
    if device.enterprise_id is not None:
        watching.sort(key=lambda d: (ENTERPRISE_KIND not in (d.supervised_kinds or []), d.code))
    else:
        watching.sort(key=lambda d: d.code)
    if watching:
        return watching[0]
    if device.owner_department_id is not None:
        return device.owner_department
    enterprise: Any = device.enterprise
    return enterprise.owner_department if enterprise is not None else None


@transaction.atomic
def escalate_overdue(now: datetime | None = None) -> int:
    """Escalate every alarm still waiting for acknowledgement past its level's limit; returns how many."""
    now = now or timezone.now()
    limits = time_limits()
    departments = list(Department.objects.all())
    escalated = 0
    for level, limit in limits.items():
        overdue = (Alarm.objects.select_for_update(of=("self",))
                   .filter(status=AlarmStatus.RAISED, escalated_at__isnull=True, level=level,
                           raised_at__lte=now - limit)
                   .select_related("channel__device__enterprise__owner_department",
                                   "channel__device__owner_department")
                   .order_by("pk"))
        for alarm in overdue:
            before = audit.snapshot(alarm)
            alarm.escalated_at = now
            alarm.escalated_to = supervising_department(alarm.channel.device, departments)
            alarm.save(update_fields=["escalated_at", "escalated_to", "updated_at"])
            announce(alarm, MonitoringAction.ALARM_OVERDUE, "overdue", actor=None, before=before)
            escalated += 1
    return escalated


@transaction.atomic
def set_time_limit(level: str, minutes: int, *, actor: Any) -> AlarmTimeLimit:
    """Set one level's acknowledgement limit (county-wide configuration, audited)."""
    if minutes < 1:
        raise ValidationError({"acknowledge_minutes": f"确认时限须至少 1 分钟，收到 {minutes}"})
    row = AlarmTimeLimit.objects.filter(level=level).first()
    before = audit.snapshot(row) if row else None
    row = row or AlarmTimeLimit(level=level)
    row.acknowledge_minutes = minutes
    row.full_clean()
    ensure_may_change(row, actor, "报警确认时限")
    row.save()
    audit.record_change(MonitoringAction.TIME_LIMIT_SET, row, actor=actor, before=before)
    return row
