"""Time limits escalate unacknowledged alarms once; statistics and export of the alarm list, in scope."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from tests import factories
from tests.integration.monitoring_support import GasDetector, batch, gas_detector, post
from yingji.core import events
from yingji.core.events import InProcessBackend
from yingji.core.models import AuditEvent
from yingji.monitoring import alarms, escalation
from yingji.monitoring.models import Alarm

pytestmark = pytest.mark.django_db

STATS = "/api/v1/monitoring/alarms/stats"


@pytest.fixture
def gas_a(people: Any, enterprise_a: Any) -> GasDetector:
    return gas_detector("GAS-A1", enterprise_a, people.officer_a)


@pytest.fixture
def gas_b(people: Any, enterprise_b: Any) -> GasDetector:
    return gas_detector("GAS-B1", enterprise_b, people.officer_b)


def raise_alarm(gas: GasDetector, values: list[float], start_s: float = 0) -> Alarm:
    response = post(gas.client(), batch(gas.channel.pk, values, start_s=start_s))
    assert response.status_code == 200, response.content
    return Alarm.objects.filter(channel=gas.channel).order_by("-pk").first()  # type: ignore[return-value]


# --- time limits ----------------------------------------------------------------------------------
def test_an_unacknowledged_alarm_goes_to_the_supervising_department_once(
        gas_a: GasDetector, departments: Any, django_capture_on_commit_callbacks: Any) -> None:
    heard: list[events.Event] = []
    bus = events.backend()
    assert isinstance(bus, InProcessBackend)
    bus.add_listener(heard.append)
    alarm = raise_alarm(gas_a, [10.0, 30.0])  # H: level 1, 30 minutes by default
    raised = alarm.raised_at
    assert escalation.escalate_overdue(raised + timedelta(minutes=29, seconds=59)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert escalation.escalate_overdue(raised + timedelta(minutes=30)) == 1
    alarm.refresh_from_db()
    # No department supervises monitoring devices here and the device has no owning department:
    # the enterprise's owning department (县应急管理局) is the supervisor.
    assert alarm.escalated_to == departments.emergency
    assert alarm.escalated_at == raised + timedelta(minutes=30)
    assert alarm.status == "raised"  # still waiting for someone to acknowledge it
    assert escalation.escalate_overdue(raised + timedelta(hours=5)) == 0  # idempotent
    overdue = AuditEvent.objects.get(action="monitoring.alarm.overdue")
    assert overdue.actor is None and overdue.after["escalated_to_id"] == departments.emergency.pk
    assert [e.topic for e in heard] == ["monitoring.alarm.overdue"]
    assert heard[0].payload["escalated_to"] == departments.emergency.pk


def test_level_two_has_the_shorter_limit_and_a_device_supervisor_takes_precedence(
        gas_a: GasDetector, departments: Any) -> None:
    watcher = factories.DepartmentFactory(code="zz", name="县应急指挥中心",
                                          supervised_kinds=["monitoring.device", "registry.enterprise"])
    factories.DepartmentFactory(code="aa", name="只看设备的部门", supervised_kinds=["monitoring.device"])
    alarm = raise_alarm(gas_a, [10.0, 55.0])  # HH at once: level 2, 15 minutes
    assert alarm.level == "HH"
    assert escalation.escalate_overdue(alarm.raised_at + timedelta(minutes=15)) == 1
    alarm.refresh_from_db()
    assert alarm.escalated_to == watcher  # supervises devices and enterprises: preferred for a firm's device


def test_acknowledged_alarms_are_not_escalated_and_limits_are_configurable(
        gas_a: GasDetector, people: Any) -> None:
    alarm = raise_alarm(gas_a, [10.0, 30.0])
    alarms.acknowledge(alarm, actor=people.officer_a)
    assert escalation.escalate_overdue(alarm.raised_at + timedelta(days=1)) == 0

    with pytest.raises(PermissionDenied):
        escalation.set_time_limit("H", 5, actor=people.officer_a)
    with pytest.raises(ValidationError, match="至少 1 分钟"):
        escalation.set_time_limit("H", 0, actor=people.admin)
    escalation.set_time_limit("H", 5, actor=people.admin)
    assert escalation.time_limits()["H"] == timedelta(minutes=5)
    assert escalation.time_limits()["HH"] == timedelta(minutes=15)
    assert AuditEvent.objects.filter(action="monitoring.timelimit.set").count() == 1
    second = raise_alarm(gas_a, [10.0, 22.0, 10.0, 30.0], start_s=100)  # a new episode after recovery
    assert second.pk != alarm.pk
    assert escalation.escalate_overdue(second.raised_at + timedelta(minutes=5)) == 1


def test_monitoring_tick_runs_the_escalation_step(gas_a: GasDetector) -> None:
    alarm = raise_alarm(gas_a, [10.0, 30.0])
    Alarm.objects.filter(pk=alarm.pk).update(raised_at=timezone.now() - timedelta(hours=1))
    out = io.StringIO()
    call_command("monitoring_tick", stdout=out)
    assert "上报监管部门 1 条" in out.getvalue()
    out = io.StringIO()
    call_command("monitoring_tick", stdout=out)
    assert "上报监管部门 0 条" in out.getvalue()


# --- statistics -----------------------------------------------------------------------------------
@pytest.fixture
def history(gas_a: GasDetector, gas_b: GasDetector, people: Any) -> dict[str, Alarm]:
    """Three alarms of A (one closed as a false alarm, one closed, one open) and one of B, with known times."""
    a1 = raise_alarm(gas_a, [10.0, 30.0])
    a2 = raise_alarm(gas_a, [22.0, 10.0, 55.0], start_s=20)
    b1 = raise_alarm(gas_b, [10.0, 30.0])
    a3 = raise_alarm(gas_a, [22.0, 10.0, 30.0], start_s=60)
    t0 = timezone.now() - timedelta(days=1)
    for alarm, ack_s, close_s, false in ((a1, 60, 600, True), (a2, 180, 1800, False)):
        alarms.acknowledge(alarm, actor=people.officer_a)
        alarms.close(alarm, actor=people.officer_a, cause="原因", measures="措施", false_alarm=false)
        Alarm.objects.filter(pk=alarm.pk).update(created_at=t0, acknowledged_at=t0 + timedelta(seconds=ack_s),
                                                 closed_at=t0 + timedelta(seconds=close_s))
    Alarm.objects.filter(pk__in=[a3.pk, b1.pk]).update(created_at=t0)
    return {"a1": a1, "a2": a2, "a3": a3, "b1": b1}


def test_statistics_by_enterprise_in_the_database(history: dict[str, Alarm], people: Any, client_for: Any,
                                                  enterprise_a: Any, django_assert_max_num_queries: Any) -> None:
    client = client_for(people.admin)
    with django_assert_max_num_queries(6):  # session, user, and one aggregate query
        response = client.get(STATS, {"group_by": "enterprise"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"] == 4
    a = next(r for r in body["rows"] if r["key"] == enterprise_a.pk)
    assert (a["label"], a["count"], a["acknowledged"], a["closed"], a["false_alarms"]) == (
        "甲化工有限公司", 3, 2, 2, 1)
    assert a["false_alarm_rate"] == 0.5
    assert a["mean_acknowledge_s"] == pytest.approx(120.0)  # (60 + 180) / 2
    assert a["mean_close_s"] == pytest.approx(1200.0)  # (600 + 1800) / 2
    b = next(r for r in body["rows"] if r["key"] != enterprise_a.pk)
    assert (b["count"], b["false_alarm_rate"], b["mean_acknowledge_s"]) == (1, None, None)


def test_statistics_by_level_are_scoped_and_bounded_in_time(history: dict[str, Alarm], people: Any,
                                                            client_for: Any) -> None:
    rows = client_for(people.officer_b).get(STATS, {"group_by": "level"}).json()["rows"]
    assert [(r["key"], r["label"], r["count"]) for r in rows] == [("H", "高报（一级）", 1)]  # only B's alarm
    client = client_for(people.admin)
    by_level = {r["key"]: r["count"] for r in client.get(STATS, {"group_by": "level"}).json()["rows"]}
    assert by_level == {"H": 3, "HH": 1}
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    assert client.get(STATS, {"group_by": "level", "from": later}).json()["total"] == 0
    for group in ("device_type", "department", "area"):
        response = client.get(STATS, {"group_by": group})
        assert response.status_code == 200 and response.json()["total"] == 4, group
    assert client.get(STATS, {"group_by": "colour"}).status_code == 422
    assert client.get(STATS, {"from": "2026-11-28T08:00:00"}).status_code == 422  # no offset


def test_alarm_list_exports_to_csv_and_excel_with_the_list_filters(history: dict[str, Alarm], people: Any,
                                                                   client_for: Any) -> None:
    client = client_for(people.officer_a)
    response = client.get("/api/v1/monitoring/alarms/export", {"format": "csv", "status": "closed"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["编号", "设备编码", "设备名称", "企业"]
    assert sorted(int(r[0]) for r in rows[1:]) == sorted([history["a1"].pk, history["a2"].pk])
    assert {r[rows[0].index("误报")] for r in rows[1:]} == {"是", ""}
    xlsx = client.get("/api/v1/monitoring/alarms/export", {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_list_filters_by_department_area_and_type(history: dict[str, Alarm], people: Any, client_for: Any,
                                                      departments: Any) -> None:
    client = client_for(people.admin)
    url = "/api/v1/monitoring/alarms"
    assert client.get(url, {"area": "211122001"}).json()["count"] == 3  # 太平街道: enterprise A's device
    assert client.get(url, {"device_type": "combustible_gas_detector", "status": "open"}).json()["count"] == 2
    assert client.get(url, {"department": departments.fire.pk}).json()["count"] == 0
    item = client.get(url, {"status": "closed"}).json()["items"][0]
    assert item["enterprise_name"] == "甲化工有限公司" and item["device_type"] == "combustible_gas_detector"
