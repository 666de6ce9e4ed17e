"""Device updates, retirement (stops offline alarms, keeps history) and credential list / revoke."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.integration.monitoring_support import T0, GasDetector, batch, gas_detector, post
from yingji.core.models import AuditEvent
from yingji.monitoring import evaluation
from yingji.monitoring.models import Alarm, Reading

pytestmark = pytest.mark.django_db
API = "/api/v1/monitoring"


@pytest.fixture
def gas(people: Any, enterprise_a: Any) -> GasDetector:
    return gas_detector("GAS-D1", enterprise_a, people.officer_a)


def test_owner_updates_descriptive_fields_audited(gas: GasDetector, people: Any, client_for: Any) -> None:
    client = client_for(people.officer_a)
    response = client.patch(f"{API}/devices/{gas.device.pk}", {"name": "1号罐可燃气体探测器",
                                                               "installation_point": "T-101 罐顶"},
                            content_type="application/json")
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["installation_point"]) == ("1号罐可燃气体探测器", "T-101 罐顶")
    event = AuditEvent.objects.get(action="monitoring.device.update")
    assert event.before["name"] == "可燃气体探测器 GAS-D1" and event.after["name"] == "1号罐可燃气体探测器"
    retire_by_patch = client.patch(f"{API}/devices/{gas.device.pk}", {"status": "retired"},
                                   content_type="application/json")
    assert retire_by_patch.status_code == 422 and "停用" in retire_by_patch.content.decode()
    assert client_for(people.officer_b).patch(f"{API}/devices/{gas.device.pk}", {"name": "x"},
                                              content_type="application/json").status_code == 404


def test_a_device_in_maintenance_raises_no_offline_alarm(gas: GasDetector, people: Any, client_for: Any) -> None:
    assert post(gas.client(), batch(gas.channel.pk, [1.0])).status_code == 200
    client_for(people.officer_a).patch(f"{API}/devices/{gas.device.pk}", {"status": "maintenance"},
                                       content_type="application/json")
    assert evaluation.tick(T0 + timedelta(hours=1)) == 0


def test_retiring_recovers_the_offline_alarm_revokes_tokens_and_keeps_history(gas: GasDetector, people: Any,
                                                                               client_for: Any) -> None:
    assert post(gas.client(), batch(gas.channel.pk, [1.0, 2.0])).status_code == 200
    assert evaluation.tick(T0 + timedelta(hours=1)) == 1
    client = client_for(people.officer_a)
    response = client.post(f"{API}/devices/{gas.device.pk}/retire", {"reason": "探测器更换"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "retired"
    alarm = Alarm.objects.get(channel=gas.channel, rule_id="offline")
    assert alarm.recovered_at is not None and alarm.status == "raised"  # explained, still to be closed by a person
    assert evaluation.tick(T0 + timedelta(hours=2)) == 0
    assert post(gas.client(), batch(gas.channel.pk, [3.0], start_s=30)).status_code == 401
    assert Reading.objects.filter(channel=gas.channel).count() == 2
    event = AuditEvent.objects.get(action="monitoring.device.retire")
    assert event.after["reason"] == "探测器更换" and event.after["revoked_credentials"] == 1
    again = client.post(f"{API}/devices/{gas.device.pk}/retire", {}, content_type="application/json")
    assert again.status_code == 422 and "已停用" in again.content.decode()
    assert client.patch(f"{API}/devices/{gas.device.pk}", {"name": "x"},
                        content_type="application/json").status_code == 422


def test_credentials_are_listed_without_secrets_and_revoked(gas: GasDetector, people: Any, client_for: Any) -> None:
    client = client_for(people.officer_a)
    listed = client.get(f"{API}/devices/{gas.device.pk}/credentials").json()
    assert len(listed) == 1 and gas.token.startswith(listed[0]["prefix"]) and "token" not in listed[0]
    assert listed[0]["revoked_at"] is None
    assert client_for(people.officer_b).post(f"{API}/credentials/{listed[0]['id']}/revoke").status_code == 404
    revoked = client.post(f"{API}/credentials/{listed[0]['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert post(gas.client(), batch(gas.channel.pk, [1.0])).status_code == 401
    assert AuditEvent.objects.filter(action="monitoring.credential.revoke").count() == 1
