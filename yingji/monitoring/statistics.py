"""Alarm statistics for supervision: counts, false-alarm rate, mean time to acknowledge and to close.

One aggregate query over the reader's scoped alarms (plus none for labels: they come from the same rows).
Times are measured from when the platform raised the alarm (``created_at``); the false-alarm rate is false
alarms among the alarms closed in the period, since only closing classifies an alarm.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.db.models import Avg, Count, F, FloatField, Func, Q, QuerySet

from .models import Alarm, AlarmStatus
from .models.alarms import LEVEL_CHOICES
from .models.devices import DEVICE_TYPE_CHOICES


@dataclass(frozen=True)
class Grouping:
    """How one ``group_by`` value groups alarms: the key field, the label field (or a fixed table)."""

    key: str
    label: str | None = None
    labels: dict[str, str] | None = None


GROUPINGS: Final[dict[str, Grouping]] = {
    "enterprise": Grouping("channel__device__enterprise_id", "channel__device__enterprise__name"),
    "device_type": Grouping("channel__device__device_type", labels=dict(DEVICE_TYPE_CHOICES)),
    "level": Grouping("level", labels=dict(LEVEL_CHOICES)),
    "department": Grouping("channel__device__owner_department_id", "channel__device__owner_department__name"),
    "area": Grouping("channel__device__admin_area__code", "channel__device__admin_area__name"),
}
NO_GROUP_LABEL: Final = "（未指定）"


class SecondsBetween(Func):
    """Seconds from one timestamp column to another, in the database's own arithmetic.

    Django's DurationField subtraction on SQLite calls a Python function per row (about 25 µs each, measured in
    bench/bench_alarm_stats.py); julianday() is native. PostgreSQL takes the epoch of the interval.
    """

    output_field = FloatField()
    arity = 2

    def __init__(self, end: str, start: str) -> None:
        super().__init__(F(end), F(start))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="((julianday(%(expressions)s)) * 86400.0)",
                           arg_joiner=") - julianday(", **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="EXTRACT(EPOCH FROM (%(expressions)s))",
                           arg_joiner=" - ", **extra)


@dataclass(frozen=True)
class AlarmStats:
    key: Any
    label: str
    count: int
    acknowledged: int
    closed: int
    false_alarms: int
    false_alarm_rate: float | None
    mean_acknowledge_s: float | None
    mean_close_s: float | None


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def alarm_statistics(alarms: QuerySet[Alarm], group_by: str, start: datetime | None = None,
                     end: datetime | None = None) -> list[AlarmStats]:
    """Statistics per group of the alarms raised in [start, end); ``alarms`` is already scoped to the reader."""
    grouping = GROUPINGS[group_by]
    if start is not None:
        alarms = alarms.filter(created_at__gte=start)
    if end is not None:
        alarms = alarms.filter(created_at__lt=end)
    fields = [grouping.key] + ([grouping.label] if grouping.label else [])
    to_ack = SecondsBetween("acknowledged_at", "created_at")
    to_close = SecondsBetween("closed_at", "created_at")
    rows = (
        alarms.order_by().values(*fields)
        .annotate(
            n=Count("pk"),
            acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
            closed=Count("pk", filter=Q(status=AlarmStatus.CLOSED)),
            false_alarms=Count("pk", filter=Q(status=AlarmStatus.CLOSED, false_alarm=True)),
            ack=Avg(to_ack, filter=Q(acknowledged_at__isnull=False)),
            close=Avg(to_close, filter=Q(closed_at__isnull=False)),
        )
        .order_by("-n", grouping.key)
    )
    result = []
    for row in rows:
        key = row[grouping.key]
        if grouping.labels is not None:
            label = grouping.labels.get(key, key)
        else:
            label = row[grouping.label] if grouping.label else str(key)
        result.append(AlarmStats(
            key=key, label=label or NO_GROUP_LABEL, count=row["n"], acknowledged=row["acknowledged"],
            closed=row["closed"], false_alarms=row["false_alarms"],
            false_alarm_rate=round(row["false_alarms"] / row["closed"], 4) if row["closed"] else None,
            mean_acknowledge_s=_seconds(row["ack"]), mean_close_s=_seconds(row["close"]),
        ))
    return result
