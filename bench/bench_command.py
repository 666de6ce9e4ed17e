"""Command maths on the demo county: threat zones (plume and puff), routing and isochrones, and the evacuation
transportation problem at county size. Pure modules only (no database): the demo road network comes from
yingji.core.demo_geography, villages and shelters are the demo's sizes.

Not a test: it prints figures and never fails on them. See bench/README.md.

    python bench/bench_command.py
    python bench/bench_command.py --runs 50
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from shapely.geometry import mapping  # noqa: E402

from yingji.command.allocation import Party, allocate  # noqa: E402
from yingji.command.routing import RoadSegment, build_network  # noqa: E402
from yingji.command.toxicity import find_chemical, thresholds  # noqa: E402
from yingji.command.zones import Release, threat_zones  # noqa: E402
from yingji.core import demo_geography  # noqa: E402

ZONES_TARGET_MS = 100
ISOCHRONE_TARGET_MS = 200


def timed(label: str, runs: int, fn: Callable[[], Any], target_ms: float | None = None) -> float:
    fn()  # warm: projections and caches are built once per process
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    median = statistics.median(times)
    p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
    verdict = "" if target_ms is None else (" OK" if median < target_ms else f" above the {target_ms:g} ms target")
    print(f"{label:<58} median {median:8.1f} ms  p95 {p95:8.1f} ms{verdict}")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
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


if __name__ == "__main__":
    main()
