"""Ledger writes: licences, movements (with the receiver's side of a transfer), stocktakes and the period
balance they close (e-waybills are in `waybills`). Each validates everything first (every problem at once,
each under its field, in Chinese; nothing written), checks the actor's scope, writes in one transaction with
its audit event and publishes ``hazmat.ledger`` after commit.

Transfers: the sender records a transfer out (or a disposal) to a registered enterprise by credit code; the
platform writes the receiver's matching inbound at once, **pending**, so the receiver sees it in their ledger.
The inbound counts in the receiver's balance only once the receiver confirms it with the time the goods
arrived (the receiver signs for what physically arrived: no automatic matching). A rejection marks both
sides rejected and neither counts. The sender's outbound counts from the moment it is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yingji.core import audit
from yingji.core.credit_code import normalize_credit_code, validate_credit_code
from yingji.core.records import ensure_may_change
from yingji.registry.models import Enterprise

from . import ledger_queries, transport
from .constants import HazmatAudit
from .ledger_checks import (
    OUTBOUND_TO_ENTERPRISE,
    RECEIVER_LICENCES,
    Problems,
    chemical_of,
    ensure_writer,
    enterprise_of,
    local_time,
    moment_of,
    publish_ledger,
    quantity_of,
    save_licence,
    tolerance_percent,
)
from .ledger_math import close_balance
from .models import (
    BalanceStatus,
    Batch,
    Chemical,
    Movement,
    MovementKind,
    MovementStatus,
    PeriodBalance,
    Qualification,
    QualificationKind,
    Stocktake,
)

USER_KINDS = (MovementKind.PRODUCTION, MovementKind.PURCHASE, MovementKind.TRANSFER_OUT, MovementKind.USE,
              MovementKind.DISPOSAL)


# --- licences --------------------------------------------------------------------------------------
@transaction.atomic
def record_qualification(data: Mapping[str, Any], *, actor: Any) -> Qualification:
    """Record a licence an enterprise holds; supervisors record them, not the enterprise itself."""
    qualification = Qualification(**data)
    errors = Problems()
    if qualification.kind == QualificationKind.TRANSPORT:  # the licence's 经营范围: the classes it may carry
        problem = transport.scope_problem(qualification.scope_classes or [])
        if problem:
            errors.add("scope_classes", problem)
    elif qualification.scope_classes:
        errors.add("scope_classes", "只有道路危险货物运输许可证登记经营范围（危险货物类别）")
    save_licence(qualification, errors, actor=actor, label="企业资质")
    return qualification


def licence_problem(receiver: Enterprise, kind: str, on: datetime) -> str | None:
    """Why this enterprise may not receive this movement on this day, or None."""
    needed = RECEIVER_LICENCES[kind]
    day = timezone.localdate(on)
    valid = Qualification.objects.filter(enterprise=receiver, kind__in=needed, revoked=False, valid_from__lte=day,
                                         valid_until__gte=day)
    if valid.exists():
        return None
    names = "或".join(str(QualificationKind(k).label) for k in needed)
    return f"“{receiver.name}”在 {day} 没有有效的{names}：不能向其{MovementKind(kind).label}"


# --- movements -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MovementDraft:
    """A movement as the user wrote it: quantity in a mass unit, chemical by name/alias/CAS, counterpart by code."""

    kind: str
    chemical: str
    quantity: Any
    occurred_at: datetime | None
    unit: str = "t"
    enterprise: int | None = None
    lot_number: str = ""
    counterpart_credit_code: str = ""
    counterpart_name: str = ""
    note: str = ""


def _receiver(draft: MovementDraft, sender: Enterprise | None, when: datetime | None,
              errors: Problems) -> Enterprise | None:
    code = normalize_credit_code(draft.counterpart_credit_code or "")
    if not code:
        errors.add("counterpart_credit_code", "请填写接收企业的统一社会信用代码")
        return None
    problem = validate_credit_code(code)
    if problem:
        errors.add("counterpart_credit_code", problem)
        return None
    receiver = Enterprise.objects.filter(credit_code=code).first()
    if receiver is None:
        errors.add("counterpart_credit_code", f"统一社会信用代码 {code} 未在平台登记：不能向未登记的企业调出或委托处置")
        return None
    if sender is not None and receiver.pk == sender.pk:
        errors.add("counterpart_credit_code", "接收企业不能是本企业")
        return None
    if when is not None:
        problem = licence_problem(receiver, draft.kind, when)
        if problem:
            errors.add("counterpart_credit_code", problem)
    return receiver


def _supplier(draft: MovementDraft, errors: Problems) -> None:
    if not draft.counterpart_name.strip():
        errors.add("counterpart_name", "请填写供货单位名称")
    code = normalize_credit_code(draft.counterpart_credit_code or "")
    if not code:
        return
    problem = validate_credit_code(code)
    if problem:
        errors.add("counterpart_credit_code", problem)
    elif Enterprise.objects.filter(credit_code=code).exists():
        errors.add("counterpart_credit_code", "供货企业已在平台登记：应由供货企业登记调出，本企业在台账中确认接收")


def _batch_for(draft: MovementDraft, enterprise: Enterprise, chemical: Chemical, errors: Problems) -> Batch | None:
    lot = draft.lot_number.strip()
    if not lot:
        return None
    if draft.kind in (MovementKind.PRODUCTION, MovementKind.PURCHASE):
        batch, _ = Batch.objects.get_or_create(origin=enterprise, chemical=chemical, lot_number=lot)
        return batch
    held = ledger_queries.batches_held(enterprise, chemical, lot)
    if len(held) != 1:
        why = "没有该批号的入库记录" if not held else "有多个来源的同一批号，请联系监管部门核对"
        errors.add("lot_number", f"本企业{why}：{chemical.name} 批号“{lot}”")
        return None
    return held[0]


@transaction.atomic
def record_movement(draft: MovementDraft, *, actor: Any) -> Movement:
    """Record one movement; a transfer out or a disposal also writes the receiver's pending inbound.

    :raises ValidationError: every problem under its field (kind, chemical, quantity, unit, occurred_at,
        counterpart_credit_code, counterpart_name, lot_number); nothing is written.
    :raises PermissionDenied: the actor may not write this enterprise's ledger.
    """
    errors = Problems()
    if draft.kind not in USER_KINDS:
        errors.add("kind", "调入记录由调出企业登记后自动生成，请在待确认列表中确认接收"
                   if draft.kind == MovementKind.TRANSFER_IN else f"类型“{draft.kind}”无效")
    enterprise = enterprise_of(draft.enterprise, actor, errors)
    if enterprise is not None:
        ensure_writer(enterprise, actor)
    chemical = chemical_of(draft.chemical, errors)
    quantity = quantity_of(draft.quantity, draft.unit, errors)
    when = moment_of(draft.occurred_at, errors, "occurred_at")
    receiver = None
    if draft.kind in OUTBOUND_TO_ENTERPRISE:
        receiver = _receiver(draft, enterprise, when, errors)
    elif draft.kind == MovementKind.PURCHASE:
        _supplier(draft, errors)
    if enterprise is not None and chemical is not None and when is not None:
        closed = ledger_queries.last_stocktake_at(enterprise.pk, chemical.pk)
        if closed is not None and when <= closed:
            errors.add("occurred_at", f"该时间所在期间已盘点结账（最近盘点 {local_time(closed)}）")
    errors.raise_if_any()
    assert enterprise is not None and chemical is not None and quantity is not None and when is not None
    batch = _batch_for(draft, enterprise, chemical, errors)
    errors.raise_if_any()

    movement = Movement.objects.create(
        enterprise=enterprise, chemical=chemical, batch=batch, kind=draft.kind, quantity_t=quantity,
        occurred_at=when, counterpart=receiver,
        counterpart_name=receiver.name if receiver else draft.counterpart_name.strip(),
        counterpart_credit_code=receiver.credit_code if receiver else normalize_credit_code(
            draft.counterpart_credit_code or ""),
        note=draft.note.strip(), recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    if receiver is not None:
        inbound = Movement.objects.create(
            enterprise=receiver, chemical=chemical, batch=batch, kind=MovementKind.TRANSFER_IN,
            status=MovementStatus.PENDING, quantity_t=quantity, occurred_at=when, counterpart=enterprise,
            counterpart_name=enterprise.name, counterpart_credit_code=enterprise.credit_code, pair=movement,
            note=f"{enterprise.name}{movement.get_kind_display()}", recorded_by=movement.recorded_by,
        )
        movement.pair = inbound
        movement.save(update_fields=["pair"])
        publish_ledger("transfer_pending", inbound, {"enterprise_id": receiver.pk, "from": enterprise.name,
                                               "chemical": chemical.name, "quantity_t": str(quantity)})
    audit.record(HazmatAudit.MOVEMENT_RECORD, actor=actor, object_type="hazmat.movement", object_id=movement.pk,
                 object_repr=str(movement), after=audit.snapshot(movement))
    publish_ledger("movement", movement, {"enterprise_id": enterprise.pk, "chemical": chemical.name,
                                    "movement_kind": movement.kind, "quantity_t": str(quantity)})
    return movement


def _pending_inbound(movement: Movement, actor: Any) -> Movement:
    ensure_may_change(movement, actor, "台账")
    if movement.kind != MovementKind.TRANSFER_IN or movement.status != MovementStatus.PENDING:
        now = movement.get_status_display()
        raise ValidationError({"status": [f"只有待确认的调入记录可以确认或拒收（当前：{now}）"]})
    return movement


@transaction.atomic
def confirm_transfer(movement: Movement, received_at: datetime | None = None, *, actor: Any) -> Movement:
    """The receiver signs for a pending inbound; it counts in their balance from ``received_at`` (default now)."""
    movement = _pending_inbound(movement, actor)
    errors = Problems()
    when = moment_of(received_at or timezone.now(), errors, "received_at")
    if when is not None and movement.pair is not None and when < movement.pair.occurred_at:
        errors.add("received_at", "接收时间不能早于对方调出时间")
    closed = ledger_queries.last_stocktake_at(movement.enterprise_id, movement.chemical_id)
    if when is not None and closed is not None and when <= closed:
        errors.add("received_at", "接收时间所在期间已盘点结账：请填写最近一次盘点之后的接收时间")
    errors.raise_if_any()
    before = audit.snapshot(movement)
    assert when is not None
    movement.status, movement.occurred_at = MovementStatus.CONFIRMED, when
    movement.save(update_fields=["status", "occurred_at"])
    audit.record(HazmatAudit.TRANSFER_CONFIRM, actor=actor, object_type="hazmat.movement", object_id=movement.pk,
                 object_repr=str(movement), before=before, after=audit.snapshot(movement))
    if movement.pair is not None:
        publish_ledger("transfer_confirmed", movement.pair, {"enterprise_id": movement.pair.enterprise_id})
    return movement


@transaction.atomic
def reject_transfer(movement: Movement, reason: str, *, actor: Any) -> Movement:
    """The receiver refuses a pending inbound: both sides are rejected and count in neither balance."""
    movement = _pending_inbound(movement, actor)
    if not reason.strip():
        raise ValidationError({"reason": ["请填写拒收原因"]})
    before = audit.snapshot(movement)
    for side in (movement, movement.pair):
        if side is not None:
            side.status = MovementStatus.REJECTED
            side.note = f"{side.note}；拒收：{reason.strip()}"[:300]
            side.save(update_fields=["status", "note"])
    audit.record(HazmatAudit.TRANSFER_REJECT, actor=actor, object_type="hazmat.movement", object_id=movement.pk,
                 object_repr=str(movement), before=before, after={**audit.snapshot(movement), "reason": reason})
    if movement.pair is not None:
        publish_ledger("transfer_rejected", movement.pair, {"enterprise_id": movement.pair.enterprise_id,
                                                      "reason": reason.strip()})
    return movement


# --- stocktakes and the period balance ---------------------------------------------------------------
@transaction.atomic
def record_stocktake(enterprise: int | None, chemical: str, counted_at: datetime | None, quantity: Any,
                     unit: str = "t", note: str = "", *, actor: Any) -> tuple[Stocktake, PeriodBalance | None]:
    """Record a count; with an earlier count it closes the period between them: the balance is stored, and a
    difference beyond the tolerance is a discrepancy published to the supervisor (``hazmat.ledger``)."""
    errors = Problems()
    owner = enterprise_of(enterprise, actor, errors)
    if owner is not None:
        ensure_writer(owner, actor)
    entry = chemical_of(chemical, errors)
    counted = quantity_of(quantity, unit, errors, allow_zero=True)
    when = moment_of(counted_at, errors, "counted_at")
    if owner is not None and entry is not None and when is not None:
        last = ledger_queries.last_stocktake_at(owner.pk, entry.pk)
        if last is not None and when <= last:
            errors.add("counted_at", f"盘点时间必须晚于最近一次盘点（{local_time(last)}）")
    errors.raise_if_any()
    assert owner is not None and entry is not None and counted is not None and when is not None
    previous = Stocktake.objects.filter(enterprise=owner, chemical=entry).order_by("-counted_at").first()
    stocktake = Stocktake.objects.create(enterprise=owner, chemical=entry, counted_at=when, quantity_t=counted,
                                         note=note.strip())
    balance = None if previous is None else close_period(previous, stocktake)
    audit.record(HazmatAudit.STOCKTAKE, actor=actor, object_type="hazmat.stocktake", object_id=stocktake.pk,
                 object_repr=str(stocktake), after={**audit.snapshot(stocktake),
                                                    "balance": audit.snapshot(balance) if balance else None})
    if balance is not None:
        publish_ledger("discrepancy" if balance.status == BalanceStatus.DISCREPANCY else "balanced", balance,
                 {"enterprise_id": owner.pk, "enterprise": owner.name, "chemical": entry.name,
                  "difference_t": str(balance.difference_t), "tolerance_t": str(balance.tolerance_t)})
    return stocktake, balance


def close_period(opening: Stocktake, closing: Stocktake) -> PeriodBalance:
    """Store the balance between two successive counts of one enterprise and chemical (the caller audits)."""
    sums = ledger_queries.period_sums(closing.enterprise_id, closing.chemical_id, opening.counted_at,
                                      closing.counted_at)
    result = close_balance(opening.quantity_t, sums.inflow, sums.outflow, sums.used, sums.disposed,
                           closing.quantity_t, tolerance_percent())
    return PeriodBalance.objects.create(
        enterprise_id=closing.enterprise_id, chemical_id=closing.chemical_id, opening=opening, closing=closing,
        opening_t=result.opening, in_t=result.inflow, out_t=result.outflow, used_t=result.used,
        disposed_t=result.disposed, expected_t=result.expected, closing_t=result.closing,
        difference_t=result.difference, tolerance_percent=result.tolerance_percent, tolerance_t=result.tolerance,
        pending_in_t=sums.pending_in,
        status=BalanceStatus.BALANCED if result.within_tolerance else BalanceStatus.DISCREPANCY,
    )


@transaction.atomic
def explain_discrepancy(balance: PeriodBalance, explanation: str, *, actor: Any) -> PeriodBalance:
    """Record why a period did not balance (loss in transit, a gauging error found …); the flag is then closed."""
    ensure_may_change(balance, actor, "台账")
    if balance.status != BalanceStatus.DISCREPANCY:
        raise ValidationError({"status": ["只有差异待核查的期间需要说明"]})
    if not explanation.strip():
        raise ValidationError({"explanation": ["请填写差异说明"]})
    before = audit.snapshot(balance)
    balance.status, balance.explanation = BalanceStatus.EXPLAINED, explanation.strip()[:500]
    balance.save(update_fields=["status", "explanation", "updated_at"])
    audit.record(HazmatAudit.DISCREPANCY_EXPLAIN, actor=actor, object_type="hazmat.periodbalance",
                 object_id=balance.pk, object_repr=str(balance), before=before, after=audit.snapshot(balance))
    return balance
