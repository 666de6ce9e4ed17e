"""GB 30871-2022 rules (DOMAIN §4), one table per rule: the case and the expected outcome."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.worksafety import rules
from yingji.worksafety.constants import ApproverRole, WorkType
from yingji.worksafety.rules import GasSample, Plan, ToxicReading, Worker

SH = ZoneInfo("Asia/Shanghai")
G, S, P, L = ApproverRole.GRASSROOTS, ApproverRole.SAFETY_DEPT, ApproverRole.SPECIALIST, ApproverRole.PLANT_LEADER
# Thursday 2026-11-26 is an ordinary working day; 2026-11-28 is a Saturday.
WORKDAY = datetime(2026, 11, 26, 9, 0, tzinfo=SH)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SH)


def plan(work_type: str = "hot_work", level: str = "2", start: datetime = WORKDAY, hours: float = 4,
         **extra: object) -> Plan:
    return Plan(work_type, level, start, start + timedelta(hours=hours), **extra)  # type: ignore[arg-type]


# --- validity (§5, §6, §8, §10) -------------------------------------------------------------------------
@pytest.mark.parametrize(("work_type", "level", "hours", "ok"), [
    ("hot_work", "special", 8, True), ("hot_work", "special", 8.5, False),
    ("hot_work", "1", 8, True), ("hot_work", "1", 9, False),
    ("hot_work", "2", 12, False),  # 12 h from 09:00 reaches 21:00 — still day, but 二级 allows 72 h …
    ("confined_space", "single", 24, True), ("confined_space", "single", 25, False),
    ("height", "II", 7 * 24, True), ("height", "II", 7 * 24 + 1, False),
    ("temporary_power", "single", 15 * 24, True), ("temporary_power", "single", 16 * 24, False),
])
def test_validity_limits(work_type: str, level: str, hours: float, ok: bool) -> None:
    if (work_type, level, hours) == ("hot_work", "2", 12):
        # … a 12 h 二级 permit ending 21:00 is fine; 13 h reaches 22:00 (night) and becomes 一级 with 8 h.
        assert rules.check_plan(plan(hours=12), complete=False).ok
        result = rules.check_plan(plan(hours=13.5), complete=False)
        assert result.level == "1" and [p.field for p in result.problems] == ["planned_end"]
        assert "不得超过 8 小时" in result.problems[0].message
        return
    start = at(date(2026, 11, 24), 6) if work_type == "hot_work" else WORKDAY  # keep hot work inside the day
    result = rules.check_plan(plan(work_type, level, start=start, hours=hours), complete=False)
    assert result.ok is ok, result.problems


def test_reversed_times_are_refused() -> None:
    result = rules.check_plan(Plan("hot_work", "2", WORKDAY, WORKDAY - timedelta(hours=1)), complete=False)
    assert [(p.field, p.message) for p in result.problems] == [
        ("planned_end", "计划结束时间必须晚于计划开始时间（时间顺序颠倒）")]


def test_naive_times_are_refused() -> None:
    naive = datetime(2026, 11, 26, 9)
    result = rules.check_plan(Plan("hot_work", "2", naive, naive + timedelta(hours=1)), complete=False)
    assert {p.field for p in result.problems} == {"planned_start", "planned_end"}


@pytest.mark.parametrize(("work_type", "level", "field"), [
    ("welding", "1", "work_type"), ("hot_work", "3", "level"), ("height", "V", "level"), ("blinding", "1", "level"),
])
def test_unknown_type_or_level(work_type: str, level: str, field: str) -> None:
    assert [p.field for p in rules.check_plan(plan(work_type, level), complete=False).problems] == [field]


# --- levels from bands (§8, §9) ----------------------------------------------------------------------------
@pytest.mark.parametrize(("height", "level"), [(2, "I"), (5, "I"), (5.1, "II"), (15, "II"), (15.5, "III"),
                                               (30, "III"), (30.01, "IV"), (120, "IV")])
def test_height_levels(height: float, level: str) -> None:
    assert rules.height_level(height) == level


def test_below_two_metres_is_not_height_work() -> None:
    with pytest.raises(ValueError, match="不属于高处作业"):
        rules.height_level(1.9)


@pytest.mark.parametrize(("mass", "level"), [(39.9, "3"), (40, "2"), (100, "2"), (100.1, "1")])
def test_lifting_levels(mass: float, level: str) -> None:
    assert rules.lifting_level(mass) == level


# --- hot work raised on holidays, rest days and at night (§5) ----------------------------------------------
@pytest.mark.parametrize(("start", "hours", "declared", "expected", "why"), [
    (at(date(2026, 11, 26), 9), 4, "2", "2", None),                  # Thursday daytime
    (at(date(2026, 11, 28), 9), 4, "2", "1", "休息日"),               # Saturday
    (at(date(2026, 10, 10), 9), 4, "2", "2", None),                  # Saturday made a working day
    (at(date(2026, 10, 2), 9), 4, "1", "special", "法定节假日"),       # National Day
    (at(date(2026, 2, 16), 9), 4, "2", "1", "法定节假日"),             # Spring Festival (Monday)
    (at(date(2026, 11, 26), 21), 2, "2", "1", "夜间"),                # runs past 22:00
    (at(date(2026, 11, 26), 5), 2, "2", "1", "夜间"),                 # starts before 06:00
    (at(date(2026, 11, 26), 6), 16, "2", "2", None),                  # 06:00–22:00 exactly
    (at(date(2026, 11, 28), 23), 1, "special", "special", "休息日"),  # the top level stays
])
def test_hot_work_raised_one_level(start: datetime, hours: float, declared: str, expected: str,
                                   why: str | None) -> None:
    level, reasons = rules.effective_level(WorkType.HOT_WORK, declared, start, start + timedelta(hours=hours))
    assert level == expected
    assert (why is None) == (not reasons)
    if why:
        assert why in reasons[0]


def test_other_types_are_not_raised() -> None:
    start = at(date(2026, 11, 28), 23)
    assert rules.effective_level(WorkType.CONFINED_SPACE, "single", start, start + timedelta(hours=1)) == ("single", [])


def test_calendar_is_configurable() -> None:
    calendar = rules.HolidayCalendar(holidays=frozenset({date(2026, 11, 26)}), workdays=frozenset())
    start = at(date(2026, 11, 26), 9)
    assert rules.effective_level(WorkType.HOT_WORK, "2", start, start + timedelta(hours=1), calendar)[0] == "1"


# --- wind (DOMAIN §4, GB/T 28591-2012) ------------------------------------------------------------------
@pytest.mark.parametrize(("speed", "force"), [(0, 0), (0.29, 0), (0.3, 1), (5.4, 3), (5.5, 4), (7.9, 4), (8.0, 5),
                                              (10.7, 5), (10.8, 6), (32.7, 12), (60, 12)])
def test_beaufort(speed: float, force: int) -> None:
    assert rules.beaufort(speed) == force


@pytest.mark.parametrize(("outdoor", "speed", "refused"), [
    (True, 7.9, False), (True, 8.0, True), (True, 12, True), (False, 12, False),
])
def test_outdoor_hot_work_refused_at_force_five(outdoor: bool, speed: float, refused: bool) -> None:
    problems = rules.check_plan(plan(is_outdoor=outdoor, wind_speed_ms=speed), complete=False).problems
    assert bool(problems) is refused
    if refused:
        assert problems[0].field == "wind_speed_ms" and "五级及以上风力禁止室外动火" in problems[0].message


def test_outdoor_hot_work_needs_wind_speed_to_submit() -> None:
    assert "wind_speed_ms" in {p.field for p in rules.check_plan(plan(is_outdoor=True), complete=True).problems}


# --- approvers in order (DOMAIN §4) ----------------------------------------------------------------------
@pytest.mark.parametrize(("work_type", "level", "chain"), [
    ("hot_work", "special", (G, S, L)), ("hot_work", "1", (G, S)), ("hot_work", "2", (G,)),
    ("confined_space", "single", (G,)), ("blinding", "single", (G,)), ("height", "I", (G,)),
    ("height", "II", (G, P)), ("height", "III", (G, P)), ("height", "IV", (G, P, L)),
    ("lifting", "1", (G, P, L)), ("lifting", "2", (G, P)), ("lifting", "3", (G, P)),
])
def test_required_approvals(work_type: str, level: str, chain: tuple[ApproverRole, ...]) -> None:
    assert rules.required_approvals(WorkType(work_type), level) == chain


@pytest.mark.parametrize(("signed", "role", "message"), [
    ((), G, None), ((G,), S, None), ((G, S), L, None),
    ((), S, "审批顺序不对：应先由“基层单位（车间）负责人”审批"),
    ((G,), L, "审批顺序不对：应先由“安全管理部门”审批"),
    ((G,), G, "已审批过"),
    ((), P, "此作业票不需要“专业部门”审批"),
])
def test_approval_order(signed: tuple[ApproverRole, ...], role: ApproverRole, message: str | None) -> None:
    problem = rules.approval_problem((G, S, L), signed, role)
    assert (problem is None) == (message is None)
    if message:
        assert problem is not None and message in problem


# --- people and checklist -----------------------------------------------------------------------------------
def _all_confirmed(work_type: WorkType) -> dict[str, bool]:
    return {code: True for code, _ in rules.checklist(work_type)}


def test_complete_hot_work_plan_passes() -> None:
    result = rules.check_plan(plan(guardian="李监护", workers=[Worker("王焊工", "T210000001")],
                                   checklist=_all_confirmed(WorkType.HOT_WORK)), complete=True)
    assert result.ok, result.problems
    assert result.validity == timedelta(hours=72) and result.approvals == (G,)


@pytest.mark.parametrize(("work_type", "level", "needs_certificate"), [
    ("hot_work", "2", True), ("temporary_power", "single", True), ("lifting", "3", True), ("height", "I", True),
    ("confined_space", "single", False), ("excavation", "single", False),
])
def test_worker_certificates(work_type: str, level: str, needs_certificate: bool) -> None:
    wt = WorkType(work_type)
    result = rules.check_plan(plan(work_type, level, guardian="李监护", workers=[Worker("张三", "")],
                                   checklist=_all_confirmed(wt)), complete=True)
    assert (["workers.0.certificate_no"] if needs_certificate else []) == [p.field for p in result.problems]


def test_guardian_workers_and_checklist_are_required_to_submit() -> None:
    answers = _all_confirmed(WorkType.CONFINED_SPACE) | {"ventilated": False, "bogus": True}
    fields = {p.field for p in rules.check_plan(plan("confined_space", "single", checklist=answers),
                                                complete=True).problems}
    assert fields == {"guardian", "workers", "checklist.ventilated", "checklist.bogus"}


# --- gas analysis pass limits (§5, §6) ---------------------------------------------------------------------
@pytest.mark.parametrize(("combustible", "lel", "passed"), [
    (0.5, 5.0, True), (0.51, 5.0, False), (0.5, 4.0, True),   # LEL ≥ 4 %: ≤ 0.5 % vol
    (0.2, 2.1, True), (0.21, 2.1, False), (0.3, 3.99, False),  # LEL < 4 %: ≤ 0.2 % vol
])
def test_hot_work_combustible_limits(combustible: float, lel: float, passed: bool) -> None:
    result = rules.evaluate_gas(WorkType.HOT_WORK, GasSample(combustible_vol_pct=combustible, lel_vol_pct=lel))
    assert result.passed is passed


def test_hot_work_needs_combustible_and_lel() -> None:
    result = rules.evaluate_gas(WorkType.HOT_WORK, GasSample())
    assert not result.passed and {p.field for p in result.failures} == {"combustible_vol_pct"}


@pytest.mark.parametrize(("o2", "enriched", "passed"), [
    (19.5, False, True), (19.4, False, False), (21.0, False, True), (21.1, False, False),
    (23.5, True, True), (23.6, True, False), (19.0, True, False),
])
def test_confined_space_oxygen(o2: float, enriched: bool, passed: bool) -> None:
    sample = GasSample(oxygen_vol_pct=o2, oxygen_enriched=enriched)
    assert rules.evaluate_gas(WorkType.CONFINED_SPACE, sample).passed is passed


@pytest.mark.parametrize(("o2", "passed"), [(23.5, True), (23.6, False)])
def test_hot_work_on_oxygen_equipment(o2: float, passed: bool) -> None:
    sample = GasSample(combustible_vol_pct=0, lel_vol_pct=5, oxygen_vol_pct=o2, oxygen_enriched=True)
    assert rules.evaluate_gas(WorkType.HOT_WORK, sample).passed is passed


@pytest.mark.parametrize(("reading", "passed"), [
    (ToxicReading("硫化氢", 10), True), (ToxicReading("硫化氢", 10.1), False),
    (ToxicReading("氯气", 1.5), False), (ToxicReading("丙烯腈", 1, oel_mg_m3=2), True),
])
def test_confined_space_toxic_within_oel(reading: ToxicReading, passed: bool) -> None:
    sample = GasSample(oxygen_vol_pct=20.9, toxic=[reading])
    assert rules.evaluate_gas(WorkType.CONFINED_SPACE, sample).passed is passed


def test_toxic_without_known_oel_is_a_problem() -> None:
    result = rules.evaluate_gas(WorkType.CONFINED_SPACE, GasSample(oxygen_vol_pct=20.9, toxic=[ToxicReading("X", 1)]))
    assert [p.field for p in result.failures] == ["toxic.0.oel_mg_m3"]


# --- gas analysis timing (§5, §6) --------------------------------------------------------------------------
NOW = at(date(2026, 11, 26), 10)


@pytest.mark.parametrize(("minutes_ago", "ok"), [(0, True), (30, True), (31, False), (None, False)])
def test_start_needs_analysis_within_30_minutes(minutes_ago: int | None, ok: bool) -> None:
    last = None if minutes_ago is None else NOW - timedelta(minutes=minutes_ago)
    assert (rules.start_problem(WorkType.HOT_WORK, last, NOW) is None) is ok


def test_types_without_gas_analysis_start_freely() -> None:
    assert rules.start_problem(WorkType.HEIGHT, None, NOW) is None


def test_analysis_in_the_future_is_refused() -> None:
    assert rules.analysis_time_problem(NOW + timedelta(minutes=1), NOW) is not None
    assert rules.analysis_time_problem(NOW, NOW) is None


@pytest.mark.parametrize(("work_type", "level", "stop_min", "fresh", "ok"), [
    ("hot_work", "1", 30, False, True), ("hot_work", "1", 31, False, False), ("hot_work", "1", 31, True, True),
    ("hot_work", "special", 31, False, False),
    ("hot_work", "2", 60, False, True), ("hot_work", "2", 61, False, False),
    ("confined_space", "single", 61, False, False), ("confined_space", "single", 61, True, True),
    ("height", "I", 600, False, True),
])
def test_reanalysis_after_a_long_stop(work_type: str, level: str, stop_min: int, fresh: bool, ok: bool) -> None:
    suspended = NOW - timedelta(minutes=stop_min)
    before_stop = suspended - timedelta(minutes=5)
    last = NOW - timedelta(minutes=2) if fresh else before_stop
    assert (rules.resume_problem(WorkType(work_type), level, suspended, last, NOW) is None) is ok


def test_expiry_is_the_planned_end() -> None:
    assert not rules.is_expired(NOW, NOW) and rules.is_expired(NOW, NOW + timedelta(seconds=1))


@given(st.floats(min_value=0, max_value=80, allow_nan=False))
def test_beaufort_is_monotonic(speed: float) -> None:
    assert rules.beaufort(speed) <= rules.beaufort(speed + 0.5)


NOON = datetime(2026, 12, 2, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(("work_type", "last_pass", "words"), [
    (WorkType.CONFINED_SPACE, NOON - timedelta(minutes=119), None),  # a reading within 2 h: current
    (WorkType.CONFINED_SPACE, NOON - timedelta(minutes=121), "121 分钟前"),  # §6: every 2 h
    (WorkType.CONFINED_SPACE, None, "没有合格记录"),
    (WorkType.HOT_WORK, NOON.replace(hour=7), None),  # analysed this morning
    (WorkType.HOT_WORK, NOON - timedelta(days=1), "每日作业前"),  # §5: yesterday's analysis is not today's
    (WorkType.HEIGHT, None, None),  # no gas analysis for height work
])
def test_analysis_must_stay_current_during_work(work_type: WorkType, last_pass: datetime | None,
                                                 words: str | None) -> None:
    problem = rules.analysis_overdue(work_type, last_pass, NOON)
    assert (problem is None) if words is None else (problem is not None and words in problem)


START = datetime(2026, 12, 1, 8, 0, tzinfo=SH)


@pytest.mark.parametrize(("work_type", "current_days", "new_days", "words"), [
    (WorkType.TEMPORARY_POWER, 15, 29, None),  # +14 days, 29 in all
    (WorkType.TEMPORARY_POWER, 15, 30, None),  # exactly the 30-day ceiling (§10)
    (WorkType.TEMPORARY_POWER, 20, 31, "总计不超过 30 天"),
    (WorkType.TEMPORARY_POWER, 1, 17, "每次延期不超过 15 天"),
    (WorkType.TEMPORARY_POWER, 15, 14, "须晚于"),
    (WorkType.HOT_WORK, 1, 2, "不能延期"),
])
def test_only_temporary_power_is_renewed_within_30_days(work_type: WorkType, current_days: int, new_days: int,
                                                         words: str | None) -> None:
    level = "2" if work_type is WorkType.HOT_WORK else "single"
    problem = rules.renewal_problem(work_type, level, START, START + timedelta(days=current_days),
                                    START + timedelta(days=new_days))
    assert (problem is None) if words is None else (problem is not None and words in problem)
