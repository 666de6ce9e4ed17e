"""Incident level per 国务院令第493号 第三条 at every boundary, and the reporting chain (第九至十一条)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.command.classification import (
    casualty_revision_days,
    casualty_revision_ends,
    check_figures,
    classify_incident,
    reporting_chain,
)
from yingji.command.constants import INCIDENT_LEVELS

# "以上" includes the figure itself (第三条第二款): each threshold is the first figure of its level.
BOUNDARIES = [
    # deaths: 2 | 3, 9 | 10, 29 | 30
    ((2, 0, 0), "一般", "IV"),
    ((3, 0, 0), "较大", "III"),
    ((9, 0, 0), "较大", "III"),
    ((10, 0, 0), "重大", "II"),
    ((29, 0, 0), "重大", "II"),
    ((30, 0, 0), "特别重大", "I"),
    # serious injuries: 9 | 10, 49 | 50, 99 | 100
    ((0, 9, 0), "一般", "IV"),
    ((0, 10, 0), "较大", "III"),
    ((0, 49, 0), "较大", "III"),
    ((0, 50, 0), "重大", "II"),
    ((0, 99, 0), "重大", "II"),
    ((0, 100, 0), "特别重大", "I"),
    # direct loss (yuan): ¥10 M, ¥50 M, ¥100 M, one yuan either side
    ((0, 0, 9_999_999), "一般", "IV"),
    ((0, 0, 10_000_000), "较大", "III"),
    ((0, 0, 49_999_999), "较大", "III"),
    ((0, 0, 50_000_000), "重大", "II"),
    ((0, 0, 99_999_999), "重大", "II"),
    ((0, 0, 100_000_000), "特别重大", "I"),
    # a fraction of a yuan below a threshold is still below it
    ((0, 0, 9_999_999.99), "一般", "IV"),
    ((0, 0, 99_999_999.5), "重大", "II"),
    # zero incident
    ((0, 0, 0), "一般", "IV"),
]


@pytest.mark.parametrize(("figures", "level", "response"), BOUNDARIES, ids=[str(b[0]) for b in BOUNDARIES])
def test_every_boundary(figures: tuple[int, int, float], level: str, response: str) -> None:
    result = classify_incident(*figures)
    assert (result.level, result.response) == (level, response)


@pytest.mark.parametrize(("figures", "level", "decided_by"), [
    # one death (一般) but ¥60 M loss (重大): the loss sets 重大
    ((1, 0, 60_000_000), "重大", ["direct_loss_yuan"]),
    # 3 deaths (较大) and 100 serious injuries (特别重大): injuries win
    ((3, 100, 0), "特别重大", ["serious_injuries"]),
    # 12 deaths (重大), 55 injuries (重大), ¥20 M (较大): both criteria at 重大 are named, the loss is not
    ((12, 55, 20_000_000), "重大", ["deaths", "serious_injuries"]),
    # all three at 特别重大
    ((30, 100, 100_000_000), "特别重大", ["deaths", "serious_injuries", "direct_loss_yuan"]),
    # 9 deaths, 49 injuries, ¥49 999 999: all just under 重大 -> 较大 by every criterion
    ((9, 49, 49_999_999), "较大", ["deaths", "serious_injuries", "direct_loss_yuan"]),
])
def test_mixed_criteria_highest_wins(figures: tuple[int, int, float], level: str, decided_by: list[str]) -> None:
    result = classify_incident(*figures)
    assert result.level == level
    assert [c.criterion for c in result.decided_by] == decided_by


def test_decided_by_carries_the_figure_the_threshold_and_a_chinese_reason() -> None:
    (criterion,) = classify_incident(0, 0, 100_000_000).decided_by
    assert (criterion.value, criterion.threshold) == (100_000_000, 100_000_000)
    assert criterion.message == "直接经济损失 100,000,000 元，达到特别重大事故标准（100,000,000 元以上）"


def test_a_general_incident_names_no_criterion() -> None:
    """一般 is the floor: nothing reached 较大, so nothing 'decided' it."""
    assert classify_incident(2, 9, 9_999_999).decided_by == ()


@pytest.mark.parametrize(("figures", "field"), [
    ((-1, 0, 0), "deaths"),
    ((0, -1, 0), "serious_injuries"),
    ((0, 0, -0.01), "direct_loss_yuan"),
    ((0, 0, float("nan")), "direct_loss_yuan"),
    ((0, 0, float("inf")), "direct_loss_yuan"),
])
def test_bad_figures_are_named(figures: tuple[int, int, float], field: str) -> None:
    problems = check_figures(*figures)
    assert list(problems) == [field]
    with pytest.raises(ValueError, match="负数|有限"):
        classify_incident(*figures)


@given(st.integers(0, 200), st.integers(0, 300), st.floats(0, 3e8, allow_nan=False))
def test_level_never_falls_when_a_figure_rises(deaths: int, injuries: int, loss: float) -> None:
    order = [t.level for t in INCIDENT_LEVELS]
    base = order.index(classify_incident(deaths, injuries, loss).level)
    for more in ((deaths + 1, injuries, loss), (deaths, injuries + 1, loss), (deaths, injuries, loss + 1e6)):
        assert order.index(classify_incident(*more).level) <= base  # index 0 is the highest level


# --- reporting ---------------------------------------------------------------------------------------
def test_general_incident_goes_to_the_county_then_the_city() -> None:
    # 第九条: unit -> county within 1 h; 第十条/第十一条: 一般 goes up to the city, one escalation of 2 h.
    chain = reporting_chain("一般")
    assert [(s.report_to, s.within) for s in chain] == [
        ("县级安全生产监督管理部门", timedelta(hours=1)),
        ("设区的市级安全生产监督管理部门", timedelta(hours=2)),
    ]


@pytest.mark.parametrize(("level", "reports"), [("一般", 2), ("较大", 3), ("重大", 4), ("特别重大", 4)])
def test_each_level_is_reported_up_to_its_ceiling(level: str, reports: int) -> None:
    chain = reporting_chain(level)
    assert len(chain) == reports
    assert chain[0].report_from == "事故发生单位负责人"
    assert all(a.report_to == b.report_from for a, b in zip(chain, chain[1:], strict=False))


def test_escalation_deadline_is_configurable() -> None:
    chain = reporting_chain("较大", escalation_within=timedelta(minutes=90))
    assert [s.within for s in chain] == [timedelta(hours=1), timedelta(minutes=90), timedelta(minutes=90)]


def test_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match="未知"):
        reporting_chain("特大")


# --- 第十三条: the 补报 window, counted as the Civil Code counts days (第二百零一条, 第二百零三条) -------------
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("incident_type", "occurred", "days", "ends"), [
    # 10:00 on 1 October: the day itself is not counted; the 30th day is 31 October, ending at 24:00.
    ("hazmat_release", datetime(2026, 10, 1, 10, 0, tzinfo=SHANGHAI), 30, datetime(2026, 11, 1, 0, 0, tzinfo=SHANGHAI)),
    ("production_safety", datetime(2026, 10, 1, 0, 0, tzinfo=SHANGHAI), 30,
     datetime(2026, 11, 1, 0, 0, tzinfo=SHANGHAI)),
    ("fire", datetime(2026, 10, 1, 23, 59, tzinfo=SHANGHAI), 7, datetime(2026, 10, 9, 0, 0, tzinfo=SHANGHAI)),
    ("traffic", datetime(2026, 2, 25, 8, 0, tzinfo=SHANGHAI), 7, datetime(2026, 3, 5, 0, 0, tzinfo=SHANGHAI)),
    # Stored in UTC: 1 October 17:00 UTC is already 2 October in Panshan, so the window runs a day later.
    ("other", datetime(2026, 10, 1, 17, 0, tzinfo=UTC), 30, datetime(2026, 11, 2, 0, 0, tzinfo=SHANGHAI)),
])
def test_casualty_revision_window(incident_type: str, occurred: datetime, days: int, ends: datetime) -> None:
    assert casualty_revision_days(incident_type) == days
    assert casualty_revision_ends(incident_type, occurred, SHANGHAI) == ends


def test_casualty_revision_window_needs_a_time_zone() -> None:
    with pytest.raises(ValueError, match="时区"):
        casualty_revision_ends("fire", datetime(2026, 10, 1, 10, 0), SHANGHAI)  # noqa: DTZ001 - the case tested
