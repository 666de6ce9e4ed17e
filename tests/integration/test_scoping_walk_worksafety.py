"""The scoping walk for worksafety: every /api/v1/worksafety endpoint with {pk}, and every list and export,
hides enterprise B's permit and tool from enterprise A's officer and from departments and townships that do
not supervise B.

Driven by the OpenAPI schema like tests/integration/test_scoping_walk_hazmat.py: a new worksafety endpoint
with {pk} fails here until it is given a request body below.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.integration.worksafety_support import API, make_approvers, plan_data
from tests.scoping_walk import api_paths, assert_every_path_walked, call
from yingji.worksafety import locks, services
from yingji.worksafety.models import Permit, PermitStatus, Tool

# What an outsider sends to B's records, per (path, method): harmless if it were ever accepted by mistake.
PERMIT_REQUESTS: dict[tuple[str, str], Any] = {
    ("/permits/{pk}", "get"): None,
    ("/permits/{pk}", "patch"): {"place": "被改"},
    ("/permits/{pk}", "delete"): None,
    ("/permits/{pk}/submit", "post"): None,
    ("/permits/{pk}/approve", "post"): {},
    ("/permits/{pk}/start", "post"): None,
    ("/permits/{pk}/suspend", "post"): None,
    ("/permits/{pk}/resume", "post"): None,
    ("/permits/{pk}/complete", "post"): None,
    ("/permits/{pk}/renew", "post"): {"planned_end": "2030-01-01T08:00:00+08:00"},
    ("/permits/{pk}/close", "post"): None,
    ("/permits/{pk}/cancel", "post"): None,
    ("/permits/{pk}/gas-analyses", "get"): None,
    ("/permits/{pk}/gas-analyses", "post"): {"sampled_at": "2026-01-01T08:00:00+08:00", "analyst": "外人",
                                             "oxygen_vol_pct": 20.9},
    ("/permits/{pk}/spot-checks", "get"): None,
    ("/permits/{pk}/spot-checks", "post"): {"result": "stop_work", "findings": "越权"},
    ("/permits/{pk}/site-watch", "put"): {"video_source": "CAM-外人"},
    ("/permits/{pk}/site-watch/channels", "get"): None,
}
TOOL_REQUESTS: dict[tuple[str, str], Any] = {
    ("/tools/{pk}", "get"): None,
    ("/tools/{pk}/qr.svg", "get"): None,
    ("/tools/{pk}/unlock", "post"): {"worker_certificate": "T2101001", "longitude": 122.05, "latitude": 41.2},
}
# Authenticated by the lock's own device token: a user's session is not a lock (401), whoever they are.
LOCK_ONLY = {("/tools/{pk}/events", "post"): {"state": "unlocked"}}
STATELESS = {"/rules/check", "/elock/public-key"}
COLLECTIONS = {"/permits", "/permits/export", "/tools"}


@pytest.fixture
def b_records(people: Any, enterprise_b: Any) -> tuple[Permit, Tool]:
    tool, _ = locks.register_tool({"enterprise": enterprise_b, "name": "乙公司电焊机", "kind": "welder",
                                   "lock_id": "EL-B1"}, actor=people.officer_b)
    approvers = make_approvers(enterprise_b)
    permit = services.create_permit(plan_data(enterprise_b, work_type="height", level="I"), actor=people.officer_b,
                                    tools=[tool.pk])
    services.approve_permit(services.submit_permit(permit, actor=people.officer_b), actor=approvers.grassroots)
    permit = services.start_work(permit, actor=people.officer_b)
    return permit, tool


def _walk(client: Any, permit: Permit, tool: Tool, expected: int) -> None:
    for requests, pk in ((PERMIT_REQUESTS, permit.pk), (TOOL_REQUESTS, tool.pk)):
        for (path, method), body in requests.items():
            response = call(client, method, API + path.replace("{pk}", str(pk)), body)
            assert response.status_code == expected, (method, path, response.status_code, response.content[:200])
    for (path, method), body in LOCK_ONLY.items():
        assert call(client, method, API + path.replace("{pk}", str(tool.pk)), body).status_code == 401


def _exported_numbers(client: Any) -> set[str]:
    response = client.get(f"{API}/permits/export", {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    return {row[0] for row in rows[1:]}


def test_every_worksafety_path_is_walked(people: Any, client_for: Any) -> None:
    paths = api_paths(client_for(people.admin), API)
    assert_every_path_walked(paths, PERMIT_REQUESTS | TOOL_REQUESTS | LOCK_ONLY, STATELESS | COLLECTIONS, API)


def test_enterprise_a_cannot_reach_enterprise_b(people: Any, b_records: tuple[Permit, Tool], client_for: Any) -> None:
    permit, tool = b_records
    client = client_for(people.officer_a)
    _walk(client, permit, tool, 404)
    permit.refresh_from_db()
    assert (permit.place, permit.status, permit.gas_analyses.count(), permit.spot_checks.count()) == (
        "T-101 储罐内部", PermitStatus.IN_PROGRESS, 0, 0)
    assert not tool.unlocks.exists()
    assert client.get(f"{API}/permits").json()["count"] == 0
    assert client.get(f"{API}/tools").json() == []
    assert _exported_numbers(client) == set()
    # Not vacuous: B's officer and the emergency bureau (which supervises B) see them.
    officer_b = client_for(people.officer_b)
    assert officer_b.get(f"{API}/permits/{permit.pk}").status_code == 200
    assert _exported_numbers(officer_b) == {permit.number}
    bureau = client_for(people.emergency_officer)
    assert {p["id"] for p in bureau.get(f"{API}/permits", {"status": "active"}).json()["items"]} == {permit.pk}
    assert bureau.get(f"{API}/tools/{tool.pk}").status_code == 200


@pytest.mark.parametrize("user", ["township_taiping", "education_officer", "fire_officer"])
def test_other_scopes_do_not_reach_enterprise_b(user: str, people: Any, b_records: tuple[Permit, Tool],
                                                client_for: Any) -> None:
    """B is in 高升街道 and supervised by the emergency bureau: 太平街道, education and fire see nothing."""
    permit, tool = b_records
    client = client_for(getattr(people, user))
    _walk(client, permit, tool, 404)
    assert client.get(f"{API}/permits").json()["count"] == 0
    assert Permit.objects.get(pk=permit.pk).status == PermitStatus.IN_PROGRESS


def test_active_special_work_map_layer(people: Any, b_records: tuple[Permit, Tool], client_for: Any) -> None:
    """The supervisor's map layer lists B's work under way; A's officer sees none of it; it leaves when done."""
    permit, _ = b_records

    def layer(user: Any) -> tuple[int, list[int]]:
        client = client_for(user)
        meta = {m["slug"]: m for m in client.get("/api/v1/map/layers").json()}["special-work"]
        assert meta["live_topic"] == "worksafety.permit" and meta["detail_url"] == "/worksafety/permits/{id}/"
        data = client.get("/api/v1/map/layers/special-work", {"format": "compact"}).json()
        assert data["count"] == meta["count"]
        return data["count"], data["ids"]

    assert layer(people.emergency_officer) == (1, [permit.pk])
    assert layer(people.officer_a) == (0, [])
    services.complete_work(permit, actor=people.officer_b)
    assert layer(people.emergency_officer) == (0, [])
