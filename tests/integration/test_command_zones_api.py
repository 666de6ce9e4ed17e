"""POST /api/v1/command/dispersion/zones: polygons, what lies inside each zone (scoped), 422 by field, 401.

The reference release (chlorine, 1000 g/s, 5 m/s, D rural, ground level) reaches 565 m (red), 2317 m
(orange) and 6072 m (yellow) downwind — see tests/unit/test_command_zones.py for the arithmetic.
With the wind from the north and the source 0.01° north of the factories' default point (122.03, 41.24),
that point lies ≈ 1110 m downwind on the axis: in the orange zone.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests import factories
from tests.factories import TAIPING_LAT, TAIPING_LON
from yingji.core.models import AdminArea
from yingji.core.models.areas import AreaLevel

ZONES = "/api/v1/command/dispersion/zones"
SOURCE_LAT = TAIPING_LAT + 0.01  # ≈ 1110 m north of the records' default point
BODY: dict[str, Any] = {"chemical": "氯气", "q_g_s": 1000, "u_m_s": 5, "wind_from_deg": 0, "stability": "D",
                        "terrain": "rural", "h_m": 0, "source": {"lon": TAIPING_LON, "lat": SOURCE_LAT}}
KINDS = ("villages", "schools", "medical-facilities", "shelters", "enterprises")


def post(client: Any, body: Any) -> Any:
    return client.post(ZONES, body if isinstance(body, str) else json.dumps(body), content_type="application/json")


def names(data: dict[str, Any], zone: str, kind: str) -> list[str]:
    return [item["name"] for item in data["inside"][zone][kind]]


@pytest.fixture
def placed(people: Any, departments: Any, taiping: AdminArea) -> dict[str, Any]:
    """Records south of the source (inside the zones) and beside or behind it (outside)."""
    south = {"longitude": TAIPING_LON, "admin_area": taiping}
    return {
        # 278 m downwind on the axis: red
        "clinic": factories.MedicalFacilityFactory(name="太平卫生院", latitude=SOURCE_LAT - 0.0025, **south),
        # the default point, 1110 m downwind: orange
        "school": factories.SchoolFactory(name="太平中心小学", owner_department=departments.education),
        # 5550 m downwind on the axis: yellow
        "shelter": factories.ShelterFactory(name="南郊避难场所", latitude=SOURCE_LAT - 0.05, **south),
        # 1.7 km east of the axis, and 1.1 km upwind: outside every zone
        "far_school": factories.SchoolFactory(name="东郊小学", longitude=TAIPING_LON + 0.02, latitude=TAIPING_LAT,
                                              owner_department=departments.education),
        "upwind_hospital": factories.MedicalFacilityFactory(name="北郊医院", longitude=TAIPING_LON,
                                                            latitude=SOURCE_LAT + 0.01),
        "unplaced_shelter": factories.ShelterFactory(name="未定位避难场所", longitude=None, latitude=None),
    }


def test_happy_path(people: Any, placed: dict[str, Any], client_for: Any) -> None:
    response = post(client_for(people.admin), BODY)  # the county admin reads every record
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["type"] == "FeatureCollection"
    features = data["features"]
    assert [f["properties"]["zone"] for f in features] == ["yellow", "orange", "red"]
    assert [round(f["properties"]["max_distance_m"]) for f in features] == [6072, 2317, 565]
    assert [f["properties"]["threshold_ppm"] for f in features] == [0.5, 2.0, 20.0]
    assert features[1]["properties"]["threshold_mg_m3"] == pytest.approx(2 * 70.90 / 24.45, rel=1e-6)
    for feature in features:
        assert feature["geometry"]["type"] == "Polygon"
        assert all(lat <= SOURCE_LAT + 1e-9 for _, lat in feature["geometry"]["coordinates"][0])  # south
    assert data["chemical"] == {"name": "氯", "name_en": "chlorine", "cas": "7782-50-5", "molar_mass_g_mol": 70.9,
                                "hazard": "toxic"}
    assert any("重气" in m for m in data["limits"]) and any("高斯烟羽" in m for m in data["limits"])
    # What lies inside: each record once, under the most severe zone it is in.
    assert set(data["inside"]) == {"red", "orange", "yellow"}
    assert all(set(data["inside"][zone]) == {*KINDS, "population"} for zone in data["inside"])
    assert names(data, "red", "medical-facilities") == ["太平卫生院"]
    assert names(data, "orange", "schools") == ["太平中心小学"]
    assert names(data, "yellow", "shelters") == ["南郊避难场所"]
    # Both enterprises stand at the default point (orange).
    assert sorted(names(data, "orange", "enterprises")) == ["乙石化有限公司", "甲化工有限公司"]
    everything = {item["name"] for zone in data["inside"].values() for kind in KINDS for item in zone[kind]}
    assert not everything & {"东郊小学", "北郊医院", "未定位避难场所"}
    clinic = data["inside"]["red"]["medical-facilities"][0]
    assert clinic["id"] == placed["clinic"].pk and clinic["downwind_m"] == pytest.approx(277.7, abs=1)
    # The test areas carry no population: said, not invented.
    assert data["population"] is None and "尚无人口数据" in data["population_note"]
    assert all(zone["population"] is None for zone in data["inside"].values())


def test_villages_inside_are_listed(people: Any, client_for: Any) -> None:
    village = AdminArea.objects.filter(level=AreaLevel.VILLAGE, longitude__isnull=False).order_by("code").first()
    assert village is not None and village.latitude is not None
    body = {**BODY, "source": {"lon": village.longitude, "lat": village.latitude + 0.009}}  # ≈ 1 km north
    data = post(client_for(people.township_gaosheng), body).json()
    found = {item["code"]: item for zone in data["inside"].values() for item in zone["villages"]}
    assert village.code in found
    assert found[village.code]["name"] == village.name and found[village.code]["id"] == village.pk
    assert village.code in {item["code"] for item in data["inside"]["orange"]["villages"]}
    # Every village listed really lies in the yellow polygon's downwind reach.
    assert all(0 < item["downwind_m"] <= 6073 for item in found.values())


def test_population_is_the_sum_of_the_villages_inside(people: Any, client_for: Any) -> None:
    village = AdminArea.objects.filter(level=AreaLevel.VILLAGE, longitude__isnull=False).order_by("code").first()
    assert village is not None and village.latitude is not None
    body = {**BODY, "source": {"lon": village.longitude, "lat": village.latitude + 0.009}}
    before = post(client_for(people.admin), body).json()
    listed = [item["code"] for zone in before["inside"].values() for item in zone["villages"]]
    # Give every listed village 1 000 residents except the first, which gets 250.
    AdminArea.objects.filter(code__in=listed).update(population=1000, population_source="统计年鉴")
    AdminArea.objects.filter(code=village.code).update(population=250)
    data = post(client_for(people.admin), body).json()
    assert data["population"] == 1000 * (len(listed) - 1) + 250
    assert data["inside"]["orange"]["population"] == sum(
        v["population"] for v in data["inside"]["orange"]["villages"])
    assert {v["code"]: v["population"] for v in data["inside"]["orange"]["villages"]}[village.code] == 250
    assert "常住人口之和" in data["population_note"]


def test_inside_is_scoped_to_the_reader(people: Any, placed: dict[str, Any], client_for: Any) -> None:
    data = post(client_for(people.officer_a), BODY).json()
    enterprises = [name for zone in data["inside"].values() for name in (i["name"] for i in zone["enterprises"])]
    assert enterprises == ["甲化工有限公司"]  # not 乙石化, which officer B's
    assert "有权查看" in data["scope_note"]
    # Schools are the education bureau's: an enterprise officer sees none of them inside.
    assert all(zone["schools"] == [] for zone in data["inside"].values())
    # The polygons are the same whoever asks.
    bureau = post(client_for(people.emergency_officer), BODY).json()
    assert bureau["features"] == data["features"]
    # The emergency bureau supervises enterprises (both), but not the clinic nobody assigned to it.
    assert sorted(i["name"] for i in bureau["inside"]["orange"]["enterprises"]) == ["乙石化有限公司", "甲化工有限公司"]
    assert bureau["inside"]["red"]["medical-facilities"] == []


def test_flammable_zones(people: Any, client_for: Any) -> None:
    body = {**BODY, "chemical": "天然气", "hazard": "flammable", "q_g_s": 5000}
    response = post(client_for(people.township_taiping), body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert [(f["properties"]["zone"], f["properties"]["level"]) for f in data["features"]] == [
        ("yellow", "10% LEL"), ("red", "60% LEL")]
    assert set(data["inside"]) == {"red", "yellow"}
    assert data["chemical"]["name"] == "甲烷" and any("上浮" in m for m in data["limits"])


def test_bearer_token_works(people: Any, token_client_for: Any) -> None:
    assert post(token_client_for(people.township_taiping), BODY).status_code == 200


def assert_refused(response: Any, *fields: str) -> None:
    assert response.status_code == 422, (response.status_code, response.content)
    got = {e.get("field") or "" for e in response.json()["detail"]}
    for field in fields:
        assert any(field in f for f in got), (field, response.json())


@pytest.mark.parametrize(("change", "field"), [
    ({"chemical": "不存在的化学品"}, "chemical"),
    ({"chemical": "电石"}, "chemical"),  # in the catalogue, no AEGL, ERPG or LEL tabulated
    ({"chemical": "hydrogen"}, "chemical"),  # no AEGL, ERPG or PAC values (flammable zones only)
    ({"chemical": "chlorine", "hazard": "flammable"}, "chemical"),  # no LEL
    ({"hazard": "explosive"}, "hazard"),
    ({"q_g_s": -10}, "q_g_s"),
    ({"q_g_s": 0}, "q_g_s"),
    ({"u_m_s": -1}, "u_m_s"),
    ({"u_m_s": 0}, "u_m_s"),
    ({"stability": "G"}, "stability"),
    ({"stability": "A-B"}, "stability"),
    ({"terrain": "forest"}, "terrain"),
    ({"h_m": -3}, "h_m"),
    ({"wind_from_deg": 361}, "wind_from_deg"),
    ({"wind_from_deg": -10}, "wind_from_deg"),
    ({"source": {"lon": 2.35, "lat": 48.85}}, "source"),
    ({"source": {"lon": 41.24, "lat": 122.03}}, "source"),
    ({"source": {"lon": 122.03}}, "source.lat"),
    ({"q_g_s": "很多"}, "q_g_s"),
    ({"chemical": None}, "chemical"),
])
def test_bad_input_is_refused_by_field(people: Any, client_for: Any, change: dict[str, Any], field: str) -> None:
    assert_refused(post(client_for(people.township_taiping), {**BODY, **change}), field)


def test_every_problem_at_once(people: Any, client_for: Any) -> None:
    body = {**BODY, "chemical": "xx", "q_g_s": -1, "u_m_s": -1, "stability": "Z", "wind_from_deg": 720,
            "source": {"lon": 0, "lat": 0}}
    assert_refused(post(client_for(people.township_taiping), body),
                   "chemical", "q_g_s", "u_m_s", "stability", "wind_from_deg", "source")


def test_lower_case_stability_and_terrain_are_accepted(people: Any, client_for: Any) -> None:
    body = {**BODY, "stability": " d ", "terrain": "RURAL", "chemical": "7782-50-5"}
    assert post(client_for(people.township_taiping), body).status_code == 200


def test_anonymous_is_refused(anon_client: Any) -> None:
    assert post(anon_client, BODY).status_code == 401


def test_puff_zones_over_http(people: Any, client_for: Any) -> None:
    body = {**BODY, "model": "puff", "mass_g": 500_000, "u_m_s": 3}
    del body["q_g_s"]
    response = post(client_for(people.admin), body)
    assert response.status_code == 200, response.content
    data = response.json()
    red = next(f for f in data["features"] if f["properties"]["zone"] == "red")
    assert red["properties"]["max_distance_m"] == pytest.approx(4614.8, abs=0.5)  # see test_command_zones.py
    assert any("高斯烟团" in m for m in data["limits"])


@pytest.mark.parametrize(("change", "field"), [
    ({"model": "puff"}, "mass_g"),  # a puff without its mass (q_g_s is ignored only when absent)
    ({"model": "puff", "q_g_s": None, "mass_g": -1}, "mass_g"),
    ({"model": "jet", "q_g_s": 1}, "model"),
    ({"q_g_s": None}, "q_g_s"),
    ({"mass_g": 5}, "mass_g"),  # a plume does not take a mass
])
def test_puff_and_plume_inputs_are_checked(people: Any, client_for: Any, change: dict[str, Any], field: str) -> None:
    body = {**BODY, **change}
    response = post(client_for(people.admin), body)
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["detail"]}


def test_erpg_fallback_over_http(people: Any, client_for: Any) -> None:
    data = post(client_for(people.admin), {**BODY, "chemical": "甲苯"}).json()
    assert [f["properties"]["level"] for f in data["features"]] == ["ERPG-1", "ERPG-2", "ERPG-3"]
