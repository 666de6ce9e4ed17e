"""Special-work permits (GB 30871-2022): the permit, its approvals in order, gas analyses, spot checks, approvers."""

from __future__ import annotations

from django.db import models

from yingji.core.models import LocatedModel, OwnedModel, ScopedQuerySet, TimeStampedModel
from yingji.core.scoping import ScopeRule

from ..constants import APPROVER_LABELS, WORK_TYPE_LABELS, ApproverRole, WorkType
from ..rules import level_label

WORK_TYPE_CHOICES = [(t.value, WORK_TYPE_LABELS[t]) for t in WorkType]
APPROVER_CHOICES = [(r.value, APPROVER_LABELS[r]) for r in ApproverRole]
PERMIT_SCOPE = ScopeRule(kind="worksafety.permit", department="permit__owner_department",
                         area="permit__admin_area", enterprise="permit__enterprise")


class PermitStatus(models.TextChoices):
    """draft → submitted → approved → in progress ⇄ suspended → completed → closed; expired / cancelled end it."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审批"
    APPROVED = "approved", "已审批"
    IN_PROGRESS = "in_progress", "作业中"
    SUSPENDED = "suspended", "暂停"
    COMPLETED = "completed", "已完工"
    CLOSED = "closed", "已关闭归档"
    EXPIRED = "expired", "已过期"
    CANCELLED = "cancelled", "已作废"


ACTIVE_STATUSES = (PermitStatus.IN_PROGRESS, PermitStatus.SUSPENDED)
OPEN_STATUSES = (PermitStatus.DRAFT, PermitStatus.SUBMITTED, PermitStatus.APPROVED, *ACTIVE_STATUSES)


class Permit(LocatedModel, OwnedModel):
    """One special-work permit (安全作业票) of an enterprise, from draft to archive.

    The declared level is what the applicant chose; `level` is what it is handled at (hot work one level up
    on holidays, rest days and at night), recomputed by the services with `rules.check_plan` on every edit.
    Status changes only through `worksafety.services`; every change is audited and published. Kept at least
    a year after it ends (`retain_until`); nothing deletes it before.
    """

    number = models.CharField("作业票编号", max_length=32, unique=True, editable=False)
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="permits",
                                   verbose_name="企业")
    work_type = models.CharField("作业类型", max_length=24, choices=WORK_TYPE_CHOICES)
    declared_level = models.CharField("申请级别", max_length=16)
    level = models.CharField("作业级别", max_length=16, editable=False)
    level_reasons = models.JSONField("升级原因", default=list, blank=True, editable=False)
    place = models.CharField("作业地点", max_length=200)
    content = models.TextField("作业内容")
    planned_start = models.DateTimeField("计划开始时间")
    planned_end = models.DateTimeField("计划结束时间")
    is_outdoor = models.BooleanField("室外作业", default=False)
    wind_speed_ms = models.FloatField("现场风速（m/s）", null=True, blank=True)
    hazards = models.TextField("危害辨识", blank=True)
    applicant = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", verbose_name="申请人")
    guardian = models.CharField("监护人", max_length=50, blank=True)
    workers = models.JSONField("作业人员", default=list, blank=True,
                               help_text='[{"name": 姓名, "certificate_no": 证书编号}]')
    checklist = models.JSONField("安全措施确认", default=dict, blank=True, help_text="{措施代码: true}")
    tools = models.ManyToManyField("worksafety.Tool", blank=True, related_name="permits", verbose_name="使用工具")
    # 特级动火 (GB 30871 §5): continuous gas monitoring and video of the site, named before work starts.
    monitor_channels = models.ManyToManyField("monitoring.Channel", blank=True, related_name="+",
                                              verbose_name="连续监测通道")
    video_source = models.CharField("视频监控摄像机", max_length=100, blank=True, help_text="摄像机编号")
    video_url = models.CharField("视频流/回放地址", max_length=500, blank=True,
                                 help_text="rtsp://、rtmp:// 或 http(s):// 地址")
    suspension_reason = models.CharField("暂停原因", max_length=300, blank=True, editable=False)
    status = models.CharField("状态", max_length=16, choices=PermitStatus.choices, default=PermitStatus.DRAFT,
                              editable=False)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True, editable=False)
    approved_at = models.DateTimeField("审批完成时间", null=True, blank=True, editable=False)
    started_at = models.DateTimeField("开始作业时间", null=True, blank=True, editable=False)
    suspended_at = models.DateTimeField("暂停时间", null=True, blank=True, editable=False)
    completed_at = models.DateTimeField("完工时间", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True, editable=False)
    ended_at = models.DateTimeField("终止时间", null=True, blank=True, editable=False,
                                    help_text="关闭、过期或作废的时间")
    retain_until = models.DateTimeField("保存期限", null=True, blank=True, editable=False)

    scope_rule = ScopeRule(kind="worksafety.permit", enterprise="enterprise")

    class Meta:
        ordering = ["-planned_start", "-pk"]
        verbose_name = "特殊作业票"
        verbose_name_plural = "特殊作业票"
        indexes = [models.Index(fields=["status", "planned_end"], name="worksafety_permit_status_end")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def title(self) -> str:
        label = level_label(WorkType(self.work_type), self.level) if self.level else ""
        return f"{self.get_work_type_display()}（{label}）" if label else str(self.get_work_type_display())

    @property
    def level_label(self) -> str:
        return level_label(WorkType(self.work_type), self.level) if self.level else ""

    @property
    def declared_level_label(self) -> str:
        return level_label(WorkType(self.work_type), self.declared_level)


class PermitApproval(TimeStampedModel):
    """One signature on a permit: the required role at its step, who signed and what they wrote."""

    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="approvals", verbose_name="作业票")
    step = models.PositiveSmallIntegerField("审批顺序")
    role = models.CharField("审批角色", max_length=24, choices=APPROVER_CHOICES)
    approver = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", verbose_name="审批人")
    opinion = models.CharField("审批意见", max_length=500, blank=True)
    approved_at = models.DateTimeField("审批时间")

    objects = ScopedQuerySet.as_manager()
    scope_rule = PERMIT_SCOPE

    class Meta:
        ordering = ["permit", "step"]
        verbose_name = "作业票审批"
        verbose_name_plural = "作业票审批"
        constraints = [models.UniqueConstraint(fields=["permit", "role"], name="worksafety_approval_once_per_role")]

    def __str__(self) -> str:
        return f"{self.permit.number} {self.get_role_display()}"


class GasAnalysis(TimeStampedModel):
    """One gas analysis for a permit, with its pass or fail computed by `rules.evaluate_gas` when recorded."""

    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="gas_analyses", verbose_name="作业票")
    sampled_at = models.DateTimeField("分析时间")
    sample_point = models.CharField("取样点", max_length=200, blank=True)
    analyst = models.CharField("分析人", max_length=50)
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", verbose_name="登记人")
    combustible_name = models.CharField("可燃介质", max_length=100, blank=True)
    combustible_vol_pct = models.FloatField("可燃气体浓度（% vol）", null=True, blank=True)
    lel_vol_pct = models.FloatField("爆炸下限 LEL（% vol）", null=True, blank=True)
    oxygen_vol_pct = models.FloatField("氧气浓度（% vol）", null=True, blank=True)
    oxygen_enriched = models.BooleanField("富氧设备/空间", default=False)
    toxic = models.JSONField("有毒物质（mg/m³）", default=list, blank=True,
                             help_text='[{"name": 名称, "value_mg_m3": 浓度, "oel_mg_m3": 限值}]')
    passed = models.BooleanField("合格", editable=False)
    criteria = models.JSONField("判定依据", default=list, blank=True, editable=False)
    failures = models.JSONField("不合格项", default=list, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_rule = PERMIT_SCOPE

    class Meta:
        ordering = ["permit", "-sampled_at"]
        verbose_name = "气体分析"
        verbose_name_plural = "气体分析"

    def __str__(self) -> str:
        return f"{self.permit.number} {self.sampled_at:%Y-%m-%d %H:%M} {'合格' if self.passed else '不合格'}"


class SpotCheckResult(models.TextChoices):
    COMPLIANT = "compliant", "符合要求"
    ISSUES = "issues", "发现问题，限期整改"
    STOP_WORK = "stop_work", "责令停止作业"


class SpotCheck(TimeStampedModel):
    """A supervisor's spot check (抽查) of a permit: when, by whom, what was found; may stop the work."""

    permit = models.ForeignKey(Permit, on_delete=models.PROTECT, related_name="spot_checks", verbose_name="作业票")
    inspector = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", verbose_name="检查人")
    checked_at = models.DateTimeField("检查时间")
    method = models.CharField("检查方式", max_length=16, choices=[("onsite", "现场检查"), ("remote", "远程视频检查")],
                              default="remote")
    result = models.CharField("检查结论", max_length=16, choices=SpotCheckResult.choices)
    findings = models.TextField("检查发现")

    objects = ScopedQuerySet.as_manager()
    scope_rule = PERMIT_SCOPE

    class Meta:
        ordering = ["-checked_at"]
        verbose_name = "作业票抽查"
        verbose_name_plural = "作业票抽查"

    def __str__(self) -> str:
        return f"{self.permit.number} {self.get_result_display()}"


class PermitApprover(TimeStampedModel):
    """A user's approval role for the permits of one enterprise (基层单位负责人, 安全管理部门 …)."""

    user = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="permit_roles", verbose_name="用户")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.CASCADE, related_name="permit_approvers",
                                   verbose_name="企业")
    role = models.CharField("审批角色", max_length=24, choices=APPROVER_CHOICES)

    objects = ScopedQuerySet.as_manager()
    scope_rule = ScopeRule(kind="worksafety.permit", department="enterprise__owner_department",
                           area="enterprise__admin_area", enterprise="enterprise")

    class Meta:
        ordering = ["enterprise", "role"]
        verbose_name = "作业票审批人"
        verbose_name_plural = "作业票审批人"
        constraints = [models.UniqueConstraint(fields=["user", "enterprise", "role"],
                                               name="worksafety_approver_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"
