"""The daily safety commitment (安全承诺) of major-hazard enterprises, and flagging the days it was missing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from yingji.core import audit
from yingji.core.records import apply_fields
from yingji.hazmat.models import HazardUnit
from yingji.registry.models import Enterprise

from ..constants import COMMITMENT_DUE_HOUR, LOOKBACK_DAYS, TOPIC_COMMITMENT, PreventionAudit
from ..models import CommitmentMiss, SafetyCommitment
from ..schedule import streak
from . import common

COMMITMENT_FIELDS = ("enterprise", "units_running", "units_stopped", "special_works_planned", "hot_works_planned",
                     "confined_space_planned", "risks_controlled", "statement", "principal")


def major_hazard_enterprise_ids() -> set[int]:
    """Enterprises with at least one major hazard installation (hazmat's grading): they must commit daily."""
    return set(major_hazard_units().values_list("enterprise_id", flat=True))


def major_hazard_units() -> QuerySet[HazardUnit]:
    """For `enterprise__in=` / `pk__in=` as a subquery (no long IN lists)."""
    return HazardUnit.objects.filter(is_major_hazard=True)


@transaction.atomic
def sign_commitment(data: Mapping[str, Any], *, actor: Any) -> SafetyCommitment:
    """Today's commitment of one enterprise, signed now by the actor for its principal; once a day.

    :raises ValidationError: a second commitment today, special-work counts that do not add up, a missing
        principal or statement.
    """
    now = timezone.now()
    commitment = SafetyCommitment(day=timezone.localdate(now), signed_by=actor, signed_at=now)
    apply_fields(commitment, data, allowed=COMMITMENT_FIELDS)
    common.defaults_from_enterprise(commitment, actor)
    errors: dict[str, str] = {}
    parts = (commitment.hot_works_planned or 0) + (commitment.confined_space_planned or 0)
    if commitment.special_works_planned is not None and parts > commitment.special_works_planned:
        errors["special_works_planned"] = (f"计划特殊作业数 {commitment.special_works_planned} 少于其中动火与受限空间"
                                           f"作业之和 {parts}")
    if not (commitment.principal or "").strip():
        errors["principal"] = "须由主要负责人签署"
    if errors:
        raise ValidationError(errors)
    if SafetyCommitment.objects.filter(enterprise_id=commitment.enterprise_id, day=commitment.day).exists():
        raise ValidationError({"day": f"“{commitment.enterprise}”{commitment.day} 已提交安全承诺，每天一份"})
    common.save_new(commitment, actor=actor, what="安全承诺", topic=TOPIC_COMMITMENT)
    audit.record(PreventionAudit.COMMITMENT_SIGNED, actor=actor, object_type="prevention.safetycommitment",
                 object_id=commitment.pk, object_repr=str(commitment),
                 after={"day": commitment.day.isoformat(), "risks_controlled": commitment.risks_controlled})
    return commitment


def commitment_streak(enterprise: Any, today: dt.date | None = None) -> int:
    """Consecutive days the enterprise has committed, up to today (or yesterday before today's is in)."""
    day = today or timezone.localdate()
    days = SafetyCommitment.objects.filter(enterprise=enterprise, day__lte=day,
                                           day__gt=day - dt.timedelta(days=366)).values_list("day", flat=True)
    return streak(days, day)


@transaction.atomic
def flag_missing_commitments(now: dt.datetime | None = None) -> int:
    """Flag each major-hazard enterprise without a commitment for a day whose due hour has passed, once."""
    now = timezone.localtime(now or timezone.now())
    last_due = now.date() if now.hour >= COMMITMENT_DUE_HOUR else now.date() - dt.timedelta(days=1)
    days = [last_due - dt.timedelta(days=n) for n in range(LOOKBACK_DAYS)]
    flagged = 0
    enterprises = Enterprise.objects.filter(pk__in=major_hazard_units().values("enterprise_id"))
    for enterprise in enterprises.iterator(chunk_size=500):
        first_day = timezone.localtime(enterprise.created_at).date()
        committed = set(SafetyCommitment.objects.filter(enterprise=enterprise, day__in=days)
                        .values_list("day", flat=True))
        known = set(CommitmentMiss.objects.filter(enterprise=enterprise, day__in=days).values_list("day", flat=True))
        for day in days:
            if day < first_day or day in committed or day in known:
                continue
            miss = CommitmentMiss.objects.create(enterprise=enterprise, day=day,
                                                 owner_department_id=enterprise.owner_department_id,
                                                 admin_area_id=enterprise.admin_area_id)
            audit.record(PreventionAudit.COMMITMENT_MISSING, actor=None, object_type="prevention.commitmentmiss",
                         object_id=miss.pk, object_repr=str(miss), after={"day": day.isoformat()})
            common.publish(TOPIC_COMMITMENT, "missing", miss, day=day.isoformat())
            flagged += 1
    return flagged
