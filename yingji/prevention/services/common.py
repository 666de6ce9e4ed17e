"""What every prevention service does to a record of one enterprise before and after saving it."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from yingji.core import audit, events
from yingji.core.models import AuditAction
from yingji.core.records import apply_fields, ensure_may_change
from yingji.core.scoping import facts_of
from yingji.registry.models import Enterprise

from ..subscriptions import ensure_may_write


def defaults_from_enterprise(obj: Any, actor: Any) -> None:
    """A new record belongs to the actor's enterprise unless stated, and is supervised and placed like it."""
    if obj.enterprise_id is None and getattr(actor, "enterprise_id", None):
        obj.enterprise_id = actor.enterprise_id
    if obj.enterprise_id is None:
        raise ValidationError({"enterprise": "必须指定企业"})
    enterprise = Enterprise.objects.filter(pk=obj.enterprise_id).first()
    if enterprise is None:
        raise ValidationError({"enterprise": f"企业 {obj.enterprise_id} 不存在"})
    obj.enterprise = enterprise
    obj.owner_department_id = enterprise.owner_department_id
    obj.admin_area_id = enterprise.admin_area_id


def guard(obj: Any, actor: Any, what: str) -> None:
    """The actor may change this enterprise's records, and the enterprise may write (its subscription)."""
    ensure_may_change(obj, actor, what)
    ensure_may_write(obj.enterprise, actor)


def publish(topic: str, verb: str, obj: Any, **extra: Any) -> None:
    payload = {"id": obj.pk, "kind": obj._meta.label_lower, "verb": verb, "name": str(obj),
               "enterprise_id": obj.enterprise_id, **extra}
    events.publish(topic, payload, scope=facts_of(obj))


def apply_fields_checked(obj: models.Model, data: Mapping[str, Any], allowed: Collection[str], actor: Any) -> None:
    """Set the fields of a new record and give it its enterprise's department and area."""
    apply_fields(obj, data, allowed=allowed)
    defaults_from_enterprise(obj, actor)


def save_new(obj: Any, *, actor: Any, what: str, topic: str) -> Any:
    """Validate, scope-check, save, audit and publish a new enterprise record (fields already applied)."""
    obj.full_clean()
    guard(obj, actor, what)
    obj.save(force_insert=True)
    audit.record_change(AuditAction.CREATE, obj, actor=actor, before=None)
    publish(topic, "created", obj)
    return obj


def update(obj: Any, data: Mapping[str, Any], *, allowed: Collection[str], actor: Any, what: str,
           topic: str) -> Any:
    """Change fields of an enterprise record the actor may change; it may not move to another enterprise."""
    guard(obj, actor, what)
    if "enterprise" in data and data["enterprise"] not in (None, obj.enterprise_id, obj.enterprise):
        raise ValidationError({"enterprise": "不能把记录转到其他企业"})
    before = audit.snapshot(obj)
    apply_fields(obj, {k: v for k, v in data.items() if k != "enterprise"}, allowed=allowed)
    obj.full_clean()
    obj.save()
    audit.record_change(AuditAction.UPDATE, obj, actor=actor, before=before)
    publish(topic, "updated", obj)
    return obj


def delete(obj: Any, *, actor: Any, what: str, topic: str) -> None:
    guard(obj, actor, what)
    before, pk, facts = audit.snapshot(obj), obj.pk, facts_of(obj)
    payload = {"id": pk, "kind": obj._meta.label_lower, "verb": "deleted", "name": str(obj),
               "enterprise_id": obj.enterprise_id}
    obj.delete()
    obj.pk = pk
    audit.record_change(AuditAction.DELETE, obj, actor=actor, before=before)
    events.publish(topic, payload, scope=facts)
