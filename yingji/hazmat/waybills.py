"""E-waybills (电子运单) for road shipments of hazardous chemicals: every field checked at once (plate, route,
times, credit codes, the carrier's transport licence and its scope, the crew's certificates — `carriers`),
nothing written on any problem; audited and published like the ledger."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from yingji.core import audit
from yingji.core.credit_code import normalize_credit_code, validate_credit_code
from yingji.core.models import AuditAction
from yingji.registry.models import Enterprise

from . import carriers
from .ledger_checks import (
    OUTBOUND_TO_ENTERPRISE,
    Problems,
    aware,
    chemical_of,
    ensure_writer,
    enterprise_of,
    publish_ledger,
    quantity_of,
)
from .ledger_math import plate_problem, route_problem
from .models import Movement, Waybill


@dataclass(frozen=True)
class WaybillDraft:
    """An e-waybill as written: the consignee and carrier by credit code, the route as [lon, lat] points."""

    carrier_name: str
    carrier_credit_code: str
    vehicle_plate: str
    driver_name: str
    driver_licence: str
    escort_name: str
    escort_licence: str
    consignee_name: str
    chemical: str
    quantity: Any
    planned_departure: datetime | None
    planned_arrival: datetime | None
    planned_route: Sequence[Sequence[float]] = field(default_factory=list)
    unit: str = "t"
    enterprise: int | None = None
    consignee_credit_code: str = ""
    movement: int | None = None
    lot_number: str = ""
    number: str = ""
    goods_class: str = ""  # 危险货物类别, needed only for a chemical whose UN numbers the platform cannot classify


def _waybill_people(draft: WaybillDraft, errors: Problems) -> None:
    required = (("carrier_name", "承运企业"), ("driver_name", "驾驶员姓名"), ("driver_licence", "驾驶员从业资格证号"),
                ("escort_name", "押运员姓名"), ("escort_licence", "押运员从业资格证号"))
    for name, label in required:
        if not str(getattr(draft, name)).strip():
            errors.add(name, f"请填写{label}")
    if draft.driver_licence.strip() and draft.driver_licence.strip() == draft.escort_licence.strip():
        errors.add("escort_licence", "押运员与驾驶员不能是同一人（从业资格证号相同）")
    problem = validate_credit_code(normalize_credit_code(draft.carrier_credit_code))
    if problem:
        errors.add("carrier_credit_code", problem)
    problem = plate_problem(draft.vehicle_plate)
    if problem:
        errors.add("vehicle_plate", problem)
    problem = route_problem(draft.planned_route)
    if problem:
        errors.add("planned_route", problem)


def _waybill_number() -> str:
    return f"YD{timezone.localdate():%Y%m%d}{uuid.uuid4().hex[:6].upper()}"


@transaction.atomic
def record_waybill(draft: WaybillDraft, *, actor: Any) -> Waybill:
    """Issue an e-waybill for one shipment by the actor's enterprise; every field checked, nothing written on error."""
    errors = Problems()
    shipper = enterprise_of(draft.enterprise, actor, errors)
    if shipper is not None:
        ensure_writer(shipper, actor)
    chemical = chemical_of(draft.chemical, errors)
    quantity = quantity_of(draft.quantity, draft.unit, errors)
    _waybill_people(draft, errors)
    departure = arrival = None
    if draft.planned_departure is None or draft.planned_arrival is None:
        errors.add("planned_arrival" if draft.planned_departure else "planned_departure", "请填写计划出发和到达时间")
    else:
        departure, arrival = aware(draft.planned_departure), aware(draft.planned_arrival)
        if arrival <= departure:
            errors.add("planned_arrival", "计划到达时间必须晚于出发时间")
    consignee = None
    if draft.consignee_credit_code.strip():
        code = normalize_credit_code(draft.consignee_credit_code)
        consignee = Enterprise.objects.filter(credit_code=code).first()
        problem = validate_credit_code(code)
        if problem:
            errors.add("consignee_credit_code", problem)
    if consignee is None and not draft.consignee_name.strip():
        errors.add("consignee_name", "请填写收货单位（或其统一社会信用代码）")
    carrier_code = normalize_credit_code(draft.carrier_credit_code)
    carrier = Enterprise.objects.filter(credit_code=carrier_code).first() if carrier_code else None
    if departure is not None and arrival is not None and arrival > departure \
            and validate_credit_code(carrier_code) is None:  # a malformed code is reported above, once
        carriers.check_trip(carriers.Trip(
            carrier=carrier, carrier_code=carrier_code, chemical=chemical, goods_class=draft.goods_class,
            driver=(draft.driver_name, draft.driver_licence), escort=(draft.escort_name, draft.escort_licence),
            first_day=timezone.localdate(departure), last_day=timezone.localdate(arrival)), errors)
    movement = None
    if draft.movement is not None and shipper is not None:
        movement = Movement.objects.filter(pk=draft.movement, enterprise=shipper,
                                           kind__in=OUTBOUND_TO_ENTERPRISE).first()
        if movement is None:
            errors.add("movement", "对应的调出记录不存在或不属于本企业")
        elif chemical is not None and movement.chemical_id != chemical.pk:
            errors.add("movement", "运单化学品与调出记录不一致")
    errors.raise_if_any()
    assert shipper is not None and chemical is not None and quantity is not None
    assert departure is not None and arrival is not None
    batch = movement.batch if movement is not None else None
    waybill = Waybill(
        enterprise=shipper, number=draft.number.strip() or _waybill_number(),
        movement=movement, carrier=carrier, carrier_name=carrier.name if carrier else draft.carrier_name.strip(),
        carrier_credit_code=normalize_credit_code(draft.carrier_credit_code),
        vehicle_plate=draft.vehicle_plate.strip().upper(), driver_name=draft.driver_name.strip(),
        driver_licence=draft.driver_licence.strip(), escort_name=draft.escort_name.strip(),
        escort_licence=draft.escort_licence.strip(), consignee=consignee,
        consignee_name=consignee.name if consignee else draft.consignee_name.strip(), chemical=chemical, batch=batch,
        quantity_t=quantity, planned_route=[list(map(float, p)) for p in draft.planned_route],
        planned_departure=departure, planned_arrival=arrival,
    )
    waybill.full_clean()
    waybill.save(force_insert=True)
    audit.record_change(AuditAction.CREATE, waybill, actor=actor, before=None)
    publish_ledger("waybill", waybill, {"enterprise_id": shipper.pk, "number": waybill.number,
                                  "vehicle_plate": waybill.vehicle_plate, "consignee_id": waybill.consignee_id,
                                  "carrier_id": waybill.carrier_id})
    return waybill
