"""The stored chemical catalogue: search by name, alias, CAS or UN number; catalogue editors add and change
entries (the standard's entries keep their grading data and cannot be deleted)."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from . import catalogue
from .grading import default_critical_q
from .models import Chemical

router = Router(tags=["hazmat-catalogue"])


class ChemicalIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    name_en: str = ""
    aliases: list[str] = []
    cas_numbers: list[str] = []
    un_numbers: list[str] = []
    state: str = Field(..., description="gas | liquid | solid")
    toxic_gas_beta: float | None = Field(None, description="表3：其他毒性气体 2，其他剧毒气体 4")
    categories: list[str] = Field([], description="GB 18218-2018 表2 危险性类别，如 W5.3")
    selectable_categories: list[str] = []
    note: str = ""
    molar_mass_g_mol: float | None = None
    lel_percent: float | None = None
    uel_percent: float | None = None
    flash_point_c: float | None = None
    aegl1_ppm: float | None = None
    aegl2_ppm: float | None = None
    aegl3_ppm: float | None = None
    erpg1_ppm: float | None = None
    erpg2_ppm: float | None = None
    erpg3_ppm: float | None = None
    idlh_ppm: float | None = None
    pc_twa_mg_m3: float | None = None
    pc_stel_mg_m3: float | None = None
    mac_mg_m3: float | None = None
    pac1: float | None = None
    pac2: float | None = None
    pac3: float | None = None
    pac_unit: str = Field("ppm", description="PAC 单位：ppm | mg/m3")
    sources: dict[str, str] = Field({}, description="数据来源：molar_mass_g_mol、lel_percent、aegl、erpg、pac、oel …")


class ChemicalPatch(Schema):
    name: str | None = None
    name_en: str | None = None
    aliases: list[str] | None = None
    cas_numbers: list[str] | None = None
    un_numbers: list[str] | None = None
    state: str | None = None
    toxic_gas_beta: float | None = None
    categories: list[str] | None = None
    selectable_categories: list[str] | None = None
    note: str | None = None
    molar_mass_g_mol: float | None = None
    lel_percent: float | None = None
    uel_percent: float | None = None
    flash_point_c: float | None = None
    aegl1_ppm: float | None = None
    aegl2_ppm: float | None = None
    aegl3_ppm: float | None = None
    erpg1_ppm: float | None = None
    erpg2_ppm: float | None = None
    erpg3_ppm: float | None = None
    idlh_ppm: float | None = None
    pc_twa_mg_m3: float | None = None
    pc_stel_mg_m3: float | None = None
    mac_mg_m3: float | None = None
    pac1: float | None = None
    pac2: float | None = None
    pac3: float | None = None
    pac_unit: str | None = None
    sources: dict[str, str] | None = None


class ChemicalOut(Schema):
    id: int
    name: str
    name_en: str
    aliases: list[str]
    cas_numbers: list[str]
    un_numbers: list[str]
    state: str
    state_label: str
    critical_q: float | None
    source_table: int
    toxic_gas_beta: float | None
    categories: list[str]
    selectable_categories: list[str]
    note: str
    molar_mass_g_mol: float | None
    lel_percent: float | None
    uel_percent: float | None
    flash_point_c: float | None
    aegl1_ppm: float | None
    aegl2_ppm: float | None
    aegl3_ppm: float | None
    erpg1_ppm: float | None
    erpg2_ppm: float | None
    erpg3_ppm: float | None
    idlh_ppm: float | None
    pc_twa_mg_m3: float | None
    pc_stel_mg_m3: float | None
    mac_mg_m3: float | None
    pac1: float | None
    pac2: float | None
    pac3: float | None
    pac_unit: str
    sources: dict[str, str]
    is_standard: bool


class ChemicalPage(Schema):
    count: int
    may_edit: bool
    items: list[ChemicalOut]


def chemical_row(chemical: Chemical) -> dict[str, Any]:
    substance = catalogue.to_substance(chemical)
    return {
        **{f: getattr(chemical, f) for f in ("id", "name", "name_en", "aliases", "cas_numbers", "un_numbers", "state",
                                             "toxic_gas_beta", "categories", "selectable_categories", "note",
                                             *catalogue.PROPERTY_FIELDS, "pac_unit", "sources",
                                             "is_standard")},
        "state_label": chemical.get_state_display(),
        "critical_q": default_critical_q(substance),
        "source_table": 1 if substance.in_table1 else 2,
    }


@router.get("/chemicals", response=ChemicalPage, summary="危险化学品目录检索（名称、别名、CAS、UN 号）")
def search_chemicals(request: HttpRequest, q: str = "", limit: int = 50, offset: int = 0) -> dict[str, Any]:
    found = catalogue.search_chemicals(q)
    limit, offset = max(1, min(limit, 500)), max(offset, 0)
    return {"count": len(found), "may_edit": catalogue.may_edit_catalogue(request.user),
            "items": [chemical_row(c) for c in found[offset: offset + limit]]}


@router.post("/chemicals", response={201: ChemicalOut}, summary="新增目录条目（目录维护人员）")
def create_chemical(request: HttpRequest, payload: ChemicalIn) -> Status[Any]:
    chemical = catalogue.create_chemical(payload.dict(), actor=request.user)
    return Status(201, chemical_row(chemical))


@router.get("/chemicals/{pk}", response=ChemicalOut, summary="目录条目详情")
def get_chemical(request: HttpRequest, pk: int) -> dict[str, Any]:
    return chemical_row(get_object_or_404(Chemical, pk=pk))


@router.patch("/chemicals/{pk}", response=ChemicalOut, summary="修改目录条目（内置条目的分级数据不可改）")
def update_chemical(request: HttpRequest, pk: int, payload: ChemicalPatch) -> dict[str, Any]:
    chemical = catalogue.update_chemical(get_object_or_404(Chemical, pk=pk), payload.dict(exclude_unset=True),
                                         actor=request.user)
    return chemical_row(chemical)


@router.delete("/chemicals/{pk}", response={204: None}, summary="删除用户新增的目录条目")
def delete_chemical(request: HttpRequest, pk: int) -> Status[None]:
    catalogue.delete_chemical(get_object_or_404(Chemical, pk=pk), actor=request.user)
    return Status(204, None)
