"""Excel/CSV import of enterprises' units and inventories (and tanks), in the registry import's style: pass one
checks every row (cells with `core.tabular`, then the catalogue, the enterprise and the actor's scope, and each
unit graded as a whole so an unknown substance or a missing category is reported on its row); a dry run stops
there with the report; otherwise pass two writes every unit through the services (created when new, the whole
inventory replaced, regraded, audited) in one transaction — all rows or none.

One row per unit and substance; a row may also name a tank of the unit (位号, 容积 …), whose medium is the
row's substance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, BinaryIO

from django.db import transaction

from yingji.core import tabular
from yingji.core.scoping import Principal, facts_of
from yingji.core.tabular import Column, RowError
from yingji.registry.models import Enterprise

from . import services
from .catalogue import current_catalogue
from .grading import GradingError, Holding, evaluate_unit
from .models import HazardUnit, Tank, UnitKind

KINDS = {"生产单元": UnitKind.PRODUCTION, "储存单元": UnitKind.STORAGE, "production": UnitKind.PRODUCTION,
         "storage": UnitKind.STORAGE}
COLUMNS = (
    Column("统一社会信用代码", "credit_code", tabular.credit_code(), required=True),
    Column("单元名称", "unit", tabular.text(200, min_len=1), required=True),
    Column("单元类型", "kind", tabular.choice(KINDS, what="单元类型"), required=True, help="生产单元或储存单元"),
    Column("边界500m内人数", "people", tabular.non_negative(integer_only=True), default=None,
           aliases=("边界500 m内人数",)),
    Column("危险化学品", "substance", tabular.text(100, min_len=1), required=True, help="名称、别名或 CAS 号"),
    Column("最大存在量（t）", "quantity_t", tabular.non_negative(10_000_000), required=True,
           aliases=("最大存在量(t)", "最大存在量")),
    Column("危险性类别", "category", tabular.text(8), default="", help="GB 18218-2018 表2，如 W5.3"),
    Column("储罐位号", "tank", tabular.text(50), default=""),
    Column("容积（m³）", "volume_m3", tabular.non_negative(1_000_000), default=None, aliases=("容积(m3)", "容积")),
    Column("最大充装系数", "fill", tabular.decimal(0, 1), default=None),
    Column("设计压力（MPa）", "pressure", tabular.floating(-0.1, 100), default=None, aliases=("设计压力(MPa)",)),
    Column("设计温度（℃）", "temperature", tabular.floating(-273, 1000), default=None, aliases=("设计温度(℃)",)),
)


@dataclass
class _Unit:
    enterprise: Enterprise
    name: str
    kind: str
    people: int | None
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


@dataclass
class ImportReport:
    """What the import found (and, unless a dry run, wrote): counts, and every error with its row and column."""

    total_rows: int = 0
    units: int = 0
    written: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _group(rows: Sequence[tuple[int, dict[str, Any]]], actor: Any, errors: list[RowError]) -> dict[tuple[int, str],
                                                                                                  _Unit]:
    codes = {values["credit_code"] for _, values in rows}
    firms = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
    principal = Principal.of(actor)
    units: dict[tuple[int, str], _Unit] = {}
    for number, values in rows:
        firm = firms.get(values["credit_code"])
        if firm is None:
            errors.append(RowError(number, "统一社会信用代码", values["credit_code"], "该企业未在平台登记"))
            continue
        if not principal.may_change(facts_of(HazardUnit(enterprise=firm))):
            errors.append(RowError(number, "统一社会信用代码", values["credit_code"],
                                   f"超出您的数据权限范围：不能为“{firm.name}”登记单元"))
            continue
        key = (firm.pk, values["unit"])
        unit = units.setdefault(key, _Unit(firm, values["unit"], values["kind"], values["people"]))
        if values["kind"] != unit.kind:
            first = unit.rows[0][0]
            errors.append(RowError(number, "单元类型", str(values["kind"]), f"与第 {first} 行同一单元的类型不一致"))
        unit.rows.append((number, values))
    return units


def _check_unit(unit: _Unit, catalogue: Any, errors: list[RowError]) -> None:
    holdings = [Holding(v["substance"], float(v["quantity_t"]), v["category"] or None) for _, v in unit.rows]
    seen: dict[str, int] = {}
    try:
        evaluate_unit(unit.name, unit.people or 0, holdings, catalogue)
    except GradingError as exc:
        for problem in exc.problems:
            _, index, name = problem.field.split(".", 2)
            number, values = unit.rows[int(index)]
            column = {"chemical": "危险化学品", "category": "危险性类别"}.get(name, "最大存在量（t）")
            errors.append(RowError(number, column, values.get("substance"), problem.message))
        return
    for number, values in unit.rows:
        name = catalogue.find(values["substance"]).name
        if name in seen:
            errors.append(RowError(number, "危险化学品", values["substance"],
                                   f"“{name}”在单元“{unit.name}”中重复：已在第 {seen[name]} 行登记"))
        seen.setdefault(name, number)


def _write(unit: _Unit, actor: Any) -> None:
    stored = HazardUnit.objects.filter(enterprise=unit.enterprise, name=unit.name).first()
    data: dict[str, Any] = {"kind": unit.kind}
    if unit.people is not None:
        data["exposed_population"] = unit.people
    if stored is None:
        stored = services.create_unit({"enterprise": unit.enterprise, "name": unit.name, **data}, actor=actor)
    elif any(getattr(stored, k) != v for k, v in data.items()):
        stored = services.update_unit(stored, data, actor=actor)
    services.replace_inventory(stored, [services.InventoryRow(v["substance"], float(v["quantity_t"]),
                                                              v["category"] or None) for _, v in unit.rows],
                               actor=actor)
    for _, values in unit.rows:
        if not values["tank"]:
            continue
        tank = Tank.objects.filter(unit=stored, code=values["tank"]).first() or Tank(unit=stored, code=values["tank"])
        tank.medium = current_catalogue().find(values["substance"]).name
        tank.volume_m3 = float(values["volume_m3"] or Decimal(0))
        tank.max_fill_ratio = float(values["fill"]) if values["fill"] is not None else 0.85
        tank.design_pressure_mpa, tank.design_temperature_c = values["pressure"], values["temperature"]
        services.save_tank(tank, actor=actor)


def import_inventories(file: BinaryIO, filename: str, *, actor: Any, dry_run: bool = True) -> ImportReport:
    """Check (and unless ``dry_run``, write) a file of units and inventories; nothing is written on any error.

    :raises tabular.TabularError: the file itself is unreadable (type, size, sheet, missing columns).
    """
    with tabular.read_rows(file, filename) as reader:
        checked = tabular.validate_table(reader, COLUMNS)
    report = ImportReport(total_rows=checked.total_rows, errors=list(checked.errors))
    units = _group(checked.rows, actor, report.errors)
    catalogue = current_catalogue()
    for unit in units.values():
        _check_unit(unit, catalogue, report.errors)
    for unit in units.values():
        tanks = [v["tank"] for _, v in unit.rows if v["tank"]]
        for number, values in unit.rows:
            if values["tank"] and values["volume_m3"] is None:
                report.errors.append(RowError(number, "容积（m³）", None, "填写了储罐位号时容积必填"))
            if values["tank"] and tanks.count(values["tank"]) > 1:
                report.errors.append(RowError(number, "储罐位号", values["tank"], "同一单元中储罐位号重复"))
    report.errors.sort(key=lambda e: (e.row, e.column or ""))
    report.units = len(units)
    if report.ok and not dry_run:
        with transaction.atomic():
            for unit in units.values():
                _write(unit, actor)
        report.written = True
    return report
