"""Reads for a permit's continuous site monitoring: which channels it may name, what it names, the alarms
active on them, the latest readings shown on the permit page, and the permits an alarm concerns.

The channels are `yingji.monitoring` gas-detector channels of the permit's own enterprise; the rules are in
`watch_rules` (pure), the writes in `watch_services`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from yingji.monitoring.models import Alarm, AlarmStatus, Channel, Reading
from yingji.monitoring.rule_packs import PACKS

from .models import Permit, PermitStatus
from .watch_rules import COMBUSTIBLE_METRIC, LinkedAlarm, SiteWatch

GAS_DETECTOR_TYPES = ("combustible_gas_detector", "toxic_gas_detector", "oxygen_detector")
# Every metric a gas detector measures: combustible %LEL, the toxic gases, oxygen (the rule packs' names).
GAS_METRICS = frozenset(t.metric for kind in GAS_DETECTOR_TYPES for t in PACKS[kind].channels)


def linkable_channels(enterprise_id: int) -> QuerySet[Channel]:
    """Gas channels of the enterprise's devices in service, combustible first."""
    return (Channel.objects.filter(device__enterprise_id=enterprise_id, metric__in=GAS_METRICS)
            .exclude(device__status="retired").select_related("device").order_by("device__code", "metric"))


def active_alarms(channel_ids: list[int]) -> QuerySet[Alarm]:
    """The episodes still open on these channels: not recovered and not closed."""
    return (Alarm.objects.filter(channel_id__in=channel_ids, recovered_at__isnull=True)
            .exclude(status=AlarmStatus.CLOSED).select_related("channel__device").order_by("-grade", "first_at"))


def site_watch(permit: Permit) -> SiteWatch:
    """What the permit names for continuous monitoring and the alarms active on it, for `watch_rules`."""
    channels = list(permit.monitor_channels.select_related("device"))
    alarms = active_alarms([ch.pk for ch in channels])
    return SiteWatch(
        combustible_channels=sum(ch.metric == COMBUSTIBLE_METRIC for ch in channels),
        video_source=permit.video_source, video_url=permit.video_url,
        active_alarms=tuple(LinkedAlarm(a.channel.reference, a.get_level_display(), a.message) for a in alarms))


@dataclass(frozen=True)
class ChannelReading:
    """One named channel as the permit page shows it: its latest reading and any active alarm."""

    channel_id: int
    device_id: int
    reference: str
    device_name: str
    metric: str
    unit: str
    value: float | None
    at: datetime | None
    alarm: str


def latest_readings(permit: Permit) -> list[ChannelReading]:
    """The newest reading of each named channel (one indexed query per channel: a permit names a few)."""
    channels = list(permit.monitor_channels.select_related("device").order_by("device__code", "metric"))
    alarms: dict[int, str] = {}
    for a in active_alarms([ch.pk for ch in channels]):
        alarms.setdefault(a.channel_id, f"{a.get_level_display()}：{a.message}")
    rows = []
    for ch in channels:
        last: Any = Reading.objects.filter(channel=ch).order_by("-time").values("time", "value").first()
        rows.append(ChannelReading(ch.pk, ch.device_id, ch.reference, ch.device.name, ch.metric, ch.unit,
                                   last["value"] if last else None, last["time"] if last else None,
                                   alarms.get(ch.pk, "")))
    return rows


def permits_watching(channel_id: int) -> list[int]:
    """Ids of the permits in progress that name this channel (an alarm on it stops their work)."""
    return list(Permit.objects.filter(status=PermitStatus.IN_PROGRESS, monitor_channels=channel_id)
                .order_by("pk").values_list("pk", flat=True))


def permits_with_active_alarms() -> list[tuple[int, int]]:
    """(permit id, alarm id) for every permit in progress with an active alarm on a channel it names."""
    running = Permit.objects.filter(status=PermitStatus.IN_PROGRESS, monitor_channels__isnull=False).distinct()
    found = []
    for permit in running.order_by("pk").prefetch_related("monitor_channels"):
        alarm = active_alarms([ch.pk for ch in permit.monitor_channels.all()]).first()
        if alarm is not None:
            found.append((permit.pk, alarm.pk))
    return found
