"""CSV / Excel backfill of one device's readings through the ingestion service, all or nothing.

Columns (Chinese or English headers): 通道/channel — the channel's metric (``combustible_gas``), its
``设备编码/指标`` or its id, all of the named device; 时间/time — ISO 8601 with offset or epoch seconds /
milliseconds (``timestamps.parse_reading_time``); 数值/value — a finite number. Files in UTF-8 (with or
without BOM) or GBK, or .xlsx, as every Yingji import (``core.tabular``).

Pass one validates every row and reports errors by row number in Chinese. Pass two hands the valid rows
to ``ingest.ingest`` in batches of at most 10 000 — the same checks, storage and rule evaluation as the
HTTP endpoint — inside one transaction: a file with errors writes nothing unless only valid rows were
asked for. Readings already stored count as duplicates, so re-running a file stores nothing twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yingji.core import audit, tabular
from yingji.registry.importing import ImportOutcome

from . import ingest
from .constants import FUTURE_TOLERANCE, MAX_READINGS_PER_REQUEST, MonitoringAction
from .models import Channel, Device
from .timestamps import parse_reading_time


@dataclass
class BackfillOutcome(ImportOutcome):
    """An import outcome; ``written`` counts readings stored now, ``duplicate`` those already stored."""

    duplicate: int = 0


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"数值须为数字（收到 {text[:40]}）") from None
    if not math.isfinite(value):
        raise ValueError(f"数值须为有限数值（收到 {text[:40]}）")
    return value


COLUMNS = [
    tabular.Column(header="通道", field="channel", parse=tabular.text(200), required=True, aliases=("指标", "metric"),
                   help="本设备通道的指标（如 combustible_gas）、“设备编码/指标”或通道编号"),
    tabular.Column(header="时间", field="time", parse=parse_reading_time, required=True,
                   help="带时区的 ISO 8601（2026-11-28T08:00:00+08:00）或秒/毫秒时间戳"),
    tabular.Column(header="数值", field="value", parse=_finite, required=True),
]


class _RowChecker:
    """The row's channel belongs to the device, its time is not ahead of the clock, and it is not repeated."""

    def __init__(self, device: Device, now: datetime) -> None:
        self.latest = now + FUTURE_TOLERANCE
        self.channels: dict[str, int] = {}
        for channel in Channel.objects.filter(device=device):
            for key in (channel.metric, f"{device.code}/{channel.metric}", str(channel.pk)):
                self.channels[key] = channel.pk
        self.device = device
        self.seen: set[tuple[int, datetime]] = set()

    def __call__(self, values: dict[str, Any]) -> list[tuple[tabular.Column | str | None, str]]:
        channel = self.channels.get(values["channel"])
        if channel is None:
            return [("channel", f"设备 {self.device.code} 没有通道“{values['channel']}”")]
        at: datetime = values["time"]
        if at > self.latest:
            minutes = int(FUTURE_TOLERANCE.total_seconds() // 60)
            return [("time", f"读数时间超前：晚于服务器时间 {minutes} 分钟以上")]
        if (channel, at) in self.seen:
            return [("time", "与前面某行的通道和时间相同（文件中重复的读数）")]
        self.seen.add((channel, at))
        values["channel_id"] = channel
        return []


def backfill(upload: BinaryIO, filename: str, device: Device, *, actor: Any, dry_run: bool = True,
             valid_rows_only: bool = False, sheet: str | None = None) -> BackfillOutcome:
    """Validate a file of readings for ``device`` and, unless a dry run, store them through ingestion.

    The caller has checked that the actor may write the device's readings.
    """
    outcome = BackfillOutcome(dry_run=dry_run)
    checker = _RowChecker(device, timezone.now())
    valid: list[tuple[int, datetime, float]] = []
    try:
        with tabular.read_rows(upload, filename, sheet=sheet, max_bytes=settings.YINGJI_IMPORT_MAX_BYTES) as reader:
            report = tabular.validate_table(
                reader, COLUMNS, row_validator=checker, keep_rows=False,
                on_valid_row=lambda _n, v: valid.append((v["channel_id"], v["time"], v["value"])),
            )
    except tabular.TabularError as exc:
        outcome.unreadable(exc)
        return outcome
    if not outcome.checked(report, write=not dry_run, valid_rows_only=valid_rows_only):
        return outcome
    try:
        outcome.written, outcome.duplicate = _store(valid, device, filename, actor=actor)
    except _Refused as exc:
        outcome.error_count += 1
        outcome.errors.append({"row": None, "column": None, "value": None, "reason": str(exc)})
        outcome.message = f"{exc}；未写入任何数据。"
        return outcome
    outcome.message = (f"{report.summary()}。新存储 {outcome.written} 条读数，"
                       f"{outcome.duplicate} 条此前已存储（未重复写入）。")
    return outcome


class _Refused(Exception):
    """Ingestion refused a reading validated in pass one (the clock moved on, the channel was removed)."""


@transaction.atomic
def _store(rows: list[tuple[int, datetime, float]], device: Device, filename: str, *, actor: Any) -> tuple[int, int]:
    """Hand the rows to ingestion in batches; one transaction, one audit event. Returns (stored, duplicate)."""
    writer = ingest.Writer(device_id=device.pk)
    stored = duplicate = 0
    for start in range(0, len(rows), MAX_READINGS_PER_REQUEST):
        chunk = rows[start : start + MAX_READINGS_PER_REQUEST]
        items = [{"channel": c, "time": t.isoformat(), "value": v} for c, t, v in chunk]
        for result in ingest.ingest(items, writer=writer):
            if result.status == "rejected":  # validated above; a change since (e.g. the clock) aborts the whole file
                raise _Refused(f"第 {start + result.index + 1} 条有效读数未能存储：{result.reason}")
            stored += result.status == "stored"
            duplicate += result.status == "duplicate"
    audit.record(MonitoringAction.READINGS_BACKFILLED, actor=actor, object_type="monitoring.device",
                 object_id=device.pk, object_repr=f"补录读数 {stored} 条（{filename}）",
                 after={"file": filename, "stored": stored, "duplicate": duplicate})
    return stored, duplicate
