"""Monitoring's part of the per-enterprise safety dashboard: its devices' alarms that are still open."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from yingji.core.safety_facts import SafetyFact, Tone

from .models import Alarm, AlarmStatus


def enterprise_safety_facts(enterprise: Any) -> list[SafetyFact]:
    """Open alarms by status, and the latest few (read-only)."""
    open_alarms = Alarm.objects.filter(channel__device__enterprise=enterprise).exclude(status=AlarmStatus.CLOSED)
    by_status = dict(open_alarms.order_by().values_list("status").annotate(n=Count("pk")))
    total = sum(by_status.values())
    raised = by_status.get(AlarmStatus.RAISED, 0)
    latest = [f"{a.first_at:%m-%d %H:%M} {a.message}" for a in open_alarms.order_by("-first_at")[:5]]
    tone = Tone.DANGER if raised else Tone.WARN if total else Tone.OK
    return [SafetyFact("monitoring.alarms", _("未关闭报警"),
                       _("%(total)s 条（待确认 %(raised)s 条）") % {"total": total, "raised": raised}, tone, latest)]
