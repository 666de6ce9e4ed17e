"""Hazmat writes: units and their inventories. Each validates, checks the actor's scope, regrades the unit
with `grading.evaluate_unit` in the same transaction, writes its audit event and publishes after commit.

Inventory rows name substances as the catalogue resolves them (name, alias or CAS in; the catalogue's
standard name stored), so a unit holds one row per substance whatever the user typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yingji.core import audit, events
from yingji.core.models import AuditAction
from yingji.core.records import apply_fields, ensure_may_change
from yingji.core.scoping import facts_of

from .catalogue import current_catalogue
from .constants import MAX_INVENTORY_ROWS, UNIT_GRADED, HazmatAudit
from .grading import Contribution, GradingError, Holding, evaluate_unit
from .models import HazardUnit, Tank, UnitInventory
from .substances import Catalogue, normalize_category

UNIT_FIELDS = ("enterprise", "name", "kind", "exposed_population", "address", "longitude", "latitude",
               "owner_department", "admin_area")


@dataclass(frozen=True)
class InventoryRow:
    """One declared substance as the user wrote it: a name, alias or CAS number, tonnes, an optional category."""

    substance: str
    quantity_t: float
    category: str | None = None


# --- checks ----------------------------------------------------------------------------------------
def _grading_errors(exc: GradingError, prefix: str | None) -> ValidationError:
    """`substances.1.chemical` of the pure grading → `{prefix}1.substance`, or `substance` for one row."""
    errors: dict[str, list[str]] = {}
    for problem in exc.problems:
        field = problem.field
        if field.startswith("substances."):
            _, index, name = field.split(".", 2)
            name = "substance" if name == "chemical" else name
            field = f"{prefix}{index}.{name}" if prefix is not None else name
        errors.setdefault(field, []).append(problem.message)
    return ValidationError(errors)


def _resolved(rows: Sequence[InventoryRow], prefix: str | None) -> list[InventoryRow]:
    """Rows with the catalogue's standard name and the category as the standard writes it.

    :raises ValidationError: every unknown or ambiguous substance, bad category or quantity, and
        duplicate substance, each under its field (`{prefix}{i}.substance` …); nothing is written.
    """
    if len(rows) > MAX_INVENTORY_ROWS:
        raise ValidationError({"inventory": [f"一个单元最多登记 {MAX_INVENTORY_ROWS} 种危险化学品"]})
    catalogue = current_catalogue()
    try:
        evaluate_unit("校验", 0, [Holding(r.substance, r.quantity_t, r.category) for r in rows], catalogue)
    except GradingError as exc:
        raise _grading_errors(exc, prefix) from exc
    resolved: list[InventoryRow] = []
    seen: dict[str, int] = {}
    errors: dict[str, list[str]] = {}
    for i, row in enumerate(rows):
        name = catalogue.find(row.substance).name
        if name in seen:
            errors.setdefault(f"{prefix or ''}{i}.substance", []).append(
                f"“{name}”重复：已在第 {seen[name] + 1} 行登记，请合并为一行最大存在量")
        seen.setdefault(name, i)
        category = normalize_category(row.category) if row.category and row.category.strip() else None
        resolved.append(InventoryRow(name, float(row.quantity_t), category))
    if errors:
        raise ValidationError(errors)
    return resolved


# --- grading ---------------------------------------------------------------------------------------
def grading_state(unit: HazardUnit) -> dict[str, Any]:
    """The stored grading of a unit and its inventory, for the before/after of audit events."""
    return {
        "exposed_population": unit.exposed_population,
        "inventory": [{"substance": i.substance, "quantity_t": i.max_quantity_t, "category": i.category or None}
                      for i in unit.inventory.order_by("substance")],
        "s": unit.s, "is_major_hazard": unit.is_major_hazard, "r": unit.r, "grade": unit.grade,
    }


_CONTRIBUTION_FIELDS = tuple(f.name for f in fields(Contribution))  # asdict() deep-copies: 3× slower here
GRADED_FIELDS = ("s", "is_major_hazard", "r", "grade", "alpha", "alpha_reason", "contributions", "evaluated_at")


def apply_grading(unit: HazardUnit, inventory: Iterable[UnitInventory], catalogue: Catalogue | None = None) -> None:
    """Evaluate these inventory rows of the unit and set its grading fields with the working, unsaved.

    The unit and the rows need not be saved yet (the demo loader grades before it bulk-inserts). Names are
    looked up in ``catalogue`` (the stored catalogue, read once per call unless the caller passes it).
    """
    holdings = [Holding(i.substance, i.max_quantity_t, i.category or None) for i in inventory]
    try:
        result = evaluate_unit(unit.name, unit.exposed_population, holdings, catalogue or current_catalogue())
    except GradingError as exc:  # stored rows were valid when written; the catalogue changed since
        raise _grading_errors(exc, "inventory.") from exc
    unit.s, unit.is_major_hazard, unit.r, unit.grade = result.s, result.is_major_hazard, result.r, result.grade
    unit.alpha, unit.alpha_reason = result.alpha, result.alpha_reason
    unit.contributions = [{name: getattr(c, name) for name in _CONTRIBUTION_FIELDS} for c in result.contributions]
    unit.evaluated_at = timezone.now()


def _regrade(unit: HazardUnit) -> None:
    """Evaluate the unit's stored inventory and store the result with its working."""
    apply_grading(unit, unit.inventory.all())
    unit.save(update_fields=[*GRADED_FIELDS, "updated_at"])


def _publish_graded(unit: HazardUnit, before: dict[str, Any] | None) -> None:
    payload = {
        "id": unit.pk, "kind": "hazmat.hazardunit", "name": unit.name, "enterprise_id": unit.enterprise_id,
        "s": unit.s, "is_major_hazard": unit.is_major_hazard, "r": unit.r, "grade": unit.grade,
        "previous_grade": None if before is None else before["grade"],
        "lon": unit.longitude, "lat": unit.latitude,
    }
    events.publish(UNIT_GRADED, payload, scope=facts_of(unit))


def _audit_inventory(action: HazmatAudit, unit: HazardUnit, before: dict[str, Any], *, actor: Any) -> None:
    audit.record(action, actor=actor, object_type="hazmat.hazardunit", object_id=unit.pk, object_repr=str(unit),
                 before=before, after=grading_state(unit))


# --- units -----------------------------------------------------------------------------------------
def _defaults_from_enterprise(unit: HazardUnit, actor: Any) -> None:
    """A new unit is supervised, located and placed like its enterprise unless stated otherwise."""
    if unit.enterprise_id is None and getattr(actor, "enterprise_id", None):
        unit.enterprise_id = actor.enterprise_id
    if unit.enterprise_id is None:
        return
    enterprise = unit.enterprise
    if unit.owner_department_id is None:
        unit.owner_department_id = enterprise.owner_department_id
    if unit.admin_area_id is None:
        unit.admin_area_id = enterprise.admin_area_id
    if unit.longitude is None and unit.latitude is None:
        unit.longitude, unit.latitude = enterprise.longitude, enterprise.latitude
    if not unit.address:
        unit.address = enterprise.address


@transaction.atomic
def create_unit(data: Mapping[str, Any], *, actor: Any) -> HazardUnit:
    """Declare a unit (empty inventory: S = 0); an enterprise officer's unit belongs to their enterprise."""
    unit = HazardUnit()
    apply_fields(unit, data, allowed=UNIT_FIELDS)
    _defaults_from_enterprise(unit, actor)
    unit.full_clean()
    ensure_may_change(unit, actor, "单元")
    unit.save(force_insert=True)
    _regrade(unit)
    audit.record_change(AuditAction.CREATE, unit, actor=actor, before=None)
    _publish_graded(unit, None)
    return unit


@transaction.atomic
def update_unit(unit: HazardUnit, data: Mapping[str, Any], *, actor: Any) -> HazardUnit:
    """Change a unit's own fields and regrade it (α follows the exposed population); it may not leave scope."""
    ensure_may_change(unit, actor, "单元")
    before = audit.snapshot(unit)
    apply_fields(unit, data, allowed=UNIT_FIELDS)
    unit.full_clean()
    ensure_may_change(unit, actor, "单元")
    unit.save()
    _regrade(unit)
    audit.record_change(AuditAction.UPDATE, unit, actor=actor, before=before)
    _publish_graded(unit, before)
    return unit


@transaction.atomic
def delete_unit(unit: HazardUnit, *, actor: Any) -> None:
    """Delete a unit with its inventory and tanks; the audit event keeps what it held and its grade."""
    ensure_may_change(unit, actor, "单元")
    before = {**audit.snapshot(unit), "inventory": grading_state(unit)["inventory"]}
    facts, pk = facts_of(unit), unit.pk
    payload = {"id": pk, "kind": "hazmat.hazardunit", "verb": "deleted", "name": unit.name,
               "enterprise_id": unit.enterprise_id, "previous_grade": unit.grade}
    unit.delete()
    unit.pk = pk
    audit.record_change(AuditAction.DELETE, unit, actor=actor, before=before)
    events.publish("hazmat.unit.deleted", payload, scope=facts)


# --- inventories -----------------------------------------------------------------------------------
@transaction.atomic
def set_inventory(unit: HazardUnit, substance: str, quantity_t: float, category: str | None = None, *,
                  actor: Any) -> UnitInventory:
    """Declare (or change) the maximum quantity of one substance in the unit, then regrade the unit.

    :raises ValidationError: under `substance`, `quantity_t` or `category`, naming the substance.
    """
    ensure_may_change(unit, actor, "单元")
    row = _resolved([InventoryRow(substance, quantity_t, category)], None)[0]
    before = grading_state(unit)
    item, _created = UnitInventory.objects.update_or_create(
        unit=unit, substance=row.substance,
        defaults={"max_quantity_t": row.quantity_t, "category": row.category or ""},
    )
    _regrade(unit)
    _audit_inventory(HazmatAudit.INVENTORY_SET, unit, before, actor=actor)
    _publish_graded(unit, before)
    return item


@transaction.atomic
def remove_inventory(unit: HazardUnit, substance: str, *, actor: Any) -> None:
    """Remove one substance from the unit, then regrade it.

    :raises ValidationError: under `substance` when the unit does not hold it.
    """
    ensure_may_change(unit, actor, "单元")
    try:
        name = current_catalogue().find(substance).name
    except LookupError as exc:
        raise ValidationError({"substance": [str(exc)]}) from exc
    before = grading_state(unit)
    deleted, _ = unit.inventory.filter(substance=name).delete()
    if not deleted:
        raise ValidationError({"substance": [f"单元“{unit.name}”未登记“{name}”"]})
    _regrade(unit)
    _audit_inventory(HazmatAudit.INVENTORY_REMOVE, unit, before, actor=actor)
    _publish_graded(unit, before)


@transaction.atomic
def replace_inventory(unit: HazardUnit, rows: Sequence[InventoryRow], *, actor: Any) -> HazardUnit:
    """Replace the unit's whole inventory with these rows and regrade it: all of them or nothing.

    :raises ValidationError: every problem at once, under `{i}.substance`, `{i}.quantity_t`, `{i}.category`.
    """
    ensure_may_change(unit, actor, "单元")
    resolved = _resolved(rows, "")
    before = grading_state(unit)
    unit.inventory.all().delete()
    UnitInventory.objects.bulk_create([
        UnitInventory(unit=unit, substance=r.substance, max_quantity_t=r.quantity_t, category=r.category or "")
        for r in resolved
    ])
    _regrade(unit)
    _audit_inventory(HazmatAudit.INVENTORY_REPLACE, unit, before, actor=actor)
    _publish_graded(unit, before)
    return unit


# --- tanks -----------------------------------------------------------------------------------------
@transaction.atomic
def save_tank(tank: Tank, *, actor: Any) -> Tank:
    """Register or change a tank of a unit the actor may change (tanks do not change the grading yet)."""
    ensure_may_change(tank.unit, actor, "单元")
    before = None
    if not tank._state.adding:
        original = Tank.objects.select_related("unit").get(pk=tank.pk)
        ensure_may_change(original.unit, actor, "单元")  # nor may a tank be moved out of another's unit
        before = audit.snapshot(original)
    tank.full_clean()
    tank.save()
    audit.record_change(AuditAction.CREATE if before is None else AuditAction.UPDATE, tank, actor=actor,
                        before=before)
    return tank


@transaction.atomic
def delete_tank(tank: Tank, *, actor: Any) -> None:
    """Remove a tank of a unit the actor may change."""
    ensure_may_change(tank.unit, actor, "单元")
    before, pk = audit.snapshot(tank), tank.pk
    tank.delete()
    tank.pk = pk
    audit.record_change(AuditAction.DELETE, tank, actor=actor, before=before)
