"""The ingestion path's bulk SQL: new readings in, rule states out and back, without the ORM per row.

Readings: one statement per 1 000 instead of one ORM save each: ``INSERT … ON CONFLICT DO NOTHING
RETURNING channel_id, time`` (SQLite ≥ 3.35 and PostgreSQL), so the unique (channel, time) constraint
decides what is a duplicate, even against a concurrent writer, and the rows it returns are exactly the
readings this call stored. On PostgreSQL the rows go in with COPY into a temporary table first.

Rule states (``ChannelRuleState.state``, the evaluator's JSON): read in one query (locked with FOR UPDATE
on PostgreSQL; SQLite's IMMEDIATE transactions already serialise writers) and upserted with one
``executemany``, encoded and decoded with orjson.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final

import orjson
from django.db import connection
from django.utils import timezone

from .models import Channel, ChannelRuleState, Device, Reading

_CHUNK: Final[int] = 1_000  # 3 000 parameters: under SQLite's 32 766 and PostgreSQL's 65 535
_STAGE: Final[str] = "monitoring_reading_incoming"


def _table() -> tuple[str, str, str, str]:
    quote = connection.ops.quote_name
    table = quote(Reading._meta.db_table)
    return table, quote("channel_id"), quote("time"), quote("value")


def _sqlite_time(at: datetime) -> str:
    """What Django's SQLite backend stores for an aware datetime: naive UTC, ``str()`` format."""
    return str((at if at.tzinfo is UTC else at.astimezone(UTC)).replace(tzinfo=None))


def _insert_values(cursor: Any, rows: Sequence[tuple[int, datetime, float]]) -> set[tuple[int, datetime]]:
    table, channel, time, value = _table()
    new: set[tuple[int, datetime]] = set()
    texts: dict[datetime, str] = {}  # one instant is often shared by several channels of a batch
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        sent: dict[tuple[int, Any], datetime] = {}
        params: list[Any] = []
        for pk, at, reading in chunk:
            stored_as = texts.get(at)
            if stored_as is None:
                stored_as = texts[at] = _sqlite_time(at)
            sent[pk, stored_as] = at
            params += (pk, stored_as, reading)
        # CAST: SQLite hands back the stored text (no datetime parsing per row); it is what was sent.
        cursor.execute(
            f"INSERT INTO {table} ({channel}, {time}, {value}) VALUES "  # noqa: S608 - identifiers only, quoted
            + ",".join(["(%s, %s, %s)"] * len(chunk))
            + f" ON CONFLICT ({channel}, {time}) DO NOTHING RETURNING {channel}, CAST({time} AS TEXT)",
            params,
        )
        new.update((pk, sent[pk, stored_as]) for pk, stored_as in cursor.fetchall())
    return new


def _insert_copy(cursor: Any, rows: Sequence[tuple[int, datetime, float]]) -> set[tuple[int, datetime]]:
    table, channel, time, value = _table()
    cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGE} "
                   "(channel_id bigint, time timestamptz, value double precision) ON COMMIT DELETE ROWS")
    cursor.execute(f"TRUNCATE {_STAGE}")  # several batches may share one transaction
    with cursor.cursor.copy(f"COPY {_STAGE} (channel_id, time, value) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cursor.execute(
        f"INSERT INTO {table} ({channel}, {time}, {value}) SELECT channel_id, time, value FROM {_STAGE} "  # noqa: S608
        f"ON CONFLICT ({channel}, {time}) DO NOTHING RETURNING {channel}, {time}"
    )
    return {(pk, at) for pk, at in cursor.fetchall()}  # aware datetimes: equal to the ones sent


def insert_new(rows: Sequence[tuple[int, datetime, float]]) -> set[tuple[int, datetime]]:
    """Insert ``(channel_id, aware time, value)`` rows (no two alike in (channel, time)).

    Returns the (channel_id, time) pairs that were stored now, with the times as given; the others were
    already there. Runs in the caller's transaction.
    """
    if not rows:
        return set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _insert_copy(cursor, rows)
        return _insert_values(cursor, rows)


def load_rule_states(channel_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The stored evaluator states of these channels (absent: never evaluated), locked for this transaction."""
    if not channel_ids:
        return {}
    quote = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    found: dict[int, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(channel_ids), _CHUNK):
            chunk = channel_ids[start : start + _CHUNK]
            cursor.execute(
                f"SELECT {quote('channel_id')}, {quote('state')} FROM {quote(ChannelRuleState._meta.db_table)} "  # noqa: S608
                f"WHERE {quote('channel_id')} IN ({','.join(['%s'] * len(chunk))}){lock}",
                chunk,
            )
            for pk, state in cursor.fetchall():
                data = orjson.loads(state) if isinstance(state, str | bytes) else state
                if data:
                    found[pk] = data
    return found


def save_rule_states(states: dict[int, dict[str, Any]]) -> None:
    """Insert or replace the evaluator state of each channel (one ``executemany``)."""
    if not states:
        return
    quote = connection.ops.quote_name
    table, pk, state, updated = (quote(n) for n in (ChannelRuleState._meta.db_table, "channel_id", "state",
                                                     "updated_at"))
    value = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({pk}, {state}, {updated}) VALUES (%s, {value}, %s) "  # noqa: S608
            f"ON CONFLICT ({pk}) DO UPDATE SET {state} = EXCLUDED.{state}, {updated} = EXCLUDED.{updated}",
            [(channel_id, orjson.dumps(data).decode(), now) for channel_id, data in states.items()],
        )


def device_channel_rows(device_id: int) -> list[tuple[int, int, str, str, str, str, bool]]:
    """Every channel of one device as (id, device id, metric, version, device code, device version, whether its
    readings are published on the event stream).

    The versions are ``updated_at`` as text (compared, never parsed). Raw SQL: for a device's batch the
    ORM's query building cost more than the query.
    """
    quote = connection.ops.quote_name
    channel, device = quote(Channel._meta.db_table), quote(Device._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.{quote('id')}, c.{quote('device_id')}, c.{quote('metric')}, "  # noqa: S608 - quoted names
            f"CAST(c.{quote('updated_at')} AS TEXT), d.{quote('code')}, CAST(d.{quote('updated_at')} AS TEXT), "
            f"c.{quote('publish_readings')} "
            f"FROM {channel} c JOIN {device} d ON d.{quote('id')} = c.{quote('device_id')} "
            f"WHERE c.{quote('device_id')} = %s",
            [device_id],
        )
        return list(cursor.fetchall())
