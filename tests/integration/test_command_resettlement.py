"""Evacuation plans and supply allocation over HTTP, on a hand-made network with hand-computed times.

Roads (EPSG:4529 metres from 121.90 E, 41.10 N): a trunk east (0,0)→(6000,0) at 60 km/h (3 km = 180 s) and a
village road north (0,0)→(0,2000) at 15 km/h (1 km = 240 s).

Evacuation: village V1 (0,0) 300 people, V2 (0,1000) 500 people; shelter NEAR (3000,0) 400 places, FAR (0,2000)
200 places. Times: V1→NEAR 180 s, V1→FAR 480 s, V2→NEAR 420 s, V2→FAR 240 s. Only 600 places for 800 people:
the cheapest way to place 600 is V1→NEAR 300, V2→FAR 200, V2→NEAR 100 (144 000 person-seconds); 200 of V2 wait.

Supply: tents at W1 (0,0) 100 and W2 (6000,0) 50; demand 120 at D1 (1000,0) and 60 at D2 (5000,0). Times W1→D1 60 s,
W2→D2 60 s, the crossings 300 s. 150 can move: W1→D1 100, W2→D2 50; D1 is short 20, D2 short 10.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from tests import factories
from yingji.command.models import EvacuationPlan, Incident, SupplyPlan
from yingji.command.network import forget_network
from yingji.core.geo import from_metric, to_metric
from yingji.core.models import AdminArea, AuditEvent, Road
from yingji.core.models.areas import AreaLevel
from yingji.registry.models import Shelter, StockItem

API = "/api/v1/command"
X0, Y0 = to_metric(121.90, 41.10)


def at(x_m: float, y_m: float) -> tuple[float, float]:
    return from_metric(X0 + x_m, Y0 + y_m)


def line(*points_m: tuple[float, float]) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": [list(at(x, y)) for x, y in points_m]}


def box(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    ring = [list(at(x, y)) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))]
    return {"type": "Polygon", "coordinates": [ring]}


AREA = box(-300, -300, 300, 1300)  # V1 and V2, neither shelter


def post(client: Any, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def refused(response: Any, field: str) -> str:
    assert response.status_code == 422, (response.status_code, response.content)
    detail = response.json()["detail"]
    messages = [e["message"] for e in detail if field == (e.get("field") or "")]
    assert messages, (field, detail)
    return messages[0]


@pytest.fixture(autouse=True)
def _fresh_graph() -> Iterator[None]:
    forget_network()
    yield
    forget_network()


@pytest.fixture
def county(people: Any, departments: Any, taiping: AdminArea) -> dict[str, Any]:
    Road.objects.create(name="干线", road_class="national", speed_kmh=60, geometry=line((0, 0), (6000, 0)))
    Road.objects.create(name="北村道", road_class="village", speed_kmh=15, geometry=line((0, 0), (0, 2000)))

    def village(code: str, name: str, xy: tuple[float, float], population: int) -> AdminArea:
        lon, lat = at(*xy)
        return AdminArea.objects.create(code=code, name=name, level=AreaLevel.VILLAGE, parent=taiping, longitude=lon,
                                        latitude=lat, population=population, population_source="测试")

    def shelter(name: str, xy: tuple[float, float], capacity: int) -> Shelter:
        lon, lat = at(*xy)
        return factories.ShelterFactory(name=name, longitude=lon, latitude=lat, capacity=capacity, admin_area=taiping,
                                        owner_department=departments.emergency)

    def tents(name: str, xy: tuple[float, float], quantity: int) -> StockItem:
        lon, lat = at(*xy)
        warehouse = factories.WarehouseFactory(name=name, longitude=lon, latitude=lat, admin_area=taiping,
                                               owner_department=departments.emergency)
        return factories.StockItemFactory(warehouse=warehouse, name="帐篷", unit="顶", quantity=Decimal(quantity))

    return {
        "v1": village("211122001991", "测试一村", (0, 0), 300),
        "v2": village("211122001992", "测试二村", (0, 1000), 500),
        "near": shelter("东安置点", (3000, 0), 400),
        "far": shelter("北安置点", (0, 2000), 200),
        "w1": tents("西仓库", (0, 0), 100),
        "w2": tents("东仓库", (6000, 0), 50),
    }


def test_min_cost_assignment_places_the_cheapest_600_and_counts_the_rest(county: dict[str, Any], people: Any,
                                                                          client_for: Any) -> None:
    response = post(client_for(people.emergency_officer), f"{API}/evacuation/plans", {"name": "测试疏散", "area": AREA})
    assert response.status_code == 201, response.content
    plan = response.json()
    assert (plan["people_total"], plan["people_placed"], plan["people_unplaced"]) == (800, 600, 200)
    moved = {(a["village"], a["shelter"]): a for a in plan["assignments"]}
    assert {key: a["people"] for key, a in moved.items()} == {
        ("测试一村", "东安置点"): 300, ("测试二村", "北安置点"): 200, ("测试二村", "东安置点"): 100,
        ("测试二村", None): 200}
    assert moved[("测试一村", "东安置点")]["travel_min"] == pytest.approx(3.0, abs=0.05)
    assert moved[("测试二村", "北安置点")]["travel_min"] == pytest.approx(4.0, abs=0.05)
    assert moved[("测试二村", "东安置点")]["travel_min"] == pytest.approx(7.0, abs=0.05)
    assert moved[("测试二村", "东安置点")]["length_km"] == pytest.approx(4.0, abs=0.01)
    assert moved[("测试二村", None)]["route"] is None
    route = moved[("测试二村", "东安置点")]["route"]
    assert route["type"] == "LineString" and len(route["coordinates"]) >= 3  # north road, junction, trunk
    assert plan["longest_travel_min"] == pytest.approx(7.0, abs=0.05)
    assert {s["shelter"]: s["assigned"] for s in plan["shelters"]} == {"东安置点": 400, "北安置点": 200}
    assert AuditEvent.objects.filter(object_type="command.evacuationplan", object_id=str(plan["id"])).exists()
    # Read back, and listed.
    client = client_for(people.emergency_officer)
    assert client.get(f"{API}/evacuation/plans/{plan['id']}").json()["assignments"] == plan["assignments"]
    assert [row["id"] for row in client.get(f"{API}/evacuation/plans").json()] == [plan["id"]]
    printed = client.get(f"/command/evacuation/{plan['id']}/print/").content.decode()
    assert "东安置点（安排 400 人）" in printed and "测试二村" in printed and "尚无安置点的人员" in printed
    assert client_for(people.officer_a).get(f"/command/evacuation/{plan['id']}/print/").status_code == 404


def test_a_travel_limit_leaves_the_far_shelter_out(county: dict[str, Any], people: Any, client_for: Any) -> None:
    # Within 5 minutes: V1→NEAR (3) and V2→FAR (4) only; V2 cannot reach NEAR (7 min).
    plan = post(client_for(people.admin), f"{API}/evacuation/plans", {"area": AREA, "max_travel_min": 5}).json()
    assert {(a["village"], a["shelter"]): a["people"] for a in plan["assignments"]} == {
        ("测试一村", "东安置点"): 300, ("测试二村", "北安置点"): 200, ("测试二村", None): 300}
    assert plan["people_unplaced"] == 300


def test_chosen_shelters_are_checked(county: dict[str, Any], people: Any, client_for: Any) -> None:
    client = client_for(people.admin)
    county["far"].occupancy = 200
    county["far"].save()
    message = refused(post(client, f"{API}/evacuation/plans", {"area": AREA, "shelters": [county["near"].pk,
                                                                                      county["far"].pk]}),
                      "shelters.1")
    assert "北安置点" in message and "没有空余容量" in message
    inside = factories.ShelterFactory(name="村内小学", longitude=county["v1"].longitude,
                                      latitude=county["v1"].latitude)
    assert "疏散范围内" in refused(post(client, f"{API}/evacuation/plans", {"area": AREA, "shelters": [inside.pk]}),
                                  "shelters.0")
    assert "不存在" in refused(post(client, f"{API}/evacuation/plans", {"area": AREA, "shelters": [999999]}),
                              "shelters.0")
    Shelter.objects.update(occupancy=1000)
    assert "没有可用的避难场所" in refused(post(client, f"{API}/evacuation/plans", {"area": AREA}), "shelters")
    assert not EvacuationPlan.objects.exists()


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"area": {"type": "Point", "coordinates": [121.9, 41.1]}}, "area", "Polygon"),
    ({"area": box(0, 0, 0, 100)}, "area", "面积为零"),
    ({"area": {"type": "Polygon", "coordinates": [[[41.1, 121.9], [41.2, 121.9], [41.2, 122.0], [41.1, 121.9]]]}},
     "area", "不在中国境内"),
    ({"area": box(20000, 20000, 21000, 21000)}, "area", "没有登记了人口"),
    ({"area": AREA, "max_travel_min": -5}, "max_travel_min", "正数"),
    ({"area": AREA, "incident": 999999}, "incident", "不存在"),
])
def test_bad_plans_write_nothing(county: dict[str, Any], people: Any, client_for: Any, body: dict[str, Any],
                                 field: str, words: str) -> None:
    assert words in refused(post(client_for(people.admin), f"{API}/evacuation/plans", body), field)
    assert not EvacuationPlan.objects.exists()


def test_issue_then_register_arrivals_raises_occupancy(county: dict[str, Any], people: Any, client_for: Any) -> None:
    client = client_for(people.emergency_officer)
    incident = post(client, f"{API}/incidents", {"title": "测试泄漏", "incident_type": "hazmat_release",
                                                 "source": "phone"}).json()
    plan = post(client, f"{API}/evacuation/plans", {"area": AREA, "incident": incident["id"]}).json()
    arrival = {"shelter": county["near"].pk, "people": 350, "village": county["v1"].pk, "contact_name": "王村长"}
    assert "下达后" in refused(post(client, f"{API}/evacuation/plans/{plan['id']}/arrivals", arrival), "status")

    issued = post(client, f"{API}/evacuation/plans/{plan['id']}/issue", {})
    assert issued.status_code == 200 and issued.json()["status"] == "issued"
    county["near"].refresh_from_db()
    assert county["near"].status == "open"  # the shelters used are opened
    first = post(client, f"{API}/evacuation/plans/{plan['id']}/arrivals", arrival)
    assert first.status_code == 201, first.content
    assert (first.json()["occupancy"], first.json()["capacity"]) == (350, 400)
    too_many = refused(post(client, f"{API}/evacuation/plans/{plan['id']}/arrivals", {**arrival, "people": 100}),
                       "people")
    assert "仅剩 50 个空位" in too_many
    assert "1" in refused(post(client, f"{API}/evacuation/plans/{plan['id']}/arrivals", {**arrival, "people": 0}),
                          "people")
    second = post(client, f"{API}/evacuation/plans/{plan['id']}/arrivals", {**arrival, "people": 50}).json()
    assert second["occupancy"] == 400
    county["near"].refresh_from_db()
    assert (county["near"].occupancy, county["near"].status) == (400, "full")
    listed = client.get(f"{API}/evacuation/plans/{plan['id']}/arrivals").json()
    assert [a["people"] for a in listed] == [50, 350]
    timeline = [e["text"] for e in client.get(f"{API}/incidents/{incident['id']}").json()["timeline"]]
    assert any("编制疏散安置方案" in t for t in timeline) and any("下达疏散安置方案" in t for t in timeline)
    assert "只有草案" in refused(post(client, f"{API}/evacuation/plans/{plan['id']}/issue", {}), "status")


def test_plans_are_scoped(county: dict[str, Any], people: Any, client_for: Any) -> None:
    plan = post(client_for(people.emergency_officer), f"{API}/evacuation/plans", {"area": AREA}).json()
    assert client_for(people.officer_a).get(f"{API}/evacuation/plans/{plan['id']}").status_code == 404
    assert client_for(people.education_officer).get(f"{API}/evacuation/plans").json() == []
    denied = post(client_for(people.officer_a), f"{API}/evacuation/plans", {"area": AREA})
    assert denied.status_code == 403, denied.content


# --- supply ------------------------------------------------------------------------------------------------
def demands() -> list[dict[str, Any]]:
    (lon1, lat1), (lon2, lat2) = at(1000, 0), at(5000, 0)
    return [{"item": "帐篷", "unit": "顶", "quantity": 120, "site_name": "一号点", "longitude": lon1, "latitude": lat1},
            {"item": "帐篷", "unit": "顶", "quantity": 60, "site_name": "二号点", "longitude": lon2, "latitude": lat2}]


def test_supply_moves_most_then_fastest_and_reports_the_shortfall(county: dict[str, Any], people: Any,
                                                                  client_for: Any) -> None:
    response = post(client_for(people.emergency_officer), f"{API}/supply/plans", {"demands": demands()})
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["complete"] is False
    by_site = {d["site_name"]: d for d in plan["demands"]}
    assert Decimal(by_site["一号点"]["shortfall"]) == 20 and Decimal(by_site["二号点"]["shortfall"]) == 10
    assert [(o["warehouse"], Decimal(o["quantity"])) for o in by_site["一号点"]["orders"]] == [("西仓库", 100)]
    assert [(o["warehouse"], Decimal(o["quantity"])) for o in by_site["二号点"]["orders"]] == [("东仓库", 50)]
    assert by_site["一号点"]["orders"][0]["travel_min"] == pytest.approx(1.0, abs=0.02)
    assert plan["total_time_s"] == pytest.approx(150 * 60, rel=0.01)


def test_orders_dispatch_deliver_and_reserve_stock(county: dict[str, Any], people: Any, client_for: Any) -> None:
    client = client_for(people.emergency_officer)
    plan = post(client, f"{API}/supply/plans", {"demands": demands()}).json()
    west = plan["demands"][0]["orders"][0]
    east = plan["demands"][1]["orders"][0]
    # While planned, the east tents are reserved: a second plan gets nothing from them.
    again = post(client, f"{API}/supply/plans", {"demands": demands()[1:]}).json()
    assert Decimal(again["demands"][0]["shortfall"]) == 60 and again["demands"][0]["orders"] == []

    url = f"{API}/supply/orders/{west['id']}/status"
    assert "不能改为" in refused(post(client, url, {"status": "delivered"}), "status")
    dispatched = post(client, url, {"status": "dispatched"}).json()
    assert dispatched["status"] == "dispatched" and dispatched["dispatched_at"]
    assert StockItem.objects.get(pk=county["w1"].pk).quantity == 0
    delivered = post(client, url, {"status": "delivered", "received_by": "李站长"}).json()
    assert (delivered["status"], delivered["received_by"]) == ("delivered", "李站长")
    assert post(client, f"{API}/supply/orders/{east['id']}/status", {"status": "cancelled"}).json()["status"] == \
        "cancelled"
    freed = post(client, f"{API}/supply/plans", {"demands": demands()[1:]}).json()
    assert Decimal(freed["demands"][0]["shortfall"]) == 10  # the 50 east tents are free again
    assert AuditEvent.objects.filter(action="command.supply.order").count() == 3


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"quantity": -5}, "demands.0.quantity", "正数"),
    ({"quantity": 0}, "demands.0.quantity", "正数"),
    ({"item": " "}, "demands.0.item", "不能为空"),
    ({"longitude": None, "latitude": None}, "demands.0.longitude", "经纬度"),
    ({"site_name": ""}, "demands.0.site_name", "名称"),
    ({"shelter": 999999}, "demands.0.shelter", "不存在"),
])
def test_bad_demands_write_nothing(county: dict[str, Any], people: Any, client_for: Any, change: dict[str, Any],
                                   field: str, words: str) -> None:
    body = {"demands": [{**demands()[0], **change}, demands()[1]]}
    assert words in refused(post(client_for(people.admin), f"{API}/supply/plans", body), field)
    assert not SupplyPlan.objects.exists()
    assert not Incident.objects.exists()


def test_no_stock_is_a_shortfall_not_an_error(county: dict[str, Any], people: Any, client_for: Any) -> None:
    body = {"demands": [{**demands()[0], "item": "发电机", "unit": "台", "quantity": 3}]}
    plan = post(client_for(people.admin), f"{API}/supply/plans", body).json()
    assert Decimal(plan["demands"][0]["shortfall"]) == 3 and any("发电机" in note for note in plan["notes"])
