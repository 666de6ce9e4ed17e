"""Evacuation vehicles by hand: ceil(people / seats) busloads, and trips when the fleet is smaller."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yingji.command.transport import busloads, people_to_carry, seats_of, share_buses


@pytest.mark.parametrize(("text", "seats"), [
    ("客车 45 座", 45), ("45座", 45), ("乘员 8（拖车运输）", 8), ("载客 19 人", 19), ("中巴 30 人座", 30),
    ("载重 10t", None), ("", None), ("担架 1 / 乘员 4", 4), ("乘员 0", None),
])
def test_seats_from_the_registry_text(text: str, seats: int | None) -> None:
    assert seats_of(text) == seats


@pytest.mark.parametrize(("population", "share", "people"), [
    (1000, 0.3, 300), (1001, 0.3, 301), (999, 0.3, 300), (0, 0.5, 0), (850, 0.0, 0), (850, 1.0, 850),
    (2460, 0.35, 861),
])
def test_people_to_carry_rounds_up(population: int, share: float, people: int) -> None:
    assert people_to_carry(population, share) == people


@pytest.mark.parametrize(("people", "seats", "loads"), [(0, 45, 0), (1, 45, 1), (45, 45, 1), (46, 45, 2),
                                                        (300, 45, 7), (861, 50, 18)])
def test_busloads_is_the_ceiling(people: int, seats: int, loads: int) -> None:
    assert busloads(people, seats) == loads


def test_enough_buses_one_trip_each() -> None:
    # 300 → 7 loads, 100 → 3 loads; 12 buses ≥ 10 loads
    result = share_buses([300, 100], 45, 12)
    assert [(v.needed, v.vehicles, v.trips) for v in result] == [(7, 7, 1), (3, 3, 1)]


def test_fewer_buses_share_to_even_out_the_trips() -> None:
    # 7 and 3 loads on 4 buses: one each, then the 7-load village twice more → 3 and 1 buses, 3 trips each
    result = share_buses([300, 100], 45, 4)
    assert [(v.vehicles, v.trips) for v in result] == [(3, 3), (1, 3)]
    # 7 and 3 loads on 5 buses: 4 + 1 → trips 2 and 3; giving the fifth to the second would give 4 and 2
    result = share_buses([300, 100], 45, 5)
    assert [(v.vehicles, v.trips) for v in result] == [(4, 2), (1, 3)]


def test_fewer_buses_than_villages_leave_the_smallest_without() -> None:
    result = share_buses([90, 400, 45], 45, 2)
    assert [(v.needed, v.vehicles, v.trips) for v in result] == [(2, 1, 2), (9, 1, 9), (1, 0, None)]
    assert share_buses([0, 45], 45, 0)[0].trips == 0


@pytest.mark.parametrize("bad", [lambda: busloads(10, 0), lambda: people_to_carry(10, 1.5),
                                 lambda: share_buses([10], 45, -1)])
def test_bad_figures_are_refused(bad: object) -> None:
    with pytest.raises(ValueError):
        bad()  # type: ignore[operator]


@settings(deadline=None)  # the machine is shared; speed is not what this checks
@given(st.lists(st.integers(0, 3000), min_size=1, max_size=12), st.integers(1, 60), st.integers(0, 80))
def test_buses_are_never_overspent_and_trips_carry_everyone(people: list[int], seats: int, buses: int) -> None:
    result = share_buses(people, seats, buses)
    assert sum(v.vehicles for v in result) <= buses
    for v in result:
        if v.trips:
            assert v.vehicles * seats * v.trips >= v.people
        if v.trips is not None and v.trips > 1:
            assert v.vehicles * seats * (v.trips - 1) < v.people
