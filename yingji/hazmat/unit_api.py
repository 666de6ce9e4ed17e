"""Stored units (GB 18218-2018 identification of what enterprises declare) and the county overview.

Reads go through `queries` (the reader's scope; 404 outside it), writes through `services` (scope check,
regrading, audit and event in one transaction).
"""

from datetime import datetime
from typing import Any, BinaryIO, Literal, cast

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from yingji.core import tabular
from yingji.core.exports import stream_export

from . import queries, services
from .inventory_import import import_inventories
from .models import HazardUnit
from .schemas import ContributionOut

router = Router(tags=["hazmat"])

Kind = Literal["production", "storage"]


class UnitIn(Schema):
    enterprise: int | None = Field(None, description="企业 id；企业用户可省略（默认本企业）")
    name: str = Field(..., min_length=1, max_length=200)
    kind: Kind
    exposed_population: int = Field(0, ge=0, description="单元边界500 m范围内人数（表5 α）")
    address: str = ""
    longitude: float | None = None
    latitude: float | None = None


class UnitPatch(Schema):
    enterprise: int | None = None
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: Kind | None = None
    exposed_population: int | None = Field(None, ge=0)
    address: str | None = None
    longitude: float | None = None
    latitude: float | None = None


class InventoryRowIn(Schema):
    substance: str = Field(..., description="目录中的名称、别名、英文名或 CAS 号")
    quantity_t: float = Field(..., description="最大存在量，吨")
    category: str | None = Field(None, description="GB 18218-2018 表2 类别（如 W5.3），目录要求时必填")


class InventoryOut(Schema):
    substance: str
    category: str | None
    max_quantity_t: float


class TankOut(Schema):
    code: str
    volume_m3: float
    medium: str
    max_fill_ratio: float
    design_pressure_mpa: float | None
    design_temperature_c: float | None


class UnitOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    name: str
    kind: str
    exposed_population: int
    address: str
    longitude: float | None
    latitude: float | None
    s: float
    is_major_hazard: bool
    r: float | None
    grade: int | None
    grade_label: str | None
    evaluated_at: datetime | None


class UnitDetailOut(UnitOut):
    alpha: float | None
    alpha_reason: str
    contributions: list[ContributionOut]
    inventory: list[InventoryOut]
    tanks: list[TankOut]


class UnitPage(Schema):
    count: int
    items: list[UnitOut]


class MajorHazardsOut(Schema):
    total: int
    counts_by_grade: dict[str, int] = Field(..., description='{"1": 一级数量, … "4": 四级数量}')
    items: list[UnitOut]


def _row(unit: HazardUnit) -> dict[str, Any]:
    return {
        "id": unit.pk, "enterprise_id": unit.enterprise_id, "enterprise_name": unit.enterprise.name,
        "name": unit.name, "kind": unit.kind, "exposed_population": unit.exposed_population,
        "address": unit.address, "longitude": unit.longitude, "latitude": unit.latitude,
        "s": unit.s, "is_major_hazard": unit.is_major_hazard, "r": unit.r, "grade": unit.grade,
        "grade_label": unit.get_grade_display() if unit.grade else None, "evaluated_at": unit.evaluated_at,
    }


def _detail(unit: HazardUnit) -> dict[str, Any]:
    return {
        **_row(unit),
        "alpha": unit.alpha,
        "alpha_reason": unit.alpha_reason,
        "contributions": unit.contributions,
        "inventory": [{"substance": i.substance, "category": i.category or None, "max_quantity_t": i.max_quantity_t}
                      for i in unit.inventory.all()],
        "tanks": list(unit.tanks.all()),
    }


def _reloaded(request: HttpRequest, unit: HazardUnit) -> dict[str, Any]:
    return _detail(queries.visible_unit(request.user, unit.pk))


@router.get("/units", response=UnitPage, summary="危险化学品单元列表")
def list_units(request: HttpRequest, enterprise: int | None = None, kind: Kind | None = None,
               major: bool | None = None, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    units = queries.visible_units(request.user)
    if enterprise is not None:
        units = units.filter(enterprise_id=enterprise)
    if kind is not None:
        units = units.filter(kind=kind)
    if major is not None:
        units = units.filter(is_major_hazard=major)
    limit, offset = max(1, min(limit, 1000)), max(offset, 0)
    return {"count": units.count(), "items": [_row(u) for u in units[offset : offset + limit]]}


@router.post("/units", response={201: UnitDetailOut}, summary="新增危险化学品单元（生产单元、储存单元）")
def create_unit(request: HttpRequest, payload: UnitIn) -> Status[Any]:
    unit = services.create_unit(payload.dict(), actor=request.user)
    return Status(201, _reloaded(request, unit))


class ImportErrorOut(Schema):
    row: int
    column: str | None
    message: str


class ImportOut(Schema):
    ok: bool
    written: bool
    total_rows: int
    units: int
    errors: list[ImportErrorOut]


@router.post("/units/import", response=ImportOut, summary="导入单元及危险化学品最大存在量（Excel、CSV；默认试运行）")
def import_units(request: HttpRequest, file: File[UploadedFile], dry_run: Form[bool] = True) -> dict[str, Any]:
    """Pass one checks every row (row numbers as in Excel, Chinese reasons); with dry_run=false and no error,
    every unit is created or updated, its inventory replaced and regraded — all rows or none."""
    try:
        report = import_inventories(cast(BinaryIO, file), file.name or "upload.xlsx", actor=request.user,
                                    dry_run=dry_run)
    except tabular.TabularError as exc:
        return {"ok": False, "written": False, "total_rows": 0, "units": 0,
                "errors": [{"row": 0, "column": None, "message": str(exc)}]}
    return {"ok": report.ok, "written": report.written, "total_rows": report.total_rows, "units": report.units,
            "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in report.errors]}


@router.get("/units/{pk}", response=UnitDetailOut, summary="单元详情与重大危险源辨识计算过程")
def get_unit(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _detail(queries.visible_unit(request.user, pk))


@router.patch("/units/{pk}", response=UnitDetailOut, summary="修改单元（重新辨识分级）")
def update_unit(request: HttpRequest, pk: int, payload: UnitPatch) -> dict[str, Any]:
    unit = services.update_unit(queries.writable_unit(request.user, pk), payload.dict(exclude_unset=True),
                                actor=request.user)
    return _reloaded(request, unit)


@router.delete("/units/{pk}", response={204: None}, summary="删除单元")
def delete_unit(request: HttpRequest, pk: int) -> Status[None]:
    services.delete_unit(queries.writable_unit(request.user, pk), actor=request.user)
    return Status(204, None)


@router.put("/units/{pk}/inventory", response=UnitDetailOut, summary="整体替换单元的危险化学品（重新辨识分级）")
def replace_inventory(request: HttpRequest, pk: int, payload: list[InventoryRowIn]) -> dict[str, Any]:
    unit = queries.writable_unit(request.user, pk)
    rows = [services.InventoryRow(r.substance, r.quantity_t, r.category) for r in payload]
    services.replace_inventory(unit, rows, actor=request.user)
    return _reloaded(request, unit)


@router.get("/major-hazards", response=MajorHazardsOut, summary="全县重大危险源总览（按级别）")
def major_hazards(request: HttpRequest, grade: int | None = None) -> dict[str, Any]:
    units = queries.major_hazards(request.user)
    counts = queries.counts_by_grade(units)
    if grade is not None:
        units = units.filter(grade=grade)
    return {"total": sum(counts.values()), "counts_by_grade": counts, "items": [_row(u) for u in units]}


EXPORT_HEADERS = ("企业", "单元", "单元类型", "级别", "R", "S", "边界500 m内人数", "地址", "经度", "纬度", "辨识时间")


@router.get("/major-hazards/export", summary="导出重大危险源（xlsx、csv、GeoJSON）")
def export_major_hazards(request: HttpRequest, format: str = "xlsx",  # noqa: A002 - API field name
                         grade: int | None = None) -> HttpResponseBase:
    units = queries.major_hazards(request.user)
    if grade is not None:
        units = units.filter(grade=grade)

    def rows() -> Any:
        for u in units.iterator(chunk_size=500):
            yield (u.enterprise.name, u.name, u.get_kind_display(), u.get_grade_display(), u.r, u.s,
                   u.exposed_population, u.address, u.longitude, u.latitude, u.evaluated_at)

    def features() -> Any:
        for u in units.iterator(chunk_size=500):
            yield ({"id": u.pk, "enterprise": u.enterprise.name, "enterprise_id": u.enterprise_id, "name": u.name,
                    "kind": u.kind, "grade": u.grade, "grade_label": u.get_grade_display(), "r": u.r, "s": u.s},
                   u.longitude, u.latitude)

    return stream_export(format, "重大危险源", EXPORT_HEADERS, rows(), features=features())
