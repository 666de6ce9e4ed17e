"""The scoping walk for monitoring: every /api/v1/monitoring endpoint with {pk}, and the lists, hide enterprise
B's device, channel, alarm and credential from enterprise A's officer.

Driven by the OpenAPI schema like tests/integration/test_scoping_walk.py: a new monitoring endpoint with {pk}
fails here until it is given a request below, and a new collection path fails until it is listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.integration.monitoring_support import T0, gas_detector
from tests.integration.test_scoping_walk_monitoring_alarms import COLLECTIONS as ALARM_COLLECTIONS
from tests.integration.test_scoping_walk_monitoring_alarms import DETAIL_REQUESTS as ALARM_REQUESTS
from tests.scoping_walk import api_paths, assert_every_path_walked, call
from yingji.monitoring.models import Alarm, ChannelRule, Device

API = "/api/v1/monitoring"
# (path, method) → (which record's id goes into {pk}, what A's officer sends, the status A gets on its own)
DETAIL_REQUESTS: dict[tuple[str, str], tuple[str, Any, int]] = {
    ("/channels/{pk}/series", "get"): ("channel", None, 200),
    ("/devices/{pk}/credentials", "get"): ("device", None, 200),
    ("/devices/{pk}/credentials", "post"): ("device", None, 201),
    ("/devices/{pk}", "patch"): ("device", {"name": "被改"}, 200),
    ("/alarms/{pk}/acknowledge", "post"): ("alarm", {"note": "被确认"}, 200),
    ("/alarms/{pk}/close", "post"): ("alarm", {"cause": "误报", "measures": "无"}, 200),
    ("/credentials/{pk}/revoke", "post"): ("credential", None, 200),
    ("/channels/{pk}/rules", "get"): ("channel", None, 200),
    ("/channels/{pk}/rules", "post"): ("channel", {"kind": "threshold", "name": "被加",
                                                   "params": {"direction": "high", "first": 30}}, 201),
    ("/channel-rules/{pk}", "patch"): ("rule", {"name": "被改"}, 200),
    ("/channel-rules/{pk}", "delete"): ("rule", None, 204),
    ("/devices/{pk}/channels", "post"): ("device", {"metric": "toxic_gas", "unit": "ppm"}, 201),
    ("/channels/{pk}", "patch"): ("channel", {"unit": "ppm"}, 200),
    ("/devices/{pk}/retire", "post"): ("device", {"reason": "被停用"}, 200),  # last: it ends the others
}
COLLECTIONS = {"/readings", "/readings/backfill", "/devices", "/devices/import", "/alarms", "/dead-letters",
               "/dead-letters/export"}


@dataclass
class Records:
    device: Device
    channel: int
    alarm: int
    credential: int
    rule: int

    def pk(self, kind: str) -> int:
        return self.device.pk if kind == "device" else getattr(self, kind)


def _records(code: str, enterprise: Any, actor: Any) -> Records:
    gas = gas_detector(code, enterprise, actor)
    alarm = Alarm.objects.create(channel=gas.channel, rule_id="gas.high", level="H", category="process",
                                 message="可燃气体浓度超限（一级）", first_at=T0, last_at=T0)
    rule = ChannelRule.objects.create(channel=gas.channel, kind="threshold", name="预警",
                                      params={"direction": "high", "first": 20.0})
    return Records(gas.device, gas.channel.pk, alarm.pk, gas.device.credentials.get().pk, rule.pk)


@pytest.fixture
def b_records(people: Any, enterprise_b: Any) -> Records:
    return _records("GAS-WALK-B", enterprise_b, people.officer_b)


@pytest.fixture
def a_records(people: Any, enterprise_a: Any) -> Records:
    return _records("GAS-WALK-A", enterprise_a, people.officer_a)


def test_every_monitoring_path_is_walked(people: Any, client_for: Any) -> None:
    paths = api_paths(client_for(people.admin), API)
    walked = {**{key: body for key, (_, body, _) in DETAIL_REQUESTS.items()}, **ALARM_REQUESTS}
    assert_every_path_walked(paths, walked, COLLECTIONS | ALARM_COLLECTIONS, API)


def test_enterprise_a_cannot_reach_enterprise_b_records(people: Any, a_records: Records, b_records: Records,
                                                        client_for: Any) -> None:
    client = client_for(people.officer_a)
    for (path, method), (kind, body, _) in DETAIL_REQUESTS.items():
        response = call(client, method, API + path.replace("{pk}", str(b_records.pk(kind))), body)
        assert response.status_code == 404, (method, path, response.status_code)
    b_records.device.refresh_from_db()
    assert (b_records.device.name, b_records.device.status) == ("可燃气体探测器 GAS-WALK-B", "active")
    assert Alarm.objects.get(pk=b_records.alarm).status == "raised"
    assert b_records.device.credentials.get().revoked_at is None
    assert {d["id"] for d in client.get(f"{API}/devices").json()["items"]} == {a_records.device.pk}
    assert {a["id"] for a in client.get(f"{API}/alarms").json()["items"]} == {a_records.alarm}

    # Not vacuous: A reaches its own records with the same requests.
    for (path, method), (kind, body, status) in DETAIL_REQUESTS.items():
        response = call(client, method, API + path.replace("{pk}", str(a_records.pk(kind))), body)
        assert response.status_code == status, (method, path, response.status_code, response.content)


@pytest.mark.parametrize("user", ["township_taiping", "education_officer", "fire_officer"])
def test_other_scopes_do_not_reach_enterprise_b_records(user: str, people: Any, b_records: Records,
                                                        client_for: Any) -> None:
    client = client_for(getattr(people, user))
    for (path, method), (kind, body, _) in DETAIL_REQUESTS.items():
        response = call(client, method, API + path.replace("{pk}", str(b_records.pk(kind))), body)
        assert response.status_code == 404, (user, method, path, response.status_code)
    assert client.get(f"{API}/devices").json()["count"] == 0
