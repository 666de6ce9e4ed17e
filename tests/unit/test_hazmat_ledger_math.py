"""The ledger's pure rules: quantities and units, the period balance, batch tracing, plates and routes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yingji.hazmat.ledger_math import (
    Edge,
    LedgerInputError,
    close_balance,
    parse_quantity,
    plate_problem,
    route_problem,
    trace_batch,
)

D = Decimal


@pytest.mark.parametrize(("value", "unit", "tonnes"), [
    (5, "t", D("5")), ("12.5", "吨", D("12.5")), (1250.5, "kg", D("1.2505")), ("0.3", "千克", D("0.0003")),
    (1, "公斤", D("0.001")), (0.1, None, D("0.1")), (" 7 ", "T", D("7")),
])
def test_quantities_in_tonnes(value: object, unit: str | None, tonnes: Decimal) -> None:
    assert parse_quantity(value, unit) == tonnes


@pytest.mark.parametrize(("value", "unit", "field", "words"), [
    (-1, "t", "quantity", "不能为负数"), (float("nan"), "t", "quantity", "有限的数"),
    ("inf", "t", "quantity", "有限的数"),
    (0, "t", "quantity", "大于 0"), (True, "t", "quantity", "必须是数字"), ("abc", "t", "quantity", "不是数字"),
    (5, "L", "unit", "体积"), (5, "m3", "unit", "体积"), (5, "lb", "unit", "无效"),
    (1_000_001, "t", "quantity", "超过单笔上限"),
])
def test_bad_quantities(value: object, unit: str, field: str, words: str) -> None:
    with pytest.raises(LedgerInputError) as exc:
        parse_quantity(value, unit)
    assert (exc.value.field, words in exc.value.message) == (field, True)


def test_zero_is_a_valid_count() -> None:
    assert parse_quantity(0, "t", allow_zero=True) == 0


# opening, in, out, used, disposed, counted, tolerance % → expected, difference, tolerance, balanced
@pytest.mark.parametrize(("figures", "expected", "difference", "tolerance", "balanced"), [
    # 100 + 60 − 30 − 12.5 − 5 = 112.5; 112 counted: −0.5 within 0.5 % × 160 = 0.8
    ((100, 60, 30, "12.5", 5, 112, "0.5"), "112.5", "-0.5", "0.8", True),
    # exactly at the tolerance: 0.8 off is still balanced
    ((100, 60, 30, "12.5", 5, "111.7", "0.5"), "112.5", "-0.8", "0.8", True),
    ((100, 60, 30, "12.5", 5, "111.699", "0.5"), "112.5", "-0.801", "0.8", False),
    # a surplus counts as much as a loss
    ((112, 0, 0, 0, 0, 113, "0.5"), "112", "1", "0.56", False),
    # an empty store that stays empty
    ((0, 0, 0, 0, 0, 0, "0.5"), "0", "0", "0", True),
    # a stricter tolerance of 0.2 %: 0.3 t off 200 t handled is too much
    ((150, 50, 0, 100, 0, "99.7", "0.2"), "100", "-0.3", "0.4", True),
    ((150, 50, 0, 100, 0, "99.5", "0.2"), "100", "-0.5", "0.4", False),
])
def test_period_balance(figures: tuple[object, ...], expected: str, difference: str, tolerance: str,
                        balanced: bool) -> None:
    result = close_balance(*(D(str(f)) for f in figures))
    assert (result.expected, result.difference, result.tolerance, result.within_tolerance) == (
        D(expected), D(difference), D(tolerance), balanced)


@given(st.lists(st.decimals(min_value=0, max_value=10_000, places=3), min_size=5, max_size=5))
def test_a_count_equal_to_the_book_always_balances(figures: list[Decimal]) -> None:
    opening, inflow, outflow, used, disposed = figures
    book = opening + inflow - outflow - used - disposed
    assert close_balance(opening, inflow, outflow, used, disposed, book, D("0.5")).within_tolerance


def _edge(sender: int, receiver: int, movement: int) -> Edge:
    return Edge(sender, receiver, D(1), movement, "confirmed")


def test_trace_up_and_down_a_chain_with_a_loop() -> None:
    # 1 → 2 → 3 → 4, 2 → 5, and 4 sends some back to 2
    edges = [_edge(1, 2, 10), _edge(2, 3, 11), _edge(3, 4, 12), _edge(2, 5, 13), _edge(4, 2, 14)]
    from3 = trace_batch(edges, 3)
    assert [e.movement_id for e in from3.downstream] == [12, 14, 11, 13]  # back round the loop to 3 once
    assert [e.movement_id for e in from3.upstream] == [11, 10, 14, 12]
    from1 = trace_batch(edges, 1)
    assert from1.upstream == () and {e.movement_id for e in from1.downstream} == {10, 11, 12, 13, 14}
    assert trace_batch(edges, 9).downstream == ()


@pytest.mark.parametrize(("plate", "ok"), [("辽L12345", True), ("辽LD12345", True), ("辽L1234挂", True),
                                           ("辽l12345", True), ("辽I12345", False), ("LN12345", False),
                                           ("辽L123", False), ("辽L1234567", False)])
def test_plates(plate: str, ok: bool) -> None:
    assert (plate_problem(plate) is None) == ok


@pytest.mark.parametrize(("points", "words"), [
    ([[122.0, 41.2]], "至少需要"), ([[122.0, 41.2], [41.2, 122.0]], "疑似填反"),
    ([[122.0, 41.2], [10.0, 50.0]], "不在中国境内"), ([[122.0, 41.2], [122.1]], "两个数"),
])
def test_bad_routes(points: list[list[float]], words: str) -> None:
    problem = route_problem(points)
    assert problem is not None and words in problem


def test_a_good_route() -> None:
    assert route_problem([[122.06, 41.23], [122.15, 41.18]]) is None
