"""Road networks from OpenStreetMap (.osm / .osm.pbf, read with pyosmium) or GeoJSON, as routing records
(pure: no Django).

OSM ``highway`` values map to the county's road classes, refined by Chinese route numbers in ``ref``
(G 国道, S 省道, X 县道, Y 乡道, C 村道 — the numbering of JTG/T 3392 / 公路路线标识规则); the free-flow
speed is ``maxspeed`` when tagged, else the class default below. Paths, footways, construction and the like
are skipped and counted. ``access=no`` or ``motor_vehicle=no`` ways are kept but closed.

One-way roads (OSM wiki "Key:oneway"; the implied cases as OSRM's car profile reads them): ``oneway=yes|1|true``
is one-way in the drawn direction, ``oneway=-1`` against it (the vertices are reversed, so a stored one-way road
always runs in its drawn direction); ``junction=roundabout|circular`` and ``highway=motorway`` are one-way unless
tagged ``oneway=no``. ``oneway=reversible`` changes direction by the hour, which the network cannot know, so
such a road is imported closed (an operator may open it). ``alternating`` (one lane, both ways in turn) and any
other value are two-way.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import osmium

from yingji.core.geo import convert_geometry_gcj02_to_wgs84, out_of_china

__all__ = ["HIGHWAY_CLASSES", "RoadRecord", "RoadSourceError", "SourceReport", "direction", "read_geojson",
           "read_osm"]

# OSM highway → (road class, default free-flow km/h). Links are slower than their roads.
HIGHWAY_CLASSES: dict[str, tuple[str, float]] = {
    "motorway": ("expressway", 100), "motorway_link": ("expressway", 60),
    "trunk": ("national", 80), "trunk_link": ("national", 50),
    "primary": ("provincial", 60), "primary_link": ("provincial", 40),
    "secondary": ("county", 50), "secondary_link": ("county", 35),
    "tertiary": ("township", 40), "tertiary_link": ("township", 30),
    "unclassified": ("village", 30), "residential": ("village", 25), "living_street": ("village", 10),
    "service": ("village", 15), "track": ("village", 15),
}
# Chinese route-number prefixes (ref="G305", "S220;X061") → class; the first listed number wins.
REF_CLASSES = {"G": "national", "S": "provincial", "X": "county", "Y": "township", "C": "village"}
CLASS_SPEEDS = {"expressway": 100.0, "national": 80.0, "provincial": 60.0, "county": 50.0, "township": 40.0,
                "village": 30.0}
_MPH = 1.609344
_MAXSPEED = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(km/h|kmh|kph|mph)?\s*$", re.IGNORECASE)
_CLOSED_ACCESS = {"no", "private"}
_FORWARD = {"yes", "1", "true"}
_BACKWARD = {"-1"}
_TWO_WAY = {"no", "0", "false"}
_IMPLIED_ONEWAY_JUNCTIONS = {"roundabout", "circular"}


class RoadSourceError(ValueError):
    """A file that cannot be read as roads at all, or a feature that is wrong, named by ``where``."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}：{message}")
        self.where = where
        self.message = message


@dataclass(frozen=True)
class RoadRecord:
    """One road as the county's Road table stores it: name, class, km/h, WGS84 vertices, closed."""

    name: str
    road_class: str
    speed_kmh: float
    coordinates: list[tuple[float, float]]
    closed: bool = False
    ref: str = ""
    oneway: bool = False  # passable only from the first vertex towards the last


@dataclass
class SourceReport:
    """What a file gave: the records, and what was skipped and why (counted by reason)."""

    records: list[RoadRecord] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)

    def by_class(self) -> dict[str, int]:
        return dict(Counter(r.road_class for r in self.records))


def parse_maxspeed(value: str | None) -> float | None:
    """``"60"``, ``"60 km/h"``, ``"40 mph"`` → km/h; anything else (``"CN:urban"``, ``"none"``) → None."""
    match = _MAXSPEED.match(value or "")
    if not match:
        return None
    speed = float(match.group(1)) * (_MPH if (match.group(2) or "").lower() == "mph" else 1.0)
    return speed if 0 < speed <= 200 else None


def classify(tags: Mapping[str, str]) -> tuple[str, float] | None:
    """(class, km/h) for a way's tags, or None when it is not a road for vehicles."""
    highway = tags.get("highway", "")
    if highway not in HIGHWAY_CLASSES:
        return None
    road_class, speed = HIGHWAY_CLASSES[highway]
    ref = (tags.get("ref") or "").strip().upper()
    if ref[:1] in REF_CLASSES and highway not in ("motorway", "motorway_link"):
        road_class = REF_CLASSES[ref[0]]
        speed = max(speed, CLASS_SPEEDS[road_class]) if not highway.endswith("_link") else speed
    return road_class, parse_maxspeed(tags.get("maxspeed")) or speed


def direction(tags: Mapping[str, str]) -> str:
    """``"forward"``, ``"backward"`` (against the drawing), ``"both"`` or ``"reversible"`` for a way's tags."""
    value = (tags.get("oneway") or "").strip().lower()
    if value in _FORWARD:
        return "forward"
    if value in _BACKWARD:
        return "backward"
    if value == "reversible":
        return "reversible"
    implied = (tags.get("junction") in _IMPLIED_ONEWAY_JUNCTIONS or tags.get("highway") == "motorway")
    return "forward" if implied and value not in _TWO_WAY else "both"


def _directed(coords: list[tuple[float, float]], way: str) -> tuple[list[tuple[float, float]], bool, bool]:
    """(coordinates in the direction of travel, one-way, closed) for a way's ``direction``."""
    if way == "backward":
        return coords[::-1], True, False
    return coords, way == "forward", way == "reversible"


def _valid_line(coords: list[tuple[float, float]]) -> str | None:
    if len(coords) < 2:
        return "少于两个顶点"
    for lon, lat in coords:
        if not (math.isfinite(lon) and math.isfinite(lat)) or out_of_china(lon, lat):
            return f"坐标 ({lon}, {lat}) 不在中国境内"
    return None


def read_osm(path: str | Path) -> SourceReport:
    """Every vehicle road of an .osm or .osm.pbf file (node locations resolved by pyosmium)."""
    report = SourceReport()
    try:
        # Nodes are read for their locations only; the entity filter hands just the ways to Python.
        processor = (osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY).with_locations()
                     .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY)))
        for way in processor:
            if not isinstance(way, osmium.osm.Way):
                continue
            tags = {tag.k: tag.v for tag in way.tags}
            kind = classify(tags)
            if kind is None:
                if "highway" in tags:
                    report.skipped[f"非机动车道路（highway={tags['highway']}）"] += 1
                continue
            try:
                coords = [(node.lon, node.lat) for node in way.nodes]
            except osmium.InvalidLocationError:
                report.skipped["节点缺少坐标"] += 1
                continue
            if _valid_line(coords):
                report.skipped["几何无效或不在中国境内"] += 1
                continue
            coords, oneway, reversible = _directed(coords, direction(tags))
            closed = (reversible or tags.get("access") in _CLOSED_ACCESS
                      or tags.get("motor_vehicle") in _CLOSED_ACCESS)
            name = tags.get("name:zh") or tags.get("name") or tags.get("ref") or ""
            report.records.append(RoadRecord(name=name[:100], road_class=kind[0], speed_kmh=kind[1],
                                             coordinates=coords, closed=closed, ref=tags.get("ref", ""),
                                             oneway=oneway))
    except RuntimeError as exc:  # libosmium reports unreadable or truncated files as RuntimeError
        raise RoadSourceError("文件", f"无法读取 OSM 数据：{exc}") from exc
    return report


def _lines(geometry: Mapping[str, Any]) -> list[list[tuple[float, float]]]:
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "LineString":
        return [[(float(x), float(y)) for x, y, *_ in coords or []]]
    if kind == "MultiLineString":
        return [[(float(x), float(y)) for x, y, *_ in part] for part in coords or []]
    raise ValueError(f"几何类型应为 LineString 或 MultiLineString，实际为 {kind}")


def _feature_records(index: int, feature: Mapping[str, Any], crs: str) -> Iterator[RoadRecord]:
    properties = feature.get("properties") or {}
    geometry = feature.get("geometry") or {}
    if crs == "gcj02":
        geometry = convert_geometry_gcj02_to_wgs84(dict(geometry))
    where = f"第 {index + 1} 条要素"
    try:
        lines = _lines(geometry)
    except (ValueError, TypeError) as exc:
        raise RoadSourceError(where, str(exc)) from exc
    road_class = properties.get("road_class")
    if road_class is None:
        kind = classify({k: str(v) for k, v in properties.items() if v is not None})
        if kind is None:
            raise RoadSourceError(where, "缺少 road_class，且 highway 不是机动车道路")
        road_class, default_speed = kind
    elif road_class not in CLASS_SPEEDS:
        raise RoadSourceError(where, f"road_class 应为 {'、'.join(CLASS_SPEEDS)} 之一，实际为 {road_class}")
    else:
        default_speed = CLASS_SPEEDS[road_class]
    speed = properties.get("speed_kmh")
    if speed is None:
        speed = parse_maxspeed(str(properties.get("maxspeed") or "")) or default_speed
    if not isinstance(speed, int | float) or isinstance(speed, bool) or not 0 < speed <= 200:
        raise RoadSourceError(where, f"speed_kmh 应为 0–200 之间的数值，实际为 {speed!r}")
    way = _geojson_direction(properties, where)
    for line in lines:
        problem = _valid_line(line)
        if problem:
            raise RoadSourceError(where, problem)
        coords, oneway, reversible = _directed(line, way)
        yield RoadRecord(name=str(properties.get("name") or "")[:100], road_class=road_class, speed_kmh=float(speed),
                         coordinates=coords, closed=reversible or bool(properties.get("closed", False)), oneway=oneway)


def _geojson_direction(properties: Mapping[str, Any], where: str) -> str:
    """A feature's ``oneway`` (true/false, 1/0/−1, or OSM's words) with OSM's implied cases; wrong values refused."""
    given = properties.get("oneway")
    if isinstance(given, bool):
        value = "yes" if given else "no"
    elif isinstance(given, int | float) and given in (1, 0, -1):
        value = str(int(given))
    else:
        value = given.strip().lower() if isinstance(given, str) else "" if given is None else "?"
    if value not in (_FORWARD | _BACKWARD | _TWO_WAY | {"reversible", "alternating", ""}):
        raise RoadSourceError(where, f"oneway 应为 true、false、yes、no、1、0、-1 或 reversible，实际为 {given!r}")
    tags = {k: str(properties[k]) for k in ("junction", "highway") if properties.get(k) is not None}
    return direction({**tags, "oneway": value})


def read_geojson(text: str | bytes, *, crs: str = "wgs84") -> SourceReport:
    """Roads from a GeoJSON FeatureCollection; any wrong feature refuses the whole file, naming it."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RoadSourceError("文件", f"不是有效的 JSON：{exc}") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise RoadSourceError("文件", "应为 GeoJSON FeatureCollection")
    if crs not in ("wgs84", "gcj02"):
        raise RoadSourceError("crs", "坐标系只能是 wgs84 或 gcj02")
    report = SourceReport()
    for index, feature in enumerate(data.get("features") or []):
        report.records.extend(_feature_records(index, feature, crs))
    return report
