"""GB 30871-2022 special-work rules as pure functions (no Django): levels, validity, approvals, gas analysis.

Every check answers with Chinese :class:`Problem` messages naming the field and why, so the services, the
stateless rule-check endpoint and the form show the same words. Times must be timezone-aware; calendar and
night rules are read in Asia/Shanghai.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from . import constants as c
from .constants import ApproverRole, WorkType

_TZ = ZoneInfo(c.TIME_ZONE)


@dataclass(frozen=True)
class Problem:
    """One rule a plan or a step breaks: the field it concerns and a Chinese message."""

    field: str
    message: str


# --- names ----------------------------------------------------------------------------------------------
def work_type_of(value: str) -> WorkType:
    """:raises ValueError: (Chinese) not one of the eight types."""
    try:
        return WorkType(value)
    except ValueError:
        raise ValueError(f"作业类型“{value}”不是 GB 30871-2022 的八类特殊作业之一") from None


def level_label(work_type: WorkType, level: str) -> str:
    return c.LEVEL_LABELS.get((work_type, level), "")


def title(work_type: WorkType, level: str) -> str:
    """"动火作业（一级）", "受限空间作业"."""
    label = level_label(work_type, level)
    return f"{c.WORK_TYPE_LABELS[work_type]}（{label}）" if label else c.WORK_TYPE_LABELS[work_type]


def duration_text(span: timedelta, *, day: str = "天", hour: str = "小时") -> str:
    """"8 小时", "15 天"; pages pass the units in the reader's language (this module cannot call gettext)."""
    hours = span.total_seconds() / 3600
    return f"{hours / 24:g} {day}" if hours > 72 and hours % 24 == 0 else f"{hours:g} {hour}"


# --- levels from the standard's bands -------------------------------------------------------------------
def height_level(height_m: float) -> str:
    """§8: Ⅰ 2–5 m, Ⅱ 5–15 m, Ⅲ 15–30 m, Ⅳ above 30 m (the upper figure belongs to the lower level).

    :raises ValueError: below 2 m (not height work) or not a finite number.
    """
    if not math.isfinite(height_m) or height_m < c.HEIGHT_MIN_M:
        raise ValueError(f"作业高度 {height_m} m 低于 {c.HEIGHT_MIN_M:g} m，不属于高处作业")
    return next((level for top, level in c.HEIGHT_BANDS_M if height_m <= top), "IV")


def lifting_level(mass_t: float) -> str:
    """§9: 一级 above 100 t, 二级 40–100 t, 三级 below 40 t."""
    if not math.isfinite(mass_t) or mass_t <= 0:
        raise ValueError(f"吊物质量 {mass_t} t 必须为正数")
    if mass_t > c.LIFTING_LEVEL_1_ABOVE_T:
        return "1"
    return "3" if mass_t < c.LIFTING_LEVEL_3_BELOW_T else "2"


def beaufort(speed_ms: float) -> int:
    """Beaufort force of a wind speed (GB/T 28591-2012 bands)."""
    if not math.isfinite(speed_ms) or speed_ms < 0:
        raise ValueError(f"风速 {speed_ms} m/s 无效")
    return max(i for i, low in enumerate(c.BEAUFORT_LOWER_MS) if speed_ms >= low)


# --- calendar --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HolidayCalendar:
    """Public holidays and make-up working days; Saturdays and Sundays are rest days unless made up."""

    holidays: frozenset[date] = c.HOLIDAYS_2026
    workdays: frozenset[date] = c.MAKEUP_WORKDAYS_2026

    def is_rest_day(self, day: date) -> bool:
        if day in self.holidays:
            return True
        return day.weekday() >= 5 and day not in self.workdays


DEFAULT_CALENDAR = HolidayCalendar()


def local(at: datetime) -> datetime:
    """The time in Asia/Shanghai. :raises ValueError: a naive datetime."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"时间必须带时区（收到 {at.isoformat()}）")
    return at.astimezone(_TZ)


def is_night(at: datetime) -> bool:
    t = local(at).time()
    return t >= c.NIGHT_START or t < c.NIGHT_END


def raise_reasons(start: datetime, end: datetime, calendar: HolidayCalendar = DEFAULT_CALENDAR) -> list[str]:
    """Why hot work in [start, end) is one level higher: the rest days and nights it touches."""
    start_l, end_l = local(start), local(end)
    reasons: list[str] = []
    day = start_l.date()
    while day <= end_l.date():  # the first rest day is reason enough
        if calendar.is_rest_day(day):
            kind = "法定节假日" if day in calendar.holidays else "休息日"
            reasons.append(f"{day.isoformat()} 为{kind}")
            break
        day += timedelta(days=1)
    if _touches_night(start_l, end_l):
        reasons.append(f"作业时段含夜间（{c.NIGHT_START:%H:%M}–{c.NIGHT_END:%H:%M}）")
    return reasons


def _touches_night(start: datetime, end: datetime) -> bool:
    if is_night(start):
        return True
    # the first night boundary after a day-time start
    night = start.replace(hour=c.NIGHT_START.hour, minute=c.NIGHT_START.minute, second=0, microsecond=0)
    return end > night


def effective_level(work_type: WorkType, level: str, start: datetime, end: datetime,
                    calendar: HolidayCalendar = DEFAULT_CALENDAR) -> tuple[str, list[str]]:
    """The level a permit is handled at: hot work one level up on holidays, rest days and at night (§5)."""
    if work_type is not WorkType.HOT_WORK:
        return level, []
    reasons = raise_reasons(start, end, calendar)
    if not reasons:
        return level, []
    raised = c.HOT_WORK_RAISED[level]
    note = "已为特级，不再升级" if raised == level else f"升为{level_label(work_type, raised)}"
    return raised, [*reasons, f"按 {c.STANDARD} 第5章 节假日、休息日、夜间动火升级管理：{note}"]


def validity(work_type: WorkType, level: str) -> timedelta:
    return c.VALIDITY[(work_type, level)]


def required_approvals(work_type: WorkType, level: str) -> tuple[ApproverRole, ...]:
    return c.APPROVALS[(work_type, level)]


def checklist(work_type: WorkType) -> tuple[tuple[str, str], ...]:
    """The safety measures to confirm for a type: the common ones, then the type's own."""
    return c.COMMON_MEASURES + c.MEASURES[work_type]


# --- a plan -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Worker:
    name: str
    certificate_no: str = ""


@dataclass(frozen=True)
class Plan:
    """What an applicant proposes; checked before saving a draft and, fully, before submitting."""

    work_type: str
    level: str
    planned_start: datetime
    planned_end: datetime
    is_outdoor: bool = False
    wind_speed_ms: float | None = None
    guardian: str = ""
    workers: Sequence[Worker] = ()
    checklist: Mapping[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanCheck:
    """The level the permit is handled at and why, its validity, its approvers in order, and every problem."""

    level: str
    level_reasons: list[str]
    validity: timedelta | None
    approvals: tuple[ApproverRole, ...]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_plan(plan: Plan, calendar: HolidayCalendar = DEFAULT_CALENDAR, *, complete: bool) -> PlanCheck:
    """Every rule a plan breaks. ``complete`` adds what submitting needs (guardian, workers, checklist)."""
    try:
        work_type = work_type_of(plan.work_type)
    except ValueError as exc:
        return PlanCheck(plan.level, [], None, (), [Problem("work_type", str(exc))])
    levels = c.LEVELS[work_type]
    if plan.level not in levels:
        allowed = "、".join(level_label(work_type, lv) or lv for lv in levels)
        problem = Problem("level", f"{c.WORK_TYPE_LABELS[work_type]}的级别只能是：{allowed}")
        return PlanCheck(plan.level, [], None, (), [problem])
    problems = _time_problems(plan)
    if problems:
        return PlanCheck(plan.level, [], None, required_approvals(work_type, plan.level), problems)
    level, reasons = effective_level(work_type, plan.level, plan.planned_start, plan.planned_end, calendar)
    limit = validity(work_type, level)
    if plan.planned_end - plan.planned_start > limit:
        problems.append(Problem("planned_end", f"{title(work_type, level)}的作业票有效期不得超过 "
                                f"{duration_text(limit)}"
                                f"（{c.WORK_TYPE_CHAPTER[work_type]}），计划时长为 "
                                f"{duration_text(plan.planned_end - plan.planned_start)}"))
    problems += _wind_problems(work_type, plan, complete=complete)
    if complete:
        problems += _people_problems(work_type, plan) + _checklist_problems(work_type, plan.checklist)
    return PlanCheck(level, reasons, limit, required_approvals(work_type, level), problems)


def _time_problems(plan: Plan) -> list[Problem]:
    problems = []
    for name, value in (("planned_start", plan.planned_start), ("planned_end", plan.planned_end)):
        if value.tzinfo is None or value.utcoffset() is None:
            problems.append(Problem(name, "时间必须带时区（如 2026-11-28T08:00:00+08:00）"))
    if not problems and plan.planned_end <= plan.planned_start:
        problems.append(Problem("planned_end", "计划结束时间必须晚于计划开始时间（时间顺序颠倒）"))
    return problems


def _wind_problems(work_type: WorkType, plan: Plan, *, complete: bool) -> list[Problem]:
    if work_type is not WorkType.HOT_WORK or not plan.is_outdoor:
        return []
    if plan.wind_speed_ms is None:
        return [Problem("wind_speed_ms", "室外动火须填写现场风速（m/s）")] if complete else []
    try:
        force = beaufort(plan.wind_speed_ms)
    except ValueError as exc:
        return [Problem("wind_speed_ms", str(exc))]
    if force > c.OUTDOOR_HOT_WORK_MAX_FORCE:
        return [Problem("wind_speed_ms", f"风速 {plan.wind_speed_ms:g} m/s 为 {force} 级风，五级及以上风力禁止室外动火"
                        f"（{c.WORK_TYPE_CHAPTER[work_type]}）")]
    return []


def _people_problems(work_type: WorkType, plan: Plan) -> list[Problem]:
    problems = []
    if not plan.guardian.strip():
        problems.append(Problem("guardian", "须指定监护人（第4章：每处作业应有专人监护）"))
    if not plan.workers:
        problems.append(Problem("workers", "须填写作业人员"))
    rule = c.CERTIFICATES.get(work_type)
    for i, worker in enumerate(plan.workers):
        if not worker.name.strip():
            problems.append(Problem(f"workers.{i}.name", f"第 {i + 1} 名作业人员缺少姓名"))
        if rule is not None and not worker.certificate_no.strip():
            problems.append(Problem(f"workers.{i}.certificate_no",
                                    f"作业人员“{worker.name}”须持{rule.label}，请填写证书编号"))
    return problems


def _checklist_problems(work_type: WorkType, answers: Mapping[str, bool]) -> list[Problem]:
    known = dict(checklist(work_type))
    problems = [Problem(f"checklist.{code}", f"未知的安全措施项“{code}”") for code in answers if code not in known]
    problems += [Problem(f"checklist.{code}", f"安全措施未确认：{text}")
                 for code, text in known.items() if answers.get(code) is not True]
    return problems


# --- approvals ------------------------------------------------------------------------------------------
def approval_problem(required: Sequence[ApproverRole], signed: Sequence[ApproverRole],
                     role: ApproverRole) -> str | None:
    """Why ``role`` may not sign now, or None: it must be required and the next in order."""
    if role not in required:
        names = "→".join(c.APPROVER_LABELS[r] for r in required)
        return f"此作业票不需要“{c.APPROVER_LABELS[role]}”审批（审批顺序：{names}）"
    if role in signed:
        return f"“{c.APPROVER_LABELS[role]}”已审批过此作业票"
    expected = required[len(signed)]
    if role != expected:
        return f"审批顺序不对：应先由“{c.APPROVER_LABELS[expected]}”审批，再由“{c.APPROVER_LABELS[role]}”审批"
    return None


# --- gas analysis -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ToxicReading:
    name: str
    value_mg_m3: float
    oel_mg_m3: float | None = None  # None: the table's OEL for the name


@dataclass(frozen=True)
class GasSample:
    """One analysis: combustible % vol with its LEL, oxygen % vol, toxic substances in mg/m³."""

    combustible_vol_pct: float | None = None
    lel_vol_pct: float | None = None
    oxygen_vol_pct: float | None = None
    oxygen_enriched: bool = False  # oxygen-handling equipment / an oxygen-enriched space
    toxic: Sequence[ToxicReading] = ()


@dataclass(frozen=True)
class GasResult:
    """Pass or fail, with each criterion applied (``checks``) and each one failed (``failures``)."""

    passed: bool
    checks: list[str]
    failures: list[Problem]


def needs_gas_analysis(work_type: WorkType) -> bool:
    return work_type in c.GAS_ANALYSIS_TYPES


def evaluate_gas(work_type: WorkType, sample: GasSample) -> GasResult:
    """Apply DOMAIN §4's pass limits: combustibles by LEL (0.5 / 0.2 % vol), oxygen, toxic ≤ OEL."""
    checks: list[str] = []
    failures: list[Problem] = []
    needs_combustible = work_type is WorkType.HOT_WORK
    if sample.combustible_vol_pct is not None or needs_combustible:
        _combustible(sample, checks, failures)
    if work_type is WorkType.CONFINED_SPACE or sample.oxygen_vol_pct is not None or sample.oxygen_enriched:
        _oxygen(work_type, sample, checks, failures)
    for i, reading in enumerate(sample.toxic):
        _toxic(i, reading, checks, failures)
    return GasResult(not failures, checks, failures)


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and value >= 0


def _combustible(sample: GasSample, checks: list[str], failures: list[Problem]) -> None:
    if not _finite(sample.combustible_vol_pct):
        failures.append(Problem("combustible_vol_pct", "须填写可燃气体浓度（% vol）"))
        return
    if not _finite(sample.lel_vol_pct) or not sample.lel_vol_pct:
        failures.append(Problem("lel_vol_pct", "须填写被测可燃物的爆炸下限 LEL（% vol）"))
        return
    assert sample.combustible_vol_pct is not None and sample.lel_vol_pct is not None
    limit = c.COMBUSTIBLE_MAX_HIGH_LEL if sample.lel_vol_pct >= c.LEL_SPLIT_VOL_PCT else c.COMBUSTIBLE_MAX_LOW_LEL
    band = "≥" if sample.lel_vol_pct >= c.LEL_SPLIT_VOL_PCT else "<"
    rule = f"爆炸下限 {sample.lel_vol_pct:g}% {band} {c.LEL_SPLIT_VOL_PCT:g}%，可燃气体浓度应 ≤ {limit:g}% vol"
    checks.append(rule)
    if sample.combustible_vol_pct > limit:
        failures.append(Problem("combustible_vol_pct",
                                f"可燃气体浓度 {sample.combustible_vol_pct:g}% vol 不合格：{rule}"))


def _oxygen(work_type: WorkType, sample: GasSample, checks: list[str], failures: list[Problem]) -> None:
    o2 = sample.oxygen_vol_pct
    if not _finite(o2):
        failures.append(Problem("oxygen_vol_pct", "须填写氧气浓度（% vol）"))
        return
    assert o2 is not None
    if work_type is WorkType.CONFINED_SPACE:
        high = c.OXYGEN_ENRICHED_MAX_VOL_PCT if sample.oxygen_enriched else c.OXYGEN_MAX_VOL_PCT
        rule = f"氧气浓度应为 {c.OXYGEN_MIN_VOL_PCT:g}%–{high:g}% vol"
        ok = c.OXYGEN_MIN_VOL_PCT <= o2 <= high
    else:
        rule = f"富氧设备动火，氧气浓度应 ≤ {c.OXYGEN_EQUIPMENT_MAX_VOL_PCT:g}% vol"
        ok = o2 <= c.OXYGEN_EQUIPMENT_MAX_VOL_PCT
    checks.append(rule)
    if not ok:
        failures.append(Problem("oxygen_vol_pct", f"氧气浓度 {o2:g}% vol 不合格：{rule}"))


def _toxic(i: int, reading: ToxicReading, checks: list[str], failures: list[Problem]) -> None:
    oel = reading.oel_mg_m3 if reading.oel_mg_m3 is not None else c.TOXIC_OEL_MG_M3.get(reading.name)
    if oel is None or not _finite(oel) or not oel:
        failures.append(Problem(f"toxic.{i}.oel_mg_m3",
                                f"“{reading.name}”不在常用职业接触限值表中，须填写其 OEL（mg/m³）"))
        return
    if not _finite(reading.value_mg_m3):
        failures.append(Problem(f"toxic.{i}.value_mg_m3", f"“{reading.name}”的浓度须为非负数"))
        return
    rule = f"{reading.name} 应 ≤ 职业接触限值 {oel:g} mg/m³"
    checks.append(rule)
    if reading.value_mg_m3 > oel:
        failures.append(Problem(f"toxic.{i}.value_mg_m3",
                                f"{reading.name} {reading.value_mg_m3:g} mg/m³ 不合格：{rule}"))


def analysis_time_problem(sampled_at: datetime, now: datetime) -> str | None:
    """A gas analysis cannot be recorded for a time still to come."""
    if local(sampled_at) > local(now):
        return f"分析时间 {local(sampled_at):%Y-%m-%d %H:%M} 晚于当前时间，不能登记未来的分析"
    return None


def start_problem(work_type: WorkType, last_pass_at: datetime | None, now: datetime) -> str | None:
    """Work may start only after a passing analysis sampled ≤ 30 minutes before (§5, §6)."""
    if not needs_gas_analysis(work_type):
        return None
    limit = int(c.GAS_SAMPLE_MAX_AGE.total_seconds() // 60)
    if last_pass_at is None:
        return f"{c.WORK_TYPE_LABELS[work_type]}开始前须有合格的气体分析（{limit} 分钟内）"
    age = now - last_pass_at
    if age > c.GAS_SAMPLE_MAX_AGE:
        return (f"最近一次合格气体分析在 {int(age.total_seconds() // 60)} 分钟前，超过 {limit} 分钟，"
                "须重新分析后才能开始作业")
    return None


def resume_problem(work_type: WorkType, level: str, suspended_at: datetime, last_pass_at: datetime | None,
                   now: datetime) -> str | None:
    """After a stop longer than the type's limit work resumes only on a fresh passing analysis (§5, §6)."""
    limit = c.REANALYSIS_AFTER_STOP.get((work_type, level))
    if limit is None or now - suspended_at <= limit:
        return None
    fresh = last_pass_at if last_pass_at is not None and last_pass_at >= suspended_at else None
    if fresh is None:
        return (f"作业中断超过 {int(limit.total_seconds() // 60)} 分钟，须重新进行气体分析且合格后才能恢复作业"
                f"（{c.WORK_TYPE_CHAPTER[work_type]}）")
    return start_problem(work_type, fresh, now)


def analysis_overdue(work_type: WorkType, last_pass_at: datetime | None, now: datetime) -> str | None:
    """During work the analysis must stay current: confined space records a passing reading at least every
    2 h of continuous detection (§6); hot work is re-analysed every day before work (§5). None when current."""
    chapter = c.WORK_TYPE_CHAPTER[work_type]
    if work_type is WorkType.CONFINED_SPACE and (last_pass_at is None
                                                  or now - last_pass_at > c.CONFINED_READING_INTERVAL):
        since = "没有合格记录" if last_pass_at is None else \
            f"最近一次合格记录在 {int((now - last_pass_at).total_seconds() // 60)} 分钟前"
        return f"受限空间作业须连续检测并每 2 小时记录一次：{since}（{chapter}）"
    if work_type is WorkType.HOT_WORK and (last_pass_at is None or local(last_pass_at).date() < local(now).date()):
        return f"动火作业每日作业前须重新进行气体分析：今天尚无合格分析（{chapter}）"
    return None


def renewal_problem(work_type: WorkType, level: str, planned_start: datetime, current_end: datetime,
                    new_end: datetime) -> str | None:
    """Only temporary power is renewed (延期): each time by at most its validity, never beyond 30 days (§10)."""
    if work_type is not WorkType.TEMPORARY_POWER:
        return f"{c.WORK_TYPE_LABELS[work_type]}不能延期：超过有效期须重新办理作业票"
    if timezone_naive(new_end):
        return "延期后的结束时间须带时区"
    if new_end <= current_end:
        return f"延期后的结束时间须晚于当前结束时间 {local(current_end):%m-%d %H:%M}"
    step = validity(work_type, level)
    if new_end - current_end > step:
        return f"每次延期不超过 {duration_text(step)}"
    if new_end - planned_start > c.TEMPORARY_POWER_ABSOLUTE_MAX:
        total = duration_text(c.TEMPORARY_POWER_ABSOLUTE_MAX)
        return f"临时用电作业票含延期总计不超过 {total}（{c.WORK_TYPE_CHAPTER[work_type]}）"
    return None


def timezone_naive(moment: datetime) -> bool:
    return moment.tzinfo is None or moment.utcoffset() is None


def is_expired(planned_end: datetime, now: datetime) -> bool:
    """A permit is valid until its planned end, which `check_plan` keeps within the type's validity."""
    return now > planned_end
