"""The one filter definition per registry model: list pages, the API and exports all call it."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Q, QuerySet

from .resources import ResourceSpec

TRUE_WORDS = {"1", "true", "yes", "on", "是"}
FALSE_WORDS = {"0", "false", "no", "off", "否"}


def sort_keys(spec: ResourceSpec) -> set[str]:
    return set(spec.list_fields) | {"id", "created_at", "updated_at"}


def apply_filters(queryset: QuerySet, spec: ResourceSpec, params: Mapping[str, str]) -> QuerySet:
    """Narrow an already scoped queryset by `q` (search), `area` (code prefix), filter fields and `sort`."""
    if q := (params.get("q") or "").strip():
        condition = Q()
        for field in spec.search_fields:
            condition |= Q(**{f"{field}__icontains": q})
        queryset = queryset.filter(condition)
    if (area := (params.get("area") or "").strip()) and spec.located:
        queryset = queryset.filter(admin_area__code__startswith=area)
    for field_name in spec.filter_fields:
        raw = params.get(field_name)
        if raw in (None, ""):
            continue
        model_field = spec.field(field_name)
        if model_field.get_internal_type() == "BooleanField":
            lowered = str(raw).lower()
            if lowered in TRUE_WORDS | FALSE_WORDS:
                queryset = queryset.filter(**{field_name: lowered in TRUE_WORDS})
        elif model_field.is_relation:
            if str(raw).isdigit():
                queryset = queryset.filter(**{f"{field_name}_id": int(raw)})
        else:
            queryset = queryset.filter(**{field_name: raw})
    sort = (params.get("sort") or "").strip()
    if sort.lstrip("-") in sort_keys(spec):
        queryset = queryset.order_by(sort, "pk")
    return queryset
