# ruff: noqa: F811 - the shared fixtures are imported from prevention_support and requested by name
"""Hidden dangers: the closed loop reported → rectifying → submitted → accepted (or rejected back), each move
audited, published and kept as a step; acceptance not by the owner; 重大 needs a plan and is reported at
once; overdue ones are escalated by the tick, once."""

from __future__ import annotations

import io
from typing import Any

from tests.integration.prevention_support import (  # noqa: F401 - fixtures
    API,
    danger_body,
    days,
    manager_a,
    messages,
    paying,
    post,
)
from yingji.core import events
from yingji.core.models import AuditEvent
from yingji.core.scoping import Principal
from yingji.prevention.constants import TOPIC_HAZARD, PreventionAudit
from yingji.prevention.models import HiddenDanger, HiddenDangerStep
from yingji.prevention.services.tick import tick

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_closed_loop_with_a_rejection(paying: Any, manager_a: Any, client_for: Any,
                                      django_capture_on_commit_callbacks: Any) -> None:
    owner, acceptor = client_for(paying.officer_a), client_for(manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        created = post(owner, "/hidden-dangers", danger_body(paying.officer_a))
        assert created.status_code == 201, created.content
        pk = created.json()["id"]
        assert created.json()["status"] == "reported"
        # out of order: nothing to submit before rectification started
        early = post(owner, f"/hidden-dangers/{pk}/submit", {"note": "已修复"})
        assert early.status_code == 422 and "当前状态为“已上报”" in messages(early)["status"]
        no_measures = post(owner, f"/hidden-dangers/{pk}/start", {})
        assert "整改措施" in messages(no_measures)["measures"]
        started = post(owner, f"/hidden-dangers/{pk}/start", {"measures": "切割修补防火堤", "funds_yuan": "12000"})
        assert started.json()["status"] == "rectifying", started.content
        assert post(owner, f"/hidden-dangers/{pk}/submit", {"note": "已修补"}).json()["status"] == "submitted"
        own = post(owner, f"/hidden-dangers/{pk}/accept", {})
        assert own.status_code == 422 and "整改责任人以外" in messages(own)["actor"]
        rejected = post(acceptor, f"/hidden-dangers/{pk}/reject", {"reason": "修补处仍有渗漏"})
        assert (rejected.json()["status"], rejected.json()["rejections"]) == ("rectifying", 1)
        post(owner, f"/hidden-dangers/{pk}/submit", {"note": "重新修补，闭水试验合格"})
        accepted = post(acceptor, f"/hidden-dangers/{pk}/accept", {"note": "现场复核合格"})
    assert accepted.status_code == 200, accepted.content
    body = accepted.json()
    assert (body["status"], body["accepted_by_name"]) == ("accepted", "甲公司安全经理")
    assert [s["action"] for s in body["steps"]] == ["上报", "开始整改", "提交验收", "验收退回", "提交验收", "验收通过"]
    assert AuditEvent.objects.filter(action=PreventionAudit.HAZARD_TRANSITION, object_id=str(pk)).count() == 5
    verbs = [e.payload["verb"] for e in events.backend().recent(0) if e.topic == TOPIC_HAZARD]
    assert verbs == ["reported", "rectifying", "submitted", "rejected", "submitted", "accepted"]
    closed = post(owner, f"/hidden-dangers/{pk}/start", {"measures": "x"})
    assert closed.status_code == 422


def test_deadline_before_found_date_and_foreign_owner(paying: Any, client_for: Any) -> None:
    client = client_for(paying.officer_a)
    bad = post(client, "/hidden-dangers", danger_body(paying.officer_a, deadline=str(days(-3))))
    assert bad.status_code == 422 and "早于发现日期" in messages(bad)["deadline"]
    future = post(client, "/hidden-dangers", danger_body(paying.officer_a, found_on=str(days(2))))
    assert "晚于今天" in messages(future)["found_on"]
    foreign = post(client, "/hidden-dangers", danger_body(paying.officer_b))
    assert "不是该企业的人员" in messages(foreign)["owner"]
    negative = post(client, "/hidden-dangers", danger_body(paying.officer_a, funds_yuan="-5"))
    assert negative.status_code == 422 and "funds_yuan" in messages(negative)
    assert not HiddenDanger.objects.exists()


def test_major_danger_is_reported_at_once_and_needs_a_plan(paying: Any, manager_a: Any, client_for: Any,
                                                           django_capture_on_commit_callbacks: Any) -> None:
    client = client_for(paying.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        created = post(client, "/hidden-dangers", danger_body(paying.officer_a, level="major",
                                                              source="government_check"))
    body = created.json()
    assert body["reported_to_supervisor_at"] is not None
    major = [e for e in events.backend().recent(0) if e.payload.get("verb") == "major_reported"]
    assert len(major) == 1 and major[0].payload["department_id"] == paying.emergency_officer.department_id
    # the supervising department sees it in its stream scope
    assert Principal.of(paying.emergency_officer).may_see(major[0].scope)
    no_plan = post(client, f"/hidden-dangers/{body['id']}/start", {"measures": "停用该罐"})
    assert "整改方案" in messages(no_plan)["rectification_plan"]
    ok = post(client, f"/hidden-dangers/{body['id']}/start", {"measures": "停用该罐",
                                                               "rectification_plan": "目标…措施…资金…时限…"})
    assert ok.json()["status"] == "rectifying"


def test_overdue_dangers_are_escalated_once_by_the_tick(paying: Any, client_for: Any,
                                                        django_capture_on_commit_callbacks: Any) -> None:
    client = client_for(paying.officer_a)
    late = post(client, "/hidden-dangers", danger_body(paying.officer_a, found_on=str(days(-10)),
                                                       deadline=str(days(-2)))).json()
    post(client, "/hidden-dangers", danger_body(paying.officer_a, title="未到期"))
    with django_capture_on_commit_callbacks(execute=True):
        assert tick().escalated == 1
    assert tick().escalated == 0  # once
    danger = HiddenDanger.objects.get(pk=late["id"])
    assert danger.escalated_at is not None
    step = HiddenDangerStep.objects.get(danger=danger, action="逾期升级")
    assert "超过整改期限 2 天" in step.note and "县应急管理局" in step.note
    assert AuditEvent.objects.filter(action=PreventionAudit.HAZARD_ESCALATED, object_id=str(danger.pk)).count() == 1
    overdue = [e for e in events.backend().recent(0) if e.payload.get("verb") == "overdue"]
    assert [e.payload["id"] for e in overdue] == [danger.pk] and overdue[0].payload["overdue_days"] == 2
    listed = client.get(f"{API}/hidden-dangers", {"overdue": "true"}).json()
    assert [d["id"] for d in listed["items"]] == [danger.pk] and listed["items"][0]["overdue"] is True


def test_photos_are_checked_by_their_bytes(paying: Any, client_for: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = client_for(paying.officer_a)
    pk = post(client, "/hidden-dangers", danger_body(paying.officer_a)).json()["id"]
    fake = io.BytesIO(b"<html>not an image</html>")
    fake.name = "x.png"
    refused = client.post(f"{API}/hidden-dangers/{pk}/photos", {"file": fake})
    assert refused.status_code == 422 and "JPEG 或 PNG" in messages(refused)["file"]
    image = io.BytesIO(PNG)
    image.name = "crack.png"
    added = client.post(f"{API}/hidden-dangers/{pk}/photos", {"file": image, "caption": "裂缝"})
    assert added.status_code == 201, added.content
    served = client.get(added.json()["url"])
    assert served.status_code == 200 and b"".join(served.streaming_content) == PNG
    assert client_for(paying.officer_b).get(added.json()["url"]).status_code == 404
