"""Fastest routes, travel times to many points and isochrones over the road network (pure: no Django).

The graph is built once from road segments and reused for every query:

* every vertex of every open segment becomes a node, after vertices closer than
  ``JUNCTION_TOLERANCE_M`` are merged, so roads meeting at a shared endpoint *or* a shared interior vertex
  are joined (grade separation is not known: two roads drawn through the same point are a junction, two
  roads crossing between vertices are not);
* each straight piece between consecutive vertices is an edge in both directions (a one-way segment's only
  in the order its vertices are drawn), weighted by its travel time ``length_m / (speed_kmh / 3.6)``
  seconds; closed segments and segments without a usable speed are left out;
* lengths are measured in EPSG:4529 (CGCS2000 / GK zone 41) metres, whose scale error over the county is
  below 0.02 %.

A query point is snapped to the nearest point of the nearest open edge; the gap is covered at
``access_speed_kmh`` (a slow off-road / yard speed) and reported. A point farther than ``max_snap_m`` from
any open road is refused with :class:`RoutingError`, naming the point. Shortest times come from one
Dijkstra run (scipy.sparse.csgraph) from a virtual node placed at the origin's snapped point.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from yingji.core.geo import from_metric_geometry, to_metric_geometry

from .isochrone import band_polygons, cell_size

__all__ = [
    "ACCESS_SPEED_KMH",
    "ISOCHRONE_BUFFER_M",
    "JUNCTION_TOLERANCE_M",
    "MAX_SNAP_M",
    "Isochrone",
    "Reach",
    "RoadNetwork",
    "RoadSegment",
    "Route",
    "RoutingError",
    "Snap",
    "build_network",
]

# Vertices closer than this are one junction (digitising noise; the demo network shares exact endpoints).
JUNCTION_TOLERANCE_M = 1.0
# Speed over the gap between a point and the road it is snapped to: yards, tracks, the last few hundred metres.
ACCESS_SPEED_KMH = 20.0
# A point farther than this from every open road is outside the network's coverage.
MAX_SNAP_M = 5_000.0
# Half-width of the band around the reachable parts of roads that makes an isochrone polygon.
ISOCHRONE_BUFFER_M = 200.0
# Dijkstra treats no weight as special, but a zero-time edge (a point snapped onto a vertex) is kept positive.
_MIN_EDGE_S = 1e-6
# A snapped point this close to an end of its edge is at that junction: it may leave a one-way edge backwards.
_AT_NODE_M = 1e-3


class RoutingError(ValueError):
    """A query the network cannot answer, with the request field it is about and a Chinese message."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class RoadSegment:
    """One road as routing sees it: WGS84 (lon, lat) vertices, free-flow speed, whether it is closed, and
    whether it is one-way (passable only from its first vertex towards its last)."""

    road_id: int
    coordinates: Sequence[Sequence[float]]
    speed_kmh: float
    closed: bool = False
    oneway: bool = False


@dataclass(frozen=True)
class Snap:
    """Where a query point joins the network: the nearest point of the nearest open edge."""

    lon: float
    lat: float
    snapped_lon: float
    snapped_lat: float
    distance_m: float
    access_s: float
    edge: int
    fraction: float  # 0 at the edge's first node, 1 at its second
    xy: tuple[float, float]  # the snapped point in EPSG:4529 metres
    point_xy: tuple[float, float]  # the query point in EPSG:4529 metres


@dataclass(frozen=True)
class Route:
    """A fastest route: total time and length (access legs included) and the path as WGS84 (lon, lat)."""

    time_s: float
    length_m: float
    coordinates: list[tuple[float, float]]
    origin: Snap
    destination: Snap


@dataclass(frozen=True)
class Isochrone:
    """The area reachable within ``minutes``: a WGS84 polygon, its area and the road length reached."""

    minutes: float
    polygon: BaseGeometry
    area_km2: float
    road_km: float


def _metric(points_lonlat: np.ndarray) -> np.ndarray:
    """(N, 2) lon/lat → (N, 2) EPSG:4529 metres, in one vectorised pyproj call."""
    if len(points_lonlat) == 0:
        return np.empty((0, 2))
    return shapely.get_coordinates(to_metric_geometry(shapely.multipoints(points_lonlat)))


def _lonlat(points_xy: np.ndarray) -> np.ndarray:
    """(N, 2) EPSG:4529 metres → (N, 2) lon/lat."""
    if len(points_xy) == 0:
        return np.empty((0, 2))
    return shapely.get_coordinates(from_metric_geometry(shapely.multipoints(points_xy)))


@dataclass
class RoadNetwork:
    """The routable graph. Build it with :func:`build_network`; it is read-only afterwards."""

    node_xy: np.ndarray  # (N, 2) EPSG:4529 metres
    node_lonlat: np.ndarray  # (N, 2) WGS84
    edge_u: np.ndarray  # (E,) first node of each straight piece
    edge_v: np.ndarray  # (E,) second node
    edge_length_m: np.ndarray
    edge_time_s: np.ndarray
    edge_road: np.ndarray  # (E,) road_id each piece belongs to
    edge_oneway: np.ndarray  # (E,) bool: passable from edge_u to edge_v only
    access_speed_kmh: float = ACCESS_SPEED_KMH
    max_snap_m: float = MAX_SNAP_M
    skipped_road_ids: list[int] = field(default_factory=list)
    _tree: shapely.STRtree = field(init=False, repr=False)
    _lines: np.ndarray = field(init=False, repr=False)
    _indptr: np.ndarray = field(init=False, repr=False)
    _indices: np.ndarray = field(init=False, repr=False)
    _weights: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._lines = shapely.linestrings(
            np.stack([self.node_xy[self.edge_u], self.node_xy[self.edge_v]], axis=1)
        ) if len(self.edge_u) else np.empty(0, dtype=object)
        self._tree = shapely.STRtree(self._lines)
        n = self.node_count
        # Both directions (one-way pieces forward only); parallel pieces between two nodes keep the fastest.
        back = ~self.edge_oneway
        rows = np.concatenate([self.edge_u, self.edge_v[back]])
        cols = np.concatenate([self.edge_v, self.edge_u[back]])
        weights = np.maximum(np.concatenate([self.edge_time_s, self.edge_time_s[back]]), _MIN_EDGE_S)
        order = np.lexsort((weights, cols, rows))
        rows, cols, weights = rows[order], cols[order], weights[order]
        first = np.ones(len(rows), dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        # One spare row/column at index n: the virtual origin node each query wires to its snapped point.
        graph = csr_matrix((weights[first], (rows[first], cols[first])), shape=(n + 1, n + 1))
        self._indptr, self._indices, self._weights = graph.indptr, graph.indices, graph.data

    @property
    def node_count(self) -> int:
        return len(self.node_xy)

    @property
    def edge_count(self) -> int:
        return len(self.edge_u)

    # --- snapping ------------------------------------------------------------------------------------
    def _snap_xy(self, points_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Nearest edge, fraction along it and distance for each metric point (vectorised)."""
        points = shapely.points(points_xy)
        (_, edges), distances = self._tree.query_nearest(points, return_distance=True, all_matches=False)
        fractions = shapely.line_locate_point(self._lines[edges], points, normalized=True)
        fractions = np.nan_to_num(fractions, nan=0.0)  # a zero-length piece has no direction
        return edges, fractions, distances

    def snap_points(self, lonlat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Edge, fraction and snap distance (m) for many WGS84 points; distance is inf beyond ``max_snap_m``."""
        if self.edge_count == 0 or len(lonlat) == 0:
            n = len(lonlat)
            return np.zeros(n, dtype=np.int64), np.zeros(n), np.full(n, math.inf)
        edges, fractions, distances = self._snap_xy(_metric(np.asarray(lonlat, dtype=float)))
        distances = np.where(distances > self.max_snap_m, math.inf, distances)
        return edges, fractions, distances

    def snap(self, lon: float, lat: float, *, field_name: str = "from") -> Snap:
        """Snap one WGS84 point, or raise :class:`RoutingError` naming ``field_name``."""
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            raise RoutingError(field_name, f"坐标无效：经度 {lon}，纬度 {lat}")
        if self.edge_count == 0:
            raise RoutingError(field_name, "路网为空：没有可通行的道路")
        point_xy = _metric(np.array([[lon, lat]]))
        edges, fractions, distances = self._snap_xy(point_xy)
        edge, fraction, distance = int(edges[0]), float(fractions[0]), float(distances[0])
        if distance > self.max_snap_m:
            raise RoutingError(field_name, f"坐标不在路网覆盖范围内：({lon}, {lat}) 距最近的可通行道路 "
                                           f"{distance / 1000:.1f} km，超过 {self.max_snap_m / 1000:g} km")
        u, v = self.node_xy[self.edge_u[edge]], self.node_xy[self.edge_v[edge]]
        snapped_xy = u + fraction * (v - u)
        snapped_lon, snapped_lat = _lonlat(snapped_xy[None, :])[0]
        return Snap(lon=lon, lat=lat, snapped_lon=float(snapped_lon), snapped_lat=float(snapped_lat),
                    distance_m=distance, access_s=distance / (self.access_speed_kmh / 3.6), edge=edge,
                    fraction=fraction, xy=(float(snapped_xy[0]), float(snapped_xy[1])),
                    point_xy=(float(point_xy[0, 0]), float(point_xy[0, 1])))

    # --- queries -------------------------------------------------------------------------------------
    def reach(self, origin: Snap, *, limit_s: float = math.inf) -> Reach:
        """One Dijkstra from the origin's snapped point: travel times to every node (within ``limit_s``)."""
        n = self.node_count
        e = origin.edge
        along = self.edge_time_s[e]
        # The virtual origin joins its edge's far end, and its near end unless the edge is one-way.
        at_u = origin.fraction * self.edge_length_m[e] <= _AT_NODE_M
        ends = [self.edge_v[e]] if self.edge_oneway[e] and not at_u else [self.edge_v[e], self.edge_u[e]]
        extra_cols = np.array(ends, dtype=self._indices.dtype)
        extra_w = np.maximum([(1.0 - origin.fraction) * along, origin.fraction * along][:len(ends)], _MIN_EDGE_S)
        indptr = self._indptr.copy()
        indptr[-1] += len(ends)
        graph = csr_matrix((np.concatenate([self._weights, extra_w]), np.concatenate([self._indices, extra_cols]),
                            indptr), shape=(n + 1, n + 1))
        times, predecessors = dijkstra(graph, directed=True, indices=n, return_predecessors=True, limit=limit_s)
        return Reach(self, origin, times, predecessors)

    def route(self, origin: Snap, destination: Snap) -> Route:
        """The fastest route between two snapped points, or RoutingError on ``to`` when none exists."""
        return self.reach(origin).route_to(destination)

    def isochrones(self, origin: Snap, minutes: Iterable[float], *,
                   buffer_m: float = ISOCHRONE_BUFFER_M) -> list[Isochrone]:
        """Areas reachable within each budget, as bands of ``buffer_m`` around the reachable road parts."""
        budgets = sorted(set(minutes))
        if not budgets:
            return []
        reach = self.reach(origin, limit_s=max(0.0, max(budgets) * 60 - origin.access_s))
        return reach.isochrones(budgets, buffer_m=buffer_m)


@dataclass(frozen=True)
class Reach:
    """Travel times from one origin to every node; answers point-to-point and one-to-many questions."""

    network: RoadNetwork
    origin: Snap
    node_times: np.ndarray  # (N + 1,) seconds from the snapped origin, inf where unreached
    predecessors: np.ndarray

    def road_times(self, edges: np.ndarray, fractions: np.ndarray) -> np.ndarray:
        """Seconds on the road from the origin's snapped point to points (edge, fraction) of the network."""
        net, times = self.network, self.node_times
        along, length = net.edge_time_s[edges], net.edge_length_m[edges]
        oneway = net.edge_oneway[edges]
        via_u = times[net.edge_u[edges]] + fractions * along
        from_v = ~oneway | ((1.0 - fractions) * length <= _AT_NODE_M)
        via_v = np.where(from_v, times[net.edge_v[edges]] + (1.0 - fractions) * along, math.inf)
        best = np.minimum(via_u, via_v)
        same = edges == self.origin.edge
        ahead = fractions[same] - self.origin.fraction  # along the edge from the origin: behind it only two-way
        direct = np.where(oneway[same] & (ahead * length[same] < -_AT_NODE_M), math.inf, np.abs(ahead) * along[same])
        best[same] = np.minimum(best[same], direct)
        return best

    def times_to(self, edges: np.ndarray, fractions: np.ndarray, access_s: np.ndarray) -> np.ndarray:
        """Door-to-door seconds to points snapped onto (edge, fraction) with their own access times."""
        return self.road_times(edges, fractions) + self.origin.access_s + access_s

    def times_to_points(self, lonlat: np.ndarray) -> np.ndarray:
        """Door-to-door seconds to many WGS84 points (one Dijkstra already run); inf if off-network or cut off."""
        edges, fractions, distances = self.network.snap_points(lonlat)
        access = distances / (self.network.access_speed_kmh / 3.6)
        return self.times_to(edges, fractions, access)

    def route_to(self, destination: Snap, *, field_name: str = "to") -> Route:
        """The fastest path to one snapped point, reconstructed from the predecessors."""
        net, origin = self.network, self.origin
        e = destination.edge
        along, oneway, length = float(net.edge_time_s[e]), bool(net.edge_oneway[e]), float(net.edge_length_m[e])
        options = [(float(self.node_times[net.edge_u[e]]) + destination.fraction * along, int(net.edge_u[e]))]
        if not oneway or (1.0 - destination.fraction) * length <= _AT_NODE_M:
            options.append((float(self.node_times[net.edge_v[e]]) + (1.0 - destination.fraction) * along,
                            int(net.edge_v[e])))
        if e == origin.edge and (not oneway or (destination.fraction - origin.fraction) * length >= -_AT_NODE_M):
            options.append((abs(destination.fraction - origin.fraction) * along, -1))
        road_time, last = min(options)
        if not math.isfinite(road_time):
            raise RoutingError(field_name, "起点与终点之间没有连通的可通行道路（可能被封闭路段隔断）")
        nodes: list[int] = []
        node = last
        while node >= 0 and node != net.node_count:
            nodes.append(node)
            node = int(self.predecessors[node])
        nodes.reverse()
        path_xy = np.array([origin.point_xy, origin.xy, *net.node_xy[nodes], destination.xy, destination.point_xy])
        steps = np.hypot(*np.diff(path_xy, axis=0).T)
        keep = np.concatenate([[True], steps > 1e-6])  # drop repeated points (a zero snap, a snap onto a node)
        path_xy = path_xy[keep]
        coordinates = [(float(x), float(y)) for x, y in _lonlat(path_xy)]
        # The ends are the points as asked, not their round trip through the projection.
        coordinates[0] = (origin.lon, origin.lat)
        coordinates[-1:] = [(destination.lon, destination.lat)]
        if len(coordinates) < 2:  # origin and destination are the same point
            coordinates.append(coordinates[0])
        return Route(time_s=road_time + origin.access_s + destination.access_s, length_m=float(steps.sum()),
                     coordinates=coordinates, origin=origin, destination=destination)

    def isochrones(self, minutes: Sequence[float], *, buffer_m: float = ISOCHRONE_BUFFER_M) -> list[Isochrone]:
        """The areas reachable within each budget (door to door), from one grid of times (see isochrone.py).

        Run the Dijkstra with a limit of at least the largest budget less the origin's access time.
        """
        budgets = [m * 60.0 - self.origin.access_s for m in minutes]  # seconds left once on the road
        positive = [b for b in budgets if b > 0]
        if not positive or not self.network.edge_count:
            return [Isochrone(minutes=m, polygon=shapely.Polygon(), area_km2=0.0, road_km=0.0) for m in minutes]
        edges = self._candidate_edges(max(positive))
        xy, times, cell = self._time_samples(edges, positive, buffer_m)
        polygons = iter(band_polygons(xy, times, positive, buffer_m=buffer_m, cell_m=cell))
        result = []
        for m, budget in zip(minutes, budgets, strict=True):
            if budget <= 0:
                result.append(Isochrone(minutes=m, polygon=shapely.Polygon(), area_km2=0.0, road_km=0.0))
                continue
            metric = next(polygons)
            result.append(Isochrone(minutes=m, polygon=from_metric_geometry(metric), area_km2=float(metric.area) / 1e6,
                                    road_km=self._reached_km(edges, budget)))
        return result

    def isochrone(self, minutes: float, *, buffer_m: float = ISOCHRONE_BUFFER_M) -> Isochrone:
        """The area reachable within ``minutes`` (door to door)."""
        return self.isochrones([minutes], buffer_m=buffer_m)[0]

    def _time_samples(self, edges: np.ndarray, budgets_s: list[float],
                      buffer_m: float) -> tuple[np.ndarray, np.ndarray, float]:
        """Points at most a cell apart along the roads reached within the largest budget, their times, the cell.

        The reached nodes, points evenly spaced inside each edge, and the exact point where each budget runs
        out on an edge; the origin's access leg counts as reached at once (its time is already taken off).
        """
        net, origin, times = self.network, self.origin, self.node_times
        limit = max(budgets_s)
        nodes = np.flatnonzero(times[:-1] <= limit)
        node_xy = net.node_xy[nodes]
        ends = np.array([origin.xy, origin.point_xy])
        # Every sample lies on the access leg or on an edge with a reached end, so within an edge of a reached node.
        reach_m = float(net.edge_length_m[edges].max())
        bounds = np.concatenate([node_xy, ends])
        cell = cell_size(np.array([bounds.min(axis=0) - reach_m, bounds.max(axis=0) + reach_m]), buffer_m)
        count = np.ceil(net.edge_length_m[edges] / cell).astype(np.int64).clip(1)
        # Interior points k / count, k = 1 … count − 1, of every edge.
        sample_edges = np.repeat(edges, count - 1)
        step = np.arange(len(sample_edges)) - np.repeat(np.cumsum(count - 1) - (count - 1), count - 1) + 1
        edge_parts: list[np.ndarray] = [sample_edges, np.array([origin.edge])]
        fractions: list[np.ndarray] = [step / np.repeat(count, count - 1), np.array([origin.fraction])]
        along = net.edge_time_s[edges]
        u_time, v_time = times[net.edge_u[edges]], times[net.edge_v[edges]]
        with np.errstate(invalid="ignore"):  # inf − inf on unreached ends
            for budget in budgets_s:
                for cut in ((budget - u_time) / along, 1.0 - (budget - v_time) / along):
                    inside = (cut > 0) & (cut < 1)
                    edge_parts.append(edges[inside])
                    fractions.append(cut[inside])
                reach_f = budget / net.edge_time_s[origin.edge]
                direct = np.array([origin.fraction - reach_f, origin.fraction + reach_f])
                direct = direct[(direct > 0) & (direct < 1)]
                edge_parts.append(np.full(len(direct), origin.edge))
                fractions.append(direct)
        sample_edges, sample_f = np.concatenate(edge_parts).astype(np.int64), np.concatenate(fractions)
        sample_t = self.road_times(sample_edges, sample_f)
        keep = sample_t <= limit
        sample_edges, sample_f, sample_t = sample_edges[keep], sample_f[keep], sample_t[keep]
        u_xy, v_xy = net.node_xy[net.edge_u[sample_edges]], net.node_xy[net.edge_v[sample_edges]]
        xy = u_xy + sample_f[:, None] * (v_xy - u_xy)
        leg = np.linspace(0.0, 1.0, int(np.ceil(origin.distance_m / cell)) + 1)[:, None]
        leg_xy = ends[1] + leg * (ends[0] - ends[1])
        return (np.concatenate([node_xy, xy, leg_xy]),
                np.concatenate([times[nodes], sample_t, np.zeros(len(leg_xy))]), cell)

    def _candidate_edges(self, limit_s: float) -> np.ndarray:
        """Edges with an end reached within ``limit_s`` and the origin's own: only they can hold reached road."""
        net, times = self.network, self.node_times
        reached = np.minimum(times[net.edge_u], times[net.edge_v]) <= limit_s
        reached[self.origin.edge] = True
        return np.flatnonzero(reached)

    def _reached_fractions(self, edges: np.ndarray,
                           budget_s: float) -> tuple[np.ndarray, np.ndarray, list[tuple[float, float]]]:
        """How far along each edge the time reaches from each end, and the origin edge's reached intervals.

        ``edges`` is sorted and holds every edge with road reached in time; the origin's own edge is reached
        from its ends and directly from the snapped point, so its share is given as intervals instead.
        """
        net, origin = self.network, self.origin
        along = net.edge_time_s[edges]
        with np.errstate(invalid="ignore"):  # unreached nodes: -inf, clipped to 0
            from_u = np.clip((budget_s - self.node_times[net.edge_u[edges]]) / along, 0.0, 1.0)
            from_v = np.clip((budget_s - self.node_times[net.edge_v[edges]]) / along, 0.0, 1.0)
        from_v[net.edge_oneway[edges]] = 0.0  # a one-way edge is only entered at its first end
        e = int(np.searchsorted(edges, origin.edge))
        reach_f = budget_s / along[e]
        behind = origin.fraction if net.edge_oneway[origin.edge] else max(0.0, origin.fraction - reach_f)
        intervals = sorted([(0.0, from_u[e]), (1.0 - from_v[e], 1.0),
                            (behind, min(1.0, origin.fraction + reach_f))])
        from_u[e] = from_v[e] = 0.0
        return from_u, from_v, _merge_intervals(intervals)

    def _reached_km(self, edges: np.ndarray, budget_s: float) -> float:
        from_u, from_v, intervals = self._reached_fractions(edges, budget_s)
        length = self.network.edge_length_m
        metres = (np.minimum(from_u + from_v, 1.0) * length[edges]).sum()
        return float(metres + sum(hi - lo for lo, hi in intervals) * length[self.origin.edge]) / 1000

    def reached_pieces(self, budget_s: float) -> np.ndarray:
        """The road reached within ``budget_s`` seconds on the road, as (K, 2, 2) straight pieces in metres.

        A piece is cut where the time runs out (for drawing the reached roads, and for checking by hand).
        """
        net, origin = self.network, self.origin
        if not net.edge_count:
            return np.empty((0, 2, 2))
        edges = self._candidate_edges(budget_s)
        from_u, from_v, intervals = self._reached_fractions(edges, budget_s)
        u_xy, v_xy = net.node_xy[net.edge_u[edges]], net.node_xy[net.edge_v[edges]]
        whole = from_u + from_v >= 1.0
        part_u = ~whole & (from_u > 0)
        part_v = ~whole & (from_v > 0)
        a, b = net.node_xy[net.edge_u[origin.edge]], net.node_xy[net.edge_v[origin.edge]]
        pieces = np.concatenate([
            np.stack([u_xy[whole], v_xy[whole]], axis=1),
            np.stack([u_xy[part_u], u_xy[part_u] + from_u[part_u, None] * (v_xy - u_xy)[part_u]], axis=1),
            np.stack([v_xy[part_v], v_xy[part_v] + from_v[part_v, None] * (u_xy - v_xy)[part_v]], axis=1),
            np.array([[a + lo * (b - a), a + hi * (b - a)] for lo, hi in intervals]).reshape(-1, 2, 2),
        ])
        return pieces[np.hypot(*(pieces[:, 1] - pieces[:, 0]).T) > 0]


def _merge_intervals(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sorted (lo, hi) intervals → the disjoint non-empty intervals covering the same points."""
    merged: list[tuple[float, float]] = []
    for lo, hi in intervals:
        if hi <= lo:
            continue
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _merge_vertices(xy: np.ndarray, tolerance_m: float) -> np.ndarray:
    """Label each vertex with its junction: vertices within ``tolerance_m`` (transitively) share a label."""
    pairs = cKDTree(xy).query_pairs(r=tolerance_m, output_type="ndarray")
    n = len(xy)
    if len(pairs) == 0:
        return np.arange(n)
    adjacency = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = connected_components(adjacency, directed=False)
    return labels


def build_network(segments: Iterable[RoadSegment], *, access_speed_kmh: float = ACCESS_SPEED_KMH,
                  max_snap_m: float = MAX_SNAP_M, junction_tolerance_m: float = JUNCTION_TOLERANCE_M) -> RoadNetwork:
    """The graph of the open segments; segments with fewer than two vertices or no positive speed are skipped."""
    vertex_chunks: list[np.ndarray] = []
    speeds: list[float] = []
    road_ids: list[int] = []
    oneways: list[bool] = []
    skipped: list[int] = []
    for segment in segments:
        if segment.closed:
            continue
        try:
            coords = np.asarray(segment.coordinates, dtype=float)
        except (TypeError, ValueError):  # ragged or non-numeric coordinates
            coords = np.empty(0)
        usable = (coords.ndim == 2 and len(coords) >= 2 and coords.shape[1] >= 2
                  and np.isfinite(coords[:, :2]).all() and math.isfinite(segment.speed_kmh)
                  and segment.speed_kmh > 0)
        if not usable:
            skipped.append(segment.road_id)
            continue
        vertex_chunks.append(coords[:, :2])
        speeds.append(float(segment.speed_kmh))
        road_ids.append(segment.road_id)
        oneways.append(bool(segment.oneway))
    if not vertex_chunks:
        empty_i, empty_f = np.empty(0, dtype=np.int64), np.empty(0)
        return RoadNetwork(np.empty((0, 2)), np.empty((0, 2)), empty_i, empty_i, empty_f, empty_f, empty_i,
                           np.empty(0, dtype=bool), access_speed_kmh, max_snap_m, skipped)
    counts = np.array([len(c) for c in vertex_chunks])
    lonlat = np.concatenate(vertex_chunks)
    xy = _metric(lonlat)
    labels = _merge_vertices(xy, junction_tolerance_m)
    # Renumber the junctions 0..N-1; each takes the position of its first vertex.
    _, first_index, node_of_vertex = np.unique(labels, return_index=True, return_inverse=True)
    node_xy, node_lonlat = xy[first_index], lonlat[first_index]
    # A piece joins each vertex to the next one of the same segment.
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    is_last = np.zeros(len(lonlat), dtype=bool)
    is_last[starts + counts - 1] = True
    head = np.flatnonzero(~is_last)
    u, v = node_of_vertex[head], node_of_vertex[head + 1]
    segment_of_vertex = np.repeat(np.arange(len(counts)), counts)
    speed_m_s = np.asarray(speeds)[segment_of_vertex[head]] / 3.6
    keep = u != v  # pieces shorter than the junction tolerance vanish
    u, v, head, speed_m_s = u[keep], v[keep], head[keep], speed_m_s[keep]
    length = np.hypot(*(node_xy[v] - node_xy[u]).T)
    return RoadNetwork(node_xy=node_xy, node_lonlat=node_lonlat, edge_u=u.astype(np.int64), edge_v=v.astype(np.int64),
                       edge_length_m=length, edge_time_s=length / speed_m_s,
                       edge_road=np.asarray(road_ids)[segment_of_vertex[head]],
                       edge_oneway=np.asarray(oneways, dtype=bool)[segment_of_vertex[head]],
                       access_speed_kmh=access_speed_kmh, max_snap_m=max_snap_m, skipped_road_ids=skipped)
