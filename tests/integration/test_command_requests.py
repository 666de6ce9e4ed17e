"""Resource requests between departments: ask, answer (accept / decline with a reason), fulfil, all on the log."""

from __future__ import annotations

import json
from typing import Any

import pytest

from yingji.command.models import ResourceRequest

API = "/api/v1/command"


def post(client: Any, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def incident(people: Any, client_for: Any) -> dict[str, Any]:
    return post(client_for(people.emergency_officer), f"{API}/incidents",
                {"title": "仓库火灾", "incident_type": "fire", "source": "phone"}).json()


def test_ask_accept_fulfil(people: Any, departments: Any, incident: dict[str, Any], client_for: Any) -> None:
    bureau = client_for(people.emergency_officer)
    made = post(bureau, f"{API}/incidents/{incident['id']}/requests",
                {"to_department": departments.fire.pk, "what": "举高喷射消防车", "quantity": 2})
    assert made.status_code == 201, made.content
    request = made.json()
    assert (request["from_department"], request["to_department"], request["status"]) == (
        "县应急管理局", "县消防救援大队", "requested")
    fire = client_for(people.fire_officer)
    assert [r["id"] for r in fire.get(f"{API}/requests").json()] == [request["id"]]  # the asked department sees it
    assert post(client_for(people.education_officer), f"{API}/requests/{request['id']}/answer",
                {"decision": "accept"}).status_code == 404
    assert post(bureau, f"{API}/requests/{request['id']}/answer", {"decision": "accept"}).status_code == 403
    accepted = post(fire, f"{API}/requests/{request['id']}/answer", {"decision": "accept", "note": "20 分钟到场"})
    assert accepted.json()["status"] == "accepted"
    again = post(fire, f"{API}/requests/{request['id']}/answer", {"decision": "decline", "note": "x"})
    assert again.status_code == 422 and "不能再答复" in again.json()["detail"][0]["message"]
    done = post(bureau, f"{API}/requests/{request['id']}/fulfil", {})
    assert done.json()["status"] == "fulfilled" and done.json()["fulfilled_at"]
    log = [e["text"] for e in bureau.get(f"{API}/incidents/{incident['id']}").json()["timeline"]]
    assert "向县消防救援大队请求：举高喷射消防车 × 2" in log
    assert "县消防救援大队同意请求：举高喷射消防车。20 分钟到场" in log
    assert "县消防救援大队的举高喷射消防车已到位" in log


def test_decline_needs_a_reason_and_bad_requests_write_nothing(people: Any, departments: Any,
                                                               incident: dict[str, Any], client_for: Any) -> None:
    bureau = client_for(people.emergency_officer)
    url = f"{API}/incidents/{incident['id']}/requests"
    own = post(bureau, url, {"to_department": departments.emergency.pk, "what": "x"})
    assert own.status_code == 422 and "本部门" in own.json()["detail"][0]["message"]
    unknown = post(bureau, url, {"to_department": 999999, "what": "x"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["field"] == "to_department"
    blank = post(bureau, url, {"to_department": departments.fire.pk, "what": " "})
    assert blank.status_code == 422 and blank.json()["detail"][0]["field"] == "what"
    assert not ResourceRequest.objects.exists()
    made = post(bureau, url, {"to_department": departments.fire.pk, "what": "泡沫 5 吨"}).json()
    fire = client_for(people.fire_officer)
    refused = post(fire, f"{API}/requests/{made['id']}/answer", {"decision": "decline"})
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "note"
    declined = post(fire, f"{API}/requests/{made['id']}/answer", {"decision": "decline", "note": "库存不足"}).json()
    assert declined["status"] == "declined"
    assert post(bureau, f"{API}/requests/{made['id']}/fulfil", {}).status_code == 422
