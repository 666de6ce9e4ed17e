"""Rollups, the series API and retention over a realistic volume of readings.

1. N readings (default 1 000 000) of C channels (default 200, one every 10 s) are inserted in id order with
   one executemany per 10 000 (not through ingestion: its speed is bench material of its own), then
   `rollups.roll_up()` folds them all into the minute and hour tables: readings/s.
2. 10 000 late readings scattered over the whole period are inserted and rolled up: readings/s (the cost of
   lateness is merging into existing buckets).
3. One channel gets a year of readings (one a minute, 525 600) and the series is read through the API for a
   year, a week, a day and an hour: median ms over 20 runs, points returned and resolution.
4. `retention.apply_retention()` with raw readings kept 30 days: rows deleted per second.

Not a test: it prints figures and never fails on them. See bench/README.md.

    python bench/bench_rollups.py                 # 1 000 000 readings
    python bench/bench_rollups.py --rows 50000    # quick check
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

import _common

SERIES_TARGET_MS = 200
STEP_S = 10


def make_channels(n: int) -> list[int]:
    from yingji.monitoring import devices

    admin = _common.county_admin()
    device = devices.create_device_with_channels(
        {"code": "BENCH-1", "name": "压测设备", "device_type": "water_main_monitor"},
        [{"metric": f"p{i}", "unit": "MPa", "sample_interval_s": STEP_S} for i in range(n)], actor=admin)
    return list(device.channels.order_by("pk").values_list("pk", flat=True))


def insert(rows: list[tuple[int, datetime, float]]) -> None:
    """Readings as ingestion stores them, one executemany per 10 000."""
    from django.db import connection, transaction

    from yingji.monitoring.models import Reading

    field = Reading._meta.get_field("time")
    sql = f"INSERT INTO {Reading._meta.db_table} (channel_id, time, value) VALUES (%s, %s, %s)"
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), 10_000):
            cursor.executemany(sql, [(c, field.get_db_prep_save(t, connection), v)
                                     for c, t, v in rows[start:start + 10_000]])


def timed_roll_up(label: str, expected: int) -> None:
    from datetime import timedelta as td

    from yingji.monitoring import rollups

    cpu, wall = time.process_time(), time.perf_counter()
    run = rollups.roll_up(settle=td(0))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"  {label}: {run.readings} readings (expected {expected}) in {wall:.2f} s, {run.chunks} chunks → "
          f"{run.readings / wall:,.0f} readings/s (Python CPU {cpu:.2f} s)")


def bench_series(channel: int, end: datetime) -> None:
    from django.test import Client

    client = Client()
    client.force_login(_common.county_admin())
    url = f"/api/v1/monitoring/channels/{channel}/series"
    for label, span in (("a year", timedelta(days=365)), ("a week", timedelta(days=7)),
                        ("a day", timedelta(days=1)), ("an hour", timedelta(hours=1))):
        params = {"start": (end - span).isoformat(), "end": end.isoformat()}
        body = client.get(url, params).json()
        times = []
        for _ in range(20):
            t = time.perf_counter()
            client.get(url, params)
            times.append((time.perf_counter() - t) * 1000)
        median = _common.median(times)
        print(f"  {label:8}: {len(body['points']):5} points from {body['resolution']:6} in median {median:6.1f} ms, "
              f"p95 {_common.percentile(times, 95):6.1f} ms  {_common.verdict(median <= SERIES_TARGET_MS)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="readings in step 1")
    parser.add_argument("--channels", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (database)")
    args = parser.parse_args()
    _common.setup_django("rollups", keep=args.keep)
    print(f"database: {_common.db_label()}")

    from django.db import connection

    from yingji.monitoring import retention
    from yingji.monitoring.models import HourRollup, MinuteRollup, Reading

    now = datetime.now(UTC).replace(microsecond=0)
    channels = make_channels(args.channels)
    per_channel = max(1, args.rows // len(channels))
    start = now - timedelta(seconds=per_channel * STEP_S)
    rng = random.Random(3)
    rows = [(c, start + timedelta(seconds=k * STEP_S), rng.uniform(0.2, 0.4))
            for k in range(per_channel) for c in channels]
    t = time.perf_counter()
    insert(rows)
    print(f"1. {len(rows):,} readings of {len(channels)} channels inserted in {time.perf_counter() - t:.1f} s")
    timed_roll_up("roll-up", len(rows))
    print(f"  minute buckets {MinuteRollup.objects.count():,}, hour buckets {HourRollup.objects.count():,}")

    scattered = {(rng.choice(channels), start + timedelta(seconds=rng.randrange(per_channel * STEP_S) + 0.5))
                 for _ in range(10_000)}  # half-second instants: never one of step 1's
    late = [(c, t, 0.3) for c, t in scattered]
    insert(late)
    print(f"2. {len(late):,} late readings scattered over the period")
    timed_roll_up("roll-up", len(late))

    year = channels[0]
    Reading.objects.filter(channel_id=year).delete()
    year_rows = [(year, now - timedelta(minutes=m), 0.3 + 0.1 * ((m // 60) % 24) / 24) for m in range(525_600, 0, -1)]
    t = time.perf_counter()
    insert(year_rows)
    print(f"3. a year of minute readings for one channel inserted in {time.perf_counter() - t:.1f} s")
    timed_roll_up("roll-up", len(year_rows))
    bench_series(year, now)

    policy = retention.RetentionPolicy(raw=timedelta(days=30), minute=timedelta(days=180), hour=timedelta(days=3653))
    total = Reading.objects.count()
    t = time.perf_counter()
    run = retention.apply_retention(now=now, policy=policy)
    wall = time.perf_counter() - t
    print(f"4. retention (raw 30 days): {run.readings:,} of {total:,} readings deleted in {wall:.1f} s → "
          f"{run.readings / max(wall, 1e-9):,.0f} rows/s")
    connection.close()


if __name__ == "__main__":
    main()
