"""Response plans (预案), their activation into tasks, and resources dispatched to an incident."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from yingji.core.models import OwnedModel, ScopedQuerySet, TimeStampedModel
from yingji.core.scoping import ScopeRule

from .incidents import RESPONSE_CHOICES, Incident

INCIDENT_SCOPE = ScopeRule(kind="command.incident", department="incident__owner_department",
                           area="incident__admin_area", enterprise="incident__enterprise")


class ResponsePlanStatus(models.TextChoices):
    """draft → current (the one version in force for its code) → superseded by a newer version, or retired."""

    DRAFT = "draft", "草稿"
    CURRENT = "current", "现行"
    SUPERSEDED = "superseded", "已被新版本替代"
    RETIRED = "retired", "已废止"


class ResponsePlan(OwnedModel):
    """One version of a response plan: which incidents it covers, its command structure and timed actions.

    Versions share ``code``; publishing a version makes it ``current`` and the previous one ``superseded``,
    so an activation always points at the exact version that was in force.
    """

    code = models.CharField("预案编号", max_length=40)
    version = models.PositiveIntegerField("版本", default=1)
    name = models.CharField("预案名称", max_length=200)
    incident_types = models.JSONField("适用事件类型", default=list, help_text="IncidentType 值的列表")
    min_response = models.CharField("启动响应级别（不低于）", max_length=4, choices=RESPONSE_CHOICES, default="IV",
                                    help_text="事件响应达到此级别（IV 最低）时适用")
    summary = models.TextField("适用范围与说明", blank=True)
    notify_departments = models.ManyToManyField("core.Department", blank=True, related_name="+",
                                                verbose_name="通知成员单位")
    required_resources = models.JSONField("所需资源", default=list, blank=True,
                                          help_text='如 [{"kind": "rescue-teams", "filters": {"team_type": "hazmat"}, '
                                                    '"count": 2}]')
    status = models.CharField("状态", max_length=12, choices=ResponsePlanStatus.choices,
                              default=ResponsePlanStatus.DRAFT, editable=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)

    scope_rule: ClassVar[ScopeRule] = ScopeRule(kind="command.incident")

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = "应急预案"
        verbose_name_plural = "应急预案"
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="command_plan_code_version"),
            models.UniqueConstraint(fields=["code"], condition=Q(status="current"), name="command_plan_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版）"

    def covers(self, incident_type: str) -> bool:
        return not self.incident_types or incident_type in self.incident_types


class PlanGroup(models.Model):
    """A working group of the plan's command post (指挥部), led by a department."""

    plan = models.ForeignKey(ResponsePlan, on_delete=models.CASCADE, related_name="groups", verbose_name="预案")
    name = models.CharField("工作组", max_length=100)
    lead_department = models.ForeignKey("core.Department", on_delete=models.PROTECT, related_name="+",
                                        verbose_name="牵头部门")
    duties = models.TextField("职责", blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = "指挥部工作组"
        verbose_name_plural = "指挥部工作组"

    def __str__(self) -> str:
        return self.name


class PlanAction(models.Model):
    """An action the plan requires, due a set number of minutes after activation, by a department."""

    plan = models.ForeignKey(ResponsePlan, on_delete=models.CASCADE, related_name="actions", verbose_name="预案")
    group = models.ForeignKey(PlanGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions",
                              verbose_name="工作组")
    title = models.CharField("行动", max_length=200)
    detail = models.TextField("要求", blank=True)
    department = models.ForeignKey("core.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="责任部门")
    due_minutes = models.PositiveIntegerField("启动后时限(分钟)", validators=[MaxValueValidator(10080)])
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["plan", "due_minutes", "order", "id"]
        verbose_name = "预案行动"
        verbose_name_plural = "预案行动"

    def __str__(self) -> str:
        return f"{self.title}（{self.due_minutes} 分钟内）"


class PlanActivation(TimeStampedModel):
    """A plan version put into force for an incident; its actions become tasks with due times."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="activations", verbose_name="事件")
    plan = models.ForeignKey(ResponsePlan, on_delete=models.PROTECT, related_name="activations", verbose_name="预案")
    activated_at = models.DateTimeField("启动时间")
    activated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="启动人")
    readiness = models.JSONField("资源核查结果", default=list, blank=True, editable=False,
                                 help_text="每项所需资源：需要、可用、缺口、最近的可用力量及缺口的跟进（command.readiness）")
    readiness_checked_at = models.DateTimeField("资源核查时间", null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_rule = INCIDENT_SCOPE

    class Meta:
        ordering = ["-activated_at", "-id"]
        verbose_name = "预案启动"
        verbose_name_plural = "预案启动"
        constraints = [models.UniqueConstraint(fields=["incident", "plan"], name="command_activation_once")]

    def __str__(self) -> str:
        return f"{self.incident}：{self.plan}"


class TaskStatus(models.TextChoices):
    """pending → accepted → done; any open task may be cancelled with a reason."""

    PENDING = "pending", "待接收"
    ACCEPTED = "accepted", "执行中"
    DONE = "done", "已完成"
    CANCELLED = "cancelled", "已取消"


class Task(TimeStampedModel):
    """Something a department must do for an incident by a due time; overdue while open past it."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="tasks", verbose_name="事件")
    activation = models.ForeignKey(PlanActivation, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="tasks", verbose_name="预案启动")
    action = models.ForeignKey(PlanAction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name="预案行动")
    title = models.CharField("任务", max_length=200)
    detail = models.TextField("要求", blank=True)
    department = models.ForeignKey("core.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="责任部门")
    due_at = models.DateTimeField("完成时限")
    status = models.CharField("状态", max_length=12, choices=TaskStatus.choices, default=TaskStatus.PENDING,
                              editable=False)
    accepted_at = models.DateTimeField("接收时间", null=True, blank=True, editable=False)
    done_at = models.DateTimeField("完成时间", null=True, blank=True, editable=False)
    note = models.TextField("反馈", blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = INCIDENT_SCOPE

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = "处置任务"
        verbose_name_plural = "处置任务"
        indexes = [models.Index(fields=["incident", "status", "due_at"], name="command_task_open_due")]

    def __str__(self) -> str:
        return self.title


class DispatchStatus(models.TextChoices):
    """dispatched → en route → on scene → returned; a dispatch may be recalled before it is on scene."""

    DISPATCHED = "dispatched", "已调派"
    EN_ROUTE = "en_route", "途中"
    ON_SCENE = "on_scene", "到达现场"
    RETURNED = "returned", "已返回"
    RECALLED = "recalled", "已召回"


class Dispatch(TimeStampedModel):
    """A registry resource (team, expert, vehicle, equipment) sent to an incident, with its ETA by road."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="dispatches", verbose_name="事件")
    resource_kind = models.CharField("资源类别", max_length=32, help_text="registry 资源 slug，如 rescue-teams")
    resource_id = models.PositiveIntegerField("资源 id")
    resource_name = models.CharField("资源名称", max_length=200)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="dispatches",
                             verbose_name="任务")
    travel_s = models.FloatField("预计行车时间(秒)", null=True, blank=True,
                                 validators=[MinValueValidator(0)])
    length_m = models.FloatField("路程(米)", null=True, blank=True)
    eta = models.DateTimeField("预计到达", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=DispatchStatus.choices,
                              default=DispatchStatus.DISPATCHED, editable=False)
    dispatched_at = models.DateTimeField("调派时间")
    departed_at = models.DateTimeField("出发时间", null=True, blank=True, editable=False)
    arrived_at = models.DateTimeField("到达时间", null=True, blank=True, editable=False)
    returned_at = models.DateTimeField("返回时间", null=True, blank=True, editable=False)
    dispatched_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name="调派人")
    note = models.CharField("说明", max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_rule = INCIDENT_SCOPE

    class Meta:
        ordering = ["dispatched_at", "id"]
        verbose_name = "力量调派"
        verbose_name_plural = "力量调派"
        constraints = [
            models.UniqueConstraint(fields=["incident", "resource_kind", "resource_id"],
                                    condition=~Q(status__in=["returned", "recalled"]),
                                    name="command_dispatch_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_name} → {self.incident}"


__all__ = ["Dispatch", "DispatchStatus", "PlanAction", "PlanActivation", "PlanGroup", "ResponsePlan",
           "ResponsePlanStatus", "Task", "TaskStatus"]
