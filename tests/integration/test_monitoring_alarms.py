"""Closed-loop alarms: the combustible-gas pack on a real channel, episodes, lifecycle, audit, scope, restarts."""

from __future__ import annotations

import importlib
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.integration.monitoring_support import T0, GasDetector, batch, gas_detector, post
from yingji.core import events
from yingji.core.events import InProcessBackend
from yingji.core.models import AuditEvent
from yingji.monitoring import devices, evaluation, rule_binding
from yingji.monitoring.models import Alarm, AlarmCategory, AlarmStatus, Channel, ChannelRuleState

pytestmark = pytest.mark.django_db

ALARMS = "/api/v1/monitoring/alarms"
# 10 → 30 %LEL: level 1 (H ≥ 25); 55: level 2 (HH ≥ 50); repeats; 49 stays HH (≥ 50 − 2); 30 back to H;
# 24 stays H (≥ 25 − 2); 22 recovers (< 23).
GASVALUES = [10.0, 30, 31, 55, 56, 57, 49, 30, 24, 22, 10]


@pytest.fixture
def gas_a(people: Any, enterprise_a: Any) -> GasDetector:
    return gas_detector("GAS-A1", enterprise_a, people.officer_a)


@pytest.fixture
def gas_b(people: Any, enterprise_b: Any) -> GasDetector:
    return gas_detector("GAS-B1", enterprise_b, people.officer_b)


@pytest.fixture
def heard() -> list[events.Event]:
    received: list[events.Event] = []
    bus = events.backend()
    assert isinstance(bus, InProcessBackend)
    bus.add_listener(received.append)
    return received


def alarm_actions() -> list[str]:
    events_ = AuditEvent.objects.filter(object_type="monitoring.alarm").order_by("seq")
    return list(events_.values_list("action", flat=True))


def feed(gas: GasDetector, values: list[float], start_s: float = 0) -> None:
    response = post(gas.client(), batch(gas.channel.pk, values, start_s=start_s))
    assert response.status_code == 200 and response.json()["stored"] == len(values), response.content


def test_gas_episode_raises_escalates_repeats_and_recovers(gas_a: GasDetector, heard: list[events.Event],
                                                           django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        feed(gas_a, GASVALUES[:2])
    (alarm,) = Alarm.objects.all()
    assert (alarm.level, alarm.grade, alarm.category, alarm.status) == ("H", 1, AlarmCategory.PROCESS, "raised")
    assert (alarm.first_value, alarm.rule_id) == (30, "combustible_gas_level")
    assert [e.topic for e in heard] == ["monitoring.alarm.raised"]
    assert heard[0].scope.enterprise_id == gas_a.device.enterprise_id and heard[0].scope.kind == "monitoring.device"

    with django_capture_on_commit_callbacks(execute=True):
        feed(gas_a, GASVALUES[2:], start_s=20)
    (alarm,) = Alarm.objects.all()  # one alarm for the whole episode
    assert (alarm.level, alarm.grade) == ("H", 1)  # de-escalated back to level 1 at 30
    assert alarm.recovered_at == T0 + timedelta(seconds=90)  # the reading of 22 %LEL
    assert alarm.first_at == T0 + timedelta(seconds=10)
    # 31, 56, 57, 49 and 24 repeat an active level; 55 escalates, 30 de-escalates, 22 recovers
    assert alarm.repeat_count == 5
    assert alarm.status == AlarmStatus.RAISED  # recovered, still to be closed by a person
    assert alarm_actions() == ["monitoring.alarm.raise", "monitoring.alarm.escalate",
                               "monitoring.alarm.deescalate", "monitoring.alarm.recover"]
    assert [e.topic for e in heard] == ["monitoring.alarm.raised", "monitoring.alarm.escalated",
                                        "monitoring.alarm.deescalated", "monitoring.alarm.recovered"]


def test_escalation_is_level_two(gas_a: GasDetector) -> None:
    feed(gas_a, [10, 30, 55])
    (alarm,) = Alarm.objects.all()
    assert (alarm.level, alarm.grade, alarm.last_value) == ("HH", 2, 55)


def test_a_new_episode_after_recovery_is_a_new_alarm(gas_a: GasDetector) -> None:
    feed(gas_a, GASVALUES)
    feed(gas_a, [30.0], start_s=200)
    assert Alarm.objects.count() == 2
    assert Alarm.objects.filter(recovered_at__isnull=True).count() == 1


def test_resent_batch_does_not_repeat_or_double_alarms(gas_a: GasDetector) -> None:
    readings = batch(gas_a.channel.pk, [10.0, 30.0, 31.0])
    post(gas_a.client(), readings)
    post(gas_a.client(), readings)
    (alarm,) = Alarm.objects.all()
    assert alarm.repeat_count == 1
    assert alarm_actions() == ["monitoring.alarm.raise"]


def test_rule_state_survives_a_restart(gas_a: GasDetector, gas_b: GasDetector) -> None:
    """Half a sequence, then caches cleared (a restart), then the rest: the same alarms as in one go."""
    feed(gas_b, GASVALUES)
    half = 5
    feed(gas_a, GASVALUES[:half])
    rule_binding.clear_caches()
    assert ChannelRuleState.objects.get(channel=gas_a.channel).state["levelled"]["combustible_gas_level"]["active"]
    feed(gas_a, GASVALUES[half:], start_s=half * 10)

    def shape(gas: GasDetector) -> list[tuple[Any, ...]]:
        return list(Alarm.objects.filter(channel=gas.channel).values_list(
            "level", "grade", "first_value", "first_at", "last_value", "repeat_count", "recovered_at"))

    assert shape(gas_a) == shape(gas_b) and len(shape(gas_a)) == 1


def test_acknowledge_and_close_are_audited(gas_a: GasDetector, people: Any, client_for: Any,
                                           heard: list[events.Event],
                                           django_capture_on_commit_callbacks: Any) -> None:
    feed(gas_a, [10.0, 30.0])
    alarm = Alarm.objects.get()
    client = client_for(people.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{ALARMS}/{alarm.pk}/acknowledge", {"note": "已通知班长现场核查"},
                               content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "acknowledged"
    assert client.post(f"{ALARMS}/{alarm.pk}/acknowledge", {}, content_type="application/json").status_code == 422

    refused = client.post(f"{ALARMS}/{alarm.pk}/close", {"cause": " ", "measures": ""},
                          content_type="application/json")
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["detail"]} == {"cause", "measures"}
    with django_capture_on_commit_callbacks(execute=True):
        closed = client.post(f"{ALARMS}/{alarm.pk}/close",
                             {"cause": "法兰垫片老化泄漏", "measures": "更换垫片，复测合格"},
                             content_type="application/json")
    assert closed.status_code == 200, closed.content
    alarm.refresh_from_db()
    assert (alarm.status, alarm.closed_by, alarm.acknowledged_by) == ("closed", people.officer_a, people.officer_a)
    assert alarm.cause == "法兰垫片老化泄漏"
    assert alarm_actions() == ["monitoring.alarm.raise", "monitoring.alarm.acknowledge", "monitoring.alarm.close"]
    ack = AuditEvent.objects.get(action="monitoring.alarm.acknowledge")
    assert ack.actor == people.officer_a and ack.before["status"] == "raised" and ack.after["status"] == "acknowledged"
    assert [e.topic for e in heard] == ["monitoring.alarm.acknowledged", "monitoring.alarm.closed"]
    # after closing, the condition still holding is not a new alarm until the engine sees a new episode
    feed(gas_a, [32.0], start_s=20)
    assert Alarm.objects.count() == 1


def test_enterprise_officer_cannot_see_or_handle_another_enterprises_alarms(
        gas_a: GasDetector, gas_b: GasDetector, people: Any, client_for: Any) -> None:
    feed(gas_a, [30.0])
    feed(gas_b, [30.0])
    alarm_a, alarm_b = Alarm.objects.get(channel=gas_a.channel), Alarm.objects.get(channel=gas_b.channel)
    client = client_for(people.officer_a)
    listed = {a["id"] for a in client.get(ALARMS).json()["items"]}
    assert listed == {alarm_a.pk}
    assert client.post(f"{ALARMS}/{alarm_b.pk}/acknowledge", {}, content_type="application/json").status_code == 404
    assert client.post(f"{ALARMS}/{alarm_b.pk}/close", {"cause": "x", "measures": "y"},
                       content_type="application/json").status_code == 404
    alarm_b.refresh_from_db()
    assert alarm_b.status == AlarmStatus.RAISED
    assert {a["id"] for a in client_for(people.admin).get(ALARMS).json()["items"]} == {alarm_a.pk, alarm_b.pk}
    auditor = client_for(people.auditor)
    assert len(auditor.get(ALARMS).json()["items"]) == 2
    assert auditor.post(f"{ALARMS}/{alarm_a.pk}/acknowledge", {}, content_type="application/json").status_code == 404
    devices_seen = {d["code"] for d in client.get("/api/v1/monitoring/devices").json()["items"]}
    assert devices_seen == {"GAS-A1"}


def test_alarm_filters(gas_a: GasDetector, gas_b: GasDetector, people: Any, client_for: Any) -> None:
    feed(gas_a, [30.0, 55.0])
    feed(gas_b, [30.0])
    client = client_for(people.admin)
    assert [a["device_code"] for a in client.get(ALARMS, {"level": "HH"}).json()["items"]] == ["GAS-A1"]
    assert [a["device_code"] for a in client.get(ALARMS, {"device": gas_b.device.pk}).json()["items"]] == ["GAS-B1"]
    assert client.get(ALARMS, {"status": "closed"}).json()["count"] == 0
    assert client.get(ALARMS, {"category": "process"}).json()["count"] == 2


def test_tick_raises_offline_once_and_a_reading_recovers_it(gas_a: GasDetector) -> None:
    feed(gas_a, [1.0, 1.0])  # last reading at T0 + 10 s; offline after 3 × 10 s of silence
    assert evaluation.tick(T0 + timedelta(seconds=30)) == 0
    assert evaluation.tick(T0 + timedelta(seconds=45)) == 1
    assert evaluation.tick(T0 + timedelta(seconds=60)) == 0
    (alarm,) = Alarm.objects.all()
    assert (alarm.category, alarm.level, alarm.recovered_at) == (AlarmCategory.OFFLINE, "OFFLINE", None)
    feed(gas_a, [1.0], start_s=70)
    alarm.refresh_from_db()
    assert alarm.recovered_at == T0 + timedelta(seconds=70)


def test_tick_management_command(gas_a: GasDetector, capsys: Any) -> None:
    feed(gas_a, [1.0])
    call_command("monitoring_tick")
    assert "新增离线报警 1 条" in capsys.readouterr().out  # T0 is long past: the detector is silent


def test_create_device_through_the_api_checks_the_pack(people: Any, enterprise_a: Any, client_for: Any) -> None:
    client = client_for(people.officer_a)
    body = {"code": "GAS-A9", "name": "可燃气体探测器", "device_type": "combustible_gas_detector",
            "channels": [{"metric": "combustible_gas", "unit": "%LEL", "rule_overrides": {"h": 30}}]}
    refused = client.post("/api/v1/monitoring/devices", body, content_type="application/json")
    assert refused.status_code == 422 and "不得高于 25" in refused.content.decode()
    body["channels"][0]["rule_overrides"] = {"h": 20}
    created = client.post("/api/v1/monitoring/devices", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["enterprise_id"] == enterprise_a.pk
    assert created.json()["channels"][0]["rule_overrides"] == {"h": 20}
    unknown = client.post("/api/v1/monitoring/devices", {**body, "code": "X1", "device_type": "toaster"},
                          content_type="application/json")
    assert unknown.status_code == 422
    token = client.post(f"/api/v1/monitoring/devices/{created.json()['id']}/credentials")
    assert token.status_code == 201 and token.json()["token"].startswith("yjd_")


def test_chosen_channels_put_their_newest_reading_on_the_stream(gas_a: GasDetector, heard: list[events.Event],
                                                               django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        feed(gas_a, [5.0, 6.0])
    assert [e.topic for e in heard] == []  # not chosen: readings stay off the stream
    Channel.objects.filter(pk=gas_a.channel.pk).update(publish_readings=True, updated_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        feed(gas_a, [7.0, 8.0, 9.0], start_s=20)
    (event,) = heard
    assert event.topic == "monitoring.reading" and event.scope.enterprise_id == gas_a.device.enterprise_id
    assert (event.payload["channel_id"], event.payload["value"], event.payload["count"]) == (gas_a.channel.pk, 9.0, 3)
    assert event.payload["time"] == (T0 + timedelta(seconds=40)).isoformat()


def test_a_smoke_detectors_fault_output_is_a_device_fault(people: Any, enterprise_a: Any, client_for: Any) -> None:
    device = devices.create_device_with_channels(
        {"code": "SD-1", "name": "感烟探测器", "device_type": "smoke_detector", "enterprise_id": enterprise_a.pk,
         "longitude": 121.9, "latitude": 41.1},
        [{"metric": "smoke_fault", "unit": "状态", "range_min": 0, "range_max": 1, "sample_interval_s": 30},
         {"metric": "smoke_alarm", "unit": "状态", "range_min": 0, "range_max": 1, "sample_interval_s": 30}],
        actor=people.officer_a)
    _, token = devices.issue_credential(device, actor=people.officer_a)
    response = post(Client(HTTP_AUTHORIZATION=f"Bearer {token}"), batch("SD-1/smoke_fault", [0.0, 1.0]))
    assert response.status_code == 200, response.content
    (alarm,) = Alarm.objects.all()
    assert (alarm.category, alarm.level, alarm.grade) == (AlarmCategory.FAULT, "FAULT", 1)
    client = client_for(people.admin)
    assert [a["rule_id"] for a in client.get(ALARMS, {"category": "fault"}).json()["items"]] == ["smoke_fault_on"]
    assert client.get(ALARMS, {"category": "process"}).json()["count"] == 0
    (status,) = client.get("/api/v1/monitoring/device-status").json()
    assert status["status"] == "fault"  # purple on the map, not an orange process alarm


def test_migration_reclassifies_smoke_fault_alarms_raised_before(gas_a: GasDetector) -> None:
    migration = importlib.import_module("yingji.monitoring.migrations.0008_smoke_fault_alarms_are_device_faults")
    old = Alarm.objects.create(channel=gas_a.channel, rule_id="smoke_fault_on", level="H", category="process",
                               message="感烟探测器故障高报（一级）", first_at=T0, last_at=T0)
    gas = Alarm.objects.create(channel=gas_a.channel, rule_id="combustible_gas_level", level="H",
                               category="process", message="可燃气体高报", first_at=T0, last_at=T0)
    migration.forwards(apps, None)
    old.refresh_from_db()
    gas.refresh_from_db()
    assert (old.level, old.category) == ("FAULT", "fault")
    assert (gas.level, gas.category) == ("H", "process")
