"""Ledger reads: scoped lists, the sums of one period (database aggregation), the book stock, batch tracing and
the county report over many periods (one streamed query, memory bounded by the number of enterprise–chemical
pairs, not by the number of movements)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404

from .ledger_math import Balance, Edge, Trace, close_balance, trace_batch
from .models import Batch, Movement, MovementKind, MovementStatus, PeriodBalance, Qualification, Stocktake, Waybill

ZERO = Decimal(0)
IN_KINDS = (MovementKind.PRODUCTION, MovementKind.PURCHASE, MovementKind.TRANSFER_IN)
# How each (kind, status) counts in a balance: None = not at all.
_COUNTS: dict[tuple[str, str], str] = {
    (MovementKind.PRODUCTION, MovementStatus.CONFIRMED): "inflow",
    (MovementKind.PURCHASE, MovementStatus.CONFIRMED): "inflow",
    (MovementKind.TRANSFER_IN, MovementStatus.CONFIRMED): "inflow",
    (MovementKind.TRANSFER_IN, MovementStatus.PENDING): "pending_in",
    (MovementKind.TRANSFER_OUT, MovementStatus.CONFIRMED): "outflow",
    (MovementKind.USE, MovementStatus.CONFIRMED): "used",
    (MovementKind.DISPOSAL, MovementStatus.CONFIRMED): "disposed",
}


@dataclass
class PeriodSums:
    """What moved in a period, in tonnes, by how it counts in the balance (pending inbound kept apart)."""

    inflow: Decimal = ZERO
    outflow: Decimal = ZERO
    used: Decimal = ZERO
    disposed: Decimal = ZERO
    pending_in: Decimal = ZERO

    def add(self, kind: str, status: str, quantity: Decimal) -> None:
        bucket = _COUNTS.get((kind, status))
        if bucket is not None:
            setattr(self, bucket, getattr(self, bucket) + quantity)


# --- scoped lists ----------------------------------------------------------------------------------
def visible_movements(user: Any) -> QuerySet[Movement]:
    return Movement.objects.for_user(user).select_related("enterprise", "chemical", "batch")


def visible_waybills(user: Any) -> QuerySet[Waybill]:
    return Waybill.objects.for_user(user).select_related("enterprise", "chemical", "batch")


def visible_stocktakes(user: Any) -> QuerySet[Stocktake]:
    return Stocktake.objects.for_user(user).select_related("enterprise", "chemical")


def visible_balances(user: Any) -> QuerySet[PeriodBalance]:
    return PeriodBalance.objects.for_user(user).select_related("enterprise", "chemical", "opening", "closing")


def visible_qualifications(user: Any) -> QuerySet[Qualification]:
    return Qualification.objects.for_user(user).select_related("enterprise")


def writable(model: Any, user: Any, pk: int) -> Any:
    """One ledger record the user may change; 404 when it is outside their scope."""
    return get_object_or_404(model.objects.writable_by(user), pk=pk)


def visible_batches(user: Any) -> QuerySet[Batch]:
    """Batches the user has a visible movement of."""
    movements = Movement.objects.for_user(user).filter(batch_id=OuterRef("pk"))
    return Batch.objects.filter(Q(pk__in=Subquery(movements.values("batch_id")))).select_related("origin", "chemical")


# --- one enterprise and chemical -------------------------------------------------------------------
def last_stocktake_at(enterprise_id: int, chemical_id: int) -> datetime | None:
    return Stocktake.objects.filter(enterprise_id=enterprise_id, chemical_id=chemical_id).aggregate(
        at=Max("counted_at"))["at"]


def period_sums(enterprise_id: int, chemical_id: int, after: datetime | None, until: datetime | None) -> PeriodSums:
    """Sums by kind and status of the movements in (after, until] (open ends: None), one GROUP BY on the
    ledger index."""
    sums = PeriodSums()
    movements = Movement.objects.filter(enterprise_id=enterprise_id, chemical_id=chemical_id)
    if after is not None:
        movements = movements.filter(occurred_at__gt=after)
    if until is not None:
        movements = movements.filter(occurred_at__lte=until)
    rows = movements.order_by().values_list("kind", "status").annotate(total=Sum("quantity_t"))
    for kind, status, total in rows:
        sums.add(kind, status, Decimal(total or 0))
    return sums


@dataclass(frozen=True)
class BookStock:
    """What the ledger says is in store now: the last count plus what moved since."""

    chemical_id: int
    chemical: str
    last_count_t: Decimal
    last_count_at: datetime | None
    sums: PeriodSums
    book_t: Decimal


def book_stock(enterprise_id: int) -> list[BookStock]:
    """Per chemical the enterprise has a ledger of: last count + in − out − used − disposed since then."""
    moved = Movement.objects.filter(enterprise_id=enterprise_id).order_by().values_list("chemical_id", "chemical__name")
    counted = Stocktake.objects.filter(enterprise_id=enterprise_id).order_by().values_list("chemical_id",
                                                                                        "chemical__name")
    result = []
    for chemical_id, name in sorted(set(moved.distinct()) | set(counted.distinct()), key=lambda row: row[1]):
        last = (Stocktake.objects.filter(enterprise_id=enterprise_id, chemical_id=chemical_id)
                .order_by("-counted_at").first())
        sums = period_sums(enterprise_id, chemical_id, last.counted_at if last else None, None)
        opening = last.quantity_t if last else ZERO
        book = opening + sums.inflow - sums.outflow - sums.used - sums.disposed
        result.append(BookStock(chemical_id, name, opening, last.counted_at if last else None, sums, book))
    return result


def batches_held(enterprise: Any, chemical: Any, lot: str) -> list[Batch]:
    """The batches with this lot number that came into the enterprise (produced, bought or received)."""
    ids = (Movement.objects.filter(enterprise=enterprise, chemical=chemical, batch__lot_number=lot, kind__in=IN_KINDS)
           .exclude(status=MovementStatus.REJECTED).values_list("batch_id", flat=True).distinct())
    return list(Batch.objects.filter(pk__in=list(ids)))


# --- tracing -----------------------------------------------------------------------------------------
@dataclass
class BatchTrace:
    """A batch's path through the enterprises the reader may see, and from one of them up- and downstream."""

    batch: Batch
    origin_movements: list[Movement]
    edges: list[tuple[Edge, Movement]]
    enterprises: dict[int, str]
    trace: Trace
    start: int


def trace(user: Any, batch: Batch, start: int | None = None) -> BatchTrace:
    """Edges come from the reader's visible movements: an enterprise sees the transfers it sent or received,
    a supervisor the whole chain. ``start`` defaults to the reader's enterprise, else the batch's origin."""
    movements = list(visible_movements(user).filter(batch=batch).select_related("counterpart", "pair")
                     .order_by("occurred_at", "pk"))
    edges: dict[int, tuple[Edge, Movement]] = {}
    names: dict[int, str] = {batch.origin_id: batch.origin.name}
    for m in movements:
        names[m.enterprise_id] = m.enterprise.name
        if m.counterpart_id is not None and m.counterpart is not None:
            names[m.counterpart_id] = m.counterpart.name
        if m.kind in (MovementKind.TRANSFER_OUT, MovementKind.DISPOSAL) and m.counterpart_id is not None:
            edges[m.pk] = (Edge(m.enterprise_id, m.counterpart_id, m.quantity_t, m.pk, m.status), m)
        elif m.kind == MovementKind.TRANSFER_IN and m.counterpart_id is not None and m.pair_id is not None:
            edges.setdefault(m.pair_id, (Edge(m.counterpart_id, m.enterprise_id, m.quantity_t, m.pair_id, m.status),
                                         m))
    live = [e for e, _ in edges.values() if e.status != MovementStatus.REJECTED]
    origin = start or getattr(user, "enterprise_id", None) or batch.origin_id
    return BatchTrace(batch=batch, origin_movements=[m for m in movements if m.kind in IN_KINDS[:2]],
                      edges=list(edges.values()), enterprises=names, trace=trace_batch(live, origin), start=origin)


# --- the county report -------------------------------------------------------------------------------
@dataclass
class ReportRow:
    """One enterprise and chemical over the report period, with its balance."""

    enterprise_id: int
    chemical_id: int
    opening_at: datetime
    closing_at: datetime
    opening_t: Decimal
    closing_t: Decimal
    sums: PeriodSums = field(default_factory=PeriodSums)
    balance: Balance | None = None


def _counts(stocktakes: QuerySet[Stocktake], bound: datetime, after: datetime | None) -> Iterator[tuple[Any, ...]]:
    """Per pair, the latest count at or before ``bound`` (and after ``after`` when given)."""
    window = Q(counted_at__lte=bound) if after is None else Q(counted_at__lte=bound, counted_at__gt=after)
    latest = (Stocktake.objects.filter(window, enterprise_id=OuterRef("enterprise_id"),
                                       chemical_id=OuterRef("chemical_id")).order_by("-counted_at").values("pk")[:1])
    rows = stocktakes.filter(window).filter(pk=Subquery(latest))
    return rows.values_list("enterprise_id", "chemical_id", "counted_at", "quantity_t").iterator(chunk_size=2000)


def county_report(user: Any, start: datetime, end: datetime, tolerance_percent: Decimal,
                  enterprise: int | None = None) -> list[ReportRow]:
    """For every visible pair with a count at or before ``start`` and one in (start, end]: the balance between
    the two. Movements are read in one streamed query and folded into the pairs' sums."""
    stocktakes = Stocktake.objects.for_user(user)
    if enterprise is not None:
        stocktakes = stocktakes.filter(enterprise_id=enterprise)
    opening = {(e, c): (at, q) for e, c, at, q in _counts(stocktakes, start, None)}
    rows: dict[tuple[int, int], ReportRow] = {}
    for e, c, at, q in _counts(stocktakes, end, start):
        if (e, c) in opening:
            open_at, open_q = opening[(e, c)]
            rows[(e, c)] = ReportRow(e, c, open_at, at, open_q, q)
    if not rows:
        return []
    first = min(r.opening_at for r in rows.values())
    last = max(r.closing_at for r in rows.values())
    movements = Movement.objects.for_user(user).filter(occurred_at__gt=first, occurred_at__lte=last)
    if enterprise is not None:
        movements = movements.filter(enterprise_id=enterprise)
    stream = movements.order_by().values_list("enterprise_id", "chemical_id", "kind", "status", "quantity_t",
                                              "occurred_at").iterator(chunk_size=5000)
    for e, c, kind, status, quantity, at in stream:
        row = rows.get((e, c))
        if row is not None and row.opening_at < at <= row.closing_at:
            row.sums.add(kind, status, quantity)
    for row in rows.values():
        s = row.sums
        row.balance = close_balance(row.opening_t, s.inflow, s.outflow, s.used, s.disposed, row.closing_t,
                                    tolerance_percent)
    return sorted(rows.values(), key=lambda r: (r.enterprise_id, r.chemical_id))
