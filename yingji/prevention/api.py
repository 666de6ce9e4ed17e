"""双重预防 API, mounted under /api/v1/prevention: risk bands and risk points (here), hidden dangers,
inspections and daily operations, and government supervision (their own routers, mounted below).

Reads go through `queries` (the reader's scope; 404 outside it), writes through `services`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, BinaryIO, Literal, cast

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from . import importing, queries
from .danger_api import router as danger_router
from .exporting import export_list
from .grading import GradingError, Level, assess, working
from .inspection_api import router as inspection_router
from .models import Photo, RiskPoint
from .operations_api import router as operations_router
from .schemas import ImportOut, page
from .services import risks
from .supervision_api import router as supervision_router

router = Router(tags=["prevention"])
router.add_router("", danger_router)
router.add_router("", inspection_router)
router.add_router("", operations_router)
router.add_router("", supervision_router)

Method = Literal["lec", "ls"]
LevelName = Literal["red", "orange", "yellow", "blue"]


class MatrixIO(Schema):
    lec_red: float
    lec_orange: float
    lec_yellow: float
    lec_lower_inclusive: bool
    ls_red: float
    ls_orange: float
    ls_yellow: float
    ls_lower_inclusive: bool
    source: str = ""


class GradeIn(Schema):
    method: Method
    likelihood: float
    exposure: float | None = None
    consequence: float | None = None
    severity: float | None = None


class GradeOut(Schema):
    method: str
    value: float
    level: str
    level_label: str
    colour: str
    working: str


class RiskIn(Schema):
    enterprise: int | None = Field(None, description="企业 id；企业用户可省略（默认本企业）")
    unit_place: str = Field(..., min_length=1, max_length=200)
    name: str = Field(..., min_length=1, max_length=200)
    hazard_description: str = Field(..., min_length=1)
    method: Method
    likelihood: float = Field(..., description="L：LEC 取 10/6/3/1/0.5/0.2/0.1；LS 取 1–5")
    exposure: float | None = Field(None, description="E（仅 LEC）：10/6/3/2/1/0.5")
    consequence: float | None = Field(None, description="C（仅 LEC）：100/40/15/7/3/1")
    severity: float | None = Field(None, description="S（仅 LS）：1–5")
    control_measures: str = ""
    responsible_person: str = Field(..., min_length=1, max_length=50)
    responsible_phone: str = ""
    hazard_unit: int | None = None
    address: str = ""
    longitude: float | None = None
    latitude: float | None = None


class RiskPatch(Schema):
    unit_place: str | None = Field(None, min_length=1, max_length=200)
    name: str | None = Field(None, min_length=1, max_length=200)
    hazard_description: str | None = None
    method: Method | None = None
    likelihood: float | None = None
    exposure: float | None = None
    consequence: float | None = None
    severity: float | None = None
    control_measures: str | None = None
    responsible_person: str | None = Field(None, min_length=1, max_length=50)
    responsible_phone: str | None = None
    hazard_unit: int | None = None
    address: str | None = None
    longitude: float | None = None
    latitude: float | None = None


class RiskOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    unit_place: str
    name: str
    hazard_description: str
    method: str
    likelihood: float
    exposure: float | None
    consequence: float | None
    severity: float | None
    value: float
    level: str
    level_label: str
    colour: str
    working: str
    control_measures: str
    responsible_person: str
    responsible_phone: str
    hazard_unit_id: int | None
    hazard_unit_name: str | None
    longitude: float | None
    latitude: float | None
    updated_at: datetime


class RiskPage(Schema):
    count: int
    counts_by_level: dict[str, int]
    items: list[RiskOut]


def _grade_out(method: str, value: float, level: str, formula: str) -> dict[str, Any]:
    return {"method": method, "value": value, "level": level, "level_label": Level(level).label,
            "colour": Level(level).hex, "working": working(formula, Level(level))}


def _risk(p: RiskPoint) -> dict[str, Any]:
    return {
        "id": p.pk, "enterprise_id": p.enterprise_id, "enterprise_name": p.enterprise.name,
        "unit_place": p.unit_place, "name": p.name, "hazard_description": p.hazard_description,
        "method": p.method, "likelihood": p.likelihood, "exposure": p.exposure, "consequence": p.consequence,
        "severity": p.severity, "control_measures": p.control_measures, "responsible_person": p.responsible_person,
        "responsible_phone": p.responsible_phone, "hazard_unit_id": p.hazard_unit_id,
        "hazard_unit_name": p.hazard_unit.name if p.hazard_unit is not None else None, "longitude": p.longitude,
        "latitude": p.latitude, "updated_at": p.updated_at, **_grade_out(p.method, p.value, p.level, p.working),
    }


@router.get("/matrix", response=MatrixIO, summary="本县风险分级标准（LEC、LS 分级界限）")
def get_matrix(request: HttpRequest) -> Any:
    return risks.matrix()


@router.put("/matrix", response=MatrixIO, summary="修改风险分级标准（县级管理员；全部风险点重新分级）")
def set_matrix(request: HttpRequest, payload: MatrixIO) -> Any:
    return risks.set_matrix(payload.dict(), actor=request.user)


@router.post("/grade", response=GradeOut, summary="风险分级计算（LEC：D=L·E·C；LS：R=L·S），不保存")
def grade(request: HttpRequest, payload: GradeIn) -> dict[str, Any]:
    config = risks.matrix()
    try:
        result = assess(payload.method, payload.likelihood, payload.exposure, payload.consequence, payload.severity,
                        lec_bands=config.lec_bands, ls_bands=config.ls_bands)
    except GradingError as exc:
        errors: dict[str, list[str]] = {}
        for problem in exc.problems:
            errors.setdefault(problem.field, []).append(problem.message)
        raise ValidationError(errors) from exc
    return _grade_out(result.method.value, result.value, result.level.value, result.formula)


@router.get("/risk-points", response=RiskPage, summary="风险点列表（四色分级）")
def list_risk_points(request: HttpRequest, enterprise: int | None = None, level: LevelName | None = None,
                     method: Method | None = None, q: str = "", limit: int = 50, offset: int = 0) -> dict[str, Any]:
    rows = queries.risk_points(request.user, {"enterprise": enterprise, "level": level, "method": method, "q": q})
    count, items = page(rows, limit, offset)
    return {"count": count, "counts_by_level": queries.counts_by_level(rows), "items": [_risk(p) for p in items]}


@router.post("/risk-points", response={201: RiskOut}, summary="新增风险点（按 LEC 或 LS 自动分级）")
def create_risk_point(request: HttpRequest, payload: RiskIn) -> Status[Any]:
    point = risks.create_risk_point(payload.dict(), actor=request.user)
    return Status(201, _risk(queries.visible_one(RiskPoint, request.user, point.pk)))


EXPORT_HEADERS = ("企业", "单元/场所", "风险点", "危险有害因素", "评价方法", "L", "E", "C", "S", "风险值", "风险等级",
                  "管控措施", "责任人", "责任人电话", "关联单元", "经度", "纬度")


@router.get("/risk-points/export", summary="导出风险点（xlsx、csv、GeoJSON）")
def export_risk_points(request: HttpRequest, format: str = "xlsx",  # noqa: A002 - API field name
                       enterprise: int | None = None, level: LevelName | None = None) -> HttpResponseBase:
    params = {"enterprise": enterprise, "level": level}
    rows = queries.risk_points(request.user, params)
    return export_list(
        format, "风险点", EXPORT_HEADERS, rows,
        lambda p: (p.enterprise.name, p.unit_place, p.name, p.hazard_description, p.get_method_display(),
                   p.likelihood, p.exposure, p.consequence, p.severity, p.value, p.get_level_display(),
                   p.control_measures, p.responsible_person, p.responsible_phone,
                   p.hazard_unit.name if p.hazard_unit is not None else "", p.longitude, p.latitude),
        user=request.user, params=params,
        point=lambda p: ({"id": p.pk, "enterprise": p.enterprise.name, "name": str(p), "level": p.level,
                          "colour": Level(p.level).hex, "value": p.value}, p.longitude, p.latitude))


@router.post("/risk-points/import", response=ImportOut, summary="导入风险点（Excel/CSV，可先试运行）")
def import_risk_points(request: HttpRequest, file: File[UploadedFile], dry_run: Form[bool] = True) -> Any:
    return importing.import_risk_points(cast(BinaryIO, file), file.name or "upload", actor=request.user,
                                        dry_run=dry_run)


@router.get("/risk-map", summary="风险四色图：可见风险点的 GeoJSON（properties.level / colour）")
def risk_map(request: HttpRequest, enterprise: int | None = None, level: LevelName | None = None) -> dict[str, Any]:
    rows = queries.risk_points(request.user, {"enterprise": enterprise, "level": level}).filter(
        longitude__isnull=False, latitude__isnull=False)
    features = [
        {"type": "Feature", "id": pk,
         "properties": {"name": f"{unit} · {name}", "enterprise": ent, "level": lvl, "colour": Level(lvl).hex,
                        "value": value},
         "geometry": {"type": "Point", "coordinates": [round(lon or 0, 6), round(lat or 0, 6)]}}
        for pk, unit, name, ent, lvl, value, lon, lat in rows.values_list(
            "pk", "unit_place", "name", "enterprise__name", "level", "value", "longitude", "latitude")
    ]
    return {"type": "FeatureCollection", "counts_by_level": queries.counts_by_level(rows), "features": features}


@router.get("/risk-points/{pk}", response=RiskOut, summary="风险点详情")
def get_risk_point(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _risk(queries.visible_one(RiskPoint, request.user, pk))


@router.patch("/risk-points/{pk}", response=RiskOut, summary="修改风险点（重新分级）")
def update_risk_point(request: HttpRequest, pk: int, payload: RiskPatch) -> dict[str, Any]:
    point = risks.update_risk_point(queries.writable_one(RiskPoint, request.user, pk),
                                    payload.dict(exclude_unset=True), actor=request.user)
    return _risk(queries.visible_one(RiskPoint, request.user, point.pk))


@router.delete("/risk-points/{pk}", response={204: None}, summary="删除风险点")
def delete_risk_point(request: HttpRequest, pk: int) -> Status[None]:
    risks.delete_risk_point(queries.writable_one(RiskPoint, request.user, pk), actor=request.user)
    return Status(204, None)


@router.get("/photos/{pk}", summary="照片（隐患、巡检记录）")
def get_photo(request: HttpRequest, pk: int) -> FileResponse:
    photo = queries.visible_one(Photo, request.user, pk)
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
