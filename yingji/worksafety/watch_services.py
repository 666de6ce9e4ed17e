"""Writes for a permit's continuous site monitoring: naming its gas channels and video source, and stopping the
work when an alarm is raised on a named channel (GB 30871-2022 第5章: 特级动火 under continuous monitoring).

The alarm reaction listens for ``monitoring.alarm.raised`` / ``.escalated`` (published by
`yingji.monitoring.alarms` after commit; registered in `WorksafetyConfig.ready`). It runs in the publishing
process; `yingji worksafety_tick` sweeps for active alarms too, so work still stops if the event was lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from yingji.core import audit, events
from yingji.core.events import Event
from yingji.core.records import ensure_may_change
from yingji.core.scoping import facts_of
from yingji.monitoring.models import Alarm
from yingji.notify.notices import Notice
from yingji.notify.services import notify

from . import services, watch, watch_rules
from .constants import ALARM_STOP_VERB, PERMIT_TOPIC
from .constants import WorksafetyAudit as A
from .models import Permit, PermitStatus

ALARM_TOPICS = ("monitoring.alarm.raised", "monitoring.alarm.escalated")
LINKABLE_STATUSES = (PermitStatus.DRAFT, PermitStatus.SUBMITTED, PermitStatus.APPROVED)


def _watch_snapshot(permit: Permit) -> dict[str, Any]:
    return {"monitor_channels": sorted(permit.monitor_channels.values_list("pk", flat=True)),
            "video_source": permit.video_source, "video_url": permit.video_url}


@transaction.atomic
def link_site_watch(permit: Permit, data: Mapping[str, Any], *, actor: Any) -> Permit:
    """Name the permit's gas-monitoring channels (``monitor_channels``: channel ids of the enterprise's gas
    detectors), ``video_source`` (camera id) and ``video_url``; only before work starts, so a channel in alarm
    cannot be dropped to resume. Keys left out keep their value."""
    permit = Permit.objects.select_for_update().get(pk=permit.pk)
    ensure_may_change(permit, actor, "作业票")
    if permit.status not in LINKABLE_STATUSES:
        raise ValidationError({"status": f"作业票当前为“{permit.get_status_display()}”，开始作业后不能更改监测与视频"})
    before = {**audit.snapshot(permit), **_watch_snapshot(permit)}
    errors: dict[str, str] = {}
    channels = None
    if "monitor_channels" in data:
        wanted = [int(pk) for pk in data["monitor_channels"] or []]
        channels = list(watch.linkable_channels(permit.enterprise_id).filter(pk__in=wanted))
        missing = sorted(set(wanted) - {ch.pk for ch in channels})
        if missing:
            errors["monitor_channels"] = f"通道 {missing} 不是本企业在用的气体检测通道"
    source = str(data.get("video_source", permit.video_source) or "").strip()
    url = str(data.get("video_url", permit.video_url) or "").strip()
    if len(source) > 100:
        errors["video_source"] = "摄像机编号不能超过 100 个字符"
    problem = "视频流地址不能超过 500 个字符" if len(url) > 500 else watch_rules.video_url_problem(url)
    if problem:
        errors["video_url"] = problem
    if errors:
        raise ValidationError(errors)
    permit.video_source, permit.video_url = source, url
    permit.save(update_fields=["video_source", "video_url", "updated_at"])
    if channels is not None:
        permit.monitor_channels.set(channels)
    after = {**audit.snapshot(permit), **_watch_snapshot(permit)}
    audit.record(A.PERMIT_SITE_WATCH, actor=actor, object_type="worksafety.permit", object_id=permit.pk,
                 object_repr=str(permit), before=before, after=after)
    events.publish(PERMIT_TOPIC, {"id": permit.pk, "number": permit.number, "verb": "site_watch",
                                  "status": permit.status}, scope=facts_of(permit))
    return permit


def _alarm_notice(permit: Permit, alarm: Alarm, reason: str) -> Notice:
    facts = facts_of(permit)
    return Notice(
        domain="worksafety", kind=ALARM_STOP_VERB, level=3,
        title=f"{permit.enterprise.name} {permit.title}因监测报警自动暂停"[:200],
        body=f"作业票 {permit.number}，地点 {permit.place}。{reason}。请督促企业处置报警、重新气体分析后再恢复作业。",
        link=f"/worksafety/permits/{permit.pk}/", source_key=f"worksafety.permit:{permit.pk}:alarm:{alarm.pk}",
        area_code=facts.area_code, department_id=facts.department_id)


def suspend_for_alarm(alarm_id: int) -> list[Permit]:
    """Stop every permit in progress that names the alarm's channel; each with the reason on its timeline and a
    notice to its supervising department. Returns the permits stopped."""
    alarm = Alarm.objects.select_related("channel__device").get(pk=alarm_id)
    reason = watch_rules.alarm_reason(alarm.channel.reference, alarm.get_level_display(), alarm.message,
                                      alarm.last_value, alarm.channel.unit)
    stopped = []
    for pk in watch.permits_watching(alarm.channel_id):
        with transaction.atomic():
            permit = services.stop_work(Permit(pk=pk), reason=reason, verb=ALARM_STOP_VERB)
            if permit is not None:
                notify(_alarm_notice(permit, alarm, reason))
                stopped.append(permit)
    return stopped


def on_alarm_event(event: Event) -> None:
    """The event-bus reaction: an alarm raised (or raised higher) on some channel."""
    alarm_id = event.payload.get("id")
    if isinstance(alarm_id, int) and watch.permits_watching(int(event.payload.get("channel") or 0)):
        suspend_for_alarm(alarm_id)


def register() -> None:
    """Connect the reaction to the event bus (`WorksafetyConfig.ready`)."""
    events.react(ALARM_TOPICS, on_alarm_event)


def suspend_for_active_alarms() -> int:
    """`yingji worksafety_tick`: the same stop for any permit in progress with an alarm still active on a
    named channel (an event lost to a crash or a Redis outage); returns how many stopped."""
    return sum(len(suspend_for_alarm(alarm_id)) for _pk, alarm_id in watch.permits_with_active_alarms())
