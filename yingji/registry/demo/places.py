"""Where demo records stand: near a township seat, near a village, or inside the chemical park.

Every point is checked against the real county boundary and lies in the (demo) township polygon it
is filed under, so a record's admin area always agrees with its position.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import cache, cached_property

import shapely
from shapely.geometry import Point, box

from yingji.core import demo_geography

# The chemical park. The brief's 122.00 E 41.15 N lies just outside the Tianditu boundary (in
# Xinglongtai district), so the park sits at the nearest site south-west of the county seat where a
# 1.3 km × 1.1 km block (≈ 1.5 km²) is wholly inside the county, between 太平街道 and 坝墙子镇.
PARK_NAME = "盘山县石化产业园（演示）"
PARK_CENTRE = (121.952, 41.212)
PARK_HALF_SIZE = (0.008, 0.005)  # degrees of lon, lat
_M_PER_DEG_LAT = 111_050.0
_M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(41.2))

STREETS = ("兴盛路", "振兴街", "建设路", "育才路", "府前街", "迎宾路", "渤海路", "繁荣街", "胜利路", "和平街",
           "新华路", "长青街", "光明路", "富民街", "工业路")
PARK_ROADS = ("石化一路", "石化二路", "石化三路", "园区大街", "储运路", "滨河路")


@dataclass(frozen=True)
class Spot:
    """A placed point with the admin area it belongs to and a postal-style address."""

    lon: float
    lat: float
    area_code: str
    address: str


def short_village(name: str) -> str:
    """太平社区 → 太平社区, 拥军村委会 → 拥军村, 东郭居委会 → 东郭社区."""
    for suffix, repl in (("社区居委会", "社区"), ("村委会", "村"), ("居委会", "社区")):
        if name.endswith(suffix):
            return name[: -len(suffix)] + repl
    return name


@cache
def _inner_boundary() -> shapely.Geometry:
    """The county boundary pulled in by ≈ 100 m, so no point sits on the line."""
    inner = demo_geography.load_county_boundary().buffer(-0.001)
    shapely.prepare(inner)
    return inner


@cache
def _towns() -> dict[str, shapely.Geometry]:
    polygons = demo_geography.township_polygons()
    for polygon in polygons.values():
        shapely.prepare(polygon)
    return polygons


class Placer:
    """Seeded placement of points inside the county; one per kind of record keeps kinds independent."""

    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)

    @property
    def boundary(self) -> shapely.Geometry:
        return _inner_boundary()

    @property
    def towns(self) -> dict[str, shapely.Geometry]:
        return _towns()

    @cached_property
    def seats(self) -> dict[str, dict]:
        return {s["code"]: s for s in demo_geography.township_seats()}

    @cached_property
    def villages(self) -> dict[str, dict]:
        return {v["code"]: v for v in demo_geography.village_points()}

    def villages_of(self, town_code: str, *, rural: bool | None = None) -> list[dict]:
        """Villages of a township in code order; `rural=True` leaves out urban communities."""
        out = [v for v in self.villages.values() if v["town_code"] == town_code]
        if rural is not None:
            out = [v for v in out if ("村" in v["name"] and "社区" not in v["name"]) == rural]
        return out

    def town_at(self, lon: float, lat: float) -> str:
        point = Point(lon, lat)
        for code, polygon in self.towns.items():
            if polygon.covers(point):
                return code
        raise ValueError(f"({lon}, {lat}) is in no township polygon")

    def _jitter(self, lon: float, lat: float, radius_m: float, town_code: str | None) -> tuple[float, float]:
        """A point uniformly within radius_m of (lon, lat), inside the county (and the town if given)."""
        for _ in range(200):
            r = radius_m * math.sqrt(self.rng.random())
            a = self.rng.uniform(0, 2 * math.pi)
            x = round(lon + r * math.cos(a) / _M_PER_DEG_LON, 6)
            y = round(lat + r * math.sin(a) / _M_PER_DEG_LAT, 6)
            point = Point(x, y)
            if self.boundary.contains(point) and (town_code is None or self.towns[town_code].contains(point)):
                return x, y
        return lon, lat  # the centre itself is inside: seats and villages are checked by demo_geography

    def _street_address(self, town_code: str) -> str:
        town = self.seats[town_code]["name"]
        return f"盘锦市盘山县{town}{self.rng.choice(STREETS)}{self.rng.randint(1, 399)}号"

    def near_seat(self, town_code: str, radius_m: float = 1500) -> Spot:
        seat = self.seats[town_code]
        lon, lat = self._jitter(seat["lon"], seat["lat"], radius_m, town_code)
        return Spot(lon, lat, town_code, self._street_address(town_code))

    def near_village(self, village_code: str, radius_m: float = 600) -> Spot:
        village = self.villages[village_code]
        town_code = village["town_code"]
        lon, lat = self._jitter(village["lon"], village["lat"], radius_m, town_code)
        town = self.seats[town_code]["name"]
        return Spot(lon, lat, village_code, f"盘锦市盘山县{town}{short_village(village['name'])}")

    def in_park(self) -> Spot:
        (cx, cy), (hx, hy) = PARK_CENTRE, PARK_HALF_SIZE
        for _ in range(200):
            x = round(self.rng.uniform(cx - hx, cx + hx), 6)
            y = round(self.rng.uniform(cy - hy, cy + hy), 6)
            if self.boundary.contains(Point(x, y)):
                break
        else:
            x, y = cx, cy
        town_code = self.town_at(x, y)
        town = self.seats[town_code]["name"]
        road = self.rng.choice(PARK_ROADS)
        return Spot(x, y, town_code, f"盘锦市盘山县{town}石化产业园{road}{self.rng.randint(1, 88)}号")


def park_polygon() -> shapely.Geometry:
    (cx, cy), (hx, hy) = PARK_CENTRE, PARK_HALF_SIZE
    return box(cx - hx, cy - hy, cx + hx, cy + hy)
