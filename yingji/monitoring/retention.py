"""Retention: delete raw readings and rollups past their keeping time, in bounded chunks.

Raw readings are deleted only once rolled up (id at or below the rollup watermark), and never within an
open alarm's window: from ``ALARM_CONTEXT`` before the alarm first fired, for as long as the alarm is not
closed — the evidence a person closing it, or an accident investigation, looks at. Rollups go by their
bucket's start; dead letters by when they were last received (a device still repeating a bad message keeps
its row). Every chunk is its own short transaction, so ingestion is never blocked for long.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Min
from django.utils import timezone

from .constants import ALARM_CONTEXT, RETENTION_CHUNK
from .models import Alarm, AlarmStatus, Channel, DeadLetter, HourRollup, MinuteRollup, Reading
from .rollups import rolled_up_through

_CHANNELS_PER_QUERY = 500


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """How long each resolution is kept (settings YINGJI_RETENTION_*; see docs/monitoring.md)."""

    raw: timedelta
    minute: timedelta
    hour: timedelta
    dead_letters: timedelta = timedelta(days=30)

    @classmethod
    def from_settings(cls) -> RetentionPolicy:
        return cls(raw=timedelta(days=settings.YINGJI_RETENTION_RAW_DAYS),
                   minute=timedelta(days=settings.YINGJI_RETENTION_MINUTE_DAYS),
                   hour=timedelta(days=round(365.25 * settings.YINGJI_RETENTION_HOUR_YEARS)),
                   dead_letters=timedelta(days=settings.YINGJI_RETENTION_DEAD_LETTER_DAYS))

    def horizons(self, now: datetime) -> dict[str, datetime]:
        """The oldest instant each resolution (and the dead letters) still covers at ``now``."""
        return {"raw": now - self.raw, "minute": now - self.minute, "hour": now - self.hour,
                "dead_letters": now - self.dead_letters}


@dataclass(frozen=True, slots=True)
class RetentionRun:
    readings: int
    minute_rollups: int
    hour_rollups: int
    dead_letters: int = 0

    @property
    def summary(self) -> str:
        """One line for the commands that run it."""
        return (f"清理完成：原始读数 {self.readings} 条，分钟汇总 {self.minute_rollups} 条，"
                f"小时汇总 {self.hour_rollups} 条，死信 {self.dead_letters} 条")


def _channel_pages() -> Iterator[list[int]]:
    last = 0
    while True:
        page = list(Channel.objects.filter(pk__gt=last).order_by("pk")
                    .values_list("pk", flat=True)[:_CHANNELS_PER_QUERY])
        if not page:
            return
        last = page[-1]
        yield page


def _delete_chunks(rows: models.QuerySet[models.Model], chunk: int) -> int:
    """Delete the rows of a query, ``chunk`` at a time, each chunk in its own transaction."""
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(rows.values_list("pk", flat=True)[:chunk])
            if ids:
                rows.model._default_manager.filter(pk__in=ids).delete()
        deleted += len(ids)
        if len(ids) < chunk:
            return deleted


def protected_from() -> dict[int, datetime]:
    """Per channel with an alarm not yet closed: raw readings from this instant on are kept."""
    open_alarms = (Alarm.objects.exclude(status=AlarmStatus.CLOSED).values("channel_id")
                   .annotate(first=Min("first_at")).values_list("channel_id", "first"))
    return {channel_id: first - ALARM_CONTEXT for channel_id, first in open_alarms}


def delete_raw(before: datetime, *, chunk: int = RETENTION_CHUNK) -> int:
    """Delete readings older than ``before`` that are rolled up and outside every open alarm's window."""
    through = rolled_up_through()
    kept = protected_from()
    deleted = 0
    old = Reading.objects.filter(pk__lte=through)
    for page in _channel_pages():
        plain = [pk for pk in page if pk not in kept]
        if plain:
            deleted += _delete_chunks(old.filter(channel_id__in=plain, time__lt=before), chunk)
        for pk in page:
            if pk in kept:
                deleted += _delete_chunks(old.filter(channel_id=pk, time__lt=min(before, kept[pk])), chunk)
    return deleted


def delete_rollups(model: type[MinuteRollup] | type[HourRollup], before: datetime, *,
                   chunk: int = RETENTION_CHUNK) -> int:
    """Delete the buckets of ``model`` that start before ``before``."""
    return sum(_delete_chunks(model.objects.filter(channel_id__in=page, bucket_start__lt=before), chunk)
               for page in _channel_pages())


def delete_dead_letters(before: datetime, *, chunk: int = RETENTION_CHUNK) -> int:
    """Delete dead letters last received before ``before``."""
    return _delete_chunks(DeadLetter.objects.filter(last_received_at__lt=before).order_by("pk"), chunk)


def apply_retention(*, now: datetime | None = None, policy: RetentionPolicy | None = None,
                    chunk: int = RETENTION_CHUNK) -> RetentionRun:
    """Apply the retention policy once; safe to run at any time and as often as wanted."""
    horizons = (policy or RetentionPolicy.from_settings()).horizons(now or timezone.now())
    return RetentionRun(
        readings=delete_raw(horizons["raw"], chunk=chunk),
        minute_rollups=delete_rollups(MinuteRollup, horizons["minute"], chunk=chunk),
        hour_rollups=delete_rollups(HourRollup, horizons["hour"], chunk=chunk),
        dead_letters=delete_dead_letters(horizons["dead_letters"], chunk=chunk),
    )
