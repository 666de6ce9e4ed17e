"""Records ranked by road travel time from one point (pure, no Django): one Dijkstra from the origin times every
candidate; only the first ``n`` have their path rebuilt for the length. Used by /nearest and by the readiness
check of a plan's required resources."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from yingji.core.geo import haversine_m

from .routing import RoadNetwork, Snap

__all__ = ["Ranked", "rank_by_road"]


@dataclass(frozen=True)
class Ranked:
    """One record reached by road: door-to-door time and length, and the straight-line distance."""

    id: int
    name: str
    lon: float
    lat: float
    time_s: float
    length_m: float
    straight_m: float


def rank_by_road(network: RoadNetwork, origin: Snap, rows: Sequence[tuple[int, Any, float, float]],
                 n: int) -> tuple[list[Ranked], int]:
    """The ``n`` rows ``(id, name, lon, lat)`` nearest by travel time, and how many cannot be reached at all
    (more than `routing.MAX_SNAP_M` from a road, or in another component)."""
    if not rows:
        return [], 0
    reach = network.reach(origin)
    times = reach.times_to_points(np.array([(lon, lat) for _, _, lon, lat in rows], dtype=float))
    unreachable = int(np.count_nonzero(~np.isfinite(times)))
    ranked: list[Ranked] = []
    for index in np.argsort(times, kind="stable")[:n]:
        if not np.isfinite(times[index]):
            break
        pk, name, lon, lat = rows[index]
        route = reach.route_to(network.snap(lon, lat, field_name="kind"))
        ranked.append(Ranked(pk, str(name), lon, lat, route.time_s, route.length_m,
                             haversine_m(origin.lon, origin.lat, lon, lat)))
    return ranked, unreachable
