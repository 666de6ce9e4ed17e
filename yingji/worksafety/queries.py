"""Worksafety reads, always through the reader's scope (404 outside it, never a hint that a record exists)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import ACTIVE_STATUSES, Permit, Tool


def visible_permits(user: Any) -> QuerySet[Permit]:
    """Permits the user may read: their enterprise's, or those their department, township or county supervises."""
    return Permit.objects.for_user(user).select_related("enterprise", "applicant")


def visible_permit(user: Any, pk: int) -> Permit:
    return get_object_or_404(visible_permits(user), pk=pk)


def writable_permit(user: Any, pk: int) -> Permit:
    """A permit the user may change; 404 when it is outside their scope entirely."""
    return get_object_or_404(Permit.objects.writable_by(user).select_related("enterprise"), pk=pk)


def active_work(user: Any) -> QuerySet[Permit]:
    """Special work under way (in progress or suspended) that the user may see, with a point for the map."""
    return visible_permits(user).filter(status__in=ACTIVE_STATUSES, longitude__isnull=False)


def visible_tools(user: Any) -> QuerySet[Tool]:
    return Tool.objects.for_user(user).select_related("enterprise")


def visible_tool(user: Any, pk: int) -> Tool:
    return get_object_or_404(visible_tools(user), pk=pk)


def writable_tool(user: Any, pk: int) -> Tool:
    return get_object_or_404(Tool.objects.writable_by(user).select_related("enterprise", "device"), pk=pk)
