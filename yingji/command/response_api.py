"""Response plans, activation, tasks and dispatches (mounted under /api/v1/command).

Reads go through the reader's scope (404 outside it); writes through `response` (scope check, audit, timeline
and event in one transaction). `overdue` is computed at read time: open past the due time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from . import incident_queries, response
from .models import Dispatch, PlanActivation, ResponsePlan, Task, TaskStatus

router = Router(tags=["command-response"])

ResponseGrade = Literal["I", "II", "III", "IV"]


# --- plans -----------------------------------------------------------------------------------------------
class GroupIn(Schema):
    name: str = Field(..., max_length=100)
    lead_department: int
    duties: str = ""


class ActionIn(Schema):
    title: str = Field(..., max_length=200)
    detail: str = ""
    department: int
    due_minutes: int = Field(description="启动后多少分钟内完成")
    group: str | None = Field(None, description="所属工作组名称")


class PlanIn(Schema):
    code: str = Field(..., max_length=40, description="预案编号；与已有预案相同即为其新版本")
    name: str = Field(..., max_length=200)
    incident_types: list[str] = Field(default_factory=list, description="适用事件类型；空表示全部")
    min_response: ResponseGrade = "IV"
    summary: str = ""
    notify_departments: list[int] = Field(default_factory=list)
    required_resources: list[dict[str, Any]] = Field(default_factory=list)
    groups: list[GroupIn] = Field(default_factory=list)
    actions: list[ActionIn] = Field(default_factory=list)


class GroupOut(Schema):
    name: str
    lead_department_id: int
    lead_department: str
    duties: str


class ActionOut(Schema):
    id: int
    title: str
    detail: str
    department_id: int
    department: str
    due_minutes: int
    group: str | None


class PlanRowOut(Schema):
    id: int
    code: str
    version: int
    name: str
    status: str
    incident_types: list[str]
    min_response: str
    published_at: datetime | None


class PlanOut(PlanRowOut):
    summary: str
    notify_departments: list[str]
    required_resources: list[dict[str, Any]]
    groups: list[GroupOut]
    actions: list[ActionOut]


def _plan(plan: ResponsePlan) -> dict[str, Any]:
    return {
        "id": plan.pk, "code": plan.code, "version": plan.version, "name": plan.name, "status": plan.status,
        "incident_types": plan.incident_types, "min_response": plan.min_response, "published_at": plan.published_at,
        "summary": plan.summary, "notify_departments": [d.name for d in plan.notify_departments.all()],
        "required_resources": plan.required_resources,
        "groups": [{"name": g.name, "lead_department_id": g.lead_department_id,
                    "lead_department": g.lead_department.name, "duties": g.duties}
                   for g in plan.groups.select_related("lead_department")],
        "actions": [{"id": a.pk, "title": a.title, "detail": a.detail, "department_id": a.department_id,
                     "department": a.department.name, "due_minutes": a.due_minutes,
                     "group": a.group.name if a.group else None}
                    for a in plan.actions.select_related("department", "group")],
    }


def _plans(user: Any) -> QuerySet[ResponsePlan]:
    return ResponsePlan.objects.for_user(user)


@router.get("/plans", response=list[PlanRowOut], summary="应急预案库（含历史版本）")
def list_plans(request: HttpRequest, status: str | None = None, incident_type: str | None = None
               ) -> list[ResponsePlan]:
    plans = _plans(request.user)
    if status:
        plans = plans.filter(status=status)
    return [p for p in plans if incident_type is None or p.covers(incident_type)]


@router.post("/plans", response={201: PlanOut}, summary="新建预案或预案新版本（草稿）")
def create_plan(request: HttpRequest, payload: PlanIn) -> Status[dict[str, Any]]:
    return Status(201, _plan(response.create_plan(payload.dict(), actor=request.user)))


@router.get("/plans/{pk}", response=PlanOut, summary="预案详情：指挥部、行动与时限")
def get_plan(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _plan(get_object_or_404(_plans(request.user), pk=pk))


@router.post("/plans/{pk}/publish", response=PlanOut, summary="发布预案（成为现行版本）")
def publish_plan(request: HttpRequest, pk: int) -> dict[str, Any]:
    plan = get_object_or_404(ResponsePlan.objects.writable_by(request.user), pk=pk)
    return _plan(response.publish_plan(plan, actor=request.user))


@router.post("/plans/{pk}/retire", response=PlanOut, summary="废止预案")
def retire_plan(request: HttpRequest, pk: int) -> dict[str, Any]:
    plan = get_object_or_404(ResponsePlan.objects.writable_by(request.user), pk=pk)
    return _plan(response.retire_plan(plan, actor=request.user))


# --- activation and tasks -------------------------------------------------------------------------------
class ActivateIn(Schema):
    plan: int


class ActivationOut(Schema):
    id: int
    plan_id: int
    plan: str
    version: int
    activated_at: datetime
    tasks: int
    readiness: list[dict[str, Any]] = Field(
        description="所需资源核查：required/available/met/short、最近的可用力量 candidates、缺口跟进 follow_up")
    readiness_checked_at: datetime | None


class TaskOut(Schema):
    id: int
    incident_id: int
    incident: str
    title: str
    detail: str
    department_id: int
    department: str
    due_at: datetime
    status: str
    accepted_at: datetime | None
    done_at: datetime | None
    note: str
    overdue: bool = Field(description="未完成且已过时限（看板显示为红色）")
    from_plan: bool


class TaskIn(Schema):
    title: str = Field(..., max_length=200)
    detail: str = ""
    department: int
    due_at: datetime


class TaskMoveIn(Schema):
    status: Literal["accepted", "done", "cancelled"]
    note: str = ""


def _task(task: Task, now: datetime) -> dict[str, Any]:
    open_ = task.status in (TaskStatus.PENDING, TaskStatus.ACCEPTED)
    return {"id": task.pk, "incident_id": task.incident_id, "incident": task.incident.title, "title": task.title,
            "detail": task.detail, "department_id": task.department_id, "department": task.department.name,
            "due_at": task.due_at, "status": task.status, "accepted_at": task.accepted_at, "done_at": task.done_at,
            "note": task.note, "overdue": open_ and task.due_at < now, "from_plan": task.activation_id is not None}


@router.get("/incidents/{pk}/plans", response=list[PlanRowOut], summary="适用于本事件的现行预案")
def applicable_plans(request: HttpRequest, pk: int) -> list[ResponsePlan]:
    return response.applicable_plans(incident_queries.visible_incident(request.user, pk))


@router.post("/incidents/{pk}/activations", response={201: ActivationOut}, summary="启动预案，生成任务")
def activate_plan(request: HttpRequest, pk: int, payload: ActivateIn) -> Status[dict[str, Any]]:
    incident = incident_queries.writable_incident(request.user, pk)
    plan = _plans(request.user).filter(pk=payload.plan).first()
    if plan is None:
        raise ValidationError({"plan": f"预案 {payload.plan} 不存在或超出您的查看范围"})
    activation = response.activate_plan(incident, plan, actor=request.user)
    return Status(201, _activation(activation))


def _activation(activation: PlanActivation) -> dict[str, Any]:
    return {"id": activation.pk, "plan_id": activation.plan_id, "plan": activation.plan.name,
            "version": activation.plan.version, "activated_at": activation.activated_at,
            "tasks": activation.tasks.count(), "readiness": activation.readiness,
            "readiness_checked_at": activation.readiness_checked_at}


@router.get("/incidents/{pk}/activations", response=list[ActivationOut], summary="本事件已启动的预案")
def list_activations(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    incident = incident_queries.visible_incident(request.user, pk)
    return [_activation(a) for a in PlanActivation.objects.filter(incident=incident).select_related("plan")]


@router.get("/incidents/{pk}/tasks", response=list[TaskOut], summary="本事件的任务（超时标红）")
def incident_tasks(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    incident = incident_queries.visible_incident(request.user, pk)
    now = timezone.now()
    return [_task(t, now) for t in Task.objects.filter(incident=incident).select_related("department", "incident")]


@router.post("/incidents/{pk}/tasks", response={201: TaskOut}, summary="下达临时任务")
def add_task(request: HttpRequest, pk: int, payload: TaskIn) -> Status[dict[str, Any]]:
    incident = incident_queries.writable_incident(request.user, pk)
    task = response.add_task(incident, payload.dict(), actor=request.user)
    return Status(201, _task(task, timezone.now()))


@router.get("/tasks", response=list[TaskOut], summary="我的任务：本部门承担的及可见事件的任务")
def my_tasks(request: HttpRequest, open_only: bool = True) -> list[dict[str, Any]]:
    tasks = response.visible_tasks(request.user)
    if open_only:
        tasks = tasks.filter(status__in=[TaskStatus.PENDING, TaskStatus.ACCEPTED])
    now = timezone.now()
    return [_task(t, now) for t in tasks.order_by("due_at", "id")]


@router.post("/tasks/{pk}/status", response=TaskOut, summary="接收、完成或取消任务")
def move_task(request: HttpRequest, pk: int, payload: TaskMoveIn) -> dict[str, Any]:
    task = get_object_or_404(response.visible_tasks(request.user), pk=pk)
    task = response.move_task(task, payload.status, actor=request.user, note=payload.note)
    return _task(task, timezone.now())


# --- dispatch -------------------------------------------------------------------------------------------
class DispatchIn(Schema):
    kind: str = Field(description="rescue-teams | experts | vehicles | equipment")
    id: int
    task: int | None = None
    note: str = Field("", max_length=300)


class DispatchOut(Schema):
    id: int
    incident_id: int
    resource_kind: str
    resource_id: int
    resource_name: str
    status: str
    status_label: str
    travel_min: float | None
    length_km: float | None
    eta: datetime | None
    dispatched_at: datetime
    departed_at: datetime | None
    arrived_at: datetime | None
    returned_at: datetime | None
    task_id: int | None
    note: str


class DispatchMoveIn(Schema):
    status: Literal["en_route", "on_scene", "returned", "recalled"]


def _dispatch(d: Dispatch) -> dict[str, Any]:
    return {"id": d.pk, "incident_id": d.incident_id, "resource_kind": d.resource_kind, "resource_id": d.resource_id,
            "resource_name": d.resource_name, "status": d.status, "status_label": gettext(d.get_status_display()),
            "travel_min": round(d.travel_s / 60, 1) if d.travel_s is not None else None,
            "length_km": round(d.length_m / 1000, 2) if d.length_m is not None else None, "eta": d.eta,
            "dispatched_at": d.dispatched_at, "departed_at": d.departed_at, "arrived_at": d.arrived_at,
            "returned_at": d.returned_at, "task_id": d.task_id, "note": d.note}


@router.get("/incidents/{pk}/dispatches", response=list[DispatchOut], summary="本事件调派的力量与到达情况")
def list_dispatches(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    incident = incident_queries.visible_incident(request.user, pk)
    return [_dispatch(d) for d in Dispatch.objects.filter(incident=incident)]


@router.post("/incidents/{pk}/dispatches", response={201: DispatchOut}, summary="调派力量（按路网估算到达时间）")
def dispatch_resource(request: HttpRequest, pk: int, payload: DispatchIn) -> Status[dict[str, Any]]:
    incident = incident_queries.writable_incident(request.user, pk)
    return Status(201, _dispatch(response.dispatch_resource(incident, payload.dict(), actor=request.user)))


@router.post("/dispatches/{pk}/status", response=DispatchOut, summary="更新调派状态（途中、到场、返回、召回）")
def move_dispatch(request: HttpRequest, pk: int, payload: DispatchMoveIn) -> dict[str, Any]:
    dispatch = get_object_or_404(Dispatch.objects.writable_by(request.user).select_related("incident"), pk=pk)
    return _dispatch(response.move_dispatch(dispatch, payload.status, actor=request.user))
