"""The scoping walk: for every generated registry endpoint, out-of-scope records stay invisible.

The walk is driven by SPECS, and the OpenAPI schema is checked against it, so a new endpoint that
serves owned data cannot be added without being walked here.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import openpyxl
import pytest

from tests.records import enterprise_linked, make_record
from yingji.dashboard.api import MAP_SPECS
from yingji.registry.models import Enterprise
from yingji.registry.resources import SPECS, ResourceSpec

API = "/api/v1/registry"
SLUGS = [spec.slug for spec in SPECS]
WALKED_SLUGS = set(SLUGS)


def _b_record(spec: ResourceSpec, people: Any, enterprise_b: Any, gaosheng: Any, departments: Any) -> Any:
    """The record of this kind that belongs to enterprise B (B itself for the enterprise model)."""
    if spec.model is Enterprise:
        return enterprise_b
    return make_record(spec, enterprise=enterprise_b, area=gaosheng, department=departments.fire,
                       **({"name": "乙公司的记录"} if "name" in {f.name for f in spec.model._meta.fields} else {}))


def _ids_in_list(client: Any, spec: ResourceSpec) -> set[int]:
    response = client.get(f"{API}/{spec.slug}", {"limit": 1000})
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def _export(client: Any, spec: ResourceSpec, fmt: str, **params: str) -> Any:
    response = client.get(f"{API}/{spec.slug}/export", {"format": fmt, **params})
    assert response.status_code == 200, (fmt, response.status_code)
    return b"".join(response.streaming_content)


def exported_rows(client: Any, spec: ResourceSpec, fmt: str, **params: str) -> list[list[str]]:
    """Data rows (without the header) of a csv or xlsx export, as text."""
    body = _export(client, spec, fmt, **params)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
        rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    return rows[1:]


def exported_feature_ids(client: Any, spec: ResourceSpec, **params: str) -> set[int]:
    return {f["properties"]["id"] for f in json.loads(_export(client, spec, "geojson", **params))["features"]}


def _row_key(spec: ResourceSpec, record: Any) -> str:
    """The text of the record's first list column, as exports write it."""
    return str(getattr(record, spec.list_fields[0]))


@pytest.mark.parametrize("slug", SLUGS)
def test_enterprise_a_cannot_reach_enterprise_b_record(slug: str, people: Any, enterprise_a: Any, enterprise_b: Any,
                                                       gaosheng: Any, taiping: Any, departments: Any,
                                                       client_for: Any) -> None:
    spec = next(s for s in SPECS if s.slug == slug)
    b_record = _b_record(spec, people, enterprise_b, gaosheng, departments)
    a_record = enterprise_a if spec.model is Enterprise else (
        make_record(spec, enterprise=enterprise_a, area=taiping) if enterprise_linked(spec) else None)
    client = client_for(people.officer_a)
    url = f"{API}/{slug}/{b_record.pk}"

    assert client.get(url).status_code == 404
    assert client.patch(url, {"name": "被改"}, content_type="application/json").status_code == 404
    assert client.delete(url).status_code == 404
    assert spec.model.objects.filter(pk=b_record.pk).exists()

    listed = _ids_in_list(client, spec)
    assert b_record.pk not in listed
    key = _row_key(spec, b_record)
    for fmt in ("csv", "xlsx"):
        assert all(key not in row for row in exported_rows(client, spec, fmt)), fmt
    if spec.located:
        assert b_record.pk not in exported_feature_ids(client, spec)

    # The walk is not vacuous: A does see its own record of the kind, and B's officer sees B's.
    if a_record is not None:
        assert a_record.pk in listed
        assert client.get(f"{API}/{slug}/{a_record.pk}").status_code == 200
        if spec.located:
            assert a_record.pk in exported_feature_ids(client, spec)
    if enterprise_linked(spec):
        assert b_record.pk in _ids_in_list(client_for(people.officer_b), spec)


@pytest.mark.parametrize("spec", MAP_SPECS, ids=lambda s: s.slug)
def test_map_layers_and_within_hide_enterprise_b(spec: ResourceSpec, people: Any, enterprise_a: Any,
                                                 enterprise_b: Any, gaosheng: Any, departments: Any,
                                                 client_for: Any) -> None:
    b_record = _b_record(spec, people, enterprise_b, gaosheng, departments)
    circle = {"lon": b_record.longitude, "lat": b_record.latitude, "radius_m": 5000}

    def layer_ids(client: Any) -> set[int]:
        response = client.get(f"/api/v1/map/layers/{spec.slug}")
        assert response.status_code == 200
        return {f["id"] for f in response.json()["features"]}

    def within_ids(client: Any) -> set[int]:
        response = client.post("/api/v1/map/within", {"circle": circle, "layers": [spec.slug]},
                               content_type="application/json")
        assert response.status_code == 200, response.content
        return {item["id"] for layer in response.json()["layers"] for item in layer["items"]}

    officer_a = client_for(people.officer_a)
    assert b_record.pk not in layer_ids(officer_a)
    assert b_record.pk not in within_ids(officer_a)
    counts = {layer["slug"]: layer["count"] for layer in officer_a.get("/api/v1/map/layers").json()}
    admin = client_for(people.admin)
    assert b_record.pk in layer_ids(admin)
    assert b_record.pk in within_ids(admin)
    assert counts[spec.slug] == len(layer_ids(officer_a))


@pytest.mark.parametrize("slug", SLUGS)
def test_township_officer_sees_only_its_area(slug: str, people: Any, taiping: Any, gaosheng: Any,
                                             client_for: Any) -> None:
    spec = next(s for s in SPECS if s.slug == slug)
    mine = [make_record(spec, area=taiping) for _ in range(2)]
    theirs = [make_record(spec, area=gaosheng) for _ in range(3)]
    for user, expected, hidden in ((people.township_taiping, mine, theirs), (people.township_gaosheng, theirs, mine)):
        client = client_for(user)
        listed = _ids_in_list(client, spec)
        area = user.admin_area
        in_area = spec.model.objects.filter(**{f"{spec.model.scope_rule.area}__code__startswith": area.code})
        assert client.get(f"{API}/{slug}", {"limit": 1000}).json()["count"] == in_area.count()
        assert {r.pk for r in expected} <= listed
        assert not {r.pk for r in hidden} & listed
        assert client.get(f"{API}/{slug}/{hidden[0].pk}").status_code == 404
        assert client.get(f"{API}/{slug}/{expected[0].pk}").status_code == 200


def test_township_scope_includes_villages_below(people: Any, taiping: Any, client_for: Any) -> None:
    village = taiping.children.first()
    spec = next(s for s in SPECS if s.slug == "shelters")
    shelter = make_record(spec, area=village)
    assert shelter.pk in _ids_in_list(client_for(people.township_taiping), spec)
    assert shelter.pk not in _ids_in_list(client_for(people.township_gaosheng), spec)


@pytest.mark.parametrize("slug", SLUGS)
def test_auditor_reads_everything_and_writes_nothing(slug: str, people: Any, enterprise_b: Any, gaosheng: Any,
                                                     departments: Any, client_for: Any) -> None:
    spec = next(s for s in SPECS if s.slug == slug)
    record = _b_record(spec, people, enterprise_b, gaosheng, departments)
    client = client_for(people.auditor)
    url = f"{API}/{slug}/{record.pk}"
    assert client.get(url).status_code == 200
    assert record.pk in _ids_in_list(client, spec)
    assert client.patch(url, {"name": "审计员改"}, content_type="application/json").status_code in (403, 404)
    assert client.delete(url).status_code in (403, 404)
    assert client.post(f"{API}/{slug}", {}, content_type="application/json").status_code in (403, 422)
    assert spec.model.objects.filter(pk=record.pk).exists()


def test_auditor_cannot_create_even_a_valid_record(people: Any, client_for: Any) -> None:
    body = {"name": "审计员建的场所", "capacity": 10}
    response = client_for(people.auditor).post(f"{API}/shelters", body, content_type="application/json")
    assert response.status_code == 403
    assert not Enterprise.objects.filter(name="审计员建的场所").exists()


@pytest.mark.parametrize("slug", SLUGS)
def test_department_officers_see_what_they_own_or_supervise(slug: str, people: Any, departments: Any, taiping: Any,
                                                            client_for: Any) -> None:
    spec = next(s for s in SPECS if s.slug == slug)
    by_fire = make_record(spec, area=taiping, department=departments.fire)
    by_education = make_record(spec, area=taiping, department=departments.education)
    kind = spec.model.scope_rule.kind
    for officer, department in ((people.fire_officer, departments.fire),
                                (people.education_officer, departments.education),
                                (people.emergency_officer, departments.emergency)):
        listed = _ids_in_list(client_for(officer), spec)
        supervises = kind in department.supervised_kinds
        assert (by_fire.pk in listed) == (supervises or department == departments.fire), officer
        assert (by_education.pk in listed) == (supervises or department == departments.education), officer
        if supervises:
            assert listed == set(spec.model.objects.values_list("pk", flat=True))


def test_department_officer_cannot_move_a_record_to_another_department(people: Any, departments: Any,
                                                                       client_for: Any) -> None:
    spec = next(s for s in SPECS if s.slug == "shelters")
    shelter = make_record(spec, department=departments.fire)
    client = client_for(people.fire_officer)
    response = client.patch(f"{API}/shelters/{shelter.pk}", {"owner_department": departments.education.pk},
                            content_type="application/json")
    assert response.status_code == 403
    shelter.refresh_from_db()
    assert shelter.owner_department_id == departments.fire.pk


def test_enterprise_officer_cannot_create_or_move_records_into_another_enterprise(people: Any, enterprise_a: Any,
                                                                                  enterprise_b: Any,
                                                                                  client_for: Any) -> None:
    client = client_for(people.officer_a)
    body = {"plate": "辽L9B999", "vehicle_type": "rescue", "enterprise": enterprise_b.pk}
    from yingji.registry.choices import VehicleType

    body["vehicle_type"] = VehicleType.values[0]
    assert client.post(f"{API}/vehicles", body, content_type="application/json").status_code == 403
    own = client.post(f"{API}/vehicles", {**body, "enterprise": None}, content_type="application/json")
    assert own.status_code == 201, own.content
    assert own.json()["enterprise"] == enterprise_a.pk
    moved = client.patch(f"{API}/vehicles/{own.json()['id']}", {"enterprise": enterprise_b.pk},
                         content_type="application/json")
    assert moved.status_code == 403
    # An enterprise officer cannot register new enterprises either.
    new = {"name": "冒名企业", "credit_code": "91211122MA00000014"}
    assert client.post(f"{API}/enterprises", new, content_type="application/json").status_code in (403, 422)
    assert not Enterprise.objects.filter(name="冒名企业").exists()


def test_expert_and_rescue_leader_browse_the_shared_directory_only(people: Any, departments: Any, taiping: Any,
                                                                   client_for: Any) -> None:
    for user in (people.expert, people.rescue_leader):
        client = client_for(user)
        for spec in SPECS:
            record = make_record(spec, area=taiping, department=departments.fire)
            shared = spec.model.scope_rule.shared_directory
            assert (record.pk in _ids_in_list(client, spec)) == shared, (user.role, spec.slug)
    # Their own record they may change; somebody else's shared record they may only read.
    expert_client = client_for(people.expert)
    mine = f"{API}/experts/{people.expert_record.pk}"
    assert expert_client.patch(mine, {"organisation": "省化工院"}, content_type="application/json").status_code == 200
    other = make_record(next(s for s in SPECS if s.slug == "experts"), area=taiping)
    assert expert_client.patch(f"{API}/experts/{other.pk}", {"organisation": "x"},
                               content_type="application/json").status_code == 404


def test_anonymous_gets_401_everywhere(anon_client: Any, people: Any) -> None:
    for spec in SPECS:
        assert anon_client.get(f"{API}/{spec.slug}").status_code == 401
        assert anon_client.get(f"{API}/{spec.slug}/1").status_code == 401
        assert anon_client.get(f"{API}/{spec.slug}/export").status_code == 401
    assert anon_client.get("/api/v1/map/layers").status_code == 401


def test_openapi_registry_paths_are_all_walked(client_for: Any, people: Any) -> None:
    """Every /registry/<slug>/{pk} and /map/layers/{slug} endpoint in the schema is covered above."""
    schema = client_for(people.admin).get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    detail = {m.group(1) for p in paths if (m := re.fullmatch(r"/api/v1/registry/([^/]+)/\{pk\}", p))}
    collections = {m.group(1) for p in paths if (m := re.fullmatch(r"/api/v1/registry/([^/{]+)", p))}
    assert detail, "the schema lists no registry detail endpoints"
    assert detail <= WALKED_SLUGS, detail - WALKED_SLUGS
    assert collections <= WALKED_SLUGS, collections - WALKED_SLUGS
    owned_prefixes = ("/api/v1/registry/", "/api/v1/map/")
    known = re.compile(r"/api/v1/registry/[^/]+(/\{pk\}|/export|/import)?"
                       r"|/api/v1/map/(layers(/\{slug\})?|within|basemap)")
    unexpected = [p for p in paths if p.startswith(owned_prefixes) and not known.fullmatch(p)]
    assert not unexpected, f"new data endpoints not covered by the scoping walk: {unexpected}"
    for p in paths:
        if p.startswith("/api/v1/registry/"):
            for operation in paths[p].values():
                assert operation.get("security"), f"{p} is served without authentication"
