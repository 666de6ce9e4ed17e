"""yingji.dashboard.spatial against hand-computed cases (1° of latitude ≈ 111.2 km on the mean sphere)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.dashboard import spatial

KM_PER_DEGREE = 2 * math.pi * spatial.EARTH_RADIUS_M / 360 / 1000  # 111.195 km
LON0, LAT0 = 122.03, 41.24


def test_one_degree_of_latitude() -> None:
    d = spatial.distances_m(LON0, LAT0, np.array([LON0]), np.array([LAT0 + 1]))[0]
    assert d == pytest.approx(111_195, abs=5)
    assert pytest.approx(111.2, abs=0.01) == KM_PER_DEGREE


def test_one_degree_of_longitude_shrinks_with_the_cosine_of_latitude() -> None:
    at_equator = spatial.distances_m(0, 0, np.array([1.0]), np.array([0.0]))[0]
    at_panshan = spatial.distances_m(LON0, LAT0, np.array([LON0 + 1]), np.array([LAT0]))[0]
    assert at_equator == pytest.approx(111_195, abs=5)
    assert at_panshan == pytest.approx(111_195 * math.cos(math.radians(LAT0)), rel=1e-3)  # ≈ 83.6 km


def test_distance_to_itself_and_symmetry() -> None:
    assert spatial.distances_m(LON0, LAT0, np.array([LON0]), np.array([LAT0]))[0] == 0
    ab = spatial.distances_m(121.9, 41.1, np.array([122.2]), np.array([41.3]))[0]
    ba = spatial.distances_m(122.2, 41.3, np.array([121.9]), np.array([41.1]))[0]
    assert ab == pytest.approx(ba)


def test_inside_circle() -> None:
    # 0.01° of latitude ≈ 1112 m: inside 1200 m, outside 1000 m.
    points = [(LON0, LAT0), (LON0, LAT0 + 0.01), (LON0, LAT0 - 0.02), (LON0 + 0.01, LAT0)]
    assert spatial.inside_circle(LON0, LAT0, 1200, points).tolist() == [True, True, False, True]
    assert spatial.inside_circle(LON0, LAT0, 1000, points).tolist() == [True, False, False, True]  # 0.01° lon ≈ 836 m
    assert spatial.inside_circle(LON0, LAT0, 1000, []).tolist() == []


SQUARE = {"type": "Polygon", "coordinates": [[[122.0, 41.2], [122.1, 41.2], [122.1, 41.3], [122.0, 41.3],
                                              [122.0, 41.2]]]}


def test_inside_polygon_with_the_boundary_included() -> None:
    polygon = spatial.polygon_from_geojson(SQUARE)
    points = [(122.05, 41.25), (122.0, 41.25), (122.1, 41.3), (122.15, 41.25), (122.05, 41.35)]
    assert spatial.inside_polygon(polygon, points).tolist() == [True, True, True, False, False]
    assert spatial.inside_polygon(polygon, []).tolist() == []


def test_area_of_a_small_square() -> None:
    # 0.1° × 0.1° at 41.25° N ≈ 11.12 km × 8.36 km ≈ 93 km².
    expected = (0.1 * KM_PER_DEGREE) * (0.1 * KM_PER_DEGREE * math.cos(math.radians(41.25)))
    assert spatial.area_km2(spatial.polygon_from_geojson(SQUARE)) == pytest.approx(expected, rel=0.01)


def test_self_intersecting_polygon_is_repaired() -> None:
    bowtie = {"type": "Polygon", "coordinates": [[[122.0, 41.2], [122.1, 41.3], [122.1, 41.2], [122.0, 41.3],
                                                  [122.0, 41.2]]]}
    polygon = spatial.polygon_from_geojson(bowtie)
    assert polygon.is_valid
    assert spatial.inside_polygon(polygon, [(122.02, 41.25), (122.05, 41.22)]).tolist() == [True, False]


@pytest.mark.parametrize("geometry", [
    {"type": "Point", "coordinates": [122, 41]},
    {"type": "Polygon", "coordinates": []},
    {"type": "Polygon", "coordinates": [[[122, 41], [122.1]]]},
    {"type": "Polygon"},
    {},
])
def test_bad_polygons_raise_value_error(geometry: dict) -> None:
    with pytest.raises(ValueError):
        spatial.polygon_from_geojson(geometry)


@given(st.floats(73, 135), st.floats(18, 53), st.floats(-0.5, 0.5), st.floats(-0.5, 0.5))
def test_small_distances_match_the_flat_earth_approximation(lon: float, lat: float, dlon: float, dlat: float) -> None:
    d = spatial.distances_m(lon, lat, np.array([lon + dlon]), np.array([lat + dlat]))[0]
    mid = math.radians(lat + dlat / 2)
    flat = KM_PER_DEGREE * 1000 * math.hypot(dlat, dlon * math.cos(mid))
    assert d == pytest.approx(flat, rel=5e-3, abs=1e-6)


@given(st.floats(1, 100_000))
def test_circle_mask_agrees_with_distances(radius: float) -> None:
    points = [(LON0 + dx, LAT0 + dy) for dx in (-0.5, -0.01, 0, 0.003, 0.2) for dy in (-0.3, 0, 0.004, 0.9)]
    mask = spatial.inside_circle(LON0, LAT0, radius, points)
    lons, lats = np.array(points).T
    assert mask.tolist() == (spatial.distances_m(LON0, LAT0, lons, lats) <= radius).tolist()
