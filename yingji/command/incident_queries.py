"""Incident reads, always through the reader's scope (404 outside it, never a hint that it exists)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import Incident


def visible_incidents(user: Any) -> QuerySet[Incident]:
    """Incidents the user may read, newest report first, with their enterprise and area."""
    return Incident.objects.for_user(user).select_related("enterprise", "admin_area")


def visible_incident(user: Any, pk: int) -> Incident:
    """One incident the user may read, with its timeline, or 404."""
    return get_object_or_404(visible_incidents(user).prefetch_related("timeline"), pk=pk)


def writable_incident(user: Any, pk: int) -> Incident:
    """One incident the user may change; 404 when it is outside their scope."""
    return get_object_or_404(Incident.objects.writable_by(user).select_related("enterprise"), pk=pk)


def readable_or_addressed(model: type[Model], user: Any, department_field: str) -> QuerySet[Any]:
    """Rows of incidents the user may read, plus every row addressed to the user's own department (a task or a
    request the department works even when it cannot see the incident)."""
    department_id = getattr(user, "department_id", None)
    own = Q(**{f"{department_field}_id": department_id}) if department_id else Q(pk__in=[])
    readable = model.objects.for_user(user).values("pk")  # type: ignore[attr-defined]
    return model.objects.filter(Q(pk__in=readable) | own)  # type: ignore[attr-defined]


def linked_incident(user: Any, pk: Any, field: str = "incident") -> Incident | None:
    """The incident a plan is made for (None when not given); a 422 on ``field`` when the user cannot see it."""
    if pk in (None, ""):
        return None
    incident = visible_incidents(user).filter(pk=pk).first()
    if incident is None:
        raise ValidationError({field: f"事件 {pk} 不存在或超出您的查看范围"})
    return incident
