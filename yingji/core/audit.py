"""Writing and verifying the hash-chained audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from .models import AuditEvent
from .requestcontext import current_request_id

GENESIS = "0" * 64
# Any constant works; it only has to be the same for every writer of the chain.
_PG_AUDIT_LOCK = 0x59494E474A49


def snapshot(obj: models.Model) -> dict[str, Any]:
    """A JSON-safe dict of a record's concrete fields, for the before/after of an audit event."""
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        value = getattr(obj, f.attname)
        if isinstance(value, datetime | date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        data[f.attname] = value
    return data


def _lock_chain() -> None:
    """Serialise chain writers; SQLite's IMMEDIATE transactions already do, PostgreSQL needs a lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_AUDIT_LOCK])


def record(
    action: str,
    *,
    actor: Any,
    object_type: str,
    object_id: Any = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the service's transaction")
    _lock_chain()
    last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    event = AuditEvent(
        seq=(last["seq"] + 1) if last else 1,
        occurred_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "username", "") or "system") if actor is not None else "system",
        action=str(action),
        object_type=object_type,
        object_id=str(object_id or ""),
        object_repr=object_repr[:200],
        before=before,
        after=after,
        request_id=current_request_id(),
        prev_hash=last["hash"] if last else GENESIS,
    )
    event.hash = event.compute_hash()
    event.save(force_insert=True)
    return event


def record_change(action: str, obj: models.Model, *, actor: Any, before: dict[str, Any] | None) -> AuditEvent:
    """Audit a create/update/delete of a model instance, taking its label and a fresh snapshot."""
    after = None if action == "delete" else snapshot(obj)
    return record(
        action,
        actor=actor,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        object_repr=str(obj),
        before=before,
        after=after,
    )


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the stored chain no longer matches what was written."""

    seq: int
    reason: str


def verify_chain(batch_size: int = 2000) -> tuple[int, ChainBreak | None]:
    """Walk the chain in order; return (events checked, first break or None)."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    last_seq = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq")[:batch_size])
        if not batch:
            return checked, None
        for event in batch:
            if event.seq != expected_seq:
                return checked, ChainBreak(expected_seq, f"事件 #{expected_seq} 缺失（下一个是 #{event.seq}）")
            if event.prev_hash != expected_prev:
                return checked, ChainBreak(
                    event.seq, f"事件 #{event.seq} 的前序哈希与 #{event.seq - 1} 不符（前一事件被删除或篡改）"
                )
            if event.compute_hash() != event.hash:
                return checked, ChainBreak(event.seq, f"事件 #{event.seq} 的内容已被篡改（哈希不符）")
            expected_prev = event.hash
            expected_seq += 1
            checked += 1
            last_seq = event.seq
