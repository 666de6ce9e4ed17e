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
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from django.db import transaction
from django.utils import timezone

from .constants import FUTURE_TOLERANCE, MAX_READINGS_PER_REQUEST
from .evaluation import evaluate
from .models import Channel
from .models import Reading as StoredReading
from .rules import Reading

_LOOKUP_CHUNK = 500


class BodyError(ValueError):
    """The body as a whole cannot be read (422); ``status`` 413 when it holds too many readings."""

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
        raise BodyError(f"{where}不是有效的 JSON（{position}）：{exc}") from None


def parse_body(body: bytes, content_type: str) -> list[Any]:
    """The items of a JSON array body, or of an NDJSON body (one JSON object per line).

    :raises BodyError: malformed JSON (with its position), a body that is not an array, or more than
        MAX_READINGS_PER_REQUEST items (status 413).
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
    index: int
    status: Literal["stored", "duplicate", "rejected"]
    reason: str = ""


@dataclass(slots=True)
class _Valid:
    index: int
    ref: int | str
    at: datetime
    value: float


def _check(index: int, item: Any, latest: datetime) -> _Valid | str:
    """The item's fields, or the reason it is rejected (naming the field)."""
    if not isinstance(item, dict):
        return "读数须为对象 {channel, time, value}"
    missing = [f for f in ("channel", "time", "value") if f not in item]
    if missing:
        return f"缺少字段 {'、'.join(missing)}"
    ref, raw_time, value = item["channel"], item["time"], item["value"]
    if isinstance(ref, bool) or not isinstance(ref, int | str) or (isinstance(ref, str) and "/" not in ref):
        return "channel 须为通道编号或“设备编码/指标”"
    if not isinstance(raw_time, str):
        return "time 须为带时区的 ISO 8601 字符串（如 2026-11-28T08:00:00+08:00），不接受数字时间戳"
    try:
        at = datetime.fromisoformat(raw_time)
    except ValueError:
        return f"time 不是有效的 ISO 8601 时间：{raw_time[:40]}"
    if at.tzinfo is None or at.utcoffset() is None:
        return f"time 缺少时区：{raw_time[:40]}（应如 2026-11-28T08:00:00+08:00）"
    if at > latest:
        return f"读数时间超前：{raw_time[:40]} 晚于服务器时间 {int(FUTURE_TOLERANCE.total_seconds() // 60)} 分钟以上"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "value 须为数字"
    if not math.isfinite(value):
        return f"value 须为有限数值（收到 {value}）"
    return _Valid(index, ref, at.astimezone(UTC), float(value))


def _resolve(refs: set[int | str], writer: Writer) -> dict[int | str, Channel]:
    """The channels the writer may write, by the reference the batch used."""
    ids = [r for r in refs if isinstance(r, int)]
    pairs = [r.split("/", 1) for r in refs if isinstance(r, str)]
    channels = Channel.objects.select_related("device")
    if writer.device_id is not None:
        channels = channels.filter(device_id=writer.device_id)
    else:
        channels = channels.writable_by(writer.user)
    found: dict[int | str, Channel] = {}
    for start in range(0, len(ids), _LOOKUP_CHUNK):
        found.update({c.pk: c for c in channels.filter(pk__in=ids[start : start + _LOOKUP_CHUNK])})
    codes = {code for code, _ in pairs}
    if codes:
        wanted = {(code, metric) for code, metric in pairs}
        for c in channels.filter(device__code__in=codes):
            if (c.device.code, c.metric) in wanted:
                found[c.reference] = c
    return found


def _already_stored(channel_id: int, times: list[datetime]) -> set[datetime]:
    stored: set[datetime] = set()
    for start in range(0, len(times), _LOOKUP_CHUNK):
        chunk = times[start : start + _LOOKUP_CHUNK]
        rows = StoredReading.objects.filter(channel_id=channel_id, time__in=chunk).values_list("time", flat=True)
        stored.update(t.astimezone(UTC) for t in rows)
    return stored


@transaction.atomic
def ingest(items: Sequence[Any], *, writer: Writer, now: datetime | None = None) -> list[ReadingResult]:
    """Store and evaluate a batch; one result per item, in the batch's order."""
    latest = (now or timezone.now()) + FUTURE_TOLERANCE
    results: list[ReadingResult | None] = [None] * len(items)
    valid: list[_Valid] = []
    for index, item in enumerate(items):
        checked = _check(index, item, latest)
        if isinstance(checked, str):
            results[index] = ReadingResult(index, "rejected", checked)
        else:
            valid.append(checked)

    channels = _resolve({v.ref for v in valid}, writer)
    unknown = "通道不存在或不属于本设备" if writer.device_id is not None else "通道不存在或无权写入"
    by_channel: dict[Channel, dict[datetime, _Valid]] = defaultdict(dict)
    for v in valid:
        channel = channels.get(v.ref)
        if channel is None:
            results[v.index] = ReadingResult(v.index, "rejected", f"{unknown}：{v.ref}")
        elif v.at in by_channel[channel]:
            results[v.index] = ReadingResult(v.index, "duplicate", "同一批次中重复的读数（通道与时间相同）")
        else:
            by_channel[channel][v.at] = v

    new: dict[Channel, list[Reading]] = {}
    rows: list[StoredReading] = []
    for channel, by_time in by_channel.items():
        stored = _already_stored(channel.pk, list(by_time))
        fresh = []
        for at, v in by_time.items():
            if at in stored:
                results[v.index] = ReadingResult(v.index, "duplicate", "该通道此时间的读数已存储")
            else:
                results[v.index] = ReadingResult(v.index, "stored")
                fresh.append(Reading(at, v.value))
                rows.append(StoredReading(channel_id=channel.pk, time=at, value=v.value))
        if fresh:
            new[channel] = fresh
    StoredReading.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    evaluate(new)
    return [r for r in results if r is not None]
