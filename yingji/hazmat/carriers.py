"""Road carriers of dangerous goods: their crews' qualification certificates, and what an e-waybill's carrier,
driver and escort must hold for the whole trip (《道路危险货物运输管理规定》: the carrier's 道路危险货物运输经营
许可证 with the goods' class in its scope; drivers and escorts with valid 从业资格证).

Licences (`Qualification`, kind ``transport``, with ``scope_classes``) and certificates are recorded by the
carrier's supervisors, not by the carrier itself, like every licence of the ledger.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from yingji.registry.models import Enterprise

from . import transport
from .ledger_checks import Problems, save_licence
from .models import Chemical, CrewCertificate, CrewRole, Qualification, QualificationKind

CREW_LABELS = {CrewRole.DRIVER: "驾驶员", CrewRole.ESCORT: "押运员"}  # as the waybill form names them


@transaction.atomic
def record_crew_certificate(data: Mapping[str, Any], *, actor: Any) -> CrewCertificate:
    """Record a driver's or escort's certificate at a carrier; supervisors record them, not the carrier."""
    certificate = CrewCertificate(**data)
    save_licence(certificate, Problems(), actor=actor, label="从业资格证")
    return certificate


@dataclass(frozen=True)
class Trip:
    """What the checks need of a waybill: who carries what, by whom, from which day to which."""

    carrier: Enterprise | None
    carrier_code: str
    chemical: Chemical | None
    goods_class: str
    driver: tuple[str, str]  # (name, certificate number)
    escort: tuple[str, str]
    first_day: date
    last_day: date


def _period(first: date, last: date) -> str:
    return str(first) if first == last else f"{first} 至 {last}"


def goods_classes(chemical: Chemical, declared: str, errors: Problems) -> frozenset[str]:
    """The chemical's classes from its UN numbers; the declared class where the table knows none."""
    known = transport.classes_of(chemical.un_numbers or [])
    declared = declared.strip()
    if declared and declared not in transport.CLASSES:
        errors.add("goods_class", f"“{declared}”不是危险货物类别或项别（如 2.1、3、8）")
        return known
    if known:
        if declared and declared not in known:
            errors.add("goods_class", f"{chemical.name}（UN {'、'.join(chemical.un_numbers)}）属于"
                                      f"{'、'.join(transport.label(c) for c in sorted(known))}，不是 {declared}")
        return known
    if not declared:
        errors.add("goods_class", f"{chemical.name}没有可识别的 UN 号：请填写危险货物类别（如 2.1、3、8），"
                                  "以核对承运企业的经营范围")
        return frozenset()
    return frozenset({declared})


def _licence_problem(trip: Trip, classes: frozenset[str]) -> str | None:
    if trip.carrier is None:
        return (f"承运企业（统一社会信用代码 {trip.carrier_code}）未在平台登记："
                "须由持有道路危险货物运输许可证的登记企业承运")
    held = list(Qualification.objects.filter(enterprise=trip.carrier, kind=QualificationKind.TRANSPORT)
                .order_by("-valid_until"))
    if not held:
        return f"“{trip.carrier.name}”没有登记道路危险货物运输许可证，不能承运危险货物"
    licences = [q for q in held if not q.revoked]
    if not licences:
        return f"“{trip.carrier.name}”的道路危险货物运输许可证 {held[0].number} 已吊销或注销，不能承运危险货物"
    period = _period(trip.first_day, trip.last_day)
    valid = [q for q in licences if q.valid_from <= trip.first_day and q.valid_until >= trip.last_day]
    if not valid:
        latest = licences[0]
        return (f"“{trip.carrier.name}”的道路危险货物运输许可证 {latest.number} 有效期为 {latest.valid_from} 至 "
                f"{latest.valid_until}，不覆盖运输期间 {period}")
    if classes and not any(not transport.uncovered(q.scope_classes, classes) for q in valid):
        missing = transport.uncovered(valid[0].scope_classes, classes)
        scope = "、".join(valid[0].scope_classes)
        return (f"“{trip.carrier.name}”的道路危险货物运输许可证 {valid[0].number} 经营范围为 {scope}，"
                f"不含{'、'.join(transport.label(c) for c in missing)}：不能承运"
                f"{trip.chemical.name if trip.chemical else '该货物'}")
    return None


def _crew_problem(trip: Trip, role: CrewRole, person: tuple[str, str]) -> str | None:
    name, number = person[0].strip(), person[1].strip()
    if not number:
        return None  # "required" is reported with the other missing fields
    label = CREW_LABELS[role]
    certificate = CrewCertificate.objects.filter(role=role, number=number).select_related("enterprise").first()
    if certificate is None:
        return f"{label}从业资格证 {number} 未在平台登记"
    if certificate.revoked:
        return f"{label}从业资格证 {number} 已吊销或注销"
    if certificate.valid_from > trip.first_day or certificate.valid_until < trip.last_day:
        return (f"{label}从业资格证 {number}（{certificate.name}）有效期为 {certificate.valid_from} 至 "
                f"{certificate.valid_until}，不覆盖运输期间 {_period(trip.first_day, trip.last_day)}")
    if name and certificate.name != name:
        return f"{label}从业资格证 {number} 登记的姓名为“{certificate.name}”，不是“{name}”"
    if trip.carrier is not None and certificate.enterprise_id != trip.carrier.pk:
        return f"{label}从业资格证 {number}（{certificate.name}）登记在“{certificate.enterprise.name}”，不属于承运企业"
    return None


def check_trip(trip: Trip, errors: Problems) -> None:
    """Every carrier, licence-scope and crew problem of a waybill, each under its field."""
    classes = goods_classes(trip.chemical, trip.goods_class, errors) if trip.chemical is not None else frozenset()
    problem = _licence_problem(trip, classes)
    if problem:
        errors.add("carrier_credit_code", problem)
    for field, role, person in (("driver_licence", CrewRole.DRIVER, trip.driver),
                                ("escort_licence", CrewRole.ESCORT, trip.escort)):
        problem = _crew_problem(trip, role, person)
        if problem:
            errors.add(field, problem)
