"""The rollup job: fold readings into 1-minute and 1-hour aggregates, in insertion order, exactly once.

Readings arrive late and out of order, so the job does not follow reading time: it reads the readings
table by id, from the watermark (``RollupWatermark.through_id``) to the highest *settled* id, and merges
each chunk into both rollup tables with one ``INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE`` per
table (count and sum add, min and max compare). A late reading therefore lands in its old bucket, and
the bucket stays exact. Chunk and watermark commit together, so a crash repeats or loses nothing.

**Settled ids.** On PostgreSQL ids are taken when a row is inserted but become visible when its
transaction commits, so a higher id can be visible while a lower one is still in flight. The job notes
the highest visible id and the time (``horizon``); once ``settle`` has passed, every transaction that
could hold a lower id has ended (ingestion transactions are short), and the horizon becomes settled.
SQLite has one writer at a time, so every visible id is settled at once (settle 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from .models import HourRollup, MinuteRollup, Reading, Rollup, RollupWatermark

WATERMARK = "readings"
# Ids per chunk: one chunk is one transaction of two INSERT … SELECT statements.
CHUNK_IDS = 100_000

_BUCKET_SQL = {
    "postgresql": {
        "minute": "date_trunc('minute', {t} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'",
        "hour": "date_trunc('hour', {t} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'",
    },
    # Django stores aware datetimes on SQLite as UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]".
    "sqlite": {
        "minute": "strftime('%%Y-%%m-%%d %%H:%%M:00', {t})",
        "hour": "strftime('%%Y-%%m-%%d %%H:00:00', {t})",
    },
}
_TABLES: tuple[tuple[type[Rollup], str], ...] = ((MinuteRollup, "minute"), (HourRollup, "hour"))


@dataclass(frozen=True, slots=True)
class RollupRun:
    """What one run did: readings folded in, chunks committed, and the watermark after it."""

    readings: int
    chunks: int
    through_id: int
    pending_id: int


def settle_time() -> timedelta:
    if connection.vendor == "sqlite":
        return timedelta(0)
    return timedelta(seconds=settings.YINGJI_ROLLUP_SETTLE_SECONDS)


def _merge_sql(model: type[Rollup], width: str) -> str:
    """INSERT the chunk's per-bucket aggregates; a bucket that exists absorbs them (portable upsert)."""
    q = connection.ops.quote_name
    table, readings = q(model._meta.db_table), q(Reading._meta.db_table)
    bucket = _BUCKET_SQL[connection.vendor][width].format(t=q("time"))
    target = f"{table}.{{c}}"
    merged = {
        "count": f"{target.format(c=q('count'))} + excluded.{q('count')}",
        "sum_value": f"{target.format(c=q('sum_value'))} + excluded.{q('sum_value')}",
    }
    for column, op in (("min_value", "<"), ("max_value", ">"), ("first_time", "<"), ("last_time", ">")):
        mine, theirs = target.format(c=q(column)), f"excluded.{q(column)}"
        merged[column] = f"CASE WHEN {theirs} {op} {mine} THEN {theirs} ELSE {mine} END"
    columns = ["channel_id", "bucket_start", "count", "min_value", "max_value", "sum_value", "first_time", "last_time"]
    # "WHERE" is required before ON CONFLICT on SQLite (INSERT … SELECT parsing), and is our id range anyway.
    return (
        f"INSERT INTO {table} ({', '.join(q(c) for c in columns)}) "
        f"SELECT {q('channel_id')}, {bucket}, COUNT(*), MIN({q('value')}), MAX({q('value')}), SUM({q('value')}), "
        f"MIN({q('time')}), MAX({q('time')}) FROM {readings} WHERE {q('id')} > %s AND {q('id')} <= %s "
        f"GROUP BY {q('channel_id')}, {bucket} "
        f"ON CONFLICT ({q('channel_id')}, {q('bucket_start')}) DO UPDATE SET "
        + ", ".join(f"{q(c)} = {expr}" for c, expr in merged.items())
    )


def _fold(low: int, high: int) -> int:
    """Merge readings with low < id ≤ high into both tables; returns how many readings that was."""
    with connection.cursor() as cursor:
        for model, width in _TABLES:
            cursor.execute(_merge_sql(model, width), [low, high])
    return Reading.objects.filter(pk__gt=low, pk__lte=high).count()


def _advance_horizon(mark: RollupWatermark, now: datetime, settle: timedelta) -> None:
    visible = Reading.objects.aggregate(top=Max("pk"))["top"] or 0
    if not settle:
        mark.settled_id = mark.horizon_id = max(mark.settled_id, visible)
        mark.horizon_at = now
        return
    if mark.horizon_at is None or now - mark.horizon_at >= settle:
        mark.settled_id = max(mark.settled_id, mark.horizon_id)
        mark.horizon_id, mark.horizon_at = visible, now


def roll_up(*, now: datetime | None = None, settle: timedelta | None = None, chunk_ids: int = CHUNK_IDS,
            max_chunks: int | None = None) -> RollupRun:
    """Fold every settled reading not yet rolled up into the minute and hour tables.

    Each chunk of ids commits with the watermark, so concurrent runs serialise on the watermark row and a
    stopped run resumes where it left off. ``max_chunks`` bounds one run (the tick's share of work).
    """
    now = now or timezone.now()
    settle = settle_time() if settle is None else settle
    readings = chunks = 0
    while max_chunks is None or chunks < max_chunks:
        with transaction.atomic():
            mark, _ = RollupWatermark.objects.select_for_update().get_or_create(name=WATERMARK)
            if chunks == 0:
                _advance_horizon(mark, now, settle)
            high = min(mark.settled_id, mark.through_id + chunk_ids)
            if high <= mark.through_id:
                mark.save()
                return RollupRun(readings, chunks, mark.through_id, mark.horizon_id)
            readings += _fold(mark.through_id, high)
            mark.through_id = high
            mark.save()
            chunks += 1
    mark = RollupWatermark.objects.get(name=WATERMARK)
    return RollupRun(readings, chunks, mark.through_id, mark.horizon_id)


def rolled_up_through() -> int:
    """The highest reading id already in the rollups (0 before the first run)."""
    return RollupWatermark.objects.filter(name=WATERMARK).values_list("through_id", flat=True).first() or 0
