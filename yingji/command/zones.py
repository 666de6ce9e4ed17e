"""Threat zones of a continuous release, as NOAA ALOHA draws them (pure: numpy, shapely, pyproj; no Django).

For each level of concern T (AEGL-3 / -2 / -1 → red / orange / yellow, or 60 % / 10 % LEL) the zone is the
ground-level footprint where the steady plume's concentration C(x, y, 0) ≥ T (DOMAIN §9):

1. The ground centreline C(x, 0, 0) = Q/(π u σy σz) · exp(−H²/2σz²) (ground reflection included) is
   sampled on a log grid from 0.1 m to 10 km; the zone's downwind end x_max (and, for an elevated source,
   its upwind start) is found by bisection where C crosses T. Beyond 10 km the zone is clipped there.
2. At each x of a sample set clustered towards both ends, the half-width where C(x, y, 0) = T is
   y(x) = σy(x) · sqrt(2 · ln(C(x, 0, 0) / T)).
3. The outline (x downwind, y crosswind) is rotated so that x points away from the direction the wind
   blows FROM (meteorological degrees, clockwise from true north), translated to the source in
   EPSG:4529 metres (allowing for the grid's convergence from true north), and taken back to WGS84.

For an instantaneous puff the zones above are the envelope: the ground that the passing puff ever brings to
the level. The footprint t seconds after release is drawn as well when asked (`puff_snapshot`): the puff's
centre is u·t downwind, its CCPS sigmas are read at travel u·t, and since σx = σy the ground footprint
C(x, y, 0; t) ≥ T is a circle about (u·t, 0) of radius r = σy · sqrt(2 · ln(C_peak(t) / T)), where
C_peak(t) = 2M / ((2π)^1.5 σy² σz) · exp(−H²/2σz²).

The sigmas, concentrations and stated limits are dispersion.py's; this module only draws.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import MultiPoint, Polygon
from shapely.geometry.polygon import orient

from yingji.core.geo import (
    from_metric,
    from_metric_geometry,
    looks_swapped,
    out_of_china,
    to_metric,
    to_metric_geometry,
)

from .constants import MAX_RELIABLE_DISTANCE_M
from .dispersion import (
    PointQuery,
    briggs_sigmas,
    check_point_query,
    plume_concentration,
    puff_sigmas,
    validity_limits,
)
from .toxicity import AIR_MOLAR_MASS_G_MOL, Chemical, Threshold

__all__ = [
    "ZONE_LABELS",
    "Release",
    "Extent",
    "Zone",
    "ZoneSet",
    "check_release",
    "centreline_concentration",
    "downwind_extent",
    "local_outline",
    "threat_zones",
    "chemical_limits",
    "PuffFootprint",
    "PuffSnapshot",
    "puff_snapshot",
    "MAX_SNAPSHOTS",
]

FloatArray = npt.NDArray[np.float64]

ZONE_LABELS: Final[dict[str, str]] = {"red": "红区", "orange": "橙区", "yellow": "黄区"}
# The centreline is scanned from here to the 10 km clip; a zone shorter than this is "not reached".
SCAN_FROM_M: Final[float] = 0.1
SCAN_POINTS: Final[int] = 400
# Points along each side of an outline, clustered towards both ends where the width changes fastest.
DEFAULT_SAMPLES: Final[int] = 200
# The EPSG:4529 zone (3-degree Gauss–Krüger zone 41, central meridian 123°E).
_GRID_ZONE_LON: Final[tuple[float, float]] = (121.5, 124.5)
_BISECT_STEPS: Final[int] = 100
# Vertices of a puff footprint's circle: the 96-gon's area is 99.93 % of the circle's.
CIRCLE_SAMPLES: Final[int] = 96
# At most this many times after release in one request (each is one polygon per level).
MAX_SNAPSHOTS: Final[int] = 12


@dataclass(frozen=True)
class Release:
    """A release and the weather it meets: continuous (``q_g_s``) or, with ``mass_g``, an instantaneous puff.

    wind_from_deg: where the wind blows FROM. A puff's footprint is where its passing peak reaches the level:
    at each distance x the peak ground concentration as the puff's centre goes by (t = x/u), with CCPS puff
    sigmas at travel x, and the crosswind fall-off exp(−y²/2σy²) around it.
    """

    q_g_s: float
    u_m_s: float
    wind_from_deg: float
    stability: str
    lon: float
    lat: float
    terrain: str = "rural"
    h_m: float = 0.0
    mass_g: float | None = None

    @property
    def is_puff(self) -> bool:
        return self.mass_g is not None


def check_release(release: Release) -> dict[str, str]:
    """Problems with the release, by field, in Chinese; empty when threat_zones can draw it."""
    if release.is_puff:
        problems = check_point_query(PointQuery(model="puff", u_m_s=release.u_m_s, stability=release.stability,
                                                x_m=1.0, terrain=release.terrain, mass_g=release.mass_g, t_s=1.0,
                                                h_m=release.h_m))
        if "mass_g" not in problems and release.mass_g == 0:
            problems["mass_g"] = "瞬时泄漏量必须大于 0 g"
    else:
        problems = check_point_query(PointQuery(model="plume", u_m_s=release.u_m_s, stability=release.stability,
                                                x_m=1.0, terrain=release.terrain, q_g_s=release.q_g_s,
                                                h_m=release.h_m))
        if "q_g_s" not in problems and release.q_g_s == 0:
            problems["q_g_s"] = "泄漏速率必须大于 0 g/s"
    deg = release.wind_from_deg
    if not math.isfinite(deg) or not 0 <= deg <= 360:
        problems["wind_from_deg"] = f"风向应为 0–360°（风的来向，正北为 0°，顺时针）（实际为 {deg:g}）"
    lon, lat = release.lon, release.lat
    if not (math.isfinite(lon) and math.isfinite(lat)):
        problems["source"] = "泄漏源经纬度必须是有限的数值"
    elif looks_swapped(lon, lat):
        problems["source"] = f"泄漏源经纬度疑似填反：经度 {lon:g}，纬度 {lat:g}"
    elif out_of_china(lon, lat):
        problems["source"] = f"泄漏源 ({lon:g}, {lat:g}) 不在中国境内"
    return problems


# --- the footprint in the plume's own frame -----------------------------------------------------------
def centreline_concentration(release: Release, x_m: npt.ArrayLike) -> FloatArray:
    """Ground-level concentration on the axis (g/m³) at downwind distances x > 0: the steady plume's, or the
    puff's peak as its centre passes x (M / ((2π)^1.5 σy² σz) · 2·exp(−H²/2σz²), CCPS sigmas at travel x)."""
    if release.mass_g is not None:
        sigma_y, sigma_z = puff_sigmas(x_m, release.stability)
        vertical = 2.0 * np.exp(-(release.h_m**2) / (2.0 * sigma_z**2))
        return np.asarray(release.mass_g / ((2.0 * math.pi) ** 1.5 * sigma_y**2 * sigma_z) * vertical,
                          dtype=np.float64)
    return plume_concentration(release.q_g_s, release.u_m_s, release.h_m, release.stability, release.terrain,
                               x_m, 0.0, 0.0)


@dataclass(frozen=True)
class Extent:
    """Where on the axis the ground concentration reaches the threshold: [start, end] metres downwind."""

    start_m: float  # 0 for a ground-level release; > 0 when an elevated plume reaches the ground later
    end_m: float  # x_max, clipped at 10 km
    clipped: bool  # still above the threshold at 10 km


def _bisect(release: Release, threshold_g_m3: float, above: float, below: float) -> float:
    """The x between `above` (C ≥ T) and `below` (C < T) where C = T, to a relative 1e-10."""
    for _ in range(_BISECT_STEPS):
        mid = 0.5 * (above + below)
        if float(centreline_concentration(release, mid)) >= threshold_g_m3:
            above = mid
        else:
            below = mid
        if abs(below - above) <= 1e-10 * max(above, below):
            break
    return 0.5 * (above + below)


def downwind_extent(release: Release, threshold_g_m3: float) -> Extent | None:
    """The stretch of the axis where the ground concentration is at least the threshold; None if nowhere.

    The centreline rises to one peak (at the source for a ground release) and falls after it, so the
    zone is one interval; its ends are bracketed on a log grid and refined by bisection.
    """
    grid = np.geomspace(SCAN_FROM_M, MAX_RELIABLE_DISTANCE_M, SCAN_POINTS)
    above = np.flatnonzero(centreline_concentration(release, grid) >= threshold_g_m3)
    if above.size == 0:
        return None
    first, last = int(above[0]), int(above[-1])
    start = 0.0 if first == 0 else _bisect(release, threshold_g_m3, float(grid[first]), float(grid[first - 1]))
    if last == grid.size - 1:
        return Extent(start, MAX_RELIABLE_DISTANCE_M, clipped=True)
    return Extent(start, _bisect(release, threshold_g_m3, float(grid[last]), float(grid[last + 1])), clipped=False)


def half_width(release: Release, threshold_g_m3: float, x_m: npt.ArrayLike) -> FloatArray:
    """Crosswind half-width (m) of the ground footprint C ≥ T at x: σy · sqrt(2 ln(C(x,0,0)/T)), 0 outside."""
    if release.is_puff:
        sigma_y, _ = puff_sigmas(x_m, release.stability)
    else:
        sigma_y, _ = briggs_sigmas(x_m, release.stability, release.terrain)
    ratio = np.maximum(centreline_concentration(release, x_m) / threshold_g_m3, 1.0)
    return np.asarray(sigma_y * np.sqrt(2.0 * np.log(ratio)), dtype=np.float64)


def local_outline(release: Release, threshold_g_m3: float, extent: Extent,
                  samples: int = DEFAULT_SAMPLES) -> FloatArray:
    """The footprint's closed outline in the plume frame: (x downwind, y to the left), shape (n, 2)."""
    s = np.linspace(0.0, 1.0, samples)
    xs = extent.start_m + (extent.end_m - extent.start_m) * (1.0 - np.cos(math.pi * s)) / 2.0
    inner = xs[1:-1] if not extent.clipped else xs[1:]
    inner = inner[inner > 0]
    ys = half_width(release, threshold_g_m3, inner)
    start = np.array([[extent.start_m, 0.0]])
    # Clipped: the last sample is the 10 km cut, kept with its width, and the ring closes straight across it.
    end = np.empty((0, 2)) if extent.clipped else np.array([[extent.end_m, 0.0]])
    upper = np.column_stack([inner, ys])
    lower = np.column_stack([inner[::-1], -ys[::-1]])
    return np.vstack([start, upper, end, lower, start])


# --- placing it on the map ----------------------------------------------------------------------------
def _frame(release: Release) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Origin (EPSG:4529 m), unit downwind and unit crosswind-left vectors in grid coordinates.

    Wind directions are from true north; the grid's north differs from it by the meridian convergence
    (about 0.64° at Panshan), so true north is read from the projection at the source.
    """
    e0, n0 = to_metric(release.lon, release.lat)
    e1, n1 = to_metric(release.lon, release.lat + 0.001)
    north = np.array([e1 - e0, n1 - n0])
    north /= np.hypot(*north)
    east = np.array([north[1], -north[0]])  # north turned 90° clockwise (the projection is conformal)
    theta = math.radians(release.wind_from_deg)
    down = -(math.cos(theta) * north + math.sin(theta) * east)  # away from where the wind comes from
    left = np.array([-down[1], down[0]])
    return np.array([e0, n0]), down, left


def _to_grid(local: FloatArray, frame: tuple[np.ndarray, np.ndarray, np.ndarray]) -> FloatArray:
    origin, down, left = frame
    return origin + local[:, :1] * down + local[:, 1:2] * left


@dataclass(frozen=True)
class Zone:
    """One zone: its level of concern, where it reaches, and its polygon (EPSG:4529 and WGS84)."""

    threshold: Threshold
    extent: Extent | None
    metric: Polygon | None = None
    geometry: Polygon | None = None
    max_half_width_m: float = 0.0
    footprint: str = "steady"  # "steady" (continuous plume) or "envelope" (ever reached as a puff passes)

    @property
    def label(self) -> str:
        base = f"{ZONE_LABELS.get(self.threshold.zone, self.threshold.zone)}（{self.threshold.level}）"
        return f"{base}·最大包络" if self.footprint == "envelope" else base

    def feature(self) -> dict[str, Any]:
        """A GeoJSON feature (geometry null when the ground concentration never reaches the threshold)."""
        t, extent = self.threshold, self.extent
        geometry = None
        if self.geometry is not None:
            ring = [[round(lon, 7), round(lat, 7)] for lon, lat in self.geometry.exterior.coords]
            geometry = {"type": "Polygon", "coordinates": [ring]}
        properties = {
            "zone": t.zone,
            "label": self.label,
            "level": t.level,
            "threshold_ppm": t.ppm,
            "threshold_mg_m3": round(t.mg_m3, 6),
            "max_distance_m": round(extent.end_m, 1) if extent else 0.0,
            "min_distance_m": round(extent.start_m, 1) if extent else 0.0,
            "max_half_width_m": round(self.max_half_width_m, 1),
            "clipped_at_10km": bool(extent and extent.clipped),
            "source": t.source,
            "footprint": self.footprint,
        }
        if extent is None:
            properties["note"] = f"地面浓度未达到 {t.level}（{t.ppm:g} ppm），无{ZONE_LABELS.get(t.zone, t.zone)}"
        return {"type": "Feature", "geometry": geometry, "properties": properties}


@dataclass(frozen=True)
class ZoneSet:
    """The zones of one release, most severe first, with the model's limits in Chinese."""

    release: Release
    zones: tuple[Zone, ...]
    limits: tuple[str, ...]
    _frame: tuple[np.ndarray, np.ndarray, np.ndarray] = field(repr=False)
    snapshots: tuple[PuffSnapshot, ...] = ()

    def feature_collection(self) -> dict[str, Any]:
        """GeoJSON, least severe first so that a map drawing in order puts red on top."""
        return {"type": "FeatureCollection", "features": [z.feature() for z in reversed(self.zones)]}

    def locate(self, points: Sequence[tuple[float, float]]) -> list[tuple[str | None, float]]:
        """For WGS84 (lon, lat) points: the most severe zone each lies in (None: none) and its downwind metres."""
        if not points:
            return []
        projected = shapely.get_coordinates(_project_points(points))
        origin, down, _ = self._frame
        downwind = (projected - origin) @ down
        found: list[str | None] = [None] * len(points)
        for zone in reversed(self.zones):  # least severe first, so the most severe overwrites
            if zone.metric is None:
                continue
            inside = shapely.contains_xy(zone.metric, projected[:, 0], projected[:, 1])
            inside |= shapely.intersects_xy(zone.metric.exterior, projected[:, 0], projected[:, 1])
            for i in np.flatnonzero(inside):
                found[int(i)] = zone.threshold.zone
        return [(zone, float(d)) for zone, d in zip(found, downwind, strict=True)]

    def to_lonlat(self, downwind_m: float, left_m: float = 0.0) -> tuple[float, float]:
        """The WGS84 point downwind_m along the plume axis and left_m to its left (facing downwind)."""
        e, n = _to_grid(np.array([[downwind_m, left_m]], dtype=np.float64), self._frame)[0]
        return from_metric(float(e), float(n))

    def bounds(self) -> tuple[float, float, float, float] | None:
        """WGS84 (min lon, min lat, max lon, max lat) of all zones, or None when there are none."""
        shapes = [z.geometry for z in self.zones if z.geometry is not None]
        if not shapes:
            return None
        minx, miny, maxx, maxy = shapely.total_bounds(shapes)
        return float(minx), float(miny), float(maxx), float(maxy)


def _project_points(points: Sequence[tuple[float, float]]) -> Any:
    return to_metric_geometry(MultiPoint([(float(lon), float(lat)) for lon, lat in points]))


def _limits(release: Release, zones: Iterable[Zone]) -> list[str]:
    wind = validity_limits(np.empty(0), release.u_m_s)
    limits = list(wind)
    for zone in zones:
        if zone.extent is None:
            continue
        extent = zone.extent
        if extent.clipped:
            limits.append(f"{zone.label}在 10 km 处地面浓度仍高于阈值：已截断于 10 km，实际范围更大"
                          "（超出扩散参数适用范围）")
            continue
        limits += [f"{zone.label}{m}" for m in validity_limits(extent.end_m, release.u_m_s) if m not in wind]
    if not _GRID_ZONE_LON[0] <= release.lon <= _GRID_ZONE_LON[1]:
        limits.append(f"泄漏源经度 {release.lon:g}° 在 EPSG:4529 投影带（121.5°–124.5°E）之外：威胁区形状有投影变形")
    if release.is_puff:
        limits.append("高斯烟团筛查估算（瞬时泄漏）：威胁区为烟团经过各处时的地面峰值浓度达到阈值的范围（最大包络），"
                      "按 CCPS 烟团扩散参数；峰值暴露远短于 60 分钟，与 60 分钟 AEGL 比较偏保守；"
                      "假定平坦开阔地面、风向风速和稳定度不变，未计地形、建筑物、烟团抬升和沉降")
        limits.append("距泄漏源 100 m 以内（近场）烟团扩散参数为外推，近处的浓度和范围不可靠")
        if release.terrain == "urban":
            limits.append("烟团扩散参数（CCPS）不区分城市与农村，地表类型 urban 未改变结果")
        travel_min = MAX_RELIABLE_DISTANCE_M / release.u_m_s / 60.0
        if travel_min > 60:
            limits.append(f"烟团到达 10 km 需 {travel_min:.0f} 分钟，超过 60 分钟后风况可能变化，远处结果不可靠")
    else:
        limits.append("高斯烟羽筛查估算：假定平坦开阔地面、风向风速和稳定度在 60 分钟内不变、泄漏持续且气体为中性浮力；"
                      "未计烟羽抬升、建筑物与地形影响、沉降和浓度时间平均修正")
    return limits


def chemical_limits(chemical: Chemical, hazard: str, levels: Sequence[Threshold] = ()) -> list[str]:
    """What the chemical itself puts outside the model: dense or buoyant gas, flammable-zone caveats, and toxic
    levels at or above 10 % of the LEL (the fire and explosion hazard is reached first there)."""
    limits: list[str] = []
    mass = chemical.molar_mass_g_mol
    if chemical.denser_than_air:
        limits.append(f"{chemical.name}摩尔质量 {mass:g} g/mol 大于空气（{AIR_MOLAR_MASS_G_MOL:g}）："
                      "大量泄漏形成重气云时高斯模型不适用，应改用重气扩散模型（如 ALOHA 的重气模型）")
    else:
        limits.append(f"{chemical.name}摩尔质量 {mass:g} g/mol 小于空气：纯气体泄漏会上浮，地面浓度可能被高估；"
                      "液化气体两相泄漏时仍可能形成重气云")
    if hazard == "flammable":
        limits.append("可燃区按 ALOHA 的 60 % / 10 % 爆炸下限划定（计入浓度脉动）；未计算爆炸超压和热辐射")
    elif chemical.lel_percent is not None:
        ten_percent_lel_ppm = chemical.lel_percent * 1000.0  # 10 % of the LEL, in ppm (1 % = 10 000 ppm)
        high = [t.level for t in levels if t.ppm >= ten_percent_lel_ppm]
        if high:
            limits.append(f"{'、'.join(high)} 不低于爆炸下限的 10 %（{ten_percent_lel_ppm:g} ppm）："
                          "该浓度下火灾爆炸危险先于毒性出现，应同时按 hazard=flammable 计算可燃区")
    return limits


def threat_zones(release: Release, levels: Sequence[Threshold], *, samples: int = DEFAULT_SAMPLES,
                 times_s: Sequence[float] = ()) -> ZoneSet:
    """Every level's ground footprint of a continuous release or a puff, placed on the map, with the limits.

    :param levels: the levels of concern, most severe (highest) first, e.g. toxicity.thresholds(...).
    :param times_s: for a puff, seconds after release at which its footprint is drawn as well (snapshots).
    :raises ValueError: the release has problems (check_release names them by field), or times for a plume.
    """
    problems = check_release(release)
    if problems:
        raise ValueError("；".join(problems.values()))
    frame = _frame(release)
    zones: list[Zone] = []
    for level in levels:
        threshold_g_m3 = level.mg_m3 / 1000.0
        extent = downwind_extent(release, threshold_g_m3)
        if extent is None:
            zones.append(Zone(level, None))
            continue
        local = local_outline(release, threshold_g_m3, extent, samples)
        metric = orient(Polygon(_to_grid(local, frame)), sign=1.0)  # exterior counter-clockwise (RFC 7946)
        geometry = from_metric_geometry(metric)
        assert isinstance(geometry, Polygon)
        zones.append(Zone(level, extent, metric, geometry, float(np.abs(local[:, 1]).max()),
                          "envelope" if release.is_puff else "steady"))
    if times_s and not release.is_puff:
        raise ValueError("连续泄漏（plume）为稳态烟羽，不按释放后时间绘制")
    snapshots = tuple(puff_snapshot(release, levels, t, frame) for t in times_s)
    return ZoneSet(release, tuple(zones), tuple(_limits(release, zones)), frame, snapshots)


# --- a puff's footprint at one time after release ---------------------------------------------------------
@dataclass(frozen=True)
class PuffFootprint:
    """Where one level is reached t seconds after release: a circle about the puff's centre (None: nowhere)."""

    threshold: Threshold
    radius_m: float  # 0 when the puff's peak is below the level at this time
    peak_g_m3: float
    metric: Polygon | None = None
    geometry: Polygon | None = None

    @property
    def label(self) -> str:
        return f"{ZONE_LABELS.get(self.threshold.zone, self.threshold.zone)}（{self.threshold.level}）"


@dataclass(frozen=True)
class PuffSnapshot:
    """The puff t seconds after release: its centre, sigmas, the footprint of every level and the limits."""

    t_s: float
    centre_m: float  # u·t downwind of the source
    centre_lonlat: tuple[float, float]
    sigma_y_m: float
    sigma_z_m: float
    footprints: tuple[PuffFootprint, ...]
    limits: tuple[str, ...]

    def feature_collection(self) -> dict[str, Any]:
        """GeoJSON of the footprints, least severe first (red on top), each labelled with the time."""
        features = []
        for fp in reversed(self.footprints):
            t = fp.threshold
            geometry = None
            if fp.geometry is not None:
                ring = [[round(lon, 7), round(lat, 7)] for lon, lat in fp.geometry.exterior.coords]
                geometry = {"type": "Polygon", "coordinates": [ring]}
            properties: dict[str, Any] = {
                "zone": t.zone, "label": f"{fp.label}·释放后 {self.t_s / 60:g} 分钟", "level": t.level,
                "threshold_ppm": t.ppm, "threshold_mg_m3": round(t.mg_m3, 6), "source": t.source,
                "footprint": "at_time", "t_s": self.t_s, "radius_m": round(fp.radius_m, 1),
                "centre_downwind_m": round(self.centre_m, 1),
            }
            if fp.geometry is None:
                properties["note"] = (f"释放后 {self.t_s / 60:g} 分钟烟团中心地面浓度低于 {t.level}（{t.ppm:g} ppm），"
                                      f"此刻无{ZONE_LABELS.get(t.zone, t.zone)}")
            features.append({"type": "Feature", "geometry": geometry, "properties": properties})
        return {"type": "FeatureCollection", "features": features}


def puff_snapshot(release: Release, levels: Sequence[Threshold], t_s: float,
                  frame: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                  samples: int = CIRCLE_SAMPLES) -> PuffSnapshot:
    """The puff's ground footprints t seconds after release, placed on the map (DOMAIN §9 puff at z = 0).

    The radius solves C(x, y, 0; t) = T analytically: r = σy · sqrt(2 · ln(C_peak / T)) about x = u·t.

    :raises ValueError: not a puff, or t not a positive finite number of seconds.
    """
    if not release.is_puff:
        raise ValueError("只有瞬时泄漏（puff）按释放后时间绘制")
    if not math.isfinite(t_s) or t_s <= 0:
        raise ValueError(f"释放后时间必须大于 0 s（实际为 {t_s:g}）")
    frame = frame if frame is not None else _frame(release)
    centre = release.u_m_s * t_s
    sigma_y, sigma_z = (float(v) for v in puff_sigmas(centre, release.stability))
    peak = float(centreline_concentration(release, centre))
    angles = np.linspace(0.0, 2.0 * math.pi, samples, endpoint=False)
    footprints = []
    for level in levels:
        threshold_g_m3 = level.mg_m3 / 1000.0
        if peak < threshold_g_m3:
            footprints.append(PuffFootprint(level, 0.0, peak))
            continue
        radius = sigma_y * math.sqrt(2.0 * math.log(peak / threshold_g_m3))
        local = np.column_stack([centre + radius * np.cos(angles), radius * np.sin(angles)])
        metric = orient(Polygon(_to_grid(local, frame)), sign=1.0)
        geometry = from_metric_geometry(metric)
        assert isinstance(geometry, Polygon)
        footprints.append(PuffFootprint(level, radius, peak, metric, geometry))
    wind = validity_limits(np.empty(0), release.u_m_s)
    limits = [m for m in validity_limits(np.empty(0), release.u_m_s, t_s) if m not in wind]
    e, n = _to_grid(np.array([[centre, 0.0]]), frame)[0]
    return PuffSnapshot(t_s, centre, from_metric(float(e), float(n)), sigma_y, sigma_z, tuple(footprints),
                        tuple(limits))
