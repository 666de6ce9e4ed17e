"""Registry reads, always through the reader's scope."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .filters import apply_filters
from .resources import ResourceSpec


def _related(spec: ResourceSpec) -> list[str]:
    return [f.name for f in spec.model._meta.concrete_fields if f.is_relation and f.name in spec.list_fields]


def visible(spec: ResourceSpec, user: Any, params: Mapping[str, str] | None = None) -> QuerySet:
    """Records of this kind the user may read, narrowed by the shared filters."""
    queryset = spec.model.objects.for_user(user).select_related(*_related(spec))  # type: ignore[attr-defined]
    return apply_filters(queryset, spec, params or {})


def visible_record(spec: ResourceSpec, user: Any, pk: int) -> Any:
    """One record the user may read, or 404 — never a hint that it exists out of scope."""
    return get_object_or_404(spec.model.objects.for_user(user), pk=pk)  # type: ignore[attr-defined]


def writable_record(spec: ResourceSpec, user: Any, pk: int) -> Any:
    """One record the user may change; 404 when it is outside their scope entirely."""
    return get_object_or_404(spec.model.objects.writable_by(user), pk=pk)  # type: ignore[attr-defined]
