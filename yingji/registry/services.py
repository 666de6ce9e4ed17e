"""Registry writes. Each validates the business rules, checks the actor's scope, runs in one
transaction with its audit event, and publishes `registry.<model>.<verb>` after commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from yingji.core import audit, events
from yingji.core.models import AuditAction
from yingji.core.queries import township_at
from yingji.core.records import apply_fields, ensure_may_change
from yingji.core.scoping import facts_of


def _event_payload(obj: models.Model, verb: str) -> dict[str, Any]:
    payload: dict[str, Any] = {"id": obj.pk, "kind": obj._meta.label_lower, "verb": verb, "name": str(obj)}
    if hasattr(obj, "longitude"):
        payload["lon"], payload["lat"] = getattr(obj, "longitude", None), getattr(obj, "latitude", None)
    return payload


def _default_owner(obj: models.Model, actor: Any) -> None:
    """New records belong to the actor's department, enterprise or area unless stated otherwise."""
    if hasattr(obj, "owner_department_id") and obj.owner_department_id is None:
        obj.owner_department_id = getattr(actor, "department_id", None)
    if hasattr(obj, "enterprise_id") and obj.enterprise_id is None and getattr(actor, "enterprise_id", None):
        obj.enterprise_id = actor.enterprise_id
    if hasattr(obj, "admin_area_id") and obj.admin_area_id is None:
        lon, lat = getattr(obj, "longitude", None), getattr(obj, "latitude", None)
        located = township_at(lon, lat) if lon is not None and lat is not None else None
        obj.admin_area_id = located or getattr(actor, "admin_area_id", None)


@transaction.atomic
def create_record(model: type[models.Model], data: Mapping[str, Any], *, actor: Any) -> models.Model:
    """Create one registry record after full validation; the actor must be allowed to own it."""
    obj = model()
    apply_fields(obj, data)
    _default_owner(obj, actor)
    obj.full_clean()
    ensure_may_change(obj, actor)
    obj.save(force_insert=True)
    audit.record_change(AuditAction.CREATE, obj, actor=actor, before=None)
    events.publish(f"{obj._meta.label_lower}.created", _event_payload(obj, "created"), scope=facts_of(obj))
    return obj


@transaction.atomic
def update_record(obj: models.Model, data: Mapping[str, Any], *, actor: Any) -> models.Model:
    """Change fields of a record the actor may write; the record may not move out of their scope."""
    ensure_may_change(obj, actor)
    before = audit.snapshot(obj)
    apply_fields(obj, data)
    obj.full_clean()
    ensure_may_change(obj, actor)
    obj.save()
    audit.record_change(AuditAction.UPDATE, obj, actor=actor, before=before)
    events.publish(f"{obj._meta.label_lower}.updated", _event_payload(obj, "updated"), scope=facts_of(obj))
    return obj


@transaction.atomic
def delete_record(obj: models.Model, *, actor: Any) -> None:
    """Delete a record the actor may write; records still referenced elsewhere are refused."""
    ensure_may_change(obj, actor)
    before = audit.snapshot(obj)
    facts, payload = facts_of(obj), _event_payload(obj, "deleted")
    try:
        with transaction.atomic():
            obj.delete()
    except models.ProtectedError as exc:
        names = "、".join(sorted({str(o._meta.verbose_name) for o in exc.protected_objects}))
        raise ValidationError(f"仍有{names}引用此记录，不能删除") from exc
    obj.pk = payload["id"]
    audit.record_change(AuditAction.DELETE, obj, actor=actor, before=before)
    events.publish(f"{obj._meta.label_lower}.deleted", payload, scope=facts)
