"""Special-work permits through the API: the lifecycle, every refusal the issue names (Chinese 4xx, nothing
written), expiry, retention, spot checks, audit and events."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.integration.worksafety_support import (
    API,
    Approvers,
    approve_all,
    confirmed,
    in_progress,
    make_approvers,
    passing_gas,
    plan_data,
)
from yingji.core import events
from yingji.core.events import InProcessBackend
from yingji.core.models import AuditEvent
from yingji.worksafety import services
from yingji.worksafety.models import Permit, PermitStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def approvers(enterprise_a: Any) -> Approvers:
    return make_approvers(enterprise_a)


@pytest.fixture
def heard() -> list[events.Event]:
    received: list[events.Event] = []
    bus = events.backend()
    assert isinstance(bus, InProcessBackend)
    bus.add_listener(received.append)
    return received


def body(enterprise: Any, **extra: Any) -> dict[str, Any]:
    data = plan_data(enterprise, **extra)
    data["enterprise"] = enterprise.pk
    for key in ("planned_start", "planned_end"):
        data[key] = data[key].isoformat()
    return data


def messages(response: Any) -> list[str]:
    return [e["message"] for e in response.json()["detail"]]


def test_full_lifecycle_through_the_api(people: Any, enterprise_a: Any, approvers: Approvers, client_for: Any,
                                        heard: list[events.Event], django_capture_on_commit_callbacks: Any) -> None:
    applicant = client_for(people.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        created = applicant.post(f"{API}/permits", body(enterprise_a, work_type="height", level="IV"),
                                 content_type="application/json")
    assert created.status_code == 201, created.content
    permit = created.json()
    assert permit["status"] == "draft" and permit["number"].startswith("GC-")
    assert permit["required_approvals"] == ["grassroots", "specialist", "plant_leader"]
    pk = permit["id"]
    assert applicant.post(f"{API}/permits/{pk}/submit").json()["next_approval"] == "grassroots"
    for user in (approvers.grassroots, approvers.specialist, approvers.leader):
        response = client_for(user).post(f"{API}/permits/{pk}/approve", {"opinion": "同意"},
                                         content_type="application/json")
        assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved" and [a["step"] for a in response.json()["approvals"]] == [1, 2, 3]
    assert applicant.post(f"{API}/permits/{pk}/start").json()["status"] == "in_progress"  # height: no gas analysis
    assert applicant.post(f"{API}/permits/{pk}/suspend").json()["status"] == "suspended"
    assert applicant.post(f"{API}/permits/{pk}/resume").json()["status"] == "in_progress"
    assert applicant.post(f"{API}/permits/{pk}/complete").json()["status"] == "completed"
    closed = applicant.post(f"{API}/permits/{pk}/close").json()
    assert closed["status"] == "closed"
    assert timezone.now() + timedelta(days=365) < Permit.objects.get(pk=pk).retain_until
    actions = list(AuditEvent.objects.filter(object_type="worksafety.permit", object_id=str(pk))
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["create", "worksafety.permit.submit", *["worksafety.permit.approve"] * 3,
                       "worksafety.permit.start", "worksafety.permit.suspend", "worksafety.permit.resume",
                       "worksafety.permit.complete", "worksafety.permit.close"]
    verbs = [e.payload["verb"] for e in heard if e.topic == "worksafety.permit"]
    assert verbs == ["created"]  # later steps ran outside the capture block
    assert heard[0].scope.enterprise_id == enterprise_a.pk


@pytest.mark.parametrize(("change", "field", "text"), [
    ({"planned_end": "reversed"}, "planned_end", "时间顺序颠倒"),
    ({"hours": 25}, "planned_end", "受限空间作业的作业票有效期不得超过 24 小时"),
    ({"level": "1"}, "level", "级别只能是"),
])
def test_bad_plans_are_refused_in_chinese(people: Any, enterprise_a: Any, client_for: Any, change: dict[str, Any],
                                          field: str, text: str) -> None:
    extra = {k: v for k, v in change.items() if k != "planned_end"}
    data = body(enterprise_a, **extra)
    if change.get("planned_end") == "reversed":
        data["planned_end"], data["planned_start"] = data["planned_start"], data["planned_end"]
    response = client_for(people.officer_a).post(f"{API}/permits", data, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == field and text in response.json()["detail"][0]["message"]
    assert not Permit.objects.exists()


def test_outdoor_hot_work_refused_at_wind_force_five(people: Any, enterprise_a: Any, client_for: Any) -> None:
    data = body(enterprise_a, work_type="hot_work", level="1", hours=2, is_outdoor=True, wind_speed_ms=8.5)
    response = client_for(people.officer_a).post(f"{API}/permits", data, content_type="application/json")
    assert response.status_code == 422
    assert any("五级及以上风力禁止室外动火" in m for m in messages(response))
    assert not Permit.objects.exists()


def test_submit_needs_guardian_certificates_and_checklist(people: Any, enterprise_a: Any, client_for: Any) -> None:
    client = client_for(people.officer_a)
    data = body(enterprise_a, work_type="temporary_power", guardian="",
                workers=[{"name": "刘电工", "certificate_no": ""}], checklist={"rcd": True})
    pk = client.post(f"{API}/permits", data, content_type="application/json").json()["id"]
    response = client.post(f"{API}/permits/{pk}/submit")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["detail"]}
    assert {"guardian", "workers.0.certificate_no", "checklist.cables"} <= fields
    assert Permit.objects.get(pk=pk).status == PermitStatus.DRAFT


def test_approval_by_a_role_not_required_or_out_of_order(people: Any, enterprise_a: Any, approvers: Approvers,
                                                         client_for: Any) -> None:
    permit = services.create_permit(plan_data(enterprise_a, work_type="height", level="II"), actor=people.officer_a)
    services.submit_permit(permit, actor=people.officer_a)
    url = f"{API}/permits/{permit.pk}/approve"
    not_required = client_for(approvers.safety).post(url, {"role": "safety_dept"}, content_type="application/json")
    assert not_required.status_code == 422 and "此作业票不需要“安全管理部门”审批" in messages(not_required)[0]
    early = client_for(approvers.specialist).post(url, {"role": "specialist"}, content_type="application/json")
    assert early.status_code == 422 and "应先由“基层单位（车间）负责人”审批" in messages(early)[0]
    impostor = client_for(people.officer_a).post(url, {"role": "grassroots"}, content_type="application/json")
    assert impostor.status_code == 403 and "审批人" in impostor.json()["detail"]
    assert permit.approvals.count() == 0
    assert client_for(approvers.grassroots).post(url, {}, content_type="application/json").status_code == 200
    twice = client_for(approvers.grassroots).post(url, {"role": "grassroots"}, content_type="application/json")
    assert twice.status_code == 422 and "已审批过" in messages(twice)[0]


def test_gas_analysis_in_the_future_is_refused(people: Any, enterprise_a: Any, approvers: Approvers,
                                               client_for: Any) -> None:
    permit = approve_all(services.submit_permit(services.create_permit(plan_data(enterprise_a),
                                                                       actor=people.officer_a),
                                                actor=people.officer_a), approvers)
    future = (timezone.now() + timedelta(minutes=5)).isoformat()
    response = client_for(people.officer_a).post(f"{API}/permits/{permit.pk}/gas-analyses",
                                                 {"sampled_at": future, "analyst": "赵", "oxygen_vol_pct": 20.9},
                                                 content_type="application/json")
    assert response.status_code == 422 and "不能登记未来的分析" in messages(response)[0]
    assert not permit.gas_analyses.exists()


def test_start_needs_a_passing_analysis_within_30_minutes(people: Any, enterprise_a: Any, approvers: Approvers,
                                                          client_for: Any) -> None:
    client = client_for(people.officer_a)
    permit = approve_all(services.submit_permit(services.create_permit(plan_data(enterprise_a),
                                                                       actor=people.officer_a),
                                                actor=people.officer_a), approvers)
    start = f"{API}/permits/{permit.pk}/start"
    assert "须有合格的气体分析" in messages(client.post(start))[0]
    failed = client.post(f"{API}/permits/{permit.pk}/gas-analyses",
                         {"sampled_at": timezone.now().isoformat(), "analyst": "赵", "oxygen_vol_pct": 18.0},
                         content_type="application/json")
    assert failed.status_code == 201 and failed.json()["passed"] is False
    assert client.post(start).status_code == 422
    passing_gas(permit, people.officer_a, minutes_ago=31)
    assert "超过 30 分钟" in messages(client.post(start))[0]
    passing_gas(permit, people.officer_a, minutes_ago=2)
    assert client.post(start).json()["status"] == "in_progress"


def test_resume_after_a_long_stop_needs_reanalysis(people: Any, enterprise_a: Any, approvers: Approvers,
                                                   client_for: Any) -> None:
    permit = in_progress(enterprise_a, people.officer_a, approvers)
    services.suspend_work(permit, actor=people.officer_a)
    # the work stopped 61 minutes ago, after the analysis it started on
    Permit.objects.filter(pk=permit.pk).update(suspended_at=timezone.now() - timedelta(minutes=61))
    permit.gas_analyses.update(sampled_at=timezone.now() - timedelta(minutes=70))
    client = client_for(people.officer_a)
    refused = client.post(f"{API}/permits/{permit.pk}/resume")
    assert refused.status_code == 422 and "须重新进行气体分析" in messages(refused)[0]
    passing_gas(permit, people.officer_a, minutes_ago=0.5)
    assert client.post(f"{API}/permits/{permit.pk}/resume").json()["status"] == "in_progress"


def test_a_stale_confined_space_reading_stops_the_work(people: Any, enterprise_a: Any, approvers: Approvers,
                                                       client_for: Any, heard: list[events.Event],
                                                       django_capture_on_commit_callbacks: Any) -> None:
    permit = in_progress(enterprise_a, people.officer_a, approvers)  # a confined-space permit
    assert services.suspend_overdue_analyses() == 0  # the analysis it started on is minutes old
    # §6: continuous detection with a reading recorded every 2 h; the last one is 121 minutes old.
    permit.gas_analyses.update(sampled_at=timezone.now() - timedelta(minutes=121))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.suspend_overdue_analyses() == 1
    permit.refresh_from_db()
    assert permit.status == PermitStatus.SUSPENDED
    assert any(e.payload.get("verb") == "analysis_overdue" and "每 2 小时" in e.payload["reason"] for e in heard)
    client = client_for(people.officer_a)
    refused = client.post(f"{API}/permits/{permit.pk}/resume")
    assert refused.status_code == 422 and "每 2 小时" in messages(refused)[0]
    passing_gas(permit, people.officer_a, minutes_ago=0.5)
    assert client.post(f"{API}/permits/{permit.pk}/resume").json()["status"] == "in_progress"
    assert services.suspend_overdue_analyses() == 0


def test_permit_past_its_validity_expires(people: Any, enterprise_a: Any, approvers: Approvers,
                                          client_for: Any) -> None:
    permit = in_progress(enterprise_a, people.officer_a, approvers)
    Permit.objects.filter(pk=permit.pk).update(planned_end=timezone.now() - timedelta(minutes=1))
    response = client_for(people.officer_a).post(f"{API}/permits/{permit.pk}/complete")
    assert response.status_code == 422 and "已自动过期" in messages(response)[0]
    permit.refresh_from_db()
    assert permit.status == PermitStatus.EXPIRED and permit.retain_until is not None


def test_tick_expires_every_permit_due(people: Any, enterprise_a: Any, approvers: Approvers) -> None:
    due = in_progress(enterprise_a, people.officer_a, approvers)
    fresh = in_progress(enterprise_a, people.officer_a, approvers)
    Permit.objects.filter(pk=due.pk).update(planned_end=timezone.now() - timedelta(seconds=1))
    call_command("worksafety_tick")
    assert Permit.objects.get(pk=due.pk).status == PermitStatus.EXPIRED
    assert Permit.objects.get(pk=fresh.pk).status == PermitStatus.IN_PROGRESS


def test_permits_are_kept_a_year(people: Any, enterprise_a: Any, approvers: Approvers, client_for: Any) -> None:
    client = client_for(people.officer_a)
    draft = services.create_permit(plan_data(enterprise_a), actor=people.officer_a)
    assert client.delete(f"{API}/permits/{draft.pk}").status_code == 204
    submitted = services.submit_permit(services.create_permit(plan_data(enterprise_a), actor=people.officer_a),
                                       actor=people.officer_a)
    refused = client.delete(f"{API}/permits/{submitted.pk}")
    assert refused.status_code == 422 and "须至少保存一年" in messages(refused)[0]
    assert client.patch(f"{API}/permits/{submitted.pk}", {"place": "别处"},
                        content_type="application/json").status_code == 422
    assert Permit.objects.filter(pk=submitted.pk).exists()


def test_spot_checks_by_supervisors_only(people: Any, enterprise_a: Any, approvers: Approvers,
                                         client_for: Any) -> None:
    permit = in_progress(enterprise_a, people.officer_a, approvers)
    url = f"{API}/permits/{permit.pk}/spot-checks"
    check = {"result": "stop_work", "findings": "动火点 15 m 内地漏未封堵", "method": "remote"}
    assert client_for(people.officer_a).post(url, check, content_type="application/json").status_code == 403
    assert client_for(people.fire_officer).post(url, check, content_type="application/json").status_code == 404
    created = client_for(people.emergency_officer).post(url, check, content_type="application/json")
    assert created.status_code == 201 and created.json()["result_label"] == "责令停止作业"
    assert Permit.objects.get(pk=permit.pk).status == PermitStatus.SUSPENDED  # the stop order stops the work
    assert client_for(people.officer_a).get(url).json()[0]["findings"] == check["findings"]


def test_rule_check_endpoint(people: Any, client_for: Any) -> None:
    start = timezone.now()
    response = client_for(people.officer_a).post(f"{API}/rules/check", {
        "work_type": "lifting", "level": "1", "planned_start": start.isoformat(),
        "planned_end": (start + timedelta(hours=2)).isoformat()}, content_type="application/json")
    data = response.json()
    assert response.status_code == 200 and data["ok"] is True
    assert [a["role"] for a in data["required_approvals"]] == ["grassroots", "specialist", "plant_leader"]
    assert data["certificate"] == "特种设备作业人员证（起重机械作业）" and data["validity_hours"] == 24


def test_export_permits_to_excel(people: Any, enterprise_a: Any, client_for: Any) -> None:
    services.create_permit(plan_data(enterprise_a, checklist=confirmed("confined_space")), actor=people.officer_a)
    response = client_for(people.officer_a).get(f"{API}/permits/export", {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("作业票编号", "企业", "作业类型") and rows[1][2] == "受限空间作业"


def test_permit_list_queries_do_not_grow_with_rows(people: Any, enterprise_a: Any, client_for: Any,
                                                   django_assert_max_num_queries: Any) -> None:
    for _ in range(12):
        services.create_permit(plan_data(enterprise_a), actor=people.officer_a)
    client = client_for(people.emergency_officer)
    with django_assert_max_num_queries(6):  # session, user, count, page (enterprise joined)
        response = client.get(f"{API}/permits", {"limit": 100})
    assert response.json()["count"] == 12


def test_temporary_power_is_renewed_up_to_30_days(people: Any, enterprise_a: Any, approvers: Approvers,
                                                  client_for: Any) -> None:
    permit = in_progress(enterprise_a, people.officer_a, approvers, work_type="temporary_power", hours=24)
    client = client_for(people.officer_a)
    url = f"{API}/permits/{permit.pk}/renew"
    renewed = client.post(url, {"planned_end": (permit.planned_start + timedelta(days=15)).isoformat()},
                          content_type="application/json")
    assert renewed.status_code == 200, renewed.content
    again = client.post(url, {"planned_end": (permit.planned_start + timedelta(days=30)).isoformat()},
                        content_type="application/json")
    assert again.status_code == 200, again.content
    beyond = client.post(url, {"planned_end": (permit.planned_start + timedelta(days=31)).isoformat()},
                         content_type="application/json")
    assert beyond.status_code == 422 and "总计不超过 30 天" in messages(beyond)[0]
    permit.refresh_from_db()
    assert permit.planned_end == permit.planned_start + timedelta(days=30)
    assert AuditEvent.objects.filter(action="worksafety.permit.renew").count() == 2
    hot = in_progress(enterprise_a, people.officer_a, approvers, work_type="confined_space")
    refused = client.post(f"{API}/permits/{hot.pk}/renew", {"planned_end": (hot.planned_end + timedelta(hours=1))
                                                            .isoformat()}, content_type="application/json")
    assert refused.status_code == 422 and "不能延期" in messages(refused)[0]
