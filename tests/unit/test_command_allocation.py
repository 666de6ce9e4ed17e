"""The transportation problem with shortfall: published and hand-computed cases, bad input, properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import LinearConstraint
from scipy.sparse import csr_matrix

from yingji.command import allocation
from yingji.command.allocation import AllocationError, Party, allocate

INF = math.inf


def parties(prefix: str, amounts: list[float]) -> list[Party]:
    return [Party(f"{prefix}{i + 1}", a) for i, a in enumerate(amounts)]


def test_taha_sunray_transport_optimum_is_435() -> None:
    # Taha, Operations Research: An Introduction, example 5.3-1 (SunRay Transport): optimal cost $435.
    result = allocate(
        parties("silo", [15, 25, 10]),
        parties("mill", [5, 15, 15, 15]),
        [[10, 2, 20, 11], [12, 7, 9, 20], [4, 14, 16, 18]],
        integral=True,
    )
    assert result.total_cost == pytest.approx(435)
    assert result.moved == 50
    assert result.complete


def test_places_short_fills_the_nearest_village_first() -> None:
    # 100 places, 130 people: all places are used; 80×10 + 20×20 = 1200 s beats 50×20 + 50×10 = 1500 s.
    result = allocate(parties("village", [80, 50]), [Party("shelter", 100)], [[10], [20]], integral=True)
    assert result.moved == 100
    assert {(s.source, s.amount) for s in result.shipments} == {("village1", 80), ("village2", 20)}
    assert result.source_left == {"village1": 0, "village2": 30}
    assert result.sink_unmet == {"shelter": 0}
    assert result.total_cost == 1200


def test_moving_more_beats_moving_cheaply() -> None:
    # A could serve X at cost 1, but only A reaches Y: the plan sends A → Y so that B can fill X.
    result = allocate(parties("w", [10, 10]), [Party("X", 10), Party("Y", 10)], [[1, 100], [1, INF]])
    assert result.moved == pytest.approx(20)
    assert {(s.source, s.sink): s.amount for s in result.shipments} == {("w1", "Y"): 10, ("w2", "X"): 10}
    assert result.total_cost == pytest.approx(1010)


def test_unreachable_and_too_far_pairs_are_never_used() -> None:
    result = allocate(parties("v", [30, 40]), parties("s", [100]), [[INF], [1800]], max_cost=1200)
    assert result.shipments == ()
    assert result.moved == 0
    assert result.source_left == {"v1": 30, "v2": 40}
    assert result.sink_unmet == {"s1": 100}
    assert not result.complete


def test_stock_short_reports_each_sinks_shortfall() -> None:
    # 50 tents for demands of 40 and 30: the cheaper site is filled, the other gets 10 and is short 20.
    result = allocate([Party("depot", 50)], parties("site", [40, 30]), [[5, 9]])
    assert result.sink_unmet == {"site1": 0, "site2": pytest.approx(20)}
    assert result.source_left == {"depot": 0}


def test_fractional_amounts_for_tonnes() -> None:
    result = allocate([Party("a", 2.5), Party("b", 1.25)], [Party("x", 3.0)], [[2], [1]])
    assert {s.source: s.amount for s in result.shipments} == {"a": pytest.approx(1.75), "b": pytest.approx(1.25)}


def test_nothing_to_move() -> None:
    assert allocate([], [], []).shipments == ()
    assert allocate([Party("a", 0)], [Party("x", 5)], [[1]]).moved == 0


@pytest.mark.parametrize(
    ("sources", "sinks", "cost", "field", "words"),
    [
        ([Party("a", -1)], [Party("x", 1)], [[1]], "sources.0.amount", "不能为负数"),
        ([Party("a", 1)], [Party("x", math.nan)], [[1]], "sinks.0.amount", "有限数值"),
        ([Party("a", 1)], [Party("x", INF)], [[1]], "sinks.0.amount", "有限数值"),
        ([Party("a", 1), Party("a", 2)], [Party("x", 1)], [[1], [1]], "sources.1.key", "重复"),
        ([Party("a", 1)], [Party("x", 1)], [[math.nan]], "cost.0.0", "不是数值"),
        ([Party("a", 1)], [Party("x", 1), Party("y", 1)], [[1, -2]], "cost.0.1", "不能为负数"),
        ([Party("a", 1), Party("b", 1)], [Party("x", 1)], [[1]], "cost", "1×1"),
    ],
)
def test_bad_input_names_the_field(sources: list[Party], sinks: list[Party], cost: list[list[float]], field: str,
                                   words: str) -> None:
    with pytest.raises(AllocationError) as error:
        allocate(sources, sinks, cost)
    assert error.value.field == field
    assert words in error.value.message


amounts = st.lists(st.integers(min_value=0, max_value=500), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(amounts, amounts, st.data())
def test_limits_hold_and_everything_reachable_moves(supply: list[int], demand: list[int], data: st.DataObject) -> None:
    cost = [[data.draw(st.integers(min_value=0, max_value=3600)) for _ in demand] for _ in supply]
    result = allocate(parties("s", supply), parties("d", demand), cost, integral=True)
    sent: dict[str, float] = {}
    received: dict[str, float] = {}
    for shipment in result.shipments:
        assert shipment.amount == int(shipment.amount) > 0
        sent[shipment.source] = sent.get(shipment.source, 0) + shipment.amount
        received[shipment.sink] = received.get(shipment.sink, 0) + shipment.amount
    assert all(sent.get(f"s{i + 1}", 0) <= a for i, a in enumerate(supply))
    assert all(received.get(f"d{j + 1}", 0) <= a for j, a in enumerate(demand))
    # Every pair is allowed, so the amount moved is the smaller side's total.
    assert result.moved == min(sum(supply), sum(demand))
    assert result.total_cost == sum(s.amount * s.unit_cost for s in result.shipments)


@pytest.mark.parametrize("seed", range(6))
def test_whole_amounts_move_as_much_by_maximum_flow_as_by_the_linear_programme(seed: int) -> None:
    """Phase 1 for whole amounts is a maximum flow; on sparse random problems (unreachable pairs, short
    places) it moves exactly what the LP phase moves, and the cheapest plan costs the same."""
    rng = np.random.default_rng(seed)
    supply, demand = rng.integers(0, 60, 12).astype(float), rng.integers(0, 40, 9).astype(float)
    cost = np.where(rng.random((12, 9)) < 0.6, np.inf, rng.uniform(60, 900, (12, 9)))
    rows, cols = np.nonzero(np.isfinite(cost))
    by_flow = allocation._max_flow(rows, cols, supply, demand)
    n = len(rows)
    limits = [LinearConstraint(csr_matrix((np.ones(n), (rows, np.arange(n))), shape=(12, n)), 0, supply),
              LinearConstraint(csr_matrix((np.ones(n), (cols, np.arange(n))), shape=(9, n)), 0, demand)]
    by_lp = -allocation._phase(-np.ones(n), limits, True)[1]
    assert by_flow == pytest.approx(by_lp, abs=1e-6)
    sources = [Party(f"v{i}", a) for i, a in enumerate(supply)]
    sinks = [Party(f"s{j}", a) for j, a in enumerate(demand)]
    whole, fractional = allocate(sources, sinks, cost, integral=True), allocate(sources, sinks, cost)
    assert whole.moved == pytest.approx(fractional.moved) and whole.total_cost == pytest.approx(fractional.total_cost)
