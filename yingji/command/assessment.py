"""After-action assessment (总结评估) and drills (演练).

`report_data` assembles the report from the live record — the incident's facts, reporting deadlines, the
plan's tasks against their due times, dispatches against their ETA, evacuation and supplies, the timeline —
plus the lessons and improvement items people wrote (`update_report`). `drill_score` scores an exercise's
response times against the plan; `release_due_injects` puts a drill's scripted messages on its timeline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from yingji.core import audit, events
from yingji.core.models import Department
from yingji.core.records import ensure_may_change
from yingji.core.scoping import facts_of

from . import incidents
from .models import (
    AfterActionReport,
    Dispatch,
    DispatchStatus,
    DrillInject,
    EvacuationPlan,
    ImprovementItem,
    ImprovementStatus,
    Incident,
    IncidentStatus,
    OrderStatus,
    SupplyOrder,
    Task,
    TaskStatus,
    TimelineKind,
)
from .report_document import Improvement, ReportData, Row

# Drill score weights (our choice, stated in docs/command.md): reporting on time, tasks on time, arrivals.
SCORE_WEIGHTS = {"reporting": 30, "tasks": 40, "arrivals": 30}
# An arrival counts as on time within this factor of its road ETA (traffic, turn-out time).
ARRIVAL_TOLERANCE = 1.2


class AssessmentAudit(StrEnum):
    REPORT = "command.report.update"
    INJECT = "command.drill.inject"


def _local(moment: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
    return timezone.localtime(moment).strftime(fmt) if moment else "—"


def _minutes(seconds: float | None) -> str:
    return f"{seconds / 60:.0f} 分钟" if seconds is not None else "—"


@dataclass(frozen=True)
class Score:
    """One part of a drill's score: what fraction met its time, out of how many, and the points."""

    label: str
    met: int
    total: int
    points: float


def drill_score(incident: Incident, now: datetime | None = None) -> tuple[float, list[Score]]:
    """Points out of 100: reports made in time, plan tasks done by their due time, arrivals within ETA × 1.2.

    A part with nothing to measure gives its full points (nothing was late) and says "无" in the report.
    """
    now = now or timezone.now()
    steps = incidents.deadlines(incident, now)
    reported = sum(1 for d in steps if d.done_at is not None and d.done_at <= d.due_at)
    tasks = list(Task.objects.filter(incident=incident).exclude(status=TaskStatus.CANCELLED))
    tasks_on_time = sum(1 for t in tasks if t.done_at is not None and t.done_at <= t.due_at)
    arrivals = [d for d in Dispatch.objects.filter(incident=incident, travel_s__isnull=False)
                if d.status != DispatchStatus.RECALLED]
    arrived = sum(1 for d in arrivals if d.arrived_at is not None and d.travel_s is not None
                  and (d.arrived_at - d.dispatched_at).total_seconds() <= d.travel_s * ARRIVAL_TOLERANCE)
    parts = [("reporting", "信息报送按时", reported, len(steps)),
             ("tasks", "预案任务按时完成", tasks_on_time, len(tasks)),
             ("arrivals", "力量按时到场", arrived, len(arrivals))]
    scores = [Score(label, met, total, SCORE_WEIGHTS[key] * (met / total if total else 1.0))
              for key, label, met, total in parts]
    return round(sum(s.points for s in scores), 1), scores


def _facts(incident: Incident) -> list[tuple[str, str]]:
    facts = [
        ("事件", incident.title), ("类型", incident.get_incident_type_display()),
        ("地点", incident.address or (f"{incident.longitude:.5f}, {incident.latitude:.5f}"
                                    if incident.longitude is not None and incident.latitude is not None else "—")),
        ("发生时间", _local(incident.occurred_at, "%Y-%m-%d %H:%M")),
        ("接报时间", _local(incident.reported_at, "%Y-%m-%d %H:%M")),
        ("等级", f"{incident.level}（{incident.response} 级响应）"),
        ("伤亡", f"死亡 {incident.deaths} 人，重伤 {incident.serious_injuries} 人"),
        ("直接经济损失", f"{incident.direct_loss_yuan:,.2f} 元"),
        ("状态", incident.get_status_display() + (f"，{_local(incident.closed_at, '%Y-%m-%d %H:%M')} 结案"
                                                  if incident.closed_at else "")),
    ]
    if incident.summary:
        facts.append(("结案摘要", incident.summary))
    return facts


def _resettlement(incident: Incident) -> list[tuple[str, str]]:
    lines = []
    for plan in EvacuationPlan.objects.filter(incident=incident):
        arrived = plan.arrivals.aggregate(n=Sum("people"))["n"] or 0
        lines.append((f"疏散方案“{plan.name}”", f"需疏散 {plan.people_total} 人，安排 {plan.people_placed} 人，"
                                                f"未能安置 {plan.people_unplaced} 人，登记到达 {arrived} 人"))
    orders = SupplyOrder.objects.filter(demand__plan__incident=incident).select_related("stock_item", "demand")
    for order in orders.exclude(status=OrderStatus.CANCELLED):
        lines.append((f"物资 {order.stock_item.name}", f"{order.quantity}{order.stock_item.unit} → "
                                                      f"{order.demand.site_name}（{order.get_status_display()}）"))
    return lines


def report_data(incident: Incident, *, now: datetime | None = None) -> ReportData:
    """The after-action report of an incident as it stands now (a draft until the incident is closed)."""
    now = now or timezone.now()
    report = AfterActionReport.objects.filter(incident=incident).first()
    deadlines = [Row((d.report_to, f"{d.within_minutes} 分钟", _local(d.due_at), _local(d.done_at),
                      "按时" if d.done_at and d.done_at <= d.due_at else ("超时" if d.done_at or now > d.due_at
                                                                            else "未到时限")))
                 for d in incidents.deadlines(incident, now)]
    tasks = [Row((t.title, t.department.name, _local(t.due_at), _local(t.done_at),
                  t.get_status_display() if t.status != TaskStatus.DONE
                  else ("按时完成" if t.done_at and t.done_at <= t.due_at else "超时完成")))
             for t in Task.objects.filter(incident=incident).select_related("department")]
    dispatches = [Row((d.resource_name, _local(d.dispatched_at), _minutes(d.travel_s),
                       _minutes((d.arrived_at - d.dispatched_at).total_seconds()) if d.arrived_at else "—",
                       d.get_status_display()))
                  for d in Dispatch.objects.filter(incident=incident)]
    timeline = [Row((_local(e.time), e.get_kind_display(), e.text)) for e in incident.timeline.all()]
    improvements = [Improvement(i.item, " ".join(x for x in (i.owner_department.name if i.owner_department else "",
                                                              i.owner) if x),
                                i.deadline.isoformat(), i.get_status_display())
                    for i in (report.improvements.select_related("owner_department") if report else [])]
    drill: list[tuple[str, str]] = []
    if incident.is_exercise:
        total, scores = drill_score(incident, now)
        drill = [(s.label, f"{s.met}/{s.total}，{s.points:.1f} 分" if s.total else f"无，{s.points:.1f} 分")
                 for s in scores]
        drill.append(("总分", f"{total:.1f} / 100"))
    draft = "" if incident.status == IncidentStatus.CLOSED else "（初稿：事件尚未结案）"
    kind = "演练总结评估报告" if incident.is_exercise else "事件总结评估报告"
    return ReportData(
        title=f"{incident.title} {kind}{draft}", facts=_facts(incident), deadlines=deadlines, tasks=tasks,
        dispatches=dispatches, resettlement=_resettlement(incident), timeline=timeline,
        lessons=report.lessons if report else "", improvements=improvements, drill=drill,
        footer=f"盘山县应急指挥平台 生成于 {_local(now, '%Y-%m-%d %H:%M')}")


def _check_improvements(rows: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    problems: dict[str, str] = {}
    known = set(Department.objects.filter(pk__in=[r.get("owner_department") for r in rows
                                                  if r.get("owner_department")]).values_list("pk", flat=True))
    for index, row in enumerate(rows):
        where = f"improvements.{index}"
        if not str(row.get("item") or "").strip():
            problems[f"{where}.item"] = "改进事项不能为空"
        if not isinstance(row.get("deadline"), date):
            problems[f"{where}.deadline"] = "完成期限须为日期（YYYY-MM-DD）"
        if row.get("owner_department") and row["owner_department"] not in known:
            problems[f"{where}.owner_department"] = f"部门 {row['owner_department']} 不存在"
        if not row.get("owner_department") and not str(row.get("owner") or "").strip():
            problems[f"{where}.owner"] = "须指定责任单位或责任人"
        if row.get("status", ImprovementStatus.OPEN) not in ImprovementStatus.values:
            problems[f"{where}.status"] = "状态只能是 open 或 done"
    return problems


@transaction.atomic
def update_report(incident: Incident, data: Mapping[str, Any], *, actor: Any) -> AfterActionReport:
    """Set the lessons and replace the improvement items (each with an owner and a deadline)."""
    ensure_may_change(incident, actor, "事件")
    rows = list(data.get("improvements") or [])
    problems = _check_improvements(rows)
    if problems:
        raise ValidationError(problems)
    report, _ = AfterActionReport.objects.get_or_create(incident=incident)
    before = {"lessons": report.lessons, "improvements": list(report.improvements.values("item", "deadline"))}
    report.lessons = str(data.get("lessons") or "")
    report.edited_by = actor if getattr(actor, "pk", None) else None
    report.save()
    report.improvements.all().delete()
    ImprovementItem.objects.bulk_create([
        ImprovementItem(report=report, item=r["item"].strip()[:300], owner_department_id=r.get("owner_department"),
                        owner=str(r.get("owner") or "")[:50], deadline=r["deadline"],
                        status=r.get("status") or ImprovementStatus.OPEN) for r in rows])
    audit.record(AssessmentAudit.REPORT, actor=actor, object_type="command.incident", object_id=incident.pk,
                 object_repr=str(incident), before={k: str(v) for k, v in before.items()},
                 after={"lessons": report.lessons, "improvements": len(rows)})
    return report


# --- drills ---------------------------------------------------------------------------------------------
@transaction.atomic
def set_injects(incident: Incident, injects: Sequence[Mapping[str, Any]], *, actor: Any) -> list[DrillInject]:
    """Replace the drill's unreleased injects; only exercises have injects."""
    ensure_may_change(incident, actor, "事件")
    if not incident.is_exercise:
        raise ValidationError({"injects": "只有演练可以设置注入"})
    problems = {}
    for index, inject in enumerate(injects):
        minutes = inject.get("at_minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 0 <= minutes <= 1440:
            problems[f"injects.{index}.at_minutes"] = "注入时间须为 0–1440 分钟"
        if not str(inject.get("text") or "").strip():
            problems[f"injects.{index}.text"] = "注入内容不能为空"
    if problems:
        raise ValidationError(problems)
    DrillInject.objects.filter(incident=incident, released_at__isnull=True).delete()
    made = DrillInject.objects.bulk_create([
        DrillInject(incident=incident, at_minutes=i["at_minutes"], text=i["text"].strip()[:500]) for i in injects])
    audit.record(AssessmentAudit.INJECT, actor=actor, object_type="command.incident", object_id=incident.pk,
                 object_repr=str(incident), after={"injects": [(i.at_minutes, i.text) for i in made]})
    return made


def release_due_injects(now: datetime | None = None) -> int:
    """Put every inject whose time has come on its drill's timeline (once); returns how many were released."""
    now = now or timezone.now()
    released = 0
    due = DrillInject.objects.filter(released_at__isnull=True, incident__is_exercise=True).exclude(
        incident__status=IncidentStatus.CLOSED).select_related("incident")
    for inject in due:
        start = inject.incident.reported_at
        if start + timedelta(minutes=inject.at_minutes) > now:
            continue
        with transaction.atomic():
            claimed = DrillInject.objects.filter(pk=inject.pk, released_at__isnull=True).update(released_at=now)
            if not claimed:
                continue  # another tick released it
            incidents.record_on_timeline(inject.incident, TimelineKind.REPORT, f"【演练注入】{inject.text}",
                                         actor=None, data={"inject": inject.pk})
            events.publish("command.drill.inject", {"id": inject.pk, "kind": "command.drillinject",
                                                    "incident_id": inject.incident_id, "text": inject.text},
                           scope=facts_of(inject.incident))
            released += 1
    return released
