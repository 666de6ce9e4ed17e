"""Response plans (versions, publication), activation into tasks with due times, task progress by the
responsible department, and dispatch with a road ETA — over HTTP.

Road: a trunk (0,0)→(6000,0) at 60 km/h from 121.90 E, 41.10 N; the team's base at (0,0), the incident at
(3000,0): 3 km at 60 km/h = 180 s.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests import factories
from yingji.command.models import Dispatch, Incident, ResponsePlan, Task
from yingji.command.network import forget_network
from yingji.core.geo import from_metric, to_metric
from yingji.core.models import AuditEvent, Road

API = "/api/v1/command"
X0, Y0 = to_metric(121.90, 41.10)


def at(x_m: float, y_m: float) -> tuple[float, float]:
    return from_metric(X0 + x_m, Y0 + y_m)


def post(client: Any, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def refused(response: Any, field: str) -> str:
    assert response.status_code == 422, (response.status_code, response.content)
    messages = [e["message"] for e in response.json()["detail"] if e.get("field") == field]
    assert messages, (field, response.json())
    return messages[0]


@pytest.fixture(autouse=True)
def _fresh_graph() -> Iterator[None]:
    forget_network()
    yield
    forget_network()


def plan_body(departments: Any, **change: Any) -> dict[str, Any]:
    body = {
        "code": "PS-HC-01", "name": "盘山县危险化学品事故应急预案", "incident_types": ["hazmat_release", "fire"],
        "min_response": "IV", "notify_departments": [departments.fire.pk, departments.education.pk],
        "groups": [{"name": "抢险救援组", "lead_department": departments.fire.pk, "duties": "现场救援"},
                   {"name": "综合协调组", "lead_department": departments.emergency.pk}],
        "actions": [{"title": "救援队伍到场处置", "department": departments.fire.pk, "due_minutes": 30,
                     "group": "抢险救援组"},
                    {"title": "向市应急管理局书面报告", "department": departments.emergency.pk, "due_minutes": 60,
                     "group": "综合协调组"}],
    }
    return {**body, **change}


@pytest.fixture
def current_plan(people: Any, departments: Any, client_for: Any) -> dict[str, Any]:
    client = client_for(people.emergency_officer)
    plan = post(client, f"{API}/plans", plan_body(departments)).json()
    return post(client, f"{API}/plans/{plan['id']}/publish", {}).json()


@pytest.fixture
def incident(people: Any, client_for: Any) -> dict[str, Any]:
    lon, lat = at(3000, 0)
    body = {"title": "储罐区泄漏", "incident_type": "hazmat_release", "source": "phone", "longitude": lon,
            "latitude": lat}
    return post(client_for(people.emergency_officer), f"{API}/incidents", body).json()


def test_versions_and_publication(people: Any, departments: Any, client_for: Any) -> None:
    client = client_for(people.emergency_officer)
    first = post(client, f"{API}/plans", plan_body(departments))
    assert first.status_code == 201, first.content
    first = first.json()
    assert (first["version"], first["status"]) == (1, "draft")
    assert [a["due_minutes"] for a in first["actions"]] == [30, 60]
    assert first["actions"][0]["group"] == "抢险救援组"
    assert sorted(first["notify_departments"]) == ["县教育局", "县消防救援大队"]
    post(client, f"{API}/plans/{first['id']}/publish", {})
    second = post(client, f"{API}/plans", plan_body(departments, name="盘山县危险化学品事故应急预案（修订）")).json()
    assert second["version"] == 2
    published = post(client, f"{API}/plans/{second['id']}/publish", {}).json()
    assert published["status"] == "current"
    assert client.get(f"{API}/plans/{first['id']}").json()["status"] == "superseded"
    assert "只有草稿" in refused(post(client, f"{API}/plans/{first['id']}/publish", {}), "status")
    assert [p["version"] for p in client.get(f"{API}/plans", {"status": "current"}).json()] == [2]
    assert post(client, f"{API}/plans/{second['id']}/retire", {}).json()["status"] == "retired"


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"code": " "}, "code", "不能为空"),
    ({"incident_types": ["earthquake"]}, "incident_types", "未知的事件类型"),
    ({"actions": [{"title": "x", "department": 1, "due_minutes": -5}]}, "actions.0.due_minutes", "0–10080"),
    ({"actions": [{"title": "x", "department": 999999, "due_minutes": 5}]}, "actions.0.department", "不存在"),
    ({"actions": [{"title": "x", "department": 1, "due_minutes": 5, "group": "无此组"}]}, "actions.0.group",
     "不在本预案"),
    ({"groups": [{"name": "组", "lead_department": 999999}]}, "groups.0.lead_department", "不存在"),
    ({"notify_departments": [999999]}, "notify_departments.0", "不存在"),
])
def test_bad_plans_write_nothing(people: Any, departments: Any, client_for: Any, change: dict[str, Any], field: str,
                                 words: str) -> None:
    client = client_for(people.emergency_officer)
    assert words in refused(post(client, f"{API}/plans", plan_body(departments, **change)), field)
    assert not ResponsePlan.objects.exists()


def test_activation_turns_actions_into_timed_tasks(people: Any, current_plan: dict[str, Any], incident: dict[str, Any],
                                                  client_for: Any) -> None:
    client = client_for(people.emergency_officer)
    offered = client.get(f"{API}/incidents/{incident['id']}/plans").json()
    assert [p["id"] for p in offered] == [current_plan["id"]]
    before = timezone.now()
    response = post(client, f"{API}/incidents/{incident['id']}/activations", {"plan": current_plan["id"]})
    assert response.status_code == 201, response.content
    assert response.json()["tasks"] == 2
    tasks = client.get(f"{API}/incidents/{incident['id']}/tasks").json()
    assert [t["title"] for t in tasks] == ["救援队伍到场处置", "向市应急管理局书面报告"]
    due = [timezone.datetime.fromisoformat(t["due_at"]) for t in tasks]
    assert before + timedelta(minutes=30) <= due[0] <= timezone.now() + timedelta(minutes=30)
    assert due[1] - due[0] == timedelta(minutes=30)
    assert not any(t["overdue"] for t in tasks) and all(t["from_plan"] for t in tasks)
    detail = client.get(f"{API}/incidents/{incident['id']}").json()
    assert detail["status"] == "responding"
    expected = "启动《盘山县危险化学品事故应急预案》（第 1 版）：下达 2 项任务，通知县教育局、县消防救援大队"
    assert any(expected in e["text"] for e in detail["timeline"])
    again = post(client, f"{API}/incidents/{incident['id']}/activations", {"plan": current_plan["id"]})
    assert "已对本事件启动" in refused(again, "plan")


def test_only_current_plans_of_the_right_type_activate(people: Any, departments: Any, current_plan: dict[str, Any],
                                                      client_for: Any) -> None:
    client = client_for(people.emergency_officer)
    body = {"title": "客车侧翻", "incident_type": "traffic", "source": "phone"}
    traffic = post(client, f"{API}/incidents", body).json()
    assert client.get(f"{API}/incidents/{traffic['id']}/plans").json() == []
    assert "不适用于" in refused(post(client, f"{API}/incidents/{traffic['id']}/activations",
                                     {"plan": current_plan["id"]}), "plan")
    draft = post(client, f"{API}/plans", plan_body(departments, code="PS-HC-02")).json()
    fire = post(client, f"{API}/incidents", {"title": "仓库火灾", "incident_type": "fire", "source": "phone"}).json()
    assert "不是现行版本" in refused(post(client, f"{API}/incidents/{fire['id']}/activations", {"plan": draft["id"]}),
                                   "plan")
    # A plan that starts at response III is not offered for a 一般 (IV) incident, and is for a 较大 (III) one.
    severe = post(client, f"{API}/plans", plan_body(departments, code="PS-HC-03", min_response="III")).json()
    post(client, f"{API}/plans/{severe['id']}/publish", {})
    assert [p["code"] for p in client.get(f"{API}/incidents/{fire['id']}/plans").json()] == ["PS-HC-01"]
    client.patch(f"{API}/incidents/{fire['id']}", json.dumps({"deaths": 3}), content_type="application/json")
    assert [p["code"] for p in client.get(f"{API}/incidents/{fire['id']}/plans").json()] == ["PS-HC-01", "PS-HC-03"]


def test_the_responsible_department_works_its_tasks(people: Any, departments: Any, current_plan: dict[str, Any],
                                                   incident: dict[str, Any], client_for: Any) -> None:
    post(client_for(people.emergency_officer), f"{API}/incidents/{incident['id']}/activations",
         {"plan": current_plan["id"]})
    fire = client_for(people.fire_officer)
    mine = fire.get(f"{API}/tasks").json()
    # Only the fire brigade's task, though the brigade cannot see the incident itself.
    assert [t["title"] for t in mine] == ["救援队伍到场处置"]
    assert fire.get(f"{API}/incidents/{incident['id']}").status_code == 404
    url = f"{API}/tasks/{mine[0]['id']}/status"
    assert post(client_for(people.education_officer), url, {"status": "accepted"}).status_code == 404
    assert post(fire, url, {"status": "accepted"}).json()["status"] == "accepted"
    assert "原因" in refused(post(fire, url, {"status": "cancelled"}), "note")
    done = post(fire, url, {"status": "done", "note": "泄漏点已封堵"}).json()
    assert (done["status"], done["overdue"]) == ("done", False)
    assert "不能改为" in refused(post(fire, url, {"status": "accepted"}), "status")
    timeline = [e["text"] for e in client_for(people.emergency_officer).get(
        f"{API}/incidents/{incident['id']}").json()["timeline"]]
    assert "任务已完成：救援队伍到场处置。泄漏点已封堵" in timeline


def test_a_task_past_its_due_time_is_overdue(people: Any, departments: Any, incident: dict[str, Any],
                                            client_for: Any) -> None:
    client = client_for(people.emergency_officer)
    due = (timezone.now() - timedelta(minutes=5)).isoformat()
    task = post(client, f"{API}/incidents/{incident['id']}/tasks", {"title": "疏散下风向群众",
                                                                     "department": departments.emergency.pk,
                                                                     "due_at": due})
    assert task.status_code == 201, task.content
    assert task.json()["overdue"] is True and task.json()["from_plan"] is False
    assert "department" in {e["field"] for e in post(client, f"{API}/incidents/{incident['id']}/tasks", {
        "title": "x", "department": 999999, "due_at": due}).json()["detail"]}
    assert Task.objects.count() == 1


def test_dispatch_gets_a_road_eta_and_moves_to_scene(people: Any, incident: dict[str, Any], client_for: Any) -> None:
    Road.objects.create(name="干线", road_class="national", speed_kmh=60, geometry={
        "type": "LineString", "coordinates": [list(at(0, 0)), list(at(6000, 0))]})
    lon, lat = at(0, 0)
    team = factories.RescueTeamFactory(name="危化救援一队", longitude=lon, latitude=lat,
                                       owner_department=people.emergency_officer.department)
    client = client_for(people.emergency_officer)
    url = f"{API}/incidents/{incident['id']}/dispatches"
    sent = post(client, url, {"kind": "rescue-teams", "id": team.pk})
    assert sent.status_code == 201, sent.content
    dispatch = sent.json()
    assert dispatch["travel_min"] == pytest.approx(3.0, abs=0.02)
    assert dispatch["length_km"] == pytest.approx(3.0, abs=0.01)
    assert "已在本事件调派中" in refused(post(client, url, {"kind": "rescue-teams", "id": team.pk}), "id")
    assert "只能调派" in refused(post(client, url, {"kind": "schools", "id": 1}), "kind")
    move = f"{API}/dispatches/{dispatch['id']}/status"
    assert "不能改为" in refused(post(client, move, {"status": "returned"}), "status")
    assert post(client, move, {"status": "en_route"}).json()["departed_at"]
    arrived = post(client, move, {"status": "on_scene"}).json()
    assert arrived["status"] == "on_scene" and arrived["arrived_at"]
    timeline = [e["text"] for e in client.get(f"{API}/incidents/{incident['id']}").json()["timeline"]]
    assert "调派危化救援一队，预计 3 分钟到达" in timeline
    assert any(t.startswith("危化救援一队到达现场，用时 0 分钟（预计 3 分钟）") for t in timeline)
    assert post(client, move, {"status": "returned"}).json()["returned_at"]
    # Back home, it can be sent again.
    assert post(client, url, {"kind": "rescue-teams", "id": team.pk}).status_code == 201
    assert Dispatch.objects.count() == 2
    assert AuditEvent.objects.filter(action="command.dispatch.status").count() == 3


def test_plans_and_tasks_are_scoped(people: Any, departments: Any, current_plan: dict[str, Any],
                                    incident: dict[str, Any], client_for: Any) -> None:
    assert client_for(people.officer_a).get(f"{API}/plans/{current_plan['id']}").status_code == 404
    assert client_for(people.officer_a).get(f"{API}/plans").json() == []
    assert client_for(people.officer_a).get(f"{API}/tasks").json() == []
    denied = post(client_for(people.officer_a), f"{API}/incidents/{incident['id']}/activations",
                  {"plan": current_plan["id"]})
    assert denied.status_code == 404
    assert Incident.objects.get(pk=incident["id"]).status == "reported"
