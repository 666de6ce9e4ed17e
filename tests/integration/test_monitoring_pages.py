"""The console and device pages and the map's device-status layer: rendered in scope, statuses from alarms."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.monitoring_support import GasDetector, batch, gas_detector, post
from yingji.monitoring import alarms
from yingji.monitoring.models import Alarm, Device

pytestmark = pytest.mark.django_db

STATUS = "/api/v1/monitoring/device-status"


@pytest.fixture
def gas_a(people: Any, enterprise_a: Any) -> GasDetector:
    gas = gas_detector("GAS-A1", enterprise_a, people.officer_a)
    Device.objects.filter(pk=gas.device.pk).update(longitude=122.03, latitude=41.24)
    return gas


@pytest.fixture
def gas_b(people: Any, enterprise_b: Any) -> GasDetector:
    gas = gas_detector("GAS-B1", enterprise_b, people.officer_b)
    Device.objects.filter(pk=gas.device.pk).update(longitude=122.05, latitude=41.20)
    return gas


def statuses(client: Any) -> dict[str, str]:
    return {d["code"]: d["status"] for d in client.get(STATUS).json()}


def test_device_status_follows_the_worst_active_alarm(gas_a: GasDetector, gas_b: GasDetector, people: Any,
                                                      client_for: Any, django_assert_max_num_queries: Any) -> None:
    admin = client_for(people.admin)
    assert statuses(admin) == {"GAS-A1": "normal", "GAS-B1": "normal"}
    post(gas_a.client(), batch(gas_a.channel.pk, [10.0, 30.0]))
    assert statuses(admin)["GAS-A1"] == "alarm1"
    post(gas_a.client(), batch(gas_a.channel.pk, [55.0], start_s=20))
    with django_assert_max_num_queries(5):  # session, user, devices, alarms
        assert statuses(admin)["GAS-A1"] == "alarm2"
    post(gas_b.client(), batch(gas_b.channel.pk, [10.0, 101.0]))  # beyond the 0–100 range: sensor fault
    assert statuses(admin)["GAS-B1"] == "fault"
    # Scope: enterprise A's officer sees only A's device; a closed or recovered alarm no longer colours it.
    assert statuses(client_for(people.officer_a)) == {"GAS-A1": "alarm2"}
    alarm = Alarm.objects.get(channel=gas_a.channel)
    alarms.acknowledge(alarm, actor=people.officer_a)
    alarms.close(alarm, actor=people.officer_a, cause="泄漏", measures="堵漏")
    assert statuses(admin)["GAS-A1"] == "normal"


def test_console_and_device_pages_render_in_scope(gas_a: GasDetector, people: Any, client_for: Any) -> None:
    officer = client_for(people.officer_a)
    console = officer.get("/monitoring/alarms/")
    assert console.status_code == 200
    body = console.content.decode()
    assert "报警控制台" in body and 'data-may-act="true"' in body and "console-i18n" in body
    assert 'data-may-act="false"' in client_for(people.auditor).get("/monitoring/alarms/").content.decode()
    english = client_for(people.officer_a)
    english.cookies["django_language"] = "en"
    body_en = english.get("/monitoring/alarms/").content.decode()
    assert "Alarm console" in body_en and "Enable sound" in body_en and "Acknowledge" in body_en

    post(gas_a.client(), batch(gas_a.channel.pk, [10.0, 30.0]))
    page = officer.get(f"/monitoring/devices/{gas_a.device.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "可燃气体浓度高报（一级）" in text  # the alarm history
    assert '"thresholds": [{"label": "H 25", "value": 25.0, "grade": 1}, {"label": "HH 50", "value": 50.0' in text
    assert client_for(people.officer_b).get(f"/monitoring/devices/{gas_a.device.pk}/").status_code == 404
    assert client_for(people.officer_a).get("/monitoring/alarms/").status_code == 200
    assert officer.get("/monitoring/devices/999999/").status_code == 404


def test_the_event_stream_refuses_a_wsgi_server(people: Any, client_for: Any) -> None:
    response = client_for(people.officer_a).get("/api/v1/events/stream")  # Django's test Client is WSGI
    assert response.status_code == 503 and "ASGI" in response.json()["detail"]
