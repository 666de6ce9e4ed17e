"""Demo hazard units from `yingji demo`: the park's firms hold units graded as the calculator says, the county
overview shows major hazards of every grade, and a second run replaces them with an intact audit chain."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from yingji.core.audit import verify_chain
from yingji.core.models import AuditAction, AuditEvent, User
from yingji.hazmat import services
from yingji.hazmat.grading import Holding, evaluate_unit
from yingji.hazmat.models import (
    BalanceStatus,
    Batch,
    HazardUnit,
    Movement,
    MovementStatus,
    PeriodBalance,
    Tank,
    UnitInventory,
    Waybill,
)
from yingji.registry.models import Enterprise

pytestmark = pytest.mark.django_db

API = "/api/v1/hazmat"


def run_demo() -> str:
    out = StringIO()
    call_command("demo", "--load-only", stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded() -> str:
    return run_demo()


def units_snapshot() -> list[tuple[Any, ...]]:
    return sorted(
        (u.enterprise.credit_code, u.name, u.kind, u.exposed_population, u.s, u.r, u.grade,
         tuple((i.substance, i.max_quantity_t) for i in u.inventory.order_by("substance")), u.tanks.count())
        for u in HazardUnit.objects.select_related("enterprise")
    )


def test_every_park_firm_has_one_or_two_demo_units(loaded: str) -> None:
    park = Enterprise.objects.filter(is_demo=True, in_chemical_park=True).exclude(hazard_category="none")
    assert park.count() >= 35
    for firm in park:
        assert 1 <= firm.hazard_units.count() <= 2, firm.name
    units = HazardUnit.objects.all()
    assert units.count() == units.filter(is_demo=True, enterprise__in=park).count()
    assert UnitInventory.objects.filter(unit__is_demo=True).count() >= units.count()
    assert Tank.objects.exists() and not Tank.objects.exclude(unit__kind="storage").exists()
    assert not units.filter(longitude__isnull=True).exists()
    assert "危险化学品单元" in loaded and "重大危险源" in loaded


def test_stored_grading_is_the_calculators(loaded: str) -> None:
    for unit in HazardUnit.objects.prefetch_related("inventory"):
        holdings = [Holding(i.substance, i.max_quantity_t, i.category or None) for i in unit.inventory.all()]
        result = evaluate_unit(unit.name, unit.exposed_population, holdings)
        assert (unit.s, unit.is_major_hazard, unit.r, unit.grade, unit.alpha) == (
            result.s, result.is_major_hazard, result.r, result.grade, result.alpha), unit.name
        assert len(unit.contributions) == len(holdings) and unit.evaluated_at is not None


def test_overview_shows_major_hazards_of_every_grade(loaded: str, client_for: Any) -> None:
    assert HazardUnit.objects.filter(is_major_hazard=False).exists()
    body = client_for(User.objects.get(username="yingji_officer")).get(f"{API}/major-hazards").json()
    assert all(n > 0 for n in body["counts_by_grade"].values()), body["counts_by_grade"]
    assert body["total"] == HazardUnit.objects.filter(is_major_hazard=True).count()
    officer = User.objects.get(username="ent_a")
    mine = client_for(officer).get(f"{API}/units").json()
    assert mine["items"] and {u["enterprise_id"] for u in mine["items"]} == {officer.enterprise_id}


def test_second_run_replaces_the_units_and_the_chain_verifies(loaded: str) -> None:
    first = units_snapshot()
    first_ids = set(HazardUnit.objects.values_list("pk", flat=True))
    run_demo()
    assert units_snapshot() == first
    assert not first_ids & set(HazardUnit.objects.values_list("pk", flat=True))
    checked, broken = verify_chain()
    assert broken is None and checked > 0
    imports = AuditEvent.objects.filter(action=AuditAction.IMPORT, object_type="hazmat.hazardunit")
    assert imports.count() == 2
    after = imports.order_by("-seq")[0].after
    assert after["count"] == len(first) and after["demo"] is True
    assert sum(after["major_by_grade"].values()) == HazardUnit.objects.filter(is_major_hazard=True).count()


def test_a_real_unit_on_a_demo_firm_blocks_the_replacement(loaded: str) -> None:
    firm = Enterprise.objects.filter(is_demo=True, in_chemical_park=True).first()
    admin = User.objects.get(username="admin")
    services.create_unit({"enterprise": firm, "name": "用户登记的单元", "kind": "storage"}, actor=admin)
    before = HazardUnit.objects.count()
    with pytest.raises(CommandError, match="已被其他记录引用"):
        run_demo()
    assert HazardUnit.objects.count() == before  # nothing half-replaced


def test_demo_ledger_traces_a_lot_and_flags_the_depot(loaded: str, client_for: Any) -> None:
    """The park's month of gasoline: one pending tanker, one waybill, one discrepancy (the depot 50 t short)."""
    assert PeriodBalance.objects.count() == 4
    flagged = PeriodBalance.objects.get(status=BalanceStatus.DISCREPANCY)
    figures = (flagged.chemical.name, flagged.expected_t, flagged.closing_t, flagged.difference_t, flagged.tolerance_t)
    assert figures == ("汽油", 2660, 2610, -50, Decimal("13.5"))
    assert Movement.objects.filter(status=MovementStatus.PENDING).count() == 1
    waybill = Waybill.objects.get()
    assert waybill.movement is not None and waybill.movement.pair is not None
    assert waybill.movement.pair.status == MovementStatus.PENDING
    admin = client_for(User.objects.get(username="admin"))
    lot = Batch.objects.get(lot_number="QY-2026-11-A")
    trace = admin.get(f"{API}/ledger/batches/{lot.pk}/trace").json()
    assert len(trace["downstream"]) == 3 and trace["start_id"] == lot.origin_id
    run_demo()  # replaced, not doubled
    assert PeriodBalance.objects.count() == 4 and Waybill.objects.count() == 1
