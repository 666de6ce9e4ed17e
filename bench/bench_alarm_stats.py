"""Alarm console reads at county scale: statistics, the console's list, the map's device status, the overdue sweep.

N alarms (default 100 000) over D devices (default 2 000, one gas channel each, 50 enterprises) are bulk-created
in a fresh database with spread-out times and a realistic mix of states; then, through django.test.Client as a
county admin: GET /alarms/stats for every group_by, GET /alarms?status=open (the console's first page),
GET /device-status (the map layer), and escalation.escalate_overdue() over the overdue alarms (timed once, then
again to show the idempotent re-run). Median / p95 ms of `runs` calls after one warm-up.

Not a test: it prints figures and never fails on them. See bench/README.md.

    python bench/bench_alarm_stats.py                 # 100 000 alarms
    python bench/bench_alarm_stats.py --rows 20000    # quick check
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import _common

STATS_TARGET_MS = 500  # an operator's statistics view should answer within half a second (Yingji's target)


def load(n_alarms: int, n_devices: int) -> int:
    """Devices of 50 enterprises and n alarms: 60 % closed (10 % of those false), 20 % handling, 20 % raised."""
    from django.db.models import F

    from yingji.monitoring.models import Alarm, Channel, Device
    from yingji.registry.models import Enterprise

    rng = random.Random(3)
    firms = Enterprise.objects.bulk_create(
        [Enterprise(name=f"压测化工企业{i:02d}", credit_code=f"BENCH{i:013d}", industry="chemical", is_demo=True,
                    longitude=122.0 + i * 0.001, latitude=41.2) for i in range(50)])
    devices = Device.objects.bulk_create(
        [Device(code=f"BENCH-{i:05d}", name=f"可燃气体探测器{i}", device_type="combustible_gas_detector",
                enterprise=firms[i % 50], longitude=122.0 + (i % 100) * 0.002, latitude=41.1 + (i // 100) * 0.002,
                is_demo=True) for i in range(n_devices)])
    channels = Channel.objects.bulk_create(
        [Channel(device=d, metric="combustible_gas", unit="%LEL", range_min=0, range_max=100, sample_interval_s=10)
         for d in devices])
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for k in range(n_alarms):
        channel = channels[k % len(channels)]
        first = t0 + timedelta(seconds=k * 300 + rng.randint(0, 200))
        roll = rng.random()
        grade = 2 if rng.random() < 0.2 else 1
        alarm = Alarm(channel=channel, rule_id=f"combustible_gas_level#{k}", level="HH" if grade == 2 else "H",
                      grade=grade, category="process", message="可燃气体浓度报警", first_value=30, first_at=first,
                      last_value=30, last_at=first, raised_at=first, recovered_at=first + timedelta(minutes=5))
        if roll < 0.8:
            alarm.status = "acknowledged" if roll >= 0.6 else "closed"
            alarm.acknowledged_at = first + timedelta(seconds=rng.randint(30, 1800))
        if roll < 0.6:
            alarm.closed_at = alarm.acknowledged_at + timedelta(seconds=rng.randint(600, 7200))  # type: ignore[operator]
            alarm.false_alarm = rng.random() < 0.1
        if k >= n_alarms - n_devices // 2:
            alarm.recovered_at = None  # the newest: still active, colouring the map
        rows.append(alarm)
    Alarm.objects.bulk_create(rows, batch_size=5000)
    # created_at is auto_now_add: give the rows their raising time, as the statistics measure from it.
    Alarm.objects.update(created_at=F("raised_at"))
    return len(rows)


def timed(client: Any, url: str, params: dict[str, str], runs: int) -> tuple[float, float, int]:
    client.get(url, params)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content[:300]
    return _common.median(times), _common.percentile(times, 95), len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="alarms to create")
    parser.add_argument("--devices", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    _common.setup_django("bench-alarms", keep=args.keep)
    from django.test import Client

    from yingji.monitoring import escalation

    admin = _common.county_admin()
    start = time.perf_counter()
    n = load(args.rows, args.devices)
    print(f"database: {_common.db_label()}")
    print(f"loaded {n} alarms on {args.devices} devices in {time.perf_counter() - start:.1f} s")
    client = Client()
    client.force_login(admin)
    api = "/api/v1/monitoring"
    for group in ("enterprise", "device_type", "level", "department", "area"):
        med, p95, size = timed(client, f"{api}/alarms/stats", {"group_by": group}, args.runs)
        print(f"GET /alarms/stats?group_by={group:<12} median {med:7.1f} ms  p95 {p95:7.1f} ms  {size:>7} B  "
              f"{_common.verdict(p95 <= STATS_TARGET_MS)} (target {STATS_TARGET_MS} ms)")
    med, p95, size = timed(client, f"{api}/alarms", {"status": "open", "limit": "200"}, args.runs)
    print(f"GET /alarms?status=open&limit=200       median {med:7.1f} ms  p95 {p95:7.1f} ms  {size:>7} B")
    med, p95, size = timed(client, f"{api}/device-status", {}, args.runs)
    print(f"GET /device-status ({args.devices} devices)     median {med:7.1f} ms  p95 {p95:7.1f} ms  {size:>7} B")
    for label in ("first sweep", "second sweep (idempotent)"):
        start = time.perf_counter()
        escalated = escalation.escalate_overdue()
        print(f"escalate_overdue {label}: {escalated} alarms in {(time.perf_counter() - start) * 1000:.0f} ms")
    print(f"peak RSS {_common.maxrss_mb():.0f} MB")


if __name__ == "__main__":
    main()
