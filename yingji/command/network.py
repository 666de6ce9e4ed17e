"""The routable graph of the county's Road rows, rebuilt only when the roads change."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Max, Q, Sum

from yingji.core.models import Road

from .routing import RoadNetwork, RoadSegment, build_network

logger = logging.getLogger(__name__)

NetworkVersion = tuple[Any, ...]


def network_version() -> NetworkVersion:
    """A cheap fingerprint of the Road table (one aggregate query).

    Catches roads added, deleted, closed, reopened, made one-way or two-way, and speed changes. A geometry
    edited in place keeps the version: reload the roads (the demo and imports replace rows) or restart to see it.
    """
    facts = Road.objects.aggregate(
        v_count=Count("id"), v_max_id=Max("id"), v_speeds=Sum("speed_kmh"),
        v_closed=Count("id", filter=Q(closed=True)), v_closed_ids=Sum("id", filter=Q(closed=True)),
        v_oneway_ids=Sum("id", filter=Q(oneway=True)),
    )
    keys = ("v_count", "v_max_id", "v_speeds", "v_closed", "v_closed_ids", "v_oneway_ids")
    return tuple(facts[k] for k in keys)


def _segments(road_id: int, geometry: Any, speed_kmh: float, closed: bool, oneway: bool) -> Iterator[RoadSegment]:
    """A stored LineString (or MultiLineString, one segment per part) as routing segments.

    Any other shape becomes one empty segment, which the builder skips and reports.
    """
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind == "LineString":
        parts = [geometry.get("coordinates") or []]
    elif kind == "MultiLineString":
        parts = list(geometry.get("coordinates") or [[]])
    else:
        parts = [[]]
    for coordinates in parts:
        yield RoadSegment(road_id=road_id, coordinates=coordinates, speed_kmh=speed_kmh, closed=closed, oneway=oneway)


@functools.lru_cache(maxsize=2)
def _build(version: NetworkVersion) -> RoadNetwork:
    rows = Road.objects.values_list("id", "geometry", "speed_kmh", "closed", "oneway").order_by("id")
    network = build_network(segment for row in rows.iterator(chunk_size=2000) for segment in _segments(*row))
    if network.skipped_road_ids:
        logger.warning("路网构建跳过 %d 条几何或车速无效的道路：%s", len(network.skipped_road_ids),
                       network.skipped_road_ids[:20])
    return network


def road_network() -> RoadNetwork:
    """The current graph: one aggregate query when nothing changed, a rebuild when the roads did."""
    return _build(network_version())


def forget_network() -> None:
    """Drop the cached graphs (tests whose rolled-back rows can repeat a version call this)."""
    _build.cache_clear()
