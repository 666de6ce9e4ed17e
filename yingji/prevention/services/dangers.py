"""Hidden dangers: report, rectify, submit, accept or reject — the closed loop — and overdue escalation.

Every move checks the status it starts from (out-of-order moves are refused naming the current status),
writes a `HiddenDangerStep` and an audit event in the same transaction and publishes `prevention.hazard`
after commit. Acceptance and rejection must come from someone other than the rectification owner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yingji.core import audit
from yingji.core.models import AuditAction, User
from yingji.core.records import apply_fields

from ..constants import TOPIC_HAZARD, PreventionAudit
from ..models import DangerLevel, DangerStatus, HiddenDanger, HiddenDangerStep
from ..models.dangers import OPEN_STATUSES
from . import common

DANGER_FIELDS = ("enterprise", "title", "description", "level", "source", "found_on", "found_by", "risk_point",
                 "owner", "deadline", "measures", "funds_yuan", "rectification_plan")
EDITABLE_WHILE_OPEN = tuple(f for f in DANGER_FIELDS if f not in ("enterprise", "source", "found_on"))


def _check(danger: HiddenDanger) -> None:
    """Rules across fields: dates in order, the owner one of the enterprise's people, the risk point its own."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if danger.found_on and danger.found_on > today:
        errors["found_on"] = f"发现日期 {danger.found_on} 晚于今天 {today}"
    if danger.found_on and danger.deadline and danger.deadline < danger.found_on:
        errors["deadline"] = f"整改期限 {danger.deadline} 早于发现日期 {danger.found_on}"
    if danger.owner_id is not None:
        owner = User.objects.filter(pk=danger.owner_id).first()
        if owner is None or not owner.is_active:
            errors["owner"] = f"整改责任人（用户 {danger.owner_id}）不存在或已停用"
        elif owner.enterprise_id != danger.enterprise_id:
            errors["owner"] = f"整改责任人“{owner.full_name or owner.username}”不是该企业的人员"
    if danger.risk_point is not None and danger.risk_point.enterprise_id != danger.enterprise_id:
        errors["risk_point"] = "关联的风险点不属于该企业"
    if danger.funds_yuan is not None and Decimal(danger.funds_yuan).is_nan():
        errors["funds_yuan"] = "整改资金必须是数字"
    if errors:
        raise ValidationError(errors)


def _step(danger: HiddenDanger, action: str, from_status: str, *, actor: Any, note: str = "") -> None:
    HiddenDangerStep.objects.create(
        danger=danger, action=action, from_status=from_status, to_status=danger.status,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "full_name", "") or getattr(actor, "username", "")) if actor else "系统",
        note=note,
    )


def _publish(danger: HiddenDanger, verb: str, **extra: Any) -> None:
    common.publish(TOPIC_HAZARD, verb, danger, level=danger.level, status=danger.status,
                   deadline=danger.deadline.isoformat(), department_id=danger.owner_department_id, **extra)


def _report_major(danger: HiddenDanger, *, actor: Any) -> None:
    """A 重大 hidden danger goes to the supervising department the moment it is known."""
    danger.reported_to_supervisor_at = timezone.now()
    danger.save(update_fields=["reported_to_supervisor_at", "updated_at"])
    _step(danger, "报告监管部门", danger.status, actor=actor,
          note=f"重大隐患已报告{danger.owner_department or '监管部门'}")
    audit.record(PreventionAudit.HAZARD_REPORTED_MAJOR, actor=actor, object_type="prevention.hiddendanger",
                 object_id=danger.pk, object_repr=str(danger),
                 after={"department_id": danger.owner_department_id, "deadline": danger.deadline.isoformat()})
    _publish(danger, "major_reported")


@transaction.atomic
def report_danger(data: Mapping[str, Any], *, actor: Any) -> HiddenDanger:
    """Record a hidden danger found by self-inspection, a government check or a report (status 已上报)."""
    danger = HiddenDanger()
    apply_fields(danger, data, allowed=DANGER_FIELDS)
    common.defaults_from_enterprise(danger, actor)
    danger.full_clean()
    _check(danger)
    common.guard(danger, actor, "隐患")
    danger.save(force_insert=True)
    _step(danger, "上报", "", actor=actor, note=danger.description[:200])
    audit.record_change(AuditAction.CREATE, danger, actor=actor, before=None)
    _publish(danger, "reported")
    if danger.level == DangerLevel.MAJOR:
        _report_major(danger, actor=actor)
    return danger


def _require_open(danger: HiddenDanger) -> None:
    if danger.status not in OPEN_STATUSES:
        raise ValidationError({"status": "隐患已验收闭环，不能再修改"})


@transaction.atomic
def update_danger(danger: HiddenDanger, data: Mapping[str, Any], *, actor: Any) -> HiddenDanger:
    """Correct an open hidden danger; raising it to 重大 reports it to the supervisor at once."""
    common.guard(danger, actor, "隐患")
    _require_open(danger)
    refused = [k for k in data if k not in EDITABLE_WHILE_OPEN]
    if refused:
        raise ValidationError(dict.fromkeys(refused, "登记后不可修改"))
    before = audit.snapshot(danger)
    apply_fields(danger, data, allowed=EDITABLE_WHILE_OPEN)
    danger.full_clean()
    _check(danger)
    if danger.level == DangerLevel.MAJOR and danger.status != DangerStatus.REPORTED and not danger.rectification_plan:
        raise ValidationError({"rectification_plan": "重大隐患须有整改方案"})
    danger.save()
    audit.record_change(AuditAction.UPDATE, danger, actor=actor, before=before)
    _publish(danger, "updated")
    if danger.level == DangerLevel.MAJOR and danger.reported_to_supervisor_at is None:
        _report_major(danger, actor=actor)
    return danger


_LABELS = dict(DangerStatus.choices)


def _move(danger: HiddenDanger, expected: DangerStatus, target: DangerStatus, action: str, *, actor: Any,
          note: str, verb: str) -> HiddenDanger:
    common.guard(danger, actor, "隐患")
    if danger.status != expected:
        raise ValidationError({"status": f"当前状态为“{_LABELS[danger.status]}”，不能{action}"
                                         f"（须在“{_LABELS[expected]}”状态下进行）"})
    before = audit.snapshot(danger)
    danger.status = target
    return _finish(danger, before, expected, action, actor=actor, note=note, verb=verb)


def _finish(danger: HiddenDanger, before: dict[str, Any], from_status: str, action: str, *, actor: Any, note: str,
            verb: str) -> HiddenDanger:
    danger.save()
    _step(danger, action, from_status, actor=actor, note=note)
    audit.record(PreventionAudit.HAZARD_TRANSITION, actor=actor, object_type="prevention.hiddendanger",
                 object_id=danger.pk, object_repr=str(danger), before=before,
                 after={**audit.snapshot(danger), "action": action, "note": note})
    _publish(danger, verb, from_status=from_status)
    return danger


@transaction.atomic
def start_rectification(danger: HiddenDanger, *, actor: Any, measures: str | None = None,
                        funds_yuan: Decimal | None = None, rectification_plan: str | None = None,
                        note: str = "") -> HiddenDanger:
    """已上报 → 整改中. Needs measures; a 重大 hidden danger also needs its rectification plan."""
    if measures is not None:
        danger.measures = measures
    if funds_yuan is not None:
        if funds_yuan < 0:
            raise ValidationError({"funds_yuan": f"整改资金不能为负数，实际为 {funds_yuan}"})
        danger.funds_yuan = funds_yuan
    if rectification_plan is not None:
        danger.rectification_plan = rectification_plan
    errors: dict[str, str] = {}
    if not danger.measures.strip():
        errors["measures"] = "开始整改须填写整改措施"
    if danger.level == DangerLevel.MAJOR and not danger.rectification_plan.strip():
        errors["rectification_plan"] = "重大隐患须制定整改方案（目标、措施、资金、时限、责任人、安全措施、应急预案）"
    if errors:
        raise ValidationError(errors)
    return _move(danger, DangerStatus.REPORTED, DangerStatus.RECTIFYING, "开始整改", actor=actor,
                 note=note or danger.measures[:200], verb="rectifying")


@transaction.atomic
def submit_for_acceptance(danger: HiddenDanger, *, actor: Any, note: str) -> HiddenDanger:
    """整改中 → 待验收, with what was done."""
    if not note.strip():
        raise ValidationError({"note": "提交验收须说明整改完成情况"})
    danger.rectification_note = note
    danger.submitted_at = timezone.now()
    return _move(danger, DangerStatus.RECTIFYING, DangerStatus.SUBMITTED, "提交验收", actor=actor, note=note,
                 verb="submitted")


def _not_the_owner(danger: HiddenDanger, actor: Any, what: str) -> None:
    if getattr(actor, "pk", None) == danger.owner_id:
        raise ValidationError({"actor": f"{what}须由整改责任人以外的人员进行，整改责任人不能{what}自己的整改"})


@transaction.atomic
def accept(danger: HiddenDanger, *, actor: Any, note: str = "") -> HiddenDanger:
    """待验收 → 已验收: the loop closes. The acceptor may not be the rectification owner."""
    _not_the_owner(danger, actor, "验收")
    danger.accepted_by = actor
    danger.accepted_at = timezone.now()
    return _move(danger, DangerStatus.SUBMITTED, DangerStatus.ACCEPTED, "验收通过", actor=actor,
                 note=note or "验收通过", verb="accepted")


@transaction.atomic
def reject(danger: HiddenDanger, *, actor: Any, reason: str) -> HiddenDanger:
    """待验收 → 整改中 again, with the reason; counts the rejections. Not by the owner."""
    _not_the_owner(danger, actor, "验收")
    if not reason.strip():
        raise ValidationError({"reason": "退回须说明原因"})
    danger.rejections += 1
    return _move(danger, DangerStatus.SUBMITTED, DangerStatus.RECTIFYING, "验收退回", actor=actor, note=reason,
                 verb="rejected")


def overdue(on: dt.date | None = None) -> Any:
    """Open hidden dangers past their deadline (a query; callers scope it)."""
    day = on or timezone.localdate()
    return HiddenDanger.objects.filter(status__in=OPEN_STATUSES, deadline__lt=day)


@transaction.atomic
def escalate_overdue(on: dt.date | None = None) -> int:
    """Escalate every open hidden danger past its deadline, once, to its supervising department."""
    escalated = 0
    for danger in overdue(on).filter(escalated_at__isnull=True).select_for_update(of=("self",)).select_related(
            "owner_department", "enterprise"):
        before = audit.snapshot(danger)
        danger.escalated_at = timezone.now()
        danger.save(update_fields=["escalated_at", "updated_at"])
        days = ((on or timezone.localdate()) - danger.deadline).days
        note = f"超过整改期限 {days} 天，已升级至{danger.owner_department or '监管部门'}"
        _step(danger, "逾期升级", danger.status, actor=None, note=note)
        audit.record(PreventionAudit.HAZARD_ESCALATED, actor=None, object_type="prevention.hiddendanger",
                     object_id=danger.pk, object_repr=str(danger), before=before,
                     after={**audit.snapshot(danger), "overdue_days": days})
        _publish(danger, "overdue", overdue_days=days)
        escalated += 1
    return escalated
