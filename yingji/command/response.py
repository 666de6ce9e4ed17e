"""Response plans (预案) and what an incident's response does with them: activation into tasks with due
times, task progress, and resources dispatched by road with an ETA.

Every write checks the actor's scope, audits in the same transaction, notes what happened on the incident's
timeline and publishes `command.*` after commit. Overdue is derived (open past its due time), never stored,
so it cannot go stale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from yingji.core import audit, events
from yingji.core.models import AuditAction, Department
from yingji.core.records import ensure_may_change
from yingji.core.scoping import facts_of
from yingji.registry.queries import visible
from yingji.registry.resources import spec_for

from . import incidents, readiness
from .incident_queries import readable_or_addressed
from .models import (
    Dispatch,
    DispatchStatus,
    Incident,
    IncidentStatus,
    IncidentType,
    PlanAction,
    PlanActivation,
    PlanGroup,
    ResponsePlan,
    ResponsePlanStatus,
    Task,
    TaskStatus,
    TimelineKind,
)
from .network import road_network
from .routing import RoutingError

# Registry kinds that can be sent to an incident.
DISPATCHABLE = ("rescue-teams", "experts", "vehicles", "equipment")
# Response grades from the most to the least severe (I 级 is the highest response).
RESPONSE_RANK = {"I": 1, "II": 2, "III": 3, "IV": 4}
TASK_MOVES: dict[str, tuple[str, ...]] = {
    TaskStatus.ACCEPTED: (TaskStatus.PENDING,),
    TaskStatus.DONE: (TaskStatus.PENDING, TaskStatus.ACCEPTED),
    TaskStatus.CANCELLED: (TaskStatus.PENDING, TaskStatus.ACCEPTED),
}
DISPATCH_MOVES: dict[str, tuple[str, ...]] = {
    DispatchStatus.EN_ROUTE: (DispatchStatus.DISPATCHED,),
    DispatchStatus.ON_SCENE: (DispatchStatus.DISPATCHED, DispatchStatus.EN_ROUTE),
    DispatchStatus.RETURNED: (DispatchStatus.ON_SCENE,),
    DispatchStatus.RECALLED: (DispatchStatus.DISPATCHED, DispatchStatus.EN_ROUTE),
}


class ResponseTopic(StrEnum):
    PLAN = "command.plan"
    ACTIVATED = "command.plan.activated"
    TASK = "command.task"
    DISPATCH = "command.dispatch"


class ResponseAudit(StrEnum):
    PUBLISH = "command.plan.publish"
    RETIRE = "command.plan.retire"
    ACTIVATE = "command.plan.activate"
    TASK = "command.task.status"
    DISPATCH = "command.dispatch.status"


# --- plans -----------------------------------------------------------------------------------------------
def _departments(ids: Sequence[Any]) -> dict[Any, Department]:
    return {d.pk: d for d in Department.objects.filter(pk__in=[i for i in ids if isinstance(i, int)])}


def _check_plan(data: Mapping[str, Any]) -> dict[str, str]:
    problems: dict[str, str] = {}
    for key in ("code", "name"):
        if not str(data.get(key) or "").strip():
            problems[key] = "不能为空"
    types = data.get("incident_types") or []
    unknown = [t for t in types if t not in IncidentType.values]
    if unknown:
        problems["incident_types"] = f"未知的事件类型：{'、'.join(map(str, unknown))}"
    if data.get("min_response", "IV") not in RESPONSE_RANK:
        problems["min_response"] = "响应级别只能是 I、II、III、IV"
    groups = data.get("groups") or []
    names = [str(g.get("name") or "").strip() for g in groups]
    for index, name in enumerate(names):
        if not name:
            problems[f"groups.{index}.name"] = "工作组名称不能为空"
        elif names.index(name) != index:
            problems[f"groups.{index}.name"] = f"工作组“{name}”重复"
    required = data.get("required_resources") or []
    if isinstance(required, list):
        problems.update(readiness.check_requirements(required))
    else:
        problems["required_resources"] = "所需资源须为列表"
    for index, action in enumerate(data.get("actions") or []):
        where = f"actions.{index}"
        if not str(action.get("title") or "").strip():
            problems[f"{where}.title"] = "行动不能为空"
        due = action.get("due_minutes")
        if not isinstance(due, int) or isinstance(due, bool) or not 0 <= due <= 10080:
            problems[f"{where}.due_minutes"] = "时限须为 0–10080 之间的整数分钟（最长 7 天）"
        if action.get("group") and action["group"] not in names:
            problems[f"{where}.group"] = f"工作组“{action['group']}”不在本预案中"
    return problems


@transaction.atomic
def create_plan(data: Mapping[str, Any], *, actor: Any) -> ResponsePlan:
    """A new draft version of the plan ``code`` (version 1 for a new code) with its groups and actions.

    :raises ValidationError: by field (``code``, ``incident_types``, ``groups.N.name``, ``actions.N.due_minutes``,
        ``actions.N.department`` …), all at once; nothing is written.
    """
    problems = _check_plan(data)
    groups_in, actions_in = data.get("groups") or [], data.get("actions") or []
    notify = list(data.get("notify_departments") or [])
    departments = _departments([g.get("lead_department") for g in groups_in]
                               + [a.get("department") for a in actions_in] + notify)
    for index, group in enumerate(groups_in):
        if group.get("lead_department") not in departments:
            problems[f"groups.{index}.lead_department"] = f"部门 {group.get('lead_department')} 不存在"
    for index, action in enumerate(actions_in):
        if action.get("department") not in departments:
            problems[f"actions.{index}.department"] = f"部门 {action.get('department')} 不存在"
    for index, pk in enumerate(notify):
        if pk not in departments:
            problems[f"notify_departments.{index}"] = f"部门 {pk} 不存在"
    if problems:
        raise ValidationError(problems)
    code = str(data["code"]).strip()
    latest = ResponsePlan.objects.filter(code=code).aggregate(v=Max("version"))["v"] or 0
    plan = ResponsePlan(code=code, version=latest + 1, name=str(data["name"]).strip(),
                        incident_types=list(data.get("incident_types") or []),
                        min_response=data.get("min_response") or "IV", summary=data.get("summary") or "",
                        required_resources=list(data.get("required_resources") or []),
                        owner_department_id=getattr(actor, "department_id", None))
    plan.full_clean()
    ensure_may_change(plan, actor, "预案")
    plan.save(force_insert=True)
    plan.notify_departments.set([departments[pk] for pk in notify])
    groups = {}
    for order, group in enumerate(groups_in):
        groups[group["name"].strip()] = PlanGroup.objects.create(
            plan=plan, name=group["name"].strip(), lead_department=departments[group["lead_department"]],
            duties=group.get("duties") or "", order=order)
    PlanAction.objects.bulk_create([
        PlanAction(plan=plan, group=groups.get(a.get("group") or ""), title=a["title"].strip(),
                   detail=a.get("detail") or "", department=departments[a["department"]], due_minutes=a["due_minutes"],
                   order=order)
        for order, a in enumerate(actions_in)])
    audit.record_change(AuditAction.CREATE, plan, actor=actor, before=None)
    events.publish(ResponseTopic.PLAN, _plan_payload(plan, "created"), scope=facts_of(plan))
    return plan


def _plan_payload(plan: ResponsePlan, verb: str) -> dict[str, Any]:
    return {"id": plan.pk, "kind": "command.responseplan", "verb": verb, "code": plan.code, "version": plan.version,
            "name": plan.name, "status": plan.status}


@transaction.atomic
def publish_plan(plan: ResponsePlan, *, actor: Any) -> ResponsePlan:
    """Draft → current; the version in force before it becomes superseded (activations keep pointing at it)."""
    ensure_may_change(plan, actor, "预案")
    if plan.status != ResponsePlanStatus.DRAFT:
        raise ValidationError({"status": f"预案当前为“{plan.get_status_display()}”，只有草稿可以发布"})
    ResponsePlan.objects.filter(code=plan.code, status=ResponsePlanStatus.CURRENT).update(
        status=ResponsePlanStatus.SUPERSEDED)
    plan.status, plan.published_at = ResponsePlanStatus.CURRENT, timezone.now()
    plan.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(ResponseAudit.PUBLISH, actor=actor, object_type="command.responseplan", object_id=plan.pk,
                 object_repr=str(plan), after={"code": plan.code, "version": plan.version})
    events.publish(ResponseTopic.PLAN, _plan_payload(plan, "published"), scope=facts_of(plan))
    return plan


@transaction.atomic
def retire_plan(plan: ResponsePlan, *, actor: Any) -> ResponsePlan:
    """Current or draft → retired: no longer offered for activation; history and activations keep it."""
    ensure_may_change(plan, actor, "预案")
    if plan.status not in (ResponsePlanStatus.CURRENT, ResponsePlanStatus.DRAFT):
        raise ValidationError({"status": f"预案当前为“{plan.get_status_display()}”，不能废止"})
    plan.status = ResponsePlanStatus.RETIRED
    plan.save(update_fields=["status", "updated_at"])
    audit.record(ResponseAudit.RETIRE, actor=actor, object_type="command.responseplan", object_id=plan.pk,
                 object_repr=str(plan), after={"code": plan.code, "version": plan.version})
    events.publish(ResponseTopic.PLAN, _plan_payload(plan, "retired"), scope=facts_of(plan))
    return plan


def applicable_plans(incident: Incident) -> list[ResponsePlan]:
    """Current plans for the incident's type whose starting response the incident's response reaches."""
    rank = RESPONSE_RANK.get(incident.response, 4)
    allowed = [grade for grade, r in RESPONSE_RANK.items() if r >= rank]
    plans = ResponsePlan.objects.filter(status=ResponsePlanStatus.CURRENT, min_response__in=allowed).order_by("code")
    return [plan for plan in plans if plan.covers(incident.incident_type)]


# --- activation and tasks -------------------------------------------------------------------------------
@transaction.atomic
def activate_plan(incident: Incident, plan: ResponsePlan, *, actor: Any, at: datetime | None = None
                  ) -> PlanActivation:
    """Put a current plan into force for an incident: its actions become tasks due at activation + minutes.

    The incident goes to 'responding'; the plan's required resources are checked against what is available
    (`readiness`), shortfalls becoming requests or tasks. :raises ValidationError: on ``plan`` (not current, wrong
    type, already activated) or ``status`` (incident closed).
    """
    ensure_may_change(incident, actor, "事件")
    if incident.status == IncidentStatus.CLOSED:
        raise ValidationError({"status": "事件已结案，不能启动预案"})
    if plan.status != ResponsePlanStatus.CURRENT:
        raise ValidationError({"plan": f"《{plan.name}》第 {plan.version} 版不是现行版本，不能启动"})
    if not plan.covers(incident.incident_type):
        raise ValidationError({"plan": f"《{plan.name}》不适用于{incident.get_incident_type_display()}"})
    if PlanActivation.objects.filter(incident=incident, plan=plan).exists():
        raise ValidationError({"plan": f"《{plan.name}》已对本事件启动"})
    when = at or timezone.now()
    activation = PlanActivation.objects.create(incident=incident, plan=plan, activated_at=when,
                                               activated_by=actor if getattr(actor, "pk", None) else None)
    tasks = Task.objects.bulk_create([
        Task(incident=incident, activation=activation, action=action, title=action.title, detail=action.detail,
             department_id=action.department_id, due_at=when + timedelta(minutes=action.due_minutes))
        for action in plan.actions.all()])
    if incident.status == IncidentStatus.REPORTED:
        incidents.change_status(incident, IncidentStatus.RESPONDING, actor=actor)
    notified = "、".join(d.name for d in plan.notify_departments.order_by("code"))
    text = f"启动《{plan.name}》（第 {plan.version} 版）：下达 {len(tasks)} 项任务"
    incidents.add_timeline_entry(incident, TimelineKind.DECISION, text + (f"，通知{notified}" if notified else ""),
                                 actor=actor, time=when, data={"activation": activation.pk, "plan": plan.pk})
    checked = readiness.check_on_activation(activation, actor=actor)
    audit.record(ResponseAudit.ACTIVATE, actor=actor, object_type="command.incident", object_id=incident.pk,
                 object_repr=str(incident), after={"plan": plan.pk, "version": plan.version, "tasks": len(tasks),
                                                   "short": [r["label"] for r in checked if not r["met"]]})
    events.publish(ResponseTopic.ACTIVATED, {"id": activation.pk, "kind": "command.planactivation",
                                             "incident_id": incident.pk, "plan": plan.name, "tasks": len(tasks)},
                   scope=facts_of(incident))
    return activation


def visible_tasks(user: Any) -> QuerySet[Task]:
    """Tasks of incidents the user may read, plus every task given to the user's own department."""
    return readable_or_addressed(Task, user, "department").select_related("department", "incident")


def may_work_on(task: Task, actor: Any) -> bool:
    """The task's own department works it; so does whoever may change the incident."""
    if getattr(actor, "department_id", None) and actor.department_id == task.department_id:
        return True
    return Incident.objects.writable_by(actor).filter(pk=task.incident_id).exists()


@transaction.atomic
def add_task(incident: Incident, data: Mapping[str, Any], *, actor: Any) -> Task:
    """A task decided on the spot (not from a plan), for a department, due at a time."""
    ensure_may_change(incident, actor, "事件")
    problems: dict[str, str] = {}
    if not str(data.get("title") or "").strip():
        problems["title"] = "任务不能为空"
    department = _departments([data.get("department")]).get(data.get("department"))
    if department is None:
        problems["department"] = f"部门 {data.get('department')} 不存在"
    due_at = data.get("due_at")
    if not isinstance(due_at, datetime) or timezone.is_naive(due_at):
        problems["due_at"] = "完成时限须为带时区的时间"
        due_at = None
    if incident.status == IncidentStatus.CLOSED:
        problems["status"] = "事件已结案，不能下达任务"
    if problems or due_at is None or department is None:
        raise ValidationError(problems)
    task = Task.objects.create(incident=incident, title=data["title"].strip(), detail=data.get("detail") or "",
                               department=department, due_at=due_at)
    incidents.add_timeline_entry(incident, TimelineKind.DECISION,
                                 f"下达任务：{task.title}（{department}，{timezone.localtime(due_at):%H:%M} 前）",
                                 actor=actor, data={"task": task.pk})
    audit.record_change(AuditAction.CREATE, task, actor=actor, before=None)
    events.publish(ResponseTopic.TASK, _task_payload(task), scope=facts_of(incident))
    return task


def _task_payload(task: Task) -> dict[str, Any]:
    return {"id": task.pk, "kind": "command.task", "incident_id": task.incident_id, "title": task.title,
            "status": task.status, "department_id": task.department_id, "due_at": task.due_at.isoformat()}


@transaction.atomic
def move_task(task: Task, status: str, *, actor: Any, note: str = "") -> Task:
    """pending → accepted → done (done straight from pending too); open → cancelled with a reason."""
    if not may_work_on(task, actor):
        raise PermissionDenied("只有责任部门或事件指挥人员可以更新任务")
    task = Task.objects.select_for_update().select_related("incident").get(pk=task.pk)
    if status not in TASK_MOVES or task.status not in TASK_MOVES[status]:
        raise ValidationError({"status": f"任务当前为“{task.get_status_display()}”，不能改为“{status}”"})
    if status == TaskStatus.CANCELLED and not note.strip():
        raise ValidationError({"note": "取消任务须说明原因"})
    before = audit.snapshot(task)
    now = timezone.now()
    task.status = status
    task.note = note.strip() or task.note
    if status == TaskStatus.ACCEPTED:
        task.accepted_at = now
    elif status == TaskStatus.DONE:
        task.done_at = now
    task.save()
    if status != TaskStatus.ACCEPTED and task.incident.status != IncidentStatus.CLOSED:
        late = " （超时）" if status == TaskStatus.DONE and now > task.due_at else ""
        incidents.record_on_timeline(task.incident, TimelineKind.NOTE,
                                     f"任务{task.get_status_display()}：{task.title}{late}"
                                     + (f"。{task.note}" if task.note else ""), actor=actor, data={"task": task.pk})
    audit.record(ResponseAudit.TASK, actor=actor, object_type="command.task", object_id=task.pk,
                 object_repr=str(task), before=before, after=audit.snapshot(task))
    events.publish(ResponseTopic.TASK, _task_payload(task), scope=facts_of(task.incident))
    return task


# --- dispatch -------------------------------------------------------------------------------------------
@transaction.atomic
def dispatch_resource(incident: Incident, data: Mapping[str, Any], *, actor: Any) -> Dispatch:
    """Send a team, expert, vehicle or equipment to the incident; its ETA comes from the road network.

    :raises ValidationError: on ``kind`` / ``id`` (unknown or not visible), ``id`` (already dispatched here),
        ``status`` (incident closed), ``task`` (not this incident's).
    """
    ensure_may_change(incident, actor, "事件")
    kind = str(data.get("kind") or "")
    spec = spec_for(kind) if kind in DISPATCHABLE else None
    if spec is None:
        raise ValidationError({"kind": f"只能调派：{'、'.join(DISPATCHABLE)}"})
    resource = visible(spec, actor).filter(pk=data.get("id")).first()
    if resource is None:
        raise ValidationError({"id": f"资源 {data.get('id')} 不存在或超出您的查看范围"})
    if incident.status == IncidentStatus.CLOSED:
        raise ValidationError({"status": "事件已结案，不能调派力量"})
    active = ~Q(status__in=[DispatchStatus.RETURNED, DispatchStatus.RECALLED])
    if Dispatch.objects.filter(active, incident=incident, resource_kind=kind, resource_id=resource.pk).exists():
        raise ValidationError({"id": f"{resource} 已在本事件调派中"})
    task = Task.objects.filter(pk=data["task"], incident=incident).first() if data.get("task") else None
    if data.get("task") and task is None:
        raise ValidationError({"task": f"任务 {data['task']} 不属于本事件"})
    now = timezone.now()
    dispatch = Dispatch(incident=incident, resource_kind=kind, resource_id=resource.pk, resource_name=str(resource),
                        task=task, dispatched_at=now, note=str(data.get("note") or "")[:300],
                        dispatched_by=actor if getattr(actor, "pk", None) else None)
    _estimate(dispatch, resource, incident)
    dispatch.save(force_insert=True)
    busy = Dispatch.objects.filter(active, resource_kind=kind, resource_id=resource.pk).exclude(incident=incident)
    eta = f"，预计 {dispatch.travel_s / 60:.0f} 分钟到达" if dispatch.travel_s is not None else "，到达时间无法估算"
    elsewhere = "（该力量同时在其他事件中）" if busy.exists() else ""
    incidents.add_timeline_entry(incident, TimelineKind.DISPATCH, f"调派{resource}{eta}{elsewhere}", actor=actor,
                                 data={"dispatch": dispatch.pk, "kind": kind, "id": resource.pk})
    audit.record_change(AuditAction.CREATE, dispatch, actor=actor, before=None)
    events.publish(ResponseTopic.DISPATCH, _dispatch_payload(dispatch), scope=facts_of(incident))
    return dispatch


def _estimate(dispatch: Dispatch, resource: Any, incident: Incident) -> None:
    """Road time from the resource's base to the incident; left empty (with a note) when either is unplaced."""
    lon, lat, to_lon, to_lat = resource.longitude, resource.latitude, incident.longitude, incident.latitude
    if lon is None or lat is None or to_lon is None or to_lat is None:
        dispatch.note = (dispatch.note + "；" if dispatch.note else "") + "无坐标，未估算到达时间"
        return
    network = road_network()
    try:
        origin = network.snap(lon, lat, field_name="id")
        route = network.reach(origin).route_to(network.snap(to_lon, to_lat, field_name="id"))
    except RoutingError as exc:
        dispatch.note = (dispatch.note + "；" if dispatch.note else "") + f"未估算到达时间：{exc.message}"
        return
    dispatch.travel_s, dispatch.length_m = round(route.time_s, 1), round(route.length_m, 1)
    dispatch.eta = dispatch.dispatched_at + timedelta(seconds=route.time_s)


def _dispatch_payload(dispatch: Dispatch) -> dict[str, Any]:
    return {"id": dispatch.pk, "kind": "command.dispatch", "incident_id": dispatch.incident_id,
            "resource_kind": dispatch.resource_kind, "resource_id": dispatch.resource_id,
            "name": dispatch.resource_name, "status": dispatch.status,
            "eta": dispatch.eta.isoformat() if dispatch.eta else None}


@transaction.atomic
def move_dispatch(dispatch: Dispatch, status: str, *, actor: Any) -> Dispatch:
    """dispatched → en route → on scene → returned; recalled before arrival. Arrival logs the response time."""
    incident = dispatch.incident
    ensure_may_change(incident, actor, "事件")
    dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
    if status not in DISPATCH_MOVES or dispatch.status not in DISPATCH_MOVES[status]:
        raise ValidationError({"status": f"调派当前为“{dispatch.get_status_display()}”，不能改为“{status}”"})
    before = audit.snapshot(dispatch)
    now = timezone.now()
    text = f"{dispatch.resource_name}{DispatchStatus(status).label}"
    if status == DispatchStatus.EN_ROUTE:
        dispatch.departed_at = now
    elif status == DispatchStatus.ON_SCENE:
        dispatch.arrived_at = now
        text += f"，用时 {(now - dispatch.dispatched_at).total_seconds() / 60:.0f} 分钟"
        if dispatch.travel_s is not None:
            text += f"（预计 {dispatch.travel_s / 60:.0f} 分钟）"
    elif status in (DispatchStatus.RETURNED, DispatchStatus.RECALLED):
        dispatch.returned_at = now
    dispatch.status = status
    dispatch.save()
    if incident.status != IncidentStatus.CLOSED:
        incidents.add_timeline_entry(incident, TimelineKind.DISPATCH, text, actor=actor,
                                     data={"dispatch": dispatch.pk, "status": status})
    audit.record(ResponseAudit.DISPATCH, actor=actor, object_type="command.dispatch", object_id=dispatch.pk,
                 object_repr=str(dispatch), before=before, after=audit.snapshot(dispatch))
    events.publish(ResponseTopic.DISPATCH, _dispatch_payload(dispatch), scope=facts_of(incident))
    return dispatch
