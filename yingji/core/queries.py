"""Kernel reads, each limited by the reader's scope."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from .models import AdminArea, AreaLevel, AuditEvent
from .scoping import Principal


def audit_events_for(user: Any, filters: Mapping[str, str]) -> QuerySet[AuditEvent]:
    """Audit events for auditors and administrators, filtered by actor, action, type and date."""
    principal = Principal.of(user)
    if not principal.sees_everything:
        return AuditEvent.objects.none()
    events = AuditEvent.objects.all()
    if actor := filters.get("actor"):
        events = events.filter(actor_name__icontains=actor)
    if action := filters.get("action"):
        events = events.filter(action=action)
    if object_type := filters.get("object_type"):
        events = events.filter(object_type=object_type)
    if since := filters.get("since"):
        events = events.filter(occurred_at__date__gte=since)
    if until := filters.get("until"):
        events = events.filter(occurred_at__date__lte=until)
    return events.order_by("-seq")


def townships(county_code: str = "211122") -> QuerySet[AdminArea]:
    """The county's township units, the choices every 'which township' field offers."""
    return AdminArea.objects.filter(level=AreaLevel.TOWNSHIP, code__startswith=county_code)


def area_by_name_or_code(value: str, county_code: str = "211122") -> AdminArea | None:
    """Find a township or village of the county by its code or its exact name."""
    value = value.strip()
    areas = AdminArea.objects.filter(code__startswith=county_code, level__gte=AreaLevel.TOWNSHIP)
    return areas.filter(code=value).first() or areas.filter(name=value).order_by("level").first()
