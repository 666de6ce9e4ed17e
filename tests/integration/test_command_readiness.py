"""Required resources checked on plan activation, by hand on the road of test_command_response: a trunk
(0,0)→(6000,0) at 60 km/h, the incident at (3000,0), so 1 km takes 60 s.

Hazmat teams: NEAR at (2000,0) 1.0 min, FAR at (6000,0) 3.0 min, one deployed and one already sent to another
incident (neither counts): 2 of the 3 required → short 1, asked of the fire brigade (a request).
Tents: 60 顶 at (0,0) 3.0 min, of which 15 reserved by nothing → 60 of 100 → short 40, no department named →
a task for the activating department (emergency). Equipment: 3 pumps of the 2 required → met.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests import factories
from tests.integration.test_command_response import (  # noqa: F401 - fixtures
    _fresh_graph,
    at,
    incident,
    plan_body,
    post,
    refused,
)
from yingji.command.models import Dispatch, Incident, PlanActivation, ResourceRequest, ResponsePlan, Task
from yingji.core.models import Road
from yingji.registry.choices import EquipmentKind, ReadinessStatus

API = "/api/v1/command"


def placed(factory: Any, xy: tuple[float, float], **extra: Any) -> Any:
    lon, lat = at(*xy)
    return factory(longitude=lon, latitude=lat, **extra)


@pytest.fixture
def forces(people: Any, departments: Any) -> dict[str, Any]:
    Road.objects.create(name="干线", road_class="national", speed_kmh=60,
                        geometry={"type": "LineString", "coordinates": [list(at(0, 0)), list(at(6000, 0))]})
    people.rescue_team.status = ReadinessStatus.UNAVAILABLE
    people.rescue_team.save()
    fire = departments.fire
    teams = {
        "near": placed(factories.RescueTeamFactory, (2000, 0), name="近危化队", owner_department=fire),
        "far": placed(factories.RescueTeamFactory, (6000, 0), name="远危化队", owner_department=fire),
        "deployed": placed(factories.RescueTeamFactory, (2500, 0), name="执行任务队", owner_department=fire,
                           status=ReadinessStatus.DEPLOYED),
        "sent": placed(factories.RescueTeamFactory, (2900, 0), name="已调派队", owner_department=fire),
    }
    other = Incident.objects.create(title="另一事件", incident_type="fire", source="phone", occurred_at=_now(),
                                    level="一般", response="IV")
    Dispatch.objects.create(incident=other, resource_kind="rescue-teams", resource_id=teams["sent"].pk,
                            resource_name="已调派队", dispatched_at=_now())
    warehouse = placed(factories.WarehouseFactory, (0, 0), name="西仓库", owner_department=departments.emergency)
    factories.StockItemFactory(warehouse=warehouse, name="帐篷", unit="顶", quantity=Decimal(60))
    placed(factories.EquipmentFactory, (3000, 0), name="排涝泵", kind=EquipmentKind.PUMP, quantity=3,
           owner_department=departments.emergency)
    return teams


def _now() -> Any:
    return timezone.now()


def requirements(departments: Any) -> list[dict[str, Any]]:
    return [
        {"kind": "rescue-teams", "filters": {"team_type": "hazmat"}, "count": 3, "label": "危化品救援队",
         "department": departments.fire.pk},
        {"kind": "stock", "item": "帐篷", "unit": "顶", "count": 100, "within_minutes": 30},
        {"kind": "equipment", "filters": {"kind": "pump"}, "count": 2, "label": "排涝泵"},
    ]


@pytest.fixture
def plan(people: Any, departments: Any, client_for: Any) -> dict[str, Any]:
    client = client_for(people.emergency_officer)
    created = post(client, f"{API}/plans", plan_body(departments, required_resources=requirements(departments)))
    assert created.status_code == 201, created.content
    return post(client, f"{API}/plans/{created.json()['id']}/publish", {}).json()


def test_activation_checks_each_requirement(people: Any, departments: Any, forces: dict[str, Any],
                                           plan: dict[str, Any], client_for: Any,
                                           incident: dict[str, Any]) -> None:  # noqa: F811 - the imported fixture
    client = client_for(people.admin)  # the county's command centre sees every department's resources
    answer = post(client, f"{API}/incidents/{incident['id']}/activations", {"plan": plan["id"]})
    assert answer.status_code == 201, answer.content
    teams, tents, pumps = answer.json()["readiness"]
    assert (teams["required"], teams["available"], teams["met"], teams["short"]) == (3, 2, False, 1)
    assert [(c["name"], c["time_min"]) for c in teams["candidates"]] == [("近危化队", 1.0), ("远危化队", 3.0)]
    assert (tents["label"], tents["unit"], tents["available"], tents["short"]) == ("帐篷", "顶", 60, 40)
    assert [(c["name"], c["time_min"], c["amount"]) for c in tents["candidates"]] == [("西仓库（帐篷 60顶）", 3.0, 60)]
    assert (pumps["available"], pumps["met"], pumps["short"], pumps["follow_up"]) == (3, True, 0, None)

    activation = PlanActivation.objects.get()
    request = ResourceRequest.objects.get()
    assert (request.to_department, request.from_department, request.quantity) == (
        departments.fire, departments.emergency, 1)
    assert request.needed_by == activation.activated_at + timedelta(minutes=60)
    assert "危化品救援队缺 1支（需 3，可用 2）" in request.what
    assert teams["follow_up"] == {"type": "request", "id": request.pk, "department": "县消防救援大队"}
    task = Task.objects.get(title="补足资源缺口：帐篷")
    assert (task.department, task.due_at) == (departments.emergency, activation.activated_at + timedelta(minutes=30))
    assert tents["follow_up"]["type"] == "task"
    assert activation.readiness == answer.json()["readiness"] and activation.readiness_checked_at is not None

    timeline = [e["text"] for e in client.get(f"{API}/incidents/{incident['id']}").json()["timeline"]]
    assert ("资源核查：1 项满足，2 项不足：危化品救援队缺 1支（已向县消防救援大队请求）；"
            "帐篷缺 40顶（已交县应急管理局补足）") in timeline
    # the fire brigade finds the request in its own queue (made by the incident's department)
    assert [r["id"] for r in client_for(people.fire_officer).get(f"{API}/requests").json()] == [request.pk]
    listed = client.get(f"{API}/incidents/{incident['id']}/activations").json()
    assert listed[0]["readiness"][0]["short"] == 1
    board = client.get(f"/command/incidents/{incident['id']}/").content.decode()
    assert 'data-testid="readiness"' in board and "危化品救援队" in board and "近危化队" in board


def test_a_department_counts_what_its_scope_can_call_on(people: Any, forces: dict[str, Any],
                                                       plan: dict[str, Any], client_for: Any,
                                                       incident: dict[str, Any]) -> None:  # noqa: F811
    # The emergency bureau does not own the fire brigade's teams: none available to it, all three asked for.
    answer = post(client_for(people.emergency_officer), f"{API}/incidents/{incident['id']}/activations",
                  {"plan": plan["id"]}).json()
    assert (answer["readiness"][0]["available"], answer["readiness"][0]["candidates"]) == (0, [])
    assert ResourceRequest.objects.get().quantity == 3


def test_a_plan_without_requirements_writes_no_check(people: Any, departments: Any,
                                                     client_for: Any,
                                                     incident: dict[str, Any]) -> None:  # noqa: F811
    client = client_for(people.emergency_officer)
    created = post(client, f"{API}/plans", plan_body(departments)).json()
    post(client, f"{API}/plans/{created['id']}/publish", {})
    answer = post(client, f"{API}/incidents/{incident['id']}/activations", {"plan": created["id"]}).json()
    assert answer["readiness"] == [] and answer["readiness_checked_at"] is None
    assert not ResourceRequest.objects.exists()


@pytest.mark.parametrize(("requirement", "field", "words"), [
    ({"kind": "tanks", "count": 1}, "required_resources.0.kind", "未知的资源类别"),
    ({"kind": "rescue-teams", "count": 0}, "required_resources.0.count", "正数"),
    ({"kind": "rescue-teams", "count": True}, "required_resources.0.count", "正数"),
    ({"kind": "rescue-teams", "count": 1, "filters": {"colour": "red"}}, "required_resources.0.filters", "colour"),
    ({"kind": "stock", "count": 5}, "required_resources.0.item", "名称"),
    ({"kind": "experts", "count": 1, "department": 999999}, "required_resources.0.department", "不存在"),
    ({"kind": "experts", "count": 1, "within_minutes": 0}, "required_resources.0.within_minutes", "1–10080"),
    ("两支队伍", "required_resources.0", "对象"),
])
def test_bad_requirements_are_refused(people: Any, departments: Any, client_for: Any, requirement: Any, field: str,
                                      words: str) -> None:
    body = plan_body(departments, required_resources=[requirement])
    assert words in refused(post(client_for(people.emergency_officer), f"{API}/plans", body), field)
    assert not ResponsePlan.objects.exists()
