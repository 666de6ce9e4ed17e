"""Stored units: declared inventories are identified and graded as the pure calculator says (GB 18218-2018),
regraded and audited on every change, scoped to their enterprise, listed in the county overview."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from yingji.core import events
from yingji.core.models import AuditAction, AuditEvent
from yingji.hazmat import services
from yingji.hazmat.constants import UNIT_GRADED, HazmatAudit
from yingji.hazmat.grading import evaluate_unit
from yingji.hazmat.models import HazardUnit, Tank, UnitInventory

API = "/api/v1/hazmat"
JSON = "application/json"


def make_unit(enterprise: Any, actor: Any, name: str = "液氯罐区", population: int = 120,
              inventory: list[tuple[str, float, str | None]] | None = None) -> HazardUnit:
    unit = services.create_unit({"enterprise": enterprise, "name": name, "kind": "storage",
                                 "exposed_population": population}, actor=actor)
    rows = [services.InventoryRow(*row) for row in inventory or []]
    return services.replace_inventory(unit, rows, actor=actor) if rows else unit


def audit_events(unit: HazardUnit, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="hazmat.hazardunit", object_id=str(unit.pk), action=action)
                .order_by("seq"))


# --- identification and grading ------------------------------------------------------------------------
def test_unit_with_20_t_chlorine_and_120_people_is_grade_three(people: Any, enterprise_a: Any,
                                                                client_for: Any) -> None:
    client = client_for(people.officer_a)
    created = client.post(f"{API}/units", {"name": "液氯罐区", "kind": "storage", "exposed_population": 120},
                          content_type=JSON)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["enterprise_id"] == enterprise_a.pk  # an enterprise officer's unit is their enterprise's
    assert (body["s"], body["is_major_hazard"], body["grade"]) == (0.0, False, None)
    assert (body["longitude"], body["latitude"]) == (enterprise_a.longitude, enterprise_a.latitude)

    graded = client.put(f"{API}/units/{body['id']}/inventory", [{"substance": "液氯", "quantity_t": 20}],
                        content_type=JSON)
    assert graded.status_code == 200, graded.content
    unit = graded.json()
    # S = 20/5 = 4; R = α 2 (≥ 100 people) × β 4 (table 3, chlorine) × 4 = 32 → 三级
    assert (unit["s"], unit["is_major_hazard"], unit["r"], unit["grade"], unit["grade_label"]) == (
        4.0, True, 32.0, 3, "三级")
    assert unit["alpha"] == 2.0
    assert unit["inventory"] == [{"substance": "氯", "category": None, "max_quantity_t": 20.0}]
    [line] = unit["contributions"]
    assert (line["chemical"], line["critical_q"], line["q_over_Q"], line["beta"]) == ("氯", 5.0, 4.0, 4.0)
    assert "表3" in line["beta_reason"]

    expected = evaluate_unit("液氯罐区", 120, [("氯", 20)])
    assert unit["r"] == expected.r and unit["s"] == expected.s
    assert client.get(f"{API}/units/{body['id']}").json()["contributions"] == unit["contributions"]


def test_categories_and_several_substances_add_up_as_the_calculator_does(people: Any, enterprise_a: Any) -> None:
    unit = make_unit(enterprise_a, people.admin, inventory=[("氯", 20, None), ("8002-05-9", 3000, "w5.3")])
    # S = 20/5 + 3000/1000 = 7; R = 2 × (4·4 + 1·3) = 38 → 三级 (docs/hazmat.md's example)
    assert (unit.s, unit.r, unit.grade) == (7.0, 38.0, 3)
    assert set(unit.inventory.values_list("substance", "category")) == {("氯", ""), ("原油", "W5.3")}


def test_changing_the_inventory_regrades_audits_and_publishes(people: Any, enterprise_a: Any, client_for: Any,
                                                               django_capture_on_commit_callbacks: Any) -> None:
    unit = make_unit(enterprise_a, people.officer_a, inventory=[("氯", 20, None)])
    client = client_for(people.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.put(f"{API}/units/{unit.pk}/inventory", [{"substance": "Chlorine", "quantity_t": 60}],
                              content_type=JSON)
    assert response.status_code == 200, response.content
    # S = 12; R = 2 × 4 × 12 = 96 → 二级
    assert (response.json()["r"], response.json()["grade"]) == (96.0, 2)
    [event] = audit_events(unit, HazmatAudit.INVENTORY_REPLACE)[-1:]
    assert event.actor_id == people.officer_a.pk
    assert (event.before["grade"], event.after["grade"]) == (3, 2)
    assert event.before["inventory"] == [{"substance": "氯", "quantity_t": 20.0, "category": None}]
    assert event.after["inventory"] == [{"substance": "氯", "quantity_t": 60.0, "category": None}]
    published = [e for e in events.backend().recent(0) if e.topic == UNIT_GRADED]
    assert published[-1].payload["grade"] == 2 and published[-1].payload["previous_grade"] == 3
    assert published[-1].scope.enterprise_id == enterprise_a.pk


def test_set_and_remove_inventory_regrade_each_time(people: Any, enterprise_a: Any) -> None:
    unit = make_unit(enterprise_a, people.officer_a)
    services.set_inventory(unit, "液氯", 20, actor=people.officer_a)
    assert (unit.s, unit.r, unit.grade) == (4.0, 32.0, 3)
    services.set_inventory(unit, "液氨", 10, actor=people.officer_a)
    # S = 4 + 1 = 5; R = 2 × (4·4 + 2·1) = 36 → 三级
    assert (unit.s, unit.r, unit.grade) == (5.0, 36.0, 3)
    services.set_inventory(unit, "7782-50-5", 5, actor=people.officer_a)  # same chlorine row, by CAS
    assert UnitInventory.objects.filter(unit=unit).count() == 2
    # S = 5/5 + 10/10 = 2; R = 2 × (4·1 + 2·1) = 12 → 三级
    assert (unit.s, unit.r, unit.grade) == (2.0, 12.0, 3)
    services.remove_inventory(unit, "氯", actor=people.officer_a)
    # ammonia alone: S = 1 (a major hazard, exactly on the boundary); R = 2 × 2 × 1 = 4 → 四级
    assert (unit.s, unit.is_major_hazard, unit.r, unit.grade) == (1.0, True, 4.0, 4)
    services.remove_inventory(unit, "氨", actor=people.officer_a)
    unit.refresh_from_db()
    assert (unit.s, unit.is_major_hazard, unit.r, unit.grade, unit.contributions) == (0.0, False, None, None, [])
    sets = audit_events(unit, HazmatAudit.INVENTORY_SET)
    removes = audit_events(unit, HazmatAudit.INVENTORY_REMOVE)
    assert [(e.before["grade"], e.after["grade"]) for e in sets] == [(None, 3), (3, 3), (3, 3)]
    assert [(e.before["grade"], e.after["grade"]) for e in removes] == [(3, 4), (4, None)]


def test_fewer_people_lower_alpha_and_the_grade(people: Any, enterprise_a: Any, client_for: Any) -> None:
    unit = make_unit(enterprise_a, people.officer_a, inventory=[("氯", 20, None)])
    response = client_for(people.officer_a).patch(f"{API}/units/{unit.pk}", {"exposed_population": 0},
                                                  content_type=JSON)
    assert response.status_code == 200, response.content
    # α 0.5 (nobody within 500 m): R = 0.5 × 4 × 4 = 8 → 四级
    assert (response.json()["alpha"], response.json()["r"], response.json()["grade"]) == (0.5, 8.0, 4)
    [update] = audit_events(unit, AuditAction.UPDATE)
    assert (update.before["grade"], update.after["grade"]) == (3, 4)


def test_deleting_a_unit_keeps_its_inventory_in_the_audit(people: Any, enterprise_a: Any, client_for: Any) -> None:
    unit = make_unit(enterprise_a, people.officer_a, inventory=[("氯", 20, None)])
    Tank.objects.create(unit=unit, code="V-101", volume_m3=30, medium="氯")
    assert client_for(people.officer_a).delete(f"{API}/units/{unit.pk}").status_code == 204
    assert not HazardUnit.objects.filter(pk=unit.pk).exists()
    assert not UnitInventory.objects.filter(unit_id=unit.pk).exists()
    [deleted] = audit_events(unit, AuditAction.DELETE)
    assert deleted.before["grade"] == 3 and deleted.before["inventory"][0]["substance"] == "氯"


# --- bad input: 422 naming the field, nothing written ----------------------------------------------------
@pytest.mark.parametrize(("rows", "field", "words"), [
    ([{"substance": "某溶剂", "quantity_t": 1}], "0.substance", "未知危险化学品"),
    ([{"substance": "氯", "quantity_t": 1}, {"substance": "原油", "quantity_t": 100}], "1.category", "原油"),
    ([{"substance": "氯", "quantity_t": -1}], "0.quantity_t", "负数"),
    ([{"substance": "氯", "quantity_t": 1, "category": "W99"}], "0.category", "W99"),
    ([{"substance": "液氯", "quantity_t": 1}, {"substance": "7782-50-5", "quantity_t": 2}], "1.substance", "重复"),
    ([{"substance": "硝酸铵", "quantity_t": 1}], "0.substance", "硝酸铵"),
])
def test_bad_inventory_is_422_and_changes_nothing(rows: list[dict[str, Any]], field: str, words: str, people: Any,
                                                 enterprise_a: Any, client_for: Any) -> None:
    unit = make_unit(enterprise_a, people.officer_a, inventory=[("氯", 20, None)])
    response = client_for(people.officer_a).put(f"{API}/units/{unit.pk}/inventory", rows, content_type=JSON)
    assert response.status_code == 422, response.content
    problems = {p["field"]: p["message"] for p in response.json()["detail"]}
    assert field in problems and words in problems[field], problems
    unit.refresh_from_db()
    assert (unit.grade, list(unit.inventory.values_list("substance", "max_quantity_t"))) == (3, [("氯", 20.0)])


def test_service_rejects_nan_and_unknown_by_field(people: Any, enterprise_a: Any) -> None:
    unit = make_unit(enterprise_a, people.officer_a)
    for args, field in ((("氯", float("nan")), "quantity_t"), (("某溶剂", 1.0), "substance"),
                        (("原油", 1.0), "category")):
        with pytest.raises(ValidationError) as caught:
            services.set_inventory(unit, *args, actor=people.officer_a)
        assert field in caught.value.message_dict
    assert not unit.inventory.exists()


def test_bad_unit_fields_are_422(people: Any, enterprise_a: Any, client_for: Any) -> None:
    client = client_for(people.officer_a)
    for body, field in (({"name": "罐区", "kind": "storage", "exposed_population": -1}, "exposed_population"),
                        ({"name": "罐区", "kind": "tank"}, "kind"),
                        ({"kind": "storage"}, "name")):
        response = client.post(f"{API}/units", body, content_type=JSON)
        assert response.status_code == 422, response.content
        assert field in {p["field"] for p in response.json()["detail"]}
    client.post(f"{API}/units", {"name": "罐区", "kind": "storage"}, content_type=JSON)
    again = client.post(f"{API}/units", {"name": "罐区", "kind": "production"}, content_type=JSON)
    assert again.status_code == 422 and "同名" in again.content.decode()


# --- scope ------------------------------------------------------------------------------------------------
def test_enterprise_officer_cannot_declare_or_move_units_into_another_enterprise(
        people: Any, enterprise_a: Any, enterprise_b: Any, client_for: Any) -> None:
    client = client_for(people.officer_a)
    body = {"name": "冒名罐区", "kind": "storage", "enterprise": enterprise_b.pk}
    assert client.post(f"{API}/units", body, content_type=JSON).status_code == 403
    assert not HazardUnit.objects.filter(name="冒名罐区").exists()
    own = make_unit(enterprise_a, people.officer_a)
    moved = client.patch(f"{API}/units/{own.pk}", {"enterprise": enterprise_b.pk}, content_type=JSON)
    assert moved.status_code == 403
    own.refresh_from_db()
    assert own.enterprise_id == enterprise_a.pk


def test_auditor_reads_units_but_cannot_change_them(people: Any, enterprise_a: Any, client_for: Any) -> None:
    unit = make_unit(enterprise_a, people.officer_a, inventory=[("氯", 20, None)])
    client = client_for(people.auditor)
    assert client.get(f"{API}/units/{unit.pk}").status_code == 200
    assert client.put(f"{API}/units/{unit.pk}/inventory", [], content_type=JSON).status_code == 404
    assert client.post(f"{API}/units", {"name": "x", "kind": "storage", "enterprise": enterprise_a.pk},
                       content_type=JSON).status_code == 403
    assert unit.inventory.count() == 1


def test_units_are_supervised_by_their_enterprise_department(people: Any, enterprise_a: Any, departments: Any,
                                                             client_for: Any) -> None:
    unit = make_unit(enterprise_a, people.officer_a)
    assert unit.owner_department_id == departments.emergency.pk and unit.admin_area_id == enterprise_a.admin_area_id
    listed = client_for(people.emergency_officer).get(f"{API}/units").json()
    assert unit.pk in {u["id"] for u in listed["items"]}
    assert client_for(people.fire_officer).get(f"{API}/units").json()["count"] == 0


# --- county overview and export ---------------------------------------------------------------------------
@pytest.fixture
def county_units(people: Any, enterprise_a: Any, enterprise_b: Any) -> dict[str, HazardUnit]:
    return {
        "a_grade3": make_unit(enterprise_a, people.admin, "液氯罐区", 120, [("氯", 20, None)]),
        "a_minor": make_unit(enterprise_a, people.admin, "甲醇罐区", 10, [("甲醇", 100, None)]),
        # LPG 400/50 = 8 (β 1.5, W2) and chlorine 40/5 = 8 (β 4): R = 2 × (1.5·8 + 4·8) = 88 → 二级
        "b_grade2": make_unit(enterprise_b, people.admin, "液化烃罐区", 150, [("液化石油气", 400, None),
                                                                            ("氯", 40, None)]),
        "b_grade1": make_unit(enterprise_b, people.admin, "光气装置", 500, [("光气", 1.5, None)]),
    }


def test_overview_lists_visible_major_hazards_by_grade(people: Any, county_units: dict[str, HazardUnit],
                                                       client_for: Any, django_assert_max_num_queries: Any) -> None:
    assert county_units["b_grade2"].grade == 2
    # 光气 1.5 t: S = 5; R = 2 × 20 × 5 = 200 → 一级
    assert (county_units["b_grade1"].r, county_units["b_grade1"].grade) == (200.0, 1)
    admin = client_for(people.admin)
    with django_assert_max_num_queries(8):
        body = admin.get(f"{API}/major-hazards").json()
    assert body["total"] == 3
    assert body["counts_by_grade"] == {"1": 1, "2": 1, "3": 1, "4": 0}
    assert [u["name"] for u in body["items"]] == ["光气装置", "液化烃罐区", "液氯罐区"]
    first = body["items"][0]
    assert first["enterprise_name"] == "乙石化有限公司" and first["grade_label"] == "一级"
    assert first["longitude"] is not None
    assert [u["grade"] for u in admin.get(f"{API}/major-hazards", {"grade": 2}).json()["items"]] == [2]

    mine = client_for(people.officer_a).get(f"{API}/major-hazards").json()
    assert mine["counts_by_grade"] == {"1": 0, "2": 0, "3": 1, "4": 0}
    assert [u["id"] for u in mine["items"]] == [county_units["a_grade3"].pk]


def test_export_major_hazards_in_every_format(people: Any, county_units: dict[str, HazardUnit],
                                              client_for: Any) -> None:
    client = client_for(people.officer_a)

    def download(fmt: str) -> bytes:
        response = client.get(f"{API}/major-hazards/export", {"format": fmt})
        assert response.status_code == 200, fmt
        return b"".join(response.streaming_content)

    rows = list(csv.reader(io.StringIO(download("csv").decode("utf-8-sig"))))
    assert rows[0][:4] == ["企业", "单元", "单元类型", "级别"]
    assert [r[:4] for r in rows[1:]] == [["甲化工有限公司", "液氯罐区", "储存单元", "三级"]]
    sheet = openpyxl.load_workbook(io.BytesIO(download("xlsx")), read_only=True).worksheets[0]
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["液氯罐区"]
    features = json.loads(download("geojson"))["features"]
    assert [f["properties"]["id"] for f in features] == [county_units["a_grade3"].pk]
    assert features[0]["geometry"]["type"] == "Point"
    assert client.get(f"{API}/major-hazards/export", {"format": "pdf"}).status_code == 404


def test_list_filters_and_anonymous_is_401(people: Any, county_units: dict[str, HazardUnit], client_for: Any,
                                          anon_client: Any) -> None:
    admin = client_for(people.admin)
    assert admin.get(f"{API}/units").json()["count"] == 4
    assert admin.get(f"{API}/units", {"major": "false"}).json()["items"][0]["name"] == "甲醇罐区"
    b = county_units["b_grade1"].enterprise_id
    of_b = admin.get(f"{API}/units", {"enterprise": b}).json()["items"]
    assert {u["name"] for u in of_b} == {"光气装置", "液化烃罐区"}
    for path in ("/units", "/units/1", "/major-hazards", "/major-hazards/export"):
        assert anon_client.get(f"{API}{path}").status_code == 401
