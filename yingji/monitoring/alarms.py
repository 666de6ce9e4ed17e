"""Alarm lifecycle: transitions from the rule engine open and move episodes; people acknowledge and close.

Every change of an alarm's state writes one audit event in the caller's transaction and publishes
``monitoring.alarm.<change>`` after commit with the device's scope facts. Repeats of an active episode
only update its last value and count (no audit event, no event on the bus).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yingji.core import audit, events
from yingji.core.scoping import facts_of
from yingji.notify.services import notify

from .constants import MonitoringAction
from .models import Alarm, AlarmCategory, AlarmStatus, Channel
from .notices import NOTIFIED_CHANGES, alarm_notice
from .rules import Category, Change, Level, Reading, Transition

_ACTIONS = {
    Change.RAISED: MonitoringAction.ALARM_RAISED,
    Change.ESCALATED: MonitoringAction.ALARM_ESCALATED,
    Change.DEESCALATED: MonitoringAction.ALARM_DEESCALATED,
    Change.RECOVERED: MonitoringAction.ALARM_RECOVERED,
}


def category_of(level: Level, category: Category = Category.PROCESS) -> AlarmCategory:
    """The console's category: offline, a device fault (the rule says so, or its level is a fault), or process."""
    if level is Level.OFFLINE:
        return AlarmCategory.OFFLINE
    if category is Category.DEVICE or level in (Level.STUCK, Level.FAULT):
        return AlarmCategory.FAULT
    return AlarmCategory.PROCESS


def alarm_payload(alarm: Alarm) -> dict[str, Any]:
    device = alarm.channel.device
    return {
        "id": alarm.pk,
        "channel": alarm.channel_id,
        "device": device.pk,
        "device_code": device.code,
        "rule_id": alarm.rule_id,
        "level": alarm.level,
        "grade": alarm.grade,
        "category": alarm.category,
        "status": alarm.status,
        "message": alarm.message,
        "value": alarm.last_value,
        "at": alarm.last_at.isoformat(),
        "recovered_at": alarm.recovered_at.isoformat() if alarm.recovered_at else None,
        "assignee": alarm.assignee_id,
        "escalated_to": alarm.escalated_to_id,
        "lon": device.longitude,
        "lat": device.latitude,
    }


def _announce(alarm: Alarm, action: str, topic: str, *, actor: Any, before: dict[str, Any] | None) -> None:
    audit.record_change(action, alarm, actor=actor, before=before)
    events.publish(f"monitoring.alarm.{topic}", alarm_payload(alarm), scope=facts_of(alarm.channel.device))
    if topic in NOTIFIED_CHANGES:  # queued in this transaction, sent by the notify worker after commit
        notify(alarm_notice(alarm, topic))


def announce(alarm: Alarm, action: str, topic: str, *, actor: Any, before: dict[str, Any] | None) -> None:
    """Audit and publish a change made to an alarm elsewhere (handling, escalation), the same way as here."""
    _announce(alarm, action, topic, actor=actor, before=before)


def active_alarms(channel: Channel) -> dict[str, Alarm]:
    """The channel's active episodes (not recovered, not closed) by rule id."""
    alarms = Alarm.objects.filter(channel=channel, recovered_at__isnull=True).exclude(status=AlarmStatus.CLOSED)
    return {a.rule_id: a for a in alarms}


def _open(channel: Channel, transition: Transition, level: Level) -> Alarm:
    alarm = Alarm(
        channel=channel, rule_id=transition.rule_id, level=level, grade=level.rank,
        category=category_of(level, transition.category),
        message=transition.message[:300], first_value=transition.value, first_at=transition.at,
        last_value=transition.value, last_at=transition.at,
    )
    alarm.save(force_insert=True)
    _announce(alarm, MonitoringAction.ALARM_RAISED, "raised", actor=None, before=None)
    return alarm


def apply_transition(channel: Channel, transition: Transition, active: dict[str, Alarm]) -> None:
    """Open, move or recover the episode a transition belongs to; ``active`` is kept up to date.

    Must run inside the ingestion (or tick) transaction. A change for an episode someone has already
    closed opens a new alarm at the new level; a recovery of such an episode changes nothing.
    """
    alarm = active.get(transition.rule_id)
    if transition.change is Change.RECOVERED:
        if alarm is None:
            return
        before = audit.snapshot(alarm)
        alarm.recovered_at = transition.at
        if transition.value is not None:
            alarm.last_value, alarm.last_at = transition.value, transition.at
        alarm.save()
        del active[transition.rule_id]
        _announce(alarm, MonitoringAction.ALARM_RECOVERED, "recovered", actor=None, before=before)
        return
    level = transition.level
    if level is None:  # only a recovery carries no level
        raise ValueError(f"规则 {transition.rule_id} 的变化 {transition.change} 缺少级别")
    if alarm is None:
        active[transition.rule_id] = _open(channel, transition, level)
        return
    before = audit.snapshot(alarm)
    alarm.level, alarm.grade, alarm.message = level, level.rank, transition.message[:300]
    alarm.last_value, alarm.last_at = transition.value, transition.at
    if transition.change is Change.ESCALATED:
        alarm.status = AlarmStatus.RAISED  # a higher level needs acknowledging again
        alarm.raised_at = timezone.now()  # and its time limit starts again
    alarm.save()
    _announce(alarm, _ACTIONS[transition.change], str(transition.change), actor=None, before=before)


def raise_alarm(channel: Channel, *, rule_id: str, level: Level, message: str, value: float | None = None,
                at: datetime | None = None) -> Alarm:
    """Open an alarm found by a domain check rather than by a reading (an e-lock opened without a permit).

    A repeat while the same (channel, rule) episode is active counts on it. Must run inside the caller's
    transaction, like the engine's transitions.
    """
    at = at or timezone.now()
    active = active_alarms(channel)
    alarm = active.get(rule_id)
    if alarm is not None:
        alarm.repeat_count += 1
        alarm.last_value, alarm.last_at, alarm.message = value, at, message[:300]
        alarm.save(update_fields=["repeat_count", "last_value", "last_at", "message", "updated_at"])
        return alarm
    transition = Transition(source=channel.reference, rule_id=rule_id, change=Change.RAISED, level=level,
                            previous=None, category=Category.PROCESS, value=value, at=at, message=message)
    apply_transition(channel, transition, active)
    return active[rule_id]


def note_repeat(alarm: Alarm, reading: Reading) -> None:
    """A reading while the episode stays active: count it and remember it (saved by the caller in bulk)."""
    alarm.repeat_count += 1
    alarm.last_value, alarm.last_at = reading.value, reading.at


@transaction.atomic
def acknowledge(alarm: Alarm, *, actor: Any, note: str = "") -> Alarm:
    """The person on duty has seen the alarm. The caller has checked the actor may change it."""
    alarm = Alarm.objects.select_for_update().select_related("channel__device").get(pk=alarm.pk)
    if alarm.status != AlarmStatus.RAISED:
        raise ValidationError({"status": f"报警当前为“{alarm.get_status_display()}”，不能确认"})
    before = audit.snapshot(alarm)
    # Raised again by a higher level while someone was handling it: acknowledged, it goes back to them.
    alarm.status = AlarmStatus.HANDLING if alarm.assignee_id else AlarmStatus.ACKNOWLEDGED
    alarm.acknowledged_by, alarm.acknowledged_at = actor, timezone.now()
    alarm.acknowledge_note = note[:500]
    alarm.save()
    _announce(alarm, MonitoringAction.ALARM_ACKNOWLEDGED, "acknowledged", actor=actor, before=before)
    return alarm


@transaction.atomic
def close(alarm: Alarm, *, actor: Any, cause: str, measures: str, false_alarm: bool = False) -> Alarm:
    """Close an acknowledged episode with its cause and the measures taken, as the national monitoring system
    requires; ``false_alarm`` classifies it as a false alarm (counted in the false-alarm rate)."""
    errors = {f: "关闭报警须填写" + label for f, label, text in
              (("cause", "报警原因", cause), ("measures", "处置措施", measures)) if not text.strip()}
    if errors:
        raise ValidationError(errors)
    alarm = Alarm.objects.select_for_update().select_related("channel__device").get(pk=alarm.pk)
    if alarm.status == AlarmStatus.CLOSED:
        raise ValidationError({"status": "报警已关闭"})
    if alarm.status == AlarmStatus.RAISED:
        raise ValidationError({"status": "报警尚未确认，请先确认再关闭"})
    before = audit.snapshot(alarm)
    alarm.status = AlarmStatus.CLOSED
    alarm.closed_by, alarm.closed_at = actor, timezone.now()
    alarm.cause, alarm.measures, alarm.false_alarm = cause.strip(), measures.strip(), false_alarm
    alarm.save()
    _announce(alarm, MonitoringAction.ALARM_CLOSED, "closed", actor=actor, before=before)
    return alarm
