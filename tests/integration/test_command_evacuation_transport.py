"""Buses per village in an evacuation plan, computed by hand on the network of test_command_resettlement.

V1 has 300 residents and its own share 0.3 → 90 to carry; V2 has 500 and no share → the default 0.3 → 150.
Road times: V1's people go to NEAR (3 min); V2's to FAR (4 min) and NEAR (7 min), so V2's longest is 7 min.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.integration.test_command_resettlement import AREA, _fresh_graph, county, post, refused  # noqa: F401
from yingji.command.models import EvacuationPlan
from yingji.registry.choices import ReadinessStatus, VehicleType

URL = "/api/v1/command/evacuation/plans"


@pytest.fixture
def shares(county: dict[str, Any]) -> dict[str, Any]:  # noqa: F811 - the imported fixture
    county["v1"].transport_share = 0.3
    county["v1"].save()
    return county


def bus(departments: Any, capacity: str, **extra: Any) -> Any:
    return factories.VehicleFactory(vehicle_type=VehicleType.TRANSPORT, capacity=capacity,
                                    owner_department=departments.emergency, **extra)


def by_village(plan: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {v["name"]: (v["people"], v["needed"], v["vehicles"], v["trips"], v["clear_min"])
            for v in plan["transport"]["villages"]}


def test_no_buses_registered_counts_busloads_at_the_default_seats(shares: dict[str, Any], people: Any,
                                                                   client_for: Any) -> None:
    plan = post(client_for(people.emergency_officer), URL, {"area": AREA}).json()
    transport = plan["transport"]
    assert (transport["seats"], transport["seats_source"], transport["buses_available"]) == (45, "default", 0)
    # ⌈90/45⌉ = 2, ⌈150/45⌉ = ⌈3.33⌉ = 4; no bus for either
    assert by_village(plan) == {"测试一村": (90, 2, 0, None, None), "测试二村": (150, 4, 0, None, None)}
    assert [v["share_source"] for v in transport["villages"]] == ["village", "default"]
    assert (transport["people"], transport["needed"], transport["villages_without_bus"]) == (240, 6, 2)
    assert any("可调用客车仅 0 辆" in n and "测试一村" in n for n in plan["notes"])
    assert any("按默认 30% 估算" in n for n in plan["notes"])


def test_fewer_buses_than_busloads_make_several_trips(shares: dict[str, Any], people: Any, departments: Any,
                                                      client_for: Any) -> None:
    for _ in range(3):
        bus(departments, "大型客车 45 座")
    bus(departments, "载重 10t")  # a lorry: no seats
    bus(departments, "大型客车 45 座", status=ReadinessStatus.DEPLOYED)  # busy elsewhere
    plan = post(client_for(people.emergency_officer), URL, {"area": AREA}).json()
    assert (plan["transport"]["seats_source"], plan["transport"]["buses_available"]) == ("registry", 3)
    # 2 + 4 busloads on 3 buses: one to V2 (more people), one to V1, the third to V2 (4 trips > 2):
    # V1 1 bus × 2 trips, (2·2 − 1) × 3 min = 9 min; V2 2 buses × ⌈4/2⌉ = 2 trips, 3 × 7 min = 21 min
    assert by_village(plan) == {"测试一村": (90, 2, 1, 2, 9.0), "测试二村": (150, 4, 2, 2, 21.0)}
    assert plan["transport"]["max_trips"] == 2
    printed = client_for(people.emergency_officer).get(f"/command/evacuation/{plan['id']}/print/").content.decode()
    assert 'data-testid="transport-table"' in printed and "需转运 240 人，每车 45 座，需 6 车次" in printed


def test_enough_buses_one_trip_and_seats_from_the_smallest_bus(shares: dict[str, Any], people: Any,
                                                               departments: Any, client_for: Any) -> None:
    for capacity in ["大型客车 45 座"] * 7 + ["中巴 30 座"]:
        bus(departments, capacity)
    plan = post(client_for(people.emergency_officer), URL, {"area": AREA}).json()
    # 30 seats: ⌈90/30⌉ = 3, ⌈150/30⌉ = 5; 8 buses are enough: one trip each
    assert plan["transport"]["seats"] == 30
    assert by_village(plan) == {"测试一村": (90, 3, 3, 1, 3.0), "测试二村": (150, 5, 5, 1, 7.0)}
    given = post(client_for(people.emergency_officer), URL, {"area": AREA, "bus_seats": 50}).json()
    assert (given["transport"]["seats"], given["transport"]["seats_source"]) == (50, "given")
    assert [v["needed"] for v in given["transport"]["villages"]] == [2, 3]


@pytest.mark.parametrize("seats", [0, -45, 101])
def test_bad_seat_counts_are_refused(shares: dict[str, Any], people: Any, client_for: Any, seats: Any) -> None:
    response = post(client_for(people.admin), URL, {"area": AREA, "bus_seats": seats})
    assert "1–100" in refused(response, "bus_seats")
    assert not EvacuationPlan.objects.exists()
