"""Incident level per 国务院令第493号 第三条, and the reporting chain it sets off (pure, no Django).

Levels by deaths / serious injuries (incl. acute industrial poisoning) / direct economic loss::

    特别重大 (I)   ≥ 30    ≥ 100    ≥ ¥100 M
    重大     (II)  10–29   50–99    ¥50–100 M
    较大     (III) 3–9     10–49    ¥10–50 M
    一般     (IV)  below

Any one criterion reaching a level sets it, so the highest level reached by any criterion wins.
Messages returned to users are in Chinese.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from .constants import (
    CASUALTY_REVISION_WITHIN,
    CASUALTY_REVISION_WITHIN_ROAD_OR_FIRE,
    CRITERIA,
    ESCALATION_LADDER,
    ESCALATION_WITHIN,
    INCIDENT_LEVELS,
    REPORTED_UP_TO,
    UNIT_REPORT_WITHIN,
    LevelThreshold,
)

__all__ = [
    "Criterion",
    "IncidentLevel",
    "ReportingStep",
    "casualty_revision_days",
    "casualty_revision_ends",
    "check_figures",
    "classify_incident",
    "reporting_chain",
]


@dataclass(frozen=True)
class Criterion:
    """One criterion that reached the incident's level: the figure, the threshold, and why in Chinese."""

    criterion: str  # "deaths" | "serious_injuries" | "direct_loss_yuan"
    value: float
    threshold: float
    message: str


@dataclass(frozen=True)
class IncidentLevel:
    """The level, the response grade, and the criteria that set it (empty for 一般: nothing reached 较大)."""

    level: str
    response: str
    decided_by: tuple[Criterion, ...]


@dataclass(frozen=True)
class ReportingStep:
    """One report in the chain: who reports to whom, within how long of the previous report."""

    report_from: str
    report_to: str
    within: timedelta


def check_figures(deaths: float, serious_injuries: float, direct_loss_yuan: float) -> dict[str, str]:
    """Problems with the figures, by field, in Chinese; empty when they can be classified."""
    problems: dict[str, str] = {}
    for field, value in (("deaths", deaths), ("serious_injuries", serious_injuries),
                         ("direct_loss_yuan", direct_loss_yuan)):
        label, unit = CRITERIA[field]
        if not math.isfinite(value):
            problems[field] = f"{label}必须是有限的数值"
        elif value < 0:
            problems[field] = f"{label}不能为负数（实际为 {value:g} {unit}）"
    return problems


def _figure(value: float) -> str:
    """30 -> "30", 100000000 -> "100,000,000", 9999999.5 -> "9,999,999.50" (no rounding up to a threshold)."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _reached(threshold: LevelThreshold, figures: dict[str, float]) -> tuple[Criterion, ...]:
    reached = []
    for field, value in figures.items():
        minimum = getattr(threshold, field)
        if value >= minimum:
            label, unit = CRITERIA[field]
            message = f"{label} {_figure(value)} {unit}，达到{threshold.level}事故标准（{minimum:,} {unit}以上）"
            reached.append(Criterion(field, value, minimum, message))
    return tuple(reached)


def classify_incident(deaths: int, serious_injuries: int, direct_loss_yuan: float) -> IncidentLevel:
    """The incident's level: the highest level any one criterion reaches.

    :raises ValueError: a figure is negative or not finite (check_figures names which).
    """
    problems = check_figures(deaths, serious_injuries, direct_loss_yuan)
    if problems:
        raise ValueError("；".join(problems.values()))
    figures = {"deaths": float(deaths), "serious_injuries": float(serious_injuries),
               "direct_loss_yuan": float(direct_loss_yuan)}
    for threshold in INCIDENT_LEVELS[:-1]:
        reached = _reached(threshold, figures)
        if reached:
            return IncidentLevel(threshold.level, threshold.response, reached)
    floor = INCIDENT_LEVELS[-1]
    return IncidentLevel(floor.level, floor.response, ())


def reporting_chain(level: str, *, escalation_within: timedelta = ESCALATION_WITHIN) -> tuple[ReportingStep, ...]:
    """The reports an incident of this level requires, in order (第九至十一条).

    The unit reports to the county regulator within 1 hour; each regulator then escalates one level within
    `escalation_within` (2 hours by default, (verify)) until the level's ceiling (第十条) is reached.

    :raises ValueError: an unknown level.
    """
    if level not in REPORTED_UP_TO:
        raise ValueError(f"未知的事故等级：{level}")
    steps = [ReportingStep("事故发生单位负责人", ESCALATION_LADDER[0], UNIT_REPORT_WITHIN)]
    top = ESCALATION_LADDER.index(REPORTED_UP_TO[level])
    steps += [ReportingStep(ESCALATION_LADDER[i], ESCALATION_LADDER[i + 1], escalation_within) for i in range(top)]
    return tuple(steps)


# 第十三条: road-traffic and fire accidents have the shorter window (incident type values of command.models).
ROAD_OR_FIRE_TYPES = frozenset({"traffic", "fire"})


def casualty_revision_days(incident_type: str) -> int:
    """Days after the accident within which changed casualty figures must be reported (补报, 第十三条)."""
    window = CASUALTY_REVISION_WITHIN_ROAD_OR_FIRE if incident_type in ROAD_OR_FIRE_TYPES else CASUALTY_REVISION_WITHIN
    return window.days


def casualty_revision_ends(incident_type: str, occurred_at: datetime, zone: tzinfo) -> datetime:
    """The end of the 补报 window: 24:00 of the 30th (7th) day after the day of the accident, local time.

    "自事故发生之日起30日内" is counted as the Civil Code counts periods in days (民法典 第二百零一条: the day it
    starts is not counted; 第二百零三条: the last day ends at 24:00). An accident at 10:00 on 1 October has its
    window end at 24:00 on 31 October (7 days: 24:00 on 8 October).

    :raises ValueError: a naive ``occurred_at``.
    """
    if occurred_at.tzinfo is None or occurred_at.utcoffset() is None:
        raise ValueError("事故发生时间须带时区")
    day: date = occurred_at.astimezone(zone).date()
    last_day = day + timedelta(days=casualty_revision_days(incident_type))
    return datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone)
