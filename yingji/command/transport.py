"""Vehicles for an evacuation (pure, no Django): who must be carried, how many buses each village needs and,
when the fleet is smaller than that, how the buses are shared and how many trips each village then takes.

People with their own transport leave by themselves; the rest (a share of each village's residents) are
carried by buses of ``seats`` places. A village of p such people needs ceil(p / seats) busloads. With B buses:

* B ≥ Σ busloads: every village gets its busloads, one trip each;
* otherwise the buses are handed out one at a time to the village that would need the most trips
  (ceil(busloads / buses), infinite with none), which minimises the largest number of trips any village needs
  (the greedy rule is optimal for a min–max of decreasing functions); ties go to the larger village, then the
  earlier one. A village left without a bus (fewer buses than villages) gets ``trips = None``: vehicles must be
  found for it elsewhere.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["VillageTransport", "busloads", "people_to_carry", "seats_of", "share_buses"]

# "客车 45 座", "乘员 45", "载客 45 人", "45座": the seats of a vehicle described in free text (registry field).
_SEATS = re.compile(r"(\d+)\s*(?:座|人座|客位)|(?:乘员|载客|座位)\s*(\d+)")


def seats_of(capacity_text: str) -> int | None:
    """Passenger seats named in a vehicle's capacity text, or None (a lorry's "载重 10t" carries no one)."""
    match = _SEATS.search(capacity_text or "")
    if match is None:
        return None
    seats = int(match.group(1) or match.group(2))
    return seats if seats > 0 else None


def people_to_carry(population: int, share: float) -> int:
    """Residents without their own transport: population × share, rounded up (a person is not split)."""
    if population < 0 or not 0 <= share <= 1:
        raise ValueError("人口须为非负整数，需转运比例须在 0–1 之间")
    return math.ceil(population * share - 1e-9)


def busloads(people: int, seats: int) -> int:
    """Bus trips' worth of people: ceil(people / seats)."""
    if seats <= 0:
        raise ValueError("车辆座位数须为正整数")
    return -(-people // seats)


@dataclass(frozen=True)
class VillageTransport:
    """One village's share of the fleet: busloads needed, buses given, trips each bus then makes."""

    people: int
    needed: int
    vehicles: int
    trips: int | None  # None: no bus could be given to this village


def share_buses(people: Sequence[int], seats: int, buses: int) -> list[VillageTransport]:
    """Buses per village and the trips each then needs (see the module's docstring for the rule)."""
    if buses < 0:
        raise ValueError("车辆数不能为负数")
    needed = [busloads(p, seats) for p in people]
    if sum(needed) <= buses:
        return [VillageTransport(p, n, n, 1 if n else 0) for p, n in zip(people, needed, strict=True)]
    given = [0] * len(needed)
    # Max-heap on (trips, people, -index): the village needing most trips is served first.
    heap = [(-math.inf, -p, i) for i, p in enumerate(people) if needed[i] > 0]
    heapq.heapify(heap)
    for _ in range(buses):
        if not heap:
            break
        _, minus_people, i = heapq.heappop(heap)
        given[i] += 1
        trips = -(-needed[i] // given[i])
        if trips > 1:  # a village that one round already clears needs no more buses
            heapq.heappush(heap, (-trips, minus_people, i))
    return [VillageTransport(p, n, g, (-(-n // g) if g else (0 if n == 0 else None)))
            for p, n, g in zip(people, needed, given, strict=True)]
