"""Incident writes. Each checks the actor's scope, reclassifies the incident with
`classification.classify_incident` (国务院令第493号) in the same transaction, appends to the incident's
timeline, writes its audit event and publishes `command.incident.<verb>` after commit.

`deadlines(incident, now)` turns `classification.reporting_chain` into the countdowns the command board shows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yingji.core import audit, events
from yingji.core.models import AuditAction
from yingji.core.queries import township_at
from yingji.core.records import apply_fields, ensure_may_change
from yingji.core.scoping import facts_of

from . import classification
from .constants import REPORTED_UP_TO
from .models import Incident, IncidentStatus, IncidentType, TimelineEntry, TimelineKind

INCIDENT_FIELDS = ("title", "incident_type", "industry", "source", "occurred_at", "reported_at", "reporter_name",
                   "reporter_phone", "deaths", "serious_injuries", "direct_loss_yuan", "is_exercise", "enterprise",
                   "address", "longitude", "latitude", "owner_department", "admin_area")
FIGURES = ("deaths", "serious_injuries", "direct_loss_yuan")
# The figures whose change is a 补报 under 第十三条 ("伤亡人数发生变化"); the loss alone is not.
CASUALTY_FIGURES = ("deaths", "serious_injuries")
# Entries people write by hand; status, casualty and level entries are written by the services themselves.
HAND_WRITTEN_KINDS = (TimelineKind.REPORT, TimelineKind.DECISION, TimelineKind.DISPATCH, TimelineKind.NOTE)
# Reported and entry times may run this far ahead of the server clock (a field tablet's clock) before refusal.
CLOCK_SKEW = timedelta(minutes=5)
STATUS_MOVES: dict[str, tuple[str, ...]] = {
    IncidentStatus.REPORTED: (IncidentStatus.RESPONDING, IncidentStatus.CLOSED),
    IncidentStatus.RESPONDING: (IncidentStatus.CLOSED,),
    IncidentStatus.CLOSED: (),
}


class CommandAudit(StrEnum):
    """Audit actions of the command domain (core's create/update cover the incident record itself)."""

    TIMELINE_ADD = "command.timeline.add"
    STATUS_CHANGE = "command.incident.status"


class IncidentTopic(StrEnum):
    """Events published after commit, each with the incident's scope facts."""

    OPENED = "command.incident.opened"
    UPDATED = "command.incident.updated"
    LEVEL_CHANGED = "command.incident.level_changed"
    TIMELINE = "command.incident.timeline"
    STATUS = "command.incident.status"


# --- checks ----------------------------------------------------------------------------------------
def _check(incident: Incident) -> None:
    """Figures, times and the industry, every problem at once under its field (before the model's own checks).

    :raises ValidationError: negative or non-finite figures, naive or future times, an occurrence after the
        report, an industry on an incident that is not a production-safety accident.
    """
    errors: dict[str, str] = dict(classification.check_figures(
        float(incident.deaths), float(incident.serious_injuries), float(incident.direct_loss_yuan)))
    now = timezone.now()
    for name in ("occurred_at", "reported_at"):
        value = getattr(incident, name)
        if isinstance(value, datetime):
            if timezone.is_naive(value):
                errors[name] = "时间须带时区（如 2026-11-28T08:00:00+08:00）"
            elif value > now + CLOCK_SKEW:
                errors[name] = f"时间 {timezone.localtime(value):%Y-%m-%d %H:%M} 晚于当前时间"
    if "occurred_at" not in errors and "reported_at" not in errors and incident.occurred_at > incident.reported_at:
        errors["occurred_at"] = "发生时间不能晚于接报时间"
    if incident.industry and incident.incident_type != IncidentType.PRODUCTION_SAFETY:
        errors["industry"] = "行业仅适用于生产安全事故"
    if errors:
        raise ValidationError(errors)


def _classify(incident: Incident) -> None:
    result = classification.classify_incident(incident.deaths, incident.serious_injuries,
                                              float(incident.direct_loss_yuan))
    incident.level, incident.response = result.level, result.response
    incident.decided_by = [asdict(c) for c in result.decided_by]


def _defaults(incident: Incident, actor: Any) -> None:
    """A new incident lies in the township of its own point, else its enterprise's; it is owned by the actor's
    department, else by the enterprise's supervising one, and placed at the enterprise when given no point."""
    if incident.enterprise_id is None and getattr(actor, "enterprise_id", None):
        incident.enterprise_id = actor.enterprise_id
    enterprise = incident.enterprise if incident.enterprise_id else None
    if incident.admin_area_id is None:
        lon, lat = incident.longitude, incident.latitude
        located = township_at(lon, lat) if lon is not None and lat is not None else None
        incident.admin_area_id = (located or (enterprise.admin_area_id if enterprise else None)
                                  or getattr(actor, "admin_area_id", None))
    if incident.longitude is None and incident.latitude is None and enterprise is not None:
        incident.longitude, incident.latitude = enterprise.longitude, enterprise.latitude
        incident.address = incident.address or enterprise.address
    if incident.owner_department_id is None:
        incident.owner_department_id = (getattr(actor, "department_id", None)
                                        or (enterprise.owner_department_id if enterprise else None))


def _validated(incident: Incident) -> None:
    if isinstance(incident.direct_loss_yuan, float | int):  # JSON numbers; money is stored as a decimal
        incident.direct_loss_yuan = Decimal(str(incident.direct_loss_yuan))
    _check(incident)
    incident.full_clean()


# --- timeline and events ---------------------------------------------------------------------------
def _append(incident: Incident, kind: str, text: str, *, actor: Any, time: datetime | None = None,
            data: Mapping[str, Any] | None = None) -> TimelineEntry:
    entry = TimelineEntry.objects.create(
        incident=incident, kind=kind, text=text, time=time or timezone.now(), data=dict(data or {}),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "username", "") or "system") if actor is not None else "system",
    )
    # A timeline prefetched with the incident is stale now; countdowns read it next.
    getattr(incident, "_prefetched_objects_cache", {}).pop("timeline", None)
    return entry


def _payload(incident: Incident, verb: str, **extra: Any) -> dict[str, Any]:
    return {"id": incident.pk, "kind": "command.incident", "verb": verb, "title": incident.title,
            "incident_type": incident.incident_type, "level": incident.level, "response": incident.response,
            "status": incident.status, "is_exercise": incident.is_exercise, "enterprise_id": incident.enterprise_id,
            "lon": incident.longitude, "lat": incident.latitude, **extra}


def _figures_text(incident: Incident) -> str:
    return (f"死亡 {incident.deaths} 人，重伤 {incident.serious_injuries} 人，"
            f"直接经济损失 {incident.direct_loss_yuan:,.2f} 元")


# --- services --------------------------------------------------------------------------------------
@transaction.atomic
def open_incident(data: Mapping[str, Any], *, actor: Any) -> Incident:
    """Record a reported incident, classify it and start its timeline with the report itself."""
    incident = Incident()
    apply_fields(incident, data, allowed=INCIDENT_FIELDS)
    if incident.occurred_at is None:
        incident.occurred_at = incident.reported_at
    _defaults(incident, actor)
    _validated(incident)
    ensure_may_change(incident, actor, "事件")
    _classify(incident)
    incident.save(force_insert=True)
    reporter = "，".join(x for x in (incident.reporter_name, incident.reporter_phone) if x)
    _append(incident, TimelineKind.REPORT,
            f"{incident.get_source_display()}接报：{incident.title}"
            + (f"（报告人 {reporter}）" if reporter else "")
            + f"。{_figures_text(incident)}，定为{incident.level}事故（{incident.response} 级响应）",
            actor=actor, time=incident.reported_at,
            data={"source": incident.source, "level": incident.level, "response": incident.response,
                  **{f: float(getattr(incident, f)) for f in FIGURES}})
    audit.record_change(AuditAction.CREATE, incident, actor=actor, before=None)
    events.publish(IncidentTopic.OPENED, _payload(incident, "opened"), scope=facts_of(incident))
    return incident


@transaction.atomic
def update_incident(incident: Incident, data: Mapping[str, Any], *, actor: Any) -> Incident:
    """Change an open incident's fields and reclassify it.

    Changed casualty figures are a 补报 (第十三条) and write a casualty entry saying whether it is within the
    window; a changed loss writes a casualty entry too, and a changed level one more ("等级由较大调整为重大");
    the incident may not move out of the actor's scope.
    """
    ensure_may_change(incident, actor, "事件")
    if incident.status == IncidentStatus.CLOSED:
        raise ValidationError({"status": "事件已结案，不能修改"})
    return _update(incident, data, actor=actor)


@transaction.atomic
def revise_casualties(incident: Incident, *, actor: Any, deaths: int | None = None,
                      serious_injuries: int | None = None, note: str = "") -> Incident:
    """Record a 补报 of casualty figures (第十三条), also after the incident is closed: the figures of the
    record must follow the people, and the level with them.

    A revision after the window (`casualty_revision`) is accepted and flagged late on the timeline — refusing
    it would lose a death from the record. :raises ValidationError: on ``deaths`` / ``serious_injuries`` (negative,
    or nothing changed).
    """
    ensure_may_change(incident, actor, "事件")
    given = {k: v for k, v in (("deaths", deaths), ("serious_injuries", serious_injuries)) if v is not None}
    if not given or all(getattr(incident, k) == v for k, v in given.items()):
        raise ValidationError({"deaths": "补报须给出与现有数字不同的死亡或重伤人数"})
    return _update(incident, given, actor=actor, note=note.strip())


def _update(incident: Incident, data: Mapping[str, Any], *, actor: Any, note: str = "") -> Incident:
    before = audit.snapshot(incident)
    old_figures = {f: getattr(incident, f) for f in FIGURES}
    old_level, old_response = incident.level, incident.response
    apply_fields(incident, data, allowed=INCIDENT_FIELDS)
    _validated(incident)
    ensure_may_change(incident, actor, "事件")
    _classify(incident)
    incident.save()
    changed = {f: (old_figures[f], getattr(incident, f)) for f in FIGURES if old_figures[f] != getattr(incident, f)}
    if changed:
        _log_figures(incident, changed, actor=actor, note=note)
    if incident.level != old_level:
        _log_level(incident, old_level, old_response, actor=actor)
    audit.record_change(AuditAction.UPDATE, incident, actor=actor, before=before)
    events.publish(IncidentTopic.UPDATED, _payload(incident, "updated"), scope=facts_of(incident))
    if incident.level != old_level:
        events.publish(IncidentTopic.LEVEL_CHANGED, _payload(incident, "level_changed", previous_level=old_level),
                       scope=facts_of(incident))
    return incident


def _log_figures(incident: Incident, changed: Mapping[str, tuple[Any, Any]], *, actor: Any, note: str) -> None:
    """A casualty entry; a change of deaths or serious injuries is a 补报, in time or late against 第十三条."""
    data: dict[str, Any] = {f: {"from": float(a), "to": float(b)} for f, (a, b) in changed.items()}
    text = f"伤亡损失更新：{_figures_text(incident)}"
    if any(f in changed for f in CASUALTY_FIGURES):
        window = casualty_revision(incident, timezone.now())
        ends = f"{timezone.localtime(window.ends_at):%Y-%m-%d %H:%M}"
        if window.remaining_s >= 0:
            text = f"伤亡人数补报（第十三条，{window.days} 日内，期限至 {ends}）：{_figures_text(incident)}"
        else:
            late_days = math.ceil(-window.remaining_s / 86400)
            text = (f"逾期补报（超过第十三条规定的 {window.days} 日补报期限 {late_days} 天，期限至 {ends}）："
                    f"{_figures_text(incident)}")
        data.update(revision=True, late=window.remaining_s < 0, window_ends=window.ends_at.isoformat())
    if note:
        text += f"。{note}"
        data["note"] = note
    _append(incident, TimelineKind.CASUALTY, text, actor=actor, data=data)


def _log_level(incident: Incident, old_level: str, old_response: str, *, actor: Any) -> None:
    """A level entry; a raised level also names the reports the longer chain now requires and when they are due."""
    now = timezone.now()
    text = f"等级由{old_level}调整为{incident.level}（{old_response} 级响应调整为 {incident.response} 级）"
    new_steps = deadlines(incident, now, raise_at=now)[len(classification.reporting_chain(old_level)):]
    if new_steps:
        text += "；报告时限重新计算：" + "；".join(
            f"{s.report_from}须于 {timezone.localtime(s.due_at):%m-%d %H:%M} 前报告{s.report_to}" for s in new_steps)
    _append(incident, TimelineKind.LEVEL, text, actor=actor, time=now,
            data={"from": old_level, "to": incident.level, "decided_by": incident.decided_by,
                  "due": {s.report_to: s.due_at.isoformat() for s in new_steps}})


def update_figures(incident: Incident, *, actor: Any, deaths: int | None = None,
                   serious_injuries: int | None = None, direct_loss_yuan: float | None = None) -> Incident:
    """New casualty or loss figures of an open incident (第十三条 补报): reclassified, the change on the timeline."""
    given = {"deaths": deaths, "serious_injuries": serious_injuries, "direct_loss_yuan": direct_loss_yuan}
    return update_incident(incident, {k: v for k, v in given.items() if v is not None}, actor=actor)


@transaction.atomic
def add_timeline_entry(incident: Incident, kind: str, text: str, *, actor: Any, time: datetime | None = None,
                       data: Mapping[str, Any] | None = None) -> TimelineEntry:
    """Append a report, decision, dispatch or note to an incident's timeline.

    A `report` entry whose data names `report_to` (a step of the reporting chain) marks that step done.

    :raises ValidationError: under `kind`, `text` or `time`.
    """
    ensure_may_change(incident, actor, "事件")
    errors: dict[str, str] = {}
    if kind not in HAND_WRITTEN_KINDS:
        allowed = "、".join(f"{k.value}（{k.label}）" for k in HAND_WRITTEN_KINDS)
        errors["kind"] = f"只能是 {allowed}；伤亡、等级和状态由相应操作自动记录"
    if not text.strip():
        errors["text"] = "内容不能为空"
    if time is not None:
        if timezone.is_naive(time):
            errors["time"] = "时间须带时区（如 2026-11-28T08:00:00+08:00）"
        elif time > timezone.now() + CLOCK_SKEW:
            errors["time"] = "时间晚于当前时间"
        elif time < incident.occurred_at:
            errors["time"] = "时间早于事件发生时间"
    if incident.status == IncidentStatus.CLOSED:
        errors["status"] = "事件已结案，不能追加时间线"
    if errors:
        raise ValidationError(errors)
    entry = record_on_timeline(incident, kind, text.strip(), actor=actor, time=time, data=data)
    audit.record(CommandAudit.TIMELINE_ADD, actor=actor, object_type="command.incident", object_id=incident.pk,
                 object_repr=str(incident), after={"entry": entry.pk, "kind": kind, "text": entry.text,
                                                   "time": entry.time.isoformat(), "data": entry.data})
    return entry


def record_on_timeline(incident: Incident, kind: str, text: str, *, actor: Any, time: datetime | None = None,
                       data: Mapping[str, Any] | None = None) -> TimelineEntry:
    """Append what another service did (a task done by the responsible department) and publish it.

    For callers that have authorised the actor themselves and audit their own action; no scope check here.
    """
    entry = _append(incident, kind, text, actor=actor, time=time, data=data)
    events.publish(IncidentTopic.TIMELINE, _payload(incident, "timeline", entry={
        "id": entry.pk, "kind": kind, "text": entry.text, "time": entry.time.isoformat()}), scope=facts_of(incident))
    return entry


@transaction.atomic
def change_status(incident: Incident, status: str, *, actor: Any, summary: str = "") -> Incident:
    """Move an incident along reported → responding → closed; closing requires a summary.

    :raises ValidationError: under `status` (an unknown or impossible move) or `summary`.
    """
    ensure_may_change(incident, actor, "事件")
    if status not in IncidentStatus.values:
        raise ValidationError({"status": f"未知的状态：{status}"})
    if status not in STATUS_MOVES[incident.status]:
        target = IncidentStatus(status).label
        raise ValidationError({"status": f"不能由“{incident.get_status_display()}”变为“{target}”"})
    if status == IncidentStatus.CLOSED and not summary.strip():
        raise ValidationError({"summary": "结案须填写结案摘要"})
    before = {"status": incident.status, "closed_at": None, "summary": incident.summary}
    old_label = incident.get_status_display()
    incident.status = status
    if status == IncidentStatus.CLOSED:
        incident.closed_at, incident.summary = timezone.now(), summary.strip()
    incident.save(update_fields=["status", "closed_at", "summary", "updated_at"])
    text = f"状态由{old_label}变为{incident.get_status_display()}" + (f"：{incident.summary}" if incident.summary
                                                                        and status == IncidentStatus.CLOSED else "")
    _append(incident, TimelineKind.STATUS, text, actor=actor, data={"from": before["status"], "to": status})
    audit.record(CommandAudit.STATUS_CHANGE, actor=actor, object_type="command.incident", object_id=incident.pk,
                 object_repr=str(incident), before=before,
                 after={"status": status, "closed_at": incident.closed_at.isoformat() if incident.closed_at else None,
                        "summary": incident.summary})
    events.publish(IncidentTopic.STATUS, _payload(incident, "status", previous_status=before["status"]),
                   scope=facts_of(incident))
    return incident


# --- reporting countdowns --------------------------------------------------------------------------
@dataclass(frozen=True)
class Deadline:
    """One report of the chain: due when, done when (a `report` entry naming `report_to`), seconds left."""

    step: int
    report_from: str
    report_to: str
    within_minutes: int
    due_at: datetime
    done_at: datetime | None
    remaining_s: float | None  # None once done; negative = overdue


def escalation_within() -> timedelta:
    """Each regulator's escalation time: 2 h by 第十一条 (verify); YINGJI_REPORT_ESCALATION_HOURS overrides."""
    return timedelta(hours=settings.YINGJI_REPORT_ESCALATION_HOURS)


def deadlines(incident: Incident, now: datetime, *, reports: Mapping[str, datetime] | None = None,
              raise_at: datetime | None = None) -> list[Deadline]:
    """The reports the incident's current level requires, each due `within` after the previous one.

    The first (the unit to the county regulator, 1 h, 第九条) is due `reported_at` + 1 h; each escalation is due
    its `within` after the previous report was made, or after the previous one's due time while it is not.
    `reports` maps a recipient to when it was reported (read from the timeline when not given). A step that a
    raised level added counts from the raise (`raise_at`: a raise to the current level not yet on the timeline).
    """
    if reports is None:
        reports = reports_made(incident)
    chain = classification.reporting_chain(incident.level, escalation_within=escalation_within())
    added = _steps_added_at(incident, raise_at)
    result: list[Deadline] = []
    start = incident.reported_at
    for i, step in enumerate(chain, start=1):
        if i in added:  # a step a raised level added counts from the raise, not from a long-past report
            start = max(start, added[i])
        due = start + step.within
        done = reports.get(step.report_to)
        result.append(Deadline(i, step.report_from, step.report_to, round(step.within.total_seconds() / 60), due,
                               done, None if done else (due - now).total_seconds()))
        start = done or due
    return result


def reports_made(incident: Incident) -> dict[str, datetime]:
    """Recipient → time of the first `report` entry naming it in `data.report_to`."""
    made: dict[str, datetime] = {}
    for time, data in incident.timeline.filter(kind=TimelineKind.REPORT).values_list("time", "data"):
        to = data.get("report_to") if isinstance(data, dict) else None
        if isinstance(to, str):
            made.setdefault(to, time)
    return made


def _steps_added_at(incident: Incident, raise_at: datetime | None = None) -> dict[int, datetime]:
    """Step number → when a level raise first made the chain that long (steps of the opening level: absent)."""
    entries = sorted(incident.timeline.all(), key=lambda e: (e.time, e.pk))
    opening = next((e.data["level"] for e in entries
                    if e.kind == TimelineKind.REPORT and e.data.get("level") in REPORTED_UP_TO), incident.level)
    raises = [(e.time, e.data.get("to")) for e in entries if e.kind == TimelineKind.LEVEL]
    raises += [(raise_at, incident.level)] if raise_at is not None else []
    longest = len(classification.reporting_chain(opening))
    added: dict[int, datetime] = {}
    for time, to in raises:
        if to in REPORTED_UP_TO:
            length = len(classification.reporting_chain(to))
            added.update(dict.fromkeys(range(longest + 1, length + 1), time))
            longest = max(longest, length)
    return added


# --- casualty revisions (补报) ----------------------------------------------------------------------
@dataclass(frozen=True)
class RevisionWindow:
    """The 第十三条 window for reporting changed casualty figures: its length, end and seconds left."""

    days: int
    ends_at: datetime
    remaining_s: float  # negative once the window has closed
    revisions: int
    late_revisions: int


def casualty_revision(incident: Incident, now: datetime) -> RevisionWindow:
    """The incident's 补报 window (30 days; 7 for road-traffic and fire accidents) and the revisions made."""
    ends = classification.casualty_revision_ends(incident.incident_type, incident.occurred_at,
                                                 timezone.get_default_timezone())
    revisions = [e.data for e in incident.timeline.all() if e.kind == TimelineKind.CASUALTY and e.data.get("revision")]
    return RevisionWindow(classification.casualty_revision_days(incident.incident_type), ends,
                          (ends - now).total_seconds(), len(revisions), sum(1 for d in revisions if d.get("late")))
