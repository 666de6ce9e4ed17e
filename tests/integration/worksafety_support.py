"""Shared set-up for the worksafety tests: approvers of enterprise A, a plan that passes, helpers to advance it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from tests import factories
from yingji.core.roles import Role
from yingji.worksafety import rules, services
from yingji.worksafety.constants import ApproverRole, WorkType
from yingji.worksafety.models import Permit, PermitApprover

API = "/api/v1/worksafety"


@dataclass
class Approvers:
    grassroots: Any
    safety: Any
    leader: Any
    specialist: Any


def make_approvers(enterprise: Any) -> Approvers:
    """Four enterprise users of A, each holding one approval role for A's permits."""
    made = {}
    for role in ApproverRole:
        user = factories.UserFactory(username=f"approver_{role.value}", role=Role.ENTERPRISE_OFFICER,
                                     enterprise=enterprise)
        PermitApprover.objects.create(user=user, enterprise=enterprise, role=role)
        made[role] = user
    return Approvers(made[ApproverRole.GRASSROOTS], made[ApproverRole.SAFETY_DEPT], made[ApproverRole.PLANT_LEADER],
                     made[ApproverRole.SPECIALIST])


def daytime_window(hours: float = 4) -> tuple[datetime, datetime]:
    """A window starting a minute ago that stays a plain working day (so hot work keeps its declared level)
    only when the real clock allows; tests that depend on the level pass their own calendar-free types."""
    start = timezone.now() - timedelta(minutes=1)
    return start, start + timedelta(hours=hours)


def confirmed(work_type: str) -> dict[str, bool]:
    return {code: True for code, _ in rules.checklist(WorkType(work_type))}


def plan_data(enterprise: Any, work_type: str = "confined_space", level: str = "single", hours: float = 4,
              **extra: Any) -> dict[str, Any]:
    start, end = daytime_window(hours)
    data = {
        "enterprise": enterprise, "work_type": work_type, "declared_level": level, "place": "T-101 储罐内部",
        "content": "储罐内部检修", "planned_start": start, "planned_end": end, "guardian": "李监护",
        "workers": [{"name": "王工", "certificate_no": "T2101001"}], "checklist": confirmed(work_type),
        "longitude": 122.05, "latitude": 41.20,
    }
    return data | extra


def approve_all(permit: Permit, approvers: Approvers) -> Permit:
    by_role = {ApproverRole.GRASSROOTS: approvers.grassroots, ApproverRole.SAFETY_DEPT: approvers.safety,
               ApproverRole.PLANT_LEADER: approvers.leader, ApproverRole.SPECIALIST: approvers.specialist}
    for role in rules.required_approvals(WorkType(permit.work_type), permit.level):
        permit = services.approve_permit(permit, actor=by_role[role])
    return permit


def passing_gas(permit: Permit, actor: Any, minutes_ago: float = 1) -> Any:
    return services.record_gas_analysis(permit, {
        "sampled_at": timezone.now() - timedelta(minutes=minutes_ago), "analyst": "赵分析",
        "combustible_vol_pct": 0.1, "lel_vol_pct": 5.0, "oxygen_vol_pct": 20.8,
    }, actor=actor)


def in_progress(enterprise: Any, applicant: Any, approvers: Approvers, **extra: Any) -> Permit:
    tools = extra.pop("tools", None)
    permit = services.create_permit(plan_data(enterprise, **extra), actor=applicant, tools=tools)
    permit = services.submit_permit(permit, actor=applicant)
    permit = approve_all(permit, approvers)
    passing_gas(permit, applicant)
    return services.start_work(permit, actor=applicant)
