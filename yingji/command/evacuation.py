"""Evacuation and resettlement: an area → the villages and residents in it → shelters by free places and
travel time (a min-cost flow, `command.allocation`) → the routes; arrivals registered at shelters raise
their occupancy.

Writes check the actor's scope, write audit events in the same transaction, note decisions on the
incident's timeline and publish `command.evacuation.*` after commit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import shapely
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from yingji.core import audit, events
from yingji.core.geo import out_of_china
from yingji.core.models import AdminArea, AuditAction
from yingji.core.models.areas import AreaLevel
from yingji.core.records import ensure_may_change
from yingji.core.scoping import facts_of
from yingji.registry import services as registry_services
from yingji.registry.choices import ShelterStatus
from yingji.registry.models import Shelter
from yingji.registry.queries import visible
from yingji.registry.resources import spec_for

from . import incidents
from .allocation import Party, allocate
from .evacuation_transport import plan_transport
from .incident_queries import linked_incident
from .models import (
    AreaSource,
    EvacuationAssignment,
    EvacuationPlan,
    EvacueeArrival,
    PlanStatus,
    TimelineKind,
)
from .network import road_network
from .routing import RoadNetwork, RoutingError

# Shelters that may receive people: ready to open or already open (not full, not closed).
RECEIVING = (ShelterStatus.READY, ShelterStatus.OPEN)


class EvacuationTopic(StrEnum):
    PLANNED = "command.evacuation.planned"
    ISSUED = "command.evacuation.issued"
    ARRIVAL = "command.evacuation.arrival"


class EvacuationAudit(StrEnum):
    ISSUE = "command.evacuation.issue"
    ARRIVAL = "command.evacuation.arrival"


@dataclass(frozen=True)
class _Village:
    pk: int
    code: str
    name: str
    lon: float
    lat: float
    population: int
    transport_share: float | None


# --- input ---------------------------------------------------------------------------------------------
def area_geometry(geojson: Any) -> BaseGeometry:
    """A GeoJSON Polygon / MultiPolygon (or a Feature of one) in WGS84, checked; ValidationError on ``area``."""
    if isinstance(geojson, Mapping) and geojson.get("type") == "Feature":
        geojson = geojson.get("geometry")
    if not isinstance(geojson, Mapping) or geojson.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValidationError({"area": "疏散范围须为 GeoJSON Polygon 或 MultiPolygon（WGS84 经纬度）"})
    try:
        geometry = shape(geojson)
    except (ValueError, TypeError, IndexError, AttributeError) as exc:
        raise ValidationError({"area": f"疏散范围不是有效的 GeoJSON 多边形：{exc}"}) from exc
    if geometry.is_empty or geometry.area == 0:
        raise ValidationError({"area": "疏散范围为空或面积为零"})
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    lon, lat = geometry.representative_point().coords[0]
    if out_of_china(lon, lat):
        raise ValidationError({"area": f"疏散范围 ({lon:.4f}, {lat:.4f}) 不在中国境内：请使用 WGS84 经纬度"})
    return geometry


def _villages_in(area: BaseGeometry) -> tuple[list[_Village], list[str]]:
    """Villages whose point lies in the area and who live there; notes for villages with no figures."""
    min_lon, min_lat, max_lon, max_lat = area.bounds
    rows = AdminArea.objects.filter(level=AreaLevel.VILLAGE, longitude__gte=min_lon, longitude__lte=max_lon,
                                    latitude__gte=min_lat, latitude__lte=max_lat).order_by("code")
    inside: list[_Village] = []
    unknown: list[str] = []
    for row in rows:
        if row.longitude is None or row.latitude is None or not area.covers(shapely.Point(row.longitude, row.latitude)):
            continue
        if row.population is None:
            unknown.append(row.name)
        elif row.population > 0:
            inside.append(_Village(row.pk, row.code, row.name, row.longitude, row.latitude, row.population,
                                   row.transport_share))
    notes = [f"{len(unknown)} 个村（社区）无人口数据，未计入：{'、'.join(unknown[:20])}"] if unknown else []
    return inside, notes


def _shelters(actor: Any, area: BaseGeometry, chosen: Sequence[int] | None) -> list[Shelter]:
    """Receiving shelters the actor can see, outside the area, with free places; chosen ones are checked."""
    spec = spec_for("shelters")
    assert spec is not None
    readable = visible(spec, actor).exclude(longitude=None).exclude(latitude=None)
    if chosen:
        found = {s.pk: s for s in readable.filter(pk__in=chosen)}
        problems = {}
        for index, pk in enumerate(chosen):
            shelter = found.get(pk)
            where = f"shelters.{index}"
            if shelter is None:
                problems[where] = f"避难场所 {pk} 不存在、未定位或超出您的查看范围"
            elif shelter.status not in RECEIVING:
                problems[where] = f"{shelter.name} 当前状态为“{shelter.get_status_display()}”，不能接收人员"
            elif shelter.capacity - shelter.occupancy <= 0:
                problems[where] = f"{shelter.name} 没有空余容量（容量 {shelter.capacity}，已安置 {shelter.occupancy}）"
            elif area.covers(shapely.Point(shelter.longitude, shelter.latitude)):
                problems[where] = f"{shelter.name} 位于疏散范围内，不能作为安置点"
        if problems:
            raise ValidationError(problems)
        return [found[pk] for pk in dict.fromkeys(chosen)]
    candidates = [s for s in readable.filter(status__in=RECEIVING).order_by("pk")
                  if s.capacity > s.occupancy and not area.covers(shapely.Point(s.longitude, s.latitude))]
    if not candidates:
        raise ValidationError({"shelters": "没有可用的避难场所：均已满员、停用、位于疏散范围内或超出您的查看范围"})
    return candidates


# --- computation ---------------------------------------------------------------------------------------
@dataclass
class _Travel:
    times: np.ndarray  # villages × shelters, seconds
    reaches: dict[int, Any]
    shelter_snaps: list[Any]
    notes: list[str]


def _travel(network: RoadNetwork, villages: Sequence[_Village], shelters: Sequence[Shelter]) -> _Travel:
    """Door-to-door seconds from every village to every shelter: one Dijkstra per village."""
    points = np.array([(s.longitude, s.latitude) for s in shelters], dtype=float)
    times = np.full((len(villages), len(shelters)), math.inf)
    reaches: dict[int, Any] = {}
    snaps: list[Any] = []
    notes: list[str] = []
    for shelter in shelters:
        assert shelter.longitude is not None and shelter.latitude is not None  # unplaced ones are excluded
        try:
            snaps.append(network.snap(shelter.longitude, shelter.latitude, field_name="shelters"))
        except RoutingError:
            snaps.append(None)
            notes.append(f"{shelter.name} 离路网过远，未参与安置")
    cut_off: list[str] = []
    for row, village in enumerate(villages):
        try:
            reach = network.reach(network.snap(village.lon, village.lat, field_name="area"))
        except RoutingError:
            cut_off.append(village.name)
            continue
        reaches[row] = reach
        times[row] = reach.times_to_points(points)
    for column, snap in enumerate(snaps):
        if snap is None:
            times[:, column] = math.inf
    if cut_off:
        notes.append(f"{len(cut_off)} 个村（社区）离路网过远，无法安排车辆路线：{'、'.join(cut_off[:20])}")
    return _Travel(times, reaches, snaps, notes)


@transaction.atomic
def plan_evacuation(data: Mapping[str, Any], *, actor: Any) -> EvacuationPlan:
    """Compute and store a plan: everyone in the area who can be placed goes to the fastest free places.

    ``data``: ``name``, ``area`` (GeoJSON), optional ``incident`` (id), ``area_source`` (zone | drawn),
    ``shelters`` (ids to use instead of every receiving shelter), ``max_travel_min``, ``bus_seats`` (seats of a
    bus, instead of the registry's buses or the default).
    :raises ValidationError: by field (``area``, ``shelters.N``, ``max_travel_min``, ``bus_seats``, ``incident``).
    """
    area = area_geometry(data.get("area"))
    max_min = data.get("max_travel_min")
    if max_min is not None and (not isinstance(max_min, int | float) or not math.isfinite(max_min) or max_min <= 0):
        raise ValidationError({"max_travel_min": "最长行车时间须为正数（分钟）"})
    bus_seats = data.get("bus_seats")
    if bus_seats is not None and (not isinstance(bus_seats, int) or isinstance(bus_seats, bool)
                                  or not 1 <= bus_seats <= 100):
        raise ValidationError({"bus_seats": "每车座位数须为 1–100 的整数"})
    incident = linked_incident(actor, data.get("incident"))
    plan = EvacuationPlan(
        name=str(data.get("name") or "").strip() or f"疏散安置方案 {timezone.localtime():%Y-%m-%d %H:%M}",
        area=mapping(area), area_source=data.get("area_source") or AreaSource.DRAWN,
        max_travel_min=max_min, incident=incident, created_by=actor if getattr(actor, "pk", None) else None,
        owner_department_id=(incident.owner_department_id if incident else None) or getattr(actor, "department_id",
                                                                                             None),
        admin_area_id=incident.admin_area_id if incident else getattr(actor, "admin_area_id", None),
    )
    plan.full_clean()
    ensure_may_change(plan, actor, "疏散方案")
    villages, notes = _villages_in(area)
    if not villages:
        raise ValidationError({"area": "疏散范围内没有登记了人口的村（社区）" + (f"；{notes[0]}" if notes else "")})
    shelters = _shelters(actor, area, data.get("shelters"))
    travel = _travel(road_network(), villages, shelters)
    result = allocate([Party(str(i), v.population) for i, v in enumerate(villages)],
                      [Party(str(j), s.capacity - s.occupancy) for j, s in enumerate(shelters)],
                      travel.times, integral=True, max_cost=max_min * 60 if max_min else math.inf)
    plan.people_total = sum(v.population for v in villages)
    plan.people_placed = int(result.moved)
    plan.people_unplaced = plan.people_total - plan.people_placed
    plan.notes = notes + travel.notes
    plan.save(force_insert=True)
    rows = []
    for shipment in result.shipments:
        v, s = int(shipment.source), int(shipment.sink)
        route = travel.reaches[v].route_to(travel.shelter_snaps[s])
        rows.append(EvacuationAssignment(
            plan=plan, village_id=villages[v].pk, shelter=shelters[s], people=int(shipment.amount),
            travel_s=round(route.time_s, 1), length_m=round(route.length_m, 1),
            route={"type": "LineString", "coordinates": [[round(x, 6), round(y, 6)] for x, y in route.coordinates]}))
    rows += [EvacuationAssignment(plan=plan, village_id=villages[int(key)].pk, shelter=None, people=int(left))
             for key, left in result.source_left.items() if left > 0]
    EvacuationAssignment.objects.bulk_create(rows)
    plan.longest_travel_s = max((r.travel_s or 0 for r in rows), default=0)
    longest: dict[int, float] = {}
    for r in rows:
        if r.travel_s is not None:
            longest[r.village_id] = max(longest.get(r.village_id, 0.0), r.travel_s)
    plan.transport, transport_notes = plan_transport(villages, longest, actor=actor, bus_seats=bus_seats)
    plan.notes = plan.notes + transport_notes
    plan.save(update_fields=["longest_travel_s", "transport", "notes"])
    audit.record_change(AuditAction.CREATE, plan, actor=actor, before=None)
    if incident is not None:
        incidents.add_timeline_entry(incident, TimelineKind.DECISION, _summary(plan), actor=actor,
                                     data={"evacuation_plan": plan.pk})
    events.publish(EvacuationTopic.PLANNED, _payload(plan), scope=facts_of(plan))
    return plan


def _summary(plan: EvacuationPlan) -> str:
    text = (f"编制疏散安置方案“{plan.name}”：需疏散 {plan.people_total} 人，已安排 {plan.people_placed} 人，"
            f"最长行车 {plan.longest_travel_s / 60:.0f} 分钟")
    return text + (f"，{plan.people_unplaced} 人尚无安置点" if plan.people_unplaced else "")


def _payload(plan: EvacuationPlan, **extra: Any) -> dict[str, Any]:
    return {"id": plan.pk, "kind": "command.evacuationplan", "name": plan.name, "status": plan.status,
            "incident_id": plan.incident_id, "people_total": plan.people_total, "people_placed": plan.people_placed,
            "people_unplaced": plan.people_unplaced, **extra}


@transaction.atomic
def issue_plan(plan: EvacuationPlan, *, actor: Any) -> EvacuationPlan:
    """Draft → issued: people start moving; the shelters used are opened; the decision goes on the timeline."""
    ensure_may_change(plan, actor, "疏散方案")
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError({"status": f"方案当前为“{plan.get_status_display()}”，只有草案可以下达"})
    before = audit.snapshot(plan)
    plan.status = PlanStatus.ISSUED
    plan.save(update_fields=["status", "updated_at"])
    for shelter in Shelter.objects.filter(pk__in=plan.assignments.exclude(shelter=None).values("shelter"),
                                          status=ShelterStatus.READY):
        registry_services.update_record(shelter, {"status": ShelterStatus.OPEN}, actor=actor)
    audit.record(EvacuationAudit.ISSUE, actor=actor, object_type="command.evacuationplan", object_id=plan.pk,
                 object_repr=str(plan), before=before, after=audit.snapshot(plan))
    if plan.incident is not None:
        incidents.add_timeline_entry(plan.incident, TimelineKind.DISPATCH, f"下达疏散安置方案“{plan.name}”",
                                     actor=actor, data={"evacuation_plan": plan.pk})
    events.publish(EvacuationTopic.ISSUED, _payload(plan), scope=facts_of(plan))
    return plan


@transaction.atomic
def register_arrival(plan: EvacuationPlan, data: Mapping[str, Any], *, actor: Any) -> EvacueeArrival:
    """Record evacuees arriving at a shelter and raise its occupancy; the shelter is marked full when it is.

    An arrival beyond the free places is refused with how many remain, so the registrar splits the group
    and sends the rest on (the plan lists the other shelters) rather than the count silently exceeding capacity.
    :raises ValidationError: by field (``shelter``, ``people``, ``arrived_at``, ``village``, ``status``).
    """
    ensure_may_change(plan, actor, "疏散方案")
    if plan.status != PlanStatus.ISSUED:
        raise ValidationError({"status": f"方案当前为“{plan.get_status_display()}”，下达后才能登记安置"})
    spec = spec_for("shelters")
    assert spec is not None
    found = visible(spec, actor).filter(pk=data.get("shelter")).values_list("pk", flat=True).first()
    if found is None:
        raise ValidationError({"shelter": f"避难场所 {data.get('shelter')} 不存在或超出您的查看范围"})
    # Locked by primary key alone: PostgreSQL refuses FOR UPDATE on the outer joins of the scope filter.
    shelter = Shelter.objects.select_for_update().get(pk=found)
    if not Shelter.objects.writable_by(actor).filter(pk=shelter.pk).exists():
        raise PermissionDenied(f"超出您的数据权限范围：不能登记{shelter.name}的安置人员")
    arrival = EvacueeArrival(
        plan=plan, shelter=shelter, village_id=data.get("village"), people=data.get("people") or 0,
        contact_name=data.get("contact_name") or "", contact_phone=data.get("contact_phone") or "",
        note=data.get("note") or "", arrived_at=data.get("arrived_at") or timezone.now(),
        registered_by=actor if getattr(actor, "pk", None) else None,
    )
    if arrival.arrived_at > timezone.now() + incidents.CLOCK_SKEW:
        raise ValidationError({"arrived_at": "到达时间晚于当前时间"})
    arrival.full_clean()
    free = shelter.capacity - shelter.occupancy
    if arrival.people > free:
        raise ValidationError({"people": f"{shelter.name}仅剩 {max(free, 0)} 个空位（容量 {shelter.capacity}），"
                                         f"不能登记 {arrival.people} 人：请分流到其他安置点"})
    arrival.save(force_insert=True)
    occupancy = shelter.occupancy + arrival.people
    status = ShelterStatus.FULL if occupancy >= shelter.capacity else ShelterStatus.OPEN
    registry_services.update_record(shelter, {"occupancy": occupancy, "status": status}, actor=actor)
    audit.record(EvacuationAudit.ARRIVAL, actor=actor, object_type="command.evacuationplan", object_id=plan.pk,
                 object_repr=str(plan), after={"arrival": arrival.pk, "shelter": shelter.pk, "people": arrival.people,
                                              "occupancy": occupancy, "capacity": shelter.capacity})
    events.publish(EvacuationTopic.ARRIVAL, _payload(
        plan, shelter_id=shelter.pk, shelter=shelter.name, arrived=arrival.people, occupancy=occupancy,
        capacity=shelter.capacity), scope=facts_of(plan))
    return arrival
