"""Command maths on the demo county: threat zones (plume and puff), routing and isochrones, and the evacuation
transportation problem at county size; then routing on a synthetic city grid of more than 100 000 edges, each
figure beside networkx's time for the same query (networkx is a dev dependency, not a runtime one). Pure
modules only (no database): the demo road network comes from yingji.core.demo_geography, villages and
shelters are the demo's sizes.

Not a test: it prints figures and never fails on them. See bench/README.md.

    python bench/bench_command.py
    python bench/bench_command.py --runs 50 --grid 300
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import shapely  # noqa: E402
from scipy.spatial import cKDTree  # noqa: E402
from shapely.geometry import mapping  # noqa: E402

from yingji.command.allocation import Party, allocate  # noqa: E402
from yingji.command.routing import RoadNetwork, RoadSegment, build_network  # noqa: E402
from yingji.command.toxicity import find_chemical, thresholds  # noqa: E402
from yingji.command.zones import Release, threat_zones  # noqa: E402
from yingji.core import demo_geography  # noqa: E402
from yingji.core.geo import from_metric_geometry  # noqa: E402

try:
    import networkx as nx
except ImportError:  # the comparison is optional: networkx is not a dependency
    nx = None

ROUTE_TARGET_MS = 50
NEAREST_TARGET_MS = 200

ZONES_TARGET_MS = 100
ISOCHRONE_TARGET_MS = 200
EVACUATION_TARGET_MS = 5000


def timed(label: str, runs: int, fn: Callable[[], Any], target_ms: float | None = None) -> float:
    """Median wall time (ms) of ``runs`` calls; the CPU time is printed too, steadier on a shared machine."""
    fn()  # warm: projections and caches are built once per process
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    median = statistics.median(times)
    p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
    verdict = "" if target_ms is None else (" OK" if median < target_ms else f" above the {target_ms:g} ms target")
    print(f"{label:<58} median {median:8.1f} ms  p95 {p95:8.1f} ms  cpu {statistics.median(cpu):8.1f} ms{verdict}")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--grid", type=int, default=230,
                        help="streets each way of the synthetic grid (230: 105 340 edges)")
    args = parser.parse_args()
    runs = args.runs

    chlorine = thresholds(find_chemical("氯"))
    plume = Release(q_g_s=1000, u_m_s=5, wind_from_deg=0, stability="D", lon=122.03, lat=41.25)
    puff = Release(q_g_s=0, u_m_s=3, wind_from_deg=45, stability="D", lon=122.03, lat=41.25, mass_g=500_000)
    timed("threat zones, chlorine plume 1 kg/s, D, 3 levels", runs, lambda: threat_zones(plume, chlorine),
          ZONES_TARGET_MS)
    timed("threat zones, chlorine puff 500 kg, D, 3 levels", runs, lambda: threat_zones(puff, chlorine),
          ZONES_TARGET_MS)
    timed("puff envelope + footprint at 10 min, 3 levels", runs,
          lambda: threat_zones(puff, chlorine, times_s=[600.0]), ZONES_TARGET_MS)
    timed("puff envelope + footprints at 12 times, 3 levels", runs,
          lambda: threat_zones(puff, chlorine, times_s=[300.0 * (i + 1) for i in range(12)]), ZONES_TARGET_MS)
    ethanol = thresholds(find_chemical("乙醇"))  # PAC-3/2/1, the DOE fall-back
    timed("threat zones, ethanol plume 1 kg/s (PAC levels), D", runs, lambda: threat_zones(plume, ethanol),
          ZONES_TARGET_MS)

    roads = demo_geography.road_network()
    segments = [RoadSegment(i, mapping(r["geometry"])["coordinates"], r["speed_kmh"]) for i, r in enumerate(roads)]
    network = build_network(segments)
    print(f"demo network: {len(roads)} roads, {network.node_count} nodes, {network.edge_count} edges")
    origin = network.snap(122.03, 41.245)
    destination = network.snap(121.80, 41.31)
    timed("fastest route across the county", runs, lambda: network.reach(origin).route_to(destination))
    timed("isochrones 10/20/30 min from the county seat", runs,
          lambda: network.isochrones(origin, [10, 20, 30]), ISOCHRONE_TARGET_MS)

    # Evacuation at county size: every village (178) to every shelter (60), times from one Dijkstra per village.
    rng = random.Random(0)
    villages = demo_geography.village_points()
    populations = demo_geography.village_populations()
    # 60 shelters at villages' points (schools and squares stand in villages), 500–5 000 places each.
    shelters = [(v["lon"], v["lat"], rng.randint(500, 5000)) for v in rng.sample(villages, 60)]
    points = np.array([(lon, lat) for lon, lat, _ in shelters])

    def matrix() -> np.ndarray:
        rows = []
        for v in villages:
            rows.append(network.reach(network.snap(v["lon"], v["lat"])).times_to_points(points))
        return np.array(rows)

    timed(f"travel-time matrix {len(villages)} villages × {len(shelters)} shelters", max(3, runs // 5), matrix)
    cost = matrix()
    sources = [Party(v["code"], populations[v["code"]]) for v in villages]
    sinks = [Party(str(i), cap) for i, (_, _, cap) in enumerate(shelters)]
    result = allocate(sources, sinks, cost, integral=True)
    print(f"evacuation of {sum(p.amount for p in sources):,.0f} people to {sum(p.amount for p in sinks):,} places: "
          f"moved {result.moved:,.0f}, {len(result.shipments)} assignments")
    timed("min-cost assignment (lexicographic, integral) of that county", max(3, runs // 5),
          lambda: allocate(sources, sinks, cost, integral=True))
    evacuation_at_issue_size(network, max(3, runs // 5))
    city_grid(args.grid, runs)


def evacuation_at_issue_size(network: RoadNetwork, runs: int) -> None:
    """Issue 5's figure: 200 000 people from 500 villages to 300 shelters (target < 5 s), the whole way: one
    Dijkstra per village for its travel times to every shelter, then the lexicographic min-cost assignment.
    Villages and shelters are road points of the demo network drawn at random, so every pair is routable."""
    rng = np.random.default_rng(5)
    nodes = network.node_lonlat
    village_points = nodes[rng.choice(len(nodes), 500)]
    shelter_points = nodes[rng.choice(len(nodes), 300)]
    people = rng.multinomial(200_000 - 500 * 50, np.full(500, 1 / 500)) + 50  # 50 or more in each village
    places = rng.integers(500, 1500, 300)  # ~300 000 places: room for everyone, not everywhere near
    sources = [Party(f"v{i}", int(n)) for i, n in enumerate(people)]
    sinks = [Party(f"s{i}", int(c)) for i, c in enumerate(places)]

    def evacuate() -> Any:
        cost = np.array([network.reach(network.snap(lon, lat)).times_to_points(shelter_points)
                         for lon, lat in village_points])
        return allocate(sources, sinks, cost, integral=True)

    result = evacuate()
    print(f"evacuation at issue size: {sum(people):,} people, 500 villages, 300 shelters ({sum(places):,} places): "
          f"moved {result.moved:,.0f}, {len(result.shipments)} assignments")
    timed("  travel times 500 × 300 and min-cost assignment", runs, evacuate, EVACUATION_TARGET_MS)


def grid_network(streets: int) -> tuple[RoadNetwork, float, float]:
    """``streets`` × ``streets`` roads 100 m apart (every tenth at 60 km/h, the rest 30), one road per street."""
    x0, y0, step = 41_410_000.0, 4_560_000.0, 100.0
    along = np.arange(streets) * step
    segments = []
    for k in range(streets):
        speed = 60.0 if k % 10 == 0 else 30.0
        for xs, ys in ((x0 + along, np.full(streets, y0 + k * step)), (np.full(streets, x0 + k * step), y0 + along)):
            line = from_metric_geometry(shapely.linestrings(np.column_stack([xs, ys])))
            segments.append(RoadSegment(len(segments), shapely.get_coordinates(line), speed))
    return build_network(segments), x0, y0


def networkx_graph(network: RoadNetwork) -> Any:
    graph = nx.DiGraph()
    graph.add_weighted_edges_from(zip(network.edge_u.tolist(), network.edge_v.tolist(),
                                      network.edge_time_s.tolist(), strict=True))
    back = ~network.edge_oneway  # one-way pieces only forwards, as in our graph
    graph.add_weighted_edges_from(zip(network.edge_v[back].tolist(), network.edge_u[back].tolist(),
                                      network.edge_time_s[back].tolist(), strict=True))
    return graph


def city_grid(streets: int, runs: int) -> None:
    """Route, nearest 10 of 1 000 and isochrones on a grid of ≥ 100 000 edges, with networkx beside each."""
    start = time.perf_counter()
    network, x0, y0 = grid_network(streets)
    print(f"\ncity grid: {streets} × {streets} streets 100 m apart, {network.node_count} nodes, {network.edge_count} "
          f"edges, built in {time.perf_counter() - start:.2f} s")
    span = (streets - 1) * 100.0
    rng = np.random.default_rng(0)
    to_lonlat = from_metric_geometry
    origin_xy, destination_xy = (x0 + span * 0.5 + 30, y0 + span * 0.5 + 40), (x0 + span * 0.05, y0 + span * 0.9)
    resources_xy = np.column_stack([x0 + rng.random(1000) * span, y0 + rng.random(1000) * span])
    (o_lon, o_lat), (d_lon, d_lat) = shapely.get_coordinates(to_lonlat(shapely.points([origin_xy, destination_xy])))
    resources = shapely.get_coordinates(to_lonlat(shapely.points(resources_xy)))

    def route() -> Any:
        return network.route(network.snap(o_lon, o_lat), network.snap(d_lon, d_lat, field_name="to"))

    def nearest() -> list[Any]:
        reach = network.reach(network.snap(o_lon, o_lat))
        times = reach.times_to_points(resources)
        return [reach.route_to(network.snap(*resources[i])) for i in np.argsort(times)[:10]]

    def isochrones() -> Any:
        return network.isochrones(network.snap(o_lon, o_lat), [10, 20, 30])

    ours = {"route": timed("fastest route across the grid (snap both ends, path)", runs, route, ROUTE_TARGET_MS),
            "nearest": timed("nearest 10 of 1 000 points by travel time (with paths)", runs, nearest,
                             NEAREST_TARGET_MS),
            "isochrones": timed("isochrones 10/20/30 min from the centre (polygons)", runs, isochrones,
                                ISOCHRONE_TARGET_MS)}
    for iso in isochrones():
        print(f"  {iso.minutes:g} min: {iso.area_km2:.1f} km², {iso.road_km:.0f} km of road, "
              f"{shapely.get_num_coordinates(iso.polygon)} vertices")
    if nx is None:
        print("networkx is not installed: `pip install networkx` to print its times beside these")
        return
    graph = networkx_graph(network)
    nodes = cKDTree(network.node_xy)
    # networkx starts from the nearest junctions (snapped beforehand, outside its timings).
    source, target = (int(i) for i in nodes.query([origin_xy, destination_xy])[1])
    resource_nodes = nodes.query(resources_xy)[1]

    def nx_nearest() -> list[int]:
        times = nx.single_source_dijkstra_path_length(graph, source, weight="weight")
        return sorted(range(len(resource_nodes)), key=lambda i: times.get(int(resource_nodes[i]), math.inf))[:10]

    theirs = {
        "route": timed("  networkx: bidirectional Dijkstra, same route", max(3, runs // 4),
                       lambda: nx.bidirectional_dijkstra(graph, source, target, weight="weight")),
        "nearest": timed("  networkx: one Dijkstra, times to the 1 000 (no paths)", max(3, runs // 4), nx_nearest),
        "isochrones": timed("  networkx: Dijkstra with a 30 min cutoff (no polygon)", max(3, runs // 4),
                            lambda: nx.single_source_dijkstra_path_length(graph, source, cutoff=1800,
                                                                          weight="weight")),
    }
    print("  " + ", ".join(f"{k} {theirs[k] / ours[k]:.1f}× faster than networkx" for k in ours))


if __name__ == "__main__":
    main()
