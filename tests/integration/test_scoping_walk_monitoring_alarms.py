"""The scoping walk for monitoring: every /api/v1/monitoring endpoint with {pk} hides enterprise B's device, channel,
alarm and photos from enterprise A's officer, and the lists, statistics, export and map status leave them out.

The alarm handling paths; test_scoping_walk_monitoring.py checks (from the OpenAPI schema) that every monitoring
endpoint with {pk} is walked here or there (the {pk} is a device, a channel or an alarm of B, by the path's first
segment).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.integration.monitoring_support import GasDetector, batch, gas_detector, post
from tests.scoping_walk import call
from yingji.monitoring import alarms, handling
from yingji.monitoring.models import Alarm, AlarmPhoto

API = "/api/v1/monitoring"
DETAIL_REQUESTS: dict[tuple[str, str], Any] = {
    ("/devices/{pk}/credentials", "post"): None,
    ("/channels/{pk}/series", "get"): None,
    ("/alarms/{pk}", "get"): None,
    ("/alarms/{pk}/acknowledge", "post"): {},
    ("/alarms/{pk}/close", "post"): {"cause": "x", "measures": "y"},
    ("/alarms/{pk}/assignees", "get"): None,
    ("/alarms/{pk}/assign", "post"): {"assignee": 1},
    ("/alarms/{pk}/notes", "get"): None,
    ("/alarms/{pk}/notes", "post"): {"text": "x"},
    ("/alarms/{pk}/photos/{photo_pk}", "get"): None,
}
COLLECTIONS = {"/readings", "/devices", "/alarms", "/alarms/stats", "/alarms/export", "/device-status"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def b_alarm(people: Any, enterprise_b: Any, settings: Any, tmp_path: Any) -> tuple[GasDetector, Alarm]:
    settings.MEDIA_ROOT = tmp_path
    gas = gas_detector("GAS-B1", enterprise_b, people.officer_b)
    post(gas.client(), batch(gas.channel.pk, [10.0, 30.0]))
    alarm = alarms.acknowledge(Alarm.objects.get(), actor=people.officer_b)
    handling.add_note(alarm, "现场照片", actor=people.officer_b,
                      photos=[handling.PhotoUpload(name="b.png", content=PNG, size=len(PNG))])
    return gas, alarm


def test_enterprise_a_cannot_reach_enterprise_b_device_or_alarm(people: Any, client_for: Any,
                                                                b_alarm: tuple[GasDetector, Alarm]) -> None:
    gas, alarm = b_alarm
    photo = AlarmPhoto.objects.get()
    ids = {"devices": gas.device.pk, "channels": gas.channel.pk, "alarms": alarm.pk}
    client = client_for(people.officer_a)
    for (path, method), body in DETAIL_REQUESTS.items():
        url = API + path.replace("{pk}", str(ids[path.split("/")[1]])).replace("{photo_pk}", str(photo.pk))
        if path == "/alarms/{pk}/notes" and method == "post":
            response = client.post(url, {"text": "x", "photos": [SimpleUploadedFile("a.png", PNG)]})
        else:
            response = call(client, method, url, body)
        assert response.status_code == 404, (method, path, response.status_code)
    alarm.refresh_from_db()
    assert (alarm.status, alarm.notes.count(), alarm.assignee_id) == ("handling", 1, None)

    assert client.get(f"{API}/alarms").json()["count"] == 0
    assert client.get(f"{API}/alarms/stats").json()["total"] == 0
    assert client.get(f"{API}/device-status").json() == []
    assert client.get(f"{API}/devices").json()["count"] == 0
    export = client.get(f"{API}/alarms/export", {"format": "csv"})
    assert b"".join(export.streaming_content).decode("utf-8-sig").strip().count("\n") == 0  # the header only
