"""Ledger reads: scoped lists, the sums of one period (database aggregation), the book stock, batch tracing and
the county report over many periods (grouped in the database: memory bounded by the number of
enterprise–chemical pairs, not by the number of movements)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.db import connection
from django.db.models import Case, F, Max, OuterRef, Q, QuerySet, Subquery, Sum, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from yingji.core.scoping import Principal, ScopeRule

from .ledger_math import Balance, Edge, Trace, close_balance, trace_batch
from .models import Batch, Movement, MovementKind, MovementStatus, PeriodBalance, Qualification, Stocktake, Waybill
from .models.ledger import LEDGER_SCOPE

ZERO = Decimal(0)
_PLACES = Decimal("0.000001")
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


# A waybill is in the ledger scope of each registered party: the shipper (its owner), consignee and carrier.
WAYBILL_PARTIES = (LEDGER_SCOPE, *(ScopeRule(kind=LEDGER_SCOPE.kind, enterprise=party,
                                             department=f"{party}__owner_department", area=f"{party}__admin_area")
                                   for party in ("consignee", "carrier")))


def visible_waybills(user: Any) -> QuerySet[Waybill]:
    """Waybills the user may read as, or as a supervisor of, their shipper, consignee or carrier."""
    principal = Principal.of(user)
    filters = [f for rule in WAYBILL_PARTIES if (f := principal.read_filter(rule)) is not None]
    rows = Waybill.objects.all()
    if len(filters) == len(WAYBILL_PARTIES):  # None from any rule: the user reads every waybill
        rows = rows.filter(reduce(or_, filters))
    return rows.select_related("enterprise", "chemical", "batch", "consignee", "carrier")


def waybills_of(user: Any, enterprise_id: int) -> QuerySet[Waybill]:
    """The visible waybills in which this enterprise ships, carries or receives."""
    return visible_waybills(user).filter(Q(enterprise_id=enterprise_id) | Q(consignee_id=enterprise_id)
                                         | Q(carrier_id=enterprise_id))


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


def _bounds(user: Any, start: datetime, end: datetime, enterprise: int | None) -> tuple[str, tuple[Any, ...]]:
    """SQL of the report's pairs: per visible enterprise and chemical, the latest count at or before ``start``
    (open_at) and the latest in (start, end] (close_at); pairs lacking either are left out."""
    counts = Stocktake.objects.for_user(user).filter(counted_at__lte=end)
    if enterprise is not None:
        counts = counts.filter(enterprise_id=enterprise)
    bounds = (counts.order_by().values("enterprise_id", "chemical_id")
              .annotate(open_at=Max(Case(When(counted_at__lte=start, then=F("counted_at")))),
                        close_at=Max(Case(When(counted_at__gt=start, then=F("counted_at")))))
              .filter(open_at__isnull=False, close_at__isnull=False))
    sql, params = bounds.query.sql_with_params()
    return sql, tuple(params)


def _decimal(value: Any) -> Decimal:
    """A SUM or a stored quantity as the ledger keeps it (SQLite sums decimals as floats)."""
    return Decimal(str(value)).quantize(_PLACES)


def _moment(value: Any) -> datetime:
    """A timestamp from a raw row: PostgreSQL gives datetimes, SQLite its UTC text."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)
    parsed = parse_datetime(str(value))
    if parsed is None:
        raise ValueError(f"not a timestamp: {value!r}")
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)


def county_report(user: Any, start: datetime, end: datetime, tolerance_percent: Decimal,
                  enterprise: int | None = None) -> list[ReportRow]:
    """For every visible pair with a count at or before ``start`` and one in (start, end]: the balance between
    the two. Two grouped queries do the work in the database — the counts that bound each pair's period, and
    the movements inside those bounds summed by kind and status — so memory grows with the pairs, not with the
    movements (bench/bench_hazmat.py)."""
    bounds_sql, params = _bounds(user, start, end, enterprise)
    quote = connection.ops.quote_name
    movement, stocktake = quote(Movement._meta.db_table), quote(Stocktake._meta.db_table)
    join = "b.enterprise_id = {t}.enterprise_id AND b.chemical_id = {t}.chemical_id"
    counts_sql = (f"SELECT s.enterprise_id, s.chemical_id, s.counted_at, s.quantity_t, "
                  f"CASE WHEN s.counted_at = b.open_at THEN 1 ELSE 0 END FROM {stocktake} s "
                  f"INNER JOIN ({bounds_sql}) b ON {join.format(t='s')} "
                  f"AND (s.counted_at = b.open_at OR s.counted_at = b.close_at)")
    sums_sql = (f"SELECT m.enterprise_id, m.chemical_id, m.kind, m.status, SUM(m.quantity_t) FROM {movement} m "
                f"INNER JOIN ({bounds_sql}) b ON {join.format(t='m')} "
                f"AND m.occurred_at > b.open_at AND m.occurred_at <= b.close_at "
                f"GROUP BY m.enterprise_id, m.chemical_id, m.kind, m.status")
    ends: dict[tuple[int, int], dict[bool, tuple[datetime, Decimal]]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(counts_sql, params)
        for e, c, at, quantity, is_opening in cursor.fetchall():
            ends[(e, c)][bool(is_opening)] = (_moment(at), _decimal(quantity))
        rows = {pair: ReportRow(pair[0], pair[1], both[True][0], both[False][0], both[True][1], both[False][1])
                for pair, both in ends.items() if True in both and False in both}
        cursor.execute(sums_sql, params)
        for e, c, kind, status, total in cursor.fetchall():
            if (e, c) in rows:
                rows[(e, c)].sums.add(kind, status, _decimal(total))
    for row in rows.values():
        s = row.sums
        row.balance = close_balance(row.opening_t, s.inflow, s.outflow, s.used, s.disposed, row.closing_t,
                                    tolerance_percent)
    return sorted(rows.values(), key=lambda r: (r.enterprise_id, r.chemical_id))
