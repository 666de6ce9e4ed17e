"""Evacuation plans and supply allocation (mounted under /api/v1/command).

Reads go through the reader's scope (404 outside it); writes through `evacuation` and `supply` (scope
check, audit, timeline and event in one transaction). Impossible demand is reported, not refused.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from . import evacuation, supply
from .models import EvacuationAssignment, EvacuationPlan, EvacueeArrival, SupplyDemand, SupplyOrder, SupplyPlan

router = Router(tags=["command-resettlement"])


# --- evacuation ------------------------------------------------------------------------------------------
class EvacuationIn(Schema):
    name: str = Field("", max_length=200)
    area: dict[str, Any] = Field(description="疏散范围：GeoJSON Polygon / MultiPolygon（WGS84），可直接传威胁区要素")
    area_source: Literal["zone", "drawn"] = "drawn"
    incident: int | None = Field(None, description="所属事件 id")
    shelters: list[int] | None = Field(None, description="指定使用的避难场所 id；省略则用全部可接收的避难场所")
    max_travel_min: float | None = Field(None, description="最长行车时间（分钟），超出的避难场所不安排")
    bus_seats: int | None = Field(None, description="每车座位数；省略则取登记客车的最少座位数，无登记客车取默认值")


class VillageTransportOut(Schema):
    village_id: int
    code: str
    name: str
    population: int
    share: float = Field(description="需车辆转运的人口比例")
    share_source: str = Field(description="village：本村数据；default：系统默认值")
    people: int = Field(description="需转运人数 = ⌈人口 × 比例⌉")
    needed: int = Field(description="所需车次 = ⌈需转运人数 ÷ 座位数⌉")
    vehicles: int = Field(description="分配的客车数")
    trips: int | None = Field(description="每车趟数；null：无车可派")
    longest_travel_min: float | None
    clear_min: float | None = Field(description="转运完毕约需分钟数 = (2 × 趟数 − 1) × 最长行车时间")


class TransportOut(Schema):
    seats: int
    seats_source: str
    buses_available: int
    default_share: float
    people: int
    needed: int
    vehicles_used: int
    max_trips: int
    villages_without_bus: int
    villages: list[VillageTransportOut]


class AssignmentOut(Schema):
    village_id: int
    village: str
    village_code: str
    shelter_id: int | None = Field(description="null：未能安置")
    shelter: str | None
    people: int
    travel_min: float | None
    length_km: float | None
    route: dict[str, Any] | None = Field(description="GeoJSON LineString（WGS84）")


class ShelterLoadOut(Schema):
    shelter_id: int
    shelter: str
    assigned: int
    capacity: int
    occupancy: int = Field(description="当前已安置（含登记到达）")


class EvacuationOut(Schema):
    id: int
    name: str
    status: str
    incident_id: int | None
    area: dict[str, Any]
    area_source: str
    max_travel_min: int | None
    people_total: int
    people_placed: int
    people_unplaced: int
    longest_travel_min: float
    notes: list[str]
    created_at: datetime
    transport: TransportOut | None = Field(description="车辆转运：每村需转运人数、车辆与趟数")
    assignments: list[AssignmentOut]
    shelters: list[ShelterLoadOut]


class EvacuationRowOut(Schema):
    id: int
    name: str
    status: str
    incident_id: int | None
    people_total: int
    people_placed: int
    people_unplaced: int
    created_at: datetime


class ArrivalIn(Schema):
    shelter: int
    people: int = Field(description="到达人数（≥ 1）")
    village: int | None = None
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=32)
    note: str = Field("", max_length=300)
    arrived_at: datetime | None = None


class ArrivalOut(Schema):
    id: int
    shelter_id: int
    shelter: str
    village_id: int | None
    people: int
    contact_name: str
    contact_phone: str
    note: str
    arrived_at: datetime
    occupancy: int
    capacity: int


def _plans(user: Any) -> QuerySet[EvacuationPlan]:
    return EvacuationPlan.objects.for_user(user)


def _plan_detail(plan: EvacuationPlan) -> dict[str, Any]:
    rows = list(plan.assignments.select_related("village", "shelter"))
    loads: dict[int, dict[str, Any]] = {}
    for row in rows:
        if row.shelter is not None:
            load = loads.setdefault(row.shelter.pk, {
                "shelter_id": row.shelter.pk, "shelter": row.shelter.name, "assigned": 0,
                "capacity": row.shelter.capacity, "occupancy": row.shelter.occupancy})
            load["assigned"] += row.people
    return {
        "id": plan.pk, "name": plan.name, "status": plan.status, "incident_id": plan.incident_id, "area": plan.area,
        "area_source": plan.area_source, "max_travel_min": plan.max_travel_min, "people_total": plan.people_total,
        "people_placed": plan.people_placed, "people_unplaced": plan.people_unplaced,
        "longest_travel_min": round(plan.longest_travel_s / 60, 1), "notes": plan.notes, "created_at": plan.created_at,
        "transport": plan.transport or None, "assignments": [_assignment(row) for row in rows],
        "shelters": sorted(loads.values(), key=lambda load: -load["assigned"]),
    }


def _assignment(row: EvacuationAssignment) -> dict[str, Any]:
    return {"village_id": row.village.pk, "village": row.village.name, "village_code": row.village.code,
            "shelter_id": row.shelter.pk if row.shelter else None, "shelter": row.shelter.name if row.shelter else None,
            "people": row.people, "travel_min": round(row.travel_s / 60, 1) if row.travel_s is not None else None,
            "length_km": round(row.length_m / 1000, 2) if row.length_m is not None else None, "route": row.route}


@router.post("/evacuation/plans", response={201: EvacuationOut}, summary="编制疏散安置方案（最小费用流）")
def create_evacuation_plan(request: HttpRequest, payload: EvacuationIn) -> Status[dict[str, Any]]:
    """Villages in the area → shelters by free places and road travel time; the unplaced are counted."""
    plan = evacuation.plan_evacuation(payload.dict(), actor=request.user)
    return Status(201, _plan_detail(plan))


@router.get("/evacuation/plans", response=list[EvacuationRowOut], summary="疏散安置方案列表")
def list_evacuation_plans(request: HttpRequest, incident: int | None = None) -> QuerySet[EvacuationPlan]:
    plans = _plans(request.user)
    return plans.filter(incident_id=incident) if incident is not None else plans


@router.get("/evacuation/plans/{pk}", response=EvacuationOut, summary="疏散安置方案详情（含路线）")
def get_evacuation_plan(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _plan_detail(get_object_or_404(_plans(request.user), pk=pk))


@router.post("/evacuation/plans/{pk}/issue", response=EvacuationOut, summary="下达疏散安置方案")
def issue_evacuation_plan(request: HttpRequest, pk: int) -> dict[str, Any]:
    plan = get_object_or_404(EvacuationPlan.objects.writable_by(request.user), pk=pk)
    return _plan_detail(evacuation.issue_plan(plan, actor=request.user))


def _arrival(arrival: EvacueeArrival) -> dict[str, Any]:
    shelter = arrival.shelter
    return {"id": arrival.pk, "shelter_id": shelter.pk, "shelter": shelter.name, "village_id": arrival.village_id,
            "people": arrival.people, "contact_name": arrival.contact_name, "contact_phone": arrival.contact_phone,
            "note": arrival.note, "arrived_at": arrival.arrived_at, "occupancy": shelter.occupancy,
            "capacity": shelter.capacity}


@router.post("/evacuation/plans/{pk}/arrivals", response={201: ArrivalOut}, summary="安置点到达登记")
def register_arrival(request: HttpRequest, pk: int, payload: ArrivalIn) -> Status[dict[str, Any]]:
    plan = get_object_or_404(EvacuationPlan.objects.writable_by(request.user), pk=pk)
    arrival = evacuation.register_arrival(plan, payload.dict(), actor=request.user)
    arrival.shelter.refresh_from_db()
    return Status(201, _arrival(arrival))


@router.get("/evacuation/plans/{pk}/arrivals", response=list[ArrivalOut], summary="安置登记列表")
def list_arrivals(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    plan = get_object_or_404(_plans(request.user), pk=pk)
    return [_arrival(a) for a in plan.arrivals.select_related("shelter")]


# --- supply ----------------------------------------------------------------------------------------------
class DemandIn(Schema):
    item: str = Field(description="物资名称（与仓库库存名称一致，如 帐篷）")
    unit: str = Field("", description="单位；填写时只调用相同单位的库存")
    quantity: float = Field(description="需求数量（> 0）")
    shelter: int | None = Field(None, description="需求点为避难场所时填其 id")
    site_name: str = Field("", max_length=200)
    longitude: float | None = None
    latitude: float | None = None


class SupplyIn(Schema):
    name: str = Field("", max_length=200)
    incident: int | None = None
    demands: list[DemandIn]


class OrderOut(Schema):
    id: int
    warehouse_id: int
    warehouse: str
    stock_item_id: int
    item: str
    unit: str
    quantity: Decimal
    travel_min: float
    length_km: float | None
    status: str
    dispatched_at: datetime | None
    delivered_at: datetime | None
    received_by: str


class DemandOut(Schema):
    id: int
    site_name: str
    shelter_id: int | None
    longitude: float
    latitude: float
    item: str
    unit: str
    quantity: Decimal
    shortfall: Decimal
    orders: list[OrderOut]


class SupplyOut(Schema):
    id: int
    name: str
    incident_id: int | None
    created_at: datetime
    total_time_s: float
    notes: list[str]
    complete: bool = Field(description="所有需求都已足额安排")
    demands: list[DemandOut]


class OrderMoveIn(Schema):
    status: Literal["dispatched", "delivered", "cancelled"]
    received_by: str = Field("", max_length=50)


def _order(order: SupplyOrder) -> dict[str, Any]:
    stock = order.stock_item
    return {"id": order.pk, "warehouse_id": stock.warehouse.pk, "warehouse": stock.warehouse.name,
            "stock_item_id": stock.pk, "item": stock.name, "unit": stock.unit, "quantity": order.quantity,
            "travel_min": round(order.travel_s / 60, 1),
            "length_km": round(order.length_m / 1000, 2) if order.length_m is not None else None,
            "status": order.status, "dispatched_at": order.dispatched_at, "delivered_at": order.delivered_at,
            "received_by": order.received_by}


def _supply_detail(plan: SupplyPlan) -> dict[str, Any]:
    orders = Prefetch("orders", queryset=SupplyOrder.objects.select_related("stock_item__warehouse"))
    demands = list(SupplyDemand.objects.filter(plan=plan).prefetch_related(orders))
    return {"id": plan.pk, "name": plan.name, "incident_id": plan.incident_id, "created_at": plan.created_at,
            "total_time_s": plan.total_time_s, "notes": plan.notes,
            "complete": all(d.shortfall == 0 for d in demands),
            "demands": [{"id": d.pk, "site_name": d.site_name, "shelter_id": d.shelter_id, "longitude": d.longitude,
                         "latitude": d.latitude, "item": d.item, "unit": d.unit, "quantity": d.quantity,
                         "shortfall": d.shortfall, "orders": [_order(o) for o in d.orders.all()]} for d in demands]}


@router.post("/supply/plans", response={201: SupplyOut}, summary="物资调拨（运输问题：先满足需求，再最省时）")
def create_supply_plan(request: HttpRequest, payload: SupplyIn) -> Status[dict[str, Any]]:
    plan = supply.plan_supply(payload.dict(), actor=request.user)
    return Status(201, _supply_detail(plan))


class SupplyRowOut(Schema):
    id: int
    name: str
    incident_id: int | None
    created_at: datetime
    total_time_s: float


@router.get("/supply/plans", response=list[SupplyRowOut], summary="物资调拨方案列表")
def list_supply_plans(request: HttpRequest, incident: int | None = None) -> QuerySet[SupplyPlan]:
    plans = SupplyPlan.objects.for_user(request.user)
    return plans.filter(incident_id=incident) if incident is not None else plans


@router.get("/supply/plans/{pk}", response=SupplyOut, summary="物资调拨方案详情")
def get_supply_plan(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _supply_detail(get_object_or_404(SupplyPlan.objects.for_user(request.user), pk=pk))


@router.post("/supply/orders/{pk}/status", response=OrderOut, summary="调拨单发运、送达或取消")
def move_supply_order(request: HttpRequest, pk: int, payload: OrderMoveIn) -> dict[str, Any]:
    order = get_object_or_404(SupplyOrder.objects.writable_by(request.user).select_related(
        "demand__plan", "stock_item__warehouse"), pk=pk)
    order = supply.move_order(order, payload.status, actor=request.user, received_by=payload.received_by)
    return _order(SupplyOrder.objects.select_related("stock_item__warehouse").get(pk=order.pk))
