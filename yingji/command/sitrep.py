"""Situation reports (续报) generated from the incident's record: what happened, its level, casualties and
loss, what has been done since the last report (timeline), forces on their way or on scene, evacuation, and
the open tasks — text an officer reads out or sends upward. Sending one marks that step of the reporting chain
(国务院令第493号) as done on the timeline, which stops its countdown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from . import incidents
from .models import (
    Dispatch,
    DispatchStatus,
    EvacuationPlan,
    Incident,
    IncidentStatus,
    Task,
    TaskStatus,
    TimelineEntry,
    TimelineKind,
)


@dataclass(frozen=True)
class SituationReport:
    """One report: its number in the series, title, sections (heading, lines) and the whole text."""

    number: int
    title: str
    sections: list[tuple[str, list[str]]]

    @property
    def text(self) -> str:
        parts = [self.title]
        for heading, lines in self.sections:
            parts.append(heading)
            parts.extend(f"　　{line}" for line in lines)
        return "\n".join(parts)


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%m月%d日%H时%M分")


def previous_reports(incident: Incident) -> list[TimelineEntry]:
    return list(incident.timeline.filter(kind=TimelineKind.REPORT, data__sitrep__isnull=False).order_by("time"))


def build(incident: Incident, *, now: datetime | None = None) -> SituationReport:
    """The next report of the series, covering what happened since the previous one (all, for the first)."""
    now = now or timezone.now()
    earlier = previous_reports(incident)
    since = earlier[-1].time if earlier else None
    number = len(earlier) + 1
    kind = "首报" if number == 1 else f"第{number}次续报"
    title = f"关于{incident.title}的{kind}（{_local(now)}）"
    place = incident.address or (incident.enterprise.name if incident.enterprise else "") or "—"
    basics = [f"{_local(incident.occurred_at)}，{place}发生{incident.get_incident_type_display()}：{incident.title}。",
              f"目前定为{incident.level}事故，启动 {incident.response} 级响应，事件{incident.get_status_display()}。",
              f"已造成死亡 {incident.deaths} 人、重伤 {incident.serious_injuries} 人，"
              f"直接经济损失 {incident.direct_loss_yuan:,.0f} 元。"]
    entries = incident.timeline.exclude(kind=TimelineKind.REPORT, data__sitrep__isnull=False)
    if since is not None:
        entries = entries.filter(time__gt=since)
    progress = [f"{_local(e.time)} {e.text}" for e in entries.order_by("time")] or ["（上次报告以来无新进展）"]
    dispatches = list(Dispatch.objects.filter(incident=incident))
    on_scene = [d.resource_name for d in dispatches if d.status == DispatchStatus.ON_SCENE]
    coming = [d.resource_name for d in dispatches if d.status in (DispatchStatus.DISPATCHED, DispatchStatus.EN_ROUTE)]
    forces = [f"已到场：{'、'.join(on_scene) or '无'}", f"正在赶赴：{'、'.join(coming) or '无'}"]
    resettlement = []
    for plan in EvacuationPlan.objects.filter(incident=incident):
        arrived = plan.arrivals.aggregate(n=Sum("people"))["n"] or 0
        resettlement.append(f"“{plan.name}”需疏散 {plan.people_total} 人，已安排 {plan.people_placed} 人，"
                            f"已登记到达 {arrived} 人")
    open_tasks = Task.objects.filter(incident=incident, status__in=[TaskStatus.PENDING, TaskStatus.ACCEPTED])
    next_steps = [f"{t.department.name}：{t.title}（{_local(t.due_at)}前）" for t in open_tasks.select_related(
        "department").order_by("due_at")] or ["按预案继续处置"]
    sections = [("一、基本情况", basics), ("二、处置进展", progress), ("三、救援力量", forces)]
    if resettlement:
        sections.append(("四、疏散安置", resettlement))
    sections.append((f"{'五' if resettlement else '四'}、下一步工作", next_steps))
    return SituationReport(number, title, sections)


@transaction.atomic
def send(incident: Incident, report_to: str, *, actor: Any) -> tuple[SituationReport, TimelineEntry]:
    """Record that the next report went to ``report_to``: the text on the timeline (audited there) marks that
    reporting step as done."""
    if incident.status == IncidentStatus.CLOSED:
        raise ValidationError({"status": "事件已结案，不再报送续报"})
    if not report_to.strip():
        raise ValidationError({"report_to": "须填写报送对象（如 县级安全生产监督管理部门）"})
    report = build(incident)
    entry = incidents.add_timeline_entry(incident, TimelineKind.REPORT, f"向{report_to.strip()}报送{report.title}",
                                         actor=actor, data={"report_to": report_to.strip(), "sitrep": report.number,
                                                            "text": report.text})
    return report, entry
