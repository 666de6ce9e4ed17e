"""Supply allocation: demands at shelters or sites → an optimal transport plan over the warehouses' stock →
dispatch orders → delivery. Stock leaves a warehouse (its quantity falls) when an order is dispatched;
orders planned but not yet dispatched reserve it, so two plans never promise the same tents twice.

Writes check the actor's scope, audit in the same transaction, note decisions on the incident's timeline
and publish `command.supply.*` after commit.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from yingji.core import audit, events
from yingji.core.geo import out_of_china
from yingji.core.models import AuditAction
from yingji.core.records import ensure_may_change
from yingji.core.scoping import facts_of
from yingji.registry import services as registry_services
from yingji.registry.models import StockItem
from yingji.registry.queries import visible
from yingji.registry.resources import spec_for

from . import incidents
from .allocation import Party, allocate
from .incident_queries import linked_incident
from .models import OrderStatus, SupplyDemand, SupplyOrder, SupplyPlan, TimelineKind
from .network import road_network
from .routing import RoutingError

CENT = Decimal("0.01")


class SupplyTopic(StrEnum):
    PLANNED = "command.supply.planned"
    ORDER = "command.supply.order"


class SupplyAudit(StrEnum):
    ORDER = "command.supply.order"


def _demands(rows: Any, actor: Any) -> list[SupplyDemand]:
    """Validated, unsaved demand rows; every problem by ``demands.N.field`` at once."""
    if not isinstance(rows, Sequence) or not rows:
        raise ValidationError({"demands": "至少需要一条物资需求"})
    spec = spec_for("shelters")
    assert spec is not None
    shelters = visible(spec, actor)
    problems: dict[str, str] = {}
    demands: list[SupplyDemand] = []
    for index, row in enumerate(rows):
        where = f"demands.{index}"
        quantity = row.get("quantity")
        if not isinstance(quantity, int | float | Decimal) or not math.isfinite(quantity) or quantity <= 0:
            problems[f"{where}.quantity"] = f"需求数量须为正数，收到 {quantity!r}"
        item = str(row.get("item") or "").strip()
        if not item:
            problems[f"{where}.item"] = "物资名称不能为空"
        demand = SupplyDemand(item=item, unit=str(row.get("unit") or "").strip(),
                              site_name=str(row.get("site_name") or "").strip())
        if row.get("shelter") is not None:
            shelter = shelters.filter(pk=row["shelter"]).exclude(longitude=None).first()
            if shelter is None:
                problems[f"{where}.shelter"] = f"避难场所 {row['shelter']} 不存在、未定位或超出您的查看范围"
                continue
            demand.shelter, demand.site_name = shelter, demand.site_name or shelter.name
            demand.longitude, demand.latitude = shelter.longitude, shelter.latitude
        else:
            lon, lat = row.get("longitude"), row.get("latitude")
            if not isinstance(lon, int | float) or not isinstance(lat, int | float) or out_of_china(lon, lat):
                problems[f"{where}.longitude"] = "需求点须给出避难场所 id，或中国境内的 WGS84 经纬度"
                continue
            demand.longitude, demand.latitude = float(lon), float(lat)
            if not demand.site_name:
                problems[f"{where}.site_name"] = "按坐标给出的需求点须填写名称"
        if f"{where}.quantity" not in problems:
            demand.quantity = Decimal(str(quantity)).quantize(CENT)
        demands.append(demand)
    if problems:
        raise ValidationError(problems)
    return demands


def available_stock(actor: Any, item: str, unit: str) -> list[tuple[StockItem, Decimal]]:
    """Stock items of this name (and unit, when given) the actor can see, less what planned orders reserve."""
    spec = spec_for("stock-items")
    assert spec is not None
    stock = (visible(spec, actor).filter(name=item, quantity__gt=0).exclude(warehouse__longitude=None)
             .select_related("warehouse").order_by("pk"))
    if unit:
        stock = stock.filter(unit=unit)
    items = list(stock)
    reserved = dict(SupplyOrder.objects.filter(stock_item__in=items, status=OrderStatus.PLANNED)
                    .values("stock_item").annotate(total=Sum("quantity")).values_list("stock_item", "total"))
    return [(s, s.quantity - (reserved.get(s.pk) or 0)) for s in items if s.quantity - (reserved.get(s.pk) or 0) > 0]


def _allocate_item(plan: SupplyPlan, demands: list[SupplyDemand], actor: Any, notes: list[str]) -> list[SupplyOrder]:
    """One item's transportation problem: stock → demands by travel time; shortfall kept on each demand."""
    first = demands[0]
    stock = available_stock(actor, first.item, first.unit)
    if not stock:
        notes.append(f"没有可调用的“{first.item}”库存")
        for demand in demands:
            demand.shortfall = demand.quantity
        return []
    network = road_network()
    sites = np.array([(d.longitude, d.latitude) for d in demands], dtype=float)
    times = np.full((len(stock), len(demands)), math.inf)
    reaches = {}
    for row, (item, _) in enumerate(stock):
        lon, lat = item.warehouse.longitude, item.warehouse.latitude
        assert lon is not None and lat is not None  # unplaced warehouses are excluded by available_stock
        try:
            reach = network.reach(network.snap(lon, lat))
        except RoutingError:
            notes.append(f"{item.warehouse.name} 离路网过远，未参与调拨")
            continue
        reaches[row] = reach
        times[row] = reach.times_to_points(sites)
    result = allocate([Party(str(i), float(free)) for i, (_, free) in enumerate(stock)],
                      [Party(str(j), float(d.quantity)) for j, d in enumerate(demands)], times)
    orders = []
    delivered: dict[int, Decimal] = defaultdict(Decimal)
    for shipment in result.shipments:
        i, j = int(shipment.source), int(shipment.sink)
        # Round down to the cent so that orders never exceed the stock or the demand.
        quantity = min(Decimal(str(shipment.amount)).quantize(CENT, rounding=ROUND_DOWN), stock[i][1])
        if quantity <= 0:
            continue
        route = reaches[i].route_to(network.snap(demands[j].longitude, demands[j].latitude))
        orders.append(SupplyOrder(demand=demands[j], stock_item=stock[i][0], quantity=quantity,
                                  travel_s=round(route.time_s, 1), length_m=round(route.length_m, 1)))
        delivered[j] += quantity
    for j, demand in enumerate(demands):
        demand.shortfall = max(demand.quantity - delivered[j], Decimal(0))
    return orders


@transaction.atomic
def plan_supply(data: Mapping[str, Any], *, actor: Any) -> SupplyPlan:
    """Allocate stock to demands (most delivered first, then least travel time) and store the orders.

    ``data``: ``name``, optional ``incident`` (id), ``demands``: ``[{item, unit?, quantity, shelter | (site_name,
    longitude, latitude)}]``. Impossible demand is not an error: the shortfall is reported per demand.
    :raises ValidationError: by field (``demands.N.quantity`` …, ``incident``).
    """
    incident = linked_incident(actor, data.get("incident"))
    demands = _demands(data.get("demands"), actor)
    plan = SupplyPlan(
        name=str(data.get("name") or "").strip() or f"物资调拨 {timezone.localtime():%Y-%m-%d %H:%M}",
        incident=incident, created_by=actor if getattr(actor, "pk", None) else None,
        owner_department_id=(incident.owner_department_id if incident else None) or getattr(actor, "department_id",
                                                                                             None),
        admin_area_id=incident.admin_area_id if incident else getattr(actor, "admin_area_id", None),
    )
    plan.full_clean()
    ensure_may_change(plan, actor, "物资调拨方案")
    plan.save(force_insert=True)
    by_item: dict[tuple[str, str], list[SupplyDemand]] = defaultdict(list)
    for demand in demands:
        demand.plan = plan
        by_item[(demand.item, demand.unit)].append(demand)
    notes: list[str] = []
    orders = [order for group in by_item.values() for order in _allocate_item(plan, group, actor, notes)]
    SupplyDemand.objects.bulk_create(demands)
    for order in orders:
        order.demand_id = order.demand.pk
    SupplyOrder.objects.bulk_create(orders)
    plan.total_time_s = float(sum(float(o.quantity) * o.travel_s for o in orders))
    plan.notes = notes
    plan.save(update_fields=["total_time_s", "notes"])
    audit.record_change(AuditAction.CREATE, plan, actor=actor, before=None)
    short = [d for d in demands if d.shortfall > 0]
    if incident is not None:
        text = f"编制物资调拨“{plan.name}”：{len(orders)} 张调拨单"
        if short:
            text += "，缺口：" + "；".join(f"{d.site_name} {d.item} {d.shortfall}{d.unit}" for d in short)
        incidents.add_timeline_entry(incident, TimelineKind.DECISION, text, actor=actor, data={"supply_plan": plan.pk})
    events.publish(SupplyTopic.PLANNED, {"id": plan.pk, "kind": "command.supplyplan", "name": plan.name,
                                         "orders": len(orders), "short": len(short), "notes": notes},
                   scope=facts_of(plan))
    return plan


# Order moves: from → to, and what the move does.
ORDER_MOVES = {
    OrderStatus.DISPATCHED: (OrderStatus.PLANNED,),
    OrderStatus.DELIVERED: (OrderStatus.DISPATCHED,),
    OrderStatus.CANCELLED: (OrderStatus.PLANNED,),
}


@transaction.atomic
def move_order(order: SupplyOrder, status: str, *, actor: Any, received_by: str = "") -> SupplyOrder:
    """planned → dispatched (stock leaves the warehouse) → delivered; planned → cancelled (reservation freed).

    :raises ValidationError: on ``status`` for a move out of order, on ``quantity`` when the stock no longer
        holds what the order sends.
    """
    plan = order.demand.plan
    ensure_may_change(plan, actor, "物资调拨方案")
    order = SupplyOrder.objects.select_for_update().get(pk=order.pk)
    if status not in ORDER_MOVES or order.status not in ORDER_MOVES[OrderStatus(status)]:
        raise ValidationError({"status": f"调拨单当前为“{order.get_status_display()}”，不能改为“{status}”"})
    before = audit.snapshot(order)
    now = timezone.now()
    if status == OrderStatus.DISPATCHED:
        stock = StockItem.objects.select_for_update().get(pk=order.stock_item_id)
        if stock.quantity < order.quantity:
            raise ValidationError({"quantity": f"{stock.warehouse.name}的{stock.name}库存 {stock.quantity}"
                                               f"{stock.unit}，不足调拨单的 {order.quantity}{stock.unit}"})
        registry_services.update_record(stock, {"quantity": stock.quantity - order.quantity}, actor=actor)
        order.dispatched_at = now
    elif status == OrderStatus.DELIVERED:
        order.delivered_at = now
        order.received_by = received_by.strip()[:50]
    order.status = status
    order.save()
    audit.record(SupplyAudit.ORDER, actor=actor, object_type="command.supplyorder", object_id=order.pk,
                 object_repr=str(order), before=before, after=audit.snapshot(order))
    if plan.incident is not None and status != OrderStatus.CANCELLED:
        verb = "发运" if status == OrderStatus.DISPATCHED else "送达"
        incidents.add_timeline_entry(plan.incident, TimelineKind.DISPATCH,
                                     f"物资{verb}：{order.stock_item.name} {order.quantity}{order.stock_item.unit} → "
                                     f"{order.demand.site_name}", actor=actor, data={"supply_order": order.pk})
    events.publish(SupplyTopic.ORDER, {"id": order.pk, "kind": "command.supplyorder", "plan_id": plan.pk,
                                       "status": order.status, "site": order.demand.site_name},
                   scope=facts_of(plan))
    return order
