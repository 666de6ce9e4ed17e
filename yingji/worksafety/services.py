"""Permit writes: every step of a special-work permit's life, with the GB 30871-2022 rules enforced.

Each service validates with `rules` (nothing is written when a rule fails), checks the actor's scope, writes
the audit event in its transaction and publishes ``worksafety.permit`` after commit. Before any transition a
permit past its planned end is expired first, in its own committed transaction, so the refusal that follows
leaves the expiry recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from yingji.core import audit, events
from yingji.core.models import AuditAction
from yingji.core.records import apply_fields, ensure_may_change
from yingji.core.roles import Role
from yingji.core.scoping import Principal, facts_of

from . import rules, watch, watch_rules
from .constants import APPROVER_LABELS, PERMIT_TOPIC, RETENTION, WORK_TYPE_CODES, ApproverRole, WorkType
from .constants import WorksafetyAudit as A
from .models import (
    ACTIVE_STATUSES,
    GasAnalysis,
    Permit,
    PermitApproval,
    PermitApprover,
    PermitStatus,
    SpotCheck,
    SpotCheckResult,
)

PERMIT_FIELDS = ("enterprise", "work_type", "declared_level", "place", "content", "planned_start", "planned_end",
                 "is_outdoor", "wind_speed_ms", "hazards", "guardian", "workers", "checklist", "address",
                 "longitude", "latitude")
GAS_FIELDS = ("sampled_at", "sample_point", "analyst", "combustible_name", "combustible_vol_pct", "lel_vol_pct",
              "oxygen_vol_pct", "oxygen_enriched", "toxic")
GOVERNMENT_ROLES = frozenset({Role.COUNTY_ADMIN, Role.DEPARTMENT_OFFICER, Role.TOWNSHIP_OFFICER})


# --- helpers --------------------------------------------------------------------------------------------
def _errors(problems: list[rules.Problem]) -> ValidationError:
    found: dict[str, list[str]] = {}
    for p in problems:
        found.setdefault(p.field, []).append(p.message)
    return ValidationError(found)


def _plan_of(permit: Permit) -> rules.Plan:
    workers = [rules.Worker(str(w.get("name", "")), str(w.get("certificate_no", ""))) for w in permit.workers or []]
    return rules.Plan(permit.work_type, permit.declared_level, permit.planned_start, permit.planned_end,
                      permit.is_outdoor, permit.wind_speed_ms, permit.guardian, workers, permit.checklist or {})


def _check_shapes(permit: Permit) -> None:
    """Workers and checklist as the rules read them: a list of {name, certificate_no} and a {code: bool}."""
    if not isinstance(permit.workers, list) or not all(isinstance(w, dict) for w in permit.workers):
        raise ValidationError({"workers": "作业人员须为 [{\"name\": 姓名, \"certificate_no\": 证书编号}] 列表"})
    if not isinstance(permit.checklist, dict) or not all(isinstance(v, bool) for v in permit.checklist.values()):
        raise ValidationError({"checklist": "安全措施确认须为 {措施代码: true/false} 对象"})


def _apply_plan(permit: Permit, *, complete: bool) -> rules.PlanCheck:
    """Check the plan and store the level it is handled at; raises every problem at once."""
    _check_shapes(permit)
    result = rules.check_plan(_plan_of(permit), complete=complete)
    if result.problems:
        raise _errors(result.problems)
    permit.level, permit.level_reasons = result.level, result.level_reasons
    return result


def _payload(permit: Permit, verb: str) -> dict[str, Any]:
    return {
        "id": permit.pk, "number": permit.number, "verb": verb, "status": permit.status,
        "work_type": permit.work_type, "level": permit.level, "title": permit.title,
        "enterprise_id": permit.enterprise_id, "place": permit.place,
        "planned_end": permit.planned_end.isoformat(), "lon": permit.longitude, "lat": permit.latitude,
        "suspension_reason": permit.suspension_reason,
    }


def _announce(permit: Permit, action: str, verb: str, *, actor: Any, before: dict[str, Any] | None) -> None:
    audit.record_change(action, permit, actor=actor, before=before)
    events.publish(PERMIT_TOPIC, _payload(permit, verb), scope=facts_of(permit))


def _require(permit: Permit, *allowed: PermitStatus, doing: str) -> None:
    if permit.status not in allowed:
        raise ValidationError({"status": f"作业票当前为“{permit.get_status_display()}”，不能{doing}"})


def _locked(permit: Permit) -> Permit:
    return Permit.objects.select_for_update().select_related("enterprise").get(pk=permit.pk)


def _next_number(work_type: str, now: datetime) -> str:
    prefix = f"{WORK_TYPE_CODES[WorkType(work_type)]}-{rules.local(now):%Y%m%d}-"
    last = Permit.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1 if last else 1:04d}"


def _defaults_from_enterprise(permit: Permit, actor: Any) -> None:
    if permit.enterprise_id is None and getattr(actor, "enterprise_id", None):
        permit.enterprise_id = actor.enterprise_id
    if permit.enterprise_id is None:
        raise ValidationError({"enterprise": "须指定作业企业"})
    enterprise = permit.enterprise
    permit.owner_department_id = enterprise.owner_department_id
    permit.admin_area_id = enterprise.admin_area_id
    if permit.longitude is None and permit.latitude is None:
        permit.longitude, permit.latitude = enterprise.longitude, enterprise.latitude


def _set_tools(permit: Permit, tool_ids: list[int] | None) -> None:
    if tool_ids is None:
        return
    tools = list(permit.enterprise.tools.filter(pk__in=tool_ids, is_active=True))
    missing = sorted(set(tool_ids) - {t.pk for t in tools})
    if missing:
        raise ValidationError({"tools": f"工具 {missing} 不属于本企业或已停用"})
    permit.tools.set(tools)


# --- expiry ---------------------------------------------------------------------------------------------
@transaction.atomic
def expire_if_due(permit: Permit, now: datetime | None = None) -> bool:
    """Expire one permit past its planned end (not yet completed); True when it did."""
    now = now or timezone.now()
    permit = _locked(permit)
    if permit.status not in (PermitStatus.SUBMITTED, PermitStatus.APPROVED, *ACTIVE_STATUSES):
        return False
    if not rules.is_expired(permit.planned_end, now):
        return False
    before = audit.snapshot(permit)
    permit.status, permit.ended_at, permit.retain_until = PermitStatus.EXPIRED, now, now + RETENTION
    permit.save()
    _announce(permit, A.PERMIT_EXPIRE, "expired", actor=None, before=before)
    return True


def suspend_overdue_analyses(now: datetime | None = None) -> int:
    """`yingji worksafety_tick`: stop work whose analysis went stale — a confined space without a passing
    reading for 2 h, hot work without today's analysis. Resuming then needs a fresh passing analysis."""
    now = now or timezone.now()
    stopped = 0
    running = Permit.objects.filter(status=PermitStatus.IN_PROGRESS,
                                    work_type__in=(WorkType.CONFINED_SPACE, WorkType.HOT_WORK)).order_by("pk")
    for permit in list(running):
        reason = rules.analysis_overdue(WorkType(permit.work_type), last_passing_analysis(permit, now), now)
        if reason is not None and stop_work(permit, reason=reason, verb="analysis_overdue") is not None:
            stopped += 1
    return stopped


@transaction.atomic
def stop_work(permit: Permit, *, reason: str, verb: str) -> Permit | None:
    """The platform stops work in progress (stale analysis, a monitoring alarm): suspended with the reason on
    the permit and its timeline, published with ``verb``; None when it was no longer in progress."""
    permit = _locked(permit)
    if permit.status != PermitStatus.IN_PROGRESS:
        return None
    permit = _suspend(permit, actor=None, check_scope=False, reason=reason)
    events.publish(PERMIT_TOPIC, {**_payload(permit, verb), "reason": reason}, scope=facts_of(permit))
    return permit


def expire_due(now: datetime | None = None) -> int:
    """`yingji worksafety_tick`: expire every permit past its validity; returns how many."""
    now = now or timezone.now()
    due = Permit.objects.filter(status__in=(PermitStatus.SUBMITTED, PermitStatus.APPROVED, *ACTIVE_STATUSES),
                                planned_end__lt=now).order_by("pk")
    return sum(expire_if_due(p, now) for p in list(due))


def _refuse_if_expired(permit: Permit) -> None:
    if expire_if_due(permit):
        end = rules.local(permit.planned_end)
        raise ValidationError({"status": f"作业票 {permit.number} 已超过有效期（{end:%m-%d %H:%M}），"
                                         "已自动过期，请重新办理"})


# --- drafting ---------------------------------------------------------------------------------------------
@transaction.atomic
def create_permit(data: Mapping[str, Any], *, actor: Any, tools: list[int] | None = None) -> Permit:
    """Draft a permit for the actor's enterprise; the plan's times, level and validity are checked now."""
    now = timezone.now()
    permit = Permit(applicant=actor, status=PermitStatus.DRAFT)
    apply_fields(permit, data, allowed=PERMIT_FIELDS)
    _defaults_from_enterprise(permit, actor)
    _apply_plan(permit, complete=False)
    permit.number = _next_number(permit.work_type, now)
    permit.full_clean()
    ensure_may_change(permit, actor, "作业票")
    permit.save(force_insert=True)
    _set_tools(permit, tools)
    _announce(permit, AuditAction.CREATE, "created", actor=actor, before=None)
    return permit


@transaction.atomic
def update_permit(permit: Permit, data: Mapping[str, Any], *, actor: Any, tools: list[int] | None = None) -> Permit:
    """Change a draft; once submitted a permit's plan is fixed (cancel and re-apply to change it)."""
    permit = _locked(permit)
    ensure_may_change(permit, actor, "作业票")
    _require(permit, PermitStatus.DRAFT, doing="修改（提交后计划不能再改）")
    before = audit.snapshot(permit)
    apply_fields(permit, data, allowed=PERMIT_FIELDS)
    if permit.enterprise_id != before["enterprise_id"]:
        raise ValidationError({"enterprise": "作业票不能转到其他企业"})
    _apply_plan(permit, complete=False)
    permit.full_clean()
    permit.save()
    _set_tools(permit, tools)
    _announce(permit, AuditAction.UPDATE, "updated", actor=actor, before=before)
    return permit


@transaction.atomic
def delete_permit(permit: Permit, *, actor: Any) -> None:
    """Only a never-submitted draft, or a permit whose one-year retention has passed, may be deleted."""
    permit = _locked(permit)
    ensure_may_change(permit, actor, "作业票")
    now = timezone.now()
    if permit.status != PermitStatus.DRAFT and (permit.retain_until is None or permit.retain_until > now):
        until = f"（保存至 {rules.local(permit.retain_until):%Y-%m-%d}）" if permit.retain_until else ""
        raise ValidationError({"status": f"作业票须至少保存一年{until}，只能删除未提交的草稿"})
    before, pk, facts = audit.snapshot(permit), permit.pk, facts_of(permit)
    payload = _payload(permit, "deleted")
    permit.delete()
    permit.pk = pk
    audit.record_change(AuditAction.DELETE, permit, actor=actor, before=before)
    events.publish(PERMIT_TOPIC, payload, scope=facts)


# --- the lifecycle ----------------------------------------------------------------------------------------
def _transition(permit: Permit, *, actor: Any, allowed: tuple[PermitStatus, ...], doing: str) -> tuple[Permit, dict]:
    permit = _locked(permit)
    ensure_may_change(permit, actor, "作业票")
    _require(permit, *allowed, doing=doing)
    return permit, audit.snapshot(permit)


def submit_permit(permit: Permit, *, actor: Any) -> Permit:
    """Draft → submitted: the complete plan (guardian, certified workers, every measure confirmed) is checked."""
    _refuse_if_expired(permit)
    return _submit(permit, actor=actor)


@transaction.atomic
def _submit(permit: Permit, *, actor: Any) -> Permit:
    permit, before = _transition(permit, actor=actor, allowed=(PermitStatus.DRAFT,), doing="提交")
    now = timezone.now()
    if permit.planned_end <= now:
        raise ValidationError({"planned_end": "计划结束时间已过，不能提交"})
    _apply_plan(permit, complete=True)
    permit.status, permit.submitted_at = PermitStatus.SUBMITTED, now
    permit.save()
    _announce(permit, A.PERMIT_SUBMIT, "submitted", actor=actor, before=before)
    return permit


def signed_roles(permit: Permit) -> list[ApproverRole]:
    return [ApproverRole(r) for r in permit.approvals.order_by("step").values_list("role", flat=True)]


def approver_roles(user: Any, enterprise_id: int) -> set[ApproverRole]:
    """The approval roles a user holds for one enterprise's permits."""
    return {ApproverRole(r) for r in PermitApprover.objects.filter(user=user, enterprise_id=enterprise_id)
            .values_list("role", flat=True)}


def approve_permit(permit: Permit, *, actor: Any, role: str | None = None, opinion: str = "") -> Permit:
    """Record one approval; the permit becomes APPROVED when the last required role has signed, in order."""
    _refuse_if_expired(permit)
    return _approve(permit, actor=actor, role=role, opinion=opinion)


@transaction.atomic
def _approve(permit: Permit, *, actor: Any, role: str | None, opinion: str) -> Permit:
    permit = _locked(permit)
    if not Principal.of(actor).may_see(facts_of(permit)):
        raise PermissionDenied("超出您的数据权限范围")
    _require(permit, PermitStatus.SUBMITTED, doing="审批")
    required = rules.required_approvals(WorkType(permit.work_type), permit.level)
    signed = signed_roles(permit)
    if role is None:
        as_role = required[len(signed)]
    else:
        try:
            as_role = ApproverRole(role)
        except ValueError:
            raise ValidationError({"role": f"未知的审批角色“{role}”"}) from None
    problem = rules.approval_problem(required, signed, as_role)
    if problem:
        raise ValidationError({"role": problem})
    if as_role not in approver_roles(actor, permit.enterprise_id):
        raise PermissionDenied(f"您不是{permit.enterprise.name}的“{APPROVER_LABELS[as_role]}”审批人")
    before = audit.snapshot(permit)
    now = timezone.now()
    PermitApproval.objects.create(permit=permit, step=len(signed) + 1, role=as_role, approver=actor,
                                  opinion=opinion[:500], approved_at=now)
    if len(signed) + 1 == len(required):
        permit.status, permit.approved_at = PermitStatus.APPROVED, now
        permit.save()
    after = {**audit.snapshot(permit), "approved_role": as_role.value, "opinion": opinion[:500]}
    audit.record(A.PERMIT_APPROVE, actor=actor, object_type="worksafety.permit", object_id=permit.pk,
                 object_repr=str(permit), before=before, after=after)
    events.publish(PERMIT_TOPIC, {**_payload(permit, "approved"), "role": as_role.value}, scope=facts_of(permit))
    return permit


def last_passing_analysis(permit: Permit, now: datetime) -> datetime | None:
    return (permit.gas_analyses.filter(passed=True, sampled_at__lte=now).order_by("-sampled_at")
            .values_list("sampled_at", flat=True).first())


@transaction.atomic
def record_gas_analysis(permit: Permit, data: Mapping[str, Any], *, actor: Any) -> GasAnalysis:
    """Record an analysis taken at or before now; whether it passes is computed, never entered."""
    permit = _locked(permit)
    ensure_may_change(permit, actor, "作业票")
    _require(permit, PermitStatus.SUBMITTED, PermitStatus.APPROVED, *ACTIVE_STATUSES, doing="登记气体分析")
    analysis = GasAnalysis(permit=permit, recorded_by=actor, passed=False)
    apply_fields(analysis, data, allowed=GAS_FIELDS)
    if analysis.sampled_at is None:
        raise ValidationError({"sampled_at": "须填写分析时间"})
    problem = rules.analysis_time_problem(analysis.sampled_at, timezone.now())
    if problem:
        raise ValidationError({"sampled_at": problem})
    if not isinstance(analysis.toxic, list) or not all(isinstance(t, dict) for t in analysis.toxic):
        raise ValidationError({"toxic": "有毒物质须为 [{\"name\", \"value_mg_m3\", \"oel_mg_m3\"}] 列表"})
    try:
        toxic = [rules.ToxicReading(str(t["name"]), float(t["value_mg_m3"]),
                                    None if t.get("oel_mg_m3") is None else float(t["oel_mg_m3"]))
                 for t in analysis.toxic]
    except (KeyError, TypeError, ValueError):
        raise ValidationError({"toxic": "每种有毒物质须有名称 name 和浓度 value_mg_m3（数字）"}) from None
    result = rules.evaluate_gas(WorkType(permit.work_type), rules.GasSample(
        analysis.combustible_vol_pct, analysis.lel_vol_pct, analysis.oxygen_vol_pct, analysis.oxygen_enriched, toxic))
    analysis.passed = result.passed
    analysis.criteria = result.checks
    analysis.failures = [{"field": p.field, "message": p.message} for p in result.failures]
    analysis.full_clean()
    analysis.save(force_insert=True)
    audit.record_change(A.GAS_ANALYSIS, analysis, actor=actor, before=None)
    events.publish(PERMIT_TOPIC, {**_payload(permit, "gas_analysis"), "passed": analysis.passed},
                   scope=facts_of(permit))
    return analysis


def start_work(permit: Permit, *, actor: Any) -> Permit:
    """Approved → in progress, inside the planned window and on a passing analysis ≤ 30 min old."""
    _refuse_if_expired(permit)
    return _start(permit, actor=actor)


@transaction.atomic
def _start(permit: Permit, *, actor: Any) -> Permit:
    permit, before = _transition(permit, actor=actor, allowed=(PermitStatus.APPROVED,), doing="开始作业")
    now = timezone.now()
    if now < permit.planned_start:
        raise ValidationError({"planned_start": f"未到计划开始时间 {rules.local(permit.planned_start):%m-%d %H:%M}"})
    problem = rules.start_problem(WorkType(permit.work_type), last_passing_analysis(permit, now), now)
    if problem:
        raise ValidationError({"gas_analysis": problem})
    _check_site_watch(permit)
    permit.status, permit.started_at = PermitStatus.IN_PROGRESS, now
    permit.save()
    _announce(permit, A.PERMIT_START, "started", actor=actor, before=before)
    return permit


def _check_site_watch(permit: Permit) -> None:
    """特级动火 names its gas monitoring and video; no work while an alarm on a named channel is active."""
    problems = watch_rules.watch_problems(WorkType(permit.work_type), permit.level, watch.site_watch(permit))
    if problems:
        raise _errors(problems)


def suspend_work(permit: Permit, *, actor: Any, reason: str = "") -> Permit:
    """In progress → suspended (the stop that may require a new analysis before resuming)."""
    _refuse_if_expired(permit)
    return _suspend(permit, actor=actor, reason=reason)


@transaction.atomic
def _suspend(permit: Permit, *, actor: Any, check_scope: bool = True, reason: str = "") -> Permit:
    if check_scope:
        permit, before = _transition(permit, actor=actor, allowed=(PermitStatus.IN_PROGRESS,), doing="暂停")
    else:  # a supervisor's stop-work order
        permit = _locked(permit)
        _require(permit, PermitStatus.IN_PROGRESS, doing="暂停")
        before = audit.snapshot(permit)
    permit.status, permit.suspended_at = PermitStatus.SUSPENDED, timezone.now()
    permit.suspension_reason = reason.strip()[:300]
    permit.save()
    _announce(permit, A.PERMIT_SUSPEND, "suspended", actor=actor, before=before)
    return permit


def resume_work(permit: Permit, *, actor: Any) -> Permit:
    """Suspended → in progress; after a stop longer than the type's limit only on a fresh passing analysis."""
    _refuse_if_expired(permit)
    return _resume(permit, actor=actor)


@transaction.atomic
def _resume(permit: Permit, *, actor: Any) -> Permit:
    permit, before = _transition(permit, actor=actor, allowed=(PermitStatus.SUSPENDED,), doing="恢复作业")
    now = timezone.now()
    assert permit.suspended_at is not None
    last_pass = last_passing_analysis(permit, now)
    problem = (rules.resume_problem(WorkType(permit.work_type), permit.level, permit.suspended_at, last_pass, now)
               or rules.analysis_overdue(WorkType(permit.work_type), last_pass, now))
    if problem:
        raise ValidationError({"gas_analysis": problem})
    _check_site_watch(permit)
    permit.status, permit.suspended_at, permit.suspension_reason = PermitStatus.IN_PROGRESS, None, ""
    permit.save()
    _announce(permit, A.PERMIT_RESUME, "resumed", actor=actor, before=before)
    return permit


def renew_permit(permit: Permit, new_end: datetime, *, actor: Any) -> Permit:
    """Temporary power only: move the end later, by at most 15 days a time and 30 days in all (§10)."""
    _refuse_if_expired(permit)
    return _renew(permit, new_end, actor=actor)


@transaction.atomic
def _renew(permit: Permit, new_end: datetime, *, actor: Any) -> Permit:
    permit, before = _transition(permit, actor=actor, allowed=(PermitStatus.APPROVED, *ACTIVE_STATUSES),
                                 doing="延期")
    problem = rules.renewal_problem(WorkType(permit.work_type), permit.level, permit.planned_start,
                                    permit.planned_end, new_end)
    if problem:
        raise ValidationError({"planned_end": problem})
    permit.planned_end = new_end
    permit.save()
    _announce(permit, A.PERMIT_RENEW, "renewed", actor=actor, before=before)
    return permit


def complete_work(permit: Permit, *, actor: Any) -> Permit:
    """In progress or suspended → completed (the site is cleared; the tools lock again)."""
    _refuse_if_expired(permit)
    return _complete(permit, actor=actor)


@transaction.atomic
def _complete(permit: Permit, *, actor: Any) -> Permit:
    permit, before = _transition(permit, actor=actor, allowed=ACTIVE_STATUSES, doing="完工")
    permit.status, permit.completed_at = PermitStatus.COMPLETED, timezone.now()
    permit.save()
    _announce(permit, A.PERMIT_COMPLETE, "completed", actor=actor, before=before)
    return permit


@transaction.atomic
def close_permit(permit: Permit, *, actor: Any) -> Permit:
    """Completed → closed and archived, kept at least a year from now."""
    permit, before = _transition(permit, actor=actor, allowed=(PermitStatus.COMPLETED,), doing="关闭归档")
    now = timezone.now()
    permit.status, permit.closed_at, permit.ended_at = PermitStatus.CLOSED, now, now
    permit.retain_until = now + RETENTION
    permit.save()
    _announce(permit, A.PERMIT_CLOSE, "closed", actor=actor, before=before)
    return permit


@transaction.atomic
def cancel_permit(permit: Permit, *, actor: Any) -> Permit:
    """A permit not yet started is voided (and kept a year like any other)."""
    permit, before = _transition(permit, actor=actor, doing="作废",
                                 allowed=(PermitStatus.DRAFT, PermitStatus.SUBMITTED, PermitStatus.APPROVED))
    now = timezone.now()
    permit.status, permit.ended_at, permit.retain_until = PermitStatus.CANCELLED, now, now + RETENTION
    permit.save()
    _announce(permit, A.PERMIT_CANCEL, "cancelled", actor=actor, before=before)
    return permit


# --- supervision ------------------------------------------------------------------------------------------
@transaction.atomic
def record_spot_check(permit: Permit, data: Mapping[str, Any], *, actor: Any) -> SpotCheck:
    """A government user's spot check; "责令停止作业" suspends work in progress at once."""
    principal = Principal.of(actor)
    if not (principal.is_superuser or principal.role in GOVERNMENT_ROLES) or principal.read_only:
        raise PermissionDenied("只有监管部门人员可以登记抽查")
    if not principal.may_see(facts_of(permit)):
        raise PermissionDenied("超出您的数据权限范围")
    check = SpotCheck(permit=permit, inspector=actor)
    apply_fields(check, data, allowed=("checked_at", "method", "result", "findings"))
    if check.checked_at is None:
        check.checked_at = timezone.now()
    problem = rules.analysis_time_problem(check.checked_at, timezone.now())
    if problem:
        raise ValidationError({"checked_at": "检查时间不能晚于当前时间"})
    if not (check.findings or "").strip():
        raise ValidationError({"findings": "须填写检查发现"})
    check.full_clean()
    check.save(force_insert=True)
    audit.record_change(A.SPOT_CHECK, check, actor=actor, before=None)
    if check.result == SpotCheckResult.STOP_WORK and permit.status == PermitStatus.IN_PROGRESS:
        _suspend(permit, actor=actor, check_scope=False, reason=f"监管抽查责令停止作业：{check.findings}")
    events.publish(PERMIT_TOPIC, {**_payload(permit, "spot_check"), "result": check.result}, scope=facts_of(permit))
    return check


def active_permits(queryset: QuerySet[Permit]) -> QuerySet[Permit]:
    """The permits whose work is under way (in progress or suspended) — what the supervisor map shows."""
    return queryset.filter(status__in=ACTIVE_STATUSES)
