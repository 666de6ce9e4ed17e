"""Kernel reads, each limited by the reader's scope."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import shapely
from django.db.models import Max, QuerySet
from shapely.geometry import shape

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


class TownshipLocator:
    """Finds the township whose boundary contains a point; built once, then cheap per point."""

    def __init__(self) -> None:
        rows = AdminArea.objects.filter(level=AreaLevel.TOWNSHIP, geometry__isnull=False)
        self._areas = [(pk, code) for pk, code in rows.values_list("id", "code")]
        self._tree = shapely.STRtree([shape(g) for g in rows.values_list("geometry", flat=True)])

    def locate(self, lon: float, lat: float) -> tuple[int, str] | None:
        """(id, code) of the containing township, or None outside every township."""
        hits = self._tree.query(shapely.Point(lon, lat), predicate="intersects")
        return self._areas[int(hits.min())] if len(hits) else None


@functools.lru_cache(maxsize=2)
def _locator(version: tuple[Any, ...]) -> TownshipLocator:
    return TownshipLocator()


def township_at(lon: float, lat: float) -> int | None:
    """The id of the township containing the point (rebuilt only when the townships change)."""
    townships = AdminArea.objects.filter(level=AreaLevel.TOWNSHIP)
    found = _locator((townships.count(), townships.aggregate(m=Max("id"))["m"])).locate(lon, lat)
    return found[0] if found else None
