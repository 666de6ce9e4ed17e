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

# Minutes an alarm may wait for acknowledgement before it is escalated to the supervising department
# (issue 3 item 5). DOMAIN §6 says the national closed loop has time limits but fixes no figures to cite:
# these are Yingji's choice, overridable per level in AlarmTimeLimit. A second alarm (HH/LL) is the more
# urgent, so it gets the shorter limit; device faults threaten no one directly, so they get an hour.
ACKNOWLEDGE_MINUTES: Final[dict[str, int]] = {
    "HH": 15, "LL": 15,  # 二级报警 — Yingji default
    "H": 30, "L": 30,  # 一级报警 — Yingji default
    "OFFLINE": 60, "STUCK": 60, "FAULT": 60,  # 设备离线 / 卡滞 / 故障 — Yingji default
}
# Site photos on an alarm's handling record (issue 3 item 5): JPEG, PNG or WebP, checked by their first bytes.
PHOTO_MAX_BYTES: Final[int] = 5 * 1024 * 1024
PHOTOS_PER_NOTE: Final[int] = 6
PHOTO_SIGNATURES: Final[tuple[tuple[bytes, int, str, str], ...]] = (
    # (magic bytes, their offset, content type, file extension)
    (b"\xff\xd8\xff", 0, "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", "png"),
    (b"WEBP", 8, "image/webp", "webp"),  # after "RIFF" and the chunk size
)


class MonitoringAction(models.TextChoices):
    """Audit verbs of the monitoring domain (prefixed, as core's AuditAction asks of domain apps)."""

    DEVICE_CREATED = "monitoring.device.create", "新增设备"
    CHANNEL_CREATED = "monitoring.channel.create", "新增通道"
    CHANNEL_UPDATED = "monitoring.channel.update", "修改通道"
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
    ALARM_ASSIGNED = "monitoring.alarm.assign", "报警指派"
    ALARM_NOTED = "monitoring.alarm.note", "报警处置记录"
    ALARM_OVERDUE = "monitoring.alarm.overdue", "报警超时上报"
    TIME_LIMIT_SET = "monitoring.timelimit.set", "设置报警确认时限"
    CHANNEL_RULE_ADDED = "monitoring.channelrule.create", "新增通道规则"
    CHANNEL_RULE_CHANGED = "monitoring.channelrule.update", "修改通道规则"
    CHANNEL_RULE_REMOVED = "monitoring.channelrule.delete", "删除通道规则"

# A dead letter keeps at most this much of the payload (the rest is counted in payload_size).
DEAD_LETTER_PAYLOAD_LIMIT: Final[int] = 256 * 1024
