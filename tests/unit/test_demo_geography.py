"""Unit tests for yingji.core.demo_geography (pure; no Django, no /work/shared dependency)."""

from __future__ import annotations

import csv
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, shape

from yingji.core import demo_geography as dg
from yingji.core.geo import haversine_m, to_metric_geometry

REPO = Path(__file__).resolve().parents[2]

# DOMAIN.md §1: the 14 township-level units (2023 code list), in code order.
EXPECTED_TOWNS = [
    ("211122001", "太平街道"),
    ("211122002", "高升街道"),
    ("211122003", "得胜街道"),
    ("211122004", "东郭街道"),
    ("211122101", "沙岭镇"),
    ("211122103", "胡家镇"),
    ("211122104", "石新镇"),
    ("211122106", "羊圈子镇"),
    ("211122107", "古城子镇"),
    ("211122108", "坝墙子镇"),
    ("211122110", "陈家镇"),
    ("211122111", "甜水镇"),
    ("211122112", "吴家镇"),
    ("211122400", "盘山县林场"),
]
# Village counts per town in the NBS 2023 list (sum 178).
EXPECTED_VILLAGE_COUNTS = {
    "211122001": 19,
    "211122002": 18,
    "211122003": 11,
    "211122004": 9,
    "211122101": 21,
    "211122103": 22,
    "211122104": 9,
    "211122106": 10,
    "211122107": 11,
    "211122108": 11,
    "211122110": 12,
    "211122111": 15,
    "211122112": 9,
    "211122400": 1,
}


# --- embedded data files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("panshan_boundary_tianditu_wgs84.geojson", "geojson"),
        ("panjin_districts_tianditu_wgs84.geojson", "geojson"),
        ("panshan_boundary_amap_gcj02.geojson", "geojson"),
        ("rivers_gshhg_wgs84.geojson", "geojson"),
        ("coastline_gshhg_wgs84.geojson", "geojson"),
        ("towns_nbs2023.csv", "csv"),
        ("villages_nbs2023.csv", "csv"),
        ("ATTRIBUTION.md", "md"),
    ],
)
def test_data_file_present_and_attributed(name: str, kind: str) -> None:
    path = dg.DATA_DIR / name
    assert path.is_file()
    if kind != "md":
        assert f"`{name}`" in (dg.DATA_DIR / "ATTRIBUTION.md").read_text(encoding="utf-8")
    if kind == "geojson":
        fc = json.loads(path.read_text(encoding="utf-8"))
        assert fc["type"] == "FeatureCollection" and fc["features"]
        for ft in fc["features"]:
            assert ft["type"] == "Feature"
            assert shape(ft["geometry"]).is_valid


def test_no_unlicensed_datav_file_embedded() -> None:
    names = [p.name.lower() for p in dg.DATA_DIR.iterdir()]
    assert not [n for n in names if "datav" in n]


@pytest.mark.parametrize("name", ["rivers_gshhg_wgs84.geojson", "coastline_gshhg_wgs84.geojson"])
def test_gshhg_clipped_and_rounded(name: str) -> None:
    fc = json.loads((dg.DATA_DIR / name).read_text(encoding="utf-8"))
    for ft in fc["features"]:
        assert ft["geometry"]["type"] == "LineString"
        for lon, lat in ft["geometry"]["coordinates"]:
            assert 121.3 <= lon <= 122.7 and 40.6 <= lat <= 41.6
            assert round(lon, 5) == lon and round(lat, 5) == lat


def test_panjin_context_file_has_four_districts() -> None:
    fc = json.loads((dg.DATA_DIR / "panjin_districts_tianditu_wgs84.geojson").read_text(encoding="utf-8"))
    codes = sorted(ft["properties"]["district_adcode"] for ft in fc["features"])
    assert codes == [211102, 211103, 211104, 211122]


# --- boundary, towns, villages ----------------------------------------------------------------


def test_county_boundary() -> None:
    b = dg.load_county_boundary()
    assert isinstance(b, (Polygon, MultiPolygon)) and b.is_valid
    area_km2 = to_metric_geometry(b).area / 1e6
    assert 1_800 < area_km2 < 1_870  # Tianditu extent, including the SW reed strip
    # The SW reed-wetland strip (双台河口 side) must be inside the county in this extent.
    assert b.contains(Point(121.76, 40.95))


def test_towns_match_nbs_list() -> None:
    assert [(t["code"], t["name"]) for t in dg.load_towns()] == EXPECTED_TOWNS
    with open(dg.DATA_DIR / "towns_nbs2023.csv", encoding="utf-8", newline="") as f:
        assert len(list(csv.DictReader(f))) == 14


def test_villages_match_nbs_list() -> None:
    villages = dg.load_villages()
    assert len(villages) == 178
    assert len({v["code"] for v in villages}) == 178
    counts: dict[str, int] = {}
    for v in villages:
        assert v["code"].startswith(v["town_code"]) and len(v["code"]) == 12
        counts[v["town_code"]] = counts.get(v["town_code"], 0) + 1
    assert counts == EXPECTED_VILLAGE_COUNTS


def test_township_seats() -> None:
    seats = dg.township_seats()
    assert [(s["code"], s["name"]) for s in seats] == EXPECTED_TOWNS
    b = dg.load_county_boundary()
    for s in seats:
        assert b.contains(Point(s["lon"], s["lat"])), s["name"]
    county_seat = seats[0]
    assert county_seat["name"] == "太平街道"
    assert haversine_m(county_seat["lon"], county_seat["lat"], 122.03, 41.24) < 2_000
    # Seats are spread out, not stacked.
    for a, c in itertools.combinations(seats, 2):
        assert haversine_m(a["lon"], a["lat"], c["lon"], c["lat"]) > 5_000, (a["name"], c["name"])


def test_township_polygons_partition_the_county() -> None:
    polys = dg.township_polygons()
    seats = {s["code"]: s for s in dg.township_seats()}
    b = dg.load_county_boundary()
    assert set(polys) == set(seats)
    for code, g in polys.items():
        assert isinstance(g, (Polygon, MultiPolygon)), code
        assert g.is_valid and not g.is_empty, code
        assert g.contains(Point(seats[code]["lon"], seats[code]["lat"])), code
    for (c1, g1), (c2, g2) in itertools.combinations(polys.items(), 2):
        assert g1.intersection(g2).area < 1e-10, (c1, c2)
    union = shapely.unary_union(list(polys.values()))
    assert union.symmetric_difference(b).area < 1e-8 * b.area + 1e-12


@pytest.mark.parametrize("code", [c for c, _ in EXPECTED_TOWNS])
def test_each_town_polygon_has_reasonable_size(code: str) -> None:
    g = dg.township_polygons()[code]
    area_km2 = to_metric_geometry(g).area / 1e6
    assert 20 < area_km2 < 400, area_km2


def test_village_points_inside_own_town() -> None:
    villages = dg.village_points()
    polys = dg.township_polygons()
    assert len(villages) == 178
    assert [(v["code"], v["name"], v["town_code"]) for v in villages] == [
        (v["code"], v["name"], v["town_code"]) for v in dg.load_villages()
    ]
    for v in villages:
        assert polys[v["town_code"]].contains(Point(v["lon"], v["lat"])), v["name"]


def test_village_points_not_too_close() -> None:
    villages = dg.village_points()
    seats = dg.township_seats()
    pts = [(v["lon"], v["lat"]) for v in villages]
    nearest = min(haversine_m(*a, *b) for a, b in itertools.combinations(pts, 2))
    assert nearest > 300
    for v in villages:
        for s in seats:
            assert haversine_m(v["lon"], v["lat"], s["lon"], s["lat"]) > 300


# --- roads --------------------------------------------------------------------------------------


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b) -> None:
        self.parent[self.find(a)] = self.find(b)


def _key(lon: float, lat: float) -> tuple[float, float]:
    return (round(lon, 7), round(lat, 7))


def test_road_attributes() -> None:
    roads = dg.road_network()
    classes = {r["road_class"] for r in roads}
    assert classes == {"expressway", "national", "provincial", "county", "township", "village"}
    for r in roads:
        g = r["geometry"]
        assert isinstance(g, LineString) and g.is_valid and g.length > 0
        assert r["name"] and isinstance(r["name"], str)
        assert r["speed_kmh"] == dg.ROAD_SPEEDS_KMH[r["road_class"]]
        assert r["length_m"] > 0


def test_road_graph_connected_and_reaches_every_place() -> None:
    roads = dg.road_network()
    uf = _UnionFind()
    for r in roads:
        coords = list(r["geometry"].coords)
        uf.union(_key(*coords[0]), _key(*coords[-1]))
    places = [(s["lon"], s["lat"]) for s in dg.township_seats()] + [
        (v["lon"], v["lat"]) for v in dg.village_points()
    ]
    nodes = set(uf.parent)
    for p in places:
        assert _key(*p) in nodes, p
    roots = {uf.find(n) for n in nodes}
    assert len(roots) == 1


def test_township_seats_connected_without_village_roads() -> None:
    uf = _UnionFind()
    for r in dg.road_network():
        if r["road_class"] != "village":
            coords = list(r["geometry"].coords)
            uf.union(_key(*coords[0]), _key(*coords[-1]))
    roots = {uf.find(_key(s["lon"], s["lat"])) for s in dg.township_seats()}
    assert len(roots) == 1


def test_every_village_has_one_village_road() -> None:
    ends = [r["to_code"] for r in dg.road_network() if r["road_class"] == "village"]
    assert sorted(ends) == sorted(v["code"] for v in dg.village_points())


def test_roads_inside_or_close_to_county() -> None:
    near = to_metric_geometry(dg.load_county_boundary()).buffer(3_000)
    shapely.prepare(near)
    for r in dg.road_network():
        assert near.contains(to_metric_geometry(r["geometry"])), r["name"]


# --- caching, copies, determinism -----------------------------------------------------------------


def test_returned_containers_are_copies() -> None:
    seats = dg.township_seats()
    seats[0]["lon"] = 0.0
    seats.clear()
    assert dg.township_seats()[0]["lon"] != 0.0
    polys = dg.township_polygons()
    polys.clear()
    assert len(dg.township_polygons()) == 14


_FINGERPRINT = r"""
import hashlib, json, time
t = time.perf_counter()
from yingji.core import demo_geography as dg
b = dg.load_county_boundary(); s = dg.township_seats(); p = dg.township_polygons()
v = dg.village_points(); r = dg.road_network()
elapsed = time.perf_counter() - t
h = hashlib.sha256()
h.update(json.dumps(s, ensure_ascii=False).encode())
h.update(json.dumps({k: g.wkb_hex for k, g in sorted(p.items())}).encode())
h.update(json.dumps(v, ensure_ascii=False).encode())
h.update(json.dumps([[x["geometry"].wkb_hex, x["name"], x["road_class"], x["speed_kmh"]] for x in r],
                    ensure_ascii=False).encode())
print(h.hexdigest(), elapsed)
"""


def _fingerprint(hash_seed: str) -> tuple[str, float]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", _FINGERPRINT], env=env, cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    return out[0], float(out[1])


def test_deterministic_across_processes_and_fast() -> None:
    h1, t1 = _fingerprint("1")
    h2, t2 = _fingerprint("12345")
    assert h1 == h2
    # Target is < 1 s (imports included); leave headroom for slow CI machines.
    assert min(t1, t2) < 3.0
