"""Monitoring limits and the audit verbs of the alarm lifecycle."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from django.db import models

# Issue 3 item 2: a batch endpoint takes up to 10 000 readings per request.
MAX_READINGS_PER_REQUEST: Final[int] = 10_000
# A reading stamped further ahead than this is refused: the device clock is wrong (issue 3 item 2).
FUTURE_TOLERANCE: Final[timedelta] = timedelta(minutes=5)
# A chart never needs more points than this (issue 3 item 3); longer ranges are bucket-averaged.
SERIES_MAX_POINTS: Final[int] = 2_000

# Retention keeps an open alarm's raw readings from this long before it first fired: the run-up to it
# (Yingji default; the rules' longest window, a 5-minute rate of change, fits many times over).
ALARM_CONTEXT: Final[timedelta] = timedelta(hours=1)
# Rows per retention delete: each chunk is one short transaction, so ingestion waits at most for one.
RETENTION_CHUNK: Final[int] = 5_000
# The series API reads rollups of at most this many rows and merges them into ≤ SERIES_MAX_POINTS buckets.
SERIES_ROLLUP_SCAN: Final[int] = 20_000

DEVICE_TOKEN_PREFIX: Final[str] = "yjd_"


class MonitoringAction(models.TextChoices):
    """Audit verbs of the monitoring domain (prefixed, as core's AuditAction asks of domain apps)."""

    DEVICE_CREATED = "monitoring.device.create", "新增设备"
    CHANNEL_CREATED = "monitoring.channel.create", "新增通道"
    CREDENTIAL_ISSUED = "monitoring.credential.issue", "签发设备令牌"
    CREDENTIAL_REVOKED = "monitoring.credential.revoke", "吊销设备令牌"
    DEVICE_UPDATED = "monitoring.device.update", "修改设备"
    DEVICE_RETIRED = "monitoring.device.retire", "停用设备"
    DEVICES_IMPORTED = "monitoring.device.import", "导入设备和通道"
    READINGS_BACKFILLED = "monitoring.readings.backfill", "补录读数"
    ALARM_RAISED = "monitoring.alarm.raise", "报警产生"
    ALARM_ESCALATED = "monitoring.alarm.escalate", "报警升级"
    ALARM_DEESCALATED = "monitoring.alarm.deescalate", "报警降级"
    ALARM_RECOVERED = "monitoring.alarm.recover", "报警恢复"
    ALARM_ACKNOWLEDGED = "monitoring.alarm.acknowledge", "报警确认"
    ALARM_CLOSED = "monitoring.alarm.close", "报警关闭"

# A dead letter keeps at most this much of the payload (the rest is counted in payload_size).
DEAD_LETTER_PAYLOAD_LIMIT: Final[int] = 256 * 1024
