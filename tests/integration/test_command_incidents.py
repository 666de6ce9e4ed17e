"""Incidents as records: opened and classified (国务院令第493号), reclassified on new figures with the change on
the timeline, reporting countdowns, status, audit and events, and 422 naming the field over HTTP."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, get_args

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.integration.monitoring_support import batch, gas_detector
from tests.integration.monitoring_support import post as post_readings
from yingji.command import incidents, incidents_api
from yingji.command.models import (
    Incident,
    IncidentSource,
    IncidentStatus,
    IncidentType,
    Industry,
    TimelineEntry,
    TimelineKind,
)
from yingji.core import events
from yingji.core.models import AuditAction, AuditEvent

API = "/api/v1/command/incidents"
COUNTY = "县级安全生产监督管理部门"
CITY = "设区的市级安全生产监督管理部门"
PROVINCE = "省级安全生产监督管理部门"


def post(client: Any, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client: Any, url: str, body: Any) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


def assert_refused(response: Any, field: str) -> list[dict[str, Any]]:
    assert response.status_code == 422, (response.status_code, response.content)
    detail = response.json()["detail"]
    assert field in [e.get("field") for e in detail], (field, detail)
    return detail


def leak(**extra: Any) -> dict[str, Any]:
    return {"title": "甲化工液氯泄漏", "incident_type": "hazmat_release", "source": "phone",
            "reporter_name": "王班长", "reporter_phone": "13800000000", **extra}


@pytest.fixture
def officer(people: Any, client_for: Any) -> Any:
    """The emergency bureau's duty officer (应急管理局 owns the incidents it opens)."""
    return client_for(people.emergency_officer)


# --- opening ---------------------------------------------------------------------------------------
def test_open_classifies_and_starts_the_timeline(people: Any, enterprise_a: Any,
                                                 django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        incident = incidents.open_incident(leak(enterprise=enterprise_a, deaths=3), actor=people.emergency_officer)
    assert (incident.level, incident.response, incident.status) == ("较大", "III", IncidentStatus.REPORTED)
    assert [c["criterion"] for c in incident.decided_by] == ["deaths"]
    assert incident.owner_department_id == people.emergency_officer.department_id
    assert incident.admin_area_id == enterprise_a.admin_area_id
    assert incident.occurred_at == incident.reported_at
    [entry] = incident.timeline.all()
    assert entry.kind == TimelineKind.REPORT and entry.time == incident.reported_at
    assert "电话报告接报" in entry.text and "较大事故" in entry.text and "王班长" in entry.text
    assert entry.actor_name == "yjj_officer"

    audit_row = AuditEvent.objects.get(object_type="command.incident", object_id=str(incident.pk))
    assert audit_row.action == AuditAction.CREATE and audit_row.after["level"] == "较大"
    [event] = [e for e in events.backend().recent(0) if e.topic == incidents.IncidentTopic.OPENED]
    assert event.payload["level"] == "较大" and event.payload["id"] == incident.pk
    assert event.scope.kind == "command.incident" and event.scope.enterprise_id == enterprise_a.pk


def test_enterprise_officer_opens_for_their_own_enterprise(people: Any, enterprise_a: Any, enterprise_b: Any) -> None:
    incident = incidents.open_incident(leak(), actor=people.officer_a)
    assert incident.enterprise_id == enterprise_a.pk
    assert incident.owner_department_id == enterprise_a.owner_department_id
    with pytest.raises(Exception, match="超出您的数据权限范围"):
        incidents.open_incident(leak(enterprise=enterprise_b), actor=people.officer_a)


@pytest.mark.parametrize(("figures", "level", "response"), [
    ({}, "一般", "IV"),
    ({"deaths": 2, "serious_injuries": 9, "direct_loss_yuan": 9_999_999.99}, "一般", "IV"),
    ({"deaths": 3}, "较大", "III"),
    ({"serious_injuries": 50}, "重大", "II"),
    ({"direct_loss_yuan": 100_000_000}, "特别重大", "I"),
])
def test_level_from_any_one_figure(people: Any, figures: dict[str, Any], level: str, response: str) -> None:
    incident = incidents.open_incident(leak(**figures), actor=people.admin)
    assert (incident.level, incident.response) == (level, response)


# --- updating figures ------------------------------------------------------------------------------
def test_new_figures_reclassify_and_log_the_level_change(people: Any,
                                                         django_capture_on_commit_callbacks: Any) -> None:
    incident = incidents.open_incident(leak(deaths=3), actor=people.emergency_officer)
    with django_capture_on_commit_callbacks(execute=True):
        incidents.update_figures(incident, deaths=11, actor=people.emergency_officer)
    incident.refresh_from_db()
    assert (incident.level, incident.response) == ("重大", "II")
    kinds = [(e.kind, e.text) for e in incident.timeline.all()]
    assert [k for k, _ in kinds] == [TimelineKind.REPORT, TimelineKind.CASUALTY, TimelineKind.LEVEL]
    assert "死亡 11 人" in kinds[1][1]
    assert kinds[2][1].startswith("等级由较大调整为重大")
    level_entry = incident.timeline.get(kind=TimelineKind.LEVEL)
    assert level_entry.data["from"] == "较大" and level_entry.data["to"] == "重大"
    update = AuditEvent.objects.filter(object_type="command.incident", action=AuditAction.UPDATE).get()
    assert (update.before["level"], update.after["level"], update.before["deaths"]) == ("较大", "重大", 3)
    topics = [e.topic for e in events.backend().recent(0)]
    assert topics == [incidents.IncidentTopic.UPDATED, incidents.IncidentTopic.LEVEL_CHANGED]


def test_same_level_writes_no_level_entry(people: Any) -> None:
    incident = incidents.open_incident(leak(deaths=3), actor=people.admin)
    incidents.update_figures(incident, deaths=4, actor=people.admin)
    assert list(incident.timeline.values_list("kind", flat=True)) == [TimelineKind.REPORT, TimelineKind.CASUALTY]
    incidents.update_incident(incident, {"title": "甲化工液氯泄漏（更正）"}, actor=people.admin)
    assert incident.timeline.count() == 2


def test_negative_figures_refused_and_nothing_written(people: Any) -> None:
    incident = incidents.open_incident(leak(deaths=3), actor=people.admin)
    with pytest.raises(ValidationError) as caught:
        incidents.update_figures(incident, deaths=-1, serious_injuries=-2, actor=people.admin)
    assert set(caught.value.message_dict) == {"deaths", "serious_injuries"}
    incident.refresh_from_db()
    assert (incident.deaths, incident.level, incident.timeline.count()) == (3, "较大", 1)


def test_timeline_is_append_only(people: Any) -> None:
    incident = incidents.open_incident(leak(), actor=people.admin)
    entry = incident.timeline.get()
    entry.text = "改写"
    with pytest.raises(ValueError, match="只能追加"):
        entry.save()
    with pytest.raises(ValueError, match="只能追加"):
        entry.delete()


# --- reporting countdowns --------------------------------------------------------------------------
def test_deadlines_count_down_from_the_report(people: Any) -> None:
    reported = timezone.now() - timedelta(minutes=90)
    incident = incidents.open_incident(leak(deaths=3, reported_at=reported), actor=people.admin)
    now = reported + timedelta(minutes=30)
    steps = incidents.deadlines(incident, now)
    # 较大: unit → county (1 h), county → city (2 h), city → province (2 h)
    assert [(s.report_to, s.within_minutes) for s in steps] == [(COUNTY, 60), (CITY, 120), (PROVINCE, 120)]
    assert steps[0].due_at == reported + timedelta(hours=1)
    assert steps[0].remaining_s == pytest.approx(30 * 60)
    assert steps[1].due_at == reported + timedelta(hours=3)
    overdue = incidents.deadlines(incident, reported + timedelta(hours=1, minutes=5))
    assert overdue[0].remaining_s == pytest.approx(-5 * 60)


def test_a_report_entry_marks_its_step_done(people: Any) -> None:
    reported = timezone.now() - timedelta(minutes=90)
    incident = incidents.open_incident(leak(reported_at=reported), actor=people.admin)
    made = reported + timedelta(minutes=40)
    incidents.add_timeline_entry(incident, "report", "已电话报告县应急管理局", actor=people.admin, time=made,
                                 data={"report_to": COUNTY})
    first, second = incidents.deadlines(incident, timezone.now())  # 一般: county, then city
    assert (first.done_at, first.remaining_s) == (made, None)
    assert second.due_at == made + timedelta(hours=2)


def test_level_change_lengthens_the_chain(people: Any, settings: Any) -> None:
    settings.YINGJI_REPORT_ESCALATION_HOURS = 1.5
    incident = incidents.open_incident(leak(), actor=people.admin)
    assert len(incidents.deadlines(incident, timezone.now())) == 2
    incidents.update_figures(incident, deaths=30, actor=people.admin)
    steps = incidents.deadlines(incident, timezone.now())
    assert [s.within_minutes for s in steps] == [60, 90, 90, 90]


# --- status ----------------------------------------------------------------------------------------
def test_status_moves_and_closing_needs_a_summary(people: Any) -> None:
    incident = incidents.open_incident(leak(), actor=people.admin)
    incidents.change_status(incident, "responding", actor=people.admin)
    with pytest.raises(ValidationError) as caught:
        incidents.change_status(incident, "closed", actor=people.admin, summary="  ")
    assert "summary" in caught.value.message_dict
    incidents.change_status(incident, "closed", actor=people.admin, summary="泄漏已封堵，无人员伤亡")
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED and incident.closed_at is not None
    assert incident.timeline.filter(kind=TimelineKind.STATUS).count() == 2
    assert AuditEvent.objects.filter(action=incidents.CommandAudit.STATUS_CHANGE).count() == 2
    with pytest.raises(ValidationError) as caught:
        incidents.change_status(incident, "responding", actor=people.admin)
    assert "status" in caught.value.message_dict
    with pytest.raises(ValidationError):
        incidents.update_figures(incident, deaths=1, actor=people.admin)


# --- HTTP ------------------------------------------------------------------------------------------
def test_api_open_read_update_timeline_status(officer: Any, enterprise_a: Any) -> None:
    created = post(officer, API, leak(enterprise=enterprise_a.pk, deaths=3, longitude=122.05, latitude=41.19))
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["level"], data["response"], data["status"]) == ("较大", "III", "reported")
    assert data["timeline"][0]["kind"] == "report"
    assert [d["report_to"] for d in data["deadlines"]] == [COUNTY, CITY, PROVINCE]
    url = f"{API}/{data['id']}"

    updated = patch(officer, url, {"deaths": 10})
    assert updated.status_code == 200, updated.content
    assert updated.json()["level"] == "重大"
    assert updated.json()["timeline"][-1]["text"].startswith("等级由较大调整为重大")

    entry = post(officer, f"{url}/timeline", {"kind": "decision", "text": "启动县级Ⅱ级应急响应"})
    assert entry.status_code == 201 and entry.json()["kind_label"] == "指挥决策"
    assert post(officer, f"{url}/status", {"status": "responding"}).json()["status"] == "responding"

    deadlines = officer.get(f"{url}/deadlines").json()
    assert len(deadlines) == 4 and 0 < deadlines[0]["remaining_s"] <= 3600
    assert officer.get(url).json()["deadlines"][0]["due_at"] == deadlines[0]["due_at"]

    closed = post(officer, f"{url}/status", {"status": "closed", "summary": "处置完毕"})
    assert closed.json()["status"] == "closed" and closed.json()["summary"] == "处置完毕"


def test_several_incidents_at_once(officer: Any, people: Any) -> None:
    for i, deaths in enumerate((0, 3, 12)):
        assert post(officer, API, leak(title=f"事件{i}", deaths=deaths)).status_code == 201
    incidents.change_status(Incident.objects.get(title="事件0"), "closed", actor=people.admin, summary="误报")
    listed = officer.get(API).json()
    assert listed["count"] == 3
    assert {i["title"]: i["level"] for i in listed["items"]} == {"事件0": "一般", "事件1": "较大", "事件2": "重大"}
    open_ones = officer.get(API, {"status": "reported"}).json()
    assert {i["title"] for i in open_ones["items"]} == {"事件1", "事件2"}
    assert officer.get(API, {"level": "重大"}).json()["count"] == 1
    assert TimelineEntry.objects.count() == 4  # three reports and one status change, each on its own incident


def test_list_query_count_does_not_grow(officer: Any, people: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(5):
        incidents.open_incident(leak(title=f"事件{i}"), actor=people.emergency_officer)
    officer.get(API)  # warm the session and principal
    with django_assert_max_num_queries(8):
        assert officer.get(API).json()["count"] == 5


@pytest.mark.parametrize(("body", "field"), [
    (leak(deaths=-1), "deaths"),
    (leak(serious_injuries=-3), "serious_injuries"),
    (leak(direct_loss_yuan=-0.01), "direct_loss_yuan"),
    (leak(incident_type="earthquake-ish"), "incident_type"),
    (leak(source="rumour"), "source"),
    (leak(deaths=1.5), "deaths"),
    (leak(title=""), "title"),
    (leak(industry="mining"), "industry"),
    (leak(occurred_at="2026-11-28T08:00:00"), "occurred_at"),
    (leak(reported_at="2099-01-01T08:00:00+08:00"), "reported_at"),
    (leak(longitude=41.2, latitude=122.0), "longitude"),
])
def test_bad_input_is_refused_naming_the_field(officer: Any, body: dict[str, Any], field: str) -> None:
    assert_refused(post(officer, API, body), field)
    assert not Incident.objects.exists()


def test_bad_updates_and_closing_without_summary(officer: Any, people: Any) -> None:
    incident = incidents.open_incident(leak(deaths=3), actor=people.emergency_officer)
    url = f"{API}/{incident.pk}"
    assert_refused(patch(officer, url, {"deaths": -5}), "deaths")
    assert_refused(patch(officer, url, {"incident_type": "x"}), "incident_type")
    assert_refused(post(officer, f"{url}/status", {"status": "closed"}), "summary")
    assert_refused(post(officer, f"{url}/status", {"status": "paused"}), "status")
    assert_refused(post(officer, f"{url}/timeline", {"kind": "level", "text": "手工改等级"}), "kind")
    assert_refused(post(officer, f"{url}/timeline", {"kind": "note", "text": "   "}), "text")
    assert_refused(post(officer, f"{url}/timeline", {"kind": "note", "text": "x",
                                                     "time": "2099-01-01T00:00:00+08:00"}), "time")
    incident.refresh_from_db()
    assert (incident.deaths, incident.status, incident.timeline.count()) == (3, "reported", 1)


def test_unknown_incident_is_404_and_anonymous_is_401(officer: Any, anon_client: Any) -> None:
    assert officer.get(f"{API}/999999").status_code == 404
    assert anon_client.get(API).status_code == 401


def test_api_literals_match_the_model_choices() -> None:
    assert set(get_args(incidents_api.TypeName)) == set(IncidentType.values)
    assert set(get_args(incidents_api.IndustryName)) == set(Industry.values)
    assert set(get_args(incidents_api.SourceName)) == set(IncidentSource.values)
    assert set(get_args(incidents_api.StatusName)) == set(IncidentStatus.values)
    assert set(get_args(incidents_api.HandKind)) == {k.value for k in incidents.HAND_WRITTEN_KINDS}


def test_an_alarm_becomes_an_incident_once(people: Any, enterprise_a: Any, client_for: Any) -> None:
    gas = gas_detector("GAS-INC-1", enterprise_a, people.officer_a)
    assert post_readings(gas.client(), batch(gas.channel.pk, [10.0, 60.0])).status_code == 200
    alarm = gas.channel.alarms.get()
    client = client_for(people.officer_a)
    url = "/api/v1/command/incidents/from-alarm"
    response = client.post(url, {"alarm": alarm.pk, "incident_type": "hazmat_release"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    incident = response.json()
    assert (incident["source"], incident["enterprise_id"], incident["incident_type"]) == (
        "alarm", enterprise_a.pk, "hazmat_release")
    assert incident["title"].startswith("可燃气体探测器 GAS-INC-1：")
    assert any(f"报警编号 {alarm.pk}" in e["text"] and e["data"].get("alarm") == alarm.pk
               for e in incident["timeline"])
    again = client.post(url, {"alarm": alarm.pk}, content_type="application/json")
    assert again.status_code == 422 and "已转为事件" in again.json()["detail"][0]["message"]
    other = client_for(people.officer_b).post(url, {"alarm": alarm.pk}, content_type="application/json")
    assert other.status_code == 422 and other.json()["detail"][0]["field"] == "alarm"


def test_situation_reports_cover_what_happened_since_the_last(people: Any, client_for: Any) -> None:
    client = client_for(people.emergency_officer)
    incident = client.post("/api/v1/command/incidents", {"title": "储罐泄漏", "incident_type": "hazmat_release",
                                                         "source": "phone", "address": "石化园区"},
                           content_type="application/json").json()
    base = f"/api/v1/command/incidents/{incident['id']}"
    client.post(f"{base}/timeline", {"kind": "decision", "text": "设置 500 米警戒区"}, content_type="application/json")
    first = client.get(f"{base}/sitrep").json()
    assert first["number"] == 1 and first["title"].startswith("关于储罐泄漏的首报")
    assert any("设置 500 米警戒区" in line for s in first["sections"] for line in s["lines"])
    deadline = client.get(f"{base}/deadlines").json()[0]
    sent = client.post(f"{base}/sitreps", {"report_to": deadline["report_to"]}, content_type="application/json")
    assert sent.status_code == 201, sent.content
    assert client.get(f"{base}/deadlines").json()[0]["done_at"] is not None  # the countdown stops
    client.post(f"{base}/timeline", {"kind": "decision", "text": "下风向村庄开始疏散"}, content_type="application/json")
    second = client.get(f"{base}/sitrep").json()
    lines = [line for s in second["sections"] for line in s["lines"]]
    assert second["number"] == 2 and "第2次续报" in second["title"]
    assert any("下风向村庄开始疏散" in line for line in lines)
    assert not any("设置 500 米警戒区" in line for line in lines)  # already reported
    blank = client.post(f"{base}/sitreps", {"report_to": " "}, content_type="application/json")
    assert blank.status_code == 422 and blank.json()["detail"][0]["field"] == "report_to"


def test_attachments_are_checked_by_content_and_served_in_scope(people: Any, client_for: Any, settings: Any,
                                                                tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = client_for(people.officer_a)
    incident = client.post("/api/v1/command/incidents", {"title": "反应釜超压", "incident_type": "hazmat_release",
                                                         "source": "field"}, content_type="application/json").json()
    url = f"/api/v1/command/incidents/{incident['id']}/attachments"
    pdf = SimpleUploadedFile("现场照片说明.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    made = client.post(url, {"file": pdf, "note": "现场负责人签字"})
    assert made.status_code == 201, made.content
    assert (made.json()["content_type"], made.json()["size"]) == ("application/pdf", 15)
    disguised = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg")
    refused = client.post(url, {"file": disguised})
    assert refused.status_code == 422 and "只接受" in refused.json()["detail"][0]["message"]
    assert [a["original_name"] for a in client.get(url).json()] == ["现场照片说明.pdf"]
    download = client.get(made.json()["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert client_for(people.officer_b).get(made.json()["url"]).status_code == 404
    log = [e["text"] for e in client.get(f"/api/v1/command/incidents/{incident['id']}").json()["timeline"]]
    assert "上传附件：现场照片说明.pdf（现场负责人签字）" in log
