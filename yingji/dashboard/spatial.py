"""Which points lie inside a drawn circle or polygon (pure; WGS84 in, metres for distances)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from yingji.core.geo import to_metric_geometry

EARTH_RADIUS_M = 6_371_008.8


def distances_m(lon0: float, lat0: float, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """Great-circle distances from one point to many (haversine, vectorised)."""
    lon0_r, lat0_r = np.radians(lon0), np.radians(lat0)
    lons_r, lats_r = np.radians(lons), np.radians(lats)
    a = np.sin((lats_r - lat0_r) / 2) ** 2 + np.cos(lat0_r) * np.cos(lats_r) * np.sin((lons_r - lon0_r) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))


def inside_circle(lon: float, lat: float, radius_m: float, points: Sequence[tuple[float, float]]) -> np.ndarray:
    """Boolean mask and distances of `points` (lon, lat) within radius_m of the centre."""
    if not points:
        return np.zeros(0, dtype=bool)
    coords = np.asarray(points, dtype=float)
    return distances_m(lon, lat, coords[:, 0], coords[:, 1]) <= radius_m


def polygon_from_geojson(geometry: dict[str, Any]) -> BaseGeometry:
    """A valid shapely polygon from a GeoJSON Polygon/MultiPolygon, or ValueError in Chinese."""
    if geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValueError("范围必须是多边形（Polygon 或 MultiPolygon）")
    try:
        polygon = shape(geometry)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ValueError(f"多边形坐标无效：{exc}") from exc
    if polygon.is_empty:
        raise ValueError("多边形为空")
    return polygon if polygon.is_valid else shapely.make_valid(polygon)


def inside_polygon(polygon: BaseGeometry, points: Sequence[tuple[float, float]]) -> np.ndarray:
    """Boolean mask of `points` inside the polygon (boundary included)."""
    if not points:
        return np.zeros(0, dtype=bool)
    coords = np.asarray(points, dtype=float)
    shapely.prepare(polygon)
    return shapely.intersects_xy(polygon, coords[:, 0], coords[:, 1])


def area_km2(polygon: BaseGeometry) -> float:
    """Area of a WGS84 polygon in km², measured in the county's metric projection."""
    return float(to_metric_geometry(polygon).area) / 1e6
