"""Prevention reads, always through the reader's scope (404 outside it, never a hint of existence)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

from django.db.models import Count, Exists, Model, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import (
    Checkpoint,
    CommitmentMiss,
    EnforcementOrder,
    HiddenDanger,
    InspectionRecord,
    MaintenanceRecord,
    MissedRound,
    RiskPoint,
    Route,
    SafetyCommitment,
    Subscription,
    SupervisionCheck,
)
from .models.dangers import OPEN_STATUSES

M = TypeVar("M", bound=Model)


def visible(model: type[M], user: Any) -> QuerySet[M]:
    return model.objects.for_user(user)  # type: ignore[attr-defined,no-any-return]


def visible_one(model: type[M], user: Any, pk: int) -> M:
    return get_object_or_404(visible(model, user), pk=pk)


def writable_one(model: type[M], user: Any, pk: int) -> M:
    """One record the user may change; 404 when it is outside their scope entirely."""
    return get_object_or_404(model.objects.writable_by(user), pk=pk)  # type: ignore[attr-defined]


def _by_enterprise(rows: QuerySet[M], filters: Mapping[str, Any]) -> QuerySet[M]:
    enterprise = filters.get("enterprise")
    return rows if enterprise in (None, "") else rows.filter(enterprise_id=enterprise)


def risk_points(user: Any, filters: Mapping[str, Any]) -> QuerySet[RiskPoint]:
    rows = _by_enterprise(visible(RiskPoint, user).select_related("enterprise", "hazard_unit"), filters)
    if level := filters.get("level"):
        rows = rows.filter(level=level)
    if method := filters.get("method"):
        rows = rows.filter(method=method)
    if q := filters.get("q"):
        rows = rows.filter(Q(name__icontains=q) | Q(unit_place__icontains=q) | Q(enterprise__name__icontains=q))
    return rows


def counts_by_level(rows: QuerySet[RiskPoint]) -> dict[str, int]:
    """{"red": n, "orange": n, "yellow": n, "blue": n}, zeros included."""
    found = dict(rows.order_by().values_list("level").annotate(n=Count("pk")))
    return {level: found.get(level, 0) for level in ("red", "orange", "yellow", "blue")}


def hidden_dangers(user: Any, filters: Mapping[str, Any]) -> QuerySet[HiddenDanger]:
    rows = _by_enterprise(visible(HiddenDanger, user).select_related("enterprise", "owner", "accepted_by"), filters)
    if status := filters.get("status"):
        rows = rows.filter(status=status)
    if level := filters.get("level"):
        rows = rows.filter(level=level)
    if filters.get("open") in (True, "true", "1"):
        rows = rows.filter(status__in=OPEN_STATUSES)
    if filters.get("overdue") in (True, "true", "1"):
        rows = rows.filter(status__in=OPEN_STATUSES, deadline__lt=timezone.localdate())
    if q := filters.get("q"):
        rows = rows.filter(Q(title__icontains=q) | Q(enterprise__name__icontains=q))
    return rows


def checkpoints(user: Any, filters: Mapping[str, Any]) -> QuerySet[Checkpoint]:
    return _by_enterprise(visible(Checkpoint, user).select_related("enterprise"), filters)


def checkpoint_by_token(user: Any, token: str) -> Checkpoint:
    return get_object_or_404(visible(Checkpoint, user).select_related("enterprise"), qr_token=token)


def routes(user: Any, filters: Mapping[str, Any]) -> QuerySet[Route]:
    return _by_enterprise(visible(Route, user).select_related("enterprise").prefetch_related("stops__checkpoint"),
                          filters)


def inspection_records(user: Any, filters: Mapping[str, Any]) -> QuerySet[InspectionRecord]:
    rows = _by_enterprise(visible(InspectionRecord, user).select_related("enterprise", "checkpoint", "inspector",
                                                                          "route"), filters)
    if checkpoint := filters.get("checkpoint"):
        rows = rows.filter(checkpoint_id=checkpoint)
    if filters.get("abnormal") in (True, "true", "1"):
        rows = rows.filter(abnormal=True)
    return rows


def missed_rounds(user: Any, filters: Mapping[str, Any]) -> QuerySet[MissedRound]:
    rows = visible(MissedRound, user).select_related("route", "route__enterprise")
    enterprise = filters.get("enterprise")
    return rows if enterprise in (None, "") else rows.filter(route__enterprise_id=enterprise)


def maintenance(user: Any, filters: Mapping[str, Any], today: dt.date | None = None) -> QuerySet[MaintenanceRecord]:
    """Records with `is_overdue`: the latest record of its equipment, and its next due date has passed."""
    day = today or timezone.localdate()
    later = MaintenanceRecord.objects.filter(
        enterprise_id=OuterRef("enterprise_id"), equipment=OuterRef("equipment"),
        equipment_code=OuterRef("equipment_code"), performed_on__gt=OuterRef("performed_on"))
    rows = _by_enterprise(visible(MaintenanceRecord, user).select_related("enterprise"), filters).annotate(
        superseded=Exists(later))
    rows = rows.annotate(is_overdue=Q(next_due__lt=day) & Q(superseded=False))
    if filters.get("overdue") in (True, "true", "1"):
        rows = rows.filter(next_due__lt=day, superseded=False)
    return rows


def commitments(user: Any, filters: Mapping[str, Any]) -> QuerySet[SafetyCommitment]:
    rows = _by_enterprise(visible(SafetyCommitment, user).select_related("enterprise", "signed_by"), filters)
    if day := filters.get("day"):
        rows = rows.filter(day=day)
    return rows


def commitment_misses(user: Any, filters: Mapping[str, Any]) -> QuerySet[CommitmentMiss]:
    return _by_enterprise(visible(CommitmentMiss, user).select_related("enterprise"), filters)


def supervision_checks(user: Any, filters: Mapping[str, Any]) -> QuerySet[SupervisionCheck]:
    return _by_enterprise(visible(SupervisionCheck, user).select_related("enterprise", "inspector", "department")
                          .prefetch_related("orders"), filters)


def orders(user: Any, filters: Mapping[str, Any]) -> QuerySet[EnforcementOrder]:
    rows = visible(EnforcementOrder, user).select_related("check_record", "check_record__enterprise")
    if status := filters.get("status"):
        rows = rows.filter(status=status)
    enterprise = filters.get("enterprise")
    return rows if enterprise in (None, "") else rows.filter(check_record__enterprise_id=enterprise)


def subscriptions(user: Any, filters: Mapping[str, Any]) -> QuerySet[Subscription]:
    return _by_enterprise(visible(Subscription, user).select_related("enterprise"), filters)
