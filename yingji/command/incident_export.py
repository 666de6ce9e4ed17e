"""The incidents list as a bureau files it (xlsx / csv through `core.exports`): one row per incident with its
figures, level and whether the 国务院令第493号 reports were made by their deadlines."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from . import incidents
from .models import Incident

HEADERS = ("编号", "事件名称", "事件类型", "行业", "事故等级", "响应级别", "发生时间", "接报时间", "地点", "经度",
           "纬度", "所属乡镇（街道）", "事发企业", "死亡（人）", "重伤（人）", "直接经济损失（元）", "状态", "报告时限",
           "逾期或未报的报告", "伤亡补报期限至", "逾期补报（次）", "演练")


def reporting_verdict(steps: Sequence[incidents.Deadline], now: datetime) -> tuple[str, str]:
    """"按时" when every report was made by its due time; "超时" when one was made late or is overdue; "未到期" while
    some are still within their time and none is late. The second value names the late ones."""
    late = [s.report_to + ("（未报）" if s.done_at is None else "（迟报）") for s in steps
            if (s.done_at or now) > s.due_at]
    if late:
        return "超时", "；".join(late)
    return ("按时" if all(s.done_at is not None for s in steps) else "未到期"), ""


def incident_number(incident: Incident) -> str:
    """The record's number as printed: year of the report and the id (SJ-2026-000123)."""
    return f"SJ-{timezone.localtime(incident.reported_at):%Y}-{incident.pk:06d}"


def rows(found: QuerySet[Incident], now: datetime) -> Iterator[Sequence[Any]]:
    """Export rows; the timeline comes prefetched in chunks (deadlines and revisions are read from it)."""
    for incident in found.prefetch_related("timeline").iterator(chunk_size=200):
        verdict, late = reporting_verdict(incidents.deadlines(incident, now), now)
        window = incidents.casualty_revision(incident, now)
        yield (incident_number(incident), incident.title, incident.get_incident_type_display(),
               incident.get_industry_display() if incident.industry else "", incident.level, incident.response,
               incident.occurred_at, incident.reported_at, incident.address, incident.longitude, incident.latitude,
               incident.admin_area.name if incident.admin_area else "",
               incident.enterprise.name if incident.enterprise else "", incident.deaths, incident.serious_injuries,
               incident.direct_loss_yuan, incident.get_status_display(), verdict, late, window.ends_at,
               window.late_revisions, "是" if incident.is_exercise else "否")
