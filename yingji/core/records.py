"""What every domain service does to a record before saving it: set fields by name, check the actor's scope."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from .scoping import Principal, facts_of


def apply_fields(obj: models.Model, data: Mapping[str, Any], *, allowed: Collection[str] | None = None) -> None:
    """Set fields by name (or attname); relations accept an instance or a primary key.

    A field outside `allowed` (or not editable) is refused with a field-level error rather than ignored.
    """
    fields = {f.name: f for f in obj._meta.concrete_fields} | {f.attname: f for f in obj._meta.concrete_fields}
    for name, value in data.items():
        field = fields.get(name)
        if field is None or not field.editable or field.primary_key or (allowed is not None and name not in allowed):
            raise ValidationError({name: "不可修改的字段"})
        if value is None and not field.null:
            value = field.get_default()  # API schemas send null for omitted optional fields
        relation_by_id = field.is_relation and not isinstance(value, models.Model)
        setattr(obj, field.attname if relation_by_id else field.name, value)


def ensure_may_change(obj: models.Model, actor: Any, what: str = "记录") -> None:
    """Refuse (403) a change that would leave the record outside the actor's scope."""
    if not Principal.of(actor).may_change(facts_of(obj)):
        raise PermissionDenied(f"超出您的数据权限范围：不能新增或修改属于其他单位或区域的{what}")
