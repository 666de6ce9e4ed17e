"""Hazmat reads, always through the reader's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from .models import HazardUnit


def visible_units(user: Any) -> QuerySet[HazardUnit]:
    """Units the user may read, with their enterprise."""
    return HazardUnit.objects.for_user(user).select_related("enterprise")


def visible_unit(user: Any, pk: int) -> HazardUnit:
    """One unit the user may read, or 404 — never a hint that it exists out of scope."""
    return get_object_or_404(visible_units(user).prefetch_related("inventory", "tanks"), pk=pk)


def writable_unit(user: Any, pk: int) -> HazardUnit:
    """One unit the user may change; 404 when it is outside their scope entirely."""
    return get_object_or_404(HazardUnit.objects.writable_by(user).select_related("enterprise"), pk=pk)


def major_hazards(user: Any) -> QuerySet[HazardUnit]:
    """The visible units that are major hazard installations, most severe first."""
    return visible_units(user).filter(is_major_hazard=True).order_by("grade", "-r", "enterprise__name", "name")


def counts_by_grade(units: QuerySet[HazardUnit]) -> dict[str, int]:
    """{"1": n, …, "4": n}: how many major hazard installations of each grade (zeros included)."""
    found = dict(units.order_by().values_list("grade").annotate(n=Count("pk")))
    return {str(grade): found.get(grade, 0) for grade in (1, 2, 3, 4)}
