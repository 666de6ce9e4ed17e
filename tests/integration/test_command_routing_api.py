"""Routing over HTTP: Road rows → graph → route, nearest resources by road (scoped), isochrones, refusals.

The roads are laid out in EPSG:4529 metres from the Taiping seat (122.03 E, 41.24 N) so the times are
hand-computed: a 6 km trunk at 60 km/h in two halves, a 30 km/h loop around its eastern half, and a
15 km/h village road north.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import shapely
from django.test import Client

from tests import factories
from yingji.command.network import forget_network
from yingji.core.demo import replace_demo_roads
from yingji.core.geo import from_metric, to_metric
from yingji.core.models import Road
from yingji.registry import choices

API = "/api/v1/command"
ROUTES, NEAREST, ISOCHRONES = f"{API}/routes", f"{API}/nearest", f"{API}/isochrones"
X0, Y0 = to_metric(122.03, 41.24)


def at(x_m: float, y_m: float) -> dict[str, float]:
    lon, lat = from_metric(X0 + x_m, Y0 + y_m)
    return {"lon": lon, "lat": lat}


def line(*points_m: tuple[float, float]) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": [list(from_metric(X0 + x, Y0 + y)) for x, y in points_m]}


def post(client: Any, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def assert_refused(response: Any, field: str) -> list[dict[str, Any]]:
    assert response.status_code == 422, (response.status_code, response.content)
    detail = response.json()["detail"]
    assert any(field in (e.get("field") or "") for e in detail), (field, detail)
    return detail


@pytest.fixture(autouse=True)
def _fresh_graph() -> Iterator[None]:
    """Rolled-back rows can repeat a version (same count and ids), so each test starts without a graph."""
    forget_network()
    yield
    forget_network()


@pytest.fixture
def roads(db: Any) -> dict[str, Road]:
    make = Road.objects.create
    return {
        "west": make(name="干线西段", road_class="national", speed_kmh=60, geometry=line((0, 0), (3000, 0))),
        "east": make(name="干线东段", road_class="national", speed_kmh=60, geometry=line((3000, 0), (6000, 0))),
        "loop": make(name="绕行线", road_class="township", speed_kmh=30,
                     geometry=line((3000, 0), (3000, 1000), (6000, 1000), (6000, 0))),
        "north": make(name="北村道", road_class="village", speed_kmh=15, geometry=line((0, 0), (0, 3000))),
    }


@pytest.fixture
def officer(people: Any, client_for: Any) -> Client:
    return client_for(people.township_taiping)


def test_fastest_route_by_hand(roads: dict[str, Road], officer: Client) -> None:
    response = post(officer, ROUTES, {"from": at(0, 0), "to": at(6000, 0)})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["time_s"] == pytest.approx(360.0, abs=0.01)  # 6 km at 60 km/h
    assert data["length_m"] == pytest.approx(6000.0, abs=0.01)
    assert data["geometry"]["type"] == "LineString"
    assert [s["field"] for s in data["snapped"]] == ["from", "to"]
    assert data["snapped"][0]["distance_m"] == pytest.approx(0.0, abs=0.01)


def test_closing_a_road_reroutes_at_once(roads: dict[str, Road], officer: Client) -> None:
    assert post(officer, ROUTES, {"from": at(0, 0), "to": at(6000, 0)}).json()["time_s"] == pytest.approx(360, abs=0.01)
    Road.objects.filter(pk=roads["east"].pk).update(closed=True)
    data = post(officer, ROUTES, {"from": at(0, 0), "to": at(6000, 0)}).json()
    # 3 km at 60 km/h (180 s), then the 5 km loop at 30 km/h (600 s).
    assert data["time_s"] == pytest.approx(780.0, abs=0.01)
    assert data["length_m"] == pytest.approx(8000.0, abs=0.01)
    path = shapely.LineString(data["geometry"]["coordinates"])
    assert path.distance(shapely.Point(at(4500, 0)["lon"], at(4500, 0)["lat"])) > 1e-4


def test_off_road_points_are_snapped_and_timed(roads: dict[str, Road], officer: Client) -> None:
    data = post(officer, ROUTES, {"from": at(1000, 200), "to": at(2000, 0)}).json()
    # 200 m at the 20 km/h access speed (36 s) + 1 km at 60 km/h (60 s).
    assert data["time_s"] == pytest.approx(96.0, abs=0.01)
    assert data["snapped"][0]["distance_m"] == pytest.approx(200.0, abs=0.01)


@pytest.fixture
def teams(roads: dict[str, Road], people: Any, enterprise_a: Any, enterprise_b: Any) -> dict[str, Any]:
    def team(name: str, x: float, y: float, enterprise: Any, team_type: str = choices.TeamType.HAZMAT) -> Any:
        point = at(x, y)
        return factories.RescueTeamFactory(name=name, enterprise=enterprise, team_type=team_type,
                                           longitude=point["lon"], latitude=point["lat"])

    return {
        "fast": team("甲公司东站救援队", 6000, 0, enterprise_a),  # 6 km away by trunk: 360 s
        "slow": team("甲公司北村救援队", 0, 2000, enterprise_a, choices.TeamType.FLOOD),  # 2 km at 15 km/h: 480 s
        "b": team("乙公司救援队", 1000, 0, enterprise_b),  # 60 s, but not enterprise A's
        "county": people.rescue_team,  # at the Taiping seat itself, owned by the fire brigade
    }


def test_nearest_ranks_by_road_time_not_straight_line(teams: dict[str, Any], people: Any, client_for: Any) -> None:
    response = post(client_for(people.officer_a), NEAREST, {"from": at(0, 0), "kind": "rescue-teams", "n": 5})
    assert response.status_code == 200, response.content
    data = response.json()
    # Enterprise A's officer ranks only A's teams; the 6 km one comes before the 2 km one.
    assert [item["id"] for item in data["items"]] == [teams["fast"].pk, teams["slow"].pk]
    fast, slow = data["items"]
    assert (fast["time_s"], slow["time_s"]) == (pytest.approx(360, abs=0.01), pytest.approx(480, abs=0.01))
    assert (fast["straight_m"], slow["straight_m"]) == (pytest.approx(6000, rel=5e-3), pytest.approx(2000, rel=5e-3))
    assert fast["length_m"] == pytest.approx(6000, abs=0.01)
    assert (data["candidates"], data["unreachable"]) == (2, 0)


def test_nearest_for_the_county_sees_every_team(teams: dict[str, Any], people: Any, client_for: Any,
                                                django_assert_max_num_queries: Any) -> None:
    client = client_for(people.admin)
    with django_assert_max_num_queries(8):
        data = post(client, NEAREST, {"from": at(0, 0), "kind": "rescue-teams", "n": 3}).json()
    assert [item["id"] for item in data["items"]] == [teams["county"].pk, teams["b"].pk, teams["fast"].pk]
    assert data["candidates"] == 4


def test_nearest_applies_the_list_filters(teams: dict[str, Any], people: Any, client_for: Any) -> None:
    body = {"from": at(0, 0), "kind": "rescue-teams", "n": 5, "filters": {"team_type": "flood"}}
    data = post(client_for(people.officer_a), NEAREST, body).json()
    assert [item["id"] for item in data["items"]] == [teams["slow"].pk]


def test_nearest_counts_resources_off_the_network(teams: dict[str, Any], people: Any, client_for: Any) -> None:
    far = at(0, 20_000)
    factories.RescueTeamFactory(name="远山救援队", enterprise=teams["fast"].enterprise, longitude=far["lon"],
                                latitude=far["lat"])
    data = post(client_for(people.officer_a), NEAREST, {"from": at(0, 0), "kind": "rescue-teams"}).json()
    assert (len(data["items"]), data["candidates"], data["unreachable"]) == (2, 3, 1)


def test_isochrones_as_geojson(roads: dict[str, Road], officer: Client) -> None:
    response = post(officer, ISOCHRONES, {"from": at(0, 0), "minutes": [2, 6, 10]})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["minutes"] for f in data["features"]] == [10, 6, 2]
    two = shapely.geometry.shape(data["features"][-1]["geometry"])
    near, beyond = at(1500, 0), at(2500, 0)  # 2 min at 60 km/h reaches 2 km along the trunk
    assert two.contains(shapely.Point(near["lon"], near["lat"]))
    assert not two.contains(shapely.Point(beyond["lon"], beyond["lat"]))
    assert data["features"][-1]["properties"]["road_km"] == pytest.approx(2.0 + 0.5, abs=1e-3)  # + 500 m north


def test_default_isochrones_are_ten_twenty_thirty(roads: dict[str, Road], officer: Client) -> None:
    data = post(officer, ISOCHRONES, {"from": at(0, 0)}).json()
    assert [f["properties"]["minutes"] for f in data["features"]] == [30, 20, 10]


@pytest.mark.parametrize(("url", "body", "field"), [
    (ROUTES, {"from": at(0, 20_000), "to": at(0, 0)}, "from"),
    (ROUTES, {"from": at(0, 0), "to": at(50_000, 0)}, "to"),
    (ROUTES, {"from": {"lon": 500, "lat": 41}, "to": at(0, 0)}, "from.lon"),
    (ROUTES, {"to": at(0, 0)}, "from"),
    (NEAREST, {"from": at(0, 0), "kind": "stock-items"}, "kind"),
    (NEAREST, {"from": at(0, 0), "kind": "dragons"}, "kind"),
    (NEAREST, {"from": at(0, 0), "kind": "rescue-teams", "n": 0}, "n"),
    (NEAREST, {"from": at(0, 0), "kind": "rescue-teams", "n": 51}, "n"),
    (NEAREST, {"from": at(0, 0), "kind": "rescue-teams", "filters": {"colour": "red"}}, "filters.colour"),
    (NEAREST, {"from": at(0, 20_000), "kind": "rescue-teams"}, "from"),
    (ISOCHRONES, {"from": at(0, 0), "minutes": [-10]}, "minutes"),
    (ISOCHRONES, {"from": at(0, 0), "minutes": []}, "minutes"),
    (ISOCHRONES, {"from": at(0, 20_000)}, "from"),
])
def test_bad_input_is_refused_naming_the_field(roads: dict[str, Road], officer: Client, url: str,
                                               body: dict[str, Any], field: str) -> None:
    detail = assert_refused(post(officer, url, body), field)
    assert all(e["message"] for e in detail)


@pytest.mark.parametrize(("url", "body", "field"), [
    (ROUTES, {"from": at(0, 0), "to": at(0, 20_000)}, "to"),
    (ROUTES, {"from": at(0, 20_000), "to": at(0, 0)}, "from"),
    (NEAREST, {"from": at(0, 20_000), "kind": "rescue-teams"}, "from"),
    (ISOCHRONES, {"from": at(0, 20_000)}, "from"),
])
def test_outside_the_network_says_so_in_chinese_naming_the_point(roads: dict[str, Road], officer: Client, url: str,
                                                                 body: dict[str, Any], field: str) -> None:
    detail = assert_refused(post(officer, url, body), field)
    point = body[field]
    # "坐标不在路网覆盖范围内：(122.0…, 41.4…) 距最近的可通行道路 17.0 km，超过 5 km"
    assert "坐标不在路网覆盖范围内" in detail[0]["message"]
    assert f"({point['lon']}, {point['lat']})" in detail[0]["message"]


def test_unconnected_points_are_refused_on_to(roads: dict[str, Road], officer: Client) -> None:
    Road.objects.create(name="孤岛路", road_class="village", speed_kmh=30, geometry=line((0, 9000), (1000, 9000)))
    detail = assert_refused(post(officer, ROUTES, {"from": at(0, 0), "to": at(500, 9000)}), "to")
    assert "没有连通" in detail[0]["message"]


def test_an_empty_network_is_refused(db: Any, officer: Client) -> None:
    assert_refused(post(officer, ROUTES, {"from": at(0, 0), "to": at(10, 0)}), "from")


@pytest.mark.parametrize("url", [ROUTES, NEAREST, ISOCHRONES])
def test_anonymous_is_refused(db: Any, url: str) -> None:
    assert post(Client(), url, {"from": at(0, 0), "to": at(1, 0), "kind": "rescue-teams"}).status_code == 401


def test_a_route_across_the_demo_county(db: Any, officer: Client) -> None:
    replace_demo_roads()
    # From the Taiping seat to a point near the county's north-west corner.
    response = post(officer, ROUTES, {"from": {"lon": 122.03, "lat": 41.24}, "to": {"lon": 121.8, "lat": 41.3}})
    assert response.status_code == 200, response.content
    data = response.json()
    assert 10_000 < data["length_m"] < 60_000
    assert data["time_s"] > data["length_m"] / (100 / 3.6)  # nothing in the county is faster than 100 km/h
    assert len(data["geometry"]["coordinates"]) > 3
