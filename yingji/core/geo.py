"""Pure geodesy helpers for Yingji (no Django import).

The platform stores every coordinate as WGS84 (EPSG:4326) longitude/latitude.
Chinese web-map data (Amap / Gaode, Tencent, Aliyun DataV) is published in
GCJ-02 ("Mars coordinates"), which is WGS84 plus a deliberate, non-linear
offset of a few hundred metres; it must be converted on import.

Metric work (buffers, areas, distances along lines) is done in EPSG:4529,
CGCS2000 / 3-degree Gauss-Kruger zone 41 (central meridian 123 E, false
easting 41 500 000 m), the national grid zone covering Panshan County
(121.56-122.48 E).  Note: EPSG:4527 is zone 39 (central meridian 117 E), not
zone 41; using it here would put Panshan 5 degrees off its central meridian.
CGCS2000 and WGS84 agree to within about a metre, so no datum shift is applied.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

__all__ = [
    "METRIC_EPSG",
    "EARTH_RADIUS_M",
    "out_of_china",
    "looks_swapped",
    "wgs84_to_gcj02",
    "gcj02_to_wgs84",
    "convert_geometry_gcj02_to_wgs84",
    "haversine_m",
    "to_metric",
    "from_metric",
    "to_metric_geometry",
    "from_metric_geometry",
]

# CGCS2000 / 3-degree Gauss-Kruger zone 41 (CM 123 E, 121.5-124.5 E) -- the zone containing Panshan.
# (EPSG:4527 is zone 39, CM 117 E: wrong zone for Panshan, so it is deliberately not used.)
METRIC_EPSG = 4529
# IUGG mean Earth radius, the usual choice for haversine distances.
EARTH_RADIUS_M = 6_371_008.8

# Krasovsky 1940 ellipsoid parameters used by the public GCJ-02 algorithm.
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323

# Rough bounding box of China used by the public GCJ-02 algorithm: outside it no offset is applied.
_CHINA_LON = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)


def out_of_china(lon: float, lat: float) -> bool:
    """Return True if (lon, lat) lies outside the rough China bounding box.

    This is the same coarse rectangle the public GCJ-02 algorithm uses: points
    outside it are not offset (GCJ-02 == WGS84 there).  It is a rectangle, so it
    is *not* a country test (e.g. Seoul and Hanoi count as "in China").
    """
    return not (_CHINA_LON[0] <= lon <= _CHINA_LON[1] and _CHINA_LAT[0] <= lat <= _CHINA_LAT[1])


def looks_swapped(lon: float, lat: float) -> bool:
    """Heuristic: True if (lon, lat) was probably given as (lat, lon) for a point in China.

    China's longitudes (73-135) never overlap its latitudes (18-54), so a pair
    that falls outside China as given but inside China once swapped (or a
    "latitude" beyond +/-90) is almost certainly swapped.  Use it to reject or
    flag uploads, not to silently fix them.
    """
    if abs(lat) > 90 and abs(lon) <= 90:
        # A latitude beyond the pole can only be a longitude.
        return True
    return out_of_china(lon, lat) and not out_of_china(lat, lon)


def _transform_lat(x: float, y: float) -> float:
    # Public GCJ-02 latitude offset polynomial (x = lon - 105, y = lat - 35).
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    # Public GCJ-02 longitude offset polynomial (x = lon - 105, y = lat - 35).
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _gcj_offset(lon: float, lat: float) -> tuple[float, float]:
    """Return the (dlon, dlat) GCJ-02 offset in degrees at WGS84 point (lon, lat)."""
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1.0 - _GCJ_EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    # Convert the metre-like polynomial outputs to degrees on the Krasovsky ellipsoid.
    dlat = (dlat * 180.0) / ((_GCJ_A * (1.0 - _GCJ_EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_GCJ_A / sqrtmagic * math.cos(radlat) * math.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """Convert a WGS84 (lon, lat) to GCJ-02 using the standard public offset formula.

    Points outside the rough China rectangle are returned unchanged, as the
    algorithm specifies.
    """
    if out_of_china(lon, lat):
        return lon, lat
    dlon, dlat = _gcj_offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(
    lon: float, lat: float, *, tol_deg: float = 1e-9, max_iter: int = 20
) -> tuple[float, float]:
    """Convert a GCJ-02 (lon, lat) back to WGS84.

    GCJ-02 has no closed-form inverse, so this is a fixed-point iteration:
    start from the GCJ point and repeatedly correct the guess by the residual
    ``wgs84_to_gcj02(guess) - target``.  The offset field is smooth, so it
    converges in 2-4 steps to far below 1 mm (``tol_deg`` 1e-9 deg ~ 0.1 mm).
    Points outside the China rectangle are returned unchanged.
    """
    if out_of_china(lon, lat):
        return lon, lat
    g_lon, g_lat = lon, lat
    for _ in range(max_iter):
        t_lon, t_lat = wgs84_to_gcj02(g_lon, g_lat)
        d_lon, d_lat = t_lon - lon, t_lat - lat
        g_lon -= d_lon
        g_lat -= d_lat
        if abs(d_lon) < tol_deg and abs(d_lat) < tol_deg:
            break
    return g_lon, g_lat


def _map_coords(coords: Any, fn: Callable[[float, float], tuple[float, float]]) -> Any:
    """Apply fn to every position in a (nested) GeoJSON coordinate array, keeping any Z/M values."""
    if len(coords) and isinstance(coords[0], (int, float)):
        x, y = fn(float(coords[0]), float(coords[1]))
        return [x, y, *coords[2:]]
    return [_map_coords(c, fn) for c in coords]


def convert_geometry_gcj02_to_wgs84(geojson_geometry: dict) -> dict:
    """Return a copy of a GeoJSON geometry dict with every vertex converted GCJ-02 -> WGS84.

    Handles Point, MultiPoint, LineString, MultiLineString, Polygon,
    MultiPolygon and (recursively) GeometryCollection.  Other members of the
    dict (e.g. a stray ``properties``) are copied unchanged; ``bbox`` is dropped
    because it would be stale.
    """
    gtype = geojson_geometry.get("type")
    out = {k: v for k, v in geojson_geometry.items() if k not in ("coordinates", "geometries", "bbox")}
    if gtype == "GeometryCollection":
        out["geometries"] = [convert_geometry_gcj02_to_wgs84(g) for g in geojson_geometry["geometries"]]
        return out
    if gtype not in {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}:
        raise ValueError(f"not a GeoJSON geometry type: {gtype!r}")
    out["coordinates"] = _map_coords(geojson_geometry["coordinates"], gcj02_to_wgs84)
    return out


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two WGS84 points (spherical Earth, error < 0.5 %)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    # min() guards against rounding pushing h a hair above 1 for antipodal points.
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@cache
def _transformer(forward: bool) -> Transformer:
    """Cached pyproj transformer WGS84 <-> EPSG:4529 (building one costs milliseconds)."""
    src, dst = ("EPSG:4326", f"EPSG:{METRIC_EPSG}") if forward else (f"EPSG:{METRIC_EPSG}", "EPSG:4326")
    # always_xy: (lon, lat) / (easting, northing) whatever axis order the EPSG definition declares.
    return Transformer.from_crs(src, dst, always_xy=True)


def to_metric(lon: float, lat: float) -> tuple[float, float]:
    """Project a WGS84 (lon, lat) to EPSG:4529 (easting, northing) in metres.

    Eastings carry the zone prefix, i.e. they are about 41.4-41.5 million near Panshan.
    """
    x, y = _transformer(True).transform(lon, lat)
    return float(x), float(y)


def from_metric(x: float, y: float) -> tuple[float, float]:
    """Inverse of :func:`to_metric`: EPSG:4529 (easting, northing) -> WGS84 (lon, lat)."""
    lon, lat = _transformer(False).transform(x, y)
    return float(lon), float(lat)


def _vector_transform(forward: bool) -> Callable[[np.ndarray], np.ndarray]:
    """Return a function mapping an (N, 2) coordinate array through the cached transformer."""
    tr = _transformer(forward)

    def fn(coords: np.ndarray) -> np.ndarray:
        if len(coords) == 0:
            return coords
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return fn


def to_metric_geometry(shapely_geom: BaseGeometry) -> BaseGeometry:
    """Project a shapely geometry from WGS84 lon/lat to EPSG:4529 metres (2D; Z is dropped)."""
    # shapely.transform hands all vertices over in one array, so pyproj runs vectorised.
    return shapely.transform(shapely_geom, _vector_transform(True))


def from_metric_geometry(shapely_geom: BaseGeometry) -> BaseGeometry:
    """Project a shapely geometry from EPSG:4529 metres back to WGS84 lon/lat (2D)."""
    return shapely.transform(shapely_geom, _vector_transform(False))
