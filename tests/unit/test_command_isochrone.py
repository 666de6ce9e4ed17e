"""Isochrones: the reached road worked out by hand, nesting, closures, and the grid-to-polygon tracing.

The road grids are those of test_command_routing (1 km blocks; horizontal streets 60 km/h = 60 s per km,
vertical ones 30 km/h = 120 s per km).
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import ndimage

from yingji.command.isochrone import MAX_CELLS, _disk_minimum, band_polygons, cell_size, outline
from yingji.command.routing import RoadSegment, build_network
from yingji.core import demo_geography
from yingji.core.geo import to_metric_geometry

from .test_command_routing import X0, Y0, grid, lonlat, road


def _pieces_m(pieces: np.ndarray) -> set[tuple[tuple[float, float], tuple[float, float]]]:
    """Reached pieces as sets of grid-metre end points, rounded to the centimetre, either way round."""
    result = set()
    for (ax, ay), (bx, by) in pieces:
        a, b = (round(ax - X0, 2), round(ay - Y0, 2)), (round(bx - X0, 2), round(by - Y0, 2))
        result.add((min(a, b), max(a, b)))
    return result


def _inside(polygon: shapely.Geometry, *points_m: tuple[float, float]) -> list[bool]:
    return [bool(polygon.contains(shapely.Point(lonlat(x, y)))) for x, y in points_m]


def test_ninety_seconds_from_the_corner_reach_exactly_these_roads() -> None:
    network = build_network(grid())
    reach = network.reach(network.snap(*lonlat(0, 0)), limit_s=90)
    # Along the bottom: (1,0) at 60 s, then 30 s more at 60 km/h → 500 m; up the left street 90 s at 30 km/h
    # → 750 m; up from (1,0) 30 s → 250 m. Nodes reached: (0,0) and (1,0) only.
    assert _pieces_m(reach.reached_pieces(90)) == {
        ((0, 0), (1000, 0)), ((1000, 0), (1500, 0)), ((0, 0), (0, 750)), ((1000, 0), (1000, 250))}
    (iso,) = network.isochrones(network.snap(*lonlat(0, 0)), [1.5])
    assert iso.road_km == pytest.approx(1 + 0.5 + 0.75 + 0.25, abs=1e-6)
    # The band is 200 m: 140 m from a cut end is in, 290–310 m is out (the outline is good to a 50 m cell).
    assert _inside(iso.polygon, (1640, 10), (10, 890), (1010, 390), (510, 140), (-90, -90)) == [True] * 5
    assert _inside(iso.polygon, (1790, 10), (10, 1060), (1010, 560), (510, 310), (1990, 10)) == [False] * 5


def test_a_start_in_the_middle_of_a_block_reaches_both_ways_along_it() -> None:
    network = build_network(grid())
    origin = network.snap(*lonlat(500, 0))
    pieces = network.reach(origin, limit_s=45).reached_pieces(45)
    # 45 s at 60 km/h = 750 m: west to (0,0) with 15 s left (125 m up the 30 km/h street), east to (1,0) too.
    assert _pieces_m(pieces) == {((0, 0), (1000, 0)), ((0, 0), (0, 125)), ((1000, 0), (1000, 125)),
                                 ((1000, 0), (1250, 0))}


def test_the_smaller_budget_lies_inside_the_larger() -> None:
    roads = demo_geography.road_network()
    network = build_network(RoadSegment(i, list(r["geometry"].coords), r["speed_kmh"]) for i, r in enumerate(roads))
    ten, twenty, thirty = network.isochrones(network.snap(122.03, 41.245), [10, 20, 30])
    # Exactly nested on the metric grid they are traced on (1 mm for the round trip through WGS84)…
    metric = [to_metric_geometry(iso.polygon) for iso in (ten, twenty, thirty)]
    assert metric[1].buffer(1e-3).contains(metric[0]) and metric[2].buffer(1e-3).contains(metric[1])
    # …and in WGS84, where a straight cell edge kilometres long bends by a few centimetres.
    assert twenty.polygon.buffer(2e-6).contains(ten.polygon) and thirty.polygon.buffer(2e-6).contains(twenty.polygon)
    assert 0 < ten.area_km2 < twenty.area_km2 < thirty.area_km2
    assert ten.road_km < twenty.road_km < thirty.road_km
    assert ten.polygon.is_valid and thirty.polygon.is_valid


def test_closed_roads_are_avoided_by_isochrones_too() -> None:
    origin_m = (0, 0)
    open_grid = build_network(grid())
    flooded = build_network(grid(closed={((0, 0), (1, 0))}))
    (before,) = open_grid.isochrones(open_grid.snap(*lonlat(*origin_m)), [2])
    (after,) = flooded.isochrones(flooded.snap(*lonlat(*origin_m)), [2])
    assert _inside(before.polygon, (1010, 10), (1510, 10)) == [True, True]
    # The bottom block is flooded: the only way out is up the 30 km/h street, (0,1) at exactly 120 s.
    assert _inside(after.polygon, (510, 10), (1010, 10), (1510, 10)) == [False, False, False]
    assert _inside(after.polygon, (10, 510), (10, 990)) == [True, True]
    assert after.road_km == pytest.approx(1.0, abs=1e-6)
    pieces = flooded.reach(flooded.snap(*lonlat(*origin_m)), limit_s=120).reached_pieces(120)
    assert _pieces_m(pieces) == {((0, 0), (0, 1000))}


def test_a_closed_road_drawn_beside_an_open_one_changes_nothing() -> None:
    segments = [road(1, (0, 0), (2000, 0), speed=60), road(2, (0, 0), (0, 2000), speed=60, closed=True)]
    network = build_network(segments)
    (iso,) = network.isochrones(network.snap(*lonlat(0, 0)), [1])
    assert iso.road_km == pytest.approx(1.0, abs=1e-6)
    assert _inside(iso.polygon, (10, 140), (10, 510), (990, 10)) == [True, False, True]


# --- the pure grid-to-polygon part ---------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(arrays(bool, st.tuples(st.integers(1, 12), st.integers(1, 12))))
def test_outline_is_exactly_the_set_cells(mask: np.ndarray) -> None:
    polygon = outline(mask, np.array([100.0, 200.0]), 10.0)
    assert polygon.is_valid
    assert polygon.area == pytest.approx(mask.sum() * 100.0)
    centres = [(100 + 10 * c + 5, 200 + 10 * r + 5) for r in range(mask.shape[0]) for c in range(mask.shape[1])]
    assert [polygon.contains(shapely.Point(p)) for p in centres] == list(mask.ravel())


def test_a_ring_of_cells_keeps_its_hole_and_diagonal_cells_touch_at_a_corner() -> None:
    ring = np.ones((3, 3), dtype=bool)
    ring[1, 1] = False
    polygon = outline(ring, np.array([0.0, 0.0]), 1.0)
    assert polygon.geom_type == "Polygon" and len(polygon.interiors) == 1 and polygon.area == 8
    checker = np.array([[True, False], [False, True]])
    pair = outline(checker, np.array([0.0, 0.0]), 1.0)
    assert pair.geom_type == "MultiPolygon" and len(pair.geoms) == 2 and pair.is_valid


def test_one_point_makes_a_disc_of_the_band_width_and_budgets_nest() -> None:
    xy = np.array([[0.0, 0.0], [1000.0, 0.0]])
    near, both = band_polygons(xy, np.array([0.0, 100.0]), [50, 100], buffer_m=200, cell_m=10)
    # A disc of radius 200 m drawn in 10 m cells: its area within a cell's width of the circle's.
    assert np.pi * 195**2 < near.area < np.pi * 205**2
    assert both.area == pytest.approx(2 * near.area)
    assert near.within(both)
    assert band_polygons(xy, np.array([60.0, 70.0]), [50], buffer_m=200)[0].is_empty


def test_the_cell_grows_rather_than_exceed_the_cell_budget() -> None:
    extent = np.array([[0.0, 0.0], [200_000.0, 200_000.0]])  # a 200 km square: 50 m cells would be 16 million
    assert cell_size(extent, 200) == pytest.approx(200_400 / MAX_CELLS**0.5)
    assert cell_size(np.array([[0.0, 0.0], [5_000.0, 5_000.0]]), 200) == 50  # a town: a quarter of the band
    polygon = band_polygons(extent, np.array([0.0, 0.0]), [1], buffer_m=200)[0]
    assert polygon.geom_type == "MultiPolygon" and len(polygon.geoms) == 2


@pytest.mark.parametrize("radius", [1.0, 1.58, 2.5, 4.0, 6.3])
def test_the_disc_minimum_equals_a_filter_with_the_disc_footprint(radius: float) -> None:
    rng = np.random.default_rng(int(radius * 100))
    grid = np.where(rng.random((40, 50)) < 0.05, rng.random((40, 50)) * 100, np.inf).astype(np.float32)
    reach = int(radius)
    dy, dx = np.mgrid[-reach:reach + 1, -reach:reach + 1]
    expected = ndimage.minimum_filter(grid, footprint=dx * dx + dy * dy <= radius * radius, mode="constant",
                                      cval=np.inf)
    assert np.array_equal(_disk_minimum(grid, radius), expected)
