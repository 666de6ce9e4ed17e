"""Buses for an evacuation plan: the registry's passenger vehicles the planner can call on, each village's
residents without own transport (its `AdminArea.transport_share`, else the county default) and
`command.transport`'s sharing of the fleet — per village: people to carry, busloads, buses and trips."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings

from yingji.registry.choices import ReadinessStatus, VehicleType
from yingji.registry.queries import visible
from yingji.registry.resources import spec_for

from .transport import people_to_carry, seats_of, share_buses

SEATS_SOURCES = {"given": "按指定座位数", "registry": "按登记客车的最少座位数", "default": "按默认座位数"}


def available_buses(actor: Any) -> list[tuple[int, str, int]]:
    """(id, plate, seats) of standby transport vehicles with seats named, that the actor can see."""
    spec = spec_for("vehicles")
    assert spec is not None
    rows = visible(spec, actor).filter(vehicle_type=VehicleType.TRANSPORT, status=ReadinessStatus.STANDBY)
    return [(pk, plate, seats) for pk, plate, text in rows.values_list("pk", "plate", "capacity")
            if (seats := seats_of(text)) is not None]


def plan_transport(villages: Sequence[Any], travel_s: dict[int, float], *, actor: Any,
                   bus_seats: int | None = None) -> tuple[dict[str, Any], list[str]]:
    """The plan's `transport` record and the notes it adds.

    ``villages`` carry ``pk, code, name, population, transport_share``; ``travel_s`` is each village's longest
    road time to its shelters (seconds), from which the time to clear it follows: a bus makes ``trips`` runs
    out and ``trips − 1`` runs back, so (2·trips − 1) × travel time.
    """
    buses = available_buses(actor)
    if bus_seats:
        seats, source = bus_seats, "given"
    elif buses:
        seats, source = min(s for _, _, s in buses), "registry"  # conservative: any bus can take this many
    else:
        seats, source = settings.YINGJI_EVACUATION_BUS_SEATS, "default"
    default_share = settings.YINGJI_EVACUATION_TRANSPORT_SHARE
    shares = [(v.transport_share, "village") if v.transport_share is not None else (default_share, "default")
              for v in villages]
    people = [people_to_carry(v.population, share) for v, (share, _) in zip(villages, shares, strict=True)]
    shared = share_buses(people, seats, len(buses))
    rows = []
    for village, (share, share_source), plan in zip(villages, shares, shared, strict=True):
        longest = travel_s.get(village.pk)
        clear = (2 * plan.trips - 1) * longest / 60 if plan.trips and longest is not None else None
        rows.append({"village_id": village.pk, "code": village.code, "name": village.name,
                     "population": village.population, "share": share, "share_source": share_source,
                     "people": plan.people, "needed": plan.needed, "vehicles": plan.vehicles, "trips": plan.trips,
                     "longest_travel_min": round(longest / 60, 1) if longest is not None else None,
                     "clear_min": round(clear, 1) if clear is not None else None})
    needed = sum(p.needed for p in shared)
    without = [r["name"] for r in rows if r["trips"] is None]
    summary = {"seats": seats, "seats_source": source, "buses_available": len(buses),
               "default_share": default_share, "people": sum(people), "needed": needed,
               "vehicles_used": sum(p.vehicles for p in shared),
               "max_trips": max((p.trips or 0 for p in shared), default=0), "villages_without_bus": len(without),
               "villages": rows}
    notes = []
    if needed > len(buses):
        notes.append(f"需车辆转运 {sum(people)} 人，按每车 {seats} 座需 {needed} 车次，可调用客车仅 {len(buses)} 辆："
                     + (f"{len(without)} 个村（社区）尚无车辆，需另行调集：{'、'.join(without[:20])}" if without
                        else f"部分车辆需往返多趟（最多 {summary['max_trips']} 趟）"))
    if any(s == "default" for _, s in shares):
        notes.append(f"部分村（社区）无需转运人口比例数据，按默认 {default_share:.0%} 估算")
    return summary, notes
