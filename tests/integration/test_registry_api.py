"""The generated registry API: a CRUD roundtrip per kind, and bad input that must be refused with 422."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from yingji.core.credit_code import make_credit_code
from yingji.registry import choices
from yingji.registry.models import Enterprise, Shelter, StockItem
from yingji.registry.resources import SPECS, SPECS_BY_SLUG

API = "/api/v1/registry"
GOOD_CODE = make_credit_code("91211122MA0000777")
LON, LAT = factories.TAIPING_LON, factories.TAIPING_LAT


def create_payloads(taiping: Any, warehouse: Any) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Per slug: a valid create body and a valid change to it."""
    here = {"admin_area": taiping.pk, "longitude": LON, "latitude": LAT, "address": "太平街道1号"}
    return {
        "enterprises": ({"name": "丙化工", "credit_code": GOOD_CODE, "industry": "chemical", **here},
                        {"employees": 120}),
        "schools": ({"name": "太平小学", "school_type": choices.SchoolType.PRIMARY, "students": 500, **here},
                    {"students": 480}),
        "rescue-teams": ({"name": "太平救援队", "team_type": choices.TeamType.FLOOD, "members": 12, **here},
                         {"status": choices.ReadinessStatus.DEPLOYED}),
        "experts": ({"name": "刘专家", "specialty": choices.ExpertSpecialty.FIRE, **here}, {"available": False}),
        "warehouses": ({"name": "县一号库", "area_m2": 800.5, **here}, {"manager": "钱管理"}),
        "stock-items": ({"warehouse": warehouse.pk, "name": "救生衣", "category": choices.StockCategory.values[0],
                         "quantity": "250.00", "unit": "件", "expiry_date": "2031-06-30"}, {"quantity": "240.50"}),
        "shelters": ({"name": "太平广场", "capacity": 3000, "occupancy": 10, **here}, {"occupancy": 20}),
        "medical-facilities": ({"name": "县人民医院", "level": choices.MedicalLevel.values[0], "beds": 400, **here},
                               {"icu_beds": 20}),
        "vehicles": ({"plate": "辽L12345", "vehicle_type": choices.VehicleType.values[0], **here},
                     {"driver": "周师傅"}),
        "equipment": ({"name": "排涝泵", "kind": choices.EquipmentKind.values[0], "quantity": 3, **here},
                      {"quantity": 4}),
    }


@pytest.fixture
def admin(people: Any, client_for: Any) -> Any:
    return client_for(people.admin)


@pytest.fixture
def warehouse(taiping: Any) -> Any:
    return factories.WarehouseFactory(admin_area=taiping)


def post(client: Any, url: str, body: Any) -> Any:
    return client.post(url, body if isinstance(body, str) else json.dumps(body), content_type="application/json")


def patch(client: Any, url: str, body: Any) -> Any:
    return client.patch(url, body if isinstance(body, str) else json.dumps(body), content_type="application/json")


def test_every_spec_has_a_payload(taiping: Any, warehouse: Any) -> None:
    assert set(create_payloads(taiping, warehouse)) == {spec.slug for spec in SPECS}


@pytest.mark.parametrize("slug", [spec.slug for spec in SPECS])
def test_crud_roundtrip(slug: str, admin: Any, taiping: Any, warehouse: Any) -> None:
    body, change = create_payloads(taiping, warehouse)[slug]
    model = SPECS_BY_SLUG[slug].model
    before = model.objects.count()

    created = post(admin, f"{API}/{slug}", body)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    url = f"{API}/{slug}/{pk}"
    fetched = admin.get(url).json()
    for key, value in body.items():
        got = fetched[key]
        assert str(got) == str(value) or float(got) == float(value), (key, got, value)

    changed = patch(admin, url, change)
    assert changed.status_code == 200, changed.content
    for key, value in change.items():
        assert str(admin.get(url).json()[key]) in (str(value), f"{value}".rstrip("0"))

    listed = admin.get(f"{API}/{slug}", {"limit": 1000}).json()
    assert pk in {item["id"] for item in listed["items"]}
    assert admin.delete(url).status_code == 204
    assert admin.get(url).status_code == 404
    assert model.objects.count() == before


def test_relations_are_accepted_under_their_output_names(admin: Any, taiping: Any, departments: Any) -> None:
    """What GET returns (`admin_area`, `owner_department`) can be sent back, and so can the *_id form."""
    created = post(admin, f"{API}/shelters", {"name": "场所", "capacity": 5, "admin_area": taiping.pk})
    assert created.status_code == 201
    assert created.json()["admin_area"] == taiping.pk
    url = f"{API}/shelters/{created.json()['id']}"
    fire = departments.fire.pk
    assert patch(admin, url, {"owner_department": fire}).json()["owner_department"] == fire
    assert patch(admin, url, {"owner_department_id": departments.education.pk}).json()["owner_department"] == (
        departments.education.pk)


def _assert_refused(response: Any, field: str, model: Any, count_before: int) -> None:
    assert response.status_code == 422, (response.status_code, response.content)
    fields = [e.get("field") or "" for e in response.json()["detail"]]
    assert any(field in f for f in fields), (field, response.json())
    assert model.objects.count() == count_before


BAD_ENTERPRISES = [
    ("wrong checksum", {"credit_code": GOOD_CODE[:17] + ("0" if GOOD_CODE[17] != "0" else "1")}, "credit_code"),
    ("too short", {"credit_code": "91211122MA000077"}, "credit_code"),
    ("illegal letter", {"credit_code": "91211122MA00007I7"}, "credit_code"),
    ("lowercase junk", {"credit_code": "not-a-code"}, "credit_code"),
    ("lat/lon swapped", {"longitude": LAT, "latitude": LON}, "longitude"),
    ("outside China", {"longitude": 2.35, "latitude": 48.85}, "longitude"),
    ("only longitude", {"longitude": LON, "latitude": None}, "latitude"),
    ("negative employees", {"employees": -5}, "employees"),
    ("wrong type", {"employees": "很多"}, "employees"),
    ("unknown area", {"admin_area": 987654}, "admin_area"),
    ("unknown department", {"owner_department": 987654}, "owner_department"),
    ("unknown choice", {"industry": "spaceflight"}, "industry"),
    ("bad phone", {"safety_officer_phone": "12345abc"}, "safety_officer_phone"),
    ("missing name", {"name": None}, "name"),
]


@pytest.mark.parametrize(("case", "change", "field"), BAD_ENTERPRISES, ids=[c[0] for c in BAD_ENTERPRISES])
def test_bad_enterprise_is_refused(case: str, change: dict[str, Any], field: str, admin: Any, taiping: Any) -> None:
    body = {"name": "丁公司", "credit_code": GOOD_CODE, "admin_area": taiping.pk, "longitude": LON,
            "latitude": LAT, **change}
    before = Enterprise.objects.count()
    _assert_refused(post(admin, f"{API}/enterprises", body), field, Enterprise, before)


def test_duplicate_credit_code_is_refused(admin: Any, enterprise_a: Any) -> None:
    before = Enterprise.objects.count()
    response = post(admin, f"{API}/enterprises", {"name": "重复", "credit_code": enterprise_a.credit_code})
    _assert_refused(response, "credit_code", Enterprise, before)
    assert "已存在" in response.json()["detail"][0]["message"]


def test_bad_patch_leaves_the_record_unchanged(admin: Any, enterprise_a: Any) -> None:
    url = f"{API}/enterprises/{enterprise_a.pk}"
    for change, field in (({"credit_code": "911111"}, "credit_code"),
                          ({"longitude": LAT, "latitude": LON}, "longitude"),
                          ({"employees": -1}, "employees"), ({"admin_area": 987654}, "admin_area")):
        response = patch(admin, url, change)
        assert response.status_code == 422, (change, response.content)
        assert any(field in (e.get("field") or "") for e in response.json()["detail"])
    fresh = Enterprise.objects.get(pk=enterprise_a.pk)
    assert (fresh.credit_code, fresh.longitude, fresh.employees) == (
        enterprise_a.credit_code, enterprise_a.longitude, enterprise_a.employees)


@pytest.mark.parametrize(("slug", "body", "field"), [
    ("shelters", {"name": "负数", "capacity": -1}, "capacity"),
    ("shelters", {"name": "超员", "capacity": 10, "occupancy": 11}, "occupancy"),
    ("shelters", {"name": "类型", "capacity": "一千"}, "capacity"),
    ("equipment", {"name": "泵", "kind": choices.EquipmentKind.values[0], "quantity": -2}, "quantity"),
    ("warehouses", {"name": "库", "area_m2": -10}, "area_m2"),
    ("medical-facilities", {"name": "院", "level": choices.MedicalLevel.values[0], "beds": -3}, "beds"),
    ("vehicles", {"plate": "辽L0", "vehicle_type": choices.VehicleType.values[0], "longitude": 300, "latitude": 41},
     "longitude"),
])
def test_negative_and_mistyped_quantities_are_refused(slug: str, body: dict[str, Any], field: str,
                                                      admin: Any) -> None:
    model = SPECS_BY_SLUG[slug].model
    before = model.objects.count()
    _assert_refused(post(admin, f"{API}/{slug}", body), field, model, before)


def test_negative_stock_quantity_is_refused(admin: Any, warehouse: Any) -> None:
    before = StockItem.objects.count()
    body = {"warehouse": warehouse.pk, "name": "沙袋", "category": choices.StockCategory.values[0],
            "quantity": "-1", "unit": "袋"}
    _assert_refused(post(admin, f"{API}/stock-items", body), "quantity", StockItem, before)
    body.update(quantity="1", warehouse=987654)
    _assert_refused(post(admin, f"{API}/stock-items", body), "warehouse", StockItem, before)


def test_duplicate_plate_is_refused(admin: Any, taiping: Any) -> None:
    factories.VehicleFactory(plate="辽L88888")
    model = SPECS_BY_SLUG["vehicles"].model
    before = model.objects.count()
    body = {"plate": "辽L88888", "vehicle_type": choices.VehicleType.values[0]}
    _assert_refused(post(admin, f"{API}/vehicles", body), "plate", model, before)


def test_deleting_a_referenced_record_is_refused(admin: Any, people: Any, enterprise_a: Any) -> None:
    response = admin.delete(f"{API}/enterprises/{enterprise_a.pk}")  # officer_a's account points at it
    assert response.status_code == 422
    assert Enterprise.objects.filter(pk=enterprise_a.pk).exists()


GARBAGE = [
    "", "null", "[]", "[1,2,3]", '"text"', "{", "{'single': 'quotes'}", "\x00\x01\x02",
    '{"name": {"nested": true}, "capacity": 10}',
    '{"name": "x", "capacity": 1e400}',
    '{"name": "x", "capacity": 99999999999999999999999999}',
    '{"name": "x", "capacity": 10, "longitude": NaN, "latitude": 41}',
    '{"name": "x", "capacity": 10, "longitude": Infinity, "latitude": -Infinity}',
    '{"name": "' + "长" * 5000 + '", "capacity": 10}',
    '{"name": "x", "capacity": 10, "admin_area": "太平街道"}',
    '{"name": "x", "capacity": 10, "admin_area": -1}',
    '{"name": "x", "capacity": true}',
    '{"name": "x", "capacity": 10, "status": null, "kind": null}',
    '{"name": "x", "capacity": 10, "id": 1, "is_demo": true, "created_at": "yesterday"}',
]


@pytest.mark.parametrize("body", GARBAGE)
def test_garbage_bodies_never_cause_a_server_error(body: str, admin: Any) -> None:
    before = Shelter.objects.count()
    for response in (post(admin, f"{API}/shelters", body), patch(admin, f"{API}/shelters/1", body)):
        assert response.status_code < 500, (body[:60], response.status_code, response.content[:300])
    created = Shelter.objects.count() - before
    assert created <= 1  # only the well-formed bodies may create a record


@pytest.mark.parametrize("path", [
    "/enterprises/abc", "/enterprises/-1", "/enterprises/99999999999999999999", "/nope",
    "/enterprises?limit=abc", "/enterprises?limit=-5&offset=-9", "/enterprises/export?format=pdf",
    "/stock-items/export?format=geojson", "/enterprises?sort=password", "/enterprises?in_chemical_park=maybe",
])
def test_odd_urls_never_cause_a_server_error(path: str, admin: Any) -> None:
    assert admin.get(f"{API}{path}").status_code < 500


def test_township_is_taken_from_the_location_when_not_given(admin: Any, taiping: Any) -> None:
    """A record placed inside 太平街道 without a township lands in 太平街道's scope."""
    response = admin.post(f"{API}/shelters", json.dumps({"name": "无乡镇避难点", "capacity": 100, "longitude": LON,
                                                         "latitude": LAT}), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["admin_area"] == taiping.pk


def test_import_without_township_column_locates_each_row(admin: Any, taiping: Any) -> None:
    body = f"避难场所名称,容纳人数,经度,纬度\n甲,100,{LON},{LAT}\n".encode()
    upload = SimpleUploadedFile("s.csv", body, content_type="text/csv")
    response = admin.post(f"{API}/shelters/import", {"file": upload, "dry_run": "false"})
    assert response.json()["written"] == 1, response.content
    assert Shelter.objects.get(name="甲").admin_area_id == taiping.pk


def test_api_messages_are_chinese_text_not_escapes(admin: Any) -> None:
    body = json.dumps({"name": "坏", "capacity": -1})
    response = admin.post(f"{API}/shelters", body, content_type="application/json")
    assert response.status_code == 422
    assert "大于或等于" in response.content.decode()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": "甲", "capacity": "很多"}, "capacity", "必须是整数"),
        ({"capacity": 10}, "name", "必填"),
        ({"name": "甲", "capacity": 10, "longitude": "东经"}, "longitude", "必须是数字"),
    ],
)
def test_schema_errors_name_the_field_in_chinese(body: dict[str, Any], field: str, message: str, admin: Any) -> None:
    response = admin.post(f"{API}/shelters", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert {"field": field, "message": message} in response.json()["detail"]
