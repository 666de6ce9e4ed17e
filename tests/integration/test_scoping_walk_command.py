"""The scoping walk for command: every /api/v1/command endpoint with {pk}, and the incident list, hides
enterprise B's incident from enterprise A's officer (and from other scopes).

Driven by the OpenAPI schema like tests/integration/test_scoping_walk_hazmat.py: a new command endpoint with
{pk} fails here until it is given a request below, and a new command data path fails until it is walked.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from tests.scoping_walk import api_paths, assert_every_path_walked, call
from yingji.command import incidents
from yingji.command.models import (
    Dispatch,
    EvacuationPlan,
    Incident,
    ResourceRequest,
    ResponsePlan,
    SupplyDemand,
    SupplyOrder,
    SupplyPlan,
    Task,
)

API = "/api/v1/command"
# What A's officer sends to B's incident, per (path, method): harmless if it were ever accepted by mistake.
DETAIL_REQUESTS: dict[tuple[str, str], Any] = {
    ("/incidents/{pk}", "get"): None,
    ("/incidents/{pk}", "patch"): {"deaths": 40},
    ("/incidents/{pk}/timeline", "post"): {"kind": "note", "text": "越权写入"},
    ("/incidents/{pk}/casualty-revisions", "post"): {"deaths": 41},
    ("/incidents/{pk}/sitrep", "get"): None,
    ("/incidents/{pk}/sitreps", "post"): {"report_to": "县级安全生产监督管理部门"},  # before the closing below
    ("/incidents/{pk}/status", "post"): {"status": "closed", "summary": "越权结案"},
    ("/incidents/{pk}/deadlines", "get"): None,
}
# The stateless calculators (they read no stored incident; routing's registry reads are walked in its own tests).
STATELESS = {"/incidents/classify", "/dispersion/point", "/dispersion/stability", "/dispersion/zones", "/routes",
             "/nearest", "/isochrones"}
COLLECTIONS = {"/incidents", "/incidents/export", "/evacuation/plans", "/supply/plans", "/plans", "/tasks",
               "/roads/import", "/incidents/from-alarm", "/requests"}
# Walked by hand in test_enterprise_a_cannot_reach_enterprise_b_attachments (a multipart body, a nested id).
MULTIPART_OR_NESTED: dict[tuple[str, str], Any] = {
    ("/incidents/{pk}/attachments", "post"): None,
    ("/incidents/{pk}/attachments/{attachment_pk}", "get"): None,
}
# Response paths, by what their {pk} is (B's incident, the bureau's plan, B's task or dispatch) and A's request.
RESPONSE_REQUESTS: dict[tuple[str, str], tuple[str, Any]] = {
    ("/incidents/{pk}/plans", "get"): ("incident", None),
    ("/incidents/{pk}/activations", "get"): ("incident", None),
    ("/incidents/{pk}/activations", "post"): ("incident", {"plan": 0}),
    ("/incidents/{pk}/tasks", "get"): ("incident", None),
    ("/incidents/{pk}/tasks", "post"): ("incident", {"title": "越权任务", "department": 0,
                                                     "due_at": "2030-01-01T00:00:00+08:00"}),
    ("/incidents/{pk}/dispatches", "get"): ("incident", None),
    ("/incidents/{pk}/dispatches", "post"): ("incident", {"kind": "rescue-teams", "id": 0}),
    ("/plans/{pk}", "get"): ("plan", None),
    ("/plans/{pk}/publish", "post"): ("plan", {}),
    ("/plans/{pk}/retire", "post"): ("plan", {}),
    ("/tasks/{pk}/status", "post"): ("task", {"status": "done"}),
    ("/dispatches/{pk}/status", "post"): ("dispatch", {"status": "recalled"}),
    ("/incidents/{pk}/report", "get"): ("incident", None),
    ("/incidents/{pk}/report", "put"): ("incident", {"lessons": "越权填写"}),
    ("/incidents/{pk}/report.pdf", "get"): ("incident", None),
    ("/incidents/{pk}/report.docx", "get"): ("incident", None),
    ("/incidents/{pk}/injects", "get"): ("incident", None),
    ("/incidents/{pk}/injects", "put"): ("incident", [{"at_minutes": 1, "text": "越权注入"}]),
    ("/incidents/{pk}/drill-score", "get"): ("incident", None),
    ("/incidents/{pk}/requests", "get"): ("incident", None),
    ("/incidents/{pk}/attachments", "get"): ("incident", None),
    ("/incidents/{pk}/requests", "post"): ("incident", {"to_department": 0, "what": "越权请求"}),
    ("/requests/{pk}/answer", "post"): ("request", {"decision": "accept"}),
    ("/requests/{pk}/fulfil", "post"): ("request", {}),
}
# Paths whose {pk} is B's evacuation plan, supply plan or supply order, with what A's officer sends.
RESETTLEMENT_REQUESTS: dict[tuple[str, str], tuple[str, Any]] = {
    ("/evacuation/plans/{pk}", "get"): ("evacuation", None),
    ("/evacuation/plans/{pk}/issue", "post"): ("evacuation", {}),
    ("/evacuation/plans/{pk}/arrivals", "get"): ("evacuation", None),
    ("/evacuation/plans/{pk}/arrivals", "post"): ("evacuation", {"shelter": 1, "people": 1}),
    ("/supply/plans/{pk}", "get"): ("supply", None),
    ("/supply/orders/{pk}/status", "post"): ("order", {"status": "cancelled"}),
}


def _incident(actor: Any, title: str) -> Incident:
    return incidents.open_incident({"title": title, "incident_type": "hazmat_release", "source": "phone",
                                    "deaths": 3}, actor=actor)


@pytest.fixture
def b_incident(people: Any, enterprise_b: Any) -> Incident:
    return _incident(people.officer_b, "乙石化储罐泄漏")


@pytest.fixture
def a_incident(people: Any, enterprise_a: Any) -> Incident:
    return _incident(people.officer_a, "甲化工液氯泄漏")


def test_every_command_path_is_walked(people: Any, client_for: Any) -> None:
    paths = api_paths(client_for(people.admin), API)
    walked = {**DETAIL_REQUESTS, **{key: body for key, (_, body) in RESETTLEMENT_REQUESTS.items()},
              **{key: body for key, (_, body) in RESPONSE_REQUESTS.items()}, **MULTIPART_OR_NESTED}
    assert_every_path_walked(paths, walked, STATELESS | COLLECTIONS, API)


def test_enterprise_a_cannot_reach_enterprise_b_incident(people: Any, a_incident: Incident, b_incident: Incident,
                                                         client_for: Any) -> None:
    client = client_for(people.officer_a)
    for (path, method), body in DETAIL_REQUESTS.items():
        url = API + path.replace("{pk}", str(b_incident.pk))
        response = call(client, method, url, body)
        assert response.status_code == 404, (method, path, response.status_code)
    b_incident.refresh_from_db()
    assert (b_incident.deaths, b_incident.status, b_incident.timeline.count()) == (3, "reported", 1)

    listed = {i["id"] for i in client.get(f"{API}/incidents", {"limit": 1000}).json()["items"]}
    assert b_incident.pk not in listed

    # Not vacuous: A reaches its own incident on every path; B's officer reaches B's.
    assert a_incident.pk in listed
    for (path, method), body in DETAIL_REQUESTS.items():
        url = API + path.replace("{pk}", str(a_incident.pk))
        assert call(client, method, url, body).status_code in (200, 201), (method, path)
    officer_b = client_for(people.officer_b)
    assert b_incident.pk in {i["id"] for i in officer_b.get(f"{API}/incidents").json()["items"]}
    assert officer_b.get(f"{API}/incidents/{b_incident.pk}").status_code == 200


@pytest.mark.parametrize("user", ["township_taiping", "education_officer", "fire_officer", "expert"])
def test_other_scopes_do_not_reach_enterprise_b_incident(user: str, people: Any, b_incident: Incident,
                                                         client_for: Any) -> None:
    """B is in 高升街道 and its incident is owned by the emergency bureau: these users see nothing."""
    client = client_for(getattr(people, user))
    for (path, method), body in DETAIL_REQUESTS.items():
        url = API + path.replace("{pk}", str(b_incident.pk))
        assert call(client, method, url, body).status_code == 404, (user, method, path)
    assert client.get(f"{API}/incidents").json()["count"] == 0


def test_county_roles_see_every_incident(people: Any, a_incident: Incident, b_incident: Incident,
                                         client_for: Any) -> None:
    for user in (people.admin, people.emergency_officer, people.township_gaosheng):
        ids = {i["id"] for i in client_for(user).get(f"{API}/incidents").json()["items"]}
        expected = {b_incident.pk} if user is people.township_gaosheng else {a_incident.pk, b_incident.pk}
        assert ids == expected, user.username


def test_enterprise_a_cannot_reach_enterprise_b_plans(people: Any, b_incident: Incident, client_for: Any) -> None:
    owner = {"incident": b_incident, "owner_department_id": b_incident.owner_department_id,
             "admin_area_id": b_incident.admin_area_id}
    evacuation = EvacuationPlan.objects.create(name="乙石化疏散", area={"type": "Polygon", "coordinates": []},
                                               status="issued", **owner)
    plan = SupplyPlan.objects.create(name="乙石化物资", **owner)
    demand = SupplyDemand.objects.create(plan=plan, site_name="乙石化门口", longitude=121.8, latitude=41.3, item="帐篷",
                                         unit="顶", quantity=5)
    order = SupplyOrder.objects.create(demand=demand, stock_item=factories.StockItemFactory(), quantity=5, travel_s=60)
    ids = {"evacuation": evacuation.pk, "supply": plan.pk, "order": order.pk}
    client = client_for(people.officer_a)
    for (path, method), (kind, body) in RESETTLEMENT_REQUESTS.items():
        response = call(client, method, API + path.replace("{pk}", str(ids[kind])), body)
        assert response.status_code == 404, (method, path, response.status_code)
    assert client.get(f"{API}/evacuation/plans").json() == []
    assert client.get(f"{API}/supply/plans").json() == []
    order.refresh_from_db()
    assert order.status == "planned" and not evacuation.arrivals.exists()
    # Not vacuous: B's officer reads them.
    officer_b = client_for(people.officer_b)
    for (path, method), (kind, _) in RESETTLEMENT_REQUESTS.items():
        if method == "get":
            url = API + path.replace("{pk}", str(ids[kind]))
            assert officer_b.get(url).status_code == 200, path


def test_enterprise_a_cannot_reach_enterprise_b_response(people: Any, departments: Any, b_incident: Incident,
                                                         client_for: Any) -> None:
    plan = ResponsePlan.objects.create(code="P1", name="县预案", owner_department=departments.emergency)
    task = Task.objects.create(incident=b_incident, title="乙石化堵漏", department=departments.fire,
                               due_at=b_incident.reported_at)
    dispatch = Dispatch.objects.create(incident=b_incident, resource_kind="rescue-teams", resource_id=1,
                                       resource_name="救援队", dispatched_at=b_incident.reported_at)
    request = ResourceRequest.objects.create(incident=b_incident, from_department=departments.emergency,
                                             to_department=departments.fire, what="乙石化泡沫车")
    ids = {"incident": b_incident.pk, "plan": plan.pk, "task": task.pk, "dispatch": dispatch.pk,
           "request": request.pk}
    client = client_for(people.officer_a)
    for (path, method), (kind, body) in RESPONSE_REQUESTS.items():
        response = call(client, method, API + path.replace("{pk}", str(ids[kind])), body)
        assert response.status_code == 404, (method, path, response.status_code)
    assert client.get(f"{API}/plans").json() == [] and client.get(f"{API}/tasks").json() == []
    task.refresh_from_db()
    dispatch.refresh_from_db()
    plan.refresh_from_db()
    assert (task.status, dispatch.status, plan.status) == ("pending", "dispatched", "draft")
    # Not vacuous: the bureau reads every one of them.
    bureau = client_for(people.emergency_officer)
    for (path, method), (kind, _) in RESPONSE_REQUESTS.items():
        if method == "get":
            assert bureau.get(API + path.replace("{pk}", str(ids[kind]))).status_code == 200, path


def test_enterprise_a_cannot_reach_enterprise_b_attachments(people: Any, b_incident: Incident, client_for: Any,
                                                            settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    pdf = b"%PDF-1.4\n%b\n"
    mine = client_for(people.officer_b).post(f"{API}/incidents/{b_incident.pk}/attachments",
                                             {"file": SimpleUploadedFile("b.pdf", pdf)})
    assert mine.status_code == 201, mine.content
    client = client_for(people.officer_a)
    assert client.post(f"{API}/incidents/{b_incident.pk}/attachments",
                       {"file": SimpleUploadedFile("a.pdf", pdf)}).status_code == 404
    assert client.get(mine.json()["url"]).status_code == 404
    assert b_incident.attachments.count() == 1
