"""Rollups: minute and hour aggregates follow insertion order, so late readings land in their old buckets."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection, transaction

from tests.integration.monitoring_support import T0, GasDetector, at, gas_detector
from yingji.monitoring import ingest, rollups
from yingji.monitoring.api import SeriesOut
from yingji.monitoring.models import HourRollup, MinuteRollup, Reading, RollupWatermark

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_settle(settings: Any) -> None:
    """Tests run one transaction at a time: every visible id is final (PostgreSQL waits 30 s by default)."""
    settings.YINGJI_ROLLUP_SETTLE_SECONDS = 0


@pytest.fixture
def gas(people: Any, enterprise_a: Any) -> GasDetector:
    return gas_detector("GAS-R1", enterprise_a, people.officer_a)


def store(gas: GasDetector, pairs: list[tuple[float, float]]) -> None:
    items = [{"channel": gas.channel.pk, "time": at(s), "value": v} for s, v in pairs]
    results = ingest.ingest(items, writer=ingest.Writer(device_id=gas.device.pk))
    assert {r.status for r in results} == {"stored"}


def minute_rows(gas: GasDetector) -> list[tuple[Any, ...]]:
    return list(MinuteRollup.objects.filter(channel=gas.channel).order_by("bucket_start").values_list(
        "bucket_start", "count", "min_value", "max_value", "sum_value", "first_time", "last_time"))


def test_minute_and_hour_buckets_hold_count_min_max_sum_first_last(gas: GasDetector) -> None:
    # 00:00:00 → 2, 00:00:30 → 6, 00:00:50 → 4 | 00:01:10 → 10 | 01:00:00 → 1 (next hour)
    store(gas, [(0, 2.0), (30, 6.0), (50, 4.0), (70, 10.0), (3600, 1.0)])
    run = rollups.roll_up()
    assert run.readings == 5 and run.through_id == Reading.objects.order_by("-pk").first().pk  # type: ignore[union-attr]
    assert minute_rows(gas) == [
        (T0, 3, 2.0, 6.0, 12.0, T0, T0 + timedelta(seconds=50)),
        (T0 + timedelta(minutes=1), 1, 10.0, 10.0, 10.0, T0 + timedelta(seconds=70), T0 + timedelta(seconds=70)),
        (T0 + timedelta(hours=1), 1, 1.0, 1.0, 1.0, T0 + timedelta(hours=1), T0 + timedelta(hours=1)),
    ]
    hours = {h.bucket_start: h for h in HourRollup.objects.filter(channel=gas.channel)}
    assert set(hours) == {T0, T0 + timedelta(hours=1)}
    first = hours[T0]
    assert (first.count, first.min_value, first.max_value, first.avg) == (4, 2.0, 10.0, 5.5)
    assert (first.first_time, first.last_time) == (T0, T0 + timedelta(seconds=70))


def test_a_second_run_without_new_readings_changes_nothing(gas: GasDetector) -> None:
    store(gas, [(0, 2.0), (30, 6.0)])
    rollups.roll_up()
    before = minute_rows(gas)
    assert rollups.roll_up().readings == 0
    assert minute_rows(gas) == before


def test_late_and_out_of_order_readings_are_merged_into_their_old_buckets(gas: GasDetector) -> None:
    store(gas, [(30, 6.0), (3600, 1.0)])
    rollups.roll_up()
    store(gas, [(10, -1.0), (55, 9.0)])  # late: both belong to the first minute, already rolled up
    assert rollups.roll_up().readings == 2
    assert minute_rows(gas)[0] == (T0, 3, -1.0, 9.0, 14.0, T0 + timedelta(seconds=10), T0 + timedelta(seconds=55))
    first_hour = HourRollup.objects.get(channel=gas.channel, bucket_start=T0)
    assert (first_hour.count, first_hour.min_value, first_hour.max_value) == (3, -1.0, 9.0)


def test_chunks_give_the_same_result_as_one_pass(gas: GasDetector) -> None:
    store(gas, [(-60, 0.0)])
    rollups.roll_up()  # the watermark now sits just below the next ids (PostgreSQL sequences outlive tests)
    store(gas, [(s, float(s % 7)) for s in range(0, 600, 10)])
    run = rollups.roll_up(chunk_ids=7, max_chunks=3)
    assert (run.chunks, run.readings) == (3, 21)
    rest = rollups.roll_up(chunk_ids=7)
    assert run.readings + rest.readings == 60
    rows = minute_rows(gas)[1:]
    assert [r[1] for r in rows] == [6] * 10
    assert sum(r[4] for r in rows) == sum(float(s % 7) for s in range(0, 600, 10))


def test_readings_are_rolled_up_only_after_the_settle_time(gas: GasDetector) -> None:
    """Ids visible at one run are folded in at the first run at least `settle` later, never before."""
    store(gas, [(0, 1.0)])
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    settle = timedelta(seconds=30)
    assert rollups.roll_up(now=now, settle=settle).readings == 0  # noted as the horizon
    store(gas, [(10, 2.0)])
    assert rollups.roll_up(now=now + timedelta(seconds=10), settle=settle).readings == 0
    assert rollups.roll_up(now=now + timedelta(seconds=30), settle=settle).readings == 1  # the first reading only
    assert MinuteRollup.objects.get(channel=gas.channel).count == 1
    assert rollups.roll_up(now=now + timedelta(seconds=60), settle=settle).readings == 1
    assert MinuteRollup.objects.get(channel=gas.channel).count == 2
    mark = RollupWatermark.objects.get()
    assert mark.through_id == mark.settled_id == Reading.objects.order_by("-pk").first().pk  # type: ignore[union-attr]


# --- the series API reads raw readings or rollups by range ------------------------------------------------
SERIES = "/api/v1/monitoring/channels/{}/series"


def test_short_range_returns_raw_readings_with_degenerate_bands(gas: GasDetector, people: Any,
                                                                 client_for: Any) -> None:
    store(gas, [(0, 2.0), (10, 5.0)])
    body = client_for(people.officer_a).get(SERIES.format(gas.channel.pk), {"start": at(0), "end": at(60)}).json()
    SeriesOut.model_validate(body)  # the documented shape (the handler serialises without the schema)
    assert (body["resolution"], body["downsampled"], body["bucket_seconds"]) == ("raw", False, None)
    assert body["points"][0]["time"] == "2026-11-28T00:00:00Z" and body["start"] == at(0)
    assert [(p["value"], p["min"], p["max"], p["count"]) for p in body["points"]] == [(2, 2, 2, 1), (5, 5, 5, 1)]


def test_a_year_is_at_most_2000_hourly_points_keeping_the_spike(gas: GasDetector, people: Any,
                                                                client_for: Any,
                                                                django_assert_num_queries: Any) -> None:
    hours = 365 * 24
    start = -hours * 3600
    pairs = [(start + h * 3600, 10.0 + (h % 24)) for h in range(hours)]
    pairs[5000] = (pairs[5000][0], 95.0)  # one spike half way through the year
    store(gas, pairs)
    rollups.roll_up()
    store(gas, [(1800, 50.0)])  # not rolled up yet: still on the chart
    client = client_for(people.officer_a)
    url = SERIES.format(gas.channel.pk)
    with django_assert_num_queries(6):  # session, user, channel, watermark, rollups, readings above the watermark
        response = client.get(url, {"start": at(start), "end": at(3600)})
    body = response.json()
    SeriesOut.model_validate(body)
    assert (body["resolution"], body["downsampled"], body["bucket_seconds"]) == ("hour", True, 5 * 3600)
    points = body["points"]
    assert len(points) <= 2000 and sum(p["count"] for p in points) == hours + 1
    assert max(p["max"] for p in points) == 95.0 and max(p["value"] for p in points) < 95.0  # the band keeps it
    assert min(p["min"] for p in points) == 10.0
    last = points[-1]
    assert (last["count"], last["max"]) == (1, 50.0)  # the fresh reading, alone in its 5-hour bucket


def test_three_hours_of_2_second_readings_are_read_from_minute_rollups(gas: GasDetector, people: Any,
                                                                 client_for: Any) -> None:
    store(gas, [(s, float(s // 60)) for s in range(0, 3 * 3600, 2)])  # 5 400 readings: more than 2 000
    rollups.roll_up()
    body = client_for(people.officer_a).get(SERIES.format(gas.channel.pk),
                                            {"start": at(0), "end": at(3 * 3600)}).json()
    assert (body["resolution"], body["bucket_seconds"]) == ("minute", 60)
    points = body["points"]
    assert len(points) == 180 and {p["count"] for p in points} == {30}
    assert [p["value"] for p in points[:3]] == [0.0, 1.0, 2.0]
    assert points[1]["time"].startswith((T0 + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:00"))


# --- PostgreSQL: ids become visible out of order ----------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_lower_id_committed_after_a_higher_one_is_still_rolled_up(gas: GasDetector) -> None:
    """A slow ingestion transaction holds id a while a later one commits id b > a: the watermark waits."""
    holding, release, done = threading.Event(), threading.Event(), threading.Event()
    slow_id: list[int] = []

    def slow_ingestion() -> None:
        try:
            with transaction.atomic():
                slow_id.append(Reading.objects.create(channel=gas.channel, time=T0, value=1.0).pk)
                holding.set()
                release.wait(10)
        finally:
            connection.close()
            done.set()

    worker = threading.Thread(target=slow_ingestion)
    worker.start()
    assert holding.wait(10)
    store(gas, [(10, 2.0)])  # commits a higher id while the lower one is in flight
    settle = timedelta(seconds=30)
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert rollups.roll_up(now=now, settle=settle).readings == 0  # the visible id is noted, not yet trusted
    release.set()
    assert done.wait(10)
    worker.join()
    run = rollups.roll_up(now=now + settle, settle=settle)
    assert run.readings == 2 and slow_id[0] < run.through_id
    assert MinuteRollup.objects.get(channel=gas.channel).count == 2
