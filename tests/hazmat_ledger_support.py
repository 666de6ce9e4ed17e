"""Shared set-up for the ledger tests: licences, a time base in the past, movements by the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests import factories
from yingji.core.roles import Role
from yingji.hazmat import carriers, waybills
from yingji.hazmat import ledger_services as services
from yingji.hazmat.models import Movement, PeriodBalance, Waybill

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 10, 1, 8, 0, tzinfo=SHANGHAI)  # the tests' ledger runs in October, before the real clock


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def licence(enterprise: Any, kind: str, actor: Any, number: str | None = None) -> Any:
    return services.record_qualification(
        {"enterprise_id": enterprise.pk, "kind": kind, "number": number or f"{kind}-{enterprise.pk}",
         "valid_from": date(2026, 1, 1), "valid_until": date(2028, 12, 31)}, actor=actor)


def move(actor: Any, kind: str, quantity: Any, days: float, *, enterprise: Any = None, chemical: str = "氯",
         to: Any = None, lot: str = "", unit: str = "t", supplier: str = "") -> Movement:
    return services.record_movement(services.MovementDraft(
        kind=kind, chemical=chemical, quantity=quantity, unit=unit, occurred_at=at(days),
        enterprise=None if enterprise is None else enterprise.pk, lot_number=lot,
        counterpart_credit_code="" if to is None else to.credit_code, counterpart_name=supplier), actor=actor)


def count(actor: Any, quantity: Any, days: float, *, enterprise: Any = None, chemical: str = "氯") -> Any:
    return services.record_stocktake(None if enterprise is None else enterprise.pk, chemical, at(days), quantity,
                                     actor=actor)


WAYBILL = {
    "carrier_name": "盘锦危货运输有限公司", "carrier_credit_code": "91110000600037341L", "vehicle_plate": "辽L12345",
    "driver_name": "李师傅", "driver_licence": "210000198001010011", "escort_name": "赵押运",
    "escort_licence": "210000198502020022", "consignee_name": "", "chemical": "氯", "quantity": 10,
    "planned_route": [[122.06, 41.23], [122.10, 41.20], [122.15, 41.18]],
}


@dataclass
class Carrier:
    """A registered road carrier of dangerous goods with its officer, its licence and its certified crew."""

    enterprise: Any
    officer: Any
    licence: Any


def carrier_of(people: Any, area: Any, department: Any, scope: tuple[str, ...] = ("2", "3", "8")) -> Carrier:
    """WAYBILL's carrier, registered and licensed for classes 2, 3 and 8 in 2026–2028, and its driver and escort."""
    firm = factories.EnterpriseFactory(name="盘锦危货运输有限公司", credit_code=WAYBILL["carrier_credit_code"],
                                       admin_area=area, owner_department=department)
    officer = factories.UserFactory(username="officer_carrier", role=Role.ENTERPRISE_OFFICER, enterprise=firm)
    licence = services.record_qualification(
        {"enterprise_id": firm.pk, "kind": "transport", "number": "辽交运管许可盘字211122000001",
         "valid_from": date(2026, 1, 1), "valid_until": date(2028, 12, 31), "scope_classes": list(scope)},
        actor=people.admin)
    for role, name, number in (("driver", WAYBILL["driver_name"], WAYBILL["driver_licence"]),
                               ("escort", WAYBILL["escort_name"], WAYBILL["escort_licence"])):
        carriers.record_crew_certificate({"enterprise": firm, "role": role, "name": name, "number": number,
                                          "valid_from": date(2026, 1, 1), "valid_until": date(2028, 12, 31)},
                                         actor=people.admin)
    return Carrier(firm, officer, licence)


@dataclass
class LedgerOfB:
    """Enterprise B's ledger records, for the scoping walk: each should be out of A's officer's reach."""

    movement: Movement
    inbound: Movement  # pending, from a third enterprise C
    waybill: Waybill
    balance: PeriodBalance


def ledger_of_b(people: Any, enterprise_b: Any, enterprise_c: Any) -> LedgerOfB:
    licence(enterprise_b, "operation", people.admin)
    carrier_of(people, enterprise_c.admin_area, enterprise_c.owner_department)
    b = people.officer_b
    count(b, 10, 0, enterprise=enterprise_b)
    movement = move(b, "production", 50, 1, enterprise=enterprise_b, lot="B-001")
    count(b, 30, 2, enterprise=enterprise_b)  # 10 + 50 = 60 expected, 30 counted: a discrepancy
    balance = PeriodBalance.objects.get(enterprise=enterprise_b)
    inbound_out = move(people.admin, "transfer_out", 5, 3, enterprise=enterprise_c, to=enterprise_b,
                       chemical="氨", supplier="")
    assert inbound_out.pair is not None
    waybill = waybills.record_waybill(waybills.WaybillDraft(
        **{**WAYBILL, "consignee_name": "丙公司"}, enterprise=enterprise_b.pk, planned_departure=at(4),
        planned_arrival=at(4.2)), actor=b)
    return LedgerOfB(movement, inbound_out.pair, waybill, balance)
