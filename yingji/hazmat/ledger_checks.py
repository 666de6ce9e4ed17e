"""What every ledger write checks and how it reports: field-by-field problems in Chinese, the enterprise and
chemical a write names, quantities in tonnes, times, the writer's scope, and the ``hazmat.ledger`` event.
Shared by `ledger_services` (movements, stocktakes, licences), `waybills` and `carriers` (crew certificates)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yingji.core import audit, events
from yingji.core.models import AuditAction
from yingji.core.records import ensure_may_change
from yingji.core.roles import Role
from yingji.core.scoping import Principal, facts_of
from yingji.registry.models import Enterprise

from .catalogue import chemical_for
from .constants import LEDGER_EVENT, LEDGER_TOLERANCE_PERCENT
from .ledger_math import LedgerInputError, parse_quantity
from .models import Chemical, Movement, MovementKind, QualificationKind

# Which licence the receiving enterprise must hold, valid on the day, for each kind of outbound movement.
RECEIVER_LICENCES: dict[str, tuple[str, ...]] = {
    MovementKind.TRANSFER_OUT: (QualificationKind.PRODUCTION, QualificationKind.OPERATION, QualificationKind.USE),
    MovementKind.DISPOSAL: (QualificationKind.WASTE,),
}
OUTBOUND_TO_ENTERPRISE = tuple(RECEIVER_LICENCES)
FUTURE_SLACK = timedelta(minutes=5)  # clocks differ a little between a phone and the server


def tolerance_percent() -> Decimal:
    """The ledger tolerance (%), from settings.YINGJI_LEDGER_TOLERANCE_PERCENT or the constant."""
    return Decimal(str(getattr(settings, "YINGJI_LEDGER_TOLERANCE_PERCENT", LEDGER_TOLERANCE_PERCENT)))


class Problems(dict[str, list[str]]):
    """Every problem of one write, by field; raised together as one ValidationError."""

    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def local_time(value: datetime) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def aware(value: datetime) -> datetime:
    return value if timezone.is_aware(value) else timezone.make_aware(value)  # naive input: Asia/Shanghai


def enterprise_of(ref: int | None, actor: Any, errors: Problems) -> Enterprise | None:
    ref = ref if ref is not None else getattr(actor, "enterprise_id", None)
    if ref is None:
        errors.add("enterprise", "请选择企业")
        return None
    enterprise = Enterprise.objects.filter(pk=ref).first()
    if enterprise is None:
        errors.add("enterprise", f"企业 {ref} 不存在")
    return enterprise


def chemical_of(ref: str, errors: Problems, name: str = "chemical") -> Chemical | None:
    try:
        return chemical_for(ref)
    except LookupError as exc:
        errors.add(name, str(exc))
        return None


def quantity_of(value: Any, unit: str | None, errors: Problems, *, allow_zero: bool = False) -> Decimal | None:
    try:
        return parse_quantity(value, unit, "quantity", allow_zero=allow_zero)
    except LedgerInputError as exc:
        errors.add(exc.field, exc.message)
        return None


def moment_of(value: datetime | None, errors: Problems, name: str) -> datetime | None:
    if value is None:
        errors.add(name, "请填写时间")
        return None
    value = aware(value)
    if value > timezone.now() + FUTURE_SLACK:
        errors.add(name, "时间不能晚于当前时间")
    return value


def ensure_writer(enterprise: Enterprise, actor: Any) -> None:
    ensure_may_change(Movement(enterprise=enterprise), actor, "台账")


def save_licence(record: Any, errors: Problems, *, actor: Any, label: str) -> None:
    """Save a licence or certificate (``valid_from``/``valid_until``) recorded by a supervisor — never by the
    enterprise itself — with the caller's problems and its own, in the caller's transaction, audited."""
    if Principal.of(actor).role == Role.ENTERPRISE_OFFICER:
        raise PermissionDenied(f"{label}由监管部门登记")
    if record.valid_from and record.valid_until and record.valid_from > record.valid_until:
        errors.add("valid_until", "有效期至不能早于有效期起")
    errors.raise_if_any()
    record.full_clean()
    ensure_may_change(record, actor, label)
    record.save(force_insert=True)
    audit.record_change(AuditAction.CREATE, record, actor=actor, before=None)


def publish_ledger(verb: str, record: Any, payload: Mapping[str, Any]) -> None:
    events.publish(LEDGER_EVENT, {"verb": verb, "kind": record._meta.label_lower, "id": record.pk, **payload},
                   scope=facts_of(record))
