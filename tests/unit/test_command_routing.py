"""Routing on hand-made grids whose times can be worked out on paper.

The grids are laid out in EPSG:4529 metres (so a 1 km block is exactly 1 000 m) and handed to the router in
WGS84, as stored roads are. Horizontal streets run at 60 km/h (60 s per km), vertical ones at 30 km/h
(120 s per km); access from a point to the road is at 20 km/h (5.556 m/s).
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from yingji.command.routing import RoadSegment, RoutingError, build_network
from yingji.core import demo_geography
from yingji.core.geo import from_metric, haversine_m, to_metric

X0, Y0 = 41_420_000.0, 4_570_000.0  # about 122.05 E, 41.26 N, inside Panshan
H_KMH, V_KMH = 60.0, 30.0


def lonlat(x_m: float, y_m: float) -> tuple[float, float]:
    """A point given in metres from the grid's south-west corner, as WGS84."""
    return from_metric(X0 + x_m, Y0 + y_m)


def road(road_id: int, *points_m: tuple[float, float], speed: float, closed: bool = False,
         oneway: bool = False) -> RoadSegment:
    return RoadSegment(road_id=road_id, coordinates=[lonlat(x, y) for x, y in points_m], speed_kmh=speed,
                       closed=closed, oneway=oneway)


def westbound_grid() -> list[RoadSegment]:
    """The grid with its bottom-right block, (1,0)–(2,0), one-way westward (drawn from (2,0) to (1,0))."""
    segments = grid(closed={((1, 0), (2, 0))})
    return [*segments, road(99, (2000, 0), (1000, 0), speed=H_KMH, oneway=True)]


def grid(closed: set[tuple[tuple[int, int], tuple[int, int]]] = frozenset()) -> list[RoadSegment]:  # type: ignore[assignment]
    """A 3 × 3 grid of 1 km blocks, one segment per block side; `closed` lists (from, to) node pairs."""
    segments = []
    for j in range(3):
        for i in range(2):  # horizontal: (i, j) → (i + 1, j)
            a, b = (i, j), (i + 1, j)
            segments.append(road(len(segments), (i * 1000, j * 1000), ((i + 1) * 1000, j * 1000), speed=H_KMH,
                                 closed=(a, b) in closed))
    for i in range(3):
        for j in range(2):  # vertical: (i, j) → (i, j + 1)
            a, b = (i, j), (i, j + 1)
            segments.append(road(len(segments), (i * 1000, j * 1000), (i * 1000, (j + 1) * 1000), speed=V_KMH,
                                 closed=(a, b) in closed))
    return segments


def test_two_km_at_sixty_takes_two_minutes() -> None:
    network = build_network([road(1, (0, 0), (1000, 0), (2000, 0), speed=60)])
    route = network.route(network.snap(*lonlat(0, 0)), network.snap(*lonlat(2000, 0), field_name="to"))
    assert route.time_s == pytest.approx(120.0, abs=1e-3)
    assert route.length_m == pytest.approx(2000.0, abs=1e-3)
    assert route.origin.distance_m == pytest.approx(0.0, abs=1e-3)
    assert route.coordinates[0] == lonlat(0, 0)
    assert route.coordinates[-1] == lonlat(2000, 0)


def test_fastest_is_not_shortest() -> None:
    # Straight across at 30 km/h (2 km → 240 s) against round three sides at 60/60/60 km/h (4 km → 240 s)…
    slow = [road(1, (0, 0), (2000, 0), speed=30)]
    fast = [road(2, (0, 0), (0, 1000), speed=60), road(3, (0, 1000), (2000, 1000), speed=120),
            road(4, (2000, 1000), (2000, 0), speed=60)]
    network = build_network(slow + fast)
    route = network.route(network.snap(*lonlat(0, 0)), network.snap(*lonlat(2000, 0)))
    # …the detour is 60 + 60 + 60 = 180 s, faster than 240 s, although it is twice as long.
    assert route.time_s == pytest.approx(180.0, abs=1e-3)
    assert route.length_m == pytest.approx(4000.0, abs=1e-3)


def test_the_grid_routes_along_the_fast_street() -> None:
    network = build_network(grid())
    route = network.route(network.snap(*lonlat(0, 0)), network.snap(*lonlat(2000, 0)))
    assert route.time_s == pytest.approx(120.0, abs=1e-3)


def test_a_closed_segment_forces_the_detour() -> None:
    network = build_network(grid(closed={((1, 0), (2, 0))}))
    route = network.route(network.snap(*lonlat(0, 0)), network.snap(*lonlat(2000, 0)))
    # (0,0)→(1,0) 60 s, up 120 s, (1,1)→(2,1) 60 s, down 120 s = 360 s over 4 km.
    assert route.time_s == pytest.approx(360.0, abs=1e-3)
    assert route.length_m == pytest.approx(4000.0, abs=1e-3)
    line = shapely.LineString(route.coordinates)
    assert line.distance(shapely.Point(lonlat(1500, 0))) > 1e-3  # never on the closed block


def test_a_one_way_block_forces_a_detour_against_its_direction_only() -> None:
    network = build_network(westbound_grid())
    east = network.route(network.snap(*lonlat(0, 0)), network.snap(*lonlat(2000, 0)))
    # Eastward the block is no entry: (1,0) 60 s, up 120 s, (1,1)→(2,1) 60 s, down 120 s = 360 s over 4 km.
    assert (east.time_s, east.length_m) == pytest.approx((360.0, 4000.0), abs=1e-3)
    assert shapely.LineString(east.coordinates).distance(shapely.Point(lonlat(1500, 0))) > 1e-3
    west = network.route(network.snap(*lonlat(2000, 0)), network.snap(*lonlat(0, 0)))
    assert (west.time_s, west.length_m) == pytest.approx((120.0, 2000.0), abs=1e-3)


def test_on_a_one_way_block_a_point_behind_is_reached_the_long_way_round() -> None:
    network = build_network(westbound_grid())
    origin = network.snap(*lonlat(1500, 0))
    ahead = network.route(origin, network.snap(*lonlat(1200, 0)))
    assert (ahead.time_s, ahead.length_m) == pytest.approx((18.0, 300.0), abs=1e-3)  # 300 m west at 60 km/h
    behind = network.route(origin, network.snap(*lonlat(1800, 0)))
    # West 500 m (30 s), up 120 s, east 60 s, down 120 s, then 200 m west on the block (12 s).
    assert (behind.time_s, behind.length_m) == pytest.approx((342.0, 3700.0), abs=1e-3)
    times = network.reach(origin).times_to_points(np.array([lonlat(1200, 0), lonlat(1800, 0)]))
    assert times == pytest.approx([18.0, 342.0], abs=1e-3)


def test_isochrones_follow_one_way_roads() -> None:
    network = build_network(westbound_grid())
    from_west = network.reach(network.snap(*lonlat(0, 0)), limit_s=60).reached_pieces(60)
    from_east = network.reach(network.snap(*lonlat(2000, 0)), limit_s=60).reached_pieces(60)
    as_metres = [{tuple(sorted(((round(ax - X0, 2), round(ay - Y0, 2)), (round(bx - X0, 2), round(by - Y0, 2)))))
                  for (ax, ay), (bx, by) in pieces} for pieces in (from_west, from_east)]
    # From the west the one-way block is no entry; from the east it is the way in.
    assert as_metres[0] == {((0, 0), (1000, 0)), ((0, 0), (0, 500))}
    assert as_metres[1] == {((1000, 0), (2000, 0)), ((2000, 0), (2000, 500))}


def test_a_point_off_the_road_is_snapped_and_the_access_leg_is_timed() -> None:
    network = build_network(grid())
    origin = network.snap(*lonlat(500, 100))
    assert origin.distance_m == pytest.approx(100.0, abs=1e-3)
    assert origin.access_s == pytest.approx(100 / (20 / 3.6), abs=1e-3)  # 18 s
    assert (origin.snapped_lon, origin.snapped_lat) == pytest.approx(lonlat(500, 0), abs=1e-9)
    route = network.route(origin, network.snap(*lonlat(1000, 0)))
    # 100 m at 20 km/h (18 s) + 500 m at 60 km/h (30 s).
    assert route.time_s == pytest.approx(48.0, abs=1e-3)
    assert route.length_m == pytest.approx(600.0, abs=1e-3)
    assert route.coordinates[0] == lonlat(500, 100)


def test_two_points_on_the_same_block_go_straight_along_it() -> None:
    network = build_network(grid())
    route = network.route(network.snap(*lonlat(200, 0)), network.snap(*lonlat(700, 0)))
    assert route.time_s == pytest.approx(30.0, abs=1e-3)
    assert len(route.coordinates) == 2


def test_a_closed_road_is_not_snapped_to() -> None:
    segments = [road(1, (0, 0), (1000, 0), speed=60), road(2, (0, 300), (1000, 300), speed=60, closed=True)]
    snap = build_network(segments).snap(*lonlat(500, 290))
    assert snap.distance_m == pytest.approx(290.0, abs=1e-3)


def test_roads_sharing_an_interior_vertex_meet_there() -> None:
    # A north–south road drawn through the middle vertex of an east–west one, not ending there.
    network = build_network([road(1, (0, 0), (1000, 0), (2000, 0), speed=60),
                             road(2, (1000, -1000), (1000, 0), (1000, 1000), speed=60)])
    route = network.route(network.snap(*lonlat(0, 0)), network.snap(*lonlat(1000, 1000)))
    assert route.time_s == pytest.approx(120.0, abs=1e-3)


def test_vertices_within_a_metre_are_one_junction() -> None:
    network = build_network([road(1, (0, 0), (1000, 0), speed=60), road(2, (1000.4, 0.3), (2000, 0), speed=60)])
    assert network.node_count == 3
    route = network.route(network.snap(*lonlat(0, 0)), network.snap(*lonlat(2000, 0)))
    assert route.time_s == pytest.approx(120.0, abs=0.05)


def test_parallel_roads_keep_the_fastest_and_unusable_ones_are_skipped() -> None:
    network = build_network([road(1, (0, 0), (1000, 0), speed=30), road(2, (0, 0), (1000, 0), speed=60),
                             road(3, (0, 0), (1000, 0), speed=0), RoadSegment(4, [lonlat(0, 0)], 60)])
    route = network.route(network.snap(*lonlat(0, 0)), network.snap(*lonlat(1000, 0)))
    assert route.time_s == pytest.approx(60.0, abs=1e-3)
    assert network.skipped_road_ids == [3, 4]


def test_an_unconnected_road_is_unreachable() -> None:
    network = build_network([*grid(), road(99, (0, 4000), (1000, 4000), speed=60)])
    origin, island = network.snap(*lonlat(0, 0)), network.snap(*lonlat(500, 4000), field_name="to")
    with pytest.raises(RoutingError) as refused:
        network.route(origin, island)
    assert refused.value.field == "to"
    assert math.isinf(network.reach(origin).times_to_points(np.array([lonlat(500, 4000)]))[0])


def test_a_closed_bridge_cuts_the_network() -> None:
    network = build_network([road(1, (0, 0), (1000, 0), speed=60), road(2, (1000, 0), (2000, 0), speed=60, closed=True),
                             road(3, (2000, 0), (3000, 0), speed=60)])
    with pytest.raises(RoutingError, match="没有连通"):
        network.route(network.snap(*lonlat(0, 0)), network.snap(*lonlat(3000, 0)))


def test_a_point_beyond_five_km_is_outside_the_network_and_named() -> None:
    network = build_network(grid())
    network.snap(*lonlat(1000, 6900))  # 4.9 km north of the top street: still covered
    with pytest.raises(RoutingError, match="坐标不在路网覆盖范围内") as refused:
        network.snap(*lonlat(1000, 7100), field_name="to")
    assert refused.value.field == "to"


def test_an_empty_network_refuses_every_point() -> None:
    network = build_network([road(1, (0, 0), (1000, 0), speed=60, closed=True)])
    with pytest.raises(RoutingError, match="路网为空"):
        network.snap(*lonlat(0, 0))


def test_one_dijkstra_gives_times_to_many_points() -> None:
    network = build_network(grid())
    reach = network.reach(network.snap(*lonlat(0, 0)))
    points = np.array([lonlat(1000, 0), lonlat(2000, 0), lonlat(0, 1000), lonlat(2000, 2000), lonlat(1000, 2100)])
    times = reach.times_to_points(points)
    # (2,2): 120 s along the bottom then 240 s up; (1000, 2100): 60 + 240 up, + 100 m access (18 s).
    assert times == pytest.approx([60, 120, 120, 360, 318], abs=1e-3)


def test_isochrone_contains_the_near_and_excludes_the_far() -> None:
    network = build_network(grid())
    two_min, one_min = network.isochrones(network.snap(*lonlat(0, 0)), [2, 1])[::-1]
    assert (one_min.minutes, two_min.minutes) == (1, 2)
    inside = [lonlat(1500, 50), lonlat(2000, 0), lonlat(0, 1000), lonlat(1000, 650)]
    # Up the 30 km/h street from (1,0): 60 s left → 500 m, plus the 200 m band; (1000, 800) is beyond it.
    outside = [lonlat(1000, 800), lonlat(2000, 2000), lonlat(2500, 0), lonlat(500, 1500)]
    assert all(two_min.polygon.contains(shapely.Point(p)) for p in inside)
    assert not any(two_min.polygon.contains(shapely.Point(p)) for p in outside)
    assert two_min.road_km == pytest.approx(2 + 1 + 0.5, abs=1e-3)  # bottom row, (0,0)→(0,1), half of (1,0)→(1,1)
    # Nested up to the polygonal approximation of the bands' round ends.
    assert one_min.polygon.difference(two_min.polygon).area < 1e-3 * one_min.polygon.area
    assert one_min.area_km2 < two_min.area_km2


def test_isochrone_shorter_than_the_access_leg_is_empty() -> None:
    network = build_network(grid())
    origin = network.snap(*lonlat(500, 400))  # 400 m off the road: 72 s of access
    (iso,) = network.isochrones(origin, [1])
    assert iso.polygon.is_empty and iso.area_km2 == 0


GRID_POINT = st.tuples(st.floats(-300, 2300), st.floats(-300, 2300))


@settings(max_examples=40, deadline=None)
@given(GRID_POINT, GRID_POINT)
def test_routes_are_symmetric_and_never_shorter_than_the_crow_flies(a: tuple[float, float],
                                                                    b: tuple[float, float]) -> None:
    network = _GRID
    there = network.route(network.snap(*lonlat(*a)), network.snap(*lonlat(*b)))
    back = network.route(network.snap(*lonlat(*b)), network.snap(*lonlat(*a)))
    assert there.time_s == pytest.approx(back.time_s, abs=1e-4)
    crow = haversine_m(*lonlat(*a), *lonlat(*b))  # spherical: within 0.5 % of the grid's metres
    assert there.length_m >= crow * (1 - 5e-3) - 1e-6
    assert there.time_s >= there.length_m / (H_KMH / 3.6) - 1e-6  # nothing is faster than 60 km/h here
    x, y = to_metric(*there.coordinates[0])
    assert (x - X0, y - Y0) == pytest.approx(a, abs=1e-3)


_GRID = build_network(grid())


def _networkx_reference(roads: list[dict]) -> nx.Graph:
    """The demo roads as a networkx graph over their vertices (which share exact coordinates), weights in s."""
    graph = nx.Graph()
    for r in roads:
        coords = [tuple(c) for c in r["geometry"].coords]
        for a, b in zip(coords, coords[1:], strict=False):
            (ax, ay), (bx, by) = to_metric(*a), to_metric(*b)
            graph.add_edge(a, b, seconds=math.hypot(bx - ax, by - ay) / (r["speed_kmh"] / 3.6))
    return graph


def test_demo_network_agrees_with_networkx() -> None:
    """Travel times to ~60 junctions spread over the demo county, and one route's time, against networkx."""
    roads = demo_geography.road_network()
    network = build_network(RoadSegment(i, list(r["geometry"].coords), r["speed_kmh"]) for i, r in enumerate(roads))
    graph = _networkx_reference(roads)
    start = tuple(roads[0]["geometry"].coords[-1])
    reference = nx.single_source_dijkstra_path_length(graph, start, weight="seconds")
    targets = sorted(reference)[:: max(1, len(reference) // 60)]
    reach = network.reach(network.snap(*start))
    times = reach.times_to_points(np.array(targets))
    assert len(targets) >= 30
    assert times == pytest.approx([reference[t] for t in targets], abs=0.01)
    far = max(targets, key=lambda t: reference[t])
    route = network.route(network.snap(*start), network.snap(*far))
    assert route.time_s == pytest.approx(nx.dijkstra_path_length(graph, start, far, weight="seconds"), abs=0.01)
