"""A channel's readings for a chart: at most ~2 000 points over any range, with min/max bands.

The source is chosen by range: raw readings when they fit (and are still kept), else the 1-minute
rollups, else the 1-hour rollups, merged into at most ``max_points`` equal buckets aligned to the
source's width. Readings not yet rolled up (id above the watermark) are folded in from the raw table,
so the newest minutes are never missing from a rollup-based chart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import BigIntegerField, F, Max, Min, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .constants import SERIES_MAX_POINTS, SERIES_ROLLUP_SCAN
from .models import Channel, HourRollup, MinuteRollup, Reading
from .retention import RetentionPolicy
from .rollups import rolled_up_through

MINUTE, HOUR = 60, 3600
_EPOCH0 = datetime(1970, 1, 1, tzinfo=UTC)
# A rollup's bucket start in whole seconds since the epoch (Django keeps SQLite datetimes as UTC text).
_EPOCH_SQL = {
    "postgresql": "CAST(EXTRACT(EPOCH FROM bucket_start) AS BIGINT)",
    "sqlite": "CAST(strftime('%%s', bucket_start) AS INTEGER)",
}


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """A reading (count 1) or a bucket starting at ``time``: mean ``value``, ``min``, ``max`` and ``count``."""

    time: datetime
    value: float
    min: float
    max: float
    count: int


@dataclass(frozen=True, slots=True)
class Series:
    points: list[SeriesPoint]
    resolution: str  # "raw", "minute" or "hour": where the points were read from
    bucket_seconds: int | None  # width of one point's bucket; None for raw readings

    @property
    def downsampled(self) -> bool:
        return self.resolution != "raw"


class _Bucket:
    __slots__ = ("count", "total", "low", "high")

    def __init__(self) -> None:
        self.count, self.total, self.low, self.high = 0, 0.0, float("inf"), float("-inf")

    def add(self, count: int, total: float, low: float, high: float) -> None:
        self.count += count
        self.total += total
        self.low, self.high = min(self.low, low), max(self.high, high)


def _epoch(t: datetime) -> int:
    return int(t.timestamp())


def _at(seconds: int) -> datetime:
    """Epoch seconds → aware UTC datetime, by arithmetic (a system call per point is measurably slower)."""
    return _EPOCH0 + timedelta(seconds=seconds)


def _merge(rows: Iterable[tuple[int, int, float, float, float]], origin: int, width: int) -> list[SeriesPoint]:
    """Rows of (bucket number, count, sum, min, max) into points at origin + k·width."""
    buckets: dict[int, _Bucket] = {}
    for k, count, total, low, high in rows:
        bucket = buckets.get(k)
        if bucket is None:
            bucket = buckets[k] = _Bucket()
        bucket.add(count, total, low, high)
    return [SeriesPoint(_at(origin + k * width), b.total / b.count, b.low, b.high, b.count)
            for k, b in sorted(buckets.items())]


def series(channel: Channel, start: datetime, end: datetime, *, now: datetime | None = None,
           max_points: int = SERIES_MAX_POINTS) -> Series:
    """Points for [start, end): raw when at most ``max_points`` readings, else merged rollups (see module)."""
    horizons = RetentionPolicy.from_settings().horizons(now or timezone.now())
    span = (end - start).total_seconds()
    if start >= horizons["raw"] and span <= max_points * MINUTE:
        raw = list(Reading.objects.filter(channel=channel, time__gte=start, time__lt=end).order_by("time")
                   .values_list("time", "value")[: max_points + 1])
        if len(raw) <= max_points:
            return Series([SeriesPoint(t, v, v, v, 1) for t, v in raw], "raw", None)
    if start >= horizons["minute"] and span / MINUTE <= SERIES_ROLLUP_SCAN:
        model: type[MinuteRollup] | type[HourRollup] = MinuteRollup
        resolution, source = "minute", MINUTE
    else:
        model, resolution, source = HourRollup, "hour", HOUR
    origin = _epoch(start) // source * source
    covered = -(-_epoch(end) // source) * source - origin  # from the aligned start to the end, in whole sources
    width = source * max(1, -(-covered // (source * max_points)))  # ceil: covered / width ≤ max_points buckets
    aligned = _at(origin)
    through = rolled_up_through()
    # Rollup rows are merged into the output buckets by the database: ≤ max_points rows come back.
    bucket_no = RawSQL(f"({_EPOCH_SQL[connection.vendor]} - %s) / %s", (origin, width), output_field=BigIntegerField())
    rolled = (model.objects.filter(channel=channel, bucket_start__gte=aligned, bucket_start__lt=end)
              .annotate(k=bucket_no).values("k")
              .annotate(n=Sum("count"), total=Sum("sum_value"), low=Min("min_value"), high=Max("max_value"))
              .values_list("k", "n", "total", "low", "high"))
    # The tail above the watermark is short: find it by id (the primary key) and narrow it to this channel.
    # `channel_id + 0` keeps both planners off the (channel, time) index, which would walk the whole range.
    fresh = (Reading.objects.filter(pk__gt=through, time__gte=aligned, time__lt=end)
             .annotate(channel_no=F("channel_id") + 0).filter(channel_no=channel.pk).values_list("time", "value"))
    with connection.cursor() as cursor:  # plain numbers: no per-row field converters needed
        cursor.execute(*rolled.query.sql_with_params())
        rows = [*cursor.fetchall(), *(((_epoch(t) - origin) // width, 1, v, v, v) for t, v in fresh)]
    return Series(_merge(rows, origin, width), resolution, width)
