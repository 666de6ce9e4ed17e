"""Prevention's words for the audit log and the event bus, and the time rules of daily operations."""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class PreventionAudit(StrEnum):
    """Audit actions of the prevention domain (core's create/update/delete cover plain record edits)."""

    MATRIX_SET = "prevention.matrix.set"
    HAZARD_TRANSITION = "prevention.hazard.transition"
    HAZARD_ESCALATED = "prevention.hazard.escalated"
    HAZARD_REPORTED_MAJOR = "prevention.hazard.major_reported"
    ROUND_MISSED = "prevention.round.missed"
    COMMITMENT_SIGNED = "prevention.commitment.signed"
    COMMITMENT_MISSING = "prevention.commitment.missing"
    ORDER_CLOSED = "prevention.order.closed"
    SUBSCRIPTION_STATE = "prevention.subscription.state"


TOPIC_HAZARD: Final = "prevention.hazard"  # every hidden-danger change, escalation and major report
TOPIC_RISK: Final = "prevention.risk"  # risk point created, regraded, deleted
TOPIC_INSPECTION: Final = "prevention.inspection"  # inspection records and missed rounds
TOPIC_COMMITMENT: Final = "prevention.commitment"  # daily commitments signed or missing
TOPIC_SUPERVISION: Final = "prevention.supervision"  # government checks, orders, subscriptions

# 安全承诺: major-hazard enterprises commit each day before this local hour (Asia/Shanghai). The national
# risk-monitoring system asks for a daily commitment; the hour is the county's practice (verify), so it is
# a constant here rather than a rule of a standard.
COMMITMENT_DUE_HOUR: Final = 9
# Shift rounds: three eight-hour shifts starting at these local hours (the common 三班制).
SHIFT_START_HOURS: Final = (0, 8, 16)
# How far back the tick looks for missed rounds and missing commitments (bounded work per run).
LOOKBACK_DAYS: Final = 7
# Photos: JPEG or PNG, at most this many bytes each, at most this many per record.
PHOTO_MAX_BYTES: Final = 10 * 1024 * 1024
PHOTOS_PER_RECORD: Final = 9
