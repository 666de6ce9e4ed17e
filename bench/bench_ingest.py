"""Ingest throughput: readings stored and evaluated per second, in batches of 1 000 (issue 3, benchmarks).

Three ways in, each on a fresh set of channels of the same throw-away database:

- **service, device batches**: `ingest.ingest(items, writer=Writer(device_id=…))`, the function the HTTP
  endpoint and the MQTT consumer call; each batch is one storage tank's upload (5 channels × 200 instants),
  and one tank's gas channel crosses its 25 %LEL set point and back every few batches, so alarms are raised
  and recovered during the run;
- **service, gateway batches**: one reading on each of 1 000 water-main channels per batch, written by a
  county administrator (the per-channel overhead: rule state, rate windows, the flat-line check);
- **HTTP**: `POST /api/v1/monitoring/readings` through Django's test client with a device token (JSON body,
  parsed, authenticated, ingested and answered), reported separately.

A resend of already stored batches (every reading answered `duplicate`) is timed too. SQLite by default;
`DATABASE_URL=postgres://…` runs the same on a fresh test database on that server.

Usage: python bench/bench_ingest.py [--readings 100000] [--http-readings 30000] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import resource
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import county_admin, db_label, setup_django  # noqa: E402

BATCH = 1_000
TANK_CHANNELS = (  # metric, unit, range, design value
    ("tank_level", "m", 0, 20, 15.0),
    ("tank_temperature", "°C", -20, 100, 50.0),
    ("tank_pressure", "MPa", 0, 2, 1.0),
    ("combustible_gas", "%LEL", 0, 100, None),
    ("oxygen", "%VOL", 0, 30, None),
)
NORMAL = {"tank_level": 8.0, "tank_temperature": 25.0, "tank_pressure": 0.5, "combustible_gas": 2.0, "oxygen": 20.9}


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Run:
    """Times a sequence of batches: wall and CPU seconds, readings, and the answers' counts."""

    def __init__(self, label: str) -> None:
        self.label, self.wall, self.cpu, self.readings = label, 0.0, 0.0, 0
        self.counts = {"stored": 0, "duplicate": 0, "rejected": 0}

    def time(self, size: int, call: Callable[[], dict[str, int]]) -> None:
        w0, c0 = time.perf_counter(), cpu_s()
        counts = call()
        self.wall += time.perf_counter() - w0
        self.cpu += cpu_s() - c0
        self.readings += size
        for key in self.counts:
            self.counts[key] += counts[key]

    def report(self) -> float:
        rate = self.readings / self.wall if self.wall else 0.0
        print(f"{self.label}: {self.readings} readings in {self.wall:.2f} s wall ({self.cpu:.2f} s CPU): "
              f"**{rate:,.0f} readings/s** ({self.readings / self.cpu if self.cpu else 0:,.0f} per CPU-s), "
              f"{self.wall / max(1, self.readings // BATCH) * 1000:.1f} ms per batch of {BATCH}; answers {self.counts}")
        return rate


def make_tanks(admin: Any, count: int, prefix: str) -> list[Any]:
    from yingji.monitoring import devices

    made = []
    for n in range(count):
        channels = [{"metric": m, "unit": u, "range_min": lo, "range_max": hi, "sample_interval_s": 10,
                     **({"design_value": d} if d is not None else {})} for m, u, lo, hi, d in TANK_CHANNELS]
        made.append(devices.create_device_with_channels(
            {"code": f"{prefix}-{n:04d}", "name": f"压测储罐 {n}", "device_type": "storage_tank"}, channels,
            actor=admin))
    return made


def make_water_mains(admin: Any, count: int) -> list[Any]:
    from yingji.monitoring import devices

    return [devices.create_device_with_channels(
        {"code": f"BW-{n:04d}", "name": f"压测管网压力点 {n}", "device_type": "water_main_monitor"},
        [{"metric": "water_pressure", "unit": "MPa", "range_min": 0, "range_max": 1.6, "sample_interval_s": 15}],
        actor=admin).channels.get() for n in range(count)]


def tank_batch(device: Any, start: datetime, instants: int, leak: bool) -> list[dict[str, Any]]:
    items = []
    for i in range(instants):
        at = (start + timedelta(seconds=10 * i)).isoformat()
        for metric, value in NORMAL.items():
            if metric == "combustible_gas" and leak:
                value = 30.0 if instants // 4 <= i < instants // 2 else 2.0  # up past 25 %LEL, then back
            items.append({"channel": f"{device.code}/{metric}", "time": at, "value": value + (i % 7) * 0.01})
    return items


def counted(results: list[Any]) -> dict[str, int]:
    counts = {"stored": 0, "duplicate": 0, "rejected": 0}
    for r in results:
        counts[r.status] += 1
    return counts


def bench_service(total: int, profile: bool) -> tuple[float, float]:
    from yingji.monitoring import ingest
    from yingji.monitoring.models import Alarm

    admin = county_admin()
    tanks = make_tanks(admin, 20, "BT")
    instants = BATCH // len(TANK_CHANNELS)
    start = datetime.now().astimezone() - timedelta(days=20)
    batches = []
    for n in range(total // BATCH):
        device = tanks[n % len(tanks)]
        round_ = n // len(tanks)
        batches.append((device, tank_batch(device, start + timedelta(seconds=10 * instants * round_), instants,
                                           leak=n % len(tanks) == 0)))
    run = Run(f"service, device batches ({db_label()})")
    profiler = cProfile.Profile() if profile else None
    for device, items in batches:
        writer = ingest.Writer(device_id=device.pk)
        if profiler:
            profiler.enable()
        run.time(len(items), lambda items=items, writer=writer: counted(ingest.ingest(items, writer=writer)))
        if profiler:
            profiler.disable()
    rate = run.report()
    print(f"  alarms raised on the leaking tank: {Alarm.objects.filter(rule_id='combustible_gas_level').count()}")
    resend = Run("service, the same batches resent (all duplicate)")
    for device, items in batches[: max(1, len(batches) // 5)]:
        resend.time(len(items), lambda items=items, d=device.pk: counted(ingest.ingest(
            items, writer=ingest.Writer(device_id=d))))
    resend.report()

    mains = make_water_mains(admin, BATCH)
    gateway = Run("service, gateway batches (1 reading on each of 1 000 channels, a user writes)")
    for n in range(max(1, total // BATCH // 4)):
        at = (start + timedelta(seconds=15 * n)).isoformat()
        items = [{"channel": c.pk, "time": at, "value": 0.4 + (n % 5) * 0.001} for c in mains]
        if profiler:
            profiler.enable()
        gateway.time(len(items), lambda items=items: counted(ingest.ingest(items, writer=ingest.Writer(user=admin))))
        if profiler:
            profiler.disable()
    gateway_rate = gateway.report()
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
        print(out.getvalue())
    return rate, gateway_rate


def bench_http(total: int) -> float:
    import orjson
    from django.test import Client

    from yingji.monitoring import devices

    admin = county_admin()
    tanks = make_tanks(admin, 5, "HT")
    clients = [Client(HTTP_AUTHORIZATION=f"Bearer {devices.issue_credential(t, actor=admin)[1]}") for t in tanks]
    instants = BATCH // len(TANK_CHANNELS)
    start = datetime.now().astimezone() - timedelta(days=10)
    run = Run("HTTP POST /api/v1/monitoring/readings (test client, device token, JSON)")
    for n in range(total // BATCH):
        k = n % len(tanks)
        body = orjson.dumps(tank_batch(tanks[k], start + timedelta(seconds=10 * instants * (n // len(tanks))),
                                       instants, leak=False))

        def post(body: bytes = body, client: Any = clients[k]) -> dict[str, int]:
            response = client.post("/api/v1/monitoring/readings", body, content_type="application/json")
            assert response.status_code == 200, response.content[:300]
            answer = orjson.loads(response.content)
            return {key: answer[key] for key in ("stored", "duplicate", "rejected")}

        run.time(BATCH, post)
    return run.report()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readings", type=int, default=100_000, help="readings through the service (device batches)")
    parser.add_argument("--http-readings", type=int, default=30_000)
    parser.add_argument("--profile", action="store_true", help="cProfile the service batches")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    setup_django("bench-ingest", keep=args.keep)
    print(f"Database: {db_label()}; batches of {BATCH}")
    rate, gateway_rate = bench_service(args.readings, args.profile)
    http_rate = bench_http(args.http_readings) if args.http_readings else 0.0
    ok = "OK" if rate >= 50_000 else "BELOW TARGET"
    print(f"Summary: service {rate:,.0f}/s (device batches, target ≥ 50 000/s on SQLite: {ok}), "
          f"gateway {gateway_rate:,.0f}/s, HTTP {http_rate:,.0f}/s")


if __name__ == "__main__":
    main()
