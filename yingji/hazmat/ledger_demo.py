"""Demo ledger for `yingji demo` (called by `demo.load_demo`): licences for the chemical-park firms and one month
of gasoline moving through the park — a refinery produces a lot, ships most of it to an oil depot and a tanker
load (with its e-waybill) to a trader, the depot sells on to the trader, the refinery sends benzene residue
to a licensed disposal firm — closed by stocktakes, one of which does not balance (the depot is 50 t short).

The trader's tanker load is left pending, so the demo shows a transfer waiting for the receiver. Rows are
written directly (like the demo units) and the periods closed by `ledger_services.close_period`, the same
balance every stocktake gets. Times are relative to the day the demo is loaded.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final

from django.db.models import Q
from django.utils import timezone

from yingji.core.credit_code import make_credit_code
from yingji.registry.models import Enterprise

from .ledger_services import close_period
from .models import (
    Batch,
    Chemical,
    Movement,
    MovementKind,
    MovementStatus,
    PeriodBalance,
    Qualification,
    QualificationKind,
    Stocktake,
    Waybill,
)

LOT: Final = "QY-2026-11-A"  # the refinery's gasoline lot traced through the park
PRODUCERS: Final = ("石化有限公司", "化工有限公司", "精细化工有限公司", "沥青有限公司", "新材料有限公司",
                    "助剂有限公司")


def _firm(firms: list[Enterprise], *suffixes: str, skip: tuple[Enterprise | None, ...] = ()) -> Enterprise | None:
    return next((f for f in firms if f.name.endswith(suffixes) and f not in skip), None)


def _licences(firms: list[Enterprise], disposer: Enterprise) -> list[Qualification]:
    rows = []
    for n, firm in enumerate(firms, start=1):
        kind = QualificationKind.PRODUCTION if firm.name.endswith(PRODUCERS) else QualificationKind.OPERATION
        rows.append(Qualification(enterprise=firm, kind=kind, number=f"（辽）WH安许证字〔2025〕{n:04d}",
                                  valid_from=date(2025, 1, 1), valid_until=date(2028, 12, 31)))
    rows.append(Qualification(enterprise=disposer, kind=QualificationKind.WASTE, number="辽危废经许字 2111220001",
                              valid_from=date(2025, 6, 1), valid_until=date(2030, 5, 31)))
    return Qualification.objects.bulk_create(rows)


def _transfer(sender: Enterprise, receiver: Enterprise, chemical: Chemical, tonnes: str, when: datetime,
              batch: Batch | None, *, received: datetime | None, kind: str = MovementKind.TRANSFER_OUT) -> Movement:
    out = Movement.objects.create(enterprise=sender, chemical=chemical, batch=batch, kind=kind,
                                  quantity_t=Decimal(tonnes), occurred_at=when, counterpart=receiver,
                                  counterpart_name=receiver.name, counterpart_credit_code=receiver.credit_code)
    inbound = Movement.objects.create(
        enterprise=receiver, chemical=chemical, batch=batch, kind=MovementKind.TRANSFER_IN,
        status=MovementStatus.PENDING if received is None else MovementStatus.CONFIRMED, quantity_t=Decimal(tonnes),
        occurred_at=received or when, counterpart=sender, counterpart_name=sender.name,
        counterpart_credit_code=sender.credit_code, pair=out, note=f"{sender.name}{out.get_kind_display()}")
    out.pair = inbound
    out.save(update_fields=["pair"])
    return out


def _count(firm: Enterprise, chemical: Chemical, when: datetime, tonnes: str) -> Stocktake:
    return Stocktake.objects.create(enterprise=firm, chemical=chemical, counted_at=when, quantity_t=Decimal(tonnes))


def load_ledger(firms: list[Enterprise]) -> dict[str, int]:
    """Write the demo ledger for these park firms (credit-code order); {} when the park lacks the roles."""
    refinery = _firm(firms, "石化有限公司")
    depot = _firm(firms, "油品储运有限公司", "石化仓储有限公司")
    trader = _firm(firms, "石油化工销售有限公司", "化工贸易有限公司", "能源有限公司")
    disposer = _firm(firms, "精细化工有限公司", "助剂有限公司", "化工有限公司", skip=(refinery,))
    if refinery is None or depot is None or trader is None or disposer is None:
        return {}
    gasoline, benzene = Chemical.objects.get(name="汽油"), Chemical.objects.get(name="苯")
    start = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0) - timedelta(days=30)

    def day(n: float) -> datetime:
        return start + timedelta(days=n)

    licences = _licences(firms, disposer)
    opening = [_count(refinery, gasoline, day(0), "800"), _count(depot, gasoline, day(0), "1200"),
               _count(trader, gasoline, day(0), "50"), _count(refinery, benzene, day(0), "120")]
    lot = Batch.objects.create(origin=refinery, chemical=gasoline, lot_number=LOT)
    Movement.objects.create(enterprise=refinery, chemical=gasoline, batch=lot, kind=MovementKind.PRODUCTION,
                            quantity_t=Decimal(2000), occurred_at=day(2), note="催化裂化装置")
    _transfer(refinery, depot, gasoline, "1500", day(5), lot, received=day(5.5))
    tanker = _transfer(refinery, trader, gasoline, "30", day(8), lot, received=None)  # still pending
    _transfer(depot, trader, gasoline, "40", day(10), lot, received=day(10.3))
    _transfer(refinery, disposer, benzene, "2.5", day(12), None, received=day(12.4), kind=MovementKind.DISPOSAL)
    Movement.objects.create(enterprise=refinery, chemical=benzene, kind=MovementKind.USE,
                            quantity_t=Decimal("17.5"), occurred_at=day(15), note="氯化反应进料")
    Waybill.objects.create(
        enterprise=refinery, number=f"YD{day(8):%Y%m%d}0001", movement=tanker,
        carrier_name="盘锦鑫安危险货物运输有限公司",
        carrier_credit_code=make_credit_code("91211100MA0Y4K2L3"), vehicle_plate="辽L3J852", driver_name="刘建国",
        driver_licence="211122197803150016", escort_name="王海涛", escort_licence="211122198511020034",
        consignee=trader, consignee_name=trader.name, chemical=gasoline, batch=lot, quantity_t=Decimal(30),
        planned_route=[[refinery.longitude, refinery.latitude], [trader.longitude, trader.latitude]]
        if refinery.longitude is not None and trader.longitude is not None else [[122.03, 41.21], [122.07, 41.24]],
        planned_departure=day(8), planned_arrival=day(8) + timedelta(hours=2))
    # Refinery 800 + 2000 − 1500 − 30 = 1270, counted 1268: −2 t within 0.5 % × 2800 = 14 t.
    # Depot 1200 + 1500 − 40 = 2660, counted 2610: 50 t short, beyond 0.5 % × 2700 = 13.5 t → discrepancy.
    # Trader 50 + 40 = 90 (the tanker's 30 t still pending), counted 90. Refinery benzene 120 − 2.5 − 17.5 = 100.
    closing = [_count(refinery, gasoline, day(20), "1268"), _count(depot, gasoline, day(20), "2610"),
               _count(trader, gasoline, day(20), "90"), _count(refinery, benzene, day(20), "100")]
    balances = [close_period(o, c) for o, c in zip(opening, closing, strict=True)]
    return {"licences": len(licences), "movements": Movement.objects.filter(enterprise__in=firms).count(),
            "balances": len(balances), "discrepancies": sum(b.status == "discrepancy" for b in balances)}


def unload_ledger() -> None:
    """Delete the ledger records of demo enterprises (so the registry can replace them)."""
    demo = Q(enterprise__is_demo=True)
    PeriodBalance.objects.filter(demo).delete()
    Stocktake.objects.filter(demo).delete()
    Waybill.objects.filter(demo).delete()
    movements = Movement.objects.filter(demo | Q(counterpart__is_demo=True))
    movements.update(pair=None)
    movements.delete()
    Batch.objects.filter(origin__is_demo=True).delete()
    Qualification.objects.filter(demo).delete()
