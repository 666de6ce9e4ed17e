"""Reading ingestion: parse a batch, check every reading, store the new ones once, evaluate them.

``parse_body`` turns a JSON array or NDJSON body into items, or raises :class:`BodyError` naming the
position. ``ingest`` checks each item (channel, time, value, the writer's right to the channel) and
returns one result per item: ``stored``, ``duplicate`` (already stored: a resend) or ``rejected`` with a
Chinese reason. Valid readings are inserted in bulk, ignoring conflicts on (channel, time), and then
evaluated in time order per channel, all in one transaction.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from django.db import transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone

from yingji.core import events
from yingji.core.scoping import facts_of

from . import reading_store
from .constants import FUTURE_TOLERANCE, MAX_READINGS_PER_REQUEST
from .evaluation import evaluate
from .models import Channel, Device
from .rule_binding import ChannelRef
from .rules import Reading


class BodyError(ValueError):
    """The body as a whole cannot be used: ``status`` 400 unreadable JSON, 422 not an array of readings,
    413 too many readings."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


class TooManyReadings(BodyError):
    def __init__(self, count: int) -> None:
        super().__init__(f"一次最多提交 {MAX_READINGS_PER_REQUEST} 条读数，本次 {count} 条；请分批提交", 413)


def _loads(text: bytes, where: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    try:  # the standard library also reads NaN / Infinity, which are then rejected per reading
        return json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        position = f"第 {exc.lineno} 行第 {exc.colno} 列" if isinstance(exc, json.JSONDecodeError) else "编码"
        raise BodyError(f"{where}不是有效的 JSON（{position}）：{exc}", 400) from None


def parse_body(body: bytes, content_type: str) -> list[Any]:
    """The items of a JSON array body, or of an NDJSON body (one JSON object per line).

    :raises BodyError: malformed JSON (400, with its line and column), a body that is not an array (422),
        or more than MAX_READINGS_PER_REQUEST items (413).
    """
    if content_type.split(";")[0].strip().lower() in ("application/x-ndjson", "application/ndjson"):
        lines = [line for line in body.splitlines() if line.strip()]
        if len(lines) > MAX_READINGS_PER_REQUEST:
            raise TooManyReadings(len(lines))
        return [_loads(line, f"第 {n} 行") for n, line in enumerate(lines, start=1)]
    if not body.strip():
        raise BodyError("请求体为空：应为读数的 JSON 数组或 NDJSON")
    items = _loads(body, "请求体")
    if not isinstance(items, list):
        raise BodyError("请求体应为读数的 JSON 数组（或以 application/x-ndjson 提交 NDJSON）")
    if len(items) > MAX_READINGS_PER_REQUEST:
        raise TooManyReadings(len(items))
    return items


@dataclass(frozen=True, slots=True)
class Writer:
    """Who writes: a device token (only its own channels) or a user (channels they may change)."""

    device_id: int | None = None
    user: Any = None


@dataclass(slots=True)
class ReadingResult:
    """One item's answer. ``unwritable``: rejected because the channel is unknown or not the writer's."""

    index: int
    status: Literal["stored", "duplicate", "rejected"]
    reason: str = ""
    unwritable: bool = False


@dataclass(slots=True)
class _Valid:
    index: int
    ref: int | str
    at: datetime
    value: float


_EPOCH_SECONDS = (1e9, 1e11)  # 2001-09-09 … 5138-11-16 as Unix seconds (10 or 11 digits)
_EPOCH_MILLIS = (1e12, 1e14)  # the same span in milliseconds (13 or 14 digits): the ranges cannot overlap
_EPOCH_RULE = "数字时间戳须为 Unix 秒（10 位）或毫秒（13 位）"


def _time_of(raw_time: Any) -> datetime | str:
    """The reading's instant (aware, UTC), or the reason it cannot be read.

    A string is ISO 8601 with an offset. A number is a Unix timestamp in seconds when it lies in
    [1e9, 1e11) and in milliseconds when it lies in [1e12, 1e14): the two ranges are a factor 10 apart,
    so no value can be read both ways; anything else (micro- or nanoseconds, small numbers) is refused.
    """
    if isinstance(raw_time, str):
        try:
            at = datetime.fromisoformat(raw_time)
        except ValueError:
            return f"time 不是有效的 ISO 8601 时间：{raw_time[:40]}"
        if at.tzinfo is None or at.utcoffset() is None:
            return f"time 缺少时区：{raw_time[:40]}（应如 2026-11-28T08:00:00+08:00）"
        return at.astimezone(UTC)
    if isinstance(raw_time, bool) or not isinstance(raw_time, int | float):
        return "time 须为带时区的 ISO 8601 字符串（如 2026-11-28T08:00:00+08:00）或 Unix 时间戳（秒或毫秒）"
    if not math.isfinite(raw_time):
        return f"time 须为有限数值（收到 {raw_time}）"
    if _EPOCH_SECONDS[0] <= raw_time < _EPOCH_SECONDS[1]:
        return datetime.fromtimestamp(raw_time, UTC)
    if _EPOCH_MILLIS[0] <= raw_time < _EPOCH_MILLIS[1]:
        return datetime.fromtimestamp(raw_time / 1000, UTC)
    return f"{_EPOCH_RULE}，收到 {raw_time!r}：无法确定单位"


def _check(index: int, item: Any, latest: datetime, times: dict[Any, datetime | str]) -> _Valid | str:
    """The item's fields, or the reason it is rejected (naming the field).

    ``times`` memoises :func:`_time_of` within a batch: a device reporting several channels sends each
    instant several times.
    """
    if not isinstance(item, dict):
        return "读数须为对象 {channel, time, value}"
    try:
        ref, raw_time, value = item["channel"], item["time"], item["value"]
    except KeyError:
        missing = [f for f in ("channel", "time", "value") if f not in item]
        return f"缺少字段 {'、'.join(missing)}"
    if isinstance(ref, bool) or not isinstance(ref, int | str) or (isinstance(ref, str) and "/" not in ref):
        return "channel 须为通道编号或“设备编码/指标”"
    try:
        at = times[raw_time]
    except KeyError:
        at = times[raw_time] = _time_of(raw_time)
    except TypeError:  # an unhashable time (a list, an object): not a time at all
        at = _time_of(raw_time)
    if isinstance(at, str):
        return at
    if at > latest:
        shown = raw_time[:40] if isinstance(raw_time, str) else f"{raw_time!r}（{at.isoformat()}）"
        return f"读数时间超前：{shown} 晚于服务器时间 {int(FUTURE_TOLERANCE.total_seconds() // 60)} 分钟以上"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "value 须为数字"
    if not math.isfinite(value):
        return f"value 须为有限数值（收到 {value}）"
    return _Valid(index, ref, at, float(value))


# Event topic of a streaming channel's newest reading (Channel.publish_readings).
READING_TOPIC = "monitoring.reading"
# Versions as text: they only need comparing, and SQLite would otherwise parse two datetimes per channel.
_REF_FIELDS = ("pk", "device_id", "metric", "version", "device__code", "device_version", "publish_readings")


def _resolve(refs: set[int | str], writer: Writer) -> dict[int | str, ChannelRef]:
    """The channels the writer may write, by the reference the batch used (one query)."""
    if writer.device_id is not None:  # a device's own channels: few, all of them
        rows = reading_store.device_channel_rows(writer.device_id)
    else:
        ids = [r for r in refs if isinstance(r, int)]
        codes = {r.split("/", 1)[0] for r in refs if isinstance(r, str)}
        if not ids and not codes:
            return {}
        wanted = Q(pk__in=ids) if ids else Q(pk__in=[])
        if codes:
            wanted |= Q(device__code__in=codes)
        rows = list(Channel.objects.writable_by(writer.user).filter(wanted)  # type: ignore[attr-defined]
                    .annotate(version=Cast("updated_at", CharField()),
                              device_version=Cast("device__updated_at", CharField())).values_list(*_REF_FIELDS))
    found: dict[int | str, ChannelRef] = {}
    for pk, device_id, metric, updated_at, code, device_updated_at, streams in rows:
        ref = ChannelRef(pk, device_id, f"{code}/{metric}", (updated_at, device_updated_at), bool(streams))
        found[pk] = found[ref.reference] = ref
    return found


@transaction.atomic
def ingest(items: Sequence[Any], *, writer: Writer, now: datetime | None = None) -> list[ReadingResult]:
    """Store and evaluate a batch; one result per item, in the batch's order.

    A constant number of queries per batch: the writer's channels, one insert per 1 000 new readings
    (which also tells the duplicates), then the evaluation's bulk reads and writes.
    """
    latest = (now or timezone.now()) + FUTURE_TOLERANCE
    results: list[ReadingResult | None] = [None] * len(items)
    valid: list[_Valid] = []
    times: dict[Any, datetime | str] = {}
    for index, item in enumerate(items):
        checked = _check(index, item, latest, times)
        if isinstance(checked, str):
            results[index] = ReadingResult(index, "rejected", checked)
        else:
            valid.append(checked)

    channels = _resolve({v.ref for v in valid}, writer) if valid else {}
    unknown = "通道不存在或不属于本设备" if writer.device_id is not None else "通道不存在或无权写入"
    refs: dict[int, ChannelRef] = {}
    by_channel: dict[int, dict[datetime, _Valid]] = {}  # by channel id: cheaper to hash than a ChannelRef
    for v in valid:
        channel = channels.get(v.ref)
        if channel is None:
            results[v.index] = ReadingResult(v.index, "rejected", f"{unknown}：{v.ref}", unwritable=True)
            continue
        by_time = by_channel.get(channel.pk)
        if by_time is None:
            by_time = by_channel[channel.pk] = {}
            refs[channel.pk] = channel
        if v.at in by_time:
            results[v.index] = ReadingResult(v.index, "duplicate", "同一批次中重复的读数（通道与时间相同）")
        else:
            by_time[v.at] = v

    stored = reading_store.insert_new([(pk, at, v.value) for pk, by_time in by_channel.items()
                                       for at, v in by_time.items()])
    new: dict[ChannelRef, list[Reading]] = {}
    for pk, by_time in by_channel.items():
        fresh = []
        for at, v in by_time.items():
            if (pk, at) in stored:
                results[v.index] = ReadingResult(v.index, "stored")
                fresh.append(Reading(at, v.value))
            else:
                results[v.index] = ReadingResult(v.index, "duplicate", "该通道此时间的读数已存储")
        if fresh:
            new[refs[pk]] = fresh
    evaluate(new)
    streaming = {ref: readings for ref, readings in new.items() if ref.streams}
    if streaming:
        _publish_latest(streaming)
    return [r for r in results if r is not None]


def _publish_latest(streaming: Mapping[ChannelRef, Sequence[Reading]]) -> None:
    """The newest stored reading of each streaming channel on the event stream (once per batch, after commit)."""
    devices = {d.pk: d for d in Device.objects.filter(pk__in={ref.device_id for ref in streaming})}
    for ref, readings in streaming.items():
        last = max(readings, key=lambda r: r.at)
        events.publish(READING_TOPIC, {"kind": "monitoring.reading", "channel_id": ref.pk, "device_id": ref.device_id,
                                       "reference": ref.reference, "time": last.at.isoformat(),
                                       "value": last.value, "count": len(readings)},
                       scope=facts_of(devices[ref.device_id]))


def refused_as_unwritable(results: Sequence[ReadingResult]) -> str | None:
    """Why the whole batch is refused (HTTP 403): it names only channels the writer may not write (or that
    do not exist: the two are not told apart), so nothing in it could be stored. None otherwise."""
    unwritable = [r.index for r in results if r.unwritable]
    if not unwritable or any(r.status != "rejected" for r in results):
        return None
    shown = "、".join(str(i) for i in unwritable[:10]) + ("…" if len(unwritable) > 10 else "")
    return f"无权写入所提交的通道（或通道不存在）：第 {shown} 条（从 0 起计）；本批未存储任何读数"


def answer(results: Sequence[ReadingResult]) -> dict[str, Any]:
    """The answer to a batch, as the HTTP endpoint and the MQTT results topic give it."""
    counts = {"stored": 0, "duplicate": 0, "rejected": 0}
    for r in results:
        counts[r.status] += 1
    return {**counts, "results": [{"index": r.index, "status": r.status, "reason": r.reason} for r in results]}
