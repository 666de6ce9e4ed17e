"""`yingji prevention_tick`: the periodic step — overdue hidden dangers, missed rounds, missing commitments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from . import dangers, inspections, operations, supervision


@dataclass(frozen=True)
class TickResult:
    escalated: int
    missed_rounds: int
    missing_commitments: int
    suspended: int


def tick(now: dt.datetime | None = None) -> TickResult:
    """Run every periodic check once; each is idempotent, so running twice flags nothing twice."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    return TickResult(
        escalated=dangers.escalate_overdue(day),
        missed_rounds=inspections.flag_missed_rounds(now),
        missing_commitments=operations.flag_missing_commitments(now),
        suspended=supervision.suspend_lapsed(day),
    )
