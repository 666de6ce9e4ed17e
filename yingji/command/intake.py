"""Incidents opened from what the platform already knows: a monitoring alarm becomes an incident at the
alarm's device, in its enterprise, with the alarm on the report line of the timeline (issue 5 item 1).

Command sits above monitoring in the layers, so it reads the alarm; monitoring never learns of incidents.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from yingji.monitoring.models import Alarm

from . import incidents
from .models import Incident, IncidentSource, TimelineEntry, TimelineKind


def incident_for_alarm(alarm: Alarm) -> Incident | None:
    """The incident already opened from this alarm, if any (its report entry names the alarm)."""
    entry = TimelineEntry.objects.filter(kind=TimelineKind.REPORT, data__alarm=alarm.pk).select_related(
        "incident").first()
    return entry.incident if entry else None


@transaction.atomic
def open_from_alarm(alarm: Alarm, data: Mapping[str, Any], *, actor: Any) -> Incident:
    """Open an incident from an alarm: place, enterprise and first time from the alarm's device and episode.

    ``data`` may set ``incident_type`` (default: 生产安全事故), ``title`` and the figures; the rest comes from the
    alarm. :raises ValidationError: on ``alarm`` when an incident was already opened from it.
    """
    existing = incident_for_alarm(alarm)
    if existing is not None:
        raise ValidationError({"alarm": f"该报警已转为事件“{existing.title}”（编号 {existing.pk}）"})
    device = alarm.channel.device
    fields = {
        "title": str(data.get("title") or "").strip() or f"{device.name}：{alarm.message}"[:200],
        "incident_type": data.get("incident_type") or "production_safety",
        "source": IncidentSource.ALARM, "occurred_at": alarm.first_at, "enterprise": device.enterprise_id,
        "longitude": device.longitude, "latitude": device.latitude, "address": device.address or "",
        **{k: data[k] for k in ("industry", "deaths", "serious_injuries", "direct_loss_yuan") if data.get(k)},
    }
    incident = incidents.open_incident(fields, actor=actor)
    incidents.record_on_timeline(
        incident, TimelineKind.REPORT,
        f"监测报警转入：{device.name}（{device.code}）{alarm.get_level_display()} {alarm.message}，"
        f"首次 {alarm.first_value if alarm.first_value is not None else '—'}，报警编号 {alarm.pk}",
        actor=actor, time=alarm.first_at if alarm.first_at >= incident.occurred_at else None,
        data={"alarm": alarm.pk, "device": device.pk, "level": alarm.level})
    return incident
